// Rprop (resilient backpropagation), as PyTorch 1.13's _single_tensor_rprop: each weight has its
// own step size, multiplied by etaplus while its gradient keeps its sign and by etaminus when
// the sign flips (then that gradient counts as 0, so the next step neither moves nor shrinks
// again), clamped to stepSizes; the weight moves by its step size against the gradient's sign.
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { ValueError } from "../errors.ts";
import { Optimizer, paramsWithGrad, type Closure, type Params } from "./optimizer.ts";
import { param, type Args } from "../args.ts";
import { checkLr, FOREACH, MAXIMIZE, number, optimizerArgs, pair, type ForeachFlag } from "./validate.ts";

/** The options of `optim.Rprop` (and of each of its parameter groups). */
export interface RpropOptions {
  /** The initial step size of every weight; PyTorch's default 1e-2. */
  lr?: number;
  /** (etaminus, etaplus): the step sizes' factors on a sign flip and on a kept sign; PyTorch's default (0.5, 1.2). */
  etas?: [number, number];
  /** (min, max): the step sizes' bounds; PyTorch's default (1e-6, 50). */
  stepSizes?: [number, number];
  /** Ascend the objective instead; PyTorch's default false. */
  maximize?: boolean;
}

// Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), foreach=None, maximize=False)
const POSITIONAL = [param("lr", number, 1e-2), param("etas", pair, [0.5, 1.2]), param("stepSizes", pair, [1e-6, 50]), FOREACH, MAXIMIZE];

export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: Params<RpropOptions>, ...args: Args<[lr: number, etas: [number, number], stepSizes: [number, number], foreach: boolean | null, maximize: boolean], RpropOptions & ForeachFlag>) {
    const { options, specs } = optimizerArgs<RpropOptions>("Rprop", POSITIONAL, [], args);
    const { lr, etas, stepSizes, maximize } = options;
    checkLr(lr);
    if (!(0 < etas[0] && etas[0] < 1 && 1 < etas[1])) throw new ValueError(`Invalid eta values: ${etas[0]}, ${etas[1]}`);
    super(params, { lr, etas, stepSizes, maximize }, specs);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) {
        const [etaminus, etaplus] = group.etas;
        const [stepSizeMin, stepSizeMax] = group.stepSizes;
        for (const [param, rawGrad] of paramsWithGrad(group)) {
          const s = this.stateOf(param);
          if (Object.keys(s).length === 0) {
            s.step = 0;
            s.prev = torch.zerosLike(param);
            s.step_size = torch.zerosLike(rawGrad).fill_(group.lr);
          }
          s.step = (s.step as number) + 1;
          const grad = group.maximize ? rawGrad.neg() : rawGrad;
          const prev = s.prev as Tensor;
          const stepSize = s.step_size as Tensor;
          // sign[sign > 0] = etaplus; sign[sign < 0] = etaminus; sign[sign == 0] = 1 (a NaN stays)
          const s0 = grad.mul(prev).sign();
          const sign = torch.where(s0.gt(0), etaplus, torch.where(s0.lt(0), etaminus, torch.where(s0.eq(0), 1, s0)));
          stepSize.mul_(sign).clamp_(stepSizeMin, stepSizeMax);
          // a flipped sign: no move now, and no flip counted next time
          const kept = torch.where(sign.eq(etaminus), 0, grad);
          param.addcmul_(kept.sign(), stepSize, { value: -1 });
          prev.copy_(kept);
        }
      }
    });
    return loss;
  }
}
