// Dropout draws its mask as PyTorch 1.13 on CPU (empty_like(x).bernoulli_(1 - p), then
// x * mask / (1 - p)): after the same manual seed the outputs match PyTorch's exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { checkDropoutCase, loadDropoutCases } from "./maxpool-dropout-check.ts";

const { F, nn } = torch;

for (const c of loadDropoutCases()) {
  test(`${c.name}: same seed, same mask as PyTorch (p=${c.p}, ${c.input.dtype})`, () => checkDropoutCase(c, "cpu"));
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
