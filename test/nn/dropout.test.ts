// Dropout draws its mask as PyTorch 1.13 on CPU (empty_like(x).bernoulli_(1 - p), then
// x * mask / (1 - p)): after the same manual seed the outputs match PyTorch's exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { load, makeTensor, mismatch, type Stored } from "./fixture-io.ts";

interface DropoutCase {
  name: string;
  fn: "dropout" | "dropout1d" | "dropout2d" | "module";
  p: number;
  seed: number;
  input: Stored;
  output: Stored;
}

const { F, nn } = torch;

for (const c of load<DropoutCase>("nn_dropout.json")) {
  test(`${c.name}: same seed, same mask as PyTorch (p=${c.p}, ${c.input.dtype})`, () => {
    const x = makeTensor(c.input);
    torch.manualSeed(c.seed);
    const y = c.fn === "dropout" ? F.dropout(x, { p: c.p, training: true })
      : c.fn === "dropout1d" ? F.dropout1d(x, { p: c.p, training: true })
      : c.fn === "dropout2d" ? F.dropout2d(x, { p: c.p, training: true })
      : (new nn.Dropout(c.p).forward(x) as torch.Tensor);
    assert.equal(mismatch(y, c.output, 0), null);
  });
}

test("Dropout is the identity in eval mode and with p = 0; p = 1 zeroes everything", () => {
  const x = torch.randn(4, 5);
  const d = new nn.Dropout(0.5);
  d.eval();
  assert.equal(d.forward(x), x);
  assert.equal(F.dropout(x, { p: 0 }), x);
  assert.deepEqual(F.dropout(x, { p: 1 }).abs().sum().item(), 0);
});

test("dropout's gradient is the mask scaled by 1 / (1 - p)", () => {
  const x = torch.ones([200], { requiresGrad: true });
  torch.manualSeed(7);
  const y = F.dropout(x, { p: 0.25 });
  y.sum().backward();
  const g = x.grad!.contiguousData() as Float32Array;
  const v = y.contiguousData() as Float32Array;
  for (let i = 0; i < g.length; i++) {
    assert.ok(g[i] === 0 || Math.abs(g[i]! - 1 / 0.75) < 1e-6);
    assert.equal(g[i], v[i]);
  }
});
