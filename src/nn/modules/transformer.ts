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
import type { DeviceLike } from "../../device.ts";
import type { DType } from "../../dtype.ts";
import { RuntimeError } from "../../errors.ts";
import { ones, zeros } from "../../ops/creation.ts";
import { Tensor } from "../../tensor.ts";
import * as F from "../functional.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { ModuleList } from "./container.ts";
import { Dropout } from "./dropout.ts";
import { Linear } from "./linear.ts";
import { LayerNorm } from "./normalization.ts";
import { MultiheadAttention } from "./attention.ts";

export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: TransformerActivation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
  dtype?: DType;
}

function activationFn(a: TransformerActivation): (x: Tensor) => Tensor {
  if (typeof a === "function") return a;
  if (a === "relu") return F.relu;
  if (a === "gelu") return (x) => F.gelu(x);
  throw new RuntimeError(`activation should be relu/gelu, not ${String(a)}`);
}

/** A float [sz, sz] mask with -inf above the diagonal and 0 elsewhere (nn.Transformer's helper). */
export function generateSquareSubsequentMask(sz: number, opts: { dtype?: DType; device?: DeviceLike } = {}): Tensor {
  return zeros([sz, sz], { dtype: opts.dtype, device: opts.device }).maskedFill(ones([sz, sz], { dtype: "bool", device: opts.device }).triu(1), -Infinity);
}

export interface TransformerEncoderLayerForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

export class TransformerEncoderLayer extends Module {
  readonly normFirst: boolean;
  readonly activation: (x: Tensor) => Tensor;
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const p = opts.dropout ?? 0.1;
    const ff = opts.dimFeedforward ?? 2048;
    const eps = opts.layerNormEps ?? 1e-5;
    const bias = opts.bias ?? true;
    this.normFirst = opts.normFirst ?? false;
    this.activation = activationFn(opts.activation ?? "relu");
    // Constructed in PyTorch's order, so the random initialisation draws match.
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: opts.batchFirst, dtype: opts.dtype });
    this.linear1 = new Linear(dModel, ff, { bias, dtype: opts.dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias, dtype: opts.dtype });
    this.norm1 = new LayerNorm(dModel, { eps, dtype: opts.dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype: opts.dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
  }

  /** src [S, N, E] ([N, S, E] with batchFirst, or unbatched [S, E]). */
  override forward(src: Tensor, opts: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const mask = opts.srcMask ?? null;
    const kpm = opts.srcKeyPaddingMask ?? null;
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
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
  }
}

export interface TransformerDecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

export class TransformerDecoderLayer extends Module {
  readonly normFirst: boolean;
  readonly activation: (x: Tensor) => Tensor;
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const p = opts.dropout ?? 0.1;
    const ff = opts.dimFeedforward ?? 2048;
    const eps = opts.layerNormEps ?? 1e-5;
    const bias = opts.bias ?? true;
    const dtype = opts.dtype;
    this.normFirst = opts.normFirst ?? false;
    this.activation = activationFn(opts.activation ?? "relu");
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: opts.batchFirst, dtype });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: opts.batchFirst, dtype });
    this.linear1 = new Linear(dModel, ff, { bias, dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias, dtype });
    this.norm1 = new LayerNorm(dModel, { eps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype });
    this.norm3 = new LayerNorm(dModel, { eps, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
  }

  /** tgt [T, N, E], memory [S, N, E] (batch first with batchFirst; unbatched without N). */
  override forward(tgt: Tensor, memory: Tensor, opts: TransformerDecoderLayerForwardOptions = {}): Tensor {
    const tgtMask = opts.tgtMask ?? null;
    const tgtKpm = opts.tgtKeyPaddingMask ?? null;
    const memMask = opts.memoryMask ?? null;
    const memKpm = opts.memoryKeyPaddingMask ?? null;
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
    return this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
  }
}

export interface TransformerStackOptions {
  /** Applied to the last layer's output (e.g. a LayerNorm). */
  norm?: Module | null;
}

export interface TransformerEncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

export class TransformerEncoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, opts: TransformerStackOptions = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopyModule(encoderLayer)));
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
  }

  override forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) {
      x = (layer as TransformerEncoderLayer).forward(x, { srcMask: opts.mask, srcKeyPaddingMask: opts.srcKeyPaddingMask });
    }
    return this.norm ? (this.norm.forward(x) as Tensor) : x;
  }
}

export class TransformerDecoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, opts: TransformerStackOptions = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopyModule(decoderLayer)));
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
  }

  override forward(tgt: Tensor, memory: Tensor, opts: TransformerDecoderLayerForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).forward(x, memory, opts);
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
