// Activations as composites of Tensor ops. Where PyTorch's derivative at a kink differs from
// what the plain composition would give, `where` picks the branch so the gradient is
// PyTorch's (e.g. hardtanh passes gradient only strictly inside (min, max)).
import { RuntimeError } from "../../errors.ts";
import { where } from "../../ops/elementwise.ts";
import { erf } from "../../ops/special.ts";
import type { Tensor } from "../../tensor.ts";

export { erf };

export const relu6 = (x: Tensor): Tensor => hardtanh(x, { minVal: 0, maxVal: 6 });

/** F.hardtanh: clamp to [minVal, maxVal]; gradient 1 strictly inside, 0 elsewhere. */
export function hardtanh(x: Tensor, opts: { minVal?: number; maxVal?: number } = {}): Tensor {
  const lo = opts.minVal ?? -1;
  const hi = opts.maxVal ?? 1;
  if (lo > hi) throw new RuntimeError("min_val cannot be greater than max_val");
  return where(x.le(lo), lo, where(x.ge(hi), hi, x));
}

/** F.leaky_relu: x > 0 ? x : slope * x. */
export function leakyRelu(x: Tensor, opts: { negativeSlope?: number } = {}): Tensor {
  return where(x.gt(0), x, x.mul(opts.negativeSlope ?? 0.01));
}

/** F.elu: x > 0 ? x : alpha * (exp(x) - 1). */
export function elu(x: Tensor, opts: { alpha?: number } = {}): Tensor {
  const alpha = opts.alpha ?? 1;
  return where(x.gt(0), x, x.exp().sub(1).mul(alpha));
}

/**
 * `value` in the forward pass, `surrogate`'s gradient in the backward pass (surrogate minus
 * its detached self is exactly 0). Used where PyTorch's derivative formula rounds a constant
 * to float32 even for float64 tensors, so our gradients agree with PyTorch's to round-off.
 */
function valueWithGradOf(value: Tensor, surrogate: Tensor): Tensor {
  return surrogate.sub(surrogate.detach()).add(value.detach());
}

/**
 * F.celu: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). PyTorch's derivative (derivatives.yaml:
 * elu_backward(..., 1.0 / alpha.toFloat())) uses c = 1 / float32(alpha): alpha * c * exp(c x).
 */
export function celu(x: Tensor, opts: { alpha?: number } = {}): Tensor {
  const alpha = opts.alpha ?? 1;
  if (alpha === 0) throw new RuntimeError("ZeroDivisionError");
  const c = 1 / Math.fround(alpha);
  const neg = valueWithGradOf(x.div(alpha).exp().sub(1).mul(alpha), x.mul(c).exp().mul(alpha));
  return where(x.gt(0), x, neg);
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
/** F.selu: scale * elu(x, alpha) with PyTorch's constants. */
export function selu(x: Tensor): Tensor {
  return where(x.gt(0), x.mul(SELU_SCALE), x.exp().sub(1).mul(SELU_ALPHA * SELU_SCALE));
}

/** F.gelu: x * Phi(x) exactly ("none", via erf) or with the tanh approximation. */
export function gelu(x: Tensor, opts: { approximate?: "none" | "tanh" } = {}): Tensor {
  const approximate = opts.approximate ?? "none";
  if (approximate === "tanh") {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  if (approximate !== "none") throw new RuntimeError(`approximate argument must be either none or tanh.`);
  return x.mul(0.5).mul(erf(x.mul(Math.SQRT1_2)).add(1));
}

export const silu = (x: Tensor): Tensor => x.mul(x.sigmoid());

/** F.softplus: log(1 + exp(beta x)) / beta, and x itself where beta x > threshold. */
export function softplus(x: Tensor, opts: { beta?: number; threshold?: number } = {}): Tensor {
  const beta = opts.beta ?? 1;
  const threshold = opts.threshold ?? 20;
  const bx = beta === 1 ? x : x.mul(beta);
  const soft = bx.exp().log1p();
  return where(bx.gt(threshold), x, beta === 1 ? soft : soft.div(beta));
}

export const mish = (x: Tensor): Tensor => x.mul(softplus(x).tanh());
export const softsign = (x: Tensor): Tensor => x.div(x.abs().add(1));
export const tanhshrink = (x: Tensor): Tensor => x.sub(x.tanh());

/** F.hardsigmoid: relu6(x + 3) / 6; gradient float32(1/6) strictly inside (-3, 3), as PyTorch's kernel. */
export function hardsigmoid(x: Tensor): Tensor {
  const inner = valueWithGradOf(x.add(3).div(6), x.mul(Math.fround(1 / 6)));
  return where(x.le(-3), 0, where(x.ge(3), 1, inner));
}

/** F.hardswish: x * relu6(x + 3) / 6. */
export function hardswish(x: Tensor): Tensor {
  return where(x.le(-3), 0, where(x.ge(3), x, x.mul(x.add(3)).div(6)));
}

/** F.logsigmoid: -softplus(-x), stable for large |x|: min(x, 0) - log1p(exp(-|x|)). */
export function logsigmoid(x: Tensor): Tensor {
  return where(x.lt(0), x, 0).sub(x.abs().neg().exp().log1p());
}

export function threshold(x: Tensor, thresholdValue: number, value: number): Tensor {
  return where(x.gt(thresholdValue), x, value);
}
export function hardshrink(x: Tensor, opts: { lambd?: number } = {}): Tensor {
  const l = opts.lambd ?? 0.5;
  return where(x.gt(l).logicalOr(x.lt(-l)), x, 0);
}
export function softshrink(x: Tensor, opts: { lambd?: number } = {}): Tensor {
  const l = opts.lambd ?? 0.5;
  return where(x.gt(l), x.sub(l), where(x.lt(-l), x.add(l), 0));
}

/** F.prelu(x [N, C, ...], weight [C] or [1]): x > 0 ? x : weight * x, weight along dim 1. */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const n = weight.numel();
  if (n !== 1) {
    const c = x.dim() >= 2 ? x.shape[1] : 1;
    if (c !== n) throw new RuntimeError(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${c}.`);
  }
  const w = n === 1 || x.dim() < 2 ? weight.reshape(n === 1 ? [] : [n]) : weight.view([n, ...new Array<number>(x.dim() - 2).fill(1)]);
  return where(x.gt(0), x, x.mul(w));
}

/** F.glu: a * sigmoid(b) for the two halves of dim. */
export function glu(x: Tensor, dim = -1): Tensor {
  const d = dim < 0 ? dim + x.dim() : dim;
  if (x.shape[d] % 2 !== 0) throw new RuntimeError(`Halving dimension must be even, but dimension ${d} is size ${x.shape[d]}`);
  const [a, b] = x.chunk(2, d);
  return a.mul(b.sigmoid());
}

export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
export const tanh = (x: Tensor): Tensor => x.tanh();
export const softmax = (x: Tensor, dim: number): Tensor => x.softmax(dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => x.logSoftmax(dim);
export const softmin = (x: Tensor, dim: number): Tensor => x.neg().softmax(dim);
