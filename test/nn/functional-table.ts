// The torch-ts call of every functional case in tools/gen_nn_fixtures.py's FUNCS (same
// names, same constants); inputs arrive in the fixture's order.
import * as torch from "../../src/index.ts";

const { F } = torch;
type T = torch.Tensor;
/** Integer constants on the device of the tensor they go with (as a PyTorch program makes them). */
const idx = (v: number[] | number[][], like: T) => torch.tensor(v, { dtype: "int32", device: like.device });
/** F.multiHeadAttentionForward's [output, weights] as one tensor, as the fixture's. */
const mhaOut = ([out, w]: [T, T | null]) => (w ? torch.cat([out.reshape(-1), w.reshape(-1)]) : out);
/** int64 constants (PyTorch's default integer dtype) on the device of `like`. */
const long = (v: number | number[] | number[][], like: T) => torch.tensor(v, { dtype: "int64", device: like.device });

/** F.instanceNorm with running stats: the output, then the running mean and var after the call. */
function instanceNormStats(x: T, w: T, b: T, useInputStats: boolean): T {
  const rm = torch.tensor([-0.5, 0.0, 0.5], { dtype: x.dtype, device: x.device });
  const rv = torch.tensor([0.5, 1.0, 1.5], { dtype: x.dtype, device: x.device });
  const y = F.instanceNorm(x, rm, rv, w, b, useInputStats, 0.3, 1e-3);
  return torch.cat([y.reshape(-1), rm, rv]);
}

/** gridSample's non-finite grid points (NaN, infinities), as the fixture's. */
const nonfiniteGrid = (like: T) => torch.tensor([[[[NaN, 0], [0.5, Infinity], [-Infinity, 0.2]]]], { dtype: like.dtype, device: like.device });

export const FUNCTIONAL_TABLE: Record<string, (...xs: T[]) => T> = {
  conv1d: (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 }),
  conv2d: (x, w, b) => F.conv2d(x, w, b, { stride: [1, 2], padding: 1 }),
  "conv2d.groups_same": (x, w) => F.conv2d(x, w, undefined, { padding: "same", groups: 2 }),
  convTranspose1d: (x, w, b) => F.convTranspose1d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
  convTranspose2d: (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 1 }),
  unfold: (x) => F.unfold(x, [2, 3], { dilation: [1, 2], padding: 1, stride: [2, 1] }),
  fold: (x) => F.fold(x, [4, 5], 2, { padding: 1, stride: 2 }),
  maxPool2d: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }),
  maxPool1d: (x) => F.maxPool1d(x, 2, { stride: 1, dilation: 2 }),
  avgPool2d: (x) => F.avgPool2d(x, 2, { stride: 1, padding: 1, countIncludePad: false }),
  avgPool1d: (x) => F.avgPool1d(x, 3, { stride: 2, ceilMode: true }),
  adaptiveAvgPool2d: (x) => F.adaptiveAvgPool2d(x, [2, 3]),
  adaptiveMaxPool2d: (x) => F.adaptiveMaxPool2d(x, [3, 2]),
  "batchNorm.training": (x, w, b) => F.batchNorm(x, null, null, w, b, { training: true, eps: 1e-3 }),
  "batchNorm.eval": (x, rm, rv, w, b) => F.batchNorm(x, rm, rv, w, b, { training: false }),
  layerNorm: (x, w, b) => F.layerNorm(x, [4], w, b, { eps: 1e-6 }),
  groupNorm: (x, w, b) => F.groupNorm(x, 2, w, b),
  instanceNorm: (x) => F.instanceNorm(x),
  normalize: (x) => F.normalize(x, { p: 2, dim: 1 }),
  "embedding.padding": (w) => F.embedding(idx([[0, 2, 1], [2, 3, 0]], w), w, { paddingIdx: 2 }),
  "interpolate.bilinear": (x) => F.interpolate(x, { size: [3, 5], mode: "bilinear", alignCorners: false }),
  "interpolate.nearest": (x) => F.interpolate(x, { scaleFactor: [1.5, 2.5], mode: "nearest" }),
  pixelShuffle: (x) => F.pixelShuffle(x, 2),
  gelu: (x) => F.gelu(x),
  "gelu.tanh": (x) => F.gelu(x, { approximate: "tanh" }),
  leakyRelu: (x) => F.leakyRelu(x, { negativeSlope: 0.1 }),
  elu: (x) => F.elu(x, { alpha: 1.5 }),
  selu: (x) => F.selu(x),
  celu: (x) => F.celu(x, { alpha: 0.5 }),
  silu: (x) => F.silu(x),
  mish: (x) => F.mish(x),
  softplus: (x) => F.softplus(x, { beta: 0.5, threshold: 1.0 }),
  softsign: (x) => F.softsign(x),
  hardtanh: (x) => F.hardtanh(x, { minVal: -0.7, maxVal: 0.4 }),
  hardswish: (x) => F.hardswish(x),
  hardsigmoid: (x) => F.hardsigmoid(x),
  relu6: (x) => F.relu6(x),
  logsigmoid: (x) => F.logsigmoid(x),
  prelu: (x, w) => F.prelu(x, w),
  glu: (x) => F.glu(x, 0),
  softmax: (x) => F.softmax(x, 1),
  logSoftmax: (x) => F.logSoftmax(x, 0),
  crossEntropy: (x) => F.crossEntropy(x, idx([1, 0, 3], x), { labelSmoothing: 0.1 }),
  "crossEntropy.weight": (x, w) => F.crossEntropy(x, idx([1, 0, 3], x), { weight: w.abs().add(0.1) }),
  "crossEntropy.probs": (x, t) => F.crossEntropy(x, t),
  nllLoss: (x) => F.nllLoss(x, idx([[1, 0], [2, 2]], x), { ignoreIndex: 0 }),
  l1Loss: (x, y) => F.l1Loss(x, y),
  mseLoss: (x, y) => F.mseLoss(x, y, { reduction: "sum" }),
  smoothL1Loss: (x, y) => F.smoothL1Loss(x, y, { beta: 0.8 }),
  huberLoss: (x, y) => F.huberLoss(x, y, { delta: 0.5 }),
  binaryCrossEntropy: (x, y) => F.binaryCrossEntropy(x, y),
  binaryCrossEntropyWithLogits: (x, y, pw) => F.binaryCrossEntropyWithLogits(x, y, { posWeight: pw }),
  klDiv: (x, y) => F.klDiv(x, y, { reduction: "batchmean" }),
  "klDiv.logTarget": (x, y) => F.klDiv(x, y, { reduction: "mean", logTarget: true }),
  cosineEmbeddingLoss: (a, b) => F.cosineEmbeddingLoss(a, b, torch.tensor([1.0, -1.0, -1.0], { dtype: a.dtype, device: a.device }), { margin: -0.5 }),
  marginRankingLoss: (a, b) => F.marginRankingLoss(a, b, torch.tensor([1.0, -1.0, 1.0, -1.0], { dtype: a.dtype, device: a.device }), { margin: 0.1 }),
  tripletMarginLoss: (a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 3.0, p: 3 }),
  "instanceNorm.running_train": (x, w, b) => instanceNormStats(x, w, b, true),
  "instanceNorm.running_eval": (x, w, b) => instanceNormStats(x, w, b, false),
  "embedding.max_norm_scale_grad": (w) => F.embedding(idx([[0, 2, 1], [2, 3, 0]], w), w.clone(), null, 1.0, 2.0, true),
  gaussianNllLoss: (x, t, v) => F.gaussianNllLoss(x, t, v),
  "gaussianNllLoss.homoscedastic_full_sum": (x, t, v) => F.gaussianNllLoss(x, t, v, { full: true, reduction: "sum" }),
  "gaussianNllLoss.var_last_1_eps": (x, t, v) => F.gaussianNllLoss(x, t, v.mul(1e-3), { eps: 5e-4 }),
  multilabelSoftMarginLoss: (x, y) => F.multilabelSoftMarginLoss(x, y),
  "multilabelSoftMarginLoss.weight_none": (x, y, w) => F.multilabelSoftMarginLoss(x, y, { weight: w, reduction: "none" }),
  pdist: (x) => F.pdist(x),
  "pdist.p1": (x) => F.pdist(x, { p: 1 }),
  "pdist.p3": (x) => F.pdist(x, 3),
  "pdist.pinf": (x) => torch.pdist(x, Infinity),
  multiMarginLoss: (x, y) => F.multiMarginLoss(x, y),
  "multiMarginLoss.p2_margin_weight_sum": (x, y, w) => F.multiMarginLoss(x, y, { p: 2, margin: 0.7, weight: w, reduction: "sum" }),
  "multiMarginLoss.vector_none": (x, y) => F.multiMarginLoss(x, y, 1, 1.5, null, null, null, "none"),
  multilabelMarginLoss: (x, y) => F.multilabelMarginLoss(x, y),
  "multilabelMarginLoss.repeats_none": (x) => F.multilabelMarginLoss(x, idx([[3, 0, -1, 1, 2], [1, 1, 4, -1, -1], [-1, 2, 0, 0, 0], [4, 3, 2, 1, 0]], x), { reduction: "none" }),
  "multilabelMarginLoss.vector": (x) => F.multilabelMarginLoss(x, idx([2, 0, -1, 1], x)),
  tripletMarginWithDistanceLoss: (a, p, n) => F.tripletMarginWithDistanceLoss(a, p, n),
  "tripletMarginWithDistanceLoss.cosine_swap_sum": (a, p, n) =>
    F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: (x, y) => F.cosineSimilarity(x, y).neg().add(1), margin: 0.5, swap: true, reduction: "sum" }),
  "tripletMarginWithDistanceLoss.broadcast_none": (a, p, n) => F.tripletMarginWithDistanceLoss(a, p, n, { margin: 2.0, reduction: "none" }),
  "upsample.bilinear_align": (x) => F.upsample(x, [3, 5], null, "bilinear", true),
  upsampleNearest: (x) => F.upsampleNearest(x, { scaleFactor: 2 }),
  upsampleBilinear: (x) => F.upsampleBilinear(x, [4, 5]),
  lpPool2d: (x) => F.lpPool2d(x, 2, 2),
  "lpPool2d.p1_5_stride_ceil": (x) => F.lpPool2d(x, 1.5, [3, 2], { stride: [2, 1], ceilMode: true }),
  lpPool1d: (x) => F.lpPool1d(x, 3, 2, 1),
  maxUnpool2d: (x, i) => F.maxUnpool2d(x, i, 2),
  "maxUnpool2d.stride_padding_size": (x, i) => F.maxUnpool2d(x, i, 3, 2, 1, { outputSize: [6, 5] }),
  "maxUnpool2d.repeated_index": (x) => F.maxUnpool2d(x, torch.tensor([[[[5, 5], [5, 0]]]], { device: x.device }), 2),
  maxUnpool1d: (x, i) => F.maxUnpool1d(x, i, 2),
  "maxUnpool1d.unbatched_size": (x, i) => F.maxUnpool1d(x, i, 2, { outputSize: [9] }),
  maxUnpool3d: (x, i) => F.maxUnpool3d(x, i, 2),
  adaptiveMaxPool3d: (x) => F.adaptiveMaxPool3d(x, [2, 3, 2]),
  "adaptiveMaxPool3d.none_unbatched": (x) => F.adaptiveMaxPool3d(x, [null, 2, 3]),
  fractionalMaxPool2d: (x, s) => F.fractionalMaxPool2d(x, [3, 2], { outputSize: [4, 5], randomSamples: s }),
  "fractionalMaxPool2d.unbatched": (x, s) => F.fractionalMaxPool2d(x, 2, 3, null, false, s),
  "fractionalMaxPool2d.seeded_ratio": (x) => {
    torch.manualSeed(7);
    return F.fractionalMaxPool2d(x, 2, { outputRatio: 0.5 });
  },
  "fractionalMaxPool2d.seeded_ratio_float32": (x) => {
    torch.manualSeed(7);
    return F.fractionalMaxPool2d(x.float(), 2, { outputRatio: 0.5 });
  },
  fractionalMaxPool3d: (x, s) => F.fractionalMaxPool3d(x, [2, 3, 2], { outputSize: [3, 4, 5], randomSamples: s }),
  "fractionalMaxPool3d.seeded_ratio": (x) => {
    torch.manualSeed(11);
    return F.fractionalMaxPool3d(x, 2, { outputRatio: [0.5, 0.6, 0.4] });
  },
  "fractionalMaxPool3d.seeded_ratio_float32": (x) => {
    torch.manualSeed(11);
    return F.fractionalMaxPool3d(x.float(), 2, { outputRatio: [0.5, 0.6, 0.4] });
  },
  convTbc: (x, w, b) => F.convTbc(x, w, b, 1),
  "convTbc.no_pad": (x, w, b) => F.convTbc(x, w, b),
  "convTbc.crop": (x, w, b) => F.convTbc(x, w, b, { pad: -1 }),
  affineGrid: (t) => F.affineGrid(t, [2, 3, 4, 5], false),
  "affineGrid.align_3d": (t) => F.affineGrid(t, [1, 2, 3, 2, 4], { alignCorners: true }),
  "affineGrid.unit": (t) => F.affineGrid(t, [1, 1, 1, 3], false),
  gridSample: (x, g) => F.gridSample(x, g, { alignCorners: false }),
  "gridSample.border_align": (x, g) => F.gridSample(x, g, "bilinear", "border", true),
  "gridSample.reflection": (x, g) => F.gridSample(x, g, { paddingMode: "reflection", alignCorners: false }),
  "gridSample.reflection_align": (x, g) => F.gridSample(x, g, { paddingMode: "reflection", alignCorners: true }),
  "gridSample.nearest": (x, g) => F.gridSample(x, g, { mode: "nearest", alignCorners: false }),
  "gridSample.nearest_reflection_align": (x, g) => F.gridSample(x, g, "nearest", "reflection", true),
  "gridSample.3d": (x, g) => F.gridSample(x, g, { alignCorners: false }),
  "gridSample.3d_nearest_border": (x, g) => F.gridSample(x, g, "nearest", "border", true),
  "gridSample.3d_reflection": (x, g) => F.gridSample(x, g, "bilinear", "reflection", false),
  "gridSample.nonfinite_border": (x) => F.gridSample(x, nonfiniteGrid(x), "nearest", "border", false),
  "gridSample.nonfinite_reflection_nearest": (x) => F.gridSample(x, nonfiniteGrid(x), "nearest", "reflection", true),
  spatialTransformer: (x, t) => F.gridSample(x, F.affineGrid(t, x.shape, { alignCorners: false }), { alignCorners: false }),
  ctcLoss: (x, y) => F.ctcLoss(x.logSoftmax(2), y, [7, 5, 4], [3, 2, 0]),
  "ctcLoss.concat_blank_sum": (x) => F.ctcLoss(x.logSoftmax(2), long([1, 1, 2, 3, 3, 0], x), long([7, 7, 5], x), long([3, 2, 1], x), 4, "sum"),
  "ctcLoss.none_zero_infinity": (x) => F.ctcLoss(x.logSoftmax(2), long([[1, 1, 1], [2, 3, 2]], x), [4, 6], [3, 3], { reduction: "none", zeroInfinity: true }),
  "ctcLoss.unbatched": (x) => F.ctcLoss(x.logSoftmax(1), long([2, 2, 1], x), long(6, x), long(3, x)),
  "ctcLoss.logprobs_leaf": (x) => F.ctcLoss(x, long([[3, 1], [2, 2]], x), [5, 4], [2, 2], { reduction: "none" }),
  multiHeadAttentionForward: (q, k, v, w, b, ow, ob, m) => mhaOut(F.multiHeadAttentionForward(q, k, v, 4, 2, w, b, null, null, false, 0.5, ow, ob, { training: false, attnMask: m })),
  "multiHeadAttentionForward.separate_bias_kv_zero_attn": (q, k, v, qw, kw, vw, b, bk, bv, ow) => mhaOut(F.multiHeadAttentionForward(q, k, v, 4, 2, null, b, bk, bv, true, 0, ow, null, {
    keyPaddingMask: torch.tensor([[false, true, false, false], [false, false, false, true], [true, false, false, false]], { device: q.device }),
    useSeparateProjWeight: true, qProjWeight: qw, kProjWeight: kw, vProjWeight: vw, averageAttnWeights: false,
  })),
  "multiHeadAttentionForward.static_kv_unbatched": (q, k, v, w, ow, sk, sv, pm) => mhaOut(F.multiHeadAttentionForward(q, k, v, 4, 2, w, null, null, null, false, 0, ow, null, { keyPaddingMask: pm, staticK: sk, staticV: sv })),
};
