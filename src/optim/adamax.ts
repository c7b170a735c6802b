// Adamax (Adam with the infinity norm), as PyTorch 1.13's _single_tensor_adamax:
//   g <- g + weightDecay * p;  m <- beta1 * m + (1 - beta1) * g
//   u <- max(beta2 * u, |g| + eps);  p <- p - lr / (1 - beta1^t) * m / u
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { Optimizer, paramsWithGrad, type Closure, type Params } from "./optimizer.ts";
import { param, type Args } from "../args.ts";
import { checkBetas, checkEps, checkLr, checkWeightDecay, FOREACH, MAXIMIZE, number, optimizerArgs, pair, type ForeachFlag } from "./validate.ts";

/** The options of `optim.Adamax` (and of each of its parameter groups). */
export interface AdamaxOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}

// Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False)
const POSITIONAL = [param("lr", number, 2e-3), param("betas", pair, [0.9, 0.999]), param("eps", number, 1e-8), param("weightDecay", number, 0), FOREACH];

export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Params<AdamaxOptions>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, foreach: boolean | null], AdamaxOptions & ForeachFlag>) {
    const { options, specs } = optimizerArgs<AdamaxOptions>("Adamax", POSITIONAL, [MAXIMIZE], args);
    const { lr, betas, eps, weightDecay, maximize } = options;
    checkLr(lr);
    checkEps(eps);
    checkBetas(betas);
    checkWeightDecay(weightDecay);
    super(params, { lr, betas, eps, weightDecay, maximize }, specs);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, betas, eps, weightDecay, maximize } = group;
        const [beta1, beta2] = betas;
        for (const [param, rawGrad] of paramsWithGrad(group)) {
          const s = this.stateOf(param);
          if (Object.keys(s).length === 0) {
            s.step = 0;
            s.exp_avg = torch.zerosLike(param);
            s.exp_inf = torch.zerosLike(param);
          }
          let grad = maximize ? rawGrad.neg() : rawGrad;
          const step = (s.step as number) + 1;
          s.step = step;
          if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
          const expAvg = s.exp_avg as Tensor;
          const expInf = s.exp_inf as Tensor;
          expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
          // PyTorch: amax(cat([exp_inf * beta2, |g| + eps]), 0) written into exp_inf
          expInf.mul_(beta2);
          expInf.copy_(expInf.maximum(grad.abs().add_(eps)));
          const clr = lr / (1 - beta1 ** step);
          param.addcdiv_(expAvg, expInf, { value: -clr });
        }
      }
    });
    return loss;
  }
}
