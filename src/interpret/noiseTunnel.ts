// NoiseTunnel, as Captum's noise_tunnel.py: a method run on copies of the inputs with
// Gaussian noise added, its results averaged per example (SmoothGrad, Smilkov et al. 2017),
// their squares averaged (smoothgrad_sq), or their variance (VarGrad, Adebayo et al. 2018).
// Draws follow Captum: per batch of noisy copies, one float32 normal tensor per input
// (torch.normal(0, torch.tensor(stdev).repeat(size))), in input order, before the method runs.
import { getDefaultDtype } from "../dtype.ts";
import { noGrad } from "../autograd/gradMode.ts";
import { AssertionError, TorchTypeError } from "../errors.ts";
import { randint, randn } from "../ops/creation.ts";
import { cat } from "../ops/shape.ts";
import type { Tensor } from "../tensor.ts";
import { Attribution } from "./attribution.ts";
import {
  expandExtra,
  expandTarget,
  formatBaselines,
  formatExtra,
  formatInputs,
  formatOutput,
  isPlainObject,
  parseArgs,
  repeatInterleave,
  validateInputs,
  type Attributions,
  type Inputs,
  type Target,
} from "./common.ts";

export type NoiseTunnelType = "smoothgrad" | "smoothgrad_sq" | "vargrad";
export const SUPPORTED_NOISE_TUNNEL_TYPES: readonly NoiseTunnelType[] = ["smoothgrad", "smoothgrad_sq", "vargrad"];

export interface NoiseTunnelOptions {
  ntType?: NoiseTunnelType;
  /** Noisy copies per example (default 5). */
  ntSamples?: number;
  /** Copies per call of the method (default all). */
  ntSamplesBatchSize?: number | null;
  /** Standard deviation of the noise, one for all inputs or one per input (default 1). */
  stdevs?: number | readonly number[];
  /** Draw each copy's baseline at random from the baselines given (GradientShap). */
  drawBaselineFromDistrib?: boolean;
}

/** What NoiseTunnel passes on to the wrapped method: target, baselines, additionalForwardArgs, ... */
export type NoiseTunnelMethodOptions = Record<string, unknown>;

/** An attribution method NoiseTunnel can wrap (one with attribute(inputs, options)). */
export interface AttributesInputs {
  /** Attributions of `inputs` with the method's options. */
  attribute(inputs: Inputs, opts: Record<string, unknown>): unknown;
}

const NT_ARGS = ["ntType", "ntSamples", "ntSamplesBatchSize", "stdevs", "drawBaselineFromDistrib"] as const;

export class NoiseTunnel extends Attribution {
  readonly attributionMethod: Attribution & AttributesInputs;

  constructor(attributionMethod: Attribution) {
    if (!(attributionMethod instanceof Attribution)) throw new TorchTypeError("NoiseTunnel: attribution_method must be an attribution method (Saliency, IntegratedGradients, ...)");
    super(attributionMethod.forwardFunc);
    this.attributionMethod = attributionMethod as Attribution & AttributesInputs;
  }

  override get multipliesByInputs(): boolean {
    return this.attributionMethod.multipliesByInputs;
  }
  override hasConvergenceDelta(): boolean {
    return this.attributionMethod.hasConvergenceDelta();
  }

  /**
   * The wrapped method's attributions of noisy copies of the inputs, combined per ntType. The
   * options object also carries the method's own options (target, baselines, ...); with
   * returnConvergenceDelta the method's deltas of every copy come back too: [attributions, delta].
   */
  attribute<I extends Inputs>(inputs: I, opts: NoiseTunnelOptions & NoiseTunnelMethodOptions & { returnConvergenceDelta: true }): [Attributions<I>, Tensor];
  attribute<I extends Inputs>(inputs: I, opts?: NoiseTunnelOptions & NoiseTunnelMethodOptions): Attributions<I>;
  attribute<I extends Inputs>(
    inputs: I,
    ntType?: NoiseTunnelType,
    ntSamples?: number,
    ntSamplesBatchSize?: number | null,
    stdevs?: number | readonly number[],
    drawBaselineFromDistrib?: boolean,
    kwargs?: NoiseTunnelMethodOptions,
  ): Attributions<I> | [Attributions<I>, Tensor];
  attribute<I extends Inputs>(inputs: I, ...rest: unknown[]): Attributions<I> | [Attributions<I>, Tensor] {
    const last = rest[rest.length - 1];
    const passed: Record<string, unknown> = {};
    if (isPlainObject(last)) {
      // the method's options travel in the same object: keep NoiseTunnel's own, pass the rest on
      const own: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(last)) ((NT_ARGS as readonly string[]).includes(k) ? own : passed)[k] = v;
      rest = [...rest.slice(0, -1), own];
    }
    const o = parseArgs<NoiseTunnelOptions>("attribute", NT_ARGS, rest);
    const wantDelta = passed.returnConvergenceDelta === true;
    const ntType = o.ntType ?? "smoothgrad";
    const ntSamples = o.ntSamples ?? 5;
    const stdevs = o.stdevs ?? 1.0;
    const fromDistrib = o.drawBaselineFromDistrib ?? false;
    return noGrad(() => {
      const bsz = o.ntSamplesBatchSize === undefined || o.ntSamplesBatchSize === null ? ntSamples : Math.min(ntSamples, o.ntSamplesBatchSize);
      const partitions = Math.floor(ntSamples / bsz);
      const { tuple, isTuple } = formatInputs(inputs);
      if (!SUPPORTED_NOISE_TUNNEL_TYPES.includes(ntType)) throw new AssertionError(`Noise types must be either \`smoothgrad\`, \`smoothgrad_sq\` or \`vargrad\`. Given ${ntType}`);
      const stds = typeof stdevs === "number" ? tuple.map(() => stdevs) : [...stdevs];
      if (typeof stdevs !== "number" && stds.length !== tuple.length) {
        throw new AssertionError(`The number of input tensors in ${tuple.length} must be equal to the number of stdevs values ${stds.length}`);
      }
      let sums: Tensor[] | null = null;
      let squares: Tensor[] | null = null;
      const deltas: Tensor[] = [];
      const run = (n: number, kwargs: Record<string, unknown>, noisy: Tensor[]) => {
        let r = this.attributionMethod.attribute(isTuple ? noisy : noisy[0]!, kwargs);
        if (wantDelta && this.hasConvergenceDelta()) {
          const [a, d] = r as [unknown, Tensor];
          deltas.push(d);
          r = a;
        }
        const attrs = formatInputs(r, "attributions").tuple;
        const cur = attrs.map((a) => a.view([a.shape[0]! / n, n, ...a.shape.slice(1)]));
        const s = cur.map((a) => a.sum(1));
        const q = cur.map((a) => a.pow(2).sum(1));
        sums = sums === null ? s : sums.map((t, i) => t.add(s[i]!));
        squares = squares === null ? q : squares.map((t, i) => t.add(q[i]!));
      };
      const first = expandPartial(bsz, passed, tuple, fromDistrib);
      for (let p = 0; p < partitions; p++) run(bsz, first, this.addNoise(bsz, tuple, stds));
      const remaining = ntSamples - partitions * bsz;
      if (remaining > 0) {
        const noisy = this.addNoise(remaining, tuple, stds);
        run(remaining, expandPartial(remaining, passed, tuple, fromDistrib), noisy);
      }
      const mean = sums!.map((t: Tensor) => t.div(ntSamples));
      const meanSq = squares!.map((t: Tensor) => t.div(ntSamples));
      const res = ntType === "smoothgrad" ? mean : ntType === "smoothgrad_sq" ? meanSq : meanSq.map((q, i) => q.sub(mean[i]!.mul(mean[i]!)));
      const out = formatOutput<I>(isTuple, res);
      return wantDelta && this.hasConvergenceDelta() ? [out, cat(deltas, 0)] : out;
    });
  }

  /** Each input repeated n times per example, plus float32 N(0, stdev^2) noise (one draw per input, in order). */
  private addNoise(n: number, inputs: readonly Tensor[], stdevs: readonly number[]): Tensor[] {
    return inputs.map((x, i) => {
      const s = stdevs[i]!;
      if (typeof s !== "number") throw new AssertionError(`stdevs must be type float. Given: ${typeof s}`);
      const dtype = getDefaultDtype();
      const noise = randn([x.shape[0]! * n, ...x.shape.slice(1)], { dtype }).mul(s);
      const t = repeatInterleave(x, n).add(noise);
      return this.attributionMethod.isGradientMethod ? t.requiresGrad_() : t;
    });
  }
}

/**
 * Captum's _expand_partial: the method's per-example options repeated for n copies of each
 * example (each example's copies in a row), and with drawBaselineFromDistrib a baseline drawn
 * per copy from each input's baselines. Captum draws those indices with numpy
 * (np.random.choice); torch-ts draws them with torch.randint from the default generator.
 */
function expandPartial(n: number, kwargs: Record<string, unknown>, inputs: readonly Tensor[], fromDistrib: boolean): Record<string, unknown> {
  const k = { ...kwargs };
  if (k.additionalForwardArgs !== undefined && k.additionalForwardArgs !== null) k.additionalForwardArgs = expandExtra(formatExtra(k.additionalForwardArgs), n, true);
  if ("target" in k) k.target = expandTarget(k.target as Target, n, true);
  if ("baselines" in k) {
    const baselines = formatBaselines(k.baselines, inputs);
    validateInputs(inputs, baselines, fromDistrib);
    const bsz = inputs[0]!.shape[0]!;
    k.baselines = baselines.map((b, i) => {
      if (typeof b === "number") return b;
      if (fromDistrib) return b.indexSelect(0, randint(0, b.shape[0]!, [n * bsz]));
      return b.shape[0] === inputs[i]!.shape[0] && b.shape[0]! > 1 ? repeatInterleave(b, n) : b;
    });
  }
  if (k.featureMask !== undefined && k.featureMask !== null) {
    const masks = formatInputs(k.featureMask, "feature_mask");
    const expanded = masks.tuple.map((m) => (m.shape[0]! > 1 ? repeatInterleave(m, n) : m));
    k.featureMask = masks.isTuple ? expanded : expanded[0];
  }
  return k;
}
