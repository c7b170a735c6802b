// torch.utils.data's seeded randomness against Debian's PyTorch 1.13.1
// (fixtures from tools/gen_data_fixtures.py): randomSplit, every sampler, the DataLoader's
// per-epoch orders and the generator state it leaves behind.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as torch from "../src/index.ts";
import {
  BatchSampler,
  DataLoader,
  RandomSampler,
  SequentialSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  randomSplit,
} from "../src/utils/data/index.ts";
import { randomInt64Seed } from "../src/utils/data/sampler.ts";

const fx = JSON.parse(readFileSync(new URL("./fixtures/data_sampling.json", import.meta.url), "utf8"));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const gen = (seed: number | bigint): torch.Generator => new torch.Generator().manualSeed(seed);
const randAfter = (g?: torch.Generator): number[] =>
  torch.rand([3], { dtype: "float64", generator: g }).tolist() as number[];

describe("int64 random_() draw (the DataLoader / RandomSampler seed)", () => {
  for (const c of fx.int64_random_ as { seed: number; values: (string | number)[] }[]) {
    it(`seed ${c.seed}`, () => {
      const g = gen(c.seed);
      assert.deepEqual(
        c.values.map(() => randomInt64Seed(g)),
        c.values.map((v) => BigInt(v)),
      );
    });
  }
});

describe("randomSplit matches torch.utils.data.random_split", () => {
  for (const c of fx.random_split as { n: number; lengths: number[]; seed: number; indices: number[][] }[]) {
    it(`n=${c.n} lengths=${JSON.stringify(c.lengths)} seed=${c.seed}`, () => {
      const parts = randomSplit(range(c.n), c.lengths, { generator: gen(c.seed) });
      assert.deepEqual(
        parts.map((p) => p.indices),
        c.indices,
      );
      // the Subsets read through to the dataset
      const ds = range(c.n).map((i) => i * 10);
      const again = randomSplit(ds, c.lengths, { generator: gen(c.seed) });
      assert.deepEqual(
        again.map((p) => Array.from({ length: p.length }, (_, i) => p.getItem(i))),
        c.indices.map((ix) => ix.map((i) => i * 10)),
      );
    });
  }
  it("rejects bad lengths with PyTorch's errors", () => {
    assert.throws(() => randomSplit(range(10), [3, 8]), /Sum of input lengths does not equal the length of the input dataset!/);
    assert.throws(() => randomSplit(range(10), [1.5, -0.5]), /Fraction at index 0 is not between 0 and 1/);
  });
});

describe("RandomSampler matches PyTorch with a generator", () => {
  for (const c of fx.random_sampler as {
    n: number;
    seed: number;
    replacement: boolean;
    numSamples: number | null;
    epochs: number[][];
  }[]) {
    it(`n=${c.n} replacement=${c.replacement} numSamples=${c.numSamples} seed=${c.seed}`, () => {
      const s = new RandomSampler(range(c.n), {
        generator: gen(c.seed),
        replacement: c.replacement,
        numSamples: c.numSamples ?? undefined,
      });
      assert.equal(s.length, c.numSamples ?? c.n);
      assert.deepEqual(
        c.epochs.map(() => [...s]),
        c.epochs,
      );
    });
  }
  it("without a generator it seeds from the default generator each epoch", () => {
    for (const c of fx.random_sampler_default as { n: number; seed: number; epochs: number[][]; randAfter: number[] }[]) {
      torch.manualSeed(c.seed);
      const s = new RandomSampler(range(c.n));
      assert.deepEqual(
        c.epochs.map(() => [...s]),
        c.epochs,
      );
      assert.deepEqual(randAfter(), c.randAfter);
    }
  });
  it("validates its options", () => {
    assert.throws(() => new RandomSampler(range(3), { numSamples: 0 }), /num_samples should be a positive integer value, but got num_samples=0/);
    assert.throws(() => new RandomSampler([]), /num_samples should be a positive integer value, but got num_samples=0/);
    assert.throws(
      () => new RandomSampler(range(3), { replacement: 1 as unknown as boolean }),
      /replacement should be a boolean value, but got replacement=1/,
    );
  });
});

describe("SubsetRandomSampler / WeightedRandomSampler / BatchSampler match PyTorch", () => {
  for (const c of fx.subset_random_sampler as { indices: number[]; seed: number; epochs: number[][] }[]) {
    it(`SubsetRandomSampler seed=${c.seed}`, () => {
      const s = new SubsetRandomSampler(c.indices, { generator: gen(c.seed) });
      assert.equal(s.length, c.indices.length);
      assert.deepEqual(
        c.epochs.map(() => [...s]),
        c.epochs,
      );
    });
  }
  for (const c of fx.weighted_random_sampler as {
    weights: number[];
    numSamples: number;
    replacement: boolean;
    seed: number;
    epochs: number[][];
  }[]) {
    it(`WeightedRandomSampler replacement=${c.replacement} seed=${c.seed}`, () => {
      const s = new WeightedRandomSampler(c.weights, c.numSamples, { replacement: c.replacement, generator: gen(c.seed) });
      assert.equal(s.length, c.numSamples);
      assert.deepEqual(
        c.epochs.map(() => [...s]),
        c.epochs,
      );
    });
  }
  it("WeightedRandomSampler validates its input", () => {
    assert.throws(() => new WeightedRandomSampler([1, 2], 0), /num_samples should be a positive integer value, but got num_samples=0/);
    assert.throws(
      () => new WeightedRandomSampler(torch.ones(2, 3), 2),
      /weights should be a 1d sequence but given weights have shape \(2, 3\)/,
    );
  });
  for (const c of fx.batch_sampler as { n: number; batchSize: number; dropLast: boolean; batches: number[][] }[]) {
    it(`BatchSampler dropLast=${c.dropLast}`, () => {
      const s = new BatchSampler(new SequentialSampler(range(c.n)), c.batchSize, c.dropLast);
      assert.deepEqual([...s], c.batches);
      assert.equal(s.length, c.batches.length);
    });
  }
  it("BatchSampler validates its input", () => {
    assert.throws(() => new BatchSampler(range(3), 0, false), /batch_size should be a positive integer value, but got batch_size=0/);
    assert.throws(
      () => new BatchSampler(range(3), 2, "no" as unknown as boolean),
      /drop_last should be a boolean value, but got drop_last=no/,
    );
  });
});

describe("DataLoader yields PyTorch's batches for the same seed", () => {
  for (const c of fx.dataloader as {
    n: number;
    batchSize: number;
    shuffle: boolean;
    dropLast: boolean;
    seed: number;
    generator: boolean;
    len: number;
    epochs: number[][][];
    randAfter: number[];
  }[]) {
    const name = `n=${c.n} batchSize=${c.batchSize} shuffle=${c.shuffle} dropLast=${c.dropLast} ${c.generator ? "generator" : "global"} seed=${c.seed}`;
    it(`${name} (for...of)`, () => {
      const g = c.generator ? gen(c.seed) : torch.manualSeed(c.seed) && undefined;
      const dl = new DataLoader(range(c.n), { batchSize: c.batchSize, shuffle: c.shuffle, dropLast: c.dropLast, generator: g });
      assert.equal(dl.length, c.len);
      assert.deepEqual(
        c.epochs.map(() => [...dl].map((b) => b.tolist())),
        c.epochs,
      );
      // the generator (or the global one) is left where PyTorch leaves it
      assert.deepEqual(randAfter(g), c.randAfter);
    });
    it(`${name} (for await...of)`, async () => {
      const g = c.generator ? gen(c.seed) : torch.manualSeed(c.seed) && undefined;
      const dl = new DataLoader(range(c.n), { batchSize: c.batchSize, shuffle: c.shuffle, dropLast: c.dropLast, generator: g });
      const epochs: number[][][] = [];
      for (let e = 0; e < c.epochs.length; e++) {
        const batches: number[][] = [];
        for await (const b of dl) batches.push(b.tolist() as number[]);
        epochs.push(batches);
      }
      assert.deepEqual(epochs, c.epochs);
      assert.deepEqual(randAfter(g), c.randAfter);
    });
  }
});
