// Autograd behaviour beyond single-op gradients: accumulation, hooks, retainGrad, grad mode,
// custom Functions, higher order, in-place history, graph release.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

const f64 = (v: number[]) => torch.tensor(v, { dtype: "float64", requiresGrad: true });

test("leaf .grad accumulates across backward calls; zeroGrad-style reset", () => {
  const x = f64([1, 2, 3]);
  x.mul(x).sum().backward();
  x.mul(3).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [5, 7, 9]);
  assert.equal(x.isLeaf, true);
  assert.equal(x.mul(2).isLeaf, false);
});

test("a leaf used twice, and two leaves sharing one incoming gradient, get separate .grad storage", () => {
  const a = f64([1, 2]);
  const b = f64([3, 4]);
  a.add(b).sum().backward();
  assert.notEqual(a.grad!.storage, b.grad!.storage);
  a.grad!.zero_();
  assert.deepEqual(b.grad!.tolist(), [1, 1]);
  const g = torch.tensor([1, 1], { dtype: "float64" });
  const c = f64([0, 0]);
  c.add(1).backward(g);
  c.grad!.mul_(5);
  assert.deepEqual(g.tolist(), [1, 1], "the caller's gradient tensor is never aliased into .grad");
});

test("retainGrad and hooks on leaves and intermediates", () => {
  const x = f64([1, -2]);
  const y = x.mul(3);
  y.retainGrad();
  const seen: number[][] = [];
  y.registerHook((g) => {
    seen.push(g.tolist() as number[]);
  });
  const h = x.registerHook((g) => g.mul(10));
  y.pow(2).sum().backward();
  assert.deepEqual(y.grad!.tolist(), [6, -12]);
  assert.deepEqual(seen, [[6, -12]]);
  assert.deepEqual(x.grad!.tolist(), [180, -360]);
  h.remove();
  x.grad = null;
  x.mul(3).pow(2).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [18, -36]);
  assert.throws(() => torch.tensor([1]).registerHook(() => undefined), /doesn't require gradient/);
});

test("noGrad and enableGrad nest; detach cuts the graph and shares storage", () => {
  const x = f64([1, 2]);
  const y = torch.noGrad(() => {
    const a = x.mul(2);
    const b = torch.enableGrad(() => x.mul(2));
    return [a, b];
  });
  assert.equal(y[0].requiresGrad, false);
  assert.equal(y[1].requiresGrad, true);
  assert.equal(torch.isGradEnabled(), true);
  const d = x.detach();
  assert.equal(d.requiresGrad, false);
  d.mul_(0);
  assert.deepEqual(x.tolist(), [0, 0], "detach shares storage");
});

test("gradFn names and nextFunctions", () => {
  const x = f64([1, 2]);
  const y = x.mul(2).add(1).sum();
  assert.equal(y.gradFn!.name, "SumBackward0");
  const [[add]] = y.gradFn!.nextFunctions;
  assert.equal((add as torch.autograd.Node).name, "AddBackward0");
  assert.equal(String(x.exp()), "tensor([2.7183, 7.3891], dtype=torch.float64, grad_fn=<ExpBackward0>)");
});

test("retainGraph allows a second backward; without it the second fails with PyTorch's message", () => {
  const x = f64([1, 2]);
  const y = x.exp().sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assert.deepEqual((x.grad!.tolist() as number[]).map((v) => +v.toFixed(6)), [5.436564, 14.778112]);
  assert.throws(() => y.backward(), /Trying to backward through the graph a second time/);
});

test("higher-order gradients through createGraph: d2/dx2 of x^3 and a gradient penalty", () => {
  const x = f64([1, 2]);
  const [g] = torch.autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
  assert.deepEqual(g!.tolist(), [3, 12]);
  const [g2] = torch.autograd.grad(g!.sum(), [x]);
  assert.deepEqual(g2!.tolist(), [6, 12]);
  const w = f64([0.5, -1]);
  const out = x.mul(w).tanh().sum();
  const [gx] = torch.autograd.grad(out, [x], { createGraph: true });
  gx!.pow(2).sum().backward();
  assert.ok(w.grad !== null && w.grad.abs().sum().item() > 0);
});

test("autograd.grad takes PyTorch's positional order (grad_outputs, retain_graph, create_graph, only_inputs, allow_unused) or options", () => {
  const x = f64([1, 2]);
  const y = x.mul(x);
  const v = torch.tensor([1, 10], { dtype: "float64" });
  // grad_outputs third, as torch.autograd.grad(y, [x], v)
  const [a] = torch.autograd.grad(y, [x], v, true);
  assert.deepEqual(a!.tolist(), [2, 40]);
  const [b] = torch.autograd.grad([y], [x], [v], true, false, true, false);
  assert.deepEqual(b!.tolist(), [2, 40]);
  const [c] = torch.autograd.grad(y, [x], v, { retainGraph: true });
  assert.deepEqual(c!.tolist(), [2, 40]);
  // create_graph positionally: the gradient has a graph of its own
  const [d] = torch.autograd.grad(y, [x], v, null, true);
  assert.ok(d!.requiresGrad);
  const [dd] = torch.autograd.grad(d!.sum(), [x]);
  assert.deepEqual(dd!.tolist(), [2, 20]);
  // allow_unused fifth
  const z = f64([3]);
  assert.deepEqual(torch.autograd.grad(x.sum(), [x, z], null, null, false, true, true).map((g) => g?.tolist() ?? null), [[1, 1], null]);
  // PyTorch's errors for plain-JavaScript callers
  const call = torch.autograd.grad as (...a: unknown[]) => unknown;
  assert.throws(() => call(x.sum(), [x], null, null, false, true, false, false, 1), (e: unknown) => e instanceof TypeError && /grad\(\) takes from 2 to 8 positional arguments but 9 were given/.test((e as Error).message));
  assert.throws(() => call(x.sum(), [x], { retain_graph: true }), (e: unknown) => e instanceof TypeError && /unexpected keyword argument 'retain_graph'/.test((e as Error).message));
  assert.throws(() => call(x.sum(), [x], null, "yes"), (e: unknown) => e instanceof TypeError && /retainGraph/.test((e as Error).message));
  assert.throws(() => call(x.sum(), [x], null, { createGraph: true }, true), (e: unknown) => e instanceof TypeError);
  assert.throws(() => call("y", [x]), (e: unknown) => e instanceof TypeError && /argument 'outputs' must be a Tensor or a list of Tensors, but got string/.test((e as Error).message));
  assert.throws(() => call(x.sum(), [x, 3]), (e: unknown) => e instanceof TypeError && /argument 'inputs'/.test((e as Error).message));
  assert.throws(() => call(y, [x], 5), (e: unknown) => e instanceof TypeError && /argument 'gradOutputs' must be a Tensor, a list of Tensors \(or nulls\), or null/.test((e as Error).message));
  assert.throws(() => (torch.autograd.backward as (...a: unknown[]) => unknown)(x.sum(), 5), (e: unknown) => e instanceof TypeError && /argument 'gradTensors'/.test((e as Error).message));
});

test("autograd.grad with isGradsBatched: one vector-Jacobian product per row of the grad outputs, stacked (PyTorch's is_grads_batched)", () => {
  // y = [x0 * x1, x0 + 2 x1]: the Jacobian's rows through the identity as batched grad outputs
  const x = f64([3, 5]);
  const y = torch.stack([x.select(0, 0).mul(x.select(0, 1)), x.select(0, 0).add(x.select(0, 1).mul(2))]);
  const eye = torch.eye(2, { dtype: "float64" });
  const [jac] = torch.autograd.grad(y, [x], eye, { isGradsBatched: true, retainGraph: true });
  assert.deepEqual(jac!.tolist(), [[5, 3], [1, 2]]);
  // the graph survives a batched call only with retainGraph, as an unbatched one
  const [again] = torch.autograd.grad(y, [x], eye, null, false, true, false, true);
  assert.deepEqual(again!.tolist(), [[5, 3], [1, 2]]);
  assert.throws(() => torch.autograd.grad(y, [x], eye.select(0, 0)), /Trying to backward through the graph a second time/);
  const z = x.mul(x);
  assert.throws(() => torch.autograd.grad(z, [x], torch.ones([2], { dtype: "float64" }), { isGradsBatched: true }), /needs a batch dimension/);
  assert.throws(() => torch.autograd.grad(z, [x], null, { isGradsBatched: true }), /needs a grad_output for every output/);
  const w = x.mul(3);
  assert.throws(() => torch.autograd.grad([z, w], [x], [eye, torch.ones([3, 2], { dtype: "float64" })], { isGradsBatched: true }), /the same batch size/);
  const [empty] = torch.autograd.grad(x.mul(x), [x], torch.zeros([0, 2], { dtype: "float64" }), { isGradsBatched: true });
  assert.deepEqual(empty!.shape, [0, 2]);
});

test("autograd.grad: allowUnused, non-leaf inputs, and no .grad side effects", () => {
  const x = f64([1, 2]);
  const z = f64([3]);
  const h = x.mul(2);
  const y = h.pow(2).sum();
  const [gh, gz] = torch.autograd.grad(y, [h, z], { allowUnused: true });
  assert.deepEqual(gh!.tolist(), [4, 8]);
  assert.equal(gz, null);
  assert.equal(x.grad, null);
  assert.throws(() => torch.autograd.grad(x.sum(), [z]), /appears to not have been used in the graph/);
});

test("backward(inputs=...): only those tensors' .grad, a non-leaf one retaining its grad from then on (values from PyTorch 1.13)", () => {
  const w = f64([1, 2]), b = f64([3]);
  const h = w.mul(2);
  const seen: number[][] = [];
  h.registerHook((g) => { seen.push(g.tolist() as number[]); });
  const y = h.mul(b).sum();
  y.backward({ inputs: [w, h], retainGraph: true });
  assert.deepEqual([w.grad!.tolist(), b.grad, h.grad!.tolist(), seen], [[6, 6], null, [3, 3], [[3, 3]]]);
  y.backward({ inputs: [h], retainGraph: true });
  assert.deepEqual([h.grad!.tolist(), w.grad!.tolist(), b.grad], [[6, 6], [6, 6], null]);
  // h retains its grad: a plain backward now accumulates into it, and into every leaf
  y.backward(null, true);
  assert.deepEqual([h.grad!.tolist(), w.grad!.tolist(), b.grad!.tolist()], [[9, 9], [12, 12], [6]]);
  // positional (gradient, retain_graph, create_graph, inputs), one tensor for the list
  y.backward(null, true, false, w);
  assert.deepEqual([w.grad!.tolist(), b.grad!.tolist()], [[18, 18], [6]]);
  // torch.autograd.backward(tensors, grad_tensors, retain_graph, create_graph, grad_variables, inputs)
  torch.autograd.backward([y], null, true, false, null, [b]);
  torch.autograd.backward(y, { inputs: b, retainGraph: true });
  assert.deepEqual([b.grad!.tolist(), w.grad!.tolist()], [[18], [18, 18]]);
  // an unused input: no error, no grad; a leaf root; createGraph keeps the sum differentiable
  const u = f64([5]);
  y.backward({ inputs: [u], retainGraph: true });
  assert.equal(u.grad, null);
  const r = f64([1, 2]);
  r.backward(torch.tensor([1, 5], { dtype: "float64" }), { inputs: [r] });
  assert.deepEqual(r.grad!.tolist(), [1, 5]);
  const v = f64([1, 2]);
  v.mul(v).sum().backward({ inputs: [v], createGraph: true });
  assert.deepEqual([v.grad!.tolist(), v.grad!.requiresGrad], [[2, 4], true]);
  // PyTorch's errors
  assert.throws(() => y.backward({ inputs: [], retainGraph: true }), /^RuntimeError: 'inputs' argument to backward\(\) cannot be empty\.$/);
  assert.throws(() => y.backward({ inputs: [torch.tensor([1])], retainGraph: true }), /can't retain_grad on Tensor that has requires_grad=False/);
  assert.throws(() => torch.autograd.backward(y, { inputs: [w, 3 as never] }), (e: unknown) => e instanceof TypeError && /argument 'inputs'/.test((e as Error).message));
  assert.throws(() => torch.autograd.backward(y, torch.tensor(1, { dtype: "float64" }), { gradVariables: torch.tensor(1, { dtype: "float64" }) }), /'grad_tensors' and 'grad_variables' \(deprecated\) arguments both passed to backward\(\)/);
  assert.throws(() => (y.backward as (...a: unknown[]) => void)(null, true, false, null, 1), /backward\(\) takes from 0 to 4 positional arguments but 5 were given/);
});

test("in-place on a non-leaf rewrites its history (PyTorch semantics); saved values are checked", () => {
  const x = f64([1, 2]);
  const y = x.mul(2);
  y.mul_(torch.tensor([3, 4], { dtype: "float64" }));
  assert.equal(y.gradFn!.name, "MulBackward0");
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [6, 8]);
  const z = x.mul(2);
  z.mul_(z); // PyTorch 1.13 fails here too: the saved `other` is self, now overwritten
  assert.throws(() => z.sum().backward(), /modified by an inplace operation/);
  const a = f64([1, 2]);
  const e = a.exp();
  const s = e.mul(e);
  e.add_(1);
  assert.throws(() => s.sum().backward(), /modified by an inplace operation/);
  assert.throws(() => a.add_(1), /a leaf Variable that requires grad is being used in an in-place operation/);
  torch.noGrad(() => a.add_(1));
  assert.deepEqual(a.tolist(), [2, 3]);
  const base = a.mul(1);
  base.narrow(0, 0, 1).add_(1); // a view's in-place op rewrites the base's history (CopySlices)
  assert.equal(base.gradFn!.name, "CopySlices");
  base.sum().backward();
  assert.deepEqual(a.grad!.tolist(), [1, 1]);
});

test("autograd.Function: user-defined forward and backward", () => {
  class Exp extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor): torch.Tensor {
      const r = x.exp();
      ctx.saveForBackward(r);
      return r;
    }
    static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor): torch.Tensor {
      const [r] = ctx.savedTensors;
      return g.mul(r);
    }
  }
  const x = f64([0, 1]);
  const y = Exp.apply(x);
  assert.equal(y.gradFn!.name, "ExpBackward");
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [1, Math.E]);
  assert.ok(torch.autograd.gradcheck((t) => Exp.apply(t), [f64([0.3, -0.7])]));
});

test("requiresGrad flags: only floats, only leaves", () => {
  assert.throws(() => torch.tensor([1, 2]).requiresGrad_(), /only Tensors of floating point dtype can require gradients/);
  const y = f64([1]).mul(2);
  assert.throws(() => y.requiresGrad_(false), /you can only change requires_grad flags of leaf variables/);
  assert.throws(() => f64([1, 2]).mul(2).backward(), /grad can be implicitly created only for scalar outputs/);
});

test("views share storage; reshape copies only when it must", () => {
  const x = torch.arange(6).reshape(2, 3);
  const t = x.t();
  assert.equal(t.storage, x.storage);
  assert.equal(x.view(3, 2).storage, x.storage);
  const r = t.reshape(6);
  assert.notEqual(r.storage, x.storage);
  assert.deepEqual(r.tolist(), [0, 3, 1, 4, 2, 5]);
  assert.throws(() => t.view(6), /view size is not compatible with input tensor's size and stride/);
  x.select(1, 0).fill_(9);
  assert.deepEqual(x.tolist(), [[9, 1, 2], [9, 4, 5]]);
  assert.deepEqual(x.slice(1, 0, null, 2).tolist(), [[9, 2], [9, 5]]);
  assert.deepEqual(x.expand(2, 2, 3).strides, [0, 3, 1]);
});

test("type promotion follows torch.result_type", () => {
  const i = torch.tensor([1, 2]);
  const f = torch.tensor([1.5, 2.5]);
  const d = torch.tensor([1, 2], { dtype: "float64" });
  assert.equal(i.add(f).dtype, "float32");
  assert.equal(f.add(d).dtype, "float64");
  assert.equal(i.add(2.5).dtype, "float32");
  assert.equal(i.div(2).dtype, "float32");
  assert.equal(f.add(torch.tensor(3, { dtype: "float64" })).dtype, "float32", "a 0-dim tensor of the same category does not promote");
  assert.equal(i.add(torch.tensor(3.5, { dtype: "float64" })).dtype, "float64", "a 0-dim tensor of a higher category does");
  assert.equal(torch.tensor([true]).add(1).dtype, "int64");
  assert.equal(i.dtype, "int64", "integers infer int64, PyTorch's default integer dtype");
  assert.equal(i.add(torch.tensor([1], { dtype: "int32" })).dtype, "int64");
  assert.equal(torch.tensor([1], { dtype: "int32" }).add(1).dtype, "int32", "a Python int does not promote an int32 tensor");
  assert.throws(() => i.mul_(1.5), /result type Float can't be cast to the desired output type Long/);
});

test("slice/select gradients accumulate piecewise into one buffer (unbind over a sequence)", () => {
  const x = torch.arange(12, { dtype: "float64" }).reshape(4, 3).requiresGrad_();
  const steps = x.unbind(0);
  let y = steps[0].mul(1);
  for (let t = 1; t < steps.length; t++) y = y.add(steps[t].mul(t + 1));
  y = y.add(steps[2].mul(10)).add(x.slice(0, 0, null, 2).sum(0)).add(x.mul(100).sum(0));
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [
    [102, 102, 102],
    [102, 102, 102],
    [114, 114, 114],
    [104, 104, 104],
  ]);
  // the same under createGraph (embedSlice path) gives the same values and a differentiable graph
  const z = torch.arange(12, { dtype: "float64" }).reshape(4, 3).requiresGrad_();
  const [g] = torch.autograd.grad(z.unbind(0)[2].pow(2).sum(), [z], { createGraph: true });
  assert.deepEqual(g!.tolist(), [[0, 0, 0], [0, 0, 0], [12, 14, 16], [0, 0, 0]]);
  assert.ok(g!.requiresGrad);
});

test("relu's one-pass backward is itself differentiable (second order through relu)", () => {
  const w = f64([0.5, -1.5, 2]);
  const f = (x: torch.Tensor) => torch.autograd.grad(x.relu().mul(x).mul(w).sum(), [x], { createGraph: true })[0]!;
  assert.ok(torch.autograd.gradcheck(f, [f64([0.7, -0.3, 1.1])]));
  const x = f64([0.7, -0.3, 1.1]);
  assert.deepEqual(f(x).tolist(), [1.4 * 0.5, 0, 2 * 1.1 * 2].map((v) => v));
});
