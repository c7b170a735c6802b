// torch.cov and torch.corrcoef, written with existing ops as PyTorch's own composite
// (aten/src/ATen/native/Correlation.cpp), so their gradients come from the parts.
import { checkTensor, int, nullable, param, parseArgs } from "../args.ts";
import { isFloating, scalarTypeName, toFloating } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { clamp, where } from "./elementwise.ts";
import { mm } from "./linalg.ts";

/** Options of torch.cov. */
export interface CovOptions {
  /** Subtracted from the number of observations (or the weights' sum) in the normalization: 1 is Bessel's correction (the default). */
  correction?: number;
  /** Integer frequency weights: how many times each observation occurs. */
  fweights?: Tensor | null;
  /** Observation weights (importance). */
  aweights?: Tensor | null;
}
const tensorArg = (v: unknown, a: string, f: string) => checkTensor(v, a, f);
const COV = [param("correction", int(), 1), param("fweights", nullable(tensorArg), null), param("aweights", nullable(tensorArg), null)];

/**
 * torch.cov(input, *, correction=1, fweights=None, aweights=None): the covariance matrix of the
 * variables in input's rows (a 1-D input is one variable: a 0-dim result), observations in the
 * columns.
 */
export function cov(x: Tensor, opts?: CovOptions): Tensor {
  checkTensor(x, "input", "cov");
  const { correction, fweights, aweights } = parseArgs<{ correction: number; fweights: Tensor | null; aweights: Tensor | null }>("cov", [], opts === undefined ? [] : [opts], COV);
  if (x.ndim > 2) throw new RuntimeError(`cov(): expected input to have two or fewer dimensions but got an input with ${x.ndim} dimensions`);
  const obs = x.ndim < 2 ? x.reshape([1, -1]) : x;
  const n = obs.shape[1]!;
  const check = (w: Tensor | null, name: string, integral: boolean): void => {
    if (w === null) return;
    if (w.ndim > 1) throw new RuntimeError(`cov(): expected ${name} to have one or fewer dimensions but got ${name} with ${w.ndim} dimensions`);
    if (w.numel() !== n) throw new RuntimeError(`cov(): expected ${name} to have the same numel as there are observations in the input but got ${w.numel()} != ${n}`);
    if (integral && isFloating(w.dtype)) throw new RuntimeError(`cov(): expected fweights to have integral dtype but got fweights with ${scalarTypeName(w.dtype)} dtype`);
    if (!integral && !isFloating(w.dtype)) throw new RuntimeError(`cov(): expected aweights to have floating point dtype but got aweights with ${scalarTypeName(w.dtype)} dtype`);
  };
  check(fweights, "fweights", true);
  check(aweights, "aweights", false);
  const xf = isFloating(obs.dtype) ? obs : obs.to(toFloating(obs.dtype));
  let w: Tensor | null = fweights;
  if (aweights !== null) w = w === null ? aweights : w.mul(aweights);
  const wSum = w === null ? n : w.sum();
  const avg = (w === null ? xf.sum(1) : xf.mul(w).sum(1)).div(wSum);
  let norm: Tensor | number;
  if (w === null) norm = n - correction;
  else if (correction === 0) norm = wSum;
  else if (aweights === null) norm = (wSum as Tensor).sub(correction);
  else norm = (wSum as Tensor).sub(w.mul(aweights).sum().mul(correction).div(wSum));
  if (typeof norm === "number") norm = Math.max(norm, 0);
  else norm = clamp(norm, 0, null);
  const centered = xf.sub(avg.unsqueeze(1));
  const c = mm(centered, (w === null ? centered : centered.mul(w)).t()).div(norm);
  return x.ndim < 2 ? c.squeeze() : c;
}

/**
 * torch.corrcoef(input): Pearson's correlation coefficients of input's rows (cov divided by
 * the standard deviations, clipped to [-1, 1]); a 1-D input gives a 0-dim result.
 */
export function corrcoef(x: Tensor): Tensor {
  checkTensor(x, "input", "corrcoef");
  if (x.ndim > 2) throw new RuntimeError(`corrcoef(): expected input to have two or fewer dimensions but got an input with ${x.ndim} dimensions`);
  const c = cov(x);
  if (c.ndim === 0) return c.div(c);
  const sd = c.diagonal().sqrt();
  const r = c.div(sd.unsqueeze(1)).div(sd.unsqueeze(0));
  // as PyTorch: clipped, NaN kept
  return where(r.isnan(), r, clamp(r, -1, 1));
}
