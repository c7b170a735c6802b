// F's other spellings of existing functions. The in-place activations (relu_, elu_, ...): the
// out-of-place activation's values written into the input, which is returned; PyTorch's
// positional arguments without `inplace`; gradients through a non-leaf as the out-of-place
// form's; a leaf that requires grad refused. The deprecated F.upsample* forms of interpolate.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { F } = torch;
type T = torch.Tensor;

const CASES: Array<[string, (x: T) => T, (x: T) => T]> = [
  ["relu_", (x) => F.relu_(x), (x) => F.relu(x)],
  ["selu_", (x) => F.selu_(x), (x) => F.selu(x)],
  ["elu_", (x) => F.elu_(x, 0.5), (x) => F.elu(x, { alpha: 0.5 })],
  ["elu_ (options)", (x) => F.elu_(x, { alpha: 2 }), (x) => F.elu(x, 2)],
  ["celu_", (x) => F.celu_(x, 0.7), (x) => F.celu(x, 0.7)],
  ["leakyRelu_", (x) => F.leakyRelu_(x, 0.2), (x) => F.leakyRelu(x, 0.2)],
  ["leakyRelu_ (default)", (x) => F.leakyRelu_(x), (x) => F.leakyRelu(x)],
  ["hardtanh_", (x) => F.hardtanh_(x, -0.5, 0.25), (x) => F.hardtanh(x, -0.5, 0.25)],
  ["hardtanh_ (options)", (x) => F.hardtanh_(x, { maxVal: 0.3 }), (x) => F.hardtanh(x, { maxVal: 0.3 })],
  ["rrelu_ (eval)", (x) => F.rrelu_(x, 0.1, 0.3), (x) => F.rrelu(x, 0.1, 0.3)],
  ["threshold_", (x) => F.threshold_(x, 0.1, -2), (x) => F.threshold(x, 0.1, -2)],
];

for (const [name, inplace, outOfPlace] of CASES) {
  test(`F.${name} writes the out-of-place values into its input and returns it; gradients as out of place`, () => {
    const a = torch.randn([4, 5], { dtype: "float64" }).mul(2);
    const want = outOfPlace(a.clone());
    const x = a.clone();
    assert.equal(inplace(x), x);
    assert.deepEqual(x.tolist(), want.tolist());
    // through a non-leaf: the graph rewritten by the in-place op
    const leaf1 = a.clone().requiresGrad_(), leaf2 = a.clone().requiresGrad_();
    const g = torch.randn([4, 5], { dtype: "float64" });
    inplace(leaf1.mul(1)).mul(g).sum().backward();
    outOfPlace(leaf2).mul(g).sum().backward();
    assert.deepEqual(leaf1.grad!.tolist(), leaf2.grad!.tolist());
    assert.throws(() => inplace(a.clone().requiresGrad_()), /a leaf Variable that requires grad is being used in an in-place operation/);
  });
}

test("F.rrelu_ in training draws the slopes F.rrelu draws after the same seed", () => {
  const a = torch.randn([3, 6]);
  torch.manualSeed(5);
  const want = F.rrelu(a, { training: true });
  torch.manualSeed(5);
  const x = a.clone();
  F.rrelu_(x, { training: true });
  assert.deepEqual(x.tolist(), want.tolist());
});

test("the in-place forms take no inplace argument, and threshold_ needs its value (PyTorch's TypeErrors)", () => {
  const x = torch.randn([3]);
  const loose = F as unknown as Record<string, (...a: unknown[]) => unknown>;
  assert.throws(() => loose.relu_!(x, true), { name: "TypeError", message: "relu_() takes 0 positional arguments but 1 were given" });
  assert.throws(() => loose.elu_!(x, { inplace: true }), /elu_\(\) got an unexpected keyword argument 'inplace'/);
  assert.throws(() => loose.threshold_!(x, 0.5), { name: "TypeError", message: "threshold_() missing 1 required positional argument: 'value'" });
  assert.throws(() => loose.relu_!([1, 2]), /relu_\(\): argument 'input'/);
});

test("F.upsample, upsampleNearest and upsampleBilinear are interpolate, with PyTorch's deprecation warning once each", () => {
  const x = torch.randn([1, 2, 3, 4]);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(F.upsample(x, { scaleFactor: 2, mode: "bilinear" }).tolist(), F.interpolate(x, { scaleFactor: 2, mode: "bilinear" }).tolist());
      assert.deepEqual(F.upsampleNearest(x, [5, 7]).tolist(), F.interpolate(x, [5, 7]).tolist());
      assert.deepEqual(F.upsampleBilinear(x, null, 2).tolist(), F.interpolate(x, null, 2, "bilinear", true).tolist());
    }
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, ["upsample", "upsample_nearest", "upsample_bilinear"].map((n) => `UserWarning: nn.functional.${n} is deprecated. Use nn.functional.interpolate instead.`));
});
