// torch.distributions.Uniform(low, high) as PyTorch 1.13 writes it: samples in [low, high),
// rsample = low + rand(shape) * (high - low) (torch.rand's draw, so PyTorch's numbers after the
// same manualSeed). low and high are "dependent" parameters (not checked one by one); with
// validation on, low < high everywhere is required and values are checked against the closed
// interval [low, high], as PyTorch's support.
import { param, parseArgs, type Args } from "../args.ts";
import { ValueError } from "../errors.ts";
import { rand } from "../ops/creation.ts";
import type { Tensor } from "../tensor.ts";
import { dependent, Interval, type Constraint } from "./constraints.ts";
import { Distribution } from "./distribution.ts";
import { tensorOrNumber, VALIDATE_ARGS } from "./normal.ts";
import { broadcastAll } from "./utils.ts";

/** Options of Uniform: the bounds of [low, high), and validateArgs. */
export interface UniformOptions {
  /** The lower bound (included). */
  low?: Tensor | number;
  /** The upper bound (excluded). */
  high?: Tensor | number;
  /** Checks the parameters (and later values) against their constraints; `null` or absent follows Distribution.setDefaultValidateArgs. */
  validateArgs?: boolean | null;
}
const UNIFORM_ARGS = [param("low", tensorOrNumber), param("high", tensorOrNumber), VALIDATE_ARGS];

export class Uniform extends Distribution {
  readonly low: Tensor;
  readonly high: Tensor;

  /** Uniform(low, high, validate_args=None). */
  constructor(...args: Args<[low: Tensor | number, high: Tensor | number, validateArgs: boolean | null], UniformOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ low: Tensor | number; high: Tensor | number; validateArgs: boolean | null }>("Uniform", UNIFORM_ARGS, args);
    [this.low, this.high] = broadcastAll(a.low, a.high) as [Tensor, Tensor];
    const scalar = typeof a.low === "number" && typeof a.high === "number";
    this.setup(scalar ? [] : this.low.shape, [], a.validateArgs);
    if (this.validateArgs && Number(this.low.lt(this.high).logicalNot().sum().item()) !== 0) {
      throw new ValueError("Uniform is not defined when low>= high");
    }
  }

  get argConstraints(): Record<string, Constraint> {
    return { low: dependent, high: dependent };
  }
  get support(): Constraint {
    return new Interval(this.low, this.high);
  }
  override get hasRsample(): boolean {
    return true;
  }
  protected param(name: string): Tensor | undefined {
    return name === "low" ? this.low : name === "high" ? this.high : undefined;
  }

  override get mean(): Tensor {
    return this.high.add(this.low).div(2);
  }
  /** NaN: every point of the interval is a mode. */
  override get mode(): Tensor {
    return this.high.mul(NaN);
  }
  override get stddev(): Tensor {
    return this.high.sub(this.low).div(12 ** 0.5);
  }
  override get variance(): Tensor {
    return this.high.sub(this.low).pow(2).div(12);
  }

  /** A Uniform with the parameters expanded to batchShape (views; no validation). */
  expand(batchShape: readonly number[]): Uniform {
    const n = this.blank<Uniform>();
    const fields = n as { low: Tensor; high: Tensor };
    fields.low = this.low.expand([...batchShape]);
    fields.high = this.high.expand([...batchShape]);
    n.setup(batchShape, [], false);
    n.validateArgs = this.validateArgs;
    return n;
  }

  override rsample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return this.low.add(rand(shape, { dtype: this.low.dtype }).mul(this.high.sub(this.low)));
  }

  /** log(1[low <= value < high]) - log(high - low): -inf outside [low, high). */
  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const lb = this.low.le(value).to(this.low.dtype);
    const ub = this.high.gt(value).to(this.low.dtype);
    return lb.mul(ub).log().sub(this.high.sub(this.low).log());
  }

  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return value.sub(this.low).div(this.high.sub(this.low)).clamp(0, 1);
  }

  override icdf(value: Tensor): Tensor {
    return value.mul(this.high.sub(this.low)).add(this.low);
  }

  override entropy(): Tensor {
    return this.high.sub(this.low).log();
  }
}
