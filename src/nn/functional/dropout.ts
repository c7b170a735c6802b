// Dropout draws its mask exactly as PyTorch 1.13 on CPU does: empty_like(x).bernoulli_(1 - p),
// then noise /= (1 - p) and x * noise, so a given seed gives PyTorch's masks and values.
//
// F.dropout(input, p=0.5, training=True, inplace=False): PyTorch's positional arguments, then
// an options object.
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

function applyNoise(x: Tensor, noiseShape: readonly number[], p: number, inplace: boolean): Tensor {
  const noise = zeros(noiseShape, x.dtype, x.device);
  if (p === 1) return inplace ? x.mul_(noise) : x.mul(noise);
  noise.bernoulli_(1 - p);
  noise.div_(1 - p);
  return inplace ? x.mul_(noise) : x.mul(noise);
}

/** F.dropout(input, p=0.5, training=True, inplace=False). */
export function dropout(input: Tensor, ...args: Args<DropoutPositional, DropoutOptions>): Tensor {
  const { p, training, inplace } = dropoutArgs("dropout", input, args);
  if (!training || p === 0 || input.numel() === 0) return input;
  return applyNoise(input, input.shape, p, inplace);
}

/** Channel-wise dropout: one draw per (sample, channel), as feature_dropout. */
function featureDropout(x: Tensor, args: readonly unknown[], nd: number, name: string): Tensor {
  const { p, training, inplace } = dropoutArgs(name, x, args);
  if (x.dim() !== nd + 1 && x.dim() !== nd + 2) {
    throw new RuntimeError(`${name}: Expected ${nd + 1}D or ${nd + 2}D input, but received a ${x.dim()}D input ${fmtShape(x.shape)}`);
  }
  if (!training || p === 0) return x;
  const batched = x.dim() === nd + 2;
  const lead = batched ? x.shape.slice(0, 2) : x.shape.slice(0, 1);
  return applyNoise(x, [...lead, ...new Array<number>(nd).fill(1)], p, inplace);
}

/** F.dropout1d(input, p=0.5, training=True, inplace=False): one draw per (sample, channel). */
export function dropout1d(input: Tensor, ...args: Args<DropoutPositional, DropoutOptions>): Tensor {
  return featureDropout(input, args, 1, "dropout1d");
}
/** F.dropout2d(input, p=0.5, training=True, inplace=False): one draw per (sample, channel). */
export function dropout2d(input: Tensor, ...args: Args<DropoutPositional, DropoutOptions>): Tensor {
  return featureDropout(input, args, 2, "dropout2d");
}
