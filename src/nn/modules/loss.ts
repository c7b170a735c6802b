// Loss modules: thin wrappers that hold the options of their functional form.
import type { Tensor } from "../../tensor.ts";
import * as F from "../functional.ts";
import { Module } from "../module.ts";

export class MSELoss extends Module {
  readonly reduction: F.Reduction;
  constructor(opts: { reduction?: F.Reduction } = {}) {
    super();
    this.reduction = opts.reduction ?? "mean";
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}
