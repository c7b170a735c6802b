// What a benchmark child process receives and prints back. One child runs one workload on
// one engine configuration, so its peak RSS belongs to that workload alone.

export type WorkloadId = "W0" | "W1" | "W2" | "W3" | "W4" | "W5";
export const WORKLOADS: readonly WorkloadId[] = ["W0", "W1", "W2", "W3", "W4", "W5"];

/** Passed to a child as one JSON argument (and to pytorch.py the same way). */
export interface ChildConfig {
  workload: WorkloadId;
  /** Thread count for engines that have one (PyTorch, tfjs-wasm, torch-ts); 0 = leave default. */
  threads: number;
  /** Extra per-engine setting: tfjs backend name ("cpu" | "wasm"). */
  backend?: string;
  /** Target timed repeats per metric, after warm-up. */
  repeats: number;
  /** Seconds one metric may spend in timed repeats before it stops early (>= 1 repeat). */
  budgetS: number;
  /** Seconds of warm-up per metric (at least 2 units). */
  warmupS: number;
  /**
   * Then, up to this many seconds of warm-up in all (0: none), windows of STEADY_WINDOW_S
   * until one is not STEADY_GAIN faster per unit than the one before it (measure.ts).
   */
  maxWarmupS?: number;
  /** Quick mode: a first unit slower than this many seconds is the only (and timed) run. */
  oneShotS?: number;
  /** W3 sizes. */
  matmulSizes: number[];
  /** W2 memory check: steps to run after timing (0 = none), and a wall-clock cap. */
  memSteps: number;
  memCapS: number;
}

export type Unit = "us/op" | "ms" | "GFLOP/s";

export interface Metric {
  /** Stable key, e.g. "W3 n=1024"; the table's row. */
  key: string;
  unit: Unit;
  /** For ms and us/op lower is better; GFLOP/s is derived from the median (and min) time. */
  median: number;
  /** The best repeat: lowest time, or highest GFLOP/s. */
  best: number;
  repeats: number;
  /** Units (ops, steps, matmuls) per timed repeat. */
  inner: number;
  /** --rounds: each round's median, in run order (the spread the merged median hides). */
  roundMedians?: number[];
  /** Share of the timed repeats' wall time spent in garbage collection (Node: perf_hooks "gc" entries; Python: gc.callbacks). */
  gcShare?: number;
  /**
   * The process's CPU time over the timed repeats' wall time, every thread counted (Node:
   * process.cpuUsage; Python: time.process_time): above the engine's own thread count where
   * the runtime's background threads (V8's concurrent marking, sweeping and compilers) take
   * a core's share, which a second compute thread then has to share.
   */
  cpuCores?: number;
  /** Seconds of warm-up before the timed repeats, and units run in it. */
  warmupS?: number;
  warmupUnits?: number;
  /** Node peers: the timed repeats' span on performance.now(), until the child turns it into gcShare. */
  window?: [number, number];
}

/** What one unit of a metric asks of the machine, counted on torch-ts's kernels (bench/lib/work.ts). */
export interface Work {
  /** Floating-point operations of the matrix products and convolutions (2 per multiply-add). */
  flop: number;
  /** Bytes the kernels read and write: each operand read once, each result written once. */
  bytes: number;
}

export interface MemoryCheck {
  steps: number;
  seconds: number;
  rssStartMB: number;
  rssEndMB: number;
  /** Node only: V8 heap used after a GC where exposed, else as observed. */
  heapStartMB?: number;
  heapEndMB?: number;
  /** tfjs only: live tensors at start and end (tfjs frees memory manually). */
  tensorsStart?: number;
  tensorsEnd?: number;
}

export interface ChildResult {
  engine: string;
  workload: WorkloadId;
  /** refused: the engine runs in a configuration whose numbers would not be its own (PyTorch on the reference BLAS). */
  status: "ok" | "skipped" | "failed" | "refused";
  note?: string;
  metrics: Metric[];
  /** Resident set size after imports and data set-up, before the first timed unit. */
  rssStartMB?: number;
  /** Peak RSS of the whole child process (getrusage maxrss). */
  peakRssMB?: number;
  memory?: MemoryCheck;
  versions?: Record<string, string>;
  /** What the engine reported about itself (e.g. actual thread count, PyTorch's BLAS). */
  info?: Record<string, string | number | boolean>;
  /** torch-ts: the work of one unit of each metric, by metric key. */
  work?: Record<string, Work>;
}

/** The marker a child prints before its one JSON result line on stdout. */
export const RESULT_MARKER = "BENCH_RESULT ";

export function parseChildConfig(argv: string[]): ChildConfig {
  const arg = argv[2];
  if (!arg) throw new Error("usage: <peer> '<ChildConfig JSON>' (run through bench/run.ts)");
  return JSON.parse(arg) as ChildConfig;
}

export function emitResult(result: ChildResult): void {
  process.stdout.write(RESULT_MARKER + JSON.stringify(result) + "\n");
}
