// wasmAdamUpdate: the CPU backend's fused Adam/AdamW update of float32 arrays on the wasm
// function of adam.ts, on the calling thread's unshared runtime. The arrays go through the
// wasm memory in blocks of BLOCK floats (copied in, updated, copied out while still in
// cache), so the copies cost about what the TypeScript loop's own loads and stores do, and
// the update runs two doubles per instruction instead of one element per iteration of a
// scalar loop. Same bits as the TypeScript kernel (adam.ts says why). Declines (false) for
// other dtypes and for arrays under minAdamElements.
import type { NumArray } from "../../dtype.ts";
import type { AdamUpdate } from "../backend.ts";
import { FLAG, HP, HP_BYTES } from "./adam.ts";
import { dataBase, memoryViews } from "./pool.ts";
import { ensureBytes, getLocalRuntime } from "./runtime.ts";
import { minAdamElements, roundUp } from "./thresholds.ts";

/** Floats per array per block: five arrays of 32 KiB stay in L2 between copy-in and copy-out. */
const BLOCK = 8192;

export function wasmAdamUpdate(p: NumArray, g: NumArray, m: NumArray, v: NumArray, vmax: NumArray | null, h: AdamUpdate): boolean {
  const n = p.length;
  if (n < minAdamElements || !(p instanceof Float32Array) || !(g instanceof Float32Array) || !(m instanceof Float32Array) || !(v instanceof Float32Array)) return false;
  if (vmax !== null && !(vmax instanceof Float32Array)) return false;
  const rt = getLocalRuntime();
  if (!rt) return false;
  const hp = dataBase(rt, 1);
  const block = Math.min(BLOCK, roundUp(n, 4));
  const at = [0, 1, 2, 3, 4].map((i) => hp + HP_BYTES + i * block * 4);
  if (!ensureBytes(rt, at[4]! + block * 4)) return false;
  const { mem, words } = memoryViews(rt);
  const f64 = new Float64Array(mem.buffer, hp, HP.SIGN / 8);
  f64[HP.BETA1 / 8] = h.beta1;
  f64[HP.A1 / 8] = 1 - h.beta1;
  f64[HP.BETA2 / 8] = h.beta2;
  f64[HP.A2 / 8] = 1 - h.beta2;
  f64[HP.KEEP / 8] = 1 - h.lr * h.weightDecay;
  f64[HP.WD / 8] = h.weightDecay;
  f64[HP.STEP_SIZE / 8] = h.stepSize;
  f64[HP.BC2_SQRT / 8] = h.biasCorrection2Sqrt;
  f64[HP.EPS / 8] = h.eps;
  words[(hp + HP.SIGN) / 4] = h.maximize ? -0x80000000 : 0;
  const flags = (h.weightDecay !== 0 ? (h.decoupled ? FLAG.DECOUPLED : FLAG.COUPLED) : 0) | (vmax !== null ? FLAG.AMSGRAD : 0);
  const arrays = vmax !== null ? [p, g, m, v, vmax] : [p, g, m, v];
  for (let s = 0; s < n; s += block) {
    const e = Math.min(n, s + block);
    for (let i = 0; i < arrays.length; i++) mem.set(arrays[i]!.subarray(s, e), at[i]! / 4);
    // a last block of n % 4 floats runs its tail lanes on stale floats that are never copied out
    rt.exports.adam(at[0]!, at[1]!, at[2]!, at[3]!, at[4]!, roundUp(e - s, 4) * 4, hp, flags);
    for (let i = 0; i < arrays.length; i++) if (i !== 1) arrays[i]!.set(mem.subarray(at[i]! / 4, at[i]! / 4 + e - s), s);
  }
  return true;
}
