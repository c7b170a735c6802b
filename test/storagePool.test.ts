// The storage pool (src/storagePool.ts): storage a backward pass allocated and that nothing
// kept is reused, training gives bit for bit the results it gives without reuse, and every
// way a gradient can outlive backward (a leaf's .grad, retainGrad, autograd.grad's results,
// what a hook or a custom backward keeps) still holds its values after later steps reuse
// memory.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as torch from "../src/index.ts";
import { MIN_ELEMENTS, clearStoragePool, finishRecording, markEscaped, noteFloat32, startRecording, storagePoolStats, takeFloat32 } from "../src/storagePool.ts";

type Tensor = torch.Tensor;
const copy = (t: Tensor) => Float32Array.from(t.contiguousData() as Float32Array);
function assertBits(got: Tensor, want: Float32Array, what: string): void {
  const g = got.contiguousData() as Float32Array;
  assert.equal(g.length, want.length, what);
  for (let i = 0; i < g.length; i++) if (!Object.is(g[i], want[i])) assert.fail(`${what}: element ${i} is ${g[i]}, was ${want[i]}`);
}

/** A two-layer MLP big enough for every intermediate to be pooled (>= MIN_ELEMENTS floats). */
function mlp(seed: number) {
  torch.manualSeed(seed);
  const w1 = torch.randn([64, 128]).mul(0.1).requiresGrad_(), w2 = torch.randn([128, 32]).mul(0.1).requiresGrad_();
  const x = torch.randn([64, 64]), y = torch.randint(0, 32, [64]);
  const loss = () => torch.nn.functional.crossEntropy(x.matmul(w1).relu().matmul(w2), y);
  return { w1, w2, loss, opt: new torch.optim.Adam([w1, w2], { lr: 1e-2 }) };
}

/** Three steps whose forward and backward allocate many [64, 64] and [64, 128] arrays: they take whatever the pool holds of those sizes. */
function churn(): void {
  for (let step = 0; step < 3; step++) {
    const leaves = [torch.randn([64, 64]).requiresGrad_(), torch.randn([64, 128]).requiresGrad_()];
    let total = torch.zeros([]);
    for (let y of leaves) {
      for (let i = 0; i < 12; i++) y = y.mul(1.01).add(0.5);
      total = total.add(y.sum());
    }
    total.backward();
    assert.ok(leaves.every((l) => l.grad !== null));
  }
}

test("the pool hands out released arrays zero-filled, keeps escaped ones, and records only inside a pass", () => {
  clearStoragePool();
  const n = MIN_ELEMENTS + 3;
  assert.ok(startRecording());
  assert.equal(startRecording(), false, "a nested pass does not start its own recording");
  const dead = new Float32Array(n).fill(5), kept = new Float32Array(n).fill(7), small = new Float32Array(8).fill(1);
  noteFloat32(dead);
  noteFloat32(kept);
  noteFloat32(small);
  markEscaped(kept);
  finishRecording(true);
  const a = takeFloat32(n);
  assert.equal(a, dead, "the dead array is reused");
  assert.ok(a!.every((v) => v === 0), "reused arrays are zeroed");
  // for a caller that writes every element, a reused array is handed out as it was left
  assert.ok(startRecording());
  noteFloat32(a!.fill(3));
  finishRecording(true);
  const b = takeFloat32(n, false);
  assert.equal(b, dead);
  assert.ok(b!.every((v) => v === 3), "not zero-filled when the caller asks so");
  assert.equal(takeFloat32(n), undefined, "the escaped array is not in the pool");
  assert.equal(takeFloat32(8), undefined, "small arrays are not pooled");
  assert.ok(kept.every((v) => v === 7));
  // a failed pass releases nothing
  assert.ok(startRecording());
  noteFloat32(new Float32Array(n));
  finishRecording(false);
  assert.equal(takeFloat32(n), undefined);
});

test("training with storage reuse gives the same bits as without it", () => {
  clearStoragePool();
  const reused0 = storagePoolStats.reused;
  const pooled = mlp(1), plain = mlp(1);
  // a no-op hook is user code: its pass releases nothing, so `plain` never reuses storage it made
  plain.w1.registerHook(() => {});
  const train = (m: ReturnType<typeof mlp>) => {
    const l = m.loss();
    l.backward();
    m.opt.step();
    m.opt.zeroGrad();
    return l.item();
  };
  for (let step = 0; step < 4; step++) {
    assert.equal(train(pooled), train(plain), `step ${step}: loss`);
    assertBits(pooled.w1, copy(plain.w1), `step ${step}: w1`);
    assertBits(pooled.w2, copy(plain.w2), `step ${step}: w2`);
  }
  assert.ok(storagePoolStats.reused > reused0, "storage was reused");
});

test("gradients that outlive backward keep their values while later steps reuse memory", () => {
  clearStoragePool();
  const m = mlp(2);
  const h = m.w1.mul(1);
  h.retainGrad();
  const x = torch.randn([64, 64]);
  const [gx] = torch.autograd.grad(x.matmul(m.w1).relu().sum(), [m.w1]);
  const loss = x.matmul(h).relu().matmul(m.w2).pow(2).mean();
  loss.backward();
  const kept: [string, Tensor][] = [["w1.grad", m.w1.grad!], ["w2.grad", m.w2.grad!], ["retained h.grad", h.grad!], ["autograd.grad result", gx!]];
  const values = kept.map(([, t]) => copy(t));
  const reused0 = storagePoolStats.reused;
  churn();
  assert.ok(storagePoolStats.reused > reused0, "later steps reused storage");
  kept.forEach(([what, t], i) => assertBits(t, values[i]!, what));
});

test("what a hook or a custom backward keeps is never reused", () => {
  clearStoragePool();
  const stash: Tensor[] = [];
  class Scale extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor {
      return x.mul(2);
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor {
      stash.push(g.mul(3));
      return g.mul(2);
    }
  }
  const w = torch.randn([64, 64]).requiresGrad_();
  const values: Float32Array[] = [];
  const steps = () => {
    values.push(copy(stash[stash.length - 1]!));
    churn();
    stash.forEach((t, i) => assertBits(t, values[i]!, `stashed tensor ${i}`));
  };
  (Scale.apply(w.mul(1)) as Tensor).pow(2).sum().backward();
  steps();
  const h = w.mul(1);
  h.registerHook((g) => { stash.push(g.add(1)); });
  h.pow(2).sum().backward();
  steps();
});

test("kernels whose results take unzeroed pooled storage write every element", () => {
  // The pool is filled with NaN-poisoned arrays of every size below; each op's result must
  // equal the one computed into fresh (zeroed) storage, so no element was left unwritten.
  // (conv: [2, 4, 64] out, [2, 3, 8, 8] input gradient, [4, 27] weight gradient; max pool values
  // [8, 16] and its input gradient [8, 64], as [2, 4, 8, 8] in the sizes already listed)
  const sizes = [64 * 64, 64, 64 * 32, 4 * 16 * 16, 512, 384, 108, 128];
  const poison = () => {
    clearStoragePool();
    assert.ok(startRecording());
    for (const n of sizes) for (let i = 0; i < 4; i++) noteFloat32(new Float32Array(n).fill(NaN));
    finishRecording(true);
  };
  torch.manualSeed(3);
  const a = torch.randn([64, 64]), b = torch.randn([64, 64]), row = torch.randn([64]), c = torch.randn([64, 32]);
  const x = torch.randn([2, 3, 8, 8]), w = torch.randn([4, 3, 3, 3]), bias = torch.randn([4]), gy = torch.randn([2, 4, 8, 8]), gp = torch.randn([2, 4, 4, 4]);
  const F = torch.nn.functional;
  const convGrads = () => {
    const xr = x.clone().requiresGrad_(), wr = w.clone().requiresGrad_();
    const [gx, gw] = torch.autograd.grad(F.conv2d(xr, wr, null, 1, 1), [xr, wr], { gradOutputs: gy });
    return torch.cat([gx!.flatten(), gw!.flatten()]);
  };
  const ops: Array<[string, () => Tensor]> = [
    ["mul", () => a.mul(b)], ["add row", () => a.add(row)], ["sub scalar", () => a.sub(0.5)], ["neg", () => a.neg()],
    ["exp", () => a.exp()], ["relu", () => a.relu()], ["matmul", () => a.matmul(c)], ["mm transposed", () => a.t().mm(b)],
    ["bmm", () => a.reshape(4, 16, 64).bmm(b.reshape(4, 64, 16))], ["linear", () => torch.nn.functional.linear(a, c.t(), torch.ones([32]))],
    ["sum(0)", () => a.sum(0)], ["mean(-1)", () => a.mean(-1)], ["amax", () => a.amax(1)],
    ["softmax", () => a.softmax(-1)], ["logSoftmax", () => a.logSoftmax(0)], ["contiguous", () => a.t().contiguous()],
    ["to float64 and back", () => a.double().float()], ["clamp", () => a.clamp(-0.5, 0.5)], ["where", () => torch.where(a.gt(0), a, b)],
    ["conv2d", () => F.conv2d(x, w, bias, 1, 1)], ["conv2d input and weight gradients", convGrads], ["maxPool2d", () => F.maxPool2d(gy, 2)],
    ["maxPool2d input gradient", () => { const r = gy.clone().requiresGrad_(); return torch.autograd.grad(F.maxPool2d(r, 2), [r], { gradOutputs: gp })[0]!; }],
    ["maxPool2d 3x3 stride 2 input gradient (TypeScript)", () => { const r = gy.clone().requiresGrad_(); return torch.autograd.grad(F.maxPool2d(r, 3, 2, 1), [r], { gradOutputs: gp })[0]!; }],
  ];
  for (const [name, f] of ops) {
    clearStoragePool();
    const want = copy(f());
    poison();
    const reused = storagePoolStats.reused;
    const got = f();
    assert.ok(storagePoolStats.reused > reused, `${name}: its result took a pooled array`);
    assertBits(got, want, name);
  }
  clearStoragePool();
});
