// One rank of the largest all-reduce: 64M float32 elements (256 MB) per rank, element i of
// rank r holding (i % 1009) + r, summed over the ranks. Prints RESULT {bad, ms}.
import * as torch from "../../../src/index.ts";

const dist = torch.distributed;
dist.initProcessGroup("gloo", { timeout: 120_000 });
const rank = dist.getRank(), world = dist.getWorldSize();
const n = 64 * 2 ** 20;
const t = torch.zeros([n]);
const d = t._box.data as Float32Array;
for (let i = 0; i < n; i++) d[i] = (i % 1009) + rank;
const t0 = performance.now();
dist.allReduce(t);
const ms = performance.now() - t0;
const offset = (world * (world - 1)) / 2;
let bad = 0, first = -1;
for (let i = 0; i < n; i++) {
  if (d[i] !== world * (i % 1009) + offset) {
    if (first < 0) first = i;
    bad++;
  }
}
dist.destroyProcessGroup();
console.log(`RESULT ${JSON.stringify({ rank, bad, first, ms })}`);
