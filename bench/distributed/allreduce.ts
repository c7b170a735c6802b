// One rank of the all-reduce bandwidth benchmark (torch-ts): float32 tensors of each size
// (MB given as arguments), all-reduced (SUM) `repeats` times after one warm-up, each timed
// between barriers. Prints RESULT {sizes: [{mb, ms: [...]}]} on rank 0.
import * as torch from "../../src/index.ts";

const dist = torch.distributed;
const [repeatsArg, ...sizes] = process.argv.slice(2).map(Number);
dist.initProcessGroup("gloo", { timeout: 600_000 });
const out: Array<{ mb: number; ms: number[] }> = [];
for (const mb of sizes) {
  const t = torch.ones([(mb * 2 ** 20) / 4]);
  dist.allReduce(t);
  const ms: number[] = [];
  for (let i = 0; i < repeatsArg; i++) {
    dist.barrier();
    const t0 = performance.now();
    dist.allReduce(t);
    ms.push(performance.now() - t0);
  }
  out.push({ mb, ms });
}
if (dist.getRank() === 0) console.log(`RESULT ${JSON.stringify({ sizes: out })}`);
dist.destroyProcessGroup();
