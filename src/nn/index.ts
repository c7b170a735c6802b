// torch.nn
export { Module, type StateDict, type ForwardHook, type ForwardPreHook, type LoadResult } from "./module.ts";
export { Parameter } from "./parameter.ts";
export { Linear, Identity, Flatten, Unflatten, type LinearOptions } from "./modules/linear.ts";
export { ReLU } from "./modules/activation.ts";
export { MSELoss } from "./modules/loss.ts";
export { Sequential, ModuleList, ModuleDict } from "./modules/container.ts";
export * as functional from "./functional.ts";
export * as init from "./init.ts";
export * as utils from "./utils.ts";
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, type RNNOptions, type RNNBaseOptions, type RNNCellOptions } from "./modules/rnn.ts";
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from "./modules/attention.ts";
export {
  TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, generateSquareSubsequentMask,
  type TransformerLayerOptions, type TransformerActivation,
} from "./modules/transformer.ts";
