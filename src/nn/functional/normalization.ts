// Normalization layers as composites: statistics with mean/var, the affine part with
// broadcasting. Running statistics are updated in place under noGrad, as PyTorch's buffers.
//
// Each F.* function takes PyTorch's positional arguments, then an options object.
import { bool, checkTensor, int, intOrInts, nullable, num, param, parseArgs, tensor, type Args } from "../../args.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { traceScope } from "../../autograd/trace.ts";
import { RuntimeError, ValueError } from "../../errors.ts";
import { fmtShape } from "../../layout.ts";
import type { Tensor } from "../../tensor.ts";
import { vectorNorm } from "../../ops/norm.ts";
import { pad } from "./padding.ts";
import { avgPool2d } from "./pooling.ts";

/** The options of `F.batchNorm`. */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  /** nn.BatchNorm's momentum=None (cumulative average) passes 1 / numBatchesTracked here. */
  momentum?: number;
  eps?: number;
}
const OPT_TENSOR = nullable(tensor);
const BATCH_NORM = [param("weight", OPT_TENSOR, null), param("bias", OPT_TENSOR, null), param("training", bool, false), param("momentum", num(), 0.1), param("eps", num(), 1e-5)];

/** [1, C, 1, ...] for broadcasting a per-channel vector over [N, C, ...]. */
const channelView = (v: Tensor, ndim: number): Tensor => v.view([1, v.numel(), ...new Array<number>(Math.max(0, ndim - 2)).fill(1)]);

/**
 * F.batch_norm(input [N, C, ...], running_mean, running_var, weight=None, bias=None,
 * training=False, momentum=0.1, eps=1e-5). Training normalizes with the batch's biased
 * variance and moves the running stats towards the batch's mean and unbiased variance:
 * running = (1 - momentum) * running + momentum * batch.
 */
export function batchNorm(
  input: Tensor, runningMean: Tensor | null | undefined, runningVar: Tensor | null | undefined,
  ...args: Args<[weight: Tensor | null | undefined, bias: Tensor | null | undefined, training: boolean, momentum: number, eps: number], BatchNormOptions>
): Tensor {
  const x = checkTensor(input, "input", "batchNorm");
  if (runningMean != null) checkTensor(runningMean, "runningMean", "batchNorm");
  if (runningVar != null) checkTensor(runningVar, "runningVar", "batchNorm");
  const { weight, bias, training, momentum, eps } = parseArgs<Required<BatchNormOptions>>("batchNorm", BATCH_NORM, args);
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

/** The options of `F.layerNorm` (and, as `GroupNormOptions`, of `F.groupNorm`). */
export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}
const LAYER_NORM = [param("weight", OPT_TENSOR, null), param("bias", OPT_TENSOR, null), param("eps", num(), 1e-5)];
type AffinePositional = [weight: Tensor | null | undefined, bias: Tensor | null | undefined, eps: number];

/** F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5) over the last normalized_shape.length dims. */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], ...args: Args<AffinePositional, LayerNormOptions>): Tensor {
  const x = checkTensor(input, "input", "layerNorm");
  const shape = asShape(intOrInts(normalizedShape, "normalizedShape", "layerNorm"));
  const opts = parseArgs<Required<LayerNormOptions>>("layerNorm", LAYER_NORM, args);
  const { weight, bias } = opts;
  const dims = checkNormalizedShape(x, shape, "layer_norm");
  for (const [t, name] of [[weight, "weight"], [bias, "bias"]] as const) {
    if (t && t.shape.join() !== shape.join()) throw new RuntimeError(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${fmtShape(t.shape)} and normalized_shape = ${fmtShape(shape)}`);
  }
  const eps = opts.eps;
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

/** The options of `F.groupNorm`: weight, bias (per channel) and eps, as `F.layerNorm`'s. */
export type GroupNormOptions = LayerNormOptions;

/** F.group_norm(input [N, C, ...], num_groups, weight=None, bias=None, eps=1e-5). */
export function groupNorm(input: Tensor, numGroups: number, ...args: Args<AffinePositional, GroupNormOptions>): Tensor {
  const x = checkTensor(input, "input", "groupNorm");
  int()(numGroups, "numGroups", "groupNorm");
  const opts = parseArgs<Required<GroupNormOptions>>("groupNorm", LAYER_NORM, args);
  const { weight, bias } = opts;
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
  return affine(grouped.sub(mean).mul(variance.add(opts.eps).rsqrt()).reshape(x.shape), weight, bias);
}

/** The options of `F.rmsNorm`. */
export interface RMSNormOptions {
  /** The elementwise scale, of shape normalized_shape; PyTorch's default null (no scale). */
  weight?: Tensor | null;
  /** Defaults to the dtype's machine epsilon. */
  eps?: number | null;
}
const RMS_NORM = [param("weight", OPT_TENSOR, null), param("eps", nullable(num()), null)];

/** F.rms_norm(input, normalized_shape, weight=None, eps=None) (PyTorch 2.4): x / sqrt(mean(x^2) + eps) * weight; eps defaults to the dtype's machine epsilon. */
export function rmsNorm(input: Tensor, normalizedShape: number | readonly number[], ...args: Args<[weight: Tensor | null | undefined, eps: number | null], RMSNormOptions>): Tensor {
  const x = checkTensor(input, "input", "rmsNorm");
  const shape = asShape(intOrInts(normalizedShape, "normalizedShape", "rmsNorm"));
  const { weight, eps: e } = parseArgs<Required<RMSNormOptions>>("rmsNorm", RMS_NORM, args);
  const dims = checkNormalizedShape(x, shape, "rms_norm");
  const eps = e ?? (x.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  const y = x.mul(x.mul(x).mean(dims, true).add(eps).rsqrt());
  return weight ? y.mul(weight) : y;
}

/** The options of `F.instanceNorm`. */
export interface InstanceNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  useInputStats?: boolean;
  momentum?: number;
  eps?: number;
}
const INSTANCE_NORM = [
  param("runningMean", OPT_TENSOR, null), param("runningVar", OPT_TENSOR, null), param("weight", OPT_TENSOR, null), param("bias", OPT_TENSOR, null),
  param("useInputStats", bool, true), param("momentum", num(), 0.1), param("eps", num(), 1e-5),
];

/**
 * F.instance_norm(input [N, C, ...], running_mean=None, running_var=None, weight=None, bias=None,
 * use_input_stats=True, momentum=0.1, eps=1e-5): batch norm per (sample, channel), as ATen's
 * instance_norm (a batch norm over [1, N*C, ...]); running stats, when given, move towards the
 * batch average of the per-instance statistics.
 */
export function instanceNorm(
  input: Tensor,
  ...args: Args<[runningMean: Tensor | null | undefined, runningVar: Tensor | null | undefined, weight: Tensor | null | undefined, bias: Tensor | null | undefined, useInputStats: boolean, momentum: number, eps: number], InstanceNormOptions>
): Tensor {
  const x = checkTensor(input, "input", "instanceNorm");
  const a = parseArgs<Required<InstanceNormOptions>>("instanceNorm", INSTANCE_NORM, args);
  if (x.dim() < 3) throw new ValueError(`Expected 3D or higher input (got ${x.dim()}D input)`);
  const [n, c] = x.shape;
  if (a.useInputStats && x.numel() / (n * c) <= 1) {
    throw new ValueError(`Expected more than 1 spatial element when training, got input size torch.Size([${x.shape.join(", ")}])`);
  }
  if (!a.useInputStats && (a.runningMean === null || a.runningVar === null)) {
    throw new RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false");
  }
  // The per-channel tensors repeated per sample, as ATen's instance_norm does (so batch_norm's
  // size checks give PyTorch's messages: "weight should contain 8 elements not 6").
  const repeat = (t: Tensor | null): Tensor | null => (t === null ? null : t.unsqueeze(0).expand([n, ...t.shape]).reshape(-1));
  const rm = a.runningMean && repeat(a.runningMean.detach())!.clone();
  const rv = a.runningVar && repeat(a.runningVar.detach())!.clone();
  const flat = x.reshape(1, n * c, ...x.shape.slice(2));
  const y = batchNorm(flat, rm, rv, repeat(a.weight), repeat(a.bias), a.useInputStats, a.momentum, a.eps).reshape(x.shape);
  if (a.useInputStats) {
    noGrad(() => {
      if (a.runningMean && rm) a.runningMean.copy_(rm.view(n, c).mean(0));
      if (a.runningVar && rv) a.runningVar.copy_(rv.view(n, c).mean(0));
    });
  }
  return y;
}

/** The options of `F.normalize`. */
export interface NormalizeOptions {
  p?: number;
  dim?: number;
  eps?: number;
}
const NORMALIZE = [param("p", num(), 2), param("dim", int(), 1), param("eps", num(), 1e-12)];

/** F.normalize(input, p=2.0, dim=1, eps=1e-12): x / max(||x||_p, eps) along dim. */
export function normalize(input: Tensor, ...args: Args<[p: number, dim: number, eps: number], NormalizeOptions>): Tensor {
  const x = checkTensor(input, "input", "normalize");
  const { p, dim, eps } = parseArgs<Required<NormalizeOptions>>("normalize", NORMALIZE, args);
  // PyTorch's: input / norm(input, p, dim, keepdim=True).clamp_min(eps), the norm's own backward
  // (0 at a zero vector) so a zero row gets gradient 1 / eps, not NaN
  return x.div(vectorNorm(x, p, dim, true).clamp({ min: eps }));
}

/** The options of `F.localResponseNorm` and `nn.LocalResponseNorm`. */
export interface LocalResponseNormOptions {
  /** How many neighbouring channels are summed over; required. */
  size?: number;
  /** The scale of the sum; PyTorch's default 1e-4. */
  alpha?: number;
  /** The exponent; PyTorch's default 0.75. */
  beta?: number;
  /** The additive constant; PyTorch's default 1. */
  k?: number;
}
export const LOCAL_RESPONSE_NORM = [param("size", int({ min: 1 })), param("alpha", num(), 1e-4), param("beta", num(), 0.75), param("k", num(), 1)];

/**
 * F.local_response_norm(input [N, C, ...], size, alpha=1e-4, beta=0.75, k=1.0), PyTorch's
 * composite: x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta, the window
 * zero-padded by size // 2 before and (size - 1) // 2 after each channel.
 */
export function localResponseNorm(input: Tensor, ...args: Args<[size: number, alpha: number, beta: number, k: number], LocalResponseNormOptions>): Tensor {
  const x = checkTensor(input, "input", "local_response_norm");
  const { size, alpha, beta, k } = parseArgs<Required<LocalResponseNormOptions>>("local_response_norm", LOCAL_RESPONSE_NORM, args);
  if (x.dim() < 3) throw new ValueError(`Expected 3D or higher dimensionality input (got ${x.dim()} dimensions)`);
  if (x.numel() === 0) return x;
  // [N, 1, C, rest]: the channel window is a (size, 1) average over the padded channel axis
  // (PyTorch pools 4-D and up with avg_pool3d's (size, 1, 1) kernel: the same sums)
  const [n, c] = x.shape as [number, number];
  const sq = x.mul(x).reshape(n, 1, c, -1);
  const div = avgPool2d(pad(sq, [0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)]), [size, 1], { stride: 1 }).reshape(x.shape);
  return x.div(div.mul(alpha).add(k).pow(beta));
}
