// torch.distributions: Normal, Categorical, Bernoulli and Uniform with PyTorch 1.13's parameters,
// validation, random draws and formulas, and klDivergence between them (docs/DISTRIBUTIONS.md).
export { Distribution } from "./distribution.ts";
export { Normal, type NormalOptions } from "./normal.ts";
export { Categorical, type CategoricalOptions } from "./categorical.ts";
export { Bernoulli, type BernoulliOptions } from "./bernoulli.ts";
export { Uniform, type UniformOptions } from "./uniform.ts";
export { klDivergence, registerKl, type DistributionClass, type KlFn } from "./kl.ts";
export * as kl from "./kl.ts";
export * as constraints from "./constraints.ts";
