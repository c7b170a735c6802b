// The Backend interface: every kernel an op can call. Ops and autograd never touch a
// concrete backend; the CPU backend implements this, WASM/WebGPU backends plug in here.
import type { NumArray, Storage } from "../dtype.ts";
import type { Shape } from "../layout.ts";

export type UnaryOp =
  | "neg" | "exp" | "log" | "log1p" | "expm1" | "sqrt" | "rsqrt" | "abs" | "sign"
  | "sin" | "cos" | "tanh" | "sigmoid" | "relu" | "logicalNot" | "isnan" | "isfinite";
export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr"
  /** a where b > 0, else 0: relu's backward in one pass (ATen's threshold_backward). */
  | "thresholdBackward";
export type ReduceOp = "sum" | "prod" | "max" | "min";

/** A strided read of storage: element (i0, i1, ...) lives at offset + sum(ik * strides[k]). */
export interface StridedView {
  data: Storage;
  shape: Shape;
  strides: readonly number[];
  offset: number;
}

/** Hyper-parameters of one fused Adam/AdamW update (PyTorch's single-tensor formulas). */
export interface AdamUpdate {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  maximize: boolean;
  /** lr / (1 - beta1^t) and sqrt(1 - beta2^t) for this step t. */
  stepSize: number;
  biasCorrection2Sqrt: number;
}

export interface Backend extends NnKernels {
  readonly name: string;
  /**
   * One Adam/AdamW step over contiguous arrays of one parameter, in place: the same update
   * as the optimizer's sequence of in-place tensor ops, in one pass instead of ten.
   */
  adamUpdate(param: NumArray, grad: NumArray, expAvg: NumArray, expAvgSq: NumArray, maxExpAvgSq: NumArray | null, h: AdamUpdate): void;
  /** out[i] = op(x[i]) over x's shape, out contiguous. */
  unary(op: UnaryOp, x: StridedView, out: Storage): void;
  /**
   * out[i] = op(a[i], b[i]); a and b are already broadcast to out's shape (stride 0 allowed).
   * int64 operands come in pairs: a and b are both int64 or neither (the ops cast first).
   */
  binary(op: BinaryOp, a: StridedView, b: StridedView, out: Storage): void;
  /** out[i] += alpha * x[i], x read as out's shape (the fused update of add_(x, { alpha })). */
  axpy(alpha: number, x: StridedView, out: NumArray): void;
  clamp(x: StridedView, lo: number, hi: number, out: Storage): void;
  /** out = cond ? a : b, all three broadcast to out's shape; a, b and out of one dtype when int64. */
  where(cond: StridedView, a: StridedView, b: StridedView, out: Storage): void;
  /** dst[i] = src[i] over src's shape, both strided, with dtype cast (bool: non-zero is true). */
  copy(src: StridedView, dst: StridedView): void;
  /** Reduce a contiguous [outer, r, inner] block over r into out[outer * inner]. */
  reduce(op: ReduceOp, x: Storage, outer: number, r: number, inner: number, out: Storage): void;
  /** First index of the max/min (NaN wins, as PyTorch) over r; values too when given. */
  argReduce(op: "max" | "min", x: Storage, outer: number, r: number, inner: number, indices: Int32Array, values: Storage | null): void;
  cumsum(x: Storage, outer: number, r: number, inner: number, out: Storage): void;
  /** softmax (or logSoftmax) over r of a contiguous [outer, r, inner] block, max-shifted, in float64. */
  softmax(x: NumArray, outer: number, r: number, inner: number, out: NumArray, log: boolean): void;
  /** out[b] = a[b] @ b[b] for contiguous a [batch, m, k] (or transposed when transA) and b [batch, k, n]. */
  matmul(a: StridedView, b: StridedView, out: Storage, batch: number, m: number, k: number, n: number): void;
  /** gather along dim of a contiguous [outer, rIn, inner] source with index [outer, rIdx, inner]; index int32 or int64. */
  gather(x: StridedView, index: StridedView, dim: number, out: Storage): void;
  /** out (contiguous, pre-filled) [dim] = src at index positions; accumulate adds instead of assigning; src of out's dtype. */
  scatter(out: Storage, outShape: Shape, index: StridedView, src: StridedView, dim: number, accumulate: boolean): void;
}

/**
 * im2col/col2im geometry: images [n, c, h, w] (contiguous), kernel [kh, kw] with stride, zero
 * padding (left/top: ph, pw) and dilation; columns [n, c*kh*kw, oh*ow] (PyTorch's F.unfold
 * layout). Window (oy, ox) reads rows oy*sh - ph + ki*dh; anything outside the image is padding.
 */
export interface Im2colGeometry {
  n: number; c: number; h: number; w: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  oh: number; ow: number;
}

/** Kernels of the nn layers (src/backends/cpu/conv.ts, src/backends/cpu/special.ts). */
export interface NnKernels {
  /** Image [n, c, h, w] -> columns [n, c*kh*kw, oh*ow]; padding reads padValue (0, or -inf for max pooling). */
  im2col(x: NumArray, g: Im2colGeometry, padValue: number, out: NumArray): void;
  /** Columns [n, c*kh*kw, oh*ow] -> image [n, c, h, w], overlapping windows summed; out is zeroed first. */
  col2im(cols: NumArray, g: Im2colGeometry, out: NumArray): void;
  /** Convolution (groups = 1), w [O, c*kh*kw] contiguous: out [n, O, oh*ow] = w @ im2col(x) + bias per image. */
  convForward(x: NumArray, w: NumArray, bias: NumArray | null, g: Im2colGeometry, outChannels: number, out: NumArray): void;
  /** Its input gradient: out [n, c, h, w] = col2im(w^T @ gy) for gy [n, O, oh*ow] contiguous. */
  convInputGrad(gy: NumArray, w: NumArray, g: Im2colGeometry, outChannels: number, out: NumArray): void;
  /** Its weight gradient: out [O, c*kh*kw] = sum over images of gy @ im2col(x)^T. */
  convWeightGrad(x: NumArray, gy: NumArray, g: Im2colGeometry, outChannels: number, out: NumArray): void;
  /** out[i] = erf(x[i]) over contiguous data. */
  erf(x: NumArray, out: NumArray): void;
  /** Max pooling of contiguous [n*c, h, w] planes: each window's max and its flat h*w index (PyTorch's tie and NaN rules). */
  maxPool2d(x: NumArray, g: Im2colGeometry, values: NumArray, indices: Int32Array): void;
  /** Its gradient: out [n*c, h*w] (zeros on entry) += gy [n*c, oh*ow] scattered through the indices (contiguous). */
  maxPool2dBackward(gy: NumArray, indices: Int32Array, g: Im2colGeometry, out: NumArray): void;
}
