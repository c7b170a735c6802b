// The core tensor surface the optimizers use, imported from the core modules directly (not
// from src/index.ts, which re-exports torch.optim: importing it here would be circular).
export { Tensor } from "../tensor.ts";
export { noGrad, enableGrad } from "../autograd/gradMode.ts";
export { tensor, zeros, zerosLike, fullLike } from "../ops/creation.ts";
export { cat, stack } from "../ops/shape.ts";
export { where } from "../ops/elementwise.ts";
export { getDefaultDtype } from "../dtype.ts";
