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
import { Optimizer, paramsWithGrad, required, type Closure, type Params } from "./optimizer.ts";

export interface SGDOptions {
  /** learning rate (required, here or in every parameter group) */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: SGDOptions = {}) {
    const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options;
    if (lr !== undefined && lr < 0) throw new ValueError(`Invalid learning rate: ${lr}`);
    if (momentum < 0) throw new ValueError(`Invalid momentum value: ${momentum}`);
    if (weightDecay < 0) throw new ValueError(`Invalid weight_decay value: ${weightDecay}`);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ValueError("Nesterov momentum requires a momentum and zero dampening");
    }
    super(params, { lr: lr ?? required, momentum, dampening, weightDecay, nesterov, maximize });
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
