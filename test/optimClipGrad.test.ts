// nn.utils.clipGradNorm_ / clipGradValue_ against PyTorch 1.13, and the non-finite guard.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";
import * as optimModule from "../src/optim/index.ts";
import { clipGradNorm_ } from "../src/optim/clipGrad.ts";
import { assertCloseAbs as assertClose, checkClipGradCase, clipCases, clipErrors, clipLabel } from "./optim-check.ts";

describe("clipGradNorm_ and clipGradValue_ match PyTorch", () => {
  for (const c of clipCases) test(clipLabel(c), () => checkClipGradCase(c, "cpu"));

  test("a single tensor is accepted, and no gradients give a zero norm", () => {
    const p = torch.zeros([3], { dtype: "float64", requiresGrad: true });
    assert.equal(clipGradNorm_(p, 1).item(), 0);
    p.grad = torch.tensor([3, 4], { dtype: "float64" });
    const total = clipGradNorm_(p, 1);
    assert.equal(total.item(), 5);
    assertClose(p.grad.contiguousData() as Float64Array, [3 / (5 + 1e-6), 4 / (5 + 1e-6)], 1e-12, "clipped");
  });

  test("normType as the string Python's float() reads: norm_type='inf' is the max norm; 'fro' is PyTorch's ValueError", () => {
    const p = torch.zeros([2], { dtype: "float64", requiresGrad: true });
    p.grad = torch.tensor([3, -4], { dtype: "float64" });
    assert.equal(clipGradNorm_([p], 1, "inf").item(), 4); // PyTorch 1.13: tensor(4.), grad [0.75, -1.0]
    assertClose(p.grad.contiguousData() as Float64Array, [3 / (4 + 1e-6), -4 / (4 + 1e-6)], 1e-12, "clipped");
    p.grad = torch.tensor([3, -4], { dtype: "float64" });
    assert.equal(clipGradNorm_([p], 10, { normType: " 1 " }).item(), 7);
    assert.throws(() => clipGradNorm_([p], 1, "fro"), { name: "ValueError", message: "could not convert string to float: 'fro'" });
    assert.throws(() => clipGradNorm_([p], 1, [2] as never), { name: "TypeError", message: /^clip_grad_norm_\(\): argument 'normType' must be a number, but got an array/ });
  });
});

describe("non-finite gradients", () => {
  for (const [normType, key] of [[2, "2.0"], [Infinity, "inf"]] as const) {
    test(`errorIfNonfinite raises PyTorch's error (norm ${key}) and leaves the gradients untouched`, () => {
      const p = torch.zeros([3], { requiresGrad: true });
      p.grad = torch.tensor([1.0, NaN, 2.0]);
      // PyTorch's message, with the option spelled as in this API
      const expected = clipErrors[key]!.replace("`error_if_nonfinite=False`", "`errorIfNonfinite: false`");
      assert.throws(() => clipGradNorm_([p], 1.0, { normType, errorIfNonfinite: true }), { name: "RuntimeError", message: expected });
      const g = Array.from(p.grad.contiguousData() as Float32Array);
      assert.equal(g[0], 1);
      assert.ok(Number.isNaN(g[1]));
      assert.equal(g[2], 2);
    });
  }

  test("the documented skip-a-bad-step pattern keeps the parameters finite", () => {
    const w = torch.tensor([1.0, 2.0], { dtype: "float64", requiresGrad: true });
    const opt = new optimModule.SGD([w], { lr: 0.1 });
    w.grad = torch.tensor([Infinity, 1], { dtype: "float64" });
    let skipped = false;
    try {
      clipGradNorm_([w], 1.0, { errorIfNonfinite: true });
      opt.step();
    } catch {
      skipped = true;
      opt.zeroGrad();
    }
    assert.ok(skipped);
    assert.deepEqual(Array.from(w.contiguousData() as Float64Array), [1, 2]);
    assert.equal(w.grad, null);
  });
});

