// The requests the main thread sends the communication thread (../bridge.ts -> commWorker.ts).
// Tensor data never travels in a message: it sits in SharedArrayBuffers both threads see.

/** A byte range of shared memory. */
export interface Region {
  buffer: SharedArrayBuffer;
  offset: number;
  length: number;
}

export type StoreMethod = "set" | "get" | "add" | "compareSet" | "check" | "wait" | "numKeys" | "deleteKey" | "setTimeout";

export type CollectiveName = "allReduce" | "broadcast" | "reduce" | "allGather" | "reduceScatter" | "gather" | "scatter" | "barrier";

export type Request = { id: number } & (
  | {
    t: "store.open";
    storeId: number;
    host: string;
    port: number;
    isServer: boolean;
    numWorkers: number | null;
    waitWorkers: boolean;
    timeoutMs: number;
    multiTenant: boolean;
  }
  | { t: "store.op"; storeId: number; method: StoreMethod; args: unknown[] }
  | { t: "store.close"; storeId: number }
  | { t: "pg.init"; storeId: number; prefix: string; rank: number; size: number; timeoutMs: number; host: string | null }
  | { t: "group.new"; group: { id: number; ranks: number[]; timeoutMs: number } }
  | {
    t: "op";
    op: CollectiveName | "send" | "recv";
    group: number;
    regions: Region[];
    dtype: string;
    shape: number[];
    redop: number;
    /** Root (group rank) of rooted collectives, else -1. */
    root: number;
    /** Bytes per rank's piece (allGather, reduceScatter). */
    piece: number;
    /** send/recv: the other side's global rank (-1: any source), tag and timeout. */
    peer: number;
    tag: number;
    timeoutMs: number;
  }
  | { t: "pg.destroy" }
);

export interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string };
}
