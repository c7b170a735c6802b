// The ungrouped convolution primitive (src/ops/conv.ts `convolution`): PyTorch's values and
// gradients are checked by the conv1d/conv2d cases of functional.test.ts and modules.test.ts;
// here: float64 gradcheck of first and second order (its vjp is written in Tensor ops), and
// float32 agreement with the unfold + matmul composite on LeNet's shapes.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const F = torch.F;
const opts = { stride: [2, 1], padding: [1, 2], dilation: [1, 2] };

test("conv2d primitive: float64 gradcheck in x, weight, bias", () => {
  torch.manualSeed(5);
  const x = torch.randn([2, 3, 6, 7], { dtype: "float64", requiresGrad: true });
  const w = torch.randn([4, 3, 3, 2], { dtype: "float64", requiresGrad: true });
  const b = torch.randn([4], { dtype: "float64", requiresGrad: true });
  const f = (x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) => F.conv2d(x, w, b, opts);
  assert.equal(torch.autograd.gradcheck(f, [x, w, b], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
});

test("conv2d primitive: second order (gradient in x as a function of the weight and upstream)", () => {
  torch.manualSeed(6);
  const x = torch.randn([2, 2, 5, 5], { dtype: "float64", requiresGrad: true });
  const w = torch.randn([3, 2, 3, 3], { dtype: "float64", requiresGrad: true });
  const u = torch.randn([2, 3, 3, 5], { dtype: "float64", requiresGrad: true });
  const gx = (w: torch.Tensor, u: torch.Tensor) => torch.autograd.grad([F.conv2d(x, w, null, opts).mul(u).sum()], [x], { createGraph: true })[0]!;
  assert.equal(torch.autograd.gradcheck(gx, [w, u], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
  const gw = (x: torch.Tensor, u: torch.Tensor) => torch.autograd.grad([F.conv2d(x, w, null, opts).mul(u).sum()], [w], { createGraph: true })[0]!;
  assert.equal(torch.autograd.gradcheck(gw, [x, u], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
});

test("conv2d primitive matches unfold + matmul in float32 (LeNet conv2 shapes)", () => {
  torch.manualSeed(7);
  const x = torch.randn([8, 6, 14, 14], { requiresGrad: true });
  const w = torch.randn([16, 6, 5, 5], { requiresGrad: true });
  const b = torch.randn([16], { requiresGrad: true });
  const u = torch.randn([8, 16, 10, 10]);
  F.conv2d(x, w, b).mul(u).sum().backward();
  const [x2, w2, b2] = [x, w, b].map((t) => t.detach().clone().requiresGrad_());
  const ref = w2.reshape(16, 150).matmul(F.unfold(x2, 5)).add(b2.view(1, 16, 1)).view(8, 16, 10, 10);
  ref.mul(u).sum().backward();
  const close = (a: torch.Tensor, r: torch.Tensor, what: string) => {
    const ad = a.contiguousData() as Float64Array, rd = r.contiguousData() as Float64Array;
    let scale = 0;
    for (let i = 0; i < rd.length; i++) scale = Math.max(scale, Math.abs(rd[i]));
    for (let i = 0; i < rd.length; i++) assert.ok(Math.abs(ad[i] - rd[i]) <= 1e-5 * scale, `${what}[${i}]: ${ad[i]} vs ${rd[i]}`);
  };
  close(F.conv2d(x, w, b), ref, "out");
  close(x.grad!, x2.grad!, "dx");
  close(w.grad!, w2.grad!, "dw");
  close(b.grad!, b2.grad!, "db");
});
