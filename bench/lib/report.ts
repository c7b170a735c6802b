// Markdown tables from the children's results: absolute medians per engine, then torch-ts's
// ratio to each peer at the same thread count.
import type { EngineConfig, RunResult } from "./engines.ts";
import type { Metric } from "./protocol.ts";

const fmt = (x: number): string =>
  x >= 1000 ? x.toFixed(0) : x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x >= 1 ? x.toFixed(3) : x.toPrecision(3);

const PEAK_KEY = "W2 peak RSS";

/** Rows in a stable order: every metric key seen, ordered by workload, then first appearance. */
function rowKeys(results: RunResult[]): string[] {
  const keys: string[] = [];
  for (const r of [...results].sort((a, b) => a.workload.localeCompare(b.workload)))
    for (const m of r.metrics) if (!keys.includes(m.key)) keys.push(m.key);
  if (results.some((r) => r.workload === "W2" && r.peakRssMB !== undefined)) keys.splice(keys.indexOf("W2 MLP step") + 1, 0, PEAK_KEY);
  return keys;
}

function lookup(results: RunResult[], config: string, key: string): Metric | undefined {
  if (key === PEAK_KEY) {
    const r = results.find((x) => x.config === config && x.workload === "W2" && x.status === "ok");
    return r?.peakRssMB === undefined ? undefined : { key, unit: "ms", median: r.peakRssMB, best: r.peakRssMB, repeats: 1, inner: 1 };
  }
  for (const r of results) if (r.config === config) for (const m of r.metrics) if (m.key === key) return m;
  return undefined;
}

function unitOf(results: RunResult[], key: string): string {
  if (key === PEAK_KEY) return "MB";
  for (const r of results) for (const m of r.metrics) if (m.key === key) return m.unit;
  return "";
}

/** "—" plus a footnote mark for a config whose child for this row's workload did not run ok. */
function missing(results: RunResult[], config: string, key: string): string {
  const w = key.split(" ")[0];
  const r = results.find((x) => x.config === config && x.workload === w);
  return r && r.status !== "ok" ? (r.status === "skipped" ? "skip" : "fail") : "—";
}

export function absoluteTable(results: RunResult[], engines: EngineConfig[]): string {
  const cols = engines.filter((e) => results.some((r) => r.config === e.id));
  const head = `| metric (unit) | ${cols.map((c) => c.id).join(" | ")} |\n|---|${cols.map(() => "---:").join("|")}|\n`;
  return head + rowKeys(results).map((k) =>
    `| ${k} (${unitOf(results, k)}) | ${cols.map((c) => { const m = lookup(results, c.id, k); return m ? fmt(m.median) : missing(results, c.id, k); }).join(" | ")} |`,
  ).join("\n") + "\n";
}

/**
 * torch-ts ÷ peer for times and memory (< 1: torch-ts is faster / smaller), and
 * torch-ts ÷ peer for GFLOP/s (> 1: torch-ts is faster). torch-ts runs at the peer's thread
 * count ("compareThreads"); where that torch-ts config has no value, its 1-thread one is used.
 */
export function ratioTable(results: RunResult[], engines: EngineConfig[]): string {
  const tts = engines.filter((e) => e.isTorchTs);
  const peers = engines.filter((e) => !e.isTorchTs && results.some((r) => r.config === e.id));
  if (!tts.length || !peers.length) return "(no torch-ts or no peer results to compare)\n";
  const ours = (peer: EngineConfig, key: string): Metric | undefined => {
    const same = tts.find((t) => t.threads === peer.compareThreads);
    return (same && lookup(results, same.id, key)) ?? lookup(results, tts.find((t) => t.threads === 1)?.id ?? "", key);
  };
  const head = `| metric | ${peers.map((p) => p.id).join(" | ")} |\n|---|${peers.map(() => "---:").join("|")}|\n`;
  return head + rowKeys(results).map((k) => {
    const sense = unitOf(results, k) === "GFLOP/s" ? "higher is better" : "lower is better";
    return `| ${k} (${sense}) | ${peers.map((p) => {
      const a = ours(p, k), b = lookup(results, p.id, k);
      return a && b ? `${fmt(a.median / b.median)}x` : "—";
    }).join(" | ")} |`;
  }).join("\n") + "\n";
}

export function notes(results: RunResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.status !== "ok") lines.push(`- ${r.config} ${r.workload}: ${r.status}: ${r.note ?? ""}`);
    if (r.memory) {
      const m = r.memory;
      const heap = m.heapStartMB !== undefined ? `, JS heap ${fmt(m.heapStartMB)} -> ${fmt(m.heapEndMB!)} MB` : "";
      const tensors = m.tensorsStart !== undefined ? `, live tensors ${m.tensorsStart} -> ${m.tensorsEnd}` : "";
      lines.push(`- ${r.config} W2 memory check: ${m.steps} steps in ${fmt(m.seconds)} s, RSS ${fmt(m.rssStartMB)} -> ${fmt(m.rssEndMB)} MB${heap}${tensors}`);
    }
  }
  return lines.join("\n") + (lines.length ? "\n" : "");
}

/** One of issue 9's targets: torch-ts's value over a peer's, and the bound it must meet. */
interface Target {
  what: string;
  key: string;
  peer: string;
  /** Thread count torch-ts runs at for this comparison. */
  threads: number;
  /** "max": ratio must be <= bound (times, memory); "min": ratio must be >= bound (GFLOP/s). */
  sense: "max" | "min";
  bound: number;
}

const TARGETS: Target[] = [
  { what: "W1 time <= 0.5x PyTorch (2 threads)", key: "W1 seed x1000", peer: "pytorch 2t", threads: 2, sense: "max", bound: 0.5 },
  { what: "W3 n=1024 GFLOP/s >= 1.2x tfjs-wasm, 1 thread", key: "W3 n=1024", peer: "tfjs-wasm 1t", threads: 1, sense: "min", bound: 1.2 },
  { what: "W3 n=1024 GFLOP/s >= 1.2x tfjs-wasm, 2 threads", key: "W3 n=1024", peer: "tfjs-wasm 2t", threads: 2, sense: "min", bound: 1.2 },
  ...(["W2 MLP step", "W4 LeNet step", "W5 GPT step"] as const).flatMap((key): Target[] => [
    { what: `${key.split(" ")[0]} time <= 2x PyTorch (2 threads)`, key, peer: "pytorch 2t", threads: 2, sense: "max", bound: 2 },
    { what: `${key.split(" ")[0]} >= 5x faster than tfjs-wasm (2 threads)`, key, peer: "tfjs-wasm 2t", threads: 2, sense: "max", bound: 0.2 },
  ]),
  { what: "W2 peak RSS <= 1.5x PyTorch (2 threads)", key: PEAK_KEY, peer: "pytorch 2t", threads: 2, sense: "max", bound: 1.5 },
];

/** Issue 9's targets against this run; torch-ts falls back to its 1-thread value as in ratioTable. */
export function targetsTable(results: RunResult[]): string {
  const ours = (key: string, threads: number) =>
    lookup(results, `torch-ts ${threads}t`, key) ?? lookup(results, "torch-ts 1t", key);
  const rows = TARGETS.map((t) => {
    const a = ours(t.key, t.threads), b = lookup(results, t.peer, t.key);
    if (!a || !b) return `| ${t.what} | not measured | — |`;
    const r = a.median / b.median;
    const met = t.sense === "max" ? r <= t.bound : r >= t.bound;
    return `| ${t.what} | ${fmt(r)}x | ${met ? "met" : "missed"} |`;
  });
  const mem = results.find((r) => r.config.startsWith("torch-ts") && r.workload === "W2" && r.memory);
  rows.push(mem?.memory
    ? `| W2 no memory growth over 10,000 steps | ${mem.memory.steps} steps: RSS ${fmt(mem.memory.rssStartMB)} -> ${fmt(mem.memory.rssEndMB)} MB | ${mem.memory.steps < 10000 ? "not reached" : "see RSS"} |`
    : "| W2 no memory growth over 10,000 steps | not measured | — |");
  return "| target | torch-ts / peer | status |\n|---|---:|---|\n" + rows.join("\n") + "\n";
}
