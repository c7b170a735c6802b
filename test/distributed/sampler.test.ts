// DistributedSampler gives each rank PyTorch 1.13's exact indices (fixtures from
// tools/gen_distributed_fixtures.py): shuffle with seed + epoch, padding or dropLast.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";

const { DistributedSampler, DataLoader, TensorDataset } = torch.utils.data;

interface Case {
  n: number;
  replicas: number;
  shuffle: boolean;
  dropLast: boolean;
  seed: number;
  epoch: number;
  indices: number[][];
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/distributed.json", import.meta.url), "utf8")) as { sampler: Case[] };

test("DistributedSampler: every rank's indices as PyTorch's, for every case of the fixture", () => {
  assert.ok(fx.sampler.length > 100);
  for (const c of fx.sampler) {
    for (let rank = 0; rank < c.replicas; rank++) {
      const s = new DistributedSampler({ length: c.n }, { numReplicas: c.replicas, rank, shuffle: c.shuffle, seed: c.seed, dropLast: c.dropLast });
      s.setEpoch(c.epoch);
      const got = [...s];
      assert.deepEqual(got, c.indices[rank], JSON.stringify({ ...c, indices: undefined, rank }));
      assert.equal(s.length, got.length);
    }
  }
});

test("DistributedSampler: positional arguments, a DataLoader, and PyTorch's errors", () => {
  const ds = new TensorDataset(torch.arange(10));
  const s = new DistributedSampler(ds, 3, 2, false);
  assert.deepEqual([...s], [2, 5, 8, 1]);
  const batches = [...new DataLoader(ds, { sampler: s, batchSize: 2 })].map((b) => ((b as torch.Tensor[])[0]).tolist());
  assert.deepEqual(batches, [[2, 5], [8, 1]]);
  assert.throws(() => new DistributedSampler(ds, { numReplicas: 2, rank: 2 }), /Invalid rank 2, rank should be in the interval \[0, 1\]/);
  assert.throws(() => new DistributedSampler(ds, { numReplicas: 2, rank: 0, shufle: true } as never), /unexpected keyword argument 'shufle'/);
  assert.throws(() => new DistributedSampler(ds, 2, 0, "yes" as never), /DistributedSampler\(\): argument 'shuffle' must be a boolean, but got string "yes"/);
  assert.throws(() => new DistributedSampler(ds), /Default process group has not been initialized/);
});
