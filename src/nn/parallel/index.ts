// torch.nn.parallel
export { DistributedDataParallel, DDP, type DistributedDataParallelOptions } from "./distributed.ts";
export { computeBucketAssignmentBySize, DEFAULT_FIRST_BUCKET_BYTES, type Sized } from "./buckets.ts";
export { DataParallel, type DataParallelOptions } from "./dataParallel.ts";
