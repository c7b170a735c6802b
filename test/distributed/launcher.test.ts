// torch-ts-run gives its workers torchrun's environment, prefixes their lines, stops the job
// when one fails and reports that rank's error; torchrun --no_python runs a torch-ts worker
// (rendezvous through torchrun's own TCPStore).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { UsageError, parseLaunchArgs } from "../../src/distributed/launch/launcher.ts";
import { PYTHON, WORKERS, freePort, hasPythonTorch } from "./spawn.ts";

const CLI = new URL("../../src/distributed/launch/cli.ts", import.meta.url).pathname;
const WORKER = new URL("launched.ts", WORKERS).pathname;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(file: string, args: string[], timeoutMs: number): Promise<Exit> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.OMP_NUM_THREADS; // the launchers set it
    // Its own process group, so a launcher killed at the deadline takes its workers with it.
    const c = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], env, detached: true });
    let stdout = "", stderr = "";
    c.stdout.on("data", (d) => (stdout += d));
    c.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-c.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    c.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

interface Reported {
  env: Record<string, string | null>;
  sum: number;
  launched: boolean;
  threads: number;
}
function results(stdout: string): Map<string, Reported> {
  const out = new Map<string, Reported>();
  for (const line of stdout.split("\n")) {
    const m = /^(\[default\d\]:)?RESULT (.*)$/.exec(line);
    if (m) {
      const r = JSON.parse(m[2]) as Reported;
      out.set(`${m[1] ?? ""}${r.env.RANK}`, r);
    }
  }
  return out;
}

const launcher = (args: string[], timeoutMs = 120_000): Promise<Exit> => run(process.execPath, ["--import", "tsx", CLI, ...args], timeoutMs);

test("torch-ts-run: torchrun's environment, per-rank prefixes, one job over its TCPStore", async () => {
  const port = await freePort();
  const r = await launcher(["--nproc-per-node", "2", `--master_port=${port}`, WORKER]);
  assert.equal(r.code, 0, r.stderr);
  const res = results(r.stdout);
  assert.deepEqual([...res.keys()].sort(), ["[default0]:0", "[default1]:1"]);
  for (const [k, v] of res) {
    const rank = k.slice(-1);
    assert.deepEqual(v.env, {
      RANK: rank, LOCAL_RANK: rank, WORLD_SIZE: "2", LOCAL_WORLD_SIZE: "2", GROUP_RANK: "0", ROLE_RANK: rank, ROLE_NAME: "default",
      MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(port), TORCHELASTIC_RESTART_COUNT: "0", TORCHELASTIC_MAX_RESTARTS: "0",
      TORCHELASTIC_RUN_ID: "none", TORCHELASTIC_USE_AGENT_STORE: "True", OMP_NUM_THREADS: "1",
    });
    assert.equal(v.sum, 1);
    assert.equal(v.launched, true);
    assert.equal(v.threads, 1, "OMP_NUM_THREADS=1 sets torch.getNumThreads()");
  }
});

test("torch-ts-run: a failing worker stops the job; the launcher exits 1 with that rank's error", async () => {
  const r = await launcher(["--nproc-per-node", "3", "--standalone", WORKER, "--fail-rank", "1"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[default1\]:Error: rank 1 fails on purpose/);
  assert.match(r.stderr, /Root Cause \(first observed failure\):\n\[0\]:\n {2}time {6}: \S+\n {2}host {6}: \S+\n {2}rank {6}: 1 \(local_rank: 1\)\n {2}exitcode {2}: 1 \(pid: \d+\)/);
  assert.match(r.stderr, /traceback : last lines of its stderr:\n(.*\n)*.*Error: rank 1 fails on purpose/);
  assert.ok(r.ms < 60_000);
});

test("torch-ts-run: a worker killed in the middle of an all-reduce stops the job; exit 1, the signal reported", async () => {
  const r = await launcher(["--nproc-per-node", "2", "--standalone", "--term-timeout", "3", WORKER, "--kill-rank", "1"]);
  assert.equal(r.code, 1, r.stderr);
  // Rank 1's death is in the report, as the root cause or, when rank 0's own error (the
  // lost connection) reached the launcher first, as another failure.
  assert.match(r.stderr, / {2}rank {6}: 1 \(local_rank: 1\)\n {2}exitcode {2}: -9 \(pid: \d+\)\n {2}signal_name: SIGKILL/);
  if (/rank {6}: 0 \(local_rank: 0\)/.test(r.stderr)) {
    // the big all-reduce (#1), or the next one (#2) when a loaded machine let the big one finish before the kill landed
    assert.match(r.stderr, /\[default0\]:RuntimeError: \[Rank 0\] allReduce \(group 0, collective #[12]\) (failed|cannot run): .*the connection to rank 1 \(127\.0\.0\.1:\d+\) was lost/);
  }
  assert.equal(results(r.stdout).size, 0, "no rank finished the job");
  assert.ok(r.ms < 60_000, `${r.ms} ms`);
});

test("torch-ts-run --max-restarts: the job is restarted as a whole, with the next attempt's count", async () => {
  const r = await launcher(["--nproc-per-node", "2", "--standalone", "--max-restarts", "1", WORKER, "--fail-rank", "0", "--first-attempt-only"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /rank 0 failed; restarting all workers \(1\/1\)/);
  const res = results(r.stdout);
  assert.equal(res.size, 2);
  for (const v of res.values()) assert.equal(v.env.TORCHELASTIC_RESTART_COUNT, "1");
});

test("torch-ts-run argument parsing: torchrun's spellings, and usage errors", () => {
  const o = parseLaunchArgs(["--nproc_per_node=4", "--nnodes", "2", "--node-rank", "1", "--master-addr", "10.0.0.1", "train.ts", "--lr", "3"]);
  assert.deepEqual([o.nprocPerNode, o.nnodes, o.nodeRank, o.masterAddr, o.masterPort, o.script, o.args], [4, 2, 1, "10.0.0.1", 29500, "train.ts", ["--lr", "3"]]);
  assert.equal(parseLaunchArgs(["--no_python", "python3", "x.py"]).noNode, true);
  assert.throws(() => parseLaunchArgs(["--nproc-per-node", "0", "x.ts"]), UsageError);
  assert.throws(() => parseLaunchArgs(["--nnodes", "1:4", "x.ts"]), /elastic/);
  assert.throws(() => parseLaunchArgs(["--frobnicate", "x.ts"]), /unknown option --frobnicate/);
  assert.throws(() => parseLaunchArgs(["--nproc-per-node", "2"]), /script to run is missing/);
  assert.throws(() => parseLaunchArgs(["--nnodes", "2", "--node-rank", "2", "x.ts"]), /must be below/);
});

test("torchrun --no_python launches torch-ts workers, which rendezvous through torchrun's TCPStore", { skip: !hasPythonTorch() && "python3-torch is not installed" }, async () => {
  const port = await freePort();
  // Debian's torchrun on Python 3.11 needs --redirects/--tee given explicitly (else AttributeError in its log setup).
  const r = await run(PYTHON, ["-m", "torch.distributed.run", "--no_python", "--nproc_per_node", "2", "--redirects", "9:0", "--tee", "9:0",
    "--master_port", String(port), process.execPath, "--import", "tsx", WORKER], 120_000);
  assert.equal(r.code, 0, r.stderr);
  const res = results(r.stdout);
  assert.equal(res.size, 2, r.stdout);
  for (const v of res.values()) {
    assert.equal(v.sum, 1);
    assert.equal(v.env.TORCHELASTIC_USE_AGENT_STORE, "True");
    assert.equal(v.env.MASTER_PORT, String(port));
  }
});

test("torchrun --no_python: a torch-ts worker killed in the middle of an all-reduce; torchrun stops the job and exits non-zero", { skip: !hasPythonTorch() && "python3-torch is not installed" }, async () => {
  const r = await run(PYTHON, ["-m", "torch.distributed.run", "--no_python", "--nproc_per_node", "2", "--redirects", "9:0", "--tee", "9:0",
    "--monitor_interval", "1", "--master_port", String(await freePort()), process.execPath, "--import", "tsx", WORKER, "--kill-rank", "1"], 120_000);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /ChildFailedError/);
  // torchrun lists every worker that failed before it stopped the job: rank 1 (killed) and
  // usually rank 0, whose all-reduce failed naming rank 1 (its stderr passes through).
  assert.match(r.stderr, / {2}rank {6}: 1 \(local_rank: 1\)\n {2}exitcode {2}: -9 \(pid: \d+\)/);
  if (/rank {6}: 0 \(local_rank: 0\)\n {2}exitcode {2}: 1 /.test(r.stderr)) {
    // (#2 when a loaded machine let the big all-reduce finish before the kill landed)
    assert.match(r.stderr, /RuntimeError: \[Rank 0\] allReduce \(group 0, collective #[12]\) (failed|cannot run): .*the connection to rank 1 \(127\.0\.0\.1:\d+\) was lost/);
  }
  assert.equal(results(r.stdout).size, 0, "no rank finished the job");
});

test("torchrun --no_python runs examples/ddpMnist.ts: DDP training and the checkpoint written on rank 0", { skip: !hasPythonTorch() && "python3-torch is not installed" }, async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(`${tmpdir()}/torch-ts-ddp-`);
  try {
    const ckpt = `${dir}/mnist.pt`;
    const example = new URL("../../examples/ddpMnist.ts", import.meta.url).pathname;
    const r = await run(PYTHON, ["-m", "torch.distributed.run", "--no_python", "--nproc_per_node", "2", "--redirects", "9:0", "--tee", "9:0",
      "--master_port", String(await freePort()), process.execPath, "--import", "tsx", example, "--epochs", "1", "--max-steps", "5", "--checkpoint", ckpt], 300_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 processes, 4000 training digits each per epoch, batch 32 per rank \(64 in all\)/);
    assert.match(r.stdout, /epoch 1: train loss \d+\.\d+, held-out accuracy \d+\.\d+% \(2000 digits\)/);
    assert.match(r.stdout, /checkpoint written to /);
    assert.ok(existsSync(ckpt));
    const { load } = await import("../../src/index.ts");
    const saved = load(ckpt) as { epoch: number; model: Record<string, unknown> };
    assert.equal(saved.epoch, 1);
    assert.deepEqual(Object.keys(saved.model).sort(), ["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the built package: bin torch-ts-run and torch.distributed under plain node (no tsx)", async () => {
  const root = new URL("../../", import.meta.url);
  const cli = new URL("dist/distributed/launch/cli.js", root).pathname;
  // npm install's prepare builds dist/; a checkout without it (a worktree) builds it here
  if (!existsSync(cli)) {
    const built = spawnSync("npm", ["run", "build"], { cwd: root.pathname, encoding: "utf8", timeout: 300_000 });
    assert.equal(built.status, 0, `npm run build: ${built.stderr}`);
  }
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(`${tmpdir()}/torch-ts-dist-`);
  try {
    const script = `${dir}/job.mjs`;
    writeFileSync(script, `import * as torch from ${JSON.stringify(new URL("dist/index.js", root).href)};
const dist = torch.distributed;
dist.initProcessGroup("gloo", { timeout: 30000 });
const t = torch.tensor([dist.getRank() + 1], { dtype: "float32" });
dist.allReduce(t);
console.log("sum " + t.item());
dist.destroyProcessGroup();
`);
    const r = await run(process.execPath, [cli, "--nproc-per-node", "2", "--standalone", script], 120_000);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n").sort(), ["[default0]:sum 3", "[default1]:sum 3"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
