// The base classes of Captum's captum/attr/_utils/attribution.py: every method keeps its
// forward function, says whether it has a convergence delta and whether it multiplies by
// the inputs; gradient methods share the completeness check; layer methods keep their layer
// and offer LayerAttribution.interpolate.
import { interpolate as interpolateTensor, type InterpolateMode } from "../nn/functional/upsample.ts";
import type { Module } from "../nn/module.ts";
import { ValueError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { checkForwardFunc, checkLayer, convergenceDelta, formatExtra, formatInputs, type AdditionalForwardArgs, type Baselines, type ForwardFunc, type Inputs, type Target } from "./common.ts";

export interface DeltaOptions {
  target?: Target;
  additionalForwardArgs?: AdditionalForwardArgs;
}

export abstract class Attribution {
  /** The model (or function) whose outputs are attributed. */
  readonly forwardFunc: ForwardFunc;
  constructor(forwardFunc: ForwardFunc) {
    this.forwardFunc = checkForwardFunc(new.target.name, forwardFunc);
  }
  /** Whether the method's result, summed, approximates f(input) - f(baseline) (so multiplied by input - baseline). */
  get multipliesByInputs(): boolean {
    return false;
  }
  /** Whether `attribute` can return a convergence delta (`returnConvergenceDelta`), as Captum's `has_convergence_delta`. */
  hasConvergenceDelta(): boolean {
    return false;
  }
  /** Gradient methods (Captum's GradientAttribution): NoiseTunnel makes their noisy inputs require grad. */
  get isGradientMethod(): boolean {
    return false;
  }
  /** The class name with a space before each capital but the first ("Integrated Gradients"). */
  static getName(): string {
    return this.name.replace(/(?!^)([A-Z])/g, " $1");
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor parameters: a class taking a Module is not one taking unknown[]
type AbstractClass<T> = abstract new (...args: any[]) => T;

/**
 * Captum's GradientAttribution as a mixin, since a layer gradient method (LayerGradCam,
 * LayerIntegratedGradients) is both a layer method and a gradient method.
 */
function gradientMethod<B extends AbstractClass<Attribution>>(Base: B) {
  abstract class Gradient extends Base {
    override get isGradientMethod(): boolean {
      return true;
    }
    /**
     * Completeness: per example, the sum of the attributions minus f(endPoint) - f(startPoint)
     * (Captum's compute_convergence_delta).
     */
    computeConvergenceDelta(attributions: Inputs, startPoint: Baselines, endPoint: Inputs, opts: DeltaOptions = {}): Tensor {
      return convergenceDelta(this.forwardFunc, formatInputs(attributions, "attributions").tuple, startPoint, endPoint, opts.target, formatExtra(opts.additionalForwardArgs));
    }
  }
  return Gradient;
}

export abstract class GradientAttribution extends gradientMethod(Attribution) {}

export abstract class PerturbationAttribution extends Attribution {
  override get multipliesByInputs(): boolean {
    return true;
  }
}

export abstract class LayerAttribution extends Attribution {
  readonly layer: Module;
  constructor(forwardFunc: ForwardFunc, layer: Module, deviceIds?: null) {
    super(forwardFunc);
    this.layer = checkLayer(new.target.name, layer);
    if (deviceIds !== undefined && deviceIds !== null) throw new ValueError(`${new.target.name}: deviceIds (DataParallel replicas) are not supported: torch-ts modules run on one device`);
  }

  /** F.interpolate of a layer attribution to the input's size ("nearest" by default), e.g. to lay Grad-CAM over the image. */
  static interpolate(layerAttribution: Tensor, interpolateDims: number | readonly number[], interpolateMode: InterpolateMode = "nearest"): Tensor {
    return interpolateTensor(layerAttribution, { size: interpolateDims, mode: interpolateMode });
  }
}

/** A layer method that is also a gradient method (LayerGradCam, LayerIntegratedGradients). */
export abstract class LayerGradientAttribution extends gradientMethod(LayerAttribution) {}
