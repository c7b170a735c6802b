// torch.onnx.export against the real other side: every exported model passes
// onnx.checker.check_model (Debian's python3-onnx, full_check with shape inference) and runs
// in onnxruntime-node with outputs within 1e-5 (relative to the output's scale) of torch-ts's,
// at two batch sizes where the batch axis is dynamic.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as torch from "../../src/index.ts";
import { havePython, python, relError, runOrt } from "./helpers.ts";
import * as M from "./models.ts";

const dir = mkdtempSync(join(tmpdir(), "torch-ts-onnx-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const exported: string[] = [];

interface Case {
  name: string;
  make: () => torch.nn.Module;
  /** An input at two batch sizes (the first is traced). */
  inputs: (batch: number) => torch.Tensor;
  outputs: number;
}

const CASES: Case[] = [
  { name: "seed_mlp", make: () => new M.SeedMLP(), inputs: (b) => torch.randn(b, 10), outputs: 1 },
  { name: "lenet", make: () => new M.LeNet(), inputs: (b) => torch.randn(b, 1, 28, 28), outputs: 1 },
  { name: "mnist_cnn", make: () => new M.CNN(), inputs: (b) => torch.rand(b, 1, 28, 28), outputs: 1 },
  { name: "lstm_lm", make: () => new M.LstmLM(), inputs: (b) => torch.randint(0, 50, [b, 7]), outputs: 3 },
  { name: "transformer_encoder", make: () => new M.Encoder(), inputs: (b) => torch.randn(b, 6, 32), outputs: 1 },
  { name: "tiny_gpt", make: () => new M.TinyGPT(), inputs: (b) => torch.randint(0, 65, [b, 16]), outputs: 1 },
  { name: "batchnorm_dropout_eval", make: () => M.trainedBnNet(), inputs: (b) => torch.randn(b, 3, 8, 8), outputs: 1 },
  {
    // the activations torch-ts records as one node each (their ONNX ops: Elu, Selu, Celu, Softplus, HardSwish, HardSigmoid, Log(Sigmoid))
    name: "activations",
    make: () => {
      const { nn } = torch;
      return new nn.Sequential(new nn.Linear(6, 8), new nn.ELU(0.7), new nn.Linear(8, 8), new nn.SELU(), new nn.CELU(1.3), new nn.Softplus(2, 5),
        new nn.Hardswish(), new nn.Linear(8, 4), new nn.Hardsigmoid(), new nn.LogSigmoid(), new nn.Softplus());
    },
    inputs: (b) => torch.randn(b, 6).mul(3),
    outputs: 1,
  },
];

for (const c of CASES) {
  test(`${c.name}: exported with a dynamic batch, onnxruntime matches torch-ts at batch 4 and 7`, async () => {
    torch.manualSeed(1);
    const model = c.make();
    const wasTraining = model.training;
    const file = join(dir, `${c.name}.onnx`);
    const bytes = torch.onnx.export(model, [c.inputs(4)], file, { inputNames: ["x"], dynamicAxes: { x: { 0: "batch" } } });
    assert.deepEqual(new Uint8Array(readFileSync(file)), bytes);
    exported.push(file);
    assert.equal(model.training, wasTraining, "export restores the training mode");
    model.eval();
    for (const batch of [4, 7]) {
      const x = c.inputs(batch);
      const want = torch.noGrad(() => model.forward(x)) as torch.Tensor | torch.Tensor[];
      const wants = (Array.isArray(want) ? want : [want]).flat(2) as torch.Tensor[];
      const got = await runOrt(bytes, { x });
      assert.equal(got.length, c.outputs);
      wants.forEach((w, k) => {
        assert.deepEqual(got[k].dims, w.shape, `output ${k} shape at batch ${batch}`);
        const err = relError(got[k], w);
        assert.ok(err <= 1e-5, `${c.name} output ${k} at batch ${batch}: relative error ${err}`);
      });
    }
  });
}

test("every exported model passes onnx.checker.check_model (full_check) with opset 17 and a 'batch' input axis", (t) => {
  if (!havePython(t, ["onnx"])) return;
  assert.equal(exported.length, CASES.length);
  const out = python(
    `import sys, onnx
for f in sys.argv[1:]:
    m = onnx.load(f)
    onnx.checker.check_model(m, full_check=True)
    d = m.graph.input[0].type.tensor_type.shape.dim[0]
    print(f.split("/")[-1], m.opset_import[0].version, d.dim_param, len(m.graph.node))`,
    exported,
  );
  const lines = out.trim().split("\n");
  assert.equal(lines.length, CASES.length);
  for (const line of lines) {
    const [, opset, dim] = line.split(" ");
    assert.equal(opset, "17", line);
    assert.equal(dim, "batch", line);
  }
});

test("the composites become one ONNX op each: LayerNormalization, Gather (embedding), LSTM, BatchNormalization", () => {
  const ops = (m: torch.nn.Module, x: torch.Tensor): string[] => {
    const text = new TextDecoder("latin1").decode(torch.onnx.export(m, [x]));
    return ["LayerNormalization", "Gather", "LSTM", "BatchNormalization", "Erf", "Softmax"].filter((op) => text.includes(op));
  };
  assert.deepEqual(ops(new M.TinyGPT(), torch.randint(0, 65, [2, 16])), ["LayerNormalization", "Gather", "Erf", "Softmax"]);
  assert.deepEqual(ops(new M.LstmLM(), torch.randint(0, 50, [2, 5])), ["Gather", "LSTM"]);
  assert.deepEqual(ops(M.trainedBnNet(), torch.randn(2, 3, 8, 8)), ["BatchNormalization"]);
});

test("exportParams false: parameters are graph inputs under their state-dict names", async () => {
  torch.manualSeed(2);
  const m = new M.SeedMLP();
  const x = torch.randn(3, 10);
  const bytes = torch.onnx.export(m, [x], null, { exportParams: false, inputNames: ["x"], outputNames: ["y"] });
  const feeds: Record<string, torch.Tensor> = { x };
  for (const [name, p] of m.namedParameters()) feeds[name] = p.detach();
  const [y] = await runOrt(bytes, feeds);
  assert.ok(relError(y, m.forward(x)) <= 1e-6);
  await assert.rejects(runOrt(bytes, { x }), /fc1\.weight|input/);
});

test("without constant folding the graph still computes the same values", async () => {
  torch.manualSeed(3);
  const m = new M.TinyGPT().eval();
  const x = torch.randint(0, 65, [2, 16]);
  const folded = torch.onnx.export(m, [x]);
  const unfolded = torch.onnx.export(m, [x], undefined, { doConstantFolding: false });
  assert.ok(unfolded.length > folded.length - 1);
  const [a] = await runOrt(unfolded, { input_0: x });
  assert.ok(relError(a, m.forward(x)) <= 1e-5);
});

test("a plain function exports too, and an output that is an input gets an Identity", async () => {
  const x = torch.randn(2, 3);
  const bytes = torch.onnx.export((a: torch.Tensor) => [a.exp().sum(1), a], [x], null, { outputNames: ["s", "same"] });
  const [s, same] = await runOrt(bytes, { input_0: x });
  assert.ok(relError(s, x.exp().sum(1)) <= 1e-6);
  assert.deepEqual(Array.from(same.data as Float32Array), Array.from(x.contiguousData() as Float32Array));
});

test("rounding, hyperbolic and inverse trigonometric functions export as ONNX's own ops", async () => {
  const x = torch.rand(3, 5).mul(0.98);
  const f = (a: torch.Tensor) => [
    a.mul(7).sub(3).floor(), a.mul(7).sub(3).ceil(), a.mul(4).round(), a.sinh(), a.cosh(),
    a.asin(), a.acos(), a.mul(5).atan(), a.mul(3).asinh(), a.add(1.25).acosh(), a.atanh(),
  ];
  const bytes = torch.onnx.export(f, [x], null);
  const got = await runOrt(bytes, { input_0: x });
  const want = f(x);
  assert.equal(got.length, want.length);
  want.forEach((w, k) => assert.ok(relError(got[k]!, w) <= 1e-6, `output ${k}: relative error ${relError(got[k]!, w)}`));
});

test("an op with no ONNX form is an error naming it, never a wrong graph", () => {
  const up = (x: torch.Tensor) => torch.F.convTranspose2d(x, torch.randn(2, 3, 3, 3));
  assert.throws(() => torch.onnx.export(up, [torch.randn(1, 2, 4, 4)]), (e: Error) => e.name === "RuntimeError" && /'Col2ImBackward0' has no ONNX lowering at opset 17/.test(e.message));
  class Cube extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: torch.Tensor): torch.Tensor {
      return x.mul(x).mul(x);
    }
  }
  class Net extends torch.nn.Module {
    fc = new torch.nn.Linear(2, 2);
    override forward(x: torch.Tensor): torch.Tensor {
      return Cube.apply(this.fc.forward(x));
    }
  }
  assert.throws(() => torch.onnx.export(new Net(), [torch.randn(1, 2)]), /op 'CubeBackward' \(in Net\) has no ONNX lowering/);
});

test("dynamic axes the model cannot honour are errors: a size-dependent path, a size-dependent constant", () => {
  const branchy = (x: torch.Tensor) => (x.size(0) > 4 ? x.relu() : x.sigmoid());
  assert.throws(() => torch.onnx.export(branchy, [torch.randn(4, 3)], null, { dynamicAxes: { input_0: [0] } }), /takes a different path at other sizes/);
  const counted = (x: torch.Tensor) => x.add(torch.arange(x.size(0)).reshape(-1, 1));
  assert.throws(() => torch.onnx.export(counted, [torch.randn(4, 3)], null, { dynamicAxes: { input_0: [0] } }), /changes shape with the dynamic axes and is not filled with one value/);
  // A uniform constant sized by the batch (zeros(B, ...)) is computed in the graph instead.
  const padded = (x: torch.Tensor) => torch.cat([x, torch.zeros(x.size(0), 1)], 1);
  const bytes = torch.onnx.export(padded, [torch.randn(4, 3)], null, { dynamicAxes: { input_0: [0] } });
  return runOrt(bytes, { input_0: torch.ones(6, 3) }).then(([y]) => {
    assert.deepEqual(y.dims, [6, 4]);
    assert.deepEqual(Array.from(y.data as Float32Array).slice(0, 4), [1, 1, 1, 0]);
  });
});

test("an in-place write through an alias of a traced tensor is an error", () => {
  const f = (x: torch.Tensor) => {
    const v = x.view(-1);
    const y = x.mul(2);
    y.view(-1).add_(1);
    return [v.mul(1), y.add(0)];
  };
  assert.throws(() => torch.onnx.export(f, [torch.randn(2, 2)]), /modified in place through another view/);
  // In place on the tensor itself is followed.
  const g = (x: torch.Tensor) => x.mul(2).relu_().add_(1);
  return runOrt(torch.onnx.export(g, [torch.randn(3)]), { input_0: torch.tensor([-1, 0.5, 2]) }).then(([y]) => {
    assert.deepEqual(Array.from(y.data as Float32Array), [1, 2, 5]);
  });
});

test("bad arguments: opset, options, names", () => {
  const m = new M.SeedMLP();
  const x = torch.randn(1, 10);
  assert.throws(() => torch.onnx.export(m, [x], null, { opsetVersion: 16 }), (e: Error) => e.name === "ValueError" && /opset_version 17 only/.test(e.message));
  assert.throws(() => torch.onnx.export(m, [x], null, { opset: 17 } as never), (e: Error) => e instanceof TypeError && /unexpected keyword argument 'opset'/.test(e.message));
  assert.throws(() => torch.onnx.export(m, [x], null, { inputNames: ["a", "b"] }), /2 input names for 1 inputs/);
  assert.throws(() => torch.onnx.export(m, [x], null, { dynamicAxes: { nope: [0] } }), /neither an input nor an output name/);
});

test("recurrent layers: bidirectional 2-layer GRU, relu RNN with given states, LSTM with weights as inputs (gates reordered in the graph)", async () => {
  torch.manualSeed(4);
  const cases: Array<[torch.nn.Module, torch.Tensor[], object]> = [
    [new torch.nn.GRU(4, 5, { numLayers: 2, bidirectional: true }), [torch.randn(6, 3, 4)], { dynamicAxes: { input_0: { 1: "batch" } } }],
    [new torch.nn.RNN(4, 5, { nonlinearity: "relu", batchFirst: true }), [torch.randn(3, 6, 4), torch.randn(1, 3, 5)], {}],
    [new torch.nn.LSTM(4, 5, { bidirectional: true }), [torch.randn(6, 2, 4)], { exportParams: false }],
  ];
  for (const [m, xs, opts] of cases) {
    const bytes = torch.onnx.export(m, xs, null, opts);
    const want = (torch.noGrad(() => m.forward(...(xs as [torch.Tensor]))) as unknown[]).flat(2) as torch.Tensor[];
    const feeds: Record<string, torch.Tensor> = Object.fromEntries(xs.map((x, i) => [`input_${i}`, x]));
    if ("exportParams" in opts) for (const [n, p] of m.namedParameters()) feeds[n] = p.detach();
    const got = await runOrt(bytes, feeds);
    want.forEach((w, k) => assert.ok(relError(got[k], w) <= 1e-5, `${m.constructor.name} output ${k}: ${relError(got[k], w)}`));
  }
  // ONNX's LSTM has no projection weight: refused, not exported without it.
  assert.throws(() => torch.onnx.export(new torch.nn.LSTM(4, 5, { projSize: 3 }), [torch.randn(6, 2, 4)]), /proj_size > 0\) has no ONNX form/);
});

test("grouped convolution and average pooling (im2col as a one-hot grouped convolution) export", async () => {
  torch.manualSeed(5);
  class Net extends torch.nn.Module {
    grouped = new torch.nn.Conv2d(4, 6, 3, { groups: 2, padding: 1 });
    pool = new torch.nn.AvgPool2d(2, { padding: 1, countIncludePad: false });
    override forward(x: torch.Tensor): torch.Tensor {
      return this.pool.forward(this.grouped.forward(x));
    }
  }
  const net = new Net();
  const bytes = torch.onnx.export(net, [torch.randn(2, 4, 7, 7)], null, { dynamicAxes: { input_0: [0] } });
  for (const b of [2, 3]) {
    const x = torch.randn(b, 4, 7, 7);
    const [y] = await runOrt(bytes, { input_0: x });
    assert.ok(relError(y, net.forward(x)) <= 1e-5, `batch ${b}: ${relError(y, net.forward(x))}`);
  }
});
