// WGSL building blocks shared by every kernel: how each dtype is stored and converted,
// parameter access, int64 arithmetic on pairs of words, and float functions whose WGSL
// built-ins are too loose for a reference-matching backend (WGSL allows sin/cos an absolute
// error of 2^-11 and leaves NaN handling to the implementation, so NaN and infinity tests
// look at the bits).
import type { GPUDType } from "./array.ts";

/** The type a kernel computes in: f32, i32, bool (u32 0/1), or i64 (vec2<u32>: low, high). */
export type ComputeType = "f32" | "i32" | "bool" | "i64";

/** The natural compute type of stored values of a dtype. */
export const computeTypeOf = (d: GPUDType): ComputeType =>
  d === "float32" ? "f32" : d === "int32" ? "i32" : d === "bool" ? "bool" : "i64";

/** WGSL value type of a compute type. */
export const wgslType = (ct: ComputeType): string => (ct === "bool" ? "u32" : ct === "i64" ? "vec2<u32>" : ct);

/** WGSL element type of a storage array of dtype (int64 is two u32 words per element). */
export const storageElem = (d: GPUDType): string => (d === "float32" ? "f32" : d === "int32" ? "i32" : "u32");

export function storageDecl(binding: number, name: string, d: GPUDType, writable: boolean): string {
  return `@group(0) @binding(${binding}) var<storage, ${writable ? "read_write" : "read"}> ${name}: array<${storageElem(d)}>;`;
}

/** Expression: element idx (an i32 or u32 expression) of storage `buf` of dtype d, converted to ct. */
export function load(buf: string, d: GPUDType, idx: string, ct: ComputeType): string {
  const raw = d === "int64" ? `vec2<u32>(${buf}[2u * u32(${idx})], ${buf}[2u * u32(${idx}) + 1u])` : `${buf}[${idx}]`;
  return convert(raw, computeTypeOf(d), ct);
}

/** Expression converting v from compute type `from` to `to` (PyTorch's casts; bool is v != 0). */
export function convert(v: string, from: ComputeType, to: ComputeType): string {
  if (from === to) return v;
  switch (to) {
    case "f32":
      return from === "i64" ? `i64_to_f32(${v})` : `f32(${v})`;
    case "i32":
      return from === "i64" ? `bitcast<i32>((${v}).x)` : from === "f32" ? `f32_to_i32(${v})` : `i32(${v})`;
    case "bool":
      return from === "i64" ? `select(0u, 1u, any((${v}) != vec2<u32>(0u)))` : from === "f32" ? `select(0u, 1u, (${v}) != 0.0)` : `select(0u, 1u, (${v}) != 0)`;
    case "i64":
      return from === "f32" ? `i64_from_f32(${v})` : from === "i32" ? `i64_from_i32(${v})` : `vec2<u32>(${v}, 0u)`;
  }
}

/** Statement storing value v (of compute type ct) as element idx of `buf` (dtype d). */
export function store(buf: string, d: GPUDType, idx: string, v: string, ct: ComputeType): string {
  const s = convert(v, ct, computeTypeOf(d));
  if (d === "int64") return `{ let s_ = ${s}; let i_ = 2u * u32(${idx}); ${buf}[i_] = s_.x; ${buf}[i_ + 1u] = s_.y; }`;
  return `${buf}[${idx}] = ${s};`;
}

/** Uniform parameters: binding 0, read as u32/i32/f32 words by index. */
export function paramsDecl(vec4s: number): string {
  return `@group(0) @binding(0) var<uniform> P: array<vec4<u32>, ${Math.max(1, vec4s)}>;
fn pu(i: u32) -> u32 { return P[i / 4u][i % 4u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }
fn p64(i: u32) -> vec2<u32> { return vec2<u32>(pu(i), pu(i + 1u)); }`;
}

/** Parameter expression reading a value of compute type ct at word w. */
export function param(w: number, ct: ComputeType): string {
  return ct === "f32" ? `pf(${w}u)` : ct === "i32" ? `pi(${w}u)` : ct === "bool" ? `pu(${w}u)` : `p64(${w}u)`;
}

/** Host words (u32) of parameters, written in kernel order. */
export class ParamWriter {
  private readonly buf: ArrayBuffer;
  readonly u: Uint32Array;
  private readonly i: Int32Array;
  private readonly f: Float32Array;
  length = 0;
  constructor(capacity = 64) {
    this.buf = new ArrayBuffer(capacity * 4);
    this.u = new Uint32Array(this.buf);
    this.i = new Int32Array(this.buf);
    this.f = new Float32Array(this.buf);
  }
  u32(v: number): this {
    this.u[this.length++] = v >>> 0;
    return this;
  }
  i32(v: number): this {
    this.i[this.length++] = v;
    return this;
  }
  f32(v: number): this {
    this.f[this.length++] = v;
    return this;
  }
  /** Two's-complement words, low first; numbers are truncated toward zero. */
  i64(v: number | bigint): this {
    const b = BigInt.asUintN(64, typeof v === "bigint" ? v : BigInt(Math.trunc(v)));
    this.u[this.length++] = Number(b & 0xffffffffn);
    this.u[this.length++] = Number(b >> 32n);
    return this;
  }
  /**
   * A value of compute type ct (bool: non-zero is 1). An integer past int32's range wraps, as
   * storing it in the CPU's Int32Array and PyTorch's cast to int32 do (2^40 + 3 is 3);
   * infinities and NaN, which have no int32, clamp (NaN is 0).
   */
  value(v: number | bigint, ct: ComputeType): this {
    if (ct === "i64") return this.i64(v);
    const n = Number(v);
    if (ct === "f32") return this.f32(n);
    if (ct === "bool") return this.u32(n !== 0 ? 1 : 0);
    return this.i32(Number.isFinite(n) ? Math.trunc(n) | 0 : clampI32(n));
  }
  /** The words written so far. */
  words(): Uint32Array {
    return this.u.subarray(0, this.length);
  }
  get vec4s(): number {
    return Math.max(1, Math.ceil(this.length / 4));
  }
}

/** A JS number as an i32 parameter: truncated, infinities and overflow clamped to the range. */
export function clampI32(n: number): number {
  if (n !== n) return 0;
  return Math.max(-2147483648, Math.min(2147483647, Math.trunc(n)));
}

/** Flat invocation index over a 2-D grid of 256-wide workgroups (grid() in runtime.ts). */
export const FLAT_INDEX = `let i = gid.x + gid.y * nwg.x * 256u;`;
export const MAIN_256 = `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>)`;

/** Functions every kernel may call (unused ones cost nothing: the compiler drops them). */
export const LIB = /* wgsl */ `
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn is_finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn f32_bits(b: u32) -> f32 { var v = b; return bitcast<f32>(v); }
fn f32_nan() -> f32 { return f32_bits(0x7fc00000u); }
fn f32_inf() -> f32 { return f32_bits(0x7f800000u); }
fn f32_to_i32(x: f32) -> i32 { return select(i32(x), 0, is_nan(x)); }

// ---- int64 as vec2<u32>(low, high), two's complement ----
fn i64_add(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let lo = a.x + b.x;
  return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}
fn i64_neg(a: vec2<u32>) -> vec2<u32> { return i64_add(~a, vec2<u32>(1u, 0u)); }
fn i64_sub(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> { return i64_add(a, i64_neg(b)); }
fn i64_lt(a: vec2<u32>, b: vec2<u32>) -> bool {
  let ah = bitcast<i32>(a.y);
  let bh = bitcast<i32>(b.y);
  return ah < bh || (ah == bh && a.x < b.x);
}
fn i64_eq(a: vec2<u32>, b: vec2<u32>) -> bool { return a.x == b.x && a.y == b.y; }
fn i64_is_neg(a: vec2<u32>) -> bool { return bitcast<i32>(a.y) < 0; }
/** a << (b mod 64) and a >> (b mod 64) (arithmetic), the count's low word read: PyTorch's CPU (x86) semantics. */
fn i64_shl(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let c = b.x & 63u;
  if (c == 0u) { return a; }
  if (c < 32u) { return vec2<u32>(a.x << c, (a.y << c) | (a.x >> (32u - c))); }
  return vec2<u32>(0u, a.x << (c - 32u));
}
fn i64_sar(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let c = b.x & 63u;
  let hi = bitcast<i32>(a.y);
  if (c == 0u) { return a; }
  if (c < 32u) { return vec2<u32>((a.x >> c) | (a.y << (32u - c)), bitcast<u32>(hi >> c)); }
  return vec2<u32>(bitcast<u32>(hi >> (c - 32u)), bitcast<u32>(hi >> 31u));
}
fn i64_from_i32(v: i32) -> vec2<u32> { return vec2<u32>(bitcast<u32>(v), select(0u, 0xffffffffu, v < 0)); }
/** The full 64-bit product of two u32 (16-bit limbs). */
fn u32_mul_wide(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return vec2<u32>((p00 & 0xffffu) | (mid << 16u), p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}
fn i64_mul(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let p = u32_mul_wide(a.x, b.x);
  return vec2<u32>(p.x, p.y + a.x * b.y + a.y * b.x);
}
/** Magnitude as f32: correctly rounded below 2^32, within one rounding above. */
fn u64_to_f32(a: vec2<u32>) -> f32 { return f32(a.y) * 4294967296.0 + f32(a.x); }
fn i64_to_f32(a: vec2<u32>) -> f32 {
  if (i64_is_neg(a)) { return -u64_to_f32(i64_neg(a)); }
  return u64_to_f32(a);
}
/** Truncation toward zero (PyTorch's float -> int64 cast); NaN gives 0, overflow saturates. */
fn i64_from_f32(x: f32) -> vec2<u32> {
  if (is_nan(x)) { return vec2<u32>(0u, 0u); }
  let t = min(trunc(abs(x)), 9223371487098961920.0);
  let hi = floor(t / 4294967296.0);
  let m = vec2<u32>(u32(t - hi * 4294967296.0), u32(hi));
  return select(m, i64_neg(m), x < 0.0);
}
/** An int64 index as i32 when it fits, else -1 (out of range for any dim). */
fn i64_index(a: vec2<u32>) -> i32 {
  let lo = bitcast<i32>(a.x);
  let fits = (a.y == 0u && lo >= 0) || (a.y == 0xffffffffu && lo < 0);
  return select(-1, lo, fits);
}

// ---- float functions ----
/** log(1 + x) without cancellation (Goldberg). */
fn log1p_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x == -1.0) { return -f32_inf(); }
  if (x < -1.0) { return f32_nan(); }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (is_inf(u)) { return u; }
  return log(u) * x / (u - 1.0);
}
/** exp(x) - 1 without cancellation (Kahan). */
fn expm1_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.8) { return f32_inf(); }
  if (x < -17.0) { return -1.0; }
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  return um1 * x / log(u);
}
/** Cephes tanhf: an odd polynomial below 0.625, 1 - 2/(e^2|x| + 1) above. */
fn tanh_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let z = abs(x);
  if (z > 0.625) {
    let r = 1.0 - 2.0 / (exp(min(2.0 * z, 88.0)) + 1.0);
    return select(r, -r, x < 0.0);
  }
  let s = x * x;
  return ((((-5.70498872745e-3 * s + 2.06390887954e-2) * s - 5.37397155531e-2) * s + 1.33314422036e-1) * s - 3.33332819422e-1) * s * x + x;
}
/** log and sqrt with IEEE's results outside their domain (WGSL leaves those to the implementation). */
fn log_f32(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return f32_nan(); }
  if (x == 0.0) { return -f32_inf(); }
  if (is_inf(x)) { return x; }
  return log(x);
}
fn sqrt_f32(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return f32_nan(); }
  if (is_inf(x)) { return x; }
  return sqrt(x);
}
/** exp with NaN kept (SwiftShader's exp(NaN) is +inf). */
fn exp_f32(x: f32) -> f32 { return select(exp(x), x, is_nan(x)); }
fn sigmoid_f32(x: f32) -> f32 { return select(1.0 / (1.0 + exp(min(-x, 88.0))), x, is_nan(x)); }
/** sin and cos: reduction by pi/2 in three parts (Cody-Waite), Cephes polynomials on [-pi/4, pi/4]. */
fn sincos_f32(x: f32) -> vec2<f32> {
  if (!is_finite(x)) { return vec2<f32>(f32_nan(), f32_nan()); }
  let q = round(x * 0.636619772367581);
  let r = ((x - q * 1.5703125) - q * 4.837512969970703125e-4) - q * 7.54978995489188216e-8;
  let z = r * r;
  let s = r + r * z * ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1);
  let c = 1.0 - 0.5 * z + z * z * ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2);
  let k = i32(q) & 3;
  if (k == 0) { return vec2<f32>(s, c); }
  if (k == 1) { return vec2<f32>(c, -s); }
  if (k == 2) { return vec2<f32>(-s, -c); }
  return vec2<f32>(-c, s);
}
/** a^b with PyTorch's (C pow's) special cases; integer exponents up to 64 by repeated squaring. */
fn pow_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0 || a == 1.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return f32_nan(); }
  let m = abs(a);
  let isInt = b == trunc(b);
  let odd = isInt && abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
  var r: f32;
  if (is_inf(b)) {
    if (m == 1.0) { return 1.0; }
    return select(0.0, f32_inf(), (m > 1.0) == (b > 0.0));
  }
  if (a < 0.0 && !isInt) { return f32_nan(); }
  if (m == 0.0) {
    r = select(0.0, f32_inf(), b < 0.0);
  } else if (is_inf(m)) {
    r = select(f32_inf(), 0.0, b < 0.0);
  } else if (isInt && abs(b) <= 64.0) {
    var e = u32(abs(b));
    var base = m;
    r = 1.0;
    loop {
      if ((e & 1u) == 1u) { r = r * base; }
      e = e >> 1u;
      if (e == 0u) { break; }
      base = base * base;
    }
    if (b < 0.0) { r = 1.0 / r; }
  } else {
    r = exp2(b * log2(m));
  }
  return select(r, -r, a < 0.0 && odd);
}
/** The sign bit (set for -0 and negative values). */
fn signbit_f32(x: f32) -> bool { return (bitcast<u32>(x) >> 31u) == 1u; }
/** log2 with IEEE's results outside its domain (those of log: NaN, -inf at 0, inf). */
fn log2_f32(x: f32) -> f32 { return select(log2(x), log_f32(x), !(x > 0.0) || is_inf(x)); }
/** sinh: from expm1 below 1 (no cancellation), e^(|x|/2) squared above (overflows only with the result). */
fn sinh_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a < 1.0) {
    let e = expm1_f32(a);
    r = 0.5 * (e + e / (e + 1.0));
  } else {
    let e = exp(min(0.5 * a, 89.0));
    r = (0.5 * e) * e - 0.5 / (e * e);
  }
  return select(r, -r, x < 0.0);
}
fn cosh_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let e = exp(min(0.5 * abs(x), 89.0));
  return (0.5 * e) * e + 0.5 / (e * e);
}
/** Cephes atanf: reduced to [0, tan(pi/8)] by pi/4 and pi/2 offsets, then an odd polynomial. */
fn atan_f32(x: f32) -> f32 {
  var a = abs(x);
  var y = 0.0;
  if (a > 2.414213562373095) { y = 1.5707963267948966; a = -1.0 / a; }
  else if (a > 0.4142135623730950) { y = 0.7853981633974483; a = (a - 1.0) / (a + 1.0); }
  let z = a * a;
  y = y + (((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z - 3.33329491539e-1) * z * a + a;
  return select(y, -y, x < 0.0);
}
/** asin and acos through atan: (1 - x)(1 + x) keeps 1 - x^2 exact near +-1; NaN outside [-1, 1]. */
fn asin_f32(x: f32) -> f32 { return atan_f32(x / sqrt_f32((1.0 - x) * (1.0 + x))); }
fn acos_f32(x: f32) -> f32 { return 2.0 * atan_f32(sqrt_f32((1.0 - x) / (1.0 + x))); }
/** C's atan2: the quadrant from the signs, the special cases of zeros and infinities. */
fn atan2_f32(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return f32_nan(); }
  var r: f32;
  if (is_inf(a) && is_inf(b)) {
    r = select(0.7853981633974483, 2.356194490192345, b < 0.0);
  } else if (a == 0.0) {
    r = select(0.0, 3.141592653589793, signbit_f32(b));
  } else if (b == 0.0) {
    r = 1.5707963267948966;
  } else {
    r = atan_f32(abs(a / b));
    if (b < 0.0) { r = 3.141592653589793 - r; }
  }
  return select(r, -r, signbit_f32(a));
}
fn asinh_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a > 4096.0) { r = log_f32(a) + 0.6931471805599453; }
  else { r = log1p_f32(a + a * a / (1.0 + sqrt(1.0 + a * a))); }
  return select(r, -r, x < 0.0);
}
fn acosh_f32(x: f32) -> f32 {
  if (is_nan(x) || x < 1.0) { return f32_nan(); }
  if (x > 4096.0) { return log_f32(x) + 0.6931471805599453; }
  let t = x - 1.0;
  return log1p_f32(t + sqrt(2.0 * t + t * t));
}
fn atanh_f32(x: f32) -> f32 {
  let a = abs(x);
  let r = 0.5 * log1p_f32(2.0 * a / (1.0 - a));
  return select(r, -r, x < 0.0);
}
/** erfc: 1 - erf below 0.5 (erfc is above 0.47 there), Numerical Recipes' erfcc (relative error 1.2e-7) above. */
fn erfc_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x < 0.5) { return 1.0 - erf_f32(x); }
  let t = 1.0 / (1.0 + 0.5 * x);
  let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * exp(-x * x + p);
}
/** C's hypot: +inf if either is infinite (even with a NaN), else max * sqrt(1 + (min/max)^2). */
fn hypot_f32(a: f32, b: f32) -> f32 {
  if (is_inf(a) || is_inf(b)) { return f32_inf(); }
  if (is_nan(a) || is_nan(b)) { return f32_nan(); }
  let m = max(abs(a), abs(b));
  if (m == 0.0) { return 0.0; }
  let q = min(abs(a), abs(b)) / m;
  return m * sqrt(1.0 + q * q);
}
/** IEEE a / b, b = 0 included (WGSL leaves division by zero to the implementation). */
fn div_f32(a: f32, b: f32) -> f32 {
  if (b != 0.0) { return a / b; }
  if (a == 0.0 || is_nan(a)) { return f32_nan(); }
  return select(f32_inf(), -f32_inf(), signbit_f32(a) != signbit_f32(b));
}
/** C's fmod, exactly: |b| times a power of two is subtracted while it fits (each step exact). */
fn fmod_f32(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b) || is_inf(a) || b == 0.0) { return f32_nan(); }
  let d = abs(b);
  var r = abs(a);
  if (is_inf(b) || r < d) { return a; }
  for (var i = 0; i < 300 && r >= d; i++) {
    var m = ldexp(d, frexp(r).exp - frexp(d).exp);
    if (m > r) { m = 0.5 * m; }
    r = r - m;
  }
  return select(r, -r, signbit_f32(a));
}
/** Python's %: fmod moved into the divisor's sign. */
fn remainder_f32(a: f32, b: f32) -> f32 {
  let m = fmod_f32(a, b);
  return select(m, m + b, m != 0.0 && (m < 0.0) != (b < 0.0));
}
/** ATen's div_floor_floating. */
fn div_floor_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return div_f32(a, b); }
  let m = fmod_f32(a, b);
  var d = (a - m) / b;
  if (m != 0.0 && (b < 0.0) != (m < 0.0)) { d = d - 1.0; }
  if (d == 0.0) { return select(0.0, -0.0, signbit_f32(a) != signbit_f32(b)); }
  var f = floor(d);
  if (d - f > 0.5) { f = f + 1.0; }
  return f;
}
/** Integer division rounded down and Python's % (b != 0: the op refuses a zero divisor on the CPU). */
fn div_floor_i32(a: i32, b: i32) -> i32 { return select(a / b, a / b - 1, a % b != 0 && (a < 0) != (b < 0)); }
fn remainder_i32(a: i32, b: i32) -> i32 { let m = a % b; return select(m, m + b, m != 0 && (m < 0) != (b < 0)); }
/** max/min ignoring one NaN operand; ties give a, as C's fmax/fmin on x86. */
fn fmax_f32(a: f32, b: f32) -> f32 { if (is_nan(a)) { return b; } if (is_nan(b)) { return a; } return select(a, b, a < b); }
fn fmin_f32(a: f32, b: f32) -> f32 { if (is_nan(a)) { return b; } if (is_nan(b)) { return a; } return select(a, b, b < a); }
/** Unsigned 64-bit long division, one bit per step: (quotient, remainder) as vec4 (q.x, q.y, r.x, r.y); d != 0. */
fn u64_divmod(n: vec2<u32>, d: vec2<u32>) -> vec4<u32> {
  var q = vec2<u32>(0u);
  var r = vec2<u32>(0u);
  for (var i = 63; i >= 0; i--) {
    let s = u32(i) & 31u;
    r = vec2<u32>((r.x << 1u) | select((n.x >> s) & 1u, (n.y >> s) & 1u, i >= 32), (r.y << 1u) | (r.x >> 31u));
    if (r.y > d.y || (r.y == d.y && r.x >= d.x)) {
      r = i64_sub(r, d);
      if (i >= 32) { q.y = q.y | (1u << s); } else { q.x = q.x | (1u << s); }
    }
  }
  return vec4<u32>(q, r);
}
/** Signed division truncated toward zero: (quotient, C's remainder with a's sign). */
fn i64_divmod(a: vec2<u32>, b: vec2<u32>) -> vec4<u32> {
  let na = i64_is_neg(a);
  let nb = i64_is_neg(b);
  let qr = u64_divmod(select(a, i64_neg(a), na), select(b, i64_neg(b), nb));
  return vec4<u32>(select(qr.xy, i64_neg(qr.xy), na != nb), select(qr.zw, i64_neg(qr.zw), na));
}
fn i64_remainder(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let r = i64_divmod(a, b).zw;
  return select(r, i64_add(r, b), any(r != vec2<u32>(0u)) && i64_is_neg(r) != i64_is_neg(b));
}
fn i64_div_floor(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let qr = i64_divmod(a, b);
  return select(qr.xy, i64_sub(qr.xy, vec2<u32>(1u, 0u)), any(qr.zw != vec2<u32>(0u)) && i64_is_neg(a) != i64_is_neg(b));
}
/** Integer power (wrapping, as int32 arithmetic); negative exponents give 1, -1 or 0 (truncated 1/a^|b|). */
fn pow_i32(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) == 1); }
    return 0;
  }
  var e = u32(b);
  var base = a;
  var r = 1;
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { r = r * base; }
    e = e >> 1u;
    base = base * base;
  }
  return r;
}
/**
 * erf in f32 by the expansions of the CPU's erfc (backends/cpu/special.ts): the positive
 * series below 2.5, Laplace's continued fraction for erfc up to 6, +-1 beyond.
 */
fn erf_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a < 2.5) {
    let x2 = a * a;
    var term = a;
    var sum = a;
    for (var n = 1; n < 80; n++) {
      term = term * (2.0 * x2) / f32(2 * n + 1);
      sum = sum + term;
      if (term < sum * 1e-8) { break; }
    }
    r = 1.1283791670955126 * exp(-x2) * sum;
  } else if (a > 6.0) {
    r = 1.0;
  } else {
    var f = a;
    for (var k = 40; k >= 1; k--) { f = a + f32(k) * 0.5 / f; }
    r = 1.0 - 0.5641895835477563 * exp(-a * a) / f;
  }
  return select(r, -r, x < 0.0);
}
/** erfinv as the CPU kernel computes it in f32 (backends/cpu/special.ts): rational start, two Newton steps on erf_f32. */
fn erfinv_f32(y: f32) -> f32 {
  let ya = abs(y);
  if (is_nan(y) || ya > 1.0) { return f32_nan(); }
  if (ya == 1.0) { return select(f32_inf(), -f32_inf(), y < 0.0); }
  var x: f32;
  if (ya <= 0.7) {
    let z = y * y;
    let num = fma(fma(fma(-0.140543331, z, 0.914624893), z, -1.645349621), z, 0.886226899);
    let dem = fma(fma(fma(fma(0.012229801, z, -0.329097515), z, 1.442710462), z, -2.118377725), z, 1.0);
    x = y * num / dem;
  } else {
    let z = sqrt(-log((1.0 - ya) / 2.0));
    let num = fma(fma(fma(1.641345311, z, 3.429567803), z, -1.624906493), z, -1.970840454);
    let dem = fma(fma(1.6370678, z, 3.5438892), z, 1.0);
    x = select(num, -num, y < 0.0) / dem;
  }
  for (var step = 0; step < 2; step++) { x = x - (erf_f32(x) - y) / (1.1283791670955126 * exp(-x * x)); }
  return x;
}
`;
