// Fused optimizer updates (the foreach fast path of torch.optim): one pass per parameter.
import type { NumArray } from "../../dtype.ts";
import type { AdamUpdate } from "../backend.ts";
import { wasmAdamUpdate } from "../wasm/adamUpdate.ts";

/**
 * PyTorch 1.13 _single_tensor_adam(w): the stored tensors (param, exp_avg, exp_avg_sq,
 * max_exp_avg_sq) are written back with their own dtype's rounding, as the unfused ops do;
 * temporaries stay in double.
 */
export function adamUpdate(p: NumArray, g: NumArray, m: NumArray, v: NumArray, vmax: NumArray | null, h: AdamUpdate): void {
  if (wasmAdamUpdate(p, g, m, v, vmax, h)) return;
  const { beta1, beta2, eps, weightDecay, decoupled, maximize, stepSize, biasCorrection2Sqrt } = h;
  const keep = decoupled ? 1 - h.lr * weightDecay : 1;
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (decoupled) {
      if (weightDecay !== 0) p[i] = p[i] * keep;
    } else if (weightDecay !== 0) gi = gi + weightDecay * p[i];
    m[i] = m[i] * beta1 + a1 * gi;
    v[i] = v[i] * beta2 + a2 * gi * gi;
    let vv = v[i];
    if (vmax !== null) {
      const a = vmax[i];
      vmax[i] = a !== a || a > vv ? a : vv; // torch.maximum: NaN propagates
      vv = vmax[i];
    }
    const denom = Math.sqrt(vv) / biasCorrection2Sqrt + eps;
    p[i] = p[i] - (stepSize * m[i]) / denom;
  }
}
