// nn.Module: registration, traversal, state dicts, hooks, modes and repr, against PyTorch's behaviour.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
const { nn } = torch;

class Net extends nn.Module {
  fc1 = new nn.Linear(10, 5);
  body = new nn.Sequential(new nn.Linear(5, 4), new nn.ReLU(), new nn.Linear(4, 1, { bias: false }));
  constructor() {
    super();
    this.registerBuffer("steps", torch.zeros(1));
    this.registerBuffer("tmp", torch.zeros(1), { persistent: false });
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.body.forward(torch.relu(this.fc1.forward(x))) as torch.Tensor;
  }
}

test("fields register parameters and submodules in definition order, with PyTorch's keys", () => {
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([k]) => k), ["fc1.weight", "fc1.bias", "body.0.weight", "body.0.bias", "body.2.weight"]);
  assert.deepEqual(Object.keys(net.stateDict()), ["steps", "fc1.weight", "fc1.bias", "body.0.weight", "body.0.bias", "body.2.weight"]);
  assert.deepEqual(net.namedBuffers().map(([k]) => k), ["steps", "tmp"]);
  assert.deepEqual([...net.namedChildren()].map(([k]) => k), ["fc1", "body"]);
  assert.deepEqual([...net.namedModules()].map(([k]) => k), ["", "fc1", "body", "body.0", "body.1", "body.2"]);
  assert.equal(net.parameters().length, 5);
  assert.deepEqual(net.fc1.weight.shape, [5, 10]);
});

test("repr is PyTorch's module repr", () => {
  assert.equal(
    String(new Net()),
    "Net(\n  (fc1): Linear(in_features=10, out_features=5, bias=True)\n  (body): Sequential(\n    (0): Linear(in_features=5, out_features=4, bias=True)\n    (1): ReLU()\n    (2): Linear(in_features=4, out_features=1, bias=False)\n  )\n)",
  );
  assert.equal(String(new nn.Flatten()), "Flatten(start_dim=1, end_dim=-1)");
});

test("loadStateDict names missing, unexpected and mis-shaped keys as PyTorch does", () => {
  const net = new Net();
  assert.throws(
    () => net.loadStateDict({ "fc1.weight": torch.zeros(5, 3), extra: torch.zeros(1) }),
    (e: Error) =>
      e.message ===
      'Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: "steps", "fc1.bias", "body.0.weight", "body.0.bias", "body.2.weight". \n\tUnexpected key(s) in state_dict: "extra". \n\tsize mismatch for fc1.weight: copying a param with shape torch.Size([5, 3]) from checkpoint, the shape in current model is torch.Size([5, 10]).',
  );
  const before = net.fc1.weight.tolist();
  assert.throws(() => net.loadStateDict({ ...net.stateDict(), "fc1.weight": torch.zeros(5, 3) }), /size mismatch for fc1.weight/);
  assert.deepEqual(net.fc1.weight.tolist(), before, "a failed load changes nothing");
});

test("stateDict round trip, strict false, and values copied without breaking parameter identity", () => {
  const a = new Net();
  const b = new Net();
  const w = b.fc1.weight;
  b.loadStateDict(a.stateDict());
  assert.equal(b.fc1.weight, w);
  for (const [k, v] of Object.entries(a.stateDict())) assert.deepEqual(b.stateDict()[k].tolist(), v.tolist(), k);
  const partial = { "fc1.weight": torch.ones(5, 10), unknown: torch.ones(2) };
  const r = b.loadStateDict(partial, { strict: false });
  assert.deepEqual(r.unexpectedKeys, ["unknown"]);
  assert.equal(r.missingKeys.length, 5);
  assert.equal(b.fc1.weight.sum().item(), 50);
});

test("Linear's default init reproduces PyTorch's weights under manualSeed(0)", () => {
  const fx = JSON.parse(readFileSync(new URL("../fixtures/random_sequence.json", import.meta.url), "utf8")).linear;
  torch.manualSeed(0);
  const fc = new nn.Linear(10, 5);
  assert.deepEqual(Array.from((fc.weight.contiguousData() as Float64Array)), fx.weight);
  assert.deepEqual(Array.from((fc.bias!.contiguousData() as Float64Array)), fx.bias);
});

test("forward hooks run on every forward call and can be removed", () => {
  const fc = new nn.Linear(2, 2);
  const seen: number[][] = [];
  const pre = fc.registerForwardPreHook((_m, args) => [(args[0] as torch.Tensor).mul(0)]);
  const post = fc.registerForwardHook((_m, _args, out) => {
    seen.push((out as torch.Tensor).shape);
    return (out as torch.Tensor).add(1);
  });
  const y = fc.forward(torch.ones(3, 2));
  assert.deepEqual(seen, [[3, 2]]);
  assert.deepEqual(y.tolist(), torch.add(fc.bias!, 1).expand(3, 2).tolist());
  pre.remove();
  post.remove();
  const z = fc.forward(torch.zeros(1, 2));
  assert.deepEqual(z.tolist(), [fc.bias!.tolist()]);
  assert.equal(seen.length, 1);
});

test("train/eval, zeroGrad, apply, to(dtype)", () => {
  const net = new Net();
  net.eval();
  assert.ok([...net.modules()].every((m) => !m.training));
  net.train();
  assert.ok([...net.modules()].every((m) => m.training));
  net.forward(torch.randn(3, 10)).sum().backward();
  assert.ok(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad({ setToNone: false });
  assert.ok(net.parameters().every((p) => p.grad !== null && p.grad.abs().sum().item() === 0));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
  const order: string[] = [];
  net.apply((m) => order.push(m.constructor.name));
  assert.deepEqual(order, ["Linear", "Linear", "ReLU", "Linear", "Sequential", "Net"]);
  const w = net.fc1.weight;
  net.double();
  assert.equal(net.fc1.weight, w);
  assert.equal(w.dtype, "float64");
  assert.equal(net.forward(torch.randn([2, 10], { dtype: "float64" })).dtype, "float64");
});

test("Sequential, ModuleList and ModuleDict index and key like PyTorch", () => {
  const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
  assert.ok(seq.get(0) instanceof nn.Linear);
  assert.ok(seq.get(-1) instanceof nn.ReLU);
  assert.equal(seq.length, 2);
  assert.throws(() => seq.get(2), /index 2 is out of range/);
  const list = new nn.ModuleList([new nn.Linear(1, 1)]).append(new nn.Linear(1, 2));
  assert.deepEqual(Object.keys(list.stateDict()), ["0.weight", "0.bias", "1.weight", "1.bias"]);
  const dict = new nn.ModuleDict({ enc: new nn.Linear(1, 1), dec: new nn.Linear(1, 1) });
  assert.deepEqual(dict.keys(), ["enc", "dec"]);
  assert.deepEqual(Object.keys(dict.stateDict()), ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]);
});

test("Linear rejects a wrong input width with PyTorch's message", () => {
  assert.throws(() => new nn.Linear(3, 2).forward(torch.zeros(4, 5)), /mat1 and mat2 shapes cannot be multiplied \(4x5 and 3x2\)/);
});

test("nn.init: gains and fan-based bounds as PyTorch", () => {
  assert.equal(nn.init.calculateGain("relu"), Math.SQRT2);
  assert.equal(nn.init.calculateGain("tanh"), 5 / 3);
  assert.equal(nn.init.calculateGain("leaky_relu", 0.2), Math.sqrt(2 / 1.04));
  const w = torch.empty(300, 200);
  nn.init.xavierUniform_(w);
  const bound = Math.sqrt(6 / 500);
  assert.ok(w.abs().max().item() <= bound && w.abs().max().item() > 0.95 * bound);
  nn.init.constant_(w, 0.5);
  assert.equal(w.mean().item(), 0.5);
  assert.throws(() => nn.init.xavierUniform_(torch.empty(3)), /Fan in and fan out can not be computed/);
});
