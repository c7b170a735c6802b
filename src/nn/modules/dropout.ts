// Dropout modules: active in training mode, the identity in eval mode.
import type { Tensor } from "../../tensor.ts";
import { bool, param, parseArgs, type Args } from "../../args.ts";
import * as D from "../functional/dropout.ts";
import { Module } from "../module.ts";
import { pyBool, pyFloat } from "../repr.ts";

/** The options of the dropout modules. */
export interface DropoutOptions {
  p?: number;
  inplace?: boolean;
}

const DROPOUT_ARGS = [
  param("p", D.dropoutP, 0.5),
  param("inplace", bool, false),
];

abstract class DropoutBase extends Module {
  readonly p: number;
  readonly inplace: boolean;
  /** nn.Dropout(p=0.5, inplace=False). */
  constructor(...args: Args<[p: number, inplace: boolean], DropoutOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<DropoutOptions>>(this.constructor.name, DROPOUT_ARGS, args);
    this.p = a.p;
    this.inplace = a.inplace;
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

export class Dropout extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return D.dropout(x, this.p, this.training, this.inplace);
  }
}
export class Dropout1d extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return D.dropout1d(x, this.p, this.training, this.inplace);
  }
}
export class Dropout2d extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return D.dropout2d(x, this.p, this.training, this.inplace);
  }
}
/** nn.Dropout3d: channel-wise dropout of (N, C, D, H, W) or (C, D, H, W) inputs. */
export class Dropout3d extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return D.dropout3d(x, this.p, this.training, this.inplace);
  }
}
/** nn.AlphaDropout: dropout for SELU networks, keeping their activations' mean and variance. */
export class AlphaDropout extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return D.alphaDropout(x, this.p, this.training, this.inplace);
  }
}
/** nn.FeatureAlphaDropout: alpha dropout of whole channels. */
export class FeatureAlphaDropout extends DropoutBase {
  override forward(x: Tensor): Tensor {
    return D.featureAlphaDropout(x, this.p, this.training, this.inplace);
  }
}
