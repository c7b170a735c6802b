// Perturbation methods, as Captum's feature_ablation.py and occlusion.py: each feature
// group in turn is replaced by its baseline and the change of the target's output,
// f(x) - f(x with the group ablated), is the attribution of every element of the group
// (FeatureAblation). Occlusion (Zeiler & Fergus 2014) takes as groups the positions of a
// window sliding with a stride, and averages over the windows covering each element.
// perturbationsPerEval groups are ablated per forward call, stacked along the batch.
import { noGrad } from "../autograd/gradMode.ts";
import { AssertionError, TorchTypeError } from "../errors.ts";
import { tensor, zeros } from "../ops/creation.ts";
import { cat, stack } from "../ops/shape.ts";
import { Tensor } from "../tensor.ts";
import { PerturbationAttribution } from "./attribution.ts";
import {
  expandExtra,
  expandTarget,
  formatBaselines,
  formatExtra,
  formatInputs,
  formatOutput,
  parseArgs,
  repeatCat,
  runForward,
  type AdditionalForwardArgs,
  type Attributions,
  type Baseline,
  type Baselines,
  type Inputs,
  type Target,
} from "./common.ts";

/** The feature groups of a method: their ids in order, which inputs each touches, and how to ablate a batch of them. */
interface Features {
  ids: number[];
  owners: Map<number, number[]>;
  /** The inputs (k copies of the batch stacked) with group j ablated in copy j, and per input the masks [k, ...]. */
  ablate(inputs: readonly Tensor[], baselines: readonly Baseline[], group: readonly number[]): { inputs: Tensor[]; masks: Array<Tensor | null> };
}

/** A number or a tensor baseline as Captum reshapes it for ablation: tensors get a leading 1. */
function batchedBaseline(b: Baseline): Baseline {
  return typeof b === "number" ? b : b.reshape([1, ...b.shape]);
}

/** x * (1 - m) + b * m in x's dtype (or the promoted one), with m a 0/1 mask. */
function blend(x: Tensor, b: Baseline, m: Tensor): Tensor {
  const keep = m.neg().add(1);
  return x.mul(keep).add(typeof b === "number" ? m.mul(b) : b.mul(m));
}

/** Prints "<Method> attribution: i/total" lines when showProgress asks for it. */
function progress(name: string, total: number, show: boolean): () => void {
  let done = 0;
  if (show) console.error(`${name} attribution: 0/${total}`);
  return () => {
    done++;
    if (show && (done === total || done % Math.max(1, Math.floor(total / 10)) === 0)) console.error(`${name} attribution: ${done}/${total}`);
  };
}

/** FeatureAblation's loop over the feature groups (Captum's _attribute_with_cross_tensor_feature_masks). */
function ablationAttribute(
  name: string,
  f: PerturbationAttribution["forwardFunc"],
  inputs: readonly Tensor[],
  baselines: readonly Baseline[],
  target: Target,
  extra: unknown[] | null,
  features: Features,
  perturbationsPerEval: number,
  showProgress: boolean,
  useWeights: boolean,
): Tensor[] {
  if (!Number.isInteger(perturbationsPerEval) || perturbationsPerEval < 1) throw new AssertionError("Perturbations per evaluation must be an integer and at least 1.");
  return noGrad(() => {
    const step = progress(name, Math.ceil(features.ids.length / perturbationsPerEval) + 1, showProgress);
    const initial = runForward(f, inputs, target, extra);
    step();
    const nOut = initial.numel();
    const flat0 = initial.reshape(1, -1);
    const dtype = flat0.dtype;
    const total = inputs.map((x) => zeros([nOut, ...x.shape.slice(1)], { dtype }));
    const weights = inputs.map((x) => zeros([nOut, ...x.shape.slice(1)], { dtype: "float32" }));
    const n = inputs[0]!.shape[0]!;
    const p = perturbationsPerEval;
    const repeated = p > 1 ? inputs.map((x) => repeatCat(x, p)) : inputs;
    const shaped = baselines.map(batchedBaseline);
    let checked = false;
    for (let s = 0; s < features.ids.length; s += p) {
      const group = features.ids.slice(s, s + p);
      const k = group.length;
      const cur = k !== p ? repeated.map((r) => r.narrow(0, 0, k * n)) : repeated;
      const { inputs: ablated, masks } = features.ablate(cur, shaped, group);
      let modified = runForward(f, ablated, expandTarget(target, k), expandExtra(extra, k));
      step();
      if (p > 1 && !checked) {
        const want = (ablated[0]!.shape[0]! / n) * (initial.shape[0] ?? 1);
        if (modified.shape.length === 0 || initial.shape.length === 0 || modified.shape[0] !== want) {
          throw new AssertionError(
            `When perturbations_per_eval > 1, forward_func's output should be a tensor whose 1st dim grow with the input batch size: when input batch size is ${n}, the output shape is torch.Size([${initial.shape.join(", ")}]); when input batch size is ${ablated[0]!.shape[0]}, the output shape is torch.Size([${modified.shape.join(", ")}])`,
          );
        }
        checked = true;
      }
      modified = modified.reshape(-1, nOut);
      const diff = flat0.sub(modified);
      masks.forEach((m, i) => {
        if (m === null || inputs[i]!.numel() === 0) return;
        if (useWeights) weights[i] = weights[i]!.add(m.to("float32").sum(0));
        const d = diff.reshape([...diff.shape, ...new Array<number>(inputs[i]!.dim() - 1).fill(1)]);
        total[i] = total[i]!.add(d.mul(m.to(dtype)).sum(0));
      });
    }
    return useWeights ? total.map((t, i) => t.to("float32").div(weights[i]!)) : total;
  });
}

/** Sorted distinct values of an integer tensor (torch.unique). */
function unique(t: Tensor): number[] {
  const flat = t.reshape(-1).tolist() as number[];
  return [...new Set(flat.map(Number))].sort((a, b) => a - b);
}

export interface FeatureAblationOptions {
  baselines?: Baselines;
  target?: Target;
  additionalForwardArgs?: AdditionalForwardArgs;
  /** Per input, integer feature ids (broadcasting to the input; default: every element its own feature, numbered across inputs). */
  featureMask?: Tensor | readonly Tensor[] | null;
  /** Feature groups ablated per forward call (default 1). */
  perturbationsPerEval?: number;
  showProgress?: boolean;
}

const FA_ARGS = ["baselines", "target", "additionalForwardArgs", "featureMask", "perturbationsPerEval", "showProgress"] as const;

export class FeatureAblation extends PerturbationAttribution {
  /** f(x) - f(x with the group at its baseline), for every element of each feature group. */
  attribute<I extends Inputs>(inputs: I, opts?: FeatureAblationOptions): Attributions<I>;
  attribute<I extends Inputs>(
    inputs: I,
    baselines?: Baselines,
    target?: Target,
    additionalForwardArgs?: AdditionalForwardArgs,
    featureMask?: Tensor | readonly Tensor[] | null,
    perturbationsPerEval?: number,
    showProgress?: boolean,
  ): Attributions<I>;
  attribute<I extends Inputs>(inputs: I, ...rest: unknown[]): Attributions<I> {
    const o = parseArgs<FeatureAblationOptions>("attribute", FA_ARGS, rest);
    const { tuple, isTuple } = formatInputs(inputs);
    const baselines = formatBaselines(o.baselines, tuple);
    let masks: Tensor[];
    if (o.featureMask === undefined || o.featureMask === null) {
      let next = 0;
      masks = tuple.map((x) => {
        const count = x.narrow(0, 0, Math.min(1, x.shape[0]!)).numel();
        const m = tensor(Array.from({ length: count }, (_, i) => next + i)).reshape([1, ...x.shape.slice(1)]);
        next += count;
        return m;
      });
    } else masks = formatInputs(o.featureMask, "feature_mask").tuple;
    const owners = new Map<number, number[]>();
    masks.forEach((m, i) => {
      for (const v of unique(m)) owners.set(v, [...(owners.get(v) ?? []), i]);
    });
    const n = tuple[0]!.shape[0]!;
    const features: Features = {
      ids: [...owners.keys()],
      owners,
      ablate: (cur, bs, group) => {
        const touched = new Set(group.flatMap((g) => owners.get(g)!));
        const masksOut: Array<Tensor | null> = [];
        const out = cur.map((x, i) => {
          if (!touched.has(i)) return masksOut.push(null), x;
          const ms: Tensor[] = [];
          const parts = group.map((fid, j) => {
            const m = masks[i]!.eq(fid);
            ms.push(m);
            const rows = x.narrow(0, j * n, n);
            return blend(rows, bs[i]!, m.to(x.dtype)).reshape(rows.shape);
          });
          masksOut.push(stack(ms, 0));
          return cat(parts, 0);
        });
        return { inputs: out, masks: masksOut };
      },
    };
    const attrs = ablationAttribute("Feature Ablation", this.forwardFunc, tuple, baselines, o.target, formatExtra(o.additionalForwardArgs), features, o.perturbationsPerEval ?? 1, o.showProgress ?? false, false);
    return formatOutput<I>(isTuple, attrs);
  }
}

export interface OcclusionOptions {
  /** Per-dimension steps of the window (per input): a number for all dims, or one per dim (default 1). */
  strides?: number | readonly number[] | ReadonlyArray<number | readonly number[]> | null;
  baselines?: Baselines;
  target?: Target;
  additionalForwardArgs?: AdditionalForwardArgs;
  perturbationsPerEval?: number;
  showProgress?: boolean;
}

const OCC_ARGS = ["slidingWindowShapes", "strides", "baselines", "target", "additionalForwardArgs", "perturbationsPerEval", "showProgress"] as const;

export class Occlusion extends PerturbationAttribution {
  /**
   * Every position of a window of `slidingWindowShapes` (per input, the shape without the
   * batch dim) moved by `strides` is set to its baseline; each element's attribution is the
   * mean output change over the windows covering it (in float32, as Captum).
   */
  attribute<I extends Inputs>(inputs: I, slidingWindowShapes: readonly number[] | readonly (readonly number[])[], opts?: OcclusionOptions): Attributions<I>;
  attribute<I extends Inputs>(
    inputs: I,
    slidingWindowShapes: readonly number[] | readonly (readonly number[])[],
    strides?: OcclusionOptions["strides"],
    baselines?: Baselines,
    target?: Target,
    additionalForwardArgs?: AdditionalForwardArgs,
    perturbationsPerEval?: number,
    showProgress?: boolean,
  ): Attributions<I>;
  attribute<I extends Inputs>(inputs: I, ...rest: unknown[]): Attributions<I> {
    const o = parseArgs<OcclusionOptions & { slidingWindowShapes: readonly number[] | readonly (readonly number[])[] }>("attribute", OCC_ARGS, rest);
    if (o.slidingWindowShapes === undefined) throw new TorchTypeError("attribute() missing 1 required positional argument: 'sliding_window_shapes'");
    const { tuple, isTuple } = formatInputs(inputs);
    const windows = formatWindows(o.slidingWindowShapes, tuple);
    const strides = formatStrides(o.strides ?? null, tuple);
    const shifts = tuple.map((x, i) => {
      const w = windows[i]!;
      const st = strides[i]!;
      const room = x.shape.slice(1).map((s, d) => s - w[d]!);
      if (room.some((r) => r < 0)) throw new AssertionError(`Sliding window dimensions (${w.join(", ")}) cannot exceed input dimensions(${x.shape.slice(1).join(", ")}).`);
      if (room.some((r, d) => r !== 0 && st[d]! > w[d]!)) throw new AssertionError(`Stride dimension ${fmtStride(o.strides, i, st)} cannot be larger than sliding window shape dimension (${w.join(", ")}).`);
      return room.map((r, d) => Math.ceil(r / st[d]!) + 1);
    });
    const firsts: number[] = [];
    const owners = new Map<number, number[]>();
    let next = 0;
    shifts.forEach((sc, i) => {
      firsts.push(next);
      const count = sc.reduce((a, b) => a * b, 1);
      for (let j = 0; j < count; j++) owners.set(next++, [i]);
    });
    // the window of feature fid of input i, as a [1, ...shape[1:]] 0/1 mask (cut at the far edges)
    const windowMask = (i: number, fid: number): Tensor => {
      const x = tuple[i]!;
      let rest = fid - firsts[i]!;
      const m = zeros([1, ...x.shape.slice(1)]);
      let region = m;
      shifts[i]!.forEach((sc, d) => {
        const at = (rest % sc) * strides[i]![d]!;
        rest = Math.floor(rest / sc);
        region = region.narrow(d + 1, at, Math.min(windows[i]![d]!, x.shape[d + 1]! - at));
      });
      region.fill_(1);
      return m;
    };
    const features: Features = {
      ids: [...owners.keys()],
      owners,
      ablate: (cur, bs, group) => {
        const touched = new Set(group.flatMap((g) => owners.get(g)!));
        const k = group.length;
        const masks: Array<Tensor | null> = [];
        const out = cur.map((x, i) => {
          if (!touched.has(i)) return masks.push(null), x;
          const cm = stack(group.map((fid) => (owners.get(fid)![0] === i ? windowMask(i, fid) : zeros([1, ...x.shape.slice(1)]))), 0);
          masks.push(cm);
          const a = x.reshape([k, -1, ...x.shape.slice(1)]);
          return blend(a, bs[i]!, cm.to(x.dtype)).reshape(x.shape);
        });
        return { inputs: out, masks };
      },
    };
    const attrs = ablationAttribute("Occlusion", this.forwardFunc, tuple, formatBaselines(o.baselines, tuple), o.target, formatExtra(o.additionalForwardArgs), features, o.perturbationsPerEval ?? 1, o.showProgress ?? false, true);
    return formatOutput<I>(isTuple, attrs);
  }
}

function fmtStride(given: unknown, i: number, st: readonly number[]): string {
  const s = Array.isArray(given) ? given[i] : given;
  return typeof s === "number" ? String(s) : `(${st.join(", ")})`;
}

/** _format_and_verify_sliding_window_shapes: one shape (without the batch dim) per input. */
function formatWindows(shapes: readonly number[] | readonly (readonly number[])[], inputs: readonly Tensor[]): number[][] {
  const list = (typeof shapes[0] === "number" ? [shapes] : shapes) as number[][];
  if (list.length !== inputs.length) throw new AssertionError("Must provide sliding window dimensions for each input tensor.");
  list.forEach((w, i) => {
    if (!Array.isArray(w) || w.length !== inputs[i]!.dim() - 1) {
      throw new AssertionError(`Occlusion shape for input index ${i} is ${JSON.stringify(w)} but should be a tuple with ${inputs[i]!.dim() - 1} dimensions.`);
    }
  });
  return list;
}

/** _format_and_verify_strides: per input a number (all dims) or one per dim; a lone input's array is its per-dim strides. */
function formatStrides(strides: OcclusionOptions["strides"], inputs: readonly Tensor[]): number[][] {
  let list: ReadonlyArray<number | readonly number[]>;
  if (strides === null) list = inputs.map(() => 1);
  else if (inputs.length === 1 && !(Array.isArray(strides) && strides.length === 1)) list = [strides as number | readonly number[]];
  else list = strides as ReadonlyArray<number | readonly number[]>;
  if (!Array.isArray(list) || list.length !== inputs.length) throw new AssertionError("Strides must be provided for each input tensor.");
  return list.map((s, i) => {
    const nd = inputs[i]!.dim() - 1;
    if (typeof s === "number") return new Array<number>(nd).fill(s);
    if (!Array.isArray(s) || s.length !== nd) {
      throw new AssertionError(`Stride for input index ${i} is ${JSON.stringify(s)}, which is invalid for input with shape torch.Size([${inputs[i]!.shape.join(", ")}]). It must be either an int or a tuple with length equal to len(input_shape) - 1.`);
    }
    return [...s];
  });
}
