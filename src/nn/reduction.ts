// Loss reductions, as PyTorch's torch/nn/_reduction.py: `reduction` is "none" | "mean" | "sum",
// and the legacy pair (size_average, reduce), when either is given, overrides it with a
// deprecation warning. Both are read once, when the loss (module or function call) is set up.
import { bool, nullable, param, str, type Checker, type Param } from "../args.ts";
import { ValueError } from "../errors.ts";

/** A loss's reduction: "none" (the pointwise losses), "mean" or "sum". */
export type Reduction = "none" | "mean" | "sum";

/** A string (TypeError otherwise), then PyTorch's ValueError for an unknown one ("avg is not a valid value for reduction"). */
export function reductionChecker<R extends string>(valid: readonly R[]): Checker<R> {
  return (v, arg, fn) => {
    if (!(valid as readonly string[]).includes(str(v, arg, fn))) throw new ValueError(`${String(v)} is not a valid value for reduction`);
    return v as R;
  };
}
export const reductionArg = reductionChecker<Reduction>(["none", "mean", "sum"]);

const warned = new Set<string>();

/** _Reduction.legacy_get_string: None counts as True; the deprecation warning is printed once. */
export function legacyReduction(sizeAverage: boolean | null, reduce: boolean | null): Reduction {
  const avg = sizeAverage ?? true;
  const red = reduce ?? true;
  const r: Reduction = avg && red ? "mean" : red ? "sum" : "none";
  const msg = `size_average and reduce args will be deprecated, please use reduction='${r}' instead.`;
  if (!warned.has(msg)) {
    warned.add(msg);
    console.warn(`${msg}`);
  }
  return r;
}

/** The reduction a loss uses: the legacy pair when either is given, `reduction` otherwise. */
export function resolveReduction<R extends string>(a: { sizeAverage: boolean | null; reduce: boolean | null; reduction: R }): R | Reduction {
  return a.sizeAverage !== null || a.reduce !== null ? legacyReduction(a.sizeAverage, a.reduce) : a.reduction;
}

/** The legacy arguments as PyTorch's signatures have them: size_average=None, reduce=None (null or a boolean). */
export const SIZE_AVERAGE: Param<boolean | null> = param("sizeAverage", nullable(bool), null);
export const REDUCE: Param<boolean | null> = param("reduce", nullable(bool), null);
export const REDUCTION: Param<Reduction> = param("reduction", reductionArg, "mean");
/**
 * `reduction` as a string, its value checked by the loss itself: the losses whose PyTorch code
 * checks it in their own place and words ("avg is not valid": gaussian_nll_loss after var's
 * size, multilabel_soft_margin_loss after computing).
 */
export const REDUCTION_CHECKED_LATER: Param<Reduction> = param("reduction", (v, arg, fn) => str(v, arg, fn) as Reduction, "mean");

/** The legacy pair in an options object. */
export interface LegacyReductionOptions {
  /** Deprecated: use reduction (PyTorch warns). */
  sizeAverage?: boolean | null;
  /** Deprecated: use reduction (PyTorch warns). */
  reduce?: boolean | null;
}
