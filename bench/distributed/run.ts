// `npm run bench -- --distributed`: torch.distributed side by side with PyTorch, in one run.
//   1. all-reduce bus bandwidth, 2 processes on loopback, 1 MB to 256 MB of float32,
//      torch-ts against PyTorch's gloo backend (Debian's torch);
//   2. DDP scaling: W4 (LeNet-5, batch 64 per process) samples/s on 2 processes against one
//      process, and the share of the all-reduce time hidden behind backward.
// Engines alternate within each round so both see the same load; figures are medians.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/versions.ts";

const PYTHON = "/usr/bin/python3";
const HERE = join(REPO_ROOT, "bench", "distributed");

export interface DistributedBenchOptions {
  quick: boolean;
  rounds: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Runs `world` copies of a command as the ranks of a job (world 0: one process, no RANK); rank 0's RESULT. */
async function job(cmd: string[], world: number, timeoutS: number): Promise<Record<string, unknown>> {
  const port = await freePort();
  const ranks = world === 0 ? [-1] : Array.from({ length: world }, (_, r) => r);
  const runs = ranks.map((rank) => new Promise<{ out: string; err: string; code: number | null }>((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: "1" };
    if (rank >= 0) Object.assign(env, { RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: String(world), MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(port) });
    const c = spawn(cmd[0]!, cmd.slice(1), { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => c.kill("SIGKILL"), timeoutS * 1000);
    c.on("close", (code) => {
      clearTimeout(timer);
      resolve({ out, err, code });
    });
  }));
  const done = await Promise.all(runs);
  const line = done[0]!.out.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line || done.some((d) => d.code !== 0)) {
    const bad = done.find((d) => d.code !== 0) ?? done[0]!;
    throw new Error(`${cmd.join(" ")} failed (exit ${bad.code}): ${bad.err.trim().split("\n").slice(-3).join(" / ")}`);
  }
  return JSON.parse(line.slice(7)) as Record<string, unknown>;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const f = (x: number, d = 2): string => x.toFixed(d);

export async function runDistributedBench(o: DistributedBenchOptions): Promise<void> {
  const started = new Date();
  const load0 = os.loadavg().map((x) => x.toFixed(2));
  const sizes = o.quick ? [1, 16, 64] : [1, 4, 16, 64, 256];
  const repeats = o.quick ? 3 : 5;
  const rounds = Math.max(o.rounds, o.quick ? 1 : 2);
  const node = [process.execPath, "--import", "tsx"];
  const haveGloo = existsSync(PYTHON);
  const log = (s: string): void => void process.stderr.write(s);

  // ---- all-reduce bandwidth -----------------------------------------------------------
  const ms: Record<string, Record<number, number[]>> = { "torch-ts": {}, "pytorch gloo": {} };
  for (let r = 0; r < rounds; r++) {
    const engines: Array<[string, string[]]> = [["torch-ts", [...node, join(HERE, "allreduce.ts")]]];
    if (haveGloo) engines.push(["pytorch gloo", [PYTHON, join(HERE, "allreduce_gloo.py")]]);
    for (const [name, cmd] of r % 2 ? engines.reverse() : engines) {
      log(`all-reduce ${name}, round ${r + 1}/${rounds} ... `);
      const t0 = performance.now();
      const res = await job([...cmd, String(repeats), ...sizes.map(String)], 2, 900) as { sizes: Array<{ mb: number; ms: number[] }> };
      for (const s of res.sizes) (ms[name]![s.mb] ??= []).push(...s.ms);
      log(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  }
  const bw = (name: string, mb: number): number => (mb * 2 ** 20) / (median(ms[name]![mb]!) / 1000) / 1e9;
  const arRows = sizes.map((mb) => {
    const ts = bw("torch-ts", mb);
    const gl = haveGloo ? bw("pytorch gloo", mb) : NaN;
    return `| ${mb} MB | ${f(median(ms["torch-ts"]![mb]!), 1)} | ${haveGloo ? f(median(ms["pytorch gloo"]![mb]!), 1) : "-"} | ${f(ts, 3)} | ${haveGloo ? f(gl, 3) : "-"} | ${haveGloo ? f(ts / gl) : "-"} |`;
  });

  // ---- DDP scaling, W4 ----------------------------------------------------------------
  const steps = o.quick ? 30 : 100;
  const lenet = join(HERE, "lenet.ts");
  const configs: Array<{ name: string; world: number; args: Array<number | string> }> = [
    { name: "1 process, 1 thread", world: 0, args: [steps, 1, "single", 25, 0] },
    { name: "1 process, 2 threads", world: 0, args: [steps, 2, "single", 25, 0] },
    { name: "2 processes x 1 thread, no communication", world: 2, args: [steps, 1, "local", 25, 0] },
    { name: "2 processes x 1 thread, DDP (PyTorch's buckets: 1)", world: 2, args: [steps, 1, "ddp", 25, 0] },
    { name: "2 processes x 1 thread, DDP (5 KB buckets)", world: 2, args: [steps, 1, "ddp", 0.005, 0.005] },
  ];
  const ddp = new Map<string, Array<Record<string, number>>>();
  for (let r = 0; r < rounds; r++) {
    for (const c of r % 2 ? [...configs].reverse() : configs) {
      log(`W4 ${c.name}, round ${r + 1}/${rounds} ... `);
      const res = await job([...node, lenet, ...c.args.map(String)], c.world, 900) as Record<string, number>;
      ddp.set(c.name, [...(ddp.get(c.name) ?? []), res]);
      log(`${f(res.samplesPerS!, 0)} samples/s\n`);
    }
  }
  const med = (name: string, key: string): number => median(ddp.get(name)!.map((x) => x[key]!));
  const base1 = med(configs[0]!.name, "samplesPerS"), base2 = med(configs[1]!.name, "samplesPerS");
  const computeMs = med(configs[2]!.name, "msPerStep");
  const ddpRows = configs.map((c) => {
    const sps = med(c.name, "samplesPerS");
    const isDdp = c.args[2] === "ddp";
    const stepMs = med(c.name, "msPerStep");
    // Communication that did not hide behind backward shows up as step time over the same
    // processes' compute-only step time.
    const alone = isDdp ? med(c.name, "commAloneMsPerStep") : NaN;
    const exposed = Math.max(0, stepMs - computeMs);
    const hidden = Math.min(1, Math.max(0, 1 - exposed / alone));
    return `| ${c.name} | ${f(sps, 0)} | ${f(stepMs, 1)} | ${f(sps / base1)} | ${f(sps / base2)} | ${isDdp ? f(med(c.name, "buckets"), 0) : "-"} | ${isDdp ? f(alone) : "-"} | ${isDdp ? f(exposed) : "-"} | ${isDdp ? `${f(100 * hidden, 0)}%` : "-"} |`;
  });

  const load1 = os.loadavg().map((x) => x.toFixed(2));
  const report = [
    `## torch.distributed benchmarks (${o.quick ? "quick" : "full"}), ${started.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `Machine: ${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} cores, Node ${process.version}. Load average (1, 5, 15 min) at start ${load0.join(", ")}, at end ${load1.join(", ")}; ` +
      `above ${os.cpus().length} means other processes competed for the cores. ${rounds} round(s), engines alternating; medians.`,
    "",
    `### All-reduce (SUM) of float32 on 2 processes over loopback, ${repeats} timed calls per size and round`,
    "",
    "Bus bandwidth = bytes / time x 2(n-1)/n (= bytes / time for n = 2), as nccl-tests and PyTorch report it.",
    "",
    "| size | torch-ts ms | gloo ms | torch-ts GB/s | gloo GB/s | torch-ts / gloo bandwidth |",
    "|---|---|---|---|---|---|",
    ...arRows,
    "",
    `### DDP scaling: W4 (LeNet-5, batch 64 per process, SGD), ${steps} steps`,
    "",
    "samples/s counts every process's samples. Exposed = DDP's ms/step minus the ms/step of the same 2 processes training without communication; " +
      "hidden = 1 - exposed / (the same buckets all-reduced with nothing else running).",
    "",
    "| configuration | samples/s | ms/step | vs 1 proc 1 thread | vs 1 proc 2 threads | buckets | all-reduce alone ms/step | exposed ms/step | hidden |",
    "|---|---|---|---|---|---|---|---|---|",
    ...ddpRows,
    "",
  ].join("\n");
  process.stdout.write(report);
  const dir = join(REPO_ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  const mode = o.quick ? "quick" : "full";
  writeFileSync(join(dir, `distributed-${mode}-${stamp}.json`), JSON.stringify({ started, load: { start: load0, end: load1 }, allReduceMs: ms, ddp: Object.fromEntries(ddp) }, null, 2));
  writeFileSync(join(dir, `distributed-${mode}-${stamp}.md`), report);
}
