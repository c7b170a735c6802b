// torch.interpret: Captum's attribution methods (captum.attr) with its API in camelCase.
export { Attribution, GradientAttribution, PerturbationAttribution, LayerAttribution, LayerGradientAttribution } from "./attribution.ts";
export { Saliency, InputXGradient, type SaliencyOptions, type InputXGradientOptions } from "./gradients.ts";
export { IntegratedGradients, type IntegratedGradientsOptions, type GradientFunc } from "./integratedGradients.ts";
export { NoiseTunnel, type NoiseTunnelOptions, type NoiseTunnelType, type NoiseTunnelMethodOptions, type AttributesInputs } from "./noiseTunnel.ts";
export { GradientShap, InputBaselineXGradient, type GradientShapOptions, type BaselineDistribution, type InputBaselineXGradientOptions } from "./gradientShap.ts";
export { FeatureAblation, Occlusion, type FeatureAblationOptions, type OcclusionOptions } from "./featureAblation.ts";
export { LayerActivation, LayerGradCam, LayerIntegratedGradients, type LayerActivationOptions, type LayerGradCamOptions, type LayerIntegratedGradientsOptions } from "./layer.ts";
export { leggauss, approximationParameters, type ApproximationMethod } from "./approximation.ts";
export type { ForwardFunc, Inputs, Attributions, Target, Baselines, Baseline, AdditionalForwardArgs, GradKwargs } from "./common.ts";
export * as visualization from "./visualization/index.ts";
