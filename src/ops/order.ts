// Order statistics from the stable sort (sort.ts): median, nanmedian, kthvalue, msort,
// quantile, nanquantile. The
// chosen element of each line is found in the sorted order, and its value is a gather from
// the input at its index, so the gradient reaches that element (PyTorch's
// value_selecting_reduction_backward); the whole-tensor median shares it among the elements
// equal to the result (PyTorch's evenly_distribute_backward).
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { isFloating } from "../dtype.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { bool, checkInt, checkTensor, checkTensorOrScalar, int, nullable, param, parseArgs, str, type Args } from "../args.ts";
import { normalizeDim } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { asyncReadError, dense, fromHost, numberData, onHost } from "./alloc.ts";
import { full } from "./creation.ts";
import { where } from "./elementwise.ts";
import type { ValuesIndices } from "./reduce.ts";
import { sort } from "./sort.ts";

/** The element at position `pos` (size 1 along d, int64) of each line of x sorted along d: its value (differentiable) and index. */
function pick(x: Tensor, d: number, pos: Tensor, keepdim: boolean): ValuesIndices {
  const indices = noGrad(() => sort(x, d).indices.gather(d, pos));
  const values = x.gather(d, indices);
  return keepdim ? { values, indices } : { values: values.squeeze(d), indices: indices.squeeze(d) };
}

/** Per line of x along d, the count of NaNs (size 1 along d, int64); zeros for integer dtypes. */
const nanCount = (x: Tensor, d: number): Tensor => (isFloating(x.dtype) ? x.isnan().sum(d, true) : full(x.shape.map((s, k) => (k === d ? 1 : s)), 0, { dtype: "int64", device: x.device }));

/**
 * The position of the median in each sorted line: the lower median (n - 1) / 2, or where a
 * NaN is present the first NaN (NaNs sort last), as PyTorch's median; nanmedian takes the
 * lower median of the non-NaN values (position 0, a NaN, when all are NaN).
 */
function medianPosition(x: Tensor, d: number, ignoreNan: boolean): Tensor {
  return noGrad(() => {
    const n = x.shape[d]!;
    const nans = nanCount(x, d);
    if (ignoreNan) return n === 0 ? nans : nans.neg().add(n - 1).div(2).to("int64"); // (m - 1) / 2 truncated: >= 0 for m >= 0
    return where(nans.gt(0), nans.neg().add(n), Math.floor((n - 1) / 2)).to("int64");
  });
}

/** Options of median/nanmedian over a dim. */
export interface MedianOptions {
  /** The dimension whose lines are reduced (required by median/nanmedian's per-dim form; kthvalue's default -1). */
  dim?: number;
  /** Keeps the reduced dimension with size 1 (default false). */
  keepdim?: boolean;
}
const MEDIAN_DIM = [param("dim", int()), param("keepdim", bool, false)];

function medianOf(fn: "median" | "nanmedian", x: Tensor, args: readonly unknown[]): Tensor | ValuesIndices {
  checkTensor(x, "input", fn);
  const ignoreNan = fn === "nanmedian";
  if (args.length === 0) return medianAll(fn, x, ignoreNan);
  const { dim, keepdim } = parseArgs<Required<MedianOptions>>(fn, MEDIAN_DIM, args);
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  const d = normalizeDim(dim, x1.ndim);
  if (x1.shape[d] === 0) throw new RuntimeError(`${fn}(): Expected reduction dim ${d} to have non-zero size.`);
  const r = pick(x1, d, medianPosition(x1, d, ignoreNan), keepdim && x.ndim > 0);
  return x.ndim === 0 ? { values: r.values.reshape([]), indices: r.indices.reshape([]) } : r;
}

/** The whole-tensor median: the value of the flattened median; its gradient shared by the elements equal to it (NaN equal to NaN). */
function medianAll(fn: string, x: Tensor, ignoreNan: boolean): Tensor {
  if (x.numel() === 0) {
    if (!isFloating(x.dtype)) throw new RuntimeError(`${fn}() input tensor cannot be empty`);
    return full([], NaN, { dtype: x.dtype, device: x.device });
  }
  const flat = x.reshape([-1]);
  const out = noGrad(() => pick(flat, 0, medianPosition(flat, 0, ignoreNan), false).values);
  return record(out, ignoreNan ? "NanmedianBackward0" : "MedianBackward0", [x], [x, out], (g, [x, out]) => {
    const mask = x.eq(out).logicalOr(x.isnan().logicalAnd(out.isnan()));
    return [where(mask, g.div(mask.sum()), 0)];
  });
}

/** torch.median(input): the lower median of all elements (NaN if any is NaN); torch.median(input, dim, keepdim=False): { values, indices } per line. */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, ...args: [dim: number, ...rest: Args<[keepdim: boolean], { keepdim?: boolean }>] | [options: MedianOptions & { dim: number }]): ValuesIndices;
export function median(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  return medianOf("median", x, args);
}
/** torch.nanmedian: median ignoring NaN values (NaN only where a line is all NaN). */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(x: Tensor, ...args: [dim: number, ...rest: Args<[keepdim: boolean], { keepdim?: boolean }>] | [options: MedianOptions & { dim: number }]): ValuesIndices;
export function nanmedian(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  return medianOf("nanmedian", x, args);
}

const KTH = [param("dim", int(), -1), param("keepdim", bool, false)];
/** torch.kthvalue(input, k, dim=-1, keepdim=False): the k-th smallest value (k from 1) of each line and its index. */
export function kthvalue(x: Tensor, k: number, ...args: Args<[dim: number, keepdim: boolean], MedianOptions>): ValuesIndices {
  checkTensor(x, "input", "kthvalue");
  checkInt(k, "k", "kthvalue");
  const { dim, keepdim } = parseArgs<Required<MedianOptions>>("kthvalue", KTH, args);
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  const d = normalizeDim(dim, x1.ndim);
  if (k < 1 || k > x1.shape[d]!) throw new RuntimeError(`kthvalue(): selected number k out of range for dimension ${x.ndim === 0 ? 0 : d}`);
  const pos = full(x1.shape.map((s, i) => (i === d ? 1 : s)), k - 1, { dtype: "int64", device: x.device });
  const r = pick(x1, d, pos, keepdim && x.ndim > 0);
  return x.ndim === 0 ? { values: r.values.reshape([]), indices: r.indices.reshape([]) } : r;
}

/**
 * torch.mode(input, dim=-1, keepdim=False): the most frequent value of each line and an index
 * of it, as PyTorch's CPU kernel: among equally frequent values the smallest, and its last
 * position in the line (NaNs are never equal, so each counts once). Its gradient goes to that
 * position (a gather).
 */
export function mode(x: Tensor, ...args: Args<[dim: number, keepdim: boolean], MedianOptions>): ValuesIndices {
  checkTensor(x, "input", "mode");
  const { dim, keepdim } = parseArgs<Required<MedianOptions>>("mode", KTH, args);
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  const d = normalizeDim(dim, x1.ndim);
  if (x1.shape[d] === 0) throw new IndexError(`mode(): Expected reduction dim ${d} to have non-zero size.`);
  if (!onHost(x)) throw asyncReadError(x, "mode()", "torch.mode(await x.cpuAsync(), dim)");
  const lines = noGrad(() => x1.movedim(d, -1).contiguous());
  const n = lines.shape[lines.ndim - 1]!;
  const v = dense(lines) as unknown as ArrayLike<number | bigint>;
  const at = new BigInt64Array(v.length / n);
  const order = new Array<number>(n);
  for (let l = 0; l < at.length; l++) {
    const base = l * n;
    for (let i = 0; i < n; i++) order[i] = i;
    // ascending, NaN last, equal values by position (so a run's last element is its last position)
    order.sort((a, b) => {
      const p = v[base + a]!, q = v[base + b]!;
      return p < q ? -1 : p > q ? 1 : p === q ? a - b : p !== p ? (q !== q ? a - b : 1) : -1;
    });
    let best = 0, bestAt = order[0]!;
    for (let i = 0; i < n;) {
      let j = i + 1;
      while (j < n && v[base + order[j]!] === v[base + order[i]!]) j++;
      if (j - i > best) { best = j - i; bestAt = order[j - 1]!; }
      i = j;
    }
    at[l] = BigInt(bestAt);
  }
  const idx = fromHost(at, [...lines.shape.slice(0, -1), 1], "int64", x._box.device).movedim(-1, d);
  const values = x1.gather(d, idx);
  const r = keepdim && x.ndim > 0 ? { values, indices: idx } : { values: values.squeeze(d), indices: idx.squeeze(d) };
  return x.ndim === 0 ? { values: r.values.reshape([]), indices: r.indices.reshape([]) } : r;
}

/** torch.msort(input): sorted along dim 0 (the values of sort(input, 0)). */
export function msort(x: Tensor): Tensor {
  checkTensor(x, "input", "msort");
  return sort(x, 0).values;
}

/** quantile's interpolation between the two order statistics around the rank. */
export type QuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";
/** Options of quantile/nanquantile. */
export interface QuantileOptions {
  /** The dimension whose lines are reduced; null (the default) reduces the flattened input. */
  dim?: number | null;
  /** Keeps the reduced dimension(s) with size 1 (default false). */
  keepdim?: boolean;
  /** keyword-only: how a rank between two order statistics is read (default "linear"). */
  interpolation?: QuantileInterpolation;
}
const QUANTILE = [param("dim", nullable(int()), null), param("keepdim", bool, false)];
const INTERPOLATION = [param("interpolation", str, "linear")];

/**
 * ATen's quantile: the sorted line's rank q * (n - 1) (n the non-NaN count for nanquantile; a
 * line with a NaN has quantile NaN), rounded per `interpolation` (ranks are >= 0, so a
 * truncation is the floor; "nearest" rounds half to even, as ATen's round) or interpolated.
 */
function quantileOf(fn: "quantile" | "nanquantile", x: Tensor, qArg: Tensor | number, args: readonly unknown[]): Tensor {
  checkTensor(x, "input", fn);
  checkTensorOrScalar(qArg, "q", fn);
  const { dim, keepdim, interpolation } = parseArgs<{ dim: number | null; keepdim: boolean; interpolation: string }>(fn, QUANTILE, args, INTERPOLATION);
  if (!isFloating(x.dtype)) throw new RuntimeError(`${fn}() input tensor must be either float or double dtype`);
  if (!["linear", "lower", "higher", "midpoint", "nearest"].includes(interpolation)) {
    throw new RuntimeError(`${fn}() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${interpolation}`);
  }
  let q: Tensor;
  if (qArg instanceof Tensor) {
    if (qArg.ndim > 1) throw new RuntimeError(`${fn}() q must be a scalar or 1D tensor`);
    if (qArg.dtype !== x.dtype) throw new RuntimeError(`${fn}() q tensor must be same dtype as the input tensor`);
    if (onHost(qArg) && !numberData(qArg).every((v) => v >= 0 && v <= 1)) throw new RuntimeError(`${fn}() q values must be in the range [0, 1]`);
    q = qArg;
  } else {
    if (typeof qArg !== "number" || !(qArg >= 0 && qArg <= 1)) throw new RuntimeError(`${fn}() q must be in the range [0, 1] but got ${String(qArg)}`);
    q = full([], qArg, { dtype: x.dtype, device: x.device });
  }
  if (x.numel() === 0) throw new RuntimeError(`${fn}() input tensor must be non-empty`);
  const d = dim === null ? -1 : normalizeDim(dim, Math.max(x.ndim, 1));
  const lines = (dim === null ? x.reshape([-1]) : x.ndim === 0 ? x.reshape([1]) : x.movedim(d, -1));
  const n = lines.shape[lines.ndim - 1]!;
  const batch = lines.shape.slice(0, -1);
  const qs = q.ndim === 1 ? q.reshape([q.numel(), ...batch.map(() => 1), 1]) : q.reshape([...batch.map(() => 1), 1]);
  let sorted = sort(lines, -1).values;
  if (q.ndim === 1) sorted = sorted.unsqueeze(0).expand([q.numel(), ...sorted.shape]);
  const ranks = noGrad(() => {
    const nan = sorted.isnan();
    if (fn === "quantile") return where(nan.any(-1, { keepdim: true }), n - 1, qs.mul(n - 1));
    const r = qs.mul(nan.logicalNot().sum(-1, true).sub(1));
    return where(r.lt(0), 0, r);
  });
  const below = noGrad(() => {
    const f = ranks.to("int64");
    if (interpolation === "higher") return f.add(ranks.gt(f).to("int64"));
    if (interpolation !== "nearest") return f;
    const frac = ranks.sub(f);
    const odd = f.sub(f.div(2).to("int64").mul(2)).ne(0);
    return f.add(frac.gt(0.5).logicalOr(frac.eq(0.5).logicalAnd(odd)).to("int64"));
  });
  let out = sorted.gather(-1, below);
  if (interpolation === "linear" || interpolation === "midpoint") {
    const above = noGrad(() => below.add(ranks.gt(below).to("int64")));
    const weight = interpolation === "midpoint" ? 0.5 : noGrad(() => ranks.sub(below));
    out = out.lerp(sorted.gather(-1, above), weight);
  }
  out = out.squeeze(-1); // [Q?, ...batch]
  if (!keepdim) return out;
  const lead = q.ndim === 1 ? [q.numel()] : [];
  if (dim === null) return out.reshape([...lead, ...x.shape.map(() => 1)]);
  return x.ndim === 0 ? out : out.unsqueeze(lead.length + d);
}

/** torch.quantile(input, q, dim=None, keepdim=False, *, interpolation='linear'): q a number or a 1-D tensor (its dim first in the result). */
export function quantile(x: Tensor, q: Tensor | number, ...args: Args<[dim: number | null, keepdim: boolean], QuantileOptions>): Tensor {
  return quantileOf("quantile", x, q, args);
}
/** torch.nanquantile: quantile of the non-NaN values (NaN where a line has none). */
export function nanquantile(x: Tensor, q: Tensor | number, ...args: Args<[dim: number | null, keepdim: boolean], QuantileOptions>): Tensor {
  return quantileOf("nanquantile", x, q, args);
}
