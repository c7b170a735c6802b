// nn.CosineSimilarity and nn.PairwiseDistance (torch/nn/modules/distance.py).
import { bool, int, num, param, parseArgs, type Args } from "../../args.ts";
import type { Tensor } from "../../tensor.ts";
import { cosineSimilarity, type CosineSimilarityOptions } from "../functional/distance.ts";
import { pairwiseDistance } from "../functional/losses.ts";
import { Module } from "../module.ts";

const COSINE = [param("dim", int(), 1), param("eps", num(), 1e-8)];

export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;
  /** nn.CosineSimilarity(dim=1, eps=1e-8). */
  constructor(...args: Args<[dim: number, eps: number], CosineSimilarityOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<CosineSimilarityOptions>>("CosineSimilarity", COSINE, args);
    this.dim = a.dim;
    this.eps = a.eps;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, this.dim, this.eps);
  }
}

/** Options of nn.PairwiseDistance: PyTorch's p, eps and keepdim. */
export interface PairwiseDistanceModuleOptions {
  /** The norm degree (default 2). */
  p?: number;
  /** Added to the difference, against division by zero (default 1e-6). */
  eps?: number;
  /** Keeps the reduced last dimension with size 1 (default false). */
  keepdim?: boolean;
}
const PAIRWISE = [param("p", num(), 2), param("eps", num(), 1e-6), param("keepdim", bool, false)];

export class PairwiseDistance extends Module {
  /** The norm degree p (PyTorch keeps it as `norm`). */
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;
  /** nn.PairwiseDistance(p=2.0, eps=1e-6, keepdim=False). */
  constructor(...args: Args<[p: number, eps: number, keepdim: boolean], PairwiseDistanceModuleOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<PairwiseDistanceModuleOptions>>("PairwiseDistance", PAIRWISE, args);
    this.norm = a.p;
    this.eps = a.eps;
    this.keepdim = a.keepdim;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, { p: this.norm, eps: this.eps, keepdim: this.keepdim });
  }
}
