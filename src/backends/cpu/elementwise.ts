// Elementwise kernels: one strided inner loop per op. Each entry is its own function
// literal so V8 keeps every loop monomorphic (a shared loop over a callback would not inline).
import type { NumArray } from "../../dtype.ts";
import type { BinaryOp, UnaryOp } from "../backend.ts";
import { copysign, divFloor, divFloorInt, fmax, fmin, remainder, roundHalfEven, signbit } from "./scalarMath.ts";
import { erfc } from "./special.ts";

export type UnaryKernel = (x: NumArray, xi: number, xs: number, o: NumArray, oi: number, n: number) => void;
export type BinaryKernel = (a: NumArray, ai: number, as: number, b: NumArray, bi: number, bs: number, o: NumArray, oi: number, n: number) => void;

export const unaryKernels = {
  neg: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = -x[xi]; },
  exp: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.exp(x[xi]); },
  log: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.log(x[xi]); },
  log1p: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.log1p(x[xi]); },
  expm1: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.expm1(x[xi]); },
  sqrt: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.sqrt(x[xi]); },
  rsqrt: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = 1 / Math.sqrt(x[xi]); },
  abs: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.abs(x[xi]); },
  // ATen's (0 < x) - (x < 0): +0 for 0, -0 and NaN
  sign: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) { const v = x[xi]; o[oi + k] = v > 0 ? 1 : v < 0 ? -1 : 0; } },
  sin: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.sin(x[xi]); },
  cos: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.cos(x[xi]); },
  tan: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.tan(x[xi]); },
  tanh: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.tanh(x[xi]); },
  sigmoid: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = 1 / (1 + Math.exp(-x[xi])); },
  // ATen's relu keeps -0 and NaN: x < 0 ? 0 : x.
  relu: (x, xi, xs, o, oi, n) => {
    if (xs === 1 && zeroWhereNegative(x, xi, x, xi, o, oi, n, false)) return;
    for (let k = 0; k < n; k++, xi += xs) { const v = x[xi]; o[oi + k] = v < 0 ? 0 : v; }
  },
  logicalNot: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = x[xi] ? 0 : 1; },
  isnan: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = x[xi] !== x[xi] ? 1 : 0; },
  isfinite: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Number.isFinite(x[xi]) ? 1 : 0; },
  floor: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.floor(x[xi]); },
  ceil: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.ceil(x[xi]); },
  round: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = roundHalfEven(x[xi]); },
  trunc: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.trunc(x[xi]); },
  log2: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.log2(x[xi]); },
  log10: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.log10(x[xi]); },
  exp2: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = 2 ** x[xi]; },
  sinh: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.sinh(x[xi]); },
  cosh: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.cosh(x[xi]); },
  asin: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.asin(x[xi]); },
  acos: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.acos(x[xi]); },
  atan: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.atan(x[xi]); },
  asinh: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.asinh(x[xi]); },
  acosh: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.acosh(x[xi]); },
  atanh: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.atanh(x[xi]); },
  erfc: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = erfc(x[xi]); },
  signbit: (x, xi, xs, o, oi, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = signbit(x[xi]) ? 1 : 0; },
  // int32 storage: ~x; bool (Uint8Array): not x
  bitwiseNot: (x, xi, xs, o, oi, n) => {
    if (o instanceof Uint8Array) for (let k = 0; k < n; k++, xi += xs) o[oi + k] = x[xi] ? 0 : 1;
    else for (let k = 0; k < n; k++, xi += xs) o[oi + k] = ~x[xi];
  },
} satisfies Record<UnaryOp, UnaryKernel>;

export const binaryKernels = {
  add: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] + b[bi]; },
  sub: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] - b[bi]; },
  mul: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] * b[bi]; },
  div: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] / b[bi]; },
  pow: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = Math.pow(a[ai], b[bi]); },
  // NaN propagates through maximum/minimum, as in PyTorch.
  maximum: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) { const x = a[ai], y = b[bi]; o[oi + k] = x !== x || x > y ? x : y; } },
  minimum: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) { const x = a[ai], y = b[bi]; o[oi + k] = x !== x || x < y ? x : y; } },
  eq: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] === b[bi] ? 1 : 0; },
  ne: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] !== b[bi] ? 1 : 0; },
  lt: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] < b[bi] ? 1 : 0; },
  le: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] <= b[bi] ? 1 : 0; },
  gt: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] > b[bi] ? 1 : 0; },
  ge: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] >= b[bi] ? 1 : 0; },
  logicalAnd: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] && b[bi] ? 1 : 0; },
  logicalOr: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] || b[bi] ? 1 : 0; },
  // ATen's threshold_backward(a, b, 0): b <= 0 ? 0 : a (so a NaN in b keeps a).
  thresholdBackward: (a, ai, as, b, bi, bs, o, oi, n) => {
    if (as === 1 && bs === 1 && zeroWhereNegative(b, bi, a, ai, o, oi, n, true)) return;
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = b[bi] <= 0 ? 0 : a[ai];
  },
  // ATen's tanh_backward: a * (1 - b * b), the compiler fusing 1 - b * b (one rounding: b * b is
  // exact in double for float32 b); a float64 1 - b * b rounds the product first (no fma in JS)
  tanhBackward: (a, ai, as, b, bi, bs, o, oi, n) => {
    const r = o instanceof Float32Array ? Math.fround : (v: number) => v;
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] * r(1 - b[bi] * b[bi]);
  },
  atan2: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = Math.atan2(a[ai], b[bi]); },
  hypot: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = Math.hypot(a[ai], b[bi]); },
  copysign: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = copysign(a[ai], b[bi]); },
  fmod: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] % b[bi]; },
  remainder: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = remainder(a[ai], b[bi]); },
  // an integer output (int32 or bool storage) takes the integer formula
  divFloor: (a, ai, as, b, bi, bs, o, oi, n) => {
    const f = o instanceof Float32Array || o instanceof Float64Array ? divFloor : divFloorInt;
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = f(a[ai], b[bi]);
  },
  divTrunc: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = Math.trunc(a[ai] / b[bi]); },
  fmax: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = fmax(a[ai], b[bi]); },
  fmin: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = fmin(a[ai], b[bi]); },
  // int32 and bool operands (JavaScript's int32 operators; a shift takes its count mod 32, as x86 and so PyTorch)
  bitwiseAnd: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] & b[bi]; },
  bitwiseOr: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] | b[bi]; },
  bitwiseXor: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] ^ b[bi]; },
  bitwiseLeftShift: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] << b[bi]; },
  bitwiseRightShift: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] >> b[bi]; },
} satisfies Record<BinaryOp, BinaryKernel>;

/**
 * o[k] = c[k] < 0 (or <= 0 with orZero) ? 0 : s[k] over n contiguous elements, without a
 * branch per element: s's bits are and-ed with a mask that is all ones or zero. Random signs
 * make the branchy loop mispredict half the time, which costs ~4x on relu and its backward.
 * Returns false (nothing done) unless all three are the same float array type.
 */
function zeroWhereNegative(c: NumArray, ci: number, s: NumArray, si: number, o: NumArray, oi: number, n: number, orZero: boolean): boolean {
  if (n < 32) return false;
  if (c instanceof Float32Array && s instanceof Float32Array && o instanceof Float32Array) {
    keep32(c, ci, words(s, si, n), words(o, oi, n), n, orZero);
    return true;
  }
  if (c instanceof Float64Array && s instanceof Float64Array && o instanceof Float64Array) {
    keep64(c, ci, words(s, si, n), words(o, oi, n), n, orZero);
    return true;
  }
  return false;
}

/** The 32-bit words of elements [i, i + n) of a float array (two per float64). */
function words(a: Float32Array | Float64Array, i: number, n: number): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset + i * a.BYTES_PER_ELEMENT, (n * a.BYTES_PER_ELEMENT) >> 2);
}

// mask = (c < 0) - 1: 0 where the element is dropped, -1 (all ones) where it is kept.
function keep32(c: Float32Array, ci: number, s: Int32Array, o: Int32Array, n: number, orZero: boolean): void {
  if (orZero) for (let k = 0; k < n; k++) o[k] = s[k] & (+(c[ci + k] <= 0) - 1);
  else for (let k = 0; k < n; k++) o[k] = s[k] & (+(c[ci + k] < 0) - 1);
}

function keep64(c: Float64Array, ci: number, s: Int32Array, o: Int32Array, n: number, orZero: boolean): void {
  for (let k = 0, w = 0; k < n; k++, w += 2) {
    const v = c[ci + k];
    const m = orZero ? +(v <= 0) - 1 : +(v < 0) - 1;
    o[w] = s[w] & m;
    o[w + 1] = s[w + 1] & m;
  }
}

/** a op s for a plain number s: the broadcast-scalar case without a second array read. */
export type ScalarKernel = (a: NumArray, ai: number, as: number, s: number, o: NumArray, oi: number, n: number) => void;

export const scalarKernels = {
  add: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] + s; },
  sub: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] - s; },
  mul: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] * s; },
  div: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] / s; },
  // ATen's pow_tensor_scalar special-cases these exponents as products, quotients and roots,
  // evaluated in the tensor's own precision (float32: every step rounded to float32).
  pow: (a, ai, as, s, o, oi, n) => {
    const r = o instanceof Float32Array ? Math.fround : (v: number) => v;
    if (s === 2) for (let k = 0; k < n; k++, ai += as) { const v = a[ai]; o[oi + k] = v * v; }
    else if (s === 3) for (let k = 0; k < n; k++, ai += as) { const v = a[ai]; o[oi + k] = r(v * v) * v; }
    else if (s === 0.5) for (let k = 0; k < n; k++, ai += as) o[oi + k] = Math.sqrt(a[ai]);
    else if (s === -0.5) for (let k = 0; k < n; k++, ai += as) o[oi + k] = 1 / r(Math.sqrt(a[ai]));
    else if (s === -1) for (let k = 0; k < n; k++, ai += as) o[oi + k] = 1 / a[ai];
    else if (s === -2) for (let k = 0; k < n; k++, ai += as) { const v = a[ai]; o[oi + k] = 1 / r(v * v); }
    else for (let k = 0; k < n; k++, ai += as) o[oi + k] = Math.pow(a[ai], s);
  },
  maximum: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) { const x = a[ai]; o[oi + k] = x !== x || x > s ? x : s; } },
  minimum: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) { const x = a[ai]; o[oi + k] = x !== x || x < s ? x : s; } },
  eq: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] === s ? 1 : 0; },
  ne: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] !== s ? 1 : 0; },
  lt: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] < s ? 1 : 0; },
  le: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] <= s ? 1 : 0; },
  gt: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] > s ? 1 : 0; },
  ge: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] >= s ? 1 : 0; },
  logicalAnd: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] && s ? 1 : 0; },
  logicalOr: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] || s ? 1 : 0; },
  thresholdBackward: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = s <= 0 ? 0 : a[ai]; },
  tanhBackward: (a, ai, as, s, o, oi, n) => {
    const t = o instanceof Float32Array ? Math.fround(1 - s * s) : 1 - s * s;
    for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] * t;
  },
  atan2: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = Math.atan2(a[ai], s); },
  hypot: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = Math.hypot(a[ai], s); },
  copysign: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = copysign(a[ai], s); },
  fmod: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] % s; },
  remainder: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = remainder(a[ai], s); },
  divFloor: (a, ai, as, s, o, oi, n) => {
    const f = o instanceof Float32Array || o instanceof Float64Array ? divFloor : divFloorInt;
    for (let k = 0; k < n; k++, ai += as) o[oi + k] = f(a[ai], s);
  },
  divTrunc: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = Math.trunc(a[ai] / s); },
  fmax: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = fmax(a[ai], s); },
  fmin: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = fmin(a[ai], s); },
  bitwiseAnd: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] & s; },
  bitwiseOr: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] | s; },
  bitwiseXor: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] ^ s; },
  bitwiseLeftShift: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] << s; },
  bitwiseRightShift: (a, ai, as, s, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai] >> s; },
} satisfies Record<BinaryOp, ScalarKernel>;
