// Learning-rate schedulers against PyTorch 1.13: the learning rates (and cycled momenta) of
// 100 steps, the state dict's keys, and a mid-schedule stateDict/loadStateDict round trip.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import * as optim from "../src/optim/index.ts";

const S = optim.lrScheduler;
interface Case {
  name: string;
  options: Record<string, unknown>;
  groups: number;
  optimizer: { lr: number; momentum?: number };
  lrs: number[][];
  momenta?: number[][];
  stateDictKeys: string[];
  lastEpoch: number | null;
}
const fx: { cases: Case[] } = JSON.parse(readFileSync(new URL("./fixtures/optim_schedulers.json", import.meta.url), "utf8"));

type Sched = optim.lrScheduler.LRScheduler | optim.lrScheduler.ReduceLROnPlateau;

function makeOptimizer(c: Case): optim.SGD {
  const groups = Array.from({ length: c.groups }, (_, i) => {
    const g: { params: torch.Tensor[]; lr?: number } = { params: [torch.zeros([2], { requiresGrad: true })] };
    if (i === 1) g.lr = c.optimizer.lr * 2;
    return g;
  });
  return new optim.SGD(groups, c.optimizer);
}

/** The scheduler of each fixture case, built with the same arguments as in tools/gen_optim_fixtures.py. */
function makeScheduler(name: string, o: optim.SGD): Sched {
  switch (name) {
    case "StepLR": return new S.StepLR(o, 7, { gamma: 0.5 });
    case "MultiStepLR": return new S.MultiStepLR(o, [10, 30, 30, 75], { gamma: 0.3 });
    case "ExponentialLR": return new S.ExponentialLR(o, 0.97);
    case "CosineAnnealingLR": return new S.CosineAnnealingLR(o, 15, { etaMin: 0.001 });
    case "CosineAnnealingWarmRestarts": return new S.CosineAnnealingWarmRestarts(o, 5, { TMult: 2, etaMin: 0.002 });
    case "CosineAnnealingWarmRestarts_mult1": return new S.CosineAnnealingWarmRestarts(o, 9);
    case "LinearLR": return new S.LinearLR(o, { startFactor: 0.2, endFactor: 0.9, totalIters: 30 });
    case "ConstantLR": return new S.ConstantLR(o, { factor: 0.25, totalIters: 12 });
    case "LambdaLR": return new S.LambdaLR(o, [(e) => 0.95 ** e, (e) => 1.0 / (1 + e)]);
    case "MultiplicativeLR": return new S.MultiplicativeLR(o, (e) => (e % 2 ? 0.98 : 0.99));
    case "PolynomialLR": return new S.PolynomialLR(o, { totalIters: 40, power: 2.0 });
    case "OneCycleLR": return new S.OneCycleLR(o, 0.5, { totalSteps: 100 });
    case "OneCycleLR_linear_three_phase":
      return new S.OneCycleLR(o, [0.5, 0.2], {
        epochs: 10, stepsPerEpoch: 11, pctStart: 0.25, annealStrategy: "linear", threePhase: true, divFactor: 10, finalDivFactor: 100,
      });
    case "CyclicLR": return new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 10 });
    case "CyclicLR_triangular2": return new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 6, stepSizeDown: 9, mode: "triangular2" });
    case "CyclicLR_exp_range":
      return new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 8, mode: "exp_range", gamma: 0.98, cycleMomentum: false });
    case "SequentialLR":
      return new S.SequentialLR(
        o,
        [new S.LinearLR(o, { startFactor: 0.1, totalIters: 5 }), new S.ExponentialLR(o, 0.9), new S.StepLR(o, 10, { gamma: 0.5 })],
        [5, 40],
      );
    case "ChainedScheduler":
      return new S.ChainedScheduler([new S.ConstantLR(o, { factor: 0.5, totalIters: 4 }), new S.ExponentialLR(o, 0.95)]);
    case "ReduceLROnPlateau": return new S.ReduceLROnPlateau(o, { factor: 0.5, patience: 3, cooldown: 2, minLr: 0.01 });
    case "ReduceLROnPlateau_max_abs":
      return new S.ReduceLROnPlateau(o, { mode: "max", factor: 0.3, patience: 2, threshold: 0.01, thresholdMode: "abs" });
    default:
      throw new Error(`unknown scheduler case ${name}`);
  }
}

/** The metric fed to ReduceLROnPlateau at step i (as plateau_metric in the generator). */
function plateauMetric(i: number): number {
  if (i < 20) return 1.0 - 0.02 * i;
  if (i < 60) return 0.6 + 0.001 * Math.sin(i);
  return 0.6 + 0.01 * (i - 60);
}

function stepOnce(c: Case, o: optim.SGD, s: Sched, i: number): void {
  o.step();
  if (s instanceof S.ReduceLROnPlateau) s.step(c.name.includes("max") ? -plateauMetric(i) : plateauMetric(i));
  else s.step();
}

function assertLrs(got: number[], expected: number[], what: string): void {
  assert.equal(got.length, expected.length, what);
  got.forEach((g, i) => {
    const e = expected[i]!;
    if (!(Math.abs(g - e) <= 1e-12 * Math.abs(e) + 1e-18)) assert.fail(`${what}[${i}]: got ${g}, PyTorch ${e}`);
  });
}

const lrsOf = (o: optim.SGD): number[] => o.paramGroups.map((g) => g.lr);
const momentaOf = (o: optim.SGD): number[] => o.paramGroups.map((g) => g.momentum as number);

describe("schedulers match PyTorch 1.13 over 100 steps", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const o = makeOptimizer(c);
      const s = makeScheduler(c.name, o);
      assertLrs(lrsOf(o), c.lrs[0]!, `${c.name} lr after construction`);
      for (let i = 0; i < 100; i++) {
        stepOnce(c, o, s, i);
        assertLrs(s.getLastLr(), c.lrs[i + 1]!, `${c.name} getLastLr() at step ${i + 1}`);
        assertLrs(lrsOf(o), c.lrs[i + 1]!, `${c.name} group lr at step ${i + 1}`);
        if (c.momenta) assertLrs(momentaOf(o), c.momenta[i + 1]!, `${c.name} momentum at step ${i + 1}`);
      }
      const sd = s.stateDict();
      assert.deepEqual(Object.keys(sd).sort(), [...c.stateDictKeys].sort(), `${c.name} stateDict keys are PyTorch's`);
      if (c.lastEpoch !== null) assert.equal(sd.last_epoch, c.lastEpoch, `${c.name} last_epoch`);
    });
  }
});

describe("scheduler stateDict/loadStateDict resumes mid-schedule", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const o = makeOptimizer(c);
      const s = makeScheduler(c.name, o);
      for (let i = 0; i < 50; i++) stepOnce(c, o, s, i);
      const optState = o.stateDict();
      const schedState = s.stateDict();
      // fresh optimizer and scheduler, loaded: the next 50 steps follow PyTorch's schedule
      const o2 = makeOptimizer(c);
      const s2 = makeScheduler(c.name, o2);
      o2.loadStateDict(optState);
      s2.loadStateDict(schedState);
      for (let i = 50; i < 100; i++) {
        stepOnce(c, o2, s2, i);
        assertLrs(lrsOf(o2), c.lrs[i + 1]!, `${c.name} resumed, step ${i + 1}`);
        if (c.momenta) assertLrs(momentaOf(o2), c.momenta[i + 1]!, `${c.name} resumed momentum at step ${i + 1}`);
      }
    });
  }
});

describe("scheduler errors and details", () => {
  const sgd = (): optim.SGD => new optim.SGD([torch.zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });

  test("OneCycleLR refuses to step past totalSteps, with PyTorch's message", () => {
    const o = sgd();
    const s = new S.OneCycleLR(o, 1.0, { totalSteps: 3 });
    for (let i = 0; i < 3; i++) {
      o.step();
      s.step();
    }
    o.step();
    assert.throws(() => s.step(), { name: "ValueError", message: "Tried to step 5 times. The specified number of total steps is 3" });
  });

  test("constructor argument checks", () => {
    assert.throws(() => new S.StepLR({} as optim.SGD, 3), { name: "TypeError", message: "Object is not an Optimizer" });
    assert.throws(() => new S.ConstantLR(sgd(), { factor: 2 }), /Constant multiplicative factor expected to be between 0 and 1/);
    assert.throws(() => new S.LinearLR(sgd(), { startFactor: -1 }), /Starting multiplicative factor expected to be between 0 and 1/);
    assert.throws(() => new S.CosineAnnealingWarmRestarts(sgd(), 0), /Expected positive integer T_0, but got 0/);
    assert.throws(() => new S.CosineAnnealingWarmRestarts(sgd(), 5, { TMult: 1.5 }), /Expected integer T_mult >= 1, but got 1.5/);
    assert.throws(() => new S.OneCycleLR(sgd(), 0.1), /You must define either totalSteps OR \(epochs AND stepsPerEpoch\)/);
    assert.throws(() => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 10, annealStrategy: "exp" as "cos" }), /anneal_strategy must by one of/);
    assert.throws(() => new S.LambdaLR(sgd(), [(e) => e, (e) => e]), { name: "ValueError", message: "Expected 1 lr_lambdas, but got 2" });
    assert.throws(() => new S.ReduceLROnPlateau(sgd(), { factor: 1 }), { name: "ValueError", message: "Factor should be < 1.0." });
    assert.throws(() => new S.StepLR(sgd(), 3, { lastEpoch: 4 }), /param 'initial_lr' is not specified in param_groups\[0\] when resuming an optimizer/);
    const adagrad = new optim.Adagrad([torch.zeros([2], { requiresGrad: true })]);
    assert.throws(() => new S.CyclicLR(adagrad, 0.01, 0.1), /optimizer must support momentum with `cycleMomentum` option enabled/);
    const o = sgd();
    assert.throws(
      () => new S.SequentialLR(o, [new S.ExponentialLR(o, 0.9), new S.ExponentialLR(o, 0.8)], []),
      /expects number of schedulers provided to be one more than the number of milestone points/,
    );
  });

  test("OneCycleLR cycles Adam's beta1", () => {
    const o = new optim.Adam([torch.zeros([2], { requiresGrad: true })], { lr: 0.1, betas: [0.9, 0.99] });
    const s = new S.OneCycleLR(o, 1.0, { totalSteps: 10, maxMomentum: 0.95, baseMomentum: 0.85 });
    assert.deepEqual(o.paramGroups[0]!.betas, [0.95, 0.99]);
    o.step();
    s.step();
    assert.ok((o.paramGroups[0]!.betas as number[])[0]! < 0.95);
    assert.equal((o.paramGroups[0]!.betas as number[])[1], 0.99);
  });

  test("the scheduler counts optimizer.step() calls, and getLastLr returns a copy", () => {
    const o = sgd();
    const s = new S.StepLR(o, 2);
    o.step();
    o.step();
    assert.equal(o._stepCount, 2);
    const lrs = s.getLastLr();
    lrs[0] = 123;
    assert.deepEqual(s.getLastLr(), [0.1]);
  });
});
