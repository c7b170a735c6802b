// The names real PyTorch programs use (issue 15) beyond the fixture table
// (test/fixtures/ops.json has their values and gradients): random_'s draws, cumprod's second
// derivative, the new* constructors, legacy constructors, ties in sort, and bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

test("random_ draws PyTorch's values for every dtype and bound form", () => {
  torch.manualSeed(0);
  // torch.empty(4).random_() etc. after torch.manual_seed(0), PyTorch 1.13
  assert.deepEqual(torch.empty(4).random_().tolist(), [8325664, 12888472, 1484222, 2214888]);
  assert.deepEqual(torch.empty(3, { dtype: "float64" }).random_().tolist(), [4137753702977065, 8293357854226700, 5809860774058864]);
  assert.deepEqual(Array.from(torch.empty(3, { dtype: "int64" }).random_().contiguousData() as BigInt64Array), [2691271404617651954n, 8072059273656089175n, 7226936298635050456n]);
  assert.deepEqual(torch.empty(3, { dtype: "int32" }).random_().tolist(), [1991416408, 1171049868, 1646868794]);
  assert.deepEqual(torch.empty(4, { dtype: "bool" }).random_().tolist(), [true, false, true, true]);
  assert.deepEqual(torch.empty(5).random_(10).tolist(), [4, 4, 1, 9, 9]);
  assert.deepEqual(torch.empty(5, { dtype: "int64" }).random_(-3, 4).tolist(), [-2, 1, -2, -3, 1]);
  assert.throws(() => torch.ones(2, { requiresGrad: true }).random_(), /a leaf Variable that requires grad/);
});

test("cumprod's gradient under createGraph (tensor ops) equals the backend's and is itself differentiable, zeros included", () => {
  const x = torch.tensor([[1.5, 0, 2, 3], [0, 2, 0, -1.5], [2, 0.5, -1, 0.25]], { dtype: "float64", requiresGrad: true });
  const g = torch.tensor([[0.3, -1, 2, 0.5], [1, 1, -2, 0.7], [0.2, 0.1, -0.4, 1.1]], { dtype: "float64" });
  const plain = torch.autograd.grad([x.cumprod(1).mul(g).sum()], [x])[0]!;
  const graph = torch.autograd.grad([x.cumprod(1).mul(g).sum()], [x], { createGraph: true })[0]!;
  const [pl, gr] = [plain.reshape(-1).tolist() as number[], graph.reshape(-1).tolist() as number[]];
  pl.forEach((v, i) => assert.ok(Math.abs(v - gr[i]!) <= 1e-15, `${i}: ${v} vs ${gr[i]}`));
  const y = torch.tensor([[1.5, 0.4, 2, 3], [0.9, 2, 0.3, -1.5]], { dtype: "float64", requiresGrad: true });
  const gy = g.narrow(0, 0, 2);
  const secondY = (t: torch.Tensor) => torch.autograd.grad([t.cumprod(1).mul(gy).sum()], [t], { createGraph: true })[0]!;
  assert.equal(torch.autograd.gradcheck(secondY, [y], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
});

test("new* make tensors of this tensor's dtype; typeAs, nelement, clip, T", () => {
  const x = torch.tensor([1, 2, 3], { dtype: "float64" });
  assert.equal(x.newZeros(2, 3).dtype, "float64");
  assert.deepEqual(x.newZeros([2]).tolist(), [0, 0]);
  assert.deepEqual(x.newOnes(2).tolist(), [1, 1]);
  assert.deepEqual(x.newFull([2], 7).tolist(), [7, 7]);
  assert.equal(x.newFull([2], 7).dtype, "float64");
  assert.equal(x.newEmpty(3, { dtype: "int64" }).dtype, "int64");
  assert.equal(x.newTensor([1, 2]).dtype, "float64");
  assert.equal(torch.tensor([1, 2]).typeAs(x).dtype, "float64");
  assert.equal(torch.zeros(2, 3).nelement(), 6);
  assert.deepEqual(torch.tensor([-2, 0.5, 3]).clip(-1, 1).tolist(), [-1, 0.5, 1]);
  assert.deepEqual(torch.arange(6).reshape(2, 3).T.tolist(), [[0, 3], [1, 4], [2, 5]]);
  assert.deepEqual(torch.arange(6).reshape(2, 3).T.shape, [3, 2]);
});

test("legacy typed constructors: sizes or data", () => {
  assert.deepEqual(torch.FloatTensor(2, 3).shape, [2, 3]);
  assert.equal(torch.FloatTensor(2, 3).dtype, "float32");
  assert.deepEqual(torch.LongTensor([1, 2]).tolist(), [1, 2]);
  assert.equal(torch.LongTensor([1, 2]).dtype, "int64");
  assert.equal(torch.DoubleTensor([[1.5]]).dtype, "float64");
  assert.deepEqual(torch.IntTensor(torch.tensor([1.7])).tolist(), [1]);
  assert.deepEqual(torch.BoolTensor([1, 0]).tolist(), [true, false]);
  assert.throws(() => torch.FloatTensor(2.5 as never), /FloatTensor\(\): expected sizes/);
});

test("sort is stable (PyTorch's order among ties is its algorithm's; stable=True is torch-ts's always)", () => {
  // torch.sort(torch.tensor([2, 1, 2, 1, 2])) -> indices [1, 3, 0, 2, 4]; descending [0, 2, 4, 1, 3]
  assert.deepEqual(torch.sort(torch.tensor([2, 1, 2, 1, 2])).indices.tolist(), [1, 3, 0, 2, 4]);
  assert.deepEqual(torch.sort(torch.tensor([2, 1, 2, 1, 2]), -1, true).indices.tolist(), [0, 2, 4, 1, 3]);
  assert.equal(torch.sort(torch.tensor([3, 1])).indices.dtype, "int64");
});

test("errors: topk's k, einsum's equation, norms of integers, movedim, repeat", () => {
  assert.throws(() => torch.topk(torch.zeros(3), 4), /selected index k out of range/);
  assert.throws(() => torch.einsum("ij,jk->ik", torch.zeros(2, 3)), /fewer operands|more operands/);
  assert.throws(() => torch.einsum("ij->ik", torch.zeros(2, 3)), /output subscript k does not appear/);
  assert.throws(() => torch.einsum("ii->i", torch.zeros(2, 3)), /subscript i is repeated for operand but the sizes don't match/);
  assert.throws(() => torch.einsum("ijk", torch.zeros(2, 3)), /does not match the number of dimensions/);
  assert.throws(() => torch.linalg.vectorNorm(torch.tensor([1, 2])), /Expected a floating point or complex tensor as input. Got Long/);
  assert.throws(() => torch.zeros(2, 3).repeat(2), /Number of dimensions of repeat dims can not be smaller/);
  assert.throws(() => torch.zeros(2, 3).movedim([0, 1], [0]), /movedim: Invalid source or destination dims/);
  assert.throws(() => torch.zeros(2).diagonal(), /Dimension out of range/);
  assert.throws(() => torch.roll(torch.zeros(3, 2), [1, 2]), /shifts must be a single integer when dims is not given/);
});

test("Tensor.unfold: a view of the windows; PyTorch's errors for a window too large, a zero step, a bad dim", () => {
  const x = torch.arange(7, { dtype: "float64" });
  const w = x.unfold(0, 3, 2);
  assert.deepEqual(w.shape, [3, 3]);
  assert.deepEqual(w.stride(), [2, 1]);
  x.mul_(10); // the windows see writes into the tensor they view
  assert.deepEqual(w.tolist(), [[0, 10, 20], [20, 30, 40], [40, 50, 60]]);
  assert.throws(() => x.unfold(0, 8, 1), { name: "RuntimeError", message: "maximum size for tensor at dimension 0 is 7 but size is 8" });
  assert.throws(() => x.unfold(0, 2, 0), { name: "RuntimeError", message: "step is 0 but must be > 0" });
  assert.throws(() => x.unfold(1, 2, 1), { name: "IndexError", message: /Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)/ });
  assert.throws(() => x.unfold(0, 1.5, 1), { name: "TypeError", message: /unfold\(\): argument 'size' must be an integer/ });
  assert.deepEqual(torch.tensor(3).unfold(0, 1, 1).shape, [1]);
});

test("layout queries as PyTorch names them: stride(), stride(dim), storageOffset(), elementSize(), nbytes, itemsize, ndimension()", () => {
  const x = torch.zeros([2, 3, 4], { dtype: "float64" });
  const v = x.transpose(0, 2).narrow(1, 1, 2); // PyTorch: stride (1, 4, 12), storage_offset 4
  assert.deepEqual(v.stride(), [1, 4, 12]);
  assert.equal(v.stride(-1), 12);
  assert.equal(v.storageOffset(), 4);
  assert.equal(v.ndimension(), 3);
  assert.equal(v.elementSize(), 8);
  assert.equal(v.nbytes, 4 * 2 * 2 * 8);
  assert.equal(torch.ones(3, { dtype: "bool" }).itemsize, 1);
  assert.equal(torch.ones(3, { dtype: "int32" }).nbytes, 12);
  assert.throws(() => v.stride(3), { name: "IndexError", message: /Dimension out of range/ });
});

// The forms test/fixtures/ops.json's cases do not reach (values from PyTorch 1.13, printed).
test("searchsorted and bucketize take a number (a 0-dim result), compare by value across dtypes, and put NaN last", () => {
  const s = torch.tensor([1, 3, 5, 7, 9], { dtype: "float32" });
  const four = torch.searchsorted(s, 4);
  assert.deepEqual([four.shape, four.item(), four.dtype], [[], 2, "int64"]);
  assert.equal(torch.bucketize(5, torch.tensor([1, 3, 5]), { right: true }).item(), 3);
  // an int64 sequence and float values: torch.searchsorted(tensor([1, 2, 3]), tensor([1.5, 2.5])) == [1, 2]
  assert.deepEqual(torch.searchsorted(torch.tensor([1, 2, 3]), torch.tensor([1.5, 2.5], { dtype: "float32" })).tolist(), [1, 2]);
  assert.deepEqual(torch.searchsorted(s, torch.tensor([NaN, -1], { dtype: "float32" })).tolist(), [5, 0]);
});

test("unique: sorted=false gives the sorted values too (PyTorch's CPU order is unspecified); each NaN is its own value, after the numbers", () => {
  assert.deepEqual((torch.unique(torch.tensor([3, 1, 2, 1, 5, 3]), false) as torch.Tensor).tolist(), [1, 2, 3, 5]);
  const [u, inv, counts] = torch.unique(torch.tensor([3, NaN, 1, NaN, 1], { dtype: "float32" }), { returnInverse: true, returnCounts: true }) as torch.Tensor[];
  assert.deepEqual([u!.tolist(), inv!.tolist(), counts!.tolist()], [[1, 3, NaN, NaN], [1, 2, 0, 3, 0], [2, 1, 1, 1]]);
  const zeroDim = torch.unique(torch.tensor(5, { dtype: "float32" }), { returnInverse: true }) as torch.Tensor[];
  assert.deepEqual([zeroDim[0]!.shape, zeroDim[1]!.shape, zeroDim[1]!.item()], [[1], [], 0]);
  assert.deepEqual((torch.unique(torch.zeros([0]), { returnCounts: true }) as torch.Tensor[]).map((t) => t.shape), [[0], [0]]);
});

test("normal(mean, std, size): options, generator and requiresGrad; the tensor forms' gradient is zero (not reparameterized), as PyTorch's", () => {
  const g = new torch.Generator().manualSeed(0);
  const t = torch.normal(2, 3, [3], { generator: g, dtype: "float64", requiresGrad: true });
  assert.equal(t.dtype, "float64");
  assert.equal(t.requiresGrad && t.isLeaf, true);
  torch.manualSeed(0);
  assert.deepEqual((torch.normal(2, 3, [3]).tolist() as number[]).map((v) => Math.round(v * 1e4) / 1e4), [6.623, 1.1197, -4.5364]);
  const mean = torch.tensor([0, 1], { dtype: "float32", requiresGrad: true }), std = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const y = torch.normal(mean, std);
  assert.equal(y.gradFn?.name, "NormalBackward3");
  y.sum().backward();
  assert.deepEqual([mean.grad!.tolist(), std.grad!.tolist()], [[0, 0], [0, 0]]);
  assert.equal(torch.normal(1, std).gradFn?.name, "NormalBackward2");
  assert.throws(() => torch.normal(0, 1 as never), { name: "TypeError", message: /normal\(\) received an invalid combination of arguments/ });
});

test("asTensor shares where PyTorch's as_tensor does; emptyLike, isTensor, numel, isFloatingPoint, resultType, canCast", () => {
  const a = new Float32Array([1, 2, 3]);
  const t = torch.asTensor(a);
  a[0] = 7;
  assert.equal((t.tolist() as number[])[0], 7); // no copy
  const x = torch.ones([2], { dtype: "float64" });
  assert.equal(torch.asTensor(x), x);
  assert.equal(torch.asTensor(x, { dtype: "float32" }).dtype, "float32");
  assert.deepEqual(torch.asTensor([[1, 2]], { dtype: "float64" }).shape, [1, 2]);
  const e = torch.emptyLike(x, { dtype: "int32" });
  assert.deepEqual([e.shape, e.dtype], [[2], "int32"]);
  assert.deepEqual([torch.isTensor(x), torch.isTensor([1]), torch.numel(torch.zeros([2, 3])), torch.isFloatingPoint(x), torch.isFloatingPoint(torch.tensor([1]))], [true, false, 6, true, false]);
  assert.equal(torch.resultType(torch.tensor([1]), 1.5), "float32");
  assert.equal(torch.resultType(torch.tensor([1], { dtype: "float64" }), torch.tensor([1], { dtype: "float32" })), "float64");
  assert.deepEqual([torch.canCast("float64", "float32"), torch.canCast("float32", "int32"), torch.canCast("int64", "bool"), torch.canCast("bool", "int32")], [true, false, false, true]);
  assert.throws(() => torch.canCast("double" as never, "float32"), { name: "TypeError", message: /can_cast\(\): argument 'from_' must be a dtype/ });
});

test("clampMin of integers by a fraction gives floats; dist with p = 0 counts differences; tensorSplit takes negative indices; histc over a constant input", () => {
  assert.deepEqual(torch.clampMin(torch.tensor([1, -2]), 0.5).tolist(), [1, 0.5]);
  assert.equal(torch.dist(torch.tensor([1, 2], { dtype: "float32" }), torch.tensor([4, 2], { dtype: "float32" }), 0).item(), 1);
  assert.deepEqual(torch.tensorSplit(torch.arange(6), [-2]).map((p) => p.tolist()), [[0, 1, 2, 3], [4, 5]]);
  assert.deepEqual(torch.histc(torch.tensor([1, 1, 1], { dtype: "float32" }), { bins: 4 }).tolist(), [0, 0, 3, 0]);
  const c = torch.cummax(torch.tensor(3, { dtype: "float32" }), 0);
  assert.deepEqual([c.values.shape, c.indices.item()], [[], 0]);
  assert.equal(torch.diff(torch.tensor([1, 2], { dtype: "float32" }), { n: 5 }).numel(), 0);
});

test("in-place forms give the out-of-place values, and aliases are the same ops (PyTorch's names for both)", () => {
  const x = () => torch.tensor([[0.25, -0.5], [0.75, 0.1]], { dtype: "float64" });
  const pairs: Array<[string, (t: torch.Tensor) => torch.Tensor, (t: torch.Tensor) => torch.Tensor]> = [
    ["abs_", (t) => t.abs_(), (t) => t.abs()], ["absolute_", (t) => t.absolute_(), (t) => t.absolute()], ["negative_", (t) => t.negative_(), (t) => t.negative()],
    ["sign_", (t) => t.sign_(), (t) => t.sign()], ["sin_", (t) => t.sin_(), (t) => t.sin()], ["cos_", (t) => t.cos_(), (t) => t.cos()], ["tan_", (t) => t.tan_(), (t) => t.tan()],
    ["tanh_", (t) => t.tanh_(), (t) => t.tanh()], ["sigmoid_", (t) => t.sigmoid_(), (t) => t.sigmoid()], ["log_", (t) => t.abs_().log_(), (t) => t.abs().log()],
    ["log1p_", (t) => t.log1p_(), (t) => t.log1p()], ["expm1_", (t) => t.expm1_(), (t) => t.expm1()], ["rsqrt_", (t) => t.abs_().rsqrt_(), (t) => t.abs().rsqrt()],
    ["erf_", (t) => t.erf_(), (t) => torch.erf(t)], ["logit_", (t) => t.abs_().logit_(0.2), (t) => t.abs().logit(0.2)], ["clampMin_", (t) => t.clampMin_(0), (t) => t.clampMin(0)],
    ["clampMax_", (t) => t.clampMax_(0.2), (t) => t.clampMax(0.2)], ["arcsin_", (t) => t.arcsin_(), (t) => t.asin()], ["arctan_", (t) => t.arctan_(), (t) => t.atan()],
    ["arctan2_", (t) => t.arctan2_(x().add(1)), (t) => t.atan2(x().add(1))], ["tril_", (t) => t.tril_(), (t) => t.tril()], ["triu_", (t) => t.triu_(1), (t) => t.triu(1)],
    ["cumsum_", (t) => t.cumsum_(1), (t) => t.cumsum(1)], ["cumprod_", (t) => t.cumprod_(0), (t) => t.cumprod(0)], ["lt_", (t) => t.lt_(0.2), (t) => t.lt(0.2).double()],
    ["logicalXor_", (t) => t.logicalXor_(x().gt(0)), (t) => t.logicalXor(x().gt(0)).double()], ["subtract_", (t) => t.subtract_(1, { alpha: 2 }), (t) => t.subtract(1, { alpha: 2 })],
    ["multiply_", (t) => t.multiply_(3), (t) => t.multiply(3)], ["divide_", (t) => t.divide_(4), (t) => t.divide(4)], ["trueDivide_", (t) => t.trueDivide_(4), (t) => t.trueDivide(4)],
    ["addmm_", (t) => t.addmm_(x(), x(), { beta: 0.5 }), (t) => t.addmm(x(), x(), { beta: 0.5 })], ["ravel", (t) => t.t().ravel(), (t) => t.t().contiguous().reshape(-1)],
    ["ger", (t) => t.reshape(-1).ger(t.reshape(-1)), (t) => t.reshape(-1).outer(t.reshape(-1))], ["greaterEqual", (t) => t.greaterEqual(0.1), (t) => t.ge(0.1)],
    ["notEqual", (t) => t.notEqual(0.1), (t) => t.ne(0.1)], ["positive", (t) => t.positive(), (t) => t],
  ];
  for (const [name, inPlace, plain] of pairs) {
    const a = x();
    const r = inPlace(a);
    assert.deepEqual(r.tolist(), plain(x()).tolist(), name);
    if (name.endsWith("_")) assert.equal(r, a, `${name} returns this`);
  }
  assert.equal(torch.divide, torch.div);
  assert.equal(torch.subtract, torch.sub);
  assert.equal(torch.greater, torch.gt);
  // eq_ writes 1/0 in self's dtype
  const e = torch.tensor([1, 5], { dtype: "float32" }).eq_(torch.tensor([1, 2], { dtype: "float32" }));
  assert.deepEqual([e.tolist(), e.dtype], [[1, 0], "float32"]);
  // in-place on a leaf that requires grad is refused, as for every in-place op
  assert.throws(() => torch.ones([2], { requiresGrad: true }).sin_(), /a leaf Variable that requires grad is being used in an in-place operation/);
  // and through autograd an in-place op's gradient is the op's: d/dx sum(sin_(x * 1)) = cos x
  const w = torch.tensor([0.3, -1.2], { dtype: "float64", requiresGrad: true });
  w.mul(1).sin_().sum().backward();
  assert.deepEqual(w.grad!.tolist(), [Math.cos(0.3), Math.cos(-1.2)]);
});

test("fillDiagonal_, logicalXor, inferenceMode and the tensor queries, as PyTorch 1.13", () => {
  const fill = (rows: number, cols: number, wrap: boolean) => torch.zeros([rows, cols]).fillDiagonal_(7, wrap).tolist();
  assert.deepEqual(fill(5, 3, true), [[7, 0, 0], [0, 7, 0], [0, 0, 7], [0, 0, 0], [7, 0, 0]]);
  assert.deepEqual(fill(5, 3, false), [[7, 0, 0], [0, 7, 0], [0, 0, 7], [0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(fill(7, 3, true), [[7, 0, 0], [0, 7, 0], [0, 0, 7], [0, 0, 0], [7, 0, 0], [0, 7, 0], [0, 0, 7]]);
  assert.deepEqual(fill(2, 4, false), [[7, 0, 0, 0], [0, 7, 0, 0]]);
  assert.deepEqual(torch.zeros([2, 2, 2]).fillDiagonal_(3).tolist(), [[[3, 0], [0, 0]], [[0, 0], [0, 3]]]);
  assert.throws(() => torch.zeros([3]).fillDiagonal_(1), { name: "RuntimeError", message: "dimensions must larger than 1" });
  assert.throws(() => torch.zeros([2, 3, 2]).fillDiagonal_(1), { name: "RuntimeError", message: "all dimensions of input must be of equal length" });
  assert.deepEqual(torch.logicalXor(torch.tensor([true, false, true]), torch.tensor([true, true, false])).tolist(), [false, true, true]);
  assert.deepEqual(torch.logicalXor(torch.tensor([0, 2, 0], { dtype: "float32" }), torch.tensor([1, 0, 0])).tolist(), [true, true, false]);
  assert.deepEqual(torch.tensor([0, 3]).logicalXor(torch.tensor(1)).tolist(), [true, false]);
  const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const y = x.mul(2);
  assert.deepEqual([x.retainsGrad, y.retainsGrad], [false, false]);
  y.retainGrad();
  assert.equal(y.retainsGrad, true);
  {
    using _ = torch.inferenceMode();
    assert.equal(x.mul(2).requiresGrad, false);
  }
  assert.equal(torch.inferenceMode(false, () => x.mul(2).requiresGrad), true);
  assert.equal(torch.inferenceMode(() => x.mul(2).requiresGrad), false);
  assert.deepEqual([torch.zeros([1]).getDevice(), torch.tensor(true).isSigned(), torch.tensor(1).isSigned(), torch.tensor([0.5]).isNonzero(), x.isCpu, x.isCuda, x.isComplex(), x.isSameSize(y)], [-1, false, true, true, true, false, false, true]);
  assert.throws(() => torch.tensor([]).isNonzero(), { name: "RuntimeError", message: "Boolean value of Tensor with no values is ambiguous" });
  assert.throws(() => torch.tensor([1, 2]).isNonzero(), { name: "RuntimeError", message: "Boolean value of Tensor with more than one value is ambiguous" });
  assert.deepEqual(torch.arange(5).splitWithSizes([2, 3]).map((p) => p.tolist()), [[0, 1], [2, 3, 4]]);
});

test("torch.cuda, torch.backends and torch.compile answer as a PyTorch without CUDA (values from Debian's CPU-only PyTorch 1.13)", () => {
  assert.deepEqual([torch.cuda.isAvailable(), torch.cuda.deviceCount(), torch.cuda.isInitialized()], [false, 0, false]);
  torch.cuda.manualSeed(1);
  torch.cuda.manualSeedAll(1);
  torch.cuda.emptyCache();
  for (const f of [() => torch.cuda.synchronize(), () => torch.cuda.currentDevice(), () => torch.cuda.getDeviceName(0)]) {
    assert.throws(f, { name: "AssertionError", message: "Torch not compiled with CUDA enabled" });
  }
  assert.deepEqual([torch.backends.mps.isAvailable(), torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark, torch.backends.cudnn.enabled], [false, false, false, true]);
  const f = (x: torch.Tensor) => x.mul(2);
  assert.equal(torch.compile(f, { mode: "reduce-overhead" }), f);
  assert.throws(() => torch.compile(3 as never), { name: "TypeError", message: /compile\(\): argument 'model' must be a Module or a function/ });
  assert.throws(() => torch.compile(f, { fullgraf: true } as never), { name: "TypeError", message: /fullgraf/ });
});

test("Tensor.multinomial and Tensor.bernoulli draw what torch.multinomial and torch.bernoulli draw", () => {
  const probs = torch.tensor([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]], { dtype: "float32" });
  torch.manualSeed(3);
  const a = torch.multinomial(probs, 4, true);
  torch.manualSeed(3);
  assert.deepEqual(probs.multinomial(4, true).tolist(), a.tolist());
  const p = torch.full([10], 0.5);
  torch.manualSeed(4);
  const b = torch.bernoulli(p);
  torch.manualSeed(4);
  assert.deepEqual(p.bernoulli().tolist(), b.tolist());
});
