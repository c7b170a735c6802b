// Elementwise kernels of the webgpu backend: each op is a WGSL expression per compute type,
// run by the map kernel (map.ts). Compute types follow the CPU backend's results: the output
// dtype's type for arithmetic, the operands' promoted type for comparisons, each operand's
// own truthiness for logical ops.
import { RuntimeError } from "../../errors.ts";
import { contiguousStrides, type Shape } from "../../layout.ts";
import type { BinaryOp, Operand, StridedView, UnaryOp } from "../backend.ts";
import { scalarTypeName, type GPUArray, type GPUDType } from "./array.ts";
import { hostScalar, isHost, runMap, type MapInput } from "./map.ts";
import type { WebGPURuntime } from "./runtime.ts";
import { clampI32, computeTypeOf, type ComputeType } from "./wgsl.ts";

const ctName: Record<ComputeType, GPUDType> = { f32: "float32", i32: "int32", bool: "bool", i64: "int64" };

function notImplemented(op: string, ct: ComputeType): never {
  throw new RuntimeError(`"${op}" not implemented for '${scalarTypeName(ctName[ct])}' on webgpu`);
}

/** WGSL for x's truthiness (bool) given its compute type. */
const truthy = (x: string, ct: ComputeType): string =>
  ct === "f32" ? `(${x} != 0.0)` : ct === "i32" ? `(${x} != 0)` : ct === "bool" ? `(${x} != 0u)` : `any(${x} != vec2<u32>(0u))`;

const asBool = (cond: string): string => `select(0u, 1u, ${cond})`;

type Table = Partial<Record<ComputeType, string>>;

const FLOAT_UNARY: Partial<Record<UnaryOp, string>> = {
  exp: "exp_f32(x)",
  log: "log_f32(x)",
  log1p: "log1p_f32(x)",
  expm1: "expm1_f32(x)",
  sqrt: "sqrt_f32(x)",
  rsqrt: "1.0 / sqrt_f32(x)",
  sin: "sincos_f32(x).x",
  cos: "sincos_f32(x).y",
  tan: "sincos_f32(x).x / sincos_f32(x).y",
  tanh: "tanh_f32(x)",
  sigmoid: "sigmoid_f32(x)",
  log2: "log2_f32(x)",
  log10: "log2_f32(x) * 0.3010299956639812",
  exp2: "select(exp2(x), x, is_nan(x))",
  sinh: "sinh_f32(x)",
  cosh: "cosh_f32(x)",
  asin: "asin_f32(x)",
  acos: "acos_f32(x)",
  atan: "atan_f32(x)",
  asinh: "asinh_f32(x)",
  acosh: "acosh_f32(x)",
  atanh: "atanh_f32(x)",
  erfc: "erfc_f32(x)",
};

/** floor/ceil/round/trunc: integers unchanged; WGSL's round is half to even, as nearbyint. */
const rounding = (f: string): Table => ({ f32: `select(${f}(x), x, !is_finite(x))`, i32: "x", i64: "x" });

const UNARY: Partial<Record<UnaryOp, Table>> = {
  neg: { f32: "-x", i32: "-x", i64: "i64_neg(x)" },
  abs: { f32: "abs(x)", i32: "abs(x)", i64: "select(x, i64_neg(x), i64_is_neg(x))", bool: "x" },
  // ATen's (0 < x) - (x < 0): 0 for -0, 0 and NaN.
  sign: {
    f32: "select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)",
    i32: "sign(x)",
    i64: "select(select(vec2<u32>(0u), vec2<u32>(1u, 0u), any(x != vec2<u32>(0u))), vec2<u32>(0xffffffffu), i64_is_neg(x))",
    bool: "x",
  },
  // ATen's relu keeps -0 and NaN: x < 0 ? 0 : x.
  relu: { f32: "select(x, 0.0, x < 0.0)", i32: "max(x, 0)", i64: "select(x, vec2<u32>(0u), i64_is_neg(x))", bool: "x" },
  bitwiseNot: { i32: "~x", i64: "~x", bool: "1u - x" },
  floor: rounding("floor"),
  ceil: rounding("ceil"),
  round: rounding("round"),
  trunc: rounding("trunc"),
};

export function unary(rt: WebGPURuntime, op: UnaryOp, x: StridedView<GPUArray>, out: GPUArray): void {
  const inCt = computeTypeOf(x.data.dtype);
  let ct: ComputeType;
  let expr: string;
  let loadCt: ComputeType;
  if (op === "logicalNot" || op === "isnan" || op === "isfinite" || op === "signbit") {
    loadCt = inCt;
    ct = "bool";
    if (op === "logicalNot") expr = asBool(`!${truthy("x", inCt)}`);
    else if (op === "signbit") expr = inCt === "f32" ? asBool("signbit_f32(x)") : inCt === "i32" ? asBool("x < 0") : inCt === "i64" ? asBool("i64_is_neg(x)") : "0u";
    else if (inCt !== "f32") expr = op === "isnan" ? "0u" : "1u";
    else expr = asBool(op === "isnan" ? "is_nan(x)" : "is_finite(x)");
  } else if (FLOAT_UNARY[op]) {
    ct = loadCt = "f32";
    if (out.dtype !== "float32") notImplemented(op, computeTypeOf(out.dtype));
    expr = FLOAT_UNARY[op]!;
  } else {
    ct = loadCt = computeTypeOf(out.dtype);
    expr = UNARY[op]?.[ct] ?? notImplemented(op, ct);
  }
  runMap(rt, { op: `u_${op}`, shape: x.shape, inputs: [{ name: "x", view: x, ct: loadCt }], out: dense(out, x.shape), outCt: ct, expr });
}

const ARITH: Partial<Record<BinaryOp, Table>> = {
  add: { f32: "a + b", i32: "a + b", i64: "i64_add(a, b)", bool: "a | b" },
  sub: { f32: "a - b", i32: "a - b", i64: "i64_sub(a, b)" },
  mul: { f32: "a * b", i32: "a * b", i64: "i64_mul(a, b)", bool: "a & b" },
  div: { f32: "a / b" },
  pow: { f32: "pow_f32(a, b)", i32: "pow_i32(a, b)" },
  // NaN propagates through maximum/minimum, as in PyTorch.
  maximum: { f32: "select(select(b, a, a > b), a, is_nan(a))", i32: "max(a, b)", i64: "select(b, a, i64_lt(b, a))", bool: "max(a, b)" },
  minimum: { f32: "select(select(b, a, a < b), a, is_nan(a))", i32: "min(a, b)", i64: "select(b, a, i64_lt(a, b))", bool: "min(a, b)" },
  // ATen's float32 tanh_backward: 1 - b * b fused into one rounding, then the product
  tanhBackward: { f32: "a * fma(-b, b, 1.0)" },
  atan2: { f32: "atan2_f32(a, b)" },
  hypot: { f32: "hypot_f32(a, b)" },
  copysign: { f32: "select(abs(a), -abs(a), signbit_f32(b))" },
  // integer division by zero is not checked on the device (see ops/elementwise.ts)
  fmod: { f32: "fmod_f32(a, b)", i32: "a % b", i64: "i64_divmod(a, b).zw" },
  remainder: { f32: "remainder_f32(a, b)", i32: "remainder_i32(a, b)", i64: "i64_remainder(a, b)" },
  divFloor: { f32: "div_floor_f32(a, b)", i32: "div_floor_i32(a, b)", i64: "i64_div_floor(a, b)" },
  divTrunc: { f32: "trunc(div_f32(a, b))", i32: "a / b", i64: "i64_divmod(a, b).xy" },
  fmax: { f32: "fmax_f32(a, b)", i32: "max(a, b)", i64: "select(a, b, i64_lt(a, b))", bool: "max(a, b)" },
  fmin: { f32: "fmin_f32(a, b)", i32: "min(a, b)", i64: "select(a, b, i64_lt(b, a))", bool: "min(a, b)" },
  // integers and bool (the ops refuse floats); shift counts mod the width, as PyTorch's CPU
  bitwiseAnd: { i32: "a & b", i64: "a & b", bool: "a & b" },
  bitwiseOr: { i32: "a | b", i64: "a | b", bool: "a | b" },
  bitwiseXor: { i32: "a ^ b", i64: "a ^ b", bool: "a ^ b" },
  bitwiseLeftShift: { i32: "a << (bitcast<u32>(b) & 31u)", i64: "i64_shl(a, b)" },
  bitwiseRightShift: { i32: "a >> (bitcast<u32>(b) & 31u)", i64: "i64_sar(a, b)" },
};

const COMPARE: Partial<Record<BinaryOp, [string, string]>> = {
  // [WGSL operator for f32/i32/bool, int64 condition]
  eq: ["==", "i64_eq(a, b)"],
  ne: ["!=", "!i64_eq(a, b)"],
  lt: ["<", "i64_lt(a, b)"],
  le: ["<=", "!i64_lt(b, a)"],
  gt: [">", "i64_lt(b, a)"],
  ge: [">=", "!i64_lt(a, b)"],
};

/** How an operand takes part in type choices: its dtype, or a host number's kind. */
function operandKind(v: Operand<GPUArray>): ComputeType | "intScalar" | "floatScalar" {
  if (!isHost(v)) return computeTypeOf((v.data as GPUArray).dtype);
  const s = hostScalar(v);
  return typeof s === "bigint" || Number.isInteger(s) ? "intScalar" : "floatScalar";
}

/** The type two operands are compared in: float if either is, else int64, int32, bool. */
function comparisonType(a: Operand<GPUArray>, b: Operand<GPUArray>): ComputeType {
  const k = [operandKind(a), operandKind(b)];
  if (k.includes("f32") || k.includes("floatScalar")) return "f32";
  if (k.includes("i64")) return "i64";
  if (k.includes("i32") || k.includes("intScalar")) return "i32";
  return "bool";
}

export function binary(rt: WebGPURuntime, op: BinaryOp, a: Operand<GPUArray>, b: Operand<GPUArray>, out: GPUArray): void {
  const shape = a.shape;
  let inputs: MapInput[];
  let ct: ComputeType;
  let expr: string;
  const cmp = COMPARE[op];
  if (cmp) {
    const t = comparisonType(a, b);
    inputs = [{ name: "a", view: a, ct: t }, { name: "b", view: b, ct: t }];
    ct = "bool";
    expr = asBool(t === "i64" ? cmp[1] : `a ${cmp[0]} b`);
  } else if (op === "logicalAnd" || op === "logicalOr") {
    const ta = kindCt(a);
    const tb = kindCt(b);
    inputs = [{ name: "a", view: a, ct: ta }, { name: "b", view: b, ct: tb }];
    ct = "bool";
    expr = asBool(`${truthy("a", ta)} ${op === "logicalAnd" ? "&&" : "||"} ${truthy("b", tb)}`);
  } else if (op === "thresholdBackward") {
    // ATen's threshold_backward(a, b, 0): b <= 0 ? 0 : a (a NaN in b keeps a).
    ct = computeTypeOf(out.dtype);
    const tb = kindCt(b);
    inputs = [{ name: "a", view: a, ct }, { name: "b", view: b, ct: tb }];
    const zero = ct === "f32" ? "0.0" : ct === "i32" ? "0" : ct === "bool" ? "0u" : "vec2<u32>(0u)";
    const bPositive = tb === "i64" ? "i64_lt(vec2<u32>(0u), b)" : `b > ${tb === "f32" ? "0.0" : tb === "i32" ? "0" : "0u"}`;
    expr = `select(${zero}, a, ${bPositive})`;
  } else {
    ct = computeTypeOf(out.dtype);
    inputs = [{ name: "a", view: a, ct }, { name: "b", view: b, ct }];
    expr = ARITH[op]?.[ct] ?? notImplemented(op, ct);
  }
  runMap(rt, { op: `b_${op}`, shape, inputs, out: dense(out, shape), outCt: ct, expr });
}

/** An operand's own compute type (host numbers: i32 when integral, else f32). */
function kindCt(v: Operand<GPUArray>): ComputeType {
  const k = operandKind(v);
  return k === "intScalar" ? (typeof hostScalar(v) === "bigint" ? "i64" : "i32") : k === "floatScalar" ? "f32" : k;
}

export function where(rt: WebGPURuntime, cond: StridedView<GPUArray>, a: Operand<GPUArray>, b: Operand<GPUArray>, out: GPUArray): void {
  const ct = computeTypeOf(out.dtype);
  const tc = computeTypeOf(cond.data.dtype);
  runMap(rt, {
    op: "where",
    shape: cond.shape,
    inputs: [{ name: "c", view: cond, ct: tc }, { name: "a", view: a, ct }, { name: "b", view: b, ct }],
    out: dense(out, cond.shape),
    outCt: ct,
    expr: `select(b, a, ${truthy("c", tc)})`,
  });
}

/** A clamp bound as a value of ct: bounds past an integer type's range (infinite ones too) become its extremes. */
function bound(v: number, ct: ComputeType): number | bigint {
  if (ct === "i64" && !Number.isFinite(v)) return v > 0 ? (1n << 63n) - 1n : -(1n << 63n);
  if (ct === "i32") return clampI32(v);
  return v;
}

export function clamp(rt: WebGPURuntime, x: StridedView<GPUArray>, lo: number, hi: number, out: GPUArray): void {
  const ct = computeTypeOf(out.dtype);
  // x < lo ? lo : x > hi ? hi : x (NaN passes through)
  const expr =
    ct === "i64" ? "select(select(x, hi, i64_lt(hi, x)), lo, i64_lt(x, lo))" : ct === "bool" ? notImplemented("clamp", ct) : "select(select(x, hi, x > hi), lo, x < lo)";
  runMap(rt, {
    op: "clamp",
    shape: x.shape,
    inputs: [{ name: "x", view: x, ct }],
    constants: [{ name: "lo", ct, value: bound(lo, ct) }, { name: "hi", ct, value: bound(hi, ct) }],
    out: dense(out, x.shape),
    outCt: ct,
    expr,
  });
}

/** out += alpha * x (add_(x, { alpha })): integer outputs with a fractional alpha compute in f32. */
export function axpy(rt: WebGPURuntime, alpha: number, x: Operand<GPUArray>, out: GPUArray): void {
  const outCt = computeTypeOf(out.dtype);
  const ct: ComputeType = outCt === "f32" || !Number.isInteger(alpha) ? "f32" : outCt;
  if (ct === "bool") notImplemented("add", ct);
  const o = dense(out, x.shape);
  const expr = ct === "i64" ? "i64_add(o, i64_mul(alpha, x))" : "o + alpha * x";
  runMap(rt, {
    op: "axpy",
    shape: x.shape,
    inputs: [{ name: "o", view: o, ct }, { name: "x", view: x, ct }],
    constants: [{ name: "alpha", ct, value: alpha }],
    out: o,
    outCt: ct,
    expr,
  });
}

/** dst = src with dtype cast (bool: non-zero is true), both strided. */
export function copy(rt: WebGPURuntime, src: StridedView<GPUArray>, dst: StridedView<GPUArray>): void {
  const ct = computeTypeOf(dst.data.dtype);
  runMap(rt, { op: "copy", shape: src.shape, inputs: [{ name: "x", view: src, ct }], out: { ...dst, shape: src.shape }, outCt: ct, expr: "x" });
}

export function fill(rt: WebGPURuntime, out: GPUArray, value: number | bigint): void {
  const ct = computeTypeOf(out.dtype);
  const v = typeof value === "bigint" ? value : bound(value, ct);
  runMap(rt, { op: "fill", shape: [out.length], inputs: [], constants: [{ name: "v", ct, value: v }], out: dense(out, [out.length]), outCt: ct, expr: "v" });
}

export function erf(rt: WebGPURuntime, x: GPUArray, out: GPUArray): void {
  if (x.dtype !== "float32") notImplemented("erf", computeTypeOf(x.dtype));
  runMap(rt, { op: "erf", shape: [x.length], inputs: [{ name: "x", view: dense(x, [x.length]), ct: "f32" }], out: dense(out, [x.length]), outCt: "f32", expr: "erf_f32(x)" });
}

export function erfinv(rt: WebGPURuntime, x: GPUArray, out: GPUArray): void {
  if (x.dtype !== "float32") notImplemented("erfinv", computeTypeOf(x.dtype));
  runMap(rt, { op: "erfinv", shape: [x.length], inputs: [{ name: "x", view: dense(x, [x.length]), ct: "f32" }], out: dense(out, [x.length]), outCt: "f32", expr: "erfinv_f32(x)" });
}

/** The gamma family (lgamma, digamma, polygamma) has no WGSL kernel yet: PyTorch's error for a missing kernel. */
export function noKernel(op: string, x: GPUArray): never {
  notImplemented(op, computeTypeOf(x.dtype));
}

/** A dense array read as a contiguous view of shape (its offset is part of the array). */
export function dense(arr: GPUArray, shape: Shape): StridedView<GPUArray> {
  return { data: arr, shape, strides: contiguousStrides(shape), offset: 0 };
}
