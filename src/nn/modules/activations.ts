// Activation modules: each reads PyTorch's constructor arguments (positional, then an options
// object), checks them at construction, and calls its functional form.
import { bool, FACTORY_KWARGS, int, nullable, num, param, parseArgs, type Args, type FactoryOptions, type Param } from "../../args.ts";
import { AssertionError } from "../../errors.ts";
import { getDefaultDtype } from "../../dtype.ts";
import { full } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import * as A from "../functional/activations.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyFloat, pyNum } from "../repr.ts";

const INPLACE = [param("inplace", bool, false)];
const inplaceSuffix = (inplace: boolean): string => (inplace ? ", inplace=True" : "");

/**
 * Modules whose only argument is `inplace` (ReLU, ReLU6, SELU, SiLU, Mish, Hardswish,
 * Hardsigmoid): each names its functional form in `static fn`.
 */
abstract class InplaceActivation extends Module {
  protected static fn: (input: Tensor, inplace: boolean) => Tensor;
  readonly inplace: boolean;
  constructor(...args: Args<[inplace: boolean], A.InplaceOptions>);
  constructor(...args: unknown[]) {
    super();
    this.inplace = parseArgs<{ inplace: boolean }>(this.constructor.name, INPLACE, args).inplace;
  }
  override forward(input: Tensor): Tensor {
    return (this.constructor as typeof InplaceActivation).fn(input, this.inplace);
  }
  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/** Modules without arguments (Softsign, Tanhshrink, LogSigmoid, Tanh, Sigmoid). */
abstract class PlainActivation extends Module {
  protected static fn: (input: Tensor) => Tensor;
  constructor();
  constructor(...args: unknown[]) {
    super();
    if (args.length > 0) parseArgs(this.constructor.name, [], args);
  }
  override forward(input: Tensor): Tensor {
    return (this.constructor as typeof PlainActivation).fn(input);
  }
}

export class ReLU extends InplaceActivation {
  protected static override fn = A.relu;
}
export class ReLU6 extends InplaceActivation {
  protected static override fn = A.relu6;
}
export class SELU extends InplaceActivation {
  protected static override fn = A.selu;
}
export class SiLU extends InplaceActivation {
  protected static override fn = A.silu;
}
export class Mish extends InplaceActivation {
  protected static override fn = A.mish;
}
/** nn.Hardswish(inplace=False); PyTorch's repr does not show inplace. */
export class Hardswish extends InplaceActivation {
  protected static override fn = A.hardswish;
  override extraRepr(): string {
    return "";
  }
}
/** nn.Hardsigmoid(inplace=False); PyTorch's repr does not show inplace. */
export class Hardsigmoid extends InplaceActivation {
  protected static override fn = A.hardsigmoid;
  override extraRepr(): string {
    return "";
  }
}

const LEAKY = [param("negativeSlope", num(), 0.01), param("inplace", bool, false)];
/** nn.LeakyReLU(negative_slope=0.01, inplace=False). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  readonly inplace: boolean;
  constructor(...args: Args<[negativeSlope: number, inplace: boolean], A.LeakyReluOptions>);
  constructor(...args: unknown[]) {
    super();
    ({ negativeSlope: this.negativeSlope, inplace: this.inplace } = parseArgs<Required<A.LeakyReluOptions>>("LeakyReLU", LEAKY, args));
  }
  override forward(input: Tensor): Tensor {
    return A.leakyRelu(input, this.negativeSlope, this.inplace);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${inplaceSuffix(this.inplace)}`;
  }
}

/** nn.RReLU(lower=1/8, upper=1/3, inplace=False): random negative slopes in training, their mean in eval. */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  readonly inplace: boolean;
  constructor(...args: Args<[lower: number, upper: number, inplace: boolean], Omit<A.RReluOptions, "training">>);
  constructor(...args: unknown[]) {
    super();
    ({ lower: this.lower, upper: this.upper, inplace: this.inplace } = parseArgs<Required<A.RReluOptions>>("RReLU", RRELU_MODULE, args));
  }
  override forward(input: Tensor): Tensor {
    return A.rrelu(input, this.lower, this.upper, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceSuffix(this.inplace)}`;
  }
}
const RRELU_MODULE = A.RRELU.filter((p) => p.name !== "training");

const ALPHA = [param("alpha", num(), 1), param("inplace", bool, false)];
abstract class AlphaActivation extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(...args: Args<[alpha: number, inplace: boolean], A.AlphaOptions>);
  constructor(...args: unknown[]) {
    super();
    ({ alpha: this.alpha, inplace: this.inplace } = parseArgs<Required<A.AlphaOptions>>(this.constructor.name, ALPHA, args));
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}
/** nn.ELU(alpha=1.0, inplace=False). */
export class ELU extends AlphaActivation {
  override forward(input: Tensor): Tensor {
    return A.elu(input, this.alpha, this.inplace);
  }
}
/** nn.CELU(alpha=1.0, inplace=False). */
export class CELU extends AlphaActivation {
  override forward(input: Tensor): Tensor {
    return A.celu(input, this.alpha, this.inplace);
  }
}

/** nn.GELU(approximate='none'). */
export class GELU extends Module {
  readonly approximate: A.GeluApproximate;
  constructor(...args: Args<[approximate: A.GeluApproximate], { approximate?: A.GeluApproximate }>);
  constructor(...args: unknown[]) {
    super();
    this.approximate = parseArgs<{ approximate: A.GeluApproximate }>("GELU", [param("approximate", A.geluApproximate, "none")], args).approximate;
  }
  override forward(input: Tensor): Tensor {
    return A.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

const SOFTPLUS = [param("beta", num(), 1), param("threshold", num(), 20)];
/** nn.Softplus(beta=1, threshold=20). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(...args: Args<[beta: number, threshold: number], A.SoftplusOptions>);
  constructor(...args: unknown[]) {
    super();
    ({ beta: this.beta, threshold: this.threshold } = parseArgs<Required<A.SoftplusOptions>>("Softplus", SOFTPLUS, args));
  }
  override forward(input: Tensor): Tensor {
    return A.softplus(input, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${pyNum(this.beta)}, threshold=${pyNum(this.threshold)}`;
  }
}

/** The options of `nn.Hardtanh`: `F.hardtanh`'s, and the deprecated spellings PyTorch still accepts. */
export interface HardtanhModuleOptions extends A.HardtanhOptions {
  /** Deprecated spelling of minVal (PyTorch warns). */
  minValue?: number | null;
  /** Deprecated spelling of maxVal (PyTorch warns). */
  maxValue?: number | null;
}
const HARDTANH: Param[] = [
  param("minVal", num(), -1), param("maxVal", num(), 1), param("inplace", bool, false),
  param("minValue", nullable(num()), null), param("maxValue", nullable(num()), null),
];
/** nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None). */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;
  constructor(...args: Args<[minVal: number, maxVal: number, inplace: boolean, minValue: number | null, maxValue: number | null], HardtanhModuleOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<HardtanhModuleOptions>>("Hardtanh", HARDTANH, args);
    for (const [old, now] of [["min_value", "min_val"], ["max_value", "max_val"]] as const) {
      if (a[old === "min_value" ? "minValue" : "maxValue"] !== null) console.warn(`keyword argument ${old} is deprecated and rename to ${now}`);
    }
    this.minVal = a.minValue ?? a.minVal;
    this.maxVal = a.maxValue ?? a.maxVal;
    this.inplace = a.inplace;
    // PyTorch: assert self.max_val > self.min_val
    if (!(this.maxVal > this.minVal)) throw new AssertionError(`max_val (${pyFloat(this.maxVal)}) must be greater than min_val (${pyFloat(this.minVal)})`);
  }
  override forward(input: Tensor): Tensor {
    return A.hardtanh(input, this.minVal, this.maxVal, this.inplace);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceSuffix(this.inplace)}`;
  }
}

const LAMBD = [param("lambd", num(), 0.5)];
/** nn.Hardshrink(lambd=0.5). */
export class Hardshrink extends Module {
  readonly lambd: number;
  constructor(...args: Args<[lambd: number], A.LambdOptions>);
  constructor(...args: unknown[]) {
    super();
    this.lambd = parseArgs<{ lambd: number }>("Hardshrink", LAMBD, args).lambd;
  }
  override forward(input: Tensor): Tensor {
    return A.hardshrink(input, this.lambd);
  }
  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}
/** nn.Softshrink(lambd=0.5); PyTorch rejects lambd < 0 at the call, torch-ts at construction (same message). */
export class Softshrink extends Module {
  readonly lambd: number;
  constructor(...args: Args<[lambd: number], A.LambdOptions>);
  constructor(...args: unknown[]) {
    super();
    this.lambd = parseArgs<{ lambd: number }>("Softshrink", LAMBD, args).lambd;
    A.checkSoftshrinkLambd(this.lambd);
  }
  override forward(input: Tensor): Tensor {
    return A.softshrink(input, this.lambd);
  }
  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

const THRESHOLD = [param("threshold", num()), param("value", num()), param("inplace", bool, false)];
/** nn.Threshold(threshold, value, inplace=False). */
export class Threshold extends Module {
  readonly threshold: number;
  readonly value: number;
  readonly inplace: boolean;
  constructor(threshold: number, value: number, ...args: Args<[inplace: boolean], A.InplaceOptions>);
  constructor(...args: unknown[]) {
    super();
    ({ threshold: this.threshold, value: this.value, inplace: this.inplace } = parseArgs<Required<A.ThresholdOptions>>("Threshold", THRESHOLD, args));
  }
  override forward(input: Tensor): Tensor {
    return A.threshold(input, this.threshold, this.value, this.inplace);
  }
  override extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${inplaceSuffix(this.inplace)}`;
  }
}

export class Softsign extends PlainActivation {
  protected static override fn = A.softsign;
}
export class Tanhshrink extends PlainActivation {
  protected static override fn = A.tanhshrink;
}
export class LogSigmoid extends PlainActivation {
  protected static override fn = A.logsigmoid;
}
export class Tanh extends PlainActivation {
  protected static override fn = A.tanh;
}
export class Sigmoid extends PlainActivation {
  protected static override fn = A.sigmoid;
}

/** nn.GLU(dim=-1). */
export class GLU extends Module {
  readonly dim: number;
  constructor(...args: Args<[dim: number], { dim?: number }>);
  constructor(...args: unknown[]) {
    super();
    this.dim = parseArgs<{ dim: number }>("GLU", [param("dim", int(), -1)], args).dim;
  }
  override forward(input: Tensor): Tensor {
    return A.glu(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

const DIM = [param("dim", nullable(int()), null)];
/** Softmax, LogSoftmax, Softmin: dim=None picks PyTorch's legacy dim (with its warning) at the call. */
abstract class SoftmaxLike extends Module {
  readonly dim: number | null;
  constructor(...args: Args<[dim: number | null], { dim?: number | null }>);
  constructor(...args: unknown[]) {
    super();
    this.dim = parseArgs<{ dim: number | null }>(this.constructor.name, DIM, args).dim;
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}
export class Softmax extends SoftmaxLike {
  override forward(input: Tensor): Tensor {
    return this.dim === null ? A.softmax(input) : A.softmax(input, this.dim);
  }
}
export class LogSoftmax extends SoftmaxLike {
  override forward(input: Tensor): Tensor {
    return this.dim === null ? A.logSoftmax(input) : A.logSoftmax(input, this.dim);
  }
}
export class Softmin extends SoftmaxLike {
  override forward(input: Tensor): Tensor {
    return this.dim === null ? A.softmin(input) : A.softmin(input, this.dim);
  }
}

/** nn.Softmax2d(): softmax over the channels (dim -3) of [N, C, H, W] or [C, H, W] input. */
export class Softmax2d extends PlainActivation {
  protected static override fn = (input: Tensor): Tensor => {
    if (input.ndim !== 3 && input.ndim !== 4) throw new AssertionError("Softmax2d requires a 3D or 4D tensor as input");
    return A.softmax(input, -3);
  };
}

/** The options of `nn.PReLU`. */
export interface PReLUOptions extends FactoryOptions {
  /** The number of learnable slopes: 1, or the number of input channels; PyTorch's default 1. */
  numParameters?: number;
  /** The initial value of the slopes; PyTorch's default 0.25. */
  init?: number;
}
const PRELU = [param("numParameters", int(), 1), param("init", num(), 0.25)];
/** nn.PReLU(num_parameters=1, init=0.25, device=None, dtype=None): a learnable negative slope per channel. */
export class PReLU extends Module {
  readonly numParameters: number;
  /** [numParameters] learnable slopes, initialised to init. */
  weight: Parameter;
  constructor(...args: Args<[numParameters: number, init: number], PReLUOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<Omit<PReLUOptions, keyof FactoryOptions>> & FactoryOptions>("PReLU", PRELU, args, FACTORY_KWARGS);
    this.numParameters = a.numParameters;
    this.weight = new Parameter(full([a.numParameters], a.init, { dtype: a.dtype ?? getDefaultDtype(), device: a.device }));
  }
  override forward(input: Tensor): Tensor {
    return A.prelu(input, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
