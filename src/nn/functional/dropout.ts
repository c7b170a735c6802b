// Dropout draws its mask exactly as PyTorch 1.13 on CPU does: empty_like(x).bernoulli_(1 - p),
// then noise /= (1 - p) and x * noise, so a given seed gives PyTorch's masks and values.
//
// F.dropout(input, p=0.5, training=True, inplace=False): PyTorch's positional arguments, then
// an options object.
import { warnOnce } from "../../warnings.ts";
import { bool, checkTensor, inRange, param, parseArgs, type Args } from "../../args.ts";
import { RuntimeError } from "../../errors.ts";
import { zeros } from "../../ops/alloc.ts";
import type { Tensor } from "../../tensor.ts";
import { fmtShape } from "../../layout.ts";
import { pyFloat } from "../repr.ts";

/** The options of `F.dropout`, `F.dropout1d` and `F.dropout2d`. */
export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}

/** p in [0, 1], with PyTorch's ValueError (nn.Dropout* check it at construction with the same message). */
export const dropoutP = inRange(0, 1, (p) => `dropout probability has to be between 0 and 1, but got ${pyFloat(p)}`);
const DROPOUT_ARGS = [param("p", dropoutP, 0.5), param("training", bool, true), param("inplace", bool, false)];
type DropoutPositional = [p: number, training: boolean, inplace: boolean];

function dropoutArgs(fn: string, input: unknown, args: readonly unknown[]): Required<DropoutOptions> {
  checkTensor(input, "input", fn);
  return parseArgs<Required<DropoutOptions>>(fn, DROPOUT_ARGS, args);
}

/**
 * PyTorch 1.13's _dropout_impl: noise of `noiseShape` drawn as bernoulli_(1 - p), then either
 * scaled by 1 / (1 - p) (dropout) or, for alpha dropout (SELU networks), x * a * noise + b with
 * b = (noise - 1) * alpha' * a + alpha' * a * p, which keeps the mean and variance of SELU
 * activations. p = 1 multiplies by zero (also for alpha dropout, as 1.13 does).
 */
function applyNoise(x: Tensor, noiseShape: readonly number[], p: number, inplace: boolean, alpha = false): Tensor {
  const noise = zeros(noiseShape, x.dtype, x.device);
  if (p === 1) return inplace ? x.mul_(noise) : x.mul(noise);
  noise.bernoulli_(1 - p);
  if (!alpha) {
    noise.div_(1 - p);
    return inplace ? x.mul_(noise) : x.mul(noise);
  }
  const a = 1 / Math.sqrt((SELU_ALPHA_PRIME * SELU_ALPHA_PRIME * p + 1) * (1 - p));
  const b = noise.add(-1).mul_(SELU_ALPHA_PRIME * a).add_(SELU_ALPHA_PRIME * a * p);
  noise.mul_(a);
  return (inplace ? x.mul_(noise) : x.mul(noise)).add_(b);
}
/** -scale * alpha of SELU: the value SELU saturates to, which alpha dropout drops units to. */
const SELU_ALPHA_PRIME = 1.7580993408473766;

/** F.dropout(input, p=0.5, training=True, inplace=False). */
export function dropout(input: Tensor, ...args: Args<DropoutPositional, DropoutOptions>): Tensor {
  const { p, training, inplace } = dropoutArgs("dropout", input, args);
  if (!training || p === 0 || input.numel() === 0) return input;
  return applyNoise(input, input.shape, p, inplace);
}

/** F.alphaDropout(input, p=0.5, training=False, inplace=False): dropout that keeps SELU's mean and variance. */
export function alphaDropout(input: Tensor, ...args: Args<DropoutPositional, DropoutOptions>): Tensor {
  const { p, training, inplace } = parseArgs<Required<DropoutOptions>>("alpha_dropout", ALPHA_ARGS, (checkTensor(input, "input", "alpha_dropout"), args));
  if (!training || p === 0 || input.numel() === 0) return input;
  return applyNoise(input, input.shape, p, inplace, true);
}

/**
 * F.featureAlphaDropout(input, p=0.5, training=False, inplace=False): alpha dropout of whole
 * channels, one draw per (sample, channel).
 */
export function featureAlphaDropout(input: Tensor, ...args: Args<DropoutPositional, DropoutOptions>): Tensor {
  const { p, training, inplace } = parseArgs<Required<DropoutOptions>>("feature_alpha_dropout", ALPHA_ARGS, (checkTensor(input, "input", "feature_alpha_dropout"), args));
  if (!training || p === 0 || input.numel() === 0) return input;
  return applyNoise(input, featureNoiseShape(input), p, inplace, true);
}
// alpha_dropout's training defaults to False in PyTorch (unlike dropout's)
const ALPHA_ARGS = [param("p", dropoutP, 0.5), param("training", bool, false), param("inplace", bool, false)];

/** ATen's make_feature_noise: [N, C, 1, ...]; feature dropout needs at least 2 dims. */
function featureNoiseShape(x: Tensor): number[] {
  if (x.dim() < 2) throw new RuntimeError("Feature dropout requires at least 2 dimensions in the input");
  return [x.shape[0]!, x.shape[1]!, ...new Array<number>(x.dim() - 2).fill(1)];
}


/** F.dropout1d(input, p=0.5, training=True, inplace=False): one draw per (sample, channel); 2-D or 3-D input. */
export function dropout1d(input: Tensor, ...args: Args<DropoutPositional, DropoutOptions>): Tensor {
  const { p, training, inplace } = dropoutArgs("dropout1d", input, args);
  if (input.dim() !== 2 && input.dim() !== 3) {
    throw new RuntimeError(`dropout1d: Expected 2D or 3D input, but received a ${input.dim()}D input ${fmtShape(input.shape)}`);
  }
  if (!training || p === 0) return input;
  const batched = input.dim() === 3;
  return applyNoise(input, batched ? [input.shape[0]!, input.shape[1]!, 1] : [input.shape[0]!, 1], p, inplace);
}

/**
 * F.dropout2d(input, p=0.5, training=True, inplace=False): one draw per (sample, channel) of
 * the first two dims, as PyTorch 1.13 (a 3-D input is read as (N, C, L), with its warning;
 * other than 3-D or 4-D input is deprecated there, and warned about here too).
 */
export function dropout2d(input: Tensor, ...args: Args<DropoutPositional, DropoutOptions>): Tensor {
  const { p, training, inplace } = dropoutArgs("dropout2d", input, args);
  const d = input.dim();
  if (d !== 3 && d !== 4) warnOnce(`dropout2d: Received a ${d}-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).`);
  if (d === 3) warnOnce("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.");
  if (!training || p === 0) return input;
  return applyNoise(input, featureNoiseShape(input), p, inplace);
}

/**
 * F.dropout3d(input, p=0.5, training=True, inplace=False): one draw per (sample, channel) of a
 * 5-D (N, C, D, H, W) input; a 4-D input is one sample (C, D, H, W).
 */
export function dropout3d(input: Tensor, ...args: Args<DropoutPositional, DropoutOptions>): Tensor {
  const { p, training, inplace } = dropoutArgs("dropout3d", input, args);
  const d = input.dim();
  if (d !== 4 && d !== 5) warnOnce(`dropout3d: Received a ${d}-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).`);
  if (!training || p === 0) return input;
  // an unbatched input is one sample: noise [1, C, 1, ...] over its unsqueezed form
  const shape = featureNoiseShape(d === 5 ? input : input.unsqueeze(0));
  return applyNoise(input, d === 5 ? shape : shape.slice(1), p, inplace);
}
