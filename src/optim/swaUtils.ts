// torch.optim.swa_utils (stochastic weight averaging, Izmailov et al. 2018), as PyTorch 1.13's:
// AveragedModel keeps a copy of a model whose parameters are the running average of the
// model's (updateParameters after each epoch), SWALR anneals each group's learning rate to its
// swa_lr, and updateBn recomputes the batch norms' running statistics of the averaged model
// with one pass over the data.
import { bool, nullable, param, parseArgs, str, type Args } from "../args.ts";
import { TorchTypeError, ValueError } from "../errors.ts";
import type { DeviceLike } from "../device.ts";
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { Module, checkModule } from "../nn/module.ts";
import { deepCopyModule } from "../nn/modules/transformer.ts";
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from "../nn/modules/normalization.ts";
import { LRScheduler, schedulerArgs, type AnyOptimizer, type EpochOptions } from "./lrScheduler.ts";

/** The average of an averaged parameter and the model's, given how many models it averages so far. */
export type AvgFn = (averagedParameter: Tensor, modelParameter: Tensor, numAveraged: Tensor) => Tensor;

/** The options of `swaUtils.AveragedModel`. */
export interface AveragedModelOptions {
  /** Where the copy lives; PyTorch's default: the model's device. */
  device?: DeviceLike | null;
  /** The averaging; PyTorch's default the equal-weight running mean. */
  avgFn?: AvgFn | null;
  /** Average the buffers too (else they keep the values copied at construction); PyTorch's default false. */
  useBuffers?: boolean;
}
const AVERAGED = [param("device", nullable((v) => v as DeviceLike), null), param("avgFn", nullable((v, arg, fn) => {
  if (typeof v !== "function") throw new TorchTypeError(`${fn}(): argument '${arg}' must be a function`);
  return v as AvgFn;
}), null), param("useBuffers", bool, false)];

/** The equal-weight running mean: averaged + (model - averaged) / (n + 1). */
const meanFn: AvgFn = (averaged, model, n) => averaged.add(model.sub(averaged).div(n.add(1)));

/** swa_utils.AveragedModel(model, device=None, avg_fn=None, use_buffers=False): `module` (a copy of model) and the int64 buffer `n_averaged`. */
export class AveragedModel extends Module {
  /** The averaged copy of the model. */
  module: Module;
  /** Buffer: how many models have been averaged (int64). */
  declare n_averaged: Tensor;
  /** The averaging function. */
  readonly avgFn: AvgFn;
  /** Whether buffers are averaged too. */
  readonly useBuffers: boolean;

  constructor(model: Module, ...args: Args<[device: DeviceLike | null, avgFn: AvgFn | null, useBuffers: boolean], AveragedModelOptions>);
  constructor(model: Module, ...args: unknown[]) {
    super();
    checkModule(model, "AveragedModel");
    const a = parseArgs<Required<AveragedModelOptions>>("AveragedModel", AVERAGED, args);
    this.module = deepCopyModule(model);
    if (a.device !== null) this.module = this.module.to(a.device);
    this.registerBuffer("n_averaged", torch.tensor(0, { dtype: "int64", ...(a.device !== null ? { device: a.device } : {}) }));
    this.avgFn = a.avgFn ?? meanFn;
    this.useBuffers = a.useBuffers;
  }

  /** The copy's forward. */
  override forward(...args: unknown[]): unknown {
    return this.module.forward(...args);
  }

  /**
   * update_parameters(model): folds the model's current parameters (and buffers with useBuffers)
   * into the average. Without useBuffers the copy's buffers stay as copied at construction, as in
   * PyTorch 1.13 (updateBn recomputes batch norm statistics for the averaged weights).
   */
  updateParameters(model: Module): void {
    checkModule(model, "updateParameters");
    const mine = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : this.parameters();
    const theirs = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    const first = this.n_averaged.item() === 0;
    torch.noGrad(() => {
      mine.forEach((p, i) => {
        const q = theirs[i];
        if (q === undefined) return; // zip stops at the shorter list
        const m = q.detach().to(p.device);
        if (first) p.detach().copy_(m);
        else p.detach().copy_(this.avgFn(p.detach(), m, this.n_averaged.to(p.device)));
      });
      this.n_averaged.add_(1);
    });
  }
}

/**
 * swa_utils.update_bn(loader, model, device=None): resets every batch norm's running statistics
 * and runs the model once over the loader's batches (the first element of a batch that is an
 * array) in training mode with a cumulative average (momentum null), then restores the
 * momenta and the training mode. Accepts a synchronous or an asynchronous iterable (a DataLoader).
 */
export async function updateBn(loader: Iterable<unknown> | AsyncIterable<unknown>, model: Module, device: DeviceLike | null = null): Promise<void> {
  checkModule(model, "updateBn");
  if (loader === null || typeof loader !== "object" || !(Symbol.iterator in loader || Symbol.asyncIterator in loader)) {
    throw new TorchTypeError("updateBn(): argument 'loader' must be an iterable (or async iterable) of batches");
  }
  type BN = BatchNorm1d | BatchNorm2d | BatchNorm3d;
  const momenta = new Map<BN, number | null>();
  for (const m of model.modules()) {
    if (!(m instanceof BatchNorm1d || m instanceof BatchNorm2d || m instanceof BatchNorm3d) || m.running_mean === null) continue;
    m.registerBuffer("running_mean", torch.zerosLike(m.running_mean));
    m.registerBuffer("running_var", torch.fullLike(m.running_var!, 1));
    momenta.set(m, m.momentum);
  }
  if (momenta.size === 0) return;
  const wasTraining = model.training;
  model.train();
  for (const m of momenta.keys()) {
    (m as { momentum: number | null }).momentum = null;
    torch.noGrad(() => m.num_batches_tracked?.mul_(0));
  }
  for await (const batch of loader as AsyncIterable<unknown>) {
    let input = Array.isArray(batch) ? batch[0] : batch;
    if (device !== null && input instanceof torch.Tensor) input = input.to(device);
    model.forward(input);
  }
  for (const [m, momentum] of momenta) (m as { momentum: number | null }).momentum = momentum;
  model.train(wasTraining);
}

/** The options of `swaUtils.SWALR` after swa_lr. */
export interface SWALROptions extends EpochOptions {
  /** Epochs of annealing from each group's lr to its swa_lr; PyTorch's default 10. */
  annealEpochs?: number;
  /** "cos" or "linear"; PyTorch's default "cos". */
  annealStrategy?: "cos" | "linear";
}
const SWALR_ARGS = [param("annealEpochs", (v) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new ValueError(`anneal_epochs must be equal or greater than 0, got ${String(v)}`);
  return v;
}, 10), param("annealStrategy", str, "cos")];
const swaLrArg = (v: unknown): number | number[] => {
  if (typeof v === "number" || (Array.isArray(v) && v.every((x) => typeof x === "number"))) return v as number | number[];
  throw new TorchTypeError("SWALR(): argument 'swaLr' must be a number or an array of numbers (one per parameter group)");
};

/** swa_utils.SWALR(optimizer, swa_lr, anneal_epochs=10, anneal_strategy='cos', last_epoch=-1, verbose=False). */
export class SWALR extends LRScheduler {
  /** Epochs of annealing. */
  readonly annealEpochs: number;
  /** The annealing curve's shape: t for "linear", (1 - cos(pi t)) / 2 for "cos". */
  readonly annealFunc: (t: number) => number;

  constructor(optimizer: AnyOptimizer, swaLr: number | readonly number[], ...args: Args<[annealEpochs: number, annealStrategy: "cos" | "linear", lastEpoch: number, verbose: boolean], SWALROptions>);
  constructor(optimizer: AnyOptimizer, swaLr: unknown, ...args: unknown[]) {
    super(optimizer);
    const lrs = swaLrArg(swaLr);
    const groups = this.optimizer.paramGroups;
    if (Array.isArray(lrs) && lrs.length !== groups.length) {
      throw new ValueError(`swa_lr must have the same length as optimizer.param_groups: swa_lr has ${lrs.length}, optimizer.param_groups has ${groups.length}`);
    }
    groups.forEach((g, i) => { (g as Record<string, unknown>).swaLr = Array.isArray(lrs) ? lrs[i] : lrs; });
    const a = schedulerArgs<SWALROptions>("SWALR", SWALR_ARGS, args);
    if (a.annealStrategy !== "cos" && a.annealStrategy !== "linear") throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${a.annealStrategy}`);
    this.annealFunc = a.annealStrategy === "cos" ? (t) => (1 - Math.cos(Math.PI * t)) / 2 : (t) => t;
    this.annealEpochs = a.annealEpochs;
    this.init(a.lastEpoch, a.verbose);
  }

  getLr(): number[] {
    this.warnIfCalledOutsideStep();
    let step = this._stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const clamp = (x: number) => Math.max(0, Math.min(1, x));
    const prevAlpha = this.annealFunc(clamp((step - 1) / Math.max(1, this.annealEpochs)));
    const alpha = this.annealFunc(clamp(step / Math.max(1, this.annealEpochs)));
    return this.groups.map((g) => {
      const swaLr = (g as Record<string, unknown>).swaLr as number;
      // the lr before annealing, recovered from the current one (PyTorch's _get_initial_lr)
      const prev = prevAlpha === 1 ? swaLr : (g.lr - prevAlpha * swaLr) / (1 - prevAlpha);
      return swaLr * alpha + prev * (1 - alpha);
    });
  }

  protected override ownStateKeys(): Array<[string, string]> {
    return [["anneal_epochs", "annealEpochs"]];
  }
}
