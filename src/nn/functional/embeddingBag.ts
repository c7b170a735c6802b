// F.embedding_bag: sums, means or maxima of bags of embeddings without the [n, dim] lookup
// tensor a user would build by hand. Bags are the rows of a 2-D input, or the runs of a 1-D input
// that start at `offsets`. The looked-up rows come from F.embedding (so max_norm renormalizes
// and scale_grad_by_freq scales as there); a [bags, longest bag] table of positions, built on
// the host, gathers them, and padding_idx entries and the table's padding are masked out
// (empty bags give zeros, as PyTorch).
import { bool, checkTensor, int, nullable, param, parseArgs, str, tensor, type Args, type Checker } from "../../args.ts";
import { NotImplementedError, RuntimeError, ValueError } from "../../errors.ts";
import { fromHost, numberData } from "../../ops/alloc.ts";
import { where } from "../../ops/elementwise.ts";
import type { Tensor } from "../../tensor.ts";
import { checkIndices, EMBEDDING_OPTIONS, embedding, normalizePaddingIdx } from "./embedding.ts";

/** The options of `F.embeddingBag` (and of `nn.EmbeddingBag`'s forward and constructor). */
export interface EmbeddingBagOptions {
  /** A 1-D input's bag starts (required there; must be null for a 2-D input). */
  offsets?: Tensor | null;
  /** Looked-up rows are first renormalized in place to this norm at most. */
  maxNorm?: number | null;
  /** The p of the norm for maxNorm; PyTorch's default 2. */
  normType?: number;
  /** Scale each row's gradient by the inverse of its index's frequency in the input. */
  scaleGradByFreq?: boolean;
  /** "sum", "mean" (PyTorch's default) or "max". */
  mode?: "sum" | "mean" | "max";
  /** Sparse gradients: torch-ts has no sparse tensors, so only false is accepted. */
  sparse?: boolean;
  /** One weight per input element ("sum" mode only). */
  perSampleWeights?: Tensor | null;
  /** offsets has one more entry, the end of the last bag (CSR style). */
  includeLastOffset?: boolean;
  /** Entries equal to this index are left out of their bag (and of a mean's count). */
  paddingIdx?: number | null;
}
type EmbeddingBagPositional = [offsets: Tensor | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: "sum" | "mean" | "max", sparse: boolean, perSampleWeights: Tensor | null, includeLastOffset: boolean, paddingIdx: number | null];

/** A string (TypeError otherwise), one of the three modes (PyTorch's ValueError otherwise). */
const modeArg: Checker<"sum" | "mean" | "max"> = (v, arg, fn) => {
  const m = str(v, arg, fn);
  if (m !== "sum" && m !== "mean" && m !== "max") throw new ValueError("mode has to be one of sum, mean or max");
  return m;
};
const [, MAX_NORM, NORM_TYPE, SCALE_GRAD, SPARSE] = EMBEDDING_OPTIONS;
export const EMBEDDING_BAG = [
  param("offsets", nullable(tensor), null), MAX_NORM!, NORM_TYPE!, SCALE_GRAD!, param("mode", modeArg, "mean"), SPARSE!,
  param("perSampleWeights", nullable(tensor), null), param("includeLastOffset", bool, false), param("paddingIdx", nullable(int()), null),
];

/** F.embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode='mean', sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None). */
export function embeddingBag(input: Tensor, weight: Tensor, ...args: Args<EmbeddingBagPositional, EmbeddingBagOptions>): Tensor {
  checkTensor(input, "input", "embedding_bag");
  checkTensor(weight, "weight", "embedding_bag");
  const a = parseArgs<Required<EmbeddingBagOptions>>("embedding_bag", EMBEDDING_BAG, args);
  checkIndices(input, "embedding_bag");
  if (weight.dim() !== 2) throw new ValueError(`weight has to be a 2D Tensor, but got Tensor of dimension ${weight.dim()}`);
  const psw = a.perSampleWeights;
  if (psw !== null && a.mode !== "sum") {
    throw new NotImplementedError(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${a.mode}'). Please open a feature request on GitHub.`);
  }
  if (psw !== null && psw.shape.join() !== input.shape.join()) {
    throw new ValueError(`embedding_bag: If per_sample_weights (${JSON.stringify(psw.shape)}) is not None, then it must have the same shape as the input (${JSON.stringify(input.shape)})`);
  }
  const pad = normalizePaddingIdx(a.paddingIdx, weight.shape[0]!);
  // bags as [start, end) runs of the flat input
  let bags: Array<[number, number]>;
  if (input.dim() === 2) {
    if (a.offsets !== null) throw new ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>");
    const [b, n] = input.shape as [number, number];
    bags = Array.from({ length: b }, (_, i): [number, number] => [i * n, (i + 1) * n]);
  } else if (input.dim() === 1) {
    if (a.offsets === null) throw new ValueError("offsets has to be a 1D Tensor but got None");
    if (a.offsets.dim() !== 1) throw new ValueError("offsets has to be a 1D Tensor");
    const off = Array.from(numberData(a.offsets, "embedding_bag(offsets)", "embedding_bag on the CPU"));
    if (off.length > 0 && off[0] !== 0) throw new RuntimeError(`offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${off[0]}`);
    const n = input.shape[0]!;
    const ends = a.includeLastOffset ? off.slice(1) : [...off.slice(1), n];
    bags = ends.map((e, i): [number, number] => [off[i]!, e]);
    for (const [s, e] of bags) {
      if (s > e || e > n) throw new RuntimeError(`offsets has to be non-decreasing and at most the input's length ${n}, but got a bag [${s}, ${e})`);
    }
  } else throw new ValueError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.dim()}`);
  const flat = input.reshape(-1);
  const idx = numberData(flat, "embedding_bag(input)", "embedding_bag on the CPU");
  const rows = embedding(flat, weight, { maxNorm: a.maxNorm, normType: a.normType, scaleGradByFreq: a.scaleGradByFreq }); // [n, dim]
  // [bags, longest] positions into rows, and which of them count
  const longest = Math.max(1, ...bags.map(([s, e]) => e - s));
  const table = new Int32Array(bags.length * longest);
  const mask = new Float64Array(bags.length * longest);
  const counts = new Float64Array(bags.length);
  bags.forEach(([s, e], b) => {
    for (let p = s; p < e; p++) {
      table[b * longest + p - s] = p;
      if (idx[p] !== pad) {
        mask[b * longest + p - s] = 1;
        counts[b]!++;
      }
    }
  });
  const dim = weight.shape[1]!;
  if (flat.numel() === 0) return weight.newZeros([bags.length, dim]);
  const dev = weight.device;
  const picked = rows.indexSelect(0, fromHost(table, [table.length], "int32", dev)).view(bags.length, longest, dim);
  const keep = fromHost(mask, [bags.length, longest, 1], "float64", dev).to(weight.dtype);
  if (a.mode === "max") {
    const m = where(keep.gt(0), picked, -Infinity).max(1).values;
    return where(fromHost(counts, [bags.length, 1], "float64", dev).gt(0), m, 0);
  }
  let w = keep;
  if (psw !== null) w = w.mul(psw.reshape(-1).indexSelect(0, fromHost(table, [table.length], "int32", dev)).view(bags.length, longest, 1));
  const sums = picked.mul(w).sum(1);
  if (a.mode === "sum") return sums;
  return sums.div(fromHost(counts.map((c) => Math.max(c, 1)), [bags.length, 1], "float64", dev).to(weight.dtype));
}
