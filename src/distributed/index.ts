// torch.distributed: process groups, collectives and stores (Node only; docs/DISTRIBUTED.md).
export {
  initProcessGroup, destroyProcessGroup, isInitialized, isAvailable, isTorchelasticLaunched, getRank, getWorldSize,
  getBackend, newGroup, GroupMember, DEFAULT_PG_TIMEOUT_MS, type InitProcessGroupOptions,
} from "./init.ts";
export {
  allReduce, broadcast, reduce, allGather, allGatherIntoTensor, reduceScatter, reduceScatterTensor, gather, scatter,
  barrier, send, recv, isend, irecv,
  type Async, type Sync, type GroupOpts, type ReduceOpts, type GatherOpts, type ScatterOpts, type P2POpts,
} from "./collectives.ts";
export type { RedCode } from "./wire/reduce.ts";
export { ReduceOp } from "./reduceOp.ts";
export { Work } from "./work.ts";
export { ProcessGroup, NON_GROUP_MEMBER, type Group } from "./processGroup.ts";
export { Store, TCPStore, PrefixStore, DEFAULT_STORE_TIMEOUT_MS, type Value as StoreValue } from "./store.ts";
