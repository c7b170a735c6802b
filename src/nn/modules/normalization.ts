// Normalization modules. BatchNorm keeps PyTorch's state: weight, bias, running_mean,
// running_var and num_batches_tracked (an int64 buffer), with PyTorch's state-dict keys.
import type { DType } from "../../dtype.ts";
import { ValueError } from "../../errors.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { asyncReadError, onHost } from "../../ops/alloc.ts";
import { ones, tensor, zeros } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import * as N from "../functional/normalization.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";

export interface BatchNormOptions {
  eps?: number;
  /** null: cumulative moving average over all batches seen. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype;
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.registerBuffer("running_mean", zeros([numFeatures], { dtype }));
      this.registerBuffer("running_var", ones([numFeatures], { dtype }));
      this.registerBuffer("num_batches_tracked", tensor(0, { dtype: "int64" }));
    } else {
      this.registerBuffer("running_mean", null);
      this.registerBuffer("running_var", null);
      this.registerBuffer("num_batches_tracked", null);
    }
  }

  get runningMean(): Tensor | null {
    return this.running_mean;
  }
  get runningVar(): Tensor | null {
    return this.running_var;
  }
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.copy_(tensor(0, { dtype: "int64" }));
    });
  }

  protected abstract checkInputDim(x: Tensor): void;

  override forward(x: Tensor): Tensor {
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
    return N.batchNorm(x, useStats ? this.running_mean : null, useStats ? this.running_var : null, this.weight, this.bias, {
      training: bnTraining, momentum: factor, eps: this.eps,
    });
  }

  override extraRepr(): string {
    const m = this.momentum === null ? "None" : String(this.momentum);
    return `${this.numFeatures}, eps=${this.eps}, momentum=${m}, affine=${this.affine ? "True" : "False"}, track_running_stats=${this.trackRunningStats ? "True" : "False"}`;
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

const shapeOf = (s: number | readonly number[]): number[] => (typeof s === "number" ? [s] : [...s]);

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(normalizedShape: number | readonly number[], opts: { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: DType } = {}) {
    super();
    this.normalizedShape = shapeOf(normalizedShape);
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype: opts.dtype })) : null;
    this.bias = this.elementwiseAffine && opts.bias !== false ? new Parameter(zeros(this.normalizedShape, { dtype: opts.dtype })) : null;
  }
  override forward(x: Tensor): Tensor {
    return N.layerNorm(x, this.normalizedShape, this.weight, this.bias, { eps: this.eps });
  }
  override extraRepr(): string {
    return `(${this.normalizedShape.join(", ")}${this.normalizedShape.length === 1 ? "," : ""}), eps=${this.eps}, elementwise_affine=${this.elementwiseAffine ? "True" : "False"}`;
  }
}

export class GroupNorm extends Module {
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(readonly numGroups: number, readonly numChannels: number, opts: { eps?: number; affine?: boolean; dtype?: DType } = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new ValueError("num_channels must be divisible by num_groups");
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype: opts.dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype: opts.dtype })) : null;
  }
  override forward(x: Tensor): Tensor {
    return N.groupNorm(x, this.numGroups, this.weight, this.bias, { eps: this.eps });
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine ? "True" : "False"}`;
  }
}

export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  constructor(normalizedShape: number | readonly number[], opts: { eps?: number | null; elementwiseAffine?: boolean; dtype?: DType } = {}) {
    super();
    this.normalizedShape = shapeOf(normalizedShape);
    this.eps = opts.eps ?? null;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype: opts.dtype })) : null;
  }
  override forward(x: Tensor): Tensor {
    return N.rmsNorm(x, this.normalizedShape, this.weight, { eps: this.eps });
  }
  override extraRepr(): string {
    return `(${this.normalizedShape.join(", ")}${this.normalizedShape.length === 1 ? "," : ""}), eps=${this.eps ?? "None"}, elementwise_affine=${this.elementwiseAffine ? "True" : "False"}`;
  }
}
