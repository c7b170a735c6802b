// torch.* functions and Tensor methods in PyTorch's call forms: the positional prefix, the one
// trailing options object (PyTorch's keywords, keyword-only dtype/correction included), the
// overloads (max(other), var(unbiased)), and a TypeError naming the argument for anything else.
// Expected values are PyTorch 1.13's for the same calls (small enough to state inline).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64" });
const typeError = (f: () => unknown, msg: RegExp) => assert.throws(f, (e: Error) => e.name === "TypeError" && msg.test(e.message), String(msg));

test("sum/mean/prod: (dim, keepdim), the options object, keyword-only dtype giving that dtype", () => {
  assert.deepEqual(x.sum(1, true).tolist(), [[6], [15]]);
  assert.deepEqual(x.sum({ dim: 1 }).tolist(), [6, 15]);
  assert.deepEqual(x.sum(1, { keepdim: true }).tolist(), [[6], [15]]);
  assert.deepEqual(torch.sum(x, [0, 1], { keepdim: true }).tolist(), [[21]]);
  assert.deepEqual(x.sum(null, true).shape, [1, 1]);
  const s32 = x.sum({ dtype: "int32" });
  assert.equal(s32.dtype, "int32"); // PyTorch: sum(dtype=torch.int32) is int32, not the int64 accumulator
  assert.equal(s32.item(), 21);
  assert.equal(torch.tensor([1, 2]).mean({ dtype: "float32" }).item(), 1.5);
  assert.deepEqual(x.prod({ dim: 1 }).tolist(), [6, 120]);
  assert.equal(x.prod(0, { dtype: "int32" }).dtype, "int32");
  typeError(() => x.sum(1, { dtyp: "int32" } as never), /^sum\(\) got an unexpected keyword argument 'dtyp'/);
  typeError(() => x.sum(1.5), /argument 'dim' must be an integer/);
  typeError(() => x.sum("a" as never), /argument 'dim' must be an integer or a list of integers, but got string "a"/);
  typeError(() => x.sum(1, 1 as never), /^sum\(\): argument 'keepdim' must be a boolean, but got number 1/);
  typeError(() => x.prod([0] as never), /^prod\(\): argument 'dim' must be an integer/);
  typeError(() => torch.sum(1 as never), /^sum\(\): argument 'input' must be a Tensor, but got number 1/);
  typeError(() => x.mean(0, false, { dim: 1 } as never), /^mean\(\) got multiple values for argument 'dim'/);
});

test("max/min: all, (dim, keepdim), options, and the elementwise max(other) overload", () => {
  assert.equal(x.max().item(), 6);
  const m = x.max(1);
  assert.deepEqual([m.values.tolist(), m.indices.tolist()], [[3, 6], [2, 2]]);
  const k = x.min({ dim: 0, keepdim: true });
  assert.deepEqual([k.values.tolist(), k.indices.tolist()], [[[1, 2, 3]], [[0, 0, 0]]]);
  assert.deepEqual(x.max(1, { keepdim: true }).values.tolist(), [[3], [6]]);
  assert.deepEqual(torch.max(x, torch.full([2, 3], 3.5, { dtype: "float64" })).tolist(), [[3.5, 3.5, 3.5], [4, 5, 6]]);
  assert.deepEqual(x.min(torch.full([3], 2, { dtype: "float64" })).tolist(), [[1, 2, 2], [2, 2, 2]]);
  assert.deepEqual(x.argmax({ dim: 0 }).tolist(), [1, 1, 1]);
  assert.deepEqual(x.argmin(1, true).tolist(), [[0], [0]]);
  typeError(() => x.max(1.5), /^max\(\): argument 'dim' must be an integer, but got number 1.5/);
  typeError(() => x.max({ keepdim: true } as never), /^max\(\) missing 1 required positional argument: 'dim'/);
  typeError(() => x.argmax({ dims: 0 } as never), /^argmax\(\) got an unexpected keyword argument 'dims'/);
  typeError(() => x.amax(0, { keepdims: true } as never), /^amax\(\) got an unexpected keyword argument 'keepdims'/);
  assert.deepEqual(x.amax({ dim: [0, 1], keepdim: true }).tolist(), [[6]]);
});

test("var/std: PyTorch 1.13's three overloads (dim, unbiased, keepdim), (dim, *, correction), (unbiased)", () => {
  assert.equal(x.var(false).item(), 17.5 / 6); // population variance of 1..6
  assert.equal(x.var().item(), 3.5);
  assert.deepEqual(x.var(1, false, true).tolist(), [[2 / 3], [2 / 3]]);
  assert.deepEqual(x.var(1, { correction: 0 }).tolist(), [2 / 3, 2 / 3]);
  assert.deepEqual(x.var({ dim: 0, unbiased: false }).tolist(), [2.25, 2.25, 2.25]);
  assert.deepEqual(torch.std(x, { dim: 0 }).tolist(), [Math.sqrt(4.5), Math.sqrt(4.5), Math.sqrt(4.5)]);
  typeError(() => x.var(1, true, { correction: 0 } as never), /^var\(\): takes either 'unbiased' or 'correction', not both/);
  typeError(() => x.std({ unbiased: false, correction: 0 }), /^std\(\): takes either 'unbiased' or 'correction', not both/);
  typeError(() => x.var(1, { ddof: 0 } as never), /^var\(\) got an unexpected keyword argument 'ddof'/);
});

test("logsumexp, cumsum/cumprod (dim required, keyword-only dtype), softmax/logSoftmax (dim, dtype)", () => {
  assert.deepEqual(x.logsumexp(1).tolist(), [3.4076059644443806, 6.407605964444381]);
  assert.deepEqual(x.logsumexp({ dim: 1, keepdim: true }).shape, [2, 1]);
  typeError(() => (x.logsumexp as () => unknown)(), /^logsumexp\(\) missing 1 required positional argument: 'dim'/);
  assert.deepEqual(x.cumsum({ dim: 0 }).tolist(), [[1, 2, 3], [5, 7, 9]]);
  const c = x.cumsum(1, { dtype: "int32" });
  assert.deepEqual([c.dtype, c.tolist()], ["int32", [[1, 3, 6], [4, 9, 15]]]);
  assert.deepEqual(torch.cumprod(x, 1).tolist(), [[1, 2, 6], [4, 20, 120]]);
  typeError(() => (x.cumsum as () => unknown)(), /^cumsum\(\) missing 1 required positional argument: 'dim'/);
  typeError(() => x.cumprod(0, { dytpe: "int32" } as never), /^cumprod\(\) got an unexpected keyword argument 'dytpe'/);
  const close = (got: unknown, want: number[]) => (got as number[][]).forEach((row) => row.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-15, `${v} vs ${want[i]}`)));
  const sm = x.softmax(1, "float32");
  assert.equal(sm.dtype, "float32");
  const viaOptions = x.softmax({ dim: 1, dtype: "float32" });
  assert.deepEqual(viaOptions.tolist(), sm.tolist());
  close(x.softmax(1).tolist(), [0.09003057317038045, 0.2447284710547976, 0.6652409557748218]);
  assert.equal(torch.tensor([1, 2]).softmax(0, { dtype: "float64" }).dtype, "float64");
  close(x.logSoftmax({ dim: 1 }).tolist(), [-2.4076059644443806, -1.4076059644443804, -0.4076059644443804]);
  typeError(() => x.softmax(1, "bad" as never), /^softmax\(\): argument 'dtype' must be a dtype/);
  typeError(() => x.softmax({ dtype: "float32" } as never), /^softmax\(\) missing 1 required positional argument: 'dim'/);
});

test("shape ops: flatten/squeeze/chunk/split/unbind/cat/stack options, list arguments checked element by element", () => {
  const z = torch.arange(24).reshape(2, 3, 4);
  assert.deepEqual(z.flatten({ startDim: 1 }).shape, [2, 12]);
  assert.deepEqual(z.flatten(0, { endDim: 1 }).shape, [6, 4]);
  assert.deepEqual(torch.flatten(z, 1, 2).shape, [2, 12]);
  assert.deepEqual(torch.zeros(2, 1, 1, 4).squeeze({ dim: 1 }).shape, [2, 1, 4]);
  assert.deepEqual(torch.zeros(2, 1, 1, 4).squeeze([1, 2]).shape, [2, 4]);
  assert.deepEqual(z.chunk(2, { dim: 2 }).map((t) => t.shape), [[2, 3, 2], [2, 3, 2]]);
  assert.deepEqual(z.split([1, 2], { dim: 1 }).map((t) => t.shape), [[2, 1, 4], [2, 2, 4]]);
  assert.deepEqual(torch.unbind(z, { dim: 1 }).map((t) => t.tolist()), [0, 1, 2].map((i) => z.select(1, i).tolist()));
  assert.deepEqual(torch.cat([x, x], { dim: 1 }).tolist(), [[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]);
  assert.deepEqual(torch.stack([x, x], 1).shape, [2, 2, 3]);
  typeError(() => z.flatten(0.5), /^flatten\(\): argument 'start_dim' must be an integer, but got number 0.5/);
  typeError(() => z.flatten({ start_dim: 1 } as never), /^flatten\(\) got an unexpected keyword argument 'start_dim'/);
  typeError(() => z.squeeze("a" as never), /^squeeze\(\): argument 'dim' must be an integer or a list of integers/);
  typeError(() => z.chunk(2, { axis: 1 } as never), /^chunk\(\) got an unexpected keyword argument 'axis'/);
  typeError(() => z.split("a" as never), /^split\(\): argument 'split_size_or_sections' must be an integer or a list of integers, but got string "a"/);
  typeError(() => torch.cat([x, 1 as never]), /^cat\(\): expected Tensor as element 1 in argument 0, but got number 1/);
  typeError(() => torch.cat(x as never), /^cat\(\): argument 'tensors' must be a list of Tensors, but got a Tensor/);
  typeError(() => torch.stack([x], { dim: 0, out: x } as never), /^stack\(\) got an unexpected keyword argument 'out'/);
  typeError(() => torch.reshape(x, [1.5] as never), /^reshape\(\): argument 'size' must be a list of integers, but found number 1.5 at position 0/);
  typeError(() => torch.reshape(x, 6 as never), /^reshape\(\): argument 'size' must be a list of integers, but got number 6/);
  typeError(() => torch.permute(x, [0, "a"] as never), /^permute\(\): argument 'dims' must be a list of integers, but found string a at position 1/);
  typeError(() => x.transpose(0.5, 1), /argument 'dim' must be an integer, but got number 0.5/);
});

test("tril/triu, clamp, maskedFill: PyTorch's keywords as options, nothing silently dropped", () => {
  const y = torch.tensor([[1, -2, 3], [4, 5, -6]], { dtype: "float64" });
  assert.deepEqual(y.tril({ diagonal: -1 }).tolist(), [[0, 0, 0], [4, 0, 0]]);
  assert.deepEqual(torch.triu(y, 1).tolist(), [[0, -2, 3], [0, 0, -6]]);
  assert.deepEqual(y.clamp({ min: 0, max: 4 }).tolist(), [[1, 0, 3], [4, 4, 0]]);
  assert.deepEqual(y.clamp(0, 4).tolist(), [[1, 0, 3], [4, 4, 0]]);
  assert.deepEqual(torch.clamp(y, null, 0).tolist(), [[0, -2, 0], [0, 0, -6]]);
  assert.deepEqual(y.clip(-1, { max: 2 }).tolist(), [[1, -1, 2], [2, 2, -1]]);
  typeError(() => y.tril(0.5), /^tril\(\): argument 'diagonal' must be an integer, but got number 0.5$/);
  typeError(() => y.triu({ k: 1 } as never), /^triu\(\) got an unexpected keyword argument 'k'$/);
  typeError(() => y.clamp({ min: 0, mx: 1 } as never), /^clamp\(\) got an unexpected keyword argument 'mx'$/);
  typeError(() => y.clamp("a" as never), /^clamp\(\): argument 'min' must be a number, but got string "a"$/);
  typeError(() => y.maskedFill(y.gt(0), "a" as never), /^masked_fill\(\): argument 'value' must be a Tensor or a number, but got string "a"$/);
});

test("transpose/unsqueeze take their keywords; extra arguments are TypeErrors, not dropped", () => {
  assert.deepEqual(x.transpose({ dim0: 0, dim1: 1 }).tolist(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(torch.transpose(x, 0, { dim1: 1 }).shape, [3, 2]);
  assert.deepEqual(x.unsqueeze({ dim: 1 }).shape, [2, 1, 3]);
  typeError(() => (x.transpose as (...a: unknown[]) => unknown)(0, 1, { x: 1 }), /^transpose\(\) got an unexpected keyword argument 'x'$/);
  typeError(() => (x.unsqueeze as (...a: unknown[]) => unknown)(0, 1), /^unsqueeze\(\) takes 1 positional arguments but 2 were given$/);
});

test("norms: (ord, dim, keepdim) positionally or as options, keyword-only dtype", () => {
  const y = torch.tensor([[1, -2, 3], [4, 5, -6]], { dtype: "float64" });
  assert.deepEqual(y.norm(1, 1).tolist(), [6, 15]);
  assert.deepEqual(y.norm({ p: 1, dim: 1 }).tolist(), [6, 15]);
  assert.deepEqual(torch.norm(y, 2, 1, { keepdim: true }).tolist(), [[Math.sqrt(14)], [Math.sqrt(77)]]);
  assert.deepEqual(torch.linalg.vectorNorm(y, Infinity, { dim: 1 }).tolist(), [3, 6]);
  assert.equal(torch.linalg.matrixNorm(y, { ord: 1 }).item(), 9);
  assert.deepEqual(torch.linalg.norm(y, { dim: 1 }).tolist(), [Math.sqrt(14), Math.sqrt(77)]);
  assert.equal(torch.linalg.vectorNorm(torch.tensor([3, 4]), { dtype: "float64" }).item(), 5);
  typeError(() => y.norm({ ord: 1 } as never), /^norm\(\) got an unexpected keyword argument 'ord'$/);
  typeError(() => y.norm("x" as never), /^norm\(\): argument 'p' must be a number, "fro" or "nuc", but got string "x"$/);
  typeError(() => torch.linalg.vectorNorm(y, "fro" as never), /^linalg.vector_norm\(\): argument 'ord' must be a number, but got string "fro"$/);
  typeError(() => torch.linalg.matrixNorm(y, "fro", 1 as never), /^linalg.matrix_norm\(\): argument 'dim' must be a list of 2 integers, but got number 1$/);
});

test("random functions and autograd methods check their arguments", () => {
  torch.manualSeed(0);
  assert.deepEqual(torch.multinomial(torch.tensor([0.2, 0.3, 0.5], { dtype: "float64" }), 4, true).tolist(), [2, 2, 1, 2]); // PyTorch 1.13
  torch.manualSeed(0);
  assert.deepEqual(torch.multinomial(torch.tensor([0.2, 0.3, 0.5], { dtype: "float64" }), 4, { replacement: true }).tolist(), [2, 2, 1, 2]);
  const g = new torch.Generator().manualSeed(3);
  assert.deepEqual(torch.bernoulli(torch.full([6], 0.5, { dtype: "float64" }), { generator: g }).tolist(), [1, 1, 0, 1, 0, 0]); // PyTorch 1.13
  typeError(() => torch.bernoulli(torch.full([2], 0.5), { generator: 3 } as never), /^bernoulli\(\): argument 'generator' must be a torch.Generator, but got number 3$/);
  typeError(() => torch.bernoulli(torch.full([2], 0.5), { dtype: "float64" } as never), /^bernoulli\(\) got an unexpected keyword argument 'dtype'$/);
  typeError(() => torch.multinomial(torch.ones(2), 1, "yes" as never), /^multinomial\(\): argument 'replacement' must be a boolean/);
  const w = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  w.mul(w).sum().backward(null, { retainGraph: true });
  assert.deepEqual(w.grad!.tolist(), [2, 4]);
  typeError(() => w.sum().backward(1 as never), /^backward\(\): argument 'gradient' must be a Tensor, but got number 1$/);
  typeError(() => w.sum().backward({ retain_graph: true } as never), /unexpected keyword argument 'retain_graph' \(torch-ts spells it 'retainGraph'\)/);
  typeError(() => torch.zeros(1).requiresGrad_("a" as never), /^requires_grad_\(\): argument 'requires_grad' must be a boolean, but got string "a"$/);
});

test("scatter's reduce keyword is honoured, not dropped; index arguments must be tensors", () => {
  const idx = torch.tensor([1, 1]);
  const five = () => torch.full([3], 5, { dtype: "float32" });
  assert.deepEqual(five().scatter_(0, idx, 1, { reduce: "add" }).tolist(), [5, 7, 5]); // PyTorch 1.13
  assert.deepEqual(five().scatter(0, idx, torch.tensor([2, 3], { dtype: "float32" }), { reduce: "add" }).tolist(), [5, 10, 5]);
  assert.deepEqual(five().scatter(0, torch.tensor([2]), 1).tolist(), [5, 5, 1]);
  assert.throws(() => five().scatter(0, idx, 1, { reduce: "max" } as never), { name: "RuntimeError", message: "reduce argument must be either add or multiply." });
  assert.throws(() => five().scatter(0, idx, 1, { reduce: "multiply" }), { name: "NotImplementedError" });
  typeError(() => five().scatter(0, idx, 1, { reduction: "add" } as never), /^scatter\(\) got an unexpected keyword argument 'reduction'$/);
  typeError(() => x.gather(1, [[0]] as never), /^gather\(\): argument 'index' must be a Tensor, but got an array$/);
  typeError(() => x.indexSelect(0, [1] as never), /^index_select\(\): argument 'index' must be a Tensor, but got an array$/);
});

test("range creation by keyword: arange's start/end/step and linspace's steps, beside the tensor options", () => {
  assert.deepEqual(torch.arange(0, 10, { step: 3 }).tolist(), [0, 3, 6, 9]);
  assert.deepEqual(torch.arange({ end: 3 }).tolist(), [0, 1, 2]);
  assert.deepEqual(torch.arange(1, { end: 4, dtype: "float64" }).tolist(), [1, 2, 3]);
  assert.equal(torch.arange({ start: 1, end: 2, step: 0.5 }).dtype, "float32"); // a float step: the default float dtype
  assert.equal(torch.arange(0, 4, { step: 2 }).dtype, "int64");
  typeError(() => torch.arange(5, { step: 2 } as never), /^arange\(\) missing 1 required positional argument: 'end'/); // PyTorch: no signature matches
  typeError(() => torch.arange(0, 5, 1, { step: 2 } as never), /^arange\(\) got multiple values for argument 'step'/);
  typeError(() => torch.arange(0, 5, { stop: 2 } as never), /^arange\(\) got an unexpected keyword argument 'stop'/);
  typeError(() => torch.arange("5" as never), /^arange\(\): argument 'end' must be a number, but got string "5"/);
  assert.deepEqual(torch.linspace(0, 1, { steps: 5 }).tolist(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(torch.linspace({ start: -1, end: 1, steps: 3, dtype: "float64" }).tolist(), [-1, 0, 1]);
  typeError(() => torch.linspace(0, 1, { steps: 2.5 } as never), /^linspace\(\): argument 'steps' must be an integer, but got number 2.5/);
  typeError(() => torch.linspace(0, 1 as never), /^linspace\(\) missing 1 required positional argument: 'steps'/);
});

test("diag/diagonal/flip/roll by keyword, as torch.diag(x, diagonal=1) and x.roll(1, dims=0)", () => {
  const v = torch.tensor([1, 2]);
  assert.deepEqual(torch.diag(v, { diagonal: 1 }).tolist(), [[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
  assert.deepEqual(v.diag({ diagonal: -1 }).tolist(), [[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
  typeError(() => v.diag({ offset: 1 } as never), /^diag\(\) got an unexpected keyword argument 'offset'/);
  const b = torch.arange(8).reshape(2, 2, 2);
  assert.deepEqual(b.diagonal({ dim1: -2, dim2: -1 }).tolist(), [[0, 3], [4, 7]]);
  assert.deepEqual(torch.diagonal(b, 0, { dim1: 1, dim2: 2 }).tolist(), [[0, 3], [4, 7]]);
  assert.deepEqual(b.diagonal(1, 0, 2).tolist(), [[1], [3]]);
  typeError(() => b.diagonal({ dim: 1 } as never), /^diagonal\(\) got an unexpected keyword argument 'dim'/);
  const m = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(torch.flip(m, { dims: [0, 1] }).tolist(), [[6, 5, 4], [3, 2, 1]]);
  assert.deepEqual(m.flip({ dims: 1 }).tolist(), [[3, 2, 1], [6, 5, 4]]);
  assert.deepEqual(m.flip(0).tolist(), [[4, 5, 6], [1, 2, 3]]);
  typeError(() => m.flip({ dim: 1 } as never), /^flip\(\) got an unexpected keyword argument 'dim'/);
  assert.deepEqual(torch.roll(m, { shifts: 1, dims: 1 }).tolist(), [[3, 1, 2], [6, 4, 5]]);
  assert.deepEqual(m.roll(1, { dims: 0 }).tolist(), [[4, 5, 6], [1, 2, 3]]);
  assert.deepEqual(m.roll({ shifts: [1, -1], dims: [0, 1] }).tolist(), [[5, 6, 4], [2, 3, 1]]);
  assert.deepEqual(m.roll(1).tolist(), [[6, 1, 2], [3, 4, 5]]);
  typeError(() => m.roll({ dims: 0 } as never), /^roll\(\) missing 1 required positional argument: 'shifts'/);
  typeError(() => (m.roll as (...a: unknown[]) => unknown).call(m, 1, 0, { dims: 1 }), /^roll\(\) got multiple values for argument 'dims'/);
});

test("all/any: whole tensor, (dim, keepdim), options; bool results; keepdim needs dim (PyTorch 1.13's overloads)", () => {
  const m = torch.tensor([[1, 0], [1, 1]]);
  assert.deepEqual(torch.all(m, 1, true).tolist(), [[false], [true]]);
  assert.deepEqual(m.all({ dim: 1, keepdim: true }).tolist(), [[false], [true]]);
  assert.deepEqual(torch.any(m, { dim: 0 }).tolist(), [true, true]);
  assert.equal(m.all().dtype, "bool");
  assert.equal(m.all().item(), 0);
  assert.equal(torch.tensor(0).all(0).item(), 0);
  assert.deepEqual(torch.tensor(2.0).any({ dim: -1, keepdim: true }).shape, []);
  typeError(() => torch.all(m, { keepdim: true }), /^all\(\) missing 1 required positional argument: 'dim'/);
  typeError(() => m.any([0, 1] as never), /^any\(\): argument 'dim' must be an integer, but got an array/);
  typeError(() => m.all(0, { keepdims: true } as never), /^all\(\) got an unexpected keyword argument 'keepdims'/);
  typeError(() => torch.any(1 as never), /^any\(\): argument 'input' must be a Tensor/);
});

test("isclose/allclose (rtol, atol, equalNan positional or keywords) and equal answer as PyTorch 1.13", () => {
  const a = torch.tensor([1, 2, NaN], { dtype: "float64" });
  const b = torch.tensor([1 + 1e-9, 2, NaN], { dtype: "float64" });
  // PyTorch: False True False False
  assert.equal(torch.allclose(a, b), false);
  assert.equal(torch.allclose(a, b, { equalNan: true }), true);
  assert.equal(torch.allclose(a, b, 0, 0, true), false);
  assert.equal(a.allclose(b, { atol: 0, rtol: 0, equalNan: true }), false);
  assert.deepEqual(a.isclose(b, 1e-5, 1e-8, true).tolist(), [true, true, true]);
  // PyTorch: True False False True (values compared after promotion; NaN is not equal to itself)
  assert.equal(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2], { dtype: "float32" })), true);
  assert.equal(torch.equal(torch.tensor([1, 2], { dtype: "float32" }), torch.tensor([[1, 2]], { dtype: "float32" })), false);
  assert.equal(a.equal(a), false);
  assert.equal(b.narrow(0, 0, 2).equal(torch.tensor([1 + 1e-9, 2], { dtype: "float64" })), true);
  typeError(() => torch.isclose(a, b, { equal_nan: true } as never), /^isclose\(\) got an unexpected keyword argument 'equal_nan' \(torch-ts spells it 'equalNan'\)/);
  typeError(() => torch.allclose(a, b, "1e-5" as never), /^allclose\(\): argument 'rtol' must be a number, but got string "1e-5"/);
  typeError(() => torch.equal(a, 1 as never), /^equal\(\): argument 'other' must be a Tensor, but got number 1/);
});

test("addmm/addmv/addbmm/baddbmm take beta and alpha as keywords only; addcmul/addcdiv take value; lerp a number or tensor weight", () => {
  const eye = torch.eye(2);
  // PyTorch: torch.addmm(ones(2, 2), eye(2), eye(2), beta=2, alpha=3) == [[5, 2], [2, 5]]
  assert.deepEqual(torch.addmm(torch.ones(2, 2), eye, eye, { beta: 2, alpha: 3 }).tolist(), [[5, 2], [2, 5]]);
  assert.deepEqual(torch.ones(2).addmv(eye, torch.tensor([1, 2], { dtype: "float32" }), { alpha: 2 }).tolist(), [3, 5]);
  assert.deepEqual(torch.addcmul(torch.ones(2), torch.ones(2), torch.full([2], 3), { value: 2 }).tolist(), [7, 7]);
  assert.deepEqual(torch.ones(2).addcdiv(torch.ones(2), torch.full([2], 4), { value: 2 }).tolist(), [1.5, 1.5]);
  assert.deepEqual(torch.zeros(2).lerp(torch.full([2], 4, { dtype: "float32" }), torch.tensor([0.25, 1], { dtype: "float32" })).tolist(), [1, 4]);
  typeError(() => torch.addmm(torch.ones(2, 2), eye, eye, { gamma: 2 } as never), /^addmm\(\) got an unexpected keyword argument 'gamma'/);
  typeError(() => torch.baddbmm(torch.ones(1, 2, 2), eye.unsqueeze(0), eye.unsqueeze(0), 2 as never), /^baddbmm\(\) takes 3 positional arguments but 4 were given/);
  typeError(() => torch.addcmul(torch.ones(2), torch.ones(2), torch.ones(2), 2 as never), /^addcmul\(\) takes 3 positional arguments but 4 were given/);
  typeError(() => torch.addcdiv(torch.ones(2), torch.ones(2), torch.ones(2), { value: "2" } as never), /^addcdiv\(\): argument 'value' must be a number, but got string "2"/);
  typeError(() => torch.lerp(torch.ones(2), torch.ones(2), "0.5" as never), /^lerp\(\): argument 'weight' must be a Tensor or a number/);
  typeError(() => torch.mv(eye, [1, 2] as never), /^mv\(\): argument 'vec' must be a Tensor, but got an array/);
  typeError(() => torch.dot(null as never, eye), /^dot\(\): argument 'input' must be a Tensor, but got null/);
});

test("atleast*d (one tensor, several, or a list), the stacks (a list), broadcastTo, broadcastTensors, meshgrid(…, { indexing })", () => {
  const s = torch.tensor(2.0);
  assert.deepEqual((torch.atleast1d(s) as torch.Tensor).shape, [1]);
  const several = torch.atleast2d(s, torch.ones(3));
  assert.deepEqual(several.map((t) => t.shape), [[1, 1], [1, 3]]);
  assert.deepEqual(torch.atleast3d([torch.ones(2, 3)]).map((t) => t.shape), [[2, 3, 1]]); // a list gives a list, as PyTorch's tuple
  assert.deepEqual(torch.hstack([torch.ones(2), s]).tolist(), [1, 1, 2]);
  assert.deepEqual(torch.zeros(3, 1).broadcastTo([2, 3, 4]).shape, [2, 3, 4]);
  const [a, b] = torch.broadcastTensors(torch.ones(2, 1), torch.zeros(3));
  assert.deepEqual([a!.shape, b!.shape], [[2, 3], [2, 3]]);
  const [gx, gy] = torch.meshgrid([torch.tensor([1, 2]), torch.tensor([3, 4, 5])], { indexing: "xy" });
  assert.deepEqual(gx!.tolist(), [[1, 2], [1, 2], [1, 2]]);
  assert.deepEqual(gy!.tolist(), [[3, 3], [4, 4], [5, 5]]);
  typeError(() => torch.hstack(torch.ones(2) as never), /^hstack\(\): argument 'tensors' must be a list of Tensors, but got a Tensor/);
  typeError(() => torch.vstack([torch.ones(2), 3] as never), /^vstack\(\): expected Tensor as element 1 in argument 0, but got number 3/);
  typeError(() => torch.atleast1d(s, 1 as never), /^atleast_1d\(\): expected Tensor as element 1 in argument 0, but got number 1/);
  typeError(() => torch.meshgrid(s, { index: "xy" } as never), /^meshgrid\(\) got an unexpected keyword argument 'index'/);
  typeError(() => torch.broadcastTo(s, 3 as never), /^broadcast_to\(\): argument 'size' must be a list of integers/);
  // PyTorch: RuntimeError torch.meshgrid: indexing must be one of "xy" or "ij", but received: yx
  assert.throws(() => torch.meshgrid(s, { indexing: "yx" as never }), { name: "RuntimeError", message: 'torch.meshgrid: indexing must be one of "xy" or "ij", but received: yx' });
});

test("index_* along a dim (torch.*, methods, in-place forms with version bumps), takeAlongDim, tensordot/cross/cdist/rot90/diagEmbed keywords, triuIndices/logspace options", () => {
  const x = torch.zeros(3, 2);
  const v0 = x.version;
  assert.equal(x.indexAdd_(0, torch.tensor([0, 2, 0]), torch.ones(3, 2), { alpha: 2 }), x);
  assert.deepEqual(x.tolist(), [[4, 4], [0, 0], [2, 2]]);
  x.indexCopy_(1, torch.tensor([1]), torch.full([3, 1], 7, { dtype: "float32" }));
  x.indexFill_(0, torch.tensor([-1]), -1);
  assert.deepEqual(x.tolist(), [[4, 7], [0, 7], [-1, -1]]);
  assert.equal(x.version, v0 + 3);
  const leaf = torch.ones([2, 2], { requiresGrad: true });
  assert.throws(() => leaf.indexFill_(0, torch.tensor([0]), 0), /a leaf Variable that requires grad is being used in an in-place operation/);
  assert.deepEqual(torch.takeAlongDim(torch.tensor([[10, 30, 20]]), torch.tensor([[1]]), { dim: 1 }).tolist(), [[30]]);
  typeError(() => torch.indexAdd(x, 0, torch.tensor([0]), torch.ones(1, 2), 2 as never), /^index_add\(\) takes 4 positional arguments but 5 were given/);
  typeError(() => torch.indexAdd(x, 0, torch.tensor([0]), torch.ones(1, 2), { value: 2 } as never), /^index_add\(\) got an unexpected keyword argument 'value'/);
  typeError(() => x.indexFill(0.5, torch.tensor([0]), 1), /^index_fill\(\): argument 'dim' must be an integer, but got number 0.5/);
  typeError(() => torch.takeAlongDim(x, torch.tensor([[0]]), { axis: 0 } as never), /^take_along_dim\(\) got an unexpected keyword argument 'axis'/);
  typeError(() => torch.tensordot(x, x, { dims: "2" } as never), /^tensordot\(\): argument 'dims' must be an integer or a pair of lists of integers/);
  typeError(() => torch.cdist(x, x, { p: 2, mode: 1 } as never), /^cdist\(\) got an unexpected keyword argument 'mode'/);
  typeError(() => torch.rot90(x, 1.5), /^rot90\(\): argument 'k' must be an integer, but got number 1.5/);
  typeError(() => torch.diagEmbed(x, { dim3: 0 } as never), /^diag_embed\(\) got an unexpected keyword argument 'dim3'/);
  typeError(() => torch.triuIndices(3, 3, { requiresGrad: true } as never), /^triu_indices\(\) got an unexpected keyword argument 'requiresGrad'/);
  typeError(() => torch.logspace(0, 1, 2.5), /^logspace\(\): argument 'steps' must be an integer, but got number 2.5/);
  assert.deepEqual(torch.triuIndices(2, 2, { offset: 1 }).tolist(), [[0], [1]]);
  assert.deepEqual(torch.logspace(0, 2, 3, 2, { dtype: "float64" }).tolist(), [1, 2, 4]);
  assert.deepEqual(torch.countNonzero(torch.tensor([[0, 1], [2, 3]]), 0).tolist(), [1, 2]);
  assert.deepEqual(torch.cdist(torch.tensor([[0, 0]], { dtype: "float32" }), torch.tensor([[3, 4]], { dtype: "float32" }), { computeMode: "donot_use_mm_for_euclid_dist" }).tolist(), [[5]]);
});

test("median/nanmedian: all (a tensor) or (dim, keepdim) ({ values, indices }); kthvalue(k, dim, keepdim); a line of NaNs has a NaN nanmedian", () => {
  const m = torch.tensor([[3, 1, 2], [NaN, NaN, NaN]], { dtype: "float64" });
  assert.ok(Number.isNaN(m.median().item()));
  assert.equal(m.nanmedian().item(), 2);
  const r = m.nanmedian(1, true);
  assert.deepEqual(r.values.shape, [2, 1]);
  assert.equal(r.values.index("0, 0").item(), 2);
  assert.ok(Number.isNaN(r.values.index("1, 0").item()));
  assert.deepEqual(torch.median(m.narrow(0, 0, 1), { dim: 1 }).indices.tolist(), [2]);
  assert.deepEqual(m.narrow(0, 0, 1).kthvalue(3, { dim: 1, keepdim: true }).values.tolist(), [[3]]);
  assert.ok(Number.isNaN(torch.median(torch.tensor([], { dtype: "float32" })).item())); // PyTorch: tensor(nan)
  typeError(() => m.median({ keepdim: true } as never), /^median\(\) missing 1 required positional argument: 'dim'/);
  typeError(() => m.median(0, { keepdims: true } as never), /^median\(\) got an unexpected keyword argument 'keepdims'/);
  typeError(() => m.kthvalue(1.5), /^kthvalue\(\): argument 'k' must be an integer, but got number 1.5/);
});

test("quantile/nanquantile: q a number or a 1-D tensor, (dim, keepdim) positional or keywords, keyword-only interpolation", () => {
  const v = torch.tensor([0, 1, 2, 3], { dtype: "float32" });
  // PyTorch: torch.quantile(tensor([0., 1, 2, 3]), tensor([0.5, 0.125, 0.375]), interpolation='nearest') == [2., 0., 1.]
  assert.deepEqual(torch.quantile(v, torch.tensor([0.5, 0.125, 0.375], { dtype: "float32" }), { interpolation: "nearest" }).tolist(), [2, 0, 1]);
  assert.equal(v.quantile(0.5).item(), 1.5);
  assert.deepEqual(v.reshape(2, 2).quantile(1, 1, true).tolist(), [[1], [3]]);
  assert.deepEqual(v.reshape(2, 2).nanquantile(0, { dim: 0 }).tolist(), [0, 1]);
  typeError(() => v.quantile(0.5, 0, { method: "linear" } as never), /^quantile\(\) got an unexpected keyword argument 'method'/);
  typeError(() => v.quantile("0.5" as never), /^quantile\(\): argument 'q' must be a Tensor or a number/);
  typeError(() => v.nanquantile(0.5, 0.5 as never), /^nanquantile\(\): argument 'dim' must be an integer/);
});

test("bitwise ops: a plain-JavaScript caller's wrong argument is a TypeError naming it", () => {
  const i = torch.tensor([6, 3]);
  assert.deepEqual(torch.bitwiseAnd(12, i).tolist(), [4, 0]);
  typeError(() => torch.bitwiseAnd("a" as never, i), /^bitwise_and\(\): argument 'input' must be a Tensor or a number, but got string "a"/);
  typeError(() => i.bitwiseOr([1] as never), /^bitwise_or\(\): argument 'other' must be a Tensor or a number/);
  typeError(() => torch.bitwiseXor(1, 2), /^bitwise_xor\(\): expected at least one Tensor operand, but got number 1 and number 2/);
  typeError(() => torch.bitwiseLeftShift(i, null as never), /^bitwise_left_shift\(\): argument 'other' must be a Tensor or a number, but got null/);
  typeError(() => torch.bitwiseNot(5 as never), /^bitwise_not\(\): argument 'input' must be a Tensor, but got number 5/);
});
