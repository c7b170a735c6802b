// torch.utils.data samplers (torch/utils/data/sampler.py, PyTorch 1.13). Each one draws from
// its Generator in exactly PyTorch's order, so a seed gives PyTorch's indices. Iteration is
// lazy (generator functions), like Python's: a sampler's first draw happens at the first
// next(), after whatever the DataLoader draws when it creates its iterator.
import { TorchTypeError, ValueError } from "../../errors.ts";
import { any, describe, instanceOf, nullable, param, parseArgs, type Args, type Checker } from "../../args.ts";
import { multinomial, randint, randperm, tensor } from "../../ops/creation.ts";
import { numberData } from "../../ops/alloc.ts";
import { defaultGenerator, Generator } from "../../random/generator.ts";
import { Tensor } from "../../tensor.ts";
import { datasetLength, indexList } from "./dataset.ts";

/** A sampler yields dataset indices (or batches of them); `length` is how many per pass. */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
}

/** Anything with a length: a dataset, an array. */
export interface Sized {
  readonly length: number;
}

/**
 * torch.empty((), dtype=torch.int64).random_(generator=g).item(): one random64() reduced
 * modulo 2^63 (uniform_int_distribution<int64_t>). DataLoader iterators and RandomSampler
 * without a generator take this draw.
 */
export function randomInt64Seed(generator: Generator = defaultGenerator): bigint {
  return generator.random64() % (1n << 63n);
}

/** The values of an index tensor as numbers. */
function indices(t: Tensor): number[] {
  return Array.from(numberData(t));
}

/** Python's repr of a bool option for error messages. */
const pyRepr = (v: unknown): string => (v === true ? "True" : v === false ? "False" : String(v));

function sizedLength(src: Sized): number {
  return datasetLength(src);
}

/** generator=None: a torch.Generator or null (read as undefined: the default generator). */
const GENERATOR = param<Generator | null | undefined>("generator", nullable(instanceOf(Generator, "a torch.Generator")), undefined);

/** 0, 1, ..., len(dataSource) - 1. */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: Sized) {
    super();
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = sizedLength(this.dataSource);
    for (let i = 0; i < n; i++) yield i;
  }
  get length(): number {
    return sizedLength(this.dataSource);
  }
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  /** How many indices per pass (default: the dataset's length). */
  numSamples?: number | null;
  generator?: Generator | null;
}
// RandomSampler(data_source, replacement=False, num_samples=None, generator=None); the values are checked
// below with PyTorch's messages.
const RANDOM_ARGS = [param("replacement", any, false), param("numSamples", any, null), GENERATOR];

/**
 * Random indices: without replacement, randperm(n) passes (numSamples // n whole ones, then
 * the first numSamples % n of one more); with replacement, randint(0, n) in chunks of 32.
 * Without a generator each pass seeds a fresh Generator from one int64 draw of the default
 * generator, as PyTorch 1.13 does.
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  private readonly _numSamples: number | undefined;

  constructor(
    readonly dataSource: Sized,
    ...args: Args<[replacement: boolean, numSamples: number | null, generator: Generator | null], RandomSamplerOptions>
  ) {
    super();
    const opts = parseArgs<{ replacement: boolean; numSamples: number | null; generator: Generator | undefined }>("RandomSampler", RANDOM_ARGS, args);
    this.replacement = opts.replacement;
    this._numSamples = opts.numSamples ?? undefined;
    this.generator = opts.generator ?? undefined;
    if (typeof this.replacement !== "boolean") {
      throw new TorchTypeError(`replacement should be a boolean value, but got replacement=${pyRepr(this.replacement)}`);
    }
    const ns = this.numSamples;
    if (!Number.isInteger(ns) || ns <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${ns}`);
    }
  }

  get numSamples(): number {
    return this._numSamples ?? sizedLength(this.dataSource);
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = sizedLength(this.dataSource);
    const generator = this.generator ?? new Generator().manualSeed(randomInt64Seed(defaultGenerator));
    const ns = this.numSamples;
    if (this.replacement) {
      for (let k = 0; k < Math.floor(ns / 32); k++) yield* indices(randint(0, n, [32], { generator }));
      yield* indices(randint(0, n, [ns % 32], { generator }));
    } else {
      for (let k = 0; k < Math.floor(ns / n); k++) yield* indices(randperm(n, { generator }));
      // PyTorch draws this last permutation even when numSamples % n == 0.
      yield* indices(randperm(n, { generator })).slice(0, ns % n);
    }
  }

  get length(): number {
    return this.numSamples;
  }
}

/** The given indices in a random order (randperm(len(indices)) each pass). */
export class SubsetRandomSampler extends Sampler<number> {
  readonly indices: readonly number[];
  readonly generator: Generator | undefined;
  /** SubsetRandomSampler(indices, generator=None) */
  constructor(...args: [indices: readonly number[], ...rest: Args<[generator: Generator | null], { generator?: Generator | null }>] | [options: { indices: readonly number[]; generator?: Generator | null }]) {
    super();
    const a = parseArgs<{ indices: number[]; generator: Generator | undefined }>("SubsetRandomSampler", [param("indices", indexList), GENERATOR], args);
    this.indices = a.indices;
    this.generator = a.generator ?? undefined;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const i of indices(randperm(this.indices.length, { generator: this.generator ?? defaultGenerator }))) {
      yield this.indices[i]!;
    }
  }
  get length(): number {
    return this.indices.length;
  }
}

/**
 * Indices 0..len(weights)-1 drawn with probabilities proportional to `weights`
 * (torch.multinomial on the weights as float64), with replacement by default.
 */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Tensor;
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator: Generator | undefined;

  /** WeightedRandomSampler(weights, num_samples, replacement=True, generator=None) */
  constructor(
    ...args:
      | [weights: readonly number[] | Float64Array | Float32Array | Tensor, numSamples: number, ...rest: Args<[replacement: boolean, generator: Generator | null], { replacement?: boolean; generator?: Generator | null }>]
      | [weights: readonly number[] | Float64Array | Float32Array | Tensor, options: { numSamples: number; replacement?: boolean; generator?: Generator | null }]
      | [options: { weights: readonly number[] | Float64Array | Float32Array | Tensor; numSamples: number; replacement?: boolean; generator?: Generator | null }]
  ) {
    super();
    const opts = parseArgs<{ weights: readonly number[] | Float64Array | Float32Array | Tensor; numSamples: number; replacement: boolean; generator: Generator | undefined }>(
      "WeightedRandomSampler", [param("weights", any), param("numSamples", any), param("replacement", any, true), GENERATOR], args,
    );
    const { weights, numSamples } = opts;
    if (typeof numSamples !== "number" || !Number.isInteger(numSamples) || numSamples <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${pyRepr(numSamples)}`);
    }
    this.numSamples = numSamples;
    this.replacement = opts.replacement;
    if (typeof this.replacement !== "boolean") {
      throw new ValueError(`replacement should be a boolean value, but got replacement=${pyRepr(this.replacement)}`);
    }
    if (!(weights instanceof Tensor) && !(weights !== null && typeof weights === "object" && Symbol.iterator in weights)) {
      throw new TorchTypeError(`WeightedRandomSampler(): argument 'weights' must be a sequence of numbers or a Tensor, but got ${describe(weights)}`);
    }
    const w = weights instanceof Tensor ? weights.to("float64") : tensor(Array.from(weights), { dtype: "float64" });
    if (w.dim() !== 1) {
      throw new ValueError(`weights should be a 1d sequence but given weights have shape (${w.shape.join(", ")}${w.dim() === 1 ? "," : ""})`);
    }
    this.weights = w;
    this.generator = opts.generator ?? undefined;
  }

  *[Symbol.iterator](): Iterator<number> {
    const drawn = multinomial(this.weights, this.numSamples, {
      replacement: this.replacement,
      generator: this.generator ?? defaultGenerator,
    });
    yield* indices(drawn);
  }

  get length(): number {
    return this.numSamples;
  }
}

const samplerArg: Checker<Iterable<number>> = (v, arg, fn) => {
  if (v !== null && typeof v === "object" && Symbol.iterator in v) return v as Iterable<number>;
  throw new TorchTypeError(`${fn}(): argument '${arg}' must be a Sampler or an iterable of indices, but got ${describe(v)}`);
};

/** Groups another sampler's indices into lists of batchSize (the last may be short). */
export class BatchSampler extends Sampler<number[]> {
  readonly sampler: Iterable<number> & { readonly length?: number };
  readonly batchSize: number;
  readonly dropLast: boolean;
  /** BatchSampler(sampler, batch_size, drop_last); batch_size and drop_last may be given by name. */
  constructor(
    ...args:
      | [sampler: Iterable<number> & { readonly length?: number }, batchSize: number, dropLast: boolean]
      | [sampler: Iterable<number> & { readonly length?: number }, batchSize: number, options: { dropLast: boolean }]
      | [sampler: Iterable<number> & { readonly length?: number }, options: { batchSize: number; dropLast: boolean }]
      | [options: { sampler: Iterable<number> & { readonly length?: number }; batchSize: number; dropLast: boolean }]
  ) {
    super();
    const a = parseArgs<BatchSampler>("BatchSampler", [param("sampler", samplerArg), param("batchSize", any), param("dropLast", any)], args);
    const { batchSize, dropLast } = a;
    this.sampler = a.sampler;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    if (typeof batchSize !== "number" || !Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${pyRepr(batchSize)}`);
    }
    if (typeof dropLast !== "boolean") {
      throw new ValueError(`drop_last should be a boolean value, but got drop_last=${pyRepr(dropLast)}`);
    }
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }

  get length(): number {
    const n = datasetLength(this.sampler);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
