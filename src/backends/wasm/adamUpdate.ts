// wasmAdamUpdate: the CPU backend's fused Adam/AdamW update of float32 arrays on the wasm
// function of adam.ts. Same bits as the TypeScript kernel (adam.ts says why). The update is
// bound by its double divisions and square root, not by memory, so large parameters are split
// over the threads: blocks of PIPE_BLOCK floats go through three slots of the shared memory,
// the calling thread copying block b + 1 in and block b - 1 out while the workers (and then
// the calling thread too) update block b. Smaller ones run on the calling thread's unshared
// runtime in blocks of BLOCK floats (copied in, updated, copied out while still in cache).
// Declines (false) for other dtypes and for arrays under minAdamElements.
import type { NumArray } from "../../dtype.ts";
import type { AdamUpdate } from "../backend.ts";
import { AJ, FLAG, HP, HP_BYTES } from "./adam.ts";
import { coresFree, dataBase, finishJob, memoryViews, startJob, startThreads } from "./pool.ts";
import { ensureBytes, getLocalRuntime, getRuntime, type Runtime } from "./runtime.ts";
import { KIND, KIND_WORD } from "./sgemm.ts";
import { minAdamElements, minParallelAdamElements, roundUp } from "./thresholds.ts";

/** Floats per array per block on one thread: five arrays of 32 KiB stay in L2 between copy-in and copy-out. */
const BLOCK = 8192;
/** Floats per array per block of the split update, and its chunks (a block is one job). */
const PIPE_BLOCK = 16384;
const PIPE_CHUNKS = 4;

/** Writes the hyper-parameters at byte hp; returns the flags word. */
function writeHyper(rt: Runtime, hp: number, h: AdamUpdate, amsgrad: boolean): number {
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
  return (h.weightDecay !== 0 ? (h.decoupled ? FLAG.DECOUPLED : FLAG.COUPLED) : 0) | (amsgrad ? FLAG.AMSGRAD : 0);
}

export function wasmAdamUpdate(p: NumArray, g: NumArray, m: NumArray, v: NumArray, vmax: NumArray | null, h: AdamUpdate): boolean {
  const n = p.length;
  if (n < minAdamElements || !(p instanceof Float32Array) || !(g instanceof Float32Array) || !(m instanceof Float32Array) || !(v instanceof Float32Array)) return false;
  if (vmax !== null && !(vmax instanceof Float32Array)) return false;
  // p, g, m, v (, vmax): g is only read
  const arrays = vmax !== null ? [p, g, m, v, vmax] : [p, g, m, v];
  if (n >= minParallelAdamElements && coresFree()) {
    const rt = getRuntime();
    if (rt && startThreads(rt) > 1) return splitUpdate(rt, arrays, n, h);
  }
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

/** The update split over the threads, block by block through three slots (see the top). */
function splitUpdate(rt: Runtime, arrays: Float32Array[], n: number, h: AdamUpdate): boolean {
  const hp = dataBase(rt, startThreads(rt));
  const slotBytes = arrays.length * PIPE_BLOCK * 4;
  const slots = hp + HP_BYTES;
  if (!ensureBytes(rt, slots + 3 * slotBytes)) return false;
  const flags = writeHyper(rt, hp, h, arrays.length === 5);
  const { mem, ctl } = memoryViews(rt);
  const at = (b: number, i: number) => slots + (b % 3) * slotBytes + i * PIPE_BLOCK * 4;
  const blocks = Math.ceil(n / PIPE_BLOCK);
  const range = (b: number) => [b * PIPE_BLOCK, Math.min(n, (b + 1) * PIPE_BLOCK)] as const;
  const copyIn = (b: number) => {
    const [s, e] = range(b);
    for (let i = 0; i < arrays.length; i++) mem.set(arrays[i]!.subarray(s, e), at(b, i) / 4);
  };
  const copyOut = (b: number) => {
    const [s, e] = range(b);
    for (let i = 0; i < arrays.length; i++) if (i !== 1) arrays[i]!.set(mem.subarray(at(b, i) / 4, at(b, i) / 4 + e - s), s);
  };
  copyIn(0);
  for (let b = 0; b < blocks; b++) {
    const [s, e] = range(b);
    const bytes = roundUp(e - s, 4) * 4;
    const chunkBytes = roundUp(Math.ceil(bytes / PIPE_CHUNKS), 16);
    for (const [w, i] of [[AJ.P, 0], [AJ.G, 1], [AJ.M, 2], [AJ.V, 3], [AJ.VMAX, 4]] as const) ctl[w] = i < arrays.length ? at(b, i) : 0;
    ctl[AJ.HP] = hp; ctl[AJ.FLAGS] = flags; ctl[AJ.BYTES] = bytes; ctl[AJ.CHUNK_BYTES] = chunkBytes;
    ctl[KIND_WORD] = KIND.ADAM;
    startJob(rt, Math.ceil(bytes / chunkBytes));
    if (b + 1 < blocks) copyIn(b + 1);
    if (b > 0) copyOut(b - 1);
    // the arrays are already partly updated: a failed chunk cannot fall back to TypeScript
    if (!finishJob(rt)) throw new Error("wasm Adam update: a chunk failed");
  }
  copyOut(blocks - 1);
  return true;
}
