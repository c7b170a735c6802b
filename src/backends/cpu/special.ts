// Special functions: erf (GELU's), erfc and erfinv (PyTorch's kernel).
//
// The erf kernel is glibc's erf (random/libm/erf.ts: fdlibm's rational approximations, what
// PyTorch's double kernels call through std::erf), twice as fast as the expansions below,
// which remain for erfc and give erf accurate to a few ulp in float64 from two classical
// expansions, chosen by |x| so that each converges fast and without cancellation:
//   |x| < 2.5:  erf(x)  = 2/sqrt(pi) * exp(-x^2) * sum_n x (2x^2)^n / (1*3*...*(2n+1))
//               (all terms positive, so no cancellation);
//   |x| >= 2.5: erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
//               (Laplace's continued fraction, evaluated bottom-up), erf = 1 - erfc.
import type { NumArray } from "../../dtype.ts";
import { fmaF32, fmaF64 } from "../../random/fma.ts";
import { log as libmLog } from "../../random/libm.ts";
import { erf as libmErf, erff } from "../../random/libm/erf.ts";

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x >= 2.5 by the continued fraction; 80 levels reach float64 round-off there. */
function erfcFraction(x: number): number {
  let f = x;
  for (let k = 80; k >= 1; k--) f = x + k / 2 / f;
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** erf by the expansions above (erfc's 1 - erf below 2.5). */
function erf(x: number): number {
  if (x !== x) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) return x === 0 ? x : x < 0 ? -erfSeries(a) : erfSeries(a);
  if (a > 6) return x < 0 ? -1 : 1;
  const r = 1 - erfcFraction(a);
  return x < 0 ? -r : r;
}

/**
 * erfc(x): 1 - erf(x) below 2.5, where the subtraction costs under 2^-40 relative (erfc(2.5) is
 * 4e-4), the continued fraction above (it underflows to 0 beyond 27.3).
 */
export function erfc(x: number): number {
  return x < 2.5 ? 1 - erf(x) : x > 27.3 ? 0 : erfcFraction(x);
}

/** out = erf(x) elementwise, glibc's double erf (float32 outputs round it). */
export function erfKernel(x: NumArray, out: NumArray): void {
  for (let i = 0; i < x.length; i++) out[i] = libmErf(x[i]!);
}

// erfinv as PyTorch 1.13's scalar CPU kernel computes it (calc_erfinv in ATen's Math.h): a
// rational approximation (Pavlis' erfinv.m) refined by two Newton steps, in the tensor's own
// precision. The AVX2 build contracts each Horner step a*z + b into one fused multiply-add
// (seen in the compiled kernel: the same C with GCC 12 -O2 -mavx2 -mfma matches torch.erfinv bit
// for bit); the Newton steps call libm's erf/erff, exp/expf and, in the tails, logf/log.
const ERFINV_A = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
const ERFINV_B = [-2.118377725, 1.442710462, -0.329097515, 0.012229801];
const ERFINV_C = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
const ERFINV_D = [3.5438892, 1.6370678];

function erfinvWith(y: number, round: (v: number) => number, fma: (a: number, b: number, c: number) => number, erfT: (v: number) => number): number {
  const [a0, a1, a2, a3] = ERFINV_A.map(round) as [number, number, number, number];
  const [b0, b1, b2, b3] = ERFINV_B.map(round) as [number, number, number, number];
  const [c0, c1, c2, c3] = ERFINV_C.map(round) as [number, number, number, number];
  const [d0, d1] = ERFINV_D.map(round) as [number, number];
  const ya = Math.abs(y);
  if (ya > 1) return NaN;
  if (ya === 1) return y > 0 ? Infinity : -Infinity;
  let x: number;
  if (ya <= round(0.7)) {
    const z = round(y * y);
    const num = fma(fma(fma(a3, z, a2), z, a1), z, a0);
    const dem = fma(fma(fma(fma(b3, z, b2), z, b1), z, b0), z, 1);
    x = round(round(y * num) / dem);
  } else {
    const z = round(Math.sqrt(-round(libmLog(round(round(1 - ya) / 2)))));
    const num = fma(fma(fma(c3, z, c2), z, c1), z, c0);
    const dem = fma(fma(d1, z, d0), z, 1);
    x = round((y < 0 ? -num : num) / dem);
  }
  const k = round(2 / round(Math.sqrt(Math.PI)));
  for (let step = 0; step < 2; step++) x = round(x - round(round(erfT(x) - y) / round(k * round(Math.exp(round(-x * x))))));
  return x;
}

/** out[i] = erfinv(x[i]) over contiguous float32 or float64 data. */
export function erfinvKernel(x: NumArray, out: NumArray): void {
  if (x instanceof Float32Array) {
    for (let i = 0; i < x.length; i++) out[i] = erfinvWith(x[i]!, Math.fround, fmaF32, erff);
  } else {
    for (let i = 0; i < x.length; i++) out[i] = erfinvWith(x[i]!, (v) => v, fmaF64, libmErf);
  }
}
