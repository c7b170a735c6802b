// int64 as PyTorch has it: the default integer dtype, exact two's-complement values in a
// BigInt64Array, arithmetic that wraps at 2^63, indices and labels everywhere. Values in the
// comments are what PyTorch 1.13 prints for the same expression (op values against PyTorch
// itself are in test/fixtures/ops.json, the "int64.*" cases).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

const { F, nn } = torch;

test("integers infer int64, as PyTorch's default integer dtype", () => {
  assert.equal(torch.tensor([1, 2]).dtype, "int64");
  assert.equal(torch.tensor(3).dtype, "int64");
  assert.equal(torch.tensor([true, 1]).dtype, "int64");
  assert.equal(torch.tensor([1, 2.5]).dtype, "float32");
  assert.equal(torch.arange(5).dtype, "int64");
  assert.equal(torch.arange(0, 1, 0.25).dtype, "float32");
  assert.equal(torch.full([2], 3).dtype, "int64");
  assert.equal(torch.randint(0, 5, [3]).dtype, "int64");
  assert.equal(torch.randperm(4).dtype, "int64");
  assert.equal(torch.multinomial(torch.tensor([0.2, 0.8]), 1).dtype, "int64");
  const x = torch.tensor([[1.5, 3], [4, -1]]);
  assert.equal(x.argmax().dtype, "int64");
  assert.equal(x.argmin(1).dtype, "int64");
  assert.equal(x.max(1).indices.dtype, "int64");
  assert.equal(x.min(0).indices.dtype, "int64");
});

test("integer inference never wraps: exact int64, or the default float beyond int64", () => {
  // torch.tensor([10000000000]) -> tensor([10000000000])
  const big = torch.tensor([1e10]);
  assert.equal(big.dtype, "int64");
  assert.deepEqual(big.tolist(), [10000000000]);
  // a number beyond int64 (PyTorch: a Python float) is a float
  assert.equal(torch.tensor([3e38]).dtype, "float32");
  assert.equal(torch.tensor([3e38]).item(), Math.fround(3e38));
  assert.equal(torch.tensor([NaN, 1]).dtype, "float32");
  // torch.tensor([2147483647, 1]).sum() -> tensor(2147483648)
  assert.equal(torch.tensor([2147483647, 1]).sum().item(), 2147483648);
  assert.deepEqual(torch.arange(2147483646, 2147483650).tolist(), [2147483646, 2147483647, 2147483648, 2147483649]);
  // bigints are exact; beyond int64 is PyTorch's overflow error
  const t = torch.tensor([2n ** 62n + 1n, -(2n ** 63n)]);
  assert.equal(t.dtype, "int64");
  assert.deepEqual(Array.from(t.contiguousData() as BigInt64Array), [2n ** 62n + 1n, -(2n ** 63n)]);
  assert.throws(() => torch.tensor([2n ** 63n]), /Overflow when unpacking long/);
});

test("comparisons on int64 are exact (eq/ne gave all False/True before int64 was a dtype)", () => {
  const t = torch.tensor([1, 2, 3], { dtype: "int64" });
  assert.deepEqual(t.eq(2).tolist(), [false, true, false]);
  assert.deepEqual(t.ne(2).tolist(), [true, false, true]);
  assert.deepEqual(t.gt(torch.tensor([0, 2, 4])).tolist(), [true, false, false]);
  assert.deepEqual(t.lt(2.5).tolist(), [true, true, false]);
  // beyond 2^53 a float comparison would see these as equal
  const a = torch.tensor([2n ** 53n, 2n ** 53n + 1n]);
  assert.deepEqual(a.eq(torch.tensor([2n ** 53n + 1n, 2n ** 53n + 1n])).tolist(), [false, true]);
});

test("int64 arithmetic: scalars, promotion, wrapping at 2^63, in place", () => {
  const t = torch.tensor([1, 2, 3]);
  assert.deepEqual(t.add(1).tolist(), [2, 3, 4]);
  assert.equal(t.add(1).dtype, "int64");
  assert.deepEqual(t.mul(t).tolist(), [1, 4, 9]);
  assert.equal(t.add(0.5).dtype, "float32");
  assert.deepEqual(t.div(2).tolist(), [0.5, 1, 1.5]);
  assert.equal(t.add(torch.tensor([1.5], { dtype: "float64" })).dtype, "float64");
  assert.equal(t.add(torch.tensor([1], { dtype: "int32" })).dtype, "int64");
  // torch.tensor([2**62]) * 4 -> tensor([0]) (wraps)
  assert.deepEqual(Array.from(torch.tensor([2n ** 62n]).mul(4).contiguousData() as BigInt64Array), [0n]);
  // torch.tensor([2**63 - 1]) + 1 -> tensor([-9223372036854775808])
  assert.deepEqual(Array.from(torch.tensor([2n ** 63n - 1n]).add(1).contiguousData() as BigInt64Array), [-(2n ** 63n)]);
  const u = torch.tensor([5, 6]);
  u.add_(1);
  u.mul_(torch.tensor([2, 3], { dtype: "int32" }));
  assert.deepEqual(u.tolist(), [12, 21]);
  assert.throws(() => u.mul_(1.5), /result type Float can't be cast to the desired output type Long/);
  assert.throws(() => t.pow(-1), /Integers to negative integer powers are not allowed/);
  assert.deepEqual(t.pow(2).tolist(), [1, 4, 9]);
  assert.deepEqual(t.neg().abs().tolist(), [1, 2, 3]);
  assert.deepEqual(t.sign().tolist(), [1, 1, 1]);
  assert.deepEqual(t.exp().dtype, "float32");
  assert.deepEqual(t.cumsum(0).tolist(), [1, 3, 6]);
  assert.equal(t.prod().item(), 6);
  assert.equal(t.max().item(), 3);
  assert.deepEqual(torch.where(t.gt(1), t, 0).tolist(), [0, 2, 3]);
  assert.deepEqual(t.clamp(2, 2).tolist(), [2, 2, 2]);
  assert.deepEqual(torch.matmul(torch.tensor([[1, 2]]), torch.tensor([[3], [4]])).tolist(), [[11]]);
  assert.throws(() => t.mean(), /Input dtype must be either a floating point or complex dtype. Got: Long/);
});

test("casts to and from int64: truncation, exact wide values, NaN as x86's INT64_MIN", () => {
  const f = torch.tensor([2.9, -2.9, -0.5, 1e18], { dtype: "float64" });
  assert.deepEqual(f.long().tolist(), [2, -2, 0, 1e18]);
  assert.deepEqual(Array.from(torch.tensor([NaN, Infinity], { dtype: "float64" }).long().contiguousData() as BigInt64Array), [-(2n ** 63n), -(2n ** 63n)]);
  assert.deepEqual(torch.tensor([2n ** 62n]).double().tolist(), [2 ** 62]);
  assert.deepEqual(torch.tensor([3, 0, -1]).bool().tolist(), [true, false, true]);
  assert.deepEqual(torch.tensor([true, false]).long().tolist(), [1, 0]);
  assert.deepEqual(torch.tensor([7, -8]).int().tolist(), [7, -8]);
});

test("reading int64: item/tolist give exact numbers and refuse values a number cannot hold", () => {
  assert.equal(torch.tensor(2n ** 53n - 1n).item(), 2 ** 53 - 1);
  assert.equal(torch.tensor(2n ** 60n).item(), 2 ** 60, "a wide value a number holds exactly is read");
  assert.throws(() => torch.tensor(2n ** 53n + 1n).item(), /int64 value 9007199254740993 has no exact JavaScript number/);
  assert.throws(() => torch.tensor([1n, 2n ** 60n + 1n]).tolist(), /has no exact JavaScript number/);
});

test("int64 prints as PyTorch prints it; int32 names its dtype", () => {
  assert.equal(String(torch.tensor([1, 2, 3])), "tensor([1, 2, 3])");
  assert.equal(String(torch.tensor([1, 2], { dtype: "int32" })), "tensor([1, 2], dtype=torch.int32)");
  assert.equal(String(torch.tensor([2n ** 62n + 1n, -1n])), "tensor([4611686018427387905,                  -1])");
  assert.equal(String(torch.tensor([], { dtype: "int64" })), "tensor([], dtype=torch.int64)");
});

test("int64 labels and ids: nllLoss, crossEntropy, NLLLoss, embedding, gather, indexSelect", () => {
  const logits = torch.tensor([[0.2, 1.5, -0.3], [1.0, 0.1, 0.4]]);
  const target = torch.tensor([1, 0]).long();
  const want = -(logits.logSoftmax(1).tolist() as number[][]).reduce((s, row, i) => s + row[[1, 0][i]!]!, 0) / 2;
  assert.ok(Math.abs(F.crossEntropy(logits, target).item() - want) < 1e-6);
  assert.ok(Math.abs(F.nllLoss(logits.logSoftmax(1), target).item() - want) < 1e-6);
  assert.ok(Math.abs(new nn.NLLLoss().forward(logits.logSoftmax(1), target).item() - want) < 1e-6);
  assert.throws(() => F.crossEntropy(logits, torch.tensor([1, 3])), /Target 3 is out of bounds/);
  const emb = new nn.Embedding(5, 2);
  const ids = torch.tensor([[4, 0], [1, 1]]);
  assert.deepEqual(emb.forward(ids).shape, [2, 2, 2]);
  assert.deepEqual(emb.forward(ids).select(0, 0).select(0, 0).tolist(), emb.weight.select(0, 4).tolist());
  assert.throws(() => emb.forward(torch.tensor([5])), /index out of range in self/);
  assert.throws(() => emb.forward(torch.tensor([2n ** 40n])), /index out of range in self/);
  const x = torch.tensor([[10, 20], [30, 40]]);
  assert.deepEqual(x.gather(1, torch.tensor([[1], [0]])).tolist(), [[20], [30]]);
  assert.deepEqual(x.indexSelect(0, torch.tensor([1, 1])).tolist(), [[30, 40], [30, 40]]);
  assert.deepEqual(torch.zeros(3, { dtype: "int64" }).scatterAdd(0, torch.tensor([0, 0, 2]), torch.tensor([1, 2, 3])).tolist(), [3, 0, 3]);
  assert.throws(() => x.gather(1, torch.tensor([[2n ** 33n], [0n]])), /index 8589934592 is out of bounds/);
});

test("accuracy the PyTorch way: (pred == target).sum().item()", () => {
  const logits = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]);
  const target = torch.tensor([1, 1, 1]);
  const correct = logits.argmax(1).eq(target).sum();
  assert.equal(correct.dtype, "int64");
  assert.equal(correct.item(), 2);
});
