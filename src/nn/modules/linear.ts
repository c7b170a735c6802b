// nn.Linear, nn.Identity, nn.Flatten, nn.Unflatten.
import { RuntimeError } from "../../errors.ts";
import { emptyTensor } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import { bool, FACTORY_KWARGS, int, param, parseArgs, type Args, type FactoryOptions } from "../../args.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";

export interface LinearOptions extends FactoryOptions {
  bias?: boolean;
}

const LINEAR_ARGS = [param("inFeatures", int()), param("outFeatures", int()), param("bias", bool, true)];

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  /** nn.Linear(in_features, out_features, bias=True, device=None, dtype=None). */
  constructor(inFeatures: number, outFeatures: number, ...args: Args<[bias: boolean], LinearOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ inFeatures: number; outFeatures: number; bias: boolean } & FactoryOptions>("Linear", LINEAR_ARGS, args, FACTORY_KWARGS);
    this.inFeatures = a.inFeatures;
    this.outFeatures = a.outFeatures;
    this.weight = new Parameter(emptyTensor([a.outFeatures, a.inFeatures], { dtype: a.dtype, device: a.device }));
    this.bias = a.bias ? new Parameter(emptyTensor([a.outFeatures], { dtype: a.dtype, device: a.device })) : null;
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
