// GradientShap (Lundberg & Lee 2017), as Captum's gradient_shap.py: SmoothGrad (NoiseTunnel)
// over InputBaselineXGradient, the gradient at a random point between a baseline drawn from
// the given distribution and the (noisy) input, times input - baseline; its expectation
// approximates SHAP values. Captum draws the baselines (np.random.choice) and the points
// (np.random.uniform) with NumPy's generator; torch-ts draws them from torch's default
// generator at the same moments: torch.randint(n, [k]) and torch.rand(bsz, float64).
import { noGrad } from "../autograd/gradMode.ts";
import { AssertionError, TorchTypeError } from "../errors.ts";
import { rand } from "../ops/creation.ts";
import { Tensor } from "../tensor.ts";
import { GradientAttribution } from "./attribution.ts";
import {
  computeGradients,
  convergenceDelta,
  formatBaselines,
  formatExtra,
  formatInputs,
  formatOutput,
  parseArgs,
  type AdditionalForwardArgs,
  type Attributions,
  type Baselines,
  type ForwardFunc,
  type Inputs,
  type Target,
} from "./common.ts";
import { NoiseTunnel } from "./noiseTunnel.ts";

/** Baselines: the distribution's samples per input ([k, ...input shape[1:]]), or a function giving them (of the inputs, or of nothing). */
export type BaselineDistribution = Tensor | readonly Tensor[] | ((...inputs: Tensor[]) => Tensor | readonly Tensor[]);

export interface GradientShapOptions {
  baselines?: BaselineDistribution;
  /** Random baselines (and noisy copies) per example (default 5). */
  nSamples?: number;
  /** Noise added to the inputs (default 0). */
  stdevs?: number | readonly number[];
  target?: Target;
  additionalForwardArgs?: AdditionalForwardArgs;
  returnConvergenceDelta?: boolean;
}

const SHAP_ARGS = ["baselines", "nSamples", "stdevs", "target", "additionalForwardArgs", "returnConvergenceDelta"] as const;

export class GradientShap extends GradientAttribution {
  private readonly multiplyByInputs: boolean;
  constructor(forwardFunc: ForwardFunc, multiplyByInputs?: boolean | { multiplyByInputs?: boolean }) {
    super(forwardFunc);
    const o = parseArgs<{ multiplyByInputs: boolean }>("GradientShap.__init__", ["multiplyByInputs"], multiplyByInputs === undefined ? [] : [multiplyByInputs]);
    this.multiplyByInputs = o.multiplyByInputs ?? true;
  }
  override get multipliesByInputs(): boolean {
    return this.multiplyByInputs;
  }
  override hasConvergenceDelta(): boolean {
    return true;
  }

  attribute<I extends Inputs>(inputs: I, opts: GradientShapOptions & { returnConvergenceDelta: true }): [Attributions<I>, Tensor];
  attribute<I extends Inputs>(inputs: I, opts: GradientShapOptions & { returnConvergenceDelta?: false }): Attributions<I>;
  attribute<I extends Inputs>(
    inputs: I,
    baselines: BaselineDistribution,
    nSamples?: number,
    stdevs?: number | readonly number[],
    target?: Target,
    additionalForwardArgs?: AdditionalForwardArgs,
    returnConvergenceDelta?: boolean,
  ): Attributions<I> | [Attributions<I>, Tensor];
  attribute<I extends Inputs>(inputs: I, ...rest: unknown[]): Attributions<I> | [Attributions<I>, Tensor] {
    const o = parseArgs<GradientShapOptions>("attribute", SHAP_ARGS, rest);
    if (o.baselines === undefined) throw new TorchTypeError("attribute() missing 1 required positional argument: 'baselines'");
    let b: unknown = o.baselines;
    if (typeof b === "function") b = b.length === 0 ? (b as () => unknown)() : (b as (...x: Tensor[]) => unknown)(...formatInputs(inputs).tuple);
    const baselines = formatBaselines(b, formatInputs(inputs).tuple);
    if (!(baselines[0] instanceof Tensor)) throw new AssertionError(`Baselines distribution has to be provided in a form of a torch.Tensor ${String(baselines[0])}.`);
    const inner = new InputBaselineXGradient(this.forwardFunc, this.multiplyByInputs);
    inner.gradientFunc = this.gradientFunc;
    return new NoiseTunnel(inner).attribute(inputs, {
      ntType: "smoothgrad",
      ntSamples: o.nSamples ?? 5,
      stdevs: o.stdevs ?? 0.0,
      drawBaselineFromDistrib: true,
      baselines,
      target: o.target,
      additionalForwardArgs: o.additionalForwardArgs,
      returnConvergenceDelta: o.returnConvergenceDelta ?? false,
    }) as Attributions<I> | [Attributions<I>, Tensor];
  }

  /** @internal the gradient function the inner method uses (as Captum's gradient_func). */
  gradientFunc = computeGradients;
}

/** Options of InputBaselineXGradient.attribute (Captum's keywords). */
export interface InputBaselineXGradientOptions {
  /** The reference inputs the attribution is relative to (default zeros). */
  baselines?: Baselines;
  /** The output index attributed, per example or for all (needed when the output has more than one number per example). */
  target?: Target;
  /** Extra arguments passed to the forward function after the inputs. */
  additionalForwardArgs?: AdditionalForwardArgs;
  /** Also returns the convergence delta per example (default false). */
  returnConvergenceDelta?: boolean;
}

/** GradientShap's inner method: (x - b) * dF/dx at b + r (x - b), one uniform r per example. */
export class InputBaselineXGradient extends GradientAttribution {
  private readonly multiplyByInputs: boolean;
  gradientFunc = computeGradients;
  constructor(forwardFunc: ForwardFunc, multiplyByInputs = true) {
    super(forwardFunc);
    this.multiplyByInputs = multiplyByInputs;
  }
  override get multipliesByInputs(): boolean {
    return this.multiplyByInputs;
  }
  override hasConvergenceDelta(): boolean {
    return true;
  }

  attribute<I extends Inputs>(inputs: I, opts?: InputBaselineXGradientOptions): Attributions<I> | [Attributions<I>, Tensor];
  attribute<I extends Inputs>(inputs: I, baselines?: Baselines, target?: Target, additionalForwardArgs?: AdditionalForwardArgs, returnConvergenceDelta?: boolean): Attributions<I> | [Attributions<I>, Tensor];
  attribute<I extends Inputs>(inputs: I, ...rest: unknown[]): Attributions<I> | [Attributions<I>, Tensor] {
    const o = parseArgs<InputBaselineXGradientOptions>("attribute", ["baselines", "target", "additionalForwardArgs", "returnConvergenceDelta"], rest);
    const { tuple, isTuple } = formatInputs(inputs);
    const baselines = formatBaselines(o.baselines, tuple);
    const extra = formatExtra(o.additionalForwardArgs);
    // Captum: torch.tensor(np.random.uniform(0, 1, bsz), dtype=inputs[0].dtype)
    const r = rand([tuple[0]!.shape[0]!], { dtype: "float64" }).to(tuple[0]!.dtype);
    const scaled = noGrad(() =>
      tuple.map((x, i) => {
        const c = r.view([x.shape[0]!, ...x.shape.slice(1).map(() => 1)]);
        return c.mul(x).add(c.neg().add(1).mul(baselines[i]!)); // r x + (1 - r) b
      }),
    ).map((s) => s.requiresGrad_());
    const grads = this.gradientFunc(this.forwardFunc, scaled, o.target, extra);
    const attrs = noGrad(() => (this.multiplyByInputs ? tuple.map((x, i) => x.sub(baselines[i]!).mul(grads[i]!)) : grads));
    const out = formatOutput<I>(isTuple, attrs);
    if (!o.returnConvergenceDelta) return out;
    return [out, convergenceDelta(this.forwardFunc, attrs, baselines, inputs, o.target, extra)];
  }
}
