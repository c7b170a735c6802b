// Pooling modules: PyTorch's constructor arguments (nn.MaxPool2d(2, 1): stride 1), checked at
// construction with the messages PyTorch gives at the first call, then the functional forms
// (src/nn/functional/pooling.ts).
import { bool, intOrInts, ints, nullable, num, numOrNums, param, parseArgs, tensor, type Args } from "../../args.ts";
import { ValueError } from "../../errors.ts";
import type { Tensor } from "../../tensor.ts";
import type { Pair } from "../../ops/conv.ts";
import * as P from "../functional/pooling.ts";
import * as P3 from "../functional/pooling3d.ts";
import * as U from "../functional/unpooling.ts";
import * as FP from "../functional/fractionalPooling.ts";
import { Module } from "../module.ts";
import { pyBool, pyFloat, pyTuple, pyValue } from "../repr.ts";

/** The options of `nn.MaxPool1d` and `nn.MaxPool2d` (PyTorch's constructor order: returnIndices before ceilMode). */
export interface MaxPoolModuleOptions {
  /** The size of the window; required. */
  kernelSize?: Pair;
  /** Defaults to kernelSize. */
  stride?: Pair | null;
  /** Implicit negative-infinity padding on both sides, at most half the kernel size; PyTorch's default 0. */
  padding?: Pair;
  /** The spacing between kernel elements; PyTorch's default 1. */
  dilation?: Pair;
  /** forward gives { values, indices }; PyTorch's default false. */
  returnIndices?: boolean;
  /** Use ceil instead of floor for the output size; PyTorch's default false. */
  ceilMode?: boolean;
}
const MAX_POOL = [
  param("kernelSize", intOrInts), param("stride", nullable(intOrInts), null), param("padding", intOrInts, 0),
  param("dilation", intOrInts, 1), param("returnIndices", bool, false), param("ceilMode", bool, false),
];
type MaxPoolPositional = [stride: Pair | null, padding: Pair, dilation: Pair, returnIndices: boolean, ceilMode: boolean];

abstract class MaxPoolNd extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;
  /** nn.MaxPool1d/2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False). */
  constructor(kernelSize: Pair, ...args: Args<MaxPoolPositional, MaxPoolModuleOptions>);
  constructor(...args: unknown[]) {
    super();
    const nd = this.nd();
    const a = parseArgs<Required<MaxPoolModuleOptions>>(this.constructor.name, MAX_POOL, args);
    if (nd === 3) P3.checkPool3dArgs("max_pool3d", a.kernelSize, a.stride, a.padding, a.dilation);
    else P.checkPoolArgs(nd === 1 ? "max_pool1d" : "max_pool2d", a.kernelSize, a.stride, a.padding, a.dilation, a.returnIndices);
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
    this.dilation = a.dilation;
    this.returnIndices = a.returnIndices;
    this.ceilMode = a.ceilMode;
  }
  protected abstract nd(): 1 | 2 | 3;
  override forward(input: Tensor): Tensor | P.WithIndices {
    const args = [this.stride, this.padding, this.dilation, this.ceilMode, this.returnIndices];
    const nd = this.nd();
    if (nd === 3) return (P3.maxPool3d as (x: Tensor, k: Pair, ...a: unknown[]) => Tensor | P.WithIndices)(input, this.kernelSize, ...args);
    return P.maxPoolCall(input, this.kernelSize, args, nd);
  }
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** nn.MaxPool1d; with returnIndices the forward gives { values, indices }. */
export class MaxPool1d extends MaxPoolNd {
  protected nd(): 1 {
    return 1;
  }
}
/** nn.MaxPool2d; with returnIndices the forward gives { values, indices }. */
export class MaxPool2d extends MaxPoolNd {
  protected nd(): 2 {
    return 2;
  }
}

/** nn.MaxPool3d over [n, c, d, h, w] or [c, d, h, w]; with returnIndices the forward gives { values, indices }. */
export class MaxPool3d extends MaxPoolNd {
  protected nd(): 3 {
    return 3;
  }
}

/** The options of `nn.AvgPool1d` and `nn.AvgPool2d`. */
export interface AvgPoolModuleOptions extends P.AvgPoolOptions {
  /** The size of the window; required. */
  kernelSize?: Pair;
}
const AVG_POOL_1D = [param("kernelSize", intOrInts), param("stride", nullable(intOrInts), null), param("padding", intOrInts, 0), param("ceilMode", bool, false), param("countIncludePad", bool, true)];
const AVG_POOL_2D = [...AVG_POOL_1D, param("divisorOverride", P.divisorOverrideArg, null)];
type AvgPoolPositional = [stride: Pair | null, padding: Pair, ceilMode: boolean, countIncludePad: boolean];

abstract class AvgPoolNd extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  /** The divisor used instead of the window size, or null (always null for AvgPool1d, which has no such argument). */
  readonly divisorOverride: number | null;
  constructor(nd: 1 | 2 | 3, args: readonly unknown[]) {
    super();
    const a = parseArgs<Required<AvgPoolModuleOptions>>(this.constructor.name, nd === 1 ? AVG_POOL_1D : AVG_POOL_2D, args);
    const { k, s, p } = nd === 3 ? P3.checkPool3dArgs("avg_pool3d", a.kernelSize, a.stride, a.padding, 1) : P.checkPoolArgs(nd === 1 ? "avg_pool1d" : "avg_pool2d", a.kernelSize, a.stride, a.padding, 1);
    // nn.AvgPool1d keeps its sizes as 1-tuples (_single), nn.AvgPool2d as given.
    this.kernelSize = nd === 1 ? k : a.kernelSize;
    this.stride = nd === 1 ? s : a.stride ?? a.kernelSize;
    this.padding = nd === 1 ? p : a.padding;
    this.ceilMode = a.ceilMode;
    this.countIncludePad = a.countIncludePad;
    this.divisorOverride = a.divisorOverride ?? null;
  }
  override extraRepr(): string {
    const show = (v: Pair) => (typeof v === "number" ? String(v) : pyTuple(v));
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}
/** nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True). */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: Pair, ...args: Args<AvgPoolPositional, Omit<AvgPoolModuleOptions, "divisorOverride">>);
  constructor(...args: unknown[]) {
    super(1, args);
  }
  override forward(input: Tensor): Tensor {
    return P.avgPool1d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
}
/** nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: Pair, ...args: Args<[...AvgPoolPositional, divisorOverride: number | null], AvgPoolModuleOptions>);
  constructor(...args: unknown[]) {
    super(2, args);
  }
  override forward(input: Tensor): Tensor {
    return P.avgPool2d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad, this.divisorOverride);
  }
}

/** nn.AvgPool3d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: Pair, ...args: Args<[...AvgPoolPositional, divisorOverride: number | null], AvgPoolModuleOptions>);
  constructor(...args: unknown[]) {
    super(3, args);
  }
  override forward(input: Tensor): Tensor {
    return P3.avgPool3d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad, this.divisorOverride);
  }
}

/** The options of `nn.LPPool1d` and `nn.LPPool2d`. */
export interface LPPoolModuleOptions extends P.LpPoolOptions {
  /** The power p of the p-norm of each window; required. */
  normType?: number;
  /** The window size; required. */
  kernelSize?: Pair;
}
const LP_POOL = [param("normType", num()), param("kernelSize", intOrInts), param("stride", nullable(intOrInts), null), param("ceilMode", bool, false)];

abstract class LPPoolNd extends Module {
  readonly normType: number;
  readonly kernelSize: Pair;
  readonly stride: Pair | null;
  readonly ceilMode: boolean;
  constructor(args: readonly unknown[]) {
    super();
    const a = parseArgs<Required<LPPoolModuleOptions>>(this.constructor.name, LP_POOL, args);
    this.normType = a.normType;
    this.kernelSize = a.kernelSize;
    this.stride = a.stride;
    this.ceilMode = a.ceilMode;
  }
  override extraRepr(): string {
    return `norm_type=${pyFloat(this.normType)}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}
/** nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=False): the p-norm of each window. */
export class LPPool1d extends LPPoolNd {
  constructor(normType: number, kernelSize: number, ...args: Args<[stride: Pair | null, ceilMode: boolean], P.LpPoolOptions>);
  constructor(...args: unknown[]) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return P.lpPool1d(input, this.normType, this.kernelSize as number, this.stride, this.ceilMode);
  }
}
/** nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False): the p-norm of each window. */
export class LPPool2d extends LPPoolNd {
  constructor(normType: number, kernelSize: Pair, ...args: Args<[stride: Pair | null, ceilMode: boolean], P.LpPoolOptions>);
  constructor(...args: unknown[]) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return P.lpPool2d(input, this.normType, this.kernelSize, this.stride, this.ceilMode);
  }
}

/** The options of `nn.MaxUnpool1d/2d/3d`. */
export interface MaxUnpoolModuleOptions {
  /** The pooling's window size; required. */
  kernelSize?: number | readonly number[];
  /** The pooling's stride; PyTorch's default (null) the kernel size. */
  stride?: number | readonly number[] | null;
  /** The pooling's padding; PyTorch's default 0. */
  padding?: number | readonly number[];
}
type MaxUnpoolPositional = [stride: number | readonly number[] | null, padding: number | readonly number[]];

/** nn.MaxUnpool1d/2d/3d: the sizes kept as tuples (PyTorch's _single, _pair, _triple). */
abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  constructor(private readonly nd: 1 | 2 | 3, args: readonly unknown[]) {
    super();
    const a = parseArgs<{ kernelSize: number[]; stride: number[] | null; padding: number[] }>(this.constructor.name, [
      param("kernelSize", ints(nd)), param("stride", nullable(ints(nd)), null), param("padding", ints(nd), new Array<number>(nd).fill(0)),
    ], args);
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
  }
  /** forward(input, indices, output_size=None): output_size positional or as `{ outputSize }`. */
  override forward(input: Tensor, indices: Tensor, ...args: Args<[outputSize: readonly number[] | null], { outputSize?: readonly number[] | null }>): Tensor {
    const { outputSize } = parseArgs<{ outputSize: number[] | null }>("forward", [param("outputSize", nullable(intOrInts), null)], args);
    const f = this.nd === 1 ? U.maxUnpool1d : this.nd === 2 ? U.maxUnpool2d : U.maxUnpool3d;
    return f(input, indices, this.kernelSize, this.stride, this.padding, outputSize === null || Array.isArray(outputSize) ? outputSize : [outputSize]);
  }
  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}
/** nn.MaxUnpool1d(kernel_size, stride=None, padding=0). */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: number | readonly number[], ...args: Args<MaxUnpoolPositional, Omit<MaxUnpoolModuleOptions, "kernelSize">>);
  constructor(...args: unknown[]) {
    super(1, args);
  }
}
/** nn.MaxUnpool2d(kernel_size, stride=None, padding=0). */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: number | readonly number[], ...args: Args<MaxUnpoolPositional, Omit<MaxUnpoolModuleOptions, "kernelSize">>);
  constructor(...args: unknown[]) {
    super(2, args);
  }
}
/** nn.MaxUnpool3d(kernel_size, stride=None, padding=0). */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(kernelSize: number | readonly number[], ...args: Args<MaxUnpoolPositional, Omit<MaxUnpoolModuleOptions, "kernelSize">>);
  constructor(...args: unknown[]) {
    super(3, args);
  }
}

/** The options of `nn.FractionalMaxPool2d`. */
export interface FractionalMaxPoolModuleOptions extends FP.FractionalMaxPoolOptions {
  /** The window's size; required. */
  kernelSize?: number | readonly number[];
}

/** nn.FractionalMaxPool2d/3d: samples given here are a buffer (`_random_samples`), as PyTorch's. */
abstract class FractionalMaxPoolNd extends Module {
  readonly kernelSize: number[];
  readonly outputSize: number[] | null;
  readonly outputRatio: number[] | null;
  readonly returnIndices: boolean;
  declare _random_samples: Tensor | null;
  constructor(private readonly nd: 2 | 3, args: readonly unknown[]) {
    super();
    const name = this.constructor.name;
    const a = parseArgs<{ kernelSize: number[]; outputSize: number[] | null; outputRatio: number | number[] | null; returnIndices: boolean; randomSamples: Tensor | null }>(name, [
      param("kernelSize", ints(nd)), param("outputSize", nullable(ints(nd)), null), param("outputRatio", nullable(numOrNums), null),
      param("returnIndices", bool, false), param("randomSamples", nullable(tensor), null),
    ], args);
    this.kernelSize = a.kernelSize;
    this.returnIndices = a.returnIndices;
    this.registerBuffer("_random_samples", a.randomSamples);
    this.outputSize = a.outputSize;
    this.outputRatio = a.outputRatio === null ? null : typeof a.outputRatio === "number" ? new Array<number>(nd).fill(a.outputRatio) : a.outputRatio;
    if (a.outputSize === null && a.outputRatio === null) throw new ValueError(`${name} requires specifying either an output size, or a pooling ratio`);
    if (a.outputSize !== null && a.outputRatio !== null) throw new ValueError("only one of output_size and output_ratio may be specified");
    const ratio = this.outputRatio;
    if (ratio !== null && !ratio.every((r) => r > 0 && r < 1)) {
      const given = a.outputRatio!;
      throw new ValueError(`output_ratio must be between 0 and 1 (got ${typeof given === "number" ? pyFloat(given) : `(${given.map(pyFloat).join(", ")})`})`);
    }
  }
  override forward(input: Tensor): Tensor | P.WithIndices {
    const f = this.nd === 2 ? FP.fractionalMaxPool2dWithIndices : FP.fractionalMaxPool3dWithIndices;
    const r = f(input, this.kernelSize, this.outputSize, this.outputRatio, true, this._random_samples);
    return this.returnIndices ? r : r.values;
  }
}
type FractionalPositional = [outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null, returnIndices: boolean, randomSamples: Tensor | null];
/** nn.FractionalMaxPool2d(kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export class FractionalMaxPool2d extends FractionalMaxPoolNd {
  constructor(kernelSize: number | readonly number[], ...args: Args<FractionalPositional, FP.FractionalMaxPoolOptions>);
  constructor(...args: unknown[]) {
    super(2, args);
  }
}
/** nn.FractionalMaxPool3d(kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export class FractionalMaxPool3d extends FractionalMaxPoolNd {
  constructor(kernelSize: number | readonly number[], ...args: Args<FractionalPositional, FP.FractionalMaxPoolOptions>);
  constructor(...args: unknown[]) {
    super(3, args);
  }
}

/** The options of `nn.AdaptiveAvgPool1d` and `nn.AdaptiveAvgPool2d`. */
export interface AdaptivePoolOptions {
  /** The target output size: an int, or one int or null per pooled dimension (null keeps that input size); required. */
  outputSize?: P.OutputSize;
}
/** The options of `nn.AdaptiveMaxPool1d` and `nn.AdaptiveMaxPool2d`. */
export interface AdaptiveMaxPoolOptions extends AdaptivePoolOptions {
  /** forward gives { values, indices }; PyTorch's default false. */
  returnIndices?: boolean;
}
const ADAPTIVE = [param("outputSize", P.outputSizeArg)];
const ADAPTIVE_MAX = [...ADAPTIVE, param("returnIndices", bool, false)];

abstract class AdaptivePool extends Module {
  readonly outputSize: P.OutputSize;
  /** forward gives { values, indices } (always false for average pooling, which has no such argument). */
  readonly returnIndices: boolean;
  constructor(nd: 1 | 2 | 3, max: boolean, args: readonly unknown[]) {
    super();
    const a = parseArgs<Required<AdaptiveMaxPoolOptions>>(this.constructor.name, max ? ADAPTIVE_MAX : ADAPTIVE, args);
    if (nd !== 3) P.checkOutputSize(a.outputSize, nd, `adaptive_${max ? "max" : "avg"}_pool${nd}d`);
    this.outputSize = a.outputSize;
    this.returnIndices = a.returnIndices ?? false;
  }
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}
/** nn.AdaptiveAvgPool1d(output_size). */
export class AdaptiveAvgPool1d extends AdaptivePool {
  constructor(...args: Args<[outputSize: number], AdaptivePoolOptions>);
  constructor(...args: unknown[]) {
    super(1, false, args);
  }
  override forward(input: Tensor): Tensor {
    return P.adaptiveAvgPool1d(input, this.outputSize as number);
  }
}
/** nn.AdaptiveAvgPool2d(output_size): an int, [h, w], or [h, null] to keep a size. */
export class AdaptiveAvgPool2d extends AdaptivePool {
  constructor(...args: Args<[outputSize: P.OutputSize], AdaptivePoolOptions>);
  constructor(...args: unknown[]) {
    super(2, false, args);
  }
  override forward(input: Tensor): Tensor {
    return P.adaptiveAvgPool2d(input, this.outputSize);
  }
}
/** nn.AdaptiveMaxPool1d(output_size, return_indices=False). */
export class AdaptiveMaxPool1d extends AdaptivePool {
  constructor(...args: Args<[outputSize: number, returnIndices: boolean], AdaptiveMaxPoolOptions>);
  constructor(...args: unknown[]) {
    super(1, true, args);
  }
  override forward(input: Tensor): Tensor | P.WithIndices {
    const o = this.outputSize as number;
    return this.returnIndices ? P.adaptiveMaxPool1d(input, o, true) : P.adaptiveMaxPool1d(input, o);
  }
}
/** nn.AdaptiveMaxPool2d(output_size, return_indices=False). */
export class AdaptiveMaxPool2d extends AdaptivePool {
  constructor(...args: Args<[outputSize: P.OutputSize, returnIndices: boolean], AdaptiveMaxPoolOptions>);
  constructor(...args: unknown[]) {
    super(2, true, args);
  }
  override forward(input: Tensor): Tensor | P.WithIndices {
    return this.returnIndices ? P.adaptiveMaxPool2d(input, this.outputSize, true) : P.adaptiveMaxPool2d(input, this.outputSize);
  }
}
/** nn.AdaptiveMaxPool3d(output_size, return_indices=False): an int, or [d, h, w] with null keeping a size. */
export class AdaptiveMaxPool3d extends AdaptivePool {
  constructor(...args: Args<[outputSize: P.OutputSize, returnIndices: boolean], AdaptiveMaxPoolOptions>);
  constructor(...args: unknown[]) {
    super(3, true, args);
  }
  override forward(input: Tensor): Tensor | P.WithIndices {
    return this.returnIndices ? P3.adaptiveMaxPool3d(input, this.outputSize, true) : P3.adaptiveMaxPool3d(input, this.outputSize);
  }
}
/** nn.AdaptiveAvgPool3d(output_size): an int, or [d, h, w] with null keeping a size. */
export class AdaptiveAvgPool3d extends AdaptivePool {
  constructor(...args: Args<[outputSize: P.OutputSize], AdaptivePoolOptions>);
  constructor(...args: unknown[]) {
    super(3, false, args);
  }
  override forward(input: Tensor): Tensor {
    return P3.adaptiveAvgPool3d(input, this.outputSize);
  }
}
