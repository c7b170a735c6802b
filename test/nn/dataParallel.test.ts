// nn.DataParallel without CUDA devices (as PyTorch's on a machine without GPUs: repr and
// constructor forms in nn_repr.json): the wrapped module under "module.", its forward, and a
// DataParallel checkpoint's state dict loading into the wrapper. The *WithIndices poolings.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn, F } = torch;

test("DataParallel holds the module under 'module.' and forwards to it", () => {
  torch.manualSeed(0);
  const inner = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  const dp = new nn.DataParallel(inner, [0, 1]);
  assert.equal(dp.module, inner);
  assert.deepEqual(dp.device_ids, []);
  assert.deepEqual(Object.keys(dp.stateDict()), ["module.0.weight", "module.0.bias", "module.2.weight", "module.2.bias"]);
  const x = torch.randn([5, 3]);
  assert.deepEqual((dp.forward(x) as torch.Tensor).tolist(), (inner.forward(x) as torch.Tensor).tolist());
  // a checkpoint saved from a DataParallel model loads into another wrapper
  const other = new nn.DataParallel(new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2)));
  other.loadStateDict(dp.stateDict());
  assert.deepEqual((other.forward(x) as torch.Tensor).tolist(), (inner.forward(x) as torch.Tensor).tolist());
  assert.equal(dp.parameters().length, 4);
});

test("the *WithIndices poolings return values and indices even with returnIndices false", () => {
  const x = torch.randn([2, 3, 8, 8]);
  const a = F.maxPool2dWithIndices(x, 2, null, 0, 1, false, false);
  const b = F.maxPool2d(x, 2, { returnIndices: true });
  assert.deepEqual(a.values.tolist(), b.values.tolist());
  assert.deepEqual(a.indices.tolist(), b.indices.tolist());
  const c = F.adaptiveMaxPool2dWithIndices(x, [3, 3]);
  assert.deepEqual(c.indices.tolist(), F.adaptiveMaxPool2d(x, [3, 3], true).indices.tolist());
});
