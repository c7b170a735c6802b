// Norms: torch.linalg.vector_norm / matrix_norm / norm / svdvals and the legacy torch.norm.
// vector_norm is a primitive whose vjp is PyTorch's norm_backward (0 where the norm is 0, ties
// of the inf-norm sharing the gradient); matrix norms are built from it, from sums of |A|, and
// from the singular values (svdvals: a backend Jacobi SVD, gradient U diag(g) V^T).
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { checkDtype, checkTensor, describe } from "../args.ts";
import { isFloating, type DType } from "../dtype.ts";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { normalizeDims } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, empty, floatData } from "./alloc.ts";
import { where } from "./elementwise.ts";

export type Ord = number | "fro" | "nuc";

function dimsOf(x: Tensor, dim: number | readonly number[] | null | undefined): number[] {
  if (dim === undefined || dim === null) return [...Array(x.ndim).keys()];
  return normalizeDims(typeof dim === "number" ? [dim] : dim, x.ndim);
}

function floatInput(fn: string, x: Tensor, dtype?: DType): Tensor {
  checkTensor(x, "input", fn);
  if (dtype !== undefined) return x.to(checkDtype(dtype, fn));
  if (!isFloating(x.dtype)) throw new RuntimeError(`${fn}: Expected a floating point or complex tensor as input. Got ${x.dtype === "int64" ? "Long" : x.dtype}`);
  return x;
}

export interface VectorNormOptions {
  keepdim?: boolean;
  dtype?: DType;
}

/** torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, dtype=None). */
export function vectorNorm(x: Tensor, ord: number = 2, dim?: number | readonly number[] | null, keepdim = false, opts: { dtype?: DType } = {}): Tensor {
  const xf = floatInput("linalg.vector_norm", x, opts.dtype);
  if (typeof ord !== "number" || Number.isNaN(ord)) throw new TorchTypeError(`linalg.vector_norm(): argument 'ord' must be a number, but got ${describe(ord)}`);
  const dims = dimsOf(xf, dim);
  const r = noGrad(() => {
    const a = xf.abs();
    if (ord === Infinity) return a.amax(dims, keepdim);
    if (ord === -Infinity) return a.amin(dims, keepdim);
    if (ord === 0) return a.ne(0).to(xf.dtype).sum(dims, keepdim);
    if (ord === 1) return a.sum(dims, keepdim);
    if (ord === 2) return a.mul(a).sum(dims, keepdim).sqrt();
    return a.pow(ord).sum(dims, keepdim).pow(1 / ord);
  });
  return record(r, "LinalgVectorNormBackward0", [xf], [xf, r], (g, [x, r]) => [normBackward(g, x, r, ord, dims, keepdim)], { ord, dim: dims, keepdim });
}

/** PyTorch's norm_backward. */
function normBackward(g: Tensor, x: Tensor, r: Tensor, ord: number, dims: number[], keepdim: boolean): Tensor {
  const gk = keepdim ? g : unsqueezeAll(g, dims);
  const rk = keepdim ? r : unsqueezeAll(r, dims);
  if (ord === 0) return x.mul(0);
  if (ord === 1) return x.sign().mul(gk);
  if (ord === 2) return where(rk.eq(0), 0, x.mul(gk.div(rk)));
  if (!Number.isFinite(ord)) {
    const mask = x.abs().eq(rk).to(x.dtype);
    return x.sign().mul(mask).mul(gk.div(mask.sum(dims, true)));
  }
  const scaled = ord < 2 ? x.sign().mul(x.abs().pow(ord - 1)) : x.mul(x.abs().pow(ord - 2));
  return where(rk.eq(0), 0, scaled.mul(gk.div(rk.pow(ord - 1))));
}

function unsqueezeAll(t: Tensor, dims: readonly number[]): Tensor {
  let out = t;
  for (const d of [...dims].sort((a, b) => a - b)) out = out.unsqueeze(d);
  return out;
}

/** torch.linalg.svdvals(A): singular values of the last two dims, descending. */
export function svdvals(a: Tensor): Tensor {
  const af = floatInput("linalg.svdvals", a);
  if (af.ndim < 2) throw new RuntimeError(`linalg.svdvals: The input tensor A must have at least 2 dimensions.`);
  const m = af.shape[af.ndim - 2]!;
  const n = af.shape[af.ndim - 1]!;
  const k = Math.min(m, n);
  const lead = af.shape.slice(0, -2);
  const batch = lead.reduce((p, q) => p * q, 1);
  const data = floatData(af.to("float64").contiguous()) as Float64Array;
  const s = new Float64Array(batch * k);
  const u = new Float64Array(batch * m * k);
  const v = new Float64Array(batch * n * k);
  if (batch * k > 0) backendOf().svd(data, batch, m, n, s, u, v);
  const out = empty([...lead, k], af.dtype);
  (out._box.data as Float64Array | Float32Array).set(s);
  const U = empty([...lead, m, k], af.dtype);
  (U._box.data as Float64Array | Float32Array).set(u);
  const V = empty([...lead, n, k], af.dtype);
  (V._box.data as Float64Array | Float32Array).set(v);
  // d sigma_i = u_i^T dA v_i (distinct singular values): grad A = U diag(g) V^T
  return record(out, "LinalgSvdBackward0", [af], [U, V], (g, [U, V]) => [U.mul(g.unsqueeze(-2)).matmul(V.mT)]);
}

/** The matrix dims (d0, d1) moved last. */
function matrixDims(a: Tensor, dim: readonly number[]): [Tensor, number[]] {
  const dims = normalizeDims(dim, a.ndim);
  if (dims.length !== 2) throw new RuntimeError(`linalg.matrix_norm: dim must be a 2-tuple. Got ${dim.join(" ")}`);
  return [a.movedim(dims, [-2, -1]), dims];
}

/** torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False). */
export function matrixNorm(a: Tensor, ord: Ord = "fro", dim: readonly number[] = [-2, -1], keepdim = false, opts: { dtype?: DType } = {}): Tensor {
  const af = floatInput("linalg.matrix_norm", a, opts.dtype);
  if (af.ndim < 2) throw new RuntimeError(`linalg.matrix_norm: The input tensor A must have at least 2 dimensions.`);
  const [m, dims] = matrixDims(af, dim);
  let r: Tensor;
  if (ord === "fro") return vectorNorm(af, 2, dims, keepdim);
  if (ord === "nuc") r = svdvals(m).sum(-1);
  else if (ord === 2 || ord === -2) r = ord === 2 ? svdvals(m).amax(-1) : svdvals(m).amin(-1);
  else if (ord === 1 || ord === -1) r = ord === 1 ? m.abs().sum(-2).amax(-1) : m.abs().sum(-2).amin(-1);
  else if (ord === Infinity || ord === -Infinity) r = ord === Infinity ? m.abs().sum(-1).amax(-1) : m.abs().sum(-1).amin(-1);
  else throw new RuntimeError(`linalg.matrix_norm: Order ${String(ord)} not supported.`);
  return keepdim ? unsqueezeAll(r, dims) : r;
}

/** torch.linalg.norm(A, ord=None, dim=None, keepdim=False): vector or matrix norm by ord/dim. */
export function linalgNorm(a: Tensor, ord?: Ord | null, dim?: number | readonly number[] | null, keepdim = false, opts: { dtype?: DType } = {}): Tensor {
  const dims = dim === undefined || dim === null ? null : typeof dim === "number" ? [dim] : [...dim];
  if (ord === undefined || ord === null) {
    if (dims !== null && dims.length === 2) return matrixNorm(a, "fro", dims, keepdim, opts);
    return vectorNorm(a, 2, dims, keepdim, opts);
  }
  if (dims === null && a.ndim !== 1 && a.ndim !== 2) throw new RuntimeError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${a.ndim}D.`);
  const d = dims ?? (a.ndim === 2 ? [-2, -1] : [-1]);
  if (d.length === 2) return matrixNorm(a, ord, d, keepdim, opts);
  if (typeof ord !== "number") throw new RuntimeError(`linalg.vector_norm: ord must be a number for a vector norm, got '${ord}'`);
  return vectorNorm(a, ord, d, keepdim, opts);
}

/** torch.norm(input, p='fro', dim=None, keepdim=False, dtype=None): the legacy spelling. */
export function norm(x: Tensor, p: Ord = "fro", dim?: number | readonly number[] | null, keepdim = false, opts: { dtype?: DType } = {}): Tensor {
  if (p === "nuc") return matrixNorm(x, "nuc", dim === undefined || dim === null ? [-2, -1] : typeof dim === "number" ? [dim] : dim, keepdim, opts);
  return vectorNorm(x, p === "fro" ? 2 : p, dim, keepdim, opts);
}
