// wasmMaxPool2x2 / wasmMaxPool2x2Backward: the CPU backend's max pooling and its gradient for
// the common 2x2 window with stride 2 (no padding, no dilation) on the wasm functions of
// maxPool.ts: the inputs are copied in and the results out; they equal the TypeScript
// kernels' bit for bit. They decline (return false) for other geometries and dtypes, small
// inputs, and where WebAssembly SIMD is missing; the gradient also where the windows do not
// tile the plane exactly (an odd height or width).
import type { NumArray } from "../../dtype.ts";
import type { Im2colGeometry } from "../backend.ts";
import { minElementwise } from "./thresholds.ts";
import { dataBase, memoryViews } from "./pool.ts";
import { ensureBytes, getLocalRuntime } from "./runtime.ts";

/** The 2x2 stride-2 geometry both functions take. */
function is2x2(g: Im2colGeometry): boolean {
  return g.kh === 2 && g.kw === 2 && g.sh === 2 && g.sw === 2 && g.ph === 0 && g.pw === 0 && g.dh === 1 && g.dw === 1;
}

/** x: planes [n, h, w] (g.c = 1); values, indices: [n, oh*ow]. */
export function wasmMaxPool2x2(x: NumArray, g: Im2colGeometry, values: NumArray, indices: Int32Array): boolean {
  const { n, h, w, oh, ow } = g;
  if (!(x instanceof Float32Array) || !(values instanceof Float32Array)) return false;
  if (!is2x2(g) || 2 * oh > h || 2 * ow > w) return false;
  const total = n * h * w, L = oh * ow;
  if (total === 0 || L === 0 || total < minElementwise) return false;
  const rt = getLocalRuntime();
  if (!rt) return false;
  // slack after each region: a row's last four columns read eight floats and write four
  const LANES = dataBase(rt, 1), X = LANES + 16, V = X + (total + 8) * 4, I = V + (n * L + 4) * 4, end = I + (n * L + 4) * 4;
  if (!ensureBytes(rt, end)) return false;
  const { mem, words } = memoryViews(rt);
  mem.set(x.subarray(0, total), X / 4);
  words.set([0, 2, 4, 6], LANES / 4);
  rt.exports.maxPool2x2(X, V, I, n, h, w, oh, ow, LANES);
  values.set(mem.subarray(V / 4, V / 4 + n * L));
  indices.set(words.subarray(I / 4, I / 4 + n * L));
  return true;
}

/** grad, indices: [n, oh*ow] (contiguous); out: [n, h*w], every element written. */
export function wasmMaxPool2x2Backward(grad: NumArray, indices: Int32Array, g: Im2colGeometry, out: NumArray): boolean {
  const { n, h, w, oh, ow } = g;
  if (!(grad instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  if (!is2x2(g) || 2 * oh !== h || 2 * ow !== w) return false;
  const total = n * h * w, L = oh * ow;
  if (total === 0 || total < minElementwise) return false;
  const rt = getLocalRuntime();
  if (!rt) return false;
  const LANES = dataBase(rt, 1), G = LANES + 16, I = G + n * L * 4, O = I + n * L * 4, end = O + total * 4;
  if (!ensureBytes(rt, end)) return false;
  const { mem, words } = memoryViews(rt);
  mem.set(grad.subarray(0, n * L), G / 4);
  words.set(indices.subarray(0, n * L), I / 4);
  words.set([0, 2, 4, 6], LANES / 4);
  rt.exports.maxPool2x2Backward(G, I, O, n, h, w, oh, ow, LANES);
  out.set(mem.subarray(O / 4, O / 4 + total));
  return true;
}
