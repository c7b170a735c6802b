// The Backend interface: every kernel an op can call. Ops and autograd never touch a
// concrete backend; the CPU backend implements this, WASM/WebGPU backends plug in here.
//
// A backend is parameterized by where its data lives (docs/DEVICES.md, "Backend interface"):
//   S  the storage a view reads (cpu: a typed array; webgpu: a GPUArray handle)
//   D  a dense run of storage a kernel writes or reads whole (cpu: a typed array, maybe a
//      subarray; webgpu: a GPUArray, maybe a subarray handle)
//   I  the index output of argReduce / maxPool2d (cpu: Int32Array; webgpu: a GPUArray of
//      int32 or int64)
// Every kernel writes into output storage its caller allocated through the same backend
// (`empty`), so an op never needs to know which backend it runs on.
import type { DType, Storage } from "../dtype.ts";
import type { Shape } from "../layout.ts";

export type UnaryOp =
  | "neg" | "exp" | "log" | "log1p" | "expm1" | "sqrt" | "rsqrt" | "abs" | "sign"
  | "sin" | "cos" | "tan" | "tanh" | "sigmoid" | "relu" | "logicalNot" | "isnan" | "isfinite"
  /** Rounding: integer dtypes pass through unchanged; round is half to even (C's nearbyint). */
  | "floor" | "ceil" | "round" | "trunc"
  | "log2" | "log10" | "exp2" | "sinh" | "cosh" | "asin" | "acos" | "atan" | "asinh" | "acosh" | "atanh" | "erfc"
  /** The sign bit (bool output): true for negative numbers, -0 and a NaN with its sign bit set. */
  | "signbit"
  /** ~x on integers, not x on bool (ops refuse floats). */
  | "bitwiseNot";
export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr"
  /** a where b > 0, else 0: relu's backward in one pass (ATen's threshold_backward). */
  | "thresholdBackward"
  /**
   * a * (1 - b * b): tanh's backward from its output b in one pass, rounded as ATen's float32
   * kernel (1 - b * b fused into one rounding, then the product).
   */
  | "tanhBackward"
  | "atan2" | "hypot" | "copysign"
  /** C's fmod (the sign of a) and Python's % (the sign of b); integer divisors are non-zero (the op checks). */
  | "fmod" | "remainder"
  /** a / b rounded toward -inf (PyTorch's div_floor) and toward 0 (div_trunc); exact for integers. */
  | "divFloor" | "divTrunc"
  /** max/min ignoring a NaN operand (NaN only where both are). */
  | "fmax" | "fmin"
  /**
   * On integers and bool (ops refuse floats). Shifts take the count modulo the width (32 for
   * int32, 64 for int64), as PyTorch's CPU kernels do (x86's shift instructions); the right
   * shift is arithmetic.
   */
  | "bitwiseAnd" | "bitwiseOr" | "bitwiseXor" | "bitwiseLeftShift" | "bitwiseRightShift";
export type ReduceOp = "sum" | "prod" | "max" | "min";

/** A strided read of storage: element (i0, i1, ...) lives at offset + sum(ik * strides[k]). */
export interface StridedView<S = Storage> {
  data: S;
  shape: Shape;
  strides: readonly number[];
  offset: number;
}

/**
 * An input operand: a view of the backend's storage, or a plain number given as one element
 * of host storage read with all-zero strides (ops/alloc.ts scalarView: a Float64Array, or a
 * BigInt64Array for int64). Every backend accepts the host form wherever it takes an input
 * operand (the webgpu backend passes it as a kernel parameter), so `x.mul(0.5)` needs no
 * device scalar.
 */
export type Operand<S> = StridedView<S> | StridedView<Float64Array | BigInt64Array>;

/** Making, filling and moving a backend's storage. */
export interface StorageKernels<D> {
  /** New storage of n elements (cpu: zero-filled; webgpu: contents unspecified, fill first where it matters). */
  empty(dtype: DType, n: number): D;
  /** out[i] = value for every element (bool: value !== 0). */
  fill(out: D, value: number): void;
  /** New storage holding a copy of host data of that dtype (cpu: a copy of the array). */
  upload(data: Storage, dtype: DType): D;
  /** A host copy of the storage, once every kernel recorded so far has run (cpu: at once). */
  read(src: D, dtype: DType): Promise<Storage>;
  /** The host array itself where the storage is host memory, null where reading must wait (webgpu). */
  readSync(src: D): Storage | null;
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

export interface Backend<S = Storage, D = Storage, I = Int32Array> extends NnKernels<D, I>, StorageKernels<D> {
  readonly name: string;
  /**
   * One Adam/AdamW step over contiguous arrays of one parameter, in place: the same update
   * as the optimizer's sequence of in-place tensor ops, in one pass instead of ten.
   */
  adamUpdate(param: D, grad: D, expAvg: D, expAvgSq: D, maxExpAvgSq: D | null, h: AdamUpdate): void;
  /** out[i] = op(x[i]) over x's shape, out contiguous. */
  unary(op: UnaryOp, x: StridedView<S>, out: D): void;
  /**
   * out[i] = op(a[i], b[i]); a and b are already broadcast to out's shape (stride 0 allowed).
   * int64 operands come in pairs: a and b are both int64 or neither (the ops cast first).
   */
  binary(op: BinaryOp, a: Operand<S>, b: Operand<S>, out: D): void;
  /** out[i] += alpha * x[i], x read as out's shape (the fused update of add_(x, { alpha })). */
  axpy(alpha: number, x: Operand<S>, out: D): void;
  clamp(x: StridedView<S>, lo: number, hi: number, out: D): void;
  /** out = cond ? a : b, all three broadcast to out's shape; a, b and out of one dtype when int64. */
  where(cond: StridedView<S>, a: Operand<S>, b: Operand<S>, out: D): void;
  /** dst[i] = src[i] over src's shape, both strided, with dtype cast (bool: non-zero is true). */
  copy(src: StridedView<S>, dst: StridedView<S>): void;
  /** Reduce a contiguous [outer, r, inner] block over r into out[outer * inner]. */
  reduce(op: ReduceOp, x: D, outer: number, r: number, inner: number, out: D): void;
  /** First index of the max/min (NaN wins, as PyTorch) over r; values too when given. */
  argReduce(op: "max" | "min", x: D, outer: number, r: number, inner: number, indices: I, values: D | null): void;
  cumsum(x: D, outer: number, r: number, inner: number, out: D): void;
  /** Cumulative product over r of a contiguous [outer, r, inner] block. */
  cumprod(x: D, outer: number, r: number, inner: number, out: D): void;
  /**
   * cumprod's gradient without division (exact with zeros): out_i = P_i * S_i over each line,
   * P_i the product of x before i, S_i = g_i + x_{i+1} * S_{i+1} (from the end).
   */
  cumprodBackward(x: D, g: D, outer: number, r: number, inner: number, out: D): void;
  /**
   * The positions that sort each line over r of a contiguous [outer, r, inner] block: stable
   * (ties keep their order), NaN greater than every number (last ascending, first descending).
   */
  argsort(x: D, outer: number, r: number, inner: number, descending: boolean, out: I): void;
  /**
   * Singular values (descending) of `batch` dense row-major m x n float64 matrices, with the left
   * and right singular vectors (u [batch, m, k], v [batch, n, k], k = min(m, n)) for the gradient.
   * Host memory on every backend: the decomposition is a sequence of small dependent rotations.
   */
  svd(a: Float64Array, batch: number, m: number, n: number, s: Float64Array, u: Float64Array, v: Float64Array): void;
  /** softmax (or logSoftmax) over r of a contiguous [outer, r, inner] block, max-shifted, in float64. */
  softmax(x: D, outer: number, r: number, inner: number, out: D, log: boolean): void;
  /**
   * Its input gradient from its output y and the upstream gradient g, both contiguous [outer, r,
   * inner] (ATen's _softmax_backward_data): softmax (g - sum(g * y)) * y, logSoftmax
   * g - exp(y) * sum(g), the sums over r rounded to the dtype once, as ATen's.
   */
  softmaxBackward(y: D, g: D, outer: number, r: number, inner: number, out: D, log: boolean): void;
  /** out[b] = a[b] @ b[b] for contiguous a [batch, m, k] (or transposed when transA) and b [batch, k, n]. */
  matmul(a: StridedView<S>, b: StridedView<S>, out: D, batch: number, m: number, k: number, n: number): void;
  /** gather along dim of a contiguous [outer, rIn, inner] source with index [outer, rIdx, inner]; index int32 or int64. */
  gather(x: StridedView<S>, index: StridedView<S>, dim: number, out: D): void;
  /** out (contiguous, pre-filled) [dim] = src at index positions; accumulate adds instead of assigning; src of out's dtype. */
  scatter(out: D, outShape: Shape, index: StridedView<S>, src: Operand<S>, dim: number, accumulate: boolean): void;
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
export interface NnKernels<D = Storage, I = Int32Array> {
  /** Image [n, c, h, w] -> columns [n, c*kh*kw, oh*ow]; padding reads padValue (0, or -inf for max pooling). */
  im2col(x: D, g: Im2colGeometry, padValue: number, out: D): void;
  /** Columns [n, c*kh*kw, oh*ow] -> image [n, c, h, w], overlapping windows summed; out is zeroed first. */
  col2im(cols: D, g: Im2colGeometry, out: D): void;
  /** Convolution (groups = 1), w [O, c*kh*kw] contiguous: out [n, O, oh*ow] = w @ im2col(x) + bias per image. */
  convForward(x: D, w: D, bias: D | null, g: Im2colGeometry, outChannels: number, out: D): void;
  /** Its input gradient: out [n, c, h, w] = col2im(w^T @ gy) for gy [n, O, oh*ow] contiguous. */
  convInputGrad(gy: D, w: D, g: Im2colGeometry, outChannels: number, out: D): void;
  /** Its weight gradient: out [O, c*kh*kw] = sum over images of gy @ im2col(x)^T. */
  convWeightGrad(x: D, gy: D, g: Im2colGeometry, outChannels: number, out: D): void;
  /** out[i] = erf(x[i]) over contiguous data. */
  erf(x: D, out: D): void;
  /** out[i] = erfinv(x[i]) over contiguous data (PyTorch's rational approximation + two Newton steps). */
  erfinv(x: D, out: D): void;
  /** out[i] = log |Gamma(x[i])| over contiguous data. */
  lgamma(x: D, out: D): void;
  /** out[i] = digamma(x[i]) over contiguous data (ATen's calc_digamma). */
  digamma(x: D, out: D): void;
  /** out[i] = polygamma(n, x[i]) over contiguous data, n >= 0 (ATen's). */
  polygamma(n: number, x: D, out: D): void;
  /** Max pooling of contiguous [n*c, h, w] planes: each window's max and its flat h*w index (PyTorch's tie and NaN rules). */
  maxPool2d(x: D, g: Im2colGeometry, values: D, indices: I): void;
  /** Its gradient: out [n*c, h*w] = gy [n*c, oh*ow] scattered through the indices (contiguous), zeros elsewhere: every element written. */
  maxPool2dBackward(gy: D, indices: I, g: Im2colGeometry, out: D): void;
}
