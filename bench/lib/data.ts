// The data-loading section of `npm run bench` (issue 18), after the W0-W5 tables:
//   D1  DataLoader batches/s over a map-style dataset with ~1 ms of CPU per sample
//       (bench/data/augment.ts): numWorkers 0 against 2, torch-ts and PyTorch 1.13 on the same
//       steps (bench/data/loader_pytorch.py). Children alternate torch-ts / PyTorch, and inside
//       each child the timed epochs alternate between the loaders; medians of all epochs.
//   D2  streaming WebDataset shards generated here (4 GB; quick mode 0.5 GB; --stream-gb N)
//       through a DataLoader: throughput and the reader's peak RSS, with 0 and 2 workers.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { median } from "./measure.ts";
import { REPO_ROOT } from "./versions.ts";

export interface DataBenchOptions {
  quick: boolean;
  streamGB: number;
}

function child(cmd: string, args: string[], marker: string, timeoutS: number, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> | string {
  const p = spawnSync(cmd, args, { cwd: REPO_ROOT, env, encoding: "utf8", timeout: timeoutS * 1000, maxBuffer: 16 * 2 ** 20 });
  const line = p.stdout?.split("\n").find((l) => l.startsWith(marker + " "));
  if (line) return JSON.parse(line.slice(marker.length + 1)) as Record<string, unknown>;
  return (p.error?.message ?? `exit ${p.status ?? p.signal}: ${(p.stderr ?? "").trim().split("\n").slice(-3).join(" / ")}`).slice(0, 300);
}

const fmt = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : "-");

interface LoaderResult {
  batchesPerS: Record<string, number[]>;
  coresBusy: Record<string, number[]>;
  cpuMsPerSample: number;
}

function loaderSection(o: DataBenchOptions, log: (s: string) => void): string {
  const cfg = { batchSize: 16, batches: o.quick ? 16 : 40, rounds: o.quick ? 3 : 5, workers: [0, 2] };
  const pairs = o.quick ? 1 : 2;
  const runs: Record<string, LoaderResult[]> = { "torch-ts": [], "PyTorch 1.13": [] };
  const notes: string[] = [];
  const loads: number[] = [];
  for (let k = 0; k < pairs; k++) {
    for (const [name, cmd, args] of [
      ["torch-ts", process.execPath, ["--import", "tsx", "bench/data/loader.ts", JSON.stringify(cfg)]],
      ["PyTorch 1.13", "/usr/bin/python3", ["bench/data/loader_pytorch.py", JSON.stringify(cfg)]],
    ] as const) {
      log(`[data D1 ${k + 1}/${pairs}] ${name} ... `);
      loads.push(os.loadavg()[0]!);
      const r = child(cmd, [...args], "DATA_RESULT", 600);
      if (typeof r === "string") {
        notes.push(`${name}: ${r}`);
        log(`failed: ${r}\n`);
      } else {
        runs[name]!.push(r as unknown as LoaderResult);
        log("ok\n");
      }
    }
  }
  const row = (name: string) => {
    const rs = runs[name]!;
    const all = (w: string) => rs.flatMap((r) => r.batchesPerS[w] ?? []);
    const busy = (w: string) => median(rs.flatMap((r) => r.coresBusy[w] ?? []));
    const b0 = median(all("0"));
    const b2 = median(all("2"));
    return { name, cpu: median(rs.map((r) => r.cpuMsPerSample)), b0, b2, c0: busy("0"), c2: busy("2"), epochs: all("2").length };
  };
  const rows = Object.keys(runs).map(row);
  const [ts, py] = rows;
  return [
    `### D1: DataLoader, map-style dataset with ~1 ms of CPU per sample (batch ${cfg.batchSize}, ${cfg.batches} batches per epoch, persistent workers)`,
    "",
    "| engine | getItem CPU ms / sample (one thread) | batches/s, 0 workers | batches/s, 2 workers | 2 workers / 0 workers | cores busy, 0 / 2 workers | CPU ms per batch, 0 / 2 workers | timed epochs per loader |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.cpu, 3)} | ${fmt(r.b0)} | ${fmt(r.b2)} | **${fmt(r.b2 / r.b0, 2)}x** | ${fmt(r.c0, 2)} / ${fmt(r.c2, 2)} | ` +
        `${fmt((1000 * r.c0) / r.b0)} / ${fmt((1000 * r.c2) / r.b2)} | ${r.epochs} |`,
    ),
    "",
    `torch-ts / PyTorch batches/s: 0 workers ${fmt(ts!.b0 / py!.b0, 2)}, 2 workers ${fmt(ts!.b2 / py!.b2, 2)} (> 1: torch-ts is faster). ` +
      `Same steps and ops (decode bytes to a float image, random crop, flip, brightness, normalize); the per-sample CPU time differs with each library's op speed. ` +
      `"Cores busy" is the loader's CPU time (main thread or process and its workers) over wall time: on an idle ${os.cpus().length}-core machine 2 workers can keep about 2 busy; ` +
      `less means other processes had the cores. "CPU ms per batch" (cores busy / batches/s) is what a batch costs in CPU time, whoever ran it: ` +
      `equal for 0 and 2 workers means the worker path adds no work, and the speed-up is then bounded by the cores the loader gets. ` +
      `1-minute load average while the children ran: ${loads.map((l) => l.toFixed(1)).join(", ")}.`,
    ...(notes.length ? ["", ...notes.map((n) => `- ${n}`)] : []),
    "",
  ].join("\n");
}

function streamSection(o: DataBenchOptions, log: (s: string) => void): string {
  const dir = mkdtempSync(join(os.tmpdir(), "torch-ts-bench-stream-"));
  try {
    const totalMB = Math.round(o.streamGB * 1024);
    log(`[data D2] writing ${o.streamGB} GB of shards ... `);
    const w = child(process.execPath, ["--import", "tsx", "bench/data/stream.ts", "write", dir, String(totalMB)], "STREAM_RESULT", 3600);
    if (typeof w === "string") {
      log(`failed: ${w}\n`);
      return `### D2: streaming shards\n\nwriting the shards failed: ${w}\n`;
    }
    log(`ok (${fmt(w.seconds as number)} s)\n`);
    const pattern = join(dir, `stream-{000000..${String((w.shards as number) - 1).padStart(6, "0")}}.tar`);
    // The compiled package too: what users run, and workers that load no TypeScript loader.
    log("[data D2] compiling the package (tsc) ... ");
    const build = spawnSync(join(REPO_ROOT, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json", "--outDir", join(dir, "dist")], { cwd: REPO_ROOT, encoding: "utf8" });
    log(build.status === 0 ? "ok\n" : `failed: ${build.stdout.slice(0, 300)}\n`);
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n'); // as the package's own: the .js files are ES modules
    const compiled = { ...process.env, TORCH_TS_ENTRY: pathToFileURL(join(dir, "dist", "index.js")).href };
    const rows: string[] = [];
    for (const [workers, what, env] of [
      [0, "sources (tsx)", process.env],
      [2, "sources (tsx)", process.env],
      ...(build.status === 0 ? ([[0, "compiled", compiled], [2, "compiled", compiled]] as const) : []),
    ] as const) {
      log(`[data D2] reading with ${workers} workers, ${what} ... `);
      const load = os.loadavg()[0]!;
      const r = child(process.execPath, ["--import", "tsx", "bench/data/stream.ts", "read", pattern, String(workers)], "STREAM_RESULT", 3600, env);
      if (typeof r === "string") {
        log(`failed: ${r}\n`);
        rows.push(`| ${workers} | ${what} | failed: ${r} | | | | |`);
        continue;
      }
      log("ok\n");
      const mbps = (r.bytes as number) / 2 ** 20 / (r.seconds as number);
      rows.push(`| ${workers} | ${what} | ${r.samples} | ${fmt(r.seconds as number)} | ${fmt(mbps)} | **${fmt(r.peakRssMB as number)}** | ${fmt(load)} |`);
    }
    return [
      `### D2: streaming ${fmt((w.bytes as number) / 2 ** 30, 2)} GB of WebDataset shards (${w.shards} shards of 64 MB, samples of 256 KiB: a float32 .npy and a class label; batch 8)`,
      "",
      "| workers | torch-ts | samples | seconds | MB/s | peak RSS MB | load average |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
      "",
      "Peak RSS is the reader process's getrusage maxrss (worker threads included). Each worker thread holds its own copy of the module graph and its own garbage-collected heap; from the sources each also runs tsx's TypeScript loader. \"compiled\": the package built by tsc into a temporary folder (the reader script itself still runs under tsx).",
      "",
    ].join("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The markdown of the data section (progress goes to `log`). */
export function dataSection(o: DataBenchOptions, log: (s: string) => void): string {
  return ["## Data loading (issue 18)", "", loaderSection(o, log), streamSection(o, log)].join("\n");
}
