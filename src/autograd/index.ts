// torch.autograd
export { grad, backward, type GradOptions, type BackwardArgs } from "./grad.ts";
export { gradcheck, type GradcheckOptions, type GradcheckFn } from "./gradcheck.ts";
export { Function, FunctionCtx, type GradList } from "./function.ts";
export { Node, SliceGrad, type Edge, type Vjp, type GradHook, type PostAccumulateGradHook } from "./node.ts";
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "./gradMode.ts";
