// wasmAdamUpdate: the CPU backend's fused Adam/AdamW update of float32 arrays on the wasm
// function of adam.ts. Same bits as the TypeScript kernel (adam.ts says why). Runs on the
// calling thread's unshared runtime in blocks of BLOCK floats (copied in, updated, copied out
// while still in cache). It is bound by those copies: the float32 kernel updates a float in
// 0.58 ns, the copies in and out take about as long again, and an update split over two
// threads (the calling thread copying the next block into the shared memory while the
// workers update this one) measured 1.2-1.5x slower than one thread at 65,536 to 4M floats.
// Declines (false) for other dtypes and for arrays under minAdamElements.
import type { NumArray } from "../../dtype.ts";
import type { AdamUpdate } from "../backend.ts";
import { FLAG, HP, HP_BYTES } from "./adam.ts";
import { dataBase, memoryViews } from "./pool.ts";
import { ensureBytes, getLocalRuntime, type Runtime } from "./runtime.ts";
import { minAdamElements, roundUp } from "./thresholds.ts";

/** Floats per array per block on one thread: five arrays of 32 KiB stay in L2 between copy-in and copy-out. */
const BLOCK = 8192;

/** Writes the hyper-parameters at byte hp (float32, as ATen casts Python scalars); returns the flags word. */
function writeHyper(rt: Runtime, hp: number, h: AdamUpdate, amsgrad: boolean): number {
  const { mem, words } = memoryViews(rt);
  const at = (off: number, x: number) => { mem[(hp + off) / 4] = x; };
  at(HP.BETA1, h.beta1);
  at(HP.A1, 1 - h.beta1);
  at(HP.BETA2, h.beta2);
  at(HP.A2, 1 - h.beta2);
  at(HP.KEEP, 1 - h.lr * h.weightDecay);
  at(HP.WD, h.weightDecay);
  at(HP.NEG_STEP_SIZE, -h.stepSize);
  at(HP.BC2_SQRT, h.biasCorrection2Sqrt);
  at(HP.EPS, h.eps);
  words[(hp + HP.SIGN) / 4] = h.maximize ? -0x80000000 : 0;
  return (h.weightDecay !== 0 ? (h.decoupled ? FLAG.DECOUPLED : FLAG.COUPLED) : 0) | (amsgrad ? FLAG.AMSGRAD : 0);
}

export function wasmAdamUpdate(p: NumArray, g: NumArray, m: NumArray, v: NumArray, vmax: NumArray | null, h: AdamUpdate): boolean {
  const n = p.length;
  if (n < minAdamElements || !(p instanceof Float32Array) || !(g instanceof Float32Array) || !(m instanceof Float32Array) || !(v instanceof Float32Array)) return false;
  if (vmax !== null && !(vmax instanceof Float32Array)) return false;
  // p, g, m, v (, vmax): g is only read
  const arrays = vmax !== null ? [p, g, m, v, vmax] : [p, g, m, v];
  const rt = getLocalRuntime();
  if (!rt) return false;
  const hp = dataBase(rt, 1);
  const block = Math.min(BLOCK, roundUp(n, 4));
  const at = arrays.map((_, i) => hp + HP_BYTES + i * block * 4);
  if (!ensureBytes(rt, hp + HP_BYTES + arrays.length * block * 4)) return false;
  const flags = writeHyper(rt, hp, h, vmax !== null);
  const { mem } = memoryViews(rt);
  for (let s = 0; s < n; s += block) {
    const e = Math.min(n, s + block);
    for (let i = 0; i < arrays.length; i++) mem.set(arrays[i]!.subarray(s, e), at[i]! / 4);
    // a last block of n % 4 floats runs its tail lanes on stale floats that are never copied out
    rt.exports.adam(at[0]!, at[1]!, at[2]!, at[3]!, at[4] ?? 0, roundUp(e - s, 4) * 4, hp, flags);
    for (let i = 0; i < arrays.length; i++) if (i !== 1) arrays[i]!.set(mem.subarray(at[i]! / 4, at[i]! / 4 + e - s), s);
  }
  return true;
}
