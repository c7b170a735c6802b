// nn.RNN / LSTM / GRU and the cells against PyTorch 1.13 (test/fixtures/nn_seq_rnn.json, written by
// tools/gen_nn_seq_fixtures.py): PyTorch's state dict loaded with loadStateDict, outputs and the
// gradients of inputs, initial states and every parameter; init draws; gradcheck; errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from "../../src/nn/modules/rnn.ts";
import { assertThrowsLike, compare, loadFixture, makeTensor, type ModuleCase, type StoredTensor } from "./seq-fixture-io.ts";
import { checkRnnCase } from "./seq-cases.ts";

interface InitCase {
  module: string;
  seed: number;
  state: Record<string, StoredTensor>;
}
const fx = loadFixture<{ cases: (ModuleCase & { forwardSeed: number | null })[]; inits: InitCase[] }>("nn_seq_rnn.json");

const required = [
  "rnn_tanh", "rnn_relu_2layer_bidir_batchfirst/float32", "lstm_2layer_bidir_batchfirst", "lstm_2layer_bidir_batchfirst/float32",
  "gru_2layer_bidir_batchfirst", "gru_2layer_bidir_batchfirst/float32", "lstmcell", "grucell", "rnncell_tanh",
  "lstm_dropout_train", "gru_bidir_dropout_train", "lstm_proj", "lstm_proj_2layer_bidir_batchfirst/float32",
];
test("the RNN fixture has the cases the issue asks for", () => {
  const names = new Set(fx.cases.map((c) => c.name));
  assert.deepEqual(required.filter((n) => !names.has(n)), []);
});

for (const c of fx.cases) {
  test(`${c.name}: ${c.module}(${c.args.join(", ")}, ${JSON.stringify(c.opts)}) matches PyTorch`, () => {
    return checkRnnCase(c);
  });
}

test("PyTorch's parameter names and order (weight_ih_l0, ..., _reverse)", () => {
  const m = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
  const names = m.namedParameters().map(([k]) => k);
  assert.deepEqual(names, [
    "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
    "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
    "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
    "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
  ]);
  assert.deepEqual(m.weight_ih_l1!.shape, [16, 8], "layer 1 reads both directions of layer 0");
  assert.deepEqual(new GRU(3, 4, { bias: false }).namedParameters().map(([k, p]) => [k, p.shape]), [
    ["weight_ih_l0", [12, 3]], ["weight_hh_l0", [12, 4]],
  ]);
  assert.equal(String(m), "LSTM(3, 4, num_layers=2, bidirectional=True)");
  assert.equal(String(new RNN(2, 3, { nonlinearity: "relu", batchFirst: true, dropout: 0.5, numLayers: 2 })),
    "RNN(2, 3, num_layers=2, batch_first=True, dropout=0.5)");
  assert.equal(String(new GRUCell(2, 3, { bias: false })), "GRUCell(2, 3, bias=False)");
});

for (const ic of fx.inits) {
  test(`${ic.module} init after manualSeed(${ic.seed}) draws PyTorch's values in PyTorch's order`, () => {
    torch.manualSeed(ic.seed);
    const m = ic.module === "LSTM" ? new LSTM(3, 4, { numLayers: 2, bidirectional: true })
      : ic.module === "GRU" ? new GRU(3, 4)
      : ic.module === "RNN" ? new RNN(3, 4, { bias: false })
      : ic.module === "LSTMCell" ? new LSTMCell(3, 4)
      : ic.module === "GRUCell" ? new GRUCell(3, 4)
      : ic.module === "LSTM_proj" ? new LSTM(3, 4, 2, { projSize: 2 })
      : new RNNCell(3, 4);
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(ic.state));
    for (const [k, want] of Object.entries(ic.state)) {
      assert.deepEqual(Array.from((sd[k]!.contiguousData() as Float64Array)), want.data, `${ic.module}.${k}`);
    }
  });
}

test("gradcheck (float64) of an LSTMCell: input, h, c and all four parameters", () => {
  torch.manualSeed(0);
  const cell = new LSTMCell(3, 2).double();
  const x = torch.randn([2, 3], { dtype: "float64", requiresGrad: true });
  const h = torch.randn([2, 2], { dtype: "float64", requiresGrad: true });
  const c = torch.randn([2, 2], { dtype: "float64", requiresGrad: true });
  // gradcheck perturbs the parameters' storage in place, which the cell reads on every call.
  const params = [cell.weight_ih, cell.weight_hh, cell.bias_ih!, cell.bias_hh!];
  assert.ok(torch.autograd.gradcheck((xi, hi, ci) => cell.forward(xi!, [hi!, ci!]), [x, h, c, ...params]));
});

test("gradcheck (float64) of a bidirectional 2-layer GRU with batchFirst", () => {
  torch.manualSeed(1);
  const gru = new GRU(2, 2, { numLayers: 2, bidirectional: true, batchFirst: true }).double();
  const x = torch.randn([2, 3, 2], { dtype: "float64", requiresGrad: true });
  const h = torch.randn([4, 2, 2], { dtype: "float64", requiresGrad: true });
  assert.ok(torch.autograd.gradcheck((xi, hi) => gru.forward(xi!, hi), [x, h, gru.weight_hh_l1_reverse!]));
});

test("the last output step equals h_n of a 1-layer unidirectional LSTM; the reverse direction's h_n is output[0]", () => {
  torch.manualSeed(2);
  const m = new LSTM(3, 4, { bidirectional: true });
  const [out, [h]] = m.forward(torch.randn(5, 2, 3));
  assert.equal(compare(out.select(0, 4).narrow(1, 0, 4), { shape: [2, 4], dtype: "float32", data: Array.from((h.select(0, 0).contiguousData() as Float64Array)) }), null);
  assert.equal(compare(out.select(0, 0).narrow(1, 4, 4), { shape: [2, 4], dtype: "float32", data: Array.from((h.select(0, 1).contiguousData() as Float64Array)) }), null);
});

test("dropout between layers is off in eval mode and for the last layer", () => {
  torch.manualSeed(3);
  const m = new GRU(3, 4, { numLayers: 2, dropout: 0.9 }).eval();
  const x = torch.randn(4, 2, 3);
  const [a] = m.forward(x);
  const [b] = m.forward(x);
  assert.deepEqual(a.tolist(), b.tolist());
  // With one layer, dropout never applies (PyTorch warns at construction).
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (s: string) => void warnings.push(s);
  try {
    const one = new LSTM(3, 4, { dropout: 0.5 });
    const [o1] = one.forward(x);
    const [o2] = one.forward(x);
    assert.deepEqual(o1.tolist(), o2.tolist());
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, [
    "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.5 and num_layers=1",
  ]);
});

test("wrong shapes and arguments fail with PyTorch's messages", () => {
  torch.manualSeed(0);
  const lstm = new LSTM(4, 5, { numLayers: 2 });
  const gruB = new GRU(4, 5, { bidirectional: true, batchFirst: true });
  const rnn = new RNN(4, 5);
  const r = (...s: number[]) => torch.randn(s);
  assertThrowsLike(() => lstm.forward(r(3, 2, 3)), "lstm_input_size");
  assertThrowsLike(() => gruB.forward(r(2, 3, 6)), "gru_input_size");
  assertThrowsLike(() => rnn.forward(r(3, 2, 4), r(1, 3, 5)), "rnn_hidden_size");
  assertThrowsLike(() => gruB.forward(r(2, 3, 4), r(1, 2, 5)), "gru_hidden_size_bidir");
  assertThrowsLike(() => lstm.forward(r(3, 2, 4), [r(2, 2, 4), r(2, 2, 5)]), "lstm_hidden0_size");
  assertThrowsLike(() => lstm.forward(r(3, 2, 4), [r(2, 2, 5), r(1, 2, 5)]), "lstm_hidden1_size");
  assertThrowsLike(() => rnn.forward(r(3, 2, 4), r(2, 5)), "rnn_batched_hx_dim");
  assertThrowsLike(() => rnn.forward(r(3, 4), r(1, 1, 5)), "rnn_unbatched_hx_dim");
  assertThrowsLike(() => lstm.forward(r(3, 2, 4), [r(2, 5), r(2, 2, 5)]), "lstm_batched_hx_dim");
  assertThrowsLike(() => lstm.forward(r(3, 4), [r(2, 1, 5), r(2, 5)]), "lstm_unbatched_hx_dim");
  assertThrowsLike(() => new RNN(4, 5, { dropout: 1.5 }), "rnn_dropout_range");
  assertThrowsLike(() => new RNN(4, 5, { nonlinearity: "sigmoid" as "tanh" }), "rnn_nonlinearity");
  assertThrowsLike(() => new RNNCell(4, 5).forward(r(2, 3, 4)), "rnncell_input_dim");
  assertThrowsLike(() => new LSTMCell(4, 5).forward(r(3, 3)), "lstmcell_input_size");
  assertThrowsLike(() => new GRUCell(4, 5).forward(r(3, 4), r(3, 6)), "grucell_hidden_size");
  assertThrowsLike(() => new RNNCell(4, 5).forward(r(3, 4), r(2, 5)), "rnncell_batch");
  // PyTorch 2's wording (1.13 reports the rank only after unsqueezing the input).
  assert.throws(() => lstm.forward(r(1, 3, 2, 4)), { name: "ValueError", message: "LSTM: Expected input to be 2-D or 3-D but received 4-D tensor" });
  assert.throws(() => rnn.forward(r(4)), { message: "RNN: Expected input to be 2-D or 3-D but received 1-D tensor" });
  assert.throws(() => lstm.forward(r(0, 2, 4)), { message: "Expected sequence length to be larger than 0 in RNN" });
  assert.throws(() => new GRU(4, 0), { name: "ValueError", message: "hidden_size must be greater than zero" });
});

test("a PyTorch state dict of the wrong layout is rejected by loadStateDict with the shapes", () => {
  const m = new LSTM(4, 5);
  const sd = m.stateDict();
  sd["weight_ih_l0"] = makeTensor({ shape: [15, 4], dtype: "float32", data: new Array(60).fill(0) });
  assert.throws(() => m.loadStateDict(sd), /size mismatch for weight_ih_l0: copying a param with shape torch.Size\(\[15, 4\]\) from checkpoint, the shape in current model is torch.Size\(\[20, 4\]\)/);
});
