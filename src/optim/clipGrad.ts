// Gradient clipping, as PyTorch 1.13's torch.nn.utils.clip_grad_norm_ / clip_grad_value_
// (re-exported as torch.nn.utils.clipGradNorm_ / clipGradValue_).
//
// clipGradNorm_: total = norm of the per-parameter gradient norms (one vector norm over all
// gradients), coef = min(maxNorm / (total + 1e-6), 1), every gradient scaled in place by coef.
// The arithmetic runs in the gradients' dtype, as PyTorch's. With errorIfNonfinite a NaN/inf
// total raises before any gradient is touched, so a bad step can be skipped.
import { warnOnce } from "../warnings.ts";
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { RuntimeError, TorchTypeError, ValueError } from "../errors.ts";
import { bool, describe, param, parseArgs, type Args } from "../args.ts";
import { number } from "./validate.ts";

/** Options of clipGradNorm_: PyTorch's maxNorm, normType and errorIfNonfinite. */
export interface ClipGradNormOptions {
  /** The largest total norm the gradients are scaled down to. */
  maxNorm?: number;
  /** 2 (default), Infinity, or any p > 0; also a string Python's float() reads ("inf", as PyTorch's `norm_type='inf'`) */
  normType?: number | string;
  /** throw when the total norm is NaN or infinite (default false: scale anyway, as PyTorch) */
  errorIfNonfinite?: boolean;
}

/** How Python prints a float: 2 -> "2.0", Infinity -> "inf". */
function pyFloat(x: number): string {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (Number.isNaN(x)) return "nan";
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** A number, or a string as Python's float() reads it (PyTorch takes norm_type = float(norm_type)). */
function pyFloatArg(v: unknown, arg: string, fn: string): number {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return number(v, arg, fn);
  const t = v.trim().toLowerCase().replace(/_/g, "");
  const special = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (special) return special[2] === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  throw new ValueError(`could not convert string to float: '${v}'`);
}

function asList(parameters: Tensor | Iterable<Tensor>, fn: string): Tensor[] {
  if (parameters instanceof torch.Tensor) return [parameters];
  const list = parameters !== null && typeof parameters === "object" && Symbol.iterator in parameters ? [...parameters] : null;
  if (list === null || list.some((p) => !(p instanceof torch.Tensor))) {
    throw new TorchTypeError(`${fn}(): argument 'parameters' must be a Tensor or an iterable of Tensors, but got ${list === null ? describe(parameters) : "an iterable holding a non-Tensor"}`);
  }
  return list;
}

// clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False)
const NORM_ARGS = [param("maxNorm", number), param("normType", pyFloatArg, 2), param("errorIfNonfinite", bool, false)];

/** The p-norm of all elements of g (PyTorch's torch.norm(g, p)). */
function vectorNorm(g: Tensor, p: number): Tensor {
  if (p === Infinity) return g.abs().amax();
  if (p === 2) return g.mul(g).sum().sqrt();
  if (p === 1) return g.abs().sum();
  return g.abs().pow(p).sum().pow(1 / p);
}

/**
 * Scales the gradients of `parameters` in place so that their total norm is at most maxNorm;
 * returns the total norm before clipping (a 0-dim tensor).
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  ...args: [maxNorm: number, ...rest: Args<[normType: number | string, errorIfNonfinite: boolean], ClipGradNormOptions>] | [options: ClipGradNormOptions & { maxNorm: number }]
): Tensor {
  const { maxNorm, normType, errorIfNonfinite } = parseArgs<{ maxNorm: number; normType: number; errorIfNonfinite: boolean }>("clip_grad_norm_", NORM_ARGS, args);
  const grads = asList(parameters, "clip_grad_norm_")
    .map((p) => p.grad)
    .filter((g): g is Tensor => g !== null && g !== undefined);
  if (grads.length === 0) return torch.tensor(0);
  return torch.noGrad(() => {
    let totalNorm: Tensor;
    if (normType === Infinity) {
      const norms = grads.map((g) => g.detach().abs().amax());
      totalNorm = norms.length === 1 ? norms[0]! : torch.stack(norms).amax();
    } else {
      totalNorm = vectorNorm(torch.stack(grads.map((g) => vectorNorm(g.detach(), normType))), normType);
    }
    if (errorIfNonfinite && totalNorm.device.type !== "cpu") {
      throw new RuntimeError(
        `clipGradNorm_(): errorIfNonfinite reads the total norm, which is on ${totalNorm.device} (read asynchronously): ` +
          "call it without errorIfNonfinite and check the returned norm: Number.isFinite(await norm.itemAsync())",
      );
    }
    if (errorIfNonfinite && !Number.isFinite(totalNorm.item())) {
      throw new RuntimeError(
        `The total norm of order ${pyFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot ` +
          "be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set " +
          "`errorIfNonfinite: false`",
      );
    }
    // maxNorm / (total + 1e-6) in the gradients' dtype, clamped to 1
    const clipCoef = torch.fullLike(totalNorm, maxNorm).div(totalNorm.add(1e-6));
    const clipCoefClamped = clipCoef.clamp({ max: 1.0 });
    for (const g of grads) g.detach().mul_(clipCoefClamped);
    return totalNorm;
  });
}

/** Clamps every gradient of `parameters` in place to [-clipValue, clipValue]. */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, ...args: [clipValue: number] | [options: { clipValue: number }]): void {
  const { clipValue } = parseArgs<{ clipValue: number }>("clip_grad_value_", [param("clipValue", number)], args);
  const list = asList(parameters, "clip_grad_value_");
  torch.noGrad(() => {
    for (const p of list) {
      if (p.grad !== null && p.grad !== undefined) p.grad.clamp_({ min: -clipValue, max: clipValue });
    }
  });
}

/** torch.nn.utils.clip_grad_norm: the deprecated spelling of `clipGradNorm_` (PyTorch's warning once). */
export function clipGradNorm(parameters: Tensor | Iterable<Tensor>, ...args: Parameters<typeof clipGradNorm_> extends [unknown, ...infer R] ? R : never): Tensor {
  warnOnce("torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_.");
  return clipGradNorm_(parameters, ...args);
}
