// The max-pooling primitive (src/ops/pool.ts + src/backends/cpu/pool.ts) against PyTorch 1.13
// (tools/gen_pool_fixtures.py): values, argmax indices (ties keep the first, the last NaN
// wins, -inf windows), input gradients through the indices, and float64 gradcheck including
// the second order (the vjp is a scatterAdd, whose own vjp is a gather).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { checkMaxPoolCase, loadMaxPoolCases } from "./maxpool-dropout-check.ts";

const F = torch.F;

for (const c of loadMaxPoolCases()) {
  test(`maxPool${c.nd}d ${c.name} matches PyTorch (values, indices, grad)`, () => checkMaxPoolCase(c, "cpu"));
}

test("maxPool2d float64 gradcheck and gradgradcheck (distinct values)", () => {
  torch.manualSeed(3);
  const x = torch.randperm(2 * 2 * 7 * 6).to("float64").div(10).reshape(2, 2, 7, 6).requiresGrad_();
  const f = (t: torch.Tensor) => F.maxPool2d(t, [3, 2], { stride: [2, 1], padding: 1, dilation: [1, 2], ceilMode: true });
  assert.equal(torch.autograd.gradcheck(f, [x], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
  // second order: the input gradient is linear in the upstream gradient u (a scatter-add
  // through the indices); its derivative in u is the gather, checked numerically here
  const u = torch.randn(f(x).shape, { dtype: "float64" });
  const gu = (uu: torch.Tensor) => torch.autograd.grad([f(x).mul(uu).sum()], [x], { createGraph: true })[0]!;
  assert.equal(torch.autograd.gradcheck(gu, [u.requiresGrad_()], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
});

test("maxPool2d's gradient is unaffected by in-place edits of the returned indices (they are the op's int64 copy)", () => {
  torch.manualSeed(4);
  const x = torch.randn([1, 1, 4, 4], { requiresGrad: true });
  const { values, indices } = F.maxPool2d(x, 2, { returnIndices: true });
  const want = torch.zeros(16).scatter(0, indices.reshape(-1), 1).reshape(1, 1, 4, 4);
  indices.zero_();
  values.sum().backward();
  assert.deepEqual(x.grad!.tolist(), want.tolist());
});

test("maxPool2d 2x2 (the unrolled path): ties keep the first, the last NaN wins, as PyTorch prints", () => {
  // PyTorch 1.13: values [[1, 2], [nan, nan]], indices [[0, 3], [13, 11]]
  const x = torch.tensor([[[[1, 1, 0, 2], [1, 1, 2, 2], [NaN, 3, 5, NaN], [3, NaN, 5, 5]]]]);
  for (const dtype of ["float32", "float64"] as const) {
    const { values, indices } = F.maxPool2d(x.to(dtype), 2, { returnIndices: true });
    assert.deepEqual(indices.reshape(-1).tolist(), [0, 3, 13, 11]);
    const v = Array.from((values.contiguousData() as Float64Array));
    assert.deepEqual(v.slice(0, 2), [1, 2]);
    assert.ok(Number.isNaN(v[2]) && Number.isNaN(v[3]), `values ${v}`);
  }
});
