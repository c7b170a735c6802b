// F.multi_head_attention_forward: the computation of nn.MultiheadAttention (which calls it) with
// PyTorch 1.13's arguments, written with Tensor ops (autograd for free).
//
// query [L, N, E] (or unbatched [L, E]), key [S, N, kdim], value [S, N, vdim]; the projections
// are in_proj_weight [3E, E] (W_q, W_k, W_v stacked) or, with useSeparateProjWeight, q/k/v_proj_weight
// ([E, E], [E, kdim], [E, vdim]); in_proj_bias [3E]. bias_k, bias_v [1, 1, E] append one more
// key/value position after the projections (the masks get a zero column for it); addZeroAttn
// appends an all-zero key/value position per head after that. staticK / staticV [N * H, S, E / H]
// replace the projected keys / values.
//
// Masks follow nn.MultiheadAttention (NOT F.scaledDotProductAttention): a bool mask is True where
// attention is NOT allowed; a float mask is added to the scores. attnMask is [L, S] or
// [N * numHeads, L, S]; keyPaddingMask is [N, S].
import { bool, checkTensor, int, nullable, num, param, parseArgs, tensor, type Args } from "../../args.ts";
import { AssertionError, RuntimeError } from "../../errors.ts";
import { zeros } from "../../ops/creation.ts";
import { cat } from "../../ops/shape.ts";
import type { Tensor } from "../../tensor.ts";
import { dropout as dropoutFn } from "./dropout.ts";
import { linear } from "./linear.ts";

/** The options of `F.multiHeadAttentionForward` after its thirteen required arguments (PyTorch's defaults). */
export interface MultiHeadAttentionForwardOptions {
  /** Dropout on the attention weights happens only in training; default true. */
  training?: boolean;
  /** [N, S] (or [S] unbatched): true (bool) or added (float) where a key is padding to ignore; default null. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights; default true. */
  needWeights?: boolean;
  /** [L, S] or [N * numHeads, L, S]: true (bool) where attention is not allowed, or added to the scores (float); default null. */
  attnMask?: Tensor | null;
  /** Project with qProjWeight, kProjWeight, vProjWeight instead of inProjWeight; default false. */
  useSeparateProjWeight?: boolean;
  /** [E, E]. */
  qProjWeight?: Tensor | null;
  /** [E, kdim]. */
  kProjWeight?: Tensor | null;
  /** [E, vdim]. */
  vProjWeight?: Tensor | null;
  /** Keys [N * numHeads, S, E / numHeads] used as they are (no projection). */
  staticK?: Tensor | null;
  /** Values [N * numHeads, S, E / numHeads] used as they are (no projection). */
  staticV?: Tensor | null;
  /** Average the returned weights over the heads ([N, L, S]) or not ([N, H, L, S]); default true. */
  averageAttnWeights?: boolean;
}
export type MultiHeadAttentionForwardPositional = [
  training: boolean, keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, useSeparateProjWeight: boolean,
  qProjWeight: Tensor | null, kProjWeight: Tensor | null, vProjWeight: Tensor | null, staticK: Tensor | null, staticV: Tensor | null, averageAttnWeights: boolean,
];
const OPTIONAL = [
  param("training", bool, true), param("keyPaddingMask", nullable(tensor), null), param("needWeights", bool, true),
  param("attnMask", nullable(tensor), null), param("useSeparateProjWeight", bool, false),
  param("qProjWeight", nullable(tensor), null), param("kProjWeight", nullable(tensor), null), param("vProjWeight", nullable(tensor), null),
  param("staticK", nullable(tensor), null), param("staticV", nullable(tensor), null), param("averageAttnWeights", bool, true),
];
const REQUIRED = [
  param("embedDimToCheck", int()), param("numHeads", int({ min: 1 })), param("inProjWeight", nullable(tensor)), param("inProjBias", nullable(tensor)),
  param("biasK", nullable(tensor)), param("biasV", nullable(tensor)), param("addZeroAttn", bool), param("dropoutP", num()),
  param("outProjWeight", tensor), param("outProjBias", nullable(tensor)),
];
type Required10 = [
  embedDimToCheck: number, numHeads: number, inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null,
  addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null,
];

/** A mask with `n` more positions along its last dim, not masked (False, or 0 added). */
const padMask = (m: Tensor, n: number): Tensor => (n === 0 ? m : cat([m, zeros([...m.shape.slice(0, -1), n], { dtype: m.dtype, device: m.device })], m.dim() - 1));

const torchSize = (s: readonly number[]): string => `torch.Size([${s.join(", ")}])`;
const tuple = (s: readonly number[]): string => `(${s.join(", ")})`;

/**
 * F.multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight,
 * in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
 * training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
 * use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None, v_proj_weight=None,
 * static_k=None, static_v=None, average_attn_weights=True) -> [output [L, N, E], weights | null]:
 * the weights [N, L, S] averaged over the heads or [N, H, L, S] (no N unbatched).
 */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, ...args: [...Required10, ...Args<MultiHeadAttentionForwardPositional, MultiHeadAttentionForwardOptions>]
): [Tensor, Tensor | null];
export function multiHeadAttentionForward(query: Tensor, key: Tensor, value: Tensor, ...args: unknown[]): [Tensor, Tensor | null] {
  const fn = "multiHeadAttentionForward";
  for (const [name, t] of [["query", query], ["key", key], ["value", value]] as const) checkTensor(t, name, fn);
  const o = parseArgs<{
    embedDimToCheck: number; numHeads: number; inProjWeight: Tensor | null; inProjBias: Tensor | null; biasK: Tensor | null; biasV: Tensor | null;
    addZeroAttn: boolean; dropoutP: number; outProjWeight: Tensor; outProjBias: Tensor | null;
  } & Required<MultiHeadAttentionForwardOptions>>(fn, [...REQUIRED, ...OPTIONAL], args);
  let keyPaddingMask = o.keyPaddingMask;
  let attnMask = o.attnMask;
  const batched = checkRanks(query, key, value, keyPaddingMask, attnMask);
  if (!batched) {
    query = query.unsqueeze(1);
    key = key.unsqueeze(1);
    value = value.unsqueeze(1);
    if (keyPaddingMask) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  }
  // Now [L, N, E], [S, N, kdim], [S, N, vdim].
  const [L, N, E] = query.shape as [number, number, number];
  const H = o.numHeads;
  const hd = Math.floor(E / H);
  if (E !== o.embedDimToCheck) throw new AssertionError(`was expecting embedding dimension of ${o.embedDimToCheck}, but got ${E}`);
  if (hd * H !== E) throw new AssertionError(`embed_dim ${E} not divisible by num_heads ${H}`);
  if (o.useSeparateProjWeight) {
    if (key.size(0) !== value.size(0) || key.size(1) !== value.size(1)) {
      throw new AssertionError(`key's sequence and batch dims ${torchSize(key.shape.slice(0, 2))} do not match value's ${torchSize(value.shape.slice(0, 2))}`);
    }
  } else if (key.shape.join() !== value.shape.join()) {
    throw new AssertionError(`key shape ${torchSize(key.shape)} does not match value shape ${torchSize(value.shape)}`);
  }
  if (key.size(1) !== N) throw new RuntimeError(`key batch size ${key.size(1)} does not match query batch size ${N}`);
  const S = key.size(0);

  // projections: [W_q, W_k, W_v] and [b_q, b_k, b_v]
  let w: Tensor[];
  if (o.useSeparateProjWeight) {
    for (const [name, t] of [["q_proj_weight", o.qProjWeight], ["k_proj_weight", o.kProjWeight], ["v_proj_weight", o.vProjWeight]] as const) {
      if (t === null) throw new AssertionError(`use_separate_proj_weight is True but ${name} is None`);
    }
    w = [o.qProjWeight!, o.kProjWeight!, o.vProjWeight!];
  } else {
    if (o.inProjWeight === null) throw new AssertionError("use_separate_proj_weight is False but in_proj_weight is None");
    w = o.inProjWeight.chunk(3, 0);
  }
  const b: Array<Tensor | null> = o.inProjBias ? o.inProjBias.chunk(3, 0) : [null, null, null];
  const q = linear(query, w[0]!, b[0]);
  let kp = o.staticK === null ? linear(key, w[1]!, b[1]) : null;
  let vp = o.staticV === null ? linear(value, w[2]!, b[2]) : null;
  let extra = 0; // key positions appended after the S given ones
  if (o.biasK !== null && o.biasV !== null) {
    if (o.staticK !== null) throw new AssertionError("bias cannot be added to static key.");
    if (o.staticV !== null) throw new AssertionError("bias cannot be added to static value.");
    kp = cat([kp!, o.biasK.expand(1, N, E)], 0);
    vp = cat([vp!, o.biasV.expand(1, N, E)], 0);
    extra = 1;
  } else if ((o.biasK === null) !== (o.biasV === null)) {
    throw new AssertionError(""); // PyTorch's bare `assert bias_k is None` / `assert bias_v is None`
  }
  // [T, N, E] -> [N, H, T, hd]; static [N * H, T, hd] -> [N, H, T, hd]
  const heads = (x: Tensor): Tensor => x.reshape(x.size(0), N, H, hd).permute(1, 2, 0, 3);
  const fromStatic = (x: Tensor, name: string): Tensor => {
    if (x.dim() !== 3 || x.size(0) !== N * H) throw new AssertionError(`expecting ${name}.size(0) of ${N * H}, but got ${x.dim() === 0 ? "a 0-d tensor" : x.size(0)}`);
    if (x.size(2) !== hd) throw new AssertionError(`expecting ${name}.size(2) of ${hd}, but got ${x.size(2)}`);
    return x.reshape(N, H, x.size(1), hd);
  };
  let k = o.staticK === null ? heads(kp!) : fromStatic(o.staticK, "static_k");
  let v = o.staticV === null ? heads(vp!) : fromStatic(o.staticV, "static_v");
  if (o.addZeroAttn) {
    k = cat([k, zeros([N, H, 1, hd], { dtype: k.dtype, device: k.device })], 2);
    v = cat([v, zeros([N, H, 1, hd], { dtype: v.dtype, device: v.device })], 2);
    extra++;
  }
  const keys = k.size(2); // S' = S (or the static keys' length) plus the appended positions

  // Masks as [N or 1, H or 1, L or 1, S'] tensors that broadcast against the scores [N, H, L, S'].
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
    // checked after its padding for the appended positions, in PyTorch's words
    if (keyPaddingMask.dim() !== 2 || keyPaddingMask.size(0) !== N || keyPaddingMask.size(1) + extra !== keys) {
      const padded = keyPaddingMask.shape.map((d, i) => (i === keyPaddingMask!.dim() - 1 ? d + extra : d));
      throw new AssertionError(`expecting key_padding_mask shape of ${tuple([N, keys])}, but got ${torchSize(padded)}`);
    }
    keyPaddingMask = padMask(keyPaddingMask.reshape(N, 1, 1, keys - extra), extra);
  }

  let scores = heads(q).matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hd)); // [N, H, L, S']
  for (const m of [attnMask, keyPaddingMask]) {
    if (!m) continue;
    scores = m.dtype === "bool" ? scores.maskedFill(m, -Infinity) : scores.add(m);
  }
  let attn = scores.softmax(-1);
  if (o.dropoutP > 0 && o.training) attn = dropoutFn(attn, o.dropoutP, true);
  // [N, H, L, hd] -> [L, N, E]
  const out = linear(attn.matmul(v).permute(2, 0, 1, 3).reshape(L, N, E), o.outProjWeight, o.outProjBias);

  let weights: Tensor | null = null;
  if (o.needWeights) weights = o.averageAttnWeights ? attn.sum(1).div(H) : attn;
  if (!batched) return [out.squeeze(1), weights ? weights.squeeze(0) : null];
  return [out, weights];
}

/** PyTorch's rank checks (_mha_shape_check); returns whether the call is batched. */
function checkRanks(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | null, attnMask: Tensor | null): boolean {
  if (query.dim() === 3) {
    if (key.dim() !== 3 || value.dim() !== 3) {
      throw new AssertionError(`For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    }
    if (kpm && kpm.dim() !== 2) throw new AssertionError(`For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${kpm.dim()}-D tensor instead`);
    if (attnMask && attnMask.dim() !== 2 && attnMask.dim() !== 3) {
      throw new AssertionError(`For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
    }
    return true;
  }
  if (query.dim() === 2) {
    if (key.dim() !== 2 || value.dim() !== 2) {
      throw new AssertionError(`For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    }
    if (kpm && kpm.dim() !== 1) throw new AssertionError(`For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${kpm.dim()}-D tensor instead`);
    if (attnMask && attnMask.dim() !== 2 && attnMask.dim() !== 3) {
      throw new AssertionError(`For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
    }
    return false;
  }
  throw new AssertionError(`query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`);
}
