// Every torch.nn.functional function takes PyTorch's positional arguments in PyTorch's order:
// each call below passes every optional argument positionally with a non-default value, and must
// equal the same call with the options object (whose names cannot be misordered; the option
// forms' values are checked against PyTorch in functional.test.ts). A non-tensor input and an
// unknown option key are TypeErrors naming them.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { F } = torch;
type T = torch.Tensor;
const f64 = (...s: number[]) => torch.randn(s, { dtype: "float64" });
const pos = (...s: number[]) => torch.rand(s, { dtype: "float64" }).add(0.1);
const long = (v: number[] | number[][]) => torch.tensor(v);

interface Entry {
  /** The call's leading arguments (fresh tensors each time: some calls write into them). */
  head: () => unknown[];
  /** PyTorch's optional positional arguments, in order, with their torch-ts names. */
  args: Array<[string, unknown]>;
  /** Arguments PyTorch takes by keyword only. */
  keywords?: Record<string, unknown>;
  /** Seed each call (random functions). */
  seeded?: boolean;
  /** The arguments are accepted and ignored, as by PyTorch (return_indices of the *_with_indices functions). */
  ignored?: boolean;
}

const ENTRIES: Record<string, Entry> = {
  linear: { head: () => [f64(3, 4), f64(2, 4)], args: [["bias", f64(2)]] },
  relu: { head: () => [f64(3, 4)], args: [["inplace", true]] },
  relu6: { head: () => [f64(3, 4).mul(5)], args: [["inplace", true]] },
  hardtanh: { head: () => [f64(3, 4)], args: [["minVal", -0.5], ["maxVal", 0.7], ["inplace", true]] },
  leakyRelu: { head: () => [f64(3, 4)], args: [["negativeSlope", 0.2], ["inplace", true]] },
  elu: { head: () => [f64(3, 4)], args: [["alpha", 1.5], ["inplace", true]] },
  celu: { head: () => [f64(3, 4)], args: [["alpha", 0.7], ["inplace", true]] },
  selu: { head: () => [f64(3, 4)], args: [["inplace", true]] },
  gelu: { head: () => [f64(3, 4)], args: [], keywords: { approximate: "tanh" } },
  silu: { head: () => [f64(3, 4)], args: [["inplace", true]] },
  mish: { head: () => [f64(3, 4)], args: [["inplace", true]] },
  softplus: { head: () => [f64(3, 4)], args: [["beta", 2], ["threshold", 1.5]] },
  softsign: { head: () => [f64(3, 4)], args: [] },
  tanhshrink: { head: () => [f64(3, 4)], args: [] },
  hardsigmoid: { head: () => [f64(3, 4).mul(4)], args: [["inplace", true]] },
  hardswish: { head: () => [f64(3, 4).mul(4)], args: [["inplace", true]] },
  logsigmoid: { head: () => [f64(3, 4)], args: [] },
  threshold: { head: () => [f64(3, 4)], args: [["threshold", 0.1], ["value", -1], ["inplace", true]] },
  hardshrink: { head: () => [f64(3, 4)], args: [["lambd", 0.3]] },
  softshrink: { head: () => [f64(3, 4)], args: [["lambd", 0.3]] },
  prelu: { head: () => [f64(2, 3, 4), f64(3)], args: [] },
  glu: { head: () => [f64(4, 3)], args: [["dim", 0]] },
  sigmoid: { head: () => [f64(3, 4)], args: [] },
  tanh: { head: () => [f64(3, 4)], args: [] },
  softmax: { head: () => [f64(3, 4).float()], args: [["dim", 0], ["_stacklevel", 5], ["dtype", "float64"]] },
  logSoftmax: { head: () => [f64(3, 4).float()], args: [["dim", 0], ["_stacklevel", 5], ["dtype", "float64"]] },
  softmin: { head: () => [f64(3, 4).float()], args: [["dim", 0], ["_stacklevel", 5], ["dtype", "float64"]] },
  conv1d: { head: () => [f64(2, 4, 9), f64(6, 2, 3)], args: [["bias", f64(6)], ["stride", 2], ["padding", 1], ["dilation", 2], ["groups", 2]] },
  conv2d: { head: () => [f64(2, 4, 7, 6), f64(6, 2, 3, 2)], args: [["bias", f64(6)], ["stride", [2, 1]], ["padding", [1, 0]], ["dilation", [1, 2]], ["groups", 2]] },
  convTranspose1d: { head: () => [f64(2, 4, 5), f64(4, 3, 3)], args: [["bias", f64(6)], ["stride", 3], ["padding", 1], ["outputPadding", 1], ["groups", 2], ["dilation", 2]] },
  convTranspose2d: { head: () => [f64(1, 4, 3, 4), f64(4, 3, 2, 3)], args: [["bias", f64(6)], ["stride", [2, 3]], ["padding", [1, 0]], ["outputPadding", [1, 2]], ["groups", 2], ["dilation", [2, 1]]] },
  unfold: { head: () => [f64(2, 3, 6, 7), [2, 3]], args: [["dilation", [1, 2]], ["padding", 1], ["stride", [2, 1]]] },
  fold: { head: () => [f64(1, 8, 9), [4, 5], 2], args: [["dilation", 1], ["padding", 1], ["stride", 2]] },
  maxPool1d: { head: () => [f64(2, 3, 11), 3], args: [["stride", 2], ["padding", 1], ["dilation", 2], ["ceilMode", true], ["returnIndices", true]] },
  maxPool2d: { head: () => [f64(2, 3, 9, 8), 3], args: [["stride", [2, 1]], ["padding", 1], ["dilation", [1, 2]], ["ceilMode", true], ["returnIndices", true]] },
  avgPool1d: { head: () => [f64(2, 3, 10), 3], args: [["stride", 2], ["padding", 1], ["ceilMode", true], ["countIncludePad", false]] },
  avgPool2d: { head: () => [f64(2, 3, 9, 8), 3], args: [["stride", [2, 1]], ["padding", 1], ["ceilMode", true], ["countIncludePad", false], ["divisorOverride", 2]] },
  adaptiveAvgPool1d: { head: () => [f64(2, 3, 10), 4], args: [] },
  adaptiveAvgPool2d: { head: () => [f64(2, 3, 9, 8), [3, null]], args: [] },
  adaptiveMaxPool1d: { head: () => [f64(2, 3, 10), 4], args: [["returnIndices", true]] },
  adaptiveMaxPool2d: { head: () => [f64(2, 3, 9, 8), [3, 5]], args: [["returnIndices", true]] },
  batchNorm: { head: () => [f64(5, 3, 4), pos(3), pos(3)], args: [["weight", f64(3)], ["bias", f64(3)], ["training", true], ["momentum", 0.3], ["eps", 1e-3]] },
  layerNorm: { head: () => [f64(3, 5, 4), [4]], args: [["weight", f64(4)], ["bias", f64(4)], ["eps", 1e-3]] },
  groupNorm: { head: () => [f64(3, 6, 4), 2], args: [["weight", f64(6)], ["bias", f64(6)], ["eps", 1e-3]] },
  rmsNorm: { head: () => [f64(3, 5, 4), [4]], args: [["weight", f64(4)], ["eps", 1e-3]] },
  instanceNorm: { head: () => [f64(2, 3, 5)], args: [["runningMean", f64(3)], ["runningVar", pos(3)], ["weight", f64(3)], ["bias", f64(3)], ["useInputStats", false], ["momentum", 0.3], ["eps", 1e-3]] },
  normalize: { head: () => [f64(3, 4)], args: [["p", 3], ["dim", 0], ["eps", 0.5]] },
  maxPool3d: { head: () => [f64(1, 2, 4, 5, 4), 2], args: [["stride", [1, 2, 2]], ["padding", 1], ["dilation", 1], ["ceilMode", true], ["returnIndices", true]] },
  avgPool3d: { head: () => [f64(1, 2, 4, 5, 4), 3], args: [["stride", 2], ["padding", 1], ["ceilMode", true], ["countIncludePad", false], ["divisorOverride", 2]] },
  adaptiveAvgPool3d: { head: () => [f64(1, 2, 4, 5, 4), [2, null, 3]], args: [] },
  convTranspose3d: { head: () => [f64(1, 2, 2, 3, 2), f64(2, 3, 2, 2, 2)], args: [["bias", f64(3)], ["stride", [2, 1, 1]], ["padding", [0, 1, 0]], ["outputPadding", [1, 0, 0]], ["groups", 1], ["dilation", 1]] },
  conv3d: { head: () => [f64(1, 2, 3, 4, 3), f64(3, 2, 2, 2, 2)], args: [["bias", f64(3)], ["stride", [1, 2, 1]], ["padding", 1], ["dilation", 1], ["groups", 1]] },
  localResponseNorm: { head: () => [f64(2, 5, 3), 3], args: [["alpha", 0.1], ["beta", 0.5], ["k", 2]] },
  dropout: { head: () => [f64(3, 4)], args: [["p", 0.3], ["training", true], ["inplace", true]], seeded: true },
  dropout1d: { head: () => [f64(3, 4, 5)], args: [["p", 0.3], ["training", true], ["inplace", true]], seeded: true },
  dropout2d: { head: () => [f64(3, 4, 5, 2)], args: [["p", 0.3], ["training", true], ["inplace", true]], seeded: true },
  dropout3d: { head: () => [f64(2, 3, 4, 5, 2)], args: [["p", 0.3], ["training", true], ["inplace", true]], seeded: true },
  alphaDropout: { head: () => [f64(3, 4)], args: [["p", 0.3], ["training", true], ["inplace", true]], seeded: true },
  featureAlphaDropout: { head: () => [f64(3, 4, 5)], args: [["p", 0.3], ["training", true], ["inplace", true]], seeded: true },
  embeddingBag: { head: () => [long([1, 2, 0, 3]), f64(5, 3)], args: [["offsets", long([0, 2])], ["maxNorm", 0.8], ["normType", 3], ["scaleGradByFreq", true], ["mode", "sum"], ["sparse", false], ["perSampleWeights", f64(4)], ["includeLastOffset", false], ["paddingIdx", 0]] },
  rrelu: { head: () => [f64(3, 4)], args: [["lower", 0.1], ["upper", 0.3], ["training", true], ["inplace", true]], seeded: true },
  gumbelSoftmax: { head: () => [f64(3, 4)], args: [["tau", 0.5], ["hard", true], ["eps", 1e-8], ["dim", 0]], seeded: true },
  embedding: { head: () => [long([[0, 2, 1], [2, 3, 0]]), f64(5, 3)], args: [["paddingIdx", 1], ["maxNorm", 0.8], ["normType", 3], ["scaleGradByFreq", true], ["sparse", false]] },
  interpolate: { head: () => [f64(2, 3, 4, 5)], args: [["size", null], ["scaleFactor", [1.5, 2]], ["mode", "bilinear"], ["alignCorners", true], ["recomputeScaleFactor", true], ["antialias", false]] },
  pixelShuffle: { head: () => [f64(1, 8, 3, 3), 2], args: [] },
  pixelUnshuffle: { head: () => [f64(1, 2, 4, 6), 2], args: [] },
  l1Loss: { head: () => [f64(3, 4), f64(3, 4)], args: [["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  mseLoss: { head: () => [f64(3, 4), f64(3, 4)], args: [["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  smoothL1Loss: { head: () => [f64(3, 4), f64(3, 4)], args: [["sizeAverage", null], ["reduce", null], ["reduction", "sum"], ["beta", 0.5]] },
  huberLoss: { head: () => [f64(3, 4), f64(3, 4)], args: [["reduction", "sum"], ["delta", 0.5]] },
  nllLoss: { head: () => [f64(4, 3).logSoftmax(1), long([0, 2, 1, 1])], args: [["weight", pos(3)], ["sizeAverage", null], ["ignoreIndex", 1], ["reduce", null], ["reduction", "sum"]] },
  crossEntropy: { head: () => [f64(4, 3), long([0, 2, 1, 1])], args: [["weight", pos(3)], ["sizeAverage", null], ["ignoreIndex", 1], ["reduce", null], ["reduction", "sum"], ["labelSmoothing", 0.1]] },
  binaryCrossEntropy: { head: () => [pos(3, 4).mul(0.8), pos(3, 4).mul(0.8)], args: [["weight", pos(4)], ["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  binaryCrossEntropyWithLogits: { head: () => [f64(3, 4), pos(3, 4).mul(0.8)], args: [["weight", pos(4)], ["sizeAverage", null], ["reduce", null], ["reduction", "sum"], ["posWeight", pos(4)]] },
  klDiv: { head: () => [f64(3, 4).logSoftmax(1), f64(3, 4).logSoftmax(1)], args: [["sizeAverage", null], ["reduce", null], ["reduction", "batchmean"], ["logTarget", true]] },
  cosineEmbeddingLoss: { head: () => [f64(3, 4), f64(3, 4), torch.tensor([1.0, -1.0, -1.0], { dtype: "float64" })], args: [["margin", -0.2], ["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  marginRankingLoss: { head: () => [f64(4), f64(4), torch.tensor([1.0, -1.0, -1.0, 1.0], { dtype: "float64" })], args: [["margin", 0.2], ["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  pairwiseDistance: { head: () => [f64(3, 4), f64(3, 4)], args: [["p", 3], ["eps", 1e-3], ["keepdim", true]] },
  tripletMarginLoss: { head: () => [f64(3, 4), f64(3, 4), f64(3, 4)], args: [["margin", 0.5], ["p", 3], ["eps", 1e-3], ["swap", true], ["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  softMarginLoss: { head: () => [f64(3, 4), f64(3, 4).sign()], args: [["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  hingeEmbeddingLoss: { head: () => [f64(3, 4), f64(3, 4).sign()], args: [["margin", 0.5], ["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  poissonNllLoss: { head: () => [pos(3, 4), pos(3, 4).mul(3)], args: [["logInput", false], ["full", true], ["sizeAverage", null], ["eps", 1e-3], ["reduce", null], ["reduction", "sum"]] },
  gaussianNllLoss: { head: () => [f64(3, 4), f64(3, 4), pos(3, 4)], args: [["full", true], ["eps", 1e-3], ["reduction", "sum"]] },
  multilabelSoftMarginLoss: { head: () => [f64(3, 4), pos(3, 4).mul(0.8)], args: [["weight", pos(4)], ["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  pad: { head: () => [f64(2, 3, 5), [1, 2]], args: [["mode", "reflect"], ["value", null]] },
  cosineSimilarity: { head: () => [f64(3, 4), f64(3, 4)], args: [["dim", 0], ["eps", 1e-3]] },
  pdist: { head: () => [f64(4, 3)], args: [["p", 3]] },
  oneHot: { head: () => [long([[0, 2], [1, 3]])], args: [["numClasses", 6]] },
  bilinear: { head: () => [f64(4, 3), f64(4, 2), f64(5, 3, 2)], args: [["bias", f64(5)]] },
  relu_: { head: () => [f64(3, 4)], args: [] },
  selu_: { head: () => [f64(3, 4)], args: [] },
  elu_: { head: () => [f64(3, 4)], args: [["alpha", 1.5]] },
  celu_: { head: () => [f64(3, 4)], args: [["alpha", 0.7]] },
  leakyRelu_: { head: () => [f64(3, 4)], args: [["negativeSlope", 0.2]] },
  hardtanh_: { head: () => [f64(3, 4)], args: [["minVal", -0.5], ["maxVal", 0.7]] },
  rrelu_: { head: () => [f64(3, 4)], args: [["lower", 0.2], ["upper", 0.4], ["training", true]], seeded: true },
  threshold_: { head: () => [f64(3, 4)], args: [["threshold", 0.1], ["value", -1]] },
  channelShuffle: { head: () => [f64(2, 6, 3), 3], args: [] },
  upsample: { head: () => [f64(2, 3, 4, 5)], args: [["size", null], ["scaleFactor", [1.5, 2]], ["mode", "bilinear"], ["alignCorners", true]] },
  upsampleNearest: { head: () => [f64(2, 3, 4, 5)], args: [["size", [5, 7]], ["scaleFactor", null]] },
  upsampleBilinear: { head: () => [f64(2, 3, 4, 5)], args: [["size", null], ["scaleFactor", 2]] },
  lpPool1d: { head: () => [pos(2, 3, 8), 3, 3], args: [["stride", 2], ["ceilMode", true]] },
  lpPool2d: { head: () => [pos(2, 3, 7, 6), 1.5, [3, 2]], args: [["stride", [2, 1]], ["ceilMode", true]] },
  maxUnpool1d: { head: () => [f64(2, 3, 4), torch.randint(0, 7, [2, 3, 4]), 3], args: [["stride", 2], ["padding", 1], ["outputSize", [8]]] },
  maxUnpool2d: { head: () => [f64(1, 2, 3, 3), torch.randint(0, 25, [1, 2, 3, 3]), 3], args: [["stride", 2], ["padding", 1], ["outputSize", [6, 5]]] },
  maxUnpool3d: { head: () => [f64(1, 1, 2, 2, 2), torch.randint(0, 64, [1, 1, 2, 2, 2]), 2], args: [["stride", 2], ["padding", 0], ["outputSize", [5, 4, 4]]] },
  affineGrid: { head: () => [f64(2, 2, 3), [2, 3, 4, 5]], args: [["alignCorners", true]] },
  gridSample: { head: () => [f64(2, 3, 4, 5), f64(2, 3, 6, 2).tanh().mul(1.2)], args: [["mode", "nearest"], ["paddingMode", "reflection"], ["alignCorners", true]] },
  multiMarginLoss: { head: () => [f64(4, 5), long([0, 4, 2, 2])], args: [["p", 2], ["margin", 0.5], ["weight", pos(5)], ["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  multilabelMarginLoss: { head: () => [f64(3, 4), long([[0, 1, -1, 2], [3, -1, 0, 0], [1, 2, 3, 0]])], args: [["sizeAverage", null], ["reduce", null], ["reduction", "sum"]] },
  ctcLoss: { head: () => [f64(6, 2, 5).logSoftmax(2), long([[1, 1], [2, 3]]), [6, 5], [2, 2]], args: [["blank", 4], ["reduction", "sum"], ["zeroInfinity", true]] },
  multiHeadAttentionForward: {
    head: () => [f64(3, 2, 4), f64(5, 2, 4), f64(5, 2, 4), 4, 2, f64(12, 4), f64(12), null, null, false, 0.5, f64(4, 4), f64(4)],
    args: [
      ["training", false], ["keyPaddingMask", torch.tensor([[false, true, false, false, false], [false, false, false, false, true]])], ["needWeights", true],
      ["attnMask", f64(3, 5)], ["useSeparateProjWeight", true], ["qProjWeight", f64(4, 4)], ["kProjWeight", f64(4, 4)], ["vProjWeight", f64(4, 4)],
      ["staticK", null], ["staticV", null], ["averageAttnWeights", false],
    ],
  },
  tripletMarginWithDistanceLoss: { head: () => [f64(3, 4), f64(3, 4), f64(3, 4)], args: [], keywords: { margin: 0.5, swap: true, reduction: "sum" } },
  maxPool1dWithIndices: { head: () => [f64(2, 3, 11), 3], args: [["stride", 2], ["padding", 1], ["dilation", 2], ["ceilMode", true], ["returnIndices", false]] },
  maxPool2dWithIndices: { head: () => [f64(2, 3, 9, 8), 3], args: [["stride", [2, 1]], ["padding", 1], ["dilation", [1, 2]], ["ceilMode", true], ["returnIndices", false]] },
  maxPool3dWithIndices: { head: () => [f64(1, 2, 4, 5, 4), 2], args: [["stride", [1, 2, 2]], ["padding", 1], ["dilation", 1], ["ceilMode", true], ["returnIndices", false]] },
  adaptiveMaxPool1dWithIndices: { head: () => [f64(2, 3, 10), 4], args: [["returnIndices", false]], ignored: true },
  adaptiveMaxPool2dWithIndices: { head: () => [f64(2, 3, 9, 8), [3, 5]], args: [["returnIndices", false]], ignored: true },
  adaptiveMaxPool3d: { head: () => [f64(2, 2, 5, 6, 4), [2, 3, 2]], args: [["returnIndices", true]] },
  adaptiveMaxPool3dWithIndices: { head: () => [f64(2, 2, 5, 6, 4), 3], args: [["returnIndices", false]], ignored: true },
  fractionalMaxPool2d: { head: () => [f64(2, 3, 9, 8), [3, 2]], args: [["outputSize", [4, 5]], ["outputRatio", null], ["returnIndices", true], ["randomSamples", pos(2, 3, 2).mul(0.8)]] },
  fractionalMaxPool2dWithIndices: { head: () => [f64(2, 3, 9, 8), 2], args: [["outputSize", [4, 5]], ["outputRatio", null], ["returnIndices", false], ["randomSamples", pos(2, 3, 2).mul(0.8)]] },
  convTbc: { head: () => [f64(5, 2, 3), f64(3, 3, 4), f64(4)], args: [["pad", 1]] },
  fractionalMaxPool3d: { head: () => [f64(1, 2, 6, 8, 7), [2, 3, 2]], args: [["outputSize", [3, 4, 5]], ["outputRatio", null], ["returnIndices", true], ["randomSamples", pos(1, 2, 3).mul(0.8)]] },
  fractionalMaxPool3dWithIndices: { head: () => [f64(1, 2, 6, 8, 7), 2], args: [["outputSize", [3, 4, 5]], ["outputRatio", null], ["returnIndices", false], ["randomSamples", pos(1, 2, 3).mul(0.8)]] },
  scaledDotProductAttention: { head: () => [f64(2, 3, 4), f64(2, 5, 4), f64(2, 5, 2)], args: [["attnMask", f64(3, 5)], ["dropoutP", 0], ["isCausal", false]], keywords: { scale: 0.3 } },
};

type Fn = (...a: unknown[]) => unknown;
const fn = (name: string): Fn => (F as unknown as Record<string, Fn>)[name];

/** A result as plain values: tensors (and { values, indices }) by tolist. */
function plain(r: unknown): unknown {
  if (r instanceof torch.Tensor) return [r.dtype, r.shape, r.tolist()];
  if (r && typeof r === "object") return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]));
  return r;
}

test("the table covers every function of torch.nn.functional", () => {
  const names = Object.entries(F).filter(([, v]) => typeof v === "function").map(([k]) => k).sort();
  assert.deepEqual(names, Object.keys(ENTRIES).sort());
});

for (const [name, e] of Object.entries(ENTRIES)) {
  test(`F.${name}: PyTorch's positional order, the options object, and TypeErrors naming the argument`, () => {
    const run = (args: unknown[]): unknown => {
      if (e.seeded) torch.manualSeed(3);
      torch.manualSeed(1);
      const head = e.head();
      if (e.seeded) torch.manualSeed(3);
      return plain(fn(name)(...head, ...args));
    };
    const values = e.args.map(([, v]) => v);
    const named = Object.fromEntries(e.args);
    const kw = e.keywords ?? {};
    const positional = run([...values, ...(Object.keys(kw).length ? [kw] : [])]);
    assert.deepEqual(run([{ ...named, ...kw }]), positional, "all by name");
    if (values.length > 1) {
      // a positional prefix and the rest by name
      const [first, ...rest] = e.args;
      assert.deepEqual(run([first[1], { ...Object.fromEntries(rest), ...kw }]), positional, "prefix + options");
    }
    if (!e.ignored && e.args.some(([k]) => k !== "inplace")) {
      let byDefault: unknown;
      try {
        byDefault = run([]);
      } catch (err) {
        byDefault = err;
      }
      assert.notDeepEqual(byDefault, positional, "the arguments take effect");
    }

    torch.manualSeed(1);
    const head = e.head();
    assert.throws(() => fn(name)(...head, { notAnArgument: 1 }), (err: Error) => err.name === "TypeError" && /got an unexpected keyword argument 'notAnArgument'/.test(err.message));
    assert.throws(() => fn(name)(undefined, ...head.slice(1)), (err: Error) => err.name === "TypeError" && /argument '\w+' must be a Tensor, but got undefined/.test(err.message));
    assert.throws(() => fn(name)(...head, ...values, 7), (err: Error) => err.name === "TypeError" && /positional argument/.test(err.message), "one positional argument too many");
  });
}

test("the calls a PyTorch user writes mean what they mean in PyTorch", () => {
  const x = torch.arange(16, { dtype: "float32" }).reshape(1, 1, 4, 4);
  assert.deepEqual(F.maxPool2d(x, 2, 1).shape, [1, 1, 3, 3], "F.max_pool2d(x, 2, 1): stride 1");
  assert.deepEqual(F.maxPool2d(x, 2).shape, [1, 1, 2, 2], "stride defaults to the kernel size");
  assert.deepEqual(F.avgPool2d(x, 2, 1, 1).shape, [1, 1, 5, 5]);
  const w = torch.ones(2, 1, 3, 3);
  assert.deepEqual(F.conv2d(x, w, null, 1, 1).shape, [1, 2, 4, 4], "F.conv2d(x, w, b, stride, padding)");
  assert.equal(F.dropout(x, 0.5, false), x, "F.dropout(x, p, training=False) is the identity");
  assert.throws(() => F.gelu(x, "tanh" as never), /gelu\(\) takes 0 positional arguments but 1 were given/, "approximate is keyword-only, as PyTorch");
  assert.throws(() => F.scaledDotProductAttention(x, x, x, null, 0, false, 0.5 as never), /takes from 0 to 3 positional arguments but 4 were given/, "scale is keyword-only");
});

test("legacy size_average / reduce decide the reduction, with PyTorch's deprecation warning", () => {
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (s: string) => void warnings.push(s);
  try {
    const x = f64(3, 4);
    const y = f64(3, 4);
    assert.equal(F.mseLoss(x, y, false).item(), F.mseLoss(x, y, { reduction: "sum" }).item(), "size_average=False: sum");
    assert.deepEqual(F.l1Loss(x, y, null, false).tolist(), F.l1Loss(x, y, { reduction: "none" }).tolist(), "reduce=False: none");
    assert.equal(F.crossEntropy(x, long([0, 1, 3]), null, false).item(), F.crossEntropy(x, long([0, 1, 3]), { reduction: "sum" }).item());
    assert.equal(new torch.nn.MSELoss(true, true).reduction, "mean");
    assert.equal(new torch.nn.NLLLoss(null, false).reduction, "sum");
  } finally {
    console.warn = warn;
  }
  assert.ok(warnings.includes("size_average and reduce args will be deprecated, please use reduction='sum' instead."), warnings.join("\n"));
  assert.ok(warnings.includes("size_average and reduce args will be deprecated, please use reduction='none' instead."));
});

test("inplace=true writes the result into the input and returns it; a leaf that requires grad is refused", () => {
  for (const name of ["relu", "relu6", "leakyRelu", "elu", "celu", "selu", "silu", "mish", "hardsigmoid", "hardswish"]) {
    const x = f64(3, 4);
    const want = fn(name)(x.clone()) as T;
    const r = fn(name)(x, { inplace: true }) as T;
    assert.equal(r, x, name);
    assert.deepEqual(x.tolist(), want.tolist(), name);
    const leaf = f64(2).requiresGrad_();
    assert.throws(() => fn(name)(leaf, { inplace: true }), /a leaf Variable that requires grad is being used in an in-place operation/, name);
  }
  // in place on a non-leaf: the gradient is the op's
  const a = f64(5).requiresGrad_();
  const h = a.mul(1);
  F.leakyRelu(h, 0.1, true).sum().backward();
  assert.deepEqual(a.grad!.tolist(), (a.detach().tolist() as number[]).map((v) => (v > 0 ? 1 : 0.1)));
  const m = new torch.nn.ReLU(true);
  const z = f64(4);
  assert.equal(m.forward(z), z);
});
