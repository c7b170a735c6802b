// nn.Linear, nn.Identity, nn.Flatten, nn.Unflatten.
import { RuntimeError, TorchTypeError } from "../../errors.ts";
import { emptyTensor } from "../../ops/creation.ts";
import { Tensor } from "../../tensor.ts";
import { bool, checkTensor, FACTORY_KWARGS, int, param, parseArgs, type Args, type Checker, type FactoryOptions } from "../../args.ts";
import { linear } from "../functional/linear.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyTuple, pyTypeName } from "../repr.ts";

/** The options of `nn.Linear`. */
export interface LinearOptions extends FactoryOptions {
  /** A learnable bias; PyTorch's default true. */
  bias?: boolean;
}

const LINEAR_ARGS = [param("inFeatures", int()), param("outFeatures", int()), param("bias", bool, true)];

export class Linear extends Module {
  /** The size of each input's last dimension (0 for a LazyLinear before its first call). */
  readonly inFeatures: number;
  /** The size of each output's last dimension. */
  readonly outFeatures: number;
  /** [outFeatures, inFeatures], ~ U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)) as PyTorch initialises it. */
  weight: Parameter;
  bias: Parameter | null;

  /** nn.Linear(in_features, out_features, bias=True, device=None, dtype=None). */
  constructor(inFeatures: number, outFeatures: number, ...args: Args<[bias: boolean], LinearOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ inFeatures: number; outFeatures: number; bias: boolean } & FactoryOptions>(new.target.name, LINEAR_ARGS, args, FACTORY_KWARGS);
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
    if (!(x instanceof Tensor)) checkTensor(x, "input", "linear");
    if (x.ndim > 0 && x.shape[x.shape.length - 1] !== this.inFeatures) {
      const rows = x.shape.length > 1 ? x.numel() / x.shape[x.shape.length - 1] : 1;
      throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${rows}x${x.shape[x.shape.length - 1]} and ${this.inFeatures}x${this.outFeatures})`);
    }
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? "True" : "False"}`;
  }
}

/** PyTorch's Linear subclass for nn.MultiheadAttention's out_proj (a name quantization keys on; the same layer). */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** nn.Identity(*args, **kwargs): takes any arguments and ignores them, as PyTorch. */
export class Identity extends Module {
  constructor(...args: unknown[]) {
    super();
    void args;
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}

/** The options of `nn.Flatten`. */
export interface FlattenOptions {
  startDim?: number;
  endDim?: number;
}
const FLATTEN = [param("startDim", int(), 1), param("endDim", int(), -1)];

/** nn.Flatten(start_dim=1, end_dim=-1). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(...args: Args<[startDim: number, endDim: number], FlattenOptions>);
  constructor(...args: unknown[]) {
    super();
    ({ startDim: this.startDim, endDim: this.endDim } = parseArgs<Required<FlattenOptions>>("Flatten", FLATTEN, args));
  }
  override forward(input: Tensor): Tensor {
    return checkTensor(input, "input", "flatten").flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** unflattened_size: a list of ints, with PyTorch's TypeErrors. */
const unflattenedSize: Checker<number[]> = (v) => {
  if (!Array.isArray(v)) throw new TorchTypeError(`unflattened_size must be a tuple of ints, but found type ${pyTypeName(v)}`);
  v.forEach((e: unknown, i) => {
    if (typeof e !== "number" || !Number.isInteger(e)) throw new TorchTypeError(`unflattened_size must be tuple of ints, but found element of type ${pyTypeName(e)} at pos ${i}`);
  });
  return [...(v as number[])];
};

export interface UnflattenOptions {
  dim?: number;
  unflattenedSize?: readonly number[];
}
const UNFLATTEN = [param("dim", int()), param("unflattenedSize", unflattenedSize)];

/** nn.Unflatten(dim, unflattened_size). */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: number[];
  constructor(dim: number, unflattenedSize: readonly number[]);
  constructor(...args: unknown[]) {
    super();
    ({ dim: this.dim, unflattenedSize: this.unflattenedSize } = parseArgs<{ dim: number; unflattenedSize: number[] }>("Unflatten", UNFLATTEN, args));
  }
  override forward(input: Tensor): Tensor {
    return checkTensor(input, "input", "unflatten").unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
