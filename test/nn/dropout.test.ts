// Dropout draws its mask as PyTorch 1.13 on CPU (empty_like(x).bernoulli_(1 - p), then
// x * mask / (1 - p)): after the same manual seed the outputs match PyTorch's exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { checkDropoutCase, loadDropoutCases } from "./maxpool-dropout-check.ts";

const { F, nn } = torch;

for (const c of loadDropoutCases()) {
  test(`${c.name}: same seed, same mask (or samples) as PyTorch (p=${c.p}, ${c.input.dtype})`, () => checkDropoutCase(c, "cpu"));
}

test("Dropout is the identity in eval mode and with p = 0; p = 1 zeroes everything", () => {
  const x = torch.randn(4, 5);
  const d = new nn.Dropout(0.5);
  d.eval();
  assert.equal(d.forward(x), x);
  assert.equal(F.dropout(x, { p: 0 }), x);
  assert.deepEqual(F.dropout(x, { p: 1 }).abs().sum().item(), 0);
});

test("dropout's gradient is the mask scaled by 1 / (1 - p)", () => {
  const x = torch.ones([200], { requiresGrad: true });
  torch.manualSeed(7);
  const y = F.dropout(x, { p: 0.25 });
  y.sum().backward();
  const g = x.grad!.contiguousData() as Float32Array;
  const v = y.contiguousData() as Float32Array;
  for (let i = 0; i < g.length; i++) {
    assert.ok(g[i] === 0 || Math.abs(g[i]! - 1 / 0.75) < 1e-6);
    assert.equal(g[i], v[i]);
  }
});

test("alpha dropout: training defaults to false (the identity), eval modules are the identity, feature forms need 2 dims", () => {
  const x = torch.randn(4, 5);
  assert.equal(F.alphaDropout(x, 0.5), x); // PyTorch: F.alpha_dropout(x, 0.5) is x
  assert.equal(F.featureAlphaDropout(x, { p: 0.5 }), x);
  for (const m of [new nn.AlphaDropout(0.5), new nn.FeatureAlphaDropout(0.5), new nn.Dropout3d(0.5)]) {
    m.eval();
    assert.equal(m.forward(x), x);
  }
  assert.throws(() => F.featureAlphaDropout(torch.randn(3), 0.5, true), { name: "RuntimeError", message: "Feature dropout requires at least 2 dimensions in the input" });
  assert.throws(() => new nn.AlphaDropout(1.5), { name: "ValueError", message: /dropout probability has to be between 0 and 1, but got 1.5/ });
});

test("gumbelSoftmax(hard): one-hot samples whose gradient is the soft sample's, as PyTorch 1.13", () => {
  torch.manualSeed(0);
  const l = torch.randn([2, 5], { dtype: "float64", requiresGrad: true });
  const y = F.gumbelSoftmax(l, { tau: 0.5, hard: true });
  y.mul(torch.arange(5, { dtype: "float64" })).sum().backward();
  assert.deepEqual(y.tolist(), [[1, 0, 0, 0, 0], [0, 0, 1, 0, 0]]);
  // PyTorch 1.13, same seed and calls
  const want = [[-0.5043495772920279, 0.2518222251184884, 0.0028389106730088015, 0.22488835373674543, 0.02480008776378526], [-0.006335760242988591, -0.13832440929624595, 0.13364946141891573, 0.0038746919559351054, 0.007136016164382999]];
  (l.grad!.tolist() as number[][]).flat().forEach((g, i) => assert.ok(Math.abs(g - want.flat()[i]!) < 1e-12, `grad[${i}] ${g}`));
  assert.throws(() => F.gumbelSoftmax(l, { temperature: 1 } as never), { name: "TypeError", message: /^gumbel_softmax\(\) got an unexpected keyword argument 'temperature'/ });
});

test("exponential_: lambda 0 gives inf and a negative one is PyTorch's error", () => {
  assert.deepEqual(torch.ones(3).exponential_(0).tolist(), [Infinity, Infinity, Infinity]);
  assert.throws(() => torch.ones(3).exponential_(-1), { name: "RuntimeError", message: "exponential_ expects lambda >= 0.0, but found lambda=-1" });
  assert.throws(() => torch.ones(3).exponential_("2" as never), { name: "TypeError", message: /argument 'lambd' must be a number/ });
});

test("rrelu: the mean slope outside training, the drawn slopes as its gradient, PyTorch's error for integers", () => {
  const x = torch.tensor([[-2, 3], [0.5, -1]], { dtype: "float64" });
  assert.deepEqual(F.rrelu(x, 0.1, 0.3).tolist(), [[-2 * 0.2, 3], [0.5, -1 * 0.2]]);
  const m = new nn.RReLU(0.1, 0.3);
  m.eval();
  assert.deepEqual(m.forward(x).tolist(), F.leakyRelu(x, 0.2).tolist());
  const leaf = x.clone().requiresGrad_();
  torch.manualSeed(5);
  const y = F.rrelu(leaf, 0.1, 0.3, true);
  y.sum().backward();
  const slopes = (leaf.grad!.tolist() as number[][]).flat();
  assert.deepEqual([slopes[1], slopes[2]], [1, 1]);
  for (const s of [slopes[0]!, slopes[3]!]) assert.ok(s >= 0.1 && s < 0.3, `slope ${s}`);
  assert.deepEqual((y.tolist() as number[][]).flat(), [-2 * slopes[0]!, 3, 0.5, -1 * slopes[3]!]);
  assert.throws(() => F.rrelu(torch.tensor([1, -2]), { training: true }), { name: "RuntimeError", message: `"rrelu_with_noise_out_cpu" not implemented for 'Long'` });
});
