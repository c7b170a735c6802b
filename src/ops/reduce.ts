// Reductions. The kernel always sees a contiguous [outer, r, inner] block: reduced dims that
// are not one contiguous block are permuted to the end first (one copy).
import type { ReduceOp } from "../backends/backend.ts";
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { traceOnly } from "../autograd/trace.ts";
import { isFloating, scalarTypeName, toFloating, type DType, type NumArray } from "../dtype.ts";
import { IndexError, RuntimeError, TorchTypeError } from "../errors.ts";
import { bool, checkBool, checkDtype, checkInt, checkTensor, describe, dims as dimsArg, dtype as dtypeArg, int, isOptions, nullable, num, param, parseArgs, type Args } from "../args.ts";
import { normalizeDim, normalizeDims, numelOf } from "../layout.ts";
import { Tensor, type TensorData } from "../tensor.ts";
import { asyncReadError, backendOf, dense, empty, fromHost, output, scalarView, zeros } from "./alloc.ts";
import { CPU } from "../device.ts";
import { maximum, minimum, where } from "./elementwise.ts";
import { gradMode } from "../autograd/gradMode.ts";
import { full } from "./creation.ts";
import { triu } from "./indexing.ts";
import { cat } from "./shape.ts";

/** One dimension or several (negative counts from the end). */
export type Dims = number | readonly number[];

// ---- arguments: PyTorch's positional order, then one options object ----------------------
// The positional forms (x.sum(1, true)) take a fast path of typeof checks; an options object
// anywhere sends the call through parseArgs.

/** Options of sum, mean, prod: PyTorch's keywords dim, keepdim and (keyword-only) dtype, the input cast to it first. */
export interface ReduceOptions {
  /** The dimension(s) to reduce; `null` or absent reduces all (PyTorch's default). */
  dim?: Dims | null;
  /** Keeps each reduced dimension with size 1 (default false). */
  keepdim?: boolean;
  /** The dtype the input is cast to before reducing, and the result's dtype. */
  dtype?: DType;
}
/** Options of reductions without dtype (amax, amin, argmax, argmin, logsumexp). */
export interface DimOptions {
  /** The dimension(s) to reduce; `null` or absent reduces all (PyTorch's default). */
  dim?: Dims | null;
  /** Keeps each reduced dimension with size 1 (default false). */
  keepdim?: boolean;
}
/** Options of cumsum and cumprod: the dtype the input is cast to first. */
export interface CumulativeOptions {
  /** The dimension to accumulate along (required, as in PyTorch). */
  dim?: number;
  /** The dtype the input is cast to first, and the result's dtype. */
  dtype?: DType;
}
/** Options of softmax and logSoftmax. */
export interface SoftmaxOptions {
  /** The dimension the probabilities sum to one along. */
  dim?: number;
  /** The dtype the input is cast to first, and the result's dtype. */
  dtype?: DType;
}
const DIM_KEEPDIM = [param("dim", dimsArg, null), param("keepdim", bool, false)];
const DTYPE = [param("dtype", dtypeArg, undefined)];
const keepdimOf = (v: unknown, fn: string): boolean => (v === undefined ? false : checkBool(v, "keepdim", fn));
/** An op computed in `dtype` when one is given: PyTorch casts the input first and returns that dtype. */
const inDtype = (x: Tensor, dtype: DType | undefined, op: (x: Tensor) => Tensor): Tensor => (dtype === undefined ? op(x) : op(x.to(dtype)).to(dtype));
/** The options form of (dim, keepdim, *, dtype), parsed: the slow path. */
function keywordArgs(fn: string, dim: unknown, keepdim: unknown, opts: unknown, keywords: typeof DTYPE = DTYPE): { dim: Dims | null; keepdim: boolean; dtype?: DType } {
  return parseArgs(fn, DIM_KEEPDIM, [dim, keepdim, opts], keywords);
}
/** True when a call uses the options form. */
const keywordForm = (a: unknown, b: unknown, c: unknown): boolean => c !== undefined || isOptions(a) || isOptions(b);
/** sum/mean: (dim, keepdim, *, dtype) read, then `of` computes the reduction. */
function dimReduction(fn: string, of: (x: Tensor, dim: Dims | null | undefined, keepdim: boolean) => Tensor, x: Tensor, dim: unknown, keepdim: unknown, opts: unknown): Tensor {
  checkTensor(x, "input", fn);
  if (keywordForm(dim, keepdim, opts)) {
    const a = keywordArgs(fn, dim, keepdim, opts);
    return inDtype(x, a.dtype, (x) => of(x, a.dim, a.keepdim));
  }
  return of(x, dim as Dims | null | undefined, keepdimOf(keepdim, fn));
}

interface Plan {
  dims: number[];
  keptShape: number[]; // input shape with reduced dims set to 1
  outShape: number[]; // what the op returns (keepdim or not)
  outer: number;
  r: number;
  inner: number;
  /** x as a contiguous [outer, r, inner] block: x's own storage, or (reduced dims that are not adjacent) a permuted copy made on first read. */
  readonly data: TensorData;
  /** Whether the reduced dims are adjacent in x (then `data` is x's storage, no copy). */
  block: boolean;
  /** The reduced tensor (its device and backend). */
  x: Tensor;
}

function plan(x: Tensor, dim: Dims | undefined | null, keepdim: boolean): Plan {
  const nd = x.shape.length;
  if (dim !== undefined && dim !== null && typeof dim !== "number" && !Array.isArray(dim)) {
    throw new TorchTypeError(`argument 'dim' must be an integer or a list of integers, but got ${describe(dim)}`);
  }
  const all = dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0);
  const dims = all ? [...Array(nd).keys()] : normalizeDims(typeof dim === "number" ? [dim] : (dim as number[]), nd).sort((p, q) => p - q);
  const keptShape = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const outShape = keepdim ? keptShape.slice() : x.shape.filter((_, i) => !dims.includes(i));
  const block = dims.length === 0 || dims[dims.length - 1] - dims[0] === dims.length - 1;
  if (block) {
    const d0 = dims.length ? dims[0] : nd;
    const d1 = dims.length ? dims[dims.length - 1] : nd - 1;
    const outer = numelOf(x.shape.slice(0, d0)), r = numelOf(x.shape.slice(d0, d1 + 1)), inner = numelOf(x.shape.slice(d1 + 1));
    return { dims, keptShape, outShape, outer, r, inner, data: dense(x), block, x };
  }
  const kept = [...Array(nd).keys()].filter((i) => !dims.includes(i));
  let data: TensorData | undefined;
  return {
    dims, keptShape, outShape, block, x, inner: 1,
    outer: numelOf(kept.map((i) => x.shape[i])),
    r: numelOf(dims.map((i) => x.shape[i])),
    get data() {
      return (data ??= dense(x.permute([...kept, ...dims])));
    },
  };
}

function run(op: ReduceOp, p: Plan, dtype: DType): Tensor {
  const out = output(p.outShape, dtype, p.x._box.device);
  if (p.r === 0) {
    if (op === "max" || op === "min") throw new IndexError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    backendOf(p.x).fill(out._box.data, op === "prod" ? 1 : 0);
  } else if (p.block) backendOf(p.x).reduce(op, p.data, p.outer, p.r, p.inner, out._box.data);
  else reduceInStages(op, p, out);
  return out;
}

/**
 * Reduced dims that are not adjacent ([N, C, H, W] over 0, 2, 3), without the permuted copy:
 * x's dims merged into runs of kept and of reduced ones, then the last reduced run reduced as
 * an [outer, r, inner] block of the previous stage's result, until none is left (the last
 * stage writes `out`). Sums and products round once per stage (a float32 sum over N and H*W
 * is a sum over N of float32 sums over H*W, as PyTorch's kernels also add partial sums); max
 * and min are exact and keep NaN, which propagates through every stage.
 */
function reduceInStages(op: ReduceOp, p: Plan, out: Tensor): void {
  const { x } = p;
  const runs: { size: number; reduced: boolean }[] = [];
  x.shape.forEach((size, d) => {
    if (size === 1) return;
    const reduced = p.dims.includes(d), last = runs[runs.length - 1];
    if (last && last.reduced === reduced) last.size *= size;
    else runs.push({ size, reduced });
  });
  // every reduced dim of size 1: one stage with r = 1 (a copy)
  if (!runs.some((q) => q.reduced)) runs.push({ size: 1, reduced: true });
  const backend = backendOf(x);
  let data = dense(x);
  for (;;) {
    let j = runs.length - 1;
    while (!runs[j]!.reduced) j--;
    const sizes = runs.map((q) => q.size);
    const outer = numelOf(sizes.slice(0, j)), r = sizes[j]!, inner = numelOf(sizes.slice(j + 1));
    // the run leaves; kept runs that now touch become one
    runs.splice(j, 1);
    if (j > 0 && j < runs.length && !runs[j - 1]!.reduced && !runs[j]!.reduced) runs.splice(j - 1, 2, { size: runs[j - 1]!.size * runs[j]!.size, reduced: false });
    const done = !runs.some((q) => q.reduced);
    const next = done ? out._box.data : output([outer * inner], out.dtype, x._box.device)._box.data;
    backend.reduce(op, data, outer, r, inner, next);
    if (done) return;
    data = next;
  }
}

/** Expands a reduced gradient back over the reduced dims. */
function unreduce(g: Tensor, p: Plan, shape: readonly number[]): Tensor {
  return g.reshape(p.keptShape).expand(shape as number[]);
}

/** Sums and products of integers and bools accumulate in int64, as PyTorch's. */
const accumulating = (x: Tensor): Tensor => (isFloating(x.dtype) || x.dtype === "int64" ? x : x.to("int64"));

/** torch.sum(input, dim=None, keepdim=False, *, dtype=None). */
export function sum(x: Tensor, ...args: Args<[dim: Dims | null, keepdim: boolean], ReduceOptions>): Tensor;
export function sum(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor {
  return dimReduction("sum", sumOf, x, dim, keepdim, opts);
}
function sumOf(x: Tensor, dim: Dims | null | undefined, keepdim: boolean): Tensor {
  const p = plan(accumulating(x), dim, keepdim);
  const shape = x.shape;
  // PyTorch's overloads: sum() is SumBackward0, sum(dim) SumBackward1 (mean likewise)
  const name = dim === undefined || dim === null ? "SumBackward0" : "SumBackward1";
  return record(run("sum", p, accumulating(x).dtype), name, [x], [], (g) => [unreduce(g, p, shape)], { dim: p.dims, keepdim });
}

/** torch.mean(input, dim=None, keepdim=False, *, dtype=None). */
export function mean(x: Tensor, ...args: Args<[dim: Dims | null, keepdim: boolean], ReduceOptions>): Tensor;
export function mean(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor {
  return dimReduction("mean", meanOf, x, dim, keepdim, opts);
}
function meanOf(x: Tensor, dim: Dims | null | undefined, keepdim: boolean): Tensor {
  if (!isFloating(x.dtype)) {
    throw new RuntimeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(x.dtype)}`);
  }
  const p = plan(x, dim, keepdim);
  const out = run("sum", p, x.dtype);
  const n = p.r;
  // out /= n in place (a float32 sum divided by n in double on the CPU, as before; the kernel's own division elsewhere)
  const o = out._box.data;
  backendOf(out).binary("div", { data: o, shape: [o.length], strides: [1], offset: 0 }, scalarView(n, [o.length]), o);
  const shape = x.shape;
  const name = dim === undefined || dim === null ? "MeanBackward0" : "MeanBackward1";
  return record(out, name, [x], [], (g) => [unreduce(g.div(n), p, shape)], { dim: p.dims, keepdim });
}

/**
 * nansum's sum, NaN read as zero; its gradient is g times (x is not NaN), as PyTorch's (so a
 * NaN gradient, as nanmean's over an all-NaN row, stays NaN there).
 */
function nansumOf(x: Tensor, dim: Dims | null | undefined, keepdim: boolean): Tensor {
  if (!isFloating(x.dtype)) return sumOf(x, dim, keepdim);
  const p = plan(x, dim, keepdim);
  const out = noGrad(() => sumOf(where(x.isnan(), 0, x), dim, keepdim));
  const shape = x.shape;
  return record(out, "NansumBackward0", [x], [x], (g, [x]) => [unreduce(g, p, shape).mul(x.isnan().logicalNot())], { dim: p.dims, keepdim });
}

/** torch.nansum(input, dim=None, keepdim=False, *, dtype=None): the sum with NaN counted as zero. */
export function nansum(x: Tensor, ...args: Args<[dim: Dims | null, keepdim: boolean], ReduceOptions>): Tensor;
export function nansum(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor {
  return dimReduction("nansum", nansumOf, x, dim, keepdim, opts);
}

/** torch.nanmean(input, dim=None, keepdim=False, *, dtype=None): the mean of the elements that are not NaN. */
export function nanmean(x: Tensor, ...args: Args<[dim: Dims | null, keepdim: boolean], ReduceOptions>): Tensor;
export function nanmean(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor {
  return dimReduction("nanmean", (x, d, k) => {
    if (!isFloating(x.dtype)) throw new RuntimeError(`nanmean(): expected input to have floating point dtype but got ${scalarTypeName(x.dtype)}`);
    // PyTorch's: nansum / the count of non-NaN elements
    return nansumOf(x, d, k).div(sumOf(x.isnan().logicalNot(), d, k));
  }, x, dim, keepdim, opts);
}

/** torch.prod(input, dim=None, keepdim=False, *, dtype=None): one dim or all. */
export function prod(x: Tensor, ...args: Args<[dim: number | null, keepdim: boolean], ReduceOptions & { dim?: number | null }>): Tensor;
export function prod(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor {
  checkTensor(x, "input", "prod");
  if (keywordForm(dim, keepdim, opts)) {
    const a = keywordArgs("prod", dim, keepdim, opts);
    if (Array.isArray(a.dim)) throw new TorchTypeError(`prod(): argument 'dim' must be an integer, but got an array`);
    return inDtype(x, a.dtype, (x) => prodOf(x, a.dim as number | null, a.keepdim));
  }
  if (dim !== undefined && dim !== null) checkInt(dim, "dim", "prod");
  return prodOf(x, dim as number | null | undefined, keepdimOf(keepdim, "prod"));
}
function prodOf(x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  const xa = accumulating(x);
  const p = plan(xa, dim, keepdim);
  const out = run("prod", p, xa.dtype);
  const shape = x.shape;
  return record(out, "ProdBackward0", [x], [x], (g, [x]) => {
    // d prod / d x_i = product of the others; exact when x has zeros (at most one contributes).
    const isZero = x.eq(0);
    const safe = where(isZero, 1, x);
    const others = prodOf(safe, dim, true);
    const zeros = sumOf(isZero, dim, true);
    const gx = where(zeros.eq(0), others.div(safe), where(zeros.eq(1).logicalAnd(isZero), others, 0));
    return [unreduce(g, p, shape).mul(gx)];
  }, { dim: p.dims, keepdim });
}

/** amax/amin: ties share the gradient evenly, as PyTorch. */
function extreme(op: "max" | "min", x: Tensor, dim: Dims | undefined | null, keepdim: boolean, name: string): Tensor {
  const p = plan(x, dim, keepdim);
  const out = run(op, p, x.dtype);
  const shape = x.shape;
  return record(out, name, [x], [x, out], (g, [x, y]) => {
    const yk = y.reshape(p.keptShape);
    if (name.startsWith("Amax") || name.startsWith("Amin")) {
      // PyTorch's scale_grad_by_count: (g / count) * (x == y), so a NaN result gives NaN everywhere
      const mask = x.eq(yk);
      return [unreduce(g, p, shape).div(sum(mask, p.dims, true)).mul(mask)];
    }
    // max() / min() over everything: PyTorch's evenly_distribute_backward, to the elements equal
    // to the result (to the NaNs when it is NaN) split evenly, and exactly 0 elsewhere
    const mask = isFloating(x.dtype) ? where(yk.isnan(), x.isnan(), x.eq(yk)) : x.eq(yk);
    return [where(mask, unreduce(g, p, shape).div(sum(mask, p.dims, true)), 0)];
  }, { dim: p.dims, keepdim });
}
/** torch.amax(input, dim=(), keepdim=False): the max over dims (all by default), ties sharing the gradient. */
export function amax(x: Tensor, ...args: Args<[dim: Dims | null, keepdim: boolean], DimOptions>): Tensor;
export function amax(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor {
  checkTensor(x, "input", "amax");
  if (keywordForm(dim, keepdim, opts)) ({ dim, keepdim } = keywordArgs("amax", dim, keepdim, opts, []));
  return extreme("max", x, dim as Dims | null | undefined, keepdimOf(keepdim, "amax"), "AmaxBackward0");
}
/** torch.amin(input, dim=(), keepdim=False). */
export function amin(x: Tensor, ...args: Args<[dim: Dims | null, keepdim: boolean], DimOptions>): Tensor;
export function amin(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor {
  checkTensor(x, "input", "amin");
  if (keywordForm(dim, keepdim, opts)) ({ dim, keepdim } = keywordArgs("amin", dim, keepdim, opts, []));
  return extreme("min", x, dim as Dims | null | undefined, keepdimOf(keepdim, "amin"), "AminBackward0");
}

/** The result of max, min, sort, topk, kthvalue, median and mode along a dimension: the values and their indices (the default integer dtype). */
export interface ValuesIndices {
  /** The selected values. */
  values: Tensor;
  /** Where each value is along the dimension. */
  indices: Tensor;
}

function extremeWithIndex(op: "max" | "min", x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normalizeDim(dim, x.shape.length);
  const p = plan(x, d, keepdim);
  if (p.r === 0) throw new IndexError(`${op}(): Expected reduction dim ${dim} to have non-zero size.`);
  const values = empty(p.outShape, x.dtype, x._box.device);
  const local = empty(p.outShape, "int32", x._box.device);
  backendOf(x).argReduce(op, p.data, p.outer, p.r, p.inner, local._box.data, values._box.data);
  const indices = local.to("int64");
  const shape = x.shape;
  record(values, op === "max" ? "MaxBackward0" : "MinBackward0", [x], [indices], (g, [idx]) => {
    const gk = keepdim ? g : g.unsqueeze(d);
    const ik = keepdim ? idx : idx.unsqueeze(d);
    return [zeros(shape, g.dtype, g._box.device).scatter(d, ik, gk)];
  }, { dim: d, keepdim });
  traceOnly(indices, op === "max" ? "argmax" : "argmin", [x], { dim: d, keepdim });
  return { values, indices };
}

/** The result of torch.aminmax: the minimum and the maximum. */
export interface MinMax {
  /** The minimum (over dim, or of all elements). */
  min: Tensor;
  /** The maximum (over dim, or of all elements). */
  max: Tensor;
}
const AMINMAX = [param("dim", nullable(int()), null), param("keepdim", bool, false)];

/**
 * torch.aminmax(input, *, dim=None, keepdim=False): min and max in one call. As in PyTorch
 * 1.13 they have no derivative: a backward through them fails.
 */
export function aminmax(x: Tensor, opts?: { dim?: number | null; keepdim?: boolean }): MinMax {
  checkTensor(x, "input", "aminmax");
  const { dim, keepdim } = parseArgs<{ dim: number | null; keepdim: boolean }>("aminmax", [], opts === undefined ? [] : [opts], AMINMAX);
  if (dim === null && x.numel() === 0) throw new RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
  if (dim !== null && x.ndim > 0 && x.shape[normalizeDim(dim, x.ndim)] === 0) throw new IndexError(`aminmax: Expected reduction dim ${dim} to have non-zero size.`);
  const one = (op: "min" | "max"): Tensor => {
    const t = noGrad(() => (dim === null ? extreme(op, x, null, keepdim, "") : extreme(op, x, x.ndim === 0 ? null : dim, keepdim, "")));
    return record(t, "NotImplemented", [x], [], () => { throw new RuntimeError("derivative for aten::aminmax is not implemented"); });
  };
  return { min: one("min"), max: one("max") };
}

/**
 * torch.cummax / torch.cummin(input, dim): the running maximum (minimum) and where it was
 * taken, as ATen's loop: a NaN is taken and then kept, and a value equal to the running one
 * takes its place (the later index). The gradient goes to those indices.
 */
function cumExtreme(op: "max" | "min", x: Tensor, dim: unknown, opts: unknown): ValuesIndices {
  const fn = `cum${op}`;
  checkTensor(x, "input", fn);
  const d0 = opts === undefined && !isOptions(dim) ? checkInt(dim, "dim", fn) : parseArgs<{ dim: number }>(fn, DIM_ONLY, [dim, opts]).dim;
  const d = normalizeDim(d0, Math.max(1, x.ndim));
  const xs = x.ndim === 0 ? x.reshape(1) : x;
  if (x._box.device !== CPU) throw asyncReadError(x, `${fn}()`, `torch.${fn}(await x.cpuAsync(), dim)`);
  const p = plan(xs, d, true);
  const src = p.data as unknown as ArrayLike<number | bigint>;
  const values = empty(xs.shape, x.dtype, x._box.device);
  const idx = new BigInt64Array(xs.numel());
  const vals = values._box.data as unknown as Array<number | bigint>;
  const later = op === "max" ? (a: number | bigint, b: number | bigint) => a >= b : (a: number | bigint, b: number | bigint) => a <= b;
  for (let o = 0; o < p.outer; o++) {
    for (let i = 0; i < p.inner; i++) {
      const base = o * p.r * p.inner + i;
      let best = src[base]!, at = 0;
      for (let k = 0; k < p.r; k++) {
        const e = src[base + k * p.inner]!;
        if (e !== e || (best === best && later(e, best))) { best = e; at = k; }
        vals[base + k * p.inner] = best;
        idx[base + k * p.inner] = BigInt(at);
      }
    }
  }
  const indices = fromHost(idx, xs.shape.slice(), "int64", x._box.device);
  const shape = x.shape;
  const out = x.ndim === 0 ? { values: values.reshape([]), indices: indices.reshape([]) } : { values, indices };
  record(out.values, op === "max" ? "CummaxBackward0" : "CumminBackward0", [x], [out.indices], (g, [ix]) => [zeros(shape, g.dtype, g._box.device).scatterAdd(x.ndim === 0 ? 0 : d, ix, g)], { dim: d });
  return out;
}
/** torch.cummax(input, dim) -> { values, indices }. */
export function cummax(x: Tensor, ...args: [dim: number] | [options: { dim: number }]): ValuesIndices;
export function cummax(x: Tensor, dim?: unknown, opts?: unknown): ValuesIndices {
  return cumExtreme("max", x, dim, opts);
}
/** torch.cummin(input, dim) -> { values, indices }. */
export function cummin(x: Tensor, ...args: [dim: number] | [options: { dim: number }]): ValuesIndices;
export function cummin(x: Tensor, dim?: unknown, opts?: unknown): ValuesIndices {
  return cumExtreme("min", x, dim, opts);
}

/** The dim forms of max/min: (dim, keepdim=False), dim required. */
export type DimKeepdimArgs = [dim: number, ...rest: Args<[keepdim: boolean], { keepdim?: boolean }>] | [options: { dim: number; keepdim?: boolean }];
const DIM_REQUIRED = [param("dim", int()), param("keepdim", bool, false)];

/** max(input) / max(input, dim, keepdim=False) / max(input, other) as PyTorch's three overloads. */
function maxOrMin(op: "max" | "min", x: Tensor, dim: unknown, keepdim: unknown, opts: unknown): Tensor | ValuesIndices {
  checkTensor(x, "input", op);
  if (dim === undefined && keepdim === undefined && opts === undefined) return extreme(op, x, null, false, op === "max" ? "MaxBackward1" : "MinBackward1");
  if (dim instanceof Tensor && keepdim === undefined && opts === undefined) return op === "max" ? maximum(x, dim) : minimum(x, dim);
  if (keywordForm(dim, keepdim, opts)) ({ dim, keepdim } = parseArgs<{ dim: number; keepdim: boolean }>(op, DIM_REQUIRED, [dim, keepdim, opts]));
  return extremeWithIndex(op, x, checkInt(dim, "dim", op), keepdimOf(keepdim, op));
}
export function max(x: Tensor): Tensor;
/** torch.max(input, other): the elementwise maximum. */
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, ...args: DimKeepdimArgs): ValuesIndices;
export function max(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor | ValuesIndices {
  return maxOrMin("max", x, dim, keepdim, opts);
}
export function min(x: Tensor): Tensor;
/** torch.min(input, other): the elementwise minimum. */
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, ...args: DimKeepdimArgs): ValuesIndices;
export function min(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor | ValuesIndices {
  return maxOrMin("min", x, dim, keepdim, opts);
}

function argExtreme(op: "max" | "min", x: Tensor, dim: number | undefined | null, keepdim: boolean): Tensor {
  if (dim === undefined || dim === null) {
    const flat = x.reshape(-1);
    if (flat.shape[0] === 0) throw new RuntimeError(`arg${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
    const r = extremeWithIndex(op, flat, 0, false).indices;
    return keepdim ? r.reshape(x.shape.map(() => 1)) : r;
  }
  return extremeWithIndex(op, x, dim, keepdim).indices;
}
const ARG_DIM = [param("dim", nullable(int()), null), param("keepdim", bool, false)];
function argArgs(op: "max" | "min", x: Tensor, dim: unknown, keepdim: unknown, opts: unknown): Tensor {
  const fn = `arg${op}`;
  checkTensor(x, "input", fn);
  if (keywordForm(dim, keepdim, opts)) ({ dim, keepdim } = parseArgs<{ dim: number | null; keepdim: boolean }>(fn, ARG_DIM, [dim, keepdim, opts]));
  else if (dim !== undefined && dim !== null) checkInt(dim, "dim", fn);
  return argExtreme(op, x, dim as number | null | undefined, keepdimOf(keepdim, fn));
}
/** torch.argmax(input, dim=None, keepdim=False). */
export function argmax(x: Tensor, ...args: Args<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor;
export function argmax(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor {
  return argArgs("max", x, dim, keepdim, opts);
}
/** torch.argmin(input, dim=None, keepdim=False). */
export function argmin(x: Tensor, ...args: Args<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor;
export function argmin(x: Tensor, dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor {
  return argArgs("min", x, dim, keepdim, opts);
}

/** The (dim, *, dtype) of cumsum/cumprod: dim required, the input cast to dtype first. */
export type CumulativeArgs = [dim: number, options?: { dtype?: DType }] | [options: CumulativeOptions & { dim: number }];
const DIM_ONLY = [param("dim", int())];
function cumulativeArgs(fn: string, x: Tensor, dim: unknown, opts: unknown): { dim: number; dtype?: DType } {
  checkTensor(x, "input", fn);
  if (opts === undefined && dim !== undefined && !isOptions(dim)) return { dim: checkInt(dim, "dim", fn) };
  return parseArgs<{ dim: number; dtype?: DType }>(fn, DIM_ONLY, [dim, opts], DTYPE);
}

/** torch.cumsum(input, dim, *, dtype=None). */
export function cumsum(x: Tensor, ...args: CumulativeArgs): Tensor;
export function cumsum(input: Tensor, dimArg?: unknown, opts?: unknown): Tensor {
  const { dim, dtype } = cumulativeArgs("cumsum", input, dimArg, opts);
  return inDtype(input, dtype, (x) => cumsumOf(x, dim));
}
function cumsumOf(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.shape.length);
  const p = plan(accumulating(x), d, true);
  const out = empty(x.shape, accumulating(x).dtype, x._box.device);
  backendOf(x).cumsum(p.data, p.outer, p.r, p.inner, out._box.data);
  // Reverse cumulative sum of g: total - cumsum(g) + g.
  return record(out, "CumsumBackward0", [x], [], (g) => [g.sum(d, true).sub(g.cumsum(d)).add(g)], { dim: d });
}

/**
 * torch.logcumsumexp(input, dim): log(cumsum(exp(x))) along dim, computed as
 * max + log(cumsum(exp(x - max))) with the line's max (0 for a line of -inf), so large values
 * do not overflow; the gradient comes from those ops.
 */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  checkTensor(x, "input", "logcumsumexp");
  checkInt(dim, "dim", "logcumsumexp");
  if (!isFloating(x.dtype)) throw new RuntimeError(`"logcumsumexp_out_cpu" not implemented for '${scalarTypeName(x.dtype)}'`);
  if (x.ndim === 0) return x.clone();
  const d = normalizeDim(dim, x.ndim);
  const m = noGrad(() => {
    const a = x.amax(d, true);
    return where(a.isfinite(), a, 0);
  });
  return cumsumOf(x.sub(m).exp(), d).log().add(m);
}

/**
 * torch.cumprod(x, dim). Its gradient at x_i is sum over k >= i of g_k times the product of
 * x_j (j <= k, j != i), computed without dividing by x (exact where x has zeros): by a backend
 * pass outside createGraph, and with tensor ops (O(n^2) per line, differentiable) inside it.
 */
export function cumprod(x: Tensor, ...args: CumulativeArgs): Tensor;
export function cumprod(input: Tensor, dimArg?: unknown, opts?: unknown): Tensor {
  const { dim, dtype } = cumulativeArgs("cumprod", input, dimArg, opts);
  return inDtype(input, dtype, (x) => cumprodOf(x, dim));
}
function cumprodOf(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.shape.length);
  const xa = accumulating(x);
  const p = plan(xa, d, true);
  const out = empty(x.shape, xa.dtype, x._box.device);
  backendOf(x).cumprod(p.data, p.outer, p.r, p.inner, out._box.data);
  return record(out, "CumprodBackward0", [x], [x], (g, [x]) => [gradMode.enabled ? cumprodGradGraph(x, g, d) : cumprodGrad(x, g, d)], { dim: d });
}

function cumprodGrad(x: Tensor, g: Tensor, d: number): Tensor {
  const px = plan(x, d, true);
  const pg = plan(g.to(x.dtype), d, true);
  const out = empty(x.shape, x.dtype, x._box.device);
  backendOf(x).cumprodBackward(px.data as NumArray, pg.data as NumArray, px.outer, px.r, px.inner, out._box.data as NumArray);
  return out;
}

/** The same gradient with tensor ops: grad_i = P_i * sum_{k>=i} g_k Q_ik, Q_ik = prod_{i<j<=k} x_j. */
function cumprodGradGraph(x: Tensor, g: Tensor, d: number): Tensor {
  const n = x.shape[d]!;
  const xl = x.movedim(d, -1);
  const gl = g.movedim(d, -1);
  const ones = xl.narrow(-1, 0, 1).mul(0).add(1);
  const prefix = cat([ones, xl.narrow(-1, 0, n - 1)], -1).cumprod(-1); // P_i
  // W[..., i, k] = x_k for k > i, else 1; Q = cumprod over k, kept where k >= i
  const upper = noGrad(() => triu(onesBool(n, x), 1));
  const w = where(upper, xl.unsqueeze(-2).expand([...xl.shape.slice(0, -1), n, n]), 1);
  const q = where(noGrad(() => triu(onesBool(n, x), 0)), w.cumprod(-1), 0);
  const s = q.mul(gl.unsqueeze(-2)).sum(-1);
  return prefix.mul(s).movedim(-1, d);
}
const onesBool = (n: number, like: Tensor): Tensor => full([n, n], true, { device: like.device });

/** Options of var, std, varMean and stdMean: the dimensions, the divisor (`unbiased` or `correction`, default N - 1) and keepdim. */
export interface VarOptions {
  dim?: Dims | null;
  unbiased?: boolean;
  /** keyword-only: the divisor is N - correction (PyTorch's correction; unbiased is correction 1) */
  correction?: number;
  keepdim?: boolean;
}
/**
 * PyTorch 1.13's overloads of var and std: (input, dim, unbiased, keepdim=False), (input, dim=None,
 * *, correction=1, keepdim=False) and (input, unbiased): x.var(false) is the population variance
 * of all elements, x.var(1, false, true) over dim 1 with keepdim.
 */
export type VarArgs = Args<[dim: Dims | null, unbiased: boolean, keepdim: boolean], VarOptions> | [unbiased: boolean];
const VAR_ARGS = [param("dim", dimsArg, null), param("unbiased", bool, true), param("keepdim", bool, false)];
const CORRECTION = [param("correction", num(), undefined)];

function varArgs(fn: string, args: readonly unknown[]): { dim: Dims | null; correction: number; keepdim: boolean } {
  if (typeof args[0] === "boolean" && args.length === 1) return { dim: null, correction: args[0] ? 1 : 0, keepdim: false };
  const a = parseArgs<{ dim: Dims | null; unbiased: boolean; keepdim: boolean; correction?: number }>(fn, VAR_ARGS, args, CORRECTION);
  const last = args[args.length - 1];
  if (a.correction !== undefined && isOptions(last) && Object.hasOwn(last, "unbiased") && last.unbiased !== undefined) {
    throw new TorchTypeError(`${fn}(): takes either 'unbiased' or 'correction', not both`);
  }
  if (a.correction !== undefined && args.length > 1 && typeof args[1] === "boolean") {
    throw new TorchTypeError(`${fn}(): takes either 'unbiased' or 'correction', not both`);
  }
  return { dim: a.dim, correction: a.correction ?? (a.unbiased ? 1 : 0), keepdim: a.keepdim };
}

/** torch.var (see VarArgs for its forms). */
export function variance(x: Tensor, ...args: VarArgs): Tensor {
  checkTensor(x, "input", "var");
  const { dim, correction, keepdim } = varArgs("var", args);
  return varianceOf(x, dim, correction, keepdim);
}
function varianceOf(x: Tensor, dim: Dims | null, correction: number, keepdim: boolean): Tensor {
  if (!isFloating(x.dtype)) throw new RuntimeError(`std and var only support floating point and complex dtypes`);
  const p = plan(x, dim, keepdim);
  const centered = x.sub(x.mean(p.dims, true));
  return centered.mul(centered).sum(p.dims, keepdim).div(Math.max(0, p.r - correction));
}
/** torch.std (the forms of var). */
export function std(x: Tensor, ...args: VarArgs): Tensor {
  checkTensor(x, "input", "std");
  const { dim, correction, keepdim } = varArgs("std", args);
  return sqrtOfVariance(varianceOf(x, dim, correction, keepdim));
}
/**
 * The square root of a variance with PyTorch's std_backward: g / (2 std), and 0 where std is 0
 * (a constant input), where sqrt's own gradient would be g / 0 and the variance's 0 * inf = NaN.
 */
function sqrtOfVariance(v: Tensor): Tensor {
  const out = noGrad(() => v.sqrt());
  return record(out, "StdBackward0", [v], [out], (g, [r]) => [where(r.eq(0), 0, g.div(r.mul(2)))]);
}

/** torch.var_mean (the forms of var): [variance, mean] over the same dims. */
export function varMean(x: Tensor, ...args: VarArgs): [Tensor, Tensor] {
  checkTensor(x, "input", "var_mean");
  const { dim, correction, keepdim } = varArgs("var_mean", args);
  return [varianceOf(x, dim, correction, keepdim), meanOf(x, dim, keepdim)];
}
/** torch.std_mean (the forms of var): [standard deviation, mean] over the same dims. */
export function stdMean(x: Tensor, ...args: VarArgs): [Tensor, Tensor] {
  checkTensor(x, "input", "std_mean");
  const { dim, correction, keepdim } = varArgs("std_mean", args);
  return [sqrtOfVariance(varianceOf(x, dim, correction, keepdim)), meanOf(x, dim, keepdim)];
}

const LOGSUMEXP = [param("dim", dimsArg), param("keepdim", bool, false)];
/** torch.logsumexp(input, dim, keepdim=False). */
export function logsumexp(x: Tensor, ...args: [dim: Dims, ...rest: Args<[keepdim: boolean], { keepdim?: boolean }>] | [options: { dim: Dims; keepdim?: boolean }]): Tensor;
export function logsumexp(x: Tensor, dimArg?: unknown, keepdimArg?: unknown, opts?: unknown): Tensor {
  checkTensor(x, "input", "logsumexp");
  const { dim, keepdim } = parseArgs<{ dim: Dims; keepdim: boolean }>("logsumexp", LOGSUMEXP, [dimArg, keepdimArg, opts]);
  const xf = isFloating(x.dtype) ? x : x.to(toFloating(x.dtype));
  const m = noGrad(() => {
    const a = amax(xf, dim, true);
    return where(a.isfinite(), a, 0);
  });
  const r = xf.sub(m).exp().sum(dim, true).log().add(m);
  return keepdim ? r : r.squeeze(typeof dim === "number" ? [dim] : dim);
}

/** Softmax and logSoftmax forward: one backend pass over a contiguous [outer, r, inner] block. */
function softmaxForward(x: Tensor, d: number, log: boolean): Tensor {
  const p = plan(x, d, true);
  const out = output(x.shape, x.dtype, x._box.device);
  if (p.r > 0) backendOf(x).softmax(p.data, p.outer, p.r, p.inner, out._box.data, log);
  return out;
}

/** softmax(input, dim, dtype=None): dim required; dtype (positional or keyword) casts the input first. */
export type SoftmaxArgs = [dim: number, ...rest: Args<[dtype: DType | null], { dtype?: DType | null }>] | [options: SoftmaxOptions & { dim: number }];
const SOFTMAX_ARGS = [param("dim", int()), param("dtype", nullable(dtypeArg), null)];
/** The input of softmax/logSoftmax in its compute dtype, and the normalized dim. */
function softmaxInput(fn: string, x: Tensor, dim: unknown, dtype: unknown, opts: unknown): [Tensor, number] {
  checkTensor(x, "input", fn);
  if (keywordForm(dim, dtype, opts) || dim === undefined) ({ dim, dtype } = parseArgs<{ dim: number; dtype: DType | null }>(fn, SOFTMAX_ARGS, [dim, dtype, opts]));
  else if (dtype !== undefined && dtype !== null) checkDtype(dtype, fn);
  if (dtype !== undefined && dtype !== null) x = x.to(dtype as DType);
  const xf = isFloating(x.dtype) ? x : x.to(toFloating(x.dtype));
  return [xf, normalizeDim(dim as number, xf.shape.length)];
}

/** torch.softmax(input, dim, dtype=None). */
export function softmax(x: Tensor, ...args: SoftmaxArgs): Tensor;
export function softmax(input: Tensor, dim?: unknown, dtype?: unknown, opts?: unknown): Tensor {
  const [xf, d] = softmaxInput("softmax", input, dim, dtype, opts);
  const y = softmaxForward(xf, d, false);
  return record(y, "SoftmaxBackward0", [xf], [y], (g, [y]) => [softmaxBackwardData(g, y!, d, false)], { dim: d });
}

/** torch.log_softmax(input, dim, dtype=None). */
export function logSoftmax(x: Tensor, ...args: SoftmaxArgs): Tensor;
export function logSoftmax(input: Tensor, dim?: unknown, dtype?: unknown, opts?: unknown): Tensor {
  const [xf, d] = softmaxInput("log_softmax", input, dim, dtype, opts);
  const y = softmaxForward(xf, d, true);
  return record(y, "LogSoftmaxBackward0", [xf], [y], (g, [y]) => [softmaxBackwardData(g, y!, d, true)], { dim: d });
}

/**
 * softmax's (log: logSoftmax's) input gradient from its output y and the upstream gradient g
 * in one backend pass (ATen's _softmax_backward_data): (g - sum(g * y)) * y, or
 * g - exp(y) * sum(g). Its own derivatives are PyTorch's (derivatives.yaml): in g the same
 * function of the new upstream gradient v (log: v - sum(v * exp(y))), in y softmax_double_backward
 * g v - sum(y g) v - g sum(y v) (log: -sum(g) exp(y) v).
 */
function softmaxBackwardData(g: Tensor, y: Tensor, d: number, log: boolean): Tensor {
  const gy = g.dtype === y.dtype ? g : g.to(y.dtype);
  const pg = plan(gy, d, true), py = plan(y, d, true);
  const out = output(y.shape, y.dtype, y._box.device);
  if (py.r > 0) backendOf(gy, y).softmaxBackward(py.data, pg.data, py.outer, py.r, py.inner, out._box.data, log);
  const name = log ? "LogSoftmaxBackwardDataBackward0" : "SoftmaxBackwardDataBackward0";
  return record(out, name, [gy, y], [gy, y], (v, [g, y]) => log
    ? [v.sub(v.mul(y!.exp()).sum(d, true)), g!.sum(d, true).neg().mul(y!.exp()).mul(v)]
    : [softmaxBackwardData(v, y!, d, false), g!.mul(v).sub(y!.mul(g!).sum(d, true).mul(v)).sub(g!.mul(y!.mul(v).sum(d, true)))],
  { dim: d }, ["grad_output", "output"]);
}
