// ASGD (averaged SGD, Polyak and Juditsky), as PyTorch 1.13's _single_tensor_asgd: SGD with a
// decaying learning rate eta = lr / (1 + lambd * lr * t)^alpha and a weight decay of lambd * eta,
// keeping in `ax` the running average of the weights from step t0 on (mu = 1 / max(1, t - t0)).
// eta and mu are 0-d tensors of the default dtype, as PyTorch keeps them (so float32 values:
// the next step reads them rounded, as PyTorch's .item() does).
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { ValueError } from "../errors.ts";
import { Optimizer, paramsWithGrad, type Closure, type Params } from "./optimizer.ts";
import { param, type Args } from "../args.ts";
import { checkLr, FOREACH, MAXIMIZE, number, optimizerArgs, type ForeachFlag } from "./validate.ts";

/** The options of `optim.ASGD` (and of each of its parameter groups). */
export interface ASGDOptions {
  /** PyTorch's default 1e-2. */
  lr?: number;
  /** The decay term; PyTorch's default 1e-4. */
  lambd?: number;
  /** The power of the learning rate's decay; PyTorch's default 0.75. */
  alpha?: number;
  /** The step from which the weights are averaged; PyTorch's default 1e6. */
  t0?: number;
  /** L2 penalty; PyTorch's default 0. */
  weightDecay?: number;
  /** Ascend the objective instead; PyTorch's default false. */
  maximize?: boolean;
}

// ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False)
const POSITIONAL = [param("lr", number, 1e-2), param("lambd", number, 1e-4), param("alpha", number, 0.75), param("t0", number, 1e6), param("weightDecay", number, 0), FOREACH, MAXIMIZE];

export class ASGD extends Optimizer<ASGDOptions> {
  constructor(params: Params<ASGDOptions>, ...args: Args<[lr: number, lambd: number, alpha: number, t0: number, weightDecay: number, foreach: boolean | null, maximize: boolean], ASGDOptions & ForeachFlag>) {
    const { options, specs } = optimizerArgs<ASGDOptions>("ASGD", POSITIONAL, [], args);
    const { lr, lambd, alpha, t0, weightDecay, maximize } = options;
    checkLr(lr);
    if (!(0 <= weightDecay)) throw new ValueError(`Invalid weight_decay value: ${weightDecay}`);
    super(params, { lr, lambd, alpha, t0, weightDecay, maximize }, specs);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) {
        const { lr, lambd, alpha, t0, weightDecay, maximize } = group;
        for (const [param, rawGrad] of paramsWithGrad(group)) {
          const s = this.stateOf(param);
          if (Object.keys(s).length === 0) {
            s.step = 0;
            s.eta = torch.tensor(lr, { dtype: torch.getDefaultDtype() });
            s.mu = torch.tensor(1, { dtype: torch.getDefaultDtype() });
            s.ax = torch.zerosLike(param);
          }
          const step = (s.step as number) + 1;
          s.step = step;
          let grad = maximize ? rawGrad.neg() : rawGrad;
          if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
          const eta = (s.eta as Tensor).item();
          const mu = (s.mu as Tensor).item();
          const ax = s.ax as Tensor;
          param.mul_(1 - lambd * eta);
          param.add_(grad, { alpha: -eta });
          if (mu !== 1) ax.add_(param.sub(ax).mul(mu));
          else ax.copy_(param);
          (s.eta as Tensor).fill_(lr / Math.pow(1 + lambd * lr * step, alpha));
          (s.mu as Tensor).fill_(1 / Math.max(1, step - t0));
        }
      }
    });
    return loss;
  }
}
