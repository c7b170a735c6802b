// torch.distributions.Bernoulli(probs | logits) as PyTorch 1.13 writes it: sample =
// torch.bernoulli(probs.expand(shape)) (PyTorch's draws after the same seed), logProb and entropy
// through binary_cross_entropy_with_logits.
import { nullable, param, parseArgs, type Args } from "../args.ts";
import { enableGrad, noGrad } from "../autograd/gradMode.ts";
import { ValueError } from "../errors.ts";
import { arange, bernoulli } from "../ops/creation.ts";
import { binaryCrossEntropyWithLogits } from "../nn/functional/losses.ts";
import type { Tensor } from "../tensor.ts";
import { boolean, real, unitInterval, type Constraint } from "./constraints.ts";
import { Distribution } from "./distribution.ts";
import { tensorOrNumber, VALIDATE_ARGS } from "./normal.ts";
import { broadcastAll, logitsToProbs, probsToLogits } from "./utils.ts";

/** Options of Bernoulli: exactly one of probs and logits, and validateArgs. */
export interface BernoulliOptions {
  /** The probability of 1 (in [0, 1]). */
  probs?: Tensor | number | null;
  /** The log-odds of 1. */
  logits?: Tensor | number | null;
  /** Checks the parameters (and later values) against their constraints; `null` or absent follows Distribution.setDefaultValidateArgs. */
  validateArgs?: boolean | null;
}
const BERNOULLI_ARGS = [param("probs", nullable(tensorOrNumber), null), param("logits", nullable(tensorOrNumber), null), VALIDATE_ARGS];

export class Bernoulli extends Distribution {
  private probs_: Tensor | undefined;
  private logits_: Tensor | undefined;

  /** Bernoulli(probs=None, logits=None, validate_args=None): exactly one of probs and logits. */
  constructor(...args: Args<[probs: Tensor | number | null, logits: Tensor | number | null, validateArgs: boolean | null], BernoulliOptions>);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ probs: Tensor | number | null; logits: Tensor | number | null; validateArgs: boolean | null }>("Bernoulli", BERNOULLI_ARGS, args);
    if ((a.probs === null) === (a.logits === null)) throw new ValueError("Either `probs` or `logits` must be specified, but not both.");
    const given = a.probs ?? a.logits!;
    const [t] = broadcastAll(given) as [Tensor];
    if (a.probs !== null) this.probs_ = t;
    else this.logits_ = t;
    this.setup(typeof given === "number" ? [] : t.shape, [], a.validateArgs);
  }

  get argConstraints(): Record<string, Constraint> {
    return { probs: unitInterval, logits: real };
  }
  /** {0, 1}. */
  get support(): Constraint {
    return boolean;
  }
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  protected param(name: string): Tensor | undefined {
    return name === "probs" ? this.probs_ : name === "logits" ? this.logits_ : undefined;
  }

  /** The probability of 1; sigmoid(logits) on first use when built from logits. */
  get probs(): Tensor {
    this.probs_ ??= enableGrad(() => logitsToProbs(this.logits_!, true));
    return this.probs_;
  }
  /** The log-odds; log(p) - log1p(-p) of the clamped probabilities on first use. */
  get logits(): Tensor {
    this.logits_ ??= enableGrad(() => probsToLogits(this.probs_!, true));
    return this.logits_;
  }
  get paramShape(): number[] {
    return (this.probs_ ?? this.logits_)!.shape.slice();
  }

  override get mean(): Tensor {
    return this.probs;
  }
  /** 1 where p > 0.5, 0 where p < 0.5, NaN at p = 0.5. */
  override get mode(): Tensor {
    const p = this.probs;
    return p.ge(0.5).to(p.dtype).maskedFill(p.eq(0.5), NaN);
  }
  override get variance(): Tensor {
    return this.probs.mul(this.probs.neg().add(1));
  }

  expand(batchShape: readonly number[]): Bernoulli {
    const n = this.blank<Bernoulli>();
    n.probs_ = this.probs_?.expand([...batchShape]);
    n.logits_ = this.logits_?.expand([...batchShape]);
    n.setup(batchShape, [], false);
    n.validateArgs = this.validateArgs;
    return n;
  }

  override sample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => bernoulli(this.probs.expand(shape)));
  }

  override logProb(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const [logits, v] = broadcastAll(this.logits, value) as [Tensor, Tensor];
    return binaryCrossEntropyWithLogits(logits, v, { reduction: "none" }).neg();
  }

  override entropy(): Tensor {
    return binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: "none" });
  }

  /** [0, 1] in the parameter's dtype, viewed as [2, 1, ...] and expanded over the batch (expand=true). */
  override enumerateSupport(expand = true): Tensor {
    const batch = this.batchShape;
    const values = arange(2, { dtype: (this.probs_ ?? this.logits_)!.dtype }).view([-1, ...batch.map(() => 1)]);
    return expand ? values.expand([-1, ...batch]) : values;
  }
}
