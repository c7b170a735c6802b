// RMSprop, as PyTorch 1.13's _single_tensor_rmsprop:
//   g <- g + weightDecay * p;  v <- alpha * v + (1 - alpha) * g * g
//   centered: gAvg <- alpha * gAvg + (1 - alpha) * g;  avg = sqrt(v - gAvg * gAvg) + eps
//   else:     avg = sqrt(v) + eps
//   momentum > 0: b <- momentum * b + g / avg;  p <- p - lr * b
//   else:         p <- p - lr * g / avg
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { Optimizer, paramsWithGrad, type Closure, type Params } from "./optimizer.ts";
import { bool, param, type Args } from "../args.ts";
import { checkEps, checkLr, checkNonNegative, checkWeightDecay, DIFFERENTIABLE, FOREACH, MAXIMIZE, number, optimizerArgs, type DifferentiableFlag, type ForeachFlag } from "./validate.ts";

/** The options of `optim.RMSprop` (and of each of its parameter groups). */
export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

// RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, foreach=None, maximize=False, differentiable=False)
const POSITIONAL = [
  param("lr", number, 1e-2), param("alpha", number, 0.99), param("eps", number, 1e-8), param("weightDecay", number, 0),
  param("momentum", number, 0), param("centered", bool, false), FOREACH, MAXIMIZE, DIFFERENTIABLE,
];

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(
    params: Params<RMSpropOptions>,
    ...args: Args<[lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean, foreach: boolean | null, maximize: boolean, differentiable: boolean], RMSpropOptions & ForeachFlag & DifferentiableFlag>
  ) {
    const { options, specs } = optimizerArgs<RMSpropOptions>("RMSprop", POSITIONAL, [], args);
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = options;
    checkLr(lr);
    checkEps(eps);
    checkNonNegative("momentum", momentum);
    checkWeightDecay(weightDecay);
    checkNonNegative("alpha", alpha);
    super(params, { lr, momentum, alpha, eps, centered, weightDecay, maximize }, specs);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
        for (const [param, rawGrad] of paramsWithGrad(group)) {
          const s = this.stateOf(param);
          if (Object.keys(s).length === 0) {
            s.step = 0;
            s.square_avg = torch.zerosLike(param);
            if (momentum > 0) s.momentum_buffer = torch.zerosLike(param);
            if (centered) s.grad_avg = torch.zerosLike(param);
          }
          // options switched on after the first step start from zero buffers
          if (momentum > 0 && s.momentum_buffer === undefined) s.momentum_buffer = torch.zerosLike(param);
          if (centered && s.grad_avg === undefined) s.grad_avg = torch.zerosLike(param);
          s.step = (s.step as number) + 1;
          let grad = maximize ? rawGrad.neg() : rawGrad;
          if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
          const squareAvg = s.square_avg as Tensor;
          squareAvg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
          let avg: Tensor;
          if (centered) {
            const gradAvg = s.grad_avg as Tensor;
            gradAvg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
            avg = squareAvg.clone().addcmul_(gradAvg, gradAvg, { value: -1 }).sqrt_();
          } else {
            avg = squareAvg.sqrt();
          }
          avg = avg.add_(eps);
          if (momentum > 0) {
            const buf = s.momentum_buffer as Tensor;
            buf.mul_(momentum).addcdiv_(grad, avg);
            param.add_(buf, { alpha: -lr });
          } else {
            param.addcdiv_(grad, avg, { value: -lr });
          }
        }
      }
    });
    return loss;
  }
}
