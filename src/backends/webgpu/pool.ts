// Max pooling and its gradient. The forward pass is one invocation per window with the CPU
// kernel's rules (backends/cpu/pool.ts): window positions row by row, outside-image positions
// skipped, a strictly greater value or a NaN takes over, so ties keep the first and the last
// NaN wins. The gradient is a gather, one invocation per input element: it sums the
// gradients of the windows (in kernel-position order) whose recorded index names it, so it
// needs no atomics and does not depend on scheduling.
import { RuntimeError } from "../../errors.ts";
import type { Im2colGeometry } from "../backend.ts";
import { scalarTypeName, type GPUArray } from "./array.ts";
import { grid, type WebGPURuntime } from "./runtime.ts";
import { FLAT_INDEX, LIB, MAIN_256, ParamWriter, paramsDecl, storageDecl, store } from "./wgsl.ts";

/** Words 0..13: n h w kh kw sh sw ph pw dh dw oh ow (c is 1: planes), then offsets. */
function params(g: Im2colGeometry, extra: number): ParamWriter {
  const p = new ParamWriter(13 + extra);
  for (const v of [g.n * g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow]) p.u32(v);
  return p;
}

function checkIndices(indices: GPUArray): void {
  if (indices.dtype !== "int32" && indices.dtype !== "int64") throw new RuntimeError(`max_pool2d: indices must be int32 or int64, got ${indices.dtype}`);
}

export function maxPool2d(rt: WebGPURuntime, x: GPUArray, g: Im2colGeometry, values: GPUArray, indices: GPUArray): void {
  if (x.dtype !== "float32") throw new RuntimeError(`"max_pool2d" not implemented for '${scalarTypeName(x.dtype)}' on webgpu`);
  checkIndices(indices);
  const total = g.n * g.c * g.oh * g.ow;
  if (total === 0) return;
  const p = params(g, 4);
  p.u32(x.offset).u32(values.offset).u32(indices.offset).u32(total);
  const k = rt.kernel(`maxPool2d|${indices.dtype}`, p.vec4s, () => `${paramsDecl(p.vec4s)}
${storageDecl(1, "X", "float32", false)}
${storageDecl(2, "V", "float32", true)}
${storageDecl(3, "IX", indices.dtype, true)}
${LIB}
${MAIN_256} {
  ${FLAT_INDEX}
  if (i >= pu(16u)) { return; }
  let h = i32(pu(1u));
  let w = i32(pu(2u));
  let ow = pu(12u);
  let oh = pu(11u);
  let ox = i32(i % ow);
  let oy = i32((i / ow) % oh);
  let plane = i / (ow * oh);
  let base = pu(13u) + plane * u32(h * w);
  let hs = oy * pi(5u) - pi(7u);
  let ws = ox * pi(6u) - pi(8u);
  var best = 0.0;
  var bi = -1;
  for (var ki = 0; ki < pi(3u); ki++) {
    let iy = hs + ki * pi(9u);
    if (iy < 0 || iy >= h) { continue; }
    for (var kj = 0; kj < pi(4u); kj++) {
      let ix = ws + kj * pi(10u);
      if (ix < 0 || ix >= w) { continue; }
      let at = iy * w + ix;
      let v = X[base + u32(at)];
      if (bi < 0 || v > best || is_nan(v)) { best = v; bi = at; }
    }
  }
  V[pu(14u) + i] = best;
  ${store("IX", indices.dtype, "pu(15u) + i", "bi", "i32")}
}
`);
  rt.dispatch(k, p.words(), [x.buffer, values.buffer, indices.buffer], grid(Math.ceil(total / 256)));
}

export function maxPool2dBackward(rt: WebGPURuntime, gy: GPUArray, indices: GPUArray, g: Im2colGeometry, out: GPUArray): void {
  if (gy.dtype !== "float32") throw new RuntimeError(`"max_pool2d_backward" not implemented for '${scalarTypeName(gy.dtype)}' on webgpu`);
  checkIndices(indices);
  const total = g.n * g.c * g.h * g.w;
  if (total === 0) return;
  const p = params(g, 4);
  p.u32(gy.offset).u32(indices.offset).u32(out.offset).u32(total);
  const idx = indices.dtype === "int64" ? "bitcast<i32>(IX[2u * (pu(14u) + q)])" : "IX[pu(14u) + q]";
  const k = rt.kernel(`maxPool2dBackward|${indices.dtype}`, p.vec4s, () => `${paramsDecl(p.vec4s)}
${storageDecl(1, "GY", "float32", false)}
${storageDecl(2, "IX", indices.dtype, false)}
${storageDecl(3, "O", "float32", true)}
${LIB}
fn windowOf(pos: i32, k: i32, s: i32, pad: i32, d: i32, outSize: i32) -> i32 {
  let t = pos + pad - k * d;
  if (t < 0 || t % s != 0) { return -1; }
  let o = t / s;
  return select(-1, o, o < outSize);
}
${MAIN_256} {
  ${FLAT_INDEX}
  if (i >= pu(16u)) { return; }
  let w = pu(2u);
  let h = pu(1u);
  let ix = i32(i % w);
  let iy = i32((i / w) % h);
  let plane = i / (w * h);
  let me = iy * i32(w) + ix;
  let ow = pi(12u);
  let L = u32(pi(11u) * ow);
  var s = 0.0;
  for (var ki = 0; ki < pi(3u); ki++) {
    let oy = windowOf(iy, ki, pi(5u), pi(7u), pi(9u), pi(11u));
    if (oy < 0) { continue; }
    for (var kj = 0; kj < pi(4u); kj++) {
      let ox = windowOf(ix, kj, pi(6u), pi(8u), pi(10u), ow);
      if (ox < 0) { continue; }
      let q = plane * L + u32(oy * ow + ox);
      if (${idx} == me) { s += GY[pu(13u) + q]; }
    }
  }
  O[pu(15u) + i] = s;
}
`);
  rt.dispatch(k, p.words(), [gy.buffer, indices.buffer, out.buffer], grid(Math.ceil(total / 256)));
}
