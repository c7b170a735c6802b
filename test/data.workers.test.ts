// DataLoader worker threads: the same batches as numWorkers 0 for 1, 2 and 4 workers, PyTorch's
// per-worker seeds and random values (fixtures from PyTorch's DataLoader with worker processes,
// tools/gen_worker_fixtures.py), getWorkerInfo, errors with worker id, sample index and stack,
// a worker that exits or hangs, early break, async datasets, persistent workers, batches moved
// (not copied) from the worker, and what cannot be sent to a worker.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as torch from "../src/index.ts";
import { DataLoader, Dataset, TensorDataset, getWorkerInfo, shardByRank, shardByWorker, rankInfo } from "../src/utils/data/index.ts";
import {
  addOne,
  AsyncStream,
  Counter,
  ExitAt,
  FailAt,
  failingInit,
  HangAt,
  makeHidden,
  RandomAugment,
  Rows,
  ShardedStream,
  SlowAsync,
  tagWorker,
  Tagged,
  WithArrow,
  WithHelpers,
  WithPrivate,
} from "./fixtures/data/workerDatasets.ts";
import { collateAndReportMove } from "./fixtures/data/workerFunctions.ts";

interface FxBatch {
  index: number[];
  rand: number[][];
  randn?: number[][];
  worker: number[];
  seed?: (number | string)[];
}
interface FxMap {
  n: number;
  batchSize: number;
  seed: number;
  numWorkers: number;
  persistentWorkers: boolean;
  epochs: FxBatch[][];
  generatorAfter: number[];
}
const fx = JSON.parse(readFileSync(new URL("./fixtures/data_workers.json", import.meta.url), "utf8")) as {
  map: FxMap[];
  defaultGenerator: { n: number; batchSize: number; seed: number; numWorkers: number; epochs: FxBatch[][]; randAfter: number[] };
  iterable: { n: number; batchSize: number; seed: number; numWorkers: number; epochs: FxBatch[][] }[];
};

const dir = mkdtempSync(join(tmpdir(), "torch-ts-workers-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

/** An int64 tensor's values exactly (tolist gives numbers). */
const int64s = (t: torch.Tensor): bigint[] => Array.from(t.contiguous().storage as BigInt64Array);

type Augmented = [torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor];
const asRecord = (b: Augmented): FxBatch => ({
  index: b[0].tolist() as number[],
  rand: b[1].tolist() as number[][],
  randn: b[2].tolist() as number[][],
  worker: b[3].tolist() as number[],
  seed: int64s(b[4]).map((s) => (s <= 2n ** 53n ? Number(s) : String(s))),
});

describe("DataLoader workers: PyTorch's seeds and values", () => {
  for (const c of fx.map) {
    it(`map dataset, ${c.numWorkers} worker(s), persistent ${c.persistentWorkers}: two epochs as PyTorch`, async () => {
      const g = new torch.Generator().manualSeed(c.seed);
      const loader = new DataLoader(new RandomAugment(c.n), {
        batchSize: c.batchSize, shuffle: true, generator: g, numWorkers: c.numWorkers, persistentWorkers: c.persistentWorkers,
      });
      for (const want of c.epochs) {
        const got = (await collect(loader)).map((b) => asRecord(b as unknown as Augmented));
        assert.deepEqual(got, want);
      }
      // The loader drew from g what PyTorch's drew (persistent workers: one base seed in all).
      assert.deepEqual(torch.rand(3, { generator: g }).tolist(), c.generatorAfter);
      await loader.shutdownWorkers();
    });
  }

  it("without a generator the base seed comes from the default generator", async () => {
    const c = fx.defaultGenerator;
    torch.manualSeed(c.seed);
    const loader = new DataLoader(new RandomAugment(c.n), { batchSize: c.batchSize, numWorkers: c.numWorkers });
    for (const want of c.epochs) assert.deepEqual((await collect(loader)).map((b) => asRecord(b as unknown as Augmented)), want);
    assert.deepEqual(torch.rand(3).tolist(), c.randAfter);
  });

  for (const c of fx.iterable) {
    it(`iterable dataset sharded with getWorkerInfo, ${c.numWorkers} workers: PyTorch's batches`, async () => {
      torch.manualSeed(c.seed);
      const loader = new DataLoader(new ShardedStream(c.n), { batchSize: c.batchSize, numWorkers: c.numWorkers });
      const got = (await collect(loader)).map((b) => {
        const [i, r, w] = b as unknown as torch.Tensor[];
        return { index: i!.tolist(), rand: r!.tolist(), worker: w!.tolist() };
      });
      assert.deepEqual(got, c.epochs[0]);
    });
  }
});

describe("DataLoader workers: the same batches as numWorkers 0", () => {
  const data = torch.arange(0, 90).reshape(45, 2).float();
  for (const numWorkers of [1, 2, 4]) {
    it(`shuffled map dataset, ${numWorkers} worker(s)`, async () => {
      const make = (w: number) =>
        new DataLoader(new Rows(data), { batchSize: 4, shuffle: true, generator: new torch.Generator().manualSeed(3), numWorkers: w });
      const ref = make(0);
      const par = make(numWorkers);
      for (let epoch = 0; epoch < 2; epoch++) {
        const a = await collect(ref);
        const b = await collect(par);
        assert.equal(b.length, 12);
        assert.deepEqual(b.map((x) => x.x.tolist()), a.map((x) => x.x.tolist()));
        // Batch k was loaded by worker k % numWorkers (PyTorch's round robin); numWorkers 0: the main thread.
        const workers = (batches: typeof a) => batches.map((x) => x.worker.tolist() as number[]);
        assert.deepEqual(workers(a), workers(a).map((w) => w.map(() => -1)));
        assert.deepEqual(workers(b), workers(b).map((w, k) => w.map(() => k % numWorkers)));
      }
    });
  }

  it("async getItem in workers: order kept although later samples finish first", async () => {
    for (const numWorkers of [0, 2]) {
      const got = await collect(new DataLoader(new SlowAsync(30), { batchSize: 4, numWorkers }));
      assert.deepEqual(got.flatMap((b) => b.tolist() as number[]), Array.from({ length: 30 }, (_, i) => i * 10));
    }
  });

  it("an async iterable dataset split with shardByWorker: every sample once", async () => {
    const log = join(dir, "order.log");
    writeFileSync(log, "");
    for (const numWorkers of [1, 2, 3]) {
      const got = (await collect(new DataLoader(new AsyncStream(20, log), { batchSize: 3, numWorkers }))).flatMap((b) => b.tolist() as number[]);
      assert.deepEqual([...got].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
      if (numWorkers === 1) assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => i));
    }
  });

  it("batchSize null and a TensorDataset: samples converted one by one", async () => {
    const x = torch.arange(12).reshape(6, 2);
    const a = await collect(new DataLoader(new TensorDataset(x), { batchSize: null, numWorkers: 2 }));
    assert.deepEqual(a.map((s) => (s as torch.Tensor[])[0]!.tolist()), (x.tolist() as number[][]));
  });
});

describe("DataLoader workers: getWorkerInfo, workerInitFn, persistent workers", () => {
  it("getWorkerInfo is null outside workers", () => {
    assert.equal(getWorkerInfo(), null);
  });

  it("each worker reports id, numWorkers and seed = base seed + id", async () => {
    const g = new torch.Generator().manualSeed(123);
    const base = g.random64() % (1n << 63n); // what the loader will draw
    const batches = (await collect(
      new DataLoader(new RandomAugment(6), { batchSize: 2, numWorkers: 3, generator: new torch.Generator().manualSeed(123) }),
    )) as unknown as Augmented[];
    const seen = batches.map((b) => [(b[3].tolist() as number[])[0], int64s(b[4])[0]]);
    assert.deepEqual(seen, [[0, base], [1, base + 1n], [2, base + 2n]]);
  });

  it("workerInitFn runs in each worker before loading and sees its dataset copy", async () => {
    const got = await collect(new DataLoader(new Tagged(6), { batchSize: 2, numWorkers: 2, workerInitFn: tagWorker }));
    assert.deepEqual(got.map((b) => b[1]), [["worker 0 of 2", "worker 0 of 2"], ["worker 1 of 2", "worker 1 of 2"], ["worker 0 of 2", "worker 0 of 2"]]);
    // The main thread's dataset was not touched.
    const ds = new Tagged(2);
    await collect(new DataLoader(ds, { numWorkers: 1, workerInitFn: tagWorker }));
    assert.equal(ds.tag, "untagged");
  });

  it("an error in workerInitFn surfaces at that worker's first batch", async () => {
    await assert.rejects(collect(new DataLoader(new Tagged(4), { batchSize: 2, numWorkers: 2, workerInitFn: failingInit })), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /^Caught RangeError in DataLoader worker 0 in workerInitFn: init of worker 0 failed/);
      assert.match(e.message, /failingInit/);
      return true;
    });
  });

  it("persistent workers keep their dataset copies across epochs; non-persistent ones start fresh", async () => {
    for (const persistentWorkers of [false, true]) {
      const loader = new DataLoader(new Counter(8), { batchSize: 2, numWorkers: 2, persistentWorkers });
      const e1 = (await collect(loader)).map((b) => b[1].tolist());
      const e2 = (await collect(loader)).map((b) => b[1].tolist());
      assert.deepEqual(e1, [[1, 2], [1, 2], [3, 4], [3, 4]]);
      assert.deepEqual(e2, persistentWorkers ? [[5, 6], [5, 6], [7, 8], [7, 8]] : e1);
      await loader.shutdownWorkers();
    }
  });

  it("persistent workers: an epoch left early does not leak batches into the next one", async () => {
    const loader = new DataLoader(new Rows(torch.arange(40).reshape(20, 2)), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    for await (const b of loader) {
      assert.deepEqual(b.x.tolist(), [[0, 1], [2, 3]]);
      break;
    }
    const all = (await collect(loader)).map((b) => b.x.tolist());
    assert.deepEqual(all.flat(2), Array.from({ length: 40 }, (_, i) => i));
    await loader.shutdownWorkers();
  });

  it("a dataset's fields travel: a Generator's state, helper objects, an exported function, Maps, views sharing storage", async () => {
    const ds = new WithHelpers(4);
    const g = new torch.Generator().manualSeed(5);
    const [first, second] = [g.random(), g.random()];
    const got = await collect(new DataLoader(ds, { batchSize: null, numWorkers: 2 }));
    // sample i: 3i + 1; samples 0, 2 come from worker 0 and 1, 3 from worker 1, each with its own
    // copy of the generator, starting where the original was
    assert.deepEqual(got, [[1, first, 9, 1], [4, first, 9, 1], [7, second, 9, 1], [10, second, 9, 1]]);
  });
});

describe("DataLoader workers: errors", () => {
  it("an error at sample 37 is re-thrown with its class, the worker id, the index and the original stack", async () => {
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of new DataLoader(new FailAt(60, 37), { batchSize: 4, numWorkers: 2 })) seen.push(...(b.tolist() as number[]));
      })(),
      (e: Error) => {
        assert.ok(e instanceof torch.ValueError, `${e.name}`);
        assert.match(e.message, /^Caught ValueError in DataLoader worker 1 while fetching sample index 37 \(batch 9\): sample 37 is corrupt\n/);
        assert.match(e.message, /Original stack \(worker 1\):\nValueError: sample 37 is corrupt\n\s+at FailAt\.trap \(.*workerDatasets\.ts:\d+:\d+\)\n\s+at FailAt\.getItem/);
        return true;
      },
    );
    assert.deepEqual(seen, Array.from({ length: 36 }, (_, i) => i)); // every batch before it arrived
  });

  it("a worker that exits mid-epoch is a RuntimeError naming it and its exit code", async () => {
    await assert.rejects(collect(new DataLoader(new ExitAt(40, 21, 7), { batchSize: 4, numWorkers: 2 })), (e: Error) => {
      assert.ok(e instanceof torch.RuntimeError);
      assert.match(e.message, /^DataLoader worker 1 \(thread id \d+\) exited unexpectedly with exit code 7$/);
      return true;
    });
  });

  it("a hung worker is a RuntimeError after `timeout` seconds, and is stopped", async () => {
    const t0 = Date.now();
    await assert.rejects(collect(new DataLoader(new HangAt(12, 5), { batchSize: 2, numWorkers: 2, timeout: 1 })), (e: Error) => {
      assert.ok(e instanceof torch.RuntimeError);
      assert.equal(e.message, "DataLoader timed out after 1 seconds");
      return true;
    });
    assert.ok(Date.now() - t0 < 15000);
  });

  it("breaking out early stops every worker and closes its iterator", async () => {
    const log = join(dir, "break.log");
    writeFileSync(log, "");
    let n = 0;
    for await (const b of new DataLoader(new AsyncStream(1000, log), { batchSize: 2, numWorkers: 3 })) {
      assert.equal(b.shape[0], 2);
      if (++n === 3) break;
    }
    const closed = readFileSync(log, "utf8").trim().split("\n").sort();
    assert.deepEqual(closed, ["closed 0", "closed 1", "closed 2"]);
  });

  it("breaking out early drops the tasks still queued, so slow workers close their iterators too", async () => {
    const log = join(dir, "slow-break.log");
    writeFileSync(log, "");
    // a batch takes 2 x 400 ms; each worker has one batch in progress and one queued at the break
    for await (const _ of new DataLoader(new AsyncStream(100, log, 400), { batchSize: 2, numWorkers: 2 })) break;
    assert.deepEqual(readFileSync(log, "utf8").trim().split("\n").sort(), ["closed 0", "closed 1"]);
  });

  it("what cannot reach a worker says why", async () => {
    // A class defined in the main script (this test file).
    class Local extends Dataset<number> {
      getItem(i: number): number {
        return i;
      }
      get length(): number {
        return 2;
      }
    }
    await assert.rejects(collect(new DataLoader(new Local(), { numWorkers: 1 })), /Local is defined in the main script .*data\.workers\.test\.ts.*Move Local to a module of its own/s);
    await assert.rejects(collect(new DataLoader(makeHidden(), { numWorkers: 1 })), /class Hidden \(dataset\) is defined in .*workerDatasets\.ts but not exported from it: export it/);
    await assert.rejects(collect(new DataLoader(new WithArrow(), { numWorkers: 1 })), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /^Caught TypeError in DataLoader worker 0 while starting \(importing and rebuilding the dataset\): function f \(dataset\.f\) cannot be found by a DataLoader worker: it must be exported from a module the worker can import/);
      return true;
    });
    // An exported function that no dataset class leads to, from a module that did not register
    // itself: the one registered module (workerFunctions.ts) is searched in vain.
    await assert.rejects(collect(new DataLoader([1, 2], { numWorkers: 1, collateFn: addOne as never })), /function addOne \(collateFn\) cannot be found .*registerWorkerModule\(import\.meta\.url\) in the module that exports it \(searched: file:.*workerFunctions\.ts\)/);
    await assert.rejects(
      collect(new DataLoader([1, 2, 3], { numWorkers: 1, collateFn: (b: number[]) => b })),
      /function collateFn \(collateFn\) cannot be found by a DataLoader worker: .* It is an arrow function, probably a closure written in place/,
    );
    await assert.rejects(collect(new DataLoader(new WithPrivate(), { numWorkers: 1 })), /#private fields do not travel/);
  });

  it("option errors are PyTorch's", () => {
    assert.throws(() => new DataLoader([1], { numWorkers: -1 }), /num_workers option should be non-negative/);
    assert.throws(() => new DataLoader([1], { timeout: -1 }), /timeout option should be non-negative/);
    assert.throws(() => new DataLoader([1], { persistentWorkers: true }), /persistent_workers option needs num_workers > 0/);
    assert.throws(() => new DataLoader([1], { numWorker: 2 } as never), /DataLoader\(\) got an unexpected keyword argument 'numWorker'/);
    assert.throws(() => {
      for (const _ of new DataLoader([1, 2], { numWorkers: 1 })) void _;
    }, /iterate with `for await/);
  });
});

describe("DataLoader workers: batches move instead of being copied", () => {
  it("the worker's batch storage is transferred (gone from the worker once sent)", async () => {
    const got = await collect(new DataLoader([1, 2, 3, 4, 5, 6], { batchSize: 2, numWorkers: 1, collateFn: collateAndReportMove }));
    assert.deepEqual(got.map((b) => b[1]), [false, true, true]);
    assert.deepEqual(got.map((b) => b[0].sum().item()), [3 * 512, 7 * 512, 11 * 512]);
  });

  it("samples that are views of the dataset's storage are copied, so the worker's dataset stays whole", async () => {
    const x = torch.arange(4096).reshape(1, 4096).float(); // one row: the view spans the whole storage
    const loader = new DataLoader(new TensorDataset(x), { batchSize: null, numWorkers: 1, persistentWorkers: true });
    for (let epoch = 0; epoch < 2; epoch++) {
      const [[row]] = (await collect(loader)) as unknown as torch.Tensor[][];
      assert.equal(row!.sum().item(), (4095 * 4096) / 2);
    }
    await loader.shutdownWorkers();
  });
});

describe("sharding helpers", () => {
  it("shardByWorker outside a worker keeps everything; shardByRank splits by rank", async () => {
    assert.deepEqual(shardByWorker([1, 2, 3]), [1, 2, 3]);
    assert.deepEqual(shardByRank([0, 1, 2, 3, 4, 5, 6], { rank: 1, worldSize: 3 }), [1, 4]);
    assert.deepEqual([...shardByRank(new Set([0, 1, 2, 3, 4]), { rank: 0, worldSize: 2 })], [0, 2, 4]);
    const asyncGen = async function* () {
      for (let i = 0; i < 5; i++) yield i;
    };
    const got: number[] = [];
    for await (const v of shardByRank(asyncGen(), { rank: 1, worldSize: 2 })) got.push(v);
    assert.deepEqual(got, [1, 3]);
  });

  it("rankInfo reads RANK and WORLD_SIZE, explicit options first", () => {
    const saved = { RANK: process.env.RANK, WORLD_SIZE: process.env.WORLD_SIZE };
    try {
      process.env.RANK = "2";
      process.env.WORLD_SIZE = "4";
      assert.deepEqual(rankInfo(), { rank: 2, worldSize: 4 });
      assert.deepEqual(rankInfo({ rank: 0 }), { rank: 0, worldSize: 4 });
      process.env.RANK = "4";
      assert.throws(() => rankInfo(), /Invalid rank 4, rank should be in the interval \[0, 3\]/);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
    assert.deepEqual(rankInfo(), { rank: 0, worldSize: 1 });
  });
});
