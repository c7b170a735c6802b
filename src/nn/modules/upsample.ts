// nn.Upsample (and its fixed-mode aliases), nn.PixelShuffle, nn.PixelUnshuffle.
import type { Tensor } from "../../tensor.ts";
import * as U from "../functional/upsample.ts";
import { Module } from "../module.ts";

export class Upsample extends Module {
  constructor(readonly opts: U.InterpolateOptions = {}) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return U.interpolate(x, this.opts);
  }
  override extraRepr(): string {
    const o = this.opts;
    const show = (v: number | readonly number[] | null | undefined) => (v === undefined || v === null ? null : typeof v === "number" ? String(v) : `(${v.join(", ")})`);
    const parts: string[] = [];
    if (show(o.scaleFactor) !== null) parts.push(`scale_factor=${show(o.scaleFactor)}`);
    else parts.push(`size=${show(o.size)}`);
    parts.push(`mode='${o.mode ?? "nearest"}'`);
    return parts.join(", ");
  }
}

export class UpsamplingNearest2d extends Upsample {
  constructor(opts: { size?: number | readonly number[]; scaleFactor?: number | readonly number[] } = {}) {
    super({ ...opts, mode: "nearest" });
  }
}
export class UpsamplingBilinear2d extends Upsample {
  constructor(opts: { size?: number | readonly number[]; scaleFactor?: number | readonly number[] } = {}) {
    super({ ...opts, mode: "bilinear", alignCorners: true });
  }
}

export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return U.pixelShuffle(x, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return U.pixelUnshuffle(x, this.downscaleFactor);
  }
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
