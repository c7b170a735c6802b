// Splitting a stream between DataLoader workers and between distributed ranks. Each worker
// (and each rank) of an IterableDataset gets its own copy of the dataset; without a split
// they would all yield the same samples (PyTorch's docs: "configure each copy independently
// to avoid having duplicate data"). Item k of a stream goes to worker k % numWorkers, and
// to rank k % worldSize, the split PyTorch's examples and webdataset's split_by_worker /
// split_by_node make.
import { ValueError } from "../../errors.ts";
import { getWorkerInfo } from "./workerInfo.ts";

export interface RankOptions {
  /** This process's rank (default: the RANK environment variable torchrun sets, else 0). */
  rank?: number;
  /** Processes in the job (default: WORLD_SIZE, else 1). */
  worldSize?: number;
}

export interface RankInfo {
  rank: number;
  worldSize: number;
}

function envInt(name: string): number | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new ValueError(`environment variable ${name} should be an integer, got '${v}'`);
  return n;
}

/** The rank and world size: explicit options, else RANK / WORLD_SIZE from the environment, else 0 / 1. */
export function rankInfo(opts: RankOptions = {}): RankInfo {
  const worldSize = opts.worldSize ?? envInt("WORLD_SIZE") ?? 1;
  const rank = opts.rank ?? envInt("RANK") ?? 0;
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new ValueError(`worldSize should be a positive integer, got ${worldSize}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
    throw new ValueError(`Invalid rank ${rank}, rank should be in the interval [0, ${worldSize - 1}]`);
  }
  return { rank, worldSize };
}

/** What shardByWorker and shardByRank take: an array, an iterable or an async iterable of items. */
export type Source<T> = readonly T[] | Iterable<T> | AsyncIterable<T>;

function every<T>(items: Source<T>, start: number, step: number): unknown {
  if (step === 1 && start === 0) return items;
  if (Array.isArray(items)) return items.filter((_, k) => k % step === start);
  if (Symbol.asyncIterator in Object(items)) {
    return (async function* () {
      let k = 0;
      for await (const x of items as AsyncIterable<T>) if (k++ % step === start) yield x;
    })();
  }
  return (function* () {
    let k = 0;
    for (const x of items as Iterable<T>) if (k++ % step === start) yield x;
  })();
}

/**
 * The items of `items` this DataLoader worker should take: items id, id + numWorkers, ...
 * (all of them outside a worker). Arrays give arrays; iterables give lazy iterables.
 */
export function shardByWorker<T>(items: readonly T[]): T[];
export function shardByWorker<T>(items: AsyncIterable<T>): AsyncIterable<T>;
export function shardByWorker<T>(items: Iterable<T>): Iterable<T>;
export function shardByWorker<T>(items: Source<T>): unknown {
  const w = getWorkerInfo();
  return every(items, w?.id ?? 0, w?.numWorkers ?? 1);
}

/** The items of `items` this rank should take: rank, rank + worldSize, ... (see rankInfo). */
export function shardByRank<T>(items: readonly T[], opts?: RankOptions): T[];
export function shardByRank<T>(items: AsyncIterable<T>, opts?: RankOptions): AsyncIterable<T>;
export function shardByRank<T>(items: Iterable<T>, opts?: RankOptions): Iterable<T>;
export function shardByRank<T>(items: Source<T>, opts: RankOptions = {}): unknown {
  const { rank, worldSize } = rankInfo(opts);
  return every(items, rank, worldSize);
}
