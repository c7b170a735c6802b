// When the wasm kernels take a job, in one place (the reasons in the comments below and
// docs/WASM.md); tests force the wasm path on tiny inputs by setting them to 0.

/** Below this many multiply-adds (batch*m*k*n) the TypeScript kernel wins; measured, see docs/WASM.md. */
export let minWork = 16 * 16 * 16;
/** Below this many multiply-adds per matrix (m*k*n) a batch of small products stays in TypeScript. */
export let minMatrixWork = 16 * 16 * 16;
/**
 * Below this many multiply-adds per thread a job runs on one thread. With workers that slept
 * between jobs, splitting small products lost to one thread in a training step (W5 at 2
 * threads, same-process A/B: 96^3 62.9 ms, 256^3 54.0 ms, 1 thread 53.0 ms), and 256^3 kept
 * W2's products (at most 25.7M multiply-adds) on one thread. Workers now poll between jobs
 * while the cores are free (pool.ts), and a polling worker ran W2's products as fast per
 * chunk as the calling thread: 128x256x256 (8.4M) took 0.42 against 0.90 ms on one thread,
 * 128x784x256 1.49 against 2.56 (medians of 40, alternating), while 1024x16x64 (1M) gained
 * nothing (0.075 against 0.072 ms). 2^21 per thread splits W5's products (4.2M and up) and
 * keeps W4's linear layers (3.1M, ~2% of its step) on one thread.
 */
export let minWorkPerThread = 1 << 21;
/**
 * The same for a convolution's products (W4, a LeNet step: 7.5M and 15.4M multiply-adds per
 * product). With workers that slept between jobs two threads had measured 12.5 against 10.4
 * ms per step at 2M per thread, so convolutions stayed on one thread (16M). With polling
 * workers the split pays: 2t W4 steps 9.69, 9.99, 10.16 ms at 2M per thread against 10.98,
 * 11.10, 10.97 unsplit (1t 10.94-11.11; medians of 200 steps, processes alternated, Xeon
 * with AVX-512, 2026-12-02).
 */
export let minConvWorkPerThread = 1 << 21;
/** Below this many elements softmax stays in TypeScript (the copies would dominate). */
export let minSoftmaxElements = 4096;
/**
 * Below this many output elements binary/unary ops stay in TypeScript (call and copy
 * overhead). Measured, a contiguous float32 multiply: 256 elements 0.60 us in TypeScript and
 * 0.50 on wasm, 512: 1.02 and 0.73, 4096: 8.0 and 3.0.
 */
export let minElementwise = 512;

/**
 * From this many floats per row, .contiguous() of a view copies row by row in TypeScript (one
 * memcpy per row) instead of on wasm (copy the span in, gather, copy out). Measured (medians
 * of 7x200, Xeon with AVX-512, 2026-12-02), wasm against TypeScript: rows of 784 (a [64, 6,
 * 784] permuted) 0.27 against 0.11 ms, 512 ([8, 64, 512]) 0.20-0.32 against 0.09-0.10, 256
 * ([16, 8, 256]) 0.014 both, 128 ([4, 32, 128]) 0.014 against 0.016-0.017, 100 ([64, 16,
 * 100]) 0.043-0.051 against 0.043-0.047; shorter rows lose more in TypeScript (per-row calls).
 */
export let maxGatherRow = 256;

/**
 * Below this many elements a fused Adam update stays in TypeScript. Measured, one step of a
 * float32 parameter: 64 elements 1.1 us in TypeScript and 2.2 on wasm, 256: 3.0 and 1.9,
 * 1024: 13.5 and 4.8, 4096: 50 and 19.
 */
export let minAdamElements = 256;

/**
 * How long an idle worker polls for the next job before it sleeps (microseconds). A worker
 * woken from sleep for each product of a training step lost the step's gain: on the 2-vCPU
 * VM the woken thread was often run on the caller's vCPU, which then waited (docs/WASM.md).
 */
export let workerSpinUs = 2000;
/** Polls of the job's done count by the calling thread before it sleeps on it. */
export let mainPolls = 100000;
/**
 * Whether to watch this process's CPU time and run jobs on one thread while other processes
 * take the cores (pool.ts coresFree); off: split whenever a job is large enough.
 */
export let checkCoresFree = true;
/**
 * The share of a window the calling thread may wait for a CPU (Linux run delay) before workers
 * sleep between the jobs of the next window (pool.ts: V8's collector threads want the core).
 */
export let maxRunDelay = 0.1;

/** Overrides the wasm kernels' thresholds (tests force the wasm path on tiny sizes with 0). */
export function setWasmThresholds(t: {
  minWork?: number; minMatrixWork?: number; minWorkPerThread?: number; minConvWorkPerThread?: number; minSoftmaxElements?: number; minElementwise?: number; maxGatherRow?: number; minAdamElements?: number;
  workerSpinUs?: number; mainPolls?: number; checkCoresFree?: boolean; maxRunDelay?: number;
}): void {
  if (t.minWork !== undefined) minWork = t.minWork;
  if (t.minMatrixWork !== undefined) minMatrixWork = t.minMatrixWork;
  if (t.minWorkPerThread !== undefined) minWorkPerThread = t.minWorkPerThread;
  if (t.minConvWorkPerThread !== undefined) minConvWorkPerThread = t.minConvWorkPerThread;
  if (t.minSoftmaxElements !== undefined) minSoftmaxElements = t.minSoftmaxElements;
  if (t.minElementwise !== undefined) minElementwise = t.minElementwise;
  if (t.maxGatherRow !== undefined) maxGatherRow = t.maxGatherRow;
  if (t.minAdamElements !== undefined) minAdamElements = t.minAdamElements;
  if (t.workerSpinUs !== undefined) workerSpinUs = t.workerSpinUs;
  if (t.mainPolls !== undefined) mainPolls = t.mainPolls;
  if (t.checkCoresFree !== undefined) checkCoresFree = t.checkCoresFree;
  if (t.maxRunDelay !== undefined) maxRunDelay = t.maxRunDelay;
}

/** x rounded up to a multiple of r (the kernels' padded sizes). */
export const roundUp = (x: number, r: number) => Math.ceil(x / r) * r;
