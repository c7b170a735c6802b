// Reductions. The kernel always sees a contiguous [outer, r, inner] block: reduced dims that
// are not one contiguous block are permuted to the end first (one copy).
import type { ReduceOp } from "../backends/backend.ts";
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { traceOnly } from "../autograd/trace.ts";
import { isFloating, scalarTypeName, toFloating, type DType } from "../dtype.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { normalizeDim, normalizeDims, numelOf } from "../layout.ts";
import { Tensor, type TensorData } from "../tensor.ts";
import { backendOf, dense, empty, scalarView, zeros } from "./alloc.ts";
import { where } from "./elementwise.ts";

export type Dims = number | readonly number[];

interface Plan {
  dims: number[];
  keptShape: number[]; // input shape with reduced dims set to 1
  outShape: number[]; // what the op returns (keepdim or not)
  outer: number;
  r: number;
  inner: number;
  data: TensorData;
  /** The reduced tensor (its device and backend). */
  x: Tensor;
}

function plan(x: Tensor, dim: Dims | undefined | null, keepdim: boolean): Plan {
  const nd = x.shape.length;
  const all = dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0);
  const dims = all ? [...Array(nd).keys()] : normalizeDims(typeof dim === "number" ? [dim] : (dim as number[]), nd).sort((p, q) => p - q);
  const keptShape = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const outShape = keepdim ? keptShape.slice() : x.shape.filter((_, i) => !dims.includes(i));
  const block = dims.length === 0 || dims[dims.length - 1] - dims[0] === dims.length - 1;
  let data: TensorData;
  let outer: number, r: number, inner: number;
  if (block) {
    data = dense(x);
    const d0 = dims.length ? dims[0] : nd;
    const d1 = dims.length ? dims[dims.length - 1] : nd - 1;
    outer = numelOf(x.shape.slice(0, d0));
    r = numelOf(x.shape.slice(d0, d1 + 1));
    inner = numelOf(x.shape.slice(d1 + 1));
  } else {
    const kept = [...Array(nd).keys()].filter((i) => !dims.includes(i));
    data = dense(x.permute([...kept, ...dims]));
    outer = numelOf(kept.map((i) => x.shape[i]));
    r = numelOf(dims.map((i) => x.shape[i]));
    inner = 1;
  }
  return { dims, keptShape, outShape, outer, r, inner, data, x };
}

function run(op: ReduceOp, p: Plan, dtype: DType): Tensor {
  const out = empty(p.outShape, dtype, p.x._box.device);
  if (p.r === 0) {
    if (op === "max" || op === "min") throw new IndexError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    backendOf(p.x).fill(out._box.data, op === "prod" ? 1 : 0);
  } else backendOf(p.x).reduce(op, p.data, p.outer, p.r, p.inner, out._box.data);
  return out;
}

/** Expands a reduced gradient back over the reduced dims. */
function unreduce(g: Tensor, p: Plan, shape: readonly number[]): Tensor {
  return g.reshape(p.keptShape).expand(shape as number[]);
}

/** Sums and products of integers and bools accumulate in int64, as PyTorch's. */
const accumulating = (x: Tensor): Tensor => (isFloating(x.dtype) || x.dtype === "int64" ? x : x.to("int64"));

export function sum(x: Tensor, dim?: Dims | null, keepdim = false): Tensor {
  const p = plan(accumulating(x), dim, keepdim);
  const shape = x.shape;
  // PyTorch's overloads: sum() is SumBackward0, sum(dim) SumBackward1 (mean likewise)
  const name = dim === undefined || dim === null ? "SumBackward0" : "SumBackward1";
  return record(run("sum", p, accumulating(x).dtype), name, [x], [], (g) => [unreduce(g, p, shape)], { dim: p.dims, keepdim });
}

export function mean(x: Tensor, dim?: Dims | null, keepdim = false): Tensor {
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

export function prod(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  const xa = accumulating(x);
  const p = plan(xa, dim, keepdim);
  const out = run("prod", p, xa.dtype);
  const shape = x.shape;
  return record(out, "ProdBackward0", [x], [x], (g, [x]) => {
    // d prod / d x_i = product of the others; exact when x has zeros (at most one contributes).
    const isZero = x.eq(0);
    const safe = where(isZero, 1, x);
    const others = prod(safe, dim, true);
    const zeros = sum(isZero, dim, true);
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
    const mask = x.eq(y.reshape(p.keptShape));
    const count = sum(mask, p.dims, true);
    return [unreduce(g, p, shape).mul(mask).div(count)];
  }, { dim: p.dims, keepdim });
}
export const amax = (x: Tensor, dim?: Dims | null, keepdim = false): Tensor => extreme("max", x, dim, keepdim, "AmaxBackward0");
export const amin = (x: Tensor, dim?: Dims | null, keepdim = false): Tensor => extreme("min", x, dim, keepdim, "AminBackward0");

export interface ValuesIndices {
  values: Tensor;
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

export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? extreme("max", x, null, false, "MaxBackward1") : extremeWithIndex("max", x, dim, keepdim);
}
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? extreme("min", x, null, false, "MinBackward1") : extremeWithIndex("min", x, dim, keepdim);
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
export const argmax = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argExtreme("max", x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argExtreme("min", x, dim, keepdim);

export function cumsum(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.shape.length);
  const p = plan(accumulating(x), d, true);
  const out = empty(x.shape, accumulating(x).dtype, x._box.device);
  backendOf(x).cumsum(p.data, p.outer, p.r, p.inner, out._box.data);
  // Reverse cumulative sum of g: total - cumsum(g) + g.
  return record(out, "CumsumBackward0", [x], [], (g) => [g.sum(d, true).sub(cumsum(g, d)).add(g)], { dim: d });
}

export interface VarOptions {
  correction?: number;
  unbiased?: boolean;
  keepdim?: boolean;
}
export function variance(x: Tensor, dim?: Dims | null, opts: VarOptions = {}): Tensor {
  if (!isFloating(x.dtype)) throw new RuntimeError(`std and var only support floating point and complex dtypes`);
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const keepdim = opts.keepdim ?? false;
  const p = plan(x, dim, keepdim);
  const centered = x.sub(x.mean(p.dims, true));
  return centered.mul(centered).sum(p.dims, keepdim).div(Math.max(0, p.r - correction));
}
export function std(x: Tensor, dim?: Dims | null, opts: VarOptions = {}): Tensor {
  return variance(x, dim, opts).sqrt();
}

export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
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
  const out = empty(x.shape, x.dtype, x._box.device);
  if (p.r > 0) backendOf(x).softmax(p.data, p.outer, p.r, p.inner, out._box.data, log);
  return out;
}

export function softmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.shape.length);
  const xf = isFloating(x.dtype) ? x : x.to(toFloating(x.dtype));
  const y = softmaxForward(xf, d, false);
  return record(y, "SoftmaxBackward0", [xf], [y], (g, [y]) => [y.mul(g.sub(g.mul(y).sum(d, true)))], { dim: d });
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.shape.length);
  const xf = isFloating(x.dtype) ? x : x.to(toFloating(x.dtype));
  const y = softmaxForward(xf, d, true);
  return record(y, "LogSoftmaxBackward0", [xf], [y], (g, [y]) => [g.sub(y.exp().mul(g.sum(d, true)))], { dim: d });
}
