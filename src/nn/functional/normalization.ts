// Normalization layers as composites: statistics with mean/var, the affine part with
// broadcasting. Running statistics are updated in place under noGrad, as PyTorch's buffers.
import { noGrad } from "../../autograd/gradMode.ts";
import { traceScope } from "../../autograd/trace.ts";
import { RuntimeError, ValueError } from "../../errors.ts";
import { fmtShape } from "../../layout.ts";
import type { Tensor } from "../../tensor.ts";

export interface BatchNormOptions {
  training?: boolean;
  /** null: cumulative moving average (the caller passes 1/numBatchesTracked instead). */
  momentum?: number;
  eps?: number;
}

/** [1, C, 1, ...] for broadcasting a per-channel vector over [N, C, ...]. */
const channelView = (v: Tensor, ndim: number): Tensor => v.view([1, v.numel(), ...new Array<number>(Math.max(0, ndim - 2)).fill(1)]);

/**
 * F.batch_norm(x [N, C, ...], runningMean, runningVar, weight?, bias?, { training, momentum, eps }).
 * Training normalizes with the batch's biased variance and moves the running stats towards the
 * batch's mean and unbiased variance: running = (1 - momentum) * running + momentum * batch.
 */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null | undefined, runningVar: Tensor | null | undefined,
  weight?: Tensor | null, bias?: Tensor | null, opts: BatchNormOptions = {},
): Tensor {
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (x.dim() < 2) throw new ValueError(`Expected 2D or higher input (got ${x.dim()}D input)`);
  const c = x.shape[1];
  const check = (t: Tensor | null | undefined, name: string): void => {
    if (t && t.numel() !== c) throw new RuntimeError(`${name} should contain ${c} elements not ${t.numel()}`);
  };
  check(runningMean, "running_mean");
  check(runningVar, "running_var");
  check(weight, "weight");
  check(bias, "bias");
  const dims = [0, ...Array.from({ length: x.dim() - 2 }, (_, i) => i + 2)];
  if (training) {
    const count = x.numel() / c;
    if (count <= 1) throw new ValueError(`Expected more than 1 value per channel when training, got input size ${fmtShape(x.shape).replace(/^\[/, "torch.Size([").replace(/\]$/, "])")}`);
    const mean = x.mean(dims, true);
    const variance = x.var(dims, { correction: 0, keepdim: true });
    if (runningMean || runningVar) {
      noGrad(() => {
        if (runningMean) runningMean.mul_(1 - momentum).add_(mean.detach().view(c).mul(momentum));
        if (runningVar) runningVar.mul_(1 - momentum).add_(variance.detach().view(c).mul((momentum * count) / (count - 1)));
      });
    }
    return affine(x.sub(mean).mul(variance.add(eps).rsqrt()), weight, bias);
  } else {
    if (!runningMean || !runningVar) throw new RuntimeError("running_mean and running_var must be defined in evaluation mode");
    // With running statistics this is one op for an exporter (ONNX BatchNormalization).
    const [rm, rv] = [runningMean, runningVar];
    return traceScope("batch_norm", [x, weight ?? null, bias ?? null, rm, rv], { eps, training: false }, () => {
      return affine(x.sub(channelView(rm, x.dim())).mul(channelView(rv, x.dim()).add(eps).rsqrt()), weight, bias);
    }, (y) => [y]);
  }
}

/** y * weight + bias with both per channel (dim 1). */
function affine(y: Tensor, weight?: Tensor | null, bias?: Tensor | null): Tensor {
  if (weight) y = y.mul(channelView(weight, y.dim()));
  if (bias) y = y.add(channelView(bias, y.dim()));
  return y;
}

function checkNormalizedShape(x: Tensor, normalizedShape: readonly number[], what: string): number[] {
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.dim() - k);
  if (k === 0 || x.dim() < k || tail.join() !== normalizedShape.join()) {
    throw new RuntimeError(`Given normalized_shape=${fmtShape(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(", ")}], but got input of size${fmtShape(x.shape)}`);
  }
  void what;
  return Array.from({ length: k }, (_, i) => x.dim() - k + i);
}

const asShape = (s: number | readonly number[]): number[] => (typeof s === "number" ? [s] : [...s]);

/** F.layer_norm(x, normalizedShape, weight?, bias?, { eps }) over the last normalizedShape.length dims. */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, bias?: Tensor | null, opts: { eps?: number } = {}): Tensor {
  const shape = asShape(normalizedShape);
  const dims = checkNormalizedShape(x, shape, "layer_norm");
  for (const [t, name] of [[weight, "weight"], [bias, "bias"]] as const) {
    if (t && t.shape.join() !== shape.join()) throw new RuntimeError(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${fmtShape(t.shape)} and normalized_shape = ${fmtShape(shape)}`);
  }
  const eps = opts.eps ?? 1e-5;
  // One op for an exporter (ONNX LayerNormalization).
  return traceScope("layer_norm", [x, weight ?? null, bias ?? null], { normalized_shape: shape, eps }, () => {
    const mean = x.mean(dims, true);
    const variance = x.var(dims, { correction: 0, keepdim: true });
    let y = x.sub(mean).mul(variance.add(eps).rsqrt());
    if (weight) y = y.mul(weight);
    if (bias) y = y.add(bias);
    return y;
  }, (y) => [y]);
}

/** F.group_norm(x [N, C, ...], numGroups, weight?, bias?, { eps }). */
export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, opts: { eps?: number } = {}): Tensor {
  if (x.dim() < 2) throw new RuntimeError(`Expected at least 2 dimensions for input tensor but received ${x.dim()}`);
  const [n, c] = x.shape;
  if (c % numGroups !== 0) {
    throw new RuntimeError(`Expected number of channels in input to be divisible by num_groups, but got input of shape ${fmtShape(x.shape)} and num_groups=${numGroups}`);
  }
  for (const [t, name] of [[weight, "weight"], [bias, "bias"]] as const) {
    if (t && (t.dim() !== 1 || t.numel() !== c)) throw new RuntimeError(`Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${fmtShape(t.shape)} and input of shape ${fmtShape(x.shape)}`);
  }
  const grouped = x.reshape(n, numGroups, -1);
  const mean = grouped.mean(2, true);
  const variance = grouped.var(2, { correction: 0, keepdim: true });
  return affine(grouped.sub(mean).mul(variance.add(opts.eps ?? 1e-5).rsqrt()).reshape(x.shape), weight, bias);
}

/** F.rms_norm(x, normalizedShape, weight?, { eps }): x / sqrt(mean(x^2) + eps) * weight; eps defaults to the dtype's machine epsilon, as PyTorch. */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, opts: { eps?: number | null } = {}): Tensor {
  const shape = asShape(normalizedShape);
  const dims = checkNormalizedShape(x, shape, "rms_norm");
  const eps = opts.eps ?? (x.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  const y = x.mul(x.mul(x).mean(dims, true).add(eps).rsqrt());
  return weight ? y.mul(weight) : y;
}

/** F.instance_norm without running stats: batch norm per (sample, channel). */
export function instanceNorm(x: Tensor, weight?: Tensor | null, bias?: Tensor | null, opts: { eps?: number } = {}): Tensor {
  if (x.dim() < 3) throw new ValueError(`Expected 3D or higher input (got ${x.dim()}D input)`);
  const dims = Array.from({ length: x.dim() - 2 }, (_, i) => i + 2);
  const mean = x.mean(dims, true);
  const variance = x.var(dims, { correction: 0, keepdim: true });
  return affine(x.sub(mean).mul(variance.add(opts.eps ?? 1e-5).rsqrt()), weight, bias);
}

/** F.normalize(x, { p, dim, eps }): x / max(||x||_p, eps) along dim. */
export function normalize(x: Tensor, opts: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  const p = opts.p ?? 2;
  const dim = opts.dim ?? 1;
  const norm = p === 2 ? x.mul(x).sum(dim, true).sqrt() : x.abs().pow(p).sum(dim, true).pow(1 / p);
  return x.div(norm.clamp({ min: opts.eps ?? 1e-12 }));
}
