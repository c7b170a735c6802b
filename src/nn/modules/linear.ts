// nn.Linear, nn.Identity, nn.Flatten, nn.Unflatten.
import { RuntimeError } from "../../errors.ts";
import { emptyTensor } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import type { DType } from "../../dtype.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";

export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(emptyTensor([outFeatures, inFeatures], { dtype: opts.dtype }));
    this.bias = opts.bias === false ? null : new Parameter(emptyTensor([outFeatures], { dtype: opts.dtype }));
    this.resetParameters();
  }

  /** kaiming_uniform_(a=sqrt(5)) for the weight, then U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const fanIn = this.inFeatures;
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    if (x.shape[x.shape.length - 1] !== this.inFeatures) {
      const rows = x.shape.length > 1 ? x.numel() / x.shape[x.shape.length - 1] : 1;
      throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${rows}x${x.shape[x.shape.length - 1]} and ${this.inFeatures}x${this.outFeatures})`);
    }
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? "True" : "False"}`;
  }
}

export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

export class Unflatten extends Module {
  constructor(readonly dim: number, readonly unflattenedSize: number[]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.unflattenedSize.join(", ")})`;
  }
}
