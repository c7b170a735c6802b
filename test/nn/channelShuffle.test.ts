// F.channelShuffle beyond its fixtures (nn_modules.json: values; nn_errors.json: PyTorch's
// errors): its gradient, which PyTorch 1.13 does not have.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { F } = torch;
type T = torch.Tensor;

test("F.channelShuffle's gradient (PyTorch 1.13 has none: its grad_fn is NotImplemented) is the inverse shuffle, gradchecked", () => {
  const x = torch.randn([2, 6, 3], { dtype: "float64", requiresGrad: true });
  assert.equal(torch.autograd.gradcheck((t: T) => F.channelShuffle(t, 3), [x]), true);
  // shuffling by g and then by C/g restores the order
  assert.deepEqual(F.channelShuffle(F.channelShuffle(x, 3), 2).tolist(), x.tolist());
});
