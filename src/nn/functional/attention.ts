// F.scaledDotProductAttention with PyTorch 2's semantics, written with Tensor ops (autograd for free).
//
//   attn = softmax(q k^T * scale + bias) ; out = dropout(attn) v
//
// - query [..., L, E], key [..., S, E], value [..., S, Ev]; leading dims broadcast as matmul's.
// - scale defaults to 1 / sqrt(E).
// - attnMask: a bool mask keeps the positions where it is TRUE (the others get -inf); a float
//   mask is added to the scores. It must broadcast to [..., L, S].
//   (nn.MultiheadAttention's bool masks mean the opposite: True = masked out.)
// - isCausal: query i attends to keys j <= i (top-left aligned when L != S); it cannot be combined
//   with an explicit attnMask.
// - dropoutP is applied whenever it is > 0, as PyTorch's function does: modules pass 0 in eval mode.
// A query row whose keys are all masked gives NaN, as PyTorch's math path does.
import { bool, checkTensor, nullable, num, param, parseArgs, tensor, type Args } from "../../args.ts";
import type { Device } from "../../device.ts";
import { RuntimeError } from "../../errors.ts";
import { ones } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import { dropout } from "./dropout.ts";

/** The options of `F.scaledDotProductAttention`. */
export interface ScaledDotProductAttentionOptions {
  /** Broadcasts to [..., L, S]: a bool mask keeps the positions where it is true, a float mask is added to the scores; PyTorch's default null. */
  attnMask?: Tensor | null;
  /** The dropout probability on the attention weights; PyTorch's default 0. */
  dropoutP?: number;
  /** Apply a causal mask (query i attends to keys up to i); PyTorch's default false. */
  isCausal?: boolean;
  /** Defaults to 1 / sqrt(query.size(-1)). */
  scale?: number | null;
}

/** A [L, S] bool mask that is true on and below the diagonal. */
function causalMask(L: number, S: number, device: Device): Tensor {
  return ones([L, S], { dtype: "bool", device }).tril(0);
}

const SDPA = [param("attnMask", nullable(tensor), null), param("dropoutP", num(), 0), param("isCausal", bool, false)];
const SDPA_KEYWORDS = [param("scale", nullable(num()), null)];

/** F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, *, scale=None). */
export function scaledDotProductAttention(
  query: Tensor, key: Tensor, value: Tensor,
  ...args: Args<[attnMask: Tensor | null | undefined, dropoutP: number, isCausal: boolean], ScaledDotProductAttentionOptions>
): Tensor {
  for (const [name, t] of [["query", query], ["key", key], ["value", value]] as const) checkTensor(t, name, "scaledDotProductAttention");
  const opts = parseArgs<Required<ScaledDotProductAttentionOptions>>("scaledDotProductAttention", SDPA, args, SDPA_KEYWORDS);
  for (const [name, t] of [["query", query], ["key", key], ["value", value]] as const) {
    if (t.dim() < 2) throw new RuntimeError(`scaled_dot_product_attention: Expected ${name} to have at least 2 dimensions, but got a ${t.dim()}-D tensor`);
  }
  if (query.size(-1) !== key.size(-1)) {
    throw new RuntimeError(
      `scaled_dot_product_attention: Expected query and key to have the same embedding size, but got query [${query.shape.join(", ")}] and key [${key.shape.join(", ")}]`,
    );
  }
  if (key.size(-2) !== value.size(-2)) {
    throw new RuntimeError(
      `scaled_dot_product_attention: Expected key and value to have the same sequence length, but got key [${key.shape.join(", ")}] and value [${value.shape.join(", ")}]`,
    );
  }
  const { attnMask, isCausal, dropoutP } = opts;
  if (attnMask && isCausal) throw new RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
  if (!(dropoutP >= 0 && dropoutP <= 1)) throw new RuntimeError(`dropout probability has to be between 0 and 1, but got ${dropoutP}`);
  const L = query.size(-2);
  const S = key.size(-2);
  const scale = opts.scale ?? 1 / Math.sqrt(query.size(-1));
  let scores = query.matmul(key.transpose(-2, -1)).mul(scale);
  if (isCausal) scores = scores.maskedFill(causalMask(L, S, query.device).logicalNot(), -Infinity);
  if (attnMask) {
    if (attnMask.dtype === "bool") scores = scores.maskedFill(attnMask.logicalNot(), -Infinity);
    else scores = scores.add(attnMask);
  }
  let attn = scores.softmax(-1);
  if (dropoutP > 0) attn = dropout(attn, { p: dropoutP, training: true });
  return attn.matmul(value);
}
