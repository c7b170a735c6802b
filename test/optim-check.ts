// The optimizer fixtures (tools/gen_optim_fixtures.py, PyTorch 1.13) as checks on a device:
// a 4-8-3 tanh MLP trained 20 steps from PyTorch's initial weights; the losses, the final
// parameters (for SGD the whole trajectory), the learning rates and the optimizer's state dict
// must match. The CPU suite (optimOptimizers.test.ts) and the webgpu suite run them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";
import * as optim from "../src/optim/index.ts";
import { clipGradNorm_, clipGradValue_ } from "../src/optim/clipGrad.ts";
import { runDtype, toDevice, type DeviceName } from "./devices.ts";

type Dtype = "float32" | "float64";
export interface Case {
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

export const fx: Fixture = JSON.parse(readFileSync(new URL("./fixtures/optim_optimizers.json", import.meta.url), "utf8"));
export const tolerance = (dtype: Dtype): number => (dtype === "float64" ? 1e-5 : 1e-4);

/** |a - b| <= rtol * (|b| + 1e-3) elementwise: relative, with a floor for entries near zero. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string): void {
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

/** A parameter's values (read back from its device). */
export const flat = async (t: Tensor): Promise<number[]> => Array.from((await t.dataAsync()) as Float64Array | Float32Array);

/** The MLP's parameters on `device` (float64 runs in float32 on webgpu). */
export function makeParams(dtype: Dtype, values?: number[][], device: DeviceName = "cpu"): Tensor[] {
  return fx.paramNames.map((n, i) => {
    const init = torch.tensor(fx.init[n] as number[][], { dtype });
    const t = values ? torch.tensor(values[i]!, { dtype }).reshape(init.shape) : init;
    return toDevice(t.detach().requiresGrad_(true), device);
  });
}

function mlpLoss(params: Tensor[], dtype: Dtype): Tensor {
  const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  const device = w1.device;
  const x = torch.tensor(fx.x, { dtype: w1.dtype, device });
  const y = torch.tensor(fx.y, { dtype: w1.dtype, device });
  void dtype;
  const h = x.matmul(w1.t()).add(b1).tanh();
  return h.matmul(w2.t()).add(b2).sub(y).pow(2).mean();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = optim.Optimizer<any>;
type Scheduler = optim.lrScheduler.LRScheduler;

export function makeOptimizer(c: Case, params: Tensor[]): AnyOptimizer {
  const Cls = (optim as unknown as Record<string, new (p: unknown, o: unknown) => AnyOptimizer>)[c.optimizer];
  assert.ok(Cls, `optim.${c.optimizer} exists`);
  const groups = c.groups === null ? params : c.groups.map((g) => ({ params: g.params.map((i) => params[i]!), ...g.options }));
  return new Cls(groups, c.options);
}

export function makeScheduler(c: Case, opt: AnyOptimizer): Scheduler | null {
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

/**
 * Trains `steps` steps; the closure clears the gradients, as PyTorch's zero_grad in the
 * fixture. Losses and parameters are kept on the device each step and read back once at the
 * end (a read waits for the device: once per run instead of once per step).
 */
export async function train(c: Case, params: Tensor[], opt: AnyOptimizer, sched: Scheduler | null, steps: number): Promise<Run> {
  const run: Run = { losses: [], trajectory: [], lrs: [] };
  const closure = (): Tensor => {
    opt.zeroGrad();
    const loss = mlpLoss(params, c.dtype);
    loss.backward();
    return loss;
  };
  const losses: Tensor[] = [];
  const snapshots: Tensor[] = [];
  for (let s = 0; s < steps; s++) {
    let loss: Tensor;
    if (c.optimizer === "LBFGS") {
      loss = opt.step(closure) as Tensor;
    } else {
      loss = closure();
      opt.step();
    }
    losses.push(loss.detach().reshape(1));
    snapshots.push(torch.cat(params.map((p) => p.detach().reshape(-1))));
    if (sched) {
      sched.step();
      run.lrs.push(sched.getLastLr());
    }
  }
  if (steps === 0) return run;
  run.losses = Array.from((await torch.cat(losses).dataAsync()) as Float32Array | Float64Array);
  const all = (await torch.stack(snapshots).dataAsync()) as Float32Array | Float64Array;
  const per = all.length / steps;
  for (let s = 0; s < steps; s++) {
    let at = s * per;
    run.trajectory.push(params.map((p) => Array.from(all.subarray(at, (at += p.numel())))));
  }
  return run;
}

/** Our stateDict has PyTorch's structure, keys and values (PyTorch-only keys such as foreach aside). */
async function checkStateDict(c: Case, sd: optim.OptimizerStateDict, tol: number): Promise<void> {
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
      // a 0-d tensor of PyTorch's state (ASGD's eta and mu) is stored as its value; torch-ts keeps a number or, as PyTorch, a 0-d tensor
      else if (typeof v === "number") assert.equal(got instanceof torch.Tensor && got.ndim === 0 ? (await got.cpuAsync()).item() : got, v, `${c.name} state[${idx}].${k}`);
      else assertClose(await flat(got as Tensor), v, tol * 10, `${c.name} state[${idx}].${k}`);
    }
  }
}


/** One optimizer case on a device: 20 steps from PyTorch's weights; losses, parameters, learning rates and state dict. */
export async function checkOptimizerCase(c: Case, device: DeviceName = "cpu"): Promise<void> {
  // float64 cases run in float32 on webgpu: judged at float32's tolerance
  const tol = tolerance(runDtype(c.dtype, device) as Dtype);
  const params = makeParams(c.dtype, undefined, device);
  const opt = makeOptimizer(c, params);
  const sched = makeScheduler(c, opt);
  const run = await train(c, params, opt, sched, fx.steps);
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
  if (c.stateDict) await checkStateDict(c, opt.stateDict(), tol);
}

/** The cases whose optimizer, scheduler and model state dicts are saved after 10 steps and resumed. */
export const SAVE_RESUME_CASES = [
  "sgd_momentum_steplr", "adam_onecyclelr", "rmsprop_cosine", "adam_amsgrad_weight_decay", "nadam",
  "adagrad_lr_decay_initial_accumulator", "adadelta", "adamax", "radam", "lbfgs_strong_wolfe", "sgd_param_groups",
];

/** 10 steps, state dicts of model + optimizer + scheduler loaded into fresh objects, 10 more steps: identical to 20 uninterrupted steps. */
export async function checkSaveResume(c: Case, device: DeviceName = "cpu"): Promise<void> {
  // 20 uninterrupted steps
  const fullParams = makeParams(c.dtype, undefined, device);
  const fullOpt = makeOptimizer(c, fullParams);
  const full = await train(c, fullParams, fullOpt, makeScheduler(c, fullOpt), 20);

  // 10 steps, then save model, optimizer and scheduler
  const params = makeParams(c.dtype, undefined, device);
  const opt = makeOptimizer(c, params);
  const sched = makeScheduler(c, opt);
  const first = await train(c, params, opt, sched, 10);
  const saved = {
    model: await Promise.all(params.map((p) => flat(p))),
    optimizer: opt.stateDict(),
    scheduler: sched?.stateDict(),
  };

  // fresh objects, built as at the start, then loaded
  const params2 = makeParams(c.dtype, saved.model, device);
  const opt2 = makeOptimizer(c, params2);
  const sched2 = makeScheduler(c, opt2);
  opt2.loadStateDict(saved.optimizer);
  if (sched2) sched2.loadStateDict(saved.scheduler!);
  // the loaded state is a copy: stepping the old optimizer must not move the new one
  await train(c, params, opt, sched, 1);
  const second = await train(c, params2, opt2, sched2, 10);

  assert.deepEqual([...first.losses, ...second.losses], full.losses, "losses identical to the uninterrupted run");
  assert.deepEqual(second.trajectory[9], full.trajectory[19], "final parameters identical");
  assert.deepEqual([...first.lrs, ...second.lrs], full.lrs, "learning rates identical");
  assertClose(full.losses, c.losses, tolerance(runDtype(c.dtype, device) as Dtype), `${c.name} losses vs PyTorch`);
}

// ---- clipGradNorm_ / clipGradValue_ (optim_clipgrad.json) ----------------------------------

interface ClipCase {
  kind: "norm" | "value";
  dtype: Dtype;
  maxNorm?: number;
  normType?: number | "inf";
  totalNorm?: number;
  clipValue?: number;
  grads: number[][];
}
const clipFx: { grads: number[][][] | number[][]; shapes: number[][]; cases: ClipCase[]; errors: Record<string, string> } = JSON.parse(
  readFileSync(new URL("./fixtures/optim_clipgrad.json", import.meta.url), "utf8"),
);
export const clipCases = clipFx.cases;
/** PyTorch's messages for non-finite norms, by norm type. */
export const clipErrors = clipFx.errors;
export const clipLabel = (c: ClipCase): string => (c.kind === "norm" ? `norm ${c.normType} max ${c.maxNorm} ${c.dtype}` : `value ${c.clipValue} ${c.dtype}`);

/** |got - expected| <= rtol * (|expected| + 1e-6) elementwise. */
export function assertCloseAbs(got: ArrayLike<number>, expected: number[], rtol: number, what: string): void {
  assert.equal(got.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(got[i]! - expected[i]!) <= rtol * (Math.abs(expected[i]!) + 1e-6))) {
      assert.fail(`${what}[${i}]: got ${got[i]}, PyTorch ${expected[i]}`);
    }
  }
}

/** Parameters of the fixture's shapes on `device` whose .grad holds the fixture's gradients. */
function paramsWithGrads(dtype: Dtype, device: DeviceName): Tensor[] {
  return clipFx.shapes.map((shape, i) => {
    const p = toDevice(torch.zeros(shape, { dtype, requiresGrad: true }), device);
    p.grad = toDevice(torch.tensor(clipFx.grads[i] as number[][], { dtype }), device);
    return p;
  });
}

export async function checkClipGradCase(c: ClipCase, device: DeviceName = "cpu"): Promise<void> {
  const rtol = runDtype(c.dtype, device) === "float64" ? 1e-10 : 1e-5;
  const ps = paramsWithGrads(c.dtype, device);
  if (c.kind === "norm") {
    const normType = c.normType === "inf" ? Infinity : c.normType!;
    const total = clipGradNorm_(ps, c.maxNorm!, { normType });
    assert.equal(total.dtype, runDtype(c.dtype, device));
    assertCloseAbs([await total.itemAsync()], [c.totalNorm!], rtol, "total norm");
  } else {
    clipGradValue_(ps, c.clipValue!);
  }
  for (let i = 0; i < ps.length; i++) assertCloseAbs((await ps[i]!.grad!.dataAsync()) as Float64Array, c.grads[i]!, rtol, `grad ${i}`);
}
