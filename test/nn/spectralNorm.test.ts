// nn.utils.spectralNorm / removeSpectralNorm against PyTorch 1.13 (tools/gen_spectral_norm_fixtures.py):
// u and v drawn as PyTorch draws them after the same seed, the power iteration of each training
// call (outputs, u and v, gradients), the eval call without one, the weight left by removal;
// and PyTorch's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { load, makeTensor, mismatch, type Stored } from "./fixture-io.ts";

const { nn } = torch;
const { spectralNorm, removeSpectralNorm } = nn.utils;

interface SpectralCase {
  name: string;
  seed: number;
  input: Stored;
  stateDictKeys: string[];
  stateDict: Record<string, Stored>;
  outputs: [Stored, Stored];
  gradOutput: Stored;
  grads: Record<string, Stored>;
  afterTraining: Record<string, Stored>;
  evalOutput: Stored;
  afterRemoveKeys: string[];
  afterRemove: Record<string, Stored>;
}

const TABLE: Record<string, () => torch.nn.Module> = {
  Linear: () => spectralNorm(new nn.Linear(5, 4)),
  "Linear.iterations3": () => spectralNorm(new nn.Linear(6, 3), "weight", 3),
  Conv2d: () => spectralNorm(new nn.Conv2d(2, 3, 3)),
  ConvTranspose2d: () => spectralNorm(new nn.ConvTranspose2d(3, 2, 2)),
  "Conv1d.dim1_eps": () => spectralNorm(new nn.Conv1d(3, 4, 2), { dim: 1, eps: 1e-4 }),
};

const same = (got: Record<string, torch.Tensor>, want: Record<string, Stored>, keys: string[], what: string) => {
  assert.deepEqual(Object.keys(got), keys, `${what} keys`);
  for (const [k, w] of Object.entries(want)) assert.equal(mismatch(got[k]!, w), null, `${what} ${k}`);
};

for (const c of load<SpectralCase>("nn_spectral_norm.json")) {
  test(`spectralNorm ${c.name}: PyTorch's u and v, power iterations, outputs, gradients, eval and removal`, () => {
    torch.manualSeed(c.seed);
    const m = TABLE[c.name]!();
    same(m.stateDict(), c.stateDict, c.stateDictKeys, "after spectralNorm");
    const x = makeTensor(c.input);
    assert.equal(mismatch(m.forward(x) as torch.Tensor, c.outputs[0]), null, "first training call");
    const y = m.forward(x) as torch.Tensor;
    assert.equal(mismatch(y, c.outputs[1]), null, "second training call");
    const params = [...m.namedParameters()];
    const grads = torch.autograd.grad([y], params.map(([, p]) => p), [makeTensor(c.gradOutput)]);
    params.forEach(([n], i) => assert.equal(mismatch(grads[i]!, c.grads[n]!), null, `grad ${n}`));
    same(m.stateDict(), c.afterTraining, c.stateDictKeys, "after two training calls");
    m.eval();
    assert.equal(mismatch(m.forward(x) as torch.Tensor, c.evalOutput), null, "eval call");
    removeSpectralNorm(m);
    same(m.stateDict(), c.afterRemove, c.afterRemoveKeys, "after removeSpectralNorm");
  });
}

test("spectralNorm keeps the Parameter object (an optimizer made before trains it) and bounds the weight's largest singular value", () => {
  torch.manualSeed(2);
  const m = new nn.Linear(8, 6);
  const w = m.weight;
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
  spectralNorm(m, { nPowerIterations: 20 });
  assert.equal((m as unknown as { weight_orig: torch.Tensor }).weight_orig, w);
  const x = torch.randn([4, 8]);
  m.forward(x).sum().backward();
  opt.step();
  m.forward(x);
  // after 20 iterations per call, sigma is the top singular value: the normalized weight's is 1
  const normalized = (m as unknown as { weight: torch.Tensor }).weight.detach().double();
  const top = torch.linalg.svdvals(normalized).max().item();
  assert.ok(Math.abs(top - 1) < 1e-3, String(top));
});

test("spectralNorm / removeSpectralNorm: PyTorch's errors", () => {
  assert.throws(() => spectralNorm(new nn.Linear(3, 2), "weight", 0), { name: "ValueError", message: "Expected n_power_iterations to be positive, but got n_power_iterations=0" });
  const m = spectralNorm(new nn.Linear(3, 2));
  assert.throws(() => spectralNorm(m), { name: "RuntimeError", message: "Cannot register two spectral_norm hooks on the same parameter weight" });
  assert.throws(() => removeSpectralNorm(new nn.Linear(3, 2)), { name: "ValueError", message: /^spectral_norm of 'weight' not found in Linear\(in_features=3/ });
  assert.throws(() => spectralNorm(new nn.Linear(3, 2, false), "bias"), { name: "ValueError", message: "`SpectralNorm` cannot be applied as parameter `bias` is None" });
  assert.throws(() => spectralNorm(new nn.LazyLinear(2)), { name: "ValueError", message: /can't have uninitialized parameters/ });
  assert.throws(() => spectralNorm(new nn.BatchNorm1d(2), "running_var"), { name: "AssertionError", message: "spectral_norm: 'running_var' is not a parameter of BatchNorm1d" });
  assert.throws(() => spectralNorm({} as never), { name: "TypeError", message: /spectralNorm\(\): argument 'module' must be a Module/ });
});
