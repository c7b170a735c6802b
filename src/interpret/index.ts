// torch.interpret: Captum's attribution methods (captum.attr) with its API in camelCase.
export { Attribution, GradientAttribution, PerturbationAttribution, LayerAttribution, LayerGradientAttribution } from "./attribution.ts";
export { Saliency, InputXGradient, type SaliencyOptions, type InputXGradientOptions } from "./gradients.ts";
export { IntegratedGradients, type IntegratedGradientsOptions } from "./integratedGradients.ts";
export { NoiseTunnel, type NoiseTunnelOptions, type NoiseTunnelType } from "./noiseTunnel.ts";
export { GradientShap, InputBaselineXGradient, type GradientShapOptions, type BaselineDistribution } from "./gradientShap.ts";
export { FeatureAblation, Occlusion, type FeatureAblationOptions, type OcclusionOptions } from "./featureAblation.ts";
export { LayerActivation, LayerGradCam, LayerIntegratedGradients, type LayerActivationOptions, type LayerGradCamOptions, type LayerIntegratedGradientsOptions } from "./layer.ts";
export { leggauss, approximationParameters, type ApproximationMethod } from "./approximation.ts";
export type { ForwardFunc, Inputs, Attributions, Target, Baselines, Baseline, AdditionalForwardArgs } from "./common.ts";
export * as visualization from "./visualization/index.ts";
