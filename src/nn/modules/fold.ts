// nn.Unfold(kernel_size, dilation=1, padding=0, stride=1) and nn.Fold(output_size, kernel_size,
// dilation=1, padding=0, stride=1): F.unfold / F.fold with the arguments kept as given (an int
// or a pair), which is how PyTorch prints them.
import { intOrInts, param, parseArgs, type Args } from "../../args.ts";
import { fold, unfold } from "../../ops/conv.ts";
import type { Pair } from "../../ops/conv.ts";
import type { Tensor } from "../../tensor.ts";
import { Module } from "../module.ts";
import { pyValue } from "../repr.ts";

/** Options of nn.Unfold: PyTorch's dilation, padding and stride, each an int or a pair. */
export interface UnfoldModuleOptions {
  /** The spacing of the kernel's elements (default 1). */
  dilation?: Pair;
  /** Zeros added on both sides of each spatial dimension (default 0). */
  padding?: Pair;
  /** The step of the sliding blocks (default 1). */
  stride?: Pair;
}
type Positional = [dilation: Pair, padding: Pair, stride: Pair];
const TAIL = [param("dilation", intOrInts, 1), param("padding", intOrInts, 0), param("stride", intOrInts, 1)];
type Parsed = { kernelSize: Pair; outputSize: Pair } & Required<UnfoldModuleOptions>;

const geometryRepr = (m: Unfold | Fold): string =>
  `kernel_size=${pyValue(m.kernelSize)}, dilation=${pyValue(m.dilation)}, padding=${pyValue(m.padding)}, stride=${pyValue(m.stride)}`;

/** Extracts sliding blocks: [N, C, H, W] -> [N, C * kh * kw, L]. */
export class Unfold extends Module {
  readonly kernelSize: Pair;
  readonly dilation: Pair;
  readonly padding: Pair;
  readonly stride: Pair;

  constructor(kernelSize: Pair, ...args: Args<Positional, UnfoldModuleOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Parsed>("Unfold", [param("kernelSize", intOrInts), ...TAIL], args);
    ({ kernelSize: this.kernelSize, dilation: this.dilation, padding: this.padding, stride: this.stride } = a);
  }
  override forward(input: Tensor): Tensor {
    return unfold(input, this.kernelSize, { dilation: this.dilation, padding: this.padding, stride: this.stride });
  }
  override extraRepr(): string {
    return geometryRepr(this);
  }
}

/** Combines sliding blocks into a tensor, summing overlaps: [N, C * kh * kw, L] -> [N, C, H, W]. */
export class Fold extends Module {
  readonly outputSize: Pair;
  readonly kernelSize: Pair;
  readonly dilation: Pair;
  readonly padding: Pair;
  readonly stride: Pair;

  constructor(outputSize: Pair, kernelSize: Pair, ...args: Args<Positional, UnfoldModuleOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Parsed>("Fold", [param("outputSize", intOrInts), param("kernelSize", intOrInts), ...TAIL], args);
    ({ outputSize: this.outputSize, kernelSize: this.kernelSize, dilation: this.dilation, padding: this.padding, stride: this.stride } = a);
  }
  override forward(input: Tensor): Tensor {
    return fold(input, this.outputSize, this.kernelSize, { dilation: this.dilation, padding: this.padding, stride: this.stride });
  }
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}, ${geometryRepr(this)}`;
  }
}
