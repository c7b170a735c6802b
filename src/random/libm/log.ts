// glibc 2.36's double log(x) as x86-64 runs it on CPUs with FMA: __log_fma, which is
// sysdeps/ieee754/dbl-64/e_log.c (Arm's optimized-routines log) compiled with -mfma -mavx2.
//
// GCC contracts a*b + c into one fused multiply-add in that build, so the result depends on
// exactly which expressions were fused. Each `fma(...)` below is a vfmadd/vfnmadd in the
// disassembly of libm.so.6's __log_fma (Debian glibc 2.36-9); every other operation is a
// separately rounded vmulsd/vaddsd/vsubsd. Where a fused product is exact (k * Ln2hi,
// r * 2^27, rhi^2 * -0.5) the fused and unfused forms round identically, so plain arithmetic
// is used there to keep this fast.
import { fma } from "./fma64.ts";
import { LOG_INVC, LOG_LOGC } from "./logData.ts";

const Ln2hi = 0.6931471805598903; // 0x1.62e42fefa3800p-1
const Ln2lo = 5.497923018708371e-14; // 0x1.ef35793c76730p-45
// poly: log1p(r) - r on |r| < 1/256, A[0] = -0x1.0000000000001p-1 (not exactly -1/2).
const A0 = -0.5000000000000001;
const A1 = 0.33333333331825593;
const A2 = -0.2499999999622955;
const A3 = 0.20000304511814496;
const A4 = -0.16667054827627667;
// poly1: log1p(r) near x == 1, B[0] = -0.5 exactly.
const B0 = -0.5;
const B1 = 0.3333333333333352;
const B2 = -0.24999999999998432;
const B3 = 0.19999999999320328;
const B4 = -0.16666666669929706;
const B5 = 0.14285715076560868;
const B6 = -0.12499997863982555;
const B7 = 0.11110712032936046;
const B8 = -0.10000486757818193;
const B9 = 0.09181994006195467;
const B10 = -0.08328363062289341;
const TWO27 = 134217728; // 0x1p27
const TWO52 = 4503599627370496; // 0x1p52

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian: u32[0] low word, u32[1] high word

export function log(x: number): number {
  f64[0] = x;
  let hi = u32[1]!;
  const lo = u32[0]!;

  // x in [1 - 0x1p-4, 1 + 0x1.09p-4): both bounds have a zero low word, so the 64-bit
  // unsigned test `ix - LO < HI - LO` is a test on the high word alone.
  if (hi >= 0x3fee0000 && hi < 0x3ff10900) {
    if (x === 1) return 0;
    const r = x - 1.0;
    const r2 = r * r;
    const r3 = r * r2;
    const p1 = fma(r2, B3, fma(r, B2, B1));
    const p2 = fma(r2, B6, fma(r, B5, B4));
    const p3 = fma(r3, B10, fma(r2, B9, fma(r, B8, B7)));
    const inner = fma(fma(p3, r3, p2), r3, p1);
    // rhi = r rounded to about 26 bits: (r + r*2^27) - r*2^27, both fused in glibc but with
    // exact products, hence the same as this.
    const w = r * TWO27;
    const rhi = r + w - w;
    const rlo = r - rhi;
    const rr = rhi * rhi; // rounded once (vmulsd); times B0 = -0.5 is exact
    const hiPart = r + rr * B0;
    let loPart = r - hiPart + rr * B0;
    loPart = fma(B0 * rlo, rhi + r, loPart);
    return hiPart + fma(inner, r3, loPart);
  }

  const top = hi >>> 16;
  if (top < 0x0010 || top >= 0x7ff0) {
    // x < 0x1p-1022, or x is inf or nan (or negative).
    if ((hi & 0x7fffffff) === 0 && lo === 0) return -Infinity; // log(±0)
    if (x === Infinity) return x;
    if ((top & 0x8000) !== 0 || (top & 0x7ff0) === 0x7ff0) return NaN; // x < 0 or nan
    // Subnormal: scale into the normal range and take 52 off the exponent.
    f64[0] = x * TWO52;
    hi = (u32[1]! - (52 << 20)) >>> 0;
  }

  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0): tmp = ix - 0x3fe6000000000000.
  const tmpHi = (hi - 0x3fe60000) | 0;
  const i = (tmpHi >>> 13) & 0x7f; // (tmp >> 45) % 128
  const k = tmpHi >> 20; // arithmetic shift
  u32[1] = (hi - (tmpHi & 0xfff00000)) >>> 0; // iz = ix - (tmp & 0xfff << 52); low word kept
  const z = f64[0]!;
  const invc = LOG_INVC[i]!;
  const logc = LOG_LOGC[i]!;

  const r = fma(z, invc, -1.0);
  const kd = k;
  const w = kd * Ln2hi + logc; // fused in glibc; kd * Ln2hi is exact
  const hiPart = w + r;
  const loPart = fma(kd, Ln2lo, w - hiPart + r);
  const r2 = r * r;
  const p = fma(fma(r, A4, A3), r2, fma(r, A2, A1));
  return fma(r * r2, p, fma(r2, A0, loPart)) + hiPart;
}
