// DataLoader behaviour: every sample once per epoch, seeded orders, dropLast, async prefetch
// that keeps order with slow datasets, streaming from a file, errors that carry the index,
// and PyTorch's option errors. (Exact PyTorch orders: data.sampling.test.ts.)
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as torch from "../src/index.ts";
import {
  BatchSampler,
  ConcatDataset,
  DataLoader,
  Dataset,
  IterableDataset,
  SequentialSampler,
  Subset,
  TensorDataset,
  TextLineDataset,
} from "../src/utils/data/index.ts";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const flat = (batches: torch.Tensor[]): number[] => batches.flatMap((b) => b.tolist() as number[]);
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

/** Sample i is the number i; getItem answers after a delay that makes later indices finish first. */
class SlowDataset extends Dataset<number> {
  started: number[] = [];
  constructor(
    readonly n: number,
    readonly delay: (i: number) => number,
  ) {
    super();
  }
  async getItem(i: number): Promise<number> {
    this.started.push(i);
    await sleep(this.delay(i));
    return i;
  }
  get length(): number {
    return this.n;
  }
}

/** An async stream of 0..n-1 with a delay before each sample. */
class SlowStream extends IterableDataset<number> {
  constructor(
    readonly n: number,
    readonly ms: number,
  ) {
    super();
  }
  get length(): number {
    return this.n;
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<number> {
    for (let i = 0; i < this.n; i++) {
      await sleep(this.ms);
      yield i;
    }
  }
}

describe("every sample exactly once per epoch", () => {
  for (const shuffle of [false, true]) {
    it(`shuffle=${shuffle}, for...of and for await`, async () => {
      const dl = new DataLoader(range(103), { batchSize: 10, shuffle, generator: new torch.Generator().manualSeed(5) });
      assert.equal(dl.length, 11);
      const orders: number[][] = [];
      for (let epoch = 0; epoch < 3; epoch++) {
        const batches = [...dl];
        assert.deepEqual(
          batches.map((b) => b.shape[0]),
          [...Array(10).fill(10), 3],
        );
        const order = flat(batches);
        assert.deepEqual(sorted(order), range(103));
        orders.push(order);
        const asyncBatches: torch.Tensor[] = [];
        for await (const b of dl) asyncBatches.push(b);
        assert.deepEqual(sorted(flat(asyncBatches)), range(103));
      }
      if (shuffle) assert.notDeepEqual(orders[0], orders[1]); // reshuffled every epoch
      else assert.deepEqual(orders[0], range(103));
    });
  }
  it("the same seed gives the same order; another seed another", () => {
    const order = (seed: number): number[] =>
      flat([...new DataLoader(range(50), { batchSize: 7, shuffle: true, generator: new torch.Generator().manualSeed(seed) })]);
    assert.deepEqual(order(1), order(1));
    assert.notDeepEqual(order(1), order(2));
    torch.manualSeed(3);
    const a = flat([...new DataLoader(range(50), { batchSize: 7, shuffle: true })]);
    torch.manualSeed(3);
    const b = flat([...new DataLoader(range(50), { batchSize: 7, shuffle: true })]);
    assert.deepEqual(a, b);
  });
});

describe("dropLast and len()", () => {
  it("drops only the short last batch", () => {
    const dl = new DataLoader(range(10), { batchSize: 3, dropLast: true });
    assert.equal(dl.length, 3);
    assert.deepEqual(
      [...dl].map((b) => b.tolist()),
      [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ],
    );
    const exact = new DataLoader(range(9), { batchSize: 3, dropLast: true });
    assert.equal([...exact].length, 3);
  });
  it("for iterable datasets, from their length", async () => {
    const dl = new DataLoader(new SlowStream(10, 0), { batchSize: 4, dropLast: true });
    assert.equal(dl.length, 2);
    const got: number[][] = [];
    for await (const b of dl) got.push(b.tolist() as number[]);
    assert.deepEqual(got, [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    assert.equal(new DataLoader(new SlowStream(10, 0), { batchSize: 4 }).length, 3);
    const gen = { *[Symbol.iterator]() { yield 1; } };
    assert.throws(() => new DataLoader(gen).length, /has no len\(\)/);
  });
});

describe("TensorDataset, Subset, ConcatDataset through a DataLoader", () => {
  it("stacks [x, y] rows", () => {
    const x = torch.arange(12).reshape(6, 2).float();
    const y = torch.arange(6);
    const ds = new TensorDataset(x, y);
    const batches = [...new DataLoader(ds, { batchSize: 4 })];
    assert.equal(batches.length, 2);
    const [bx, by] = batches[1]!;
    assert.deepEqual(bx.tolist(), [
      [8, 9],
      [10, 11],
    ]);
    assert.deepEqual(by.tolist(), [4, 5]);
    assert.throws(() => new TensorDataset(torch.ones(3, 2), torch.ones(4)), /Size mismatch between tensors/);
    assert.throws(() => ds.getItem(6), /index 6 is out of range for TensorDataset of length 6/);
    assert.deepEqual(ds.getItem(-1)[1].item(), 5);
  });
  it("Subset and ConcatDataset index through", () => {
    const cat = new ConcatDataset([range(3), new Subset(range(10), [9, 8]), ["a", "b"].map((s) => s.charCodeAt(0))]);
    assert.equal(cat.length, 7);
    assert.deepEqual(flat([...new DataLoader(cat, { batchSize: 3 })]), [0, 1, 2, 9, 8, 97, 98]);
    assert.equal(cat.getItem(-1), 98);
    assert.throws(() => cat.getItem(-8), /absolute value of index should not exceed dataset length/);
    assert.throws(() => new ConcatDataset([]), /datasets should not be an empty iterable/);
    assert.throws(() => new ConcatDataset([new SlowStream(2, 0) as never]), /ConcatDataset does not support IterableDataset/);
  });
  it("a custom sampler and batchSampler", () => {
    assert.deepEqual(flat([...new DataLoader(range(10), { sampler: [9, 0, 5], batchSize: 2 })]), [9, 0, 5]);
    const bs = new BatchSampler(new SequentialSampler(range(5)), 2, false);
    assert.deepEqual(
      [...new DataLoader(range(5).map((i) => i * 2), { batchSampler: bs })].map((b) => b.tolist()),
      [[0, 2], [4, 6], [8]],
    );
  });
  it("batchSize null yields single samples, converted", () => {
    const out = [...new DataLoader([new Float32Array([1, 2]), new Float32Array([3, 4])], { batchSize: null })];
    assert.ok(out[0] instanceof torch.Tensor);
    assert.deepEqual((out[1] as unknown as torch.Tensor).tolist(), [3, 4]);
  });
});

describe("async loading with prefetch", () => {
  it("keeps sampler order and drops nothing when later samples finish first", async () => {
    const ds = new SlowDataset(40, (i) => (40 - i) % 9);
    const dl = new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new torch.Generator().manualSeed(0), prefetchFactor: 3 });
    const expectedOrder = flat([...new DataLoader(range(40), { batchSize: 5, shuffle: true, generator: new torch.Generator().manualSeed(0) })]);
    const got: number[] = [];
    for await (const b of dl) {
      got.push(...(b.tolist() as number[]));
      await sleep(2); // "train"
    }
    assert.deepEqual(got, expectedOrder);
    assert.equal(ds.started.length, 40); // each index fetched exactly once
  });
  it("loads the next batches while the current one trains", async () => {
    const ds = new SlowDataset(12, () => 5);
    const dl = new DataLoader(ds, { batchSize: 3, prefetchFactor: 2 });
    const startedWhileTraining: number[] = [];
    for await (const b of dl) {
      const before = ds.started.length;
      await sleep(20);
      startedWhileTraining.push(before);
      assert.equal(b.shape[0], 3);
    }
    // When batch 0 is handed over, batches 1 and 2 are already being fetched.
    assert.equal(startedWhileTraining[0], 9);
    assert.deepEqual(startedWhileTraining, [9, 12, 12, 12]);
  });
  it("slow async streams: order kept, dropLast honoured, reading overlaps training", async () => {
    const stream = new SlowStream(20, 1);
    let read = 0;
    const counted = {
      async *[Symbol.asyncIterator](): AsyncGenerator<number> {
        for await (const x of stream) {
          read++;
          yield x;
        }
      },
    };
    const batches: number[][] = [];
    const readAfterTraining: number[] = [];
    for await (const b of new DataLoader(counted, { batchSize: 3, dropLast: true, prefetchFactor: 2 })) {
      batches.push(b.tolist() as number[]);
      await sleep(30); // "train": long enough for the prefetched batches to be read meanwhile
      readAfterTraining.push(read);
    }
    assert.deepEqual(batches.flat(), range(18));
    assert.equal(batches.length, 6);
    // While batch k trains, batches k+1 and k+2 are read (the stream has 20 samples).
    assert.deepEqual(readAfterTraining, [9, 12, 15, 18, 20, 20]);
  });
  it("sync iteration of an async dataset explains what to do", () => {
    assert.throws(() => [...new DataLoader(new SlowDataset(3, () => 0))], /returned a Promise: iterate with `for await/);
    assert.throws(() => [...new DataLoader(new SlowStream(3, 0))], /iterate with `for await/);
  });
  it("stopping early closes an async stream", async () => {
    let closed = false;
    class Stream extends IterableDataset<number> {
      async *[Symbol.asyncIterator](): AsyncGenerator<number> {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          closed = true;
        }
      }
    }
    for await (const b of new DataLoader(new Stream(), { batchSize: 4 })) {
      assert.deepEqual(b.tolist(), [0, 1, 2, 3]);
      break;
    }
    assert.ok(closed);
  });
});

describe("streaming lines of a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "torch-ts-data-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "rows.csv");
  const n = 20000;
  writeFileSync(file, "x,y\n" + range(n).map((i) => `${i},${(i * 7) % 10}`).join("\n") + "\n");

  it("parses every line once, in order", async () => {
    const ds = new TextLineDataset(file, {
      skipLines: 1,
      skipEmpty: true,
      transform: (line) => line.split(",").map(Number) as [number, number],
    });
    let seen = 0;
    for await (const [x, y] of new DataLoader(ds, { batchSize: 256 })) {
      assert.deepEqual(x.tolist(), range(x.shape[0]!).map((i) => seen + i));
      assert.deepEqual(y.tolist(), range(x.shape[0]!).map((i) => ((seen + i) * 7) % 10));
      seen += x.shape[0]!;
    }
    assert.equal(seen, n);
  });
  it("reads lazily: breaking after 2 batches parses only what was prefetched", async () => {
    let parsed = 0;
    const ds = new TextLineDataset(file, { skipLines: 1, transform: (l) => (parsed++, Number(l.split(",")[0])) });
    let k = 0;
    for await (const b of new DataLoader(ds, { batchSize: 100, prefetchFactor: 2 })) {
      assert.equal(b.shape[0], 100);
      if (++k === 2) break;
    }
    assert.ok(parsed <= 4 * 100, `parsed ${parsed} lines`);
  });
});

describe("errors inside a dataset reach the loop with the sample index", () => {
  class Faulty extends Dataset<number> {
    getItem(i: number): number {
      if (i === 17) throw new torch.ValueError("corrupt record");
      return i;
    }
    get length(): number {
      return 30;
    }
  }
  it("sync getItem: the message names index and batch, the class is kept", () => {
    assert.throws(
      () => {
        for (const _ of new DataLoader(new Faulty(), { batchSize: 4 })) void _;
      },
      (e: Error) =>
        e instanceof torch.ValueError &&
        e.message === "Caught ValueError in DataLoader while fetching sample index 17 (batch 4): corrupt record" &&
        e.stack!.startsWith("ValueError: Caught ValueError in DataLoader while fetching sample index 17"),
    );
  });
  it("async getItem with prefetch: batches before the failure arrive first", async () => {
    class AsyncFaulty extends SlowDataset {
      override async getItem(i: number): Promise<number> {
        await sleep(1);
        if (i === 11) throw new RangeError("bad pixel");
        return i;
      }
    }
    const got: number[] = [];
    await assert.rejects(
      async () => {
        for await (const b of new DataLoader(new AsyncFaulty(30, () => 0), { batchSize: 5, prefetchFactor: 3 })) {
          got.push(...(b.tolist() as number[]));
        }
      },
      (e: Error) => e instanceof RangeError && /while fetching sample index 11 \(batch 2\): bad pixel/.test(e.message),
    );
    assert.deepEqual(got, range(10));
  });
  it("streams: the error names the position in the stream", async () => {
    class BadStream extends IterableDataset<number> {
      async *[Symbol.asyncIterator](): AsyncGenerator<number> {
        for (let i = 0; i < 5; i++) yield i;
        throw new Error("truncated file");
      }
    }
    await assert.rejects(
      async () => {
        for await (const _ of new DataLoader(new BadStream(), { batchSize: 2 })) void _;
      },
      /Caught Error in DataLoader while fetching sample 5 of the stream \(batch 2\): truncated file/,
    );
  });
  it("a thrown non-Error becomes a RuntimeError", () => {
    const ds = { length: 2, getItem: (i: number): number => { if (i === 1) throw "oops"; return i; } };
    assert.throws(() => [...new DataLoader(ds)], (e: Error) => e instanceof torch.RuntimeError && /sample index 1 \(batch 1\): oops/.test(e.message));
  });
});

describe("PyTorch's option errors", () => {
  it("mutually exclusive options", () => {
    assert.throws(() => new DataLoader(range(4), { sampler: [0], shuffle: true }), /sampler option is mutually exclusive with shuffle/);
    assert.throws(
      () => new DataLoader(range(4), { batchSampler: [[0]], batchSize: 2 }),
      /batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last/,
    );
    assert.throws(() => new DataLoader(range(4), { batchSize: null, dropLast: true }), /batch_size=None option disables auto-batching/);
    assert.throws(() => new DataLoader(new SlowStream(3, 0), { shuffle: true }), /expected unspecified shuffle option, but got shuffle=true/);
    assert.throws(() => new DataLoader(range(4), { batchSize: 0 }), /batch_size should be a positive integer value, but got batch_size=0/);
    assert.throws(() => new DataLoader(range(4), { prefetchFactor: 0 }), /prefetch_factor option should be a positive integer/);
    assert.throws(() => new DataLoader(42 as never), /must be map-style .* or iterable/);
  });
});
