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
import { AssertionError, RuntimeError, ValueError } from "../../errors.ts";
import { emptyTensor, zeros } from "../../ops/creation.ts";
import { cat } from "../../ops/shape.ts";
import type { Tensor } from "../../tensor.ts";
import { dropout as dropoutFn, dropoutP } from "../functional/dropout.ts";
import { linear } from "../functional/linear.ts";
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

/** A mask with `n` more positions along its last dim, not masked (False, or 0 added). */
const padMask = (m: Tensor, n: number): Tensor => (n === 0 ? m : cat([m, zeros([...m.shape.slice(0, -1), n], { dtype: m.dtype, device: m.device })], m.dim() - 1));

const torchSize = (s: readonly number[]): string => `torch.Size([${s.join(", ")}])`;
const tuple = (s: readonly number[]): string => `(${s.join(", ")})`;

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
  /** forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True). */
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: Args<ForwardPositional, MultiheadAttentionForwardOptions>): [Tensor, Tensor | null];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: unknown[]): [Tensor, Tensor | null] {
    for (const [name, t] of [["query", query], ["key", key], ["value", value]] as const) checkTensor(t, name, "MultiheadAttention.forward");
    const opts = parseArgs<Required<MultiheadAttentionForwardOptions>>("MultiheadAttention.forward", FORWARD_ARGS, args);
    const needWeights = opts.needWeights;
    const average = opts.averageAttnWeights;
    let keyPaddingMask = opts.keyPaddingMask;
    let attnMask = opts.attnMask;
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

    // Masks as [N or 1, H or 1, L or 1, S'] tensors that broadcast against the scores [N, H, L, S'],
    // S' = S plus the bias_k and zero-attention positions.
    const extra = (this.bias_k ? 1 : 0) + (this.addZeroAttn ? 1 : 0);
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
      attnMask = padMask(attnMask, extra);
    }
    if (keyPaddingMask) {
      if (keyPaddingMask.dim() !== 2 || keyPaddingMask.size(0) !== N || keyPaddingMask.size(1) !== S) {
        throw new RuntimeError(`expecting key_padding_mask shape of ${tuple([N, S])}, but got ${torchSize(keyPaddingMask.shape)}`);
      }
      keyPaddingMask = padMask(keyPaddingMask.reshape(N, 1, 1, S), extra);
    }

    const { w, b } = this.projections();
    // [T, N, E] -> [N, H, T, hd]
    const heads = (x: Tensor): Tensor => x.reshape(x.size(0), N, H, hd).permute(1, 2, 0, 3);
    const q = heads(linear(query, w[0], b[0]));
    let kp = linear(key, w[1], b[1]);
    let vp = linear(value, w[2], b[2]);
    if (this.bias_k && this.bias_v) {
      kp = cat([kp, this.bias_k.expand(1, N, E)], 0);
      vp = cat([vp, this.bias_v.expand(1, N, E)], 0);
    }
    let k = heads(kp);
    let v = heads(vp);
    if (this.addZeroAttn) {
      k = cat([k, zeros([N, H, 1, hd], { dtype: k.dtype, device: k.device })], 2);
      v = cat([v, zeros([N, H, 1, hd], { dtype: v.dtype, device: v.device })], 2);
    }

    let scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hd)); // [N, H, L, S]
    for (const m of [attnMask, keyPaddingMask]) {
      if (!m) continue;
      scores = m.dtype === "bool" ? scores.maskedFill(m, -Infinity) : scores.add(m);
    }
    let attn = scores.softmax(-1);
    if (this.dropout > 0 && this.training) attn = dropoutFn(attn, this.dropout, true);
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
