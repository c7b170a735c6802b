// SGD, as PyTorch 1.13's torch.optim.SGD (_single_tensor_sgd), with momentum, dampening,
// Nesterov momentum, weight decay and maximize.
//
// Per parameter, with g its gradient (negated when maximize):
//   g <- g + weightDecay * p                       (weightDecay != 0)
//   b <- g (first step)  |  b <- momentum * b + (1 - dampening) * g      (momentum != 0)
//   g <- g + momentum * b (nesterov)  |  g <- b
//   p <- p - lr * g
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { ValueError } from "../errors.ts";
import { bool, param, type Args } from "../args.ts";
import { Optimizer, paramsWithGrad, required, type Closure, type Params } from "./optimizer.ts";
import { DIFFERENTIABLE, FOREACH, MAXIMIZE, number, optimizerArgs, type DifferentiableFlag, type ForeachFlag } from "./validate.ts";

/** The options of `optim.SGD` (and of each of its parameter groups). */
export interface SGDOptions {
  /** learning rate (required, here or in every parameter group) */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

// SGD(params, lr=required, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False, foreach=None, differentiable=False)
const POSITIONAL = [
  param<number | typeof required>("lr", number, required), param("momentum", number, 0), param("dampening", number, 0),
  param("weightDecay", number, 0), param("nesterov", bool, false),
];
const KEYWORD = [MAXIMIZE, FOREACH, DIFFERENTIABLE];

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, ...args: Args<[lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean], SGDOptions & ForeachFlag & DifferentiableFlag>) {
    const { options, specs } = optimizerArgs<SGDOptions>("SGD", POSITIONAL, KEYWORD, args);
    const { momentum, dampening, weightDecay, nesterov, maximize } = options;
    const lr = options.lr as number | typeof required;
    if (lr !== required && lr < 0) throw new ValueError(`Invalid learning rate: ${lr}`);
    if (momentum < 0) throw new ValueError(`Invalid momentum value: ${momentum}`);
    if (weightDecay < 0) throw new ValueError(`Invalid weight_decay value: ${weightDecay}`);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ValueError("Nesterov momentum requires a momentum and zero dampening");
    }
    super(params, { lr, momentum, dampening, weightDecay, nesterov, maximize }, specs);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group as Required<SGDOptions>;
        for (const [param, grad] of paramsWithGrad(group)) {
          let dp = maximize ? grad.neg() : grad;
          if (weightDecay !== 0) dp = dp.add(param, { alpha: weightDecay });
          if (momentum !== 0) {
            const state = this.stateOf(param);
            let buf = state.momentum_buffer as Tensor | null | undefined;
            if (buf === undefined || buf === null) {
              buf = dp.clone().detach();
              state.momentum_buffer = buf;
            } else {
              buf.mul_(momentum).add_(dp, { alpha: 1 - dampening });
            }
            dp = nesterov ? dp.add(buf, { alpha: momentum }) : buf;
          } else {
            // PyTorch records a None momentum buffer for every stepped parameter
            const state = this.stateOf(param);
            if (!("momentum_buffer" in state)) state.momentum_buffer = null;
          }
          param.add_(dp, { alpha: -lr });
        }
      }
    });
    return loss;
  }
}
