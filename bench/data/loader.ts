// DataLoader throughput, torch-ts side (run by bench/lib/data.ts as a child process):
//   tsx bench/data/loader.ts '{"batchSize":16,"batches":32,"rounds":5,"workers":[0,2]}'
// One loader per worker count over AugmentDataset (~1 ms of CPU per sample); persistent
// workers, so thread start-up is paid in the warm-up epoch, not in the timed ones. The timed
// epochs of the loaders alternate (A/B/A/B...) so a drift in machine load hits all of them.
// Prints DATA_RESULT {"batchesPerS": {"0": [...], "2": [...]}, "coresBusy": {...}, "cpuMsPerSample": n}:
// coresBusy is the process's CPU time (all its threads) over the epoch's wall time, so on a
// shared machine it shows how much of the cores the loader actually got.
import * as torch from "../../src/index.ts";
import { DataLoader } from "../../src/utils/data/index.ts";
import { AugmentDataset } from "./augment.ts";

const cfg = JSON.parse(process.argv[2] ?? "{}") as { batchSize: number; batches: number; rounds: number; workers: number[] };
const ds = new AugmentDataset(cfg.batchSize * cfg.batches);

// CPU time of getItem alone, on this thread
for (let i = 0; i < 50; i++) ds.getItem(i);
const c0 = process.cpuUsage();
for (let i = 0; i < 200; i++) ds.getItem(i);
const cpu = process.cpuUsage(c0);
const cpuMsPerSample = (cpu.user + cpu.system) / 1000 / 200;

const loaders = cfg.workers.map(
  (w) => [w, new DataLoader(ds, { batchSize: cfg.batchSize, shuffle: true, generator: new torch.Generator().manualSeed(0), numWorkers: w, persistentWorkers: w > 0 })] as const,
);
async function epoch(loader: DataLoader<[torch.Tensor, number]>): Promise<[number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  for await (const [x] of loader) {
    if (x.shape[0] !== cfg.batchSize) throw new Error("short batch");
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return [n / wall, (c.user + c.system) / 1e6 / wall];
}
for (const [, l] of loaders) await epoch(l as never); // warm-up: JIT, worker start-up
const out: Record<string, number[]> = {};
const cores: Record<string, number[]> = {};
for (let r = 0; r < cfg.rounds; r++) {
  const order = r % 2 === 0 ? loaders : [...loaders].reverse();
  for (const [w, l] of order) {
    const [bps, busy] = await epoch(l as never);
    (out[w] ??= []).push(bps);
    (cores[w] ??= []).push(busy);
  }
}
for (const [, l] of loaders) await l.shutdownWorkers();
console.log("DATA_RESULT " + JSON.stringify({ batchesPerS: out, coresBusy: cores, cpuMsPerSample }));
