// F.scaledDotProductAttention and nn.MultiheadAttention against PyTorch (test/fixtures/
// nn_seq_attention.json, tools/gen_nn_seq_fixtures.py). SDPA's reference is the explicit math of
// PyTorch 2's function (1.13 has no public SDPA); MHA's is PyTorch 1.13's module.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { scaledDotProductAttention } from "../../src/nn/functional/attention.ts";
import { MultiheadAttention } from "../../src/nn/modules/attention.ts";
import { assertThrowsLike, compare, loadFixture, type StoredTensor } from "./seq-fixture-io.ts";
import { checkMhaCase, checkSdpaCase, type SdpaCase, type SeededCase } from "./seq-cases.ts";

interface InitCase {
  module: string;
  args: number[];
  opts: Record<string, number>;
  seed: number;
  state: Record<string, StoredTensor>;
}
type MhaCase = SeededCase;
const fx = loadFixture<{ sdpa: SdpaCase[]; cases: MhaCase[]; inits: InitCase[] }>("nn_seq_attention.json");

for (const c of fx.sdpa) {
  test(`scaledDotProductAttention ${c.name} matches PyTorch 2's math (forward and q/k/v gradients)`, () => checkSdpaCase(c));
}

test("gradcheck (float64) of scaledDotProductAttention with a float mask, a bool mask and isCausal", () => {
  torch.manualSeed(0);
  const r = (...s: number[]) => torch.randn(s, { dtype: "float64", requiresGrad: true });
  const [q, k, v] = [r(2, 3, 4), r(2, 5, 4), r(2, 5, 3)];
  const fmask = torch.randn([3, 5], { dtype: "float64" });
  const bmask = torch.tensor([[true, false, true, true, false], [true, true, false, false, false], [false, false, false, false, true]]);
  assert.ok(torch.autograd.gradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!, { attnMask: fmask }), [q, k, v]));
  assert.ok(torch.autograd.gradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!, { attnMask: bmask }), [q, k, v]));
  const [q2, k2, v2] = [r(1, 2, 4, 3), r(1, 2, 4, 3), r(1, 2, 4, 2)];
  assert.ok(torch.autograd.gradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!, { isCausal: true, scale: 0.7 }), [q2, k2, v2]));
});

test("scaledDotProductAttention: bool masks keep where true, float masks add, errors name the shapes", () => {
  const q = torch.randn(1, 2, 3);
  const k = torch.randn(1, 4, 3);
  const v = torch.randn(1, 4, 2);
  // Keeping only key 2 gives exactly value row 2 for every query.
  const only2 = torch.tensor([[false, false, true, false]]);
  const out = scaledDotProductAttention(q, k, v, { attnMask: only2 });
  const want = v.select(1, 2).contiguousData() as Float32Array;
  for (let i = 0; i < 2; i++) assert.deepEqual(Array.from((out.select(1, i).contiguousData() as Float64Array)), Array.from(want));
  // A float mask of -inf everywhere but key 2 is the same thing.
  const fmask = torch.tensor([[-Infinity, -Infinity, 0, -Infinity]]);
  assert.deepEqual(scaledDotProductAttention(q, k, v, { attnMask: fmask }).tolist(), out.tolist());
  assert.throws(() => scaledDotProductAttention(q, k, v, { attnMask: only2, isCausal: true }), {
    message: "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True",
  });
  assert.throws(() => scaledDotProductAttention(q, torch.randn(1, 4, 5), v), /same embedding size, but got query \[1, 2, 3\] and key \[1, 4, 5\]/);
  assert.throws(() => scaledDotProductAttention(q, k, torch.randn(1, 3, 2)), /same sequence length, but got key \[1, 4, 3\] and value \[1, 3, 2\]/);
});

test("scaledDotProductAttention with dropoutP drops whole attention weights and rescales the rest", () => {
  torch.manualSeed(4);
  const q = torch.zeros(1, 64, 2);
  const k = torch.zeros(1, 8, 2);
  const v = torch.ones(1, 8, 1);
  // Uniform weights 1/8; each kept weight becomes 1/8 / (1 - p), so out = (#kept / 8) / (1 - p).
  const out = scaledDotProductAttention(q, k, v, { dropoutP: 0.5 }).contiguousData() as Float32Array;
  let sum = 0;
  for (const o of out) {
    const kept = o * 8 * 0.5;
    assert.ok(Math.abs(kept - Math.round(kept)) < 1e-5, `out ${o} is not (#kept/8)/(1-p)`);
    sum += kept;
  }
  const frac = sum / (64 * 8);
  assert.ok(frac > 0.4 && frac < 0.6, `kept fraction ${frac}`);
});

test("the MHA fixture covers key padding + causal masks, per-head weights, kdim/vdim, no bias, unbatched", () => {
  const names = new Set(fx.cases.map((c) => c.name));
  for (const n of ["self_batchfirst_kpm_causal", "self_batchfirst_kpm_causal/float32", "self_seqfirst_weights_per_head",
    "float_mask_no_weights", "cross_kdim_vdim", "cross_nobias_mask3d", "unbatched", "self_dropout_train",
    "bias_kv_zero_attn_kpm_causal", "cross_bias_kv_mask3d/float32", "zero_attn_unbatched"]) {
    assert.ok(names.has(n), n);
  }
});

for (const c of fx.cases) {
  test(`MultiheadAttention ${c.name} matches PyTorch (output, weights, input and parameter gradients)`, () => {
    return checkMhaCase(c);
  });
}

for (const ic of fx.inits) {
  test(`MultiheadAttention(${ic.args.join(", ")}, ${JSON.stringify(ic.opts)}) init after manualSeed(${ic.seed}) is PyTorch's`, () => {
    torch.manualSeed(ic.seed);
    const m = new MultiheadAttention(ic.args[0]!, ic.args[1]!, ic.opts);
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(ic.state));
    for (const [k, want] of Object.entries(ic.state)) {
      assert.deepEqual(Array.from((sd[k]!.contiguousData() as Float64Array)), want.data, k);
    }
  });
}

test("MultiheadAttention: averaged weights are the mean of the per-head weights; rows sum to 1", () => {
  torch.manualSeed(5);
  const m = new MultiheadAttention(6, 3, { batchFirst: true });
  const x = torch.randn(2, 4, 6);
  const [o1, avg] = m.forward(x, x, x);
  const [o2, perHead] = m.forward(x, x, x, { averageAttnWeights: false });
  const [, none] = m.forward(x, x, x, { needWeights: false });
  assert.deepEqual(o1.tolist(), o2.tolist());
  assert.equal(none, null);
  assert.deepEqual(perHead!.shape, [2, 3, 4, 4]);
  assert.equal(compare(avg!, { shape: [2, 4, 4], dtype: "float32", data: Array.from((perHead!.mean(1).contiguousData() as Float64Array)) }), null);
  for (const s of (avg!.sum(-1).contiguousData() as Float64Array)) assert.ok(Math.abs(s - 1) < 1e-6);
});

test("MultiheadAttention: wrong shapes fail with PyTorch's messages", () => {
  torch.manualSeed(0);
  const r = (...s: number[]) => torch.randn(s);
  assertThrowsLike(() => new MultiheadAttention(8, 3), "mha_divisible");
  const mha = new MultiheadAttention(8, 2);
  assertThrowsLike(() => mha.forward(r(3, 2, 6), r(3, 2, 6), r(3, 2, 6)), "mha_embed_dim");
  assertThrowsLike(() => mha.forward(r(1, 3, 2, 8), r(1, 3, 2, 8), r(1, 3, 2, 8)), "mha_query_dim");
  assertThrowsLike(() => mha.forward(r(3, 2, 8), r(4, 2, 8), r(4, 2, 8), { attnMask: torch.zeros(3, 3) }), "mha_attn_mask_2d");
  assertThrowsLike(() => mha.forward(r(3, 2, 8), r(4, 2, 8), r(4, 2, 8), { attnMask: torch.zeros(2, 3, 4) }), "mha_attn_mask_3d");
  assertThrowsLike(() => mha.forward(r(3, 2, 8), r(4, 2, 8), r(5, 2, 8)), "mha_key_value_len");
  assert.throws(() => mha.forward(r(3, 2, 8), r(4, 2, 8), r(4, 2, 8), { keyPaddingMask: torch.zeros([2, 3], { dtype: "bool" }) }), {
    message: "expecting key_padding_mask shape of (2, 4), but got torch.Size([2, 3])",
  });
  assert.throws(() => mha.forward(r(3, 2, 8), r(4, 8), r(4, 8)), {
    message: "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 2-D tensors respectively",
  });
});
