// torch.distributions: Normal, Categorical and Bernoulli with PyTorch 1.13's parameters,
// validation, random draws and formulas (docs/DISTRIBUTIONS.md).
export { Distribution } from "./distribution.ts";
export { Normal, type NormalOptions } from "./normal.ts";
export { Categorical, type CategoricalOptions } from "./categorical.ts";
export { Bernoulli, type BernoulliOptions } from "./bernoulli.ts";
export * as constraints from "./constraints.ts";
