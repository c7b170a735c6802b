// torch.nn.functional (also exported as F): PyTorch's functions, by their camelCase names.
// The lists are explicit so that F holds exactly PyTorch's names; helpers the modules share
// with these functions stay in the files below.
export { linear } from "./functional/linear.ts";
export {
  relu, relu6, hardtanh, leakyRelu, elu, celu, selu, gelu, silu, mish, softplus, softsign, tanhshrink, hardsigmoid,
  hardswish, logsigmoid, threshold, hardshrink, softshrink, prelu, glu, sigmoid, tanh, softmax, logSoftmax, softmin, gumbelSoftmax, rrelu, type RReluOptions, type GumbelSoftmaxOptions,
  type InplaceOptions, type HardtanhOptions, type LeakyReluOptions, type AlphaOptions, type GeluApproximate,
  type SoftplusOptions, type ThresholdOptions, type LambdOptions, type SoftmaxOptions,
} from "./functional/activations.ts";
export { relu_, selu_, elu_, celu_, leakyRelu_, hardtanh_, rrelu_, threshold_ } from "./functional/inplaceActivations.ts";
export {
  conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, unfold, fold,
  type ConvOptions, type ConvTransposeOptions, type Pair, type UnfoldOptions,
} from "./functional/conv.ts";
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, lpPool1d, lpPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d,
  type MaxPoolOptions, type LpPoolOptions, type AvgPoolOptions, type WithIndices, type OutputSize,
  type AdaptiveTensorArgs, type AdaptiveIndicesArgs,
} from "./functional/pooling.ts";
export { maxPool3d, avgPool3d, adaptiveAvgPool3d, adaptiveMaxPool3d, type AvgPool3dOptions } from "./functional/pooling3d.ts";
export { maxUnpool1d, maxUnpool2d, maxUnpool3d, type MaxUnpoolOptions } from "./functional/unpooling.ts";
export { maxPool1dWithIndices, maxPool2dWithIndices, maxPool3dWithIndices, adaptiveMaxPool1dWithIndices, adaptiveMaxPool2dWithIndices, adaptiveMaxPool3dWithIndices } from "./functional/poolingWithIndices.ts";
export { convTbc } from "./functional/convTbc.ts";
export { fractionalMaxPool2d, fractionalMaxPool2dWithIndices, fractionalMaxPool3d, fractionalMaxPool3dWithIndices, type FractionalMaxPoolOptions } from "./functional/fractionalPooling.ts";
export { affineGrid, gridSample, type AffineGridOptions, type GridSampleOptions } from "./functional/gridSample.ts";
export {
  batchNorm, layerNorm, groupNorm, rmsNorm, instanceNorm, normalize, localResponseNorm,
  type LocalResponseNormOptions, type BatchNormOptions, type LayerNormOptions, type GroupNormOptions, type RMSNormOptions, type InstanceNormOptions, type NormalizeOptions,
} from "./functional/normalization.ts";
export { dropout, dropout1d, dropout2d, dropout3d, alphaDropout, featureAlphaDropout, type DropoutOptions } from "./functional/dropout.ts";
export { embedding, type EmbeddingOptions } from "./functional/embedding.ts";
export { embeddingBag, type EmbeddingBagOptions } from "./functional/embeddingBag.ts";
export { interpolate, pixelShuffle, pixelUnshuffle, channelShuffle, upsample, upsampleNearest, upsampleBilinear, type InterpolateMode, type InterpolateOptions } from "./functional/upsample.ts";
export {
  l1Loss, mseLoss, smoothL1Loss, huberLoss, nllLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv,
  cosineEmbeddingLoss, marginRankingLoss, pairwiseDistance, tripletMarginLoss, softMarginLoss, hingeEmbeddingLoss, poissonNllLoss, gaussianNllLoss, multilabelSoftMarginLoss,
  multiMarginLoss, multilabelMarginLoss, tripletMarginWithDistanceLoss,
  type MultiMarginLossOptions, type TripletMarginWithDistanceLossOptions, type DistanceFunction,
  type LossReduction, type ReductionOptions, type GaussianNllLossOptions, type SmoothL1LossOptions, type HuberLossOptions, type NllOptions, type CrossEntropyOptions,
  type BinaryCrossEntropyOptions, type BinaryCrossEntropyWithLogitsOptions, type KLDivOptions, type KLDivReduction, type MarginLossOptions,
  type PairwiseDistanceOptions, type TripletMarginLossOptions, type PoissonNllLossOptions,
} from "./functional/losses.ts";
export { ctcLoss, type CtcLossOptions, type CtcLengths } from "./functional/ctcLoss.ts";
export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from "./functional/attention.ts";
export { multiHeadAttentionForward, type MultiHeadAttentionForwardOptions } from "./functional/multiHeadAttention.ts";
export type { Reduction } from "./reduction.ts";
export { pad, type PadMode, type PadOptions } from "./functional/padding.ts";
export { cosineSimilarity, pdist, type CosineSimilarityOptions, type PdistOptions } from "./functional/distance.ts";
export { oneHot } from "./functional/oneHot.ts";
export { bilinear } from "./functional/bilinear.ts";
