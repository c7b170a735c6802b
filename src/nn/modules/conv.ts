// nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d: parameters in PyTorch's
// layout (weight [out, in/groups, ...k] for conv, [in, out/groups, ...k] for transposed) and
// PyTorch's initialisation (kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fan_in), +)).
// padding_mode "reflect" / "replicate" / "circular" pads the input with F.pad (the padding
// reversed and repeated twice, as PyTorch's _reversed_padding_repeated_twice; "same" split as
// total // 2 on the left) and convolves with no padding; transposed convolutions take "zeros" only.
import { bool, FACTORY_KWARGS, int, intOrInts, param, parseArgs, str, type Args, type Checker, type FactoryOptions } from "../../args.ts";
import { RuntimeError, ValueError } from "../../errors.ts";
import { emptyTensor } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import { checkConvArgs, conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, tuple } from "../functional/conv.ts";
import { padWith } from "../functional/padding.ts";
import type { Pair } from "../../ops/conv.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";

/** The options of `nn.Conv1d` and `nn.Conv2d`. */
export interface ConvModuleOptions extends FactoryOptions {
  /** The step of the kernel over the input; PyTorch's default 1. */
  stride?: Pair;
  /** Zero padding per side, or "valid" (none) / "same" (output size = input size, stride 1); PyTorch's default 0. */
  padding?: Pair | "same" | "valid";
  /** The spacing between kernel elements; PyTorch's default 1. */
  dilation?: Pair;
  /** The number of blocked connections from input to output channels (divides both); PyTorch's default 1. */
  groups?: number;
  /** A learnable bias per output channel; PyTorch's default true. */
  bias?: boolean;
  /** How the input is padded: "zeros" (PyTorch's default), "reflect", "replicate" or "circular". */
  paddingMode?: PaddingMode;
}
/** A convolution's padding_mode: what the padding holds; PyTorch's default "zeros". */
export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";
/** The options of `nn.ConvTranspose1d` and `nn.ConvTranspose2d`. */
export interface ConvTransposeModuleOptions extends FactoryOptions {
  /** The step of the kernel over the output; PyTorch's default 1. */
  stride?: Pair;
  /** dilation * (kernel_size - 1) - padding zero padding is added to both sides of the input; PyTorch's default 0. */
  padding?: Pair;
  /** Extra size added to one side of the output (smaller than stride or dilation); PyTorch's default 0. */
  outputPadding?: Pair;
  /** The number of blocked connections from input to output channels (divides both); PyTorch's default 1. */
  groups?: number;
  /** A learnable bias per output channel; PyTorch's default true. */
  bias?: boolean;
  /** The spacing between kernel elements; PyTorch's default 1. */
  dilation?: Pair;
  /** Only "zeros", as in PyTorch's transposed convolutions. */
  paddingMode?: PaddingMode;
}
/** The convolution modules' positional arguments after kernel_size. */
export type ConvPositional = [stride: Pair, padding: Pair | "same" | "valid", dilation: Pair, groups: number, bias: boolean, paddingMode: PaddingMode];
/** The transposed convolution modules' positional arguments after kernel_size. */
export type ConvTransposePositional = [stride: Pair, padding: Pair, outputPadding: Pair, groups: number, bias: boolean, dilation: Pair, paddingMode: "zeros"];

const size = intOrInts;
/** An int, ints, or a padding string (checked below, with PyTorch's ValueError). */
const paddingArg: Checker<Pair | string> = (v, arg, fn) => (typeof v === "string" ? v : intOrInts(v, arg, fn));
const HEAD = [param("inChannels", int()), param("outChannels", int()), param("kernelSize", size)];
const CONV_ARGS = [...HEAD, param("stride", size, 1), param("padding", paddingArg, 0), param("dilation", size, 1), param("groups", int(), 1), param("bias", bool, true), param("paddingMode", str, "zeros")];
const PADDING_MODES: readonly string[] = ["zeros", "reflect", "replicate", "circular"];
const TRANSPOSE_ARGS = [...HEAD, param("stride", size, 1), param("padding", size, 0), param("outputPadding", size, 0), param("groups", int(), 1), param("bias", bool, true), param("dilation", size, 1), param("paddingMode", str, "zeros")];
type Parsed = { inChannels: number; outChannels: number; kernelSize: Pair; paddingMode?: string } & Omit<ConvModuleOptions, "paddingMode"> & { outputPadding?: Pair };

const fmtTuple = (a: readonly number[]): string => `(${a.join(", ")}${a.length === 1 ? "," : ""})`;

abstract class ConvNd extends Module {
  /** Channels of the input (0 for a lazy convolution before its first call). */
  readonly inChannels: number;
  /** Channels of the output. */
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | "same" | "valid";
  readonly dilation: number[];
  readonly groups: number;
  /** The output padding of a transposed convolution (zeros for a convolution). */
  readonly outputPadding: number[];
  /** Whether this is a transposed convolution. */
  readonly transposed: boolean;
  /** What the padding holds ("zeros", "reflect", "replicate", "circular"). */
  readonly paddingMode: PaddingMode;
  /** The kernels: [outChannels, inChannels / groups, ...kernelSize], or [inChannels, outChannels / groups, ...kernelSize] when transposed. */
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(nd: number, transposed: boolean, args: readonly unknown[]) {
    super();
    const name = this.constructor.name;
    const opts = parseArgs<Parsed>(name, transposed ? TRANSPOSE_ARGS : CONV_ARGS, args, FACTORY_KWARGS);
    const pm = opts.paddingMode ?? "zeros";
    if (transposed && pm !== "zeros") throw new ValueError(`Only "zeros" padding mode is supported for ${name}`);
    const { inChannels, outChannels, kernelSize } = opts;
    const groups = opts.groups ?? 1;
    if (groups <= 0) throw new ValueError("groups must be a positive integer");
    if (inChannels % groups !== 0) throw new ValueError("in_channels must be divisible by groups");
    if (outChannels % groups !== 0) throw new ValueError("out_channels must be divisible by groups");
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple(kernelSize, nd, "kernel_size");
    this.stride = tuple(opts.stride ?? 1, nd, "stride");
    this.dilation = tuple(opts.dilation ?? 1, nd, "dilation");
    const padding = opts.padding ?? 0;
    if (typeof padding === "string") {
      if (padding !== "same" && padding !== "valid") throw new ValueError(`Invalid padding string '${String(padding)}', should be one of {'same', 'valid'}`);
      if (padding === "same" && this.stride.some((s) => s !== 1)) throw new ValueError("padding='same' is not supported for strided convolutions");
      this.padding = padding;
    } else this.padding = tuple(padding, nd, "padding");
    // PyTorch prints its set {'zeros', 'reflect', 'replicate', 'circular'} in hash order: here the order of the repr fixture.
    if (!PADDING_MODES.includes(pm)) throw new ValueError(`padding_mode must be one of {'replicate', 'reflect', 'zeros', 'circular'}, but got padding_mode='${pm}'`);
    this.paddingMode = pm as PaddingMode;
    this.outputPadding = tuple(opts.outputPadding ?? 0, nd, "output_padding");
    // PyTorch checks these at the first call; here at construction, in its words
    checkConvArgs(nd, transposed, this.kernelSize, this.stride, typeof this.padding === "string" ? null : this.padding, this.dilation, transposed ? this.outputPadding : null);
    this.groups = groups;
    this.transposed = transposed;
    const wShape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(emptyTensor(wShape, { dtype: opts.dtype, device: opts.device }));
    this.bias = opts.bias === false ? null : new Parameter(emptyTensor([outChannels], { dtype: opts.dtype, device: opts.device }));
    this.resetParameters();
  }

  /** PyTorch's initialisation: weight ~ kaiming_uniform_(a=sqrt(5)), bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${fmtTuple(this.kernelSize)}, stride=${fmtTuple(this.stride)}`;
    const pad = this.padding;
    if (typeof pad === "string") s += `, padding=${pad}`;
    else if (pad.some((p) => p !== 0)) s += `, padding=${fmtTuple(pad)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${fmtTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${fmtTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    if (this.paddingMode !== "zeros") s += `, padding_mode=${this.paddingMode}`;
    return s;
  }

  /** The input padded by padding_mode (unchanged for "zeros") and the convolution options that go with it. */
  protected convInput(x: Tensor): [Tensor, { stride: number[]; padding: number[] | "same" | "valid"; dilation: number[]; groups: number }] {
    const opts = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === "zeros") return [x, opts];
    const perDim = this.kernelSize.map((k, i): [number, number] => {
      const p = this.padding;
      if (p === "valid") return [0, 0];
      if (p === "same") {
        const total = this.dilation[i]! * (k - 1);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      }
      return [p[i]!, p[i]!];
    });
    return [padWith(x, perDim.reverse().flat(), this.paddingMode, null), { ...opts, padding: this.kernelSize.map(() => 0) }];
  }
  protected transposeOptions() {
    if (typeof this.padding === "string") throw new RuntimeError("Only 'zeros' padding mode is supported for ConvTranspose");
    return { stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups };
  }
}

export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: Args<ConvPositional, ConvModuleOptions>);
  constructor(...args: unknown[]) {
    super(1, false, args);
  }
  override forward(x: Tensor): Tensor {
    const [input, opts] = this.convInput(x);
    return conv1d(input, this.weight, this.bias, opts);
  }
}

export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: Args<ConvPositional, ConvModuleOptions>);
  constructor(...args: unknown[]) {
    super(2, false, args);
  }
  override forward(x: Tensor): Tensor {
    const [input, opts] = this.convInput(x);
    return conv2d(input, this.weight, this.bias, opts);
  }
}

/** nn.Conv3d: over [n, c, d, h, w] (or unbatched [c, d, h, w]) inputs. */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: Args<ConvPositional, ConvModuleOptions>);
  constructor(...args: unknown[]) {
    super(3, false, args);
  }
  override forward(x: Tensor): Tensor {
    const [input, opts] = this.convInput(x);
    return conv3d(input, this.weight, this.bias, opts);
  }
}

export class ConvTranspose1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: Args<ConvTransposePositional, ConvTransposeModuleOptions>);
  constructor(...args: unknown[]) {
    super(1, true, args);
  }
  override forward(x: Tensor): Tensor {
    return convTranspose1d(x, this.weight, this.bias, this.transposeOptions());
  }
}

export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: Args<ConvTransposePositional, ConvTransposeModuleOptions>);
  constructor(...args: unknown[]) {
    super(2, true, args);
  }
  override forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.transposeOptions());
  }
}

/** nn.ConvTranspose3d: over [n, c, d, h, w] (or unbatched [c, d, h, w]) inputs. */
export class ConvTranspose3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: Args<ConvTransposePositional, ConvTransposeModuleOptions>);
  constructor(...args: unknown[]) {
    super(3, true, args);
  }
  override forward(x: Tensor): Tensor {
    return convTranspose3d(x, this.weight, this.bias, this.transposeOptions());
  }
}
