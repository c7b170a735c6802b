// torch.nn.utils
export { clipGradNorm_, clipGradNorm, clipGradValue_ } from "../optim/clipGrad.ts";
export { parametersToVector, vectorToParameters } from "./paramVector.ts";
export * as rnn from "./utils/rnn.ts";
export { weightNorm, removeWeightNorm } from "./weightNorm.ts";
export { spectralNorm, removeSpectralNorm, type SpectralNormOptions } from "./spectralNorm.ts";
export { skipInit } from "./skipInit.ts";
export { fuseConvBnEval, fuseConvBnWeights, fuseLinearBnEval, fuseLinearBnWeights, type ConvLayer, type BatchNormLayer } from "./fusion.ts";
