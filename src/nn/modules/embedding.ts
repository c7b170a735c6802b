// nn.Embedding: a [numEmbeddings, embeddingDim] table initialised N(0, 1), padding row zeroed.
import { bool, FACTORY_KWARGS, int, nullable, param, parseArgs, tensor, type Args, type FactoryOptions } from "../../args.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { AssertionError } from "../../errors.ts";
import { emptyTensor } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import { embedding, EMBEDDING_OPTIONS, normalizePaddingIdx, type EmbeddingOptions as FunctionalEmbeddingOptions } from "../functional/embedding.ts";
import { EMBEDDING_BAG, embeddingBag } from "../functional/embeddingBag.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyFloat } from "../repr.ts";

export interface EmbeddingOptions extends FunctionalEmbeddingOptions, FactoryOptions {
  /** An initial weight [numEmbeddings, embeddingDim], used as is (PyTorch's _weight). */
  weight?: Tensor | null;
}
type EmbeddingPositional = [paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean, weight: Tensor | null];

const EMBEDDING_ARGS = [param("numEmbeddings", int({ min: 0 })), param("embeddingDim", int({ min: 0 })), ...EMBEDDING_OPTIONS, param("weight", nullable(tensor), null)];

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly sparse: boolean;
  /** `[numEmbeddings, embeddingDim]`: the given weight, or ~ N(0, 1) with the paddingIdx row zero. */
  weight: Parameter;

  /** nn.Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, device=None, dtype=None). */
  constructor(numEmbeddings: number, embeddingDim: number, ...args: Args<EmbeddingPositional, EmbeddingOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<EmbeddingOptions> & { numEmbeddings: number; embeddingDim: number }>("Embedding", EMBEDDING_ARGS, args, FACTORY_KWARGS);
    this.numEmbeddings = a.numEmbeddings;
    this.embeddingDim = a.embeddingDim;
    this.paddingIdx = normalizePaddingIdx(a.paddingIdx, a.numEmbeddings);
    this.maxNorm = a.maxNorm;
    this.normType = a.normType;
    this.scaleGradByFreq = a.scaleGradByFreq;
    this.sparse = a.sparse;
    if (a.weight !== null) {
      if (a.weight.shape.join() !== [a.numEmbeddings, a.embeddingDim].join()) throw new AssertionError("Shape of weight does not match num_embeddings and embedding_dim");
      this.weight = new Parameter(a.weight.detach());
    } else {
      this.weight = new Parameter(emptyTensor([a.numEmbeddings, a.embeddingDim], { dtype: a.dtype, device: a.device }));
      this.resetParameters();
    }
  }

  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  /**
   * nn.Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None, max_norm=None,
   * norm_type=2.0, scale_grad_by_freq=False, sparse=False).
   */
  static fromPretrained(embeddings: Tensor, ...args: Args<[freeze: boolean, ...EmbeddingPositional extends [...infer P, unknown] ? P : never], FunctionalEmbeddingOptions & { freeze?: boolean }>): Embedding;
  static fromPretrained(embeddings: Tensor, ...args: unknown[]): Embedding {
    const a = parseArgs<Required<FunctionalEmbeddingOptions> & { freeze: boolean; embeddings: Tensor }>("Embedding.fromPretrained", FROM_PRETRAINED, [embeddings, ...args]);
    if (a.embeddings.dim() !== 2) throw new AssertionError("Embeddings parameter is expected to be 2-dimensional");
    const [n, d] = a.embeddings.shape;
    const e = new Embedding(n, d, { weight: a.embeddings, paddingIdx: a.paddingIdx, maxNorm: a.maxNorm, normType: a.normType, scaleGradByFreq: a.scaleGradByFreq, sparse: a.sparse });
    e.weight.requiresGrad_(!a.freeze);
    return e;
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, this.paddingIdx, this.maxNorm, this.normType, this.scaleGradByFreq, this.sparse);
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ", scale_grad_by_freq=True";
    if (this.sparse) s += ", sparse=True";
    return s;
  }
}
const FROM_PRETRAINED = [param("embeddings", tensor), param("freeze", bool, true), ...EMBEDDING_OPTIONS];

/** nn.EmbeddingBag's constructor options. */
export interface EmbeddingBagModuleOptions extends FactoryOptions {
  /** Looked-up rows are first renormalized in place to this norm at most. */
  maxNorm?: number | null;
  /** The p of the norm for maxNorm; PyTorch's default 2. */
  normType?: number;
  /** Scale each row's gradient by the inverse of its index's frequency in the input. */
  scaleGradByFreq?: boolean;
  /** "sum", "mean" (PyTorch's default) or "max". */
  mode?: "sum" | "mean" | "max";
  /** Sparse gradients: torch-ts has no sparse tensors, so only false is accepted. */
  sparse?: boolean;
  /** An initial weight [numEmbeddings, embeddingDim], used as is (PyTorch's _weight). */
  weight?: Tensor | null;
  /** offsets has one more entry, the end of the last bag. */
  includeLastOffset?: boolean;
  /** Entries equal to this index are left out of their bag; its row starts at zero. */
  paddingIdx?: number | null;
}
const EMBEDDING_BAG_ARGS = [
  param("numEmbeddings", int({ min: 0 })), param("embeddingDim", int({ min: 0 })),
  ...EMBEDDING_BAG.filter((p) => ["maxNorm", "normType", "scaleGradByFreq", "mode", "sparse"].includes(p.name)),
  param("weight", nullable(tensor), null), param("includeLastOffset", bool, false), param("paddingIdx", nullable(int()), null),
];

/** nn.EmbeddingBag(num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None, dtype=None). */
export class EmbeddingBag extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly mode: "sum" | "mean" | "max";
  readonly sparse: boolean;
  readonly includeLastOffset: boolean;
  readonly paddingIdx: number | null;
  /** `[numEmbeddings, embeddingDim]`: the given weight, or ~ N(0, 1) with the paddingIdx row zero. */
  weight: Parameter;
  constructor(numEmbeddings: number, embeddingDim: number, ...args: Args<[maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: "sum" | "mean" | "max", sparse: boolean, weight: Tensor | null, includeLastOffset: boolean, paddingIdx: number | null], EmbeddingBagModuleOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<EmbeddingBagModuleOptions> & { numEmbeddings: number; embeddingDim: number }>("EmbeddingBag", EMBEDDING_BAG_ARGS, args, FACTORY_KWARGS);
    this.numEmbeddings = a.numEmbeddings;
    this.embeddingDim = a.embeddingDim;
    this.maxNorm = a.maxNorm;
    this.normType = a.normType;
    this.scaleGradByFreq = a.scaleGradByFreq;
    this.mode = a.mode;
    this.sparse = a.sparse;
    this.includeLastOffset = a.includeLastOffset;
    this.paddingIdx = normalizePaddingIdx(a.paddingIdx, a.numEmbeddings);
    if (a.weight !== null) {
      if (a.weight.shape.join() !== [a.numEmbeddings, a.embeddingDim].join()) throw new AssertionError("Shape of weight does not match num_embeddings and embedding_dim");
      this.weight = new Parameter(a.weight.detach());
    } else {
      this.weight = new Parameter(emptyTensor([a.numEmbeddings, a.embeddingDim], { dtype: a.dtype, device: a.device }));
      init.normal_(this.weight);
      if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
    }
  }

  /** forward(input, offsets=None, per_sample_weights=None). */
  override forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return embeddingBag(input, this.weight, offsets, this.maxNorm, this.normType, this.scaleGradByFreq, this.mode, this.sparse, perSampleWeights, this.includeLastOffset, this.paddingIdx);
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ", scale_grad_by_freq=True";
    s += `, mode=${this.mode}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }
}
