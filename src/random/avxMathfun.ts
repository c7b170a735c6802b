// Scalar, bit-exact emulation of PyTorch's AVX2 Box-Muller block `normal_fill_16_AVX2`
// (ATen/native/cpu/DistributionTemplates.h) and the Cephes-style float32 `log256_ps` /
// `sincos256_ps` it calls (ATen/native/cpu/avx_mathfun.h, after Julien Pommier's
// sse_mathfun, zlib licence).
//
// Every step is a float32 operation. Which multiply-adds are fused is NOT visible in the
// C source: GCC 12 -O2 -mavx2 -mfma (PyTorch's AVX2 build) contracts some `_mm256_mul_ps` +
// `_mm256_add_ps` pairs into vfmadd. The sequence below follows the instructions GCC emits
// (read from the disassembly of the same code built with the same flags, which reproduced
// torch 1.13.1's float32 randn on 1.28 million values).
import { fmaF32 } from "./fma.ts";

const f = Math.fround;
const bitsF = new Float32Array(1);
const bitsI = new Int32Array(bitsF.buffer);

const ONE = 1;
const HALF = 0.5;
const MIN_NORM_POS = 1.1754943508222875e-38; // 0x00800000
const SQRTHF = f(0.7071067811865476); // cephes_SQRTHF 0.707106781186547524, as the double it parses to
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);

const MINUS_DP1 = f(-0.78515625);
const MINUS_DP2 = f(-2.4187564849853515625e-4);
const MINUS_DP3 = f(-3.774894977445941e-8); // minus_cephes_DP3 -3.77489497744594108e-8, as the double it parses to
const SIN_P0 = f(-1.9515295891e-4);
const SIN_P1 = f(8.3321608736e-3);
const SIN_P2 = f(-1.6666654611e-1);
const COS_P0 = f(2.443315711809948e-5);
const COS_P1 = f(-1.388731625493765e-3);
const COS_P2 = f(4.166664568298827e-2);
const FOPI = f(1.27323954473516); // 4 / pi
/** _mm256_set1_ps(2.0f * c10::pi<double>) */
export const TWO_PI_F32 = f(2 * Math.PI);

/** log256_ps for one lane. */
export function log256(xIn: number): number {
  const invalid = xIn <= 0;
  let x = xIn > MIN_NORM_POS ? xIn : MIN_NORM_POS; // _mm256_max_ps (NaN -> MIN_NORM_POS)
  bitsF[0] = x;
  const imm0 = bitsI[0]! >>> 23;
  bitsI[0] = (bitsI[0]! & ~0x7f800000) | 0x3f000000; // keep the mantissa, exponent of 0.5
  x = bitsF[0]!;
  let e = f(imm0 - 0x7f + ONE);
  const mask = x < SQRTHF;
  const tmp = mask ? x : 0;
  x = f(x - ONE);
  e = f(e - (mask ? ONE : 0));
  x = f(x + tmp);
  const z = f(x * x);
  let y = fmaF32(LOG_P[0]!, x, LOG_P[1]!);
  for (let k = 2; k <= 8; k++) y = fmaF32(y, x, LOG_P[k]!);
  const eq1 = f(e * LOG_Q1);
  y = f(x * y);
  y = fmaF32(y, z, eq1);
  y = fmaF32(-z, HALF, y);
  x = f(x + y);
  const r = fmaF32(e, LOG_Q2, x);
  return invalid ? NaN : r;
}

/** sincos256_ps for one lane: [sin(x), cos(x)]. Only meant for |x| well below 8192. */
export function sincos256(xIn: number, out: Float64Array): void {
  let signSin = xIn < 0 || Object.is(xIn, -0);
  let x = Math.abs(xIn);
  let j = Math.trunc(f(x * FOPI)) | 0; // _mm256_cvttps_epi32
  j = (j + 1) & ~1;
  const y = j; // exact int -> float (small j)
  const swapSin = (j & 4) !== 0;
  const polyMask = (j & 2) === 0;
  signSin = signSin !== swapSin;
  x = fmaF32(y, MINUS_DP1, x);
  x = fmaF32(MINUS_DP2, y, x);
  x = fmaF32(y, MINUS_DP3, x);
  const signCos = (~(j - 2) & 4) !== 0;
  const z = f(x * x);
  const tmp = f(z * HALF);
  let yc = fmaF32(COS_P0, z, COS_P1);
  yc = fmaF32(yc, z, COS_P2);
  yc = f(z * yc);
  yc = fmaF32(z, yc, -tmp);
  yc = f(yc + ONE);
  let ys = fmaF32(SIN_P0, z, SIN_P1);
  ys = fmaF32(ys, z, SIN_P2);
  ys = f(z * ys);
  ys = fmaF32(x, ys, x);
  // Branch-free selection of the two polynomials, as the vector code does it.
  const ysin2 = polyMask ? ys : 0;
  const ysin1 = polyMask ? 0 : yc;
  const s = f(ysin1 + ysin2);
  const c = f(f(yc - ysin1) + f(ys - ysin2));
  out[0] = signSin ? -s : s;
  out[1] = signCos ? -c : c;
}

const sc = new Float64Array(2);

/**
 * normal_fill_16_AVX2: turns 16 uniforms data[off..off+15] in [0,1) into 16 normals in place.
 * Lane j pairs u1 = 1 - data[j] (radius) with u2 = data[j + 8] (angle).
 */
export function normalFill16Avx2(data: Float32Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(ONE - data[off + j]!);
    const u2 = data[off + j + 8]!;
    const radius = f(Math.sqrt(f(-2 * log256(u1))));
    const theta = f(TWO_PI_F32 * u2);
    sincos256(theta, sc);
    const n1 = f(radius * sc[1]!);
    const n2 = f(radius * sc[0]!);
    data[off + j] = fmaF32(n1, std, mean);
    data[off + j + 8] = fmaF32(n2, std, mean);
  }
}
