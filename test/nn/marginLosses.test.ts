// The multi-class margin losses, the triplet loss with a distance function and Softmax2d beyond
// their fixtures (tools/gen_nn_fixtures.py): PyTorch's reprs, the keyword-only signature, a
// distance given as a function or a module, int32 targets, and the class weight as a buffer.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn, F } = torch;

test("reprs are PyTorch 1.13's; the default distance is a PairwiseDistance submodule named distance_function", () => {
  assert.equal(String(new nn.MultiMarginLoss({ p: 2, margin: 0.5, weight: torch.ones([3]) })), "MultiMarginLoss()");
  assert.equal(String(new nn.MultiLabelMarginLoss()), "MultiLabelMarginLoss()");
  assert.equal(String(new nn.TripletMarginWithDistanceLoss()), "TripletMarginWithDistanceLoss(\n  (distance_function): PairwiseDistance()\n)");
  assert.equal(String(new nn.Softmax2d()), "Softmax2d()");
  const byFunction = new nn.TripletMarginWithDistanceLoss({ distanceFunction: (a, b) => a.sub(b).abs().sum(-1) });
  assert.deepEqual([...byFunction.namedModules()].map(([k]) => k), [""]);
  const byModule = new nn.TripletMarginWithDistanceLoss({ distanceFunction: new nn.PairwiseDistance(1) });
  assert.deepEqual([...byModule.namedModules()].map(([k]) => k), ["", "distance_function"]);
});

test("MultiMarginLoss keeps its class weight as the buffer 'weight' (state dict), as PyTorch's _WeightedLoss", () => {
  const m = new nn.MultiMarginLoss(1, 1, torch.tensor([0.5, 1, 2]));
  assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
  assert.deepEqual(Object.keys(new nn.MultiMarginLoss().stateDict()), []);
});

test("a distance function or module gives the loss of the distances it returns", () => {
  const a = torch.tensor([[0, 0], [1, 1]]), p = torch.tensor([[3, 4], [1, 1]]), n = torch.tensor([[0, 1], [4, 5]]);
  // L1: d(a, p) = [7, 0], d(a, n) = [1, 7]: max(0, 7 - 1 + 1) = 7, max(0, 0 - 7 + 1) = 0
  const l1 = (x: torch.Tensor, y: torch.Tensor) => x.sub(y).abs().sum(-1);
  assert.deepEqual(F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: l1, reduction: "none" }).tolist(), [7, 0]);
  const m = new nn.TripletMarginWithDistanceLoss({ distanceFunction: new nn.PairwiseDistance(1, { eps: 0 }), reduction: "sum" });
  assert.equal(m.forward(a, p, n).item(), 7);
  // swap: min(d(a, n), d(p, n)) = [min(1, 6), min(7, 7)]
  assert.deepEqual(F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: l1, swap: true, reduction: "none" }).tolist(), [7, 0]);
});

test("tripletMarginWithDistanceLoss takes its options by keyword only, and a callable distance (errors as PyTorch's, in torch-ts's names)", () => {
  const x = torch.randn([3, 4]);
  const call = F.tripletMarginWithDistanceLoss as (...a: unknown[]) => unknown;
  assert.throws(() => call(x, x, x, null), { name: "TypeError", message: "tripletMarginWithDistanceLoss() takes 3 positional arguments but 4 were given" });
  assert.throws(() => call(x, x, x, 1.0, {}), { name: "TypeError", message: "tripletMarginWithDistanceLoss() takes 3 positional arguments but 4 were given" });
  assert.throws(() => call(x, x, x, { distanceFunction: 2 }), { name: "TypeError", message: "tripletMarginWithDistanceLoss(): argument 'distanceFunction' must be a function or a module, not number" });
  assert.throws(() => call(x, x, x, { margin: 1, distance_function: null }), /unexpected keyword argument 'distance_function'/);
  // a distance that is not a tensor (PyTorch's clamp then refuses the float)
  assert.throws(() => F.tripletMarginWithDistanceLoss(x, x, x, { distanceFunction: (() => 3) as never }), {
    name: "TypeError", message: "tripletMarginWithDistanceLoss(): the distance function must return a Tensor, but returned number 3",
  });
});

test("int32 targets give the int64 targets' losses", () => {
  const x = torch.randn([4, 5]);
  const t64 = torch.tensor([0, 4, 2, 2]), t32 = t64.to("int32");
  assert.equal(F.multiMarginLoss(x, t32, { p: 2 }).item(), F.multiMarginLoss(x, t64, { p: 2 }).item());
  const l64 = torch.tensor([[0, 1, -1, 3, 3], [4, -1, 0, 0, 0], [-1, 0, 0, 0, 0], [0, 1, 2, 3, 4]]);
  assert.equal(F.multilabelMarginLoss(x, l64.to("int32")).item(), F.multilabelMarginLoss(x, l64).item());
});
