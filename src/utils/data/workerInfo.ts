// torch.utils.data.get_worker_info(): inside a DataLoader worker, which worker this is.

/** What a DataLoader worker knows about itself (PyTorch: WorkerInfo). */
export interface WorkerInfo<D = unknown> {
  /** 0 .. numWorkers - 1. */
  readonly id: number;
  readonly numWorkers: number;
  /** The seed of this worker's default generator: the loader's base seed + id (a 64-bit integer). */
  readonly seed: bigint;
  /** This worker's copy of the dataset. */
  readonly dataset: D;
}

let current: WorkerInfo | null = null;

/** Inside a DataLoader worker: its id, the worker count, its seed and its dataset copy; elsewhere null. */
export function getWorkerInfo<D = unknown>(): WorkerInfo<D> | null {
  return current as WorkerInfo<D> | null;
}

/** @internal Set once by the worker loop when it starts. */
export function setWorkerInfo(info: WorkerInfo): void {
  current = Object.freeze({ ...info });
}
