// torch.utils.data.DataLoader (torch/utils/data/dataloader.py). With numWorkers > 0 the
// samples are loaded in worker threads (multiWorkerIter.ts); this file is the single-thread
// path and the options.
//
// `for (const batch of loader)` loads map-style datasets whose getItem is synchronous and
// sync iterable datasets. `for await (const batch of loader)` loads everything, including
// async getItem and async iterable datasets, and keeps `prefetchFactor` batches loading
// while the caller works on the current one. Invariants of the async path:
//   - batches come out in sampler order (a queue of promises, awaited first-in first-out);
//   - every index of the sampler is fetched exactly once (each batch is launched once);
//   - a failure surfaces when its batch's turn comes, never as an unhandled rejection.
// Like PyTorch, creating an iterator draws one int64 (`_base_seed`) from the loader's
// generator (or the default one) before the sampler draws anything, so a seeded loader
// yields PyTorch's batches and leaves the generator in PyTorch's state.
import { RuntimeError, TorchTypeError, ValueError } from "../../errors.ts";
import { defaultGenerator, Generator as GeneratorClass, type Generator as TorchGenerator } from "../../random/generator.ts";
import { any, bool, describe, func, instanceOf, int, nullable, param, parseArgs, str, type Args, type Checker } from "../../args.ts";
import { type Collated, defaultCollate, defaultConvert } from "./collate.ts";
import {
  datasetLength,
  getSample,
  isMapDataset,
  type IterableDatasetLike,
  type MapDatasetLike,
} from "./dataset.ts";
import { BatchSampler, randomInt64Seed, RandomSampler, SequentialSampler } from "./sampler.ts";
import { MultiWorkerIter } from "./multiWorkerIter.ts";

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); null turns batching off (each sample is yielded converted). */
  batchSize?: number | null;
  /** Reshuffle every epoch (RandomSampler seeded through `generator`). Map-style datasets only. */
  shuffle?: boolean;
  /** Where the indices come from (map-style datasets only); exclusive with shuffle. */
  sampler?: Iterable<number>;
  /** Where whole batches of indices come from; exclusive with batchSize, shuffle, sampler, dropLast. */
  batchSampler?: Iterable<readonly number[]>;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Makes a batch from a list of samples (default: defaultCollate; with batchSize null it gets one sample). */
  collateFn?: (batch: T[]) => B;
  /** The Generator for shuffling and for the per-iterator seed draw (default: the global one). */
  generator?: TorchGenerator;
  /**
   * Batches kept loading ahead of the one being used, in `for await` (default 2); with
   * workers, per worker (prefetchFactor * numWorkers batches in flight, as PyTorch).
   */
  prefetchFactor?: number;
  /** Worker threads that load samples and collate batches (default 0: the calling thread). Needs `for await`. */
  numWorkers?: number;
  /** Pinned (page-locked) memory for CUDA copies: torch-ts has no CUDA, so it changes nothing (as in PyTorch without CUDA). */
  pinMemory?: boolean;
  pinMemoryDevice?: string;
  /** Seconds to wait for a batch from the workers before a RuntimeError (default 0: forever). */
  timeout?: number;
  /** Called in each worker with its id, after seeding and before loading (may be async). Must be an exported function. */
  workerInitFn?: ((workerId: number) => unknown) | null;
  /** Only null: workers are threads, started one way. */
  multiprocessingContext?: null;
  /** Keep the workers (and their dataset copies) from one epoch to the next. */
  persistentWorkers?: boolean;
}

const fail = (arg: string, expected: string, v: unknown): TorchTypeError =>
  new TorchTypeError(`DataLoader(): argument '${arg}' must be ${expected}, but got ${describe(v)}`);
const iterable: Checker<Iterable<unknown> | null> = (v, arg) => {
  if (v === null || (typeof v === "object" && Symbol.iterator in v)) return v as Iterable<unknown> | null;
  throw fail(arg, "an iterable (a Sampler or an array)", v);
};
const fnOrNull = nullable(func);
const generator = nullable(instanceOf(GeneratorClass, "a torch.Generator"));

// DataLoader(dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0, collate_fn=None,
//            pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None, multiprocessing_context=None,
//            generator=None, *, prefetch_factor=2, persistent_workers=False, pin_memory_device='')
// batch_size and prefetch_factor take any value here: their checks below give PyTorch's ValueErrors.
const POSITIONAL = [
  param("batchSize", any, 1), param("shuffle", nullable(bool), null), param("sampler", iterable, null),
  param("batchSampler", iterable, null), param("numWorkers", int(), 0), param("collateFn", fnOrNull, null),
  param("pinMemory", bool, false), param("dropLast", bool, false), param("timeout", any, 0),
  param("workerInitFn", fnOrNull, null), param("multiprocessingContext", any, null), param("generator", generator, null),
];
const KEYWORD = [param("prefetchFactor", any, 2), param("persistentWorkers", bool, false), param("pinMemoryDevice", str, "")];

/** PyTorch's positional parameters of DataLoader after the dataset, labelled for TypeScript. */
export type DataLoaderPositional<T, B> = [
  batchSize: number | null, shuffle: boolean | null, sampler: Iterable<number> | null, batchSampler: Iterable<readonly number[]> | null,
  numWorkers: number, collateFn: ((batch: T[]) => B) | null, pinMemory: boolean, dropLast: boolean, timeout: number,
  workerInitFn: ((workerId: number) => unknown) | null, multiprocessingContext: null, generator: TorchGenerator | null,
];

/** The constructor's arguments, read and checked: PyTorch's defaults filled in, null as undefined. */
function loaderArgs<T, B>(args: readonly unknown[]): DataLoaderOptions<T, B> {
  const a = parseArgs<Record<string, unknown>>("DataLoader", POSITIONAL, args, KEYWORD);
  if ((a.numWorkers as number) < 0) throw new ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
  if (typeof a.timeout !== "number" || !(a.timeout >= 0)) throw new ValueError("timeout option should be non-negative");
  if (a.multiprocessingContext !== null) {
    if (a.numWorkers === 0) throw new ValueError(`multiprocessing_context can only be used with multi-process loading (num_workers > 0), but got num_workers=${a.numWorkers}`);
    throw new ValueError("multiprocessing_context: torch-ts's workers are threads, started one way; leave it null");
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) out[k] = v === null && k !== "batchSize" ? undefined : v;
  return out as DataLoaderOptions<T, B>;
}

/** What a DataLoader loads from: a map-style dataset (length and index) or an iterable one. */
export type AnyDataset<T> = MapDatasetLike<T> | IterableDatasetLike<T>;
const END = Symbol("end of epoch");

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as PromiseLike<unknown>).then === "function";
}

const annotated = new WeakSet<object>();

/**
 * Puts where a dataset error happened into its message (keeping the error's class, so
 * `instanceof` checks in the training loop still work), PyTorch-style:
 * "Caught ValueError in DataLoader while fetching sample index 17 (batch 4): <message>".
 */
function annotate(err: unknown, where: string, batch: number): Error {
  const name = err instanceof Error ? err.name : "error";
  const prefix = `Caught ${name} in DataLoader while fetching ${where} (batch ${batch}): `;
  if (!(err instanceof Error)) return new RuntimeError(prefix + String(err));
  if (annotated.has(err)) return err;
  const oldHeader = `${err.name}: ${err.message}`;
  try {
    err.message = prefix + err.message;
    // V8 formats `stack` when the error is made: rewrite its first line too, so an uncaught
    // error prints the index.
    if (typeof err.stack === "string" && err.stack.startsWith(oldHeader)) {
      err.stack = `${err.name}: ${err.message}${err.stack.slice(oldHeader.length)}`;
    }
  } catch {
    return new RuntimeError(prefix + err.message, { cause: err });
  }
  annotated.add(err);
  return err;
}

/** T: a sample; B: a batch; D: the dataset's own type (`loader.dataset.length` for a map-style one). */
export class DataLoader<T = unknown, B = Collated<T>, D extends AnyDataset<T> = AnyDataset<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: D;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  /** The index sampler (map-style datasets); undefined for iterable datasets. */
  readonly sampler: Iterable<number> | undefined;
  readonly batchSampler: Iterable<readonly number[]> | undefined;
  readonly collateFn: (batch: T[]) => B;
  readonly generator: TorchGenerator | undefined;
  readonly prefetchFactor: number;
  readonly numWorkers: number;
  readonly persistentWorkers: boolean;
  readonly workerInitFn: ((workerId: number) => unknown) | undefined;
  readonly timeout: number;
  private readonly isMap: boolean;
  /** Persistent workers' iterator, kept across epochs (PyTorch: DataLoader._iterator). */
  private workerIter: MultiWorkerIter<B> | null = null;

  constructor(dataset: D & AnyDataset<T>, ...args: Args<DataLoaderPositional<T, B>, DataLoaderOptions<T, B>>) {
    const opts = loaderArgs<T, B>(args);
    this.dataset = dataset;
    this.numWorkers = opts.numWorkers ?? 0;
    if (!Number.isInteger(this.numWorkers) || this.numWorkers < 0) {
      throw new ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
    }
    this.timeout = opts.timeout ?? 0;
    if (typeof this.timeout !== "number" || !(this.timeout >= 0)) throw new ValueError("timeout option should be non-negative");
    this.persistentWorkers = opts.persistentWorkers ?? false;
    if (this.persistentWorkers && this.numWorkers === 0) throw new ValueError("persistent_workers option needs num_workers > 0");
    this.workerInitFn = opts.workerInitFn ?? undefined;
    if (this.workerInitFn !== undefined && typeof this.workerInitFn !== "function") {
      throw new TorchTypeError(`DataLoader: workerInitFn must be a function, got ${typeof this.workerInitFn}`);
    }
    this.isMap = isMapDataset(dataset);
    this.generator = opts.generator;
    let batchSize = opts.batchSize === undefined ? 1 : opts.batchSize;
    let dropLast = opts.dropLast ?? false;
    const shuffle = opts.shuffle;
    let sampler = opts.sampler;
    let batchSampler = opts.batchSampler;
    this.prefetchFactor = opts.prefetchFactor ?? 2;
    if (!Number.isInteger(this.prefetchFactor) || this.prefetchFactor <= 0) {
      throw new ValueError(`prefetch_factor option should be a positive integer, but got prefetchFactor=${opts.prefetchFactor}`);
    }
    if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize <= 0)) {
      throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    }

    if (!this.isMap) {
      if (!(Symbol.iterator in Object(dataset)) && !(Symbol.asyncIterator in Object(dataset))) {
        throw new TorchTypeError(
          `DataLoader: the dataset must be map-style (getItem and length, or an array) or iterable ` +
            `([Symbol.iterator] or [Symbol.asyncIterator]), got ${Object(dataset).constructor?.name ?? typeof dataset}`,
        );
      }
      if (shuffle !== undefined && shuffle !== false) {
        throw new ValueError(`DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${shuffle}`);
      }
      if (sampler !== undefined) {
        throw new ValueError("DataLoader with IterableDataset: expected unspecified sampler option, but got a sampler");
      }
      if (batchSampler !== undefined) {
        throw new ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but got a batch_sampler");
      }
    }
    if (sampler !== undefined && shuffle) throw new ValueError("sampler option is mutually exclusive with shuffle");
    if (batchSampler !== undefined) {
      if (opts.batchSize !== 1 || shuffle || sampler !== undefined || dropLast) {
        throw new ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
      }
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null && dropLast) {
      throw new ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last");
    }
    // A map-style dataset's length is checked now, so a NaN / negative / fractional length
    // is reported where the loader is made, not as an empty or endless epoch later.
    if (this.isMap) datasetLength(dataset);
    if (this.isMap && sampler === undefined) {
      const ds = dataset as MapDatasetLike<T>;
      sampler = shuffle ? new RandomSampler(ds, { generator: this.generator }) : new SequentialSampler(ds);
    }
    if (this.isMap && batchSize !== null && batchSampler === undefined) {
      batchSampler = new BatchSampler(sampler!, batchSize, dropLast);
    }
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.sampler = sampler;
    this.batchSampler = batchSampler;
    const batching = batchSampler !== undefined || (!this.isMap && batchSize !== null);
    this.collateFn = opts.collateFn ?? ((batching ? defaultCollate : defaultConvert) as unknown as (batch: T[]) => B);
  }

  /** Batches per epoch (PyTorch: len(loader)); for an iterable dataset, from its `length`. */
  get length(): number {
    if (!this.isMap) {
      const n = datasetLength(this.dataset);
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    return datasetLength(this.batchSampler ?? this.sampler);
  }

  /** What `iter(loader)` does before any sample: the index iterator, then the seed draw (`_base_seed`). */
  private startEpoch(): { index: Iterator<number | readonly number[]> | undefined; baseSeed: bigint } {
    const index = this.isMap ? (this.batchSampler ?? this.sampler!)[Symbol.iterator]() : undefined;
    const baseSeed = randomInt64Seed(this.generator ?? defaultGenerator);
    return { index, baseSeed };
  }

  private get batching(): boolean {
    return this.batchSampler !== undefined;
  }

  /** Synchronous iteration: map-style datasets with a synchronous getItem, or sync iterables. */
  [Symbol.iterator](): Iterator<B> {
    if (this.numWorkers > 0) {
      throw new TorchTypeError(
        `DataLoader: with numWorkers > 0 batches arrive from worker threads: iterate with \`for await (const batch of loader)\``,
      );
    }
    const { index } = this.startEpoch();
    if (!this.isMap) {
      const ds = this.dataset as Partial<Iterable<T> & AsyncIterable<T>>;
      if (typeof ds[Symbol.iterator] !== "function") {
        throw new TorchTypeError(
          "DataLoader: the dataset is async (it has [Symbol.asyncIterator] only): iterate with `for await (const batch of loader)`",
        );
      }
      return this.syncIterable(ds[Symbol.iterator]!());
    }
    return this.syncMap(index!);
  }

  private *syncMap(index: Iterator<number | readonly number[]>): Generator<B, void, undefined> {
    const ds = this.dataset as MapDatasetLike<T>;
    const fetch = (i: number, batch: number): T => {
      let s: T | Promise<T>;
      try {
        s = getSample(ds, i);
      } catch (e) {
        throw annotate(e, `sample index ${i}`, batch);
      }
      if (isThenable(s)) {
        (s as Promise<T>).then(undefined, () => {}); // nobody will await it
        throw new TorchTypeError(
          `DataLoader: dataset.getItem(${i}) returned a Promise: iterate with \`for await (const batch of loader)\``,
        );
      }
      return s;
    };
    for (let batch = 0; ; batch++) {
      const r = index.next();
      if (r.done) return;
      if (this.batching) yield this.collateFn((r.value as readonly number[]).map((i) => fetch(i, batch)));
      else yield (this.collateFn as unknown as (s: T) => B)(fetch(r.value as number, batch));
    }
  }

  private *syncIterable(it: Iterator<T>): Generator<B, void, undefined> {
    let sample = 0;
    const next = (batch: number): IteratorResult<T> => {
      try {
        return it.next();
      } catch (e) {
        throw annotate(e, `sample ${sample} of the stream`, batch);
      }
    };
    let finished = false;
    try {
      for (let batch = 0; ; batch++) {
        if (this.batchSize === null) {
          const r = next(batch);
          if (r.done) break;
          sample++;
          yield (this.collateFn as unknown as (s: T) => B)(r.value);
          continue;
        }
        const samples: T[] = [];
        let done = false;
        while (samples.length < this.batchSize) {
          const r = next(batch);
          if (r.done) {
            done = true;
            break;
          }
          sample++;
          samples.push(r.value);
        }
        if (samples.length > 0 && !(done && this.dropLast && samples.length < this.batchSize)) yield this.collateFn(samples);
        if (done) break;
      }
      finished = true;
    } finally {
      if (!finished) it.return?.(); // the caller stopped early: close the stream
    }
  }

  /** Asynchronous iteration with prefetching; works for every kind of dataset. */
  [Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers > 0) return this.workerEpoch();
    const { index } = this.startEpoch();
    if (this.isMap) return this.asyncMap(index!);
    const ds = this.dataset as Partial<Iterable<T> & AsyncIterable<T>>;
    const it: Iterator<T> | AsyncIterator<T> =
      typeof ds[Symbol.asyncIterator] === "function" ? ds[Symbol.asyncIterator]!() : ds[Symbol.iterator]!();
    return this.asyncIterable(it);
  }

  /**
   * An epoch loaded by worker threads. As in PyTorch, persistent workers are started by the
   * first epoch (which draws the base seed) and reset by the later ones (which draw none).
   */
  private workerEpoch(): AsyncGenerator<B, void, undefined> {
    let it = this.workerIter;
    if (it !== null && !it.isShutdown) it.reset();
    else {
      const { baseSeed } = this.startEpoch();
      it = new MultiWorkerIter<B>(
        {
          dataset: this.dataset,
          kind: this.isMap ? "map" : "iterable",
          autoCollation: this.batchSampler !== undefined || (!this.isMap && this.batchSize !== null),
          dropLast: this.dropLast,
          indexIterable: () => this.taskIndices(),
          collateFn: this.collateFn,
          workerInitFn: this.workerInitFn,
          numWorkers: this.numWorkers,
          prefetchFactor: this.prefetchFactor,
          persistentWorkers: this.persistentWorkers,
          timeout: this.timeout,
        },
        baseSeed,
      );
      if (this.persistentWorkers) this.workerIter = it;
    }
    return this.drain(it);
  }

  /** What each task asks a worker for: a batch of indices or an index (map), a sample count (iterable). */
  private *taskIndices(): Generator<number | readonly number[], void, undefined> {
    if (this.isMap) {
      yield* (this.batchSampler ?? this.sampler!) as Iterable<number | readonly number[]>;
      return;
    }
    for (;;) yield this.batchSize ?? 1; // PyTorch's _InfiniteConstantSampler
  }

  private async *drain(it: MultiWorkerIter<B>): AsyncGenerator<B, void, undefined> {
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      // An early break or an error: non-persistent workers stop now; persistent ones wait for
      // the next epoch's reset (after a timeout or a dead worker they are already gone).
      if (!this.persistentWorkers) await it.shutdown();
    }
  }

  /** Stops persistent workers now (they also stop when the program ends). */
  async shutdownWorkers(): Promise<void> {
    const it = this.workerIter;
    this.workerIter = null;
    await it?.shutdown();
  }

  /** One map-style batch, its samples fetched concurrently; the lowest failing index wins. */
  private async fetchBatch(indices: readonly number[], batch: number): Promise<T[]> {
    const ds = this.dataset as MapDatasetLike<T>;
    const settled = await Promise.allSettled(
      indices.map(async (i) => {
        try {
          return await getSample(ds, i);
        } catch (e) {
          throw annotate(e, `sample index ${i}`, batch);
        }
      }),
    );
    return settled.map((s) => {
      if (s.status === "rejected") throw s.reason;
      return s.value;
    });
  }

  private async *asyncMap(index: Iterator<number | readonly number[]>): AsyncGenerator<B, void, undefined> {
    const queue: Promise<B>[] = [];
    let launched = 0;
    let exhausted = false;
    const launch = (): void => {
      if (exhausted) return;
      const r = index.next();
      if (r.done) {
        exhausted = true;
        return;
      }
      const batch = launched++;
      const p = this.batching
        ? this.fetchBatch(r.value as readonly number[], batch).then((samples) => this.collateFn(samples))
        : this.fetchBatch([r.value as number], batch).then(([s]) => (this.collateFn as unknown as (s: T) => B)(s!));
      p.catch(() => {}); // handled when its turn comes (or dropped if the caller stops early)
      queue.push(p);
    };
    for (let k = 0; k < this.prefetchFactor; k++) launch();
    while (queue.length > 0) {
      const b = await queue.shift()!;
      launch(); // keep prefetchFactor batches loading while the caller uses b
      yield b;
    }
  }

  private async *asyncIterable(it: Iterator<T> | AsyncIterator<T>): AsyncGenerator<B, void, undefined> {
    const batchSize = this.batchSize;
    let sample = 0;
    let done = false;
    let failed = false;
    let launched = 0;
    // Batches read the stream one after the other: each starts when the previous one ends.
    const readBatch = async (batch: number): Promise<B | typeof END> => {
      if (done || failed) return END;
      const samples: T[] = [];
      const want = batchSize ?? 1;
      while (samples.length < want) {
        let r: IteratorResult<T>;
        try {
          r = await it.next();
        } catch (e) {
          failed = true;
          throw annotate(e, `sample ${sample} of the stream`, batch);
        }
        if (r.done) {
          done = true;
          break;
        }
        sample++;
        samples.push(r.value);
      }
      if (samples.length === 0) return END;
      if (batchSize === null) return (this.collateFn as unknown as (s: T) => B)(samples[0]!);
      if (done && this.dropLast && samples.length < batchSize) return END;
      return this.collateFn(samples);
    };
    const queue: Promise<B | typeof END>[] = [];
    let tail: Promise<unknown> = Promise.resolve();
    const launch = (): void => {
      const batch = launched++;
      const p = tail.then(() => readBatch(batch));
      tail = p.catch(() => {});
      p.catch(() => {});
      queue.push(p);
    };
    let finished = false;
    try {
      for (let k = 0; k < this.prefetchFactor; k++) launch();
      for (;;) {
        const b = await queue.shift()!;
        if (b === END) break;
        launch();
        yield b;
      }
      finished = true;
    } finally {
      if (!finished) {
        await tail; // let reads in flight settle, then close the stream
        await it.return?.();
      }
    }
  }
}
