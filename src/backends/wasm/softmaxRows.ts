// wasmSoftmax: softmax or log-softmax over the last dimension of float32 data on the wasm
// kernel of softmax.ts (the rows are copied in, split into chunks over the threads, and
// copied out); wasmSoftmaxBackward: their input gradient from the output and the upstream
// gradient, on the same kernel. It declines (returns false, so the TypeScript kernel runs) for other dtypes,
// small inputs, and where WebAssembly SIMD is unavailable.
import type { NumArray } from "../../dtype.ts";
import { minSoftmaxElements } from "./thresholds.ts";
import { coresFree, dataBase, memoryViews, runJob, workerCount } from "./pool.ts";
import { ensureBytes, getLocalRuntime, getRuntime } from "./runtime.ts";
import { KIND, KIND_WORD } from "./sgemm.ts";
import { S } from "./softmax.ts";

/** Below this many elements the job runs on the calling thread alone (no worker wake-up). */
const MIN_SHARED = 1 << 18;

/** Rows per chunk: about 16 KiB of data, so threads share a job in several pieces. */
const CHUNK_FLOATS = 4096;

/** out[o, :] = softmax(x[o, :]) (log: log-softmax) for `outer` contiguous rows of r floats. */
export function wasmSoftmax(x: NumArray, outer: number, r: number, out: NumArray, log = false): boolean {
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  return runRows(x, null, outer, r, out, log);
}

/**
 * out[o, :] = the input gradient of softmax (log: log-softmax) for `outer` contiguous rows of r
 * floats of its output y and upstream gradient g: (g - sum(g * y)) * y (log: g - exp(y) * sum(g)).
 */
export function wasmSoftmaxBackward(y: NumArray, g: NumArray, outer: number, r: number, out: NumArray, log: boolean): boolean {
  if (!(y instanceof Float32Array) || !(g instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  return runRows(y, g, outer, r, out, log);
}

/** The softmax job over x's rows: the forward pass, or with g its gradient (x holding the output y). */
function runRows(x: Float32Array, g: Float32Array | null, outer: number, r: number, out: Float32Array, log: boolean): boolean {
  const total = outer * r;
  if (total === 0 || total < minSoftmaxElements) return false;
  // split over the threads from MIN_SHARED elements (the threaded runtime) when there are workers
  // to split over, else on this thread (its unshared memory: plain memcpy in and out, runtime.ts)
  const shared = total >= MIN_SHARED && workerCount() > 0 && coresFree();
  const rt = shared ? getRuntime() : getLocalRuntime();
  if (!rt) return false;
  // x, (g,) out one after the other; a row's last vector is read whole: up to 12 bytes past
  // the last row of g and of out
  const base = dataBase(rt, 1), G = base + total * 4, OUT = g ? G + total * 4 : G;
  if (!ensureBytes(rt, OUT + total * 4 + 16)) return false;
  const { mem, ctl } = memoryViews(rt);
  mem.set(x.subarray(0, total), base / 4);
  if (g) mem.set(g.subarray(0, total), G / 4);
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_FLOATS / r));
  ctl[S.SRC] = base; ctl[S.DST] = OUT; ctl[S.R] = r; ctl[S.ROWS] = outer; ctl[S.ROWS_PER_CHUNK] = rowsPerChunk; ctl[S.LOG] = log ? 1 : 0;
  ctl[S.BACKWARD] = g ? 1 : 0; ctl[S.GRAD] = G;
  ctl[KIND_WORD] = KIND.SOFTMAX;
  if (!runJob(rt, Math.ceil(outer / rowsPerChunk), shared)) return false;
  out.set(mem.subarray(OUT / 4, OUT / 4 + total));
  return true;
}
