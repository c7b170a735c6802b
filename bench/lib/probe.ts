// What the machine gives at the start of a run (bench/run.ts runs this in a child of its own
// and records the result): the cost of a first touch of a fresh page, memory bandwidth at a
// cache-resident and at a DRAM-sized working set, and torch-ts's wasm GEMM kernel on operands
// already in its memory at 1 and 2 threads, and how steady the CPU's speed is over a few
// seconds. Page faults and bandwidth both moved results between runs on the shared VM; the
// GEMM rate and the bandwidth give each workload's limit.
//   node --import tsx bench/lib/probe.ts      prints one JSON line
import { readFileSync } from "node:fs";
import { median } from "./measure.ts";
import { getRuntime, ensureBytes } from "../../src/backends/wasm/runtime.ts";
import { dataBase, memoryViews, setNumThreads, startThreads } from "../../src/backends/wasm/pool.ts";
import { runGemm } from "../../src/backends/wasm/matmul.ts";

export interface Probe {
  /** Microseconds for the first write to each 4 KiB page of a fresh 64 MiB buffer. */
  pageFaultUs: number;
  /** /sys/kernel/mm/transparent_hugepage/enabled's choice ("always" makes faults 2 MiB at a time). */
  transparentHugePages: string;
  /** Copy bandwidth (bytes read + bytes written per second, GB/s): 4 MiB buffers (in the L3 cache) and 256 MiB (DRAM). */
  cacheGBs: number;
  dramGBs: number;
  /** The wasm GEMM kernel, n = GEMM_N square, operands resident: GFLOP/s by thread count. */
  gemmGflops: Record<string, number>;
  gemmN: number;
  /**
   * The same fixed scalar loop (no memory traffic, one thread) timed back to back for a few
   * seconds: on this shared VM a loop's time moved between 10 and 23 ms within seconds
   * (2026-12-02), which no ratio of medians survives unless the engines' rounds interleave.
   */
  steadiness?: { minMs: number; medianMs: number; p90Ms: number; seconds: number };
}

const GEMM_N = 512;
const now = () => performance.now();

function pageFaultUs(): number {
  const bytes = 64 * 2 ** 20;
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const a = new Uint8Array(bytes); // calloc'd: its pages are mapped on first touch
    const t0 = now();
    for (let i = 0; i < bytes; i += 4096) a[i] = 1;
    runs.push(((now() - t0) * 1000) / (bytes / 4096));
  }
  return median(runs);
}

/** Best of `reps` copies of `bytes` (already touched), as GB/s of traffic (read + write). */
function copyGBs(bytes: number, reps: number): number {
  const src = new Float64Array(bytes / 8).fill(1);
  const dst = new Float64Array(bytes / 8).fill(2);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    dst.set(src);
    best = Math.min(best, now() - t0);
  }
  return (2 * bytes) / (best / 1000) / 1e9;
}

/** Median GFLOP/s of the kernel on resident n x n operands, 1 and 2 threads alternating. */
async function gemmGflops(): Promise<Record<string, number>> {
  const rt = getRuntime();
  if (!rt) return {};
  setNumThreads(2);
  startThreads(rt);
  await new Promise((r) => setTimeout(r, 500)); // the worker comes up
  const n = GEMM_N;
  const base = dataBase(rt, 2);
  const A = base, B = A + n * n * 4, C = B + n * n * 4;
  ensureBytes(rt, C + n * n * 4);
  const { mem } = memoryViews(rt);
  for (let i = 0; i < 2 * n * n; i++) mem[A / 4 + i] = Math.random() - 0.5;
  const job = { A, B, C, batch: 1, m: n, k: n, n, lda: n * 4, aks: 4, ldb: n * 4, ldc: n * 4, aBatch: 0, bBatch: 0, cBatch: 0 };
  const times: Record<string, number[]> = { 1: [], 2: [] };
  for (let r = 0; r < 30; r++) {
    for (const threads of [1, 2]) {
      const t0 = now();
      if (!runGemm(rt, threads, job)) throw new Error("the GEMM probe failed");
      times[threads]!.push(now() - t0);
    }
  }
  const rate = (ms: number[]) => (2 * n ** 3) / (median(ms.slice(5)) / 1000) / 1e9;
  return { 1: rate(times[1]!), 2: rate(times[2]!) };
}

/** Times of one fixed scalar loop, back to back for `seconds`. */
function steadiness(seconds: number): NonNullable<Probe["steadiness"]> {
  const a = new Float64Array(4096).fill(1.0001);
  const loop = (): number => {
    let x = 0;
    for (let r = 0; r < 500; r++) for (let i = 0; i < 4096; i++) x += a[i]! * a[(i * 7) & 4095]!;
    return x;
  };
  loop();
  const times: number[] = [];
  const t0 = now();
  let sink = 0;
  while (now() - t0 < seconds * 1000) {
    const t = now();
    sink += loop();
    times.push(now() - t);
  }
  if (sink === 0) throw new Error("unreachable: the loop's sum is positive");
  times.sort((x, y) => x - y);
  return { minMs: times[0]!, medianMs: median(times), p90Ms: times[Math.floor(times.length * 0.9)]!, seconds: (now() - t0) / 1000 };
}

export async function probe(): Promise<Probe> {
  let thp = "unknown";
  try {
    thp = /\[(\w+)\]/.exec(readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8"))?.[1] ?? thp;
  } catch { /* not Linux */ }
  return {
    pageFaultUs: pageFaultUs(),
    transparentHugePages: thp,
    cacheGBs: copyGBs(4 * 2 ** 20, 40),
    dramGBs: copyGBs(256 * 2 ** 20, 5),
    gemmGflops: await gemmGflops(),
    gemmN: GEMM_N,
    steadiness: steadiness(3),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(JSON.stringify(await probe()) + "\n");
  process.exit(0);
}
