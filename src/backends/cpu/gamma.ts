// The gamma family: lgamma, digamma and polygamma, evaluated in float64 (a float32 tensor's
// result is that value rounded). digamma, trigamma and the Hurwitz zeta behind polygamma(n >= 2)
// are ATen's own (aten/src/ATen/native/Math.h: calc_digamma, calc_trigamma, zeta, Cephes'
// algorithms), so poles, signs and NaNs are PyTorch's; lgamma, which ATen takes from the C
// library, is Lanczos' approximation (g = 7, 9 terms: ~1e-15 relative) with the reflection
// formula below 1/2.
import type { NumArray } from "../../dtype.ts";

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.9189385332046728;

/** sin(pi x) with the argument reduced first (exact zeros at the integers, no loss for large |x|). */
function sinPi(x: number): number {
  const r = x - 2 * Math.round(x / 2); // in [-1, 1]
  if (r === 0 || Math.abs(r) === 1) return 0;
  return Math.sin(Math.PI * r);
}

/** log |Gamma(x)|: +inf at the poles (0, -1, -2, ...) and at ±inf, as C's lgamma. */
export function lgamma(x: number): number {
  if (x !== x) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const PSI_10 = 2.251752589066721;
const DIGAMMA_A = [0.08333333333333333, -0.021092796092796094, 0.007575757575757576, -0.004166666666666667, 0.003968253968253968, -0.008333333333333333, 0.08333333333333333];

/** ATen's calc_digamma: ±inf at ±0 (the sign flipped), NaN at the negative integers. */
export function digamma(x: number): number {
  if (x === 0) return Object.is(x, -0) ? Infinity : -Infinity;
  if (x < 0) {
    if (x === Math.trunc(x)) return NaN;
    // tan(pi r) of the fractional part r is more accurate than tan(pi x)
    const r = x - Math.trunc(x);
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * r);
  }
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  if (x === 10) return result + PSI_10;
  let y = 0;
  if (x < 1e17) {
    const z = 1 / (x * x);
    let p = DIGAMMA_A[0]!;
    for (let i = 1; i < 7; i++) p = p * z + DIGAMMA_A[i]!;
    y = z * p;
  }
  return result + Math.log(x) - 0.5 / x - y;
}

/** ATen's calc_trigamma (polygamma of order 1). */
export function trigamma(x: number): number {
  let sign = 1, result = 0;
  if (x < 0.5) {
    sign = -1;
    const s = Math.sin(Math.PI * x);
    result -= (Math.PI * Math.PI) / (s * s);
    x = 1 - x;
  }
  for (let i = 0; i < 6; i++) {
    result += 1 / (x * x);
    x += 1;
  }
  const ixx = 1 / (x * x);
  result += (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x;
  return sign * result;
}

const MACHEP = 1.11022302462515654042e-16;
const ZETA_A = [12, -720, 30240, -1209600, 47900160, -1892437580.3183792, 74724249600, -2950130727918.164, 116467828143500.67, -4597978722407473, 181521054019435460, -7166165256175667000];

/** ATen's zeta(x, q): the Hurwitz zeta function sum over k >= 0 of (k + q)^-x (Euler-Maclaurin). */
export function zeta(x: number, q: number): number {
  if (x === 1) return Infinity;
  if (x < 1) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (x !== Math.floor(x)) return NaN;
  }
  let s = Math.pow(q, -x), a = q, i = 0, b = 0;
  while (i < 9 || a <= 9) {
    i += 1;
    a += 1;
    b = Math.pow(a, -x);
    s += b;
    if (-MACHEP * s < b && b < MACHEP * s) return s;
  }
  const w = a;
  s += (b * w) / (x - 1);
  s -= 0.5 * b;
  a = 1;
  let k = 0;
  for (let j = 0; j < 12; j++) {
    a *= x + k;
    b /= w;
    let t = (a * b) / ZETA_A[j]!;
    s += t;
    t = Math.abs(t / s);
    if (t < MACHEP) return s;
    k += 1;
    a *= x + k;
    b /= w;
    k += 1;
  }
  return s;
}

/** polygamma(n, x), ATen's: digamma, trigamma, then (-1)^(n+1) n! zeta(n + 1, x). */
export function polygamma(n: number, x: number): number {
  if (n === 0) return digamma(x);
  if (n === 1) return trigamma(x);
  return (n % 2 ? 1 : -1) * Math.exp(lgamma(n + 1)) * zeta(n + 1, x);
}

/** out[i] = f(x[i]) over contiguous data (float32 results rounded by the store). */
function map(f: (v: number) => number): (x: NumArray, out: NumArray) => void {
  return (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  };
}
export const lgammaKernel = map(lgamma);
export const digammaKernel = map(digamma);
export const polygammaKernel = (n: number, x: NumArray, out: NumArray): void => map((v) => polygamma(n, v))(x, out);
