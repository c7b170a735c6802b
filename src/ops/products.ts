// Products and distances written with existing ops: trace, tensordot (a permute, reshape and
// mm), kron (a broadcast product), cross (narrowed components), cdist (vector norms of the
// pairwise differences). Gradients come from the parts.
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { checkTensor, describe, int, nullable, num, param, parseArgs, type Args } from "../args.ts";
import { isFloating, scalarTypeName } from "../dtype.ts";
import { broadcastShapes, normalizeDim, numelOf } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { mm } from "./linalg.ts";
import { vectorNorm } from "./norm.ts";
import { cat } from "./shape.ts";

/** torch.trace(input): the sum of a matrix's main diagonal (integers summed in int64, as sum). */
export function trace(x: Tensor): Tensor {
  checkTensor(x, "input", "trace");
  if (x.ndim !== 2) throw new RuntimeError(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  return x.diagonal().sum();
}

/** torch.inner(input, other): the sum over the last dimension of both (a product when either is 0-dim). */
export function inner(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "input", "inner");
  checkTensor(b, "other", "inner");
  if (a.ndim === 0 || b.ndim === 0) return a.mul(b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
    throw new RuntimeError(`inner() the last dimension must match on both input tensors but got shapes [${a.shape.join(", ")}] and [${b.shape.join(", ")}]`);
  }
  return tensordot(a, b, [[-1], [-1]]);
}

/** torch.dist(input, other, p=2): the p-norm of input - other (broadcast), as one number. */
export function dist(a: Tensor, b: Tensor, p = 2): Tensor {
  checkTensor(a, "input", "dist");
  checkTensor(b, "other", "dist");
  num()(p, "p", "dist");
  return vectorNorm(a.sub(b), p);
}

/** tensordot's dims: a count of trailing/leading dims, or the two lists of contracted dims. */
export type TensordotDims = number | readonly [number | readonly number[], number | readonly number[]];
const TENSORDOT = [param("dims", (v: unknown, arg: string, fn: string) => {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  const list = (d: unknown): boolean => (typeof d === "number" && Number.isInteger(d)) || (Array.isArray(d) && d.every((e) => Number.isInteger(e)));
  if (Array.isArray(v) && v.length === 2 && list(v[0]) && list(v[1])) return v;
  throw new TorchTypeError(`${fn}(): argument '${arg}' must be an integer or a pair of lists of integers, but got ${describe(v)}`);
}, 2 as unknown)];

/**
 * torch.tensordot(a, b, dims=2): the sum over the contracted dims; dims n contracts a's last n
 * with b's first n, [dimsA, dimsB] pairs them. The result's dims: a's free dims, then b's.
 */
export function tensordot(a: Tensor, b: Tensor, ...args: Args<[dims: TensordotDims], { dims?: TensordotDims }>): Tensor {
  checkTensor(a, "a", "tensordot");
  checkTensor(b, "b", "tensordot");
  const { dims } = parseArgs<{ dims: TensordotDims }>("tensordot", TENSORDOT, args);
  let da: number[], db: number[];
  if (typeof dims === "number") {
    if (dims < 0) throw new RuntimeError(`tensordot expects dims >= 0, but got dims=${dims}`);
    if (dims > a.ndim || dims > b.ndim) throw new RuntimeError(`tensordot expects dims < ndim_a or ndim_b, but got dims=${dims}`);
    da = Array.from({ length: dims }, (_, i) => a.ndim - dims + i);
    db = Array.from({ length: dims }, (_, i) => i);
  } else {
    const asList = (d: number | readonly number[]): number[] => (typeof d === "number" ? [d] : [...d]);
    da = asList(dims[0]).map((d) => normalizeDim(d, a.ndim));
    db = asList(dims[1]).map((d) => normalizeDim(d, b.ndim));
    if (da.length !== db.length) throw new RuntimeError("both dimension lists should have same length");
  }
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]!]) {
      // PyTorch names a's dims of the count form from the end
      const named = typeof dims === "number" ? d - a.ndim : d;
      throw new RuntimeError(`contracted dimensions need to match, but first has size ${a.shape[d]} in dim ${named} and second has size ${b.shape[db[i]!]} in dim ${db[i]}`);
    }
  });
  const freeA = [...Array(a.ndim).keys()].filter((d) => !da.includes(d));
  const freeB = [...Array(b.ndim).keys()].filter((d) => !db.includes(d));
  const k = numelOf(da.map((d) => a.shape[d]!));
  const sizesA = freeA.map((d) => a.shape[d]!);
  const sizesB = freeB.map((d) => b.shape[d]!);
  const lhs = a.permute([...freeA, ...da]).reshape([numelOf(sizesA), k]);
  const rhs = b.permute([...db, ...freeB]).reshape([k, numelOf(sizesB)]);
  return mm(lhs, rhs).reshape([...sizesA, ...sizesB]);
}

/** torch.kron(input, other): the Kronecker product; the shorter shape is padded with leading ones, the result's sizes are the products. */
export function kron(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "input", "kron");
  checkTensor(b, "other", "kron");
  const n = Math.max(a.ndim, b.ndim);
  const sa = [...Array<number>(n - a.ndim).fill(1), ...a.shape];
  const sb = [...Array<number>(n - b.ndim).fill(1), ...b.shape];
  // a's dim i at 2i and b's at 2i + 1: the product interleaves them, merged pairwise by the reshape
  const ai = a.reshape(sa.flatMap((s) => [s, 1]));
  const bi = b.reshape(sb.flatMap((s) => [1, s]));
  return ai.mul(bi).reshape(sa.map((s, i) => s * sb[i]!));
}

const CROSS = [param("dim", nullable(int()), null)];
/**
 * torch.cross(input, other, dim=None): the cross product of 3-vectors along dim, the operands
 * broadcast. dim None takes the first dim of size 3 (PyTorch 1.13's default, deprecated there;
 * torch.linalg.cross's is -1).
 */
export function cross(a: Tensor, b: Tensor, ...args: Args<[dim: number | null], { dim?: number | null }>): Tensor {
  checkTensor(a, "input", "cross");
  checkTensor(b, "other", "cross");
  const { dim } = parseArgs<{ dim: number | null }>("cross", CROSS, args);
  if (a.ndim !== b.ndim) throw new RuntimeError("linalg.cross: inputs must have the same number of dimensions.");
  const shape = broadcastShapes(a.shape, b.shape);
  let d: number;
  if (dim === null) {
    d = shape.indexOf(3);
    if (d < 0) throw new RuntimeError("no dimension of size 3 in input");
  } else {
    d = normalizeDim(dim, shape.length);
    if (a.shape[d] !== 3 || b.shape[d] !== 3) throw new RuntimeError(`linalg.cross: inputs dimension ${d} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  }
  const x = a.expand(shape);
  const y = b.expand(shape);
  const c = (t: Tensor, i: number): Tensor => t.narrow(d, i, 1);
  return cat([
    c(x, 1).mul(c(y, 2)).sub(c(x, 2).mul(c(y, 1))),
    c(x, 2).mul(c(y, 0)).sub(c(x, 0).mul(c(y, 2))),
    c(x, 0).mul(c(y, 1)).sub(c(x, 1).mul(c(y, 0))),
  ], d);
}

/** Keywords of cdist: the norm's order p and PyTorch's computeMode (accepted; the distances are always computed directly). */
export interface CdistOptions {
  /** The order of the norm (default 2); any p >= 0, Infinity included. */
  p?: number;
  /** PyTorch's choice of a matrix-product formula for p = 2; torch-ts computes every p directly, as "donot_use_mm_for_euclid_dist". */
  computeMode?: "use_mm_for_euclid_dist_if_necessary" | "use_mm_for_euclid_dist" | "donot_use_mm_for_euclid_dist";
}
const CDIST = [param("p", num(), 2), param("computeMode", nullable((v: unknown, arg: string, fn: string) => {
  if (v === "use_mm_for_euclid_dist_if_necessary" || v === "use_mm_for_euclid_dist" || v === "donot_use_mm_for_euclid_dist") return v;
  throw new TorchTypeError(`${fn}(): argument '${arg}' must be one of the compute modes, but got ${describe(v)}`);
}), null)];

/**
 * torch.cdist(x1, x2, p=2.0): the p-norm distance between each row of x1 [..., P, M] and each
 * row of x2 [..., R, M], shape [..., P, R] (batch dims broadcast). Every p >= 0, infinity included.
 */
export function cdist(x1: Tensor, x2: Tensor, ...args: Args<[p: number, computeMode: CdistOptions["computeMode"] | null], CdistOptions>): Tensor {
  checkTensor(x1, "x1", "cdist");
  checkTensor(x2, "x2", "cdist");
  const { p } = parseArgs<{ p: number }>("cdist", CDIST, args);
  if (x1.ndim < 2) throw new RuntimeError(`cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D`);
  if (x2.ndim < 2) throw new RuntimeError(`cdist only supports at least 2D tensors, X2 got: ${x2.ndim}D`);
  if (!isFloating(x1.dtype)) throw new RuntimeError(`cdist only supports floating-point dtypes, X1 got: ${scalarTypeName(x1.dtype)}`);
  if (!isFloating(x2.dtype)) throw new RuntimeError(`cdist only supports floating-point dtypes, X2 got: ${scalarTypeName(x2.dtype)}`);
  if (x1.shape.at(-1) !== x2.shape.at(-1)) throw new RuntimeError(`X1 and X2 must have the same number of columns. X1: ${x1.shape.at(-1)} X2: ${x2.shape.at(-1)}`);
  if (!(p >= 0)) throw new RuntimeError("cdist only supports non-negative p values");
  return vectorNorm(x1.unsqueeze(-2).sub(x2.unsqueeze(-3)), p, -1);
}
