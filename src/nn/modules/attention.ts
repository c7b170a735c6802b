// nn.MultiheadAttention with PyTorch's parameters and semantics.
//
// Parameters (PyTorch's names, so its state dicts load):
// - embedDim == kdim == vdim: in_proj_weight [3E, E] packing W_q, W_k, W_v along dim 0;
//   otherwise q_proj_weight [E, E], k_proj_weight [E, kdim], v_proj_weight [E, vdim];
// - in_proj_bias [3E] (b_q, b_k, b_v) and out_proj (a Linear E -> E), when bias is true.
// Initialisation draws in PyTorch's order: out_proj's Linear init first, then xavier_uniform_ of the
// input projection(s); the biases are zero.
//
// Masks follow nn.MultiheadAttention (NOT F.scaledDotProductAttention): a bool mask is True where
// attention is NOT allowed; a float mask is added to the scores. attnMask is [L, S] or
// [N * numHeads, L, S]; keyPaddingMask is [N, S].
import type { DType } from "../../dtype.ts";
import { RuntimeError } from "../../errors.ts";
import { emptyTensor } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { Linear } from "./linear.ts";

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights, in training mode. */
  dropout?: number;
  bias?: boolean;
  kdim?: number;
  vdim?: number;
  /** Inputs and output are [N, L, E] instead of [L, N, E]. */
  batchFirst?: boolean;
  dtype?: DType;
}

export interface MultiheadAttentionForwardOptions {
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads ([N, L, S]) or not ([N, H, L, S]); default true. */
  averageAttnWeights?: boolean;
}

const torchSize = (s: readonly number[]): string => `torch.Size([${s.join(", ")}])`;
const tuple = (s: readonly number[]): string => `(${s.join(", ")})`;

export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  // Declaration order = registration order = PyTorch's state-dict order.
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: Linear;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    if (!(embedDim > 0 && numHeads > 0)) {
      throw new RuntimeError(`embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    }
    this.embedDim = embedDim;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.numHeads = numHeads;
    this.dropout = opts.dropout ?? 0;
    this.batchFirst = opts.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new RuntimeError("embed_dim must be divisible by num_heads");
    const p = (...shape: number[]) => new Parameter(emptyTensor(shape, { dtype: opts.dtype }));
    if (this.qkvSameEmbedDim) {
      this.in_proj_weight = p(3 * embedDim, embedDim);
    } else {
      this.q_proj_weight = p(embedDim, embedDim);
      this.k_proj_weight = p(embedDim, this.kdim);
      this.v_proj_weight = p(embedDim, this.vdim);
    }
    const bias = opts.bias ?? true;
    if (bias) this.in_proj_bias = p(3 * embedDim);
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype: opts.dtype });
    this.resetParameters();
  }

  get qkvSameEmbedDim(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }

  resetParameters(): void {
    if (this.in_proj_weight) init.xavierUniform_(this.in_proj_weight);
    else for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) init.xavierUniform_(w!);
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias) init.constant_(this.out_proj.bias, 0);
    }
  }

  /** [W_q, W_k, W_v] and [b_q, b_k, b_v] (views into the packed parameters). */
  private projections(): { w: Tensor[]; b: Array<Tensor | null> } {
    const w = this.in_proj_weight ? this.in_proj_weight.chunk(3, 0) : [this.q_proj_weight!, this.k_proj_weight!, this.v_proj_weight!];
    const b = this.in_proj_bias ? this.in_proj_bias.chunk(3, 0) : [null, null, null];
    return { w, b };
  }

  /**
   * query [L, N, E] (or [N, L, E] with batchFirst, or unbatched [L, E]); key [S, N, kdim];
   * value [S, N, vdim]. Returns [output like query, weights [N, L, S] (or [N, H, L, S] without
   * averaging; no N when unbatched) | null].
   */
  override forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const needWeights = opts.needWeights ?? true;
    const average = opts.averageAttnWeights ?? true;
    let keyPaddingMask = opts.keyPaddingMask ?? null;
    let attnMask = opts.attnMask ?? null;
    const batched = this.checkRanks(query, key, value, keyPaddingMask, attnMask);
    if (batched && this.batchFirst) {
      query = query.transpose(0, 1);
      key = key.transpose(0, 1);
      value = value.transpose(0, 1);
    } else if (!batched) {
      query = query.unsqueeze(1);
      key = key.unsqueeze(1);
      value = value.unsqueeze(1);
      if (keyPaddingMask) keyPaddingMask = keyPaddingMask.unsqueeze(0);
    }
    // Now [L, N, E], [S, N, kdim], [S, N, vdim].
    const [L, N, E] = query.shape;
    const S = key.size(0);
    const H = this.numHeads;
    const hd = this.headDim;
    if (E !== this.embedDim) throw new RuntimeError(`was expecting embedding dimension of ${this.embedDim}, but got ${E}`);
    if (this.qkvSameEmbedDim) {
      if (key.shape.join() !== value.shape.join()) throw new RuntimeError(`key shape ${torchSize(key.shape)} does not match value shape ${torchSize(value.shape)}`);
    } else if (key.size(0) !== value.size(0) || key.size(1) !== value.size(1)) {
      throw new RuntimeError(`key's sequence and batch dims ${torchSize(key.shape.slice(0, 2))} do not match value's ${torchSize(value.shape.slice(0, 2))}`);
    }
    if (key.size(-1) !== this.kdim) throw new RuntimeError(`was expecting key embedding dimension of ${this.kdim}, but got ${key.size(-1)}`);
    if (value.size(-1) !== this.vdim) throw new RuntimeError(`was expecting value embedding dimension of ${this.vdim}, but got ${value.size(-1)}`);
    if (key.size(1) !== N) throw new RuntimeError(`key batch size ${key.size(1)} does not match query batch size ${N}`);

    // Masks as [N or 1, H or 1, L or 1, S] tensors that broadcast against the scores [N, H, L, S].
    if (attnMask) {
      if (attnMask.dim() === 2) {
        if (attnMask.size(0) !== L || attnMask.size(1) !== S) {
          throw new RuntimeError(`The shape of the 2D attn_mask is ${torchSize(attnMask.shape)}, but should be ${tuple([L, S])}.`);
        }
      } else if (attnMask.dim() === 3) {
        if (attnMask.size(0) !== N * H || attnMask.size(1) !== L || attnMask.size(2) !== S) {
          throw new RuntimeError(`The shape of the 3D attn_mask is ${torchSize(attnMask.shape)}, but should be ${tuple([N * H, L, S])}.`);
        }
        attnMask = attnMask.reshape(N, H, L, S);
      } else {
        throw new RuntimeError(`attn_mask's dimension ${attnMask.dim()} is not supported`);
      }
    }
    if (keyPaddingMask) {
      if (keyPaddingMask.dim() !== 2 || keyPaddingMask.size(0) !== N || keyPaddingMask.size(1) !== S) {
        throw new RuntimeError(`expecting key_padding_mask shape of ${tuple([N, S])}, but got ${torchSize(keyPaddingMask.shape)}`);
      }
      keyPaddingMask = keyPaddingMask.reshape(N, 1, 1, S);
    }

    const { w, b } = this.projections();
    // [T, N, E] -> [N, H, T, hd]
    const heads = (x: Tensor): Tensor => x.reshape(x.size(0), N, H, hd).permute(1, 2, 0, 3);
    const q = heads(F.linear(query, w[0], b[0]));
    const k = heads(F.linear(key, w[1], b[1]));
    const v = heads(F.linear(value, w[2], b[2]));

    let scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hd)); // [N, H, L, S]
    for (const m of [attnMask, keyPaddingMask]) {
      if (!m) continue;
      scores = m.dtype === "bool" ? scores.maskedFill(m, -Infinity) : scores.add(m);
    }
    let attn = scores.softmax(-1);
    if (this.dropout > 0 && this.training) attn = F.dropout(attn, { p: this.dropout, training: true });
    // [N, H, L, hd] -> [L, N, E]
    let out = attn.matmul(v).permute(2, 0, 1, 3).reshape(L, N, E);
    out = this.out_proj.forward(out);

    let weights: Tensor | null = null;
    if (needWeights) weights = average ? attn.sum(1).div(H) : attn;
    if (!batched) return [out.squeeze(1), weights ? weights.squeeze(0) : null];
    if (this.batchFirst) out = out.transpose(0, 1);
    return [out, weights];
  }

  /** PyTorch's rank checks; returns whether the call is batched. */
  private checkRanks(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | null, attnMask: Tensor | null): boolean {
    if (query.dim() === 3) {
      if (key.dim() !== 3 || value.dim() !== 3) {
        throw new RuntimeError(`For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
      }
      if (kpm && kpm.dim() !== 2) throw new RuntimeError(`For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${kpm.dim()}-D tensor instead`);
      if (attnMask && attnMask.dim() !== 2 && attnMask.dim() !== 3) {
        throw new RuntimeError(`For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
      }
      return true;
    }
    if (query.dim() === 2) {
      if (key.dim() !== 2 || value.dim() !== 2) {
        throw new RuntimeError(`For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
      }
      if (kpm && kpm.dim() !== 1) throw new RuntimeError(`For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${kpm.dim()}-D tensor instead`);
      if (attnMask && attnMask.dim() !== 2 && attnMask.dim() !== 3) {
        throw new RuntimeError(`For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
      }
      return false;
    }
    throw new RuntimeError(`query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`);
  }
}
