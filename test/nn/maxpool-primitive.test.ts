// The max-pooling primitive (src/ops/pool.ts + src/backends/cpu/pool.ts) against PyTorch 1.13
// (tools/gen_pool_fixtures.py): values, argmax indices (ties keep the first, the last NaN
// wins, -inf windows), input gradients through the indices, and float64 gradcheck including
// the second order (the vjp is a scatterAdd, whose own vjp is a gather).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { load, makeTensor, type Stored } from "./fixture-io.ts";

type Case = { name: string; nd: 1 | 2; kernel: number | number[]; opts: { stride?: number | number[]; padding?: number; dilation?: number; ceil_mode?: boolean }; x: Stored; values: Stored; indices: Stored; upstream: Stored; grad: Stored };
const F = torch.F;

const same = (got: torch.Tensor, want: Stored, what: string) => {
  assert.deepEqual(got.shape, want.shape, `${what} shape`);
  const w = makeTensor(want).to("float64").contiguousData() as Float64Array;
  const g = got.to("float64").contiguousData() as Float64Array;
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i])) assert.ok(Number.isNaN(g[i]), `${what}[${i}] should be NaN`);
    else assert.ok(Math.abs(g[i] - w[i]) <= 1e-6 * Math.max(1, Math.abs(w[i])), `${what}[${i}]: ${g[i]} vs ${w[i]}`);
  }
};

for (const c of load<Case>("nn_maxpool_primitive.json")) {
  test(`maxPool${c.nd}d ${c.name} matches PyTorch (values, indices, grad)`, () => {
    const x = makeTensor(c.x, true);
    const opts = { stride: c.opts.stride, padding: c.opts.padding, dilation: c.opts.dilation, ceilMode: c.opts.ceil_mode, returnIndices: true as const };
    const r = c.nd === 2 ? F.maxPool2d(x, c.kernel, opts) : F.maxPool1d(x, c.kernel, opts);
    same(r.values, c.values, "values");
    assert.equal(r.indices.dtype, "int64");
    same(r.indices, c.indices, "indices");
    r.values.mul(makeTensor(c.upstream)).sum().backward();
    same(x.grad!, c.grad, "grad");
  });
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
