// torch.distributions.Categorical(probs | logits) as PyTorch 1.13 writes it: probs normalized
// over the last dim (logits by logsumexp), the other parameter derived on first use (with
// gradient), and sample = multinomial(probs.reshape(-1, K), n, replacement=True).T reshaped,
// so a seed gives PyTorch's draws.
import { nullable, param, parseArgs, tensor as tensorArg, type Args } from "../args.ts";
import { enableGrad, noGrad } from "../autograd/gradMode.ts";
import { ValueError } from "../errors.ts";
import { broadcastShapes } from "../layout.ts";
import { arange, full, multinomial } from "../ops/creation.ts";
import type { Tensor } from "../tensor.ts";
import { integerInterval, realVector, simplex, type Constraint } from "./constraints.ts";
import { Distribution } from "./distribution.ts";
import { VALIDATE_ARGS } from "./normal.ts";
import { finfo, logitsToProbs, probsToLogits } from "./utils.ts";

/** Options of Categorical: exactly one of probs and logits (the last dim indexes the categories), and validateArgs. */
export interface CategoricalOptions {
  /** Nonnegative weights of the categories (normalized to sum to 1 over the last dim). */
  probs?: Tensor | null;
  /** Unnormalized log-probabilities of the categories. */
  logits?: Tensor | null;
  /** Checks the parameters (and later values) against their constraints; `null` or absent follows Distribution.setDefaultValidateArgs. */
  validateArgs?: boolean | null;
}
const CATEGORICAL_ARGS = [param("probs", nullable(tensorArg), null), param("logits", nullable(tensorArg), null), VALIDATE_ARGS];

export class Categorical extends Distribution {
  private probs_: Tensor | undefined;
  private logits_: Tensor | undefined;
  private numEvents: number;

  /** Categorical(probs=None, logits=None, validate_args=None): exactly one of probs and logits. */
  constructor(...args: Args<[probs: Tensor | null, logits: Tensor | null, validateArgs: boolean | null], CategoricalOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ probs: Tensor | null; logits: Tensor | null; validateArgs: boolean | null }>("Categorical", CATEGORICAL_ARGS, args);
    if ((a.probs === null) === (a.logits === null)) throw new ValueError("Either `probs` or `logits` must be specified, but not both.");
    if (a.probs !== null) {
      if (a.probs.dim() < 1) throw new ValueError("`probs` parameter must be at least one-dimensional.");
      this.probs_ = a.probs.div(a.probs.sum(-1, true));
    } else {
      if (a.logits!.dim() < 1) throw new ValueError("`logits` parameter must be at least one-dimensional.");
      this.logits_ = a.logits!.sub(a.logits!.logsumexp(-1, true));
    }
    const given = (this.probs_ ?? this.logits_)!;
    this.numEvents = given.shape[given.dim() - 1]!;
    this.setup(given.dim() > 1 ? given.shape.slice(0, -1) : [], [], a.validateArgs);
  }

  get argConstraints(): Record<string, Constraint> {
    return { probs: simplex, logits: realVector };
  }
  /** The integers 0 .. K-1. */
  get support(): Constraint {
    return integerInterval(0, this.numEvents - 1);
  }
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  protected param(name: string): Tensor | undefined {
    return name === "probs" ? this.probs_ : name === "logits" ? this.logits_ : undefined;
  }

  /** Event probabilities (normalized); computed from logits by softmax on first use. */
  get probs(): Tensor {
    this.probs_ ??= enableGrad(() => logitsToProbs(this.logits_!));
    return this.probs_;
  }
  /** Normalized log-probabilities; computed from probs (clamped to [eps, 1 - eps]) on first use. */
  get logits(): Tensor {
    this.logits_ ??= enableGrad(() => probsToLogits(this.probs_!));
    return this.logits_;
  }
  /** The shape of the given parameter: batchShape + [K]. */
  get paramShape(): number[] {
    return [...this.batchShape, this.numEvents];
  }

  override get mean(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.probs.dtype });
  }
  override get mode(): Tensor {
    return this.probs.argmax(-1);
  }
  override get variance(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.probs.dtype });
  }

  /** A Categorical with batchShape (the parameters expanded; no validation). */
  expand(batchShape: readonly number[]): Categorical {
    const n = this.blank<Categorical>();
    const paramShape = [...batchShape, this.numEvents];
    n.probs_ = this.probs_?.expand(paramShape);
    n.logits_ = this.logits_?.expand(paramShape);
    n.numEvents = this.numEvents;
    n.setup(batchShape, [], false);
    n.validateArgs = this.validateArgs;
    return n;
  }

  override sample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const n = sampleShape.reduce((a, b) => a * b, 1);
    return noGrad(() => {
      const probs2d = this.probs.reshape(-1, this.numEvents);
      return multinomial(probs2d, n, { replacement: true }).t().reshape(shape);
    });
  }

  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const logits = this.logits;
    const shape = broadcastShapes([...value.shape, 1], logits.shape);
    const index = value.to("int64").unsqueeze(-1).expand(shape).narrow(-1, 0, 1);
    return logits.expand(shape).gather(-1, index).squeeze(-1);
  }

  override entropy(): Tensor {
    const logits = this.logits.clamp({ min: finfo(this.logits.dtype).min });
    return logits.mul(this.probs).sum(-1).neg();
  }

  /** arange(K) viewed as [K, 1, ...] and expanded over the batch (expand=true). */
  override enumerateSupport(expand = true): Tensor {
    const batch = this.batchShape;
    const values = arange(this.numEvents, { dtype: "int64" }).view([-1, ...batch.map(() => 1)]);
    return expand ? values.expand([-1, ...batch]) : values;
  }
}
