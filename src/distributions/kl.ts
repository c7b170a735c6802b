// torch.distributions.kl: klDivergence(p, q) dispatches on the classes of p and q to a function
// registered with registerKl, the most specific match first (PyTorch's _dispatch_kl, assuming
// single inheritance: the nearest ancestor of p's class, then of q's). The pairs PyTorch 1.13
// registers among the distributions torch-ts has are below, written as torch/distributions/kl.py
// writes them; its in-place `t[mask] = inf` assignments are `where`s (same values, and the
// gradient at masked elements is 0 in both).
import { TorchTypeError, NotImplementedError } from "../errors.ts";
import { softplus } from "../nn/functional/activations.ts";
import { full } from "../ops/creation.ts";
import { where } from "../ops/elementwise.ts";
import type { Tensor } from "../tensor.ts";
import { Bernoulli } from "./bernoulli.ts";
import { Categorical } from "./categorical.ts";
import { Distribution } from "./distribution.ts";
import { Normal } from "./normal.ts";
import { Uniform } from "./uniform.ts";

/** A Distribution class (its constructor), as Python's type_p / type_q. */
export type DistributionClass<T extends Distribution = Distribution> = {
  /** What instances inherit from: instances are T. */
  readonly prototype: T;
};
/** A function computing KL(p || q) for a pair of distributions, batched like them. */
export type KlFn<P extends Distribution, Q extends Distribution> = (p: P, q: Q) => Tensor;

const REGISTRY = new Map<DistributionClass, Map<DistributionClass, KlFn<Distribution, Distribution>>>();

/** register_kl(type_p, type_q)(fn): fn(p, q) computes KL(p || q) for instances of these classes (and subclasses). */
export function registerKl<P extends Distribution, Q extends Distribution>(typeP: DistributionClass<P>, typeQ: DistributionClass<Q>, fn: KlFn<P, Q>): KlFn<P, Q> {
  for (const [t, name] of [[typeP as unknown, "type_p"], [typeQ as unknown, "type_q"]] as const) {
    if (typeof t !== "function" || !(t === Distribution || (t.prototype as unknown) instanceof Distribution)) {
      throw new TorchTypeError(`Expected ${name} to be a Distribution subclass but got ${String(t)}`);
    }
  }
  if (typeof fn !== "function") throw new TorchTypeError("registerKl(): argument 'fn' must be a function");
  let row = REGISTRY.get(typeP);
  if (!row) REGISTRY.set(typeP, (row = new Map()));
  row.set(typeQ, fn as KlFn<Distribution, Distribution>);
  return fn;
}

/** The classes of an instance, its own first. */
function ancestors(d: Distribution): DistributionClass[] {
  const out: DistributionClass[] = [];
  for (let proto = Object.getPrototypeOf(d) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    out.push((proto as { constructor: DistributionClass }).constructor);
  }
  return out;
}

/** kl_divergence(p, q): KL(p || q), a tensor of the batch shape. */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  for (const [v, name] of [[p, "p"], [q, "q"]] as const) {
    if (!(v instanceof Distribution)) throw new TorchTypeError(`klDivergence(): argument '${name}' must be a Distribution`);
  }
  const qs = ancestors(q);
  for (const tp of ancestors(p)) {
    const row = REGISTRY.get(tp);
    const tq = row && qs.find((t) => row.has(t));
    if (tq) return row.get(tq)!(p, q);
  }
  throw new NotImplementedError(`No KL(p || q) is implemented for p type ${p.constructor.name} and q type ${q.constructor.name}`);
}

registerKl(Normal, Normal, (p, q) => {
  const varRatio = p.scale.div(q.scale).pow(2);
  const t1 = p.loc.sub(q.loc).div(q.scale).pow(2);
  return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
});

registerKl(Categorical, Categorical, (p, q) => {
  let t = p.probs.mul(p.logits.sub(q.logits));
  t = where(q.probs.eq(0).expand(t.shape), Infinity, t);
  t = where(p.probs.eq(0).expand(t.shape), 0, t);
  return t.sum(-1);
});

registerKl(Bernoulli, Bernoulli, (p, q) => {
  let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
  t1 = where(p.probs.eq(0), 0, where(q.probs.eq(0), Infinity, t1));
  let t2 = p.probs.neg().add(1).mul(softplus(q.logits).sub(softplus(p.logits)));
  t2 = where(p.probs.eq(1), 0, where(q.probs.eq(1), Infinity, t2));
  return t1.add(t2);
});

registerKl(Uniform, Uniform, (p, q) => {
  const result = q.high.sub(q.low).div(p.high.sub(p.low)).log();
  return where(q.low.gt(p.low).logicalOr(q.high.lt(p.high)), Infinity, result);
});

registerKl(Uniform, Normal, (p, q) => {
  const common = p.high.sub(p.low);
  const t1 = q.scale.mul(Math.sqrt(Math.PI * 2)).div(common).log();
  const t2 = common.pow(2).div(12);
  const t3 = p.high.add(p.low).sub(q.loc.mul(2)).div(2).pow(2);
  return t1.add(t2.add(t3).mul(0.5).div(q.scale.pow(2)));
});

/** _kl_normal_infinity: a Normal's mass is not inside any interval. */
registerKl(Normal, Uniform, (p) => full(p.loc.shape, Infinity, { dtype: p.loc.dtype }));
