// When the wasm kernels take a job, in one place (the reasons in the comments below and
// docs/WASM.md); tests force the wasm path on tiny inputs by setting them to 0.

/** Below this many multiply-adds (batch*m*k*n) the TypeScript kernel wins; measured, see docs/WASM.md. */
export let minWork = 16 * 16 * 16;
/** Below this many multiply-adds per matrix (m*k*n) a batch of small products stays in TypeScript. */
export let minMatrixWork = 16 * 16 * 16;
/**
 * Below this many multiply-adds per thread a job runs on one thread: in a training step
 * (other ops between the products, the worker asleep) splitting smaller jobs lost to one
 * thread (W5 at 2 threads, same-process A/B: 96^3 62.9 ms, 256^3 54.0 ms, 1 thread 53.0 ms).
 */
export let minWorkPerThread = 256 * 256 * 256;
/** Below this many elements softmax stays in TypeScript (the copies would dominate). */
export let minSoftmaxElements = 4096;
/**
 * Below this many output elements binary/unary ops stay in TypeScript (call and copy
 * overhead). Measured, a contiguous float32 multiply: 256 elements 0.60 us in TypeScript and
 * 0.50 on wasm, 512: 1.02 and 0.73, 4096: 8.0 and 3.0.
 */
export let minElementwise = 512;

/**
 * Below this many elements a fused Adam update stays in TypeScript. Measured, one step of a
 * float32 parameter: 64 elements 1.1 us in TypeScript and 2.2 on wasm, 256: 3.0 and 1.9,
 * 1024: 13.5 and 4.8, 4096: 50 and 19.
 */
export let minAdamElements = 256;

/** Overrides the wasm kernels' thresholds (tests force the wasm path on tiny sizes with 0). */
export function setWasmThresholds(t: { minWork?: number; minMatrixWork?: number; minWorkPerThread?: number; minSoftmaxElements?: number; minElementwise?: number; minAdamElements?: number }): void {
  if (t.minWork !== undefined) minWork = t.minWork;
  if (t.minMatrixWork !== undefined) minMatrixWork = t.minMatrixWork;
  if (t.minWorkPerThread !== undefined) minWorkPerThread = t.minWorkPerThread;
  if (t.minSoftmaxElements !== undefined) minSoftmaxElements = t.minSoftmaxElements;
  if (t.minElementwise !== undefined) minElementwise = t.minElementwise;
  if (t.minAdamElements !== undefined) minAdamElements = t.minAdamElements;
}

/** x rounded up to a multiple of r (the kernels' padded sizes). */
export const roundUp = (x: number, r: number) => Math.ceil(x / r) * r;
