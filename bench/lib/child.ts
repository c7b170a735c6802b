// The shared main() of a Node peer: runs one workload, catches failures, prints the result.
import { emitResult, parseChildConfig, type ChildConfig, type ChildResult, type MemoryCheck, type Metric, type WorkloadId } from "./protocol.ts";
import { peakRssMB, rssMB } from "./measure.ts";

/** Thrown by a workload that this engine cannot run (e.g. no convolution); reported as skipped. */
export class Skip extends Error {}

export interface WorkloadOutput {
  metrics: Metric[];
  memory?: MemoryCheck;
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

export async function runChild(load: () => Promise<Peer>, engineName: string): Promise<void> {
  const cfg = parseChildConfig(process.argv);
  const base: ChildResult = { engine: engineName, workload: cfg.workload, status: "failed", metrics: [] };
  let result: ChildResult;
  try {
    const peer = await load();
    const info = peer.init ? await peer.init(cfg) : {};
    const rssStartMB = rssMB();
    const out = peer.workloads[cfg.workload](cfg);
    result = { ...base, status: "ok", versions: peer.versions, info, rssStartMB, peakRssMB: peakRssMB(), ...out };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0]! : String(e);
    result = { ...base, status: e instanceof Skip ? "skipped" : "failed", note: msg.slice(0, 300) };
  }
  emitResult(result);
  // tfjs-wasm keeps worker threads alive; the result is out, so leave now.
  process.exit(0);
}
