// Layer methods, as Captum's captum/attr/_core/layer/: a forward hook on the layer records
// (or replaces) its output, or a pre-hook its input. LayerActivation returns what the layer
// computed; LayerGradCam (Selvaraju et al. 2017) weights each channel of the layer's output
// by the spatial mean of the target's gradient there and sums over channels;
// LayerIntegratedGradients integrates the gradient along the straight path between the
// layer's values for the baselines and for the inputs (for token ids, through the embedding).
import { enableGrad, noGrad } from "../autograd/gradMode.ts";
import { AssertionError, TorchTypeError } from "../errors.ts";
import type { Module, RemovableHandle } from "../nn/module.ts";
import { Tensor } from "../tensor.ts";
import type { ApproximationMethod } from "./approximation.ts";
import { LayerAttribution, LayerGradientAttribution } from "./attribution.ts";
import {
  convergenceDelta,
  formatBaselines,
  formatExtra,
  formatInputs,
  gradOfOutputs,
  parseArgs,
  runForward,
  tensorizeBaselines,
  validateInputs,
  type AdditionalForwardArgs,
  type Baselines,
  type ForwardFunc,
  type GradKwargs,
  type Inputs,
  type Target,
} from "./common.ts";
import { IG_ARGS, IntegratedGradients, validateSteps, type IntegratedGradientsOptions } from "./integratedGradients.ts";

/** A layer's output (or input arguments) as a list of tensors, and whether it was a single tensor. */
function asTensors(v: unknown, what: string): { list: Tensor[]; single: boolean } {
  if (v instanceof Tensor) return { list: [v], single: true };
  if (Array.isArray(v) && v.every((t) => t instanceof Tensor)) return { list: [...v], single: false };
  throw new TorchTypeError(`the layer's ${what} must be a Tensor or an array of Tensors to attribute to it`);
}

/**
 * Runs the model with a hook on the layer that sees its output (or, attributeToLayerInput,
 * its arguments) and may return a replacement, and removes the hook after.
 */
function withLayerHook<T>(layer: Module, toInput: boolean, onValue: (v: unknown) => unknown, run: () => T): T {
  const handle: RemovableHandle = toInput
    ? layer.registerForwardPreHook((_m, args) => {
        const r = onValue(args);
        return r === undefined ? undefined : (r as unknown[]);
      })
    : layer.registerForwardHook((_m, _args, out) => onValue(out));
  try {
    return run();
  } finally {
    handle.remove();
  }
}

/** _forward_layer_eval: the layer's output (or input) for these inputs, cloned, without grad. */
export function layerEval(f: ForwardFunc, inputs: readonly unknown[], layer: Module, extra: unknown[] | null, toInput: boolean): Tensor[] {
  let saved: Tensor[] | null = null;
  noGrad(() =>
    withLayerHook(layer, toInput, (v) => {
      saved = asTensors(v, toInput ? "input" : "output").list.map((t) => t.clone());
      return undefined;
    }, () => runForward(f, inputs, null, extra)),
  );
  if (saved === null) throw new AssertionError("Forward hook did not obtain any outputs for given layer");
  return saved;
}

export interface LayerActivationOptions {
  additionalForwardArgs?: AdditionalForwardArgs;
  attributeToLayerInput?: boolean;
}

export class LayerActivation extends LayerAttribution {
  constructor(forwardFunc: ForwardFunc, layer: Module, deviceIds?: null) {
    super(forwardFunc, layer, deviceIds);
  }
  override get multipliesByInputs(): boolean {
    return true;
  }

  /** The layer's output (or input) for these inputs: a tensor, or an array when the layer has several. */
  attribute(inputs: Inputs, opts?: LayerActivationOptions): Tensor | Tensor[];
  attribute(inputs: Inputs, additionalForwardArgs?: AdditionalForwardArgs, attributeToLayerInput?: boolean): Tensor | Tensor[];
  attribute(inputs: Inputs, ...rest: unknown[]): Tensor | Tensor[] {
    const o = parseArgs<LayerActivationOptions>("attribute", ["additionalForwardArgs", "attributeToLayerInput"], rest);
    const evals = layerEval(this.forwardFunc, formatInputs(inputs).tuple, this.layer, formatExtra(o.additionalForwardArgs), o.attributeToLayerInput ?? false);
    return evals.length > 1 ? evals : evals[0]!;
  }
}

export interface LayerGradCamOptions {
  target?: Target;
  additionalForwardArgs?: AdditionalForwardArgs;
  attributeToLayerInput?: boolean;
  /** ReLU of the result (Grad-CAM as published), default false as Captum. */
  reluAttributions?: boolean;
  /** Sum over channels (default true), or keep each channel's weighted activation. */
  attrDimSummation?: boolean;
  gradKwargs?: GradKwargs;
}

export class LayerGradCam extends LayerGradientAttribution {
  constructor(forwardFunc: ForwardFunc, layer: Module, deviceIds?: null) {
    super(forwardFunc, layer, deviceIds);
  }

  /**
   * sum_c mean_{h,w}(dF/dA_c) * A_c over the layer's channels c (dim 1), keeping dims 2..
   * (use LayerAttribution.interpolate to bring it to the input's size).
   */
  attribute(inputs: Inputs, opts?: LayerGradCamOptions): Tensor | Tensor[];
  attribute(
    inputs: Inputs,
    target?: Target,
    additionalForwardArgs?: AdditionalForwardArgs,
    attributeToLayerInput?: boolean,
    reluAttributions?: boolean,
    attrDimSummation?: boolean,
    gradKwargs?: GradKwargs,
  ): Tensor | Tensor[];
  attribute(inputs: Inputs, ...rest: unknown[]): Tensor | Tensor[] {
    const o = parseArgs<LayerGradCamOptions>("attribute", ["target", "additionalForwardArgs", "attributeToLayerInput", "reluAttributions", "attrDimSummation", "gradKwargs"], rest);
    const { grads, evals } = layerGradientsAndEvals(this.forwardFunc, this.layer, formatInputs(inputs).tuple, o.target, formatExtra(o.additionalForwardArgs), o.attributeToLayerInput ?? false, o.gradKwargs);
    const out = noGrad(() =>
      grads.map((g, i) => {
        const a = evals[i]!;
        const dims = Array.from({ length: g.dim() - 2 }, (_, d) => d + 2);
        const w = g.dim() > 2 ? g.mean(dims, true) : g;
        const r = (o.attrDimSummation ?? true) ? w.mul(a).sum(1, true) : w.mul(a);
        return o.reluAttributions ? r.relu() : r;
      }),
    );
    return out.length > 1 ? out : out[0]!;
  }
}

/**
 * compute_layer_gradients_and_eval: the layer's output (made to require grad, then replaced
 * by a clone so the graph runs through it) and the target's gradient with respect to it.
 */
function layerGradientsAndEvals(f: ForwardFunc, layer: Module, inputs: Tensor[], target: Target, extra: unknown[] | null, toInput: boolean, gradKwargs?: GradKwargs) {
  let evals: Tensor[] | null = null;
  return enableGrad(() => {
    const output = withLayerHook(layer, toInput, (v) => {
      const { list, single } = asTensors(v, toInput ? "input" : "output");
      for (const t of list) if (t.isFloatingPoint() && !t.requiresGrad) t.requiresGrad_(true);
      evals = list;
      const clones = list.map((t) => t.clone());
      return single ? clones[0] : clones;
    }, () => runForward(f, inputs, target, extra));
    if (evals === null) throw new AssertionError("Forward hook did not obtain any outputs for given layer");
    const grads = gradOfOutputs(output, evals, gradKwargs);
    return { grads, evals: (evals as Tensor[]).map((t) => t.detach()) };
  });
}

export interface LayerIntegratedGradientsOptions extends IntegratedGradientsOptions {
  attributeToLayerInput?: boolean;
  gradKwargs?: GradKwargs;
}

const LIG_ARGS = [...IG_ARGS, "attributeToLayerInput", "gradKwargs"] as const;

export class LayerIntegratedGradients extends LayerGradientAttribution {
  private readonly ig: IntegratedGradients;

  constructor(forwardFunc: ForwardFunc, layer: Module, opts?: { multiplyByInputs?: boolean });
  constructor(forwardFunc: ForwardFunc, layer: Module, deviceIds?: null, multiplyByInputs?: boolean);
  constructor(forwardFunc: ForwardFunc, layer: Module, ...rest: unknown[]) {
    const o = parseArgs<{ deviceIds: null; multiplyByInputs: boolean }>("LayerIntegratedGradients.__init__", ["deviceIds", "multiplyByInputs"], rest);
    super(forwardFunc, layer, o.deviceIds);
    this.ig = new IntegratedGradients(forwardFunc, o.multiplyByInputs ?? true);
  }
  override get multipliesByInputs(): boolean {
    return this.ig.multipliesByInputs;
  }
  override hasConvergenceDelta(): boolean {
    return true;
  }

  /**
   * Integrated Gradients of the layer's output: the model runs on the inputs with the layer's
   * output replaced by points between its values for the baselines and for the inputs. The
   * result has the layer's output shape (for an embedding: per token and dimension).
   */
  attribute(inputs: Inputs, opts: LayerIntegratedGradientsOptions & { returnConvergenceDelta: true }): [Tensor | Tensor[], Tensor];
  attribute(inputs: Inputs, opts?: LayerIntegratedGradientsOptions & { returnConvergenceDelta?: false }): Tensor | Tensor[];
  attribute(
    inputs: Inputs,
    baselines?: Baselines,
    target?: Target,
    additionalForwardArgs?: AdditionalForwardArgs,
    nSteps?: number,
    method?: ApproximationMethod,
    internalBatchSize?: number | null,
    returnConvergenceDelta?: boolean,
    attributeToLayerInput?: boolean,
    gradKwargs?: GradKwargs,
  ): Tensor | Tensor[] | [Tensor | Tensor[], Tensor];
  attribute(inputs: Inputs, ...rest: unknown[]): Tensor | Tensor[] | [Tensor | Tensor[], Tensor] {
    const o = parseArgs<LayerIntegratedGradientsOptions>("attribute", LIG_ARGS, rest);
    const inps = formatInputs(inputs).tuple;
    const raw = formatBaselines(o.baselines, inps);
    const nSteps = o.nSteps ?? 50;
    const method = o.method ?? "gausslegendre";
    validateInputs(inps, raw);
    validateSteps(nSteps, method);
    const baselines = tensorizeBaselines(inps, raw);
    const extra = formatExtra(o.additionalForwardArgs);
    const toInput = o.attributeToLayerInput ?? false;
    const inputsLayer = layerEval(this.forwardFunc, inps, this.layer, extra, toInput);
    const baselinesLayer = layerEval(this.forwardFunc, baselines, this.layer, extra, toInput);
    const single = inputsLayer.length === 1;
    // the gradient IG takes: the model on the (expanded) inputs, the layer's value replaced by the path's points
    this.ig.gradientFunc = (f, scaled, target, expanded) =>
      enableGrad(() => {
        const output = withLayerHook(this.layer, toInput, () => (toInput || !single ? scaled : scaled[0]), () => runForward(f, [], target, expanded));
        return gradOfOutputs(output, scaled, o.gradKwargs);
      });
    const allInputs = extra ? [...inps, ...extra] : inps;
    const attrs = this.ig.attribute(inputsLayer, {
      baselines: baselinesLayer,
      target: o.target,
      additionalForwardArgs: allInputs,
      nSteps,
      method,
      internalBatchSize: o.internalBatchSize,
    });
    const out = single ? attrs[0]! : attrs;
    if (!o.returnConvergenceDelta) return out;
    return [out, convergenceDelta(this.forwardFunc, attrs, baselines, inps, o.target, extra)];
  }
}
