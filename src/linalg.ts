// torch.linalg: the norms and singular values torch-ts has (src/ops/norm.ts).
export { vectorNorm, matrixNorm, linalgNorm as norm, svdvals, type Ord } from "./ops/norm.ts";
