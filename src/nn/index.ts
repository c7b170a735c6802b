// torch.nn
export { Module, type StateDict, type ForwardHook, type ForwardPreHook, type FullBackwardHook, type GradList, type LoadResult } from "./module.ts";
export { Parameter } from "./parameter.ts";
export { UninitializedParameter, UninitializedBuffer, isLazy, type UninitializedOptions } from "./lazy.ts";
export * from "./modules/lazy.ts";
export { AdaptiveLogSoftmaxWithLoss, type AdaptiveLogSoftmaxWithLossOptions, type ASMOutput } from "./modules/adaptive.ts";
export { Linear, Identity, Flatten, Unflatten, type LinearOptions, type FlattenOptions } from "./modules/linear.ts";
export { Sequential, ModuleList, ModuleDict } from "./modules/container.ts";
export { ParameterList, ParameterDict, type ParameterDictInit } from "./modules/parameterContainers.ts";
export { Bilinear, type BilinearOptions } from "./modules/bilinear.ts";
export { Unfold, Fold, type UnfoldModuleOptions } from "./modules/fold.ts";
export * as functional from "./functional.ts";
export * as init from "./init.ts";
export * as utils from "./utils.ts";
export * as parallel from "./parallel/index.ts";
export { DataParallel, type DataParallelOptions } from "./parallel/dataParallel.ts";
export * from "./modules/conv.ts";
export * from "./modules/pooling.ts";
export * from "./modules/normalization.ts";
export * from "./modules/dropout.ts";
export * from "./modules/embedding.ts";
export * from "./modules/upsample.ts";
export * from "./modules/padding.ts";
export * from "./modules/distance.ts";
export * from "./modules/activations.ts";
export * from "./modules/losses.ts";
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, type RNNOptions, type RNNBaseOptions, type LSTMOptions, type RNNCellOptions, type RNNCellOptionsWithNonlinearity, type Nonlinearity } from "./modules/rnn.ts";
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from "./modules/attention.ts";
export {
  TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, generateSquareSubsequentMask,
  type TransformerLayerOptions, type TransformerActivation, type TransformerStackOptions, type TransformerEncoderOptions,
  type TransformerDecoderOptions, type TransformerEncoderLayerForwardOptions, type TransformerDecoderLayerForwardOptions,
  type TransformerEncoderForwardOptions,
} from "./modules/transformer.ts";
export { Transformer, type TransformerOptions, type TransformerForwardOptions } from "./modules/transformerModel.ts";
