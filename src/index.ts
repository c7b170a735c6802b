// The public surface: `import * as torch from "torch-ts"`.
export { Tensor, type BackwardOptions, type RemovableHandle, type ShapeArgs, type StorageBox, type NestedList, type TensorData } from "./tensor.ts";
export type { ToOptions } from "./ops/convert.ts";
export type { Shape } from "./layout.ts";
export type { Args, ArgsWithOptions, Param, Checker, FactoryOptions } from "./args.ts";
export { device, Device, type DeviceLike, type DeviceType } from "./device.ts";
export * as webgpu from "./webgpu.ts";
export * as accelerator from "./accelerator.ts";
export * as cuda from "./cuda.ts";
export * as backends from "./torchBackends.ts";
export { compile, type CompileOptions } from "./compile.ts";
export { setPrintoptions, type PrintOptions } from "./print.ts";
export { type DType, type FloatDType, type Storage, type NumArray, type FloatArray, getDefaultDtype, setDefaultDtype, promoteTypes } from "./dtype.ts";
export { RuntimeError, IndexError, ValueError, TorchTypeError, NotImplementedError, AssertionError, KeyError } from "./errors.ts";
export { noGrad, enableGrad, inferenceMode, isGradEnabled, setGradEnabled, type GradModeGuard } from "./autograd/gradMode.ts";
export * as autograd from "./autograd/index.ts";
export { Generator, defaultGenerator, manualSeed, seed, initialSeed, getRngState, setRngState } from "./random/generator.ts";
export {
  tensor, zeros, ones, full, emptyTensor as empty, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randLike, randnLike, randint, randperm, bernoulli, multinomial, normal, emptyLike, asTensor,
  type TensorOptions, type RandomOptions, type NestedArray, type MultinomialOptions, type ArangeOptions, type LinspaceOptions,
} from "./ops/creation.ts";
export {
  add, sub, mul, div, div as trueDivide, div as divide, sub as subtract, mul as multiply, pow, neg, neg as negative, exp, log, log1p, expm1, sqrt, rsqrt, abs, sign, sin, cos, tan, tanh, sigmoid, relu,
  clamp, clamp as clip, clampMin, clampMax, maximum, minimum, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalNot, logicalXor, isnan, isfinite, where,
  ne as notEqual, gt as greater, ge as greaterEqual, lt as less, le as lessEqual, abs as absolute,
  type Scalar, type TensorOrScalar, type AlphaOptions, type ClampOptions, type ClampArgs, type DivOptions,
} from "./ops/elementwise.ts";
export {
  floor, ceil, round, trunc, trunc as fix, frac, log2, log10, exp2, sinh, cosh, asin, asin as arcsin, acos, acos as arccos,
  atan, atan as arctan, asinh, asinh as arcsinh, acosh, acosh as arccosh, atanh, atanh as arctanh, erfc, square, reciprocal,
  isinf, isposinf, isneginf, signbit, nanToNum, atan2, atan2 as arctan2, hypot, copysign, fmod, remainder, floorDivide,
  fmax, fmin, logaddexp, logaddexp2, xlogy, logit, sinc, deg2rad, rad2deg, heaviside, type RoundOptions, type NanToNumOptions,
} from "./ops/math.ts";
export {
  sum, mean, prod, max, min, amax, amin, argmax, argmin, variance as var, std, logsumexp, cumsum, cumprod, softmax, logSoftmax,
  nansum, nanmean, varMean, stdMean, aminmax, cummax, cummin, logcumsumexp, type MinMax,
  type Dims, type ValuesIndices, type ReduceOptions, type DimOptions, type DimKeepdimArgs, type VarOptions, type VarArgs,
  type CumulativeOptions, type CumulativeArgs, type SoftmaxOptions, type SoftmaxArgs,
} from "./ops/reduce.ts";
export { matmul, mm, bmm } from "./ops/linalg.ts";
export { mv, dot, addmm, addmv, addbmm, baddbmm, type BetaAlphaOptions } from "./ops/blas.ts";
export { addcmul, addcdiv, lerp, type ValueOptions } from "./ops/ternary.ts";
export {
  atleast1d, atleast2d, atleast3d, hstack, vstack, dstack, columnStack, broadcastTo, broadcastTensors, meshgrid, blockDiag, cartesianProd, combinations, type MeshgridOptions,
} from "./ops/join.ts";
export { indexAdd, indexCopy, indexFill, takeAlongDim, type IndexAddOptions } from "./ops/indexDim.ts";
export { trace, tensordot, kron, cross, cdist, inner, dist, type TensordotDims, type CdistOptions } from "./ops/products.ts";
export { logspace, triuIndices, trilIndices, type LogspaceOptions, type TriangleIndicesOptions } from "./ops/ranges.ts";
export { all, any, countNonzero, isclose, allclose, equal, type TruthOptions, type TruthArgs, type IscloseOptions, type IscloseArgs } from "./ops/logical.ts";
export { erfinv, lgamma, digamma, polygamma } from "./ops/special.ts";
export { gather, scatter, scatterAdd, indexSelect, maskedFill, triu, tril, take, type ScatterOptions } from "./ops/indexing.ts";
export {
  reshape, view, permute, transpose, t, squeeze, unsqueeze, expand, flatten, unflatten, narrow, select, slice,
  chunk, split, unbind, cat, stack, movedim, movedim as moveaxis, transpose as swapaxes, transpose as swapdims,
  tensorSplit, hsplit, vsplit, dsplit, type FlattenOptions, type TransposeArgs,
} from "./ops/shape.ts";
export { clone, detach, contiguous } from "./ops/convert.ts";
export { flip, flipud, fliplr, roll, tile, repeatInterleave, rot90, type RollOptions } from "./ops/rearrange.ts";
export { diff, type DiffOptions } from "./ops/differences.ts";
export { bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseNot, bitwiseLeftShift, bitwiseRightShift } from "./ops/bitwise.ts";
export { cov, corrcoef, type CovOptions } from "./ops/covariance.ts";
export { unique, uniqueConsecutive, bincount, histc, searchsorted, bucketize, type UniqueOptions, type UniqueConsecutiveOptions, type BincountOptions, type HistcOptions, type SearchsortedOptions } from "./ops/counting.ts";
export { isTensor, numel, isFloatingPoint, resultType, canCast } from "./ops/introspection.ts";
export { diagonal, diag, diagEmbed, outer, outer as ger, type DiagonalOptions } from "./ops/diagonal.ts";
export { sort, argsort, topk, type SortOptions, type TopkOptions } from "./ops/sort.ts";
export { median, nanmedian, kthvalue, mode, msort, quantile, nanquantile, type MedianOptions, type QuantileOptions, type QuantileInterpolation } from "./ops/order.ts";
export { norm } from "./ops/norm.ts";
export { einsum } from "./ops/einsum.ts";
export * as linalg from "./linalg.ts";
export { FloatTensor, DoubleTensor, LongTensor, IntTensor, BoolTensor } from "./ops/legacy.ts";
export { index, indexPut, indexPut_, nonzero, nonzero as argwhere, maskedSelect, type Index, type IndexItem, type SliceSpec } from "./ops/subscript.ts";
export { erf } from "./ops/special.ts";
export * as nn from "./nn/index.ts";
export * as optim from "./optim/index.ts";
import * as functional from "./nn/functional.ts";
/** torch.cosine_similarity and torch.pdist: the torch.nn.functional functions. */
export { cosineSimilarity, pdist } from "./nn/functional.ts";
/** torch.nn.functional, also reachable as torch.nn.functional. */
export const F = functional;
export { save, load, saveToBuffer, loadFromBuffer, saveAsync, saveToBufferAsync, type SaveOptions, type LoadOptions, type CheckpointFormat } from "./serialization/tensorAdapter.ts";
export { CheckpointError, CheckpointLimitError, SafetensorError, UnpicklingError } from "./serialization/errors.ts";
export * as utils from "./utils/index.ts";
export * as onnx from "./onnx/index.ts";
export * as interpret from "./interpret/index.ts";
export * as distributions from "./distributions/index.ts";
export * as distributed from "./distributed/index.ts";
export { getNumThreads, setNumThreads } from "./backends/wasm/index.ts";
export { AttributeError } from "./errors.ts";
