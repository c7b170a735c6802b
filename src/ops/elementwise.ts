// Elementwise primitives. Broadcasting happens here once (zero-stride reads); the engine
// sums gradients back to each input's shape, so no vjp below needs to unbroadcast (sub and div
// do, to negate after the sum).
import type { BinaryOp, StridedView, UnaryOp } from "../backends/backend.ts";
import { gradMode } from "../autograd/gradMode.ts";
import { sumToShape } from "../autograd/engine.ts";
import { record } from "../autograd/node.ts";
import { traceOnly, tracing } from "../autograd/trace.ts";
import { isFloating, resultType, scalarTypeName, toFloating, type DType, type Storage } from "../dtype.ts";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { checkOptions, checkTensor, checkTensorOrScalar, describe, nullable, num, param, parseArgs, type Args } from "../args.ts";
import { CPU, type Device } from "../device.ts";
import { broadcastShapes, broadcastStrides, sameShape, type Shape } from "../layout.ts";
import { Tensor, type TensorData } from "../tensor.ts";
import { backendOf, deviceBackend, empty, mixedDevices, output, scalarView, sv } from "./alloc.ts";

/** A number or boolean operand, promoted like PyTorch's Python scalars. */
export type Scalar = number | boolean;
/** An operand of a binary op: a tensor or a scalar. */
export type TensorOrScalar = Tensor | Scalar;

// ---- unary -----------------------------------------------------------------------------

export function unary(op: UnaryOp, x: Tensor, dtype: DType): Tensor {
  const out = output(x.shape, dtype, x._box.device);
  backendOf(x).unary(op, sv(x), out._box.data);
  return out;
}

/** Float-valued unary ops compute integer inputs in the default float dtype, as PyTorch. */
export const floatOut = (x: Tensor): DType => toFloating(x.dtype);

export function neg(x: Tensor): Tensor {
  if (x.dtype === "bool") throw new RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  return record(unary("neg", x, x.dtype), "NegBackward0", [x], [], (g) => [g.neg()]);
}
export function exp(x: Tensor): Tensor {
  const y = unary("exp", x, floatOut(x));
  return record(y, "ExpBackward0", [x], [y], (g, [y]) => [g.mul(y)]);
}
export function log(x: Tensor): Tensor {
  return record(unary("log", x, floatOut(x)), "LogBackward0", [x], [x], (g, [x]) => [g.div(x)]);
}
export function log1p(x: Tensor): Tensor {
  return record(unary("log1p", x, floatOut(x)), "Log1PBackward0", [x], [x], (g, [x]) => [g.div(x.add(1))]);
}
export function expm1(x: Tensor): Tensor {
  const y = unary("expm1", x, floatOut(x));
  return record(y, "Expm1Backward0", [x], [y], (g, [y]) => [g.mul(y.add(1))]);
}
export function sqrt(x: Tensor): Tensor {
  const y = unary("sqrt", x, floatOut(x));
  return record(y, "SqrtBackward0", [x], [y], (g, [y]) => [g.div(y.mul(2))]);
}
export function rsqrt(x: Tensor): Tensor {
  const y = unary("rsqrt", x, floatOut(x));
  // d/dx x^-1/2 = -1/2 x^-3/2 = -1/2 y^3
  return record(y, "RsqrtBackward0", [x], [y], (g, [y]) => [g.mul(y.pow(3)).mul(-0.5)]);
}
export function abs(x: Tensor): Tensor {
  return record(unary("abs", x, x.dtype), "AbsBackward0", [x], [x], (g, [x]) => [g.mul(x.sign())]);
}
export function sign(x: Tensor): Tensor {
  return record(unary("sign", x, x.dtype), "SignBackward0", [x], [], (g) => [g.mul(0)]);
}
export function sin(x: Tensor): Tensor {
  return record(unary("sin", x, floatOut(x)), "SinBackward0", [x], [x], (g, [x]) => [g.mul(x.cos())]);
}
export function cos(x: Tensor): Tensor {
  return record(unary("cos", x, floatOut(x)), "CosBackward0", [x], [x], (g, [x]) => [g.mul(x.sin()).neg()]);
}
export function tan(x: Tensor): Tensor {
  const y = unary("tan", x, floatOut(x));
  // d/dx tan x = 1 + tan^2 x
  return record(y, "TanBackward0", [x], [y], (g, [y]) => [g.mul(y.mul(y).add(1))]);
}
export function tanh(x: Tensor): Tensor {
  const y = unary("tanh", x, floatOut(x));
  return record(y, "TanhBackward0", [x], [y], (g, [y]) => [tanhBackward(g, y)]);
}
export function sigmoid(x: Tensor): Tensor {
  const y = unary("sigmoid", x, floatOut(x));
  // ATen's sigmoid_backward: (grad * (1 - y)) * y, in that order
  return record(y, "SigmoidBackward0", [x], [y], (g, [y]) => [g.mul(y.neg().add(1)).mul(y)]);
}
/** tanh's input gradient from its output y, one pass (ATen's tanh_backward); differentiable in both, as TanhBackwardBackward0. */
function tanhBackward(g: Tensor, y: Tensor): Tensor {
  const out = binaryKernel("tanhBackward", operands(g, y, "tanh_backward"), g.dtype);
  return record(out, "TanhBackwardBackward0", [g, y], [g, y], (gg, [g, y]) => [tanhBackward(gg, y), gg.mul(g).mul(y).mul(-2)]);
}
export function relu(x: Tensor): Tensor {
  const y = unary("relu", x, x.dtype);
  return record(y, "ReluBackward0", [x], [y], (g, [y]) => [thresholdBackward(g, y)]);
}
/** relu's vjp: g where y > 0, else 0, in one pass; linear in g, so its own vjp is itself. */
function thresholdBackward(g: Tensor, y: Tensor): Tensor {
  const out = binaryKernel("thresholdBackward", operands(g, y, "threshold_backward"), g.dtype);
  return record(out, "ThresholdBackwardBackward0", [g], [y], (gg, [y]) => [thresholdBackward(gg, y)]);
}
export function logicalNot(x: Tensor): Tensor {
  return traceOnly(unary("logicalNot", x, "bool"), "logicalNot", [x]);
}
export function isnan(x: Tensor): Tensor {
  return traceOnly(unary("isnan", x, "bool"), "isnan", [x]);
}
export function isfinite(x: Tensor): Tensor {
  return traceOnly(unary("isfinite", x, "bool"), "isfinite", [x]);
}

/** Options of clamp: the bounds, each `null` or absent for none (at least one is required). */
export interface ClampOptions {
  min?: number | null;
  max?: number | null;
}
const CLAMP = [param("min", nullable(num({ nan: true })), null), param("max", nullable(num({ nan: true })), null)];
const bound = (v: unknown): boolean => v === undefined || v === null || typeof v === "number";
/** clamp(input, min=None, max=None): numbers (or null), positional or as { min, max }. */
export type ClampArgs = Args<[min: number | null, max: number | null], ClampOptions>;
export function clamp(x: Tensor, ...args: ClampArgs): Tensor {
  checkTensor(x, "input", "clamp");
  let [lo, hi] = args as unknown[];
  if (args.length > 2 || !bound(lo) || !bound(hi)) ({ min: lo, max: hi } = parseArgs<{ min: number | null; max: number | null }>("clamp", CLAMP, args));
  if ((lo === null || lo === undefined) && (hi === null || hi === undefined)) throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  const l = (lo as number | null | undefined) ?? -Infinity;
  const h = (hi as number | null | undefined) ?? Infinity;
  const dtype = isFloating(x.dtype) || (Number.isInteger(l) || !Number.isFinite(l)) && (Number.isInteger(h) || !Number.isFinite(h)) ? x.dtype : toFloating(x.dtype);
  const out = empty(x.shape, dtype, x._box.device);
  backendOf(x).clamp(readAs(x, 0, x.shape, dtype, x._box.device) as StridedView<TensorData>, l, h, out._box.data);
  return record(out, "ClampBackward1", [x], [x], (g, [x]) => [g.mul(x.ge(l).logicalAnd(x.le(h)))], { min: l, max: h });
}

/** torch.clamp_min(input, min): clamp with a lower bound only. */
export function clampMin(x: Tensor, min: number): Tensor {
  checkTensor(x, "input", "clamp_min");
  num()(min, "min", "clamp_min");
  return clamp(x, min, null);
}
/** torch.clamp_max(input, max): clamp with an upper bound only. */
export function clampMax(x: Tensor, max: number): Tensor {
  checkTensor(x, "input", "clamp_max");
  num()(max, "max", "clamp_max");
  return clamp(x, null, max);
}

// ---- binary ----------------------------------------------------------------------------

export interface Operands {
  a: Tensor | null;
  b: Tensor | null;
  av: number;
  bv: number;
  shape: number[];
  /** Where the op runs: the tensors' device (a 0-dim CPU tensor goes along as a number). */
  device: Device;
}

export function operands(x: TensorOrScalar, y: TensorOrScalar, fn: string): Operands {
  const a = x instanceof Tensor ? x : null;
  const b = y instanceof Tensor ? y : null;
  if (a === null) checkTensorOrScalar(x, "input", fn);
  if (b === null) checkTensorOrScalar(y, "other", fn);
  if (a === null && b === null) throw new TorchTypeError(`${fn}(): expected at least one Tensor operand, but got ${describe(x)} and ${describe(y)}`);
  const shape = a && b ? broadcastShapes(a.shape, b.shape) : (a ?? b)!.shape;
  const device = a && b ? (a._box.device === b._box.device ? a._box.device : opDevice([a, b])) : (a ?? b)!._box.device;
  return { a, b, av: a ? 0 : Number(x), bv: b ? 0 : Number(y), shape, device };
}

/**
 * The device of an op over tensors on different devices: PyTorch lets a 0-dim CPU tensor
 * meet a tensor on any device (it is read as a number, as `x.mul(0.5)` reads 0.5); any other
 * mix is PyTorch's "Expected all tensors to be on the same device" error.
 */
function opDevice(ts: ReadonlyArray<Tensor | null>): Device {
  let d: Device | null = null;
  for (const t of ts) {
    if (t === null || (t._box.device === CPU && t.shape.length === 0)) continue;
    if (d === null) d = t._box.device;
    else if (t._box.device !== d) throw mixedDevices(d, t._box.device);
  }
  return d ?? CPU;
}

/** The value of a 0-dim CPU tensor as a number (bool: 0 or 1; int64 rounded beyond 2^53). */
const hostScalar = (t: Tensor): number => Number((t._box.data as Storage)[t.offset]!);

/** A number operand as the op's attribute (PyTorch's argument name), for the tracer. */
export function scalarAttrs(o: Operands): Record<string, number> | undefined {
  return o.a === null ? { self: o.av } : o.b === null ? { other: o.bv } : undefined;
}

/**
 * An operand as the kernel reads it, broadcast to `shape`, for an op computing in `compute`.
 * int64 operands of a non-int64 computation, and non-int64 operands of an int64 one, are cast
 * first: kernels never mix BigInt64Array with number arrays (number arrays mix freely).
 */
function readAs(t: Tensor | null, v: number, shape: number[], compute: DType, device: Device) {
  if (t === null) return scalarView(v, shape, compute);
  if (t._box.device !== device) return scalarView(hostScalar(t), shape, compute);
  if ((t.dtype === "int64") !== (compute === "int64")) t = t.to(compute);
  return sameShape(t.shape, shape) ? sv(t) : sv(t, broadcastStrides(t.shape, t.strides, shape), shape);
}

/**
 * The in-place fast path: self op= other computed straight into self's storage. Taken only
 * when it is exactly equivalent to the general path: no graph to record, self contiguous,
 * other broadcasting to self's shape without aliasing it, and a result dtype self can hold.
 * Returns false when the caller must take the general path.
 */
export function binaryInPlace(op: BinaryOp | "axpy", self: Tensor, other: TensorOrScalar, alpha = 1): boolean {
  const t = other instanceof Tensor ? other : null;
  if (gradMode.enabled && (self._requiresGrad || (t !== null && t._requiresGrad))) return false;
  if (tracing.active !== null) return false; // the general path reports the write to the trace
  if (!self.isContiguous()) return false;
  if (t !== null && (t._box === self._box || t._box.device !== self._box.device || !sameShape(broadcastShapes(self.shape, t.shape), self.shape))) return false;
  const dtype = op === "div" ? toFloating(promoted(self, other)) : promoted(self, other);
  if (dtype !== self.dtype && !(isFloating(self.dtype) && isFloating(dtype))) return false;
  if (op === "axpy" && self.dtype === "int64") return false;
  const n = self.numel();
  const data = self._box.data;
  const out = self.offset === 0 && data.length === n ? data : data.subarray(self.offset, self.offset + n);
  const ov = readAs(t, t ? 0 : Number(other), self.shape, self.dtype, self._box.device);
  if (op === "axpy") backendOf(self).axpy(self.dtype === "float32" ? Math.fround(alpha) : alpha, ov, out);
  else backendOf(self).binary(op, sv(self), ov, out);
  self._box.version++;
  return true;
}

/** out = op(a, b) of dtype `dtype`, computed in `compute` (the promoted type: comparisons output bool). */
export function binaryKernel(op: BinaryOp, o: Operands, dtype: DType, compute: DType = dtype): Tensor {
  const out = output(o.shape, dtype, o.device);
  deviceBackend(o.device).binary(op, readAs(o.a, o.av, o.shape, compute, o.device), readAs(o.b, o.bv, o.shape, compute, o.device), out._box.data);
  return out;
}

const operandType = (v: TensorOrScalar) => (v instanceof Tensor ? { dtype: v.dtype, ndim: v.shape.length } : v);
export function promoted(x: TensorOrScalar, y: TensorOrScalar): DType {
  if (x instanceof Tensor && y instanceof Tensor && x.dtype === y.dtype) return x.dtype;
  return resultType([operandType(x), operandType(y)]);
}

/** The operand as a tensor for a vjp; scalars become 0-dim constants. */
function asTensor(t: Tensor | null, v: number, like: DType): Tensor {
  return t ?? Tensor.scalar(v, isFloating(like) ? like : "float32");
}

/**
 * -g summed back to `shape`: the negation after the broadcast sum, which gives the same
 * numbers (rounding to nearest is symmetric, so the sum of negated terms is the negated sum)
 * and negates the small sum instead of every element of g.
 */
const negSummed = (g: Tensor, shape: Shape): Tensor => sumToShape(g, shape).neg();

/** Options of add and sub: the multiplier of the other operand. */
export interface AlphaOptions {
  /** The multiplier of `other` (default 1): `input + alpha * other`. */
  alpha?: number;
}

/** The alpha of add/sub, checked (PyTorch: a number; unknown option keys are a TypeError). */
function alphaOf(fn: string, opts: AlphaOptions | undefined): number {
  if (opts === undefined) return 1;
  checkOptions(fn, opts, ["alpha"]);
  const alpha = opts.alpha ?? 1;
  if (typeof alpha !== "number") throw new TorchTypeError(`${fn}(): argument 'alpha' must be a number, but got ${describe(alpha)}`);
  return alpha;
}

export function add(x: TensorOrScalar, y: TensorOrScalar, opts?: AlphaOptions): Tensor {
  const alpha = alphaOf("add", opts);
  if (alpha !== 1) y = y instanceof Tensor ? mul(y, alpha) : Number(y) * alpha;
  const o = operands(x, y, "add");
  const out = binaryKernel("add", o, promoted(x, y));
  return record(out, "AddBackward0", [o.a, o.b], [], (g) => [g, g], scalarAttrs(o));
}
export function sub(x: TensorOrScalar, y: TensorOrScalar, opts?: AlphaOptions): Tensor {
  const alpha = alphaOf("sub", opts);
  if (alpha !== 1) y = y instanceof Tensor ? mul(y, alpha) : Number(y) * alpha;
  const o = operands(x, y, "sub");
  const dtype = promoted(x, y);
  if (dtype === "bool") throw new RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
  const bShape = o.b?.shape;
  return record(binaryKernel("sub", o, dtype), "SubBackward0", [o.a, o.b], [], (g) => [g, bShape ? negSummed(g, bShape) : null], scalarAttrs(o));
}
export function mul(x: TensorOrScalar, y: TensorOrScalar): Tensor {
  const o = operands(x, y, "mul");
  const out = binaryKernel("mul", o, promoted(x, y));
  const saved = [o.a, o.b].filter((t): t is Tensor => t !== null);
  return record(out, "MulBackward0", [o.a, o.b], saved, (g, s) => {
    const a = o.a ? s[0] : null;
    const b = o.b ? s[o.a ? 1 : 0] : null;
    return [o.a ? g.mul(b ?? o.bv) : null, o.b ? g.mul(a ?? o.av) : null];
  }, scalarAttrs(o));
}
/** Options of div: how the quotient is rounded (PyTorch's rounding_mode; absent or null: not at all). */
export interface DivOptions {
  roundingMode?: "trunc" | "floor" | null;
}

export function div(x: TensorOrScalar, y: TensorOrScalar, opts?: DivOptions): Tensor {
  if (opts !== undefined) {
    checkOptions("div", opts, ["roundingMode"]);
    const mode = opts.roundingMode ?? null;
    if (mode !== null) return divRounded(x, y, mode);
  }
  const o = operands(x, y, "div");
  const out = binaryKernel("div", o, toFloating(promoted(x, y)));
  const saved = [o.a, o.b].filter((t): t is Tensor => t !== null);
  return record(out, "DivBackward0", [o.a, o.b], saved, (g, s) => {
    const a = o.a ? s[0] : null;
    const b = o.b ? s[o.a ? 1 : 0] : null;
    // PyTorch's div_tensor_other_backward: -grad * ((self / other) / other)
    return [o.a ? g.div(b ?? o.bv) : null, b ? negSummed(g.mul((a ?? asTensor(null, o.av, out.dtype)).div(b).div(b)), b.shape) : null];
  }, scalarAttrs(o));
}
/**
 * div with rounding_mode "trunc" or "floor": integer operands stay integers (exact, BigInt for
 * int64); float quotients are rounded as ATen's div_trunc / div_floor. Its gradient is zero.
 */
export function divRounded(x: TensorOrScalar, y: TensorOrScalar, mode: unknown, fn: "div" | "floor_divide" = "div"): Tensor {
  if (mode !== "trunc" && mode !== "floor") throw new RuntimeError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  const o = operands(x, y, "div");
  const dtype = promoted(x, y);
  if (dtype === "bool") throw new RuntimeError(`"div_${mode}_cpu" not implemented for 'Bool'`);
  checkIntegerDivisor(o, dtype);
  const out = binaryKernel(mode === "floor" ? "divFloor" : "divTrunc", o, dtype);
  // PyTorch: div's gradient is zero; floor_divide has none ("derivative ... is not implemented")
  return record(out, fn === "div" ? "DivBackward2" : "FloorDivideBackward0", [o.a, o.b], [], (g) => {
    if (fn !== "div") throw new RuntimeError(`derivative for aten::${fn} is not implemented`);
    return [o.a ? g.mul(0) : null, o.b ? g.mul(0) : null];
  }, { ...scalarAttrs(o), rounding_mode: mode });
}

/**
 * Integer division by zero is PyTorch's RuntimeError "ZeroDivisionError" on the CPU. The divisor
 * is read where it is host memory; on webgpu (as on CUDA) it is not checked: WGSL defines x / 0
 * as x and x % 0 as 0.
 */
export function checkIntegerDivisor(o: Operands, dtype: DType): void {
  if (isFloating(dtype)) return;
  if (o.b === null ? o.bv === 0 : o.b._box.device === CPU && (o.b.eq(0)._box.data as Uint8Array).includes(1)) throw new RuntimeError("ZeroDivisionError");
}

export function pow(x: TensorOrScalar, y: TensorOrScalar): Tensor {
  const o = operands(x, y, "pow");
  const dtype = promoted(x, y);
  if (!isFloating(dtype) && o.b === null && o.bv < 0) throw new RuntimeError("Integers to negative integer powers are not allowed.");
  const out = binaryKernel("pow", o, dtype);
  const saved = [o.a, o.b, out].filter((t): t is Tensor => t !== null);
  return record(out, "PowBackward0", [o.a, o.b], saved, (g, s) => {
    const a = o.a ? s[0] : null;
    const b = o.b ? s[o.a ? 1 : 0] : null;
    const r = s[s.length - 1];
    let ga: Tensor | null = null;
    if (a) {
      if (b) ga = g.mul(b).mul(a.pow(b.sub(1)));
      else ga = o.bv === 0 ? g.mul(0) : g.mul(o.bv).mul(a.pow(o.bv - 1));
    }
    let gb: Tensor | null = null;
    if (b) {
      // d/db a^b = a^b log a, taken as 0 where a == 0 and b >= 0 (PyTorch's convention).
      const base = a ?? asTensor(null, o.av, out.dtype);
      const term = g.mul(r).mul(base.log());
      gb = a ? where(a.eq(0).logicalAnd(b.ge(0)), 0, term) : o.av === 0 ? where(b.ge(0), 0, term) : term;
    }
    return [ga, gb];
  }, scalarAttrs(o));
}
export function maximum(x: Tensor, y: Tensor): Tensor {
  const out = binaryKernel("maximum", operands(x, y, "maximum"), promoted(x, y));
  return record(out, "MaximumBackward0", [x, y], [x, y], (g, [a, b]) => minMaxGrads(g, a, b, a.lt(b), a.gt(b)));
}
export function minimum(x: Tensor, y: Tensor): Tensor {
  const out = binaryKernel("minimum", operands(x, y, "minimum"), promoted(x, y));
  return record(out, "MinimumBackward0", [x, y], [x, y], (g, [a, b]) => minMaxGrads(g, a, b, a.gt(b), a.lt(b)));
}
/**
 * PyTorch's maximum/minimum backward: where(a == b, g / 2, g), zeroed for a where b wins and for
 * b where a wins. Ties split the gradient in half; a NaN on either side wins nothing and loses
 * nothing, so both operands get the whole gradient there.
 */
function minMaxGrads(g: Tensor, a: Tensor, b: Tensor, bWins: Tensor, aWins: Tensor): Tensor[] {
  const shared = where(a.eq(b), g.div(2), g);
  return [where(bWins, 0, shared), where(aWins, 0, shared)];
}

function compare(op: BinaryOp, x: TensorOrScalar, y: TensorOrScalar): Tensor {
  const o = operands(x, y, op);
  return traceOnly(binaryKernel(op, o, "bool", promoted(x, y)), op, [o.a, o.b], scalarAttrs(o));
}
export const eq = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compare("eq", x, y);
export const ne = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compare("ne", x, y);
export const lt = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compare("lt", x, y);
export const le = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compare("le", x, y);
export const gt = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compare("gt", x, y);
export const ge = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compare("ge", x, y);
export const logicalAnd = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compare("logicalAnd", x, y);
export const logicalOr = (x: TensorOrScalar, y: TensorOrScalar): Tensor => compare("logicalOr", x, y);
/** torch.logical_xor(input, other): true where exactly one of the two is nonzero. */
export function logicalXor(x: TensorOrScalar, y: TensorOrScalar): Tensor {
  checkTensorOrScalar(x, "input", "logical_xor");
  checkTensorOrScalar(y, "other", "logical_xor");
  const truth = (v: TensorOrScalar): TensorOrScalar => (v instanceof Tensor ? (v.dtype === "bool" ? v : ne(v, 0)) : Number(v) !== 0);
  const a = truth(x), b = truth(y);
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TorchTypeError(`logical_xor(): expected at least one Tensor operand, but got ${describe(x)} and ${describe(y)}`);
  return compare("ne", a, b);
}

/** torch.where(cond, a, b): a where cond is true, else b; broadcasts all three. */
export function where(cond: Tensor, x: TensorOrScalar, y: TensorOrScalar): Tensor {
  checkTensor(cond, "condition", "where");
  checkTensorOrScalar(x, "input", "where");
  checkTensorOrScalar(y, "other", "where");
  if (cond.dtype !== "bool") {
    throw new RuntimeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${scalarTypeName(cond.dtype)}`);
  }
  const a = x instanceof Tensor ? x : null;
  const b = y instanceof Tensor ? y : null;
  let shape = cond.shape as number[];
  if (a) shape = broadcastShapes(shape, a.shape);
  if (b) shape = broadcastShapes(shape, b.shape);
  const dtype = promoted(x, y);
  const device = cond._box.device === (a ?? cond)._box.device && cond._box.device === (b ?? cond)._box.device ? cond._box.device : opDevice([cond, a, b]);
  // a 0-dim CPU condition on another device's op is uploaded (the kernel reads it as a view)
  const cv = cond._box.device === device ? cond : cond.to(device);
  const out = empty(shape, dtype, device);
  const c = sameShape(cv.shape, shape) ? sv(cv) : sv(cv, broadcastStrides(cv.shape, cv.strides, shape), shape);
  deviceBackend(device).where(c, readAs(a, a ? 0 : Number(x), shape, dtype, device), readAs(b, b ? 0 : Number(y), shape, dtype, device), out._box.data);
  const attrs = { condition: cond, ...(a ? {} : { self: Number(x) }), ...(b ? {} : { other: Number(y) }) };
  return record(out, "WhereBackward0", [a, b], [cond], (g, [c]) => [a ? where(c, g, 0) : null, b ? where(c, 0, g) : null], attrs);
}
