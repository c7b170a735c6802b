// The quadrature rules Integrated Gradients integrates with (Captum's
// captum/attr/_utils/approximation_methods.py): Riemann sums with equal step sizes at
// torch.linspace points, or Gauss-Legendre nodes and weights on [0, 1] (numpy's leggauss).
import { AssertionError, ValueError } from "../errors.ts";
import { getDefaultDtype } from "../dtype.ts";
import { linspace } from "../ops/creation.ts";

export type ApproximationMethod = "riemann_left" | "riemann_right" | "riemann_middle" | "riemann_trapezoid" | "gausslegendre";
export const SUPPORTED_METHODS: readonly ApproximationMethod[] = ["riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre"];

/** P_n(x) and P_{n-1}(x) by the three-term recurrence. */
function legendre(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  if (n === 0) return [1, 0];
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return [p1, p0];
}

/**
 * numpy.polynomial.legendre.leggauss(n): the n Gauss-Legendre nodes on [-1, 1] (ascending)
 * and weights. The nodes are Newton's roots of P_n (numpy polishes its companion-matrix
 * eigenvalues with one Newton step); the weights are numpy's 1 / (P_{n-1}(x) P_n'(x)),
 * symmetrised and scaled to sum to 2 as numpy does. Agrees with numpy to a few ulp.
 */
export function leggauss(n: number): { nodes: number[]; weights: number[] } {
  const x: number[] = [];
  for (let i = 0; i < n; i++) {
    let r = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let it = 0; it < 100; it++) {
      const [pn, pm] = legendre(n, r);
      const dp = (n * (r * pn - pm)) / (r * r - 1);
      const dx = pn / dp;
      r -= dx;
      if (Math.abs(dx) <= 1e-17) break;
    }
    x.push(r);
  }
  x.sort((a, b) => a - b);
  let w = x.map((r) => {
    const [pn, pm] = legendre(n, r);
    const dp = n === 0 ? 0 : (n * (r * pn - pm)) / (r * r - 1);
    return 1 / (pm * dp);
  });
  // numpy: w = (w + w[::-1]) / 2; x = (x - x[::-1]) / 2; w *= 2 / w.sum()
  w = w.map((v, i) => (v + w[n - 1 - i]!) / 2);
  const nodes = x.map((v, i) => (v - x[n - 1 - i]!) / 2);
  const sum = w.reduce((a, b) => a + b, 0);
  return { nodes, weights: w.map((v) => v * (2 / sum)) };
}

/** Step sizes (summing to 1, at most) and the points in [0, 1] at which the integrand is taken. */
export function approximationParameters(method: string): [(n: number) => number[], (n: number) => number[]] {
  if (method === "gausslegendre") {
    const check = (n: number) => {
      if (!(n > 0)) throw new AssertionError("The number of steps has to be larger than zero");
    };
    return [
      (n) => (check(n), leggauss(n).weights.map((v) => 0.5 * v)),
      (n) => (check(n), leggauss(n).nodes.map((v) => 0.5 * (1 + v))),
    ];
  }
  if (!(SUPPORTED_METHODS as readonly string[]).includes(method)) throw new ValueError(`Invalid integral approximation method name: ${method}`);
  const check = (n: number) => {
    if (!(n > 1)) throw new AssertionError("The number of steps has to be larger than one");
  };
  const steps = (n: number) => {
    check(n);
    const d = new Array<number>(n).fill(1 / n);
    if (method === "riemann_trapezoid") {
      d[0]! /= 2;
      d[n - 1]! /= 2;
    }
    return d;
  };
  const range = (a: number, b: number, n: number) => linspace(a, b, n, { dtype: getDefaultDtype() }).tolist() as number[];
  const alphas = (n: number) => {
    check(n);
    if (method === "riemann_trapezoid") return range(0, 1, n);
    if (method === "riemann_left") return range(0, 1 - 1 / n, n);
    if (method === "riemann_middle") return range(1 / (2 * n), 1 - 1 / (2 * n), n);
    return range(1 / n, 1, n);
  };
  return [steps, alphas];
}
