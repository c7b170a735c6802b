// torch.optim: optimizers and learning-rate schedulers (torch.optim.lrScheduler).
// Gradient clipping lives in ./clipGrad.ts and is exported as torch.nn.utils.clipGradNorm_ / clipGradValue_.
export { Optimizer, required, type Closure, type ParamGroup, type ParamGroupInput, type Params, type OptimizerStateDict, type ParamState } from "./optimizer.ts";
export type { ForeachFlag, DifferentiableFlag, CudaFlags } from "./validate.ts";
export type { ClipGradNormOptions } from "./clipGrad.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
export { Adam, AdamW, AdamFamily, type AdamOptions, type AdamArgs } from "./adam.ts";
export { Adamax, type AdamaxOptions } from "./adamax.ts";
export { NAdam, type NAdamOptions } from "./nadam.ts";
export { RAdam, type RAdamOptions } from "./radam.ts";
export { RMSprop, type RMSpropOptions } from "./rmsprop.ts";
export { Adagrad, type AdagradOptions } from "./adagrad.ts";
export { Adadelta, type AdadeltaOptions } from "./adadelta.ts";
export { LBFGS, type LBFGSOptions } from "./lbfgs.ts";
export { Rprop, type RpropOptions } from "./rprop.ts";
export { ASGD, type ASGDOptions } from "./asgd.ts";
export * as lrScheduler from "./lrScheduler.ts";
export * as swaUtils from "./swaUtils.ts";
