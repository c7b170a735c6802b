// Streaming shards larger than memory (run as child processes by bench/lib/data.ts and by
// test/data.streamMemory.test.ts, so that the reader's peak RSS is its own):
//   tsx bench/data/stream.ts write <dir> <totalMB> [sampleKB=256]
//       ShardWriter makes shards of 64 MB in <dir>: sample i is { "x.npy": float32 values
//       all equal to i % 1000, cls: i % 10 } of sampleKB KiB
//   tsx bench/data/stream.ts read <pattern> [numWorkers=0] [batchSize=8]
//       a DataLoader over a WebDataset of the shards; checks every sample's values
// Each prints STREAM_RESULT {json}: samples, bytes, seconds, and for `read` the peak RSS
// (getrusage's maxrss) and the RSS at the end. TORCH_TS_ENTRY=<url of a compiled index.js>
// reads with the compiled package instead of the sources (its workers then load no TypeScript).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import type * as Torch from "../../src/index.ts";

const torch = (await import(process.env.TORCH_TS_ENTRY ?? "../../src/index.ts")) as typeof Torch;
const { DataLoader, ShardWriter, WebDataset } = torch.utils.data;

const [mode, a, b, c, d] = process.argv.slice(2);
const mb = (x: number): number => Math.round((x / 2 ** 20) * 10) / 10;

if (mode === "write") {
  const dir = a!;
  const total = Number(b) * 2 ** 20;
  const sampleBytes = Number(c ?? 256) * 1024;
  const w = new ShardWriter(join(dir, "stream-%06d.tar"), { maxsize: 64 * 2 ** 20 });
  const t0 = performance.now();
  let i = 0;
  for (; w.total * sampleBytes < total; i++) w.write({ __key__: `s${i}`, "x.npy": torch.full([sampleBytes / 4], i % 1000), cls: i % 10 });
  w.close();
  const bytes = w.shards.reduce((s, f) => s + statSync(f).size, 0);
  console.log("STREAM_RESULT " + JSON.stringify({ samples: i, shards: w.shards.length, bytes, seconds: (performance.now() - t0) / 1000 }));
} else if (mode === "read") {
  const pattern = a!;
  const numWorkers = Number(b ?? 0);
  const batchSize = Number(c ?? 8);
  void d;
  const dir = pattern.slice(0, pattern.lastIndexOf("/"));
  const bytes = readdirSync(dir).filter((f) => f.endsWith(".tar")).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  const rssStart = process.memoryUsage().rss;
  const t0 = performance.now();
  let samples = 0;
  const loader = new DataLoader(new WebDataset(pattern), { batchSize, numWorkers });
  for await (const batch of loader) {
    const bt = batch as unknown as { "x.npy": Torch.Tensor; cls: Torch.Tensor; __key__: string[] };
    const x = bt["x.npy"];
    const keys = bt.__key__.map((k) => Number(k.slice(1)));
    const firsts = x.select(1, 0).tolist() as number[];
    const last = x.select(1, x.shape[1]! - 1).tolist() as number[];
    keys.forEach((k, j) => {
      if (firsts[j] !== k % 1000 || last[j] !== k % 1000) throw new Error(`sample ${k}: wrong values`);
    });
    samples += keys.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    "STREAM_RESULT " +
      JSON.stringify({ samples, bytes, seconds, numWorkers, peakRssMB: mb(process.resourceUsage().maxRSS * 1024), rssStartMB: mb(rssStart), rssEndMB: mb(process.memoryUsage().rss) }),
  );
} else {
  console.error("usage: stream.ts write <dir> <totalMB> [sampleKB] | read <pattern> [numWorkers] [batchSize]");
  process.exit(2);
}
