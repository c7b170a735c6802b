// Matrix products and convolutions on the tiled GEMM (gemm.ts), and im2col/col2im.
//
// matmul reads both operands through their strides (transposed and broadcast-batch operands
// in place). The convolution forward and its weight gradient read the im2col matrix straight
// from the image inside the GEMM's tile copy (implicit GEMM: no column buffer); the input
// gradient forms W^T @ gy per image into a column buffer and folds it back with col2im, a
// gather (each image element sums the window positions that read it), so no atomics are needed
// and the result does not depend on scheduling.
import { RuntimeError } from "../../errors.ts";
import type { Im2colGeometry, StridedView } from "../backend.ts";
import { scalarTypeName, type GPUArray } from "./array.ts";
import { GEMM_PARAMS, TILE, gemm } from "./gemm.ts";
import { reduce } from "./reduce.ts";
import { grid, type WebGPURuntime } from "./runtime.ts";
import { FLAT_INDEX, LIB, MAIN_256, ParamWriter, paramsDecl, storageDecl } from "./wgsl.ts";

function checkFloat(op: string, ...xs: GPUArray[]): void {
  for (const x of xs) if (x.dtype !== "float32") throw new RuntimeError(`"${op}" not implemented for '${scalarTypeName(x.dtype)}' on webgpu`);
}

export function matmul(rt: WebGPURuntime, a: StridedView<GPUArray>, b: StridedView<GPUArray>, out: GPUArray, batch: number, m: number, k: number, n: number): void {
  const dt = out.dtype;
  if ((dt !== "float32" && dt !== "int32") || a.data.dtype !== dt || b.data.dtype !== dt) {
    throw new RuntimeError(`"bmm" not implemented for '${scalarTypeName(a.data.dtype !== dt ? a.data.dtype : b.data.dtype !== dt ? b.data.dtype : dt)}' on webgpu`);
  }
  const type = dt === "float32" ? "f32" : "i32";
  const [sab, sam, sak] = a.strides as [number, number, number];
  const [sbb, sbk, sbn] = b.strides as [number, number, number];
  if (k === 0) {
    fillZero(rt, out, batch * m * n);
    return;
  }
  const aAlongK = sak === 1 || sam !== 1;
  const bAlongN = sbn === 1 || sbk !== 1;
  const p = new ParamWriter(GEMM_PARAMS + 12);
  p.length = GEMM_PARAMS;
  p.i32(a.data.offset + a.offset).i32(sab).i32(sam).i32(sak);
  p.i32(b.data.offset + b.offset).i32(sbb).i32(sbk).i32(sbn);
  p.u32(out.offset);
  // a and b may be one buffer (x @ x.T): two read-only bindings of it are allowed.
  const buffers = [a.data.buffer, b.data.buffer, out.buffer];
  gemm(
    rt,
    {
      key: `mm|${type}|${aAlongK}|${bAlongN}`,
      type,
      decls: [storageDecl(1, "A", dt, false), storageDecl(2, "B", dt, false), storageDecl(3, "C", dt, true)].join("\n"),
      readA: `fn readA(b: u32, i: u32, p: u32) -> ${type} { return A[pi(8u) + i32(b) * pi(9u) + i32(i) * pi(10u) + i32(p) * pi(11u)]; }`,
      readB: `fn readB(b: u32, p: u32, j: u32) -> ${type} { return B[pi(12u) + i32(b) * pi(13u) + i32(p) * pi(14u) + i32(j) * pi(15u)]; }`,
      writeC: `fn writeC(b: u32, i: u32, j: u32, v: ${type}) { C[pu(16u) + (b * pu(0u) + i) * pu(1u) + j] = v; }`,
      aAlongK,
      bAlongN,
    },
    p.words(),
    buffers,
    m,
    n,
    k,
    batch,
  );
}

function fillZero(rt: WebGPURuntime, out: GPUArray, n: number): void {
  const p = new ParamWriter(4).u32(n).u32(out.offset);
  const k = rt.kernel(`zero|${out.dtype}`, p.vec4s, () => `${paramsDecl(p.vec4s)}\n${storageDecl(1, "O", out.dtype, true)}\n${MAIN_256} {\n  ${FLAT_INDEX}\n  if (i < pu(0u)${out.dtype === "int64" ? " * 2u" : ""}) { O[pu(1u)${out.dtype === "int64" ? " * 2u" : ""} + i] = ${out.dtype === "float32" ? "0.0" : out.dtype === "int32" ? "0" : "0u"}; }\n}\n`);
  rt.dispatch(k, p.words(), [out.buffer], grid(Math.ceil((out.dtype === "int64" ? 2 * n : n) / 256)));
}

// ---- convolution geometry -------------------------------------------------------------
// Words 8..21: n c h w kh kw sh sw ph pw dh dw oh ow; 22..: the caller's offsets.
const G = GEMM_PARAMS;

function geometryParams(g: Im2colGeometry, extra: number): ParamWriter {
  const p = new ParamWriter(G + 14 + extra);
  p.length = G;
  for (const v of [g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow]) p.u32(v);
  return p;
}

/**
 * imageIndex(b, p, l): where column row p = (ci*kh + ki)*kw + kj, column l = oy*ow + ox of
 * image b reads the image (an element index from the image's start), or -1 for padding.
 */
const IMAGE_INDEX = `
fn imageIndex(b: u32, p: u32, l: u32) -> i32 {
  let kw = pu(13u);
  let kh = pu(12u);
  let kj = p % kw;
  let r = p / kw;
  let ki = r % kh;
  let ci = r / kh;
  let ow = pu(21u);
  let ox = l % ow;
  let oy = l / ow;
  let iy = i32(oy * pu(14u) + ki * pu(18u)) - pi(16u);
  let ix = i32(ox * pu(15u) + kj * pu(19u)) - pi(17u);
  let h = pi(10u);
  let w = pi(11u);
  if (iy < 0 || iy >= h || ix < 0 || ix >= w) { return -1; }
  return i32((b * pu(9u) + ci) * u32(h * w)) + iy * w + ix;
}`;

export function im2col(rt: WebGPURuntime, x: GPUArray, g: Im2colGeometry, padValue: number, out: GPUArray): void {
  checkFloat("im2col", x, out);
  const Kc = g.c * g.kh * g.kw;
  const L = g.oh * g.ow;
  const total = g.n * Kc * L;
  if (total === 0) return;
  const p = geometryParams(g, 4);
  p.u32(x.offset).u32(out.offset).f32(padValue).u32(total);
  const k = rt.kernel("im2col", p.vec4s, () => `${paramsDecl(p.vec4s)}
${storageDecl(1, "X", "float32", false)}
${storageDecl(2, "O", "float32", true)}
${LIB}
${IMAGE_INDEX}
${MAIN_256} {
  ${FLAT_INDEX}
  if (i >= pu(25u)) { return; }
  let L = pu(20u) * pu(21u);
  let Kc = pu(9u) * pu(12u) * pu(13u);
  let l = i % L;
  let p = (i / L) % Kc;
  let b = i / (L * Kc);
  let at = imageIndex(b, p, l);
  var v = pf(24u);
  if (at >= 0) { v = X[pu(22u) + u32(at)]; }
  O[pu(23u) + i] = v;
}
`);
  rt.dispatch(k, p.words(), [x.buffer, out.buffer], grid(Math.ceil(total / 256)));
}

/**
 * col2imSum(b, ci, iy, ix): the sum of the column entries that read image element (iy, ix)
 * of channel ci: for each kernel position (ki, kj) in order, the window (oy, ox) with
 * oy*sh - ph + ki*dh == iy (and the same for x), when there is one.
 */
const COL2IM_SUM = `
fn windowOf(pos: i32, k: u32, s: u32, pad: u32, d: u32, outSize: u32) -> i32 {
  let t = pos + i32(pad) - i32(k * d);
  if (t < 0 || t % i32(s) != 0) { return -1; }
  let o = t / i32(s);
  return select(-1, o, o < i32(outSize));
}`;

export function col2im(rt: WebGPURuntime, cols: GPUArray, g: Im2colGeometry, out: GPUArray): void {
  checkFloat("col2im", cols, out);
  const total = g.n * g.c * g.h * g.w;
  if (total === 0) return;
  const p = geometryParams(g, 3);
  p.u32(cols.offset).u32(out.offset).u32(total);
  const k = rt.kernel("col2im", p.vec4s, () => `${paramsDecl(p.vec4s)}
${storageDecl(1, "CL", "float32", false)}
${storageDecl(2, "O", "float32", true)}
${LIB}
${COL2IM_SUM}
${MAIN_256} {
  ${FLAT_INDEX}
  if (i >= pu(24u)) { return; }
  let w = pu(11u);
  let h = pu(10u);
  let ix = i % w;
  let iy = (i / w) % h;
  let bc = i / (w * h);
  let ci = bc % pu(9u);
  let b = bc / pu(9u);
  let kh = pu(12u);
  let kw = pu(13u);
  let L = pu(20u) * pu(21u);
  let Kc = pu(9u) * kh * kw;
  var s = 0.0;
  for (var ki = 0u; ki < kh; ki++) {
    let oy = windowOf(i32(iy), ki, pu(14u), pu(16u), pu(18u), pu(20u));
    if (oy < 0) { continue; }
    for (var kj = 0u; kj < kw; kj++) {
      let ox = windowOf(i32(ix), kj, pu(15u), pu(17u), pu(19u), pu(21u));
      if (ox < 0) { continue; }
      let row = (ci * kh + ki) * kw + kj;
      s += CL[pu(22u) + (b * Kc + row) * L + u32(oy) * pu(21u) + u32(ox)];
    }
  }
  O[pu(23u) + i] = s;
}
`);
  rt.dispatch(k, p.words(), [cols.buffer, out.buffer], grid(Math.ceil(total / 256)));
}

export function convForward(rt: WebGPURuntime, x: GPUArray, w: GPUArray, bias: GPUArray | null, g: Im2colGeometry, O: number, out: GPUArray): void {
  checkFloat("convolution", x, w, out, ...(bias ? [bias] : []));
  const Kc = g.c * g.kh * g.kw;
  const L = g.oh * g.ow;
  const p = geometryParams(g, 5);
  p.u32(x.offset).u32(w.offset).u32(bias?.offset ?? 0).u32(out.offset).u32(O);
  const buffers = [x.buffer, w.buffer, ...(bias ? [bias.buffer] : []), out.buffer];
  const hasBias = bias !== null;
  gemm(
    rt,
    {
      key: `conv|${hasBias}`,
      type: "f32",
      decls: [storageDecl(1, "X", "float32", false), storageDecl(2, "W", "float32", false), hasBias ? storageDecl(3, "BI", "float32", false) : "", storageDecl(hasBias ? 4 : 3, "C", "float32", true)].join("\n"),
      extra: IMAGE_INDEX,
      readA: `fn readA(b: u32, i: u32, p: u32) -> f32 { return W[pu(23u) + i * pu(2u) + p]; }`,
      readB: `fn readB(b: u32, p: u32, j: u32) -> f32 { let at = imageIndex(b, p, j); if (at < 0) { return 0.0; } return X[pu(22u) + u32(at)]; }`,
      writeC: `fn writeC(b: u32, i: u32, j: u32, v: f32) { C[pu(25u) + (b * pu(26u) + i) * pu(1u) + j] = v${hasBias ? " + BI[pu(24u) + i]" : ""}; }`,
      aAlongK: true,
      bAlongN: true,
    },
    p.words(),
    buffers,
    O,
    L,
    Kc,
    g.n,
  );
}

export function convInputGrad(rt: WebGPURuntime, gy: GPUArray, w: GPUArray, g: Im2colGeometry, O: number, out: GPUArray): void {
  checkFloat("convolution_backward", gy, w, out);
  const Kc = g.c * g.kh * g.kw;
  const L = g.oh * g.ow;
  if (g.n * g.c * g.h * g.w === 0) return;
  const dcols = rt.empty("float32", g.n * Kc * L);
  const p = geometryParams(g, 3);
  p.u32(gy.offset).u32(w.offset).u32(dcols.offset);
  // dcols[b] [Kc, L] = W^T [Kc, O] @ gy[b] [O, L]
  gemm(
    rt,
    {
      key: "convInputGrad",
      type: "f32",
      decls: [storageDecl(1, "GY", "float32", false), storageDecl(2, "W", "float32", false), storageDecl(3, "C", "float32", true)].join("\n"),
      readA: `fn readA(b: u32, i: u32, p: u32) -> f32 { return W[pu(23u) + p * pu(0u) + i]; }`,
      readB: `fn readB(b: u32, p: u32, j: u32) -> f32 { return GY[pu(22u) + (b * pu(2u) + p) * pu(1u) + j]; }`,
      writeC: `fn writeC(b: u32, i: u32, j: u32, v: f32) { C[pu(24u) + (b * pu(0u) + i) * pu(1u) + j] = v; }`,
      aAlongK: false,
      bAlongN: true,
    },
    p.words(),
    [gy.buffer, w.buffer, dcols.buffer],
    Kc,
    L,
    O,
    g.n,
  );
  col2im(rt, dcols, g, out);
  dcols.block.release();
}

export function convWeightGrad(rt: WebGPURuntime, x: GPUArray, gy: GPUArray, g: Im2colGeometry, O: number, out: GPUArray): void {
  checkFloat("convolution_backward", x, gy, out);
  const Kc = g.c * g.kh * g.kw;
  const L = g.oh * g.ow;
  const K = g.n * L;
  if (O * Kc === 0) return;
  if (K === 0) {
    fillZero(rt, out, O * Kc);
    return;
  }
  // Few output tiles and a long K: split K so that about 64 workgroups run, then sum the splits.
  const tiles = Math.ceil(O / TILE) * Math.ceil(Kc / TILE);
  const splits = Math.max(1, Math.min(Math.ceil(K / 256), Math.ceil(64 / tiles)));
  const dst = splits > 1 ? rt.empty("float32", splits * O * Kc) : out;
  const p = geometryParams(g, 3);
  p.u32(x.offset).u32(gy.offset).u32(dst.offset);
  // out [O, Kc] = sum over q = (image, pixel) of gy[image][o, pixel] * cols[image][kk, pixel]
  gemm(
    rt,
    {
      key: "convWeightGrad",
      type: "f32",
      decls: [storageDecl(1, "X", "float32", false), storageDecl(2, "GY", "float32", false), storageDecl(3, "C", "float32", true)].join("\n"),
      extra: IMAGE_INDEX,
      readA: `fn readA(b: u32, i: u32, q: u32) -> f32 { let L = pu(20u) * pu(21u); return GY[pu(23u) + ((q / L) * pu(0u) + i) * L + q % L]; }`,
      readB: `fn readB(b: u32, q: u32, j: u32) -> f32 { let L = pu(20u) * pu(21u); let at = imageIndex(q / L, j, q % L); if (at < 0) { return 0.0; } return X[pu(22u) + u32(at)]; }`,
      writeC: `fn writeC(s: u32, i: u32, j: u32, v: f32) { C[pu(24u) + (s * pu(0u) + i) * pu(1u) + j] = v; }`,
      aAlongK: true,
      bAlongN: false,
    },
    p.words(),
    [x.buffer, gy.buffer, dst.buffer],
    O,
    Kc,
    K,
    1,
    splits,
  );
  if (splits > 1) {
    reduce(rt, "sum", dst, 1, splits, O * Kc, out);
    dst.block.release();
  }
}
