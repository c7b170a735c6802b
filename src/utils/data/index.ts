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
export { DataLoader, type DataLoaderOptions, type AnyDataset, type DataLoaderPositional } from "./dataloader.ts";
export { getWorkerInfo, type WorkerInfo } from "./workerInfo.ts";
export { registerWorkerModule } from "./transport.ts";
export { shardByWorker, shardByRank, rankInfo, type RankOptions, type RankInfo, type Source as ShardSource } from "./sharding.ts";
export { WebDataset, ShardTracker, type WebDatasetOptions, type WebDatasetSample, type ShardState } from "./webdataset/webdataset.ts";
export { ShardWriter, type ShardWriterOptions } from "./webdataset/shardWriter.ts";
export { NpyArrayDataset, RawArrayDataset, type RawArrayOptions, type RecordDtype } from "./webdataset/records.ts";
export { readTar, writeTar, TarError, type TarEntry } from "./webdataset/tar.ts";
export { braceExpand } from "./webdataset/braceExpand.ts";
export { decodeNpy, encodeNpy, type NpyHeader } from "./webdataset/npy.ts";
export type { Decoder, Decoders, Encoder } from "./webdataset/codecs.ts";
// Node only, but safe to bundle: node:* modules are imported lazily, on the first pass.
export { TextLineDataset, type TextLineDatasetOptions, type TextEncodingName } from "./textLines.ts";
