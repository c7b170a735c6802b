// torch.utils.data datasets (torch/utils/data/dataset.py): the map-style Dataset, the
// IterableDataset (sync or async iteration), TensorDataset, Subset, ConcatDataset and
// randomSplit, which draws PyTorch's exact permutation for a seeded Generator.
import { IndexError, TorchTypeError, ValueError } from "../../errors.ts";
import { randperm } from "../../ops/creation.ts";
import { numberData } from "../../ops/alloc.ts";
import { defaultGenerator, Generator } from "../../random/generator.ts";
import type { Tensor } from "../../tensor.ts";
import { recordDefinitionSite } from "./transport.ts";
import { checkTensor, describe, instanceOf, param, parseArgs, type Args, type Checker } from "../../args.ts";

/**
 * A map-style dataset: `getItem(index)` for 0 <= index < length. getItem may return a
 * Promise (read a file, fetch a URL): such a dataset is loaded with `for await ... of`.
 * (PyTorch: `__getitem__` / `__len__`.)
 */
export abstract class Dataset<T> {
  constructor() {
    // DataLoader workers import the class from the module it is defined in (docs/DATA.md).
    recordDefinitionSite(new.target);
  }
  /** The sample at `index` (PyTorch's `__getitem__`). */
  abstract getItem(index: number): T | Promise<T>;
  /** The number of samples (PyTorch's `__len__`). */
  abstract get length(): number;
}

/** Anything with getItem and length is a map-style dataset; so is a plain array. */
export interface MapDataset<T> {
  /** The sample at `index`. */
  getItem(index: number): T | Promise<T>;
  /** The number of samples. */
  readonly length: number;
}
export type MapDatasetLike<T> = MapDataset<T> | readonly T[];

/**
 * A stream of samples (PyTorch: IterableDataset). Subclasses implement
 * `[Symbol.iterator]` (sync) or `[Symbol.asyncIterator]` (async; read with `for await`).
 * Each call must start a fresh pass over the data: the DataLoader calls it once per epoch.
 * `length` is optional; when present, DataLoader.length uses it.
 */
export abstract class IterableDataset<T> {
  // A marker base class, as in PyTorch; the iterator methods are declared by subclasses (so
  // they need no \`override\`). This field only ties T to the class for type inference.
  declare readonly __sample?: T;
  constructor() {
    recordDefinitionSite(new.target);
  }
}
export type IterableDatasetLike<T> = Iterable<T> | AsyncIterable<T>;

export function isMapDataset<T>(ds: unknown): ds is MapDatasetLike<T> {
  return Array.isArray(ds) || (typeof ds === "object" && ds !== null && typeof (ds as MapDataset<T>).getItem === "function");
}

/**
 * Python's len() of a dataset or sampler: its `length`, which must be a non-negative safe
 * integer. The error says what is wrong with it, in Python's words: no length ("has no
 * len()"), NaN / 2.5 / Infinity ("'float' object cannot be interpreted as an integer"), a
 * negative one ("__len__() should return >= 0"), one beyond 2^53 (no index could reach it).
 */
export function datasetLength(ds: unknown): number {
  const name = (ds as object | null)?.constructor?.name ?? typeof ds;
  const n = (ds as { length?: unknown } | null)?.length;
  if (typeof n !== "number") throw new TorchTypeError(`object of type '${name}' has no len()`);
  if (!Number.isInteger(n)) throw new TorchTypeError(`'float' object cannot be interpreted as an integer: ${name}.length is ${n}`);
  if (n < 0) throw new ValueError(`__len__() should return >= 0: ${name}.length is ${n}`);
  if (!Number.isSafeInteger(n)) throw new ValueError(`cannot fit 'int' into an index-sized integer: ${name}.length is ${n}`);
  return n;
}

/** dataset[index] for a dataset or an array. */
export function getSample<T>(ds: MapDatasetLike<T>, index: number): T | Promise<T> {
  if (Array.isArray(ds)) {
    const arr = ds as readonly T[];
    const i = index < 0 ? index + arr.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= arr.length) throw new IndexError("list index out of range");
    return arr[i]!;
  }
  return (ds as MapDataset<T>).getItem(index);
}

/** Python's negative-index rule with an IndexError that names the dataset size. */
function normalizeIndex(index: number, n: number, what: string): number {
  if (!Number.isInteger(index)) throw new TypeError(`${what} indices must be integers, not ${index}`);
  const i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) throw new IndexError(`index ${index} is out of range for ${what} of length ${n}`);
  return i;
}

/** Samples are tuples of the tensors' rows: TensorDataset(x, y).getItem(i) = [x[i], y[i]]. */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T> {
  readonly tensors: T;
  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new ValueError("TensorDataset needs at least one tensor");
    tensors.forEach((t, i) => checkTensor(t, `tensors[${i}]`, "TensorDataset"));
    const n = tensors[0]!.dim() === 0 ? -1 : tensors[0]!.shape[0]!;
    tensors.forEach((t, i) => {
      if (t.dim() === 0) throw new IndexError(`TensorDataset: tensor ${i} is 0-d and has no rows to index`);
      if (t.shape[0] !== n) {
        throw new ValueError(`Size mismatch between tensors: tensor 0 has ${n} rows but tensor ${i} has ${t.shape[0]}`);
      }
    });
    this.tensors = tensors;
  }
  getItem(index: number): T {
    const i = normalizeIndex(index, this.length, "TensorDataset");
    return this.tensors.map((t) => t.select(0, i)) as T;
  }
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }
}

/** The samples of `dataset` at `indices`, in that order. */
export class Subset<T> extends Dataset<T> {
  readonly indices: readonly number[];
  constructor(
    readonly dataset: MapDatasetLike<T>,
    indices: readonly number[],
  ) {
    super();
    if (!isMapDataset(dataset)) throw new TorchTypeError(`Subset(): argument 'dataset' must be a map-style dataset (getItem and length, or an array), but got ${describe(dataset)}`);
    this.indices = indexList(indices, "indices", "Subset");
  }
  getItem(index: number): T | Promise<T> {
    const i = normalizeIndex(index, this.indices.length, "Subset");
    return getSample(this.dataset, this.indices[i]!);
  }
  get length(): number {
    return this.indices.length;
  }
}

/** Several map-style datasets one after the other. */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: MapDatasetLike<T>[];
  /** cumulativeSizes[k] = total length of datasets 0..k. */
  readonly cumulativeSizes: number[];
  constructor(datasets: Iterable<MapDatasetLike<T>>) {
    super();
    if (datasets === null || typeof datasets !== "object" || !(Symbol.iterator in datasets)) {
      throw new TorchTypeError(`ConcatDataset(): argument 'datasets' must be an iterable of datasets, but got ${describe(datasets)}`);
    }
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new ValueError("datasets should not be an empty iterable");
    let s = 0;
    this.cumulativeSizes = this.datasets.map((d) => {
      if (!isMapDataset(d)) throw new ValueError("ConcatDataset does not support IterableDataset");
      s += datasetLength(d);
      return s;
    });
  }
  getItem(index: number): T | Promise<T> {
    let idx = index;
    if (idx < 0) {
      if (-idx > this.length) throw new ValueError("absolute value of index should not exceed dataset length");
      idx += this.length;
    }
    if (!Number.isInteger(idx) || idx >= this.length) {
      throw new IndexError(`index ${index} is out of range for ConcatDataset of length ${this.length}`);
    }
    // bisect_right: the first dataset whose cumulative size exceeds idx.
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (idx < this.cumulativeSizes[mid]!) hi = mid;
      else lo = mid + 1;
    }
    const sampleIdx = lo === 0 ? idx : idx - this.cumulativeSizes[lo - 1]!;
    return getSample(this.datasets[lo]!, sampleIdx);
  }
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }
}

/** Python's math.isclose(a, b) with its defaults (rel_tol=1e-9, abs_tol=0). */
function isClose(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

const numberList: Checker<number[]> = (v, arg, fn) => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) throw new TorchTypeError(`${fn}(): argument '${arg}' must be a list of numbers, but got ${describe(v)}`);
  return v as number[];
};
// random_split(dataset, lengths, generator=default_generator)
const SPLIT_ARGS = [param("lengths", numberList), param("generator", instanceOf(Generator, "a torch.Generator"), defaultGenerator)];

/** A list of integer indices (PyTorch's Sequence[int]). */
export const indexList: Checker<number[]> = (v, arg, fn) => {
  const list = v !== null && typeof v === "object" && Symbol.iterator in v ? [...(v as Iterable<unknown>)] : null;
  if (list === null || !list.every((i) => Number.isInteger(i))) {
    throw new TorchTypeError(`${fn}(): argument '${arg}' must be a sequence of integers, but got ${list === null ? describe(v) : "a sequence holding a non-integer"}`);
  }
  return list as number[];
};

/**
 * Splits a dataset into non-overlapping Subsets (PyTorch: random_split). `lengths` are sizes
 * summing to the dataset's length, or fractions summing to 1: then each split gets
 * floor(frac * n) and the remainder is dealt round-robin from the first split. The indices
 * are torch.randperm(n, { generator }), cut in order, so a seed gives PyTorch's split.
 */
export function randomSplit<T>(
  dataset: MapDatasetLike<T>,
  ...args: [lengths: readonly number[], ...rest: Args<[generator: Generator], { generator?: Generator }>] | [options: { lengths: readonly number[]; generator?: Generator }]
): Subset<T>[] {
  const { lengths, generator } = parseArgs<{ lengths: number[]; generator: Generator }>("random_split", SPLIT_ARGS, args);
  const n = datasetLength(dataset);
  let sizes = [...lengths];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (isClose(total, 1) && total <= 1) {
    sizes = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new ValueError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
    sizes.forEach((len, i) => {
      if (len === 0) console.warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  sizes.forEach((len, i) => {
    if (!Number.isInteger(len) || len < 0) {
      throw new ValueError(`randomSplit: length at index ${i} must be a non-negative integer, got ${len}`);
    }
  });
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== n) throw new ValueError("Sum of input lengths does not equal the length of the input dataset!");
  const perm = Array.from(numberData(randperm(sum, { generator })));
  let offset = 0;
  return sizes.map((len) => {
    const part = new Subset(dataset, perm.slice(offset, offset + len));
    offset += len;
    return part;
  });
}
