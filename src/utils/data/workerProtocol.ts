// Messages between the DataLoader (main thread) and its workers. Each worker answers its
// tasks in the order it received them, one at a time (PyTorch's _worker_loop).

/** main -> worker, first message: everything the worker needs to start. */
export interface InitMessage {
  type: "init";
  workerId: number;
  numWorkers: number;
  /** The loader's per-iterator draw; the worker seeds its default generator with baseSeed + workerId. */
  baseSeed: bigint;
  kind: "map" | "iterable";
  /** Batching (PyTorch's auto_collation): tasks carry lists of indices (map) or a sample count (iterable). */
  autoCollation: boolean;
  dropLast: boolean;
  /** Encoded (transport.ts): the dataset, the collate function and the init function. */
  dataset: unknown;
  collateFn: unknown;
  workerInitFn: unknown;
  /** Modules searched by name for classes and functions that carry no module of their own. */
  candidates: string[];
}

/** main -> worker: fetch one batch. `index`: the indices (map), or how many samples (iterable). */
export interface TaskMessage {
  type: "task";
  idx: number;
  index: number | readonly number[];
}

export type ToWorker =
  | InitMessage
  | TaskMessage
  /** Persistent workers, new epoch: acknowledge, then start the dataset over. */
  | { type: "resume" }
  /** Close the dataset's iterator, answer "stopped", and wait to be terminated. */
  | { type: "stop" };

/** An error raised by the dataset, collateFn or workerInitFn, as it crosses to the main thread. */
export interface WorkerError {
  name: string;
  message: string;
  stack: string;
  /** "while fetching sample index 37", "in collateFn", "in workerInitFn"... */
  where: string;
  /** Whether it happened while making a batch (the message then names the batch). */
  inBatch: boolean;
}

export type FromWorker =
  | { type: "data"; idx: number; value: unknown }
  | { type: "error"; idx: number; error: WorkerError }
  /** An iterable dataset's copy in this worker is exhausted (PyTorch: _IterableDatasetStopIteration). */
  | { type: "end"; idx: number }
  | { type: "resumed" }
  | { type: "stopped" };

/** The minimal port both Node's worker_threads and Web Workers provide. */
export interface Port {
  post(msg: FromWorker, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (msg: ToWorker) => void): void;
}
