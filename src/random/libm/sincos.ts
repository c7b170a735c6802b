// glibc 2.36's double sin(x) and cos(x) as x86-64 runs them on CPUs with FMA: __sin_fma and
// __cos_fma, which are sysdeps/ieee754/dbl-64/s_sin.c (IBM Accurate Mathematical Library)
// compiled with -mfma -mavx2.
//
// GCC contracts a*b + c into fused multiply-adds in that build. Each `fma(...)` below is a
// vfmadd/vfnmadd/vfmsub in the disassembly of libm.so.6's __sin_fma/__cos_fma (Debian glibc
// 2.36-9); every other operation is a separately rounded vmulsd/vaddsd/vsubsd. The pattern is
// the same in every inlined copy of do_sin/do_cos. Where a fused product is exact (xn times
// the 25-26 bit constants mp1, mp2, pp3, with |xn| < 2^27) plain arithmetic rounds the same
// way and is used instead. __branred (huge arguments) is shared with the non-FMA build and
// has no fused operations.
import { fma } from "./fma64.ts";
import { SINCOS_TABLE as T } from "./sincosTable.ts";

// usncs.h
const s1 = -0.16666666666666666; // -0x1.5555555555555p-3
const s2 = 0.008333333333332329; // 0x1.1111111110ECEp-7
const s3 = -0.00019841269834414642; // -0x1.A01A019DB08B8p-13
const s4 = 2.755729806860771e-6; // 0x1.71DE27B9A7ED9p-19
const s5 = -2.5022014848318398e-8; // -0x1.ADDFFC2FCDF59p-26
const big = 52776558133248; // 0x1.8p45: big + |x| rounds |x| to a multiple of 1/128
const hp0 = 1.5707963267948966; // 0x1.921FB54442D18p0
const hp1 = 6.123233995736766e-17; // 0x1.1A62633145C07p-54
const mp1 = 1.5707963407039642; // 0x1.921FB58000000p0
const mp2 = -1.3909067564377153e-8; // -0x1.DDE973C000000p-27
const pp3 = -4.97899623147991e-17; // -0x1.CB3B398000000p-55
const pp4 = -1.9034889620193266e-25; // -0x1.d747f23e32ed7p-83
const hpinv = 0.6366197723675814; // 0x1.45F306DC9C883p-1
const toint = 6755399441055744; // 0x1.8p52
// s_sin.c
const sn3 = -0.16666666666666488; // -1.66666666666664880952546298448555E-01
const sn5 = 0.008333332142857223; // 8.33333214285722277379541354343671E-03
const cs2 = 0.5; // 4.99999999999999999999950396842453E-01
const cs4 = -0.04166666666666644; // -4.16666666666664434524222570944589E-02
const cs6 = 0.001388888740079376; // 1.38888874007937613028114285595617E-03

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian: u32[0] low word, u32[1] high word

/** High word of x without its sign bit. */
function absHigh(x: number): number {
  f64[0] = x;
  return u32[1]! & 0x7fffffff;
}

/** TAYLOR_SIN: sin(x + dx) for |x| < 0.126. */
function taylorSin(x: number, dx: number): number {
  const xx = x * x;
  const poly = fma(xx, fma(xx, fma(xx, fma(xx, s5, s4), s3), s2), s1);
  const t = fma(fma(poly, x, -(0.5 * dx)), xx, dx);
  return x + t;
}

/** do_sin: sin(x + dx), |x| < 0.855469, with sin/cos of x rounded to k/128 from the table. */
function doSin(x: number, dx: number): number {
  if (Math.abs(x) < 0.126) return taylorSin(x, dx);
  const negative = x <= 0;
  if (negative) dx = -dx;
  const ax = Math.abs(x);
  const ub = big + ax - big; // ax rounded to a multiple of 1/128
  const xr = ax - ub;
  const k = ub * 512; // 4 * 128 * ub: first of the four entries for ub
  const xx = xr * xr;
  const s = xr + fma(xr * xx, fma(xx, sn5, sn3), dx);
  const c = fma(xr, dx, xx * fma(xx, fma(xx, cs6, cs4), cs2));
  const sn = T[k]!;
  const cor = fma(s, T[k + 2]!, fma(-c, sn, fma(s, T[k + 3]!, T[k + 1]!)));
  const res = sn + cor; // > 0: |x| >= 0.126 puts k >= 16
  return negative ? -res : res; // copysign(res, x), x != 0 here
}

/** do_cos: cos(x + dx), |x| < 0.855469. */
function doCos(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const ax = Math.abs(x);
  const ub = big + ax - big;
  const xr = ax - ub + dx;
  const k = ub * 512;
  const xx = xr * xr;
  const s = fma(xr * xx, fma(xx, sn5, sn3), xr);
  const c = xx * fma(xx, fma(xx, cs6, cs4), cs2);
  const cs = T[k + 2]!;
  const cor = fma(-s, T[k]!, fma(-c, cs, fma(-s, T[k + 1]!, T[k + 3]!)));
  return cs + cor;
}

/** sin (n even) or cos (n odd) of a + da, negated when n & 2. */
function doSinCos(a: number, da: number, n: number): number {
  const v = (n & 1) !== 0 ? doCos(a, da) : doSin(a, da);
  return (n & 2) !== 0 ? -v : v;
}

// Reduced argument of reduceSinCos / branred (avoids allocating a tuple per call).
let redA = 0;
let redDa = 0;

/** reduce_sincos: x = n*pi/2 + (redA + redDa) for |x| < 105414350; returns n & 3. */
function reduceSinCos(x: number): number {
  const t = fma(x, hpinv, toint);
  const xn = t - toint; // an integer, |xn| < 2^27
  const y = x - xn * mp1 - xn * mp2; // exact products
  const t1 = xn * pp3; // exact
  const t2 = y - t1;
  const db = y - t2 - t1;
  const b = fma(-xn, pp4, t2);
  redA = b;
  redDa = db + fma(-xn, pp4, t2 - b);
  return (xn | 0) & 3; // low bits of t's mantissa, two's complement for negative xn
}

// branred.h: 2/pi in base 2^24.
const toverp = new Float64Array([
  10680707.0, 7228996.0, 1387004.0, 2578385.0, 16069853.0, 12639074.0, 9804092.0, 4427841.0,
  16666979.0, 11263675.0, 12935607.0, 2387514.0, 4345298.0, 14681673.0, 3074569.0, 13734428.0,
  16653803.0, 1880361.0, 10960616.0, 8533493.0, 3062596.0, 8710556.0, 7349940.0, 6258241.0,
  3772886.0, 3769171.0, 3798172.0, 8675211.0, 12450088.0, 3874808.0, 9961438.0, 366607.0,
  15675153.0, 9132554.0, 7151469.0, 3571407.0, 2607881.0, 12013382.0, 4155038.0, 6285869.0,
  7677882.0, 13102053.0, 15825725.0, 473591.0, 9065106.0, 15363067.0, 6271263.0, 9264392.0,
  5636912.0, 4652155.0, 7056368.0, 13614112.0, 10155062.0, 1944035.0, 9527646.0, 15080200.0,
  6658437.0, 6231200.0, 6832269.0, 16767104.0, 5075751.0, 3212806.0, 1398474.0, 7579849.0,
  6349435.0, 12618859.0, 4703257.0, 12806093.0, 14477321.0, 2786137.0, 12875403.0, 9837734.0,
  14528324.0, 13719321.0, 343717.0,
]);
const split = 134217729; // 2^27 + 1
const tm600 = 2 ** -600;
const tm24 = 2 ** -24;
const bigR = 6755399441055744; // 0x1.8p52 (branred's "big")
const big1 = 27021597764222976; // 0x1.8p54
const bMp2 = -1.3909067675399456e-8; // branred.h's mp2: 0xBE4DDE97 40000000, not usncs.h's

const r = new Float64Array(6);
// Partial sums of one half of branred; set by branredHalf.
let hSum = 0;
let hB = 0;
let hBb = 0;

/** One half (x1 or x2) of __branred: x*2/pi split into an integer part mod 4 and b + bb. */
function branredHalf(xh: number): void {
  let sum = 0;
  f64[0] = xh;
  let k = (u32[1]! >>> 20) & 2047;
  k = ((k - 450) / 24) | 0; // C division truncates toward zero
  if (k < 0) k = 0;
  let gor = 2 ** (576 - k * 24); // t576 with k*24 taken off its exponent
  for (let i = 0; i < 6; i++) {
    r[i] = xh * toverp[k + i]! * gor;
    gor *= tm24;
  }
  for (let i = 0; i < 3; i++) {
    const s = r[i]! + bigR - bigR;
    sum += s;
    r[i] = r[i]! - s;
  }
  let t = 0;
  for (let i = 0; i < 6; i++) t += r[5 - i]!;
  let bb = r[0]! - t + r[1]! + r[2]! + r[3]! + r[4]! + r[5]!;
  let s = t + bigR - bigR;
  sum += s;
  t -= s;
  const b = t + bb;
  bb = t - b + bb;
  s = sum + big1 - big1;
  sum -= s;
  hSum = sum;
  hB = b;
  hBb = bb;
}

/** __branred: x = n*pi/2 + (redA + redDa) for huge finite x; returns n & 3. */
function branred(x: number): number {
  x *= tm600;
  let t = x * split;
  const x1 = t - (t - x);
  const x2 = x - x1;
  branredHalf(x1);
  const b1 = hB;
  const bb1 = hBb;
  const sum1 = hSum;
  branredHalf(x2);
  const b2 = hB;
  const bb2 = hBb;
  const sum2 = hSum;

  let sum = sum1 + sum2;
  let b = b1 + b2;
  let bb = Math.abs(b1) > Math.abs(b2) ? b1 - b + b2 : b2 - b + b1;
  if (b > 0.5) {
    b -= 1.0;
    sum += 1.0;
  } else if (b < -0.5) {
    b += 1.0;
    sum -= 1.0;
  }
  let s = b + (bb + bb1 + bb2);
  t = b - s + bb + (bb1 + bb2);
  b = s * split;
  const t1 = b - (b - s);
  const t2 = s - t1;
  b = s * hp0;
  bb = t1 * mp1 - b + t1 * bMp2 + t2 * mp1 + (t2 * bMp2 + s * hp1 + t * hp0);
  s = b + bb;
  t = b - s + bb;
  redA = s;
  redDa = t;
  return (sum | 0) & 3; // (int) sum truncates; |sum| < 4
}

/** glibc 2.36 __sin_fma. */
export function sin(x: number): number {
  const k = absHigh(x);
  if (k < 0x3e500000) return x; // |x| < 2^-26
  if (k < 0x3feb6000) return doSin(x, 0); // |x| < 0.855469
  if (k < 0x400368fd) {
    // |x| < 2.426265: sin(x) = ±cos(pi/2 - |x|)
    const t = hp0 - Math.abs(x);
    const v = doCos(t, hp1);
    return x < 0 ? -v : v; // v > 0 here
  }
  if (k < 0x419921fb) {
    // |x| < 105414350
    const n = reduceSinCos(x);
    return doSinCos(redA, redDa, n);
  }
  if (k < 0x7ff00000) {
    const n = branred(x);
    return doSinCos(redA, redDa, n);
  }
  return x / x; // inf or nan: NaN
}

/** glibc 2.36 __cos_fma. */
export function cos(x: number): number {
  const k = absHigh(x);
  if (k < 0x3e400000) return 1.0; // |x| < 2^-27
  if (k < 0x3feb6000) return doCos(x, 0); // |x| < 0.855469
  if (k < 0x400368fd) {
    // |x| < 2.426265: cos(x) = sin(pi/2 - |x|), pi/2 - |x| as a + da to 106 bits
    const y = hp0 - Math.abs(x);
    const a = y + hp1;
    const da = y - a + hp1;
    return doSin(a, da);
  }
  if (k < 0x419921fb) {
    const n = reduceSinCos(x);
    return doSinCos(redA, redDa, n + 1);
  }
  if (k < 0x7ff00000) {
    const n = branred(x);
    return doSinCos(redA, redDa, n + 1);
  }
  return x / x;
}
