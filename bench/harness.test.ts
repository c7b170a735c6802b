// Checks of the benchmark harness itself (no timing is asserted): flag parsing, the timing
// rule's bookkeeping, the ratio tables, and two child processes end to end — tfjs-wasm really
// running 2 threads under Node, and pytorch.py reporting "skipped" where torch is missing.
// Run: node --import tsx --test bench/harness.test.ts
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { parseArgs } from "./lib/args.ts";
import { STEADY_WINDOW_S, measure, median } from "./lib/measure.ts";
import { absoluteTable, gcTable, limitTable, probeLine, ratioTable, targetsTable } from "./lib/report.ts";
import { withGcShares } from "./lib/child.ts";
import { countWork } from "./lib/work.ts";
import { limitValue, overLimit } from "./lib/limits.ts";
import type { Probe } from "./lib/probe.ts";
import { ENGINES, type RunResult } from "./lib/engines.ts";
import { mergeRounds } from "./lib/rounds.ts";
import { RESULT_MARKER, type ChildConfig, type ChildResult } from "./lib/protocol.ts";
import { REPO_ROOT } from "./lib/versions.ts";

test("parseArgs reads flags and rejects bad ones with the offending value", () => {
  const o = parseArgs(["--only", "w1,W3", "--repeats", "5", "--quick", "--engines", "torch-ts,pytorch"]);
  assert.deepEqual(o.only, ["W1", "W3"]);
  assert.equal(o.repeats, 5);
  assert.equal(o.quick, true);
  assert.deepEqual(o.engines, ["torch-ts", "pytorch"]);
  assert.throws(() => parseArgs(["--only", "W9"]), /unknown workload\(s\) W9; choose from W0, W1/);
  assert.throws(() => parseArgs(["--repeats", "2.5"]), /--repeats must be a positive integer, got 2.5/);
  assert.throws(() => parseArgs(["--mem-steps", "-3"]), /--mem-steps must be a non-negative integer, got -3/);
  assert.throws(() => parseArgs(["--fast"]), /unknown flag --fast/);
  assert.throws(() => parseArgs(["--only"]), /--only needs a value/);
});

test("parseArgs: the data section runs by default or when --only names D; --stream-gb", () => {
  assert.equal(parseArgs([]).data, true);
  assert.equal(parseArgs(["--only", "W1"]).data, false);
  const d = parseArgs(["--only", "d", "--stream-gb", "0.5"]);
  assert.deepEqual([d.only, d.data, d.streamGB], [[], true, 0.5]);
  assert.deepEqual(parseArgs(["--only", "W3,D"]).only, ["W3"]);
  assert.throws(() => parseArgs(["--stream-gb", "-1"]), /--stream-gb must be a positive number, got -1/);
  assert.throws(() => parseArgs(["--only", "W9,D"]), /unknown workload\(s\) W9; choose from W0, .*, D/);
});

test("--rounds: parsed, and rounds merge into medians of medians, bests of bests, the highest peak RSS", () => {
  assert.equal(parseArgs([]).rounds, 1);
  assert.equal(parseArgs(["--rounds", "3"]).rounds, 3);
  assert.throws(() => parseArgs(["--rounds", "0"]), /--rounds must be a positive integer, got 0/);
  const round = (ms: number, best: number, gflops: number, rss: number, status: RunResult["status"] = "ok"): RunResult => ({
    engine: "torch-ts", config: "torch-ts 1t", workload: "W3", status, wallS: 1, peakRssMB: rss,
    metrics: [
      { key: "W4 LeNet step", unit: "ms", median: ms, best, repeats: 7, inner: 1, cpuCores: ms / 10 },
      { key: "W3 n=1024", unit: "GFLOP/s", median: gflops, best: gflops + 1, repeats: 7, inner: 1 },
    ],
  });
  const merged = mergeRounds([round(10, 9, 40, 100), round(30, 8, 50, 120), round(99, 1, 99, 999, "failed"), round(20, 7, 45, 110)]);
  assert.equal(merged.rounds, 3);
  assert.equal(merged.metrics[0]!.median, 20);
  assert.equal(merged.metrics[0]!.best, 7);
  assert.equal(merged.metrics[0]!.repeats, 21);
  assert.deepEqual(merged.metrics[0]!.roundMedians, [10, 30, 20]);
  assert.equal(merged.metrics[0]!.cpuCores, 2, "CPU use: the median of the rounds'");
  assert.equal(merged.metrics[1]!.cpuCores, undefined, "no CPU use recorded, none merged");
  assert.equal(merged.metrics[1]!.median, 45);
  assert.equal(merged.metrics[1]!.best, 51);
  assert.equal(merged.peakRssMB, 120);
  assert.equal(merged.wallS, 4);
  const failed = round(1, 1, 1, 1, "failed");
  assert.equal(mergeRounds([failed, { ...failed }]), failed);
});

test("median of odd and even lengths", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test("measure warms up, batches fast units, and honours the repeat count", () => {
  let calls = 0;
  const t = measure(() => { calls++; }, { repeats: 4, budgetS: 1, warmupS: 0.01 });
  assert.equal(t.repeats, 4);
  assert.ok(t.inner > 1, `a no-op unit must be batched, got inner ${t.inner}`);
  assert.ok(calls >= 2 + 4 * t.inner, `expected warm-up + 4 repeats of ${t.inner}, got ${calls} calls`);
  assert.ok(t.minS <= t.medianS);
});

test("measure in quick mode runs a slow unit once and uses that run", () => {
  let calls = 0;
  const busy = () => { calls++; const end = performance.now() + 30; while (performance.now() < end); };
  const t = measure(busy, { repeats: 3, budgetS: 1, warmupS: 0.01, oneShotS: 0.01 });
  assert.equal(calls, 1);
  assert.equal(t.repeats, 1);
  assert.ok(t.medianS >= 0.03);
});

test("measure keeps warming up while the unit gets faster (a JIT tiering up), then times the steady unit", () => {
  // a unit of 1 ms that gets faster with every call for its first 600 calls, then 0.2 ms
  const tiering = () => {
    let calls = 0;
    return () => {
      const ms = calls < 600 ? 1 - calls * 0.0013 : 0.2;
      calls++;
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
  };
  const cfg = { repeats: 5, budgetS: 0.5, warmupS: 0.01 };
  // without the steadiness windows the timed repeats start at the slow calls
  const early = measure(tiering(), { ...cfg, maxWarmupS: 0 });
  assert.ok(early.medianS > 0.0005, `early: ${early.medianS * 1000} ms per unit`);
  assert.ok(early.warmupUnits < 100);
  // with them, warm-up runs until a window of STEADY_WINDOW_S is no longer faster than the one before
  const steady = measure(tiering(), { ...cfg, maxWarmupS: 6 });
  assert.ok(steady.medianS < 0.00035, `steady: ${steady.medianS * 1000} ms per unit`);
  assert.ok(steady.warmupUnits > 600, `${steady.warmupUnits} warm-up units`);
  assert.ok(steady.warmupS >= 2 * STEADY_WINDOW_S && steady.warmupS < 6 + 1, `${steady.warmupS} s of warm-up`);
  // a unit too slow for windows of several units warms up as before
  const slow = measure(() => { const end = performance.now() + 200; while (performance.now() < end); }, { ...cfg, maxWarmupS: 6 });
  assert.equal(slow.warmupUnits, 2);
});

const metric = (key: string, unit: "ms" | "GFLOP/s", median: number) => ({ key, unit, median, best: median, repeats: 1, inner: 1 });
const result = (config: string, workload: "W1" | "W3", m: ReturnType<typeof metric>[], status: RunResult["status"] = "ok"): RunResult =>
  ({ engine: config, config, workload, status, metrics: m, wallS: 1 });

test("ratio table: torch-ts at the peer's thread count, 1-thread fallback, direction per unit", () => {
  const results = [
    result("torch-ts 1t", "W1", [metric("W1 seed x1000", "ms", 30)]),
    result("torch-ts 1t", "W3", [metric("W3 n=64", "GFLOP/s", 10)]),
    result("torch-ts 2t", "W3", [metric("W3 n=64", "GFLOP/s", 40)]),
    result("pytorch 1t", "W1", [metric("W1 seed x1000", "ms", 60)]),
    result("pytorch 2t", "W1", [metric("W1 seed x1000", "ms", 120)]),
    result("pytorch 2t", "W3", [metric("W3 n=64", "GFLOP/s", 20)]),
    result("js-pytorch", "W3", [], "skipped"),
  ];
  const ratios = ratioTable(results, ENGINES);
  // W1: torch-ts 2t has no W1 value, so its 1t time (30) is used against both PyTorch configs.
  assert.match(ratios, /\| W1 seed x1000 \(lower is better\) \| 0\.500x \| 0\.250x \| — \|/);
  // W3 at 2 threads: 40 / 20 GFLOP/s.
  assert.match(ratios, /\| W3 n=64 \(higher is better\) \| — \| 2\.000x \| — \|/);
  // Issue 9's W1 target: 30 ms (torch-ts, 1t fallback) / 120 ms (PyTorch 2t) = 0.25 <= 0.5.
  const targets = targetsTable(results);
  assert.match(targets, /\| W1 time <= 0\.5x PyTorch \(2 threads\) \| 0\.250x \| met \|/);
  assert.match(targets, /\| W2 peak RSS <= 1\.5x PyTorch \(2 threads\) \| not measured \| — \|/);
  const abs = absoluteTable(results, ENGINES);
  assert.match(abs, /\| W3 n=64 \(GFLOP\/s\) \| 10\.00 \| 40\.00 \| — \| 20\.00 \| skip \|/);
});

function runPeer(command: string[], cfg: ChildConfig): ChildResult {
  const p = spawnSync(command[0]!, [...command.slice(1), JSON.stringify(cfg)], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 });
  const line = p.stdout.split("\n").find((l) => l.startsWith(RESULT_MARKER));
  assert.ok(line, `no result line; stderr: ${p.stderr.slice(-500)}`);
  return JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult;
}
const tinyCfg = (over: Partial<ChildConfig>): ChildConfig => ({
  workload: "W3", threads: 1, repeats: 1, budgetS: 0.05, warmupS: 0.01, matmulSizes: [64], memSteps: 0, memCapS: 1, ...over,
});

test("tfjs-wasm runs 2 threads under Node through the shim", () => {
  const r = runPeer(ENGINES.find((e) => e.id === "tfjs-wasm 2t")!.command, tinyCfg({ backend: "wasm", threads: 2 }));
  assert.equal(r.status, "ok", r.note);
  assert.equal(r.info?.threads, 2);
  assert.equal(r.metrics[0]?.key, "W3 n=64");
});

test("the torch-ts peer runs every workload on 1 and 2 threads, its kernels' work counted", () => {
  // a broken peer shows up here, not as a "failed" row of the next benchmark run
  const torchTs = (id: string) => ENGINES.find((e) => e.id === id)!.command;
  for (const workload of ["W0", "W1", "W2", "W3", "W4", "W5"] as const) {
    const r = runPeer(torchTs("torch-ts 1t"), tinyCfg({ workload, threads: 1 }));
    assert.equal(r.status, "ok", `${workload}: ${r.note}`);
    assert.ok(r.metrics.length > 0 && r.metrics.every((m) => m.median > 0), `${workload}: ${JSON.stringify(r.metrics)}`);
  }
  const two = runPeer(torchTs("torch-ts 2t"), tinyCfg({ workload: "W2", threads: 2 }));
  assert.equal(two.status, "ok", two.note);
  assert.ok((two.work?.["W2 MLP step"]?.flop ?? 0) > 0, "W2's matmul FLOPs were counted through the backend");
});

test("pytorch.py reports skipped, not failed, where import torch fails", () => {
  // -S drops site-packages, so Debian's torch is out of reach: the same path as a machine without it.
  const r = runPeer(["/usr/bin/python3", "-S", "bench/peers/pytorch.py"], tinyCfg({}));
  assert.equal(r.status, "skipped");
  assert.match(r.note ?? "", /^import torch failed: ModuleNotFoundError/);
});

// --- issue 23: what the harness records about the machine and the peers

const BLAS = ["/usr/bin/python3", "bench/peers/blas.py"];
function classifyBlas(blasInfo: string, maps: string): { kind: string; libraries: string[] } {
  const p = spawnSync(BLAS[0]!, [BLAS[1]!, JSON.stringify({ blasInfo, maps })], { cwd: REPO_ROOT, encoding: "utf8", timeout: 30_000 });
  assert.equal(p.status, 0, p.stderr);
  return JSON.parse(p.stdout) as { kind: string; libraries: string[] };
}
const mapsLine = (path: string) => `7f5a1c000000-7f5a1c200000 r-xp 00000000 08:01 1234 ${path}`;

test("blas.py: the BLAS a PyTorch process maps decides, not BLAS_INFO=generic; the reference BLAS is named as such", () => {
  const debianOpenblas = [
    "/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0",
    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so",
  ];
  const got = classifyBlas("generic", [...debianOpenblas, "/usr/lib/x86_64-linux-gnu/libc.so.6", "[heap]"].map(mapsLine).join("\n"));
  assert.deepEqual(got, { kind: "openblas", libraries: debianOpenblas });
  // Debian's libblas3: the alternatives point libblas.so.3 at the reference implementation
  const reference = ["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0"];
  assert.equal(classifyBlas("generic", reference.map(mapsLine).join("\n")).kind, "reference");
  // a wheel with MKL linked in statically: nothing BLAS-like mapped, BLAS_INFO names it
  assert.equal(classifyBlas("mkl", mapsLine("/usr/lib/x86_64-linux-gnu/libgomp.so.1")).kind, "mkl");
  assert.equal(classifyBlas("generic", mapsLine("/usr/lib/x86_64-linux-gnu/libc.so.6")).kind, "unknown");
  assert.equal(classifyBlas("generic", mapsLine("/opt/blis/lib/libblis.so.4")).kind, "blis");
});

test("pytorch.py records the BLAS it runs on, OpenBLAS's core and threading (where torch is installed)", (t) => {
  const probe = spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8", timeout: 60_000 });
  if (probe.status !== 0) {
    t.diagnostic("torch is not installed: the classification above still ran");
    return;
  }
  const r = runPeer(["/usr/bin/python3", "bench/peers/pytorch.py"], tinyCfg({ threads: 1 }));
  const kind = String(r.info?.blas);
  if (kind === "reference" || kind === "unknown") {
    assert.equal(r.status, "refused");
    assert.match(r.note ?? "", /^refused: PyTorch runs on (reference|unknown) BLAS/);
    assert.deepEqual(r.metrics, []);
  } else {
    assert.equal(r.status, "ok", r.note);
    assert.equal(r.info?.threads, 1);
    assert.ok(typeof r.metrics[0]?.gcShare === "number");
    assert.ok(typeof r.metrics[0]?.cpuCores === "number" && r.metrics[0].cpuCores >= 0);
    if (kind === "openblas") {
      assert.match(String(r.info?.openblasConfig), /^OpenBLAS /);
      assert.ok(["pthreads", "openmp", "sequential"].includes(String(r.info?.openblasParallel)));
      if (r.info?.openblasParallel !== "sequential") assert.equal(r.info?.openblasThreads, 1);
    }
  }
});

test("CPU use: measure() records the process's CPU seconds per wall second; the GC table prints it beside the GC share", () => {
  let x = 0;
  const t = measure(() => { for (let i = 0; i < 1e5; i++) x += i; }, { repeats: 3, budgetS: 0.2, warmupS: 0.01 });
  assert.ok(x > 0);
  assert.ok(Number.isFinite(t.cpuCores) && t.cpuCores! >= 0, `cpuCores ${t.cpuCores}`);
  const results: RunResult[] = [{
    engine: "torch-ts", config: "torch-ts 1t", workload: "W5", status: "ok", wallS: 1,
    metrics: [{ key: "W5 GPT step", unit: "ms", median: 60, best: 50, repeats: 5, inner: 1, gcShare: 0.04, cpuCores: 1.375 }],
  }];
  assert.match(gcTable(results, ENGINES.filter((e) => e.id === "torch-ts 1t")), /\| W5 GPT step \| 4\.0% · 1\.38 cores \|/);
});

test("the probe line reports the CPU's steadiness and warns when its speed moved", () => {
  const steady = probeLine({ ...PROBE, steadiness: { minMs: 10, medianMs: 10.5, p90Ms: 11, seconds: 3 } });
  assert.match(steady, /Steadiness: a fixed 10\.00 ms scalar loop took 10\.50 ms median and 11\.00 ms at the 90th percentile over 3\.000 s \(1\.100x its best\)\./);
  const moving = probeLine({ ...PROBE, steadiness: { minMs: 10, medianMs: 17, p90Ms: 22, seconds: 3 } });
  assert.match(moving, /\(2\.200x its best: the machine's speed moved during the probe, so compare engines only within a round\)/);
  assert.doesNotMatch(probeLine(PROBE), /Steadiness/);
});

test("GC shares: the GC time inside each metric's window over the window", () => {
  const m = (key: string, window?: [number, number]) => ({ key, unit: "ms" as const, median: 1, best: 1, repeats: 1, inner: 1, ...(window ? { window } : {}) });
  const gc = [{ startTime: 5, duration: 10 }, { startTime: 50, duration: 2 }, { startTime: 99, duration: 4 }];
  const [a, b, c] = withGcShares([m("a", [0, 100]), m("b", [10, 20]), m("c")], gc);
  assert.equal(a!.gcShare, (10 + 2 + 1) / 100);
  assert.equal(b!.gcShare, 5 / 10);
  assert.equal(c!.gcShare, undefined);
  assert.equal("window" in a!, false);
});

test("countWork: a product's flop and operand bytes, an elementwise op's bytes, through torch-ts's own backend", async () => {
  const torch = await import("../src/index.ts");
  const { backendOf } = await import("../src/ops/alloc.ts");
  const a = torch.randn([8, 16]), b = torch.randn([16, 4]);
  assert.deepEqual(countWork(backendOf(a), () => torch.matmul(a, b)), { flop: 2 * 8 * 16 * 4, bytes: (8 * 16 + 16 * 4 + 8 * 4) * 4 });
  const x = torch.randn([10, 6]), bias = torch.randn([6]);
  // the bias is broadcast over rows: read once
  assert.deepEqual(countWork(backendOf(a), () => torch.add(x, bias)), { flop: 0, bytes: (60 + 6 + 60) * 4 });
  // the wrappers are gone afterwards
  const before = Object.values(backendOf(a)).filter((f) => typeof f === "function");
  countWork(backendOf(a), () => torch.add(x, bias));
  assert.deepEqual(Object.values(backendOf(a)).filter((f) => typeof f === "function"), before);
});

const PROBE: Probe = { pageFaultUs: 1, transparentHugePages: "madvise", cacheGBs: 50, dramGBs: 20, gemmGflops: { 1: 40, 2: 80 }, gemmN: 512 };

test("limits: flop at the probed GEMM rate plus bytes at the cache bandwidth, in the metric's unit", () => {
  const work = { flop: 80e6, bytes: 50e6 };
  const step = { key: "W2 MLP step", unit: "ms" as const, median: 3, best: 3, repeats: 1, inner: 1 };
  assert.equal(limitValue(step, work, PROBE, 1), 2 + 1);
  assert.equal(limitValue(step, work, PROBE, 2), 1 + 1);
  assert.equal(overLimit(step, 2), 1.5);
  const gf = { key: "W3 n=1024", unit: "GFLOP/s" as const, median: 20, best: 20, repeats: 1, inner: 1 };
  // 80 MFLOP in 3 ms: 26.7 GFLOP/s; 20 measured is 1.33x under it
  assert.ok(Math.abs(limitValue(gf, work, PROBE, 1)! - 80e6 / 3e-3 / 1e9) < 1e-9);
  assert.equal(limitValue(step, work, { ...PROBE, gemmGflops: {} }, 1), undefined);
});

test("issue 23's goals: two-thread scaling, the limit, and a refused PyTorch column", () => {
  const step = (config: string, ms: number, status: RunResult["status"] = "ok"): RunResult => ({
    engine: config.split(" ")[0]!, config, workload: "W2" as const, status, wallS: 1,
    metrics: status === "ok" ? [{ key: "W2 MLP step", unit: "ms", median: ms, best: ms, repeats: 1, inner: 1 }] : [],
    ...(config.startsWith("torch-ts") ? { work: { "W2 MLP step": { flop: 80e6, bytes: 50e6 } } } : {}),
  });
  const results = [step("torch-ts 1t", 6), step("torch-ts 2t", 4), step("pytorch 2t", 0, "refused")];
  const goals = targetsTable(results, PROBE);
  assert.match(goals, /\| W2 2 threads >= 1\.4x faster than 1 \| 1\.500x \| met \|/);
  // limits: 3 ms on 1 thread, 2 ms on 2
  assert.match(goals, /\| W2 within 1\.5x of its limit \(1 thread\) \| 2\.000x \| missed \|/);
  assert.match(goals, /\| W2 within 1\.5x of its limit \(2 threads\) \| 2\.000x \| missed \|/);
  assert.match(goals, /\| W2 time <= 2x PyTorch \(2 threads; stretch 1\.5x\) \| not measured \| — \|/);
  assert.match(absoluteTable(results, ENGINES), /\| W2 MLP step \(ms\) \| 6\.000 \| 4\.000 \| refused \|/);
  assert.match(limitTable(results, ENGINES, PROBE), /\| W2 MLP step \(ms\) \| 80\.00 \| 50\.00 \| 6\.000 \| 3\.000 \| 2\.000x \| 4\.000 \| 2\.000 \| 2\.000x \|/);
});
