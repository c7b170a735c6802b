// torch.interpret's calling conventions and its errors (Captum's assertions, PyTorch's TypeErrors).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.ts";

const { nn, interpret } = torch;
type Tensor = torch.Tensor;

function model() {
  torch.manualSeed(3);
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(12, 5), new nn.Tanh(), new nn.Linear(5, 3));
}
const input = () => {
  torch.manualSeed(4);
  return torch.randn(2, 3, 4);
};
const same = (a: Tensor, b: Tensor) => assert.deepEqual(a.tolist(), b.tolist());

test("arguments positionally in Captum's order or in one options object give the same result", () => {
  const net = model();
  const x = input();
  const sal = new interpret.Saliency(net);
  same(sal.attribute(x, 1, false), sal.attribute(x, { target: 1, abs: false }));
  same(sal.attribute(x, 1), sal.attribute(x, { target: 1 }).abs());
  const ig = new interpret.IntegratedGradients(net);
  const [a1, d1] = ig.attribute(x, 0.3, [0, 2], null, 6, "riemann_trapezoid", 5, true) as [Tensor, Tensor];
  const [a2, d2] = ig.attribute(x, { baselines: 0.3, target: [0, 2], nSteps: 6, method: "riemann_trapezoid", internalBatchSize: 5, returnConvergenceDelta: true });
  same(a1, a2);
  same(d1, d2);
  // mixed: positionals, then the options object
  same(ig.attribute(x, 0.3, 1, { nSteps: 4 }) as Tensor, ig.attribute(x, { baselines: 0.3, target: 1, nSteps: 4 }));
  const occ = new interpret.Occlusion(net);
  same(occ.attribute(x, [2, 2], [1, 2], 0, 1), occ.attribute(x, [2, 2], { strides: [1, 2], baselines: 0, target: 1 }));
  const multi = new interpret.IntegratedGradients(net, false);
  assert.equal(multi.multipliesByInputs, false);
  assert.equal(new interpret.IntegratedGradients(net, { multiplyByInputs: false }).multipliesByInputs, false);
});

test("flags and names are Captum's", () => {
  const net = model();
  assert.equal(interpret.IntegratedGradients.getName(), "Integrated Gradients");
  assert.equal(interpret.LayerGradCam.getName(), "Layer Grad Cam");
  assert.equal(new interpret.IntegratedGradients(net).hasConvergenceDelta(), true);
  assert.equal(new interpret.Saliency(net).hasConvergenceDelta(), false);
  assert.equal(new interpret.InputXGradient(net).multipliesByInputs, true);
  assert.equal(new interpret.FeatureAblation(net).multipliesByInputs, true);
  assert.equal(new interpret.NoiseTunnel(new interpret.GradientShap(net)).hasConvergenceDelta(), true);
});

test("inputs are left as they were: requiresGrad restored, values untouched", () => {
  const net = model();
  const x = input();
  const before = x.tolist();
  new interpret.Saliency(net).attribute(x, 0);
  new interpret.InputXGradient(net).attribute(x, 0);
  assert.equal(x.requiresGrad, false);
  assert.deepEqual(x.tolist(), before);
  const y = input().requiresGrad_();
  const g = new interpret.Saliency(net).attribute(y, 2, false);
  assert.equal(y.requiresGrad, true);
  assert.equal(y.grad, null, "Captum takes gradients with autograd.grad, not .backward()");
  assert.deepEqual(g.shape, [2, 3, 4]);
});

test("targets: a column, a tensor, one per example, and index tuples into a 3-d output", () => {
  const w = torch.randn(12, 6);
  const f = (x: Tensor) => x.flatten(1).matmul(w).reshape(-1, 2, 3);
  const x = input();
  const sal = new interpret.Saliency(f);
  const g = sal.attribute(x, [[1, 2], [0, 0]], false);
  // d out[0, 1, 2] / dx[0] = w[:, 5]; d out[1, 0, 0] / dx[1] = w[:, 0]
  assert.deepEqual(g.select(0, 0).reshape(-1).tolist(), w.select(1, 5).tolist());
  assert.deepEqual(g.select(0, 1).reshape(-1).tolist(), w.select(1, 0).tolist());
  const lin = model();
  const s2 = new interpret.Saliency(lin);
  same(s2.attribute(x, torch.tensor([2])), s2.attribute(x, 2));
  same(s2.attribute(x, torch.tensor([1, 0])), s2.attribute(x, [1, 0]));
});

test("bad calls fail as Captum's assertions and PyTorch's argument checks do", () => {
  const net = model();
  const x = input();
  const ig = new interpret.IntegratedGradients(net);
  const sal = new interpret.Saliency(net);
  assert.throws(() => sal.attribute(x), { name: "AssertionError", message: "Target not provided when necessary, cannot take gradient with respect to multiple outputs." });
  assert.throws(() => ig.attribute(x, { target: 0, n_steps: 5 } as never), { name: "TypeError", message: "attribute() got an unexpected keyword argument 'n_steps'" });
  assert.throws(() => sal.attribute(x, 1, { target: 2 } as never), { name: "TypeError", message: "attribute() got multiple values for argument 'target'" });
  assert.throws(() => (sal.attribute as (...a: unknown[]) => unknown)(x, 1, true, null, 5), { name: "TypeError", message: "attribute() takes from 2 to 5 positional arguments but 6 were given" });
  assert.throws(() => ig.attribute(x, { target: 0, method: "simpson" as never }), { name: "AssertionError", message: /Approximation method must be one for the following/ });
  assert.throws(() => ig.attribute(x, { target: 0, method: "riemann_left", nSteps: 1 }), { name: "AssertionError", message: "The number of steps has to be larger than one" });
  assert.throws(() => ig.attribute(x, { target: 0, baselines: torch.zeros(2, 3, 5) }), { name: "AssertionError", message: /Baseline can be provided as a tensor for just one input/ });
  assert.throws(() => ig.attribute(x, { target: [0, 1, 2] }), { name: "AssertionError", message: "Target list length does not match output!" });
  assert.throws(() => ig.attribute(x, { target: 0, baselines: "zero" as never }), { name: "AssertionError", message: /baseline input argument must be either a torch.Tensor or a number/ });
  const nt = new interpret.NoiseTunnel(sal);
  assert.throws(() => nt.attribute(x, { ntType: "smooth" as never, target: 0 }), { name: "AssertionError", message: /Noise types must be either/ });
  assert.throws(() => nt.attribute(x, { stdevs: [0.1, 0.2], target: 0 }), { name: "AssertionError", message: /must be equal to the number of stdevs values 2/ });
  assert.throws(() => nt.attribute(x, { target: 0, nSteps: 3 }), { name: "TypeError", message: "attribute() got an unexpected keyword argument 'nSteps'" });
  assert.throws(() => new interpret.NoiseTunnel(net as never), { name: "TypeError" });
  const occ = new interpret.Occlusion(net);
  assert.throws(() => occ.attribute(x, [4, 4], { target: 0 }), { name: "AssertionError", message: "Sliding window dimensions (4, 4) cannot exceed input dimensions(3, 4)." });
  assert.throws(() => occ.attribute(x, [2, 2], { strides: 3, target: 0 }), { name: "AssertionError", message: "Stride dimension 3 cannot be larger than sliding window shape dimension (2, 2)." });
  assert.throws(() => occ.attribute(x, [2], { target: 0 }), { name: "AssertionError", message: /Occlusion shape for input index 0 is \[2\] but should be a tuple with 2 dimensions/ });
  assert.throws(() => (occ.attribute as (...a: unknown[]) => unknown)(x, { target: 0 }), { name: "TypeError", message: /missing 1 required positional argument: 'sliding_window_shapes'/ });
  const shap = new interpret.GradientShap(net);
  assert.throws(() => (shap.attribute as (...a: unknown[]) => unknown)(x, { target: 0 }), { name: "TypeError", message: /missing 1 required positional argument: 'baselines'/ });
  assert.throws(() => shap.attribute(x, { baselines: 0 as never, target: 0 }), { name: "AssertionError", message: /Baselines distribution has to be provided in a form of a torch.Tensor/ });
  assert.throws(() => new interpret.FeatureAblation(net).attribute(x, { target: 0, perturbationsPerEval: 0 }), { name: "AssertionError", message: "Perturbations per evaluation must be an integer and at least 1." });
  assert.throws(() => new interpret.Saliency(42 as never), { name: "TypeError", message: /forward_func must be a function or an nn.Module/ });
  const unused = new nn.Linear(2, 2);
  assert.throws(() => new interpret.LayerGradCam(net, unused).attribute(x, 0), { name: "AssertionError", message: "Forward hook did not obtain any outputs for given layer" });
  assert.throws(() => new interpret.LayerActivation(net, net as never, [0] as never), { name: "ValueError", message: /deviceIds/ });
  assert.throws(() => sal.attribute(3 as never, 0), { name: "AssertionError", message: /`inputs` must be a torch.Tensor or a tuple\[torch.Tensor\]/ });
});

test("GradientShap takes its baseline distribution from a function too", () => {
  const net = model();
  const x = input();
  const dist = torch.randn(4, 3, 4);
  const shap = new interpret.GradientShap(net);
  torch.manualSeed(9);
  const a = shap.attribute(x, { baselines: () => dist, target: 1, nSamples: 3 });
  torch.manualSeed(9);
  const b = shap.attribute(x, { baselines: (inp: Tensor) => inp.mul(0).sum(0, true).add(dist), target: 1, nSamples: 3 });
  torch.manualSeed(9);
  const c = shap.attribute(x, dist, 3, 0.0, 1) as Tensor;
  same(a, b);
  same(a, c);
});
