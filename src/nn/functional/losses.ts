// Loss functions as composites, each following PyTorch 1.13's formula (so values and
// gradients agree to round-off), with reduction "none" | "mean" | "sum" everywhere.
// Log-probabilities come from logSoftmax / a max-shifted log-sum-exp, so logits of +-1e4
// stay finite.
import { IndexError, RuntimeError, ValueError } from "../../errors.ts";
import { isFloating, isIntegral, scalarTypeName } from "../../dtype.ts";
import { fmtShape } from "../../layout.ts";
import { where } from "../../ops/elementwise.ts";
import { numberData, onHost } from "../../ops/alloc.ts";
import type { Tensor } from "../../tensor.ts";

export type LossReduction = "none" | "mean" | "sum";

function reduced(loss: Tensor, reduction: LossReduction | undefined): Tensor {
  switch (reduction ?? "mean") {
    case "none": return loss;
    case "mean": return loss.mean();
    case "sum": return loss.sum();
    default: throw new ValueError(`${String(reduction)} is not a valid value for reduction`);
  }
}

function warnSize(input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) {
    console.warn(`Using a target size (torch.Size([${target.shape.join(", ")}])) that is different to the input size (torch.Size([${input.shape.join(", ")}])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`);
  }
}

export interface ReductionOptions {
  reduction?: LossReduction;
}

export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  warnSize(input, target);
  return reduced(input.sub(target).abs(), opts.reduction);
}

/** |d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta (beta = 0 is L1). */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: ReductionOptions & { beta?: number } = {}): Tensor {
  warnSize(input, target);
  const beta = opts.beta ?? 1;
  if (beta < 0) throw new RuntimeError("smooth_l1_loss does not support negative values for beta.");
  const d = input.sub(target);
  const a = d.abs();
  if (beta === 0) return reduced(a, opts.reduction);
  return reduced(where(a.lt(beta), d.mul(d).mul(0.5 / beta), a.sub(0.5 * beta)), opts.reduction);
}

/** |d| < delta ? 0.5 d^2 : delta (|d| - 0.5 delta). */
export function huberLoss(input: Tensor, target: Tensor, opts: ReductionOptions & { delta?: number } = {}): Tensor {
  warnSize(input, target);
  const delta = opts.delta ?? 1;
  if (delta <= 0) throw new RuntimeError("huber_loss does not support non-positive values for delta.");
  const d = input.sub(target);
  const a = d.abs();
  return reduced(where(a.lt(delta), d.mul(d).mul(0.5), a.sub(0.5 * delta).mul(delta)), opts.reduction);
}

export interface NllOptions extends ReductionOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
}

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
 * F.nll_loss(logProbs [N, C, ...] or [C], target (class indices), { weight, ignoreIndex, reduction }):
 * loss_i = -weight[t_i] * x[i, t_i] (0 where t_i == ignoreIndex); "mean" divides by the sum of
 * the weights of the non-ignored targets.
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  if (!isIntegral(target.dtype)) throw new RuntimeError(`expected scalar type Long but found ${scalarTypeName(target.dtype)}`);
  const ignore = opts.ignoreIndex ?? -100;
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
  const reduction = opts.reduction ?? "mean";
  if (reduction === "none") return losses.reshape(targetShape);
  if (reduction === "sum") return losses.sum();
  if (reduction === "mean") return losses.sum().div(w.sum());
  throw new ValueError(`${String(reduction)} is not a valid value for reduction`);
}

export interface CrossEntropyOptions extends NllOptions {
  labelSmoothing?: number;
}

/**
 * F.cross_entropy(logits [N, C, ...] or [C], target, opts): target is class indices
 * (integer, [N, ...]) or class probabilities (float, same shape as logits).
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const eps = opts.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1) throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const classDim = input.dim() === 1 ? 0 : 1;
  const logp = input.logSoftmax(classDim);
  const c = input.shape[classDim];
  const reduction = opts.reduction ?? "mean";
  const wView = (w: Tensor): Tensor => (input.dim() === 1 ? w : w.view([1, c, ...new Array<number>(input.dim() - 2).fill(1)]));
  if (isFloating(target.dtype)) {
    // Class probabilities.
    if (target.shape.join() !== input.shape.join()) {
      throw new RuntimeError(`Expected target size ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`);
    }
    if (opts.ignoreIndex !== undefined && opts.ignoreIndex !== -100) throw new RuntimeError("ignore_index is not supported for floating point target");
    let tgt = eps > 0 ? target.mul(1 - eps).add(eps / c) : target;
    if (opts.weight) tgt = tgt.mul(wView(opts.weight));
    const losses = logp.mul(tgt).sum(classDim).neg();
    if (reduction === "mean") return input.dim() === 1 ? losses : losses.sum().div(input.numel() / c);
    return reduced(losses, reduction);
  }
  const nll = nllLoss(logp, target, { weight: opts.weight, ignoreIndex: opts.ignoreIndex, reduction });
  if (eps === 0) return nll;
  // PyTorch 1.13's label smoothing: (1 - eps) * nll + eps / C * smooth, with
  // smooth = -sum_c w_c logp_c per position (0 at ignored targets), reduced like nll.
  const ignore = opts.ignoreIndex ?? -100;
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
  return nll.mul(1 - eps).add(smoothRed.mul(eps / c));
}

/** F.binary_cross_entropy(p, y, { weight, reduction }): -w (y log p + (1 - y) log(1 - p)), logs clamped at -100 as PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: ReductionOptions & { weight?: Tensor | null } = {}): Tensor {
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
  const logP = input.log().clamp({ min: -100 });
  const log1mP = input.neg().log1p().clamp({ min: -100 });
  let loss = target.mul(logP).add(target.neg().add(1).mul(log1mP)).neg();
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduced(loss, opts.reduction);
}

/**
 * F.binary_cross_entropy_with_logits(x, y, { weight, posWeight, reduction }), PyTorch's stable
 * form: (1 - y) x + lw (log(exp(-m) + exp(-x - m)) + m), m = max(-x, 0), lw = 1 + (pw - 1) y.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor, target: Tensor, opts: ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {},
): Tensor {
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

/** F.kl_div(input (log-probs), target, { reduction: "mean" | "batchmean" | "sum" | "none", logTarget }). */
export function klDiv(input: Tensor, target: Tensor, opts: { reduction?: LossReduction | "batchmean"; logTarget?: boolean } = {}): Tensor {
  const reduction = opts.reduction ?? "mean";
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

/** F.cosine_embedding_loss(x1, x2, y (+-1), { margin }): y = 1: 1 - cos; y = -1: max(0, cos - margin). */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, target: Tensor, opts: ReductionOptions & { margin?: number } = {}): Tensor {
  const margin = opts.margin ?? 0;
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

/** F.margin_ranking_loss(x1, x2, y, { margin }): max(0, -y (x1 - x2) + margin). */
export function marginRankingLoss(x1: Tensor, x2: Tensor, target: Tensor, opts: ReductionOptions & { margin?: number } = {}): Tensor {
  if (x1.dim() !== x2.dim() || x1.dim() !== target.dim()) {
    throw new RuntimeError(`margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${fmtShape(x1.shape)}, input2: ${fmtShape(x2.shape)}, target: ${fmtShape(target.shape)} `);
  }
  return reduced(target.neg().mul(x1.sub(x2)).add(opts.margin ?? 0).clamp({ min: 0 }), opts.reduction);
}

/** F.pairwise_distance(x1, x2, { p, eps, keepdim }): ||x1 - x2 + eps||_p over the last dim. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, opts: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor {
  const p = opts.p ?? 2;
  const d = x1.sub(x2).add(opts.eps ?? 1e-6);
  const last = Math.max(d.dim() - 1, 0);
  const keep = opts.keepdim ?? false;
  if (p === 2) return d.mul(d).sum(last, keep).sqrt();
  if (p === 1) return d.abs().sum(last, keep);
  if (p === Infinity) return d.abs().amax(last, keep);
  return d.abs().pow(p).sum(last, keep).pow(1 / p);
}

/** F.triplet_margin_loss(anchor, positive, negative, { margin, p, eps, swap }). */
export function tripletMarginLoss(
  anchor: Tensor, positive: Tensor, negative: Tensor,
  opts: ReductionOptions & { margin?: number; p?: number; eps?: number; swap?: boolean } = {},
): Tensor {
  const ad = anchor.dim();
  if (positive.dim() !== ad || negative.dim() !== ad) {
    throw new RuntimeError(`The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${ad}D, positive ${positive.dim()}D, and negative ${negative.dim()}D inputs`);
  }
  const po = { p: opts.p ?? 2, eps: opts.eps ?? 1e-6 };
  const dPos = pairwiseDistance(anchor, positive, po);
  let dNeg = pairwiseDistance(anchor, negative, po);
  if (opts.swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, po));
  return reduced(dPos.sub(dNeg).add(opts.margin ?? 1).clamp({ min: 0 }), opts.reduction);
}

/** F.soft_margin_loss: log(1 + exp(-y x)). */
export function softMarginLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  return reduced(target.neg().mul(input).exp().log1p(), opts.reduction);
}

/** F.hinge_embedding_loss: y = 1: x; y = -1: max(0, margin - x). */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: ReductionOptions & { margin?: number } = {}): Tensor {
  const margin = opts.margin ?? 1;
  const marginClamp = input.neg().add(margin).clamp({ min: 0 });
  const outputMargin = where(target.ne(1), marginClamp, 0);
  const outputSelf = where(target.ne(-1), input, 0);
  return reduced(outputMargin.add(outputSelf), opts.reduction);
}

/** F.poisson_nll_loss(input, target, { logInput, full, eps }). */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: ReductionOptions & { logInput?: boolean; full?: boolean; eps?: number } = {}): Tensor {
  const logInput = opts.logInput ?? true;
  let loss = logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(opts.eps ?? 1e-8).log()));
  if (opts.full) {
    // Stirling term, only where target > 1.
    const safe = where(target.gt(1), target, 2);
    const stirling = safe.mul(safe.log()).sub(safe).add(safe.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(where(target.gt(1), stirling, 0));
  }
  return reduced(loss, opts.reduction);
}
