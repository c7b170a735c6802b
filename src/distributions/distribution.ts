// torch.distributions.Distribution: batch and event shapes, PyTorch's argument validation
// (on by default, as Python's __debug__; Distribution.setDefaultValidateArgs(false) turns it
// off), sample-shape handling and the messages PyTorch gives for invalid parameters and values.
import { checkInt, describe } from "../args.ts";
import { noGrad } from "../autograd/gradMode.ts";
import { NotImplementedError, TorchTypeError, ValueError } from "../errors.ts";
import { pyTuple } from "../nn/repr.ts";
import { Tensor } from "../tensor.ts";
import { Dependent, type Constraint } from "./constraints.ts";
import { pyFormat, pySize } from "./utils.ts";

/** A sample shape: a list of non-negative integers (PyTorch's torch.Size or tuple). */
export function checkSampleShape(v: unknown, fn: string): number[] {
  if (!Array.isArray(v)) throw new TorchTypeError(`${fn}(): argument 'sampleShape' must be a list of integers, but got ${describe(v)}`);
  return v.map((s) => checkInt(s, "sampleShape", fn, { min: 0 }));
}

export abstract class Distribution {
  static #validateDefault = true;

  /** Distribution.set_default_validate_args: whether new distributions validate their arguments. */
  static setDefaultValidateArgs(value: boolean): void {
    if (value !== true && value !== false) throw new ValueError("");
    Distribution.#validateDefault = value;
  }

  // Plain fields (no #private ones): expand() builds instances with Object.create, as PyTorch's
  // _get_checked_instance does with __new__, and sets them through setup().
  private shapes: { batch: number[]; event: number[] } = { batch: [], event: [] };
  /** Whether this instance checks its parameters (done at construction) and the values given to logProb. */
  protected validateArgs = Distribution.#validateDefault;

  /** Whether rsample (reparameterized sampling) is implemented. */
  get hasRsample(): boolean {
    return false;
  }
  get hasEnumerateSupport(): boolean {
    return false;
  }
  /** The parameters' constraints, in PyTorch's order (only the parameters given are validated). */
  abstract get argConstraints(): Record<string, Constraint>;
  /** The set samples lie in. */
  abstract get support(): Constraint;

  /** The parameters set on this instance (lazily derived ones appear once computed, as in PyTorch's __dict__). */
  protected abstract param(name: string): Tensor | undefined;

  /**
   * Distribution.__init__: records the shapes and, when validating, checks every given parameter
   * against its constraint. Subclasses call it once their parameters are set.
   */
  protected setup(batchShape: readonly number[], eventShape: readonly number[], validateArgs: boolean | null | undefined): void {
    this.shapes = { batch: [...batchShape], event: [...eventShape] };
    this.validateArgs = validateArgs ?? Distribution.#validateDefault;
    if (!this.validateArgs) return;
    for (const [name, constraint] of Object.entries(this.argConstraints)) {
      const value = this.param(name);
      if (value === undefined || constraint instanceof Dependent) continue;
      if (!allTrue(constraint.check(value))) {
        throw new ValueError(
          `Expected parameter ${name} (Tensor of shape ${pyTuple(value.shape)}) of distribution ${String(this)} ` +
            `to satisfy the constraint ${String(constraint)}, but found invalid values:\n${pyFormat(value)}`,
        );
      }
    }
  }

  /** The shape over which parameters are batched. */
  get batchShape(): number[] {
    return this.shapes.batch.slice();
  }
  /** The shape of one sample (without batching). */
  get eventShape(): number[] {
    return this.shapes.event.slice();
  }

  get mean(): Tensor {
    throw new NotImplementedError();
  }
  get mode(): Tensor {
    throw new NotImplementedError(`${this.constructor.name} does not implement mode`);
  }
  get variance(): Tensor {
    throw new NotImplementedError();
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  /** A sampleShape-shaped batch of samples, without gradient. */
  sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }
  /** A reparameterized sample: differentiable with respect to the parameters. */
  rsample(sampleShape: readonly number[] = []): Tensor {
    void sampleShape;
    throw new NotImplementedError();
  }
  logProb(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError();
  }
  cdf(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError();
  }
  icdf(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError();
  }
  entropy(): Tensor {
    throw new NotImplementedError();
  }
  enumerateSupport(expand = true): Tensor {
    void expand;
    throw new NotImplementedError();
  }
  /** exp(entropy). */
  perplexity(): Tensor {
    return this.entropy().exp();
  }

  /**
   * A copy with batch dims expanded to batchShape (the parameters as expanded views, no new
   * validation, this instance's validateArgs).
   */
  abstract expand(batchShape: readonly number[]): Distribution;

  /** An uninitialized instance of this class for expand() (PyTorch's __new__). */
  protected blank<T extends Distribution>(): T {
    return Object.create(Object.getPrototypeOf(this) as object) as T;
  }

  /** sampleShape + batchShape + eventShape. */
  protected extendedShape(sampleShape: readonly number[] = []): number[] {
    return [...checkSampleShape(sampleShape, `${this.constructor.name}.sample`), ...this.shapes.batch, ...this.shapes.event];
  }

  /** Distribution._validate_sample: a tensor whose right dims match eventShape, broadcastable with the batch, in the support. */
  protected validateSample(value: unknown): asserts value is Tensor {
    if (!(value instanceof Tensor)) throw new ValueError("The value argument to log_prob must be a Tensor");
    const ev = this.shapes.event;
    const start = value.dim() - ev.length;
    if (value.shape.slice(start).join() !== ev.join() || start < 0) {
      throw new ValueError(`The right-most size of value must match event_shape: ${pySize(value.shape)} vs ${pySize(ev)}.`);
    }
    const actual = value.shape;
    const expected = [...this.shapes.batch, ...ev];
    for (let k = 1; k <= Math.min(actual.length, expected.length); k++) {
      const i = actual[actual.length - k]!;
      const j = expected[expected.length - k]!;
      if (i !== 1 && j !== 1 && i !== j) {
        throw new ValueError(`Value is not broadcastable with batch_shape+event_shape: ${pySize(actual)} vs ${pySize(expected)}.`);
      }
    }
    const support = this.support;
    if (!allTrue(support.check(value))) {
      throw new ValueError(
        `Expected value argument (Tensor of shape ${pyTuple(value.shape)}) to be within the support (${String(support)}) ` +
          `of the distribution ${String(this)}, but found invalid values:\n${pyFormat(value)}`,
      );
    }
  }

  /** PyTorch's repr: each given parameter as its value (one element) or its size. */
  toString(): string {
    const parts: string[] = [];
    for (const name of Object.keys(this.argConstraints)) {
      const v = this.param(name);
      if (v !== undefined) parts.push(`${name}: ${v.numel() === 1 ? pyFormat(v) : pySize(v.shape)}`);
    }
    return `${this.constructor.name}(${parts.join(", ")})`;
  }
}

function allTrue(t: Tensor): boolean {
  return Number(t.logicalNot().sum().item()) === 0;
}
