// The primitives under convolution and pooling: im2col (F.unfold) and col2im (F.fold), each
// the other's vjp, and the convolution (groups = 1) with its two gradient primitives. Every
// conv / conv-transpose / pooling layer built on them (in src/nn/functional/) is
// differentiable to any order without a backward of its own.
import type { Im2colGeometry } from "../backends/backend.ts";
import { record } from "../autograd/node.ts";
import { isFloating } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { fmtShape } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, dense, empty, output } from "./alloc.ts";

/** A size argument given as one int for every spatial dimension or one per dimension (PyTorch's `_pair`/`_single` inputs: 3 or [3, 2]). */
export type Pair = number | readonly number[];

/** A 2-tuple argument (kernel_size=3 or [3, 2]) as [h, w]. */
export function pair(v: Pair, name = "argument"): [number, number] {
  if (typeof v === "number") return [v, v];
  if (v.length === 1) return [v[0], v[0]];
  if (v.length !== 2) throw new RuntimeError(`expected ${name} to be a single integer value or a list of 2 values to match the convolution dimensions, but got ${name}=[${v.join(", ")}]`);
  return [v[0], v[1]];
}

/**
 * Columns [n, c*kh*kw, oh*ow] of a contiguous-able image [n, c, h, w]; positions outside the
 * image read padValue (0 for convolution and average pooling, -inf for max pooling: such a
 * position never wins a max, and its gradient is dropped by col2im either way).
 */
export function im2col(x: Tensor, g: Im2colGeometry, padValue = 0): Tensor {
  const out = empty([g.n, g.c * g.kh * g.kw, g.oh * g.ow], x.dtype, x._box.device);
  backendOf(x).im2col(dense(x), g, padValue, out._box.data);
  return record(out, "Im2ColBackward0", [x], [], (grad) => [col2im(grad, g)], { ...windowAttrs(g), pad_value: padValue });
}

/** The sliding-window arguments under PyTorch's names, for the tracer. */
export function windowAttrs(g: Im2colGeometry): Record<string, number[]> {
  return { kernel_size: [g.kh, g.kw], dilation: [g.dh, g.dw], padding: [g.ph, g.pw], stride: [g.sh, g.sw], output_size: [g.oh, g.ow] };
}

/** The adjoint of im2col: columns summed back into an image [n, c, h, w]. */
export function col2im(cols: Tensor, g: Im2colGeometry): Tensor {
  const out = empty([g.n, g.c, g.h, g.w], cols.dtype, cols._box.device);
  backendOf(cols).col2im(dense(cols), g, out._box.data);
  return record(out, "Col2ImBackward0", [cols], [], (grad) => [im2col(grad, g, 0)], windowAttrs(g));
}

/**
 * Convolution (groups = 1) as one node: out[n, o, L] = W[o, K] @ im2col(x)[n, K, L] + b[o]
 * (W is the weight as a [outC, K] matrix), computed by the backend's convForward, which comes
 * out in NCHW order. The vjp is two more primitives, so that, as in ATen, the three are
 * closed under differentiation (every order of derivative stays on the fast kernels):
 *   dx = convInputGrad(g, W)  = col2im(W^T @ g)          (linear in g and in W)
 *   dW = convWeightGrad(x, g) = sum_n g_n @ im2col(x)_n^T (linear in x and in g)
 *   db = g summed over n and L.
 * Nothing is saved but x and W: the backends rebuild the columns where they need them.
 */
export function convolution(x: Tensor, w2: Tensor, bias: Tensor | null, g: Im2colGeometry): Tensor {
  const outC = w2.shape[0]!;
  const L = g.oh * g.ow;
  const backend = backendOf(x, w2, bias);
  const out = output([g.n, outC, L], x.dtype, x._box.device);
  backend.convForward(dense(x), dense(w2), bias ? dense(bias) : null, g, outC, out._box.data);
  return record(out, "ConvolutionBackward0", [x, w2, bias], [x, w2], (grad, [xS, w2S]) => [
    x.requiresGrad ? convInputGrad(grad, w2S!, g) : null,
    w2.requiresGrad ? convWeightGrad(xS!, grad, g) : null,
    bias && bias.requiresGrad ? grad.sum(2).sum(0) : null,
  ], { ...windowAttrs(g), groups: 1 });
}

/** dx [n, c, h, w] of a convolution for the upstream gradient gy [n, O, L] and weight W [O, K]. */
function convInputGrad(gy: Tensor, w2: Tensor, g: Im2colGeometry): Tensor {
  const out = output([g.n, g.c, g.h, g.w], gy.dtype, gy._box.device);
  backendOf(gy, w2).convInputGrad(dense(gy), dense(w2), g, w2.shape[0]!, out._box.data);
  // <gg, col2im(W^T gy)> = <W im2col(gg), gy>: gy's gradient is the convolution of gg, W's is convWeightGrad(gg, gy).
  return record(out, "ConvolutionBackwardInput", [gy, w2], [gy, w2], (gg, [gyS, w2S]) => [
    gy.requiresGrad ? convolution(gg, w2S!, null, g) : null,
    w2.requiresGrad ? convWeightGrad(gg, gyS!, g) : null,
  ]);
}

/** dW [O, K] of a convolution of x [n, c, h, w] for the upstream gradient gy [n, O, L]. */
function convWeightGrad(x: Tensor, gy: Tensor, g: Im2colGeometry): Tensor {
  const O = gy.shape[1]!;
  const out = output([O, g.c * g.kh * g.kw], x.dtype, x._box.device);
  backendOf(x, gy).convWeightGrad(dense(x), dense(gy), g, O, out._box.data);
  // <gg, sum gy im2col(x)^T> = <col2im(gg^T gy), x> = <conv(x, gg), gy>.
  return record(out, "ConvolutionBackwardWeight", [x, gy], [x, gy], (gg, [xS, gyS]) => [
    x.requiresGrad ? convInputGrad(gyS!, gg, g) : null,
    gy.requiresGrad ? convolution(xS!, gg, null, g) : null,
  ]);
}

/** Output length of a sliding window: floor or ceil((size + 2p - d(k-1) - 1) / s) + 1. */
export function windowCount(size: number, k: number, s: number, p: number, d: number, ceilMode = false): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  if (!ceilMode) return Math.floor(span / s) + 1;
  let out = Math.ceil(span / s) + 1;
  // PyTorch: the last window must start inside the input or the left padding.
  if ((out - 1) * s >= size + p) out--;
  return out;
}

/** The options of `F.unfold` and `F.fold`. */
export interface UnfoldOptions {
  dilation?: Pair;
  padding?: Pair;
  stride?: Pair;
}

function geometry(n: number, c: number, h: number, w: number, kernelSize: Pair, opts: UnfoldOptions, oh?: number, ow?: number): Im2colGeometry {
  const [kh, kw] = pair(kernelSize, "kernel_size");
  const [dh, dw] = pair(opts.dilation ?? 1, "dilation");
  const [ph, pw] = pair(opts.padding ?? 0, "padding");
  const [sh, sw] = pair(opts.stride ?? 1, "stride");
  if (kh <= 0 || kw <= 0) throw new RuntimeError(`kernel size should be greater than zero, but got kh: ${kh} kw: ${kw}`);
  if (sh <= 0 || sw <= 0) throw new RuntimeError(`stride should be greater than zero, but got dH: ${sh} dW: ${sw}`);
  if (dh <= 0 || dw <= 0) throw new RuntimeError(`dilation should be greater than zero, but got dilationH: ${dh} dilationW: ${dw}`);
  if (ph < 0 || pw < 0) throw new RuntimeError(`padding should be non-negative, but got padH: ${ph} padW: ${pw}`);
  return { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh: oh ?? windowCount(h, kh, sh, ph, dh), ow: ow ?? windowCount(w, kw, sw, pw, dw) };
}

/** F.unfold: [n, c, h, w] (or [c, h, w]) -> [n, c*kh*kw, L] sliding blocks. */
export function unfold(x: Tensor, kernelSize: Pair, opts: UnfoldOptions = {}): Tensor {
  if (x.dim() !== 3 && x.dim() !== 4) {
    throw new RuntimeError(`Expected 3D or 4D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${fmtShape(x.shape)}`);
  }
  if (!isFloating(x.dtype)) throw new RuntimeError(`"im2col" not implemented for '${x.dtype}'`);
  const batched = x.dim() === 4;
  const x4 = batched ? x : x.unsqueeze(0);
  const [n, c, h, w] = x4.shape;
  const g = geometry(n, c, h, w, kernelSize, opts);
  if (g.oh < 1 || g.ow < 1) {
    throw new RuntimeError(`Given input with spatial size (${h}, ${w}), kernel_size=(${g.kh}, ${g.kw}), dilation=(${g.dh}, ${g.dw}), padding=(${g.ph}, ${g.pw}), calculated shape of the array of sliding blocks as (${g.oh}, ${g.ow}), but its components must be at least one.`);
  }
  const out = im2col(x4, g);
  return batched ? out : out.squeeze(0);
}

/** F.fold: [n, c*kh*kw, L] (or unbatched) -> [n, c, outH, outW], overlapping values summed. */
export function fold(x: Tensor, outputSize: Pair, kernelSize: Pair, opts: UnfoldOptions = {}): Tensor {
  if (x.dim() !== 2 && x.dim() !== 3) {
    throw new RuntimeError(`Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${fmtShape(x.shape)}`);
  }
  const batched = x.dim() === 3;
  const x3 = batched ? x : x.unsqueeze(0);
  const [h, w] = pair(outputSize, "output_size");
  const [kh, kw] = pair(kernelSize, "kernel_size");
  const [n, ck, L] = x3.shape;
  if (ck % (kh * kw) !== 0) {
    throw new RuntimeError(`Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${ck} and kernel_size=(${kh}, ${kw}).`);
  }
  const g = geometry(n, ck / (kh * kw), h, w, kernelSize, opts);
  if (g.oh * g.ow !== L) {
    throw new RuntimeError(`Given output_size=(${h}, ${w}), kernel_size=(${kh}, ${kw}), dilation=(${g.dh}, ${g.dw}), padding=(${g.ph}, ${g.pw}), stride=(${g.sh}, ${g.sw}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${g.oh} * ${g.ow} = ${g.oh * g.ow}, but got input.size(2)=${L}.`);
  }
  const out = col2im(x3, g);
  return batched ? out : out.squeeze(0);
}
