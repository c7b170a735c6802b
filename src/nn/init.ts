// torch.nn.init: in-place initialisers that draw from the generator in PyTorch's order.
import { warnOnce } from "../warnings.ts";
import { checkTensor, describe, int, num, param, parseArgs, type Args, type Checker } from "../args.ts";
import { noGrad } from "../autograd/gradMode.ts";
import { TorchTypeError, ValueError } from "../errors.ts";
import { empty, fromStorage } from "../ops/alloc.ts";
import { eye, randperm } from "../ops/creation.ts";
import { Generator } from "../random/generator.ts";
import { erf } from "../random/libm/erf.ts";
import type { Tensor } from "../tensor.ts";

/** The nonlinearities `calculateGain` knows, by PyTorch's names. */
export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";
type GenOpts = {
  /** The generator the values are drawn from; PyTorch's default the global one. */
  generator?: Generator;
};

export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear": case "conv1d": case "conv2d": case "conv3d":
    case "conv_transpose1d": case "conv_transpose2d": case "conv_transpose3d": case "sigmoid":
      return 1;
    case "tanh":
      return 5.0 / 3;
    case "relu":
      return Math.sqrt(2.0);
    case "leaky_relu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case "selu":
      return 3.0 / 4;
    default:
      throw new ValueError(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** fan_in = size(1) * receptive field, fan_out = size(0) * receptive field. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.dim() < 2) throw new ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  let receptive = 1;
  for (let i = 2; i < t.dim(); i++) receptive *= t.shape[i];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

export function uniform_(t: Tensor, a = 0, b = 1, opts: GenOpts = {}): Tensor {
  return noGrad(() => t.uniform_(a, b, opts));
}
export function normal_(t: Tensor, mean = 0, std = 1, opts: GenOpts = {}): Tensor {
  return noGrad(() => t.normal_(mean, std, opts));
}
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

export function xavierUniform_(t: Tensor, opts: { gain?: number } & GenOpts = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = (opts.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(t, -a, a, opts);
}
export function xavierNormal_(t: Tensor, opts: { gain?: number } & GenOpts = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = (opts.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(t, 0, std, opts);
}

/** The options of `kaimingUniform_` and `kaimingNormal_`. */
export interface KaimingOptions extends GenOpts {
  /** The negative slope of the rectifier after this layer (leaky_relu only); PyTorch's default 0. */
  a?: number;
  /** "fan_in" keeps the variance of the forward pass, "fan_out" of the backward pass; PyTorch's default "fan_in". */
  mode?: "fan_in" | "fan_out";
  /** The nonlinearity the gain is computed for; PyTorch's default "leaky_relu". */
  nonlinearity?: Nonlinearity;
}
function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const mode = opts.mode ?? "fan_in";
  if (mode !== "fan_in" && mode !== "fan_out") throw new ValueError(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === "fan_in" ? fanIn : fanOut; // > 0: zero-element tensors are skipped before
  const gain = calculateGain(opts.nonlinearity ?? "leaky_relu", opts.a ?? 0);
  return gain / Math.sqrt(fan);
}
/** PyTorch's kaiming initializers skip a zero-element tensor with a warning (its fan is 0: no std). */
function zeroElement(t: Tensor): boolean {
  if (!t.shape.includes(0)) return false;
  warnOnce("Initializing zero-element tensors is a no-op");
  return true;
}
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  if (zeroElement(t)) return t;
  const bound = Math.sqrt(3.0) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound, opts);
}
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  if (zeroElement(t)) return t;
  return normal_(t, 0, kaimingStd(t, opts), opts);
}

/** Options of nn.init.truncNormal_: the normal's mean and std, the bounds [a, b] and the generator. */
export interface TruncNormalOptions extends GenOpts {
  /** The mean of the normal (default 0). */
  mean?: number;
  /** The standard deviation of the normal (default 1). */
  std?: number;
  /** The lower bound of the values (default -2). */
  a?: number;
  /** The upper bound of the values (default 2). */
  b?: number;
}
const TRUNC_NORMAL = [param("mean", num(), 0), param("std", num(), 1), param("a", num(), -2), param("b", num(), 2)];
const generatorArg: Checker<Generator> = (v, arg, fn) => {
  if (!(v instanceof Generator)) throw new TorchTypeError(`${fn}(): argument '${arg}' must be a torch.Generator, but got ${describe(v)}`);
  return v;
};
const GENERATOR = [param<Generator | undefined>("generator", generatorArg, undefined)];

/** The standard normal CDF with C's erf, as Python's math.erf computes it. */
const normCdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;

/**
 * nn.init.trunc_normal_(tensor, mean=0., std=1., a=-2., b=2.) (and PyTorch 2's `generator`):
 * PyTorch 1.13's inverse-CDF method with its random stream: uniform_(2 cdf(a) - 1, 2 cdf(b) - 1),
 * erfinv_, mul_(std sqrt(2)), add_(mean), clamp_(a, b), so a seed gives PyTorch's values.
 */
export function truncNormal_(tensor: Tensor, ...args: Args<[mean: number, std: number, a: number, b: number], TruncNormalOptions>): Tensor {
  checkTensor(tensor, "tensor", "truncNormal_");
  const o = parseArgs<Required<Omit<TruncNormalOptions, "generator">> & GenOpts>("truncNormal_", TRUNC_NORMAL, args, GENERATOR);
  const { mean, std, a, b } = o;
  if (mean < a - 2 * std || mean > b + 2 * std) {
    console.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.");
  }
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  return noGrad(() => tensor.uniform_(2 * l - 1, 2 * u - 1, { generator: o.generator }).erfinv_().mul_(std * Math.SQRT2).add_(mean).clamp_(a, b));
}

/** Options of nn.init.orthogonal_: the scale and the generator. */
export interface OrthogonalOptions extends GenOpts {
  /** The factor Q is multiplied by (default 1). */
  gain?: number;
}

/**
 * nn.init.orthogonal_(tensor, gain=1): PyTorch's draw (a [rows, cols] normal_ in the tensor's
 * dtype, transposed when rows < cols) and its QR with the signs fixed by R's diagonal, so Q is
 * the unique factor with a positive diagonal in R: PyTorch's Q up to LAPACK's rounding (the
 * factorization runs here in float64 by Householder reflections).
 */
export function orthogonal_(tensor: Tensor, ...args: Args<[gain: number], OrthogonalOptions>): Tensor {
  checkTensor(tensor, "tensor", "orthogonal_");
  const { gain, generator } = parseArgs<Required<Omit<OrthogonalOptions, "generator">> & GenOpts>("orthogonal_", [param("gain", num(), 1)], args, GENERATOR);
  if (tensor.dim() < 2) throw new ValueError("Only tensors with 2 or more dimensions are supported");
  if (tensor.numel() === 0) return tensor;
  const rows = tensor.shape[0]!;
  const cols = tensor.numel() / rows;
  const flat = empty([rows, cols], tensor.dtype, tensor._box.device).normal_(0, 1, { generator });
  const tall = rows < cols ? flat.t() : flat;
  const [m, n] = tall.shape as [number, number];
  const q = householderQ(Float64Array.from(tall.contiguousData() as Float32Array | Float64Array, Number), m, n);
  let qt = fromStorage(q, [m, n], "float64");
  if (rows < cols) qt = qt.t();
  return noGrad(() => tensor.copy_(qt.reshape(tensor.shape)).mul_(gain));
}

/**
 * The Q of A = QR (A m x n row-major, m >= n, reduced: Q m x n) with R's diagonal made
 * positive (each column of Q times the sign of its R_kk; a zero R_kk keeps sign 0 as
 * torch.sign does), computed with Householder reflections in float64.
 */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const diag = new Float64Array(n);
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k]! * a[i * n + k]!;
    norm = Math.sqrt(norm);
    const x0 = a[k * n + k]!;
    const alpha = x0 > 0 ? -norm : norm; // R_kk
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k]!;
    v[0] = x0 - alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i]! * v[i]!;
    diag[k] = alpha;
    vs.push(v);
    if (vv === 0) continue; // the column is already zero below the diagonal
    // A[k:, k:] -= 2 v (v^T A[k:, k:]) / (v^T v)
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * a[i * n + j]!;
      const s = (2 * dot) / vv;
      for (let i = k; i < m; i++) a[i * n + j] -= s * v[i - k]!;
    }
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, last reflector first.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i]! * v[i]!;
    if (vv === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!;
      const s = (2 * dot) / vv;
      for (let i = k; i < m; i++) q[i * n + j] -= s * v[i - k]!;
    }
  }
  for (let j = 0; j < n; j++) {
    const sign = Math.sign(diag[j]!);
    for (let i = 0; i < m; i++) q[i * n + j] *= sign;
  }
  return q;
}

/** nn.init.eye_(tensor): the identity matrix of the 2-d tensor's shape (ones on the main diagonal). */
export function eye_(tensor: Tensor): Tensor {
  checkTensor(tensor, "tensor", "eye_");
  if (tensor.dim() !== 2) throw new ValueError("Only tensors with 2 dimensions are supported");
  const [rows, cols] = tensor.shape as [number, number];
  return noGrad(() => tensor.copy_(eye(rows, cols, { dtype: tensor.dtype })));
}

/**
 * nn.init.dirac_(tensor, groups=1): a 3-, 4- or 5-d convolution weight that passes its inputs
 * through: within each of the groups, out channel d reads in channel d at the kernel's centre
 * (size // 2 in each spatial dim), for d < min(out channels per group, in channels); zeros elsewhere.
 */
export function dirac_(tensor: Tensor, ...args: Args<[groups: number], { groups?: number }>): Tensor {
  checkTensor(tensor, "tensor", "dirac_");
  const { groups } = parseArgs<{ groups: number }>("dirac_", [param("groups", int(), 1)], args);
  const dims = tensor.dim();
  if (dims < 3 || dims > 5) throw new ValueError("Only tensors with 3, 4, or 5 dimensions are supported");
  const [out, inCh] = tensor.shape as [number, number];
  if (out % groups !== 0) throw new ValueError("dim 0 must be divisible by groups");
  const perGroup = out / groups;
  const centre = tensor.shape.slice(2).map((s) => Math.floor(s / 2));
  return noGrad(() => {
    tensor.zero_();
    for (let g = 0; g < groups; g++) {
      for (let d = 0; d < Math.min(perGroup, inCh); d++) {
        centre.reduce((t, c) => t.select(0, c), tensor.select(0, g * perGroup + d).select(0, d)).fill_(1);
      }
    }
    return tensor;
  });
}

/**
 * nn.init.sparse_(tensor, sparsity, std=0.01): N(0, std) values, then in every column a random
 * `ceil(sparsity * rows)` of the rows set to 0 (Martens 2010): the draws in PyTorch's order (the
 * normal values, then one randperm per column), so the same seed gives the same matrix.
 */
export function sparse_(tensor: Tensor, ...args: Args<[sparsity: number, std: number], { sparsity?: number; std?: number }>): Tensor {
  checkTensor(tensor, "tensor", "sparse_");
  const { sparsity, std } = parseArgs<{ sparsity: number; std: number }>("sparse_", [param("sparsity", num()), param("std", num(), 0.01)], args);
  if (tensor.dim() !== 2) throw new ValueError("Only tensors with 2 dimensions are supported");
  const [rows, cols] = tensor.shape as [number, number];
  const numZeros = Math.ceil(sparsity * rows);
  // Python's row_indices[:num_zeros]: a negative count drops that many from the end
  const taken = numZeros >= 0 ? Math.min(numZeros, rows) : Math.max(0, rows + numZeros);
  return noGrad(() => {
    tensor.normal_(0, std);
    for (let c = 0; c < cols; c++) {
      const zeroRows = randperm(rows).narrow(0, 0, taken);
      tensor.select(1, c).indexFill_(0, zeroRows, 0);
    }
    return tensor;
  });
}

/** PyTorch's deprecated spellings without the trailing underscore: the same function, with its warning once. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any parameter list: the initializers take a tensor and their own arguments
function deprecated<F extends (...a: any[]) => Tensor>(f: F, name: string): F {
  return ((...a: Parameters<F>) => {
    warnOnce(`nn.init.${name} is now deprecated in favor of nn.init.${name}_.`);
    return f(...a);
  }) as F;
}
/** Deprecated: `uniform_`. */
export const uniform = deprecated(uniform_, "uniform");
/** Deprecated: `normal_`. */
export const normal = deprecated(normal_, "normal");
/** Deprecated: `constant_`. */
export const constant = deprecated(constant_, "constant");
const eyeDeprecated = deprecated(eye_, "eye");
/** Deprecated: `dirac_`. */
export const dirac = deprecated(dirac_, "dirac");
/** Deprecated: `xavierUniform_`. */
export const xavierUniform = deprecated(xavierUniform_, "xavierUniform");
/** Deprecated: `xavierNormal_`. */
export const xavierNormal = deprecated(xavierNormal_, "xavierNormal");
/** Deprecated: `kaimingUniform_`. */
export const kaimingUniform = deprecated(kaimingUniform_, "kaimingUniform");
/** Deprecated: `kaimingNormal_`. */
export const kaimingNormal = deprecated(kaimingNormal_, "kaimingNormal");
/** Deprecated: `orthogonal_`. */
export const orthogonal = deprecated(orthogonal_, "orthogonal");
/** Deprecated: `sparse_`. */
export const sparse = deprecated(sparse_, "sparse");
export {
  /** Deprecated: `eye_`. */
  eyeDeprecated as eye,
};
