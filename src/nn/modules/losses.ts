// Loss modules: PyTorch 1.13's constructor arguments in its positional order, including the
// legacy size_average / reduce where PyTorch has them (folded into `reduction` with PyTorch's
// deprecation warning, src/nn/reduction.ts), then an options object. Class weights and
// pos_weight are buffers named as PyTorch's (`weight`, `pos_weight`), so they appear in the
// state dict.
import { warnOnce } from "../../warnings.ts";
import { bool, int, nullable, num, param, parseArgs, tensor, type Args, type Param } from "../../args.ts";
import { AssertionError, ValueError } from "../../errors.ts";
import type { Tensor } from "../../tensor.ts";
import { PairwiseDistance } from "./distance.ts";
import * as L from "../functional/losses.ts";
import { ctcLoss, CTC_PARAMS, type CtcLengths, type CtcLossOptions, type CtcPositional } from "../functional/ctcLoss.ts";
import { Module } from "../module.ts";
import { REDUCE, REDUCTION, REDUCTION_CHECKED_LATER, reductionArg, resolveReduction, SIZE_AVERAGE, type LegacyReductionOptions, type Reduction } from "../reduction.ts";

type Legacy = [sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction];
const LEGACY = [SIZE_AVERAGE, REDUCE, REDUCTION];
const WEIGHT = param("weight", nullable(tensor), null);

/** Reads a loss's arguments; the legacy pair, when given, decides the reduction. */
function lossArgs<A>(self: Module, params: readonly Param[], args: readonly unknown[]): A & { reduction: Reduction } {
  const a = parseArgs<A & { reduction: Reduction; sizeAverage?: boolean | null; reduce?: boolean | null }>(self.constructor.name, params, args);
  if (a.sizeAverage !== undefined) a.reduction = resolveReduction(a as { sizeAverage: boolean | null; reduce: boolean | null; reduction: Reduction });
  return a;
}

/** The options of `nn.L1Loss`, `nn.MSELoss` and `nn.SoftMarginLoss`: the reduction and its deprecated legacy pair. */
export type LossOptions = L.ReductionOptions;

/** Losses with (size_average, reduce, reduction): L1Loss, MSELoss, SoftMarginLoss. */
abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(...args: Args<Legacy, LossOptions>);
  constructor(...args: unknown[]) {
    super();
    this.reduction = lossArgs<object>(this, LEGACY, args).reduction;
  }
}

/** nn.L1Loss(size_average=None, reduce=None, reduction='mean'). */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.l1Loss(input, target, { reduction: this.reduction });
  }
}
/** nn.MSELoss(size_average=None, reduce=None, reduction='mean'). */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.mseLossOf(input, target, this.reduction);
  }
}
/** nn.SoftMarginLoss(size_average=None, reduce=None, reduction='mean'). */
export class SoftMarginLoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/** nn.SmoothL1Loss(size_average=None, reduce=None, reduction='mean', beta=1.0). */
export class SmoothL1Loss extends Module {
  readonly reduction: Reduction;
  readonly beta: number;
  constructor(...args: Args<[...Legacy, beta: number], L.SmoothL1LossOptions>);
  constructor(...args: unknown[]) {
    super();
    ({ reduction: this.reduction, beta: this.beta } = lossArgs<{ beta: number }>(this, [...LEGACY, param("beta", num(), 1)], args));
    L.checkBeta(this.beta);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** nn.HuberLoss(reduction='mean', delta=1.0). */
export class HuberLoss extends Module {
  readonly reduction: Reduction;
  readonly delta: number;
  constructor(...args: Args<[reduction: Reduction, delta: number], L.HuberLossOptions>);
  constructor(...args: unknown[]) {
    super();
    ({ reduction: this.reduction, delta: this.delta } = lossArgs<{ delta: number }>(this, [REDUCTION, param("delta", num(), 1)], args));
    L.checkDelta(this.delta);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

type NllPositional = [weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: Reduction];
const NLL = [WEIGHT, SIZE_AVERAGE, param("ignoreIndex", int(), -100), REDUCE, REDUCTION];

/** nn.NLLLoss(weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'). */
export class NLLLoss extends Module {
  declare weight: Tensor | null;
  readonly reduction: Reduction;
  readonly ignoreIndex: number;
  constructor(...args: Args<NllPositional, L.NllOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = lossArgs<{ weight: Tensor | null; ignoreIndex: number }>(this, NLL, args);
    this.registerBuffer("weight", a.weight);
    this.reduction = a.reduction;
    this.ignoreIndex = a.ignoreIndex;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** nn.NLLLoss2d: NLLLoss under its deprecated name, with PyTorch's warning (once). */
export class NLLLoss2d extends NLLLoss {
  constructor(...args: Args<NllPositional, L.NllOptions>);
  constructor(...args: unknown[]) {
    super(...(args as Args<NllPositional, L.NllOptions>));
    warnOnce("NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.");
  }
}

/** nn.CrossEntropyLoss(weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0). */
export class CrossEntropyLoss extends Module {
  declare weight: Tensor | null;
  readonly reduction: Reduction;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(...args: Args<[...NllPositional, labelSmoothing: number], L.CrossEntropyOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = lossArgs<{ weight: Tensor | null; ignoreIndex: number; labelSmoothing: number }>(this, [...NLL, param("labelSmoothing", num(), 0)], args);
    L.checkLabelSmoothing(a.labelSmoothing);
    this.registerBuffer("weight", a.weight);
    this.reduction = a.reduction;
    this.ignoreIndex = a.ignoreIndex;
    this.labelSmoothing = a.labelSmoothing;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

type BcePositional = [weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction];
const BCE = [WEIGHT, ...LEGACY];

/** Losses with (weight=None, size_average=None, reduce=None, reduction='mean'), the weight a buffer (PyTorch's _WeightedLoss). */
abstract class WeightedLoss extends Module {
  /** The constructor's parameters (a loss whose function checks its reduction itself, later, overrides them). */
  static readonly params: readonly Param[] = BCE;
  declare weight: Tensor | null;
  readonly reduction: Reduction;
  constructor(...args: Args<BcePositional, L.BinaryCrossEntropyOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = lossArgs<{ weight: Tensor | null }>(this, (new.target as typeof WeightedLoss).params, args);
    this.registerBuffer("weight", a.weight);
    this.reduction = a.reduction;
  }
}

/** nn.BCELoss(weight=None, size_average=None, reduce=None, reduction='mean'). */
export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** nn.BCEWithLogitsLoss(weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None). */
export class BCEWithLogitsLoss extends Module {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  readonly reduction: Reduction;
  constructor(...args: Args<[...BcePositional, posWeight: Tensor | null], L.BinaryCrossEntropyWithLogitsOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = lossArgs<{ weight: Tensor | null; posWeight: Tensor | null }>(this, [...BCE, param("posWeight", nullable(tensor), null)], args);
    this.registerBuffer("weight", a.weight);
    this.registerBuffer("pos_weight", a.posWeight);
    this.reduction = a.reduction;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

/** nn.KLDivLoss(size_average=None, reduce=None, reduction='mean', log_target=False); reduction may be "batchmean". */
export class KLDivLoss extends Module {
  readonly reduction: L.KLDivReduction;
  readonly logTarget: boolean;
  constructor(...args: Args<[sizeAverage: boolean | null, reduce: boolean | null, reduction: L.KLDivReduction, logTarget: boolean], L.KLDivOptions>);
  constructor(...args: unknown[]) {
    super();
    const params = [SIZE_AVERAGE, REDUCE, param("reduction", L.klDivReduction, "mean"), param("logTarget", bool, false)];
    ({ reduction: this.reduction, logTarget: this.logTarget } = lossArgs<{ logTarget: boolean }>(this, params, args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

type MarginPositional = [margin: number, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction];

/** Losses with (margin, size_average, reduce, reduction). */
abstract class MarginLoss extends Module {
  readonly reduction: Reduction;
  readonly margin: number;
  constructor(defaultMargin: number, args: readonly unknown[]) {
    super();
    ({ reduction: this.reduction, margin: this.margin } = lossArgs<{ margin: number }>(this, [param("margin", num(), defaultMargin), ...LEGACY], args));
  }
}
/** nn.CosineEmbeddingLoss(margin=0.0, size_average=None, reduce=None, reduction='mean'). */
export class CosineEmbeddingLoss extends MarginLoss {
  constructor(...args: Args<MarginPositional, L.MarginLossOptions>);
  constructor(...args: unknown[]) {
    super(0, args);
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return L.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}
/** nn.MarginRankingLoss(margin=0.0, size_average=None, reduce=None, reduction='mean'). */
export class MarginRankingLoss extends MarginLoss {
  constructor(...args: Args<MarginPositional, L.MarginLossOptions>);
  constructor(...args: unknown[]) {
    super(0, args);
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return L.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}
/** nn.HingeEmbeddingLoss(margin=1.0, size_average=None, reduce=None, reduction='mean'). */
export class HingeEmbeddingLoss extends MarginLoss {
  constructor(...args: Args<MarginPositional, L.MarginLossOptions>);
  constructor(...args: unknown[]) {
    super(1, args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** nn.TripletMarginLoss(margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction='mean'). */
export class TripletMarginLoss extends Module {
  readonly reduction: Reduction;
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(...args: Args<[margin: number, p: number, eps: number, swap: boolean, ...Legacy], L.TripletMarginLossOptions>);
  constructor(...args: unknown[]) {
    super();
    const params = [param("margin", num(), 1), param("p", num(), 2), param("eps", num(), 1e-6), param("swap", bool, false), ...LEGACY];
    ({ reduction: this.reduction, margin: this.margin, p: this.p, eps: this.eps, swap: this.swap } = lossArgs<Required<L.TripletMarginLossOptions>>(this, params, args));
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return L.tripletMarginLoss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
}

/** nn.PoissonNLLLoss(log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction='mean'). */
export class PoissonNLLLoss extends Module {
  readonly reduction: Reduction;
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(...args: Args<[logInput: boolean, full: boolean, sizeAverage: boolean | null, eps: number, reduce: boolean | null, reduction: Reduction], L.PoissonNllLossOptions>);
  constructor(...args: unknown[]) {
    super();
    const params = [param("logInput", bool, true), param("full", bool, false), SIZE_AVERAGE, param("eps", num(), 1e-8), REDUCE, REDUCTION_CHECKED_LATER];
    ({ reduction: this.reduction, logInput: this.logInput, full: this.full, eps: this.eps } = lossArgs<Required<L.PoissonNllLossOptions>>(this, params, args));
    // refused here, in poisson_nll_loss's words (PyTorch raises them at the call)
    L.checkOwnReduction(this.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.poissonNllLoss(input, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** nn.GaussianNLLLoss(*, full=False, eps=1e-6, reduction='mean'): forward(input, target, var). */
export class GaussianNLLLoss extends Module {
  readonly full: boolean;
  readonly eps: number;
  readonly reduction: Reduction;
  constructor(options?: L.GaussianNllLossOptions);
  constructor(...args: unknown[]) {
    super();
    ({ full: this.full, eps: this.eps, reduction: this.reduction } = parseArgs<{ full: boolean; eps: number; reduction: Reduction }>(
      "GaussianNLLLoss", [], args, [param("full", bool, false), param("eps", num(), 1e-6), REDUCTION_CHECKED_LATER]));
    L.checkOwnReduction(this.reduction);
  }
  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return L.gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** nn.MultiLabelSoftMarginLoss(weight=None, size_average=None, reduce=None, reduction='mean'). */
export class MultiLabelSoftMarginLoss extends WeightedLoss {
  // multilabel_soft_margin_loss's own reduction check and words ("avg is not valid")
  static override readonly params: readonly Param[] = [WEIGHT, SIZE_AVERAGE, REDUCE, REDUCTION_CHECKED_LATER];
  constructor(...args: Args<BcePositional, L.BinaryCrossEntropyOptions>);
  constructor(...args: unknown[]) {
    super(...(args as Args<BcePositional, L.BinaryCrossEntropyOptions>));
    L.checkOwnReduction(this.reduction);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** nn.MultiMarginLoss(p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction='mean'): forward(input, target). */
export class MultiMarginLoss extends Module {
  declare weight: Tensor | null;
  readonly reduction: Reduction;
  readonly p: number;
  readonly margin: number;
  constructor(...args: Args<[p: number, margin: number, weight: Tensor | null, ...Legacy], L.MultiMarginLossOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = lossArgs<{ p: number; margin: number; weight: Tensor | null }>(this, [param("p", num(), 1), param("margin", num(), 1), WEIGHT, ...LEGACY], args);
    if (a.p !== 1 && a.p !== 2) throw new ValueError("only p == 1 and p == 2 supported");
    // PyTorch: `assert weight is None or weight.dim() == 1`
    if (a.weight !== null && a.weight.ndim !== 1) throw new AssertionError("");
    this.registerBuffer("weight", a.weight);
    this.reduction = a.reduction;
    this.p = a.p;
    this.margin = a.margin;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
}

/** nn.MultiLabelMarginLoss(size_average=None, reduce=None, reduction='mean'): forward(input, target). */
export class MultiLabelMarginLoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return L.multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * nn.TripletMarginWithDistanceLoss(*, distance_function=None, margin=1.0, swap=False,
 * reduction='mean'): forward(anchor, positive, negative). Without a distance function it is an
 * nn.PairwiseDistance(), a submodule named as PyTorch's (`distance_function`), as is a module
 * given as the distance.
 */
export class TripletMarginWithDistanceLoss extends Module {
  declare distance_function: L.DistanceFunction;
  readonly margin: number;
  readonly swap: boolean;
  readonly reduction: Reduction;
  constructor(options?: L.TripletMarginWithDistanceLossOptions);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ distanceFunction: L.DistanceFunction | null; margin: number; swap: boolean; reduction: Reduction }>(
      "TripletMarginWithDistanceLoss", [], args, L.TRIPLET_DISTANCE);
    reductionArg(a.reduction, "reduction", "TripletMarginWithDistanceLoss");
    this.distance_function = a.distanceFunction ?? new PairwiseDistance();
    this.margin = a.margin;
    this.swap = a.swap;
    this.reduction = a.reduction;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return L.tripletWithDistance(anchor, positive, negative, { distanceFunction: this.distance_function, margin: this.margin, swap: this.swap, reduction: this.reduction });
  }
}

export type { LegacyReductionOptions };

/** nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False): forward(log_probs, targets, input_lengths, target_lengths) (F.ctcLoss). */
export class CTCLoss extends Module {
  readonly blank: number;
  readonly reduction: Reduction;
  readonly zeroInfinity: boolean;
  constructor(...args: Args<CtcPositional, CtcLossOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ blank: number; reduction: Reduction; zeroInfinity: boolean }>("CTCLoss", CTC_PARAMS, args);
    this.blank = a.blank;
    this.reduction = a.reduction;
    this.zeroInfinity = a.zeroInfinity;
  }
  override forward(logProbs: Tensor, targets: Tensor, inputLengths: CtcLengths, targetLengths: CtcLengths): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, { blank: this.blank, reduction: this.reduction, zeroInfinity: this.zeroInfinity });
  }
}
