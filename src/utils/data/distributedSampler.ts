// torch.utils.data.DistributedSampler (torch/utils/data/distributed.py, PyTorch 1.13): each
// rank iterates its own share of the dataset. With shuffle, every rank draws the same
// randperm from a Generator seeded with seed + epoch (so call setEpoch each epoch), pads the
// permutation to a multiple of the number of replicas by repeating its head (or drops the
// tail with dropLast), and takes every numReplicas-th index from its rank on.
import { TorchTypeError, ValueError } from "../../errors.ts";
import { getRank, getWorldSize } from "../../distributed/init.ts";
import { randperm } from "../../ops/creation.ts";
import { Generator } from "../../random/generator.ts";
import { bool, checkInt, int, nullable, param, parseArgs } from "../../args.ts";
import { Sampler, type Sized } from "./sampler.ts";

/** Options of DistributedSampler: PyTorch's keywords (shuffle true, seed 0 and dropLast false by default). */
export interface DistributedSamplerOptions {
  /** Default: the world size of the default process group. */
  numReplicas?: number;
  /** Default: this process's rank. */
  rank?: number;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
}

function datasetLength(d: Sized): number {
  const n = d.length;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new TorchTypeError(`object of type '${(d as object)?.constructor?.name ?? typeof d}' has no len()`);
  return n;
}

const SAMPLER_ARGS = [
  param("numReplicas", nullable(int()), null), param("rank", nullable(int()), null), param("shuffle", bool, true), param("seed", int(), 0), param("dropLast", bool, false),
];

export class DistributedSampler extends Sampler<number> {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** The epoch the shuffle is seeded with (seed + epoch), set by setEpoch. */
  epoch = 0;

  constructor(dataset: Sized, opts?: DistributedSamplerOptions);
  constructor(dataset: Sized, numReplicas?: number | null, rank?: number | null, shuffle?: boolean, seed?: number, dropLast?: boolean);
  constructor(readonly dataset: Sized, ...rest: unknown[]) {
    super();
    const a = parseArgs<{ numReplicas: number | null; rank: number | null; shuffle: boolean; seed: number; dropLast: boolean }>("DistributedSampler", SAMPLER_ARGS, rest);
    this.numReplicas = a.numReplicas ?? getWorldSize();
    this.rank = a.rank ?? getRank();
    if (this.rank >= this.numReplicas || this.rank < 0) {
      throw new ValueError(`Invalid rank ${this.rank}, rank should be in the interval [0, ${this.numReplicas - 1}]`);
    }
    this.shuffle = a.shuffle;
    this.seed = a.seed;
    this.dropLast = a.dropLast;
  }

  /** Indices per rank and pass (PyTorch's num_samples). */
  get numSamples(): number {
    const n = datasetLength(this.dataset);
    // (Python's math.ceil(-0.5) is 0, not -0)
    if (this.dropLast && n % this.numReplicas !== 0) return Math.ceil((n - this.numReplicas) / this.numReplicas) || 0;
    return Math.ceil(n / this.numReplicas);
  }

  /** The number of indices over all replicas (the dataset padded or cut to a multiple of numReplicas). */
  get totalSize(): number {
    return this.numSamples * this.numReplicas;
  }

  /** The number of indices this replica draws. */
  get length(): number {
    return this.numSamples;
  }

  /** Makes the next pass shuffle differently (the same on every rank). */
  setEpoch(epoch: number): void {
    this.epoch = checkInt(epoch, "epoch", "set_epoch");
  }

  /** This replica's indices: every numReplicas-th of the (shuffled) padded or cut index list, from rank. */
  *[Symbol.iterator](): Iterator<number> {
    const n = datasetLength(this.dataset);
    let indices: number[];
    if (this.shuffle) {
      const g = new Generator().manualSeed(this.seed + this.epoch);
      const perm = randperm(n, { generator: g });
      indices = Array.from(perm.contiguousData(), Number);
    } else indices = Array.from({ length: n }, (_, i) => i);
    const total = this.totalSize;
    if (!this.dropLast) {
      const padding = total - indices.length;
      if (padding <= indices.length) indices = indices.concat(indices.slice(0, padding));
      else {
        let rep: number[] = [];
        for (let k = 0; k < Math.ceil(padding / indices.length); k++) rep = rep.concat(indices);
        indices = indices.concat(rep.slice(0, padding));
      }
    } else indices = indices.slice(0, total);
    for (let i = this.rank; i < total; i += this.numReplicas) yield indices[i];
  }
}
