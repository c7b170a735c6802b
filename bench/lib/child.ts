// The shared main() of a Node peer: runs one workload, catches failures, prints the result.
import { PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { emitResult, parseChildConfig, type ChildConfig, type ChildResult, type MemoryCheck, type Metric, type WorkloadId, type Work } from "./protocol.ts";
import { peakRssMB, rssMB } from "./measure.ts";

/** Thrown by a workload that this engine cannot run (e.g. no convolution); reported as skipped. */
export class Skip extends Error {}

export interface WorkloadOutput {
  metrics: Metric[];
  memory?: MemoryCheck;
  work?: Record<string, Work>;
}
export type WorkloadFn = (cfg: ChildConfig) => WorkloadOutput;
export type Workloads = Record<WorkloadId, WorkloadFn>;

export interface Peer {
  engine: string;
  versions: Record<string, string>;
  /** Set-up that must run before any workload (backends, threads); returns facts to report. */
  init?: (cfg: ChildConfig) => Promise<Record<string, string | number | boolean>>;
  workloads: Workloads;
}

/**
 * Each metric's share of its timed repeats spent in garbage collection: the GC entries
 * (perf_hooks, start and duration on performance.now()) overlapping its window.
 */
export function withGcShares(metrics: Metric[], gc: readonly Pick<PerformanceEntry, "startTime" | "duration">[]): Metric[] {
  return metrics.map(({ window, ...m }) => {
    if (!window) return m;
    const [t0, t1] = window;
    let inGc = 0;
    for (const e of gc) inGc += Math.max(0, Math.min(e.startTime + e.duration, t1) - Math.max(e.startTime, t0));
    return { ...m, gcShare: inGc / Math.max(t1 - t0, 1e-9) };
  });
}

export async function runChild(load: () => Promise<Peer>, engineName: string): Promise<void> {
  const cfg = parseChildConfig(process.argv);
  const base: ChildResult = { engine: engineName, workload: cfg.workload, status: "failed", metrics: [] };
  let result: ChildResult;
  // GC entries reach an observer only after the synchronous workload returns (they are
  // queued), so they are collected then and matched to the metrics' windows by time.
  const gc: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => { gc.push(...list.getEntries()); });
  observer.observe({ entryTypes: ["gc"] });
  try {
    const peer = await load();
    const info = peer.init ? await peer.init(cfg) : {};
    const rssStartMB = rssMB();
    const out = peer.workloads[cfg.workload](cfg);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    gc.push(...observer.takeRecords());
    result = { ...base, status: "ok", versions: peer.versions, info, rssStartMB, peakRssMB: peakRssMB(), ...out, metrics: withGcShares(out.metrics, gc) };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0]! : String(e);
    result = { ...base, status: e instanceof Skip ? "skipped" : "failed", note: msg.slice(0, 300) };
  }
  observer.disconnect();
  emitResult(result);
  // tfjs-wasm keeps worker threads alive; the result is out, so leave now.
  process.exit(0);
}
