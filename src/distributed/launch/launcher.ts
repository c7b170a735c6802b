// torch-ts-run: torchrun's behaviour for users without Python. It starts nproc-per-node
// workers with the environment torchrun (PyTorch 1.13, static rendezvous) gives its workers,
// hosts the TCPStore they rendezvous through (on node 0, at MASTER_ADDR:MASTER_PORT; the
// workers are its clients, under /worker/attempt_<n>, exactly as under torchrun), prefixes
// every line a worker prints with "[default<local rank>]:", and when a worker fails stops the
// others and exits non-zero with the failing rank's error, as torchrun's ChildFailedError.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import os from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { StoreServer } from "../wire/storeServer.ts";
import { DEFAULT_PORT } from "../wire/storeProtocol.ts";

export interface LaunchOptions {
  nprocPerNode: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number;
  maxRestarts: number;
  /** Run the script as a command, not with node (torchrun's --no_python). */
  noNode: boolean;
  runId: string;
  /** Seconds between SIGTERM and SIGKILL when stopping workers. */
  termTimeout: number;
  script: string;
  args: string[];
}

export const USAGE = `usage: torch-ts-run [--nproc-per-node N] [--nnodes N] [--node-rank R] [--master-addr A]
                    [--master-port P] [--standalone] [--max-restarts K] [--rdzv-id ID]
                    [--no-node] script [script args...]

Runs N copies of script (a .ts, .js or .mjs file run with node, through tsx for TypeScript;
with --no-node any command) with torchrun's environment: RANK, LOCAL_RANK, WORLD_SIZE,
LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT, GROUP_RANK, ROLE_RANK, TORCHELASTIC_*. Option
names also take torchrun's spellings (--nproc_per_node, --master_addr, ...).`;

export class UsageError extends Error {}

/** Parses torchrun-style arguments: --opt value, --opt=value, underscores or dashes. */
export function parseLaunchArgs(argv: readonly string[]): LaunchOptions {
  const o: LaunchOptions = {
    nprocPerNode: 1, nnodes: 1, nodeRank: 0, masterAddr: "127.0.0.1", masterPort: DEFAULT_PORT, maxRestarts: 0, noNode: false,
    runId: "none", termTimeout: 5, script: "", args: [],
  };
  let standalone = false;
  let i = 0;
  const int = (name: string, v: string | undefined, min = 0): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new UsageError(`--${name} needs an integer >= ${min}, got ${v ?? "nothing"}`);
    return n;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) break;
    const eq = a.indexOf("=");
    const name = (eq >= 0 ? a.slice(2, eq) : a.slice(2)).replace(/_/g, "-");
    const value = (): string | undefined => (eq >= 0 ? a.slice(eq + 1) : argv[++i]);
    switch (name) {
      case "nproc-per-node": {
        const v = value();
        o.nprocPerNode = v === "auto" ? os.availableParallelism() : int(name, v, 1);
        break;
      }
      case "nnodes": {
        const v = value();
        if (v?.includes(":")) throw new UsageError("elastic --nnodes MIN:MAX is not supported by torch-ts-run: give one number (torchrun handles elastic jobs)");
        o.nnodes = int(name, v, 1);
        break;
      }
      case "node-rank": o.nodeRank = int(name, value()); break;
      case "master-addr": o.masterAddr = value() ?? ""; break;
      case "master-port": o.masterPort = int(name, value()); break;
      case "max-restarts": o.maxRestarts = int(name, value()); break;
      case "rdzv-id": case "run-id": o.runId = value() ?? "none"; break;
      case "term-timeout": o.termTimeout = int(name, value()); break;
      case "standalone": standalone = true; break;
      case "no-node": case "no-python": o.noNode = true; break;
      case "help": throw new UsageError("");
      default: throw new UsageError(`unknown option --${name}`);
    }
  }
  if (i >= argv.length) throw new UsageError("the script to run is missing");
  o.script = argv[i];
  o.args = argv.slice(i + 1);
  if (o.nodeRank >= o.nnodes) throw new UsageError(`--node-rank ${o.nodeRank} must be below --nnodes ${o.nnodes}`);
  if (standalone) {
    if (o.nnodes !== 1) throw new UsageError("--standalone runs one node");
    o.masterAddr = "127.0.0.1";
    o.masterPort = 0;
    o.runId = randomUUID();
  }
  return o;
}

/** The command that runs the script on one worker. */
export function workerCommand(o: LaunchOptions): { file: string; args: string[] } {
  if (o.noNode) return { file: o.script, args: o.args };
  if (/\.[cm]?tsx?$/.test(o.script)) {
    return { file: process.execPath, args: ["--import", tsxLoader(), o.script, ...o.args] };
  }
  return { file: process.execPath, args: [o.script, ...o.args] };
}

/** tsx's loader, from the project the job runs in, else from torch-ts's own dependencies. */
function tsxLoader(): string {
  for (const base of [join(process.cwd(), "package.json"), import.meta.url]) {
    try {
      return pathToFileURL(createRequire(base).resolve("tsx")).href;
    } catch {
      /* try the next */
    }
  }
  throw new UsageError("running a TypeScript script needs tsx (npm install --save-dev tsx), or give a .js script");
}

interface Failure {
  rank: number;
  localRank: number;
  exitcode: number | null;
  signal: NodeJS.Signals | null;
  pid: number;
  time: Date;
  tail: string[];
}

/** Writes each complete line of a stream with a prefix; the partial last line at the end. */
function prefixLines(src: NodeJS.ReadableStream, dst: NodeJS.WritableStream, prefix: string, tail: string[]): void {
  let rest = "";
  src.setEncoding("utf8");
  src.on("data", (chunk: string) => {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    for (const l of lines) {
      dst.write(`${prefix}${l}\n`);
      tail.push(l);
      if (tail.length > 40) tail.shift();
    }
  });
  src.on("end", () => {
    if (rest) {
      dst.write(`${prefix}${rest}\n`);
      tail.push(rest);
    }
  });
}

function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}_${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** torchrun's ChildFailedError report. */
export function failureReport(script: string, root: Failure, others: Failure[]): string {
  const bar = "=".repeat(60), line = "-".repeat(60);
  const fmt = (f: Failure, i: number): string => {
    const exit = f.signal ? `-${os.constants.signals[f.signal] ?? 0} (pid: ${f.pid})\n  signal_name: ${f.signal}` : `${f.exitcode} (pid: ${f.pid})`;
    const tb = f.tail.length ? f.tail.map((l) => `    ${l}`).join("\n") : "    <no output on stderr>";
    return `[${i}]:\n  time      : ${stamp(f.time)}\n  host      : ${os.hostname()}\n  rank      : ${f.rank} (local_rank: ${f.localRank})\n  exitcode  : ${exit}\n  error_file: <N/A>\n  traceback : last lines of its stderr:\n${tb}`;
  };
  return [
    bar, `${script} FAILED`, line, "Failures:",
    others.length ? others.map((f, i) => fmt(f, i + 1)).join("\n") : "  <NO_OTHER_FAILURES>",
    line, "Root Cause (first observed failure):", fmt(root, 0), bar,
  ].join("\n");
}

/** Runs the job; resolves with the launcher's exit code. */
export async function launch(o: LaunchOptions, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let server: StoreServer | null = null;
  let port = o.masterPort;
  if (o.nodeRank === 0) {
    server = await StoreServer.listen(o.masterAddr, o.masterPort);
    port = server.port;
  }
  const world = o.nnodes * o.nprocPerNode;
  const baseEnv: NodeJS.ProcessEnv = { ...process.env };
  if (o.nprocPerNode > 1 && baseEnv.OMP_NUM_THREADS === undefined) {
    err.write(`torch-ts-run: setting OMP_NUM_THREADS=1 for each worker (torch.getNumThreads()) to avoid oversubscribing the cores; set it yourself to tune.\n`);
    baseEnv.OMP_NUM_THREADS = "1";
  }
  const stopSignals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
  let interrupted: NodeJS.Signals | null = null;
  let current: ChildProcess[] = [];
  const onSignal = (s: NodeJS.Signals): void => {
    interrupted = s;
    for (const c of current) c.kill(s);
  };
  for (const s of stopSignals) process.on(s, onSignal);
  try {
    for (let attempt = 0; ; attempt++) {
      const result = await runAttempt(o, attempt, port, world, baseEnv, out, err, (c) => (current = c));
      if (result === null) return 0;
      if (interrupted) return 128 + (os.constants.signals[interrupted as NodeJS.Signals] ?? 1);
      if (attempt < o.maxRestarts) {
        err.write(`torch-ts-run: rank ${result.root.rank} failed; restarting all workers (${attempt + 1}/${o.maxRestarts})\n`);
        continue;
      }
      err.write(`${failureReport(o.script, result.root, result.others)}\n`);
      return 1;
    }
  } finally {
    for (const s of stopSignals) process.off(s, onSignal);
    await server?.close();
  }
}

async function runAttempt(
  o: LaunchOptions, attempt: number, port: number, world: number, baseEnv: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream, err: NodeJS.WritableStream, track: (c: ChildProcess[]) => void,
): Promise<{ root: Failure; others: Failure[] } | null> {
  const cmd = workerCommand(o);
  const children: ChildProcess[] = [];
  const tails: string[][] = [];
  const failures: Failure[] = [];
  let stopping = false;
  /** Workers the launcher sent SIGTERM. */
  const stopped = new Set<ChildProcess>();
  let killTimer: NodeJS.Timeout | null = null;
  const exits: Promise<void>[] = [];
  for (let local = 0; local < o.nprocPerNode; local++) {
    const rank = o.nodeRank * o.nprocPerNode + local;
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      LOCAL_RANK: String(local), RANK: String(rank), GROUP_RANK: String(o.nodeRank), ROLE_RANK: String(rank), ROLE_NAME: "default",
      LOCAL_WORLD_SIZE: String(o.nprocPerNode), WORLD_SIZE: String(world), GROUP_WORLD_SIZE: String(o.nnodes),
      ROLE_WORLD_SIZE: String(world), MASTER_ADDR: o.masterAddr, MASTER_PORT: String(port),
      TORCHELASTIC_RESTART_COUNT: String(attempt), TORCHELASTIC_MAX_RESTARTS: String(o.maxRestarts), TORCHELASTIC_RUN_ID: o.runId,
      TORCHELASTIC_USE_AGENT_STORE: "True",
    };
    const c = spawn(cmd.file, cmd.args, { env, stdio: ["inherit", "pipe", "pipe"] });
    const prefix = `[default${local}]:`;
    const tail: string[] = [];
    tails.push(tail);
    prefixLines(c.stdout!, out, prefix, []);
    prefixLines(c.stderr!, err, prefix, tail);
    children.push(c);
    exits.push(new Promise<void>((res) => {
      let judged = false;
      // Judged at 'exit', in the order the workers died (the first one is the root cause;
      // 'close' waits for its output to drain, which a long stack trace delays); the report
      // is written after every 'close', when each tail is complete.
      const judge = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (judged) return;
        judged = true;
        // A worker the launcher stopped did not fail; one that ended on its own did, even
        // when the launcher's SIGTERM found it already dead.
        if ((code === 0 && !signal) || (signal !== null && stopped.has(c))) return;
        failures.push({ rank, localRank: local, exitcode: code, signal, pid: c.pid ?? -1, time: new Date(), tail });
        stop();
      };
      c.on("error", (e) => {
        tail.push(`could not start ${cmd.file}: ${e.message}`);
        judge(127, null);
        res();
      });
      c.on("exit", judge);
      c.on("close", (code, signal) => {
        judge(code, signal);
        res();
      });
    }));
  }
  track(children);
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        stopped.add(c);
        c.kill("SIGTERM");
      }
    }
    killTimer = setTimeout(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    }, o.termTimeout * 1000);
  };
  await Promise.all(exits);
  if (killTimer) clearTimeout(killTimer);
  return failures.length ? { root: failures[0]!, others: failures.slice(1) } : null;
}
