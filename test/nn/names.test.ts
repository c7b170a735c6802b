// Issue 15's nn names against PyTorch 1.13 (test/fixtures/nn_names.json, tools/gen_nn_names_fixtures.py):
// F.pad in every mode, the padding layers, cosine similarity, pairwise distance, normalize.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { makeTensor, mismatch, type StoredTensor } from "../ops/fixture-io.ts";
import { assertThrowsCase, checkFCase, loadJson, type ErrorCase, type FCase } from "./names-io.ts";
import { NAMES_TABLE } from "./names-table.ts";

const { F, nn } = torch;
type Tensor = torch.Tensor;

interface ModuleCase {
  name: string;
  module: string;
  args: unknown[];
  opts: Record<string, unknown>;
  repr: string;
  train: boolean;
  dtype: "float64" | "float32";
  state: Record<string, StoredTensor>;
  inputs: StoredTensor[];
  output: StoredTensor;
  gradOutput: StoredTensor;
  inputGrads: StoredTensor[];
  paramGrads: Record<string, StoredTensor>;
  stateAfter: Record<string, StoredTensor>;
}
const fx = loadJson<{ functional: FCase[]; modules: ModuleCase[]; errors: ErrorCase[] }>("nn_names.json");

test("every functional fixture has a torch-ts call, and every call a fixture", () => {
  const names = new Set(fx.functional.map((c) => c.name.replace(/\/float32$/, "")));
  for (const n of names) assert.ok(NAMES_TABLE[n], `no torch-ts call for ${n}`);
  for (const n of Object.keys(NAMES_TABLE)) assert.ok(names.has(n), `no fixture for ${n}`);
});

for (const c of fx.functional) {
  test(`F.${c.name} matches PyTorch${c.gradcheck ? " (and gradcheck)" : ""}`, () => {
    checkFCase(c, NAMES_TABLE[c.name.replace(/\/float32$/, "")]!);
  });
}

/** Builds a module from the call as written in the fixture (positional args, then the options object). */
export function buildModule(c: { module: string; args: unknown[]; opts: Record<string, unknown> }): torch.nn.Module {
  const Cls = (nn as unknown as Record<string, new (...a: unknown[]) => torch.nn.Module>)[c.module];
  assert.ok(Cls, `nn.${c.module} exists`);
  return Object.keys(c.opts).length ? new Cls(...c.args, c.opts) : new Cls(...c.args);
}

for (const c of fx.modules) {
  test(`nn.${c.name}: repr, forward and gradients match PyTorch`, () => {
    const m = buildModule(c);
    assert.equal(String(m), c.repr);
    if (c.dtype === "float64") m.double();
    m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, makeTensor(v)])));
    m.train(c.train);
    const xs = c.inputs.map((s) => makeTensor(s, true));
    const y = (m.forward as (...a: Tensor[]) => Tensor)(...xs);
    assert.equal(mismatch(y, c.output), null, "output");
    const params = m.namedParameters();
    assert.deepEqual(params.map(([k]) => k).sort(), Object.keys(c.paramGrads).sort());
    const grads = torch.autograd.grad([y], [...xs, ...params.map(([, p]) => p)], { gradOutputs: [makeTensor(c.gradOutput)], allowUnused: true });
    c.inputGrads.forEach((g, i) => assert.equal(mismatch(grads[i]!, g), null, `grad of input ${i}`));
    params.forEach(([k], i) => assert.equal(mismatch(grads[xs.length + i]!, c.paramGrads[k]!), null, `grad of ${k}`));
    const after = m.stateDict();
    for (const [k, v] of Object.entries(c.stateAfter)) assert.equal(mismatch(after[k]!, v), null, `state ${k} after forward`);
  });
}

const x3 = torch.randn(2, 3, 4);
const x4 = torch.randn(2, 3, 4, 5);
const x5 = torch.randn(1, 2, 3, 4, 5);
const ERROR_CALLS: Record<string, () => unknown> = {
  "pad.odd": () => F.pad(x3, [1]),
  "pad.too_long": () => F.pad(x3, new Array(8).fill(1)),
  "pad.mode": () => F.pad(x3, [1, 1], "foo" as "reflect"),
  "pad.value_with_reflect": () => F.pad(x3, [1, 1], "reflect", 2),
  "pad.reflect_dims": () => F.pad(x4, [1, 1], "reflect"),
  "pad.reflect_1d_input": () => F.pad(torch.randn(4), [1, 1], "reflect"),
  "pad.replicate_dims": () => F.pad(x3, [1, 1, 1, 1, 1, 1], "replicate"),
  "pad.reflect1d_size": () => F.pad(x3, [4, 3], "reflect"),
  "pad.reflect2d_size_h": () => F.pad(x4, [1, 1, 4, 1], "reflect"),
  "pad.reflect2d_size_w": () => F.pad(x4, [5, 1, 4, 1], "reflect"),
  "pad.reflect3d_size": () => F.pad(x5, [1, 1, 1, 1, 3, 1], "reflect"),
  "pad.reflect1d_small": () => F.pad(x3, [-2, -2], "reflect"),
  "pad.reflect2d_small": () => F.pad(x4, [-3, -2, -2, -2], "reflect"),
  "pad.reflect3d_small": () => F.pad(x5, [-3, -2, -2, -2, -2, -1], "reflect"),
  "pad.reflect1d_empty": () => F.pad(torch.randn(2, 0, 4), [1, 1], "reflect"),
  "pad.reflect2d_empty_double": () => F.pad(torch.randn(2, 0, 3, 3, { dtype: "float64" }), [1, 1, 1, 1], "reflect"),
  "pad.reflect3d_empty": () => F.pad(torch.randn(0, 3, 3, 3), [1, 1, 1, 1, 1, 1], "reflect"),
  "pad.reflect_int": () => F.pad(torch.ones([1, 2, 4], { dtype: "int64" }), [1, 1], "reflect"),
  "pad.reflect3d_int": () => F.pad(torch.ones([1, 2, 4, 4, 4], { dtype: "int64" }), [1, 1, 1, 1, 1, 1], "reflect"),
  "pad.replicate_bool": () => F.pad(torch.ones([1, 2, 4], { dtype: "bool" }), [1, 1], "replicate"),
  "pad.replicate1d_small": () => F.pad(x3, [-2, -2], "replicate"),
  "pad.replicate2d_small": () => F.pad(x4, [-3, -2, -2, -2], "replicate"),
  "pad.replicate3d_small": () => F.pad(x5, [-3, -2, -2, -2, -2, -1], "replicate"),
  "pad.replicate2d_negative": () => F.pad(x4, [-3, -3, 1, 1], "replicate"),
  "pad.replicate_empty": () => F.pad(torch.randn(0, 2), [1, 1], "replicate"),
  "pad.replicate2d_empty": () => F.pad(torch.randn(1, 2, 3, 0), [1, 1, 1, 1], "replicate"),
  "pad.circular_unbatched": () => F.pad(torch.randn(3, 4), [2, 3], "circular"),
  "pad.circular_pairs": () => F.pad(x4, [1, 1, 1, 1, 1, 1], "circular"),
  "pad.circular_wrap": () => F.pad(x3, [5, 3], "circular"),
  "pad.circular_wrap_2d": () => F.pad(x4, [1, 1, 5, 1], "circular"),
  "pad.circular_empty": () => F.pad(x3, [-3, -3], "circular"),
  "pad.constant_narrow": () => F.pad(x4, [1, -6]),
  "pad.constant_narrow_start": () => F.pad(x4, [-6, 1]),
  "pad.constant_narrow_twice": () => F.pad(x3, [-3, -2]),
  "pad.constant_negative_size": () => F.pad(x4, [-5, 0, 0, 1]),
  "cosineSimilarity.int": () => F.cosineSimilarity(torch.arange(3), torch.arange(3), 0),
  "cosineSimilarity.broadcast": () => F.cosineSimilarity(torch.randn(3, 4), torch.randn(3, 5)),
  "cosineSimilarity.dim": () => F.cosineSimilarity(torch.randn(3, 4), torch.randn(3, 4), { dim: 2 }),
};

test("every error fixture has a torch-ts call", () => {
  assert.deepEqual(Object.keys(ERROR_CALLS).sort(), fx.errors.map((e) => e.name).sort());
});
for (const e of fx.errors) {
  test(`${e.name} raises PyTorch's ${e.type}`, () => assertThrowsCase(fx.errors, e.name, ERROR_CALLS[e.name]!));
}

test("circular padding wider than what is left after cropping is refused (PyTorch reads unwritten memory there)", () => {
  assert.throws(() => F.pad(x3, [3, -2], "circular"), /wraps around the 2 elements left after its negative padding more than once/);
});

test("F.pad and the padding layers reject wrong argument types with TypeError", () => {
  assert.throws(() => F.pad(x3, [1.5, 1]), /pad\(\): argument 'pad' must be a list of integers, but got an array/);
  assert.throws(() => F.pad(x3, 1 as unknown as number[]), /argument 'pad' must be a list of integers, but got number 1/);
  assert.throws(() => F.pad(x3, [1, 1], { mode: "reflect", valeu: 0 } as never), /pad\(\) got an unexpected keyword argument 'valeu'/);
  assert.throws(() => F.pad(x3, [1, 1], "constant", "1" as unknown as number), /argument 'value' must be a number/);
  assert.throws(() => new nn.ReflectionPad2d(), /missing 1 required positional argument: 'padding'/);
  assert.throws(() => new nn.ConstantPad1d(2), /missing 1 required positional argument: 'value'/);
  assert.throws(() => new nn.ZeroPad2d(1, 2 as never), /takes 1 positional arguments but 2 were given/);
  assert.throws(() => new nn.ReplicationPad1d({ pading: 1 } as never), /unexpected keyword argument 'pading'/);
  assert.throws(() => new nn.CosineSimilarity(1.5), /argument 'dim' must be an integer/);
  assert.throws(() => new nn.PairwiseDistance({ p: 2, keepDim: true } as never), /unexpected keyword argument 'keepDim'/);
  assert.throws(() => F.cosineSimilarity(x3, [1, 2] as never), /argument 'x2' must be a Tensor/);
});

test("a padding layer with a list of the wrong length fails at forward with F.pad's error, as PyTorch", () => {
  const m = new nn.ReflectionPad1d([1, 2, 3]);
  assert.equal(String(m), "ReflectionPad1d((1, 2, 3))");
  assert.throws(() => m.forward(x3), /Padding length must be divisible by 2/);
});
