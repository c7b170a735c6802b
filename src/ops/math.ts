// Elementwise math beyond arithmetic: rounding, the other logarithm/exponential bases, the
// hyperbolic and inverse trigonometric functions, erfc, sign tests, and the binary functions
// (atan2, fmod, remainder, hypot, copysign, fmax/fmin, logaddexp, xlogy). Each is a kernel
// (backends' UnaryOp/BinaryOp) where no composite of existing ops gives PyTorch's value to
// float64 round-off, else a composite whose gradient autograd derives (frac, square, isinf,
// logaddexp, xlogy, nanToNum). Gradients are PyTorch's formulas (tools/autograd/derivatives.yaml).
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { traceOnly } from "../autograd/trace.ts";
import { isFloating, scalarTypeName, toFloating, type DType } from "../dtype.ts";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { checkOptions, checkTensor, describe } from "../args.ts";
import { Tensor } from "../tensor.ts";
import type { BinaryOp, UnaryOp } from "../backends/backend.ts";
import {
  binaryKernel, checkIntegerDivisor, div, divRounded, floatOut, operands, promoted, scalarAttrs, unary, where,
  type Operands, type TensorOrScalar,
} from "./elementwise.ts";

/** PyTorch's error for a dtype a kernel has no form for, e.g. `"floor_vml_cpu" not implemented for 'Bool'`. */
function refuse(kernel: string, dtype: DType): never {
  throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(dtype)}'`);
}

// ---- rounding: integer dtypes come back unchanged (as values), bool is refused -------------

function rounding(op: UnaryOp, x: Tensor, kernel: string, node: string): Tensor {
  checkTensor(x, "input", op);
  if (x.dtype === "bool") refuse(kernel, x.dtype);
  return record(unary(op, x, x.dtype), node, [x], [], (g) => [g.mul(0)]);
}

/** torch.floor: the largest integer not above x (integer tensors unchanged); gradient zero. */
export const floor = (x: Tensor): Tensor => rounding("floor", x, "floor_vml_cpu", "FloorBackward0");
/** torch.ceil: the smallest integer not below x (integer tensors unchanged); gradient zero. */
export const ceil = (x: Tensor): Tensor => rounding("ceil", x, "ceil_vml_cpu", "CeilBackward0");
/** torch.trunc (alias fix): x rounded toward zero (integer tensors unchanged); gradient zero. */
export const trunc = (x: Tensor): Tensor => rounding("trunc", x, "trunc_vml_cpu", "TruncBackward0");

/** Options of round: the number of decimal places (negative: to the left of the point). */
export interface RoundOptions {
  decimals?: number;
}

/**
 * torch.round: to the nearest integer, halves to even (C's nearbyint: round(2.5) = 2,
 * round(-0.5) = -0). With `{ decimals }`, PyTorch's round(x * 10^d) / 10^d (for d < 0,
 * round(x / 10^-d) * 10^-d) in x's dtype; integer tensors are refused then, as in PyTorch.
 */
export function round(x: Tensor, opts?: RoundOptions): Tensor {
  checkTensor(x, "input", "round");
  if (opts === undefined) return rounding("round", x, "round_vml_cpu", "RoundBackward0");
  checkOptions("round", opts, ["decimals"]);
  const d = opts.decimals ?? 0;
  if (!Number.isInteger(d)) throw new TorchTypeError(`round(): argument 'decimals' must be int, not ${describe(d)}`);
  if (!isFloating(x.dtype)) refuse(d === 0 ? "round_vml_cpu" : "round_cpu", x.dtype);
  if (d === 0) return round(x);
  const p = 10 ** Math.abs(d);
  return d > 0 ? round(x.mul(p)).div(p) : round(x.div(p)).mul(p);
}

/** torch.frac: x - trunc(x), with x's sign; float tensors only; gradient passes through. */
export function frac(x: Tensor): Tensor {
  checkTensor(x, "input", "frac");
  if (!isFloating(x.dtype)) refuse("frac_cpu", x.dtype);
  return x.sub(trunc(x));
}

// ---- float-valued unary functions (integer and bool inputs compute in the default float dtype)

function floatUnary(op: UnaryOp, x: Tensor, node: string, vjp: (g: Tensor, x: Tensor, y: Tensor) => Tensor): Tensor {
  checkTensor(x, "input", op);
  const y = unary(op, x, floatOut(x));
  return record(y, node, [x], [x, y], (g, [x, y]) => [vjp(g, x!, y!)]);
}

/** torch.log2: the base-2 logarithm; d/dx = 1 / (x ln 2). */
export const log2 = (x: Tensor): Tensor => floatUnary("log2", x, "Log2Backward0", (g, x) => g.div(x.mul(Math.LN2)));
/** torch.log10: the base-10 logarithm; d/dx = 1 / (x ln 10). */
export const log10 = (x: Tensor): Tensor => floatUnary("log10", x, "Log10Backward0", (g, x) => g.div(x.mul(Math.LN10)));
/** torch.exp2: 2^x; d/dx = 2^x ln 2. */
export const exp2 = (x: Tensor): Tensor => floatUnary("exp2", x, "Exp2Backward0", (g, _x, y) => g.mul(y.mul(Math.LN2)));
/** torch.sinh; d/dx = cosh x. */
export const sinh = (x: Tensor): Tensor => floatUnary("sinh", x, "SinhBackward0", (g, x) => g.mul(cosh(x)));
/** torch.cosh; d/dx = sinh x. */
export const cosh = (x: Tensor): Tensor => floatUnary("cosh", x, "CoshBackward0", (g, x) => g.mul(sinh(x)));
/** torch.asin (alias arcsin): NaN outside [-1, 1]; d/dx = 1 / sqrt(1 - x^2). */
export const asin = (x: Tensor): Tensor => floatUnary("asin", x, "AsinBackward0", (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()));
/** torch.acos (alias arccos): NaN outside [-1, 1]; d/dx = -1 / sqrt(1 - x^2). */
export const acos = (x: Tensor): Tensor => floatUnary("acos", x, "AcosBackward0", (g, x) => g.neg().mul(x.mul(x).neg().add(1).rsqrt()));
/** torch.atan (alias arctan); d/dx = 1 / (1 + x^2). */
export const atan = (x: Tensor): Tensor => floatUnary("atan", x, "AtanBackward0", (g, x) => g.div(x.mul(x).add(1)));
/** torch.asinh (alias arcsinh); d/dx = 1 / sqrt(x^2 + 1). */
export const asinh = (x: Tensor): Tensor => floatUnary("asinh", x, "AsinhBackward0", (g, x) => g.mul(x.mul(x).add(1).rsqrt()));
/** torch.acosh (alias arccosh): NaN below 1; d/dx = 1 / sqrt(x^2 - 1). */
export const acosh = (x: Tensor): Tensor => floatUnary("acosh", x, "AcoshBackward0", (g, x) => g.mul(x.mul(x).sub(1).rsqrt()));
/** torch.atanh (alias arctanh): ±inf at ±1, NaN beyond; d/dx = 1 / (1 - x^2). */
export const atanh = (x: Tensor): Tensor => floatUnary("atanh", x, "AtanhBackward0", (g, x) => g.div(x.mul(x).neg().add(1)));
/** torch.erfc: 1 - erf(x) without the cancellation (accurate where erfc is tiny); d/dx = -2/sqrt(pi) exp(-x^2). */
export const erfc = (x: Tensor): Tensor => floatUnary("erfc", x, "ErfcBackward0", (g, x) => g.mul(x.mul(x).neg().exp().mul(-2 / Math.sqrt(Math.PI))));

/** torch.square: x * x (bool squares to int64, as PyTorch's pow(x, 2)). */
export function square(x: Tensor): Tensor {
  checkTensor(x, "input", "square");
  const v = x.dtype === "bool" ? x.to("int64") : x;
  return v.mul(v);
}

/** torch.reciprocal: 1 / x (integer inputs give floats); d/dx = -1 / x^2. */
export function reciprocal(x: Tensor): Tensor {
  checkTensor(x, "input", "reciprocal");
  return div(1, x);
}

// ---- tests of the value (bool outputs, not differentiable) --------------------------------

/** torch.isinf: true at +inf and -inf. */
/**
 * torch.logit(input, eps=None): log(x / (1 - x)), the input first clamped to [eps, 1 - eps]
 * when eps is given.
 */
export function logit(x: Tensor, eps: number | null = null): Tensor {
  checkTensor(x, "input", "logit");
  if (eps !== null && typeof eps !== "number") throw new TorchTypeError(`logit(): argument 'eps' must be a number or null, but got ${describe(eps)}`);
  const xf = isFloating(x.dtype) ? x : x.to(toFloating(x.dtype));
  const out = noGrad(() => {
    const z = eps === null ? xf : xf.clamp(eps, 1 - eps);
    return z.div(z.neg().add(1)).log();
  });
  // ATen's logit_backward: g / (x (1 - x)) inside the range (±inf at 0 and 1), outside it NaN
  // without eps and 0 with it
  return record(out, "LogitBackward0", [xf], [xf], (g, [x]) => {
    const [lo, hi, outside] = eps === null ? [0, 1, NaN] : [eps, 1 - eps, 0];
    return [where(x.lt(lo).logicalOr(x.gt(hi)), outside, g.div(x.mul(x.neg().add(1))))];
  }, eps === null ? undefined : { eps });
}
/** torch.sinc(input): sin(pi x) / (pi x), 1 at 0 (its gradient 0 there, as PyTorch's). */
export function sinc(x: Tensor): Tensor {
  checkTensor(x, "input", "sinc");
  const xf = isFloating(x.dtype) ? x : x.to(toFloating(x.dtype));
  const zero = xf.eq(0);
  // the quotient on a nonzero stand-in where x is 0, so no 0/0 reaches the gradient
  const px = where(zero, 1, xf).mul(Math.PI);
  return where(zero, 1, px.sin().div(px));
}
/** torch.deg2rad(input): degrees to radians (x * pi / 180). */
export function deg2rad(x: Tensor): Tensor {
  checkTensor(x, "input", "deg2rad");
  return (isFloating(x.dtype) ? x : x.to(toFloating(x.dtype))).mul(Math.PI / 180);
}
/** torch.rad2deg(input): radians to degrees (x * 180 / pi). */
export function rad2deg(x: Tensor): Tensor {
  checkTensor(x, "input", "rad2deg");
  return (isFloating(x.dtype) ? x : x.to(toFloating(x.dtype))).mul(180 / Math.PI);
}
/** torch.heaviside(input, values): 0 below zero, 1 above, `values` at zero; no derivative, as in PyTorch. */
export function heaviside(x: Tensor, values: Tensor): Tensor {
  checkTensor(x, "input", "heaviside");
  checkTensor(values, "values", "heaviside");
  if (x.dtype !== values.dtype) throw new RuntimeError("heaviside is not yet implemented for tensors with different dtypes.");
  const out = noGrad(() => where(x.eq(0), values, x.gt(0).to(x.dtype)));
  return record(out, "HeavisideBackward0", [x, values], [], () => { throw new RuntimeError("derivative for aten::heaviside is not implemented"); });
}
export function isinf(x: Tensor): Tensor {
  checkTensor(x, "input", "isinf");
  return isFloating(x.dtype) ? x.abs().eq(Infinity) : x.ne(x);
}
/** torch.isposinf: true at +inf. */
export function isposinf(x: Tensor): Tensor {
  checkTensor(x, "input", "isposinf");
  return isFloating(x.dtype) ? x.eq(Infinity) : x.ne(x);
}
/** torch.isneginf: true at -inf. */
export function isneginf(x: Tensor): Tensor {
  checkTensor(x, "input", "isneginf");
  return isFloating(x.dtype) ? x.eq(-Infinity) : x.ne(x);
}
/** torch.signbit: true where the sign bit is set (negative numbers and -0). */
export function signbit(x: Tensor): Tensor {
  checkTensor(x, "input", "signbit");
  return traceOnly(unary("signbit", x, "bool"), "signbit", [x]);
}

/** Options of nanToNum: the replacements (defaults: 0, and the dtype's largest and lowest finite values). */
export interface NanToNumOptions {
  nan?: number;
  posinf?: number | null;
  neginf?: number | null;
}

const FLOAT_MAX: Partial<Record<DType, number>> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/**
 * torch.nan_to_num(input, nan=0.0, posinf=None, neginf=None): NaN, +inf and -inf replaced;
 * integer and bool tensors come back as copies. The gradient passes where x is finite.
 */
export function nanToNum(x: Tensor, nan?: number | NanToNumOptions, posinf?: number | null, neginf?: number | null): Tensor {
  checkTensor(x, "input", "nan_to_num");
  let o: NanToNumOptions = {};
  if (typeof nan === "object" && nan !== null) {
    checkOptions("nan_to_num", nan, ["nan", "posinf", "neginf"]);
    o = nan;
  } else o = { nan, posinf, neginf };
  for (const k of ["nan", "posinf", "neginf"] as const) {
    const v = o[k];
    if (v !== undefined && v !== null && typeof v !== "number") throw new TorchTypeError(`nan_to_num(): argument '${k}' must be float, not ${describe(v)}`);
  }
  if (!isFloating(x.dtype)) return x.clone();
  const max = FLOAT_MAX[x.dtype]!;
  const y = where(x.isnan(), o.nan ?? 0, x);
  return where(x.eq(Infinity), o.posinf ?? max, where(x.eq(-Infinity), o.neginf ?? -max, y));
}

// ---- binary ---------------------------------------------------------------------------------

/** A float-valued binary kernel over two tensors (PyTorch takes no Python number `other` here). */
function floatBinary(op: BinaryOp, x: Tensor, y: Tensor, fn: string): { o: Operands; out: Tensor } {
  checkTensor(x, "input", fn);
  if (!(y instanceof Tensor)) throw new TorchTypeError(`${fn}(): argument 'other' (position 2) must be Tensor, not ${describe(y)}`);
  const o = operands(x, y, fn);
  return { o, out: binaryKernel(op, o, toFloating(promoted(x, y))) };
}

/** torch.atan2 (alias arctan2): the angle of the point (other, input), in (-pi, pi]. */
export function atan2(x: Tensor, y: Tensor): Tensor {
  const { out } = floatBinary("atan2", x, y, "atan2");
  return record(out, "Atan2Backward0", [x, y], [x, y], (g, [a, b]) => {
    const r = a!.mul(a!).add(b!.mul(b!));
    return [g.mul(b!).div(r), g.mul(a!).neg().div(r)];
  });
}

/** torch.hypot: sqrt(input^2 + other^2) without overflow; float tensors only. */
export function hypot(x: Tensor, y: Tensor): Tensor {
  checkTensor(x, "input", "hypot");
  if (y instanceof Tensor && !isFloating(promoted(x, y))) refuse("hypot_cpu", promoted(x, y));
  const { out } = floatBinary("hypot", x, y, "hypot");
  return record(out, "HypotBackward0", [x, y], [x, y, out], (g, [a, b, r]) => [g.mul(a!).div(r!), g.mul(b!).div(r!)]);
}

/** torch.copysign: |input| with the sign bit of other (a tensor or a number); float output. */
export function copysign(x: Tensor, y: TensorOrScalar): Tensor {
  checkTensor(x, "input", "copysign");
  const o = operands(x, y, "copysign");
  const out = binaryKernel("copysign", o, toFloating(promoted(x, y)));
  // d/dx = copysign(1, y) sign(x)... as ATen: result / x, 0 where x = 0; nothing flows to y
  return record(out, "CopysignBackward0", [o.a, o.b], [x, out], (g, [a, r]) => [g.mul(where(a!.eq(0), 0, r!.div(a!))), o.b ? g.mul(0) : null], scalarAttrs(o));
}

/** The integer-or-float binary ops of division: bool refused, integer division by zero an error. */
function divisionOp(op: BinaryOp, x: TensorOrScalar, y: TensorOrScalar, fn: string, kernel: string): { o: Operands; out: Tensor } {
  const o = operands(x, y, fn);
  const dtype = promoted(x, y);
  if (dtype === "bool") refuse(kernel, dtype);
  checkIntegerDivisor(o, dtype);
  return { o, out: binaryKernel(op, o, dtype) };
}

/** torch.fmod: C's remainder, with the dividend's sign (fmod(-3, 2) = -1); other may be a number. */
export function fmod(x: Tensor, y: TensorOrScalar): Tensor {
  checkTensor(x, "input", "fmod");
  const { o, out } = divisionOp("fmod", x, y, "fmod", "fmod_cpu");
  // d/dy = -trunc(x / y)
  return record(out, "FmodBackward0", [o.a, o.b], o.b ? [x, o.b] : [], (g, [a, b]) => [g, o.b ? g.neg().mul(div(a!, b!, { roundingMode: "trunc" })) : null], scalarAttrs(o));
}

/** torch.remainder: Python's %, with the divisor's sign (remainder(-3, 2) = 1); either operand may be a number. */
export function remainder(x: TensorOrScalar, y: TensorOrScalar): Tensor {
  const { o, out } = divisionOp("remainder", x, y, "remainder", "remainder_cpu");
  // d/dy = -floor(x / y); PyTorch has no derivative for remainder(Scalar, Tensor)
  return record(out, "RemainderBackward0", [o.a, o.b], o.a && o.b ? [o.a, o.b] : [], (g, [a, b]) => {
    if (o.a === null) throw new RuntimeError("derivative for aten::remainder is not implemented");
    return [g, o.b ? g.neg().mul(div(a!, b!, { roundingMode: "floor" })) : null];
  }, scalarAttrs(o));
}

/** torch.floor_divide: div(input, other, { roundingMode: "floor" }) (integers stay integers); not differentiable, as in PyTorch. */
export function floorDivide(x: TensorOrScalar, y: TensorOrScalar): Tensor {
  return divRounded(x, y, "floor", "floor_divide");
}

function nanMinMax(op: "fmax" | "fmin", x: Tensor, y: Tensor): Tensor {
  checkTensor(x, "input", op);
  checkTensor(y, "other", op);
  const out = binaryKernel(op, operands(x, y, op), promoted(x, y));
  // the gradient goes to input where it was chosen (ties included), else to other
  return record(out, op === "fmax" ? "FmaxBackward0" : "FminBackward0", [x, y], [x, y], (g, [a, b]) => {
    const first = (op === "fmax" ? a!.ge(b!) : a!.le(b!)).logicalOr(b!.isnan());
    return [where(first, g, 0), where(first, 0, g)];
  });
}
/** torch.fmax: the larger of the two, ignoring a NaN (NaN only where both are). */
export const fmax = (x: Tensor, y: Tensor): Tensor => nanMinMax("fmax", x, y);
/** torch.fmin: the smaller of the two, ignoring a NaN (NaN only where both are). */
export const fmin = (x: Tensor, y: Tensor): Tensor => nanMinMax("fmin", x, y);

function logAddExpWith(fn: string, x: Tensor, y: Tensor, base2: boolean): Tensor {
  checkTensor(x, "input", fn);
  if (!(y instanceof Tensor)) throw new TorchTypeError(`${fn}(): argument 'other' (position 2) must be Tensor, not ${describe(y)}`);
  const dtype = promoted(x, y);
  if (!isFloating(dtype)) refuse(`${fn}_cpu`, dtype);
  // ATen: m + log1p(exp(-|x - y|)) with m = max(x, y); x itself where both are the same infinity
  const m = x.maximum(y);
  const e = x.sub(y).abs().neg();
  const r = base2 ? m.add(exp2(e).log1p().mul(1 / Math.LN2)) : m.add(e.exp().log1p());
  return where(isinf(x).logicalAnd(x.eq(y)), x, r);
}
/** torch.logaddexp: log(exp(input) + exp(other)) without overflow; float tensors only. */
export const logaddexp = (x: Tensor, y: Tensor): Tensor => logAddExpWith("logaddexp", x, y, false);
/** torch.logaddexp2: log2(2^input + 2^other) without overflow; float tensors only. */
export const logaddexp2 = (x: Tensor, y: Tensor): Tensor => logAddExpWith("logaddexp2", x, y, true);

/** torch.xlogy: input * log(other), 0 where input is 0 (unless other is NaN); either may be a number. */
export function xlogy(x: TensorOrScalar, y: TensorOrScalar): Tensor {
  const o = operands(x, y, "xlogy");
  const dtype = toFloating(promoted(x, y));
  const a = o.a ? o.a.to(dtype) : Tensor.scalar(o.av, dtype);
  const b = o.b ? o.b.to(dtype) : Tensor.scalar(o.bv, dtype);
  return where(b.isnan(), NaN, where(a.eq(0), 0, a.mul(b.log())));
}
