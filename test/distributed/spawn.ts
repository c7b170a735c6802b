// Runs a worker script as the ranks of a job on loopback, with the environment torchrun
// gives (MASTER_ADDR/PORT, RANK, WORLD_SIZE, LOCAL_RANK...), bounded in time: every process
// still running at the deadline, or when the test ends, is killed.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

export interface RankRun {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the start of the job to this process's exit. */
  ms: number;
  /** The JSON after "RESULT " in its output, if it printed one. */
  result: unknown;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export const WORKERS = new URL("./workers/", import.meta.url);

export interface JobOptions {
  world: number;
  /** Ranks to start (default: all). */
  ranks?: number[];
  env?: Record<string, string>;
  /** Extra environment per rank. */
  rankEnv?: (rank: number) => Record<string, string>;
  args?: string[];
  timeoutMs: number;
  port?: number;
}

/** Starts the ranks of `script` (a file in workers/) and resolves when all have exited. */
export async function runJob(script: string, o: JobOptions): Promise<RankRun[]> {
  const port = o.port ?? (await freePort());
  const ranks = o.ranks ?? Array.from({ length: o.world }, (_, i) => i);
  const t0 = performance.now();
  const children: ChildProcess[] = [];
  const runs = ranks.map((rank) => new Promise<RankRun>((resolve) => {
    const c = spawn(process.execPath, ["--import", "tsx", new URL(script, WORKERS).pathname, ...(o.args ?? [])], {
      env: {
        ...process.env, MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(port), WORLD_SIZE: String(o.world), RANK: String(rank),
        LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: String(o.world), OMP_NUM_THREADS: "1", ...o.env, ...o.rankEnv?.(rank),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(c);
    let stdout = "", stderr = "";
    c.stdout!.on("data", (d) => (stdout += d));
    c.stderr!.on("data", (d) => (stderr += d));
    c.on("close", (code, signal) => {
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
      resolve({ rank, code, signal, stdout, stderr, ms: performance.now() - t0, result: line ? JSON.parse(line.slice(7)) : undefined });
    });
  }));
  const timer = setTimeout(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }, o.timeoutMs);
  try {
    return await Promise.all(runs);
  } finally {
    clearTimeout(timer);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
}

/** Every rank's exit and the end of its output (for a failing assertion about any of them). */
export function describeJob(runs: RankRun[]): string {
  return runs.map(describeRun).join("\n");
}

/** A failing assertion's message: the rank's exit and the end of its output. */
export function describeRun(r: RankRun): string {
  return `rank ${r.rank}: exit ${r.code ?? r.signal} after ${r.ms.toFixed(0)} ms\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const PYTHON = "/usr/bin/python3";
let torchPython: boolean | null = null;

/**
 * Whether Debian's python3-torch is installed (the interop tests run against it). CI installs
 * it (.ci/run), so there its absence is a failure, not a reason to skip.
 */
export function hasPythonTorch(): boolean {
  if (torchPython === null) {
    torchPython = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import torch.distributed"], { timeout: 60_000 }).status === 0;
    if (!torchPython && process.env.CI) throw new Error("CI needs python3-torch for the interop tests (.ci/run installs it)");
  }
  return torchPython;
}
