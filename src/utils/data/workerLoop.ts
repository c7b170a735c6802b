// The loop a DataLoader worker runs (PyTorch: torch/utils/data/_utils/worker.py _worker_loop),
// the same in a Node worker thread and in a Web Worker; workerEntry.ts connects it to the port.
//
// At start: one thread of compute (torch.set_num_threads(1)), the default generator seeded with
// baseSeed + workerId, the dataset, collateFn and workerInitFn rebuilt from their encoded form
// (importing the modules that define them), getWorkerInfo() set, workerInitFn(workerId) run.
// A failure there is kept and answered to the first task, as PyTorch does. Then tasks are
// answered one at a time, in the order they came; an error in one task is answered for that
// task and the loop goes on.
import * as torch from "../../index.ts";
import { setNumThreads } from "../../backends/wasm/index.ts";
import { manualSeed } from "../../random/generator.ts";
import { observeAllocations, type Storage } from "../../dtype.ts";
import { getSample, isMapDataset, type MapDatasetLike } from "./dataset.ts";
import { buffersOf, decode, encodeResult, resolveRefs, setBuiltins } from "./transport.ts";
import { setWorkerInfo } from "./workerInfo.ts";
import type { InitMessage, Port, TaskMessage, ToWorker, WorkerError } from "./workerProtocol.ts";

class Located extends Error {
  constructor(
    readonly error: unknown,
    readonly where: string,
  ) {
    super("located");
  }
}

function toWorkerError(e: unknown, where: string, inBatch: boolean): WorkerError {
  if (e instanceof Located) return toWorkerError(e.error, e.where, inBatch);
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack ?? `${e.name}: ${e.message}`, where, inBatch };
  return { name: "Error", message: String(e), stack: String(e), where, inBatch };
}

/** Batches of one worker's dataset copy; `undefined` means the copy is exhausted (iterable). */
type Fetch = (index: number | readonly number[]) => Promise<{ value: unknown; samples: unknown } | undefined>;

function mapFetcher(ds: MapDatasetLike<unknown>, auto: boolean, collate: (x: unknown) => unknown): Fetch {
  const one = async (i: number): Promise<unknown> => {
    try {
      return await getSample(ds, i);
    } catch (e) {
      throw new Located(e, `while fetching sample index ${i}`);
    }
  };
  return async (index) => {
    let samples: unknown;
    if (auto) {
      // Every sample is fetched (an async dataset's run concurrently); the lowest failing index wins.
      const settled = await Promise.allSettled((index as readonly number[]).map(one));
      samples = settled.map((s) => {
        if (s.status === "rejected") throw s.reason;
        return s.value;
      });
    } else samples = await one(index as number);
    return { value: collateCall(collate, samples), samples };
  };
}

function collateCall(collate: (x: unknown) => unknown, samples: unknown): unknown {
  try {
    return collate(samples);
  } catch (e) {
    throw new Located(e, "in collateFn");
  }
}

interface IterableFetcher {
  fetch: Fetch;
  close(): Promise<void>;
}

/** Thrown out of a task when the main thread has asked the worker to stop (the task is dropped). */
const STOPPED = Symbol("stopped");

function iterableFetcher(
  ds: object,
  auto: boolean,
  dropLast: boolean,
  collate: (x: unknown) => unknown,
  stopRequested: () => boolean,
): IterableFetcher {
  const src = ds as Partial<Iterable<unknown> & AsyncIterable<unknown>>;
  const it: Iterator<unknown> | AsyncIterator<unknown> =
    typeof src[Symbol.asyncIterator] === "function" ? src[Symbol.asyncIterator]!() : src[Symbol.iterator]!();
  let ended = false;
  let position = 0;
  const next = async (): Promise<IteratorResult<unknown>> => {
    try {
      return await it.next();
    } catch (e) {
      throw new Located(e, `while fetching sample ${position} of the stream`);
    }
  };
  return {
    fetch: async (index) => {
      if (ended) return undefined;
      if (!auto) {
        const r = await next();
        if (r.done) {
          ended = true;
          return undefined;
        }
        position++;
        return { value: collateCall(collate, r.value), samples: r.value };
      }
      const want = index as number;
      const samples: unknown[] = [];
      while (samples.length < want) {
        if (stopRequested()) throw STOPPED; // a slow stream stops between samples, not after the batch
        const r = await next();
        if (r.done) {
          ended = true;
          break;
        }
        position++;
        samples.push(r.value);
      }
      if (samples.length === 0 || (dropLast && samples.length < want)) return undefined;
      return { value: collateCall(collate, samples), samples };
    },
    close: async () => {
      await it.return?.();
    },
  };
}

/** Runs the worker: returns after the main thread's "stop" has been answered. */
export async function runWorker(port: Port): Promise<void> {
  const inbox: ToWorker[] = [];
  let wake: (() => void) | null = null;
  port.onMessage((m) => {
    inbox.push(m);
    wake?.();
  });
  const receive = async (): Promise<ToWorker> => {
    while (inbox.length === 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    return inbox.shift()!;
  };

  const stopRequested = (): boolean => inbox.some((m) => m.type === "stop");
  const init = (await receive()) as InitMessage;
  setBuiltins(torch);
  setNumThreads(1);
  manualSeed(init.baseSeed + BigInt(init.workerId));

  let initError: WorkerError | null = null;
  let fetcher: Fetch | null = null;
  let iterable: IterableFetcher | null = null;
  let dataset: unknown;
  let collate: (x: unknown) => unknown = (x) => x;
  const makeFetcher = (): void => {
    if (init.kind === "map") fetcher = mapFetcher(dataset as MapDatasetLike<unknown>, init.autoCollation, collate);
    else {
      iterable = iterableFetcher(dataset as object, init.autoCollation, init.dropLast, collate, stopRequested);
      fetcher = iterable.fetch;
    }
  };
  let where = "while starting (importing and rebuilding the dataset)";
  try {
    const sent = { dataset: init.dataset, collateFn: init.collateFn, workerInitFn: init.workerInitFn };
    const table = await resolveRefs(sent, init.candidates);
    const got = decode(sent, table) as { dataset: unknown; collateFn: (x: unknown) => unknown; workerInitFn: ((id: number) => unknown) | null };
    dataset = got.dataset;
    collate = got.collateFn;
    if (init.kind === "map" && !isMapDataset(dataset)) throw new TypeError("the dataset arrived in the worker without getItem");
    setWorkerInfo({ id: init.workerId, numWorkers: init.numWorkers, seed: init.baseSeed + BigInt(init.workerId), dataset });
    where = "in workerInitFn";
    if (got.workerInitFn) await got.workerInitFn(init.workerId);
    where = "while starting the dataset's iterator";
    makeFetcher();
  } catch (e) {
    initError = toWorkerError(e, where, false);
  }

  let iterationEnd = false;
  for (;;) {
    const msg = await receive();
    if (msg.type === "stop") {
      try {
        await (iterable as IterableFetcher | null)?.close();
      } catch {
        // closing is best effort: the worker is going away
      }
      port.post({ type: "stopped" });
      return;
    }
    if (msg.type === "resume") {
      port.post({ type: "resumed" });
      iterationEnd = false;
      if (initError === null) {
        try {
          await (iterable as IterableFetcher | null)?.close();
          makeFetcher();
        } catch (e) {
          initError = toWorkerError(e, "while starting the dataset's iterator", false);
        }
      }
      continue;
    }
    // Tasks queued before a "stop" are dropped (PyTorch's done_event): the loop was left.
    if (msg.type !== "task" || iterationEnd || stopRequested()) continue;
    const { idx, index } = msg as TaskMessage;
    if (initError !== null) {
      port.post({ type: "error", idx, error: initError });
      initError = null;
      continue;
    }
    const fresh = new Set<Storage>();
    observeAllocations((a) => fresh.add(a));
    try {
      const got = await fetcher!(index);
      if (got === undefined) {
        iterationEnd = true;
        port.post({ type: "end", idx });
        continue;
      }
      const { message, transfer } = encodeResult(got.value, fresh, buffersOf(got.samples));
      port.post({ type: "data", idx, value: message }, transfer);
    } catch (e) {
      if (e === STOPPED) continue;
      port.post({ type: "error", idx, error: toWorkerError(e, "while sending the batch", true) });
    } finally {
      observeAllocations(null);
    }
  }
}
