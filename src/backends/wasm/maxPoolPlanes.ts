// wasmMaxPool2x2: the CPU backend's max pooling for the common 2x2 window with stride 2 (no
// padding, no dilation) on the wasm function of maxPool.ts: the planes are copied in, the
// values and indices copied out; both equal the TypeScript kernel's. It declines (returns
// false) for other geometries and dtypes, small inputs, and where WebAssembly SIMD is missing.
import type { NumArray } from "../../dtype.ts";
import type { Im2colGeometry } from "../backend.ts";
import { minElementwise } from "./thresholds.ts";
import { dataBase, memoryViews } from "./pool.ts";
import { ensureBytes, getRuntime } from "./runtime.ts";

/** x: planes [n, h, w] (g.c = 1); values, indices: [n, oh*ow]. */
export function wasmMaxPool2x2(x: NumArray, g: Im2colGeometry, values: NumArray, indices: Int32Array): boolean {
  const { n, h, w, oh, ow } = g;
  if (!(x instanceof Float32Array) || !(values instanceof Float32Array)) return false;
  if (g.kh !== 2 || g.kw !== 2 || g.sh !== 2 || g.sw !== 2 || g.ph !== 0 || g.pw !== 0 || g.dh !== 1 || g.dw !== 1) return false;
  if (2 * oh > h || 2 * ow > w) return false;
  const total = n * h * w, L = oh * ow;
  if (total === 0 || L === 0 || total < minElementwise) return false;
  const rt = getRuntime();
  if (!rt) return false;
  // slack after each region: a row's last four columns read eight floats and write four
  const LANES = dataBase(1), X = LANES + 16, V = X + (total + 8) * 4, I = V + (n * L + 4) * 4, end = I + (n * L + 4) * 4;
  if (!ensureBytes(rt, end)) return false;
  const { mem, words } = memoryViews(rt);
  mem.set(x.subarray(0, total), X / 4);
  words.set([0, 2, 4, 6], LANES / 4);
  rt.exports.maxPool2x2(X, V, I, n, h, w, oh, ow, LANES);
  values.set(mem.subarray(V / 4, V / 4 + n * L));
  indices.set(words.subarray(I / 4, I / 4 + n * L));
  return true;
}
