// nn.Bilinear(in1_features, in2_features, out_features, bias=True): weight [out, in1, in2] and
// bias [out], both U(-1/sqrt(in1), 1/sqrt(in1)) in that order, as PyTorch's reset_parameters.
import { bool, FACTORY_KWARGS, int, param, parseArgs, type Args, type FactoryOptions } from "../../args.ts";
import { emptyTensor } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import { bilinear } from "../functional/bilinear.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyBool } from "../repr.ts";

/** Options of nn.Bilinear: the bias (default true) and the factory keywords. */
export interface BilinearOptions extends FactoryOptions {
  bias?: boolean;
}
const BILINEAR_ARGS = [param("in1Features", int()), param("in2Features", int()), param("outFeatures", int()), param("bias", bool, true)];

export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  /** The weight, `[outFeatures, in1Features, in2Features]`. */
  weight: Parameter;
  bias: Parameter | null;

  /** nn.Bilinear(in1_features, in2_features, out_features, bias=True, device=None, dtype=None). */
  constructor(in1Features: number, in2Features: number, outFeatures: number, ...args: Args<[bias: boolean], BilinearOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ in1Features: number; in2Features: number; outFeatures: number; bias: boolean } & FactoryOptions>("Bilinear", BILINEAR_ARGS, args, FACTORY_KWARGS);
    this.in1Features = a.in1Features;
    this.in2Features = a.in2Features;
    this.outFeatures = a.outFeatures;
    this.weight = new Parameter(emptyTensor([a.outFeatures, a.in1Features, a.in2Features], { dtype: a.dtype, device: a.device }));
    this.bias = a.bias ? new Parameter(emptyTensor([a.outFeatures], { dtype: a.dtype, device: a.device })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]!);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
