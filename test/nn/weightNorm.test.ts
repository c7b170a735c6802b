// nn.utils.weightNorm / removeWeightNorm against PyTorch 1.13 (tools/gen_weight_norm_fixtures.py):
// the state dict it leaves (keys in PyTorch's order, g and v), the output and gradients of a
// forward, the weight removeWeightNorm folds back after a step; and PyTorch's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { load, makeTensor, mismatch, type Stored } from "./fixture-io.ts";

const { nn } = torch;
const { weightNorm, removeWeightNorm } = nn.utils;

interface WeightNormCase {
  name: string;
  seed: number;
  dim: number | null;
  input: Stored;
  stateDictKeys: string[];
  stateDict: Record<string, Stored>;
  output: Stored;
  gradOutput: Stored;
  grads: Record<string, Stored>;
  afterRemove: Record<string, Stored>;
  afterRemoveKeys: string[];
}

const LAYERS: Record<string, () => torch.nn.Module> = {
  Linear: () => new nn.Linear(5, 3),
  Conv2d: () => new nn.Conv2d(2, 3, 3),
  Conv1d: () => new nn.Conv1d(2, 4, 3, { bias: false }),
  ConvTranspose1d: () => new nn.ConvTranspose1d(3, 2, 2),
};

for (const c of load<WeightNormCase>("nn_weight_norm.json")) {
  test(`weightNorm ${c.name}: PyTorch's g and v, output, gradients, and the weight removeWeightNorm leaves`, () => {
    torch.manualSeed(c.seed);
    const m = LAYERS[c.name.split(".")[0]!]!().double();
    assert.equal(weightNorm(m, "weight", c.dim), m);
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), c.stateDictKeys);
    for (const [k, want] of Object.entries(c.stateDict)) assert.equal(mismatch(sd[k]!, want), null, k);
    const y = m.forward(makeTensor(c.input)) as torch.Tensor;
    assert.equal(mismatch(y, c.output), null, "output");
    const params = [...m.namedParameters()];
    assert.deepEqual(params.map(([n]) => n), Object.keys(c.grads));
    const grads = torch.autograd.grad([y], params.map(([, p]) => p), [makeTensor(c.gradOutput)]);
    params.forEach(([n], i) => assert.equal(mismatch(grads[i]!, c.grads[n]!), null, `grad ${n}`));
    torch.noGrad(() => params.forEach(([, p], i) => p.sub_(grads[i]!.mul(0.1))));
    removeWeightNorm(m);
    const after = m.stateDict();
    assert.deepEqual(Object.keys(after), c.afterRemoveKeys);
    for (const [k, want] of Object.entries(c.afterRemove)) assert.equal(mismatch(after[k]!, want), null, `after remove ${k}`);
    assert.ok((m as unknown as { weight: unknown }).weight instanceof nn.Parameter);
  });
}

test("weightNorm: the weight follows g and v at every call; an optimizer trains g and v", () => {
  torch.manualSeed(0);
  const m = weightNorm(new nn.Linear(4, 2));
  const w = m as unknown as { weight: torch.Tensor; weight_g: torch.Tensor; weight_v: torch.Tensor };
  assert.ok(!(w.weight instanceof nn.Parameter) && w.weight.gradFn !== null);
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.5 });
  const x = torch.randn([3, 4]);
  const before = w.weight.detach().clone();
  m.forward(x).pow(2).sum().backward();
  opt.step();
  m.forward(x);
  // the recomputed weight: each row has norm g
  const norms = w.weight.detach().norm(2, 1).tolist() as number[];
  (w.weight_g.reshape(-1).tolist() as number[]).forEach((g, i) => assert.ok(Math.abs(norms[i]! - Math.abs(g)) < 1e-5));
  assert.notDeepEqual(w.weight.tolist(), before.tolist());
});

test("weightNorm / removeWeightNorm: PyTorch's errors", () => {
  const m = weightNorm(new nn.Linear(3, 2));
  assert.throws(() => weightNorm(m), { name: "RuntimeError", message: "Cannot register two weight_norm hooks on the same parameter weight" });
  assert.throws(() => removeWeightNorm(m, "bias"), { name: "ValueError", message: /^weight_norm of 'bias' not found in Linear\(in_features=3/ });
  assert.throws(() => removeWeightNorm(new nn.Linear(3, 2)), { name: "ValueError", message: /^weight_norm of 'weight' not found/ });
  assert.throws(() => weightNorm(new nn.LazyLinear(2)), { name: "ValueError", message: /can't have uninitialized parameters/ });
  assert.throws(() => weightNorm(new nn.BatchNorm1d(2), "running_mean"), { name: "RuntimeError", message: "weight_norm: 'running_mean' is not a parameter of BatchNorm1d" });
  assert.throws(() => weightNorm("linear" as never), { name: "TypeError", message: /weightNorm\(\): argument 'module' must be a Module/ });
  assert.throws(() => weightNorm(new nn.Linear(3, 2), { dim: 0.5 }), { name: "TypeError", message: /dim/ });
  // a second parameter of the same module can be normalized too, and removed on its own
  const both = weightNorm(weightNorm(new nn.Linear(3, 2)), "bias");
  assert.deepEqual(Object.keys(both.stateDict()), ["weight_g", "weight_v", "bias_g", "bias_v"]);
  removeWeightNorm(both);
  assert.deepEqual(Object.keys(both.stateDict()), ["bias_g", "bias_v", "weight"]);
});
