// nn.Upsample (and its fixed-mode aliases), nn.PixelShuffle, nn.PixelUnshuffle.
import { int, nullable, intOrInts, numOrNums, param, parseArgs, type Args } from "../../args.ts";
import type { Tensor } from "../../tensor.ts";
import * as U from "../functional/upsample.ts";
import { Module } from "../module.ts";
import { pyFloats, pyValue } from "../repr.ts";

type UpsamplePositional = [size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: U.InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null];
/** The options of `nn.Upsample`: `F.interpolate`'s, without antialias. */
export type UpsampleOptions = Omit<U.InterpolateOptions, "antialias">;

/** nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None). */
export class Upsample extends Module {
  /** The output spatial size, or null when scaleFactor is given. */
  readonly size: number | readonly number[] | null;
  /** The multiplier of the spatial size, or null when size is given. */
  readonly scaleFactor: number | readonly number[] | null;
  /** The interpolation algorithm ("nearest" unless given). */
  readonly mode: U.InterpolateMode;
  /** For the linear modes: align the corner pixels' centers; null (PyTorch's default) means false. */
  readonly alignCorners: boolean | null;
  /** Compute the interpolation from the output size computed from scaleFactor, not from scaleFactor itself; null (PyTorch's default) means false. */
  readonly recomputeScaleFactor: boolean | null;
  constructor(...args: Args<UpsamplePositional, UpsampleOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<UpsampleOptions>>(this.constructor.name, U.INTERPOLATE_ARGS, args);
    U.checkInterpolateArgs(a);
    this.size = a.size;
    this.scaleFactor = a.scaleFactor;
    this.mode = a.mode;
    this.alignCorners = a.alignCorners;
    this.recomputeScaleFactor = a.recomputeScaleFactor;
  }
  override forward(input: Tensor): Tensor {
    return U.interpolate(input, this.size, this.scaleFactor, this.mode, this.alignCorners, this.recomputeScaleFactor);
  }
  override extraRepr(): string {
    // PyTorch 1.13 keeps scale_factor as float(s) and prints the mode unquoted.
    const what = this.scaleFactor !== null ? `scale_factor=${pyFloats(this.scaleFactor)}` : `size=${pyValue(this.size)}`;
    return `${what}, mode=${this.mode}`;
  }
}

const FIXED_MODE = [param("size", nullable(intOrInts), null), param("scaleFactor", nullable(numOrNums), null)];
/** The options of `nn.UpsamplingNearest2d` and `nn.UpsamplingBilinear2d`: one of size and scaleFactor. */
export type UpsamplingOptions = Pick<UpsampleOptions, "size" | "scaleFactor">;

/** nn.UpsamplingNearest2d(size=None, scale_factor=None): Upsample with mode 'nearest'. */
export class UpsamplingNearest2d extends Upsample {
  constructor(...args: Args<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null], UpsamplingOptions>);
  constructor(...args: unknown[]) {
    const a = parseArgs<Required<UpsamplingOptions>>("UpsamplingNearest2d", FIXED_MODE, args);
    super(a.size, a.scaleFactor, "nearest");
  }
}
/** nn.UpsamplingBilinear2d(size=None, scale_factor=None): Upsample with mode 'bilinear', align_corners=True. */
export class UpsamplingBilinear2d extends Upsample {
  constructor(...args: Args<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null], UpsamplingOptions>);
  constructor(...args: unknown[]) {
    const a = parseArgs<Required<UpsamplingOptions>>("UpsamplingBilinear2d", FIXED_MODE, args);
    super(a.size, a.scaleFactor, "bilinear", true);
  }
}

/** nn.PixelShuffle(upscale_factor). */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;
  constructor(...args: Args<[upscaleFactor: number], { upscaleFactor?: number }>);
  constructor(...args: unknown[]) {
    super();
    this.upscaleFactor = parseArgs<{ upscaleFactor: number }>("PixelShuffle", [param("upscaleFactor", int())], args).upscaleFactor;
  }
  override forward(input: Tensor): Tensor {
    return U.pixelShuffle(input, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}
/** nn.PixelUnshuffle(downscale_factor). */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;
  constructor(...args: Args<[downscaleFactor: number], { downscaleFactor?: number }>);
  constructor(...args: unknown[]) {
    super();
    this.downscaleFactor = parseArgs<{ downscaleFactor: number }>("PixelUnshuffle", [param("downscaleFactor", int())], args).downscaleFactor;
  }
  override forward(input: Tensor): Tensor {
    return U.pixelUnshuffle(input, this.downscaleFactor);
  }
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

/** nn.ChannelShuffle(groups). */
export class ChannelShuffle extends Module {
  readonly groups: number;
  constructor(...args: Args<[groups: number], { groups?: number }>);
  constructor(...args: unknown[]) {
    super();
    this.groups = parseArgs<{ groups: number }>("ChannelShuffle", [param("groups", int())], args).groups;
  }
  override forward(input: Tensor): Tensor {
    return U.channelShuffle(input, this.groups);
  }
  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
