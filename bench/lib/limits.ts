// A workload's "limit" on this machine: its unit's work (bench/lib/work.ts) at the rates the
// probe measured at the start of the run (bench/lib/probe.ts): the floating-point operations
// at the wasm GEMM kernel's GFLOP/s for the thread count, plus the bytes at the copy bandwidth
// of a cache-resident working set (every workload's fits the L3 cache). No overlap of the two
// is assumed. A time within a small factor of it leaves little to gain but faster kernels.
import type { Probe } from "./probe.ts";
import type { Metric, Work } from "./protocol.ts";

/** Seconds one unit of `work` takes at the probed rates, or undefined without a GEMM rate for `threads`. */
export function limitSeconds(work: Work, probe: Probe, threads: number): number | undefined {
  const gflops = probe.gemmGflops[String(threads)];
  if (!gflops || !(probe.cacheGBs > 0)) return undefined;
  return work.flop / (gflops * 1e9) + work.bytes / (probe.cacheGBs * 1e9);
}

/** The limit in the metric's own unit (ms, us/op, or GFLOP/s from the unit's flop). */
export function limitValue(m: Metric, work: Work, probe: Probe, threads: number): number | undefined {
  const s = limitSeconds(work, probe, threads);
  if (s === undefined || s <= 0) return undefined;
  if (m.unit === "GFLOP/s") return work.flop / s / 1e9;
  return s * (m.unit === "ms" ? 1e3 : 1e6);
}

/** How far the metric is from its limit: time / limit (>= 1; GFLOP/s: limit / rate). */
export function overLimit(m: Metric, limit: number): number {
  return m.unit === "GFLOP/s" ? limit / m.median : m.median / limit;
}
