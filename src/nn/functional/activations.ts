// Activations as composites of Tensor ops. Where PyTorch's derivative at a kink differs from
// what the plain composition would give, `where` picks the branch so the gradient is
// PyTorch's (e.g. hardtanh passes gradient only strictly inside (min, max)).
//
// Each function takes PyTorch's positional arguments, then an options object. `inplace: true`
// writes the result into the input and returns it, as PyTorch (autograd records it as an
// in-place op: a leaf that requires grad is refused).
import { bool, checkDtype, checkTensor, int, nullable, num, param, parseArgs, str, type Args, type Checker } from "../../args.ts";
import { allocate, scalarTypeName, type DType, type NumArray } from "../../dtype.ts";
import { fromHost, hostData } from "../../ops/alloc.ts";
import { defaultGenerator } from "../../random/generator.ts";
import { RuntimeError } from "../../errors.ts";
import { where } from "../../ops/elementwise.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { record } from "../../autograd/node.ts";
import { inplace as inplaceOp } from "../../ops/inplace.ts";
import { erf } from "../../ops/special.ts";
import { Tensor } from "../../tensor.ts";

/** The options of the activations whose only keyword is `inplace`. */
export interface InplaceOptions {
  /** Write the result into the input and return it; PyTorch's default false. */
  inplace?: boolean;
}
const INPLACE = [param("inplace", bool, false)];

/** `f(x)`, or written into x when inplace. */
const applyTo = (x: Tensor, inplace: boolean, f: (x: Tensor) => Tensor): Tensor => (inplace ? inplaceOp(x, f) : f(x));

/** The common form (input, inplace=False): the input checked, the flag read without a parse when absent. */
function inplaceForm(fn: string, input: unknown, args: readonly unknown[]): boolean {
  checkTensor(input, "input", fn);
  if (args.length === 0) return false;
  if (args.length === 1 && typeof args[0] === "boolean") return args[0];
  return parseArgs<{ inplace: boolean }>(fn, INPLACE, args).inplace;
}

/** F.relu(input, inplace=False): the hot path, checked with a type test only. */
export function relu(input: Tensor, ...args: Args<[inplace: boolean], InplaceOptions>): Tensor {
  if (!(input instanceof Tensor)) checkTensor(input, "input", "relu");
  if (args.length === 0) return input.relu();
  return inplaceForm("relu", input, args) ? input.relu_() : input.relu();
}

export function relu6(input: Tensor, ...args: Args<[inplace: boolean], InplaceOptions>): Tensor {
  return applyTo(input, inplaceForm("relu6", input, args), (x) => clampTo(x, 0, 6));
}

/** Clamps to [lo, hi]; gradient 1 strictly inside, 0 elsewhere (PyTorch's hardtanh_backward). */
const clampTo = (x: Tensor, lo: number, hi: number): Tensor => where(x.le(lo), lo, where(x.ge(hi), hi, x));

/** The options of `F.hardtanh` (`nn.Hardtanh`). */
export interface HardtanhOptions extends InplaceOptions {
  /** The lower end of the linear region; PyTorch's default -1. */
  minVal?: number;
  /** The upper end of the linear region; PyTorch's default 1. */
  maxVal?: number;
}
const HARDTANH = [param("minVal", num(), -1), param("maxVal", num(), 1), param("inplace", bool, false)];

/** F.hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False). */
export function hardtanh(input: Tensor, ...args: Args<[minVal: number, maxVal: number, inplace: boolean], HardtanhOptions>): Tensor {
  checkTensor(input, "input", "hardtanh");
  const a = parseArgs<Required<HardtanhOptions>>("hardtanh", HARDTANH, args);
  if (a.minVal > a.maxVal) throw new RuntimeError("min_val cannot be greater than max_val");
  return applyTo(input, a.inplace, (x) => clampTo(x, a.minVal, a.maxVal));
}

/** The options of `F.leakyRelu` (`nn.LeakyReLU`). */
export interface LeakyReluOptions extends InplaceOptions {
  /** The slope for negative inputs; PyTorch's default 0.01. */
  negativeSlope?: number;
}
const LEAKY = [param("negativeSlope", num(), 0.01), param("inplace", bool, false)];

/** F.leaky_relu(input, negative_slope=0.01, inplace=False): x > 0 ? x : slope * x. */
export function leakyRelu(input: Tensor, ...args: Args<[negativeSlope: number, inplace: boolean], LeakyReluOptions>): Tensor {
  checkTensor(input, "input", "leakyRelu");
  const a = parseArgs<Required<LeakyReluOptions>>("leakyRelu", LEAKY, args);
  return applyTo(input, a.inplace, (x) => where(x.gt(0), x, x.mul(a.negativeSlope)));
}

/** The options of `F.rrelu` (`nn.RReLU`: lower, upper, inplace). */
export interface RReluOptions extends InplaceOptions {
  /** The lower bound of the random negative slope; PyTorch's default 1/8. */
  lower?: number;
  /** The upper bound; PyTorch's default 1/3. */
  upper?: number;
  /** Draw the slopes (training) or use their mean (lower + upper) / 2; F.rrelu's default false. */
  training?: boolean;
}
export const RRELU = [param("lower", num(), 1 / 8), param("upper", num(), 1 / 3), param("training", bool, false), param("inplace", bool, false)];

/**
 * F.rrelu(input, lower=1/8, upper=1/3, training=False, inplace=False): x for x > 0, else x * a
 * with a ~ U(lower, upper) per element in training (drawn as PyTorch's CPU kernel draws them: one
 * double uniform per non-positive element, in order), a = (lower + upper) / 2 otherwise. The
 * gradient is the slopes (x * noise).
 */
export function rrelu(input: Tensor, ...args: Args<[lower: number, upper: number, training: boolean, inplace: boolean], RReluOptions>): Tensor {
  checkTensor(input, "input", "rrelu");
  const a = parseArgs<Required<RReluOptions>>("rrelu", RRELU, args);
  if (!a.training) return leakyRelu(input, (a.lower + a.upper) / 2, a.inplace);
  if (input.dtype !== "float32" && input.dtype !== "float64") throw new RuntimeError(`"rrelu_with_noise_out_cpu" not implemented for '${scalarTypeName(input.dtype)}'`);
  // PyTorch draws a slope only for the non-positive elements: their positions come from the host
  const x = hostData(input, "rrelu(training=True)", "F.rrelu(await x.cpuAsync(), ...)");
  const noise = allocate(input.dtype, x.length) as NumArray;
  const gen = defaultGenerator;
  // the bounds in the op's math type (float for float32), the draw in double
  const r = input.dtype === "float32" ? Math.fround : (v: number) => v;
  const [lo, hi] = [r(a.lower), r(a.upper)];
  for (let i = 0; i < x.length; i++) noise[i] = (x[i] as number) <= 0 ? (hi - lo) * gen.uniformDouble() + lo : 1;
  const slopes = fromHost(noise, input.shape, input.dtype, input.device);
  return applyTo(input, a.inplace, (v) => v.mul(slopes));
}

/** The options of `F.elu` and `F.celu` (`nn.ELU`, `nn.CELU`). */
export interface AlphaOptions extends InplaceOptions {
  /** The scale of the negative part, alpha * (exp(x) - 1) (exp(x / alpha) for celu); PyTorch's default 1. */
  alpha?: number;
}
const ALPHA = [param("alpha", num(), 1), param("inplace", bool, false)];

/** F.elu(input, alpha=1.0, inplace=False): x > 0 ? x : alpha * (exp(x) - 1). */
export function elu(input: Tensor, ...args: Args<[alpha: number, inplace: boolean], AlphaOptions>): Tensor {
  checkTensor(input, "input", "elu");
  const a = parseArgs<Required<AlphaOptions>>("elu", ALPHA, args);
  return applyTo(input, a.inplace, (x) => eluFamily(x, a.alpha, 1, 1, null, "EluBackward0"));
}

/**
 * ATen's ELU kernel for elu, selu and celu: x <= 0 ? (exp(x * inputScale) - 1) * alpha * scale
 * : x * scale, and its elu_backward: x <= 0 ? g * inputScale * alpha * scale * exp(x * inputScale)
 * : g * scale (a NaN input takes the second branch: gradient scale, as PyTorch's). The exponential
 * only ever sees x <= 0 (0 elsewhere), so a large input (exp overflowing) gives the gradient
 * `scale`, not 0 * inf. `gradInputScale` is the backward's own constant where PyTorch's formula
 * rounds it differently (celu: 1 / float32(alpha)).
 */
function eluFamily(x: Tensor, alpha: number, scale: number, inputScale: number, gradInputScale: number | null, name: string): Tensor {
  const f = x.dtype === "float32" ? Math.fround : (v: number) => v;
  const negcoef = f(f(alpha) * f(scale));
  const neg = x.le(0);
  const expOf = (x: Tensor, s: number): Tensor => where(neg, x, 0).mul(s).exp();
  const out = noGrad(() => where(neg, expOf(x, inputScale).sub(1).mul(negcoef), x.mul(scale)));
  const gis = gradInputScale ?? inputScale;
  return record(out, name, [x], [x], (g, [x]) => [where(x.le(0), g.mul(gis).mul(negcoef).mul(where(x.le(0), x, 0).mul(gis).exp()), g.mul(scale))], { alpha, scale, input_scale: inputScale });
}

/**
 * F.celu(input, alpha=1.0, inplace=False): max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
 * PyTorch's derivative (derivatives.yaml: elu_backward(..., 1.0 / alpha.toFloat())) uses
 * c = 1 / float32(alpha): alpha * c * exp(c x).
 */
export function celu(input: Tensor, ...args: Args<[alpha: number, inplace: boolean], AlphaOptions>): Tensor {
  checkTensor(input, "input", "celu");
  const { alpha, inplace } = parseArgs<Required<AlphaOptions>>("celu", ALPHA, args);
  if (alpha === 0) throw new RuntimeError("ZeroDivisionError");
  return applyTo(input, inplace, (x) => eluFamily(x, alpha, 1, 1 / alpha, 1 / Math.fround(alpha), "CeluBackward0"));
}

// PyTorch's SELU_ALPHA 1.6732632423543772848170429916717 and SELU_SCALE
// 1.0507009873554804934193349852946 (Activation.cpp), written as the doubles they parse to.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
/** F.selu(input, inplace=False): scale * elu(x, alpha) with PyTorch's constants. */
export function selu(input: Tensor, ...args: Args<[inplace: boolean], InplaceOptions>): Tensor {
  return applyTo(input, inplaceForm("selu", input, args), (x) => eluFamily(x, SELU_ALPHA, SELU_SCALE, 1, null, "EluBackward0"));
}

/** GELU's `approximate`: "none" (exact, via erf; PyTorch's default) or "tanh" (the tanh approximation). */
export type GeluApproximate = "none" | "tanh";
/** GELU's `approximate`, with PyTorch's RuntimeError (checked by nn.GELU at construction too). */
export const geluApproximate: Checker<GeluApproximate> = (v, arg, fn) => {
  str(v, arg, fn);
  if (v !== "none" && v !== "tanh") throw new RuntimeError("approximate argument must be either none or tanh.");
  return v;
};
const GELU_KW = [param("approximate", geluApproximate, "none")];

/** F.gelu(input, *, approximate='none'): x * Phi(x) exactly (via erf) or with the tanh approximation. */
export function gelu(input: Tensor, options?: { approximate?: GeluApproximate }): Tensor;
export function gelu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "input", "gelu");
  const { approximate } = parseArgs<{ approximate: GeluApproximate }>("gelu", [], args, GELU_KW);
  return geluOf(input, approximate);
}
function geluOf(x: Tensor, approximate: GeluApproximate): Tensor {
  if (approximate === "tanh") {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  return x.mul(0.5).mul(erf(x.mul(Math.SQRT1_2)).add(1));
}

/** F.silu(input, inplace=False): x * sigmoid(x). */
export function silu(input: Tensor, ...args: Args<[inplace: boolean], InplaceOptions>): Tensor {
  return applyTo(input, inplaceForm("silu", input, args), (x) => x.mul(x.sigmoid()));
}

/** The options of `F.softplus` (`nn.Softplus`). */
export interface SoftplusOptions {
  /** The sharpness: log(1 + exp(beta x)) / beta; PyTorch's default 1. */
  beta?: number;
  /** Above this value of beta x the result is x itself (linear); PyTorch's default 20. */
  threshold?: number;
}
const SOFTPLUS = [param("beta", num(), 1), param("threshold", num(), 20)];

/** F.softplus(input, beta=1, threshold=20): log(1 + exp(beta x)) / beta, and x itself where beta x > threshold. */
export function softplus(input: Tensor, ...args: Args<[beta: number, threshold: number], SoftplusOptions>): Tensor {
  checkTensor(input, "input", "softplus");
  const { beta, threshold } = args.length === 0 ? { beta: 1, threshold: 20 } : parseArgs<Required<SoftplusOptions>>("softplus", SOFTPLUS, args);
  return softplusOf(input, beta, threshold);
}
/**
 * ATen's softplus: (x * beta) > threshold ? x : log1p(exp(x * beta)) / beta, and its
 * softplus_backward: z = exp(x * beta); (x * beta) > threshold ? g : g * z / (z + 1). The
 * exponential sees the linear region's inputs as 0, so they get gradient g, not g * inf / inf.
 */
function softplusOf(x: Tensor, beta: number, threshold: number): Tensor {
  const linear = (x: Tensor): Tensor => (beta === 1 ? x : x.mul(beta)).gt(threshold);
  const safeExp = (x: Tensor, lin: Tensor): Tensor => where(lin, 0, beta === 1 ? x : x.mul(beta)).exp();
  const out = noGrad(() => {
    const lin = linear(x);
    const soft = safeExp(x, lin).log1p();
    return where(lin, x, beta === 1 ? soft : soft.div(beta));
  });
  return record(out, "SoftplusBackward0", [x], [x], (g, [x]) => {
    const lin = linear(x);
    const z = safeExp(x, lin);
    return [where(lin, g, g.mul(z).div(z.add(1)))];
  }, { beta, threshold });
}

/** F.mish(input, inplace=False): x * tanh(softplus(x)). */
export function mish(input: Tensor, ...args: Args<[inplace: boolean], InplaceOptions>): Tensor {
  return applyTo(input, inplaceForm("mish", input, args), (x) => x.mul(softplusOf(x, 1, 20).tanh()));
}

/** The forms (input) of the activations without options. */
function noOptions(fn: string, input: unknown, args: readonly unknown[]): void {
  checkTensor(input, "input", fn);
  if (args.length > 0) parseArgs(fn, [], args);
}

/** F.softsign(input): x / (1 + |x|). */
export function softsign(input: Tensor): Tensor;
export function softsign(input: Tensor, ...extra: unknown[]): Tensor {
  if (extra.length > 0 || !(input instanceof Tensor)) noOptions("softsign", input, extra);
  return input.div(input.abs().add(1));
}
/** F.tanhshrink(input): x - tanh(x). */
export function tanhshrink(input: Tensor): Tensor;
export function tanhshrink(input: Tensor, ...extra: unknown[]): Tensor {
  if (extra.length > 0 || !(input instanceof Tensor)) noOptions("tanhshrink", input, extra);
  return input.sub(input.tanh());
}

/** F.hardsigmoid(input, inplace=False): relu6(x + 3) / 6; gradient float32(1/6) strictly inside (-3, 3), as PyTorch's kernel. */
export function hardsigmoid(input: Tensor, ...args: Args<[inplace: boolean], InplaceOptions>): Tensor {
  return applyTo(input, inplaceForm("hardsigmoid", input, args), (x) => {
    // ATen's: min(max(x + 3, 0), 6) / 6; gradient g / 6 strictly inside (-3, 3) (its constant
    // float32(1 / 6) for both dtypes), else 0 (a NaN input too)
    const out = noGrad(() => x.add(3).clamp(0, 6).div(6));
    return record(out, "HardsigmoidBackward0", [x], [x], (g, [x]) => [where(x.gt(-3).logicalAnd(x.lt(3)), g.mul(Math.fround(1 / 6)), 0)]);
  });
}

/** F.hardswish(input, inplace=False): x * relu6(x + 3) / 6. */
export function hardswish(input: Tensor, ...args: Args<[inplace: boolean], InplaceOptions>): Tensor {
  return applyTo(input, inplaceForm("hardswish", input, args), (x) => {
    // ATen's: x * min(max(x + 3, 0), 6) / 6 (so -inf gives NaN); gradient 0 below -3,
    // g * (x / 3 + 0.5) up to 3 inclusive, g above (and for NaN)
    const out = noGrad(() => x.mul(x.add(3).clamp(0, 6)).div(6));
    return record(out, "HardswishBackward0", [x], [x], (g, [x]) => [where(x.lt(-3), 0, where(x.le(3), g.mul(x.div(3).add(0.5)), g))]);
  });
}

/** F.logsigmoid(input): -softplus(-x), stable for large |x|: min(x, 0) - log1p(exp(-|x|)). */
export function logsigmoid(input: Tensor): Tensor;
export function logsigmoid(input: Tensor, ...extra: unknown[]): Tensor {
  if (extra.length > 0 || !(input instanceof Tensor)) noOptions("logsigmoid", input, extra);
  const out = noGrad(() => where(input.lt(0), input, 0).sub(input.abs().neg().exp().log1p()));
  // ATen's log_sigmoid_backward: g * (max_deriv - sign * z / (1 + z)), z = exp(-|x|), with
  // max_deriv 1 and sign 1 for x < 0, else 0 and -1 (so the gradient at 0 is g / 2)
  return record(out, "LogSigmoidBackward0", [input], [input], (g, [x]) => {
    const negative = x.lt(0);
    const z = x.abs().neg().exp();
    return [g.mul(where(negative, 1, 0).sub(where(negative, 1, -1).mul(z.div(z.add(1)))))];
  });
}

/** The options of `F.threshold` (`nn.Threshold`). */
export interface ThresholdOptions extends InplaceOptions {
  /** Inputs at or below it are replaced; required. */
  threshold?: number;
  /** The replacement for inputs at or below `threshold`; required. */
  value?: number;
}
const THRESHOLD = [param("threshold", num()), param("value", num()), param("inplace", bool, false)];

/** F.threshold(input, threshold, value, inplace=False): x > threshold ? x : value. */
export function threshold(input: Tensor, threshold: number, value: number, ...args: Args<[inplace: boolean], InplaceOptions>): Tensor;
export function threshold(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "input", "threshold");
  const a = parseArgs<Required<ThresholdOptions>>("threshold", THRESHOLD, args);
  return applyTo(input, a.inplace, (x) => where(x.gt(a.threshold), x, a.value));
}

/** The options of `F.hardshrink` and `F.softshrink` (`nn.Hardshrink`, `nn.Softshrink`). */
export interface LambdOptions {
  /** The half-width of the zeroed band [-lambd, lambd]; PyTorch's default 0.5. */
  lambd?: number;
}
const LAMBD = [param("lambd", num(), 0.5)];

/** F.hardshrink(input, lambd=0.5): x where |x| > lambd, else 0. */
export function hardshrink(input: Tensor, ...args: Args<[lambd: number], LambdOptions>): Tensor {
  checkTensor(input, "input", "hardshrink");
  const l = parseArgs<Required<LambdOptions>>("hardshrink", LAMBD, args).lambd;
  return where(input.gt(l).logicalOr(input.lt(-l)), input, 0);
}

/** PyTorch's check of softshrink's lambda (a RuntimeError at the call). */
export function checkSoftshrinkLambd(l: number): void {
  if (l < 0) throw new RuntimeError(`lambda must be greater or equal to 0, but found to be ${l}.`);
}

/** F.softshrink(input, lambd=0.5): x - lambd above lambd, x + lambd below -lambd, else 0. */
export function softshrink(input: Tensor, ...args: Args<[lambd: number], LambdOptions>): Tensor {
  checkTensor(input, "input", "softshrink");
  const l = parseArgs<Required<LambdOptions>>("softshrink", LAMBD, args).lambd;
  checkSoftshrinkLambd(l);
  return where(input.gt(l), input.sub(l), where(input.lt(-l), input.add(l), 0));
}

/** F.prelu(input [N, C, ...], weight [C] or [1]): x > 0 ? x : weight * x, weight along dim 1. */
export function prelu(input: Tensor, weight: Tensor): Tensor;
export function prelu(input: Tensor, weight: Tensor, ...extra: unknown[]): Tensor {
  const x = checkTensor(input, "input", "prelu");
  checkTensor(weight, "weight", "prelu");
  if (extra.length > 0) parseArgs("prelu", [], extra);
  const n = weight.numel();
  if (n !== 1) {
    const c = x.dim() >= 2 ? x.shape[1] : 1;
    if (c !== n) throw new RuntimeError(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${c}.`);
  }
  const w = n === 1 || x.dim() < 2 ? weight.reshape(n === 1 ? [] : [n]) : weight.view([n, ...new Array<number>(x.dim() - 2).fill(1)]);
  return where(x.gt(0), x, x.mul(w));
}

const GLU = [param("dim", int(), -1)];
/** F.glu(input, dim=-1): a * sigmoid(b) for the two halves of dim. */
export function glu(input: Tensor, ...args: Args<[dim: number], { dim?: number }>): Tensor {
  checkTensor(input, "input", "glu");
  const { dim } = parseArgs<{ dim: number }>("glu", GLU, args);
  const d = dim < 0 ? dim + input.dim() : dim;
  if (input.dim() === 0) throw new RuntimeError("glu does not support scalars because halving size must be even");
  if (input.shape[d] % 2 !== 0) throw new RuntimeError(`Halving dimension must be even, but dimension ${d} is size ${input.shape[d]}`);
  const [a, b] = input.chunk(2, d);
  return a.mul(b.sigmoid());
}

/** F.sigmoid(input). */
export function sigmoid(input: Tensor): Tensor;
export function sigmoid(input: Tensor, ...extra: unknown[]): Tensor {
  if (!(input instanceof Tensor) || extra.length > 0) noOptions("sigmoid", input, extra);
  return input.sigmoid();
}
/** F.tanh(input). */
export function tanh(input: Tensor): Tensor;
export function tanh(input: Tensor, ...extra: unknown[]): Tensor {
  if (!(input instanceof Tensor) || extra.length > 0) noOptions("tanh", input, extra);
  return input.tanh();
}

// ---- softmax family ----------------------------------------------------------------------

/** The options of `F.softmax`, `F.softmin` and `F.logSoftmax`. */
export interface SoftmaxOptions {
  /** The dimension normalized over; PyTorch's default null (a legacy choice by the input's dimensionality, with a deprecation warning). */
  dim?: number | null;
  /** Python's warning stack level: accepted for PyTorch's positional order, unused. */
  _stacklevel?: number;
  /** The input is cast to this dtype first. */
  dtype?: DType | null;
}
const SOFTMAX = [param("dim", nullable(int()), null), param("_stacklevel", int(), 3), param("dtype", nullable((v, arg, fn) => checkDtype(v, fn, arg)), null)];

const implicitWarned = new Set<string>();
/** PyTorch's legacy dim for softmax(dim=None): 0 for 0-, 1- and 3-d inputs, else 1 (with its deprecation warning). */
export function implicitSoftmaxDim(name: string, ndim: number): number {
  const dim = ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
  if (!implicitWarned.has(name)) {
    implicitWarned.add(name);
    console.warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  }
  return dim;
}

function softmaxForm(fn: string, input: unknown, args: readonly unknown[]): { x: Tensor; dim: number } {
  const t = checkTensor(input, "input", fn);
  let dim: number | null = null;
  let dtype: DType | null = null;
  if (args.length === 0) dim = null;
  else if (args.length === 1 && typeof args[0] === "number" && Number.isInteger(args[0])) dim = args[0];
  else ({ dim, dtype } = parseArgs<{ dim: number | null; dtype: DType | null }>(fn, SOFTMAX, args));
  const x = dtype === null ? t : t.to(dtype);
  return { x, dim: dim ?? implicitSoftmaxDim(fn, x.dim()) };
}

type SoftmaxArgs = Args<[dim: number | null, _stacklevel: number, dtype: DType | null], SoftmaxOptions>;

/** F.softmax(input, dim=None, _stacklevel=3, dtype=None). */
export function softmax(input: Tensor, ...args: SoftmaxArgs): Tensor {
  const { x, dim } = softmaxForm("softmax", input, args);
  return x.softmax(dim);
}
/** F.log_softmax(input, dim=None, _stacklevel=3, dtype=None). */
export function logSoftmax(input: Tensor, ...args: SoftmaxArgs): Tensor {
  const { x, dim } = softmaxForm("logSoftmax", input, args);
  return x.logSoftmax(dim);
}
/** The keyword arguments of F.gumbelSoftmax. */
export interface GumbelSoftmaxOptions {
  /** The temperature; PyTorch's default 1. */
  tau?: number;
  /** One-hot samples whose gradient is the soft sample's (straight-through); default false. */
  hard?: boolean;
  /** Unused, kept for PyTorch's signature (default 1e-10). */
  eps?: number;
  /** The dim the categories run along; default -1. */
  dim?: number;
}
const GUMBEL = [param("tau", num(), 1), param("hard", bool, false), param("eps", num(), 1e-10), param("dim", int(), -1)];

/**
 * F.gumbelSoftmax(logits, tau=1, hard=False, eps=1e-10, dim=-1): samples from the Gumbel-softmax
 * distribution, drawn as PyTorch 1.13 draws them (gumbels = -log(Exp(1)) from the generator's
 * exponential_), so a seed gives PyTorch's samples.
 */
export function gumbelSoftmax(logits: Tensor, ...args: Args<[tau: number, hard: boolean, eps: number, dim: number], GumbelSoftmaxOptions>): Tensor {
  checkTensor(logits, "logits", "gumbel_softmax");
  const { tau, hard, dim } = parseArgs<Required<GumbelSoftmaxOptions>>("gumbel_softmax", GUMBEL, args);
  const gumbels = logits.newZeros(logits.shape).exponential_().log().neg();
  const ySoft = logits.add(gumbels).div(tau).softmax(dim);
  if (!hard) return ySoft;
  const index = ySoft.max(dim, true).indices;
  const yHard = logits.newZeros(logits.shape).scatter(dim, index, 1);
  // straight-through: the one-hot value, the soft sample's gradient
  return yHard.sub(ySoft.detach()).add(ySoft);
}

/** F.softmin(input, dim=None, _stacklevel=3, dtype=None): softmax(-x). */
export function softmin(input: Tensor, ...args: SoftmaxArgs): Tensor {
  const { x, dim } = softmaxForm("softmin", input, args);
  return x.neg().softmax(dim);
}
