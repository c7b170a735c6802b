// nn.Transformer: the encoder-decoder model of "Attention Is All You Need" as PyTorch 1.13 builds
// it (torch/nn/modules/transformer.py): a TransformerEncoder of numEncoderLayers copies of one
// TransformerEncoderLayer with a final LayerNorm, the same for the decoder, then xavier_uniform_
// on every parameter with more than one dim, in parameter order. Built in PyTorch's order, so
// torch.manualSeed gives PyTorch's initial weights; state-dict keys are PyTorch's
// (encoder.layers.0.self_attn.in_proj_weight, ..., decoder.norm.bias).
import { bool, checkTensor, instanceOf, FACTORY_KWARGS, int, nullable, num, param, parseArgs, tensor, type Args, type FactoryOptions } from "../../args.ts";
import { RuntimeError } from "../../errors.ts";
import type { Tensor } from "../../tensor.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { LayerNorm } from "./normalization.ts";
import {
  activationArg, generateSquareSubsequentMask, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer,
  type TransformerActivation,
} from "./transformer.ts";

/** Options of nn.Transformer: PyTorch's keywords (dModel 512, nhead 8, 6 encoder and 6 decoder layers, dimFeedforward 2048, dropout 0.1, "relu") and the factory keywords. */
export interface TransformerOptions extends FactoryOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  dimFeedforward?: number;
  dropout?: number;
  activation?: TransformerActivation;
  /** A module used as the encoder instead of the default stack (called as encoder.forward(src, { mask, srcKeyPaddingMask })). */
  customEncoder?: Module | null;
  /** A module used as the decoder (called as decoder.forward(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask })). */
  customDecoder?: Module | null;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
}
type TransformerPositional = [
  dModel: number, nhead: number, numEncoderLayers: number, numDecoderLayers: number, dimFeedforward: number, dropout: number,
  activation: TransformerActivation, customEncoder: Module | null, customDecoder: Module | null, layerNormEps: number,
  batchFirst: boolean, normFirst: boolean,
];
/** custom_encoder / custom_decoder: a module (PyTorch calls it), or null. */
const MODULE = nullable(instanceOf(Module, "a Module"));
const TRANSFORMER_ARGS = [
  param("dModel", int({ min: 1 }), 512), param("nhead", int({ min: 1 }), 8), param("numEncoderLayers", int({ min: 0 }), 6),
  param("numDecoderLayers", int({ min: 0 }), 6), param("dimFeedforward", int({ min: 1 }), 2048), param("dropout", num(), 0.1),
  param("activation", activationArg, "relu"), param("customEncoder", MODULE, null), param("customDecoder", MODULE, null),
  param("layerNormEps", num(), 1e-5), param("batchFirst", bool, false), param("normFirst", bool, false),
];
type Parsed = Required<Omit<TransformerOptions, keyof FactoryOptions>> & FactoryOptions;

/** The masks of nn.Transformer's forward, each optional (`null` or absent: none). */
export interface TransformerForwardOptions {
  /** The encoder's attention mask, `[S, S]` (boolean: true is masked; float: added). */
  srcMask?: Tensor | null;
  /** The decoder's self-attention mask, `[T, T]` (e.g. generateSquareSubsequentMask(T)). */
  tgtMask?: Tensor | null;
  /** The decoder's attention mask over the encoder's output, `[T, S]`. */
  memoryMask?: Tensor | null;
  /** Which source positions are padding, `[N, S]` (true: ignored). */
  srcKeyPaddingMask?: Tensor | null;
  /** Which target positions are padding, `[N, T]` (true: ignored). */
  tgtKeyPaddingMask?: Tensor | null;
  /** Which encoder output positions are padding, `[N, S]` (true: ignored). */
  memoryKeyPaddingMask?: Tensor | null;
}
type ForwardPositional = [
  srcMask: Tensor | null | undefined, tgtMask: Tensor | null | undefined, memoryMask: Tensor | null | undefined,
  srcKeyPaddingMask: Tensor | null | undefined, tgtKeyPaddingMask: Tensor | null | undefined, memoryKeyPaddingMask: Tensor | null | undefined,
];
const MASK = nullable(tensor);
const FORWARD_ARGS = ["srcMask", "tgtMask", "memoryMask", "srcKeyPaddingMask", "tgtKeyPaddingMask", "memoryKeyPaddingMask"].map((k) => param(k, MASK, null));

/** Something with a forward method, as PyTorch calls custom_encoder/custom_decoder. */
type Forward = { forward: (...a: unknown[]) => unknown };

export class Transformer extends Module {
  /** The encoder: a TransformerEncoder with a final LayerNorm, or customEncoder. */
  encoder: Module;
  /** The decoder: a TransformerDecoder with a final LayerNorm, or customDecoder. */
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  /**
   * nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
   * dim_feedforward=2048, dropout=0.1, activation=relu, custom_encoder=None, custom_decoder=None,
   * layer_norm_eps=1e-5, batch_first=False, norm_first=False, device=None, dtype=None).
   */
  constructor(...args: Args<TransformerPositional, TransformerOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<Parsed>("Transformer", TRANSFORMER_ARGS, args, FACTORY_KWARGS);
    const layer = { dimFeedforward: a.dimFeedforward, dropout: a.dropout, activation: a.activation, layerNormEps: a.layerNormEps, batchFirst: a.batchFirst, normFirst: a.normFirst, dtype: a.dtype };
    if (a.customEncoder !== null) this.encoder = a.customEncoder;
    else {
      const encoderLayer = new TransformerEncoderLayer(a.dModel, a.nhead, layer);
      const encoderNorm = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype: a.dtype });
      this.encoder = new TransformerEncoder(encoderLayer, a.numEncoderLayers, { norm: encoderNorm });
    }
    if (a.customDecoder !== null) this.decoder = a.customDecoder;
    else {
      const decoderLayer = new TransformerDecoderLayer(a.dModel, a.nhead, layer);
      const decoderNorm = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype: a.dtype });
      this.decoder = new TransformerDecoder(decoderLayer, a.numDecoderLayers, { norm: decoderNorm });
    }
    this.resetParameters();
    this.dModel = a.dModel;
    this.nhead = a.nhead;
    this.batchFirst = a.batchFirst;
  }

  /** Transformer._reset_parameters: xavier_uniform_ on every parameter with more than one dim, in order. */
  resetParameters(): void {
    for (const p of this.parameters()) if (p.dim() > 1) init.xavierUniform_(p);
  }

  /**
   * forward(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
   * tgt_key_padding_mask=None, memory_key_padding_mask=None): src [S, N, E], tgt [T, N, E]
   * ([N, S, E] and [N, T, E] with batchFirst; unbatched [S, E], [T, E]) -> [T, N, E]. Masks are
   * MultiheadAttention's (bool true = may not attend; float masks are added).
   */
  override forward(src: Tensor, tgt: Tensor, ...args: Args<ForwardPositional, TransformerForwardOptions>): Tensor;
  override forward(src: Tensor, tgt: Tensor, ...args: unknown[]): Tensor {
    checkTensor(src, "src", "Transformer.forward");
    checkTensor(tgt, "tgt", "Transformer.forward");
    const o = parseArgs<Required<TransformerForwardOptions>>("Transformer.forward", FORWARD_ARGS, args);
    const batched = src.dim() === 3;
    const b = this.batchFirst ? 0 : 1;
    if (batched && src.shape[b] !== tgt.shape[b]) throw new RuntimeError("the batch number of src and tgt must be equal");
    if (src.shape[src.dim() - 1] !== this.dModel || tgt.shape[tgt.dim() - 1] !== this.dModel) {
      throw new RuntimeError("the feature number of src and tgt must be equal to d_model");
    }
    const memory = (this.encoder as unknown as Forward).forward(src, { mask: o.srcMask, srcKeyPaddingMask: o.srcKeyPaddingMask }) as Tensor;
    return (this.decoder as unknown as Forward).forward(tgt, memory, {
      tgtMask: o.tgtMask, memoryMask: o.memoryMask, tgtKeyPaddingMask: o.tgtKeyPaddingMask, memoryKeyPaddingMask: o.memoryKeyPaddingMask,
    }) as Tensor;
  }

  /** nn.Transformer.generate_square_subsequent_mask(sz): float [sz, sz], -inf above the diagonal, 0 elsewhere. */
  static generateSquareSubsequentMask(sz: number): Tensor {
    return generateSquareSubsequentMask(sz);
  }
  /** The same mask, called on an instance (PyTorch's staticmethod is reachable both ways). */
  generateSquareSubsequentMask(sz: number): Tensor {
    return generateSquareSubsequentMask(sz);
  }
}
