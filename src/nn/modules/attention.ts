// nn.MultiheadAttention with PyTorch's parameters and semantics.
//
// Parameters (PyTorch's names, so its state dicts load):
// - embedDim == kdim == vdim: in_proj_weight [3E, E] packing W_q, W_k, W_v along dim 0;
//   otherwise q_proj_weight [E, E], k_proj_weight [E, kdim], v_proj_weight [E, vdim];
// - in_proj_bias [3E] (b_q, b_k, b_v) and out_proj (a Linear E -> E), when bias is true;
// - bias_k, bias_v [1, 1, E] with addBiasKv: one more key/value position, appended after the
//   projections (the masks get a zero column for it); addZeroAttn appends an all-zero
//   key/value position per head after that.
// Initialisation draws in PyTorch's order: out_proj's Linear init first, then xavier_uniform_ of the
// input projection(s); the biases are zero; bias_k and bias_v are xavier_normal_.
//
// Masks follow nn.MultiheadAttention (NOT F.scaledDotProductAttention): a bool mask is True where
// attention is NOT allowed; a float mask is added to the scores. attnMask is [L, S] or
// [N * numHeads, L, S]; keyPaddingMask is [N, S].
import { bool, checkTensor, FACTORY_KWARGS, int, nullable, param, parseArgs, tensor, type Args, type FactoryOptions } from "../../args.ts";
import { AssertionError, ValueError } from "../../errors.ts";
import { emptyTensor } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import { dropoutP } from "../functional/dropout.ts";
import { multiHeadAttentionForward } from "../functional/multiHeadAttention.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { NonDynamicallyQuantizableLinear, type Linear } from "./linear.ts";

/** The options of `nn.MultiheadAttention`. */
export interface MultiheadAttentionOptions extends FactoryOptions {
  embedDim?: number;
  numHeads?: number;
  /** Dropout on the attention weights, in training mode. */
  dropout?: number;
  bias?: boolean;
  /** Learnable bias_k, bias_v appended to the keys and values. */
  addBiasKv?: boolean;
  /** A zero key/value position appended per head. */
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  /** Inputs and output are [N, L, E] instead of [L, N, E]. */
  batchFirst?: boolean;
}
type MultiheadAttentionPositional = [dropout: number, bias: boolean, addBiasKv: boolean, addZeroAttn: boolean, kdim: number | null, vdim: number | null, batchFirst: boolean];
const MHA_ARGS = [
  param("embedDim", int()), param("numHeads", int()), param("dropout", dropoutP, 0), param("bias", bool, true),
  param("addBiasKv", bool, false), param("addZeroAttn", bool, false), param("kdim", nullable(int()), null), param("vdim", nullable(int()), null),
  param("batchFirst", bool, false),
];

/** The options of `nn.MultiheadAttention`'s forward. */
export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): true (bool) or added (float) where a key is padding to ignore; PyTorch's default null. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N * numHeads, L, S]: true (bool) where attention is not allowed, or added to the scores (float); PyTorch's default null. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads ([N, L, S]) or not ([N, H, L, S]); default true. */
  averageAttnWeights?: boolean;
}
type ForwardPositional = [keyPaddingMask: Tensor | null | undefined, needWeights: boolean, attnMask: Tensor | null | undefined, averageAttnWeights: boolean];
const FORWARD_ARGS = [param("keyPaddingMask", nullable(tensor), null), param("needWeights", bool, true), param("attnMask", nullable(tensor), null), param("averageAttnWeights", bool, true)];

export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  /** embedDim / numHeads. */
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  // Declaration order = registration order = PyTorch's state-dict order.
  /** `[3 * embedDim, embedDim]`: W_q, W_k, W_v stacked, when kdim and vdim equal embedDim; else null. */
  in_proj_weight: Parameter | null = null;
  /** `[embedDim, embedDim]`: W_q, when kdim or vdim differs from embedDim; else null. */
  q_proj_weight: Parameter | null = null;
  /** `[embedDim, kdim]`: W_k, when kdim or vdim differs from embedDim; else null. */
  k_proj_weight: Parameter | null = null;
  /** `[embedDim, vdim]`: W_v, when kdim or vdim differs from embedDim; else null. */
  v_proj_weight: Parameter | null = null;
  /** `[3 * embedDim]`: b_q, b_k, b_v stacked, when bias is true; else null. */
  in_proj_bias: Parameter | null = null;
  /** `[1, 1, embedDim]`: a learned key appended to the keys, when addBiasKv is true; else null. */
  bias_k: Parameter | null = null;
  /** `[1, 1, embedDim]`: a learned value appended to the values, when addBiasKv is true; else null. */
  bias_v: Parameter | null = null;
  /** The output projection embedDim -> embedDim (PyTorch's NonDynamicallyQuantizableLinear, a Linear). */
  out_proj: Linear;

  /**
   * nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
   * add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None, dtype=None).
   */
  constructor(embedDim: number, numHeads: number, ...args: Args<MultiheadAttentionPositional, MultiheadAttentionOptions>);
  constructor(...args: unknown[]) {
    super();
    const opts = parseArgs<Required<MultiheadAttentionOptions>>("MultiheadAttention", MHA_ARGS, args, FACTORY_KWARGS);
    const { embedDim, numHeads } = opts;
    if (!(embedDim > 0 && numHeads > 0)) {
      throw new ValueError(`embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    }
    this.embedDim = embedDim;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.numHeads = numHeads;
    this.dropout = opts.dropout;
    this.batchFirst = opts.batchFirst;
    this.addZeroAttn = opts.addZeroAttn;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new AssertionError("embed_dim must be divisible by num_heads");
    const p = (...shape: number[]) => new Parameter(emptyTensor(shape, { dtype: opts.dtype, device: opts.device }));
    if (this.qkvSameEmbedDim) {
      this.in_proj_weight = p(3 * embedDim, embedDim);
    } else {
      this.q_proj_weight = p(embedDim, embedDim);
      this.k_proj_weight = p(embedDim, this.kdim);
      this.v_proj_weight = p(embedDim, this.vdim);
    }
    const bias = opts.bias;
    if (bias) this.in_proj_bias = p(3 * embedDim);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, dtype: opts.dtype });
    if (opts.addBiasKv) {
      this.bias_k = p(1, 1, embedDim);
      this.bias_v = p(1, 1, embedDim);
    }
    this.resetParameters();
  }

  /** Whether kdim and vdim equal embedDim (one packed in_proj_weight; PyTorch's `_qkv_same_embed_dim`). */
  get qkvSameEmbedDim(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }

  /** PyTorch's initialisation: the projections xavier_uniform_, the biases zero, bias_k and bias_v xavier_normal_. */
  resetParameters(): void {
    if (this.in_proj_weight) init.xavierUniform_(this.in_proj_weight);
    else for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) init.xavierUniform_(w!);
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias) init.constant_(this.out_proj.bias, 0);
    }
    if (this.bias_k) init.xavierNormal_(this.bias_k);
    if (this.bias_v) init.xavierNormal_(this.bias_v);
  }

  /**
   * query [L, N, E] (or [N, L, E] with batchFirst, or unbatched [L, E]); key [S, N, kdim];
   * value [S, N, vdim]. Returns [output like query, weights [N, L, S] (or [N, H, L, S] without
   * averaging; no N when unbatched) | null]: F.multiHeadAttentionForward with this module's
   * parameters, as PyTorch's forward calls F.multi_head_attention_forward.
   */
  /** forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True). */
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: Args<ForwardPositional, MultiheadAttentionForwardOptions>): [Tensor, Tensor | null];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: unknown[]): [Tensor, Tensor | null] {
    for (const [name, t] of [["query", query], ["key", key], ["value", value]] as const) checkTensor(t, name, "MultiheadAttention.forward");
    const opts = parseArgs<Required<MultiheadAttentionForwardOptions>>("MultiheadAttention.forward", FORWARD_ARGS, args);
    const swap = this.batchFirst && query.dim() === 3;
    if (swap) [query, key, value] = [query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)];
    const separate = !this.qkvSameEmbedDim;
    const [out, weights] = multiHeadAttentionForward(
      query, key, value, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v,
      this.addZeroAttn, this.dropout, this.out_proj.weight, this.out_proj.bias, {
        training: this.training, keyPaddingMask: opts.keyPaddingMask, needWeights: opts.needWeights, attnMask: opts.attnMask,
        useSeparateProjWeight: separate, qProjWeight: this.q_proj_weight, kProjWeight: this.k_proj_weight, vProjWeight: this.v_proj_weight,
        averageAttnWeights: opts.averageAttnWeights,
      });
    return [swap ? out.transpose(0, 1) : out, weights];
  }
}
