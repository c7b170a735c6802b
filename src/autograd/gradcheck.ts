// torch.autograd.gradcheck: analytical vjps against float64 central differences.
import type { FloatArray } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { Tensor } from "../tensor.ts";
import { grad } from "./grad.ts";

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Return false instead of throwing on mismatch (PyTorch's raise_exception=False). */
  raiseException?: boolean;
}

/** The function gradcheck differentiates: tensors in, a tensor or a list of them out. */
export type GradcheckFn = (...inputs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: GradcheckFn, inputs: Tensor[]): Tensor[] {
  const r = fn(...inputs);
  return Array.isArray(r) ? r : [r];
}

/**
 * Compares, for every differentiable output element and input element, the Jacobian entry
 * from backward with (f(x + eps) - f(x - eps)) / 2eps, under |a - n| <= atol + rtol * |n|.
 */
export function gradcheck(fn: GradcheckFn, inputs: Tensor | readonly Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const xs = (Array.isArray(inputs) ? inputs : [inputs]) as Tensor[];
  const diff = xs.filter((x) => x.requiresGrad);
  for (const x of diff) {
    if (x.dtype !== "float64") {
      console.warn(`Input #${xs.indexOf(x)} requires gradient and is not a double precision floating point. gradcheck is only reliable in float64.`);
    }
  }
  const outs = outputsOf(fn, xs);
  const fail = (msg: string): boolean => {
    if (opts.raiseException === false) return false;
    throw new RuntimeError(msg);
  };
  for (let oi = 0; oi < outs.length; oi++) {
    const out = outs[oi];
    if (!out.requiresGrad) continue;
    const n = out.numel();
    // Analytical Jacobian, one row per output element.
    const analytical: Float64Array[][] = diff.map((x) => Array.from({ length: n }, () => new Float64Array(x.numel())));
    for (let j = 0; j < n; j++) {
      const g = Tensor.scalar(0, out.dtype).expand(out.shape).contiguous();
      (g._box.data as Float64Array)[j] = 1;
      const grads = grad(outputsOf(fn, xs)[oi], diff, { gradOutputs: [g], allowUnused: true });
      grads.forEach((gx, k) => {
        if (gx) analytical[k][j].set(gx.contiguousData() as FloatArray);
      });
    }
    // Numerical Jacobian by perturbing each input element in place (raw storage writes, so no
    // version bump; fn runs with grad mode as the caller has it, since it may differentiate).
    for (let k = 0; k < diff.length; k++) {
      const x = diff[k];
      const data = x.contiguousData() as FloatArray;
      if (data !== x._box.data) return fail(`gradcheck expects contiguous inputs; input ${k} is not`);
      for (let i = 0; i < data.length; i++) {
        const orig = data[i];
        data[i] = orig + eps;
        const plus = (outputsOf(fn, xs)[oi].contiguousData() as FloatArray).slice();
        data[i] = orig - eps;
        const minus = (outputsOf(fn, xs)[oi].contiguousData() as FloatArray).slice();
        data[i] = orig;
        for (let j = 0; j < n; j++) {
          const num = (plus[j] - minus[j]) / (2 * eps);
          const ana = analytical[k][j][i];
          if (!(Math.abs(ana - num) <= atol + rtol * Math.abs(num))) {
            return fail(
              `Jacobian mismatch for output ${oi} with respect to input ${xs.indexOf(x)},\n` +
                `numerical:${num}\nanalytical:${ana}\n(output element ${j}, input element ${i})`,
            );
          }
        }
      }
    }
  }
  return true;
}
