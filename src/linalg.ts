// torch.linalg: the norms and singular values torch-ts has (src/ops/norm.ts).
export { vectorNorm, matrixNorm, linalgNorm as norm, svdvals, type Ord, type NormOptions, type LegacyNormOptions, type VectorNormOptions, type NormArgs, type DimArg } from "./ops/norm.ts";
