// Normalization modules. BatchNorm keeps PyTorch's state: weight, bias, running_mean,
// running_var and num_batches_tracked (an int64 buffer), with PyTorch's state-dict keys.
import { bool, checkTensor, FACTORY_KWARGS, int, intOrInts, nullable, num, param, parseArgs, type Args, type FactoryOptions } from "../../args.ts";
import { ValueError } from "../../errors.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { asyncReadError, onHost } from "../../ops/alloc.ts";
import { ones, tensor, zeros } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import * as N from "../functional/normalization.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyBool, pyFloat, pyTuple } from "../repr.ts";

/** The options of `nn.BatchNorm1d` and `nn.BatchNorm2d`. */
export interface BatchNormOptions extends FactoryOptions {
  /** C, the number of channels (dim 1 of the input); required. */
  numFeatures?: number;
  /** Added to the variance for numerical stability; PyTorch's default 1e-5. */
  eps?: number;
  /** null: cumulative moving average over all batches seen. */
  momentum?: number | null;
  /** Learnable per-channel weight and bias; PyTorch's default true. */
  affine?: boolean;
  /** Keep running_mean and running_var (used in eval mode); false normalizes with batch statistics in both modes. PyTorch's default true. */
  trackRunningStats?: boolean;
}
const BATCH_NORM = [
  param("numFeatures", int()), param("eps", num(), 1e-5), param("momentum", nullable(num()), 0.1),
  param("affine", bool, true), param("trackRunningStats", bool, true),
];

abstract class BatchNormBase extends Module {
  /** Channels normalized (C of [N, C, ...]; 0 for a lazy norm before its first call). */
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** [numFeatures] scale, initialised to ones, when affine; else null. */
  weight: Parameter | null;
  /** [numFeatures] shift, initialised to zeros, when affine; else null. */
  bias: Parameter | null;
  /** Buffer: [numFeatures] running mean, when trackRunningStats; else null. */
  declare running_mean: Tensor | null;
  /** Buffer: [numFeatures] running (unbiased) variance, when trackRunningStats; else null. */
  declare running_var: Tensor | null;
  /** Buffer: the int64 count of training batches seen, when trackRunningStats; else null. */
  declare num_batches_tracked: Tensor | null;

  /** nn.BatchNorm1d/2d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None). */
  constructor(numFeatures: number, ...args: Args<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], BatchNormOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<BatchNormOptions>>(this.constructor.name, BATCH_NORM, args, FACTORY_KWARGS);
    const numFeatures = a.numFeatures;
    this.numFeatures = numFeatures;
    this.eps = a.eps;
    this.momentum = a.momentum;
    this.affine = a.affine;
    this.trackRunningStats = a.trackRunningStats;
    const dtype = a.dtype;
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype, device: a.device })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype, device: a.device })) : null;
    if (this.trackRunningStats) {
      this.registerBuffer("running_mean", zeros([numFeatures], { dtype, device: a.device }));
      this.registerBuffer("running_var", ones([numFeatures], { dtype, device: a.device }));
      this.registerBuffer("num_batches_tracked", tensor(0, { dtype: "int64", device: a.device }));
    } else {
      this.registerBuffer("running_mean", null);
      this.registerBuffer("running_var", null);
      this.registerBuffer("num_batches_tracked", null);
    }
  }

  /** The `running_mean` buffer. */
  get runningMean(): Tensor | null {
    return this.running_mean;
  }
  /** The `running_var` buffer. */
  get runningVar(): Tensor | null {
    return this.running_var;
  }
  /** The `num_batches_tracked` buffer. */
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  /** Resets running_mean to 0, running_var to 1 and num_batches_tracked to 0 (nothing without trackRunningStats). */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.copy_(tensor(0, { dtype: "int64" }));
    });
  }

  protected abstract checkInputDim(x: Tensor): void;

  override forward(input: Tensor): Tensor {
    const x = checkTensor(input, "input", this.constructor.name);
    this.checkInputDim(x);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      // num_batches_tracked += 1 (an int64 buffer: written in its storage directly on the CPU).
      const nbt = this.num_batches_tracked;
      if (onHost(nbt)) {
        const data = nbt._box.data as BigInt64Array;
        data[nbt.offset] += 1n;
        nbt._box.version++;
        if (this.momentum === null) factor = 1 / Number(data[nbt.offset]);
      } else {
        // the cumulative average's factor is 1 / count, a value on the device
        if (this.momentum === null) throw asyncReadError(nbt, "batch norm with momentum=None (a cumulative average)", "a momentum, or this module on the CPU (the factor 1/num_batches_tracked would be read from the device every step)");
        noGrad(() => nbt.add_(1));
      }
    }
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useStats = !this.training || this.trackRunningStats;
    return N.batchNorm(x, useStats ? this.running_mean : null, useStats ? this.running_var : null, this.weight, this.bias, bnTraining, factor, this.eps);
  }

  override extraRepr(): string {
    const m = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 2 && x.dim() !== 3) throw new ValueError(`expected 2D or 3D input (got ${x.dim()}D input)`);
  }
}
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 4) throw new ValueError(`expected 4D input (got ${x.dim()}D input)`);
  }
}

/** nn.BatchNorm3d: over [n, c, d, h, w] inputs. */
export class BatchNorm3d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 5) throw new ValueError(`expected 5D input (got ${x.dim()}D input)`);
  }
}

const shapeOf = (s: number | readonly number[]): number[] => (typeof s === "number" ? [s] : [...s]);

/** The options of `nn.LayerNorm`. */
export interface LayerNormOptions extends FactoryOptions {
  /** The trailing shape normalized over (an int for the last dimension); required. */
  normalizedShape?: number | readonly number[];
  /** Added to the variance for numerical stability; PyTorch's default 1e-5. */
  eps?: number;
  /** A learnable weight (ones) and bias (zeros) of shape normalizedShape; PyTorch's default true. */
  elementwiseAffine?: boolean;
  /** PyTorch 2.1's bias (after elementwise_affine). */
  bias?: boolean;
}
const LAYER_NORM = [param("normalizedShape", intOrInts), param("eps", num(), 1e-5), param("elementwiseAffine", bool, true), param("bias", bool, true)];

/** nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None). */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  /** The normalizedShape scale, initialised to ones, when elementwiseAffine; else null. */
  weight: Parameter | null;
  /** The normalizedShape shift, initialised to zeros, when elementwiseAffine and bias; else null. */
  bias: Parameter | null;
  constructor(normalizedShape: number | readonly number[], ...args: Args<[eps: number, elementwiseAffine: boolean, bias: boolean], LayerNormOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<LayerNormOptions>>("LayerNorm", LAYER_NORM, args, FACTORY_KWARGS);
    this.normalizedShape = shapeOf(a.normalizedShape);
    this.eps = a.eps;
    this.elementwiseAffine = a.elementwiseAffine;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype: a.dtype, device: a.device })) : null;
    this.bias = this.elementwiseAffine && a.bias ? new Parameter(zeros(this.normalizedShape, { dtype: a.dtype, device: a.device })) : null;
  }
  override forward(input: Tensor): Tensor {
    return N.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** The options of `nn.GroupNorm`. */
export interface GroupNormOptions extends FactoryOptions {
  /** The number of groups the channels are split into; required, divides numChannels. */
  numGroups?: number;
  /** C, the number of channels (dim 1 of the input); required. */
  numChannels?: number;
  /** Added to the variance for numerical stability; PyTorch's default 1e-5. */
  eps?: number;
  /** A learnable per-channel weight (ones) and bias (zeros); PyTorch's default true. */
  affine?: boolean;
}
const GROUP_NORM = [param("numGroups", int()), param("numChannels", int()), param("eps", num(), 1e-5), param("affine", bool, true)];

/** nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None). */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  /** [numChannels] scale, initialised to ones, when affine; else null. */
  weight: Parameter | null;
  /** [numChannels] shift, initialised to zeros, when affine; else null. */
  bias: Parameter | null;
  constructor(numGroups: number, numChannels: number, ...args: Args<[eps: number, affine: boolean], GroupNormOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<GroupNormOptions>>("GroupNorm", GROUP_NORM, args, FACTORY_KWARGS);
    if (a.numChannels % a.numGroups !== 0) throw new ValueError("num_channels must be divisible by num_groups");
    this.numGroups = a.numGroups;
    this.numChannels = a.numChannels;
    this.eps = a.eps;
    this.affine = a.affine;
    this.weight = this.affine ? new Parameter(ones([a.numChannels], { dtype: a.dtype, device: a.device })) : null;
    this.bias = this.affine ? new Parameter(zeros([a.numChannels], { dtype: a.dtype, device: a.device })) : null;
  }
  override forward(input: Tensor): Tensor {
    return N.groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

/** The options of `nn.RMSNorm`. */
export interface RMSNormOptions extends FactoryOptions {
  /** The trailing shape normalized over (an int for the last dimension); required. */
  normalizedShape?: number | readonly number[];
  /** null: the input dtype's machine epsilon. */
  eps?: number | null;
  /** A learnable weight (ones) of shape normalizedShape; PyTorch's default true. */
  elementwiseAffine?: boolean;
}
const RMS_NORM = [param("normalizedShape", intOrInts), param("eps", nullable(num()), null), param("elementwiseAffine", bool, true)];

/** nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None) (PyTorch 2.4). */
export class RMSNorm extends Module {
  /** The trailing shape normalized over. */
  readonly normalizedShape: number[];
  /** Added to the mean square; null uses the input dtype's machine epsilon. */
  readonly eps: number | null;
  /** Whether there is a learnable weight. */
  readonly elementwiseAffine: boolean;
  /** The normalizedShape scale, initialised to ones, when elementwiseAffine; else null. */
  weight: Parameter | null;
  constructor(normalizedShape: number | readonly number[], ...args: Args<[eps: number | null, elementwiseAffine: boolean], RMSNormOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<RMSNormOptions>>("RMSNorm", RMS_NORM, args, FACTORY_KWARGS);
    this.normalizedShape = shapeOf(a.normalizedShape);
    this.eps = a.eps;
    this.elementwiseAffine = a.elementwiseAffine;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype: a.dtype, device: a.device })) : null;
  }
  override forward(input: Tensor): Tensor {
    return N.rmsNorm(input, this.normalizedShape, this.weight, this.eps);
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${this.eps === null ? "None" : pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

// InstanceNorm1d / InstanceNorm2d (torch/nn/modules/instancenorm.py): normalization per sample and
// channel over the spatial dims, through F.instanceNorm, with BatchNorm's state (_NormBase) and
// PyTorch's defaults affine=False, track_running_stats=False. Training (or no tracked stats)
// normalizes with the input's own statistics and moves the running stats; eval with tracked stats
// normalizes with them. num_batches_tracked is not advanced, as in PyTorch.
/** Options of nn.InstanceNorm1d/2d/3d: PyTorch's keywords and the factory keywords. */
export interface InstanceNormOptions extends FactoryOptions {
  /** The number of channels C. */
  numFeatures?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** The running statistics' update factor (default 0.1). */
  momentum?: number;
  /** Learns a per-channel weight and bias (default false). */
  affine?: boolean;
  /** Keeps running mean and variance, used in eval mode (default false). */
  trackRunningStats?: boolean;
}
type InstanceNormPositional = [eps: number, momentum: number, affine: boolean, trackRunningStats: boolean];
const INSTANCE_NORM = [
  param("numFeatures", int()), param("eps", num(), 1e-5), param("momentum", num(), 0.1), param("affine", bool, false), param("trackRunningStats", bool, false),
];

abstract class InstanceNormBase extends BatchNormBase {
  /** InstanceNorm{1,2}d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None, dtype=None). */
  constructor(numFeatures: number, ...args: Args<InstanceNormPositional, InstanceNormOptions>);
  constructor(...args: unknown[]) {
    const { numFeatures, dtype, ...a } = parseArgs<Required<Omit<InstanceNormOptions, keyof FactoryOptions>> & FactoryOptions>(new.target.name, INSTANCE_NORM, args, FACTORY_KWARGS);
    super(numFeatures, { ...a, ...(dtype !== undefined ? { dtype } : {}) });
  }

  /** The dims of an unbatched input (C, L) or (C, H, W). */
  protected abstract readonly noBatchDim: number;

  override forward(input: Tensor): Tensor {
    const x = checkTensor(input, "input", this.constructor.name);
    this.checkInputDim(x);
    const unbatched = x.dim() === this.noBatchDim;
    const y = N.instanceNorm(unbatched ? x.unsqueeze(0) : x, {
      runningMean: this.running_mean, runningVar: this.running_var, weight: this.weight, bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats, momentum: this.momentum ?? 0.1, eps: this.eps,
    });
    return unbatched ? y.squeeze(0) : y;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum ?? 0.1)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Instance normalization of [N, C, L] or unbatched [C, L] inputs. */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly noBatchDim = 2;
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 2 && x.dim() !== 3) throw new ValueError(`expected 2D or 3D input (got ${x.dim()}D input)`);
  }
}

/** Instance normalization of [N, C, H, W] or unbatched [C, H, W] inputs. */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly noBatchDim = 3;
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 3 && x.dim() !== 4) throw new ValueError(`expected 3D or 4D input (got ${x.dim()}D input)`);
  }
}

/** nn.InstanceNorm3d: over [n, c, d, h, w] or unbatched [c, d, h, w] inputs. */
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly noBatchDim = 4;
  protected checkInputDim(x: Tensor): void {
    if (x.dim() !== 4 && x.dim() !== 5) throw new ValueError(`expected 4D or 5D input (got ${x.dim()}D input)`);
  }
}

/** nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1.0): normalization over neighbouring channels (AlexNet). */
export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  constructor(size: number, ...args: Args<[alpha: number, beta: number, k: number], N.LocalResponseNormOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<N.LocalResponseNormOptions>>("LocalResponseNorm", N.LOCAL_RESPONSE_NORM, args);
    this.size = a.size;
    this.alpha = a.alpha;
    this.beta = a.beta;
    this.k = a.k;
  }
  override forward(input: Tensor): Tensor {
    return N.localResponseNorm(input, this.size, this.alpha, this.beta, this.k);
  }
  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
