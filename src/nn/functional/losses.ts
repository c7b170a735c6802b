// Loss functions as composites, each following PyTorch 1.13's formula (so values and
// gradients agree to round-off), with reduction "none" | "mean" | "sum" everywhere.
// Log-probabilities come from logSoftmax / a max-shifted log-sum-exp, so logits of +-1e4
// stay finite.
//
// Every function takes PyTorch 1.13's positional arguments, including the legacy
// size_average / reduce where PyTorch's signature has them (src/nn/reduction.ts), then an
// options object.
import { bool, checkTensor, describe, int, isOptions, nullable, num, param, parseArgs, tensor, type Args, type Param } from "../../args.ts";
import { IndexError, RuntimeError, TorchTypeError, ValueError } from "../../errors.ts";
import { isFloating, isIntegral, scalarTypeName } from "../../dtype.ts";
import { fmtShape } from "../../layout.ts";
import { zerosLike } from "../../ops/creation.ts";
import { where } from "../../ops/elementwise.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { logsigmoid } from "./activations.ts";
import { numberData, onHost } from "../../ops/alloc.ts";
import { binaryCrossEntropy as bcePrimitive, mseLoss as mseLossPrimitive } from "../../ops/loss.ts";
import { Tensor } from "../../tensor.ts";
import { REDUCE, REDUCTION, REDUCTION_CHECKED_LATER, reductionChecker, resolveReduction, SIZE_AVERAGE, type LegacyReductionOptions, type Reduction } from "../reduction.ts";

/** A loss's reduction: "none", "mean" or "sum". */
export type LossReduction = Reduction;

/** The loss reduced; an unknown reduction is a ValueError "<it> <invalid>" (PyTorch's words differ by loss). */
function reduced(loss: Tensor, reduction: LossReduction | undefined, invalid = "is not a valid value for reduction"): Tensor {
  switch (reduction ?? "mean") {
    case "none": return loss;
    case "mean": return loss.mean();
    case "sum": return loss.sum();
    default: throw new ValueError(`${String(reduction)} ${invalid}`);
  }
}

function warnSize(input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) {
    console.warn(`Using a target size (torch.Size([${target.shape.join(", ")}])) that is different to the input size (torch.Size([${input.shape.join(", ")}])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`);
  }
}

/** The options of the losses whose only keywords are the reduction (and its deprecated legacy pair). */
export interface ReductionOptions extends LegacyReductionOptions {
  /** How the pointwise losses are reduced: "none", "mean" or "sum"; PyTorch's default "mean". */
  reduction?: LossReduction;
}
type Legacy = [sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction];
const LEGACY = [SIZE_AVERAGE, REDUCE, REDUCTION];

/**
 * The arguments of a loss call: the tensors checked, the rest parsed against `params`, the
 * legacy pair (when the signature has it) folded into `reduction`.
 */
function lossArgs<A>(fn: string, tensors: Record<string, unknown>, params: readonly Param[], args: readonly unknown[]): A & { reduction: Reduction } {
  for (const name in tensors) checkTensor(tensors[name], name, fn);
  const a = parseArgs<A & { reduction: Reduction; sizeAverage?: boolean | null; reduce?: boolean | null }>(fn, params, args);
  if (a.sizeAverage !== undefined) a.reduction = resolveReduction(a as { sizeAverage: boolean | null; reduce: boolean | null; reduction: Reduction });
  return a;
}

/** F.l1_loss(input, target, size_average=None, reduce=None, reduction='mean'): |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, ...args: Args<Legacy, ReductionOptions>): Tensor {
  const { reduction } = lossArgs<object>("l1Loss", { input, target }, LEGACY, args);
  warnSize(input, target);
  return reduced(input.sub(target).abs(), reduction);
}

/** F.mse_loss(input, target, size_average=None, reduce=None, reduction='mean'): (input - target)^2. */
export function mseLoss(input: Tensor, target: Tensor, ...args: Args<Legacy, ReductionOptions>): Tensor {
  if (!(input instanceof Tensor) || !(target instanceof Tensor) || args.length > 0) {
    return mseLossOf(input, target, lossArgs<object>("mseLoss", { input, target }, LEGACY, args).reduction);
  }
  return mseLossOf(input, target, "mean");
}
/** nn.MSELoss's call, its reduction read at construction (the seed program's hot path). */
export function mseLossOf(input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  if (!(input instanceof Tensor)) checkTensor(input, "input", "mseLoss");
  if (!(target instanceof Tensor)) checkTensor(target, "target", "mseLoss");
  warnSize(input, target);
  return mseLossPrimitive(input, target, reduction);
}

/** PyTorch's checks of smooth_l1_loss's beta and huber_loss's delta (nn.SmoothL1Loss and nn.HuberLoss make them at construction). */
export function checkBeta(beta: number): void {
  if (beta < 0) throw new RuntimeError("smooth_l1_loss does not support negative values for beta.");
}
export function checkDelta(delta: number): void {
  if (delta <= 0) throw new RuntimeError("huber_loss does not support non-positive values for delta.");
}

export interface SmoothL1LossOptions extends ReductionOptions {
  beta?: number;
}
const SMOOTH_L1 = [...LEGACY, param("beta", num(), 1)];

/** F.smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0): |d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta (beta = 0 is L1). */
export function smoothL1Loss(input: Tensor, target: Tensor, ...args: Args<[...Legacy, beta: number], SmoothL1LossOptions>): Tensor {
  const { reduction, beta } = lossArgs<{ beta: number }>("smoothL1Loss", { input, target }, SMOOTH_L1, args);
  warnSize(input, target);
  checkBeta(beta);
  const d = input.sub(target);
  const a = d.abs();
  if (beta === 0) return reduced(a, reduction);
  // PyTorch's branches: the quadratic one also for a NaN d, and it sees d only where taken, so
  // an infinite d gets the gradient ±1, not 0 * inf
  const inner = a.lt(beta).logicalOr(d.isnan()), dq = where(inner, d, 0);
  return reduced(where(inner, dq.mul(dq).mul(0.5 / beta), a.sub(0.5 * beta)), reduction);
}

/** The options of `F.huberLoss` (`nn.HuberLoss`). */
export interface HuberLossOptions {
  reduction?: Reduction;
  delta?: number;
}
const HUBER = [REDUCTION, param("delta", num(), 1)];

/** F.huber_loss(input, target, reduction='mean', delta=1.0): |d| < delta ? 0.5 d^2 : delta (|d| - 0.5 delta). */
export function huberLoss(input: Tensor, target: Tensor, ...args: Args<[reduction: Reduction, delta: number], HuberLossOptions>): Tensor {
  const { reduction, delta } = lossArgs<{ delta: number }>("huberLoss", { input, target }, HUBER, args);
  warnSize(input, target);
  checkDelta(delta);
  const d = input.sub(target);
  const a = d.abs();
  const inner = a.lt(delta).logicalOr(d.isnan()), dq = where(inner, d, 0);
  return reduced(where(inner, dq.mul(dq).mul(0.5), a.sub(0.5 * delta).mul(delta)), reduction);
}

/** The options of `F.nllLoss` (`nn.NLLLoss`). */
export interface NllOptions extends ReductionOptions {
  /** A [C] rescaling weight per class; PyTorch's default null (all ones). */
  weight?: Tensor | null;
  /** A target value that is ignored and does not count in the mean; PyTorch's default -100. */
  ignoreIndex?: number;
}
const WEIGHT = param("weight", nullable(tensor), null);
const NLL = [WEIGHT, SIZE_AVERAGE, param("ignoreIndex", int(), -100), REDUCE, REDUCTION];
type NllPositional = [weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: Reduction];
type NllArgs = { weight: Tensor | null; ignoreIndex: number; reduction: Reduction };

/** Class dim 1 moved last and flattened: [M, C] log-probs and [M] targets (M = N * spatial). */
function flattenClasses(input: Tensor, target: Tensor, op: string): { x: Tensor; t: Tensor; c: number; targetShape: number[] } {
  if (input.dim() < 1) throw new ValueError(`Expected 1 or more dimensions (got ${input.dim()})`);
  const c = input.dim() === 1 ? input.shape[0] : input.shape[1];
  if (input.dim() === 1) {
    if (target.dim() !== 0) throw new RuntimeError(`0D or 1D target tensor expected, multi-target not supported`);
    return { x: input.unsqueeze(0), t: target.reshape(1), c, targetShape: [] };
  }
  const expected = [input.shape[0], ...input.shape.slice(2)];
  if (target.shape.join() !== expected.join()) {
    if (input.dim() === 2) {
      if (target.dim() !== 1) throw new RuntimeError(`0D or 1D target tensor expected, multi-target not supported`);
      throw new ValueError(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}).`);
    }
    throw new RuntimeError(`Expected target size ${fmtShape(expected)}, got ${fmtShape(target.shape)}`);
  }
  void op;
  const x = input.dim() === 2 ? input : classDimLast(input);
  return { x: x.reshape(-1, c), t: target.reshape(-1), c, targetShape: expected };
}

/** [N, C, d1, ...] -> [N, d1, ..., C]. */
function classDimLast(x: Tensor): Tensor {
  return x.permute([0, ...Array.from({ length: x.dim() - 2 }, (_, i) => i + 2), 1]);
}

/**
 * F.nll_loss(input (log-probabilities [N, C, ...] or [C]), target (class indices), weight=None,
 * size_average=None, ignore_index=-100, reduce=None, reduction='mean'):
 * loss_i = -weight[t_i] * x[i, t_i] (0 where t_i == ignoreIndex); "mean" divides by the sum of
 * the weights of the non-ignored targets.
 */
export function nllLoss(input: Tensor, target: Tensor, ...args: Args<NllPositional, NllOptions>): Tensor {
  return nll(input, target, lossArgs<NllArgs>("nllLoss", { input, target }, NLL, args));
}
function nll(input: Tensor, target: Tensor, opts: NllArgs): Tensor {
  if (!isIntegral(target.dtype)) throw new RuntimeError(`expected scalar type Long but found ${scalarTypeName(target.dtype)}`);
  const ignore = opts.ignoreIndex;
  const { x, t, c, targetShape } = flattenClasses(input, target, "nll_loss");
  if (opts.weight && opts.weight.numel() !== c) throw new RuntimeError(`weight tensor should be defined either for all ${c} classes or no classes but got weight tensor of shape: ${fmtShape(opts.weight.shape)}`);
  // On a device the gather below checks the targets and reports at the next read (CUDA asserts on the device too).
  if (onHost(t)) {
    const tv = numberData(t);
    for (let i = 0; i < tv.length; i++) {
      const v = tv[i]!;
      if (v !== ignore && (v < 0 || v >= c)) throw new IndexError(`Target ${v} is out of bounds.`);
    }
  }
  const keep = t.ne(ignore);
  const safeT = where(keep, t, 0);
  const picked = x.gather(1, safeT.unsqueeze(1)).squeeze(1);
  let w: Tensor = keep.to(x.dtype);
  if (opts.weight) w = w.mul(opts.weight.to(x.dtype).indexSelect(0, safeT));
  const losses = picked.mul(w).neg();
  const reduction = opts.reduction;
  if (reduction === "none") return losses.reshape(targetShape);
  if (reduction === "sum") return losses.sum();
  if (reduction === "mean") return losses.sum().div(w.sum());
  throw new ValueError(`${String(reduction)} is not a valid value for reduction`);
}

export interface CrossEntropyOptions extends NllOptions {
  labelSmoothing?: number;
}
/** PyTorch's check of label_smoothing (a RuntimeError at the call; nn.CrossEntropyLoss checks it at construction). */
export function checkLabelSmoothing(eps: number): void {
  if (eps < 0 || eps > 1) throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
}
const CROSS_ENTROPY = [...NLL, param("labelSmoothing", num(), 0)];

/**
 * F.cross_entropy(input (logits [N, C, ...] or [C]), target, weight=None, size_average=None,
 * ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0): target is class
 * indices (integer, [N, ...]) or class probabilities (float, same shape as the logits).
 */
export function crossEntropy(input: Tensor, target: Tensor, ...args: Args<[...NllPositional, labelSmoothing: number], CrossEntropyOptions>): Tensor {
  const opts = lossArgs<NllArgs & { labelSmoothing: number }>("crossEntropy", { input, target }, CROSS_ENTROPY, args);
  const eps = opts.labelSmoothing;
  checkLabelSmoothing(eps);
  const classDim = input.dim() === 1 ? 0 : 1;
  const logp = input.logSoftmax(classDim);
  const c = input.shape[classDim];
  const reduction = opts.reduction;
  const wView = (w: Tensor): Tensor => (input.dim() === 1 ? w : w.view([1, c, ...new Array<number>(input.dim() - 2).fill(1)]));
  if (isFloating(target.dtype)) {
    // Class probabilities.
    if (target.shape.join() !== input.shape.join()) {
      throw new RuntimeError(`Expected target size ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`);
    }
    if (opts.ignoreIndex !== -100) throw new RuntimeError("ignore_index is not supported for floating point target");
    let tgt = eps > 0 ? target.mul(1 - eps).add(eps / c) : target;
    if (opts.weight) tgt = tgt.mul(wView(opts.weight));
    const losses = logp.mul(tgt).sum(classDim).neg();
    if (reduction === "mean") return input.dim() === 1 ? losses : losses.sum().div(input.numel() / c);
    return reduced(losses, reduction);
  }
  const nllValue = nll(logp, target, opts);
  if (eps === 0) return nllValue;
  // PyTorch 1.13's label smoothing: (1 - eps) * nll + eps / C * smooth, with
  // smooth = -sum_c w_c logp_c per position (0 at ignored targets), reduced like nll.
  const ignore = opts.ignoreIndex;
  const keep = target.ne(ignore);
  let smooth = (opts.weight ? logp.mul(wView(opts.weight)) : logp).sum(classDim).neg();
  smooth = where(keep, smooth, 0);
  let smoothRed: Tensor;
  if (reduction === "none") smoothRed = smooth;
  else if (reduction === "sum") smoothRed = smooth.sum();
  else if (opts.weight) {
    const safeT = where(keep, target, 0).reshape(-1);
    smoothRed = smooth.sum().div(opts.weight.indexSelect(0, safeT).mul(keep.reshape(-1).to(input.dtype)).sum());
  } else smoothRed = smooth.sum().div(keep.sum().to(input.dtype));
  return nllValue.mul(1 - eps).add(smoothRed.mul(eps / c));
}

export interface BinaryCrossEntropyOptions extends ReductionOptions {
  weight?: Tensor | null;
}
type BcePositional = [weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction];
const BCE = [WEIGHT, ...LEGACY];

/**
 * F.binary_cross_entropy(input (probabilities), target, weight=None, size_average=None,
 * reduce=None, reduction='mean'): -w (y log p + (1 - y) log(1 - p)), logs clamped at -100 as PyTorch.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...args: Args<BcePositional, BinaryCrossEntropyOptions>): Tensor {
  const opts = lossArgs<{ weight: Tensor | null }>("binaryCrossEntropy", { input, target }, BCE, args);
  if (input.shape.join() !== target.shape.join()) {
    throw new ValueError(`Using a target size (torch.Size([${target.shape.join(", ")}])) that is different to the input size (torch.Size([${input.shape.join(", ")}])) is deprecated. Please ensure they have the same size.`);
  }
  // The range is checked on the host only: on a device a value outside [0, 1] gives NaN (docs/DEVICES.md).
  if (onHost(input)) {
    const data = input.contiguousData();
    for (let i = 0; i < data.length; i++) {
      if (!(data[i] >= 0 && data[i] <= 1)) throw new RuntimeError("all elements of input should be between 0 and 1");
    }
  }
  if (opts.reduction !== "none" && opts.reduction !== "mean" && opts.reduction !== "sum") throw new ValueError(`${String(opts.reduction)} is not a valid value for reduction`);
  return bcePrimitive(input, target, opts.weight ?? null, opts.reduction);
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  posWeight?: Tensor | null;
}
const BCE_LOGITS = [...BCE, param("posWeight", nullable(tensor), null)];

/**
 * F.binary_cross_entropy_with_logits(input (logits), target, weight=None, size_average=None,
 * reduce=None, reduction='mean', pos_weight=None), PyTorch's stable form:
 * (1 - y) x + lw (log(exp(-m) + exp(-x - m)) + m), m = max(-x, 0), lw = 1 + (pw - 1) y.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor, target: Tensor, ...args: Args<[...BcePositional, posWeight: Tensor | null], BinaryCrossEntropyWithLogitsOptions>
): Tensor {
  const opts = lossArgs<{ weight: Tensor | null; posWeight: Tensor | null }>("binaryCrossEntropyWithLogits", { input, target }, BCE_LOGITS, args);
  if (input.shape.join() !== target.shape.join()) {
    throw new ValueError(`Target size (torch.Size([${target.shape.join(", ")}])) must be the same as input size (torch.Size([${input.shape.join(", ")}]))`);
  }
  const m = input.neg().clamp({ min: 0 });
  const lse = m.neg().exp().add(input.neg().sub(m).exp()).log().add(m);
  const oneMinusY = target.neg().add(1);
  let loss: Tensor;
  if (opts.posWeight) loss = oneMinusY.mul(input).add(opts.posWeight.sub(1).mul(target).add(1).mul(lse));
  else loss = oneMinusY.mul(input).add(lse);
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduced(loss, opts.reduction);
}

/** `F.klDiv`'s reduction: PyTorch's "none", "mean", "sum", or "batchmean" (the sum divided by the batch size, the true KL divergence). */
export type KLDivReduction = Reduction | "batchmean";
export interface KLDivOptions extends LegacyReductionOptions {
  /** How the pointwise losses are reduced; PyTorch's default "mean" (over all elements; "batchmean" gives the KL divergence). */
  reduction?: KLDivReduction;
  /** The target is given as log-probabilities; PyTorch's default false. */
  logTarget?: boolean;
}
export const klDivReduction = reductionChecker<KLDivReduction>(["none", "batchmean", "sum", "mean"]);
const KL_DIV = [SIZE_AVERAGE, REDUCE, param("reduction", klDivReduction, "mean"), param("logTarget", bool, false)];

/** F.kl_div(input (log-probabilities), target, size_average=None, reduce=None, reduction='mean', log_target=False); reduction may be "batchmean". */
export function klDiv(input: Tensor, target: Tensor, ...args: Args<[sizeAverage: boolean | null, reduce: boolean | null, reduction: KLDivReduction, logTarget: boolean], KLDivOptions>): Tensor {
  const opts = lossArgs<{ logTarget: boolean }>("klDiv", { input, target }, KL_DIV, args);
  const reduction = opts.reduction as KLDivReduction;
  let loss: Tensor;
  if (opts.logTarget) loss = target.exp().mul(target.sub(input));
  else {
    // xlogy(t, t) - t * input: 0 * log 0 is 0.
    const tlogt = where(target.eq(0), 0, target.mul(where(target.eq(0), 1, target).log()));
    loss = tlogt.sub(target.mul(input));
  }
  if (reduction === "batchmean") return input.dim() === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduced(loss, reduction);
}

export interface MarginLossOptions extends ReductionOptions {
  /** The margin of the loss; PyTorch's default 0 (cosine embedding, margin ranking) or 1 (hinge embedding). */
  margin?: number;
}
type MarginPositional = [margin: number, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction];
const MARGIN0 = [param("margin", num(), 0), ...LEGACY];

/** F.cosine_embedding_loss(input1, input2, target (+-1), margin=0, size_average=None, reduce=None, reduction='mean'): y = 1: 1 - cos; y = -1: max(0, cos - margin). */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: Args<MarginPositional, MarginLossOptions>): Tensor {
  const opts = lossArgs<{ margin: number }>("cosineEmbeddingLoss", { input1, input2, target }, MARGIN0, args);
  const [x1, x2, margin] = [input1, input2, opts.margin];
  if (x1.shape.join() !== x2.shape.join()) {
    throw new RuntimeError(`The size of tensor a (${x1.shape.at(-1)}) must match the size of tensor b (${x2.shape.at(-1)}) at non-singleton dimension ${x1.dim() - 1}`);
  }
  const dim = x1.dim() - 1;
  if (target.dim() !== dim) throw new RuntimeError(`${dim}D target tensor expects ${dim + 1}D input tensors, but found inputs with sizes ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)}.`);
  const EPS = 1e-12;
  const prod = x1.mul(x2).sum(dim);
  const mag1 = x1.mul(x1).sum(dim).add(EPS);
  const mag2 = x2.mul(x2).sum(dim).add(EPS);
  const cos = prod.div(mag1.mul(mag2).sqrt());
  const pos = where(target.eq(1), cos.neg().add(1), 0);
  const neg = where(target.eq(-1), cos.sub(margin).clamp({ min: 0 }), 0);
  return reduced(pos.add(neg), opts.reduction);
}

/** F.margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean'): max(0, -y (x1 - x2) + margin). */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: Args<MarginPositional, MarginLossOptions>): Tensor {
  const opts = lossArgs<{ margin: number }>("marginRankingLoss", { input1, input2, target }, MARGIN0, args);
  const [x1, x2] = [input1, input2];
  if (x1.dim() !== x2.dim() || x1.dim() !== target.dim()) {
    throw new RuntimeError(`margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${fmtShape(x1.shape)}, input2: ${fmtShape(x2.shape)}, target: ${fmtShape(target.shape)} `);
  }
  return reduced(target.neg().mul(x1.sub(x2)).add(opts.margin).clamp({ min: 0 }), opts.reduction);
}

/** The options of `F.pairwiseDistance` (`nn.PairwiseDistance`). */
export interface PairwiseDistanceOptions {
  p?: number;
  eps?: number;
  keepdim?: boolean;
}
const PAIRWISE = [param("p", num(), 2), param("eps", num(), 1e-6), param("keepdim", bool, false)];

/** F.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False): ||x1 - x2 + eps||_p over the last dim. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, ...args: Args<[p: number, eps: number, keepdim: boolean], PairwiseDistanceOptions>): Tensor {
  checkTensor(x1, "x1", "pairwiseDistance");
  checkTensor(x2, "x2", "pairwiseDistance");
  return distance(x1, x2, parseArgs<Required<PairwiseDistanceOptions>>("pairwiseDistance", PAIRWISE, args));
}
function distance(x1: Tensor, x2: Tensor, opts: Required<PairwiseDistanceOptions>): Tensor {
  const p = opts.p;
  const d = x1.sub(x2).add(opts.eps);
  const last = Math.max(d.dim() - 1, 0);
  const keep = opts.keepdim;
  if (p === 2) return d.mul(d).sum(last, keep).sqrt();
  if (p === 1) return d.abs().sum(last, keep);
  if (p === Infinity) return d.abs().amax(last, keep);
  return d.abs().pow(p).sum(last, keep).pow(1 / p);
}

export interface TripletMarginLossOptions extends ReductionOptions {
  margin?: number;
  p?: number;
  eps?: number;
  swap?: boolean;
}
const TRIPLET = [param("margin", num(), 1), param("p", num(), 2), param("eps", num(), 1e-6), param("swap", bool, false), ...LEGACY];

/** F.triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None, reduce=None, reduction='mean'). */
export function tripletMarginLoss(
  anchor: Tensor, positive: Tensor, negative: Tensor,
  ...args: Args<[margin: number, p: number, eps: number, swap: boolean, ...Legacy], TripletMarginLossOptions>
): Tensor {
  const opts = lossArgs<{ margin: number; p: number; eps: number; swap: boolean }>("tripletMarginLoss", { anchor, positive, negative }, TRIPLET, args);
  const ad = anchor.dim();
  if (positive.dim() !== ad || negative.dim() !== ad) {
    throw new RuntimeError(`The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${ad}D, positive ${positive.dim()}D, and negative ${negative.dim()}D inputs`);
  }
  const po = { p: opts.p, eps: opts.eps, keepdim: false };
  const dPos = distance(anchor, positive, po);
  let dNeg = distance(anchor, negative, po);
  if (opts.swap) dNeg = dNeg.minimum(distance(positive, negative, po));
  return reduced(dPos.sub(dNeg).add(opts.margin).clamp({ min: 0 }), opts.reduction);
}

/** F.soft_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'): log(1 + exp(-y x)). */
export function softMarginLoss(input: Tensor, target: Tensor, ...args: Args<Legacy, ReductionOptions>): Tensor {
  const opts = lossArgs<object>("softMarginLoss", { input, target }, LEGACY, args);
  return reduced(target.neg().mul(input).exp().log1p(), opts.reduction);
}

/** F.hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction='mean'): y = 1: x; y = -1: max(0, margin - x). */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, ...args: Args<MarginPositional, MarginLossOptions>): Tensor {
  const opts = lossArgs<{ margin: number }>("hingeEmbeddingLoss", { input, target }, [param("margin", num(), 1), ...LEGACY], args);
  const margin = opts.margin;
  const marginClamp = input.neg().add(margin).clamp({ min: 0 });
  const outputMargin = where(target.ne(1), marginClamp, 0);
  const outputSelf = where(target.ne(-1), input, 0);
  return reduced(outputMargin.add(outputSelf), opts.reduction);
}

export interface PoissonNllLossOptions extends ReductionOptions {
  logInput?: boolean;
  full?: boolean;
  eps?: number;
}
const POISSON = [param("logInput", bool, true), param("full", bool, false), SIZE_AVERAGE, param("eps", num(), 1e-8), REDUCE, REDUCTION_CHECKED_LATER];

/** F.poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction='mean'). */
export function poissonNllLoss(
  input: Tensor, target: Tensor,
  ...args: Args<[logInput: boolean, full: boolean, sizeAverage: boolean | null, eps: number, reduce: boolean | null, reduction: Reduction], PoissonNllLossOptions>
): Tensor {
  const opts = lossArgs<{ logInput: boolean; full: boolean; eps: number }>("poissonNllLoss", { input, target }, POISSON, args);
  // PyTorch's own check and words, before anything is computed
  checkOwnReduction(opts.reduction);
  let loss = opts.logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(opts.eps).log()));
  if (opts.full) {
    // Stirling term, only where target > 1.
    const safe = where(target.gt(1), target, 2);
    const stirling = safe.mul(safe.log()).sub(safe).add(safe.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(where(target.gt(1), stirling, 0));
  }
  return reduced(loss, opts.reduction);
}

/** The reduction check of the losses that make their own (poisson_nll_loss, gaussian_nll_loss, multilabel_soft_margin_loss): "avg is not valid". */
export function checkOwnReduction(reduction: string): void {
  if (reduction !== "none" && reduction !== "mean" && reduction !== "sum") throw new ValueError(`${String(reduction)} is not valid`);
}

/** The options of `F.gaussianNllLoss` (`nn.GaussianNLLLoss`). */
export interface GaussianNllLossOptions extends ReductionOptions {
  /** Add the constant 0.5 log(2 pi); PyTorch's default false. */
  full?: boolean;
  /** The variance is clamped to at least eps (without changing its gradient); PyTorch's default 1e-6. */
  eps?: number;
}
const GAUSSIAN = [param("full", bool, false), param("eps", num(), 1e-6), REDUCTION_CHECKED_LATER];

/**
 * F.gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'): the negative
 * log-likelihood of target under N(input, var), 0.5 (log var + (input - target)^2 / var). var has
 * input's shape, or its shape without the last dim (or with it 1): one variance per row. The
 * variance is clamped to eps in place under no_grad, as PyTorch does, so its gradient is that of
 * the unclamped expression at the clamped value.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, ...args: Args<[full: boolean, eps: number, reduction: Reduction], GaussianNllLossOptions>): Tensor {
  const opts = lossArgs<{ full: boolean; eps: number }>("gaussianNllLoss", { input, target, var: variance }, GAUSSIAN, args);
  let v = variance;
  if (v.shape.join() !== input.shape.join()) {
    const lead = input.shape.slice(0, -1).join();
    if (lead === v.shape.join()) v = v.unsqueeze(-1);
    else if (!(lead === v.shape.slice(0, -1).join() && v.shape[v.ndim - 1] === 1)) throw new ValueError("var is of incorrect size");
  }
  const reduction = opts.reduction;
  checkOwnReduction(reduction);
  // (read on the host only: on a device a negative variance gives NaN)
  if (onHost(v) && noGrad(() => v.lt(0).any().item())) throw new ValueError("var has negative entry/entries");
  v = v.clone();
  noGrad(() => v.clamp_({ min: opts.eps }));
  let loss = v.log().add(input.sub(target).pow(2).div(v)).mul(0.5);
  if (opts.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduced(loss, reduction);
}

const MULTILABEL = [WEIGHT, SIZE_AVERAGE, REDUCE, REDUCTION_CHECKED_LATER];
type MultiLabelPositional = [weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction];

/**
 * F.multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
 * reduction='mean'): per sample, the mean over classes of
 * -(y log sigmoid(x) + (1 - y) log sigmoid(-x)), optionally weighted per class; then reduced.
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, ...args: Args<MultiLabelPositional, BinaryCrossEntropyOptions>): Tensor {
  const opts = lossArgs<{ weight: Tensor | null }>("multilabelSoftMarginLoss", { input, target }, MULTILABEL, args);
  let loss = target.mul(logsigmoid(input)).add(target.neg().add(1).mul(logsigmoid(input.neg()))).neg();
  if (opts.weight) loss = loss.mul(opts.weight);
  const classDim = input.ndim - 1;
  loss = loss.sum(classDim).div(input.shape[classDim]!);
  return reduced(loss, opts.reduction, "is not valid");
}

/** A class-index target: int64 (PyTorch's only dtype here) or int32 (accepted, as by nllLoss). */
function checkIndexTarget(target: Tensor): void {
  if (target.dtype !== "int64" && target.dtype !== "int32") throw new RuntimeError(`expected scalar type Long but found ${scalarTypeName(target.dtype)}`);
}

/** ATen's shape check of the multi-class margin losses: a non-empty vector, or a matrix whose batch dim may be 0. */
function checkMarginInput(input: Tensor): void {
  if (!(input.ndim === 1 && input.numel() > 0) && !(input.ndim === 2 && input.shape[1]! > 0)) {
    throw new RuntimeError(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${fmtShape(input.shape)}`);
  }
}

/** The options of `F.multiMarginLoss` (`nn.MultiMarginLoss`). */
export interface MultiMarginLossOptions extends ReductionOptions {
  /** The power of each hinge term: 1 or 2; PyTorch's default 1. */
  p?: number;
  /** The margin; PyTorch's default 1. */
  margin?: number;
  /** A weight per class, applied to each sample's terms by its target class. */
  weight?: Tensor | null;
}
const MULTI_MARGIN = [param("p", num(), 1), param("margin", num(), 1), WEIGHT, ...LEGACY];
type MultiMarginPositional = [p: number, margin: number, weight: Tensor | null, ...Legacy];

/** F.multi_margin_loss's own checks of p and weight (ValueError, before anything is computed). */
function checkMultiMargin(p: number, weight: Tensor | null): void {
  if (p !== 1 && p !== 2) throw new ValueError("only p == 1 and p == 2 supported");
  if (weight !== null && weight.ndim !== 1) throw new ValueError("weight must be one-dimensional");
}

/**
 * F.multi_margin_loss(input, target, p=1, margin=1, weight=None, size_average=None, reduce=None,
 * reduction='mean'): per sample (input [N, C] or [C], target [N] or one index), the sum over
 * classes i other than the target y of max(0, margin - x[y] + x[i])^p (times weight[y]),
 * divided by C; then reduced over the samples. A term's gradient is 0 where it is exactly 0.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, ...args: Args<MultiMarginPositional, MultiMarginLossOptions>): Tensor {
  const opts = lossArgs<{ p: number; margin: number; weight: Tensor | null }>("multiMarginLoss", { input, target }, MULTI_MARGIN, args);
  checkMultiMargin(opts.p, opts.weight);
  checkMarginInput(input);
  checkIndexTarget(target);
  const rows = input.ndim === 1 ? 1 : input.shape[0]!, c = input.shape[input.ndim - 1]!;
  if (target.numel() !== rows || (input.ndim === 2 && target.ndim > 1)) throw new RuntimeError(`inconsistent target size, got: ${fmtShape(target.shape)}`);
  const x = input.reshape(rows, c), t = target.reshape(rows, 1);
  // (read on the host only, as nllLoss does: a device read is asynchronous)
  if (rows > 0 && onHost(t) && noGrad(() => t.lt(0).logicalOr(t.ge(c)).any().item())) throw new RuntimeError("target out of range");
  let h = x.sub(x.gather(1, t)).add(opts.margin).relu();
  if (opts.p === 2) h = h.mul(h);
  // the target's own term (margin itself) does not count
  h = h.scatter(1, t, 0);
  if (opts.weight !== null) h = h.mul(opts.weight.indexSelect(0, t.reshape(-1)).reshape(rows, 1));
  let loss = h.sum(1).div(c);
  if (input.ndim === 1) loss = loss.reshape([]);
  return reduced(loss, opts.reduction);
}

/**
 * F.multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
 * target (int64, input's shape [N, C] or [C]) lists each sample's classes, ended by the first
 * -1; per sample, the sum over listed classes j (repeats count again) and unlisted classes i of
 * max(0, 1 - (x[j] - x[i])), divided by C; then reduced over the samples. Computed as one
 * [N, C, C] tensor of pairs (kept for the gradient): memory grows with C squared, where
 * PyTorch's kernel loops over the pairs (N = 64, C = 1000 is 64M floats).
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, ...args: Args<Legacy, ReductionOptions>): Tensor {
  const opts = lossArgs<object>("multilabelMarginLoss", { input, target }, LEGACY, args);
  checkMarginInput(input);
  checkIndexTarget(target);
  if (target.shape.join() !== input.shape.join()) throw new RuntimeError(`inconsistent size ${fmtShape(target.shape)} for argument #2 'target'`);
  const rows = input.ndim === 1 ? 1 : input.shape[0]!, c = input.shape[input.ndim - 1]!;
  const x = input.reshape(rows, c), t = target.reshape(rows, c);
  if (rows > 0 && onHost(t) && noGrad(() => t.lt(-1).logicalOr(t.ge(c)).any().item())) throw new RuntimeError("argument #2 'target' is out of range");
  // listed: the entries before the row's first negative one
  const listed = t.lt(0).cumsum(1).eq(0);
  const idx = where(listed, t, 0);
  const isTarget = noGrad(() => zerosLike(x).scatterAdd(1, idx, listed.to(x.dtype)).gt(0));
  // z[n, k, i] = 1 - x[n, t[n, k]] + x[n, i], counted for listed k and unlisted i
  const z = x.unsqueeze(1).sub(x.gather(1, idx).unsqueeze(2)).add(1).relu();
  const counted = listed.unsqueeze(2).logicalAnd(isTarget.logicalNot().unsqueeze(1));
  let loss = z.mul(counted.to(x.dtype)).sum([1, 2]).div(c);
  if (input.ndim === 1) loss = loss.reshape([]);
  return reduced(loss, opts.reduction);
}

/** A distance between two batches of vectors: a function, or a module (called through its forward). */
export type DistanceFunction = ((x1: Tensor, x2: Tensor) => Tensor) | { forward(x1: Tensor, x2: Tensor): Tensor };

/** The options of `F.tripletMarginWithDistanceLoss` (`nn.TripletMarginWithDistanceLoss`): keyword-only in PyTorch. */
export interface TripletMarginWithDistanceLossOptions {
  /** The distance; PyTorch's default pairwise_distance (p = 2). */
  distanceFunction?: DistanceFunction | null;
  /** PyTorch's default 1. */
  margin?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance; PyTorch's default false. */
  swap?: boolean;
  /** How the per-triplet losses are reduced; PyTorch's default "mean". */
  reduction?: LossReduction;
}
const distanceFunctionArg = (v: unknown, arg: string, fn: string): DistanceFunction | null => {
  if (v === null || typeof v === "function" || (typeof v === "object" && typeof (v as { forward?: unknown }).forward === "function")) return v as DistanceFunction | null;
  throw new TorchTypeError(`${fn}(): argument '${arg}' must be a function or a module, not ${v === undefined ? "undefined" : typeof v}`);
};
export const TRIPLET_DISTANCE = [param("distanceFunction", distanceFunctionArg, null), param("margin", num(), 1), param("swap", bool, false), REDUCTION_CHECKED_LATER];

/** d(x1, x2) with the given distance, pairwise_distance by default. */
export function applyDistance(d: DistanceFunction | null, x1: Tensor, x2: Tensor): Tensor {
  if (d === null) return distance(x1, x2, { p: 2, eps: 1e-6, keepdim: false });
  const r: unknown = typeof d === "function" ? d(x1, x2) : d.forward(x1, x2);
  if (!(r instanceof Tensor)) throw new TorchTypeError(`tripletMarginWithDistanceLoss(): the distance function must return a Tensor, but returned ${describe(r)}`);
  return r;
}

/**
 * F.triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
 * margin=1.0, swap=False, reduction='mean'): max(0, d(a, p) - d(a, n) + margin), reduced (the
 * reduction checked after the distances, as PyTorch does).
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletMarginWithDistanceLossOptions): Tensor;
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, ...args: unknown[]): Tensor {
  const fn = "tripletMarginWithDistanceLoss";
  for (const [name, t] of [["anchor", anchor], ["positive", positive], ["negative", negative]] as const) checkTensor(t, name, fn);
  // everything after the three tensors is keyword-only in PyTorch
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  if (n > 0 && isOptions(args[n - 1])) n--;
  if (n > 0) throw new TorchTypeError(`${fn}() takes 3 positional arguments but ${3 + n} were given`);
  return tripletWithDistance(anchor, positive, negative, parseArgs(fn, [], args, TRIPLET_DISTANCE));
}
/** The loss itself, for the function and the module. */
export function tripletWithDistance(anchor: Tensor, positive: Tensor, negative: Tensor, a: { distanceFunction: DistanceFunction | null; margin: number; swap: boolean; reduction: Reduction }): Tensor {
  const dPos = applyDistance(a.distanceFunction, anchor, positive);
  let dNeg = applyDistance(a.distanceFunction, anchor, negative);
  if (a.swap) dNeg = dNeg.minimum(applyDistance(a.distanceFunction, positive, negative));
  return reduced(dPos.sub(dNeg).add(a.margin).clamp({ min: 0 }), a.reduction);
}
