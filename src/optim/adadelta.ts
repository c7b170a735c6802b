// Adadelta, as PyTorch 1.13's _single_tensor_adadelta:
//   g <- g + weightDecay * p;  v <- rho * v + (1 - rho) * g * g
//   delta = sqrt(u + eps) / sqrt(v + eps) * g;  u <- rho * u + (1 - rho) * delta * delta
//   p <- p - lr * delta
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { ValueError } from "../errors.ts";
import { Optimizer, paramsWithGrad, type Closure, type Params } from "./optimizer.ts";
import { param, type Args } from "../args.ts";
import { checkEps, checkLr, checkWeightDecay, FOREACH, MAXIMIZE, number, optimizerArgs, type ForeachFlag } from "./validate.ts";

/** The options of `optim.Adadelta` (and of each of its parameter groups). */
export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}

// Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, maximize=False)
const POSITIONAL = [param("lr", number, 1.0), param("rho", number, 0.9), param("eps", number, 1e-6), param("weightDecay", number, 0), FOREACH];

export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Params<AdadeltaOptions>, ...args: Args<[lr: number, rho: number, eps: number, weightDecay: number, foreach: boolean | null], AdadeltaOptions & ForeachFlag>) {
    const { options, specs } = optimizerArgs<AdadeltaOptions>("Adadelta", POSITIONAL, [MAXIMIZE], args);
    const { lr, rho, eps, weightDecay, maximize } = options;
    checkLr(lr);
    if (!(0 <= rho && rho <= 1)) throw new ValueError(`Invalid rho value: ${rho}`);
    checkEps(eps);
    checkWeightDecay(weightDecay);
    super(params, { lr, rho, eps, weightDecay, maximize }, specs);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, rho, eps, weightDecay, maximize } = group;
        for (const [param, rawGrad] of paramsWithGrad(group)) {
          const s = this.stateOf(param);
          if (Object.keys(s).length === 0) {
            s.step = 0;
            s.square_avg = torch.zerosLike(param);
            s.acc_delta = torch.zerosLike(param);
          }
          s.step = (s.step as number) + 1;
          let grad = maximize ? rawGrad.neg() : rawGrad;
          if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
          const squareAvg = s.square_avg as Tensor;
          const accDelta = s.acc_delta as Tensor;
          squareAvg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho });
          const std = squareAvg.add(eps).sqrt_();
          const delta = accDelta.add(eps).sqrt_().div_(std).mul_(grad);
          accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
          param.add_(delta, { alpha: -lr });
        }
      }
    });
    return loss;
  }
}
