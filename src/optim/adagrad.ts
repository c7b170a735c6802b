// Adagrad, as PyTorch 1.13's _single_tensor_adagrad (dense gradients):
//   g <- g + weightDecay * p;  clr = lr / (1 + (t - 1) * lrDecay)
//   sum <- sum + g * g;  p <- p - clr * g / (sqrt(sum) + eps)
// The accumulator starts at initialAccumulatorValue; as PyTorch, state is created in the
// constructor (and, for groups added later with addParamGroup, on their first step).
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { Optimizer, paramsWithGrad, type Closure, type Params } from "./optimizer.ts";
import { param, type Args } from "../args.ts";
import { checkEps, checkLr, checkNonNegative, checkWeightDecay, FOREACH, MAXIMIZE, number, optimizerArgs, type ForeachFlag } from "./validate.ts";

/** The options of `optim.Adagrad` (and of each of its parameter groups). */
export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

// Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False)
const POSITIONAL = [
  param("lr", number, 1e-2), param("lrDecay", number, 0), param("weightDecay", number, 0), param("initialAccumulatorValue", number, 0),
  param("eps", number, 1e-10), FOREACH,
];

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(
    params: Params<AdagradOptions>,
    ...args: Args<[lr: number, lrDecay: number, weightDecay: number, initialAccumulatorValue: number, eps: number, foreach: boolean | null], AdagradOptions & ForeachFlag>
  ) {
    const { options, specs } = optimizerArgs<AdagradOptions>("Adagrad", POSITIONAL, [MAXIMIZE], args);
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = options;
    checkLr(lr);
    checkNonNegative("lr_decay", lrDecay);
    checkWeightDecay(weightDecay);
    checkNonNegative("initial_accumulator_value", initialAccumulatorValue);
    checkEps(eps);
    super(params, { lr, lrDecay, eps, weightDecay, initialAccumulatorValue, maximize }, specs);
    for (const group of this.paramGroups) for (const p of group.params) this.initState(p, group.initialAccumulatorValue);
  }

  private initState(p: Tensor, initialAccumulatorValue: number): void {
    const s = this.stateOf(p);
    s.step = 0;
    s.sum = torch.fullLike(p, initialAccumulatorValue);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, lrDecay, weightDecay, eps, maximize, initialAccumulatorValue } = group;
        for (const [param, rawGrad] of paramsWithGrad(group)) {
          const s = this.stateOf(param);
          if (s.sum === undefined) this.initState(param, initialAccumulatorValue);
          const step = (s.step as number) + 1;
          s.step = step;
          let grad = maximize ? rawGrad.neg() : rawGrad;
          if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
          const clr = lr / (1 + (step - 1) * lrDecay);
          const sum = s.sum as Tensor;
          sum.addcmul_(grad, grad, { value: 1 });
          const std = sum.sqrt().add_(eps);
          param.addcdiv_(grad, std, { value: -clr });
        }
      }
    });
    return loss;
  }
}
