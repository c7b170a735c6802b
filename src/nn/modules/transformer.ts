// nn.TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, as
// PyTorch defines them (attribute names = state-dict keys: self_attn, multihead_attn, linear1,
// linear2, norm1..3, layers.{i}, norm).
//
// - Post-norm (default): x = norm1(x + sa(x)); x = norm2(x + ff(x)).
//   Pre-norm (normFirst): x = x + sa(norm1(x)); x = x + ff(norm2(x)).
// - ff(x) = dropout2(linear2(dropout(activation(linear1(x))))); sa = dropout1(self_attn(x, x, x)).
// - Masks are nn.MultiheadAttention's (bool True = not allowed; float added).
// - TransformerEncoder/Decoder hold numLayers deep copies of the layer they are given, so all layers
//   start with the same values (as PyTorch's copy.deepcopy) but do not share parameters.
import { bool, checkTensor, FACTORY_KWARGS, instanceOf, int, nullable, num, param, parseArgs, tensor, type Args, type Checker, type FactoryOptions } from "../../args.ts";
import type { DeviceLike } from "../../device.ts";
import type { DType } from "../../dtype.ts";
import { RuntimeError, TorchTypeError } from "../../errors.ts";
import { ones, zeros } from "../../ops/creation.ts";
import { Tensor } from "../../tensor.ts";
import { gelu, relu } from "../functional/activations.ts";
import { dropoutP } from "../functional/dropout.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { ModuleList } from "./container.ts";
import { Dropout } from "./dropout.ts";
import { Linear } from "./linear.ts";
import { LayerNorm } from "./normalization.ts";
import { MultiheadAttention } from "./attention.ts";

/** "relu", "gelu", a function of a tensor, or a module (then it is a child, as in PyTorch). */
export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor) | Module;

/** The options of `nn.TransformerEncoderLayer` and `nn.TransformerDecoderLayer`. */
export interface TransformerLayerOptions extends FactoryOptions {
  /** The number of expected features of the input (the embedding size); required. */
  dModel?: number;
  /** The number of attention heads (divides dModel); required. */
  nhead?: number;
  /** The hidden size of the feedforward block; PyTorch's default 2048. */
  dimFeedforward?: number;
  /** The dropout probability; PyTorch's default 0.1. */
  dropout?: number;
  /** The feedforward block's activation; PyTorch's default "relu". */
  activation?: TransformerActivation;
  /** The eps of the LayerNorms; PyTorch's default 1e-5. */
  layerNormEps?: number;
  /** The inputs and outputs are [batch, seq, feature] instead of [seq, batch, feature]; PyTorch's default false. */
  batchFirst?: boolean;
  /** LayerNorm before each block (pre-norm) instead of after (post-norm); PyTorch's default false. */
  normFirst?: boolean;
  /** PyTorch 2.1's bias (after norm_first). */
  bias?: boolean;
}
type LayerPositional = [dimFeedforward: number, dropout: number, activation: TransformerActivation, layerNormEps: number, batchFirst: boolean, normFirst: boolean, bias: boolean];

export const activationArg: Checker<TransformerActivation> = (v, arg, fn) => {
  if (typeof v === "function" || v instanceof Module) return v as TransformerActivation;
  if (typeof v !== "string") throw new TorchTypeError(`${fn}(): argument '${arg}' must be "relu", "gelu", a function or a Module, but got ${typeof v}`);
  if (v !== "relu" && v !== "gelu") throw new RuntimeError(`activation should be relu/gelu, not ${v}`);
  return v;
};
const LAYER_ARGS = [
  param("dModel", int()), param("nhead", int()), param("dimFeedforward", int(), 2048), param("dropout", dropoutP, 0.1),
  param("activation", activationArg, "relu"), param("layerNormEps", num(), 1e-5), param("batchFirst", bool, false),
  param("normFirst", bool, false), param("bias", bool, true),
];
type LayerArgs = Required<Omit<TransformerLayerOptions, keyof FactoryOptions>> & FactoryOptions;

/** A string names F.relu / F.gelu (PyTorch's _get_activation_fn); functions and modules are kept as given. */
function activationOf(a: TransformerActivation): ((x: Tensor) => Tensor) | Module {
  return a === "relu" ? (x) => relu(x) : a === "gelu" ? (x) => gelu(x) : a;
}
const applyActivation = (a: ((x: Tensor) => Tensor) | Module, x: Tensor): Tensor => (a instanceof Module ? (a.forward(x) as Tensor) : a(x));

/** A float [sz, sz] mask with -inf above the diagonal and 0 elsewhere (nn.Transformer's helper). */
export function generateSquareSubsequentMask(sz: number, opts: { dtype?: DType; device?: DeviceLike } = {}): Tensor {
  int({ min: 0 })(sz, "sz", "generateSquareSubsequentMask");
  return zeros([sz, sz], { dtype: opts.dtype, device: opts.device }).maskedFill(ones([sz, sz], { dtype: "bool", device: opts.device }).triu(1), -Infinity);
}

/** The options of `nn.TransformerEncoderLayer`'s forward. */
export interface TransformerEncoderLayerForwardOptions {
  /** The [S, S] (or [N * nhead, S, S]) attention mask: bool true or -inf where attention is not allowed; PyTorch's default null. */
  srcMask?: Tensor | null;
  /** The [N, S] mask of padded source positions (bool true or -inf: ignored); PyTorch's default null. */
  srcKeyPaddingMask?: Tensor | null;
}
const MASK = nullable(tensor);
const ENCODER_LAYER_FORWARD = [param("srcMask", MASK, null), param("srcKeyPaddingMask", MASK, null)];
type EncoderLayerForwardPositional = [srcMask: Tensor | null | undefined, srcKeyPaddingMask: Tensor | null | undefined];

export class TransformerEncoderLayer extends Module {
  readonly normFirst: boolean;
  /** The self-attention block's MultiheadAttention. */
  self_attn: MultiheadAttention;
  /** The feedforward block's first projection, dModel -> dimFeedforward. */
  linear1: Linear;
  dropout: Dropout;
  /** The feedforward block's second projection, dimFeedforward -> dModel. */
  linear2: Linear;
  /** The LayerNorm of the self-attention block. */
  norm1: LayerNorm;
  /** The LayerNorm of the feedforward block. */
  norm2: LayerNorm;
  /** The dropout on the self-attention block's output. */
  dropout1: Dropout;
  /** The dropout on the feedforward block's output. */
  dropout2: Dropout;
  /** Last, as PyTorch assigns it: a module given as the activation is a child after dropout2. */
  activation: ((x: Tensor) => Tensor) | Module;

  /**
   * nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
   * layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True, device=None, dtype=None).
   */
  constructor(dModel: number, nhead: number, ...args: Args<LayerPositional, TransformerLayerOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<LayerArgs>("TransformerEncoderLayer", LAYER_ARGS, args, FACTORY_KWARGS);
    const { dModel, nhead, bias, dtype, device } = a;
    const [p, ff, eps] = [a.dropout, a.dimFeedforward, a.layerNormEps];
    this.normFirst = a.normFirst;
    // Constructed in PyTorch's order, so the random initialisation draws match.
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: a.batchFirst, dtype, device });
    this.linear1 = new Linear(dModel, ff, { bias, dtype, device });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias, dtype, device });
    this.norm1 = new LayerNorm(dModel, { eps, dtype, device });
    this.norm2 = new LayerNorm(dModel, { eps, dtype, device });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.activation = activationOf(a.activation);
  }

  /** forward(src, src_mask=None, src_key_padding_mask=None): src [S, N, E] ([N, S, E] with batchFirst, or unbatched [S, E]). */
  override forward(src: Tensor, ...args: Args<EncoderLayerForwardPositional, TransformerEncoderLayerForwardOptions>): Tensor;
  override forward(src: Tensor, ...args: unknown[]): Tensor {
    checkTensor(src, "src", "TransformerEncoderLayer.forward");
    const { srcMask: mask, srcKeyPaddingMask: kpm } = parseArgs<Required<TransformerEncoderLayerForwardOptions>>("TransformerEncoderLayer.forward", ENCODER_LAYER_FORWARD, args);
    let x = src;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1.forward(x), mask, kpm));
      x = x.add(this.ffBlock(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this.saBlock(x, mask, kpm)));
      x = this.norm2.forward(x.add(this.ffBlock(x)));
    }
    return x;
  }

  private saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [y] = this.self_attn.forward(x, x, x, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout1.forward(y);
  }

  private ffBlock(x: Tensor): Tensor {
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(applyActivation(this.activation, this.linear1.forward(x)))));
  }
}

/** The options of `nn.TransformerDecoderLayer`'s and `nn.TransformerDecoder`'s forward. */
export interface TransformerDecoderLayerForwardOptions {
  /** The [T, T] (or [N * nhead, T, T]) self-attention mask: bool true or -inf where attention is not allowed; PyTorch's default null. */
  tgtMask?: Tensor | null;
  /** The [T, S] (or [N * nhead, T, S]) mask of the attention to the memory; PyTorch's default null. */
  memoryMask?: Tensor | null;
  /** The [N, T] mask of padded target positions; PyTorch's default null. */
  tgtKeyPaddingMask?: Tensor | null;
  /** The [N, S] mask of padded memory positions; PyTorch's default null. */
  memoryKeyPaddingMask?: Tensor | null;
}
const DECODER_FORWARD = [param("tgtMask", MASK, null), param("memoryMask", MASK, null), param("tgtKeyPaddingMask", MASK, null), param("memoryKeyPaddingMask", MASK, null)];
type DecoderForwardPositional = [tgtMask: Tensor | null | undefined, memoryMask: Tensor | null | undefined, tgtKeyPaddingMask: Tensor | null | undefined, memoryKeyPaddingMask: Tensor | null | undefined];

export class TransformerDecoderLayer extends Module {
  readonly normFirst: boolean;
  /** The self-attention block's MultiheadAttention (over the target). */
  self_attn: MultiheadAttention;
  /** The cross-attention block's MultiheadAttention (target queries, memory keys and values). */
  multihead_attn: MultiheadAttention;
  /** The feedforward block's first projection, dModel -> dimFeedforward. */
  linear1: Linear;
  dropout: Dropout;
  /** The feedforward block's second projection, dimFeedforward -> dModel. */
  linear2: Linear;
  /** The LayerNorm of the self-attention block. */
  norm1: LayerNorm;
  /** The LayerNorm of the cross-attention block. */
  norm2: LayerNorm;
  /** The LayerNorm of the feedforward block. */
  norm3: LayerNorm;
  /** The dropout on the self-attention block's output. */
  dropout1: Dropout;
  /** The dropout on the cross-attention block's output. */
  dropout2: Dropout;
  /** The dropout on the feedforward block's output. */
  dropout3: Dropout;
  /** Last, as PyTorch assigns it: a module given as the activation is a child after dropout3. */
  activation: ((x: Tensor) => Tensor) | Module;

  /**
   * nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
   * layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True, device=None, dtype=None).
   */
  constructor(dModel: number, nhead: number, ...args: Args<LayerPositional, TransformerLayerOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<LayerArgs>("TransformerDecoderLayer", LAYER_ARGS, args, FACTORY_KWARGS);
    const { dModel, nhead, bias, dtype, device } = a;
    const [p, ff, eps] = [a.dropout, a.dimFeedforward, a.layerNormEps];
    this.normFirst = a.normFirst;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: a.batchFirst, dtype, device });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: a.batchFirst, dtype, device });
    this.linear1 = new Linear(dModel, ff, { bias, dtype, device });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias, dtype, device });
    this.norm1 = new LayerNorm(dModel, { eps, dtype, device });
    this.norm2 = new LayerNorm(dModel, { eps, dtype, device });
    this.norm3 = new LayerNorm(dModel, { eps, dtype, device });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    this.activation = activationOf(a.activation);
  }

  /**
   * forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
   * memory_key_padding_mask=None): tgt [T, N, E], memory [S, N, E] (batch first with batchFirst; unbatched without N).
   */
  override forward(tgt: Tensor, memory: Tensor, ...args: Args<DecoderForwardPositional, TransformerDecoderLayerForwardOptions>): Tensor;
  override forward(tgt: Tensor, memory: Tensor, ...args: unknown[]): Tensor {
    checkTensor(tgt, "tgt", "TransformerDecoderLayer.forward");
    checkTensor(memory, "memory", "TransformerDecoderLayer.forward");
    const o = parseArgs<Required<TransformerDecoderLayerForwardOptions>>("TransformerDecoderLayer.forward", DECODER_FORWARD, args);
    const [tgtMask, tgtKpm, memMask, memKpm] = [o.tgtMask, o.tgtKeyPaddingMask, o.memoryMask, o.memoryKeyPaddingMask];
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1.forward(x), tgtMask, tgtKpm));
      x = x.add(this.mhaBlock(this.norm2.forward(x), memory, memMask, memKpm));
      x = x.add(this.ffBlock(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this.saBlock(x, tgtMask, tgtKpm)));
      x = this.norm2.forward(x.add(this.mhaBlock(x, memory, memMask, memKpm)));
      x = this.norm3.forward(x.add(this.ffBlock(x)));
    }
    return x;
  }

  private saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [y] = this.self_attn.forward(x, x, x, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout1.forward(y);
  }

  private mhaBlock(x: Tensor, mem: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [y] = this.multihead_attn.forward(x, mem, mem, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout2.forward(y);
  }

  private ffBlock(x: Tensor): Tensor {
    return this.dropout3.forward(this.linear2.forward(this.dropout.forward(applyActivation(this.activation, this.linear1.forward(x)))));
  }
}

/** The options nn.TransformerEncoder and nn.TransformerDecoder share. */
export interface TransformerStackOptions {
  /** Applied to the last layer's output (e.g. a LayerNorm). */
  norm?: Module | null;
}
/** The options of `nn.TransformerEncoder`. */
export interface TransformerEncoderOptions extends TransformerStackOptions {
  /** The layer that is deep-copied numLayers times; required. */
  encoderLayer?: TransformerEncoderLayer;
  /** The number of layers; required. */
  numLayers?: number;
  /** PyTorch's nested-tensor fast path for padded batches: accepted, no effect (torch-ts has no nested tensors). */
  enableNestedTensor?: boolean;
  /** PyTorch's check of the mask for that fast path: accepted, no effect. */
  maskCheck?: boolean;
}
/** The options of `nn.TransformerDecoder`. */
export interface TransformerDecoderOptions extends TransformerStackOptions {
  /** The layer that is deep-copied numLayers times; required. */
  decoderLayer?: TransformerDecoderLayer;
  /** The number of layers; required. */
  numLayers?: number;
}
const NORM = param("norm", nullable(instanceOf(Module, "a Module")), null);
const ENCODER_ARGS = [
  param("encoderLayer", instanceOf(TransformerEncoderLayer, "a TransformerEncoderLayer")), param("numLayers", int({ min: 0 })), NORM,
  param("enableNestedTensor", bool, true), param("maskCheck", bool, true),
];
const DECODER_ARGS = [param("decoderLayer", instanceOf(TransformerDecoderLayer, "a TransformerDecoderLayer")), param("numLayers", int({ min: 0 })), NORM];

/** The options of `nn.TransformerEncoder`'s forward. */
export interface TransformerEncoderForwardOptions {
  /** The [S, S] (or [N * nhead, S, S]) attention mask passed to every layer; PyTorch's default null. */
  mask?: Tensor | null;
  /** The [N, S] mask of padded source positions; PyTorch's default null. */
  srcKeyPaddingMask?: Tensor | null;
}
const ENCODER_FORWARD = [param("mask", MASK, null), param("srcKeyPaddingMask", MASK, null)];

export class TransformerEncoder extends Module {
  /** The numLayers copies of the encoder layer. */
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;
  readonly enableNestedTensor: boolean;
  readonly maskCheck: boolean;

  /** nn.TransformerEncoder(encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True): numLayers deep copies of the layer. */
  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, ...args: Args<[norm: Module | null, enableNestedTensor: boolean, maskCheck: boolean], TransformerEncoderOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<TransformerEncoderOptions>>("TransformerEncoder", ENCODER_ARGS, args);
    this.layers = new ModuleList(Array.from({ length: a.numLayers }, () => deepCopyModule(a.encoderLayer)));
    this.numLayers = a.numLayers;
    this.norm = a.norm;
    this.enableNestedTensor = a.enableNestedTensor;
    this.maskCheck = a.maskCheck;
  }

  /** forward(src, mask=None, src_key_padding_mask=None). */
  override forward(src: Tensor, ...args: Args<[mask: Tensor | null | undefined, srcKeyPaddingMask: Tensor | null | undefined], TransformerEncoderForwardOptions>): Tensor;
  override forward(src: Tensor, ...args: unknown[]): Tensor {
    const o = parseArgs<Required<TransformerEncoderForwardOptions>>("TransformerEncoder.forward", ENCODER_FORWARD, args);
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, o.mask, o.srcKeyPaddingMask);
    return this.norm ? (this.norm.forward(x) as Tensor) : x;
  }
}

export class TransformerDecoder extends Module {
  /** The numLayers copies of the decoder layer. */
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  /** nn.TransformerDecoder(decoder_layer, num_layers, norm=None): numLayers deep copies of the layer. */
  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, ...args: Args<[norm: Module | null], TransformerDecoderOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Required<TransformerDecoderOptions>>("TransformerDecoder", DECODER_ARGS, args);
    this.layers = new ModuleList(Array.from({ length: a.numLayers }, () => deepCopyModule(a.decoderLayer)));
    this.numLayers = a.numLayers;
    this.norm = a.norm;
  }

  /** forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None). */
  override forward(tgt: Tensor, memory: Tensor, ...args: Args<DecoderForwardPositional, TransformerDecoderLayerForwardOptions>): Tensor;
  override forward(tgt: Tensor, memory: Tensor, ...args: unknown[]): Tensor {
    const o = parseArgs<Required<TransformerDecoderLayerForwardOptions>>("TransformerDecoder.forward", DECODER_FORWARD, args);
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).forward(x, memory, o.tgtMask, o.memoryMask, o.tgtKeyPaddingMask, o.memoryKeyPaddingMask);
    return this.norm ? (this.norm.forward(x) as Tensor) : x;
  }
}

/**
 * copy.deepcopy for modules: a new instance of the same class whose parameters and buffers are
 * fresh copies (same values, same requiresGrad, no shared storage), with submodules copied
 * recursively. Tensors reachable twice (a tied weight) are copied once and stay tied. Other
 * fields (numbers, strings, functions such as an activation) are carried over as they are.
 * The copy is made without running the subclass constructor (which would draw random numbers):
 * Module's own constructor runs with the subclass as new.target, so `forward` and its hooks work.
 */
export function deepCopyModule<T extends Module>(module: T): T {
  return copyValue(module, new Map()) as T;
}

function copyValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== "object") return v;
  if (memo.has(v)) return memo.get(v);
  let out: unknown;
  if (v instanceof Parameter) {
    out = new Parameter(v.detach().clone(), v.requiresGrad);
  } else if (v instanceof Tensor) {
    const t = v.detach().clone();
    out = v.requiresGrad ? t.requiresGrad_() : t;
  } else if (v instanceof Module) {
    const copy = Reflect.construct(Module, [], v.constructor) as Module;
    memo.set(v, copy);
    const src = v as unknown as Record<string, unknown>;
    const dst = copy as unknown as Record<string, unknown>;
    for (const k of Object.keys(v)) dst[k] = copyValue(src[k], memo);
    return copy;
  } else if (Array.isArray(v)) {
    const arr: unknown[] = [];
    memo.set(v, arr);
    for (const x of v) arr.push(copyValue(x, memo));
    return arr;
  } else if (v instanceof Set) {
    out = new Set([...v].map((x) => copyValue(x, memo)));
  } else if (v instanceof Map) {
    out = new Map([...v].map(([k, x]) => [k, copyValue(x, memo)]));
  } else if (Object.getPrototypeOf(v) === Object.prototype) {
    const obj: Record<string, unknown> = {};
    memo.set(v, obj);
    for (const [k, x] of Object.entries(v)) obj[k] = copyValue(x, memo);
    return obj;
  } else {
    out = v; // class instances that are not tensors or modules (e.g. a Generator) are shared
  }
  memo.set(v, out);
  return out;
}
