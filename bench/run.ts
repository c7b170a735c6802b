// `npm run bench`: W0-W5 on torch-ts and its peers, each (engine, workload) in its own child
// process, then markdown tables on stdout and the raw results in bench/results/.
//   --only W1,W3        workloads to run (default all)
//   --engines a,b       engine configs whose id starts with one of these (e.g. torch-ts,pytorch)
//   --repeats N         timed repeats per metric (default 7; quick 3)
//   --quick             short budgets, fewer matmul sizes and engine configs: under ~2 minutes
//   --mem-steps N       W2 memory check steps for torch-ts (default 10000; quick 300)
//   --mem-all           run the W2 memory check on every engine, not only torch-ts and pytorch 1t
//   --rounds N          run every child N times, interleaved across engines; medians of the
//                       rounds' medians (for a machine whose speed drifts; default 1)
//   --stream-gb N       GB of shards the data section streams (default 4; quick 0.5)
// `--only` may name D: the data-loading section (bench/lib/data.ts), which otherwise runs
// after W0-W5 when --only is not given.
//   --distributed       torch.distributed instead: all-reduce bandwidth against PyTorch's gloo
//                       and DDP scaling of W4 on 2 processes (bench/distributed/run.ts)
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { ENGINES, type EngineConfig, type RunResult } from "./lib/engines.ts";
import { parseArgs, type Options } from "./lib/args.ts";
import { RESULT_MARKER, type ChildConfig, type ChildResult, type WorkloadId } from "./lib/protocol.ts";
import { absoluteTable, gcTable, limitTable, notes, probeLine, pytorchConfigTable, ratioTable, targetsTable } from "./lib/report.ts";
import type { Probe } from "./lib/probe.ts";
import { dataSection } from "./lib/data.ts";
import { mergeRounds } from "./lib/rounds.ts";
import { REPO_ROOT } from "./lib/versions.ts";
import { runDistributedBench } from "./distributed/run.ts";

/** Engine configs quick mode keeps: one per peer, at 2 threads where the peer has threads. */
const QUICK_ENGINES = ["torch-ts 1t", "torch-ts 2t", "pytorch 2t", "tfjs-wasm 2t", "tfjs-cpu", "js-pytorch"];

/** Whether engine e runs the W2 memory check (in a child of its own, after every timing child). */
function runsMemoryCheck(o: Options, e: EngineConfig): boolean {
  return o.only.includes("W2") && (o.memAll || e.id === "torch-ts 1t" || e.id === "pytorch 1t" || (o.quick && e.id === "pytorch 2t"));
}

function childConfig(o: Options, e: EngineConfig, workload: WorkloadId, memoryCheck = false): ChildConfig {
  const memDefault = o.quick ? 300 : 10000;
  const memSteps = o.memSteps >= 0 ? o.memSteps : memDefault;
  return {
    workload,
    threads: e.threads,
    ...(e.backend ? { backend: e.backend } : {}),
    repeats: o.repeats || (o.quick ? 3 : 7),
    budgetS: o.quick ? 0.6 : 2.5,
    warmupS: o.quick ? 0.15 : 0.5,
    maxWarmupS: o.quick ? 0 : 8,
    ...(o.quick ? { oneShotS: 1.5 } : {}),
    matmulSizes: o.quick ? [64, 256, 1024] : [64, 128, 256, 512, 1024],
    memSteps: memoryCheck ? memSteps : 0,
    memCapS: e.isTorchTs ? (o.quick ? 10 : 180) : o.quick ? 5 : 30,
  };
}

function runChild(e: EngineConfig, cfg: ChildConfig, timeoutS: number): RunResult {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(e.env ?? {})) if (v === undefined) delete env[k]; else env[k] = v;
  const t0 = performance.now();
  const p = spawnSync(e.command[0]!, [...e.command.slice(1), JSON.stringify(cfg)], {
    cwd: REPO_ROOT, env, encoding: "utf8", timeout: timeoutS * 1000, maxBuffer: 64 * 2 ** 20,
  });
  const wallS = (performance.now() - t0) / 1000;
  const line = p.stdout?.split("\n").find((l) => l.startsWith(RESULT_MARKER));
  if (line) return { ...(JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult), config: e.id, wallS };
  const why = p.error?.message ?? `exit ${p.status ?? p.signal}: ${(p.stderr ?? "").trim().split("\n").slice(-3).join(" / ")}`;
  return { engine: e.id, config: e.id, workload: cfg.workload, status: "failed", metrics: [], note: why.slice(0, 300), wallS };
}

/** The machine probe (bench/lib/probe.ts) in a child of its own; undefined if it failed. */
function runProbe(): Probe | undefined {
  const p = spawnSync(process.execPath, ["--import", "tsx", "bench/lib/probe.ts"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 });
  const line = p.stdout?.trim().split("\n").pop();
  try {
    return JSON.parse(line ?? "") as Probe;
  } catch {
    process.stderr.write(`machine probe failed: ${(p.stderr ?? "").trim().split("\n").slice(-2).join(" / ")}\n`);
    return undefined;
  }
}

function cpuFlags(): string[] {
  try {
    return /flags\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.split(" ") ?? [];
  } catch {
    return [];
  }
}

function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const family = /cpu family\s*:\s*(\d+)/.exec(cpuinfo)?.[1];
  const modelNo = /^model\s*:\s*(\d+)/m.exec(cpuinfo)?.[1];
  return {
    cpu: family ? `${model} (family ${family}, model ${modelNo})` : model,
    cores: os.cpus().length,
    avx512f: cpuFlags().includes("avx512f"),
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  if (o.distributed) {
    runDistributedBench(o).catch((e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    });
    return;
  }
  let engines = o.quick ? ENGINES.filter((e) => QUICK_ENGINES.includes(e.id)) : ENGINES;
  if (o.engines) engines = ENGINES.filter((e) => o.engines!.some((p) => e.id.startsWith(p)));
  const flags = cpuFlags();
  const leftOut = engines.filter((e) => e.cpuFlag && !flags.includes(e.cpuFlag));
  engines = engines.filter((e) => !leftOut.includes(e));
  if (!engines.length) throw new Error(`--engines matched none of: ${ENGINES.map((e) => e.id).join(", ")}`);
  // Workload-major: every engine runs one workload before the next workload starts, so one
  // row's numbers are taken close together in time (under similar load on a shared machine);
  // within a workload torch-ts runs last. The tables keep ENGINES' order.
  const order = [...engines.filter((e) => !e.isTorchTs), ...engines.filter((e) => e.isTorchTs)];
  const jobs = o.only.flatMap((w) => Array.from({ length: o.rounds }, (_, round) => order.map((e) => [e, w, round] as const)).flat());
  // The W2 memory checks (thousands of steps, a minute or more each) run last, each in its own
  // child: a timing child started right after one measured up to 2x slow on this VM while
  // the system reclaimed the memory of the long run before it.
  const memoryJobs = order.filter((e) => o.memSteps !== 0 && runsMemoryCheck(o, e));
  const started = new Date();
  // The machine may be shared: the 1-minute load average around the run says how much.
  const startLoad = os.loadavg().map((x) => Number(x.toFixed(2)));
  process.stderr.write("machine probe ... ");
  const probe = runProbe();
  process.stderr.write(probe ? "done\n" : "\n");
  const byJob = new Map<string, RunResult[]>();
  jobs.forEach(([e, w, round], i) => {
    process.stderr.write(`[${i + 1}/${jobs.length}] ${e.id} ${w}${o.rounds > 1 ? ` round ${round + 1}` : ""} ... `);
    const loadAvg1 = Number(os.loadavg()[0]!.toFixed(2));
    const r = { ...runChild(e, childConfig(o, e, w), o.quick ? 90 : 400), loadAvg1 };
    const key = `${e.id}|${w}`;
    byJob.set(key, [...(byJob.get(key) ?? []), r]);
    process.stderr.write(`${r.status} (${r.wallS.toFixed(1)} s)${r.note ? ": " + r.note : ""}\n`);
  });
  const memory = new Map<string, RunResult>();
  memoryJobs.forEach((e, i) => {
    process.stderr.write(`[memory ${i + 1}/${memoryJobs.length}] ${e.id} W2 memory check ... `);
    const r = runChild(e, childConfig(o, e, "W2", true), o.quick ? 90 : 400);
    memory.set(e.id, r);
    process.stderr.write(`${r.status} (${r.wallS.toFixed(1)} s)${r.note ? ": " + r.note : ""}\n`);
  });
  const results = [...byJob.values()].map((rs) => {
    const r = rs.length > 1 ? mergeRounds(rs) : rs[0]!;
    const m = r.workload === "W2" ? memory.get(r.config)?.memory : undefined;
    return m ? { ...r, memory: m } : r;
  });
  const versions: Record<string, string> = {};
  for (const r of results) Object.assign(versions, r.versions ?? {});
  const m = machine();
  const mode = o.quick ? "quick" : "full";
  const data = o.data
    ? dataSection({ quick: o.quick, streamGB: o.streamGB || (o.quick ? 0.5 : 4) }, (s) => process.stderr.write(s))
    : "";
  const load = { start: startLoad, end: os.loadavg().map((x) => Number(x.toFixed(2))) };
  const header = [
    `## torch-ts benchmarks (${mode}), ${started.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `Machine: ${m.cpu}, ${m.cores} cores${m.avx512f ? " (AVX-512)" : ""}, ${m.memoryGB} GB, ${m.os}, Node ${m.node}.`,
    `Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")}.`,
    ...(o.rounds > 1 ? [`Rounds: ${o.rounds} per engine and workload, interleaved; each median is the median of the rounds' medians.`] : []),
    `Load average (1, 5, 15 min) at start ${load.start.join(", ")}, at end ${load.end.join(", ")}; a load above ${m.cores} means other processes competed for the ${m.cores} cores.`,
    probeLine(probe),
    ...(leftOut.length ? [`Left out: ${leftOut.map((e) => `${e.id} (this CPU has no ${e.cpuFlag})`).join(", ")}.`] : []),
    "",
  ];
  const tables = results.length === 0 ? [] : [
    "### Medians (W0 us per op, W1/W2/W4/W5 ms, W3 GFLOP/s, peak RSS MB)",
    "",
    absoluteTable(results, engines),
    "### torch-ts / peer (torch-ts at the peer's thread count, its 1-thread result where that has no value; times and memory: < 1 means torch-ts is better; GFLOP/s: > 1 means torch-ts is better)",
    "",
    ratioTable(results, engines),
    "### torch-ts against its limit (the unit's work at the probed GEMM rate and cache bandwidth: bench/lib/limits.ts)",
    "",
    limitTable(results, engines, probe),
    "### Share of the timed repeats in garbage collection, CPU use, and the warm-up before them (seconds / units)",
    "",
    gcTable(results, engines),
    "### What PyTorch ran on",
    "",
    pytorchConfigTable(results),
    "### Issue 23's goals (torch-ts / peer as above; scaling: 1-thread time / 2-thread time; limit: time / limit)",
    "",
    targetsTable(results, probe),
    "### Notes",
    "",
    notes(results) || "(none)\n",
  ];
  const report = [...header, ...tables, data].join("\n");
  process.stdout.write(report);
  const dir = join(REPO_ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  const file = join(dir, `bench-${mode}-${stamp}.json`);
  writeFileSync(file, JSON.stringify({ started: started.toISOString(), mode, options: o, machine: m, probe, load, versions, results }, null, 2));
  writeFileSync(join(dir, `bench-${mode}-${stamp}.md`), report);
  process.stderr.write(`\nresults: ${file}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
