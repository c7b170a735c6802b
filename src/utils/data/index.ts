// torch.utils.data
export {
  Dataset,
  IterableDataset,
  TensorDataset,
  Subset,
  ConcatDataset,
  randomSplit,
  type MapDataset,
  type MapDatasetLike,
  type IterableDatasetLike,
} from "./dataset.ts";
export {
  Sampler,
  SequentialSampler,
  RandomSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  BatchSampler,
  type RandomSamplerOptions,
  type Sized,
} from "./sampler.ts";
export { DistributedSampler, type DistributedSamplerOptions } from "./distributedSampler.ts";
export { defaultCollate, defaultConvert, type Collated, type NumericArray } from "./collate.ts";
export { DataLoader, type DataLoaderOptions } from "./dataloader.ts";
// Node only, but safe to bundle: node:* modules are imported lazily, on the first pass.
export { TextLineDataset, type TextLineDatasetOptions } from "./textLines.ts";
