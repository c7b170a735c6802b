// torch.optim.swaUtils against PyTorch 1.13 (tools/gen_swa_fixtures.py): AveragedModel over an
// SGD run (the mean, an EMA avgFn, useBuffers), updateBn's statistics, SWALR's learning rates;
// and PyTorch's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import { makeTensor, mismatch, type Stored } from "./nn/fixture-io.ts";

const { nn, optim } = torch;
const { AveragedModel, SWALR, updateBn } = optim.swaUtils;

const fx = JSON.parse(readFileSync(new URL("./fixtures/optim_swa.json", import.meta.url), "utf8")) as {
  averaged: Array<{ name: string; xs: Stored[]; ys: Stored[]; probe: Stored; stateDict: Record<string, Stored>; output: Stored; afterUpdateBn: Record<string, Stored>; trainingAfterUpdateBn: boolean }>;
  swalr: Array<{ name: string; swaLr: number | number[]; kwargs: { anneal_epochs: number; anneal_strategy?: "cos" | "linear" }; lrs: number[][] }>;
};

const model = () => new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));
const OPTIONS: Record<string, torch.optim.swaUtils.AveragedModelOptions> = {
  mean: {},
  ema_avg_fn: { avgFn: (a, p) => a.mul(0.9).add(p.mul(0.1)) },
  use_buffers: { useBuffers: true },
};

for (const c of fx.averaged) {
  test(`AveragedModel ${c.name}: PyTorch's average over 6 SGD steps, its output, and updateBn's statistics`, async () => {
    const xs = c.xs.map((s) => makeTensor(s)), ys = c.ys.map((s) => makeTensor(s));
    torch.manualSeed(21);
    const m = model();
    const swa = new AveragedModel(m, OPTIONS[c.name]!);
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    xs.forEach((x, i) => {
      opt.zeroGrad();
      torch.F.mseLoss(m.forward(x) as torch.Tensor, ys[i]!).backward();
      opt.step();
      swa.updateParameters(m);
    });
    const sd = swa.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(c.stateDict));
    for (const [k, want] of Object.entries(c.stateDict)) assert.equal(mismatch(sd[k]!, want), null, k);
    swa.eval();
    assert.equal(mismatch(swa.forward(makeTensor(c.probe)) as torch.Tensor, c.output), null, "output");
    await updateBn(xs.map((x, i) => [x, ys[i]]), swa);
    const after = swa.stateDict();
    for (const [k, want] of Object.entries(c.afterUpdateBn)) assert.equal(mismatch(after[k]!, want), null, `after updateBn ${k}`);
    assert.equal(swa.training, c.trainingAfterUpdateBn);
    // the momenta come back
    assert.equal(((swa.module as torch.nn.Sequential).get(1) as torch.nn.BatchNorm1d).momentum, 0.1);
  });
}

for (const c of fx.swalr) {
  test(`SWALR ${c.name}: PyTorch's learning rates`, () => {
    const opt = new optim.SGD([{ params: [torch.zeros([2], { requiresGrad: true })] }, { params: [torch.zeros([3], { requiresGrad: true })], lr: 0.2 }], { lr: 0.5 });
    const sched = new SWALR(opt, c.swaLr, { annealEpochs: c.kwargs.anneal_epochs, annealStrategy: c.kwargs.anneal_strategy ?? "cos" });
    const lrs = [opt.paramGroups.map((g) => g.lr)];
    for (let i = 1; i < c.lrs.length; i++) {
      opt.step();
      sched.step();
      lrs.push(opt.paramGroups.map((g) => g.lr));
    }
    lrs.forEach((row, i) => row.forEach((lr, j) => assert.ok(Math.abs(lr - c.lrs[i]![j]!) < 1e-15, `step ${i} group ${j}: ${lr} vs ${c.lrs[i]![j]}`)));
  });
}

test("updateBn takes a DataLoader (an async iterable), and swaUtils' errors are PyTorch's", async () => {
  torch.manualSeed(1);
  const m = model();
  const data = new torch.utils.data.TensorDataset(torch.randn([12, 3]), torch.randn([12, 2]));
  await updateBn(new torch.utils.data.DataLoader(data, { batchSize: 4 }), m);
  const bn = m.get(1) as torch.nn.BatchNorm1d;
  assert.equal(bn.num_batches_tracked!.item(), 3);
  assert.equal(m.training, true);
  const opt = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
  assert.throws(() => new SWALR(opt, [0.1, 0.2]), { name: "ValueError", message: "swa_lr must have the same length as optimizer.param_groups: swa_lr has 2, optimizer.param_groups has 1" });
  assert.throws(() => new SWALR(opt, 0.1, { annealStrategy: "exp" as never }), { name: "ValueError", message: "anneal_strategy must by one of 'cos' or 'linear', instead got exp" });
  assert.throws(() => new SWALR(opt, 0.1, -1), { name: "ValueError", message: "anneal_epochs must be equal or greater than 0, got -1" });
  // a model without batch norms is left as it is (PyTorch returns at once)
  const plain = new nn.Linear(3, 2).eval();
  await updateBn([torch.randn([2, 3])], plain);
  assert.equal(plain.training, false);
  await assert.rejects(updateBn(5 as never, m), { name: "TypeError", message: /loader/ });
  assert.throws(() => new AveragedModel({} as never), { name: "TypeError", message: /argument 'module' must be a Module/ });
});
