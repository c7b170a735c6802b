// Order statistics from the stable sort (sort.ts): median, nanmedian, kthvalue, msort. The
// chosen element of each line is found in the sorted order, and its value is a gather from
// the input at its index, so the gradient reaches that element (PyTorch's
// value_selecting_reduction_backward); the whole-tensor median shares it among the elements
// equal to the result (PyTorch's evenly_distribute_backward).
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { isFloating } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { bool, checkInt, checkTensor, int, param, parseArgs, type Args } from "../args.ts";
import { normalizeDim } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
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
  dim?: number;
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

/** torch.msort(input): sorted along dim 0 (the values of sort(input, 0)). */
export function msort(x: Tensor): Tensor {
  checkTensor(x, "input", "msort");
  return sort(x, 0).values;
}
