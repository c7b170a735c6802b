// WebDataset: samples stored as `key.ext` files grouped in .tar shards (the webdataset
// package's format), read as a stream so a dataset of any size passes through in constant
// memory. One pass (an epoch):
//   1. the shard list (brace patterns expanded) in order, or permuted (shardShuffle);
//   2. split by rank (shards rank, rank + worldSize, ...) then by DataLoader worker;
//   3. each shard streamed (file or URL), its files grouped into samples by key (the name up
//      to the first dot of its last path component; consecutive files with the same key);
//   4. each file decoded by its extension (codecs.ts, or the `decode` hooks);
//   5. optionally mixed through a shuffle buffer (webdataset's shuffle(bufsize, initial)).
// Every sample also carries __key__, __url__, __shard__ (the shard's index in the list) and
// __offset__ / __end__ (the byte range of its files in the shard), which is what resumption
// needs: ShardTracker keeps, per shard, the end of the last sample used, and `resume` starts
// each stream after it.
//
// Seeds: with `seed`, the shuffles of epoch e use (seed, e) where e counts setEpoch plus the
// passes this copy has made; without it, a DataLoader worker uses the epoch's base seed (the
// same in every worker, so the shard permutation is too) and the main thread draws an int64
// from the default generator, so torch.manualSeed makes the order reproducible.
import { ValueError } from "../../../errors.ts";
import { randperm } from "../../../ops/creation.ts";
import { defaultGenerator, Generator } from "../../../random/generator.ts";
import { Tensor } from "../../../tensor.ts";
import { IterableDataset } from "../dataset.ts";
import { randomInt64Seed } from "../sampler.ts";
import { rankInfo } from "../sharding.ts";
import { checkOptions } from "../../../args.ts";
import { getWorkerInfo } from "../workerInfo.ts";
import { braceExpand } from "./braceExpand.ts";
import { DEFAULT_DECODERS, extensionOf, type Decoders } from "./codecs.ts";
import { absoluteSource, byteStream } from "./sources.ts";
import { readTar, type TarEntry } from "./tar.ts";

export type WebDatasetSample = Record<string, unknown> & {
  __key__: string;
  __url__: string;
  __shard__: number;
  __offset__: number;
  __end__: number;
};

/** Where to pick up an epoch: per shard index, the byte offset after the last sample used. */
export interface ShardState {
  epoch: number;
  shards: Record<string, number>;
}

export interface WebDatasetOptions {
  /** Permute the shard list every epoch (default false). */
  shardShuffle?: boolean;
  /** Shuffle-buffer size in samples (default 0: no buffer). */
  shuffle?: number;
  /** Samples buffered before the first one leaves (default min(100, shuffle), as webdataset). */
  shuffleInitial?: number;
  /** Seed of both shuffles (see the top of the file for what happens without one). */
  seed?: number | bigint;
  /**
   * Decoders by extension, used before the defaults (codecs.ts); false: every file stays bytes.
   * With DataLoader workers they must be exported functions, like any function a worker gets.
   */
  decode?: Decoders | false;
  /** Split the shards between ranks (default true; rank and worldSize from options or RANK / WORLD_SIZE). */
  splitByRank?: boolean;
  rank?: number;
  worldSize?: number;
  /** Split the rank's shards between DataLoader workers (default true). */
  splitByWorker?: boolean;
  /** Start the first pass where a ShardTracker's state says. */
  resume?: ShardState;
  /** Samples per epoch, if known (gives DataLoader.length). */
  length?: number;
}

const OPTION_KEYS = [
  "shardShuffle", "shuffle", "shuffleInitial", "seed", "decode", "splitByRank", "rank", "worldSize", "splitByWorker", "resume", "length",
] as const;

const MASK64 = (1n << 64n) - 1n;
/** A 64-bit seed from two numbers (splitmix-style mixing, so nearby inputs give unrelated seeds). */
function mix(a: bigint, b: bigint): bigint {
  let z = (a * 0x9e3779b97f4a7c15n + b + 0x632be59bd9b4e019n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** webdataset's base_plus_ext: "dir/abc.seg.png" -> ["dir/abc", "seg.png"]. */
function keyAndField(name: string): [string, string] | null {
  const m = /^((?:.*\/|)[^./]+)\.([^/]*)$/.exec(name);
  return m ? [m[1]!, m[2]!] : null;
}

/** A uniform integer in [0, n) from the generator (rejection sampling on 32-bit draws). */
function below(g: Generator, n: number): number {
  const limit = Math.floor(0x100000000 / n) * n;
  for (;;) {
    const r = g.random();
    if (r < limit) return r % n;
  }
}

export class WebDataset extends IterableDataset<WebDatasetSample> {
  readonly urls: string[];
  readonly shardShuffle: boolean;
  readonly bufferSize: number;
  readonly bufferInitial: number;
  readonly seed: bigint | undefined;
  /** The caller's decoders (the defaults are looked up when decoding), or null: no decoding. */
  readonly decoders: Decoders | null;
  readonly splitByRank: boolean;
  readonly splitByWorker: boolean;
  readonly rank: number;
  readonly worldSize: number;
  readonly resume: ShardState | undefined;
  readonly sampleCount: number | undefined;
  /** The epoch set with setEpoch (or resume). */
  epoch = 0;
  /** Passes this copy has made: each one is a new epoch. */
  passes = 0;

  constructor(urls: string | readonly string[], opts: WebDatasetOptions = {}) {
    super();
    checkOptions("WebDataset", opts, OPTION_KEYS);
    this.urls = (typeof urls === "string" ? [urls] : [...urls]).flatMap(braceExpand).map(absoluteSource);
    if (this.urls.length === 0) throw new ValueError("WebDataset: the shard list is empty");
    this.shardShuffle = opts.shardShuffle ?? false;
    this.bufferSize = opts.shuffle ?? 0;
    if (!Number.isInteger(this.bufferSize) || this.bufferSize < 0) throw new ValueError(`WebDataset: shuffle should be a non-negative integer, got ${opts.shuffle}`);
    this.bufferInitial = Math.min(opts.shuffleInitial ?? 100, this.bufferSize);
    this.seed = opts.seed === undefined ? undefined : BigInt(opts.seed);
    this.decoders = opts.decode === false ? null : { ...opts.decode };
    this.splitByRank = opts.splitByRank ?? true;
    this.splitByWorker = opts.splitByWorker ?? true;
    const { rank, worldSize } = this.splitByRank ? rankInfo(opts) : { rank: 0, worldSize: 1 };
    this.rank = rank;
    this.worldSize = worldSize;
    this.resume = opts.resume;
    if (this.resume !== undefined) {
      if ((this.shardShuffle || this.bufferSize > 0) && this.seed === undefined) {
        throw new ValueError("WebDataset: resume with shardShuffle or shuffle needs a seed (the resumed epoch must shuffle as the first run did)");
      }
      this.epoch = this.resume.epoch;
    }
    this.sampleCount = opts.length;
  }

  /** Sets the epoch of the next pass (call before each epoch when copies do not persist). */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
    this.passes = 0;
  }

  get length(): number | undefined {
    return this.sampleCount;
  }

  /** The seed of this pass's shuffles, the same in every worker and rank. */
  private passSeed(pass: number): bigint {
    if (this.seed !== undefined) return mix(this.seed, BigInt(this.epoch + pass));
    const w = getWorkerInfo();
    if (w) return mix(w.seed - BigInt(w.id), BigInt(this.epoch + pass));
    return randomInt64Seed(defaultGenerator);
  }

  /** The shard indices this rank and worker read in this pass, in order. */
  private streamShards(seed: bigint | null): number[] {
    let order = [...this.urls.keys()];
    if (this.shardShuffle) {
      const g = new Generator().manualSeed(seed!);
      order = Array.from(randperm(order.length, { generator: g }).tolist() as number[]);
    }
    order = order.filter((_, k) => k % this.worldSize === this.rank);
    const w = this.splitByWorker ? getWorkerInfo() : null;
    if (w) order = order.filter((_, k) => k % w.numWorkers === w.id);
    return order;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WebDatasetSample, void, undefined> {
    const pass = this.passes++;
    const shuffles = this.shardShuffle || this.bufferSize > 0;
    const seed = shuffles ? this.passSeed(pass) : null;
    let shards = this.streamShards(seed);
    const starts = new Map<number, number>();
    if (this.resume !== undefined && pass === 0) {
      // Shards before the last one this stream had started are done; that one resumes.
      let last = -1;
      shards.forEach((s, k) => {
        if (this.resume!.shards[s] !== undefined) last = k;
      });
      if (last >= 0) {
        starts.set(shards[last]!, this.resume.shards[shards[last]!]!);
        shards = shards.slice(last);
      }
    }
    let samples = this.samples(shards, starts);
    if (this.bufferSize > 0) {
      const w = getWorkerInfo();
      const g = new Generator().manualSeed(mix(seed!, BigInt(1 + this.rank * 65536 + (w?.id ?? 0))));
      samples = this.shuffled(samples, g);
    }
    yield* samples;
  }

  /** The samples of the given shards, each started at its offset in `starts` (else 0). */
  private async *samples(shards: number[], starts: Map<number, number>): AsyncGenerator<WebDatasetSample, void, undefined> {
    for (const s of shards) {
      const url = this.urls[s]!;
      const start = starts.get(s) ?? 0;
      let cur: WebDatasetSample | null = null;
      const entries: AsyncGenerator<TarEntry> = readTar(byteStream(url, start), url, start);
      for await (const e of entries) {
        const base = e.name.slice(e.name.lastIndexOf("/") + 1);
        if (base.startsWith("__") && base.endsWith("__") && !e.name.includes("/")) continue; // webdataset's metadata files
        const kf = keyAndField(e.name);
        if (kf === null) continue;
        const [key, rawField] = kf;
        const field = rawField.toLowerCase();
        if (cur !== null && cur.__key__ !== key) {
          yield this.decoded(cur);
          cur = null;
        }
        cur ??= { __key__: key, __url__: url, __shard__: s, __offset__: e.offset, __end__: e.end };
        if (field in cur) throw new ValueError(`${e.name}: duplicate file name in tar file ${field} (shard ${url})`);
        cur[field] = e.data;
        cur.__end__ = e.end;
      }
      if (cur !== null) yield this.decoded(cur);
    }
  }

  private decoded(sample: WebDatasetSample): WebDatasetSample {
    if (this.decoders === null) return sample;
    for (const field of Object.keys(sample)) {
      if (field.startsWith("__")) continue;
      const ext = extensionOf(field);
      const dec = ext in this.decoders ? this.decoders[ext] : DEFAULT_DECODERS[ext];
      if (!dec) continue;
      try {
        (sample as Record<string, unknown>)[field] = dec(sample[field] as Uint8Array, sample);
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        err.message = `decoding ${field} of sample ${sample.__key__} (shard ${sample.__url__}, byte offset ${sample.__offset__}): ${err.message}`;
        throw err;
      }
    }
    return sample;
  }

  /** webdataset's shuffle(bufsize, initial): fill, then each new sample swaps out a random one. */
  private async *shuffled(src: AsyncIterable<WebDatasetSample>, g: Generator): AsyncGenerator<WebDatasetSample, void, undefined> {
    const buf: WebDatasetSample[] = [];
    const pick = (): WebDatasetSample => {
      const k = below(g, buf.length);
      const s = buf[k]!;
      buf[k] = buf[buf.length - 1]!;
      buf.pop();
      return s;
    };
    const it = src[Symbol.asyncIterator]();
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        buf.push(r.value);
        if (buf.length < this.bufferSize) {
          const r2 = await it.next(); // while filling, the buffer grows by two per sample out
          if (!r2.done) buf.push(r2.value);
        }
        if (buf.length >= this.bufferInitial) yield pick();
      }
    } finally {
      await it.return?.();
    }
    while (buf.length > 0) yield pick();
  }
}

/** One value of a sample or of a collated batch: a number, a list of them, or a tensor. */
function values(v: unknown): number[] {
  if (typeof v === "number") return [v];
  if (v instanceof Tensor) return (v.flatten().tolist() as number[]).map(Number);
  if (Array.isArray(v)) return v.map(Number);
  throw new ValueError(`ShardTracker: expected __shard__ / __end__ numbers or tensors, got ${typeof v}`);
}

/**
 * Keeps where each shard's reading got to, from the samples (or collated batches) a training
 * loop has used, so that a later run can resume: `new WebDataset(urls, { ..., resume: tracker.state() })`.
 * Exact when there is no shuffle buffer; with one, the samples still in the buffers when the
 * state was taken are skipped.
 */
export class ShardTracker {
  epoch: number;
  shards: Record<string, number> = {};
  constructor(epoch = 0) {
    this.epoch = epoch;
  }
  /** Notes a sample or a batch of samples (anything with __shard__ and __end__). */
  update(batch: { __shard__: unknown; __end__: unknown }): void {
    const s = values(batch.__shard__);
    const e = values(batch.__end__);
    if (s.length !== e.length) throw new ValueError("ShardTracker: __shard__ and __end__ have different lengths");
    s.forEach((shard, i) => {
      const key = String(shard);
      this.shards[key] = Math.max(this.shards[key] ?? 0, e[i]!);
    });
  }
  /** Starts tracking a new epoch. */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
    this.shards = {};
  }
  state(): ShardState {
    return { epoch: this.epoch, shards: { ...this.shards } };
  }
}
