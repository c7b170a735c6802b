// Values counted and located: torch.unique, bincount, histc, searchsorted, bucketize. None
// is differentiable (PyTorch defines no derivative for them); their results are new tensors
// that do not require grad. unique's size depends on the values, so it reads them on the
// host, as nonzero does.
import { bool, checkTensor, describe, int, nullable, num, param, parseArgs, type Args } from "../args.ts";
import { isFloating, scalarTypeName, type DType, type Storage } from "../dtype.ts";
import { NotImplementedError, RuntimeError, TorchTypeError } from "../errors.ts";
import { record } from "../autograd/node.ts";
import { normalizeDim } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { fromHost, hostData, numberData } from "./alloc.ts";
import { noGrad } from "../autograd/gradMode.ts";

type Cell = number | bigint;
/** Ascending, NaN after every number (PyTorch's sort order); equal cells give 0. */
const compare = (a: Cell, b: Cell): number => (a < b ? -1 : a > b ? 1 : a === b ? 0 : a !== a ? (b !== b ? 0 : 1) : -1);

/** Options of torch.unique (PyTorch's keywords). */
export interface UniqueOptions {
  /** Ascending order (PyTorch's default true; its CPU order without it is unspecified, and torch-ts's is ascending too). */
  sorted?: boolean;
  /** Also return, for each input element (or slice along dim), the index of its value in the output. */
  returnInverse?: boolean;
  /** Also return how many times each unique value (or slice) occurs. */
  returnCounts?: boolean;
  /** Unique slices along this dimension instead of unique elements of the flattened input. */
  dim?: number | null;
}
const UNIQUE = [param("sorted", bool, true), param("returnInverse", bool, false), param("returnCounts", bool, false), param("dim", nullable(int()), null)];

/**
 * torch.unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None): the
 * unique values ascending (each NaN is unique, after the numbers, as in PyTorch); with
 * returnInverse or returnCounts, an array [output, inverse?, counts?] in PyTorch's tuple order.
 */
export function unique(x: Tensor, ...args: Args<[sorted: boolean, returnInverse: boolean, returnCounts: boolean, dim: number | null], UniqueOptions>): Tensor | Tensor[] {
  checkTensor(x, "input", "unique");
  const o = parseArgs<Required<UniqueOptions>>("unique", UNIQUE, args);
  const { values, inverse, counts } = o.dim === null ? uniqueElements(x) : uniqueSlices(x, normalizeDim(o.dim, Math.max(1, x.ndim)));
  // as PyTorch: the values are in the graph, and a backward through them fails
  const [name, aten] = o.dim === null ? ["Unique2Backward0", "_unique2"] : ["UniqueDimBackward0", "unique_dim"];
  record(values, name, [x], [], () => { throw new NotImplementedError(`the derivative for '${aten}' is not implemented.`); });
  if (!o.returnInverse && !o.returnCounts) return values;
  const out = [values];
  if (o.returnInverse) out.push(inverse);
  if (o.returnCounts) out.push(counts);
  return out;
}

/** Options of torch.unique_consecutive. */
export interface UniqueConsecutiveOptions {
  /** Also return, for each element (or slice along dim), the index of its run. */
  returnInverse?: boolean;
  /** Also return each run's length. */
  returnCounts?: boolean;
  /** Runs of equal slices along this dimension instead of equal elements of the flattened input. */
  dim?: number | null;
}
const UNIQUE_CONSECUTIVE = [param("returnInverse", bool, false), param("returnCounts", bool, false), param("dim", nullable(int()), null)];

/**
 * torch.unique_consecutive(input, return_inverse=False, return_counts=False, dim=None): each run
 * of equal consecutive values (or slices along dim) kept once, in order; with returnInverse or
 * returnCounts an array [output, inverse?, counts?].
 */
export function uniqueConsecutive(x: Tensor, ...args: Args<[returnInverse: boolean, returnCounts: boolean, dim: number | null], UniqueConsecutiveOptions>): Tensor | Tensor[] {
  checkTensor(x, "input", "unique_consecutive");
  const o = parseArgs<Required<UniqueConsecutiveOptions>>("unique_consecutive", UNIQUE_CONSECUTIVE, args);
  const d = o.dim === null ? null : normalizeDim(o.dim, Math.max(1, x.ndim));
  const lines = d === null ? x.reshape([-1]) : x.movedim(d, 0);
  const size = lines.shape[0] ?? 1;
  const data = readHost(lines, "uniqueConsecutive") as ArrayLike<Cell>;
  const len = size === 0 ? 0 : data.length / size;
  const same = (a: number, b: number): boolean => {
    for (let j = 0; j < len; j++) if (!(data[a * len + j] === data[b * len + j])) return false;
    return true;
  };
  const keep: number[] = [], counts: number[] = [], inverse = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    if (i === 0 || !same(i, i - 1)) { keep.push(i); counts.push(0); }
    counts[counts.length - 1]!++;
    inverse[i] = keep.length - 1;
  }
  const picked = noGrad(() => lines.indexSelect(0, int64(keep, [keep.length], x)));
  const values = d === null ? picked : picked.movedim(0, d).contiguous();
  record(values, "UniqueConsecutiveBackward0", [x], [], () => { throw new NotImplementedError("the derivative for 'unique_consecutive' is not implemented."); });
  if (!o.returnInverse && !o.returnCounts) return values;
  const out = [values];
  if (o.returnInverse) out.push(int64(inverse, d === null ? x.shape.slice() : [size], x));
  if (o.returnCounts) out.push(int64(counts, [counts.length], x));
  return out;
}

interface Uniques { values: Tensor; inverse: Tensor; counts: Tensor }

const int64 = (v: number[], shape: number[], x: Tensor): Tensor => fromHost(BigInt64Array.from(v, BigInt), shape, "int64", x._box.device);
const readHost = (x: Tensor, fn = "unique"): Storage => hostData(x.contiguous(), `${fn}()`, `(await x.cpuAsync()).${fn}() (the result's size depends on the values)`);

function uniqueElements(x: Tensor): Uniques {
  const data = readHost(x) as ArrayLike<Cell>;
  const n = data.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compare(data[a]!, data[b]!) || a - b);
  const keep: number[] = [], counts: number[] = [], inverse = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    // NaN equals nothing, so each NaN starts a group of its own
    if (k === 0 || !(data[i] === data[order[k - 1]!])) { keep.push(i); counts.push(0); }
    counts[counts.length - 1]!++;
    inverse[i] = keep.length - 1;
  }
  const values = new (data as unknown as { constructor: new (n: number) => Storage }).constructor(keep.length);
  keep.forEach((i, k) => { (values as unknown as Cell[])[k] = data[i]!; });
  return { values: fromHost(values, [keep.length], x.dtype, x._box.device), inverse: int64(inverse, x.shape.slice(), x), counts: int64(counts, [counts.length], x) };
}

function uniqueSlices(x: Tensor, d: number): Uniques {
  const size = x.shape[d] ?? 1;
  const moved = x.movedim(d, 0).contiguous();
  const data = readHost(moved) as ArrayLike<Cell>;
  const len = size === 0 ? 0 : data.length / size;
  const cmp = (a: number, b: number): number => {
    for (let j = 0; j < len; j++) {
      const c = compare(data[a * len + j]!, data[b * len + j]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  const same = (a: number, b: number): boolean => {
    for (let j = 0; j < len; j++) if (!(data[a * len + j] === data[b * len + j])) return false;
    return true;
  };
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => cmp(a, b) || a - b);
  const keep: number[] = [], counts: number[] = [], inverse = new Array<number>(size);
  for (let k = 0; k < size; k++) {
    const i = order[k]!;
    if (k === 0 || !same(i, order[k - 1]!)) { keep.push(i); counts.push(0); }
    counts[counts.length - 1]!++;
    inverse[i] = keep.length - 1;
  }
  const picked = noGrad(() => moved.indexSelect(0, int64(keep, [keep.length], x)).movedim(0, d).contiguous());
  return { values: picked, inverse: int64(inverse, [size], x), counts: int64(counts, [counts.length], x) };
}

/** Options of torch.bincount. */
export interface BincountOptions {
  /** A weight per input element: the bins sum weights instead of counting (float64 result for float32/float64 weights, as PyTorch). */
  weights?: Tensor | null;
  /** At least this many bins. */
  minlength?: number;
}
const BINCOUNT = [param("weights", nullable((v, a, f) => checkTensor(v, a, f)), null), param("minlength", int(), 0)];

/** torch.bincount(input, weights=None, minlength=0): occurrences of each value 0..max(input) of a 1-D non-negative integer tensor. */
export function bincount(x: Tensor, ...args: Args<[weights: Tensor | null, minlength: number], BincountOptions>): Tensor {
  checkTensor(x, "input", "bincount");
  const { weights, minlength } = parseArgs<{ weights: Tensor | null; minlength: number }>("bincount", BINCOUNT, args);
  if (minlength < 0) throw new RuntimeError("minlength should be >= 0");
  if (isFloating(x.dtype) || x.dtype === "bool") throw new RuntimeError(`"bincount_cpu" not implemented for '${scalarTypeName(x.dtype)}'`);
  if (x.ndim !== 1) throw new RuntimeError("bincount only supports 1-d non-negative integral inputs.");
  if (weights !== null && (weights.ndim !== 1 || weights.shape[0] !== x.shape[0])) throw new RuntimeError("weights should be 1-d and have the same length as input");
  const v = numberData(x, "bincount()", "(await x.cpuAsync()).bincount()");
  let max = -1;
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0) throw new RuntimeError("bincount only supports 1-d non-negative integral inputs.");
    if (v[i]! > max) max = v[i]!;
  }
  const bins = Math.max(minlength, max + 1);
  // PyTorch: counts are int64, sums of float32 weights float32, of any other weights float64
  const dtype: DType = weights === null ? "int64" : weights.dtype === "float32" ? "float32" : "float64";
  if (weights === null) {
    const out = new BigInt64Array(bins);
    for (let i = 0; i < v.length; i++) out[v[i]!]!++;
    return fromHost(out, [bins], dtype, x._box.device);
  }
  const w = numberData(weights.to(dtype === "float32" ? "float32" : "float64"), "bincount()", "(await x.cpuAsync()).bincount()");
  const sums = new Float64Array(bins);
  for (let i = 0; i < v.length; i++) sums[v[i]!] += w[i]!;
  return fromHost(dtype === "float32" ? Float32Array.from(sums) : sums, [bins], dtype, x._box.device);
}

/** Options of torch.histc. */
export interface HistcOptions {
  bins?: number;
  min?: number;
  max?: number;
}
const HISTC = [param("bins", int(), 100), param("min", num(), 0), param("max", num(), 0)];

/**
 * torch.histc(input, bins=100, min=0, max=0): a histogram of equal-width bins over [min, max]
 * (min = max = 0: the data's own range); values outside are ignored. The input's float dtype.
 */
export function histc(x: Tensor, ...args: Args<[bins: number, min: number, max: number], HistcOptions>): Tensor {
  checkTensor(x, "input", "histc");
  const o = parseArgs<Required<HistcOptions>>("histc", HISTC, args);
  if (!isFloating(x.dtype)) throw new RuntimeError(`"histogram_cpu" not implemented for '${scalarTypeName(x.dtype)}'`);
  if (o.bins <= 0) throw new RuntimeError(`torch.histogram(): bins must be > 0, but got ${o.bins} for dimension 0`);
  if (o.min > o.max) throw new RuntimeError("torch.histc: max must be larger than min");
  const v = numberData(x, "histc()", "(await x.cpuAsync()).histc()");
  const f = x.dtype === "float32" ? Math.fround : (a: number) => a;
  let lo = f(o.min), hi = f(o.max);
  if (lo === hi && v.length > 0) {
    lo = Infinity; hi = -Infinity;
    for (let i = 0; i < v.length; i++) { lo = Math.min(lo, v[i]!); hi = Math.max(hi, v[i]!); }
  }
  if (lo === hi) { lo -= 1; hi += 1; }
  const show = (v: number): string => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RuntimeError(`torch.histc: range of [${show(lo)}, ${show(hi)}] is not finite`);
  const hist = new Float64Array(o.bins);
  for (let i = 0; i < v.length; i++) {
    const e = v[i]!;
    if (!(e >= lo && e <= hi)) continue;
    // ATen's histogramdd bin: (elt - leftmost) * bins / (rightmost - leftmost), the last edge inclusive
    let b = Math.floor(f(f(f(e - lo) * o.bins) / f(hi - lo)));
    if (b === o.bins) b--;
    hist[b]++;
  }
  return fromHost(x.dtype === "float32" ? Float32Array.from(hist) : hist, [o.bins], x.dtype, x._box.device);
}

/** Options of torch.searchsorted and torch.bucketize. */
export interface SearchsortedOptions {
  /** int32 indices instead of int64. */
  outInt32?: boolean;
  /** The last position where the value could be inserted (a value equal to an entry goes after it). */
  right?: boolean;
  /** "left" or "right": the same as right false/true. */
  side?: "left" | "right" | null;
  /** Indices that sort an unsorted sequence along its last dimension. */
  sorter?: Tensor | null;
}
const SEARCH_KW = [param("outInt32", bool, false), param("right", bool, false), param("side", nullable((v) => {
  if (v !== "left" && v !== "right") throw new RuntimeError(`torch.searchsorted(): side can only be 'left' or 'right' but got ${String(v)}`);
  return v;
}), null), param("sorter", nullable((v, a, f) => checkTensor(v, a, f)), null)];

/**
 * torch.searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None):
 * for each value, the index in the sorted (innermost dimension of the) sequence where it would
 * be inserted to keep it sorted.
 */
export function searchsorted(seq: Tensor, values: Tensor | number, opts?: SearchsortedOptions): Tensor {
  checkTensor(seq, "sorted_sequence", "searchsorted");
  const o = parseArgs<{ outInt32: boolean; right: boolean; side: "left" | "right" | null; sorter: Tensor | null }>("searchsorted", [], opts === undefined ? [] : [opts], SEARCH_KW);
  if (o.side !== null && o.right && o.side === "left") throw new RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
  return search(seq, asValues(values, seq, "searchsorted"), o.right || o.side === "right", o.outInt32, o.sorter, "searchsorted");
}

/** A number to look up, as a 0-dim tensor (compared by value, whatever the sequence's dtype). */
function asValues(v: Tensor | number, like: Tensor, fn: string): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v !== "number") throw new TorchTypeError(`${fn}(): argument 'input' must be a Tensor or a number, but got ${describe(v)}`);
  return fromHost(Float64Array.of(v), [], "float64", like._box.device);
}

/** torch.bucketize(input, boundaries, *, out_int32=False, right=False): searchsorted with the roles swapped, boundaries 1-D. */
export function bucketize(x: Tensor | number, boundaries: Tensor, opts?: { outInt32?: boolean; right?: boolean }): Tensor {
  checkTensor(boundaries, "boundaries", "bucketize");
  const o = parseArgs<{ outInt32: boolean; right: boolean }>("bucketize", [], opts === undefined ? [] : [opts], [param("outInt32", bool, false), param("right", bool, false)]);
  if (boundaries.ndim !== 1) throw new RuntimeError(`boundaries tensor must be 1 dimension, but got dim(${boundaries.ndim})`);
  return search(boundaries, asValues(x, boundaries, "bucketize"), o.right, o.outInt32, null, "bucketize");
}

function search(seq: Tensor, values: Tensor, right: boolean, outInt32: boolean, sorter: Tensor | null, fn: string): Tensor {
  if (seq.ndim === 0) throw new RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension");
  if (seq.ndim > 1) {
    const lead = seq.shape.slice(0, -1), vlead = values.shape.slice(0, -1);
    if (values.ndim !== seq.ndim || lead.some((s, i) => s !== vlead[i])) {
      throw new RuntimeError(`torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [${seq.shape.join(", ")}] and input value tensor [${values.shape.join(", ")}]`);
    }
  }
  const inner = seq.shape[seq.ndim - 1]!;
  if (sorter !== null && (sorter.ndim !== seq.ndim || sorter.shape.some((s, i) => s !== seq.shape[i]))) throw new RuntimeError("torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor " + `[${seq.shape.join(", ")}] and got sorter tensor [${sorter.shape.join(", ")}]`);
  const cpuForm = `torch.${fn}() on tensors moved with await t.cpuAsync() (the binary search runs on the host)`;
  const s = numberData(seq, `${fn}()`, cpuForm);
  const vals = numberData(values, `${fn}()`, cpuForm);
  const perm = sorter === null ? null : numberData(sorter, `${fn}()`, cpuForm);
  const rows = seq.ndim === 1 ? 1 : s.length / inner;
  const perRow = seq.ndim === 1 ? vals.length : vals.length / Math.max(1, rows);
  const out = new Array<number>(vals.length);
  for (let k = 0; k < vals.length; k++) {
    const r = seq.ndim === 1 ? 0 : Math.floor(k / perRow);
    const at = (j: number): number => s[r * inner + (perm === null ? j : perm[r * inner + j]!)]!;
    const val = vals[k]!;
    let lo = 0, hi = inner;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = at(mid);
      // NaN sorts last: a NaN value goes after every number, and every number before a NaN entry
      const before = right ? !(compare(val, e) < 0) : compare(e, val) < 0;
      if (before) lo = mid + 1;
      else hi = mid;
    }
    out[k] = lo;
  }
  const shape = values.shape.slice();
  return outInt32 ? fromHost(Int32Array.from(out), shape, "int32", values._box.device) : fromHost(BigInt64Array.from(out, BigInt), shape, "int64", values._box.device);
}
