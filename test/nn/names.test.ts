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
interface ContainersCase {
  repr: string;
  state: Record<string, StoredTensor>;
  input: StoredTensor;
  output: StoredTensor;
  gradOutput: StoredTensor;
  grads: Record<string, StoredTensor>;
  reprs: Record<"list" | "listOne" | "empty" | "dictPairs" | "dictSorted", string>;
}
interface InitCase {
  module: string;
  args: number[];
  seed: number;
  state: Record<string, StoredTensor>;
  after: StoredTensor;
}
const fx = loadJson<{ functional: FCase[]; modules: ModuleCase[]; errors: ErrorCase[]; containers: ContainersCase; inits: InitCase[] }>("nn_names.json");

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
const PL2 = new nn.ParameterList([new nn.Parameter(torch.zeros(2))]);
const PD2 = new nn.ParameterDict({ w: new nn.Parameter(torch.zeros(2)) });
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
  "bilinear.dims": () => F.bilinear(torch.randn(2, 3), torch.randn(2, 2, 2), torch.randn(4, 3, 2)),
  "bilinear.batch": () => F.bilinear(torch.randn(2, 3), torch.randn(3, 2), torch.randn(4, 3, 2)),
  "bilinear.in1": () => F.bilinear(torch.randn(2, 4), torch.randn(2, 2), torch.randn(4, 3, 2)),
  "bilinear.in2": () => F.bilinear(torch.randn(2, 3), torch.randn(2, 5), torch.randn(4, 3, 2)),
  "bilinear.bias": () => F.bilinear(torch.randn(2, 3), torch.randn(2, 2), torch.randn(4, 3, 2), torch.randn(3)),
  "oneHot.float": () => F.oneHot(torch.tensor([0, 1], { dtype: "float32" })),
  "oneHot.int32": () => F.oneHot(torch.tensor([0, 1], { dtype: "int32" })),
  "oneHot.negative": () => F.oneHot(torch.tensor([0, -1])),
  "oneHot.too_small": () => F.oneHot(torch.tensor([0, 3]), 3),
  "oneHot.empty_infer": () => F.oneHot(torch.zeros([0], { dtype: "int64" })),
  "ParameterList.index": () => PL2.get(5),
  "ParameterList.call": () => PL2.forward(),
  "ParameterList.extend_tensor": () => PL2.extend(torch.zeros(2) as never),
  "ParameterList.extend_int": () => PL2.extend(3 as never),
  "ParameterDict.missing": () => PD2.get("zz"),
  "ParameterDict.key_type": () => PD2.set(3 as never, torch.zeros(1)),
  "ParameterDict.call": () => PD2.forward(),
  "InstanceNorm1d.dims": () => new nn.InstanceNorm1d(3).forward(x4),
  "InstanceNorm2d.dims": () => new nn.InstanceNorm2d(3).forward(torch.randn(3, 4)),
  "InstanceNorm1d.features": () => new nn.InstanceNorm1d(3, { affine: true }).forward(torch.randn(2, 4, 5)),
  "InstanceNorm1d.one_element": () => new nn.InstanceNorm1d(3).forward(torch.randn(2, 3, 1)),
  "ConvTranspose2d.padding_mode": () => new nn.ConvTranspose2d(1, 1, 3, { paddingMode: "reflect" as "zeros" }),
  "Conv1d.reflect_too_wide": () => new nn.Conv1d(1, 1, 3, { padding: 4, paddingMode: "reflect" }).forward(torch.randn(1, 1, 4)),
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
  assert.throws(() => F.oneHot(torch.tensor([1]), { num_classes: 3 } as never), /oneHot\(\) got an unexpected keyword argument 'num_classes'/);
  assert.throws(() => F.oneHot(torch.tensor([1]), 2.5), /argument 'numClasses' must be an integer/);
  assert.throws(() => F.oneHot([1, 2] as never), /argument 'tensor' must be a Tensor/);
});

test("a padding layer with a list of the wrong length fails at forward with F.pad's error, as PyTorch", () => {
  const m = new nn.ReflectionPad1d([1, 2, 3]);
  assert.equal(String(m), "ReflectionPad1d((1, 2, 3))");
  assert.throws(() => m.forward(x3), /Padding length must be divisible by 2/);
});

test("InstanceNorm and the convolutions' padding modes pass a float64 gradcheck (input and parameters)", () => {
  const cases: Array<[torch.nn.Module, number[]]> = [
    [new nn.InstanceNorm1d(3, { affine: true }), [2, 3, 4]],
    [new nn.InstanceNorm2d(2, 1e-3, 0.1, true, true), [2, 2, 3, 3]],
    [new nn.Conv1d(2, 3, 4, 1, "same", 1, 1, true, "reflect"), [2, 2, 6]],
    [new nn.Conv2d(2, 2, 3, { stride: 2, padding: [1, 2], paddingMode: "circular" }), [1, 2, 4, 5]],
    [new nn.Conv2d(2, 2, 2, { padding: 1, paddingMode: "replicate" }), [1, 2, 3, 3]],
  ];
  for (const [m, shape] of cases) {
    m.double();
    // gradcheck perturbs the parameters' storage in place, which the module reads on every call.
    const x = torch.randn(shape, { dtype: "float64", requiresGrad: true });
    assert.equal(torch.autograd.gradcheck((xi) => (m.forward as (x: Tensor) => Tensor)(xi!), [x, ...m.parameters()]), true, String(m));
  }
});

test("InstanceNorm and Conv padding_mode: positional and keyword forms agree; bad arguments are TypeErrors", () => {
  assert.equal(String(new nn.InstanceNorm2d(4, 1e-3, 0.2, true, true)), String(new nn.InstanceNorm2d(4, { eps: 1e-3, momentum: 0.2, affine: true, trackRunningStats: true })));
  assert.equal(String(new nn.InstanceNorm1d(4, 1e-3, 0.2, true, true)), "InstanceNorm1d(4, eps=0.001, momentum=0.2, affine=True, track_running_stats=True)");
  assert.deepEqual(Object.keys(new nn.InstanceNorm1d(3).stateDict()), []);
  assert.deepEqual(Object.keys(new nn.InstanceNorm1d(3, { affine: true, trackRunningStats: true }).stateDict()), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
  assert.equal(new nn.InstanceNorm1d(3, { affine: true, dtype: "float64" }).weight!.dtype, "float64");
  assert.throws(() => new nn.InstanceNorm1d(3, { trackRunningStat: true } as never), /InstanceNorm1d\(\) got an unexpected keyword argument 'trackRunningStat'/);
  assert.throws(() => new nn.InstanceNorm2d(2.5), /argument 'numFeatures' must be an integer|argument 'num_features'/);
  assert.throws(() => new nn.InstanceNorm2d(2, "1e-5" as never), /argument 'eps' must be/);
  assert.throws(() => F.instanceNorm(x3, { use_input_stats: false } as never), /unexpected keyword argument 'use_input_stats'/);
  assert.throws(() => F.instanceNorm(x3, null, null, null, null, false), /Expected running_mean and running_var to be defined when use_input_stats is false/);
  assert.equal(String(new nn.Conv2d(1, 2, 3, 1, 1, 1, 1, false, "circular")), "Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False, padding_mode=circular)");
  assert.throws(() => new nn.Conv2d(1, 1, 3, { paddingMode: 0 } as never), /argument 'paddingMode' must be a string/);
});

// The model of tools/gen_nn_names_fixtures.py's containers(), as a user ports it.
class ParamNet extends nn.Module {
  ps: torch.nn.ParameterList;
  d: torch.nn.ParameterDict;
  constructor() {
    super();
    this.ps = new nn.ParameterList([0, 1].map(() => new nn.Parameter(torch.randn(3, 3))));
    this.ps.append(torch.randn(3));
    this.d = new nn.ParameterDict({ w: new nn.Parameter(torch.randn(3)), b: torch.randn(1) });
  }
  override forward(x: Tensor): Tensor {
    for (let i = 0; i < 2; i++) x = x.matmul(this.ps.get(i));
    return x.add(this.ps.get(-1)).mul(this.d.get("w")).add(this.d.get("b"));
  }
}

test("nn.ParameterList / nn.ParameterDict in a model: PyTorch's repr, state dict (keys, order, values after manualSeed), forward and gradients", () => {
  const c = fx.containers;
  torch.manualSeed(0);
  const m = new ParamNet();
  assert.equal(String(m), c.repr);
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), Object.keys(c.state));
  for (const [k, v] of Object.entries(c.state)) assert.equal(mismatch(sd[k]!, v), null, k);
  const y = m.forward(makeTensor(c.input));
  assert.equal(mismatch(y, c.output), null, "output");
  const named = m.namedParameters();
  assert.deepEqual(named.map(([k]) => k), Object.keys(c.grads));
  const grads = torch.autograd.grad([y], named.map(([, p]) => p), { gradOutputs: [makeTensor(c.gradOutput)] });
  named.forEach(([k], i) => assert.equal(mismatch(grads[i]!, c.grads[k]!), null, `grad of ${k}`));
});

test("nn.ParameterList / nn.ParameterDict: reprs, order, list and dict operations as PyTorch's", () => {
  const r = fx.containers.reprs;
  const z = (shape: number[], dtype: "float32" | "float64" = "float32") => new nn.Parameter(torch.zeros(shape, { dtype }));
  assert.equal(String(new nn.ParameterList([z([2, 3]), z([4], "float64")])), r.list);
  assert.equal(String(new nn.ParameterList([z([])])), r.listOne);
  assert.equal(String(new nn.ParameterList()), r.empty);
  assert.equal(String(new nn.ParameterDict([["z", z([2])], ["a", z([1, 2], "float64")]])), r.dictPairs);
  assert.equal(String(new nn.ParameterDict(new Map([["z", z([2])], ["a", z([1, 2], "float64")]]))), r.dictPairs, "a Map keeps its order");
  assert.equal(String(new nn.ParameterDict({ z: z([2]), a: z([1]) })), r.dictSorted, "a plain object is sorted, as PyTorch sorts a dict");

  const pl = new nn.ParameterList();
  const t = torch.ones(2);
  pl.append(t).extend([torch.zeros(3)]);
  assert.equal(pl.length, 2);
  assert.ok(pl.get(0) instanceof nn.Parameter && pl.get(0).requiresGrad, "a tensor is wrapped in a Parameter");
  pl.get(0).data.fill_(5);
  assert.deepEqual(t.tolist(), [5, 5], "the Parameter shares the tensor's storage");
  assert.equal(pl.get(-1), pl.get(1));
  pl.set(-1, torch.ones(4));
  assert.deepEqual([...pl].map((p) => p.shape[0]), [2, 4]);
  assert.equal(pl.parameters().length, 2);

  const pd = new nn.ParameterDict();
  pd.set("b", torch.ones(1));
  pd.set("a", torch.ones(2));
  pd.set("b", torch.ones(3));
  assert.deepEqual(pd.keys(), ["b", "a"], "insertion order; re-setting keeps the place");
  assert.deepEqual([...pd], ["b", "a"]);
  assert.equal(pd.get("b").shape[0], 3);
  assert.equal(pd.has("a"), true);
  assert.equal(pd.pop("a").shape[0], 2);
  assert.deepEqual(Object.keys(pd.stateDict()), ["b"]);
  pd.update(new nn.ParameterDict({ c: torch.ones(1) }));
  assert.deepEqual(pd.items().map(([k]) => k), ["b", "c"]);
  pd.clear();
  assert.equal(pd.length, 0);
  assert.deepEqual(pd.parameters(), []);
  assert.throws(() => pd.set("x", [1, 2] as never), /argument 'value' must be a Tensor or a Parameter/);
  assert.throws(() => pl.get(0.5), /ParameterList indices must be integers/);
});

for (const ic of fx.inits) {
  test(`nn.${ic.module}(${ic.args.join(", ")}) after manualSeed(${ic.seed}): PyTorch's initial parameters and generator position`, () => {
    torch.manualSeed(ic.seed);
    const m = buildModule({ module: ic.module, args: ic.args, opts: {} });
    assert.deepEqual(torch.rand(3).tolist(), ic.after.data, "generator position after construction");
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(ic.state));
    for (const [k, v] of Object.entries(ic.state)) assert.equal(mismatch(sd[k]!, v), null, k);
  });
}

test("Bilinear, Unfold, Fold: float64 gradcheck, and TypeErrors for bad arguments", () => {
  const m = new nn.Bilinear(3, 2, 2, { dtype: "float64" });
  const a = torch.randn([4, 3], { dtype: "float64", requiresGrad: true });
  const b = torch.randn([4, 2], { dtype: "float64", requiresGrad: true });
  assert.equal(torch.autograd.gradcheck((x, y) => m.forward(x!, y!), [a, b, ...m.parameters()]), true);
  const u = new nn.Unfold([2, 2], { padding: 1, stride: 2 });
  assert.equal(torch.autograd.gradcheck((x) => u.forward(x!), [torch.randn([1, 2, 3, 4], { dtype: "float64", requiresGrad: true })]), true);
  const f = new nn.Fold([3, 4], 2);
  assert.equal(torch.autograd.gradcheck((x) => f.forward(x!), [torch.randn([1, 8, 6], { dtype: "float64", requiresGrad: true })]), true);
  assert.throws(() => new (nn.Bilinear as unknown as new (...a: number[]) => unknown)(3, 2), /missing 1 required positional argument: 'outFeatures'/);
  assert.throws(() => new nn.Bilinear(3, 2, 4, { bais: false } as never), /Bilinear\(\) got an unexpected keyword argument 'bais'/);
  assert.throws(() => new nn.Unfold(2.5), /argument 'kernelSize' must be an integer/);
  assert.throws(() => new nn.Fold([4, 4], 2, { strides: 1 } as never), /Fold\(\) got an unexpected keyword argument 'strides'/);
  assert.throws(() => F.bilinear(a, b, [1] as never), /argument 'weight' must be a Tensor/);
});

test("localResponseNorm: PyTorch's ValueError below 3 dims, an empty input returned as is, size checked", () => {
  assert.throws(() => F.localResponseNorm(torch.randn(3, 4), 2), { name: "ValueError", message: "Expected 3D or higher dimensionality input (got 2 dimensions)" });
  const empty = torch.zeros(0, 3, 2);
  assert.equal(F.localResponseNorm(empty, 2), empty);
  assert.throws(() => new nn.LocalResponseNorm(0), { name: "ValueError", message: /argument 'size' must be at least 1, but got 0/ });
  assert.throws(() => new nn.LocalResponseNorm(2, { gamma: 1 } as never), { name: "TypeError", message: /^LocalResponseNorm\(\) got an unexpected keyword argument 'gamma'/ });
});

test("nn.EmbeddingBag: its forward is F.embeddingBag with its weight and settings; PyTorch's errors for bad bags", () => {
  torch.manualSeed(0);
  const bag = new nn.EmbeddingBag(10, 3, { mode: "sum" });
  const input = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9]);
  const offsets = torch.tensor([0, 4]);
  assert.deepEqual(bag.forward(input, offsets).tolist(), F.embeddingBag(input, bag.weight, offsets, { mode: "sum" }).tolist());
  const w = torch.randn(5, 3);
  assert.throws(() => F.embeddingBag(torch.tensor([[1, 2]]), w, torch.tensor([0])), { name: "ValueError", message: /^if input is 2D, then offsets has to be None/ });
  assert.throws(() => F.embeddingBag(torch.tensor([1, 2]), w), { name: "ValueError", message: "offsets has to be a 1D Tensor but got None" });
  assert.throws(() => F.embeddingBag(torch.tensor([1, 2]), w, torch.tensor([1])), { name: "RuntimeError", message: /^offsets\[0\] has to be 0, i\.e\., the first sequence in the mini-batch has to start from position 0\. However, got 1/ });
  assert.throws(() => F.embeddingBag(torch.tensor([1, 2]), w, torch.tensor([0]), { perSampleWeights: torch.ones(2) }), { name: "NotImplementedError", message: /only supported for mode='sum' \(got mode='mean'\)/ });
  assert.throws(() => F.embeddingBag(torch.tensor([1, 2]), w, torch.tensor([0]), { mode: "foo" as never }), { name: "ValueError", message: "mode has to be one of sum, mean or max" });
  assert.throws(() => F.embeddingBag(torch.tensor([1, 7]), w, torch.tensor([0])), { name: "IndexError", message: "index out of range in self" });
  assert.throws(() => F.embeddingBag(torch.tensor([1.5, 2]), w, torch.tensor([0])), { name: "RuntimeError", message: "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding_bag)" });
  assert.throws(() => F.embeddingBag(torch.tensor([[[1]]]), w), { name: "ValueError", message: "input has to be 1D or 2D Tensor, but got Tensor of dimension 3" });
});
