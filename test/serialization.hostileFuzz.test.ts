// Issue 22's proof: a seeded fuzz suite of hostile checkpoints (pickle opcode programs, tensor
// layouts, zip structure, safetensors headers, round trips, and the issue's cases by name),
// each loaded under a time and a memory cap. Every case must end in a typed checkpoint error
// or a correct load: 0 hangs, 0 untyped errors, 0 wrong results, 0 allocations above the cap.
//
// The cases run in a child process (test/hostile/fuzzRunner.ts), so a hang can be killed and
// named, a runaway heap (--max-old-space-size) cannot take the test runner down, and the
// process's peak resident memory measures what each case really allocated.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { it } from "node:test";

const SEED = 22;
/** Every case loads with this maxBytes unless it states its own. */
const MAX_BYTES = 32 << 20;
/** Resident memory a case may add beyond its maxBytes: V8's young generation, code, and a 16 MiB collection slack. */
const MEMORY_SLACK = 48 << 20;
/** A case slower than this fails (the slowest takes ~1 s on a loaded 2-core machine). */
const TIME_CAP_MS = 10_000;
/** No report for this long: the case is hung, and the child is killed. */
const HANG_MS = 60_000;

/** The issue's cases, which must be among those run. */
const NAMED = [
  "issue22 1: PyTorch's expand(2**28) file",
  "issue22 1: crafted 1.4 KB file, 8 expands of 2^28",
  "issue22 2: dict key, DAG of tuples 40 levels",
  "issue22 2: LONG4 of 1048576 bytes",
  "issue22 2: 9 MB $int in a structure",
  "issue22 3: cyclic pickle \\x80\\x02]q\\x00h\\x00a.",
  "issue22 3: lists nested 100000 levels",
  "issue22 3: deeply nested safetensors shape",
  "issue22 3: deeply nested safetensors data_offsets",
  "issue22 3: deeply nested safetensors __metadata__",
  "issue22 3: deeply nested safetensors structure",
  'issue22 4: safetensors dtype "constructor"',
  'issue22 4: safetensors dtype "__proto__"',
  'issue22 4: safetensors dtype "toString"',
  "issue22 5: safetensors header of 128 bytes (starts 0x80 0x00)",
  "issue22 5: safetensors header of 384 bytes (starts 0x80 0x01)",
  "issue22 5: safetensors header of 640 bytes (starts 0x80 0x02)",
  "issue22 6: 1 MB deflate bomb (160 MB)",
  "issue22 6: header of 150k empty tensors",
  "issue22 6: 10M DUP opcodes",
  "issue22 8: TorchScript archive",
];

interface Report {
  i: number;
  name: string;
  family: string;
  outcome: "loaded" | "typed" | "untyped" | "wrong" | "unexpected";
  ms: number;
  rssBefore: number;
  maxRss: number;
  input: number;
  maxBytes: number;
  error?: string;
}

it(`seeded hostile checkpoints (seed ${SEED}): >= 1,000 cases, each a typed error or a correct load, within time and memory caps`, { timeout: 15 * 60_000 }, async (t) => {
  const runner = new URL("./hostile/fuzzRunner.ts", import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--max-old-space-size=1024", "--max-semi-space-size=4", "--import", "tsx", runner, String(SEED), String(MAX_BYTES)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const reports: Report[] = [];
  let started: { start: number; name: string } | null = null;
  let ended = false;
  let hung: string | null = null;
  let watchdog: NodeJS.Timeout;
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      hung = started ? `case ${started.start} (${started.name})` : "before the first case";
      child.kill("SIGKILL");
    }, HANG_MS);
  };
  arm();
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  for await (const text of createInterface({ input: child.stdout! })) {
    arm();
    const msg = JSON.parse(text);
    if ("start" in msg) started = msg;
    else if ("end" in msg) ended = true;
    else reports.push(msg);
  }
  const code = await exited;
  clearTimeout(watchdog!);

  assert.equal(hung, null, `a case hung: ${hung}`);
  assert.ok(ended && code === 0, `the runner died (exit ${code}) during case ${started?.start} (${started?.name}): ${stderr}`);
  assert.ok(reports.length >= 1000, `${reports.length} cases`);

  const bad = reports.filter((r) => r.outcome !== "loaded" && r.outcome !== "typed");
  assert.deepEqual(bad.map((r) => `${r.i} ${r.name}: ${r.outcome}: ${r.error}`), [], "untyped errors, wrong loads or unexpected outcomes");
  const slow = reports.filter((r) => r.ms > TIME_CAP_MS);
  assert.deepEqual(slow.map((r) => `${r.name}: ${r.ms.toFixed(0)} ms`), [], "cases over the time cap");

  // maxRss only grows: a case that raised it allocated (maxRss - rssBefore) itself.
  let peak = 0;
  let worst = { growth: 0, name: "" };
  const heavy: string[] = [];
  for (const r of reports) {
    if (r.maxRss > peak) {
      const growth = r.maxRss - r.rssBefore;
      if (growth > worst.growth) worst = { growth, name: r.name };
      if (growth > r.maxBytes + MEMORY_SLACK) heavy.push(`${r.name}: ${(growth / 2 ** 20).toFixed(1)} MiB with maxBytes ${(r.maxBytes / 2 ** 20).toFixed(0)} MiB`);
      peak = r.maxRss;
    }
  }
  assert.deepEqual(heavy, [], "allocations above the cap");

  const names = new Set(reports.map((r) => r.name));
  assert.deepEqual(NAMED.filter((n) => !names.has(n)), [], "issue cases missing from the run");
  const families = new Map<string, { loaded: number; typed: number }>();
  for (const r of reports) {
    const f = families.get(r.family) ?? { loaded: 0, typed: 0 };
    f[r.outcome as "loaded" | "typed"]++;
    families.set(r.family, f);
  }
  // Every family reaches both ends: files that load (checked) and files that are refused.
  for (const f of ["pickle", "tensor", "zip", "safetensors"]) {
    const c = families.get(f);
    assert.ok(c && c.loaded >= 20 && c.typed >= 50, `${f}: ${JSON.stringify(c)}`);
  }
  assert.ok((families.get("roundtrip")?.loaded ?? 0) >= 100);
  t.diagnostic(
    `${reports.length} cases: ${[...families].map(([f, c]) => `${f} ${c.loaded} loaded / ${c.typed} refused`).join(", ")}; ` +
      `slowest ${Math.max(...reports.map((r) => r.ms)).toFixed(0)} ms; largest resident growth ${(worst.growth / 2 ** 20).toFixed(1)} MiB (${worst.name})`,
  );
});
