// The Lazy* modules of torch.nn 1.13: Linear, the convolutions and the batch and instance norms
// with their input size (in_features, in_channels, num_features) taken from the first input
// (src/nn/lazy.ts has the mechanism). Each is its eager class built with size 0 (PyTorch does
// the same), its placeholders then swapped in; the first forward materializes them, draws the
// eager class's initialization and turns the module into that class.
import { bool, FACTORY_KWARGS, nullable, num, param, parseArgs, type Args, type FactoryOptions } from "../../args.ts";
import { RuntimeError, ValueError } from "../../errors.ts";
import type { Pair } from "../../ops/conv.ts";
import type { Tensor } from "../../tensor.ts";
import { setUpLazy, UninitializedBuffer, UninitializedParameter, isLazy } from "../lazy.ts";
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type ConvModuleOptions, type ConvPositional, type ConvTransposeModuleOptions, type ConvTransposePositional } from "./conv.ts";
import { Linear, type LinearOptions } from "./linear.ts";
import { BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, type BatchNormOptions } from "./normalization.ts";

type Writable<T> = { -readonly [K in keyof T]: T[K] };
const placeholder = (p: Tensor | null): UninitializedParameter | null => (p === null ? null : new UninitializedParameter(true, { dtype: p.dtype, device: p.device }));

/** nn.LazyLinear(out_features, bias=True, device=None, dtype=None): in_features from the input's last dim. */
export class LazyLinear extends Linear {
  constructor(outFeatures: number, ...args: Args<[bias: boolean], LinearOptions>);
  constructor(...args: unknown[]) {
    super(0, ...(args as [number]));
    this.weight = placeholder(this.weight)!;
    this.bias = placeholder(this.bias);
    setUpLazy(this, Linear);
  }
  override resetParameters(): void {
    if (!isLazy(this.weight) && this.inFeatures !== 0) super.resetParameters();
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void {
    if (isLazy(this.weight)) {
      if (input.ndim === 0) throw new RuntimeError("both arguments to matmul need to be at least 1D, but they are 0D and 2D");
      (this as Writable<Linear>).inFeatures = input.shape[input.shape.length - 1]!;
      this.weight.materialize([this.outFeatures, this.inFeatures]);
      if (isLazy(this.bias)) this.bias.materialize([this.outFeatures]);
      this.resetParameters();
    } else {
      // materialized by loadStateDict: the loaded weight's sizes
      (this as Writable<Linear>).inFeatures = this.weight.shape[1]!;
      (this as Writable<Linear>).outFeatures = this.weight.shape[0]!;
    }
  }
}

/** The convolutions' shared initialization: in_channels from the input's channel dim. */
type AnyConv = Conv1d | Conv2d | Conv3d | ConvTranspose1d | ConvTranspose2d | ConvTranspose3d;
function lazyConvInit(m: AnyConv, input: Tensor): void {
  const spatial = m.kernelSize.length;
  if (isLazy(m.weight)) {
    if (input.dim() !== spatial + 1 && input.dim() !== spatial + 2) {
      throw new RuntimeError(`Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${m.constructor.name}, but got input of size: torch.Size([${input.shape.join(", ")}])`);
    }
    const inChannels = input.dim() === spatial + 2 ? input.shape[1]! : input.shape[0]!;
    if (inChannels % m.groups !== 0) throw new ValueError("in_channels must be divisible by groups");
    (m as Writable<AnyConv>).inChannels = inChannels;
    m.weight.materialize(m.transposed ? [inChannels, m.outChannels / m.groups, ...m.kernelSize] : [m.outChannels, inChannels / m.groups, ...m.kernelSize]);
    if (isLazy(m.bias)) m.bias.materialize([m.outChannels]);
    m.resetParameters();
  } else (m as Writable<AnyConv>).inChannels = m.transposed ? m.weight.shape[0]! : m.weight.shape[1]! * m.groups;
}
/** Swaps a freshly built (size 0) convolution's parameters for placeholders and makes it lazy. */
function lazyConv(m: AnyConv & { initializeParameters(input: Tensor): void }, becomes: { prototype: object }): void {
  m.weight = placeholder(m.weight)!;
  m.bias = placeholder(m.bias);
  setUpLazy(m, becomes);
}

/** nn.LazyConv1d(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None). */
export class LazyConv1d extends Conv1d {
  constructor(outChannels: number, kernelSize: Pair, ...args: Args<ConvPositional, ConvModuleOptions>);
  constructor(...args: unknown[]) {
    super(0, ...(args as [number, Pair]));
    lazyConv(this, Conv1d);
  }
  override resetParameters(): void {
    if (!isLazy(this.weight) && this.inChannels !== 0) super.resetParameters();
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyConvInit(this, input); }
}
/** nn.LazyConv2d(out_channels, kernel_size, ...): Conv2d with in_channels from the input. */
export class LazyConv2d extends Conv2d {
  constructor(outChannels: number, kernelSize: Pair, ...args: Args<ConvPositional, ConvModuleOptions>);
  constructor(...args: unknown[]) {
    super(0, ...(args as [number, Pair]));
    lazyConv(this, Conv2d);
  }
  override resetParameters(): void {
    if (!isLazy(this.weight) && this.inChannels !== 0) super.resetParameters();
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyConvInit(this, input); }
}
/** nn.LazyConv3d(out_channels, kernel_size, ...): Conv3d with in_channels from the input. */
export class LazyConv3d extends Conv3d {
  constructor(outChannels: number, kernelSize: Pair, ...args: Args<ConvPositional, ConvModuleOptions>);
  constructor(...args: unknown[]) {
    super(0, ...(args as [number, Pair]));
    lazyConv(this, Conv3d);
  }
  override resetParameters(): void {
    if (!isLazy(this.weight) && this.inChannels !== 0) super.resetParameters();
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyConvInit(this, input); }
}
/** nn.LazyConvTranspose1d(out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None). */
export class LazyConvTranspose1d extends ConvTranspose1d {
  constructor(outChannels: number, kernelSize: Pair, ...args: Args<ConvTransposePositional, ConvTransposeModuleOptions>);
  constructor(...args: unknown[]) {
    super(0, ...(args as [number, Pair]));
    lazyConv(this, ConvTranspose1d);
  }
  override resetParameters(): void {
    if (!isLazy(this.weight) && this.inChannels !== 0) super.resetParameters();
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyConvInit(this, input); }
}
/** nn.LazyConvTranspose2d(out_channels, kernel_size, ...): ConvTranspose2d with in_channels from the input. */
export class LazyConvTranspose2d extends ConvTranspose2d {
  constructor(outChannels: number, kernelSize: Pair, ...args: Args<ConvTransposePositional, ConvTransposeModuleOptions>);
  constructor(...args: unknown[]) {
    super(0, ...(args as [number, Pair]));
    lazyConv(this, ConvTranspose2d);
  }
  override resetParameters(): void {
    if (!isLazy(this.weight) && this.inChannels !== 0) super.resetParameters();
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyConvInit(this, input); }
}
/** nn.LazyConvTranspose3d(out_channels, kernel_size, ...): ConvTranspose3d with in_channels from the input. */
export class LazyConvTranspose3d extends ConvTranspose3d {
  constructor(outChannels: number, kernelSize: Pair, ...args: Args<ConvTransposePositional, ConvTransposeModuleOptions>);
  constructor(...args: unknown[]) {
    super(0, ...(args as [number, Pair]));
    lazyConv(this, ConvTranspose3d);
  }
  override resetParameters(): void {
    if (!isLazy(this.weight) && this.inChannels !== 0) super.resetParameters();
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyConvInit(this, input); }
}

/** The options of the lazy batch and instance norms (all of the eager ones' but num_features). */
export type LazyNormOptions = Omit<BatchNormOptions, "numFeatures">;
type LazyNormPositional = [eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean];
const LAZY_NORM = [param("eps", num(), 1e-5), param("momentum", nullable(num()), 0.1), param("affine", bool, true), param("trackRunningStats", bool, true)];
/** The instance norms' momentum is a number (their eager class has no cumulative average). */
const LAZY_INSTANCE_NORM = [param("eps", num(), 1e-5), param("momentum", num(), 0.1), param("affine", bool, true), param("trackRunningStats", bool, true)];
/** The options of the lazy instance norms. */
export type LazyInstanceNormOptions = Omit<LazyNormOptions, "momentum"> & { momentum?: number };
type LazyInstanceNormPositional = [eps: number, momentum: number, affine: boolean, trackRunningStats: boolean];

type AnyNorm = BatchNorm1d | BatchNorm2d | BatchNorm3d | InstanceNorm1d | InstanceNorm2d | InstanceNorm3d;
/** The arguments of a lazy norm (affine and trackRunningStats default true for both kinds, as PyTorch's). */
function lazyNormArgs<O extends LazyNormOptions | LazyInstanceNormOptions>(name: string, args: readonly unknown[], instance = false): Required<Omit<O, keyof FactoryOptions>> & FactoryOptions {
  const a = parseArgs<Required<Omit<O, keyof FactoryOptions>> & FactoryOptions>(name, instance ? LAZY_INSTANCE_NORM : LAZY_NORM, args, FACTORY_KWARGS);
  // the eager constructor reads the options again: absent factory options stay absent
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as typeof a;
}
/** Swaps a freshly built (size 0) norm's parameters and running statistics for placeholders and makes it lazy. */
function lazyNorm(m: AnyNorm & { initializeParameters(input: Tensor): void }, becomes: { prototype: object }): void {
  m.weight = placeholder(m.weight);
  m.bias = placeholder(m.bias);
  if (m.running_mean !== null) {
    m.registerBuffer("running_mean", new UninitializedBuffer({ dtype: m.running_mean.dtype, device: m.running_mean.device }));
    m.registerBuffer("running_var", new UninitializedBuffer({ dtype: m.running_var!.dtype, device: m.running_var!.device }));
  }
  setUpLazy(m, becomes);
}
/** num_features from the channel dim (dim 1 batched, 0 unbatched), the placeholders materialized and reset. */
function lazyNormInit(m: AnyNorm, input: Tensor, batchedDims: readonly number[]): void {
  if (!isLazy(m.weight) && !isLazy(m.running_mean)) {
    const t = m.weight ?? m.running_mean;
    if (t !== null) (m as Writable<AnyNorm>).numFeatures = t.shape[0]!; // materialized by loadStateDict
    return;
  }
  (m as unknown as { checkInputDim(x: Tensor): void }).checkInputDim(input);
  const n = batchedDims.includes(input.dim()) ? input.shape[1]! : input.shape[0]!;
  (m as Writable<AnyNorm>).numFeatures = n;
  for (const t of [m.weight, m.bias, m.running_mean, m.running_var]) if (isLazy(t)) t.materialize([n]);
  m.weight?.data.fill_(1);
  m.bias?.data.zero_();
  m.resetRunningStats();
}

/** nn.LazyBatchNorm1d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None). */
export class LazyBatchNorm1d extends BatchNorm1d {
  constructor(...args: Args<LazyNormPositional, LazyNormOptions>);
  constructor(...args: unknown[]) {
    super(0, lazyNormArgs<LazyNormOptions>("LazyBatchNorm1d", args));
    lazyNorm(this, BatchNorm1d);
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyNormInit(this, input, [2, 3]); }
}
/** nn.LazyBatchNorm2d: BatchNorm2d with num_features from the input. */
export class LazyBatchNorm2d extends BatchNorm2d {
  constructor(...args: Args<LazyNormPositional, LazyNormOptions>);
  constructor(...args: unknown[]) {
    super(0, lazyNormArgs<LazyNormOptions>("LazyBatchNorm2d", args));
    lazyNorm(this, BatchNorm2d);
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyNormInit(this, input, [4]); }
}
/** nn.LazyBatchNorm3d: BatchNorm3d with num_features from the input. */
export class LazyBatchNorm3d extends BatchNorm3d {
  constructor(...args: Args<LazyNormPositional, LazyNormOptions>);
  constructor(...args: unknown[]) {
    super(0, lazyNormArgs<LazyNormOptions>("LazyBatchNorm3d", args));
    lazyNorm(this, BatchNorm3d);
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyNormInit(this, input, [5]); }
}
/** nn.LazyInstanceNorm1d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None). */
export class LazyInstanceNorm1d extends InstanceNorm1d {
  constructor(...args: Args<LazyInstanceNormPositional, LazyInstanceNormOptions>);
  constructor(...args: unknown[]) {
    super(0, lazyNormArgs<LazyInstanceNormOptions>("LazyInstanceNorm1d", args, true));
    lazyNorm(this, InstanceNorm1d);
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyNormInit(this, input, [3]); }
}
/** nn.LazyInstanceNorm2d: InstanceNorm2d with num_features from the input. */
export class LazyInstanceNorm2d extends InstanceNorm2d {
  constructor(...args: Args<LazyInstanceNormPositional, LazyInstanceNormOptions>);
  constructor(...args: unknown[]) {
    super(0, lazyNormArgs<LazyInstanceNormOptions>("LazyInstanceNorm2d", args, true));
    lazyNorm(this, InstanceNorm2d);
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyNormInit(this, input, [4]); }
}
/** nn.LazyInstanceNorm3d: InstanceNorm3d with num_features from the input. */
export class LazyInstanceNorm3d extends InstanceNorm3d {
  constructor(...args: Args<LazyInstanceNormPositional, LazyInstanceNormOptions>);
  constructor(...args: unknown[]) {
    super(0, lazyNormArgs<LazyInstanceNormOptions>("LazyInstanceNorm3d", args, true));
    lazyNorm(this, InstanceNorm3d);
  }
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  /** Materializes the placeholders for `input`'s sizes and draws their initial values (the pre-hook of the first call). */
  initializeParameters(input: Tensor): void { lazyNormInit(this, input, [5]); }
}
