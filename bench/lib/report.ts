// Markdown tables from the children's results: absolute medians per engine, then torch-ts's
// ratio to each peer at the same thread count.
import type { EngineConfig, RunResult } from "./engines.ts";
import type { Metric } from "./protocol.ts";
import { limitValue, overLimit } from "./limits.ts";
import type { Probe } from "./probe.ts";

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
  return r && r.status !== "ok" ? ({ skipped: "skip", failed: "fail", refused: "refused" } as const)[r.status] : "—";
}

export function absoluteTable(results: RunResult[], engines: EngineConfig[]): string {
  const cols = engines.filter((e) => results.some((r) => r.config === e.id));
  const head = `| metric (unit) | ${cols.map((c) => c.id).join(" | ")} |\n|---|${cols.map(() => "---:").join("|")}|\n`;
  return head + rowKeys(results).map((k) =>
    `| ${k} (${unitOf(results, k)}) | ${cols.map((c) => { const m = lookup(results, c.id, k); return m ? fmt(m.median) : missing(results, c.id, k); }).join(" | ")} |`,
  ).join("\n") + "\n";
}

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;

/**
 * Each metric's share of its timed repeats spent in garbage collection, the cores the process
 * kept busy meanwhile (CPU time of all its threads per wall second), and the warm-up before
 * them (seconds and units: measure.ts's steadiness windows), per engine config.
 */
export function gcTable(results: RunResult[], engines: EngineConfig[]): string {
  const cols = engines.filter((e) => results.some((r) => r.config === e.id && r.metrics.some((m) => m.gcShare != null || m.cpuCores != null)));
  if (!cols.length) return "(no GC accounting)\n";
  const keys = rowKeys(results).filter((k) => k !== PEAK_KEY);
  const head = `| metric | ${cols.map((c) => c.id).join(" | ")} |\n|---|${cols.map(() => "---:").join("|")}|\n`;
  return head + keys.map((k) => `| ${k} | ${cols.map((c) => {
    const m = lookup(results, c.id, k);
    const parts = [m?.gcShare != null ? pct(m.gcShare) : "—", ...(m?.cpuCores != null ? [`${m.cpuCores.toFixed(2)} cores`] : []),
      ...(m?.warmupS != null ? [`warm-up ${m.warmupS.toFixed(1)} s / ${Math.round(m.warmupUnits ?? 0)}`] : [])];
    return m ? parts.join(" · ") : "—";
  }).join(" | ")} |`).join("\n") + "\n";
}

/** torch-ts's work per unit and its time against the limit that work sets (bench/lib/limits.ts), per thread count. */
export function limitTable(results: RunResult[], engines: EngineConfig[], probe: Probe | undefined): string {
  if (!probe) return "(no machine probe: no limits)\n";
  const tts = engines.filter((e) => e.isTorchTs && results.some((r) => r.config === e.id));
  const keys = rowKeys(results).filter((k) => results.some((r) => r.work?.[k]));
  if (!tts.length || !keys.length) return "(no torch-ts work counts)\n";
  const head = `| metric | MFLOP / unit | MB / unit | ${tts.map((t) => `${t.id} | limit | x limit`).join(" | ")} |\n|---|---:|---:|${tts.map(() => "---:|---:|---:").join("|")}|\n`;
  return head + keys.map((k) => {
    const work = results.find((r) => r.work?.[k])!.work![k]!;
    const cells = tts.map((t) => {
      const m = lookup(results, t.id, k);
      const lim = m && limitValue(m, work, probe, t.threads);
      return m && lim ? `${fmt(m.median)} | ${fmt(lim)} | ${fmt(overLimit(m, lim))}x` : "— | — | —";
    });
    return `| ${k} (${unitOf(results, k)}) | ${fmt(work.flop / 1e6)} | ${fmt(work.bytes / 1e6)} | ${cells.join(" | ")} |`;
  }).join("\n") + "\n";
}

/** What each PyTorch config ran on: the BLAS actually loaded, its core type and threading (pytorch.py's info). */
export function pytorchConfigTable(results: RunResult[]): string {
  const configs = [...new Set(results.filter((r) => r.engine === "pytorch" && r.info?.blas !== undefined).map((r) => r.config))];
  if (!configs.length) return "(no PyTorch configuration reported)\n";
  const rows = configs.map((c) => {
    const i = results.find((r) => r.config === c && r.info?.blas !== undefined)!.info!;
    const v = (k: string) => String(i[k] ?? "—");
    return `| ${c} | ${v("blas")} (BLAS_INFO=${v("blasInfo")}) | ${v("openblasCore")} | ${v("openblasParallel")}, ${v("openblasThreads")} | ${v("atenParallel")}, ${v("threads")} (OpenMP max ${v("ompMaxThreads")}) | ${v("blasLibraries")} |`;
  });
  return "| config | BLAS | OpenBLAS core | OpenBLAS threading, threads | ATen threading, torch threads | libraries mapped |\n|---|---|---|---|---|---|\n" + rows.join("\n") + "\n";
}

/** One line on what the machine gave at the start of the run. */
export function probeLine(p: Probe | undefined): string {
  if (!p) return "Machine probe: not run.";
  const g = Object.entries(p.gemmGflops).map(([t, x]) => `${fmt(x)} GFLOP/s on ${t} thread${t === "1" ? "" : "s"}`).join(", ");
  const s = p.steadiness;
  const steady = s ? ` Steadiness: a fixed ${fmt(s.minMs)} ms scalar loop took ${fmt(s.medianMs)} ms median and ${fmt(s.p90Ms)} ms at the 90th percentile over ${fmt(s.seconds)} s (${fmt(s.p90Ms / s.minMs)}x its best${s.p90Ms / s.minMs > 1.2 ? ": the machine's speed moved during the probe, so compare engines only within a round" : ""}).` : "";
  return `Machine probe at start: first touch of a fresh page ${fmt(p.pageFaultUs)} us per 4 KiB (transparent huge pages: ${p.transparentHugePages}); copy bandwidth ${fmt(p.cacheGBs)} GB/s on 4 MiB buffers (cache), ${fmt(p.dramGBs)} GB/s on 256 MiB (DRAM); torch-ts's wasm GEMM kernel (n = ${p.gemmN}, operands resident) ${g}.${steady}`;
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

/** A goal of issue 23 (the issue-9 goals that still stand are among them). */
type Target =
  /** torch-ts's value over a peer's: <= bound ("max": times, memory) or >= bound ("min": GFLOP/s). */
  | { kind: "peer"; what: string; key: string; peer: string; threads: number; sense: "max" | "min"; bound: number }
  /** torch-ts 1t time over its 2t time: >= bound. */
  | { kind: "scaling"; what: string; key: string; bound: number }
  /** torch-ts's time over its limit (limitTable): <= bound. */
  | { kind: "limit"; what: string; key: string; threads: number; bound: number };

const STEPS = ["W2 MLP step", "W4 LeNet step", "W5 GPT step"] as const;
const wl = (key: string) => key.split(" ")[0];

const TARGETS: Target[] = [
  ...STEPS.map((key): Target => ({ kind: "peer", what: `${wl(key)} time <= 2x PyTorch (2 threads; stretch 1.5x)`, key, peer: "pytorch 2t", threads: 2, sense: "max", bound: 2 })),
  ...(["W2 MLP step", "W5 GPT step"] as const).map((key): Target => ({ kind: "scaling", what: `${wl(key)} 2 threads >= 1.4x faster than 1`, key, bound: 1.4 })),
  { kind: "peer", what: "W3 n=1024 GFLOP/s >= 1.3x tfjs-wasm, 1 thread", key: "W3 n=1024", peer: "tfjs-wasm 1t", threads: 1, sense: "min", bound: 1.3 },
  { kind: "peer", what: "W3 n=1024 GFLOP/s >= 1.3x tfjs-wasm, 2 threads", key: "W3 n=1024", peer: "tfjs-wasm 2t", threads: 2, sense: "min", bound: 1.3 },
  // (W0 and W1 measure per-op overhead, which the limit leaves out: their limit is in the table, not a goal)
  ...(["W2 MLP step", "W3 n=1024", ...STEPS.slice(1)] as const).flatMap((key): Target[] => [1, 2].map((threads) => ({ kind: "limit", what: `${key.startsWith("W3") ? key : wl(key)} within 1.5x of its limit (${threads} thread${threads > 1 ? "s" : ""})`, key, threads, bound: 1.5 }))),
  { kind: "peer", what: "W1 time <= 0.5x PyTorch (2 threads)", key: "W1 seed x1000", peer: "pytorch 2t", threads: 2, sense: "max", bound: 0.5 },
  { kind: "peer", what: "W2 peak RSS <= 1.5x PyTorch (2 threads)", key: PEAK_KEY, peer: "pytorch 2t", threads: 2, sense: "max", bound: 1.5 },
];

/** Issue 23's goals against this run; torch-ts falls back to its 1-thread value as in ratioTable. */
export function targetsTable(results: RunResult[], probe?: Probe): string {
  const ours = (key: string, threads: number) =>
    lookup(results, `torch-ts ${threads}t`, key) ?? lookup(results, "torch-ts 1t", key);
  const row = (what: string, r: number | undefined, met: (r: number) => boolean) =>
    r === undefined ? `| ${what} | not measured | — |` : `| ${what} | ${fmt(r)}x | ${met(r) ? "met" : "missed"} |`;
  const rows = TARGETS.map((t) => {
    if (t.kind === "peer") {
      const a = ours(t.key, t.threads), b = lookup(results, t.peer, t.key);
      return row(t.what, a && b ? a.median / b.median : undefined, (r) => (t.sense === "max" ? r <= t.bound : r >= t.bound));
    }
    if (t.kind === "scaling") {
      const one = lookup(results, "torch-ts 1t", t.key), two = lookup(results, "torch-ts 2t", t.key);
      return row(t.what, one && two ? one.median / two.median : undefined, (r) => r >= t.bound);
    }
    const m = lookup(results, `torch-ts ${t.threads}t`, t.key);
    const work = results.find((r) => r.work?.[t.key])?.work?.[t.key];
    const lim = m && work && probe ? limitValue(m, work, probe, t.threads) : undefined;
    return row(t.what, m && lim ? overLimit(m, lim) : undefined, (r) => r <= t.bound);
  });
  const mem = results.find((r) => r.config.startsWith("torch-ts") && r.workload === "W2" && r.memory);
  rows.push(mem?.memory
    ? `| W2 no memory growth over 10,000 steps | ${mem.memory.steps} steps: RSS ${fmt(mem.memory.rssStartMB)} -> ${fmt(mem.memory.rssEndMB)} MB | ${mem.memory.steps < 10000 ? "not reached" : "see RSS"} |`
    : "| W2 no memory growth over 10,000 steps | not measured | — |");
  return "| goal | value | status |\n|---|---:|---|\n" + rows.join("\n") + "\n";
}
