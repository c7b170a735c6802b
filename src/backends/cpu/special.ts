// Special functions the nn layers need (GELU's erf), evaluated in float64.
//
// erf is computed with two classical expansions, chosen by |x| so that each converges fast
// and without cancellation (accurate to a few ulp in float64):
//   |x| < 2.5:  erf(x)  = 2/sqrt(pi) * exp(-x^2) * sum_n x (2x^2)^n / (1*3*...*(2n+1))
//               (all terms positive, so no cancellation);
//   |x| >= 2.5: erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
//               (Laplace's continued fraction, evaluated bottom-up), erf = 1 - erfc.
import type { NumArray } from "../../dtype.ts";

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

export function erf(x: number): number {
  if (x !== x) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) return x === 0 ? x : x < 0 ? -erfSeries(a) : erfSeries(a);
  if (a > 6) return x < 0 ? -1 : 1;
  const r = 1 - erfcFraction(a);
  return x < 0 ? -r : r;
}

export function erfKernel(x: NumArray, out: NumArray): void {
  for (let i = 0; i < x.length; i++) out[i] = erf(x[i]);
}
