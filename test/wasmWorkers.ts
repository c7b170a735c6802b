// Starts the wasm worker pool for tests that check a job is split between threads: a product
// large enough to split starts the workers, which come up asynchronously (pool.ts).
import * as torch from "../src/index.ts";
import { setNumThreads } from "../src/backends/wasm/index.ts";
import { lastJobChunks, workerCount } from "../src/backends/wasm/pool.ts";

/** Sets 2 threads and waits (up to 5 s) until the one worker has started. */
export async function startTwoThreads(): Promise<void> {
  setNumThreads(2);
  for (let i = 0; i < 50 && workerCount() < 1; i++) {
    torch.ones([256, 256]).matmul(torch.ones([256, 256]));
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 200));
  if (workerCount() < 1) throw new Error("the wasm worker did not start");
}

/**
 * Runs job() up to `tries` times until the last wasm job had chunks run by a worker; returns
 * how many chunks the worker ran then (0: never). A worker asleep between jobs may wake too
 * late for one small job, hence the tries.
 */
export function workerChunks(job: () => void, tries = 200): number {
  for (let i = 0; i < tries; i++) {
    job();
    const { total, main } = lastJobChunks();
    if (main < total) return total - main;
  }
  return 0;
}
