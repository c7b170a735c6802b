// TransformerEncoderLayer / TransformerEncoder / TransformerDecoderLayer / TransformerDecoder against
// PyTorch 1.13 (test/fixtures/nn_seq_transformer.json, tools/gen_nn_seq_fixtures.py), plus the deep
// copy that the stacks make of their layer.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import {
  TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer, deepCopyModule,
  generateSquareSubsequentMask, type TransformerLayerOptions,
} from "../../src/nn/modules/transformer.ts";
import { assertThrowsLike, loadFixture, type StoredTensor } from "./seq-fixture-io.ts";
import { checkTransformerCase, type SeededCase } from "./seq-cases.ts";

type Case = SeededCase;
interface InitCase {
  module: string;
  args: number[];
  opts: TransformerLayerOptions;
  seed: number;
  state: Record<string, StoredTensor>;
}
const fx = loadFixture<{ cases: Case[]; inits: InitCase[] }>("nn_seq_transformer.json");

test("the transformer fixture covers normFirst true/false x relu/gelu, both stacks and training-mode dropout", () => {
  const names = new Set(fx.cases.map((c) => c.name));
  for (const pre of ["encoder_layer", "decoder_layer"]) {
    for (const n of ["normfirst", "postnorm"]) {
      for (const a of ["relu", "gelu"]) {
        assert.ok(names.has(`${pre}_${n}_${a}`) && names.has(`${pre}_${n}_${a}/float32`), `${pre}_${n}_${a}`);
      }
    }
  }
  for (const n of ["encoder_2layers_norm", "decoder_2layers_norm", "encoder_layer_train_dropout", "decoder_layer_seqfirst_memory_mask"]) {
    assert.ok(names.has(n), n);
  }
});

for (const c of fx.cases) {
  test(`${c.module} ${c.name} matches PyTorch (output, input and parameter gradients)`, () => {
    return checkTransformerCase(c);
  });
}

for (const ic of fx.inits) {
  test(`${ic.module} init after manualSeed(${ic.seed}) is PyTorch's (keys, order and values)`, () => {
    torch.manualSeed(ic.seed);
    const m = ic.module === "TransformerEncoderLayer"
      ? new TransformerEncoderLayer(ic.args[0]!, ic.args[1]!, ic.opts)
      : new TransformerDecoderLayer(ic.args[0]!, ic.args[1]!, ic.opts);
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(ic.state));
    for (const [k, want] of Object.entries(ic.state)) assert.deepEqual(Array.from((sd[k]!.contiguousData() as Float64Array)), want.data, k);
  });
}

test("TransformerEncoder deep-copies its layer: equal values, separate parameters", () => {
  torch.manualSeed(0);
  const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: "gelu", normFirst: true });
  const enc = new TransformerEncoder(layer, 3);
  const layers = [...enc.layers] as TransformerEncoderLayer[];
  assert.equal(layers.length, 3);
  assert.deepEqual(Object.keys(enc.stateDict()).slice(0, 2), ["layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias"]);
  const own = layer.stateDict();
  for (const l of layers) {
    assert.notEqual(l, layer);
    assert.ok(l instanceof TransformerEncoderLayer);
    assert.equal(l.normFirst, true);
    assert.equal(l.activation, layer.activation);
    const sd = l.stateDict();
    for (const [k, v] of Object.entries(own)) assert.deepEqual(sd[k]!.tolist(), v.tolist(), k);
  }
  // Same parameter count as 3 independent layers; changing one copy leaves the others alone.
  assert.equal(enc.parameters().length, 3 * layer.parameters().length);
  torch.noGrad(() => layers[0]!.linear1.weight.add_(1));
  assert.deepEqual(layers[1]!.linear1.weight.tolist(), layer.linear1.weight.tolist());
  assert.notDeepEqual(layers[0]!.linear1.weight.tolist(), layer.linear1.weight.tolist());
  // The copy's forward and hooks work on the copy itself.
  const seen: unknown[] = [];
  layers[2]!.registerForwardHook((mod) => void seen.push(mod));
  layers[2]!.eval().forward(torch.randn(3, 2, 8));
  assert.deepEqual(seen, [layers[2]]);
  // Gradients reach every copy.
  enc.forward(torch.randn(3, 2, 8)).sum().backward();
  for (const l of layers) assert.ok(l.linear2.weight.grad !== null);
});

test("deepCopyModule keeps tied parameters tied and requiresGrad flags", () => {
  const a = new TransformerDecoderLayer(4, 2, { dimFeedforward: 4 });
  a.linear2.bias = a.norm3.bias; // tie two parameters of the same shape
  a.norm1.weight!.requiresGrad_(false);
  const b = deepCopyModule(a);
  assert.equal(b.linear2.bias, b.norm3.bias);
  assert.notEqual(b.linear2.bias, a.linear2.bias);
  assert.equal(b.norm1.weight!.requiresGrad, false);
  assert.equal(b.linear1.weight.requiresGrad, true);
});

test("generateSquareSubsequentMask gives nn.Transformer's float causal mask", () => {
  assert.deepEqual(generateSquareSubsequentMask(3).tolist(), [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
  // A float causal mask and the bool one give the same encoder output.
  torch.manualSeed(1);
  const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }).eval();
  const x = torch.randn(3, 2, 4);
  const boolMask = torch.ones([3, 3], { dtype: "bool" }).triu(1);
  assert.deepEqual(layer.forward(x, { srcMask: generateSquareSubsequentMask(3) }).tolist(), layer.forward(x, { srcMask: boolMask }).tolist());
});

test("an unknown activation fails as in PyTorch", () => {
  assertThrowsLike(() => new TransformerEncoderLayer(8, 2, { activation: "tanh" as "relu" }), "encoder_layer_activation");
  // A function is accepted as the activation, as in PyTorch.
  const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 4, activation: (t) => t.tanh(), dropout: 0 });
  assert.deepEqual(layer.forward(torch.zeros(2, 1, 4)).shape, [2, 1, 4]);
});

test("the sequence layers are reachable as torch.nn.* and torch.F.scaledDotProductAttention", () => {
  assert.equal(torch.nn.TransformerEncoderLayer, TransformerEncoderLayer);
  assert.equal(torch.nn.TransformerDecoder, TransformerDecoder);
  assert.equal(typeof torch.nn.LSTM, "function");
  assert.equal(typeof torch.nn.GRUCell, "function");
  assert.equal(typeof torch.nn.MultiheadAttention, "function");
  assert.equal(typeof torch.F.scaledDotProductAttention, "function");
  assert.equal(torch.nn.functional.scaledDotProductAttention, torch.F.scaledDotProductAttention);
  assert.equal(torch.nn.generateSquareSubsequentMask, generateSquareSubsequentMask);
});
