// Dropout draws its mask exactly as PyTorch 1.13 on CPU does: empty_like(x).bernoulli_(1 - p),
// then noise /= (1 - p) and x * noise, so a given seed gives PyTorch's masks and values.
import { RuntimeError, ValueError } from "../../errors.ts";
import { zeros } from "../../ops/alloc.ts";
import type { Tensor } from "../../tensor.ts";
import { fmtShape } from "../../layout.ts";

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}

function checkP(p: number): void {
  if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

function applyNoise(x: Tensor, noiseShape: readonly number[], p: number, inplace: boolean): Tensor {
  const noise = zeros(noiseShape, x.dtype, x.device);
  if (p === 1) return inplace ? x.mul_(noise) : x.mul(noise);
  noise.bernoulli_(1 - p);
  noise.div_(1 - p);
  return inplace ? x.mul_(noise) : x.mul(noise);
}

/** F.dropout(x, { p = 0.5, training = true, inplace = false }). */
export function dropout(x: Tensor, opts: DropoutOptions = {}): Tensor {
  const p = opts.p ?? 0.5;
  checkP(p);
  if (!(opts.training ?? true) || p === 0 || x.numel() === 0) return x;
  return applyNoise(x, x.shape, p, opts.inplace ?? false);
}

/** Channel-wise dropout: one draw per (sample, channel), as feature_dropout. */
function featureDropout(x: Tensor, opts: DropoutOptions, nd: number, name: string): Tensor {
  const p = opts.p ?? 0.5;
  checkP(p);
  if (x.dim() !== nd + 1 && x.dim() !== nd + 2) {
    throw new RuntimeError(`${name}: Expected ${nd + 1}D or ${nd + 2}D input, but received a ${x.dim()}D input ${fmtShape(x.shape)}`);
  }
  if (!(opts.training ?? true) || p === 0) return x;
  const batched = x.dim() === nd + 2;
  const lead = batched ? x.shape.slice(0, 2) : x.shape.slice(0, 1);
  return applyNoise(x, [...lead, ...new Array<number>(nd).fill(1)], p, opts.inplace ?? false);
}

export const dropout1d = (x: Tensor, opts: DropoutOptions = {}): Tensor => featureDropout(x, opts, 1, "dropout1d");
export const dropout2d = (x: Tensor, opts: DropoutOptions = {}): Tensor => featureDropout(x, opts, 2, "dropout2d");
