// RAdam (rectified Adam), as PyTorch 1.13's _single_tensor_radam:
//   m, v as Adam;  rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
//   rho_t > 5:  p <- p - (m / (1 - beta1^t)) * lr * (sqrt(1 - beta2^t) / (sqrt(v) + eps)) * rect
//   otherwise:  p <- p - (m / (1 - beta1^t)) * lr
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { Optimizer, paramsWithGrad, type Closure, type Params } from "./optimizer.ts";
import { param, type Args } from "../args.ts";
import { checkBetas, checkEps, checkLr, checkWeightDecay, FOREACH, number, optimizerArgs, pair, type ForeachFlag } from "./validate.ts";

/** The options of `optim.RAdam` (and of each of its parameter groups). */
export interface RAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

// RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None)
const POSITIONAL = [param("lr", number, 1e-3), param("betas", pair, [0.9, 0.999]), param("eps", number, 1e-8), param("weightDecay", number, 0), FOREACH];

export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Params<RAdamOptions>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, foreach: boolean | null], RAdamOptions & ForeachFlag>) {
    const { options, specs } = optimizerArgs<RAdamOptions>("RAdam", POSITIONAL, [], args);
    const { lr, betas, eps, weightDecay } = options;
    checkLr(lr);
    checkEps(eps);
    checkBetas(betas);
    checkWeightDecay(weightDecay);
    super(params, { lr, betas, eps, weightDecay }, specs);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, betas, eps, weightDecay } = group;
        const [beta1, beta2] = betas;
        for (const [param, rawGrad] of paramsWithGrad(group)) {
          const s = this.stateOf(param);
          if (Object.keys(s).length === 0) {
            s.step = 0;
            s.exp_avg = torch.zerosLike(param);
            s.exp_avg_sq = torch.zerosLike(param);
          }
          let grad = rawGrad;
          const step = (s.step as number) + 1;
          s.step = step;
          const biasCorrection1 = 1 - beta1 ** step;
          const biasCorrection2 = 1 - beta2 ** step;
          if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
          const expAvg = s.exp_avg as Tensor;
          const expAvgSq = s.exp_avg_sq as Tensor;
          expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
          expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
          const biasCorrectedExpAvg = expAvg.div(biasCorrection1);
          const rhoInf = 2 / (1 - beta2) - 1;
          const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
          if (rhoT > 5) {
            const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            const denom = expAvgSq.sqrt().add_(eps);
            // sqrt(bc2) / denom, as PyTorch's scalar / tensor
            const adaptiveLr = torch.fullLike(denom, Math.sqrt(biasCorrection2)).div(denom);
            param.add_(biasCorrectedExpAvg.mul(lr).mul(adaptiveLr).mul(rect), { alpha: -1 });
          } else {
            param.add_(biasCorrectedExpAvg.mul(lr), { alpha: -1 });
          }
        }
      }
    });
    return loss;
  }
}
