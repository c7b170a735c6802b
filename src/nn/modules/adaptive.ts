// nn.AdaptiveLogSoftmaxWithLoss (Grave et al., "Efficient softmax approximation for GPUs"): the
// frequent classes [0, cutoffs[0]) get a full softmax in the head, whose last entries stand for
// the clusters of rarer classes, each predicted by a tail projection of lower rank
// (in_features / div_value^(i+1)). PyTorch 1.13's module, op for op: the same parameters (and
// draws), forward's per-cluster gathers and in-place index copies, log_prob and predict.
import { bool, FACTORY_KWARGS, int, num, param, parseArgs, type Args, type Checker, type FactoryOptions } from "../../args.ts";
import { RuntimeError, TorchTypeError, ValueError } from "../../errors.ts";
import { cat } from "../../ops/shape.ts";
import { Tensor } from "../../tensor.ts";
import { Module } from "../module.ts";
import { ModuleList, Sequential } from "./container.ts";
import { Linear } from "./linear.ts";

/** The options of `nn.AdaptiveLogSoftmaxWithLoss`. */
export interface AdaptiveLogSoftmaxWithLossOptions extends FactoryOptions {
  /** The tail projections' size divisor (cluster i projects to in_features / div_value^(i+1)); PyTorch's default 4. */
  divValue?: number;
  /** A bias in the head's Linear; PyTorch's default false. */
  headBias?: boolean;
}
/** What forward returns (PyTorch's `_ASMoutput` named tuple). */
export interface ASMOutput {
  /** The log-probability of each sample's target, [N] (0-d unbatched). */
  output: Tensor;
  /** The mean negative log-likelihood of the targets. */
  loss: Tensor;
}

const cutoffsArg: Checker<number[]> = (v, arg, fn) => {
  if (!Array.isArray(v) || !v.every((c) => typeof c === "number")) throw new TorchTypeError(`${fn}(): argument '${arg}' must be an array of integers`);
  return [...(v as number[])];
};
const ARGS = [
  param("inFeatures", int()), param("nClasses", int()), param("cutoffs", cutoffsArg), param("divValue", num(), 4), param("headBias", bool, false),
];

/** nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None). */
export class AdaptiveLogSoftmaxWithLoss extends Module {
  readonly inFeatures: number;
  readonly nClasses: number;
  /** The given cutoffs followed by nClasses: cluster i holds classes [cutoffs[i], cutoffs[i + 1]). */
  readonly cutoffs: number[];
  readonly divValue: number;
  readonly headBias: boolean;
  /** cutoffs[0]: the classes the head predicts directly. */
  readonly shortlistSize: number;
  /** The number of tail clusters. */
  readonly nClusters: number;
  /** The head's outputs: the shortlist and one per cluster. */
  readonly headSize: number;
  /** in_features -> head_size. */
  head: Linear;
  /** Per cluster, Sequential(Linear(in_features, hsz), Linear(hsz, cluster size)), without biases. */
  tail: ModuleList;

  constructor(inFeatures: number, nClasses: number, cutoffs: readonly number[], ...args: Args<[divValue: number, headBias: boolean], AdaptiveLogSoftmaxWithLossOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ inFeatures: number; nClasses: number; cutoffs: number[]; divValue: number; headBias: boolean } & FactoryOptions>("AdaptiveLogSoftmaxWithLoss", ARGS, args, FACTORY_KWARGS);
    const cutoffs = a.cutoffs;
    if (cutoffs.length === 0) throw new ValueError("min() arg is an empty sequence");
    const sorted = cutoffs.every((c, i) => i === 0 || cutoffs[i - 1]! <= c);
    if (!sorted || Math.min(...cutoffs) <= 0 || Math.max(...cutoffs) > a.nClasses - 1 || new Set(cutoffs).size !== cutoffs.length || cutoffs.some((c) => !Number.isInteger(c))) {
      throw new ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1");
    }
    this.inFeatures = a.inFeatures;
    this.nClasses = a.nClasses;
    this.cutoffs = [...cutoffs, a.nClasses];
    this.divValue = a.divValue;
    this.headBias = a.headBias;
    this.shortlistSize = this.cutoffs[0]!;
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    const factory = { ...(a.dtype !== undefined ? { dtype: a.dtype } : {}), ...(a.device !== undefined ? { device: a.device } : {}) };
    this.head = new Linear(this.inFeatures, this.headSize, { bias: this.headBias, ...factory });
    this.tail = new ModuleList();
    for (let i = 0; i < this.nClusters; i++) {
      // Python's int(in_features // (div_value ** (i + 1)))
      const hsz = Math.floor(this.inFeatures / this.divValue ** (i + 1));
      const osz = this.cutoffs[i + 1]! - this.cutoffs[i]!;
      this.tail.append(new Sequential(new Linear(this.inFeatures, hsz, { bias: false, ...factory }), new Linear(hsz, osz, { bias: false, ...factory })));
    }
  }

  /** Redraws every Linear's parameters (PyTorch's reset_parameters). */
  resetParameters(): void {
    this.head.resetParameters();
    for (const seq of this.tail.children()) for (const l of seq.children()) (l as Linear).resetParameters();
  }

  /** forward(input [N, in_features] or [in_features], target [N] or 0-d): the targets' log-probabilities and their mean negative. */
  override forward(input: Tensor, target: Tensor): ASMOutput {
    if (!(input instanceof Tensor)) throw new TorchTypeError(`AdaptiveLogSoftmaxWithLoss.forward(): argument 'input' must be a Tensor`);
    if (!(target instanceof Tensor)) throw new TorchTypeError(`AdaptiveLogSoftmaxWithLoss.forward(): argument 'target' must be a Tensor`);
    const size = (t: Tensor) => `torch.Size([${t.shape.join(", ")}])`;
    if (target.ndim === 1) {
      if (input.shape[0] !== target.shape[0]) throw new RuntimeError("Input and target should have the same size in the batch dimension.");
      if (input.ndim !== 2) throw new RuntimeError(`('1D target tensor expects 2D input tensors, but found inputs with size', ${size(input)})`);
    } else if (target.ndim === 0) {
      if (input.ndim !== 1) throw new RuntimeError(`('0D target tensor expects 1D input tensors, but found inputs with size', ${size(input)})`);
    } else throw new RuntimeError("0D or 1D target tensor expected, multi-target not supported");
    const batched = target.ndim > 0;
    const x = batched ? input : input.unsqueeze(0);
    const y = batched ? target : target.unsqueeze(0);
    const batchSize = y.shape[0]!;
    const output = x.newZeros(batchSize);
    const gatherInds = y.newEmpty(batchSize);
    let usedRows = 0;
    const bounds = [0, ...this.cutoffs];
    for (let i = 0; i < bounds.length - 1; i++) {
      const low = bounds[i]!, high = bounds[i + 1]!;
      const mask = y.ge(low).logicalAnd(y.lt(high));
      const rows = mask.nonzero().reshape(-1);
      if (rows.numel() === 0) continue;
      if (i === 0) gatherInds.indexCopy_(0, rows, y.maskedSelect(mask));
      else {
        const relative = y.maskedSelect(mask).sub(low);
        const clusterOutput = this.tail.get(i - 1).forward(x.indexSelect(0, rows)) as Tensor;
        gatherInds.indexFill_(0, rows, this.shortlistSize + i - 1);
        const local = clusterOutput.logSoftmax(1).gather(1, relative.unsqueeze(1));
        output.indexCopy_(0, rows, local.squeeze(1));
      }
      usedRows += rows.numel();
    }
    if (usedRows !== batchSize) {
      throw new RuntimeError(`Target values should be in [0, ${this.nClasses - 1}], but values in range [${y.min().item()}, ${y.max().item()}] were found. `);
    }
    const headLogprob = this.head.forward(x).logSoftmax(1);
    const total = output.add(headLogprob.gather(1, gatherInds.unsqueeze(1)).reshape(-1));
    return { output: batched ? total : total.squeeze(0), loss: total.neg().mean() };
  }

  /** Every class's log-probability for the head's outputs (PyTorch's _get_full_log_prob). */
  private fullLogProb(x: Tensor, headOutput: Tensor): Tensor {
    const headLogprob = headOutput.logSoftmax(1);
    const parts = [headLogprob.narrow(1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++) {
      const clusterLogprob = (this.tail.get(i).forward(x) as Tensor).logSoftmax(1);
      parts.push(clusterLogprob.add(headLogprob.narrow(1, this.shortlistSize + i, 1)));
    }
    return cat(parts, 1);
  }

  /** log_prob(input [N, in_features] or [in_features]): the log-probability of every class, [N, n_classes]. */
  logProb(input: Tensor): Tensor {
    const batched = input.ndim === 2;
    const x = batched ? input : input.unsqueeze(0);
    const out = this.fullLogProb(x, this.head.forward(x));
    return batched ? out : out.squeeze(0);
  }

  /** predict(input): the most likely class per sample, computing the tails only for samples whose head picks a cluster. */
  predict(input: Tensor): Tensor {
    const batched = input.ndim === 2;
    const x = batched ? input : input.unsqueeze(0);
    const headOutput = this.head.forward(x);
    const output = headOutput.argmax(1);
    const notInShortlist = output.ge(this.shortlistSize);
    if (notInShortlist.any().item()) {
      const rows = notInShortlist.nonzero().reshape(-1);
      output.indexCopy_(0, rows, this.fullLogProb(x.indexSelect(0, rows), headOutput.indexSelect(0, rows)).argmax(1));
    }
    return batched ? output : output.squeeze(0);
  }
}
