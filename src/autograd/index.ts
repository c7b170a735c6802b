// torch.autograd
export { grad, backward, type GradOptions } from "./grad.ts";
export { gradcheck, type GradcheckOptions } from "./gradcheck.ts";
export { Function, FunctionCtx } from "./function.ts";
export { Node } from "./node.ts";
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "./gradMode.ts";
