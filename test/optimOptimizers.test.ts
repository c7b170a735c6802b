// Every optimizer against PyTorch 1.13 (fixtures from tools/gen_optim_fixtures.py): a 4-8-3
// tanh MLP trained 20 steps from PyTorch's initial weights; the losses, the final parameters
// (for SGD the whole trajectory) and the optimizer's state dict must match. Then save/resume:
// 10 steps, state dicts of model + optimizer + scheduler loaded into fresh objects, 10 more
// steps, identical to 20 uninterrupted steps.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";
import * as optim from "../src/optim/index.ts";

type Dtype = "float32" | "float64";
interface Case {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups: Array<{ params: number[]; options: Record<string, unknown> }> | null;
  dtype: Dtype;
  losses: number[];
  finalParams: number[][];
  trajectory?: number[][][];
  scheduler?: { name: string; options: Record<string, unknown>; lrs: number[][] };
  funcEvals?: number;
  nIter?: number;
  stateDict?: { state: Record<string, Record<string, number | number[] | null>>; param_groups: Array<Record<string, unknown>> };
}
interface Fixture {
  steps: number;
  paramNames: string[];
  x: number[][];
  y: number[][];
  init: Record<string, number[][] | number[]>;
  cases: Case[];
}

const fx: Fixture = JSON.parse(readFileSync(new URL("./fixtures/optim_optimizers.json", import.meta.url), "utf8"));
const tolerance = (dtype: Dtype): number => (dtype === "float64" ? 1e-5 : 1e-4);

/** |a - b| <= rtol * (|b| + 1e-3) elementwise: relative, with a floor for entries near zero. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const err = Math.abs(a - b);
    if (!(err <= rtol * (Math.abs(b) + 1e-3))) {
      assert.fail(`${what}[${i}]: got ${a}, PyTorch ${b} (relative error ${err / Math.abs(b)} > ${rtol})`);
    }
  }
}

const flat = (t: Tensor): number[] => Array.from(t.contiguousData() as Float64Array | Float32Array);

function makeParams(dtype: Dtype, values?: number[][]): Tensor[] {
  return fx.paramNames.map((n, i) => {
    const init = torch.tensor(fx.init[n] as number[][], { dtype });
    const t = values ? torch.tensor(values[i]!, { dtype }).reshape(init.shape) : init;
    return t.detach().requiresGrad_(true);
  });
}

function mlpLoss(params: Tensor[], dtype: Dtype): Tensor {
  const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  const x = torch.tensor(fx.x, { dtype });
  const y = torch.tensor(fx.y, { dtype });
  const h = x.matmul(w1.t()).add(b1).tanh();
  return h.matmul(w2.t()).add(b2).sub(y).pow(2).mean();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an optimizer of any options type (Optimizer<O> is invariant in O)
type AnyOptimizer = optim.Optimizer<any>;
type Scheduler = optim.lrScheduler.LRScheduler;

function makeOptimizer(c: Case, params: Tensor[]): AnyOptimizer {
  const Cls = (optim as unknown as Record<string, new (p: unknown, o: unknown) => AnyOptimizer>)[c.optimizer];
  assert.ok(Cls, `optim.${c.optimizer} exists`);
  const groups = c.groups === null ? params : c.groups.map((g) => ({ params: g.params.map((i) => params[i]!), ...g.options }));
  return new Cls(groups, c.options);
}

function makeScheduler(c: Case, opt: AnyOptimizer): Scheduler | null {
  if (!c.scheduler) return null;
  const o = c.scheduler.options;
  const S = optim.lrScheduler;
  switch (c.scheduler.name) {
    case "StepLR":
      return new S.StepLR(opt, o.stepSize as number, { gamma: o.gamma as number });
    case "OneCycleLR":
      return new S.OneCycleLR(opt, o.maxLr as number, { totalSteps: o.totalSteps as number });
    case "CosineAnnealingLR":
      return new S.CosineAnnealingLR(opt, o.TMax as number, { etaMin: o.etaMin as number });
    default:
      throw new Error(`no scheduler ${c.scheduler.name} in this test`);
  }
}

interface Run {
  losses: number[];
  trajectory: number[][][];
  lrs: number[][];
}

/** Trains `steps` steps; the closure clears the gradients, as PyTorch's zero_grad in the fixture. */
function train(c: Case, params: Tensor[], opt: AnyOptimizer, sched: Scheduler | null, steps: number): Run {
  const run: Run = { losses: [], trajectory: [], lrs: [] };
  const closure = (): Tensor => {
    opt.zeroGrad();
    const loss = mlpLoss(params, c.dtype);
    loss.backward();
    return loss;
  };
  for (let s = 0; s < steps; s++) {
    let loss: Tensor;
    if (c.optimizer === "LBFGS") {
      loss = opt.step(closure) as Tensor;
    } else {
      loss = closure();
      opt.step();
    }
    run.losses.push(loss.item());
    run.trajectory.push(params.map(flat));
    if (sched) {
      sched.step();
      run.lrs.push(sched.getLastLr());
    }
  }
  return run;
}

describe("optimizers match PyTorch 1.13 over 20 steps", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const tol = tolerance(c.dtype);
      const params = makeParams(c.dtype);
      const opt = makeOptimizer(c, params);
      const sched = makeScheduler(c, opt);
      const run = train(c, params, opt, sched, fx.steps);
      assertClose(run.losses, c.losses, tol, `${c.name} losses`);
      c.finalParams.forEach((p, i) => assertClose(run.trajectory[fx.steps - 1]![i]!, p, tol, `${c.name} ${fx.paramNames[i]}`));
      if (c.trajectory) {
        c.trajectory.forEach((step, s) =>
          step.forEach((p, i) => assertClose(run.trajectory[s]![i]!, p, tol, `${c.name} step ${s + 1} ${fx.paramNames[i]}`)),
        );
      }
      if (c.scheduler) c.scheduler.lrs.forEach((lrs, s) => assertClose(run.lrs[s]!, lrs, 1e-12, `${c.name} lr at step ${s + 1}`));
      if (c.optimizer === "LBFGS") {
        const st = opt.state.get(params[0]!)!;
        assert.equal(st.func_evals, c.funcEvals, "LBFGS func_evals");
        assert.equal(st.n_iter, c.nIter, "LBFGS n_iter");
      }
      if (c.stateDict) checkStateDict(c, opt.stateDict(), tol);
    });
  }
});

/** Our stateDict has PyTorch's structure, keys and values (PyTorch-only keys such as foreach aside). */
function checkStateDict(c: Case, sd: optim.OptimizerStateDict, tol: number): void {
  const expected = c.stateDict!;
  const torchOnly = new Set(["foreach", "differentiable", "capturable", "fused"]);
  assert.equal(sd.param_groups.length, expected.param_groups.length);
  sd.param_groups.forEach((g, i) => {
    const e = expected.param_groups[i]!;
    const expectedKeys = Object.keys(e).filter((k) => !torchOnly.has(k)).sort();
    assert.deepEqual(Object.keys(g).sort(), expectedKeys, `${c.name} param_groups[${i}] keys`);
    for (const k of expectedKeys) {
      if (typeof e[k] === "number") assertClose([g[k] as number], [e[k] as number], 1e-12, `${c.name} param_groups[${i}].${k}`);
      else assert.deepEqual(g[k], e[k], `${c.name} param_groups[${i}].${k}`);
    }
  });
  assert.deepEqual(Object.keys(sd.state).sort(), Object.keys(expected.state).sort(), `${c.name} state indices`);
  for (const [idx, entry] of Object.entries(expected.state)) {
    const mine = sd.state[Number(idx)]!;
    assert.deepEqual(Object.keys(mine).sort(), Object.keys(entry).sort(), `${c.name} state[${idx}] keys`);
    for (const [k, v] of Object.entries(entry)) {
      const got = mine[k];
      if (v === null) assert.equal(got, null, `${c.name} state[${idx}].${k}`);
      else if (typeof v === "number") assert.equal(got, v, `${c.name} state[${idx}].${k}`);
      else assertClose(flat(got as Tensor), v, tol * 10, `${c.name} state[${idx}].${k}`);
    }
  }
}

describe("save and resume mid-training", () => {
  const names = [
    "sgd_momentum_steplr", "adam_onecyclelr", "rmsprop_cosine", "adam_amsgrad_weight_decay", "nadam",
    "adagrad_lr_decay_initial_accumulator", "adadelta", "adamax", "radam", "lbfgs_strong_wolfe", "sgd_param_groups",
  ];
  for (const name of names) {
    test(`${name}: 10 steps + stateDict/loadStateDict + 10 steps == 20 steps`, () => {
      const c = fx.cases.find((k) => k.name === name)!;
      // 20 uninterrupted steps
      const fullParams = makeParams(c.dtype);
      const fullOpt = makeOptimizer(c, fullParams);
      const full = train(c, fullParams, fullOpt, makeScheduler(c, fullOpt), 20);

      // 10 steps, then save model, optimizer and scheduler
      const params = makeParams(c.dtype);
      const opt = makeOptimizer(c, params);
      const sched = makeScheduler(c, opt);
      const first = train(c, params, opt, sched, 10);
      const saved = {
        model: params.map((p) => flat(p)),
        optimizer: opt.stateDict(),
        scheduler: sched?.stateDict(),
      };

      // fresh objects, built as at the start, then loaded
      const params2 = makeParams(c.dtype, saved.model);
      const opt2 = makeOptimizer(c, params2);
      const sched2 = makeScheduler(c, opt2);
      opt2.loadStateDict(saved.optimizer);
      if (sched2) sched2.loadStateDict(saved.scheduler!);
      // the loaded state is a copy: stepping the old optimizer must not move the new one
      train(c, params, opt, sched, 1);
      const second = train(c, params2, opt2, sched2, 10);

      assert.deepEqual([...first.losses, ...second.losses], full.losses, "losses identical to the uninterrupted run");
      assert.deepEqual(second.trajectory[9], full.trajectory[19], "final parameters identical");
      assert.deepEqual([...first.lrs, ...second.lrs], full.lrs, "learning rates identical");
      assertClose(full.losses, c.losses, tolerance(c.dtype), `${name} losses vs PyTorch`);
    });
  }
});
