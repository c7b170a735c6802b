// The two one-gradient methods: Saliency (|df/dx|, Simonyan et al. 2013) and InputXGradient
// (x * df/dx, Shrikumar et al. 2016), as Captum's saliency.py and input_x_gradient.py.
import type { Tensor } from "../tensor.ts";
import { GradientAttribution } from "./attribution.ts";
import {
  computeGradients,
  formatExtra,
  formatInputs,
  formatOutput,
  parseArgs,
  withInputGradients,
  type AdditionalForwardArgs,
  type Attributions,
  type Inputs,
  type Target,
} from "./common.ts";

export interface SaliencyOptions {
  target?: Target;
  /** Absolute values of the gradients (default true), or the signed gradients. */
  abs?: boolean;
  additionalForwardArgs?: AdditionalForwardArgs;
}

export class Saliency extends GradientAttribution {
  /** The gradient of the target's output with respect to each input element (its absolute value unless abs: false). */
  attribute<I extends Inputs>(inputs: I, opts?: SaliencyOptions): Attributions<I>;
  attribute<I extends Inputs>(inputs: I, target?: Target, abs?: boolean, additionalForwardArgs?: AdditionalForwardArgs): Attributions<I>;
  attribute<I extends Inputs>(inputs: I, ...rest: unknown[]): Attributions<I> {
    const o = parseArgs<SaliencyOptions>("attribute", ["target", "abs", "additionalForwardArgs"], rest);
    const { tuple, isTuple } = formatInputs(inputs);
    const grads = withInputGradients(tuple, () => computeGradients(this.forwardFunc, tuple, o.target, formatExtra(o.additionalForwardArgs)));
    return formatOutput<I>(isTuple, (o.abs ?? true) ? grads.map((g) => g.abs()) : grads);
  }
}

export interface InputXGradientOptions {
  target?: Target;
  additionalForwardArgs?: AdditionalForwardArgs;
}

export class InputXGradient extends GradientAttribution {
  override get multipliesByInputs(): boolean {
    return true;
  }

  /** Each input element times the gradient of the target's output with respect to it. */
  attribute<I extends Inputs>(inputs: I, opts?: InputXGradientOptions): Attributions<I>;
  attribute<I extends Inputs>(inputs: I, target?: Target, additionalForwardArgs?: AdditionalForwardArgs): Attributions<I>;
  attribute<I extends Inputs>(inputs: I, ...rest: unknown[]): Attributions<I> {
    const o = parseArgs<InputXGradientOptions>("attribute", ["target", "additionalForwardArgs"], rest);
    const { tuple, isTuple } = formatInputs(inputs);
    const grads = withInputGradients(tuple, () => computeGradients(this.forwardFunc, tuple, o.target, formatExtra(o.additionalForwardArgs)));
    return formatOutput<I>(isTuple, tuple.map((x, i) => x.mul(grads[i] as Tensor)));
  }
}
