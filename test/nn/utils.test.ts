// torch.nn.utils: parameter vectors and gradient clipping through the public namespace.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

test("parametersToVector / vectorToParameters round trip in parameter order", () => {
  const net = new torch.nn.Sequential(new torch.nn.Linear(3, 2), new torch.nn.Linear(2, 1));
  const v = torch.nn.utils.parametersToVector(net.parameters());
  assert.deepEqual(v.shape, [3 * 2 + 2 + 2 + 1]);
  assert.deepEqual(v.narrow(0, 0, 6).tolist(), (net.get(0) as torch.nn.Linear).weight.reshape(-1).tolist());
  torch.nn.utils.vectorToParameters(torch.arange(11, { dtype: "float32" }), net.parameters());
  assert.deepEqual((net.get(1) as torch.nn.Linear).weight.tolist(), [[8, 9]]);
  assert.deepEqual((net.get(1) as torch.nn.Linear).bias!.tolist(), [10]);
  assert.throws(() => torch.nn.utils.vectorToParameters(torch.zeros(3), net.parameters()), /fewer than the parameters need/);
});

test("clipGradNorm_ and clipGradValue_ are reachable as torch.nn.utils", () => {
  const p = torch.tensor([3, 4], { dtype: "float64", requiresGrad: true });
  p.mul(p).div(2).sum().backward(); // grad = [3, 4], norm 5
  const norm = torch.nn.utils.clipGradNorm_([p], 1);
  assert.equal(Number(norm instanceof torch.Tensor ? norm.item() : norm), 5);
  assert.ok(Math.abs((p.grad!.tolist() as number[])[0] - 0.6) < 1e-6);
  torch.nn.utils.clipGradValue_([p], 0.5);
  assert.deepEqual(p.grad!.tolist(), [0.5, 0.5]);
});
