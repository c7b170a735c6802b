// Behaviour beyond the fixtures: numerical safety at extreme logits, BatchNorm's state,
// pooling indices, embedding padding, option validation, and a LeNet-5 training step.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn, F } = torch;
type Tensor = torch.Tensor;
const i32 = (v: number[]) => torch.tensor(v, { dtype: "int32" });
const allFinite = (t: Tensor) => t.isfinite().logicalNot().sum().item() === 0;

test("crossEntropy, logSoftmax and BCEWithLogits stay finite (with exact values) at logits of +-1e4", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const logits = torch.tensor([[1e4, -1e4, 0], [-1e4, 1e4, 1e4]], { dtype, requiresGrad: true });
    const ls = F.logSoftmax(logits, 1);
    assert.ok(allFinite(ls));
    assert.deepEqual(ls.tolist(), [[0, -2e4, -1e4], [-2e4 - Math.log(2), -Math.log(2), -Math.log(2)]].map((r) => r.map((v) => (dtype === "float32" ? Math.fround(v) : v))));
    const ce = F.crossEntropy(logits, i32([1, 0]), { reduction: "none" });
    assert.ok(allFinite(ce));
    assert.deepEqual(ce.tolist(), [2e4, dtype === "float32" ? Math.fround(2e4 + Math.log(2)) : 2e4 + Math.log(2)]);
    ce.sum().backward();
    assert.ok(allFinite(logits.grad!));
    const x = torch.tensor([1e4, -1e4, 1e4, -1e4], { dtype, requiresGrad: true });
    const y = torch.tensor([0, 0, 1, 1], { dtype });
    const bce = F.binaryCrossEntropyWithLogits(x, y, { reduction: "none" });
    assert.deepEqual(bce.tolist(), [1e4, 0, 0, 1e4]);
    const withPos = F.binaryCrossEntropyWithLogits(x, y, { posWeight: torch.tensor([3], { dtype }), reduction: "sum" });
    assert.equal(withPos.item(), 1e4 + 3e4);
    withPos.backward();
    assert.ok(allFinite(x.grad!));
  }
});

test("BatchNorm: PyTorch's state-dict keys, num_batches_tracked is an int64 buffer that counts training batches", () => {
  const bn = new nn.BatchNorm2d(3);
  assert.deepEqual(Object.keys(bn.stateDict()), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
  const nbt = bn.stateDict().num_batches_tracked!;
  assert.equal(nbt.dtype, "int64");
  assert.deepEqual(nbt.shape, []);
  bn.forward(torch.randn(2, 3, 2, 2));
  bn.forward(torch.randn(2, 3, 2, 2));
  assert.equal(Number(bn.numBatchesTracked!.item()), 2);
  bn.eval();
  const before = bn.runningMean!.clone();
  bn.forward(torch.randn(2, 3, 2, 2));
  assert.equal(Number(bn.numBatchesTracked!.item()), 2, "eval mode does not count");
  assert.deepEqual(bn.runningMean!.tolist(), before.tolist(), "eval mode does not update the running stats");
  // A PyTorch state dict with num_batches_tracked = 7 loads.
  const sd = bn.stateDict();
  sd.num_batches_tracked = torch.tensor(7n, { dtype: "int64" });
  new nn.BatchNorm2d(3).loadStateDict(sd);
  const fresh = new nn.BatchNorm2d(3);
  fresh.loadStateDict(sd);
  assert.equal(Number(fresh.numBatchesTracked!.item()), 7);
});

test("maxPool2d returnIndices gives flat per-plane indices that pick the maxima", () => {
  const x = torch.randn(2, 3, 6, 5);
  const { values, indices } = F.maxPool2d(x, 2, { stride: 2, padding: 1, returnIndices: true });
  assert.equal(indices.dtype, "int64");
  assert.deepEqual(indices.shape, values.shape);
  const picked = x.reshape(2, 3, 30).gather(2, indices.reshape(2, 3, -1)).reshape(values.shape);
  assert.deepEqual(picked.tolist(), values.tolist());
});

test("Embedding zeroes its padding row and sends it no gradient", () => {
  const e = new nn.Embedding(5, 3, { paddingIdx: 1 });
  assert.deepEqual(e.weight.select(0, 1).tolist(), [0, 0, 0]);
  const out = e.forward(i32([1, 2, 1, 4]));
  out.sum().backward();
  assert.deepEqual(e.weight.grad!.tolist(), [[0, 0, 0], [0, 0, 0], [1, 1, 1], [0, 0, 0], [1, 1, 1]]);
  const pre = nn.Embedding.fromPretrained(torch.eye(3));
  assert.equal(pre.weight.requiresGrad, false);
  assert.deepEqual(pre.forward(i32([2])).tolist(), [[0, 0, 1]]);
});

test("conv options are validated as PyTorch does", () => {
  assert.throws(() => new nn.Conv2d(2, 3, 3, { padding: "same", stride: 2 }), /padding='same' is not supported for strided convolutions/);
  assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), /in_channels must be divisible by groups/);
  assert.throws(() => F.conv2d(torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3), undefined, { padding: "full" as "same" }), /Invalid padding string: 'full'/);
  assert.equal(String(new nn.Conv2d(3, 8, [3, 5], { stride: 2, padding: 1, bias: false })), "Conv2d(3, 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), bias=False)");
});

test("F.unfold and F.fold are adjoint: <unfold(x), y> == <x, fold(y)>", () => {
  const x = torch.randn([2, 3, 5, 6], { dtype: "float64" });
  const opts = { dilation: [2, 1], padding: [1, 2], stride: [1, 2] };
  const u = F.unfold(x, [2, 3], opts);
  const y = torch.randnLike(u);
  const lhs = u.mul(y).sum().item();
  const rhs = x.mul(F.fold(y, [5, 6], [2, 3], opts)).sum().item();
  assert.ok(Math.abs(lhs - rhs) < 1e-10 * Math.abs(lhs));
});

class LeNet5 extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5, { padding: 2 });
  pool = new nn.MaxPool2d(2);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  override forward(x: Tensor): Tensor {
    x = this.pool.forward(this.conv1.forward(x).relu()) as Tensor;
    x = this.pool.forward(this.conv2.forward(x).relu()) as Tensor;
    x = x.flatten(1);
    return this.fc3.forward(this.fc2.forward(this.fc1.forward(x).relu()).relu());
  }
}

test("LeNet-5 trains: the loss on a fixed batch falls", () => {
  torch.manualSeed(0);
  const net = new LeNet5();
  const opt = new torch.optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = torch.randn(16, 1, 28, 28);
  const y = torch.randint(0, 10, [16]);
  const losses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const loss = F.crossEntropy(net.forward(x), y);
    losses.push(loss.item());
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
  for (let i = 1; i < losses.length; i++) assert.ok(losses[i]! < losses[i - 1]!, `losses: ${losses.join(", ")}`);
  assert.ok(losses[7]! < losses[0]! * 0.95, `losses: ${losses.join(", ")}`);
});
