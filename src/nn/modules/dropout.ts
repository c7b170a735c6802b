// Dropout modules: active in training mode, the identity in eval mode.
import type { Tensor } from "../../tensor.ts";
import { ValueError } from "../../errors.ts";
import * as D from "../functional/dropout.ts";
import { Module } from "../module.ts";

abstract class DropoutBase extends Module {
  readonly p: number;
  readonly inplace: boolean;
  constructor(p = 0.5, opts: { inplace?: boolean } = {}) {
    super();
    if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.inplace = opts.inplace ?? false;
  }
  override extraRepr(): string {
    return `p=${this.p}, inplace=${this.inplace ? "True" : "False"}`;
  }
}

export class Dropout extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return D.dropout(x, { p: this.p, training: this.training, inplace: this.inplace });
  }
}
export class Dropout1d extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return D.dropout1d(x, { p: this.p, training: this.training, inplace: this.inplace });
  }
}
export class Dropout2d extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return D.dropout2d(x, { p: this.p, training: this.training, inplace: this.inplace });
  }
}
