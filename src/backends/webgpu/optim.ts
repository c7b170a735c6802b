// The fused Adam/AdamW update (backends/cpu/optim.ts's formulas, PyTorch 1.13's
// _single_tensor_adam), one invocation per element, in float32.
import { RuntimeError } from "../../errors.ts";
import type { AdamUpdate } from "../backend.ts";
import type { GPUArray } from "./array.ts";
import { grid, type WebGPURuntime } from "./runtime.ts";
import { FLAT_INDEX, LIB, MAIN_256, ParamWriter, paramsDecl, storageDecl } from "./wgsl.ts";

export function adamUpdate(rt: WebGPURuntime, param: GPUArray, grad: GPUArray, m: GPUArray, v: GPUArray, vmax: GPUArray | null, h: AdamUpdate): void {
  const arrays = [param, grad, m, v, ...(vmax ? [vmax] : [])];
  for (const a of arrays) {
    if (a.dtype !== "float32") throw new RuntimeError(`webgpu adam: expected float32 tensors, got ${a.dtype}`);
    if (a.length !== param.length) throw new RuntimeError(`webgpu adam: tensors of ${a.length} and ${param.length} elements`);
  }
  const n = param.length;
  if (n === 0) return;
  const p = new ParamWriter(20);
  p.u32(n);
  for (const a of arrays) p.u32(a.offset);
  p.length = 6;
  // 1 - beta is formed here in double: in float32, 1 - 0.999f is off by 1.3e-5 relative.
  p.f32(h.beta1).f32(h.beta2).f32(h.eps).f32(h.weightDecay).f32(h.decoupled ? 1 - h.lr * h.weightDecay : 1);
  p.f32(h.stepSize).f32(h.biasCorrection2Sqrt).u32(h.decoupled ? 1 : 0).u32(h.maximize ? 1 : 0);
  p.f32(1 - h.beta1).f32(1 - h.beta2);
  const amsgrad = vmax !== null;
  const k = rt.kernel(`adam|${amsgrad}`, p.vec4s, () => `${paramsDecl(p.vec4s)}
${storageDecl(1, "PA", "float32", true)}
${storageDecl(2, "G", "float32", false)}
${storageDecl(3, "M", "float32", true)}
${storageDecl(4, "V", "float32", true)}
${amsgrad ? storageDecl(5, "VM", "float32", true) : ""}
${LIB}
${MAIN_256} {
  ${FLAT_INDEX}
  if (i >= pu(0u)) { return; }
  let beta1 = pf(6u); let beta2 = pf(7u); let eps = pf(8u); let wd = pf(9u);
  let pi_ = pu(1u) + i;
  var g = G[pu(2u) + i];
  if (pu(14u) == 1u) { g = -g; }
  var p = PA[pi_];
  if (pu(13u) == 1u) {
    if (wd != 0.0) { p = p * pf(10u); }
  } else if (wd != 0.0) { g = g + wd * p; }
  let mi = pu(3u) + i;
  let vi = pu(4u) + i;
  let m = M[mi] * beta1 + pf(15u) * g;
  let v = V[vi] * beta2 + pf(16u) * g * g;
  M[mi] = m;
  V[vi] = v;
  var vv = v;
  ${amsgrad ? `let wi = pu(5u) + i; let a = VM[wi]; let mx = select(vv, a, is_nan(a) || a > vv); VM[wi] = mx; vv = mx;` : ""}
  let denom = sqrt(vv) / pf(12u) + eps;
  PA[pi_] = p - (pf(11u) * m) / denom;
}
`);
  rt.dispatch(k, p.words(), arrays.map((a) => a.buffer), grid(Math.ceil(n / 256)));
}
