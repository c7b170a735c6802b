// nn.AdaptiveLogSoftmaxWithLoss against PyTorch 1.13 (tools/gen_adaptive_fixtures.py): the same
// parameters after the same seed, forward's output and loss, their gradients, log_prob, predict,
// the repr and PyTorch's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { load, makeTensor, mismatch, type Stored } from "./fixture-io.ts";

const { nn } = torch;

interface AdaptiveCase {
  name: string;
  args: [number, number, number[]];
  kwargs: { div_value?: number; head_bias?: boolean };
  seed: number;
  repr: string;
  input: Stored;
  target: Stored;
  stateDict: Record<string, Stored>;
  output: Stored;
  loss: Stored;
  inputGrad: Stored;
  paramGrads: Record<string, Stored | null>;
  logProb: Stored;
  predict: Stored;
}

for (const c of load<AdaptiveCase>("nn_adaptive.json")) {
  test(`AdaptiveLogSoftmaxWithLoss ${c.name}: PyTorch's parameters, output, loss, gradients, logProb and predict`, () => {
    torch.manualSeed(c.seed);
    const m = new nn.AdaptiveLogSoftmaxWithLoss(...c.args, { divValue: c.kwargs.div_value ?? 4, headBias: c.kwargs.head_bias ?? false });
    assert.equal(String(m), c.repr);
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(c.stateDict));
    for (const [k, want] of Object.entries(c.stateDict)) assert.equal(mismatch(sd[k]!, want), null, k);
    const x = makeTensor(c.input, true);
    const { output, loss } = m.forward(x, makeTensor(c.target));
    assert.equal(mismatch(output, c.output), null, "output");
    assert.equal(mismatch(loss, c.loss), null, "loss");
    const params = [...m.namedParameters()];
    const grads = torch.autograd.grad([loss], [x, ...params.map(([, p]) => p)], { allowUnused: true });
    assert.equal(mismatch(grads[0]!, c.inputGrad), null, "input grad");
    params.forEach(([n], i) => {
      const want = c.paramGrads[n]!;
      if (want === null) assert.equal(grads[i + 1], null, `${n}: unused, as in PyTorch`);
      else assert.equal(mismatch(grads[i + 1]!, want), null, `grad ${n}`);
    });
    const xb = x.ndim === 2 ? x.detach() : x.detach().unsqueeze(0);
    assert.equal(mismatch(m.logProb(xb), c.logProb), null, "logProb");
    assert.equal(mismatch(m.predict(xb), c.predict), null, "predict");
  });
}

test("AdaptiveLogSoftmaxWithLoss: logProb's rows are distributions and predict is their argmax, batched or not", () => {
  torch.manualSeed(4);
  const m = new nn.AdaptiveLogSoftmaxWithLoss(6, 20, [2, 7, 15], 2);
  const x = torch.randn([12, 6]).mul(4);
  const lp = m.logProb(x);
  for (const s of lp.exp().sum(1).tolist() as number[]) assert.ok(Math.abs(s - 1) < 1e-5, String(s));
  assert.deepEqual(m.predict(x).tolist(), lp.argmax(1).tolist());
  assert.deepEqual(m.predict(x.select(0, 3)).tolist(), lp.argmax(1).select(0, 3).tolist());
  assert.deepEqual(m.logProb(x.select(0, 5)).tolist(), lp.select(0, 5).tolist());
  // forward's output is logProb at the targets
  const y = torch.tensor([0, 1, 2, 6, 7, 14, 15, 19, 3, 9, 16, 1]);
  assert.ok(m.forward(x, y).output.sub(lp.gather(1, y.unsqueeze(1)).reshape(-1)).abs().max().item() < 1e-5);
});

test("AdaptiveLogSoftmaxWithLoss: PyTorch's errors", () => {
  const bad = "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1";
  for (const cutoffs of [[6, 3], [0, 3], [3, 10], [3, 3], [3.5]]) assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs), { name: "ValueError", message: bad });
  assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, []), { name: "ValueError", message: "min() arg is an empty sequence" });
  const m = new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], 2);
  const r = (...s: number[]) => torch.randn(s);
  assert.throws(() => m.forward(r(4, 8), torch.tensor([0, 4, 9, 10])), { name: "RuntimeError", message: "Target values should be in [0, 9], but values in range [0, 10] were found. " });
  assert.throws(() => m.forward(r(4, 8), torch.tensor([-1, 4, 9, 1])), { name: "RuntimeError", message: "Target values should be in [0, 9], but values in range [-1, 9] were found. " });
  assert.throws(() => m.forward(r(4, 8), torch.tensor([0, 4, 9])), { name: "RuntimeError", message: "Input and target should have the same size in the batch dimension." });
  assert.throws(() => m.forward(r(4, 8), torch.tensor([[0, 4, 9, 1]])), { name: "RuntimeError", message: "0D or 1D target tensor expected, multi-target not supported" });
  assert.throws(() => m.forward(r(4, 8, 1), torch.tensor([0, 4, 9, 1])), { name: "RuntimeError", message: "('1D target tensor expects 2D input tensors, but found inputs with size', torch.Size([4, 8, 1]))" });
  assert.throws(() => m.forward(r(8, 1), torch.tensor(3)), { name: "RuntimeError", message: "('0D target tensor expects 1D input tensors, but found inputs with size', torch.Size([8, 1]))" });
  assert.throws(() => m.forward(r(4, 7), torch.tensor([0, 4, 9, 1])), { name: "RuntimeError", message: /mat1 and mat2 shapes cannot be multiplied/ });
  assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, "3" as never), { name: "TypeError", message: /cutoffs/ });
});

test("kaiming initializers skip a zero-element tensor with PyTorch's warning (a tail projection of size 0)", () => {
  const warn = console.warn;
  const seen: string[] = [];
  console.warn = (s: string) => void seen.push(s);
  try {
    const t = torch.zeros([0, 3]);
    assert.equal(torch.nn.init.kaimingUniform_(t), t);
    assert.equal(torch.nn.init.kaimingNormal_(torch.zeros([2, 0])).numel(), 0);
    assert.deepEqual(String(new nn.Linear(0, 2)), "Linear(in_features=0, out_features=2, bias=True)");
  } finally {
    console.warn = warn;
  }
  // printed once per process (Python's default filter): by this call or an earlier one in this file
  assert.ok(seen.every((s) => s === "UserWarning: Initializing zero-element tensors is a no-op"));
});
