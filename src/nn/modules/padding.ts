// Padding layers (torch/nn/modules/padding.py): ConstantPad1d/2d/3d, ZeroPad2d,
// ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d, each F.pad with its mode. An int padding is
// repeated to every side (2 per padded dim); a list is kept as given, as PyTorch's _ntuple, so a
// list of the wrong length fails at forward with F.pad's error.
import { intOrInts, num, param, parseArgs, type Args } from "../../args.ts";
import type { Tensor } from "../../tensor.ts";
import { padWith, type PadMode } from "../functional/padding.ts";
import { Module } from "../module.ts";
import { pyFloat, pyTuple } from "../repr.ts";

const PADDING = param("padding", intOrInts);
const VALUE = param("value", num());

/** The padding of a padding layer: one size for every side, or (left, right, top, bottom, front, back) sizes, last dimension first. */
export type Padding = number | number[];
type PadArgs = Args<[padding: Padding], { padding?: Padding }>;
type ConstantPadArgs = Args<[padding: Padding, value: number], { padding?: Padding; value?: number }>;

abstract class PadNd extends Module {
  readonly padding: number[];
  /** The fill value (constant modes), null for reflect/replicate. */
  readonly value: number | null;
  protected readonly padMode: PadMode;
  /** Whether the constructor takes the value (ConstantPad*; ZeroPad2d's is 0) and the repr shows it. */
  protected readonly takesValue: boolean;

  protected constructor(sides: number, mode: PadMode, args: readonly unknown[], takesValue = mode === "constant") {
    super();
    const a = parseArgs<{ padding: Padding; value: number }>(new.target.name, takesValue ? [PADDING, VALUE] : [PADDING], args);
    this.padding = typeof a.padding === "number" ? new Array<number>(sides).fill(a.padding) : a.padding;
    this.value = takesValue ? a.value : mode === "constant" ? 0 : null;
    this.padMode = mode;
    this.takesValue = takesValue;
  }

  override forward(input: Tensor): Tensor {
    return padWith(input, this.padding, this.padMode, this.value);
  }

  override extraRepr(): string {
    return this.takesValue ? `padding=${pyTuple(this.padding)}, value=${pyFloat(this.value!)}` : pyTuple(this.padding);
  }
}

/** nn.ConstantPad1d(padding, value): pads the last dim with `value`. */
export class ConstantPad1d extends PadNd {
  constructor(...args: ConstantPadArgs);
  constructor(...args: unknown[]) {
    super(2, "constant", args);
  }
}
/** nn.ConstantPad2d(padding, value): pads the last 2 dims with `value`. */
export class ConstantPad2d extends PadNd {
  constructor(...args: ConstantPadArgs);
  constructor(...args: unknown[]) {
    super(4, "constant", args);
  }
}
/** nn.ConstantPad3d(padding, value): pads the last 3 dims with `value`. */
export class ConstantPad3d extends PadNd {
  constructor(...args: ConstantPadArgs);
  constructor(...args: unknown[]) {
    super(6, "constant", args);
  }
}
/** nn.ZeroPad2d(padding): pads the last 2 dims with zeros. */
export class ZeroPad2d extends PadNd {
  constructor(...args: PadArgs);
  constructor(...args: unknown[]) {
    super(4, "constant", args, false);
  }
}
/** nn.ReflectionPad1d(padding): the reflection of the input about its first and last element. */
export class ReflectionPad1d extends PadNd {
  constructor(...args: PadArgs);
  constructor(...args: unknown[]) {
    super(2, "reflect", args);
  }
}
/** nn.ReflectionPad2d(padding). */
export class ReflectionPad2d extends PadNd {
  constructor(...args: PadArgs);
  constructor(...args: unknown[]) {
    super(4, "reflect", args);
  }
}
/** nn.ReflectionPad3d(padding). */
export class ReflectionPad3d extends PadNd {
  constructor(...args: PadArgs);
  constructor(...args: unknown[]) {
    super(6, "reflect", args);
  }
}
/** nn.ReplicationPad1d(padding): repeats the edge values. */
export class ReplicationPad1d extends PadNd {
  constructor(...args: PadArgs);
  constructor(...args: unknown[]) {
    super(2, "replicate", args);
  }
}
/** nn.ReplicationPad2d(padding). */
export class ReplicationPad2d extends PadNd {
  constructor(...args: PadArgs);
  constructor(...args: unknown[]) {
    super(4, "replicate", args);
  }
}
/** nn.ReplicationPad3d(padding). */
export class ReplicationPad3d extends PadNd {
  constructor(...args: PadArgs);
  constructor(...args: unknown[]) {
    super(6, "replicate", args);
  }
}
