// torch.distributions.constraints: the sets a distribution's parameters and samples must lie in.
// check(value) returns a bool tensor (per event for constraints with an event dim); the names
// print as PyTorch's reprs ("GreaterThan(lower_bound=0.0)"), which its error messages quote.
import { ValueError } from "../errors.ts";
import { pyFloat } from "../nn/repr.ts";
import type { Tensor } from "../tensor.ts";
import { pyFormat } from "./utils.ts";

/** all() over the last dim of a bool tensor. */
export const allLast = (t: Tensor): Tensor => t.logicalNot().sum(-1).eq(0);

/** A set of valid values: a distribution's support or a parameter's domain (PyTorch's constraints.Constraint). */
export abstract class Constraint {
  /** Whether the set is discrete (integer or boolean values). */
  get isDiscrete(): boolean {
    return false;
  }
  /** How many rightmost dims of a value make one event. */
  get eventDim(): number {
    return 0;
  }
  /** A bool tensor: whether each event of `value` is in the set. */
  abstract check(value: Tensor): Tensor;
  /** The constraint as PyTorch prints it, e.g. "Real()". */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}

/** All real numbers, NaN excluded (PyTorch's constraints.real). */
export class Real extends Constraint {
  /** False for NaN. */
  check(value: Tensor): Tensor {
    return value.eq(value);
  }
}

/** (lowerBound, inf) (PyTorch's constraints.greater_than; positive is GreaterThan(0)). */
export class GreaterThan extends Constraint {
  constructor(
    /** The excluded lower bound. */
    readonly lowerBound: number,
  ) {
    super();
  }
  /** value > lowerBound. */
  check(value: Tensor): Tensor {
    return value.gt(this.lowerBound);
  }
  /** The constraint as PyTorch prints it. */
  override toString(): string {
    return `GreaterThan(lower_bound=${pyFloat(this.lowerBound)})`;
  }
}

/** [lower, upper]; the bounds may be tensors (Uniform's support), printed as Python formats them. */
export class Interval extends Constraint {
  constructor(
    /** The included lower bound. */
    readonly lowerBound: number | Tensor,
    /** The included upper bound. */
    readonly upperBound: number | Tensor,
  ) {
    super();
  }
  /** lowerBound <= value <= upperBound. */
  check(value: Tensor): Tensor {
    return value.ge(this.lowerBound).logicalAnd(value.le(this.upperBound));
  }
  /** The constraint as PyTorch prints it. */
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
  /** Throws a ValueError: validity depends on the other parameters. */
  check(): Tensor {
    throw new ValueError("Cannot determine validity of dependent constraint");
  }
  /** The constraint as PyTorch prints it. */
  override toString(): string {
    return "Dependent()";
  }
}
export const dependent = new Dependent();

/** The integers in [lowerBound, upperBound] (PyTorch's constraints.integer_interval; Categorical's support). */
export class IntegerInterval extends Constraint {
  constructor(
    /** The smallest value. */
    readonly lowerBound: number,
    /** The largest value. */
    readonly upperBound: number,
  ) {
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
  /** The constraint as PyTorch prints it. */
  override toString(): string {
    return `IntegerInterval(lower_bound=${this.lowerBound}, upper_bound=${this.upperBound})`;
  }
}

/** {0, 1} (PyTorch's constraints.boolean). */
export class BooleanConstraint extends Constraint {
  override get isDiscrete(): boolean {
    return true;
  }
  /** value is 0 or 1. */
  check(value: Tensor): Tensor {
    return value.eq(0).logicalOr(value.eq(1));
  }
  /** The constraint as PyTorch prints it. */
  override toString(): string {
    return "Boolean()";
  }
}

/** Nonnegative entries summing to 1 (to 1e-6) over the last dim. */
export class Simplex extends Constraint {
  override get eventDim(): number {
    return 1;
  }
  /** Per event of the last dim: all entries >= 0 and |sum - 1| < 1e-6. */
  check(value: Tensor): Tensor {
    return allLast(value.ge(0)).logicalAnd(value.sum(-1).sub(1).abs().lt(1e-6));
  }
}

/** `base` holding for every entry of the rightmost `reinterpretedBatchNdims` dims. */
export class IndependentConstraint extends Constraint {
  constructor(
    /** The constraint each entry satisfies. */
    readonly base: Constraint,
    /** How many rightmost dims are one event. */
    readonly reinterpretedBatchNdims: number,
  ) {
    super();
  }
  override get isDiscrete(): boolean {
    return this.base.isDiscrete;
  }
  override get eventDim(): number {
    return this.base.eventDim + this.reinterpretedBatchNdims;
  }
  /** base's check, all-reduced over the rightmost reinterpretedBatchNdims dims. */
  check(value: Tensor): Tensor {
    const result = this.base.check(value);
    const k = this.reinterpretedBatchNdims;
    if (result.dim() < k) throw new ValueError(`Expected value.dim() >= ${this.base.eventDim + k} but got ${value.dim()}`);
    return allLast(result.reshape([...result.shape.slice(0, result.dim() - k), -1]));
  }
  /** The constraint as PyTorch prints it. */
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
/** An IntegerInterval (PyTorch's constraints.integer_interval). */
export const integerInterval = (lowerBound: number, upperBound: number): IntegerInterval => new IntegerInterval(lowerBound, upperBound);
