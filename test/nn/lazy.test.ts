// The Lazy* modules against PyTorch 1.13 (tools/gen_lazy_fixtures.py): after the same seed, the
// first call materializes the same parameters with the same values, gives the same output and
// gradients, and turns the module into its eager class (repr before and after).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { load, makeTensor, mismatch, type Stored } from "./fixture-io.ts";

const { nn } = torch;

interface LazyCase {
  name: string;
  seed: number;
  input: Stored;
  reprBefore: string;
  reprAfter: string;
  className: string;
  output: Stored;
  gradOutput: Stored;
  stateDict: Record<string, Stored>;
  paramGrads: Record<string, Stored>;
}

const TABLE: Record<string, () => torch.nn.Module> = {
  LazyLinear: () => new nn.LazyLinear(3),
  "LazyLinear.nobias_3d": () => new nn.LazyLinear(4, false),
  "LazyLinear.float64": () => new nn.LazyLinear(3, { dtype: "float64" }),
  LazyConv1d: () => new nn.LazyConv1d(4, 3, { stride: 2 }),
  "LazyConv2d.groups": () => new nn.LazyConv2d(4, 3, { padding: 1, groups: 2 }),
  "LazyConv2d.unbatched": () => new nn.LazyConv2d(3, 2),
  LazyConv3d: () => new nn.LazyConv3d(2, 2),
  "LazyConvTranspose1d.unbatched_groups": () => new nn.LazyConvTranspose1d(6, 2, { stride: 2, groups: 3 }),
  LazyConvTranspose2d: () => new nn.LazyConvTranspose2d(2, 3, 2, 1, 1),
  LazyConvTranspose3d: () => new nn.LazyConvTranspose3d(2, 2),
  LazyBatchNorm1d: () => new nn.LazyBatchNorm1d(),
  "LazyBatchNorm2d.momentum": () => new nn.LazyBatchNorm2d({ momentum: 0.2 }),
  "LazyBatchNorm3d.no_affine": () => new nn.LazyBatchNorm3d(1e-5, 0.1, false),
  LazyInstanceNorm1d: () => new nn.LazyInstanceNorm1d(),
  "LazyInstanceNorm2d.plain": () => new nn.LazyInstanceNorm2d({ affine: false, trackRunningStats: false }),
  LazyInstanceNorm3d: () => new nn.LazyInstanceNorm3d(),
};

const cases = load<LazyCase>("nn_lazy.json");

test("the lazy table covers every fixture case", () => {
  assert.deepEqual(Object.keys(TABLE).sort(), cases.map((c) => c.name).sort());
});

for (const c of cases) {
  test(`${c.name}: PyTorch's parameters after manualSeed(${c.seed}), output, gradients and class change`, () => {
    const x = makeTensor(c.input);
    torch.manualSeed(c.seed);
    const m = TABLE[c.name]!();
    assert.equal(String(m), c.reprBefore);
    const y = m.forward(x) as torch.Tensor;
    assert.equal(String(m), c.reprAfter);
    assert.equal(m.constructor.name, c.className);
    assert.ok(m instanceof (nn as unknown as Record<string, new (...a: never[]) => object>)[c.className]!, `instanceof ${c.className}`);
    assert.equal(mismatch(y, c.output), null, "output");
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(c.stateDict));
    for (const [k, want] of Object.entries(c.stateDict)) assert.equal(mismatch(sd[k]!, want), null, k);
    const params = [...m.namedParameters()];
    assert.deepEqual(params.map(([n]) => n), Object.keys(c.paramGrads));
    if (params.length === 0) return;
    const grads = torch.autograd.grad([y], params.map(([, p]) => p), [makeTensor(c.gradOutput)]);
    params.forEach(([n], i) => assert.equal(mismatch(grads[i]!, c.paramGrads[n]!), null, `grad ${n}`));
  });
}

test("placeholders: PyTorch's errors before the first call, the same Parameter objects after it (an optimizer made first trains them)", () => {
  const m = new nn.LazyLinear(2);
  assert.equal(String(m.weight), "<UninitializedParameter>");
  assert.ok(nn.isLazy(m.weight as unknown) && (m.weight as unknown) instanceof nn.UninitializedParameter);
  assert.throws(() => m.weight.numel(), { name: "ValueError", message: /^Attempted to use an uninitialized parameter in <method 'numel'/ });
  assert.throws(() => m.weight.size(), { name: "RuntimeError", message: /^Can't access the shape of an uninitialized parameter or buffer/ });
  const [w, b] = m.parameters();
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.5 });
  const x = torch.randn([4, 3]);
  m.forward(x).sum().backward();
  assert.equal(m.weight, w);
  assert.equal(m.bias, b);
  assert.ok(!nn.isLazy(m.weight) && m.weight instanceof nn.Parameter);
  assert.equal(m.weight.numel(), 6);
  const before = m.weight.clone();
  opt.step();
  assert.deepEqual(m.weight.tolist(), before.sub(m.weight.grad!.mul(0.5)).tolist());
  // later calls run the eager forward (no hook left)
  assert.throws(() => m.forward(torch.randn([4, 5])), /mat1 and mat2 shapes cannot be multiplied \(4x5 and 3x2\)/);
});

test("loadStateDict materializes placeholders to the loaded shapes; the first call then keeps those values", () => {
  torch.manualSeed(0);
  const eager = new nn.Conv2d(3, 4, 3);
  const lazy = new nn.LazyConv2d(4, 3);
  lazy.loadStateDict(eager.stateDict());
  assert.deepEqual(lazy.weight.shape, [4, 3, 3, 3]);
  const x = torch.randn([1, 3, 5, 5]);
  assert.deepEqual((lazy.forward(x) as torch.Tensor).tolist(), eager.forward(x).tolist());
  assert.equal(String(lazy), "Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))");
  const bn = new nn.LazyBatchNorm1d();
  const src = new nn.BatchNorm1d(5);
  src.forward(torch.randn([8, 5]));
  bn.loadStateDict(src.stateDict());
  assert.deepEqual(bn.running_mean!.tolist(), src.running_mean!.tolist());
  bn.eval();
  src.eval();
  const z = torch.randn([2, 5]);
  assert.deepEqual((bn.forward(z) as torch.Tensor).tolist(), src.forward(z).tolist());
});

test("a lazy module's state dict holds its placeholders (loadable into another lazy module), which torch.save refuses", () => {
  const m = new nn.LazyLinear(2);
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), ["weight", "bias"]);
  assert.equal(String(sd.weight), "<UninitializedParameter>");
  const other = new nn.LazyLinear(2);
  other.loadStateDict(sd);
  assert.ok(nn.isLazy(other.weight as unknown));
  assert.throws(() => torch.saveToBuffer(sd), { name: "RuntimeError", message: /uninitialized parameter or buffer \(of a lazy module\) has no shape or values yet/ });
  // a checkpoint decides the sizes, as in PyTorch: the repr tells them after the first call
  const loaded = new nn.LazyLinear(3);
  loaded.loadStateDict(new nn.Linear(4, 2).stateDict());
  (loaded.forward(torch.randn([1, 4])) as torch.Tensor).sum();
  assert.equal(String(loaded), "Linear(in_features=4, out_features=2, bias=True)");
});

test("lazy modules' input errors: PyTorch's kinds and words", () => {
  assert.throws(() => new nn.LazyLinear(3).forward(torch.tensor(2.5, { dtype: "float32" })), { name: "RuntimeError", message: "both arguments to matmul need to be at least 1D, but they are 0D and 2D" });
  assert.throws(() => new (nn.LazyLinear as unknown as new () => object)(), { name: "TypeError", message: /^LazyLinear\(\) missing 1 required positional argument: 'outFeatures'/ });
  assert.throws(() => new nn.LazyConv2d(4, 3, { groups: 2 }).forward(torch.randn([1, 3, 5, 5])), { name: "ValueError", message: "in_channels must be divisible by groups" });
  assert.throws(() => new nn.LazyConv2d(4, 3).forward(torch.randn([3, 5])), {
    name: "RuntimeError", message: "Expected 3D (unbatched) or 4D (batched) input to LazyConv2d, but got input of size: torch.Size([3, 5])",
  });
  assert.throws(() => new nn.LazyBatchNorm2d().forward(torch.randn([2, 3])), { name: "ValueError", message: "expected 4D input (got 2D input)" });
  assert.throws(() => new nn.LazyLinear(3, { bais: false } as never), { name: "TypeError", message: /bais/ });
});
