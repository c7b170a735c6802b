// Fused optimizer updates (the foreach fast path of torch.optim): one pass per parameter.
import type { NumArray } from "../../dtype.ts";
import type { AdamUpdate } from "../backend.ts";
import { wasmAdamUpdate } from "../wasm/adamUpdate.ts";

/**
 * PyTorch 1.13 _single_tensor_adam(w), op by op: each op's result rounded to the arrays' dtype,
 * as ATen's kernels round, and the three multiply-adds ATen's vectorized kernels fuse rounded
 * once. Float32 arrays: Math.fround after every op, the Python scalars rounded to float32 as
 * ATen casts them, a fused multiply-add as the exact product plus the addend in double, rounded
 * once (src/backends/wasm/adam.ts: the wasm kernel's bits, and PyTorch's). Float64 arrays:
 * double throughout, the multiply-adds rounded twice.
 */
export function adamUpdate(p: NumArray, g: NumArray, m: NumArray, v: NumArray, vmax: NumArray | null, h: AdamUpdate): void {
  if (p instanceof Float32Array) {
    if (!wasmAdamUpdate(p, g, m, v, vmax, h)) adamUpdateAs(Math.fround, p, g, m, v, vmax, h);
  } else adamUpdateAs((x) => x, p, g, m, v, vmax, h);
}

/** The update with every op's result (and every scalar) rounded by `r`. */
function adamUpdateAs(r: (x: number) => number, p: NumArray, g: NumArray, m: NumArray, v: NumArray, vmax: NumArray | null, h: AdamUpdate): void {
  const { weightDecay, decoupled, maximize } = h;
  const [beta1, a1, beta2, a2, keep, wd, negStepSize, bc2Sqrt, eps] =
    [h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, 1 - h.lr * weightDecay, weightDecay, -h.stepSize, h.biasCorrection2Sqrt, h.eps].map(r) as number[] as
    [number, number, number, number, number, number, number, number, number];
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    let pi = p[i]!;
    if (decoupled) {
      if (weightDecay !== 0) pi = r(pi * keep); // param.mul_(1 - lr * weight_decay)
    } else if (weightDecay !== 0) gi = r(wd * pi + gi); // grad.add(param, alpha=weight_decay)
    const mi = r(a1 * gi + r(m[i]! * beta1)); // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    const vi = r(gi * r(a2 * gi) + r(v[i]! * beta2)); // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    m[i] = mi;
    v[i] = vi;
    let vv = vi;
    if (vmax !== null) {
      const a = vmax[i]!;
      vmax[i] = a !== a || a > vv ? a : vv; // torch.maximum: NaN propagates
      vv = vmax[i]!;
    }
    const denom = r(r(r(Math.sqrt(vv)) / bc2Sqrt) + eps); // (v.sqrt() / bias_correction2_sqrt).add_(eps)
    p[i] = r(pi + r(r(negStepSize * mi) / denom)); // param.addcdiv_(exp_avg, denom, value=-step_size)
  }
}
