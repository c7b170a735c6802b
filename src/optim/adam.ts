// Adam (with AMSGrad) and AdamW, as PyTorch 1.13's _single_tensor_adam / _single_tensor_adamw
// (non-capturable path). Per parameter, step t = 1, 2, ...:
//   Adam:  g <- g + weightDecay * p          AdamW: p <- p * (1 - lr * weightDecay)
//   m <- beta1 * m + (1 - beta1) * g;  v <- beta2 * v + (1 - beta2) * g * g
//   vmax <- max(vmax, v) (amsgrad);  denom = sqrt(v or vmax) / sqrt(1 - beta2^t) + eps
//   p <- p - lr / (1 - beta1^t) * m / denom
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { Optimizer, paramsWithGrad, type Closure, type ParamGroup, type Params } from "./optimizer.ts";
import { bool, param, type Args, type Param } from "../args.ts";
import {
  CAPTURABLE, checkBetas, checkEps, checkLr, checkWeightDecay, DIFFERENTIABLE, FOREACH, FUSED, MAXIMIZE, number, optimizerArgs, pair,
  type CudaFlags, type DifferentiableFlag, type ForeachFlag,
} from "./validate.ts";
import { backendOf, dense as denseData } from "../ops/alloc.ts";

/** The options of `optim.Adam` (and of each of its parameter groups). */
export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

/** Dense tensors that can be updated in one pass: same dtype, contiguous, equal sizes. */
function dense(dtype: string, n: number, ts: ReadonlyArray<Tensor | null>): boolean {
  for (const t of ts) if (t !== null && (t.dtype !== dtype || !t.isContiguous() || t.numel() !== n)) return false;
  return true;
}

/**
 * The foreach-style fast path: the whole update in one backend pass. Returns false (and
 * touches nothing) when a tensor is not dense, leaving the op-by-op path to handle it.
 */
function fusedUpdate(
  param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxSq: Tensor | null,
  o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; maximize: boolean; step: number },
): boolean {
  const n = param.numel();
  if (!param.isFloatingPoint() || !dense(param.dtype, n, [param, grad, expAvg, expAvgSq, maxSq])) return false;
  const data = denseData;
  backendOf(param, grad, expAvg).adamUpdate(data(param), data(grad), data(expAvg), data(expAvgSq), maxSq ? data(maxSq) : null, {
    ...o,
    stepSize: o.lr / (1 - o.beta1 ** o.step),
    biasCorrection2Sqrt: Math.sqrt(1 - o.beta2 ** o.step),
  });
  for (const t of [param, expAvg, expAvgSq, maxSq]) if (t) t._box.version++;
  return true;
}

function adamStep(
  state: (p: Tensor) => Record<string, unknown>,
  group: ParamGroup<AdamOptions>,
  decoupled: boolean,
): void {
  const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
  const [beta1, beta2] = betas;
  for (const [param, rawGrad] of paramsWithGrad(group)) {
    const s = state(param);
    if (Object.keys(s).length === 0) {
      s.step = 0;
      s.exp_avg = torch.zerosLike(param);
      s.exp_avg_sq = torch.zerosLike(param);
      if (amsgrad) s.max_exp_avg_sq = torch.zerosLike(param);
    }
    let grad = maximize ? rawGrad.neg() : rawGrad;
    const expAvg = s.exp_avg as Tensor;
    const expAvgSq = s.exp_avg_sq as Tensor;
    // amsgrad switched on after the first step: start its running max at zero
    if (amsgrad && s.max_exp_avg_sq === undefined) s.max_exp_avg_sq = torch.zerosLike(param);
    const step = (s.step as number) + 1;
    s.step = step;
    const maxSq = amsgrad ? (s.max_exp_avg_sq as Tensor) : null;
    if (fusedUpdate(param, rawGrad, expAvg, expAvgSq, maxSq, { lr, beta1, beta2, eps, weightDecay, decoupled, maximize, step })) continue;
    if (decoupled) param.mul_(1 - lr * weightDecay);
    else if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
    expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const stepSize = lr / biasCorrection1;
    const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    let denom: Tensor;
    if (amsgrad) {
      const maxSq = s.max_exp_avg_sq as Tensor;
      maxSq.copy_(maxSq.maximum(expAvgSq));
      denom = maxSq.sqrt().div(biasCorrection2Sqrt).add_(eps);
    } else {
      denom = expAvgSq.sqrt().div(biasCorrection2Sqrt).add_(eps);
    }
    param.addcdiv_(expAvg, denom, { value: -stepSize });
  }
}

// Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None, maximize=False,
//      capturable=False, differentiable=False, fused=False); AdamW: weight_decay=1e-2, *, maximize, foreach, capturable
const positional = (weightDecay: number): Param[] => [
  param("lr", number, 1e-3), param("betas", pair, [0.9, 0.999]), param("eps", number, 1e-8),
  param("weightDecay", number, weightDecay), param("amsgrad", bool, false),
];
const ADAM = { positional: positional(0), keyword: [FOREACH, MAXIMIZE, CAPTURABLE, DIFFERENTIABLE, FUSED] };
const ADAMW = { positional: positional(1e-2), keyword: [MAXIMIZE, FOREACH, CAPTURABLE] };

/** The arguments of Adam and AdamW after `params`: PyTorch's positional order (lr, betas, eps, weightDecay, amsgrad), then the options object with the optimizer's flags F. */
export type AdamArgs<F> = Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], AdamOptions & F>;

/** Adam and AdamW differ only in how weight decay enters the update, and its default. */
export abstract class AdamFamily extends Optimizer<AdamOptions> {
  /** AdamW's decoupled decay p <- p (1 - lr wd), instead of Adam's g <- g + wd p. */
  protected abstract readonly decoupled: boolean;

  constructor(params: Params<AdamOptions>, args: readonly unknown[], fn: string, sig: { positional: Param[]; keyword: Param[] }) {
    const { options, specs } = optimizerArgs<AdamOptions>(fn, sig.positional, sig.keyword, args);
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = options;
    checkLr(lr);
    checkEps(eps);
    checkBetas(betas);
    checkWeightDecay(weightDecay);
    super(params, { lr, betas, eps, weightDecay, amsgrad, maximize }, specs);
  }

  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    const loss = this.evaluateClosure(closure);
    torch.noGrad(() => {
      for (const group of this.paramGroups) adamStep((p) => this.stateOf(p), group, this.decoupled);
    });
    return loss;
  }
}

export class Adam extends AdamFamily {
  protected readonly decoupled = false;
  constructor(params: Params<AdamOptions>, ...args: AdamArgs<ForeachFlag & DifferentiableFlag & CudaFlags>) {
    super(params, args, "Adam", ADAM);
  }
}

/** Adam with decoupled weight decay (Loshchilov & Hutter); weightDecay defaults to 1e-2. */
export class AdamW extends AdamFamily {
  protected readonly decoupled = true;
  constructor(params: Params<AdamOptions>, ...args: AdamArgs<ForeachFlag & { capturable?: boolean }>) {
    super(params, args, "AdamW", ADAMW);
  }
}
