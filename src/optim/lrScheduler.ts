// Learning-rate schedulers, as PyTorch 1.13's torch.optim.lr_scheduler.
//
// Invariants:
// - `step()` uses PyTorch's chainable form (each lr computed from the group's current lr),
//   and `step(epoch)` (deprecated in PyTorch, still used by SequentialLR at its milestones)
//   the closed form where PyTorch has one. The two differ in rounding and, for
//   CosineAnnealingLR, in value: we follow PyTorch in both.
// - A scheduler's constructor sets its own fields and then calls `init(lastEpoch, verbose)`,
//   which takes the first step, as PyTorch's _LRScheduler.__init__ does after the subclass
//   has set its attributes.
// - `stateDict()` holds PyTorch's keys (`base_lrs`, `last_epoch`, `_step_count`, `T_max`,
//   ...) so it maps 1:1 to torch's `scheduler.state_dict()`; functions (lambdas, scale and
//   anneal functions) are not stored, as PyTorch stores none for plain functions.
import { warnOnce } from "../warnings.ts";
import { RuntimeError, TorchTypeError, ValueError } from "../errors.ts";
import { Optimizer, camelToSnake, snakeToCamel } from "./optimizer.ts";
import { Tensor } from "./core.ts";
import { bool, describe, func, int, nullable, numOrNums as numbers, param, parseArgs, str, type Args, type Checker, type Param } from "../args.ts";
import { number } from "./validate.ts";

/** An optimizer of any options type, as the schedulers take it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an optimizer of any options type (Optimizer<O> is invariant in O)
export type AnyOptimizer = Optimizer<any>;
/** A parameter group as the schedulers read and write it: its options, with `lr`. */
export type Group = Record<string, unknown> & { lr: number };
/** A scheduler's stateDict: its fields by PyTorch's names (the optimizer excluded), as `loadStateDict` takes it back. */
export type SchedulerStateDict = Record<string, unknown>;


const EPOCH_DEPRECATION_WARNING =
  "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. " +
  "Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from " +
  "undefined, the closed form is used instead of the new chainable form, where available.";
/** Set while SequentialLR jumps a scheduler to epoch 0: an internal use, not the user's. */
let internalEpochStep = false;
const GET_LR_WARNING = "To get the last learning rate computed by the scheduler, please use `getLastLr()`.";

/** Python's a % b (the sign of b). */
const pyMod = (a: number, b: number): number => ((a % b) + b) % b;

/** Python's bisect_right on a sorted array. */
function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function typeName(v: unknown): string {
  if (v === null) return "NoneType";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), copyValue(x)]));
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  }
  return v;
}

type StepCounted = ((...args: unknown[]) => unknown) & { _withCounter?: boolean };

/** Base class of the epoch-driven schedulers (PyTorch's _LRScheduler). */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  optimizer: AnyOptimizer;
  /** Each group's `initialLr`: the rates the schedule starts from. */
  baseLrs: number[] = [];
  /** The number of `step()` calls so far (PyTorch's `last_epoch`; -1 before the first). */
  lastEpoch = -1;
  /** Print each change of a learning rate (PyTorch's `verbose`). */
  verbose = false;
  _stepCount = 0;
  _getLrCalledWithinStep = false;
  _lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer) {
    if (!(optimizer instanceof Optimizer)) throw new TorchTypeError(`${typeName(optimizer)} is not an Optimizer`);
    this.optimizer = optimizer;
  }

  protected get groups(): Group[] {
    return this.optimizer.paramGroups as Group[];
  }

  /** The rest of PyTorch's _LRScheduler.__init__; subclasses call it once their fields are set. */
  protected init(lastEpoch = -1, verbose = false): void {
    if (lastEpoch === -1) {
      for (const g of this.groups) if (!("initialLr" in g)) g.initialLr = g.lr;
    } else {
      this.groups.forEach((g, i) => {
        if (!("initialLr" in g)) {
          throw new ValueError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
        }
      });
    }
    this.baseLrs = this.groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    // count optimizer.step() calls, to warn when the scheduler steps first (as PyTorch)
    const opt = this.optimizer as unknown as { step: StepCounted; _stepCount: number };
    if (!opt.step._withCounter) {
      const original = opt.step;
      const counted: StepCounted = (...args: unknown[]) => {
        opt._stepCount += 1;
        return original.apply(opt, args);
      };
      counted._withCounter = true;
      opt.step = counted;
    }
    this.verbose = verbose;
    this.initialStep();
  }

  /** Resets the step counters and takes the first step (PyTorch's _initial_step). */
  _initialStep(): void {
    this.initialStep();
  }

  protected initialStep(): void {
    this.optimizer._stepCount = 0;
    this._stepCount = 0;
    this.step();
  }

  /** The learning rates of the chainable form, at `lastEpoch`. */
  abstract getLr(): number[];

  /** The closed form, used by `step(epoch)`; schedulers without one use getLr(). */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** The learning rates the last step set, one per parameter group. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  protected printLr(isVerbose: boolean, group: number, lr: number, epoch?: number): void {
    if (!isVerbose) return;
    if (epoch === undefined) console.log(`Adjusting learning rate of group ${group} to ${lr.toExponential(4)}.`);
    else console.log(`Epoch ${epoch}: adjusting learning rate of group ${group} to ${lr.toExponential(4)}.`);
  }

  protected warnIfCalledOutsideStep(): void {
    if (!this._getLrCalledWithinStep) warnOnce(GET_LR_WARNING);
  }

  /** Advances one epoch (or, deprecated, jumps to `epoch` with the closed form) and sets every group's lr. */
  step(epoch?: number): void {
    if (this._stepCount === 1) {
      const opt = this.optimizer as unknown as { step: StepCounted; _stepCount: number };
      if (!opt.step._withCounter) {
        warnOnce(
          "Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. " +
            "Please, make sure to call `optimizer.step()` before `lrScheduler.step()`.",
        );
      } else if (opt._stepCount < 1) {
        warnOnce(
          "Detected call of `lrScheduler.step()` before `optimizer.step()`. You should call them in the " +
            "opposite order: `optimizer.step()` before `lrScheduler.step()`. Failure to do this will result in " +
            "skipping the first value of the learning rate schedule.",
        );
      }
    }
    this._stepCount += 1;
    let values: number[];
    this._getLrCalledWithinStep = true;
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        if (!internalEpochStep) warnOnce(EPOCH_DEPRECATION_WARNING);
        this.lastEpoch = epoch;
        values = this.closedFormLr() ?? this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i]!;
      this.printLr(this.verbose, i, values[i]!, epoch);
    });
    this._lastLr = this.groups.map((g) => g.lr);
  }

  /** [PyTorch key, field] pairs of the subclass's own state, in PyTorch's order. */
  protected ownStateKeys(): Array<[string, string]> {
    return [];
  }

  protected stateKeys(): Array<[string, string]> {
    return [
      ...this.ownStateKeys(),
      ["base_lrs", "baseLrs"],
      ["last_epoch", "lastEpoch"],
      ["verbose", "verbose"],
      ["_step_count", "_stepCount"],
      ["_get_lr_called_within_step", "_getLrCalledWithinStep"],
      ["_last_lr", "_lastLr"],
    ];
  }

  /** The scheduler's state with PyTorch's keys (everything but the optimizer). */
  stateDict(): SchedulerStateDict {
    const self = this as unknown as Record<string, unknown>;
    const out: SchedulerStateDict = {};
    for (const [py, ts] of this.stateKeys()) out[py] = copyValue(self[ts]);
    return out;
  }

  /** Restores a state made by stateDict() (here or by PyTorch); keys it does not know are ignored. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [py, ts] of this.stateKeys()) {
      if (py in stateDict) self[ts] = this.loadValue(py, copyValue(stateDict[py]));
    }
  }

  /** Converts one stored value back to the field's form (Maps, functions...). */
  protected loadValue(_key: string, value: unknown): unknown {
    return value;
  }
}

function formatParam(name: string, optimizer: AnyOptimizer, param: number | readonly number[]): number[] {
  if (Array.isArray(param)) {
    if (param.length !== optimizer.paramGroups.length) {
      throw new ValueError(`expected ${optimizer.paramGroups.length} values for ${camelToSnake(name)}, got ${param.length}`);
    }
    return [...param];
  }
  return optimizer.paramGroups.map(() => param as number);
}

/** The keyword arguments every epoch-based scheduler takes. */
export interface EpochOptions {
  /** The index of the last epoch when resuming; PyTorch's default -1 (start: the optimizer's lr becomes initial_lr). */
  lastEpoch?: number;
  /** Print a message at each update (deprecated in PyTorch); PyTorch's default false. */
  verbose?: boolean;
}

// ---- arguments: PyTorch's positional order (optimizer, ..., last_epoch=-1, verbose=False), then one options object

const EPOCH: Param[] = [param("lastEpoch", int(), -1), param("verbose", bool, false)];
/** The arguments after the optimizer, read against the scheduler's own parameters and last_epoch, verbose. */
/** @internal */
export function schedulerArgs<R>(fn: string, own: readonly Param[], args: readonly unknown[], epoch = true): Required<R> {
  return parseArgs<Required<R>>(fn, epoch ? [...own, ...EPOCH] : own, args);
}
const fail = (fn: string, arg: string, expected: string, v: unknown): TorchTypeError =>
  new TorchTypeError(`${fn}(): argument '${arg}' must be ${expected}, but got ${describe(v)}`);
const intList: Checker<number[]> = (v, arg, fn) => {
  if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return v as number[];
  throw fail(fn, arg, "a list of integers", v);
};
/** A function, or one per parameter group. */
const lambdas: Checker<LrLambda | LrLambda[]> = (v, arg, fn) => {
  if (typeof v === "function" || (Array.isArray(v) && v.every((x) => typeof x === "function"))) return v as LrLambda | LrLambda[];
  throw fail(fn, arg, "a function or a list of functions", v);
};
const schedulerList: Checker<LRScheduler[]> = (v, arg, fn) => {
  if (Array.isArray(v) && v.every((x) => x instanceof LRScheduler)) return v as LRScheduler[];
  throw fail(fn, arg, "a list of schedulers", v);
};

/** A function of the epoch giving a learning-rate factor (LambdaLR) or a per-epoch multiplier (MultiplicativeLR). */
export type LrLambda = (epoch: number) => number;

function formatLambdas(optimizer: AnyOptimizer, lrLambda: LrLambda | LrLambda[]): LrLambda[] {
  if (!Array.isArray(lrLambda)) return optimizer.paramGroups.map(() => lrLambda);
  if (lrLambda.length !== optimizer.paramGroups.length) {
    throw new ValueError(`Expected ${optimizer.paramGroups.length} lr_lambdas, but got ${lrLambda.length}`);
  }
  return [...lrLambda];
}

export interface LambdaOptions extends EpochOptions {
  /** The factor of the base lr as a function of the epoch: one for all groups or one per group. */
  lrLambda?: LrLambda | LrLambda[];
}
const LAMBDA = [param("lrLambda", lambdas)];
/** The arguments of LambdaLR and MultiplicativeLR after the optimizer: lrLambda then PyTorch's positional order, or one options object with lrLambda. */
export type LambdaArgs = [lrLambda: LrLambda | LrLambda[], ...rest: Args<[lastEpoch: number, verbose: boolean], EpochOptions>] | [options: LambdaOptions & { lrLambda: LrLambda | LrLambda[] }];

/** lr = initial lr * lrLambda(epoch). */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];
  /** LambdaLR(optimizer, lr_lambda, last_epoch=-1, verbose=False) */
  constructor(optimizer: AnyOptimizer, ...args: LambdaArgs) {
    super(optimizer);
    const a = schedulerArgs<LambdaOptions>("LambdaLR", LAMBDA, args);
    this.lrLambdas = formatLambdas(optimizer, a.lrLambda);
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i]!(this.lastEpoch));
  }
  override stateDict(): SchedulerStateDict {
    // functions are not saved (PyTorch saves only the attributes of callable objects)
    return { ...super.stateDict(), lr_lambdas: this.lrLambdas.map(() => null) };
  }
}

/** lr = previous lr * lrLambda(epoch), from the second epoch on. */
export class MultiplicativeLR extends LRScheduler {
  lrLambdas: LrLambda[];
  /** MultiplicativeLR(optimizer, lr_lambda, last_epoch=-1, verbose=False) */
  constructor(optimizer: AnyOptimizer, ...args: LambdaArgs) {
    super(optimizer);
    const a = schedulerArgs<LambdaOptions>("MultiplicativeLR", LAMBDA, args);
    this.lrLambdas = formatLambdas(optimizer, a.lrLambda);
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    if (this.lastEpoch > 0) return this.groups.map((g, i) => g.lr * this.lrLambdas[i]!(this.lastEpoch));
    return this.groups.map((g) => g.lr);
  }
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), lr_lambdas: this.lrLambdas.map(() => null) };
  }
}

export interface StepLROptions extends EpochOptions {
  stepSize?: number;
  gamma?: number;
}

/** Multiplies the lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  /** StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1, verbose=False) */
  constructor(
    optimizer: AnyOptimizer,
    ...args: [stepSize: number, ...rest: Args<[gamma: number, lastEpoch: number, verbose: boolean], StepLROptions>] | [options: StepLROptions & { stepSize: number }]
  ) {
    super(optimizer);
    const a = schedulerArgs<StepLROptions>("StepLR", [param("stepSize", int()), param("gamma", number, 0.1)], args);
    this.stepSize = a.stepSize;
    this.gamma = a.gamma;
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
  protected override ownStateKeys(): Array<[string, string]> {
    return [["step_size", "stepSize"], ["gamma", "gamma"]];
  }
}

export interface MultiStepLROptions extends EpochOptions {
  milestones?: number[];
  gamma?: number;
}

/** Multiplies the lr by gamma at each milestone (a milestone listed twice multiplies twice). */
export class MultiStepLR extends LRScheduler {
  /** milestone -> how many times it was listed (PyTorch's Counter) */
  milestones: Map<number, number>;
  gamma: number;
  /** MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1, verbose=False) */
  constructor(
    optimizer: AnyOptimizer,
    ...args: [milestones: number[], ...rest: Args<[gamma: number, lastEpoch: number, verbose: boolean], MultiStepLROptions>] | [options: MultiStepLROptions & { milestones: number[] }]
  ) {
    super(optimizer);
    const a = schedulerArgs<MultiStepLROptions>("MultiStepLR", [param("milestones", intList), param("gamma", number, 0.1)], args);
    this.milestones = new Map();
    for (const m of a.milestones) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = a.gamma;
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }
  protected override closedFormLr(): number[] {
    const sorted: number[] = [];
    for (const [m, c] of this.milestones) for (let i = 0; i < c; i++) sorted.push(m);
    sorted.sort((a, b) => a - b);
    return this.baseLrs.map((b) => b * this.gamma ** bisectRight(sorted, this.lastEpoch));
  }
  protected override ownStateKeys(): Array<[string, string]> {
    return [["milestones", "milestones"], ["gamma", "gamma"]];
  }
  protected override loadValue(key: string, value: unknown): unknown {
    if (key === "milestones" && value !== null && typeof value === "object") {
      return new Map(Object.entries(value as Record<string, number>).map(([k, c]) => [Number(k), c]));
    }
    return value;
  }
}

export interface ConstantLROptions extends EpochOptions {
  factor?: number;
  totalIters?: number;
}

/** Multiplies the lr by `factor` until epoch totalIters. */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  /** ConstantLR(optimizer, factor=1/3, total_iters=5, last_epoch=-1, verbose=False) */
  constructor(optimizer: AnyOptimizer, ...args: Args<[factor: number, totalIters: number, lastEpoch: number, verbose: boolean], ConstantLROptions>) {
    super(optimizer);
    const a = schedulerArgs<ConstantLROptions>("ConstantLR", [param("factor", number, 1 / 3), param("totalIters", int(), 5)], args);
    if (a.factor > 1 || a.factor < 0) throw new ValueError("Constant multiplicative factor expected to be between 0 and 1.");
    this.factor = a.factor;
    this.totalIters = a.totalIters;
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch > this.totalIters || this.lastEpoch !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    const after = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + after * (1 - this.factor)));
  }
  protected override ownStateKeys(): Array<[string, string]> {
    return [["factor", "factor"], ["total_iters", "totalIters"]];
  }
}

export interface LinearLROptions extends EpochOptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
}

/** Moves the lr factor linearly from startFactor to endFactor over totalIters epochs. */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  /** LinearLR(optimizer, start_factor=1/3, end_factor=1.0, total_iters=5, last_epoch=-1, verbose=False) */
  constructor(optimizer: AnyOptimizer, ...args: Args<[startFactor: number, endFactor: number, totalIters: number, lastEpoch: number, verbose: boolean], LinearLROptions>) {
    super(optimizer);
    const a = schedulerArgs<LinearLROptions>("LinearLR", [param("startFactor", number, 1 / 3), param("endFactor", number, 1.0), param("totalIters", int(), 5)], args);
    const { startFactor, endFactor } = a;
    if (startFactor > 1 || startFactor < 0) throw new ValueError("Starting multiplicative factor expected to be between 0 and 1.");
    if (endFactor > 1 || endFactor < 0) throw new ValueError("Ending multiplicative factor expected to be between 0 and 1.");
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = a.totalIters;
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (this.lastEpoch - 1) * (e - s))));
  }
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
  protected override ownStateKeys(): Array<[string, string]> {
    return [["start_factor", "startFactor"], ["end_factor", "endFactor"], ["total_iters", "totalIters"]];
  }
}

export interface ExponentialLROptions extends EpochOptions {
  gamma?: number;
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  /** ExponentialLR(optimizer, gamma, last_epoch=-1, verbose=False) */
  constructor(
    optimizer: AnyOptimizer,
    ...args: [gamma: number, ...rest: Args<[lastEpoch: number, verbose: boolean], ExponentialLROptions>] | [options: ExponentialLROptions & { gamma: number }]
  ) {
    super(optimizer);
    const a = schedulerArgs<ExponentialLROptions>("ExponentialLR", [param("gamma", number)], args);
    this.gamma = a.gamma;
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
  protected override ownStateKeys(): Array<[string, string]> {
    return [["gamma", "gamma"]];
  }
}

export interface PolynomialLROptions extends EpochOptions {
  totalIters?: number;
  power?: number;
}

/** Decays the lr polynomially to zero over totalIters epochs. */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;
  /** PolynomialLR(optimizer, total_iters=5, power=1.0, last_epoch=-1, verbose=False) */
  constructor(optimizer: AnyOptimizer, ...args: Args<[totalIters: number, power: number, lastEpoch: number, verbose: boolean], PolynomialLROptions>) {
    super(optimizer);
    const a = schedulerArgs<PolynomialLROptions>("PolynomialLR", [param("totalIters", int(), 5), param("power", number, 1.0)], args);
    this.totalIters = a.totalIters;
    this.power = a.power;
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const n = this.totalIters;
    const decay = ((1 - this.lastEpoch / n) / (1 - (this.lastEpoch - 1) / n)) ** this.power;
    return this.groups.map((g) => g.lr * decay);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
  protected override ownStateKeys(): Array<[string, string]> {
    return [["total_iters", "totalIters"], ["power", "power"]];
  }
}

export interface CosineAnnealingLROptions extends EpochOptions {
  /** The number of steps of the half cosine period from the base lr to etaMin. */
  TMax?: number;
  etaMin?: number;
}

/** Cosine annealing from the initial lr to etaMin over TMax epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;
  /** CosineAnnealingLR(optimizer, T_max, eta_min=0, last_epoch=-1, verbose=False) */
  constructor(
    optimizer: AnyOptimizer,
    ...args: [TMax: number, ...rest: Args<[etaMin: number, lastEpoch: number, verbose: boolean], CosineAnnealingLROptions>] | [options: CosineAnnealingLROptions & { TMax: number }]
  ) {
    super(optimizer);
    const a = schedulerArgs<CosineAnnealingLROptions>("CosineAnnealingLR", [param("TMax", number), param("etaMin", number, 0)], args);
    this.TMax = a.TMax;
    this.etaMin = a.etaMin;
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    const { TMax: T, etaMin, lastEpoch: e } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this._stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }
  protected override closedFormLr(): number[] {
    const { TMax: T, etaMin } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / T))) / 2);
  }
  protected override ownStateKeys(): Array<[string, string]> {
    return [["T_max", "TMax"], ["eta_min", "etaMin"]];
  }
}

export interface CosineAnnealingWarmRestartsOptions extends EpochOptions {
  /** The number of steps before the first restart. */
  T0?: number;
  /** The factor each period grows by after a restart (an integer >= 1; default 1). */
  TMult?: number;
  etaMin?: number;
}

/** Cosine annealing with warm restarts (SGDR): period T0, then T0 * TMult, ... */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T0: number;
  Ti: number;
  TMult: number;
  etaMin: number;
  TCur: number;
  /** CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0, last_epoch=-1, verbose=False) */
  constructor(
    optimizer: AnyOptimizer,
    ...args: [T0: number, ...rest: Args<[TMult: number, etaMin: number, lastEpoch: number, verbose: boolean], CosineAnnealingWarmRestartsOptions>] | [options: CosineAnnealingWarmRestartsOptions & { T0: number }]
  ) {
    super(optimizer);
    const a = schedulerArgs<CosineAnnealingWarmRestartsOptions>("CosineAnnealingWarmRestarts", [param("T0", number), param("TMult", number, 1), param("etaMin", number, 0)], args);
    const { T0, TMult } = a;
    if (T0 <= 0 || !Number.isInteger(T0)) throw new ValueError(`Expected positive integer T_0, but got ${T0}`);
    if (TMult < 1 || !Number.isInteger(TMult)) throw new ValueError(`Expected integer T_mult >= 1, but got ${TMult}`);
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = a.etaMin;
    this.TCur = a.lastEpoch;
    this.init(a.lastEpoch, a.verbose);
  }
  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.Ti))) / 2);
  }
  /** Steps one epoch, or jumps to a (possibly fractional) epoch, e.g. `epoch + i / iters` inside an epoch. */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur = this.TCur + 1;
      if (this.TCur >= this.Ti) {
        this.TCur = this.TCur - this.Ti;
        this.Ti = this.Ti * this.TMult;
      }
    } else {
      if (epoch < 0) throw new ValueError(`Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = pyMod(epoch, this.T0);
        } else {
          const n = Math.trunc(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this._getLrCalledWithinStep = true;
    let values: number[];
    try {
      values = this.getLr();
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i]!;
      this.printLr(this.verbose, i, values[i]!, epoch);
    });
    this._lastLr = this.groups.map((g) => g.lr);
  }
  protected override ownStateKeys(): Array<[string, string]> {
    return [["T_0", "T0"], ["T_i", "Ti"], ["T_mult", "TMult"], ["eta_min", "etaMin"], ["T_cur", "TCur"]];
  }
}

/** The options of `CyclicLR`. */
export interface CyclicLROptions extends EpochOptions {
  baseLr?: number | number[];
  maxLr?: number | number[];
  stepSizeUp?: number;
  stepSizeDown?: number | null;
  mode?: "triangular" | "triangular2" | "exp_range";
  gamma?: number;
  /** a custom scale function replaces `mode` */
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: "cycle" | "iterations";
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
}

const CYCLIC = [
  param("baseLr", numbers), param("maxLr", numbers), param("stepSizeUp", number, 2000), param("stepSizeDown", nullable(number), null),
  param("mode", str, "triangular"), param("gamma", number, 1.0), param("scaleFn", nullable(func), null), param("scaleMode", str, "cycle"),
  param("cycleMomentum", bool, true), param("baseMomentum", numbers, 0.8), param("maxMomentum", numbers, 0.9),
];

/** Cyclical learning rates (Smith 2017) between baseLr and maxLr; momentum cycles inversely. */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleFnCustom: ((x: number) => number) | null;
  scaleMode: string;
  cycleMomentum: boolean;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];

  /**
   * CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode='triangular', gamma=1.0,
   * scale_fn=None, scale_mode='cycle', cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1, verbose=False)
   */
  constructor(
    optimizer: AnyOptimizer,
    ...args:
      | [baseLr: number | number[], maxLr: number | number[], ...rest: Args<[stepSizeUp: number, stepSizeDown: number | null, mode: CyclicLROptions["mode"], gamma: number, scaleFn: ((x: number) => number) | null, scaleMode: CyclicLROptions["scaleMode"], cycleMomentum: boolean, baseMomentum: number | number[], maxMomentum: number | number[], lastEpoch: number, verbose: boolean], CyclicLROptions>]
      | [options: CyclicLROptions & { baseLr: number | number[]; maxLr: number | number[] }]
  ) {
    super(optimizer);
    const options = schedulerArgs<CyclicLROptions>("CyclicLR", CYCLIC, args);
    const { baseLr, maxLr, lastEpoch } = options;
    const baseLrs = formatParam("baseLr", optimizer, baseLr);
    if (lastEpoch === -1) baseLrs.forEach((lr, i) => ((optimizer.paramGroups[i] as Group).lr = lr));
    this.maxLrs = formatParam("maxLr", optimizer, maxLr);
    const up = options.stepSizeUp;
    const down = options.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    const mode = options.mode;
    if (!["triangular", "triangular2", "exp_range"].includes(mode) && options.scaleFn === null) {
      throw new ValueError("mode is invalid and scaleFn is undefined");
    }
    this.mode = mode;
    this.gamma = options.gamma;
    this.scaleFnCustom = options.scaleFn;
    this.scaleMode = options.scaleFn === null ? (mode === "exp_range" ? "iterations" : "cycle") : options.scaleMode;
    this.cycleMomentum = options.cycleMomentum;
    if (this.cycleMomentum) {
      if (!("momentum" in optimizer.defaults)) {
        throw new ValueError("optimizer must support momentum with `cycleMomentum` option enabled");
      }
      const baseMomentums = formatParam("baseMomentum", optimizer, options.baseMomentum);
      if (lastEpoch === -1) baseMomentums.forEach((m, i) => ((optimizer.paramGroups[i] as Group).momentum = m));
      this.baseMomentums = (optimizer.paramGroups as Group[]).map((g) => g.momentum as number);
      this.maxMomentums = formatParam("maxMomentum", optimizer, options.maxMomentum);
    }
    this.init(lastEpoch, options.verbose);
    this.baseLrs = baseLrs;
  }

  scaleFn(x: number): number {
    if (this.scaleFnCustom !== null) return this.scaleFnCustom(x);
    if (this.mode === "triangular") return 1;
    if (this.mode === "triangular2") return 1 / 2 ** (x - 1);
    return this.gamma ** x;
  }

  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const at = this.scaleMode === "cycle" ? cycle : this.lastEpoch;
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i]! - base) * scaleFactor * this.scaleFn(at));
    if (this.cycleMomentum) {
      this.baseMomentums.forEach((base, i) => {
        const max = this.maxMomentums[i]!;
        this.groups[i]!.momentum = max - (max - base) * scaleFactor * this.scaleFn(at);
      });
    }
    return lrs;
  }

  protected override ownStateKeys(): Array<[string, string]> {
    return [
      ["max_lrs", "maxLrs"], ["total_size", "totalSize"], ["step_ratio", "stepRatio"], ["mode", "mode"],
      ["gamma", "gamma"], ["scale_mode", "scaleMode"], ["cycle_momentum", "cycleMomentum"],
      // PyTorch has momentum attributes only when it cycles momentum
      ...(this.cycleMomentum ? ([["base_momentums", "baseMomentums"], ["max_momentums", "maxMomentums"]] as Array<[string, string]>) : []),
    ];
  }
  override stateDict(): SchedulerStateDict {
    // the scale function is not stored: the built-in ones follow from `mode`, as in PyTorch
    return { ...super.stateDict(), _scale_fn_custom: null, _scale_fn_ref: null };
  }
}

/** The options of `OneCycleLR`. */
export interface OneCycleLROptions extends EpochOptions {
  maxLr?: number | number[];
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

/** One phase of OneCycleLR's schedule (PyTorch's _schedule_phases): where it ends and the param group keys it anneals between. */
export interface Phase {
  /** The last step of the phase. */
  endStep: number;
  /** The param group key of the lr at the phase's start. */
  startLr: string;
  /** The param group key of the lr at the phase's end. */
  endLr: string;
  /** The param group key of the momentum at the phase's start. */
  startMomentum: string;
  /** The param group key of the momentum at the phase's end. */
  endMomentum: string;
}

const ONE_CYCLE = [
  param("maxLr", numbers), param("totalSteps", nullable(number), null), param("epochs", nullable(number), null),
  param("stepsPerEpoch", nullable(number), null), param("pctStart", number, 0.3), param("annealStrategy", str, "cos"),
  param("cycleMomentum", bool, true), param("baseMomentum", numbers, 0.85), param("maxMomentum", numbers, 0.95),
  param("divFactor", number, 25.0), param("finalDivFactor", number, 1e4), param("threePhase", bool, false),
];

/** The 1cycle policy (Smith & Topin): warm up to maxLr, then anneal far below the initial lr. */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  schedulePhases: Phase[];
  annealStrategy: "cos" | "linear";
  cycleMomentum: boolean;
  useBeta1 = false;

  /**
   * OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, anneal_strategy='cos',
   * cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
   * last_epoch=-1, verbose=False)
   */
  constructor(
    optimizer: AnyOptimizer,
    ...args:
      | [maxLr: number | number[], ...rest: Args<[totalSteps: number | null, epochs: number | null, stepsPerEpoch: number | null, pctStart: number, annealStrategy: "cos" | "linear", cycleMomentum: boolean, baseMomentum: number | number[], maxMomentum: number | number[], divFactor: number, finalDivFactor: number, threePhase: boolean, lastEpoch: number, verbose: boolean], OneCycleLROptions>]
      | [options: OneCycleLROptions & { maxLr: number | number[] }]
  ) {
    super(optimizer);
    const options = schedulerArgs<OneCycleLROptions>("OneCycleLR", ONE_CYCLE, args);
    const { maxLr, totalSteps, epochs, stepsPerEpoch, lastEpoch } = options;
    if (totalSteps === null && epochs === null && stepsPerEpoch === null) {
      throw new ValueError("You must define either totalSteps OR (epochs AND stepsPerEpoch)");
    } else if (totalSteps !== null) {
      if (totalSteps <= 0 || !Number.isInteger(totalSteps)) {
        throw new ValueError(`Expected positive integer total_steps, but got ${totalSteps}`);
      }
      this.totalSteps = totalSteps;
    } else {
      if (epochs === null || epochs <= 0 || !Number.isInteger(epochs)) {
        throw new ValueError(`Expected positive integer epochs, but got ${epochs}`);
      }
      if (stepsPerEpoch === null || stepsPerEpoch <= 0 || !Number.isInteger(stepsPerEpoch)) {
        throw new ValueError(`Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
      }
      this.totalSteps = epochs * stepsPerEpoch;
    }
    const pct = options.pctStart;
    const n = this.totalSteps;
    this.schedulePhases = options.threePhase
      ? [
          { endStep: pct * n - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: 2 * pct * n - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
          { endStep: n - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
        ]
      : [
          { endStep: pct * n - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: n - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        ];
    if (pct < 0 || pct > 1) throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pct}`);
    const anneal = options.annealStrategy;
    if (anneal !== "cos" && anneal !== "linear") {
      throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(anneal)}`);
    }
    this.annealStrategy = anneal;
    const maxLrs = formatParam("maxLr", optimizer, maxLr);
    const { divFactor, finalDivFactor } = options;
    const groups = optimizer.paramGroups as Group[];
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    this.cycleMomentum = options.cycleMomentum;
    if (this.cycleMomentum) {
      if (!("momentum" in optimizer.defaults) && !("betas" in optimizer.defaults)) {
        throw new ValueError("optimizer must support momentum with `cycleMomentum` option enabled");
      }
      this.useBeta1 = "betas" in optimizer.defaults;
      const maxMomentums = formatParam("maxMomentum", optimizer, options.maxMomentum);
      const baseMomentums = formatParam("baseMomentum", optimizer, options.baseMomentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (this.useBeta1) g.betas = [maxMomentums[i]!, ...(g.betas as number[]).slice(1)];
          else g.momentum = maxMomentums[i]!;
          g.maxMomentum = maxMomentums[i]!;
          g.baseMomentum = baseMomentums[i]!;
        });
      }
    }
    this.init(lastEpoch, options.verbose);
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === "cos") return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(`Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.groups.map((g) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.schedulePhases.length; i++) {
        const phase = this.schedulePhases[i]!;
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === this.schedulePhases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }

  protected override ownStateKeys(): Array<[string, string]> {
    return [["total_steps", "totalSteps"], ["_schedule_phases", "schedulePhases"], ["cycle_momentum", "cycleMomentum"], ["use_beta1", "useBeta1"]];
  }
  override stateDict(): SchedulerStateDict {
    const sd = super.stateDict();
    // phases with PyTorch's keys and group-key names (end_step, start_lr: "initial_lr", ...)
    sd._schedule_phases = this.schedulePhases.map((p) =>
      Object.fromEntries(Object.entries(p).map(([k, v]) => [camelToSnake(k), typeof v === "string" ? camelToSnake(v) : v])),
    );
    // PyTorch stores the bound anneal function here; its name says the same
    sd.anneal_func = this.annealStrategy;
    return sd;
  }
  protected override loadValue(key: string, value: unknown): unknown {
    if (key === "_schedule_phases" && Array.isArray(value)) {
      return value.map((p: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(p).map(([k, v]) => [snakeToCamel(k), typeof v === "string" ? snakeToCamel(v) : v])),
      );
    }
    return value;
  }
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    const f = stateDict.anneal_func;
    if (f === "cos" || f === "linear") this.annealStrategy = f;
  }
}

export interface SequentialLROptions extends EpochOptions {
  schedulers?: LRScheduler[];
  milestones?: number[];
}

/** Runs schedulers one after another, switching at the milestones. */
export class SequentialLR extends LRScheduler {
  _schedulers: LRScheduler[];
  _milestones: number[];

  /** SequentialLR(optimizer, schedulers, milestones, last_epoch=-1, verbose=False) */
  constructor(
    optimizer: AnyOptimizer,
    ...args:
      | [schedulers: LRScheduler[], milestones: number[], ...rest: Args<[lastEpoch: number, verbose: boolean], SequentialLROptions>]
      | [schedulers: LRScheduler[], options: SequentialLROptions & { milestones: number[] }]
      | [options: SequentialLROptions & { schedulers: LRScheduler[]; milestones: number[] }]
  ) {
    super(optimizer);
    const { schedulers, milestones, lastEpoch } = schedulerArgs<SequentialLROptions>("SequentialLR", [param("schedulers", schedulerList), param("milestones", intList)], args);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(
          "Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at " +
            `index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone " +
          `points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    this._schedulers = schedulers;
    this._milestones = milestones;
    this.lastEpoch = lastEpoch + 1;
    for (const g of this.groups) g.lr = g.initialLr as number;
    // undo the first step each scheduler took at construction, then redo the first one's
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]!._initialStep();
    this._lastLr = schedulers[0]!.getLastLr();
  }

  getLr(): number[] {
    return this.getLastLr();
  }

  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this._milestones, this.lastEpoch);
    const scheduler = this._schedulers[idx]!;
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) {
      internalEpochStep = true;
      try {
        scheduler.step(0);
      } finally {
        internalEpochStep = false;
      }
    } else {
      scheduler.step();
    }
    this._lastLr = scheduler.getLastLr();
  }

  protected override stateKeys(): Array<[string, string]> {
    return [["_milestones", "_milestones"], ["last_epoch", "lastEpoch"], ["_last_lr", "_lastLr"]];
  }
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    const subs = stateDict._schedulers as SchedulerStateDict[] | undefined;
    subs?.forEach((s, i) => this._schedulers[i]?.loadStateDict(s));
  }
}

/** Steps several schedulers together, each multiplying in its own factor. */
export class ChainedScheduler extends LRScheduler {
  _schedulers: LRScheduler[];

  /** ChainedScheduler(schedulers) */
  constructor(...args: [schedulers: LRScheduler[]] | [options: { schedulers: LRScheduler[] }]) {
    const { schedulers } = schedulerArgs<{ schedulers: LRScheduler[] }>("ChainedScheduler", [param("schedulers", schedulerList)], args, false);
    if (schedulers.length === 0) throw new ValueError("ChainedScheduler expects at least one scheduler");
    super(schedulers[0]!.optimizer);
    for (let i = 1; i < schedulers.length; i++) {
      if (schedulers[i]!.optimizer !== schedulers[0]!.optimizer) {
        throw new ValueError(
          `ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
      }
    }
    this._schedulers = [...schedulers];
    this._lastLr = this.groups.map((g) => g.lr);
  }

  getLr(): number[] {
    return this.getLastLr();
  }

  override step(): void {
    for (const s of this._schedulers) s.step();
    this._lastLr = this.groups.map((g) => g.lr);
  }

  protected override stateKeys(): Array<[string, string]> {
    return [["_last_lr", "_lastLr"]];
  }
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    const subs = stateDict._schedulers as SchedulerStateDict[] | undefined;
    subs?.forEach((s, i) => this._schedulers[i]?.loadStateDict(s));
  }
}

/** The options of `ReduceLROnPlateau`. */
export interface ReduceLROnPlateauOptions {
  mode?: "min" | "max";
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
  verbose?: boolean;
}

const PLATEAU = [
  param("mode", str, "min"), param("factor", number, 0.1), param("patience", int(), 10), param("threshold", number, 1e-4),
  param("thresholdMode", str, "rel"), param("cooldown", int(), 0), param("minLr", numbers, 0), param("eps", number, 1e-8),
  param("verbose", bool, false),
];

/** Reduces the lr by `factor` when a metric has stopped improving for `patience` epochs. */
export class ReduceLROnPlateau {
  optimizer: AnyOptimizer;
  factor: number;
  minLrs: number[];
  patience: number;
  verbose: boolean;
  cooldown: number;
  cooldownCounter = 0;
  mode: "min" | "max";
  threshold: number;
  thresholdMode: "rel" | "abs";
  best = Infinity;
  numBadEpochs = 0;
  modeWorse = Infinity;
  eps: number;
  lastEpoch = 0;
  _lastLr: number[] = [];

  /**
   * ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4, threshold_mode='rel', cooldown=0,
   * min_lr=0, eps=1e-8, verbose=False)
   */
  constructor(
    optimizer: AnyOptimizer,
    ...args: Args<[mode: "min" | "max", factor: number, patience: number, threshold: number, thresholdMode: "rel" | "abs", cooldown: number, minLr: number | number[], eps: number, verbose: boolean], ReduceLROnPlateauOptions>
  ) {
    const options = schedulerArgs<ReduceLROnPlateauOptions>("ReduceLROnPlateau", PLATEAU, args, false);
    const factor = options.factor;
    if (factor >= 1.0) throw new ValueError("Factor should be < 1.0.");
    this.factor = factor;
    if (!(optimizer instanceof Optimizer)) throw new TorchTypeError(`${typeName(optimizer)} is not an Optimizer`);
    this.optimizer = optimizer;
    const minLr = options.minLr;
    if (Array.isArray(minLr)) {
      if (minLr.length !== optimizer.paramGroups.length) {
        throw new ValueError(`expected ${optimizer.paramGroups.length} min_lrs, got ${minLr.length}`);
      }
      this.minLrs = [...minLr];
    } else {
      this.minLrs = optimizer.paramGroups.map(() => minLr);
    }
    this.patience = options.patience;
    this.verbose = options.verbose;
    this.cooldown = options.cooldown;
    this.mode = options.mode;
    this.threshold = options.threshold;
    this.thresholdMode = options.thresholdMode;
    this.eps = options.eps;
    this.initIsBetter();
    this.reset();
  }

  private reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /** Records the epoch's metric (a number or a one-element tensor) and reduces the lr on a plateau. */
  step(metrics: number | Tensor, epoch?: number): void {
    if (typeof metrics !== "number" && !(metrics instanceof Tensor)) throw fail("ReduceLROnPlateau.step", "metrics", "a number or a one-element Tensor", metrics);
    if (typeof metrics !== "number" && metrics.device.type !== "cpu") {
      throw new RuntimeError(`ReduceLROnPlateau.step(): the metric is on ${metrics.device}, whose values are read asynchronously: pass a number, scheduler.step(await metric.itemAsync())`);
    }
    const current = typeof metrics === "number" ? metrics : metrics.item();
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else warnOnce(EPOCH_DEPRECATION_WARNING);
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // ignore any bad epochs in cooldown
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr(epoch);
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = (this.optimizer.paramGroups as Group[]).map((g) => g.lr);
  }

  private reduceLr(epoch: number): void {
    (this.optimizer.paramGroups as Group[]).forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) {
        g.lr = newLr;
        if (this.verbose) console.log(`Epoch ${epoch}: reducing learning rate of group ${i} to ${newLr.toExponential(4)}.`);
      }
    });
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(a: number, best: number): boolean {
    if (this.mode === "min" && this.thresholdMode === "rel") return a < best * (1 - this.threshold);
    if (this.mode === "min" && this.thresholdMode === "abs") return a < best - this.threshold;
    if (this.mode === "max" && this.thresholdMode === "rel") return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  private initIsBetter(): void {
    if (this.mode !== "min" && this.mode !== "max") throw new ValueError(`mode ${String(this.mode)} is unknown!`);
    if (this.thresholdMode !== "rel" && this.thresholdMode !== "abs") {
      throw new ValueError(`threshold mode ${String(this.thresholdMode)} is unknown!`);
    }
    this.modeWorse = this.mode === "min" ? Infinity : -Infinity;
  }

  getLastLr(): number[] {
    return [...this._lastLr];
  }

  private static readonly KEYS: Array<[string, string]> = [
    ["factor", "factor"], ["min_lrs", "minLrs"], ["patience", "patience"], ["verbose", "verbose"],
    ["cooldown", "cooldown"], ["cooldown_counter", "cooldownCounter"], ["mode", "mode"], ["threshold", "threshold"],
    ["threshold_mode", "thresholdMode"], ["best", "best"], ["num_bad_epochs", "numBadEpochs"],
    ["mode_worse", "modeWorse"], ["eps", "eps"], ["last_epoch", "lastEpoch"], ["_last_lr", "_lastLr"],
  ];

  stateDict(): SchedulerStateDict {
    const self = this as unknown as Record<string, unknown>;
    return Object.fromEntries(ReduceLROnPlateau.KEYS.filter(([, ts]) => self[ts] !== undefined).map(([py, ts]) => [py, copyValue(self[ts])]));
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [py, ts] of ReduceLROnPlateau.KEYS) if (py in stateDict) self[ts] = copyValue(stateDict[py]);
    this.initIsBetter();
  }
}
