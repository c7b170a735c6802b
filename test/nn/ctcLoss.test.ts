// F.ctcLoss beyond the PyTorch fixtures (functional.test.ts, modules.test.ts, errors.test.ts):
// the checks PyTorch 1.13 lacks (it reads past the arrays for negative lengths and out-of-range
// labels), plain-JavaScript argument mistakes, layouts, empty batches, the graph, and training.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { F, nn } = torch;
const lp = (t: number, n: number, c: number) => torch.randn([t, n, c], { dtype: "float64" }).logSoftmax(2);
const long = (v: number[] | number[][]) => torch.tensor(v, { dtype: "int64" });

test("ctcLoss: negative lengths and labels outside [0, C) are errors naming them (PyTorch 1.13 reads past its arrays)", () => {
  const x = lp(6, 2, 4), y = long([[1, 2], [1, 1]]);
  assert.throws(() => F.ctcLoss(x, y, [-1, 6], [2, 2]), { name: "RuntimeError", message: "Expected input_lengths to have value at least 0, but got value -1 (while checking arguments for ctc_loss_cpu)" });
  assert.throws(() => F.ctcLoss(x, y, [6, 6], [2, -2]), { name: "RuntimeError", message: "Expected target_lengths to have value at least 0, but got value -2 (while checking arguments for ctc_loss_cpu)" });
  assert.throws(() => F.ctcLoss(x, long([[1, 4], [1, 1]]), [6, 6], [2, 2]), { name: "RuntimeError", message: /^Target 4 is out of bounds for 4 classes \(sample 0, position 1\)/ });
  assert.throws(() => F.ctcLoss(x, long([1, 1, -3]), [6, 6], [2, 1]), { name: "RuntimeError", message: /^Target -3 is out of bounds for 4 classes \(sample 1, position 0\)/ });
  // padding past a target's length is never read, whatever it holds
  const padded = F.ctcLoss(x, long([[1, 2, -1], [3, -7, 99]]), [6, 6], [2, 1], { reduction: "none" });
  const exact = F.ctcLoss(x, long([1, 2, 3]), [6, 6], [2, 1], { reduction: "none" });
  assert.deepEqual(padded.tolist(), exact.tolist());
});

test("ctcLoss: lengths must be integer tensors or arrays of integers, both of one kind (TypeError, as PyTorch's overloads)", () => {
  const x = lp(6, 2, 4), y = long([[1, 2], [1, 1]]);
  assert.throws(() => F.ctcLoss(x, y, long([6, 6]), [2, 2]), { name: "TypeError", message: /input_lengths and target_lengths must both be tensors of integers or both arrays of integers, but got a Tensor and an array/ });
  assert.throws(() => F.ctcLoss(x, y, [6, 6.5], [2, 2]), { name: "TypeError", message: /argument 'input_lengths' must be an array of integers, but element 1 is/ });
  assert.throws(() => F.ctcLoss(x, y, [6, 6], [2, NaN]), { name: "TypeError", message: /argument 'target_lengths' must be an array of integers, but element 1 is/ });
  assert.throws(() => F.ctcLoss(x, y, [6, 6], ["2", 2] as never), { name: "TypeError", message: /argument 'target_lengths' must be an array of integers, but element 0 is/ });
  assert.throws(() => F.ctcLoss(x, y, 6 as never, 2 as never), { name: "TypeError", message: /but got number and number/ });
  assert.throws(() => F.ctcLoss(x, y, [6, 6], [2, 2], { blank: 1.5 }), { name: "TypeError", message: /blank/ });
  assert.throws(() => F.ctcLoss(x, y, [6, 6], [2, 2], { zeroInfinty: true } as never), { name: "TypeError", message: /zeroInfinty/ });
  assert.throws(() => F.ctcLoss(null as never, y, [6, 6], [2, 2]), { name: "TypeError", message: /log_probs/ });
});

test("ctcLoss: a permuted log_probs, int32, float and bool targets give the contiguous int64 result", () => {
  const x = lp(7, 3, 5);
  const want = F.ctcLoss(x, long([[1, 2, 2], [3, 1, 4], [4, 4, 1]]), [7, 6, 5], [3, 2, 3], { reduction: "none" }).tolist() as number[];
  const permuted = x.permute(1, 0, 2).contiguous().permute(1, 0, 2);
  assert.equal(permuted.isContiguous(), false);
  assert.deepEqual(F.ctcLoss(permuted, long([[1, 2, 2], [3, 1, 4], [4, 4, 1]]), [7, 6, 5], [3, 2, 3], { reduction: "none" }).tolist(), want);
  const y32 = torch.tensor([[1, 2, 2], [3, 1, 4], [4, 4, 1]], { dtype: "int32" });
  assert.deepEqual(F.ctcLoss(x, y32, [7, 6, 5], [3, 2, 3], { reduction: "none" }).tolist(), want);
  // PyTorch 1.13 converts targets to int64: a float label is truncated
  const yf = torch.tensor([[1.9, 2.2, 2.7], [3.1, 1.5, 4.9], [4.0, 4.3, 1.0]], { dtype: "float64" });
  assert.deepEqual(F.ctcLoss(x, yf, [7, 6, 5], [3, 2, 3], { reduction: "none" }).tolist(), want);
  const yb = torch.tensor([[true, true], [true, false]]);
  const wantB = F.ctcLoss(x.narrow(1, 0, 2), long([[1, 1], [1, 0]]), [7, 7], [2, 2], { reduction: "none" }).tolist();
  assert.deepEqual(F.ctcLoss(x.narrow(1, 0, 2), yb, [7, 7], [2, 2], { reduction: "none" }).tolist(), wantB);
});

test("ctcLoss: hand-computed values (one frame, two frames) and the empty batch", () => {
  // T = 1, target empty: -log p(blank); T = 2, target [1]: paths (1,1), (b,1), (1,b)
  const p = [[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]];
  const x = torch.tensor([[p[0]!], [p[1]!]], { dtype: "float64" }).log();
  const one = F.ctcLoss(x.narrow(0, 0, 1), long([[1]]), [1], [0], { reduction: "none" }).item();
  assert.ok(Math.abs(one - -Math.log(0.5)) < 1e-15);
  const two = F.ctcLoss(x, long([[1]]), [2], [1], { reduction: "none" }).item();
  assert.ok(Math.abs(two - -Math.log(0.3 * 0.6 + 0.5 * 0.6 + 0.3 * 0.1)) < 1e-15);
  // a repeated label needs a blank between: [1, 1] in two frames is impossible
  assert.equal(F.ctcLoss(x, long([[1, 1]]), [2], [2], { reduction: "none" }).item(), Infinity);
  assert.equal(F.ctcLoss(x, long([[1, 1]]), [2], [2], { reduction: "none", zeroInfinity: true }).item(), 0);
  // no frames: an empty target has probability 1 (PyTorch's -0), any other 0
  assert.ok(Object.is(F.ctcLoss(x, long([[1]]), [0], [0], { reduction: "none" }).item(), -0));
  assert.equal(F.ctcLoss(x, long([[1]]), [0], [1], { reduction: "none" }).item(), Infinity);
  const empty = torch.zeros([6, 0, 5]), none = long([]).reshape(0, 2);
  assert.deepEqual(F.ctcLoss(empty, none, [], [], { reduction: "none" }).shape, [0]);
  assert.ok(Number.isNaN(F.ctcLoss(empty, none, [], []).item()));
  assert.equal(F.ctcLoss(empty, none, [], [], { reduction: "sum" }).item(), 0);
});

test("ctcLoss: the graph (CtcLossBackward0), no double backward, and in-place changes are caught", () => {
  const x = lp(5, 2, 4).detach().requiresGrad_();
  const loss = F.ctcLoss(x, long([[1, 2], [3, 3]]), [5, 5], [2, 2]);
  // mean: MeanBackward0 <- DivBackward0 <- CtcLossBackward0
  const div = loss.gradFn!.nextFunctions[0]![0] as torch.autograd.Node;
  assert.equal((div.nextFunctions[0]![0] as torch.autograd.Node).name, "CtcLossBackward0");
  const [g] = torch.autograd.grad([loss], [x], { createGraph: true });
  assert.throws(() => g!.sum().backward(), { name: "RuntimeError", message: "derivative for aten::_ctc_loss_backward is not implemented" });
  const again = F.ctcLoss(x, long([[1, 2], [3, 3]]), [5, 5], [2, 2]);
  torch.noGrad(() => x.mul_(1));
  assert.throws(() => again.backward(), { name: "RuntimeError", message: /modified by an inplace operation/ });
});

test("ctcLoss: a parameter sequence trained with CTC learns to emit its target (greedy decoding)", () => {
  torch.manualSeed(3);
  const T = 12, C = 5, target = [3, 1, 1, 4];
  const logits = new nn.Parameter(torch.randn([T, 1, C]).mul(0.1));
  const crit = new nn.CTCLoss();
  const opt = new torch.optim.Adam([logits], { lr: 0.1 });
  const y = long([target]);
  let first = 0, last = 0;
  for (let step = 0; step < 150; step++) {
    opt.zeroGrad();
    const loss = crit.forward(logits.logSoftmax(2), y, [T], [target.length]);
    if (step === 0) first = loss.item();
    last = loss.item();
    loss.backward();
    opt.step();
  }
  assert.ok(last < first / 20, `loss ${first} -> ${last}`);
  // greedy decoding: the best class per frame, repeats merged, blanks dropped
  const best = logits.argmax(2).reshape(-1).tolist() as number[];
  const decoded = best.filter((c, i) => c !== 0 && c !== best[i - 1]);
  assert.deepEqual(decoded, target);
});
