// Activation modules: each holds its options and calls its functional form.
import { getDefaultDtype, type DType } from "../../dtype.ts";
import { full } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import * as A from "../functional/activations.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";

const inplaceRepr = (inplace: boolean): string => (inplace ? "inplace=True" : "");

export class ReLU extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.relu();
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}
export class ReLU6 extends Module {
  override forward(x: Tensor): Tensor {
    return A.relu6(x);
  }
}
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.leakyRelu(x, { negativeSlope: this.negativeSlope });
  }
  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}
export class ELU extends Module {
  constructor(readonly alpha = 1.0) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.elu(x, { alpha: this.alpha });
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}
export class CELU extends Module {
  constructor(readonly alpha = 1.0) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.celu(x, { alpha: this.alpha });
  }
}
export class SELU extends Module {
  override forward(x: Tensor): Tensor {
    return A.selu(x);
  }
}
export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}
export class SiLU extends Module {
  override forward(x: Tensor): Tensor {
    return A.silu(x);
  }
}
export class Mish extends Module {
  override forward(x: Tensor): Tensor {
    return A.mish(x);
  }
}
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.softplus(x, { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
export class Softsign extends Module {
  override forward(x: Tensor): Tensor {
    return A.softsign(x);
  }
}
export class Tanhshrink extends Module {
  override forward(x: Tensor): Tensor {
    return A.tanhshrink(x);
  }
}
export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.hardtanh(x, { minVal: this.minVal, maxVal: this.maxVal });
  }
  override extraRepr(): string {
    return `min_val=${this.minVal}, max_val=${this.maxVal}`;
  }
}
export class Hardswish extends Module {
  override forward(x: Tensor): Tensor {
    return A.hardswish(x);
  }
}
export class Hardsigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return A.hardsigmoid(x);
  }
}
export class Hardshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.hardshrink(x, { lambd: this.lambd });
  }
}
export class Softshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.softshrink(x, { lambd: this.lambd });
  }
}
export class Threshold extends Module {
  constructor(readonly threshold: number, readonly value: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.threshold(x, this.threshold, this.value);
  }
}
export class LogSigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return A.logsigmoid(x);
  }
}
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return x.tanh();
  }
}
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.glu(x, this.dim);
  }
}
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.softmax(this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.logSoftmax(this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
export class Softmin extends Module {
  constructor(readonly dim: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return A.softmin(x, this.dim);
  }
}

/** nn.PReLU(numParameters = 1, { init = 0.25 }): a learnable negative slope per channel. */
export class PReLU extends Module {
  weight: Parameter;
  constructor(readonly numParameters = 1, opts: { init?: number; dtype?: DType } = {}) {
    super();
    this.weight = new Parameter(full([numParameters], opts.init ?? 0.25, { dtype: opts.dtype ?? getDefaultDtype() }));
  }
  override forward(x: Tensor): Tensor {
    return A.prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
