// nn.utils.fuseConvBnEval / fuseLinearBnEval (and their *Weights) against PyTorch 1.13
// (tools/gen_fusion_fixtures.py): the fused layer's parameters and output, equal to the
// unfused pair's output; the original layer untouched; PyTorch's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { load, makeTensor, mismatch, type Stored } from "./fixture-io.ts";

const { nn } = torch;
const { fuseConvBnEval, fuseLinearBnEval } = nn.utils;

interface FusionCase {
  name: string;
  transpose: boolean | null;
  layer: Record<string, Stored>;
  bn: Record<string, Stored>;
  input: Stored;
  fused: Record<string, Stored>;
  output: Stored;
  unfused: Stored;
}

const PAIRS: Record<string, () => [torch.nn.Module, torch.nn.Module]> = {
  Conv2d: () => [new nn.Conv2d(2, 3, 3), new nn.BatchNorm2d(3)],
  "Conv1d.nobias": () => [new nn.Conv1d(3, 4, 2, { bias: false }), new nn.BatchNorm1d(4)],
  ConvTranspose2d: () => [new nn.ConvTranspose2d(3, 2, 2, { stride: 2 }), new nn.BatchNorm2d(2)],
  "Conv2d.bn_no_affine": () => [new nn.Conv2d(2, 2, 1), new nn.BatchNorm2d(2, { affine: false })],
  Linear: () => [new nn.Linear(5, 4), new nn.BatchNorm1d(4)],
};

const loadInto = (m: torch.nn.Module, sd: Record<string, Stored>) => m.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, makeTensor(v)])));

for (const c of load<FusionCase>("nn_fusion.json")) {
  test(`fusion ${c.name}: PyTorch's fused parameters and output (the unfused pair's)`, () => {
    const [layer, bn] = PAIRS[c.name]!().map((m) => m.double()) as [torch.nn.Module, torch.nn.Module];
    loadInto(layer, c.layer);
    loadInto(bn, c.bn);
    layer.eval();
    bn.eval();
    const before = layer.stateDict();
    const fused = c.transpose === null
      ? fuseLinearBnEval(layer as torch.nn.Linear, bn as torch.nn.BatchNorm1d)
      : fuseConvBnEval(layer as torch.nn.Conv2d, bn as torch.nn.BatchNorm2d, c.transpose);
    assert.notEqual(fused, layer);
    const sd = fused.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(c.fused));
    for (const [k, want] of Object.entries(c.fused)) assert.equal(mismatch(sd[k]!, want), null, k);
    const x = makeTensor(c.input);
    assert.equal(mismatch(fused.forward(x) as torch.Tensor, c.output), null, "fused output");
    assert.equal(mismatch(bn.forward(layer.forward(x) as torch.Tensor) as torch.Tensor, c.unfused), null, "unfused output");
    // the original layer is untouched
    for (const [k, t] of Object.entries(layer.stateDict())) assert.deepEqual(t.tolist(), before[k]!.tolist(), k);
  });
}

test("fusion: PyTorch's errors", () => {
  const conv = new nn.Conv2d(2, 3, 3), bn = new nn.BatchNorm2d(3);
  assert.throws(() => fuseConvBnEval(conv, bn), { name: "AssertionError", message: "Fusion only for eval!" });
  conv.eval();
  bn.eval();
  assert.throws(() => fuseConvBnEval(conv, new nn.BatchNorm2d(3, { trackRunningStats: false }).eval()), { name: "TypeError", message: /no running statistics/ });
  assert.throws(() => fuseLinearBnEval(new nn.Linear(3, 2), new nn.BatchNorm1d(2)), { name: "AssertionError", message: "Fusion only for eval!" });
  assert.throws(() => fuseLinearBnEval(new nn.Linear(3, 2).eval(), new nn.BatchNorm1d(2, { affine: false }).eval()), { name: "TypeError", message: /affine=False/ });
  assert.throws(() => nn.utils.fuseConvBnWeights(null as never, null, torch.zeros([2]), torch.ones([2]), 1e-5, null, null), { name: "TypeError", message: /conv_w/ });
});
