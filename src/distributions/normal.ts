// torch.distributions.Normal(loc, scale) as PyTorch 1.13 writes it, including its random draws:
// sample = torch.normal(loc.expand(shape), scale.expand(shape)) (normal_(0, 1) on a fresh tensor,
// then * scale + loc) and rsample = loc + eps * scale with eps = empty(shape).normal_(), so
// both give PyTorch's numbers after the same torch.manualSeed.
import { bool, describe, nullable, param, parseArgs, type Args, type Checker } from "../args.ts";
import { noGrad } from "../autograd/gradMode.ts";
import { TorchTypeError } from "../errors.ts";
import { empty } from "../ops/alloc.ts";
import { div } from "../ops/elementwise.ts";
import { erf } from "../ops/special.ts";
import { Tensor } from "../tensor.ts";
import { positive, real, type Constraint } from "./constraints.ts";
import { Distribution } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";

/** A tensor or a number (a distribution parameter). */
export const tensorOrNumber: Checker<Tensor | number> = (v, arg, fn) => {
  if (v instanceof Tensor || typeof v === "number") return v;
  throw new TorchTypeError(`${fn}(): argument '${arg}' must be a Tensor or a number, but got ${describe(v)}`);
};
export const VALIDATE_ARGS = param("validateArgs", nullable(bool), null);

/** Options of Normal: the mean and standard deviation, and validateArgs. */
export interface NormalOptions {
  /** The mean. */
  loc?: Tensor | number;
  /** The standard deviation (positive). */
  scale?: Tensor | number;
  /** Checks the parameters (and later values) against their constraints; `null` or absent follows Distribution.setDefaultValidateArgs. */
  validateArgs?: boolean | null;
}
const NORMAL_ARGS = [param("loc", tensorOrNumber), param("scale", tensorOrNumber), VALIDATE_ARGS];
const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));

export class Normal extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;

  /** Normal(loc, scale, validate_args=None). */
  constructor(...args: Args<[loc: Tensor | number, scale: Tensor | number, validateArgs: boolean | null], NormalOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ loc: Tensor | number; scale: Tensor | number; validateArgs: boolean | null }>("Normal", NORMAL_ARGS, args);
    [this.loc, this.scale] = broadcastAll(a.loc, a.scale) as [Tensor, Tensor];
    const scalar = typeof a.loc === "number" && typeof a.scale === "number";
    this.setup(scalar ? [] : this.loc.shape, [], a.validateArgs);
  }

  get argConstraints(): Record<string, Constraint> {
    return { loc: real, scale: positive };
  }
  get support(): Constraint {
    return real;
  }
  override get hasRsample(): boolean {
    return true;
  }
  protected param(name: string): Tensor | undefined {
    return name === "loc" ? this.loc : name === "scale" ? this.scale : undefined;
  }

  override get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get stddev(): Tensor {
    return this.scale;
  }
  override get variance(): Tensor {
    return this.stddev.pow(2);
  }

  /** A Normal with the parameters expanded to batchShape (views; no validation). */
  expand(batchShape: readonly number[]): Normal {
    const n = this.blank<Normal>();
    const fields = n as { loc: Tensor; scale: Tensor };
    fields.loc = this.loc.expand([...batchShape]);
    fields.scale = this.scale.expand([...batchShape]);
    n.setup(batchShape, [], false);
    n.validateArgs = this.validateArgs;
    return n;
  }

  override sample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => normalTensor(this.loc.expand(shape), this.scale.expand(shape)));
  }

  override rsample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const eps = empty(shape, this.loc.dtype, this.loc._box.device).normal_();
    return this.loc.add(eps.mul(this.scale));
  }

  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const variance = this.scale.pow(2);
    return value.sub(this.loc).pow(2).neg().div(variance.mul(2)).sub(this.scale.log()).sub(LOG_SQRT_2PI);
  }

  override cdf(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    return erf(value.sub(this.loc).mul(div(1, this.scale)).div(Math.SQRT2)).add(1).mul(0.5);
  }

  override icdf(value: Tensor): Tensor {
    return this.loc.add(this.scale.mul(value.mul(2).sub(1).erfinv()).mul(Math.SQRT2));
  }

  override entropy(): Tensor {
    return this.scale.log().add(0.5 + 0.5 * Math.log(2 * Math.PI));
  }
}

/** torch.normal(mean, std) on CPU: normal_(0, 1) into a fresh tensor of the broadcast shape, then mul_(std).add_(mean). */
function normalTensor(mean: Tensor, std: Tensor): Tensor {
  return empty(mean.shape, mean.dtype, mean._box.device).normal_(0, 1).mul_(std).add_(mean);
}
