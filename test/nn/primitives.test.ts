// Float64 gradchecks of the composites promoted to primitives for speed (F.linear's linear2d,
// the MSE loss). Their values against PyTorch are covered by the module and functional fixtures.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const f64 = (shape: number[]) => torch.randn(shape, { dtype: "float64" }).requiresGrad_();

test("F.linear (2-D and batched input, with and without bias) passes gradcheck", () => {
  torch.manualSeed(3);
  const x = f64([4, 3]);
  const w = f64([2, 3]);
  const b = f64([2]);
  assert.ok(torch.autograd.gradcheck((x, w, b) => torch.F.linear(x, w, b), [x, w, b]));
  assert.ok(torch.autograd.gradcheck((x, w) => torch.F.linear(x, w), [x, w]));
  assert.ok(torch.autograd.gradcheck((x, w, b) => torch.F.linear(x, w, b), [f64([2, 2, 3]), w, b]));
  // non-contiguous operands take the same primitive
  assert.ok(torch.autograd.gradcheck((x, w, b) => torch.F.linear(x.t(), w, b), [f64([3, 4]), w, b]));
});

test("F.linear rejects mismatched shapes with PyTorch's message", () => {
  assert.throws(() => torch.F.linear(torch.zeros(4, 3), torch.zeros(2, 5)), /mat1 and mat2 shapes cannot be multiplied \(4x3 and 5x2\)/);
});

test("F.mseLoss passes gradcheck for every reduction and matches its formula", () => {
  torch.manualSeed(4);
  for (const reduction of ["mean", "sum", "none"] as const) {
    assert.ok(torch.autograd.gradcheck((x, y) => torch.F.mseLoss(x, y, { reduction }), [f64([3, 2]), f64([3, 2])]), reduction);
  }
  const x = torch.tensor([[1, 2], [3, 4]], { dtype: "float64" });
  const y = torch.tensor([[0, 2], [5, 1]], { dtype: "float64" });
  assert.equal(torch.F.mseLoss(x, y).item(), (1 + 0 + 4 + 9) / 4);
  assert.equal(torch.F.mseLoss(x, y, { reduction: "sum" }).item(), 14);
  assert.throws(() => torch.F.mseLoss(x, y, { reduction: "avg" as never }), /avg is not a valid value for reduction/);
});
