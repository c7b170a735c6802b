// x[...] and x[...] = v against PyTorch 1.13 (tools/gen_index_fixtures.py): values and
// gradients of reads (views for basic indices, copies for advanced ones) and of writes into a
// tensor in the graph (PyTorch's CopySlices / IndexPutBackward0), each index spelled as a
// subscript string and as an array of items where JavaScript allows both.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";
import { checkIndexCase, indexCases, indexForms } from "./subscript-check.ts";

for (const c of indexCases) {
  for (const [how, index] of indexForms(c)) {
    const name = c.kind === "read" ? `x[${c.name}] (${how}) matches PyTorch's values and gradient` : `y[${c.name}] = v (${how}) matches PyTorch's values and gradients (${c.gradFn})`;
    test(name, () => checkIndexCase(c, index, "cpu"));
  }
}

test("basic indices give views; advanced ones copy", () => {
  const x = torch.arange(12).reshape(3, 4);
  const v = x.index("1:, ::2");
  v.fill_(0);
  assert.deepEqual(x.tolist(), [[0, 1, 2, 3], [0, 5, 0, 7], [0, 9, 0, 11]]);
  const c = x.index([torch.tensor([0, 1])]);
  c.fill_(-1);
  assert.equal(x.index("0, 0").item(), 0);
  assert.deepEqual(x.index([torch.tensor([0, 1], { dtype: "int32" })]).tolist(), x.index([[0, 1]]).tolist());
});

test("PyTorch's indexing errors", () => {
  const x = torch.zeros(2, 3, 4);
  assert.throws(() => x.index("0, 0, 0, 0"), { name: "IndexError", message: "too many indices for tensor of dimension 3" });
  assert.throws(() => x.index([torch.tensor([5])]), { name: "IndexError", message: "index 5 is out of bounds for dimension 0 with size 2" });
  assert.throws(() => x.index("2"), { name: "IndexError", message: "index 2 is out of bounds for dimension 0 with size 2" });
  assert.throws(() => x.index([torch.ones(3, { dtype: "bool" })]), /The shape of the mask \[3\] at index 0 does not match the shape of the indexed tensor \[2, 3, 4\] at index 0/);
  assert.throws(() => x.index(0.5), /only integers, slices/);
  assert.throws(() => x.index("..., ..."), /single ellipsis/);
  assert.throws(() => x.index("::0"), /step must be greater than zero/);
  assert.throws(() => x.index([torch.tensor([0.5])]), /tensors used as indices must be long, int or bool tensors/);
});

test("writes: scalars, broadcasting, accumulate, a leaf's view is refused as PyTorch", () => {
  const y = torch.zeros(3, 4);
  y.indexPut_(":, 0::2", 1);
  assert.deepEqual(y.tolist(), [[1, 0, 1, 0], [1, 0, 1, 0], [1, 0, 1, 0]]);
  y.indexPut_([[0, 0], [1, 1]], torch.tensor([5, 6]));
  assert.deepEqual(y.index("0").tolist(), [1, 6, 1, 0]);
  y.indexPut_([[0, 0], [1, 1]], torch.tensor([1, 1]), true);
  assert.deepEqual(y.index("0").tolist(), [1, 8, 1, 0]);
  const w = torch.ones(3, { requiresGrad: true });
  assert.throws(() => w.index("0:1").fill_(2), /a view of a leaf Variable that requires grad is being used in an in-place operation/);
  assert.throws(() => w.indexPut_("0", 2), /a view of a leaf Variable that requires grad|a leaf Variable that requires grad/);
});

test("in-place ops on views rewrite the base's history (CopySlices), also for ordinary in-place ops", () => {
  // PyTorch: w = [1, 2, 3] (grad); z = w * 2; z[1] = 10; z.sum().backward() -> w.grad [2, 0, 2]
  const w = torch.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  const z = w.mul(2);
  z.indexPut_("1", 10);
  assert.equal(z.gradFn!.name, "CopySlices");
  z.sum().backward();
  assert.deepEqual(w.grad!.tolist(), [2, 0, 2]);
  // a view's mul_ and the base's later use
  const a = torch.tensor([1, 2, 3, 4], { dtype: "float64", requiresGrad: true });
  const b = a.mul(1);
  b.narrow(0, 1, 2).mul_(3);
  b.pow(2).sum().backward();
  assert.deepEqual(a.grad!.tolist(), [2, 36, 54, 8]);
  // the view itself keeps working in the graph after the write
  const p = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const q = p.mul(1);
  const head = q.narrow(0, 0, 1);
  head.add_(5);
  head.mul(10).sum().backward();
  assert.deepEqual(p.grad!.tolist(), [10, 0]);
});

test("double backward through a CopySlices write", () => {
  const x = torch.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  const y = x.mul(1);
  y.indexPut_("0:2", x.index("0:2").pow(3));
  const [g] = torch.autograd.grad([y.sum()], [x], { createGraph: true });
  assert.deepEqual(g!.tolist(), [3, 12, 1]);
  g!.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [6, 12, 0]);
});

test("tensors iterate over dim 0; nonzero, argwhere and maskedSelect are int64/copies", () => {
  const x = torch.tensor([[1, 0], [0, 3]]);
  const rows = [...x].map((r) => r.tolist());
  assert.deepEqual(rows, [[1, 0], [0, 3]]);
  assert.throws(() => [...torch.tensor(1)], /iteration over a 0-d tensor/);
  assert.equal(x.nonzero().dtype, "int64");
  assert.deepEqual(x.nonzero().tolist(), [[0, 0], [1, 1]]);
  assert.deepEqual(torch.argwhere(x).tolist(), [[0, 0], [1, 1]]);
  assert.deepEqual(x.maskedSelect(x.gt(0)).tolist(), [1, 3]);
  assert.deepEqual(torch.tensor([1, 2, 3]).maskedSelect(torch.tensor([true])).tolist(), [1, 2, 3]);
});

test("noGrad and enableGrad as guards for `using`, and as callbacks", () => {
  const x = torch.ones(2, { requiresGrad: true });
  {
    using _guard = torch.noGrad();
    assert.equal(x.mul(2).requiresGrad, false);
    {
      using _inner = torch.enableGrad();
      assert.equal(x.mul(2).requiresGrad, true);
    }
    assert.equal(x.mul(2).requiresGrad, false);
  }
  assert.equal(x.mul(2).requiresGrad, true);
  const g = torch.noGrad();
  assert.equal(torch.isGradEnabled(), false);
  g.exit();
  g.exit();
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(torch.noGrad(() => x.mul(2)).requiresGrad, false);
});
