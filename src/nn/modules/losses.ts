// Loss modules: hold the options of their functional forms. Class weights and pos_weight are
// buffers named as PyTorch's (`weight`, `pos_weight`), so they appear in the state dict.
import type { Tensor } from "../../tensor.ts";
import * as F from "../functional.ts";
import * as L from "../functional/losses.ts";
import { Module } from "../module.ts";

type R = L.LossReduction;

abstract class Loss extends Module {
  readonly reduction: R;
  constructor(opts: { reduction?: R } = {}) {
    super();
    this.reduction = opts.reduction ?? "mean";
  }
}

abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;
  constructor(opts: { reduction?: R; weight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer("weight", opts.weight ?? null);
  }
}

export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.l1Loss(input, target, { reduction: this.reduction });
  }
}
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(opts: { reduction?: R; beta?: number } = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(opts: { reduction?: R; delta?: number } = {}) {
    super(opts);
    this.delta = opts.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  constructor(opts: { reduction?: R; weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(opts: { reduction?: R; weight?: Tensor | null; ignoreIndex?: number; labelSmoothing?: number } = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}
export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}
export class BCEWithLogitsLoss extends WeightedLoss {
  declare pos_weight: Tensor | null;
  constructor(opts: { reduction?: R; weight?: Tensor | null; posWeight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer("pos_weight", opts.posWeight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}
export class KLDivLoss extends Module {
  readonly reduction: R | "batchmean";
  readonly logTarget: boolean;
  constructor(opts: { reduction?: R | "batchmean"; logTarget?: boolean } = {}) {
    super();
    this.reduction = opts.reduction ?? "mean";
    this.logTarget = opts.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(opts: { reduction?: R; margin?: number } = {}) {
    super(opts);
    this.margin = opts.margin ?? 0;
  }
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return L.cosineEmbeddingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction });
  }
}
export class MarginRankingLoss extends Loss {
  readonly margin: number;
  constructor(opts: { reduction?: R; margin?: number } = {}) {
    super(opts);
    this.margin = opts.margin ?? 0;
  }
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return L.marginRankingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction });
  }
}
export class TripletMarginLoss extends Loss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(opts: { reduction?: R; margin?: number; p?: number; eps?: number; swap?: boolean } = {}) {
    super(opts);
    this.margin = opts.margin ?? 1;
    this.p = opts.p ?? 2;
    this.eps = opts.eps ?? 1e-6;
    this.swap = opts.swap ?? false;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return L.tripletMarginLoss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
}
export class SoftMarginLoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.softMarginLoss(input, target, { reduction: this.reduction });
  }
}
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(opts: { reduction?: R; margin?: number } = {}) {
    super(opts);
    this.margin = opts.margin ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}
export class PoissonNLLLoss extends Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(opts: { reduction?: R; logInput?: boolean; full?: boolean; eps?: number } = {}) {
    super(opts);
    this.logInput = opts.logInput ?? true;
    this.full = opts.full ?? false;
    this.eps = opts.eps ?? 1e-8;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.poissonNllLoss(input, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}
