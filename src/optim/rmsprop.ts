// RMSprop, as PyTorch 1.13's _single_tensor_rmsprop:
//   g <- g + weightDecay * p;  v <- alpha * v + (1 - alpha) * g * g
//   centered: gAvg <- alpha * gAvg + (1 - alpha) * g;  avg = sqrt(v - gAvg * gAvg) + eps
//   else:     avg = sqrt(v) + eps
//   momentum > 0: b <- momentum * b + g / avg;  p <- p - lr * b
//   else:         p <- p - lr * g / avg
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { Optimizer, paramsWithGrad, type Closure, type Params } from "./optimizer.ts";
import { checkEps, checkLr, checkNonNegative, checkWeightDecay } from "./validate.ts";

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: RMSpropOptions = {}) {
    const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false } = options;
    checkLr(lr);
    checkEps(eps);
    checkNonNegative("momentum", momentum);
    checkWeightDecay(weightDecay);
    checkNonNegative("alpha", alpha);
    super(params, { lr, momentum, alpha, eps, centered, weightDecay, maximize });
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
