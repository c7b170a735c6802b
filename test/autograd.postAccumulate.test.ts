// A leaf's gradient is accumulated as soon as it is complete, during the backward pass (as
// PyTorch's AccumulateGrad node runs), then its post-accumulate-grad hooks run; final
// callbacks run once every gradient is in. DDP launches its all-reduces from these.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";
import { queueCallback } from "../src/autograd/engine.ts";

const f64 = (v: number[]) => torch.tensor(v, { dtype: "float64", requiresGrad: true });

test("post-accumulate hooks see the full gradient, while earlier layers are still being differentiated", () => {
  const w1 = f64([2]), w2 = f64([3]), x = torch.tensor([5], { dtype: "float64" });
  const events: string[] = [];
  // w1 is used first in the forward pass, so its gradient is complete last.
  const h1 = x.mul(w1);
  const y = h1.mul(w2).add(h1.mul(w2)); // w2 gets two contributions, summed before its hook
  w2.registerPostAccumulateGradHook((p) => events.push(`w2 ${p.grad!.item()} w1.grad=${w1.grad === null ? "none" : w1.grad.item()}`));
  w1.registerPostAccumulateGradHook((p) => events.push(`w1 ${p.grad!.item()}`));
  y.sum().backward();
  assert.deepEqual(events, ["w2 20 w1.grad=none", "w1 30"]);
});

test("a post-accumulate hook runs after each backward with the accumulated .grad, and can be removed", () => {
  const w = f64([1, 2]);
  const seen: number[][] = [];
  const h = w.registerPostAccumulateGradHook((p) => seen.push(p.grad!.tolist() as number[]));
  w.mul(2).sum().backward();
  w.mul(3).sum().backward();
  h.remove();
  w.sum().backward();
  assert.deepEqual(seen, [[2, 2], [5, 5]]);
  assert.deepEqual(w.grad!.tolist(), [6, 6]);
});

test("post-accumulate hooks: leaves that require grad only", () => {
  assert.throws(() => torch.tensor([1]).registerPostAccumulateGradHook(() => {}), /doesn't require gradient/);
  const w = f64([1]);
  assert.throws(() => w.mul(2).registerPostAccumulateGradHook(() => {}), /non-leaf/);
});

test("a leaf reached through two branches gets the sum of both", () => {
  const a = f64([1, 2]), b = f64([3, 4]);
  const order: string[] = [];
  a.registerPostAccumulateGradHook(() => order.push("a"));
  b.registerPostAccumulateGradHook(() => order.push("b"));
  // b also feeds a branch whose gradient is zero
  const out = a.mul(b).sum().add(b.sum().mul(0));
  out.backward();
  assert.deepEqual(a.grad!.tolist(), [3, 4]);
  assert.deepEqual(b.grad!.tolist(), [1, 2]);
  assert.deepEqual([...order].sort(), ["a", "b"]);
});

test("queueCallback runs after every leaf's gradient is in, once per backward, and only during one", () => {
  const a = f64([1]), b = f64([2]);
  const log: string[] = [];
  a.registerPostAccumulateGradHook(() => {
    log.push("a");
    queueCallback(() => log.push(`final a=${a.grad!.item()} b=${b.grad!.item()}`));
  });
  b.registerPostAccumulateGradHook(() => log.push("b"));
  a.mul(b).mul(3).backward();
  assert.deepEqual(log.slice(-1), ["final a=6 b=3"]);
  assert.equal(log.filter((l) => l.startsWith("final")).length, 1);
  assert.throws(() => queueCallback(() => {}), /only be installed during backward/);
});

test("autograd.grad does not accumulate leaves and runs no post-accumulate hook", () => {
  const a = f64([1, 2]);
  let ran = 0;
  a.registerPostAccumulateGradHook(() => ran++);
  const [g] = torch.autograd.grad(a.mul(a).sum(), [a]);
  assert.deepEqual(g!.tolist(), [2, 4]);
  assert.equal(a.grad, null);
  assert.equal(ran, 0);
});
