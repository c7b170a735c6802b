// Integrated Gradients (Sundararajan et al. 2017), as Captum's integrated_gradients.py:
//   IG_i(x) = (x_i - b_i) * sum_k w_k * dF/dx_i (b + a_k (x - b))
// with the step sizes w_k and points a_k of a Riemann rule or Gauss-Legendre quadrature
// (approximation.ts), all steps in one batch (or internalBatchSize examples at a time), and
// the convergence delta sum(IG) - (F(x) - F(b)) per example.
import { noGrad } from "../autograd/gradMode.ts";
import { AssertionError } from "../errors.ts";
import { tensor } from "../ops/creation.ts";
import { cat } from "../ops/shape.ts";
import type { Tensor } from "../tensor.ts";
import { approximationParameters, SUPPORTED_METHODS, type ApproximationMethod } from "./approximation.ts";
import { GradientAttribution } from "./attribution.ts";
import {
  computeGradients,
  convergenceDelta,
  expandExtra,
  expandTarget,
  formatBaselines,
  formatExtra,
  formatInputs,
  formatOutput,
  interpolatePoint,
  parseArgs,
  validateInputs,
  type AdditionalForwardArgs,
  type Attributions,
  type Baseline,
  type Baselines,
  type ForwardFunc,
  type Inputs,
  type Target,
} from "./common.ts";

export interface IntegratedGradientsOptions {
  baselines?: Baselines;
  target?: Target;
  additionalForwardArgs?: AdditionalForwardArgs;
  /** Points on the path (default 50). */
  nSteps?: number;
  /** "gausslegendre" (default), "riemann_left", "riemann_right", "riemann_middle" or "riemann_trapezoid". */
  method?: ApproximationMethod;
  /** Examples per forward/backward pass (steps x examples are split into chunks of at most this many). */
  internalBatchSize?: number | null;
  /** Also return the convergence delta per example: [attributions, delta]. */
  returnConvergenceDelta?: boolean;
}

/** captum.attr._utils.common._validate_input's checks of the steps and the rule. */
export function validateSteps(nSteps: number, method: string): void {
  if (!(nSteps >= 0)) throw new AssertionError(`The number of steps must be a positive integer. Given: ${nSteps}`);
  if (!(SUPPORTED_METHODS as readonly string[]).includes(method)) throw new AssertionError(`Approximation method must be one for the following ${JSON.stringify(SUPPORTED_METHODS)}. Given ${method}`);
}

/** The gradients IG integrates: of the target's outputs with respect to the (scaled) inputs. */
export type GradientFunc = (f: ForwardFunc, inputs: Tensor[], target: Target, extra: unknown[] | null) => Tensor[];

export const IG_ARGS = ["baselines", "target", "additionalForwardArgs", "nSteps", "method", "internalBatchSize", "returnConvergenceDelta"] as const;

export class IntegratedGradients extends GradientAttribution {
  private readonly multiplyByInputs: boolean;
  /** @internal LayerIntegratedGradients replaces this with a function that feeds the scaled values to its layer. */
  gradientFunc: GradientFunc = computeGradients;

  constructor(forwardFunc: ForwardFunc, multiplyByInputs?: boolean | { multiplyByInputs?: boolean }) {
    super(forwardFunc);
    const o = parseArgs<{ multiplyByInputs: boolean }>("IntegratedGradients.__init__", ["multiplyByInputs"], multiplyByInputs === undefined ? [] : [multiplyByInputs]);
    this.multiplyByInputs = o.multiplyByInputs ?? true;
  }

  override get multipliesByInputs(): boolean {
    return this.multiplyByInputs;
  }
  override hasConvergenceDelta(): boolean {
    return true;
  }

  attribute<I extends Inputs>(inputs: I, opts: IntegratedGradientsOptions & { returnConvergenceDelta: true }): [Attributions<I>, Tensor];
  attribute<I extends Inputs>(inputs: I, opts?: IntegratedGradientsOptions & { returnConvergenceDelta?: false }): Attributions<I>;
  attribute<I extends Inputs>(
    inputs: I,
    baselines?: Baselines,
    target?: Target,
    additionalForwardArgs?: AdditionalForwardArgs,
    nSteps?: number,
    method?: ApproximationMethod,
    internalBatchSize?: number | null,
    returnConvergenceDelta?: boolean,
  ): Attributions<I> | [Attributions<I>, Tensor];
  attribute<I extends Inputs>(inputs: I, ...rest: unknown[]): Attributions<I> | [Attributions<I>, Tensor] {
    const o = parseArgs<IntegratedGradientsOptions>("attribute", IG_ARGS, rest);
    const { tuple, isTuple } = formatInputs(inputs);
    const baselines = formatBaselines(o.baselines, tuple);
    const nSteps = o.nSteps ?? 50;
    const method = o.method ?? "gausslegendre";
    validateInputs(tuple, baselines);
    validateSteps(nSteps, method);
    const extra = formatExtra(o.additionalForwardArgs);
    const attrs =
      o.internalBatchSize === undefined || o.internalBatchSize === null
        ? this.integrate(tuple, baselines, o.target, extra, nSteps, method)
        : this.integrateInBatches(tuple, baselines, o.target, extra, nSteps, method, o.internalBatchSize);
    const out = formatOutput<I>(isTuple, attrs);
    if (!o.returnConvergenceDelta) return out;
    return [out, convergenceDelta(this.forwardFunc, attrs, o.baselines, inputs, o.target, extra)];
  }

  /** Captum's _attribute: one batch of steps, with the given step sizes and points (or the method's). */
  integrate(inputs: readonly Tensor[], baselines: readonly Baseline[], target: Target, extra: unknown[] | null, nSteps: number, method: string, stepsAndAlphas?: [number[], number[]]): Tensor[] {
    let stepSizes: number[];
    let alphas: number[];
    if (stepsAndAlphas) [stepSizes, alphas] = stepsAndAlphas;
    else {
      const [steps, points] = approximationParameters(method);
      [stepSizes, alphas] = [steps(nSteps), points(nSteps)];
    }
    // the path's points, all steps of all examples in one batch (step-major), as a leaf
    const scaled = noGrad(() => inputs.map((x, i) => cat(alphas.map((a) => interpolatePoint(x, baselines[i]!, a)), 0))).map((s) => s.requiresGrad_());
    const grads = this.gradientFunc(this.forwardFunc, scaled, expandTarget(target, nSteps), expandExtra(extra, nSteps));
    // Captum multiplies by torch.tensor(step_sizes).float(): the weights in float32
    const w = tensor(Float32Array.from(stepSizes)).view(nSteps, 1);
    return noGrad(() =>
      grads.map((g, i) => {
        const total = g.contiguous().view(nSteps, -1).mul(w).reshape([nSteps, g.shape[0]! / nSteps, ...g.shape.slice(1)]).sum(0);
        if (!this.multiplyByInputs) return total;
        return total.mul(inputs[i]!.sub(baselines[i]!));
      }),
    );
  }

  /** Captum's _batch_attribution: the steps in chunks of max(1, internalBatchSize / examples), summed. */
  integrateInBatches(inputs: readonly Tensor[], baselines: readonly Baseline[], target: Target, extra: unknown[] | null, nSteps: number, method: string, internalBatchSize: number): Tensor[] {
    const n = inputs[0]!.shape[0]!;
    if (internalBatchSize < n) {
      console.warn(`Internal batch size cannot be less than the number of input examples. Defaulting to internal batch size of ${n} equal to the number of examples.`);
    }
    const per = Math.max(1, Math.floor(internalBatchSize / n));
    const [steps, points] = approximationParameters(method);
    const stepSizes = steps(nSteps);
    const alphas = points(nSteps);
    let total: Tensor[] | null = null;
    for (let start = 0; start < nSteps; ) {
      const end = Math.min(start + per, nSteps);
      const part = this.integrate(inputs, baselines, target, extra, end - start, method, [stepSizes.slice(start, end), alphas.slice(start, end)]);
      total = total === null ? part : part.map((p, i) => p.detach().add(total![i]!));
      start = end;
    }
    return total!;
  }
}
