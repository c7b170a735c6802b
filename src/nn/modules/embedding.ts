// nn.Embedding: a [numEmbeddings, embeddingDim] table initialised N(0, 1), padding row zeroed.
import type { DType } from "../../dtype.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { RuntimeError } from "../../errors.ts";
import { emptyTensor } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import { embedding } from "../functional/embedding.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  dtype?: DType;
  /** An initial weight [numEmbeddings, embeddingDim] (used as is, as PyTorch's _weight). */
  weight?: Tensor;
}

export class Embedding extends Module {
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (pad >= numEmbeddings || pad < -numEmbeddings) throw new RuntimeError("Padding_idx must be within num_embeddings");
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    if (opts.weight) {
      if (opts.weight.shape.join() !== [numEmbeddings, embeddingDim].join()) throw new RuntimeError("Shape of weight does not match num_embeddings and embedding_dim");
      this.weight = new Parameter(opts.weight.detach());
    } else {
      this.weight = new Parameter(emptyTensor([numEmbeddings, embeddingDim], { dtype: opts.dtype }));
      this.resetParameters();
    }
  }

  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  /** nn.Embedding.from_pretrained(embeddings, { freeze = true, paddingIdx }). */
  static fromPretrained(embeddings: Tensor, opts: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    if (embeddings.dim() !== 2) throw new RuntimeError("Embeddings parameter is expected to be 2-dimensional");
    const [n, d] = embeddings.shape;
    const e = new Embedding(n, d, { weight: embeddings, paddingIdx: opts.paddingIdx });
    e.weight.requiresGrad_(!(opts.freeze ?? true));
    return e;
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ""}`;
  }
}
