// NAdam (Adam with Nesterov momentum), as PyTorch 1.13's _single_tensor_nadam:
//   mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentumDecay)),  muProduct <- muProduct * mu_t
//   m, v as Adam;  denom = sqrt(v / (1 - beta2^t)) + eps
//   p <- p - lr * (1 - mu_t) / (1 - muProduct) * g / denom
//        - lr * mu_{t+1} / (1 - muProduct * mu_{t+1}) * m / denom
// PyTorch keeps mu_product in a float32 tensor; Math.fround reproduces its rounding so the
// trajectory matches PyTorch's, in float64 too.
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { Optimizer, paramsWithGrad, type Closure, type Params } from "./optimizer.ts";
import { param, type Args } from "../args.ts";
import { checkBetas, checkEps, checkLr, checkNonNegative, checkWeightDecay, FOREACH, number, optimizerArgs, pair, type ForeachFlag } from "./validate.ts";

/** The options of `optim.NAdam` (and of each of its parameter groups). */
export interface NAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  momentumDecay?: number;
}

// NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3, foreach=None)
const POSITIONAL = [
  param("lr", number, 2e-3), param("betas", pair, [0.9, 0.999]), param("eps", number, 1e-8), param("weightDecay", number, 0),
  param("momentumDecay", number, 4e-3), FOREACH,
];

export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: Params<NAdamOptions>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, momentumDecay: number, foreach: boolean | null], NAdamOptions & ForeachFlag>) {
    const { options, specs } = optimizerArgs<NAdamOptions>("NAdam", POSITIONAL, [], args);
    const { lr, betas, eps, weightDecay, momentumDecay } = options;
    checkLr(lr);
    checkEps(eps);
    checkBetas(betas);
    checkWeightDecay(weightDecay);
    checkNonNegative("momentum_decay", momentumDecay);
    super(params, { lr, betas, eps, weightDecay, momentumDecay }, specs);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, betas, eps, weightDecay, momentumDecay } = group;
        const [beta1, beta2] = betas;
        for (const [param, rawGrad] of paramsWithGrad(group)) {
          const s = this.stateOf(param);
          if (Object.keys(s).length === 0) {
            s.step = 0;
            s.mu_product = 1;
            s.exp_avg = torch.zerosLike(param);
            s.exp_avg_sq = torch.zerosLike(param);
          }
          let grad = rawGrad;
          const step = (s.step as number) + 1;
          s.step = step;
          const biasCorrection2 = 1 - beta2 ** step;
          if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
          const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
          const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
          // float32 tensor arithmetic: operands rounded to float32, product rounded to float32
          const muProduct = Math.fround(Math.fround(s.mu_product as number) * Math.fround(mu));
          s.mu_product = muProduct;
          const muProductNext = Math.fround(Math.fround(muProduct * Math.fround(mu)) * Math.fround(muNext));
          const expAvg = s.exp_avg as Tensor;
          const expAvgSq = s.exp_avg_sq as Tensor;
          expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
          expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
          const denom = expAvgSq.div(biasCorrection2).sqrt().add_(eps);
          param.addcdiv_(grad, denom, { value: (-lr * (1 - mu)) / (1 - muProduct) });
          param.addcdiv_(expAvg, denom, { value: (-lr * muNext) / (1 - muProductNext) });
        }
      }
    });
    return loss;
  }
}
