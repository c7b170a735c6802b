// Pooling modules: hold the options of their functional forms (src/nn/functional/pooling.ts).
import type { Tensor } from "../../tensor.ts";
import type { Pair } from "../../ops/conv.ts";
import * as P from "../functional/pooling.ts";
import { Module } from "../module.ts";

const show = (v: Pair | null | undefined): string => (v === null || v === undefined ? "None" : typeof v === "number" ? String(v) : `(${v.join(", ")})`);

export interface MaxPoolModuleOptions extends P.MaxPoolOptions {
  returnIndices?: boolean;
}

abstract class MaxPoolNd extends Module {
  readonly stride: Pair;
  constructor(readonly kernelSize: Pair, readonly opts: MaxPoolModuleOptions = {}) {
    super();
    this.stride = opts.stride ?? kernelSize;
  }
  override extraRepr(): string {
    const o = this.opts;
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(o.padding ?? 0)}, dilation=${show(o.dilation ?? 1)}, ceil_mode=${o.ceilMode ? "True" : "False"}`;
  }
}

/** nn.MaxPool1d; with returnIndices the forward gives { values, indices }. */
export class MaxPool1d extends MaxPoolNd {
  override forward(x: Tensor): Tensor | P.WithIndices {
    return this.opts.returnIndices ? P.maxPool1d(x, this.kernelSize, { ...this.opts, returnIndices: true }) : P.maxPool1d(x, this.kernelSize, { ...this.opts, returnIndices: false });
  }
}
export class MaxPool2d extends MaxPoolNd {
  override forward(x: Tensor): Tensor | P.WithIndices {
    return this.opts.returnIndices ? P.maxPool2d(x, this.kernelSize, { ...this.opts, returnIndices: true }) : P.maxPool2d(x, this.kernelSize, { ...this.opts, returnIndices: false });
  }
}

abstract class AvgPoolNd extends Module {
  readonly stride: Pair;
  constructor(readonly kernelSize: Pair, readonly opts: P.AvgPoolOptions = {}) {
    super();
    this.stride = opts.stride ?? kernelSize;
  }
  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.opts.padding ?? 0)}`;
  }
}
export class AvgPool1d extends AvgPoolNd {
  override forward(x: Tensor): Tensor {
    return P.avgPool1d(x, this.kernelSize, this.opts);
  }
}
export class AvgPool2d extends AvgPoolNd {
  override forward(x: Tensor): Tensor {
    return P.avgPool2d(x, this.kernelSize, this.opts);
  }
}

type OutSize = number | ReadonlyArray<number | null>;
abstract class AdaptivePool extends Module {
  constructor(readonly outputSize: OutSize, readonly opts: { returnIndices?: boolean } = {}) {
    super();
  }
  override extraRepr(): string {
    const o = this.outputSize;
    return `output_size=${typeof o === "number" ? o : `(${o.map((v) => v ?? "None").join(", ")})`}`;
  }
}
export class AdaptiveAvgPool1d extends AdaptivePool {
  override forward(x: Tensor): Tensor {
    return P.adaptiveAvgPool1d(x, this.outputSize as number);
  }
}
export class AdaptiveAvgPool2d extends AdaptivePool {
  override forward(x: Tensor): Tensor {
    return P.adaptiveAvgPool2d(x, this.outputSize);
  }
}
export class AdaptiveMaxPool1d extends AdaptivePool {
  override forward(x: Tensor): Tensor | P.WithIndices {
    const o = this.outputSize as number;
    return this.opts.returnIndices ? P.adaptiveMaxPool1d(x, o, { returnIndices: true }) : P.adaptiveMaxPool1d(x, o);
  }
}
export class AdaptiveMaxPool2d extends AdaptivePool {
  override forward(x: Tensor): Tensor | P.WithIndices {
    return this.opts.returnIndices ? P.adaptiveMaxPool2d(x, this.outputSize, { returnIndices: true }) : P.adaptiveMaxPool2d(x, this.outputSize);
  }
}
