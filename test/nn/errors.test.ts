// Wrong input shapes fail with PyTorch 1.13's messages (recorded by tools/gen_nn_fixtures.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { load } from "./fixture-io.ts";

const { nn, F } = torch;
const r = (...s: number[]) => torch.randn(s);
const i32 = (v: number[]) => torch.tensor(v, { dtype: "int32" });
const i64 = (v: number[]) => torch.tensor(v, { dtype: "int64" });

interface ErrorCase {
  name: string;
  type: string;
  message: string;
}

const CALLS: Record<string, () => unknown> = {
  "conv2d.channels": () => new nn.Conv2d(3, 8, 3).forward(r(2, 4, 5, 5)),
  "conv2d.dims": () => new nn.Conv2d(3, 8, 3).forward(r(2, 3)),
  "conv2d.kernel_too_big": () => new nn.Conv2d(3, 8, 5).forward(r(1, 3, 3, 3)),
  "conv2d.groups_channels": () => new nn.Conv2d(4, 6, 3, { groups: 2 }).forward(r(1, 6, 5, 5)),
  "conv1d.channels_unbatched": () => new nn.Conv1d(2, 3, 2).forward(r(3, 5)),
  "convTranspose2d.channels": () => new nn.ConvTranspose2d(4, 2, 3).forward(r(1, 3, 5, 5)),
  "maxPool2d.pad": () => F.maxPool2d(r(1, 1, 5, 5), 2, { padding: 2 }),
  "maxPool2d.too_small": () => F.maxPool2d(r(1, 2, 2, 2), 3),
  "batchNorm2d.dims": () => new nn.BatchNorm2d(3).forward(r(2, 3, 4)),
  "batchNorm1d.dims": () => new nn.BatchNorm1d(3).forward(r(2, 3, 4, 4)),
  "batchNorm.channels": () => new nn.BatchNorm1d(3).forward(r(4, 5)),
  "batchNorm.one_value": () => new nn.BatchNorm1d(3).forward(r(1, 3)),
  "layerNorm.shape": () => new nn.LayerNorm(4).forward(r(2, 3, 5)),
  "groupNorm.divisible": () => F.groupNorm(r(2, 6, 4), 4),
  "embedding.range": () => new nn.Embedding(5, 2).forward(i32([1, 5])),
  "embedding.float": () => new nn.Embedding(5, 2).forward(torch.tensor([1.0], { dtype: "float32" })),
  "crossEntropy.batch": () => F.crossEntropy(r(3, 4), i32([1, 2])),
  "crossEntropy.target_oob": () => F.crossEntropy(r(2, 4), i32([1, 4])),
  "bce.range": () => F.binaryCrossEntropy(torch.tensor([0.5, 1.5]), torch.tensor([1.0, 0.0])),
  "bceWithLogits.size": () => F.binaryCrossEntropyWithLogits(r(3), r(4)),
  "dropout.p": () => F.dropout(r(3), { p: 1.5 }),
  "pixelShuffle.channels": () => F.pixelShuffle(r(1, 6, 2, 2), 2),
  "prelu.channels": () => new nn.PReLU(3).forward(r(2, 4, 5)),
  "conv1d.weight_2d": () => F.conv1d(r(1, 2, 5), r(3, 2)),
  "conv2d.weight_3d": () => F.conv2d(r(1, 2, 5, 5), r(3, 2, 3)),
  "conv2d.weight_5d_stride": () => F.conv2d(r(1, 2, 5, 5), r(3, 2, 3, 3, 3), null, 2),
  "conv3d.weight_4d": () => F.conv3d(r(1, 2, 5, 5, 5), r(3, 2, 3, 3)),
  "convTranspose1d.weight_2d": () => F.convTranspose1d(r(1, 2, 5), r(2, 3)),
  "convTranspose2d.weight_3d": () => F.convTranspose2d(r(1, 2, 5, 5), r(2, 3, 3), { stride: [2, 1] }),
  "convTranspose3d.weight_4d": () => F.convTranspose3d(r(1, 2, 5, 5, 5), r(2, 3, 3, 3)),
  "gaussianNllLoss.var_size": () => F.gaussianNllLoss(r(3, 4), r(3, 4), torch.rand([3, 2])),
  "gaussianNllLoss.var_negative": () => F.gaussianNllLoss(r(3, 4), r(3, 4), torch.rand([3, 4]).neg()),
  // a reduction PyTorch does not know, from plain JavaScript (the type allows none of these)
  "gaussianNllLoss.reduction": () => F.gaussianNllLoss(r(3, 4), r(3, 4), torch.rand([3, 4]), { reduction: "avg" as never }),
  "multilabelSoftMarginLoss.reduction": () => F.multilabelSoftMarginLoss(r(3, 4), torch.rand([3, 4]), { reduction: "avg" as never }),
  "GaussianNLLLoss.reduction": () => new nn.GaussianNLLLoss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4), torch.rand([3, 4])),
  "MultiLabelSoftMarginLoss.reduction": () => new nn.MultiLabelSoftMarginLoss(null, null, null, "avg" as never).forward(r(3, 4), torch.rand([3, 4])),
  "multiMarginLoss.p": () => F.multiMarginLoss(r(3, 4), i64([0, 1, 2]), { p: 3 }),
  "multiMarginLoss.weight_dim": () => F.multiMarginLoss(r(3, 4), i64([0, 1, 2]), { weight: torch.ones([2, 2]) }),
  "multiMarginLoss.target_range": () => F.multiMarginLoss(r(3, 4), i64([0, 4, 2])),
  "multiMarginLoss.target_negative": () => F.multiMarginLoss(r(3, 4), i32([0, 1, -1])),
  "multiMarginLoss.target_size": () => F.multiMarginLoss(r(3, 4), i64([0, 1])),
  "multiMarginLoss.target_2d": () => F.multiMarginLoss(r(3, 4), torch.tensor([[0, 1, 2]])),
  "multiMarginLoss.input_3d": () => F.multiMarginLoss(r(2, 3, 4), i64([0, 1])),
  "multiMarginLoss.float_target": () => F.multiMarginLoss(r(3, 4), torch.tensor([0.0, 1.0, 2.0], { dtype: "float32" })),
  "multiMarginLoss.reduction": () => F.multiMarginLoss(r(3, 4), i64([0, 1, 2]), { reduction: "avg" as never }),
  "MultiMarginLoss.p": () => new nn.MultiMarginLoss({ p: 3 }),
  "MultiMarginLoss.weight_dim": () => new nn.MultiMarginLoss({ weight: torch.ones([2, 2]) }),
  "MultiMarginLoss.reduction": () => new nn.MultiMarginLoss({ reduction: "avg" as never }).forward(r(3, 4), i64([0, 1, 2])),
  "multilabelMarginLoss.target_size": () => F.multilabelMarginLoss(r(3, 4), torch.tensor([[0, 1, -1, 0]])),
  "multilabelMarginLoss.target_range": () => F.multilabelMarginLoss(r(2, 4), torch.tensor([[0, 5, -1, 0], [1, -1, 0, 0]])),
  "multilabelMarginLoss.target_below": () => F.multilabelMarginLoss(r(2, 4), torch.tensor([[0, -2, -1, 0], [1, -1, 0, 0]])),
  "multilabelMarginLoss.input_3d": () => F.multilabelMarginLoss(r(2, 3, 4), torch.zeros([2, 3, 4], { dtype: "int64" })),
  "multilabelMarginLoss.float_target": () => F.multilabelMarginLoss(r(3, 4), torch.zeros([3, 4])),
  "MultiLabelMarginLoss.reduction": () => new nn.MultiLabelMarginLoss({ reduction: "avg" as never }).forward(r(3, 4), torch.zeros([3, 4], { dtype: "int64" })),
  "TripletMarginWithDistanceLoss.reduction": () => new nn.TripletMarginWithDistanceLoss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4), r(3, 4)),
  "Softmax2d.dims": () => new nn.Softmax2d().forward(r(3, 4)),
  "ctcLoss.input_length": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), [7, 5], [2, 2]),
  "ctcLoss.input_lengths_size": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), [6], [2, 2]),
  "ctcLoss.target_lengths_size": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), [6, 6], [2, 2, 2]),
  "ctcLoss.targets_short": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), [6, 6], [3, 2]),
  "ctcLoss.targets_rows": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2]).reshape(1, 2), [6, 6], [2, 2]),
  "ctcLoss.concat_size": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1]), [6, 6], [2, 2]),
  "ctcLoss.targets_3d": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), torch.ones([2, 2, 1], { dtype: "int64" }), [6, 6], [2, 2]),
  "ctcLoss.targets_0d": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), torch.tensor(1), [6, 6], [1, 1]),
  "ctcLoss.log_probs_4d": () => F.ctcLoss(r(6, 2, 4, 1), i64([1, 2, 1, 1]).reshape(2, 2), [6, 6], [2, 2]),
  "ctcLoss.log_probs_1d": () => F.ctcLoss(r(6), i64([1]), torch.tensor(6), torch.tensor(1)),
  "ctcLoss.blank": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), [6, 6], [2, 2], { blank: 4 }),
  "ctcLoss.blank_negative": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), [6, 6], [2, 2], -1),
  "ctcLoss.int_log_probs": () => F.ctcLoss(torch.ones([6, 2, 4], { dtype: "int32" }), i64([1, 2, 1, 1]).reshape(2, 2), [6, 6], [2, 2]),
  "ctcLoss.float_lengths": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), torch.tensor([6, 6], { dtype: "float32" }), i64([2, 2])),
  "ctcLoss.float_target_lengths": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), i64([6, 6]), torch.tensor([2, 2], { dtype: "float32" })),
  "ctcLoss.reduction": () => F.ctcLoss(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), [6, 6], [2, 2], { reduction: "avg" as never }),
  "CTCLoss.reduction": () => new nn.CTCLoss({ reduction: "avg" as never }).forward(r(6, 2, 4).logSoftmax(2), i64([1, 2, 1, 1]).reshape(2, 2), [6, 6], [2, 2]),
  "channelShuffle.dims": () => F.channelShuffle(r(4, 6), 2),
  "channelShuffle.groups": () => F.channelShuffle(r(1, 4, 2), 0),
  "channelShuffle.divisible": () => F.channelShuffle(r(1, 5, 2), 2),
  "upsampleBilinear.dims": () => F.upsampleBilinear(r(1, 2, 3), 4),
  "maxUnpool2d.index_range": () => F.maxUnpool2d(r(1, 2, 2, 2), torch.tensor([[[[0, 1], [2, 3]], [[40, 1], [2, 30]]]]), 2),
  "maxUnpool2d.index_negative": () => F.maxUnpool2d(r(1, 1, 2, 2), torch.tensor([[[[0, -1], [2, 3]]]]), 2),
  "maxUnpool1d.index_range": () => F.maxUnpool1d(r(1, 2, 2), torch.tensor([[[0, 9], [1, 2]]]), 2),
  "maxUnpool3d.index_range": () => F.maxUnpool3d(r(1, 1, 1, 1, 2), torch.tensor([[[[[0, 99]]]]]), 2),
  "maxUnpool2d.output_size": () => F.maxUnpool2d(r(1, 1, 2, 2), torch.zeros([1, 1, 2, 2], { dtype: "int64" }), 2, { outputSize: [7, 5] }),
  "maxUnpool2d.output_size_length": () => F.maxUnpool2d(r(1, 1, 2, 2), torch.zeros([1, 1, 2, 2], { dtype: "int64" }), 2, null, 0, [5]),
  "maxUnpool2d.int32_indices": () => F.maxUnpool2d(r(1, 1, 2, 2), torch.zeros([1, 1, 2, 2], { dtype: "int32" }), 2),
  "maxUnpool2d.shape": () => F.maxUnpool2d(r(1, 1, 2, 2), torch.zeros([1, 1, 2, 1], { dtype: "int64" }), 2),
  "maxUnpool2d.dims": () => F.maxUnpool2d(r(2, 2), torch.zeros([2, 2], { dtype: "int64" }), 2),
  "maxUnpool1d.dims": () => F.maxUnpool1d(r(4), torch.zeros([4], { dtype: "int64" }), 2),
  "maxUnpool3d.dims": () => F.maxUnpool3d(r(2, 4, 4), torch.zeros([2, 4, 4], { dtype: "int64" }), 2),
  "gridSample.batch": () => F.gridSample(r(2, 3, 4, 5), torch.rand([1, 6, 7, 2]), { alignCorners: false }),
  "gridSample.last_dim": () => F.gridSample(r(2, 3, 4, 5), torch.rand([2, 6, 7, 3]), { alignCorners: false }),
  "gridSample.3d_last_dim": () => F.gridSample(r(1, 1, 2, 2, 2), torch.rand([1, 2, 2, 2, 2]), { alignCorners: false }),
  "gridSample.empty": () => F.gridSample(r(2, 3, 0, 5), torch.rand([2, 6, 7, 2]), { alignCorners: false }),
  "gridSample.grid_dims": () => F.gridSample(r(2, 3, 4, 5), torch.rand([2, 6, 7, 1, 2]), { alignCorners: false }),
  "gridSample.mode": () => F.gridSample(r(1, 1, 2, 2), torch.rand([1, 2, 2, 2]), { mode: "area" as never, alignCorners: false }),
  "gridSample.padding_mode": () => F.gridSample(r(1, 1, 2, 2), torch.rand([1, 2, 2, 2]), { paddingMode: "circular" as never, alignCorners: false }),
  "gridSample.bicubic_3d": () => F.gridSample(r(1, 1, 2, 2, 2), torch.rand([1, 2, 2, 2, 3]), { mode: "bicubic", alignCorners: false }),
  "gridSample.int": () => F.gridSample(torch.ones([1, 1, 2, 2], { dtype: "int64" }), torch.rand([1, 2, 2, 2]), { alignCorners: false }),
  "gridSample.dtype": () => F.gridSample(torch.randn([1, 1, 2, 2], { dtype: "float64" }), torch.rand([1, 2, 2, 2]), { alignCorners: false }),
  "affineGrid.int_theta": () => F.affineGrid(torch.zeros([1, 2, 3], { dtype: "int64" }), [1, 1, 2, 2], false),
  "affineGrid.theta_shape": () => F.affineGrid(torch.zeros([1, 3, 3]), [1, 1, 2, 2], false),
  "affineGrid.theta_shape_3d": () => F.affineGrid(torch.zeros([1, 2, 3]), [1, 1, 2, 2, 2], false),
  "affineGrid.size_length": () => F.affineGrid(torch.zeros([1, 2, 3]), [1, 2, 2], false),
  "affineGrid.zero_size": () => F.affineGrid(torch.zeros([1, 2, 3]), [1, 1, 0, 2], false),
  "affineGrid.batch": () => F.affineGrid(torch.zeros([2, 2, 3]), [1, 1, 2, 2], false),
  "L1Loss.reduction": () => new nn.L1Loss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4)),
  "MSELoss.reduction": () => new nn.MSELoss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4)),
  "SoftMarginLoss.reduction": () => new nn.SoftMarginLoss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4).sign()),
  "SmoothL1Loss.reduction": () => new nn.SmoothL1Loss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4)),
  "SmoothL1Loss.beta": () => new nn.SmoothL1Loss({ beta: -1 }).forward(r(3, 4), r(3, 4)),
  "HuberLoss.reduction": () => new nn.HuberLoss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4)),
  "HuberLoss.delta": () => new nn.HuberLoss({ delta: 0 }).forward(r(3, 4), r(3, 4)),
  "NLLLoss.reduction": () => new nn.NLLLoss({ reduction: "avg" as never }).forward(r(3, 4).logSoftmax(1), i64([0, 1, 2])),
  "CrossEntropyLoss.reduction": () => new nn.CrossEntropyLoss({ reduction: "avg" as never }).forward(r(3, 4), i64([0, 1, 2])),
  "CrossEntropyLoss.label_smoothing": () => new nn.CrossEntropyLoss({ labelSmoothing: 2 }).forward(r(3, 4), i64([0, 1, 2])),
  "BCELoss.reduction": () => new nn.BCELoss({ reduction: "avg" as never }).forward(torch.rand([3, 4]), torch.rand([3, 4])),
  "BCEWithLogitsLoss.reduction": () => new nn.BCEWithLogitsLoss({ reduction: "avg" as never }).forward(r(3, 4), torch.rand([3, 4])),
  "KLDivLoss.reduction": () => new nn.KLDivLoss({ reduction: "avg" as never }).forward(r(3, 4), torch.rand([3, 4])),
  "CosineEmbeddingLoss.reduction": () => new nn.CosineEmbeddingLoss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4), torch.ones([3])),
  "MarginRankingLoss.reduction": () => new nn.MarginRankingLoss({ reduction: "avg" as never }).forward(r(3), r(3), torch.ones([3])),
  "HingeEmbeddingLoss.reduction": () => new nn.HingeEmbeddingLoss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4).sign()),
  "TripletMarginLoss.reduction": () => new nn.TripletMarginLoss({ reduction: "avg" as never }).forward(r(3, 4), r(3, 4), r(3, 4)),
  "PoissonNLLLoss.reduction": () => new nn.PoissonNLLLoss({ reduction: "avg" as never }).forward(r(3, 4), torch.rand([3, 4])),
  "poissonNllLoss.reduction": () => F.poissonNllLoss(r(3, 4), torch.rand([3, 4]), { reduction: "avg" as never }),
  "adaptiveMaxPool3d.size_length": () => F.adaptiveMaxPool3d(r(1, 2, 5, 6, 7), [2, 3]),
  "adaptiveMaxPool3d.size_list1": () => F.adaptiveMaxPool3d(r(1, 2, 5, 6, 7), [2]),
  "adaptiveMaxPool3d.negative": () => F.adaptiveMaxPool3d(r(1, 2, 5, 6, 7), [2, -1, 3]),
  "adaptiveMaxPool3d.dims": () => F.adaptiveMaxPool3d(r(2, 3, 4), 2),
  "adaptiveMaxPool3d.empty": () => F.adaptiveMaxPool3d(r(1, 0, 2, 2, 2), 2),
  "adaptiveMaxPool3d.int": () => F.adaptiveMaxPool3d(torch.ones([1, 1, 2, 2, 2], { dtype: "int64" }), 1),
  "fractionalMaxPool2d.no_size": () => F.fractionalMaxPool2d(r(1, 1, 5, 5), 2),
  "fractionalMaxPool2d.too_large": () => F.fractionalMaxPool2d(r(2, 3, 9, 8), 3, { outputSize: [8, 5] }),
  "fractionalMaxPool2d.too_wide": () => F.fractionalMaxPool2d(r(2, 3, 9, 8), 3, { outputSize: [4, 7] }),
  "fractionalMaxPool2d.dims": () => F.fractionalMaxPool2d(r(5, 5), 2, { outputSize: 3 }),
  "convTbc.input_dims": () => F.convTbc(r(2, 3), r(3, 3, 4), r(4)),
  "convTbc.weight_dims": () => F.convTbc(r(5, 2, 3), r(3, 4), r(4)),
  "convTbc.bias_dims": () => F.convTbc(r(5, 2, 3), r(3, 3, 4), r(1, 4)),
  "convTbc.channels": () => F.convTbc(r(5, 2, 3), r(3, 2, 4), r(4)),
  "convTbc.bias_size": () => F.convTbc(r(5, 2, 3), r(3, 3, 4), r(3)),
  "convTbc.kernel": () => F.convTbc(r(5, 2, 3), r(9, 3, 4), r(4)),
  "fractionalMaxPool3d.no_size": () => F.fractionalMaxPool3d(r(1, 1, 5, 5, 5), 2),
  "fractionalMaxPool3d.time_edge": () => F.fractionalMaxPool3d(r(1, 1, 7, 8, 9), 3, { outputSize: [5, 4, 5] }),
  "fractionalMaxPool3d.width_before_height": () => F.fractionalMaxPool3d(r(1, 1, 7, 8, 9), 3, { outputSize: [3, 6, 7] }),
  "fractionalMaxPool3d.dims": () => F.fractionalMaxPool3d(r(3, 7, 8), 2, { outputSize: 3 }),
  "fractionalMaxPool2d.dims_5d": () => F.fractionalMaxPool2d(r(1, 1, 1, 5, 5), 2, { outputSize: 2 }),
  "fractionalMaxPool2d.int": () => F.fractionalMaxPool2d(torch.ones([1, 1, 5, 5], { dtype: "int64" }), 2, { outputSize: 2 }),
  "fractionalMaxPool3d.dims_6d": () => F.fractionalMaxPool3d(r(1, 1, 1, 5, 5, 5), 2, { outputSize: 2 }),
  "fractionalMaxPool3d.int": () => F.fractionalMaxPool3d(torch.ones([1, 1, 5, 5, 5], { dtype: "int64" }), 2, { outputSize: 2 }),
  "maxUnpool2d.empty_channels": () => F.maxUnpool2d(r(1, 0, 2, 2), torch.zeros([1, 0, 2, 2], { dtype: "int64" }), 2),
};

const cases = load<ErrorCase>("nn_errors.json");

test("every error fixture has a torch-ts call", () => {
  for (const c of cases) assert.ok(CALLS[c.name], `no call for ${c.name}`);
});

for (const c of cases) {
  test(`${c.name}: ${c.type}: ${c.message.slice(0, 80)}`, () => {
    assert.throws(CALLS[c.name]!, (e: Error) => {
      assert.equal(e.message, c.message);
      assert.equal(e.name, c.type);
      return true;
    });
  });
}
