// Norms: torch.linalg.vector_norm / matrix_norm / norm / svdvals and the legacy torch.norm.
// vector_norm is a primitive whose vjp is PyTorch's norm_backward (0 where the norm is 0, ties
// of the inf-norm sharing the gradient); matrix norms are built from it, from sums of |A|, and
// from the singular values (svdvals: a backend Jacobi SVD, gradient U diag(g) V^T).
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { bool, checkDtype, checkTensor, describe, dims as dimsArg, dtype as dtypeArg, nullable, num, param, parseArgs, type Args, type Checker } from "../args.ts";
import { isFloating, type DType } from "../dtype.ts";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { normalizeDims } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { asyncReadError, backendOf, fromHost, hostData, onHost } from "./alloc.ts";
import { where } from "./elementwise.ts";

/** The `ord` of a norm: a number (Infinity and -Infinity too), or for matrices "fro" (Frobenius) or "nuc" (nuclear). */
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

// ---- arguments: PyTorch's positional order (ord, dim, keepdim), then options (keyword-only dtype) --
/** The dims a norm reduces: one, a list, or null for all. */
export type DimArg = number | readonly number[] | null;
/** The keywords of torch.linalg's norms (ord, dim, keepdim, and the keyword-only dtype the input is cast to). */
export interface NormOptions<O = Ord> {
  /** The order of the norm; absent or `null` is the 2-norm (Frobenius for matrices). */
  ord?: O | null;
  /** The dimension(s) the norm is taken over; absent is all of them. */
  dim?: DimArg;
  /** Keeps each reduced dimension with size 1 (default false). */
  keepdim?: boolean;
  /** The dtype the input is cast to first, and the result's dtype. */
  dtype?: DType;
}
/** torch.norm's keywords: its order is named p. */
export interface LegacyNormOptions {
  /** The order of the norm (default "fro"). */
  p?: Ord;
  /** The dimension(s) the norm is taken over; absent is all of them. */
  dim?: DimArg;
  /** Keeps each reduced dimension with size 1 (default false). */
  keepdim?: boolean;
  /** The dtype the input is cast to first, and the result's dtype. */
  dtype?: DType;
}
/** Options of linalg.vectorNorm: a numeric order (default 2), the dimension(s), keepdim and dtype. */
export type VectorNormOptions = NormOptions<number>;
/** The call forms of a norm: any prefix of (ord, dim, keepdim), then the options. */
export type NormArgs<O = Ord, Opts = NormOptions<O>> = Args<[ord: O | null, dim: DimArg, keepdim: boolean], Opts>;
const ordArg: Checker<Ord> = (v, arg, fn) => {
  if ((typeof v === "number" && !Number.isNaN(v)) || v === "fro" || v === "nuc") return v;
  throw new TorchTypeError(`${fn}(): argument '${arg}' must be a number, "fro" or "nuc", but got ${describe(v)}`);
};
const DTYPE = [param("dtype", dtypeArg, undefined)];
const normParams = (ord: string, check: Checker<unknown>, dflt: unknown, dim: Checker<unknown> = dimsArg, dimDefault: unknown = null) => [
  param(ord, nullable(check), dflt), param("dim", nullable(dim), dimDefault), param("keepdim", bool, false),
];
const twoDims: Checker<number[]> = (v, arg, fn) => {
  if (Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d))) return v as number[];
  throw new TorchTypeError(`${fn}(): argument '${arg}' must be a list of 2 integers, but got ${describe(v)}`);
};
const VECTOR = normParams("ord", num(), 2);
const MATRIX = normParams("ord", ordArg, "fro", twoDims, [-2, -1]);
const LINALG = normParams("ord", ordArg, null);
const LEGACY = normParams("p", ordArg, "fro");
interface Parsed<O> { ord: O | null; dim: DimArg; keepdim: boolean; dtype?: DType }
function normArgs<O>(fn: string, sig: ReturnType<typeof normParams>, args: readonly unknown[]): Parsed<O> {
  const a = parseArgs<Parsed<O> & { p?: O | null }>(fn, sig, args, DTYPE);
  return sig === LEGACY ? { ord: a.p ?? null, dim: a.dim, keepdim: a.keepdim, dtype: a.dtype } : a;
}

/** torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None). */
export function vectorNorm(x: Tensor, ...args: NormArgs<number>): Tensor {
  const a = normArgs<number>("linalg.vector_norm", VECTOR, args);
  return vectorNormOf(x, a.ord ?? 2, a.dim, a.keepdim, a.dtype);
}
function vectorNormOf(x: Tensor, ord: number, dim: DimArg | undefined, keepdim: boolean, dtype?: DType): Tensor {
  const xf = floatInput("linalg.vector_norm", x, dtype);
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
  // The decomposition runs on the host on every backend (Backend.svd): device values are read asynchronously.
  if (!onHost(af)) throw asyncReadError(af, "linalg.svdvals()", "torch.linalg.svdvals(await A.cpuAsync())");
  const data = hostData(af.to("float64"), "linalg.svdvals()", "torch.linalg.svdvals(await A.cpuAsync())") as Float64Array;
  const s = new Float64Array(batch * k);
  const u = new Float64Array(batch * m * k);
  const v = new Float64Array(batch * n * k);
  if (batch * k > 0) backendOf(af).svd(data, batch, m, n, s, u, v);
  const inDtype = (x: Float64Array) => (af.dtype === "float64" ? x : Float32Array.from(x));
  const out = fromHost(inDtype(s), [...lead, k], af.dtype, af._box.device);
  const U = fromHost(inDtype(u), [...lead, m, k], af.dtype, af._box.device);
  const V = fromHost(inDtype(v), [...lead, n, k], af.dtype, af._box.device);
  // d sigma_i = u_i^T dA v_i (distinct singular values): grad A = U diag(g) V^T
  return record(out, "LinalgSvdBackward0", [af], [U, V], (g, [U, V]) => [U.mul(g.unsqueeze(-2)).matmul(V.mT)]);
}

/** The matrix dims (d0, d1) moved last. */
function matrixDims(a: Tensor, dim: readonly number[]): [Tensor, number[]] {
  const dims = normalizeDims(dim, a.ndim);
  if (dims.length !== 2) throw new RuntimeError(`linalg.matrix_norm: dim must be a 2-tuple. Got ${dim.join(" ")}`);
  return [a.movedim(dims, [-2, -1]), dims];
}

/** torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False, *, dtype=None). */
export function matrixNorm(a: Tensor, ...args: NormArgs<Ord, NormOptions & { dim?: readonly number[] }>): Tensor {
  const p = normArgs<Ord>("linalg.matrix_norm", MATRIX, args);
  return matrixNormOf(a, p.ord ?? "fro", (p.dim ?? [-2, -1]) as readonly number[], p.keepdim, p.dtype);
}
function matrixNormOf(a: Tensor, ord: Ord, dim: readonly number[], keepdim: boolean, dtype?: DType): Tensor {
  const af = floatInput("linalg.matrix_norm", a, dtype);
  if (af.ndim < 2) throw new RuntimeError(`linalg.matrix_norm: The input tensor A must have at least 2 dimensions.`);
  const [m, dims] = matrixDims(af, dim);
  let r: Tensor;
  if (ord === "fro") return vectorNormOf(af, 2, dims, keepdim);
  if (ord === "nuc") r = svdvals(m).sum(-1);
  else if (ord === 2 || ord === -2) r = ord === 2 ? svdvals(m).amax(-1) : svdvals(m).amin(-1);
  else if (ord === 1 || ord === -1) r = ord === 1 ? m.abs().sum(-2).amax(-1) : m.abs().sum(-2).amin(-1);
  else if (ord === Infinity || ord === -Infinity) r = ord === Infinity ? m.abs().sum(-1).amax(-1) : m.abs().sum(-1).amin(-1);
  else throw new RuntimeError(`linalg.matrix_norm: Order ${String(ord)} not supported.`);
  return keepdim ? unsqueezeAll(r, dims) : r;
}

/** torch.linalg.norm(A, ord=None, dim=None, keepdim=False, *, dtype=None): vector or matrix norm by ord/dim. */
export function linalgNorm(a: Tensor, ...args: NormArgs): Tensor {
  const p = normArgs<Ord>("linalg.norm", LINALG, args);
  return linalgNormOf(a, p.ord, p.dim, p.keepdim, p.dtype);
}
function linalgNormOf(a: Tensor, ord: Ord | null, dim: DimArg, keepdim: boolean, dtype?: DType): Tensor {
  const dims = dim === undefined || dim === null ? null : typeof dim === "number" ? [dim] : [...dim];
  if (ord === undefined || ord === null) {
    if (dims !== null && dims.length === 2) return matrixNormOf(a, "fro", dims, keepdim, dtype);
    return vectorNormOf(a, 2, dims, keepdim, dtype);
  }
  if (dims === null && a.ndim !== 1 && a.ndim !== 2) throw new RuntimeError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${a.ndim}D.`);
  const d = dims ?? (a.ndim === 2 ? [-2, -1] : [-1]);
  if (d.length === 2) return matrixNormOf(a, ord, d, keepdim, dtype);
  if (typeof ord !== "number") throw new RuntimeError(`linalg.vector_norm: ord must be a number for a vector norm, got '${ord}'`);
  return vectorNormOf(a, ord, d, keepdim, dtype);
}

/** torch.norm(input, p='fro', dim=None, keepdim=False, dtype=None): the legacy spelling. */
export function norm(x: Tensor, ...args: NormArgs<Ord, LegacyNormOptions>): Tensor {
  const { ord, dim, keepdim, dtype } = normArgs<Ord>("norm", LEGACY, args);
  const p = ord ?? "fro";
  if (p === "nuc") return matrixNormOf(x, "nuc", dim === null ? [-2, -1] : typeof dim === "number" ? [dim] : dim, keepdim, dtype);
  return vectorNormOf(x, p === "fro" ? 2 : p, dim, keepdim, dtype);
}
