// torch.distributions.constraints: the sets a distribution's parameters and samples must lie in.
// check(value) returns a bool tensor (per event for constraints with an event dim); the names
// print as PyTorch's reprs ("GreaterThan(lower_bound=0.0)"), which its error messages quote.
import { ValueError } from "../errors.ts";
import { pyFloat } from "../nn/repr.ts";
import type { Tensor } from "../tensor.ts";
import { pyFormat } from "./utils.ts";

/** all() over the last dim of a bool tensor. */
export const allLast = (t: Tensor): Tensor => t.logicalNot().sum(-1).eq(0);

export abstract class Constraint {
  /** Whether the set is discrete (integer or boolean values). */
  get isDiscrete(): boolean {
    return false;
  }
  /** How many rightmost dims of a value make one event. */
  get eventDim(): number {
    return 0;
  }
  abstract check(value: Tensor): Tensor;
  toString(): string {
    return `${this.constructor.name}()`;
  }
}

export class Real extends Constraint {
  /** False for NaN. */
  check(value: Tensor): Tensor {
    return value.eq(value);
  }
}

export class GreaterThan extends Constraint {
  constructor(readonly lowerBound: number) {
    super();
  }
  check(value: Tensor): Tensor {
    return value.gt(this.lowerBound);
  }
  override toString(): string {
    return `GreaterThan(lower_bound=${pyFloat(this.lowerBound)})`;
  }
}

/** [lower, upper]; the bounds may be tensors (Uniform's support), printed as Python formats them. */
export class Interval extends Constraint {
  constructor(readonly lowerBound: number | Tensor, readonly upperBound: number | Tensor) {
    super();
  }
  check(value: Tensor): Tensor {
    return value.ge(this.lowerBound).logicalAnd(value.le(this.upperBound));
  }
  override toString(): string {
    const fmt = (b: number | Tensor): string => (typeof b === "number" ? pyFloat(b) : pyFormat(b));
    return `Interval(lower_bound=${fmt(this.lowerBound)}, upper_bound=${fmt(this.upperBound)})`;
  }
}

/**
 * A constraint that depends on the other parameters (Uniform's low and high): never checked
 * when the distribution validates its parameters, as PyTorch's constraints.dependent.
 */
export class Dependent extends Constraint {
  check(): Tensor {
    throw new ValueError("Cannot determine validity of dependent constraint");
  }
  override toString(): string {
    return "Dependent()";
  }
}
export const dependent = new Dependent();

export class IntegerInterval extends Constraint {
  constructor(readonly lowerBound: number, readonly upperBound: number) {
    super();
  }
  override get isDiscrete(): boolean {
    return true;
  }
  /** value % 1 == 0 and lower <= value <= upper (floats: equal to their truncation; NaN fails every comparison). */
  check(value: Tensor): Tensor {
    const inRange = value.ge(this.lowerBound).logicalAnd(value.le(this.upperBound));
    if (!value.isFloatingPoint()) return inRange;
    const bounded = value.clamp(this.lowerBound - 1, this.upperBound + 1);
    return inRange.logicalAnd(bounded.to("int64").to(value.dtype).eq(value));
  }
  override toString(): string {
    return `IntegerInterval(lower_bound=${this.lowerBound}, upper_bound=${this.upperBound})`;
  }
}

/** {0, 1} (PyTorch's constraints.boolean). */
export class BooleanConstraint extends Constraint {
  override get isDiscrete(): boolean {
    return true;
  }
  check(value: Tensor): Tensor {
    return value.eq(0).logicalOr(value.eq(1));
  }
  override toString(): string {
    return "Boolean()";
  }
}

/** Nonnegative entries summing to 1 (to 1e-6) over the last dim. */
export class Simplex extends Constraint {
  override get eventDim(): number {
    return 1;
  }
  check(value: Tensor): Tensor {
    return allLast(value.ge(0)).logicalAnd(value.sum(-1).sub(1).abs().lt(1e-6));
  }
}

/** `base` holding for every entry of the rightmost `reinterpretedBatchNdims` dims. */
export class IndependentConstraint extends Constraint {
  constructor(readonly base: Constraint, readonly reinterpretedBatchNdims: number) {
    super();
  }
  override get isDiscrete(): boolean {
    return this.base.isDiscrete;
  }
  override get eventDim(): number {
    return this.base.eventDim + this.reinterpretedBatchNdims;
  }
  check(value: Tensor): Tensor {
    const result = this.base.check(value);
    const k = this.reinterpretedBatchNdims;
    if (result.dim() < k) throw new ValueError(`Expected value.dim() >= ${this.base.eventDim + k} but got ${value.dim()}`);
    return allLast(result.reshape([...result.shape.slice(0, result.dim() - k), -1]));
  }
  override toString(): string {
    return `IndependentConstraint(${String(this.base)}, ${this.reinterpretedBatchNdims})`;
  }
}

export const real = new Real();
export const realVector = new IndependentConstraint(real, 1);
export const positive = new GreaterThan(0);
export const unitInterval = new Interval(0, 1);
export const simplex = new Simplex();
export const boolean = new BooleanConstraint();
export const integerInterval = (lowerBound: number, upperBound: number): IntegerInterval => new IntegerInterval(lowerBound, upperBound);
