// The page of test/browser/workers.test.ts: DataLoaders with module Web Workers; posts what
// it saw to /result.
import * as torch from "../../src/index.ts";
import { Squares } from "./workersDataset.ts";

const { DataLoader, WebDataset } = torch.utils.data;
const out: Record<string, unknown> = {};
try {
  const batches: unknown[] = [];
  for await (const [sq, r, w] of new DataLoader(new Squares(10), { batchSize: 3, numWorkers: 2, generator: new torch.Generator().manualSeed(1) })) {
    batches.push([sq.tolist(), r.tolist(), w.tolist()]);
  }
  out.squares = batches;
  const keys: string[] = [];
  for await (const b of new DataLoader(new WebDataset("shards/b-{0000..0003}.tar"), { batchSize: 4, numWorkers: 2 })) {
    keys.push(...(b as unknown as { __key__: string[] }).__key__);
  }
  out.keys = keys;
  try {
    for await (const _ of new DataLoader([1, 2], { numWorkers: 1, collateFn: (b: number[]) => b })) void _;
    out.arrow = "no error";
  } catch (e) {
    out.arrow = (e as Error).message.split("\n")[0];
  }
} catch (e) {
  out.error = (e as Error).stack ?? String(e);
}
await fetch("/result", { method: "POST", body: JSON.stringify(out) });
