#!/usr/bin/python3
"""Writes the nn fixtures that test/nn/*.test.ts compare torch-ts against (PyTorch 1.13).

    /usr/bin/python3 tools/gen_nn_fixtures.py

Files (test/fixtures/):
  nn_modules.json     per layer: the module's state dict (before and after the forward pass),
                      inputs, outputs, a fixed upstream gradient, and the gradients of the
                      inputs and of every parameter; each case in float64 and float32
  nn_functional.json  per functional form (F.*): float64 inputs, output and input gradients
                      (the TypeScript side also runs its float64 gradcheck on these)
  nn_dropout.json     dropout outputs after torch.manual_seed(seed): the masks must match
  nn_errors.json      PyTorch's error messages for wrong input shapes

Tensors are {"shape", "dtype", "data"} (flat row-major; floats by repr, which round-trips;
NaN/inf as strings). Integer tensors keep their dtype ("int64", PyTorch's index dtype, or "int32").
Module cases name the layer; test/nn/module-table.ts builds the same layer in torch-ts.
"""
import json
import math
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures"
torch.set_printoptions(precision=10)


def enc(t):
    t = t.detach()
    if t.dtype in (torch.float32, torch.float64):
        vals = []
        for v in t.double().reshape(-1).tolist():
            vals.append("nan" if math.isnan(v) else ("inf" if v == math.inf else ("-inf" if v == -math.inf else v)))
        return {"shape": list(t.shape), "dtype": "float64" if t.dtype == torch.float64 else "float32", "data": vals}
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "dtype": "bool", "data": t.reshape(-1).tolist()}
    return {"shape": list(t.shape), "dtype": "int64" if t.dtype == torch.int64 else "int32", "data": t.reshape(-1).tolist()}


class In:
    """An input: kind of values, shape, whether gradients are taken with respect to it."""

    def __init__(self, kind, *shape, grad=None, high=None, scale=1.0, ignore=None, spatial=None, value=None):
        self.kind, self.shape, self.high, self.scale, self.ignore, self.spatial, self.value = kind, list(shape), high, scale, ignore, spatial, value
        self.grad = kind in ("randn", "prob", "pos", "logprobs", "probs") if grad is None else grad

    def make(self, g):
        s = self.shape
        if self.kind == "randn":
            return torch.randn(s, generator=g, dtype=torch.float64) * self.scale
        if self.kind == "pos":
            return torch.rand(s, generator=g, dtype=torch.float64) * 2 * self.scale + 0.1
        if self.kind == "prob":
            return torch.rand(s, generator=g, dtype=torch.float64) * 0.9 + 0.05
        if self.kind == "binary":
            return (torch.rand(s, generator=g, dtype=torch.float64) > 0.5).double()
        if self.kind == "sign":
            return (torch.rand(s, generator=g, dtype=torch.float64) > 0.5).double() * 2 - 1
        if self.kind == "probs":
            return torch.softmax(torch.randn(s, generator=g, dtype=torch.float64), dim=1 if len(s) > 1 else 0)
        if self.kind == "logprobs":
            return torch.log_softmax(torch.randn(s, generator=g, dtype=torch.float64), dim=-1)
        if self.kind == "multilabel":
            # per row: a random number of distinct classes (possibly none or all), then -1 (when
            # not all), then junk that must be ignored
            rows, c = s
            t = torch.randint(0, c, s, generator=g)
            for r in range(rows):
                k = int(torch.randint(0, c + 1, [], generator=g))
                t[r, :k] = torch.randperm(c, generator=g)[:k]
                if k < c:
                    t[r, k] = -1
            return t
        if self.kind == "grid":
            # sampling coordinates, some past [-1, 1] (the padding modes' ground)
            return torch.rand(s, generator=g, dtype=torch.float64) * 2.4 - 1.2
        if self.kind == "unpool":
            # max-unpooling indices: distinct positions in [0, high) per plane (the last `spatial` dims)
            planes = s[:-self.spatial]
            per = 1
            for v in s[len(planes):]:
                per *= v
            n = 1
            for v in planes:
                n *= v
            t = torch.stack([torch.randperm(self.high, generator=g)[:per] for _ in range(n)])
            return t.reshape(s)
        if self.kind == "value":
            # a fixed int64 tensor (CTC's lengths and hand-made targets)
            return torch.tensor(self.value)
        if self.kind == "ctclabels":
            # CTC labels: classes 1 .. high - 1 (0 is the blank)
            return torch.randint(1, self.high, s, generator=g)
        if self.kind == "index":
            t = torch.randint(0, self.high, s, generator=g)
            if self.ignore is not None:
                t.view(-1)[::3] = self.ignore
            return t
        raise ValueError(self.kind)


def cast(t, dtype):
    return t.to(dtype) if t.is_floating_point() else t


def randomize(module, g):
    """Random parameters and float buffers (running_var kept positive), so eval paths are nontrivial."""
    with torch.no_grad():
        for name, t in list(module.named_parameters()) + list(module.named_buffers()):
            if not t.is_floating_point():
                continue
            if name.endswith("running_var") or name.endswith("weight") and isinstance(module, (nn.CrossEntropyLoss, nn.NLLLoss, nn.BCELoss, nn.BCEWithLogitsLoss)) or name.endswith("pos_weight"):
                t.copy_(torch.rand(t.shape, generator=g, dtype=torch.float64) + 0.5)
            else:
                t.copy_(torch.randn(t.shape, generator=g, dtype=torch.float64) * 0.5)


class RMSNormRef(nn.Module):
    """torch 1.13 has no nn.RMSNorm; this is PyTorch 2.4's definition (eps None: finfo(dtype).eps)."""

    def __init__(self, shape, eps=None):
        super().__init__()
        self.shape = (shape,) if isinstance(shape, int) else tuple(shape)
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(self.shape))

    def forward(self, x):
        dims = tuple(range(-len(self.shape), 0))
        eps = self.eps if self.eps is not None else torch.finfo(x.dtype).eps
        return x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps) * self.weight


MODULES = []


def mcase(name, make, inputs, eval_mode=False):
    MODULES.append((name, make, inputs, eval_mode))


# ---- convolution
mcase("Conv1d", lambda: nn.Conv1d(3, 4, 3, stride=2, padding=1), [In("randn", 2, 3, 9)])
mcase("Conv1d.same_dilated_groups", lambda: nn.Conv1d(2, 4, 4, padding="same", dilation=2, groups=2), [In("randn", 2, 2, 7)])
mcase("Conv2d", lambda: nn.Conv2d(3, 4, 3), [In("randn", 2, 3, 6, 6)])
mcase("Conv2d.strided_padded_dilated_groups", lambda: nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2), [In("randn", 2, 4, 7, 6)])
mcase("Conv2d.same_nobias", lambda: nn.Conv2d(2, 3, 4, padding="same", bias=False), [In("randn", 1, 2, 5, 6)])
mcase("Conv2d.valid_unbatched", lambda: nn.Conv2d(2, 3, 3, padding="valid"), [In("randn", 2, 5, 5)])
mcase("Conv2d.depthwise", lambda: nn.Conv2d(3, 6, 3, padding=1, groups=3), [In("randn", 2, 3, 4, 4)])
mcase("ConvTranspose1d", lambda: nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1, output_padding=1), [In("randn", 2, 3, 5)])
mcase("ConvTranspose2d", lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), [In("randn", 2, 4, 4, 5)])
mcase("ConvTranspose2d.dilated_nobias", lambda: nn.ConvTranspose2d(2, 3, (2, 3), stride=(1, 2), dilation=(2, 1), bias=False), [In("randn", 1, 2, 3, 4)])
# ---- pooling
mcase("MaxPool1d", lambda: nn.MaxPool1d(3, stride=2, padding=1), [In("randn", 2, 3, 9)])
mcase("MaxPool2d", lambda: nn.MaxPool2d(2), [In("randn", 2, 3, 6, 6)])
mcase("MaxPool2d.ceil_padded", lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), [In("randn", 2, 2, 8, 7)])
mcase("MaxPool2d.dilated_indices", lambda: nn.MaxPool2d(2, stride=1, dilation=2, return_indices=True), [In("randn", 1, 2, 6, 6)])
mcase("MaxPool2d.unbatched", lambda: nn.MaxPool2d((2, 3), stride=(2, 1)), [In("randn", 2, 5, 6)])
mcase("AvgPool1d", lambda: nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False), [In("randn", 2, 3, 8)])
mcase("AvgPool2d", lambda: nn.AvgPool2d(2), [In("randn", 2, 3, 6, 6)])
mcase("AvgPool2d.ceil_padded", lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), [In("randn", 2, 2, 8, 7)])
mcase("AvgPool2d.ceil_exclude_pad", lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), [In("randn", 2, 2, 8, 7)])
mcase("AvgPool2d.divisor", lambda: nn.AvgPool2d(2, stride=1, divisor_override=3), [In("randn", 1, 2, 4, 5)])
mcase("AdaptiveAvgPool1d", lambda: nn.AdaptiveAvgPool1d(4), [In("randn", 2, 3, 10)])
mcase("AdaptiveAvgPool2d", lambda: nn.AdaptiveAvgPool2d((3, 2)), [In("randn", 2, 3, 7, 5)])
mcase("AdaptiveAvgPool2d.none", lambda: nn.AdaptiveAvgPool2d((None, 3)), [In("randn", 1, 2, 4, 7)])
mcase("AdaptiveMaxPool1d", lambda: nn.AdaptiveMaxPool1d(3), [In("randn", 2, 2, 7)])
mcase("AdaptiveMaxPool2d.indices", lambda: nn.AdaptiveMaxPool2d((3, 4), return_indices=True), [In("randn", 2, 2, 7, 9)])
# ---- normalization
mcase("BatchNorm1d", lambda: nn.BatchNorm1d(4), [In("randn", 6, 4)])
mcase("BatchNorm1d.3d", lambda: nn.BatchNorm1d(3, momentum=0.3), [In("randn", 4, 3, 5)])
mcase("BatchNorm1d.noaffine_notrack", lambda: nn.BatchNorm1d(3, affine=False, track_running_stats=False), [In("randn", 5, 3)])
mcase("BatchNorm2d", lambda: nn.BatchNorm2d(3), [In("randn", 4, 3, 3, 3)])
mcase("BatchNorm2d.eval", lambda: nn.BatchNorm2d(3, eps=1e-3), [In("randn", 2, 3, 3, 3)], eval_mode=True)
mcase("BatchNorm2d.cumulative", lambda: nn.BatchNorm2d(2, momentum=None), [In("randn", 3, 2, 2, 3)])
mcase("LayerNorm", lambda: nn.LayerNorm((3, 4)), [In("randn", 2, 5, 3, 4)])
mcase("LayerNorm.noaffine", lambda: nn.LayerNorm(5, eps=1e-3, elementwise_affine=False), [In("randn", 3, 5)])
mcase("GroupNorm", lambda: nn.GroupNorm(2, 6), [In("randn", 3, 6, 4)])
mcase("GroupNorm.instance", lambda: nn.GroupNorm(3, 3, eps=1e-4), [In("randn", 2, 3, 2, 2)])
mcase("RMSNorm", lambda: RMSNormRef((2, 3)), [In("randn", 4, 2, 3)])
mcase("RMSNorm.eps", lambda: RMSNormRef(5, eps=1e-5), [In("randn", 3, 5)])
# ---- dropout (eval: identity), embedding, upsampling
mcase("Dropout.eval", lambda: nn.Dropout(0.3), [In("randn", 3, 4)], eval_mode=True)
mcase("Embedding", lambda: nn.Embedding(10, 4), [In("index", 3, 5, high=10)])
mcase("Embedding.padding", lambda: nn.Embedding(6, 3, padding_idx=2), [In("index", 4, 3, high=6, ignore=2)])
mcase("Upsample.nearest_x2", lambda: nn.Upsample(scale_factor=2, mode="nearest"), [In("randn", 1, 2, 3, 4)])
mcase("Upsample.nearest_size", lambda: nn.Upsample(size=(5, 7), mode="nearest"), [In("randn", 1, 2, 3, 4)])
mcase("Upsample.bilinear", lambda: nn.Upsample(scale_factor=1.5, mode="bilinear", align_corners=False), [In("randn", 2, 2, 4, 3)])
mcase("Upsample.bilinear_align", lambda: nn.Upsample(size=(4, 6), mode="bilinear", align_corners=True), [In("randn", 1, 2, 3, 4)])
mcase("Upsample.linear", lambda: nn.Upsample(scale_factor=2, mode="linear"), [In("randn", 2, 3, 4)])
mcase("PixelShuffle", lambda: nn.PixelShuffle(2), [In("randn", 1, 8, 3, 3)])
mcase("PixelUnshuffle", lambda: nn.PixelUnshuffle(2), [In("randn", 1, 2, 4, 6)])
# ---- activations
ACT = [
    ("ReLU", lambda: nn.ReLU(), 1), ("ReLU6", lambda: nn.ReLU6(), 4), ("LeakyReLU", lambda: nn.LeakyReLU(0.2), 1),
    ("ELU", lambda: nn.ELU(0.7), 1), ("CELU", lambda: nn.CELU(1.3), 1), ("SELU", lambda: nn.SELU(), 1),
    ("GELU", lambda: nn.GELU(), 2), ("GELU.tanh", lambda: nn.GELU("tanh"), 2), ("SiLU", lambda: nn.SiLU(), 2),
    ("Mish", lambda: nn.Mish(), 2), ("Softplus", lambda: nn.Softplus(beta=2, threshold=3), 2),
    ("Softsign", lambda: nn.Softsign(), 2), ("Tanhshrink", lambda: nn.Tanhshrink(), 1),
    ("Hardtanh", lambda: nn.Hardtanh(-0.5, 1.5), 1), ("Hardswish", lambda: nn.Hardswish(), 3),
    ("Hardsigmoid", lambda: nn.Hardsigmoid(), 3), ("Hardshrink", lambda: nn.Hardshrink(0.7), 1),
    ("Softshrink", lambda: nn.Softshrink(0.3), 1), ("Threshold", lambda: nn.Threshold(0.1, -2.0), 1),
    ("LogSigmoid", lambda: nn.LogSigmoid(), 3), ("Tanh", lambda: nn.Tanh(), 1), ("Sigmoid", lambda: nn.Sigmoid(), 2),
    ("Softmax", lambda: nn.Softmax(dim=1), 2), ("LogSoftmax", lambda: nn.LogSoftmax(dim=-1), 2),
    ("Softmin", lambda: nn.Softmin(dim=0), 1),
]
for name, make, scale in ACT:
    mcase(name, make, [In("randn", 3, 5, scale=scale)])
mcase("GLU", lambda: nn.GLU(dim=1), [In("randn", 3, 6)])
mcase("PReLU", lambda: nn.PReLU(3), [In("randn", 2, 3, 4)])
mcase("PReLU.shared", lambda: nn.PReLU(), [In("randn", 4, 5)])
# ---- losses
mcase("L1Loss", lambda: nn.L1Loss(), [In("randn", 3, 4), In("randn", 3, 4, grad=False)])
mcase("MSELoss.sum", lambda: nn.MSELoss(reduction="sum"), [In("randn", 3, 4), In("randn", 3, 4)])
mcase("SmoothL1Loss", lambda: nn.SmoothL1Loss(beta=0.5), [In("randn", 3, 4), In("randn", 3, 4, grad=False)])
mcase("HuberLoss", lambda: nn.HuberLoss(delta=0.7, reduction="none"), [In("randn", 3, 4), In("randn", 3, 4, grad=False)])
mcase("CrossEntropyLoss", lambda: nn.CrossEntropyLoss(), [In("randn", 4, 5), In("index", 4, high=5)])
mcase("CrossEntropyLoss.weight_ignore", lambda: nn.CrossEntropyLoss(weight=torch.ones(5), ignore_index=1), [In("randn", 6, 5), In("index", 6, high=5, ignore=1)])
mcase("CrossEntropyLoss.smoothing", lambda: nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=3), [In("randn", 6, 5), In("index", 6, high=5, ignore=3)])
mcase("CrossEntropyLoss.smoothing_weight", lambda: nn.CrossEntropyLoss(weight=torch.ones(5), label_smoothing=0.2, ignore_index=0), [In("randn", 6, 5), In("index", 6, high=5, ignore=0)])
mcase("CrossEntropyLoss.smoothing_sum", lambda: nn.CrossEntropyLoss(label_smoothing=0.3, reduction="sum"), [In("randn", 4, 3), In("index", 4, high=3)])
mcase("CrossEntropyLoss.spatial", lambda: nn.CrossEntropyLoss(reduction="none"), [In("randn", 2, 4, 3, 3), In("index", 2, 3, 3, high=4)])
mcase("CrossEntropyLoss.spatial_mean", lambda: nn.CrossEntropyLoss(weight=torch.ones(4)), [In("randn", 2, 4, 3), In("index", 2, 3, high=4)])
mcase("CrossEntropyLoss.probs", lambda: nn.CrossEntropyLoss(label_smoothing=0.2), [In("randn", 3, 4), In("probs", 3, 4, grad=False)])
mcase("CrossEntropyLoss.probs_weight", lambda: nn.CrossEntropyLoss(weight=torch.ones(4), reduction="sum"), [In("randn", 3, 4), In("probs", 3, 4, grad=False)])
mcase("NLLLoss", lambda: nn.NLLLoss(weight=torch.ones(4), reduction="sum"), [In("logprobs", 5, 4), In("index", 5, high=4)])
mcase("NLLLoss.mean_ignore", lambda: nn.NLLLoss(weight=torch.ones(4), ignore_index=2), [In("logprobs", 5, 4), In("index", 5, high=4, ignore=2)])
mcase("BCELoss", lambda: nn.BCELoss(weight=torch.ones(3, 4)), [In("prob", 3, 4), In("prob", 3, 4, grad=False)])
mcase("BCEWithLogitsLoss.pos_weight", lambda: nn.BCEWithLogitsLoss(pos_weight=torch.ones(4)), [In("randn", 3, 4, scale=3), In("binary", 3, 4)])
mcase("BCEWithLogitsLoss.weight_none", lambda: nn.BCEWithLogitsLoss(weight=torch.ones(4), reduction="none"), [In("randn", 3, 4, scale=3), In("prob", 3, 4, grad=False)])
mcase("KLDivLoss.batchmean", lambda: nn.KLDivLoss(reduction="batchmean"), [In("logprobs", 3, 4), In("probs", 3, 4, grad=False)])
mcase("KLDivLoss.log_target", lambda: nn.KLDivLoss(reduction="sum", log_target=True), [In("logprobs", 3, 4), In("logprobs", 3, 4, grad=False)])
mcase("CosineEmbeddingLoss", lambda: nn.CosineEmbeddingLoss(margin=0.2), [In("randn", 6, 5), In("randn", 6, 5), In("sign", 6)])
mcase("MarginRankingLoss", lambda: nn.MarginRankingLoss(margin=0.3), [In("randn", 6), In("randn", 6), In("sign", 6)])
mcase("TripletMarginLoss", lambda: nn.TripletMarginLoss(margin=0.5), [In("randn", 4, 5), In("randn", 4, 5), In("randn", 4, 5)])
mcase("TripletMarginLoss.swap_p1", lambda: nn.TripletMarginLoss(margin=2.0, p=1, swap=True, reduction="none"), [In("randn", 4, 5), In("randn", 4, 5), In("randn", 4, 5)])
mcase("SoftMarginLoss", lambda: nn.SoftMarginLoss(), [In("randn", 3, 4), In("sign", 3, 4)])
mcase("HingeEmbeddingLoss", lambda: nn.HingeEmbeddingLoss(margin=0.5), [In("randn", 3, 4), In("sign", 3, 4)])
mcase("PoissonNLLLoss.full", lambda: nn.PoissonNLLLoss(full=True), [In("randn", 3, 4), In("pos", 3, 4, grad=False, scale=2)])
# ---- embedding options: max_norm renormalizes the looked-up rows in place (stateAfter), scale_grad_by_freq
mcase("Embedding.max_norm", lambda: nn.Embedding(6, 3, max_norm=0.6), [In("index", 4, 3, high=6)])
mcase("Embedding.max_norm_p1_padding_scale_grad", lambda: nn.Embedding(6, 3, 1, 0.9, 1.0, True), [In("index", 4, 3, high=6, ignore=1)])
mcase("Embedding.scale_grad_by_freq", lambda: nn.Embedding(5, 2, scale_grad_by_freq=True), [In("index", 3, 4, high=5)])
mcase("GaussianNLLLoss", lambda: nn.GaussianNLLLoss(full=True, reduction="none"), [In("randn", 3, 4), In("randn", 3, 4, grad=False), In("pos", 3, 4)])
mcase("MultiLabelSoftMarginLoss", lambda: nn.MultiLabelSoftMarginLoss(weight=torch.tensor([0.5, 1.0, 2.0, 1.5]), reduction="sum"), [In("randn", 3, 4, scale=2), In("prob", 3, 4, grad=False)])
mcase("MultiMarginLoss.p2_weight", lambda: nn.MultiMarginLoss(p=2, margin=0.5, weight=torch.ones(5)), [In("randn", 4, 5), In("index", 4, high=5)])
mcase("MultiMarginLoss", lambda: nn.MultiMarginLoss(), [In("randn", 6, 3), In("index", 6, high=3)])
mcase("MultiLabelMarginLoss", lambda: nn.MultiLabelMarginLoss(reduction="sum"), [In("randn", 5, 4), In("multilabel", 5, 4)])
mcase("TripletMarginWithDistanceLoss", lambda: nn.TripletMarginWithDistanceLoss(margin=0.5, swap=True), [In("randn", 4, 5), In("randn", 4, 5), In("randn", 4, 5)])
mcase("Softmax2d", lambda: nn.Softmax2d(), [In("randn", 2, 3, 2, 2)])
mcase("Softmax2d.unbatched", lambda: nn.Softmax2d(), [In("randn", 3, 2, 4)])
# channel_shuffle has no derivative in PyTorch 1.13 (its grad_fn is NotImplemented): values only
mcase("ChannelShuffle", lambda: nn.ChannelShuffle(3), [In("randn", 2, 6, 2, 2, grad=False)])
mcase("ChannelShuffle.3d", lambda: nn.ChannelShuffle(2), [In("randn", 3, 4, 5, grad=False)])
mcase("LPPool2d", lambda: nn.LPPool2d(2.0, 3, stride=2), [In("randn", 2, 2, 6, 6)])
mcase("LPPool1d", lambda: nn.LPPool1d(1.5, 3, 2, True), [In("pos", 2, 2, 8)])
mcase("NLLLoss2d", lambda: nn.NLLLoss2d(ignore_index=1), [In("logprobs", 2, 4, 3, 3), In("index", 2, 3, 3, high=4, ignore=1)])
mcase("AdaptiveMaxPool3d", lambda: nn.AdaptiveMaxPool3d((2, None, 3)), [In("randn", 2, 2, 4, 3, 5)])
mcase("AdaptiveMaxPool3d.indices", lambda: nn.AdaptiveMaxPool3d(2, return_indices=True), [In("randn", 1, 2, 3, 4, 5)])
mcase("FractionalMaxPool2d", lambda: nn.FractionalMaxPool2d(3, output_size=(4, 3), return_indices=True, _random_samples=torch.rand(2, 2, 2, generator=torch.Generator().manual_seed(5), dtype=torch.float64)), [In("randn", 2, 2, 8, 7)])
mcase("FractionalMaxPool3d", lambda: nn.FractionalMaxPool3d(2, output_size=(2, 3, 2), _random_samples=torch.rand(1, 2, 3, generator=torch.Generator().manual_seed(6), dtype=torch.float64)), [In("randn", 1, 2, 5, 6, 4)])
mcase("MaxUnpool2d", lambda: nn.MaxUnpool2d(2), [In("randn", 2, 2, 3, 3), In("unpool", 2, 2, 3, 3, high=36, spatial=2)])
mcase("MaxUnpool1d", lambda: nn.MaxUnpool1d(3, 2, 1), [In("randn", 2, 2, 4), In("unpool", 2, 2, 4, high=7, spatial=1)])
mcase("MaxUnpool3d", lambda: nn.MaxUnpool3d(2, (1, 2, 2)), [In("randn", 1, 1, 2, 2, 2), In("unpool", 1, 1, 2, 2, 2, high=48, spatial=3)])
# log_probs as a leaf: the gradient is ATen's formula (with its exp(log_probs) term); one target
# too long for its input (an infinite loss, zeroed), one target empty, repeated labels
mcase("CTCLoss", lambda: nn.CTCLoss(), [In("logprobs", 9, 3, 6), In("ctclabels", 3, 4, high=6), In("value", value=[9, 8, 6]), In("value", value=[4, 3, 0])])
mcase("CTCLoss.blank_sum_zero_infinity", lambda: nn.CTCLoss(blank=5, reduction="sum", zero_infinity=True), [In("logprobs", 5, 3, 6), In("value", value=[0, 0, 2, 3, 3, 1, 4, 1]), In("value", value=[5, 4, 2]), In("value", value=[3, 3, 2])])


def run_module(name, make, specs, eval_mode, seed):
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    m64 = make().double()
    randomize(m64, g)
    raw = [s.make(g) for s in specs]
    cases = []
    for dt in (torch.float64, torch.float32):
        m = make().to(dt)
        m.load_state_dict({k: cast(v, dt) for k, v in m64.state_dict().items()})
        if eval_mode:
            m.eval()
        before = {k: enc(v) for k, v in m.state_dict().items()}
        xs = [cast(r, dt).clone().requires_grad_(s.grad) for r, s in zip(raw, specs)]
        out = m(*xs)
        outs = list(out) if isinstance(out, tuple) else [out]
        float_outs = [o for o in outs if o.is_floating_point()]
        gouts = [torch.randn(o.shape, generator=g, dtype=torch.float64).to(dt) for o in float_outs]
        leaves = [x for x in xs if x.requires_grad] + [p for _, p in m.named_parameters()]
        grads = torch.autograd.grad(float_outs, leaves, gouts, allow_unused=True) if leaves else []
        ngrad_in = sum(1 for x in xs if x.requires_grad)
        in_grads, p_grads = grads[:ngrad_in], grads[ngrad_in:]
        gi = iter(in_grads)
        cases.append({
            "name": name, "dtype": "float64" if dt == torch.float64 else "float32", "eval": eval_mode,
            "stateDict": before,
            "inputs": [dict(enc(x), requiresGrad=s.grad) for x, s in zip(xs, specs)],
            "outputs": [enc(o) for o in outs],
            "gradOutputs": [enc(o) for o in gouts],
            "inputGrads": [enc(next(gi)) if s.grad else None for s in specs],
            "paramGrads": {n: (enc(gr) if gr is not None else None) for (n, _), gr in zip(m.named_parameters(), p_grads)},
            "stateAfter": {k: enc(v) for k, v in m.state_dict().items()},
        })
    return cases


# ---- functional forms: float64 values and gradients; torch-ts also gradchecks each one
FUNCS = []


def fcase(name, fn, inputs, gradcheck=True):
    """gradcheck=False where the analytical gradient is by definition not the numerical one
    (embedding's padding_idx rows receive no gradient)."""
    FUNCS.append((name, fn, inputs, gradcheck))


fcase("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2), [In("randn", 2, 2, 7), In("randn", 3, 2, 2), In("randn", 3)])
fcase("conv2d", lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), padding=1), [In("randn", 1, 2, 4, 5), In("randn", 3, 2, 3, 2), In("randn", 3)])
fcase("conv2d.groups_same", lambda x, w: F.conv2d(x, w, None, padding="same", groups=2), [In("randn", 1, 4, 3, 4), In("randn", 2, 2, 2, 3)])
fcase("convTranspose1d", lambda x, w, b: F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1), [In("randn", 1, 2, 4), In("randn", 2, 3, 3), In("randn", 3)])
fcase("convTranspose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1, groups=2, dilation=1), [In("randn", 1, 4, 2, 3), In("randn", 4, 1, 3, 3), In("randn", 2)])
fcase("unfold", lambda x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), [In("randn", 1, 2, 4, 5)])
fcase("fold", lambda x: F.fold(x, (4, 5), 2, padding=1, stride=2), [In("randn", 1, 8, 9)])
fcase("maxPool2d", lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), [In("randn", 1, 2, 5, 6)])
fcase("maxPool1d", lambda x: F.max_pool1d(x, 2, stride=1, dilation=2), [In("randn", 2, 2, 6)])
fcase("avgPool2d", lambda x: F.avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=False), [In("randn", 1, 2, 3, 4)])
fcase("avgPool1d", lambda x: F.avg_pool1d(x, 3, stride=2, ceil_mode=True), [In("randn", 2, 2, 6)])
fcase("adaptiveAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, (2, 3)), [In("randn", 1, 2, 5, 4)])
fcase("adaptiveMaxPool2d", lambda x: F.adaptive_max_pool2d(x, (3, 2)), [In("randn", 1, 2, 5, 5)])
fcase("batchNorm.training", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-3), [In("randn", 4, 3, 2), In("randn", 3), In("randn", 3)])
fcase("batchNorm.eval", lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, training=False), [In("randn", 3, 2, 2), In("randn", 2, grad=False), In("pos", 2, grad=False), In("randn", 2), In("randn", 2)])
fcase("layerNorm", lambda x, w, b: F.layer_norm(x, [4], w, b, eps=1e-6), [In("randn", 3, 4), In("randn", 4), In("randn", 4)])
fcase("groupNorm", lambda x, w, b: F.group_norm(x, 2, w, b), [In("randn", 2, 4, 3), In("randn", 4), In("randn", 4)])
fcase("instanceNorm", lambda x: F.instance_norm(x), [In("randn", 2, 3, 4)])
fcase("normalize", lambda x: F.normalize(x, p=2.0, dim=1), [In("randn", 3, 4)])
fcase("embedding.padding", lambda w: F.embedding(torch.tensor([[0, 2, 1], [2, 3, 0]]), w, padding_idx=2), [In("randn", 4, 3)], gradcheck=False)
fcase("interpolate.bilinear", lambda x: F.interpolate(x, size=(3, 5), mode="bilinear", align_corners=False), [In("randn", 1, 2, 2, 3)])
fcase("interpolate.nearest", lambda x: F.interpolate(x, scale_factor=(1.5, 2.5), mode="nearest"), [In("randn", 1, 1, 3, 2)])
fcase("pixelShuffle", lambda x: F.pixel_shuffle(x, 2), [In("randn", 1, 4, 2, 3)])
fcase("gelu", lambda x: F.gelu(x), [In("randn", 3, 4, scale=2)])
fcase("gelu.tanh", lambda x: F.gelu(x, approximate="tanh"), [In("randn", 3, 4, scale=2)])
fcase("leakyRelu", lambda x: F.leaky_relu(x, 0.1), [In("randn", 3, 4)])
fcase("elu", lambda x: F.elu(x, 1.5), [In("randn", 3, 4)])
fcase("selu", lambda x: F.selu(x), [In("randn", 3, 4)])
fcase("celu", lambda x: F.celu(x, 0.5), [In("randn", 3, 4)])
fcase("silu", lambda x: F.silu(x), [In("randn", 3, 4)])
fcase("mish", lambda x: F.mish(x), [In("randn", 3, 4)])
fcase("softplus", lambda x: F.softplus(x, beta=0.5, threshold=1.0), [In("randn", 3, 4, scale=3)])
fcase("softsign", lambda x: F.softsign(x), [In("randn", 3, 4)])
fcase("hardtanh", lambda x: F.hardtanh(x, -0.7, 0.4), [In("randn", 3, 4)])
fcase("hardswish", lambda x: F.hardswish(x), [In("randn", 3, 4, scale=3)])
fcase("hardsigmoid", lambda x: F.hardsigmoid(x), [In("randn", 3, 4, scale=3)])
fcase("relu6", lambda x: F.relu6(x), [In("randn", 3, 4, scale=4)])
fcase("logsigmoid", lambda x: F.logsigmoid(x), [In("randn", 3, 4, scale=3)])
fcase("prelu", lambda x, w: F.prelu(x, w), [In("randn", 2, 3, 2), In("randn", 3)])
fcase("glu", lambda x: F.glu(x, 0), [In("randn", 4, 3)])
fcase("softmax", lambda x: F.softmax(x, 1), [In("randn", 3, 4)])
fcase("logSoftmax", lambda x: F.log_softmax(x, 0), [In("randn", 3, 4)])
fcase("crossEntropy", lambda x: F.cross_entropy(x, torch.tensor([1, 0, 3]), label_smoothing=0.1), [In("randn", 3, 4)])
fcase("crossEntropy.weight", lambda x, w: F.cross_entropy(x, torch.tensor([1, 0, 3]), weight=w.abs() + 0.1), [In("randn", 3, 4), In("randn", 4, grad=False)])
fcase("crossEntropy.probs", lambda x, t: F.cross_entropy(x, t), [In("randn", 3, 4), In("probs", 3, 4)])
fcase("nllLoss", lambda x: F.nll_loss(x, torch.tensor([[1, 0], [2, 2]]), ignore_index=0), [In("randn", 2, 3, 2)])
fcase("l1Loss", lambda x, y: F.l1_loss(x, y), [In("randn", 3, 4), In("randn", 3, 4)])
fcase("mseLoss", lambda x, y: F.mse_loss(x, y, reduction="sum"), [In("randn", 3, 4), In("randn", 3, 4)])
fcase("smoothL1Loss", lambda x, y: F.smooth_l1_loss(x, y, beta=0.8), [In("randn", 3, 4), In("randn", 3, 4)])
fcase("huberLoss", lambda x, y: F.huber_loss(x, y, delta=0.5), [In("randn", 3, 4), In("randn", 3, 4)])
fcase("binaryCrossEntropy", lambda x, y: F.binary_cross_entropy(x, y), [In("prob", 3, 4), In("prob", 3, 4, grad=False)])
fcase("binaryCrossEntropyWithLogits", lambda x, y, pw: F.binary_cross_entropy_with_logits(x, y, pos_weight=pw), [In("randn", 3, 4, scale=2), In("prob", 3, 4, grad=False), In("pos", 4, grad=False)])
fcase("klDiv", lambda x, y: F.kl_div(x, y, reduction="batchmean"), [In("logprobs", 3, 4), In("probs", 3, 4)])
fcase("klDiv.logTarget", lambda x, y: F.kl_div(x, y, reduction="mean", log_target=True), [In("logprobs", 3, 4), In("logprobs", 3, 4)])
fcase("cosineEmbeddingLoss", lambda a, b: F.cosine_embedding_loss(a, b, torch.tensor([1.0, -1.0, -1.0]), margin=-0.5), [In("randn", 3, 4), In("randn", 3, 4)])
fcase("marginRankingLoss", lambda a, b: F.margin_ranking_loss(a, b, torch.tensor([1.0, -1.0, 1.0, -1.0]), margin=0.1), [In("randn", 4), In("randn", 4)])
fcase("tripletMarginLoss", lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=3.0, p=3), [In("randn", 3, 4), In("randn", 3, 4), In("randn", 3, 4)])


def instance_norm_stats(x, w, b, use_input_stats):
    """F.instance_norm with running stats: the output, then the running mean and var after the call."""
    rm = torch.tensor([-0.5, 0.0, 0.5], dtype=torch.float64)
    rv = torch.tensor([0.5, 1.0, 1.5], dtype=torch.float64)
    y = F.instance_norm(x, rm, rv, w, b, use_input_stats, 0.3, 1e-3)
    return torch.cat([y.reshape(-1), rm, rv])


fcase("instanceNorm.running_train", lambda x, w, b: instance_norm_stats(x, w, b, True), [In("randn", 2, 3, 4), In("randn", 3), In("randn", 3)], gradcheck=False)
fcase("instanceNorm.running_eval", lambda x, w, b: instance_norm_stats(x, w, b, False), [In("randn", 2, 3, 4), In("randn", 3), In("randn", 3)])
fcase("embedding.max_norm_scale_grad", lambda w: F.embedding(torch.tensor([[0, 2, 1], [2, 3, 0]]), w.clone(), None, 1.0, 2.0, True), [In("randn", 4, 3)], gradcheck=False)
fcase("gaussianNllLoss", lambda x, t, v: F.gaussian_nll_loss(x, t, v), [In("randn", 3, 4), In("randn", 3, 4), In("pos", 3, 4)])
fcase("gaussianNllLoss.homoscedastic_full_sum", lambda x, t, v: F.gaussian_nll_loss(x, t, v, full=True, reduction="sum"), [In("randn", 3, 4), In("randn", 3, 4, grad=False), In("pos", 3)])
fcase("gaussianNllLoss.var_last_1_eps", lambda x, t, v: F.gaussian_nll_loss(x, t, v * 1e-3, eps=5e-4), [In("randn", 2, 3), In("randn", 2, 3, grad=False), In("pos", 2, 1)], gradcheck=False)
fcase("multilabelSoftMarginLoss", lambda x, y: F.multilabel_soft_margin_loss(x, y), [In("randn", 3, 4, scale=2), In("prob", 3, 4, grad=False)])
fcase("multilabelSoftMarginLoss.weight_none", lambda x, y, w: F.multilabel_soft_margin_loss(x, y, weight=w, reduction="none"), [In("randn", 3, 5, scale=2), In("prob", 3, 5), In("pos", 5, grad=False)])
fcase("pdist", lambda x: F.pdist(x), [In("randn", 5, 3)])
fcase("pdist.p1", lambda x: F.pdist(x, p=1), [In("randn", 4, 3)])
fcase("pdist.p3", lambda x: F.pdist(x, 3), [In("randn", 4, 2)])
fcase("pdist.pinf", lambda x: F.pdist(x, float("inf")), [In("randn", 3, 4)])
fcase("multiMarginLoss", lambda x, y: F.multi_margin_loss(x, y), [In("randn", 4, 5), In("index", 4, high=5)])
fcase("multiMarginLoss.p2_margin_weight_sum", lambda x, y, w: F.multi_margin_loss(x, y, p=2, margin=0.7, weight=w, reduction="sum"), [In("randn", 4, 5), In("index", 4, high=5), In("pos", 5, grad=False)])
fcase("multiMarginLoss.vector_none", lambda x, y: F.multi_margin_loss(x, y, 1, 1.5, None, None, None, "none"), [In("randn", 6), In("index", high=6)])
fcase("multilabelMarginLoss", lambda x, y: F.multilabel_margin_loss(x, y), [In("randn", 6, 5), In("multilabel", 6, 5)])
fcase("multilabelMarginLoss.repeats_none", lambda x: F.multilabel_margin_loss(x, torch.tensor([[3, 0, -1, 1, 2], [1, 1, 4, -1, -1], [-1, 2, 0, 0, 0], [4, 3, 2, 1, 0]]), reduction="none"), [In("randn", 4, 5)])
fcase("multilabelMarginLoss.vector", lambda x: F.multilabel_margin_loss(x, torch.tensor([2, 0, -1, 1])), [In("randn", 4)])
fcase("tripletMarginWithDistanceLoss", lambda a, p, n: F.triplet_margin_with_distance_loss(a, p, n), [In("randn", 4, 5), In("randn", 4, 5), In("randn", 4, 5)])
fcase("tripletMarginWithDistanceLoss.cosine_swap_sum", lambda a, p, n: F.triplet_margin_with_distance_loss(a, p, n, distance_function=lambda x, y: 1.0 - F.cosine_similarity(x, y), margin=0.5, swap=True, reduction="sum"), [In("randn", 4, 5), In("randn", 4, 5), In("randn", 4, 5)])
fcase("tripletMarginWithDistanceLoss.broadcast_none", lambda a, p, n: F.triplet_margin_with_distance_loss(a, p, n, margin=2.0, reduction="none"), [In("randn", 4, 5), In("randn", 4, 5), In("randn", 5)])
fcase("upsample.bilinear_align", lambda x: F.upsample(x, size=(3, 5), mode="bilinear", align_corners=True), [In("randn", 1, 2, 2, 3)])
fcase("upsampleNearest", lambda x: F.upsample_nearest(x, scale_factor=2), [In("randn", 1, 1, 2, 3)])
fcase("upsampleBilinear", lambda x: F.upsample_bilinear(x, size=(4, 5)), [In("randn", 1, 2, 2, 3)])
fcase("lpPool2d", lambda x: F.lp_pool2d(x, 2, 2), [In("randn", 1, 2, 4, 5)])
fcase("lpPool2d.p1_5_stride_ceil", lambda x: F.lp_pool2d(x, 1.5, (3, 2), stride=(2, 1), ceil_mode=True), [In("pos", 1, 2, 5, 5)])
fcase("lpPool1d", lambda x: F.lp_pool1d(x, 3, 2, 1), [In("pos", 2, 3, 6)])
fcase("maxUnpool2d", lambda x, i: F.max_unpool2d(x, i, 2), [In("randn", 2, 3, 2, 2), In("unpool", 2, 3, 2, 2, high=16, spatial=2)])
fcase("maxUnpool2d.stride_padding_size", lambda x, i: F.max_unpool2d(x, i, 3, 2, 1, output_size=[6, 5]), [In("randn", 1, 2, 3, 3), In("unpool", 1, 2, 3, 3, high=30, spatial=2)])
# repeated indices: the last value written wins, and every input gets the gradient at its index (PyTorch's formula, not the derivative: no gradcheck)
fcase("maxUnpool2d.repeated_index", lambda x: F.max_unpool2d(x, torch.tensor([[[[5, 5], [5, 0]]]]), 2), [In("randn", 1, 1, 2, 2)], gradcheck=False)
fcase("maxUnpool1d", lambda x, i: F.max_unpool1d(x, i, 2), [In("randn", 2, 3, 4), In("unpool", 2, 3, 4, high=8, spatial=1)])
fcase("maxUnpool1d.unbatched_size", lambda x, i: F.max_unpool1d(x, i, 2, output_size=[9]), [In("randn", 3, 4), In("unpool", 3, 4, high=9, spatial=1)])
fcase("maxUnpool3d", lambda x, i: F.max_unpool3d(x, i, 2), [In("randn", 1, 2, 2, 2, 2), In("unpool", 1, 2, 2, 2, 2, high=64, spatial=3)])
fcase("adaptiveMaxPool3d", lambda x: F.adaptive_max_pool3d(x, (2, 3, 2)), [In("randn", 1, 2, 5, 6, 4)])
fcase("adaptiveMaxPool3d.none_unbatched", lambda x: F.adaptive_max_pool3d(x, (None, 2, 3)), [In("randn", 2, 3, 5, 7)])
fcase("fractionalMaxPool2d", lambda x, s: F.fractional_max_pool2d(x, (3, 2), output_size=(4, 5), _random_samples=s), [In("randn", 2, 3, 9, 8), In("prob", 2, 3, 2, grad=False)])
fcase("fractionalMaxPool2d.unbatched", lambda x, s: F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=s), [In("randn", 3, 5, 6), In("prob", 1, 3, 2, grad=False)])
# the samples drawn as PyTorch draws them: the same seed, the same windows
fcase("fractionalMaxPool2d.seeded_ratio", lambda x: (torch.manual_seed(7), F.fractional_max_pool2d(x, 2, output_ratio=0.5))[1], [In("randn", 2, 2, 7, 9)])
# the same in float32 (samples drawn in the input's dtype: float32 draws are not float64's)
fcase("fractionalMaxPool2d.seeded_ratio_float32", lambda x: (torch.manual_seed(7), F.fractional_max_pool2d(x.float(), 2, output_ratio=0.5))[1], [In("randn", 2, 2, 7, 9)], gradcheck=False)
fcase("convTbc", lambda x, w, b: F.conv_tbc(x, w, b, 1), [In("randn", 5, 2, 3), In("randn", 3, 3, 4), In("randn", 4)])
fcase("convTbc.no_pad", lambda x, w, b: F.conv_tbc(x, w, b), [In("randn", 6, 2, 3), In("randn", 2, 3, 2), In("randn", 2)])
fcase("convTbc.crop", lambda x, w, b: F.conv_tbc(x, w, b, pad=-1), [In("randn", 6, 1, 2), In("randn", 2, 2, 3), In("randn", 3)])
fcase("fractionalMaxPool3d", lambda x, s: F.fractional_max_pool3d(x, (2, 3, 2), output_size=(3, 4, 5), _random_samples=s), [In("randn", 2, 2, 6, 8, 7), In("prob", 2, 2, 3, grad=False)])
fcase("fractionalMaxPool3d.seeded_ratio", lambda x: (torch.manual_seed(11), F.fractional_max_pool3d(x, 2, output_ratio=(0.5, 0.6, 0.4)))[1], [In("randn", 1, 2, 6, 7, 8)])
fcase("fractionalMaxPool3d.seeded_ratio_float32", lambda x: (torch.manual_seed(11), F.fractional_max_pool3d(x.float(), 2, output_ratio=(0.5, 0.6, 0.4)))[1], [In("randn", 1, 2, 6, 7, 8)], gradcheck=False)
fcase("affineGrid", lambda t: F.affine_grid(t, [2, 3, 4, 5], align_corners=False), [In("randn", 2, 2, 3)])
fcase("affineGrid.align_3d", lambda t: F.affine_grid(t, [1, 2, 3, 2, 4], align_corners=True), [In("randn", 1, 3, 4)])
fcase("affineGrid.unit", lambda t: F.affine_grid(t, [1, 1, 1, 3], align_corners=False), [In("randn", 1, 2, 3)])
fcase("gridSample", lambda x, g: F.grid_sample(x, g, align_corners=False), [In("randn", 2, 3, 4, 5), In("grid", 2, 3, 6, 2)])
fcase("gridSample.border_align", lambda x, g: F.grid_sample(x, g, "bilinear", "border", True), [In("randn", 1, 2, 3, 4), In("grid", 1, 5, 4, 2)])
fcase("gridSample.reflection", lambda x, g: F.grid_sample(x, g, padding_mode="reflection", align_corners=False), [In("randn", 1, 2, 4, 3), In("grid", 1, 4, 5, 2)])
fcase("gridSample.reflection_align", lambda x, g: F.grid_sample(x, g, padding_mode="reflection", align_corners=True), [In("randn", 1, 1, 3, 5), In("grid", 1, 6, 3, 2)])
fcase("gridSample.nearest", lambda x, g: F.grid_sample(x, g, mode="nearest", align_corners=False), [In("randn", 2, 2, 4, 4), In("grid", 2, 3, 3, 2)])
fcase("gridSample.nearest_reflection_align", lambda x, g: F.grid_sample(x, g, "nearest", "reflection", True), [In("randn", 1, 2, 3, 4), In("grid", 1, 4, 4, 2)])
fcase("gridSample.3d", lambda x, g: F.grid_sample(x, g, align_corners=False), [In("randn", 1, 2, 3, 4, 3), In("grid", 1, 2, 3, 2, 3)])
fcase("gridSample.3d_nearest_border", lambda x, g: F.grid_sample(x, g, "nearest", "border", True), [In("randn", 1, 1, 2, 3, 4), In("grid", 1, 3, 2, 2, 3)])
fcase("gridSample.3d_reflection", lambda x, g: F.grid_sample(x, g, "bilinear", "reflection", False), [In("randn", 1, 1, 3, 3, 2), In("grid", 1, 2, 2, 3, 3)])
# non-finite grid points: border and reflection clip NaN (and a reflected infinity) to pixel 0, as
# ATen's vector max does (nearest only: PyTorch 1.13's bilinear backward crashes on them)
NONFINITE_GRID = torch.tensor([[[[float("nan"), 0.0], [0.5, float("inf")], [-float("inf"), 0.2]]]], dtype=torch.float64)
fcase("gridSample.nonfinite_border", lambda x: F.grid_sample(x, NONFINITE_GRID, "nearest", "border", False), [In("randn", 1, 2, 3, 4)])
fcase("gridSample.nonfinite_reflection_nearest", lambda x: F.grid_sample(x, NONFINITE_GRID, "nearest", "reflection", True), [In("randn", 1, 2, 3, 4)])
# a spatial transformer: the affine grid of theta, sampled (gradients reach theta through the grid)
fcase("spatialTransformer", lambda x, t: F.grid_sample(x, F.affine_grid(t, list(x.shape), align_corners=False), align_corners=False), [In("randn", 2, 1, 5, 6), In("randn", 2, 2, 3, scale=0.5)])
# CTC: through log_softmax (where ATen's gradient is the derivative, so gradcheck holds), padded and
# concatenated targets, repeated labels, an empty target, an impossible one zeroed, unbatched
fcase("ctcLoss", lambda x, y: F.ctc_loss(x.log_softmax(2), y, [7, 5, 4], [3, 2, 0]), [In("randn", 7, 3, 5), In("ctclabels", 3, 3, high=5)])
fcase("ctcLoss.concat_blank_sum", lambda x: F.ctc_loss(x.log_softmax(2), torch.tensor([1, 1, 2, 3, 3, 0]), torch.tensor([7, 7, 5]), torch.tensor([3, 2, 1]), 4, "sum"), [In("randn", 7, 3, 5)])
fcase("ctcLoss.none_zero_infinity", lambda x: F.ctc_loss(x.log_softmax(2), torch.tensor([[1, 1, 1], [2, 3, 2]]), [4, 6], [3, 3], reduction="none", zero_infinity=True), [In("randn", 6, 2, 4)])
fcase("ctcLoss.unbatched", lambda x: F.ctc_loss(x.log_softmax(1), torch.tensor([2, 2, 1]), torch.tensor(6), torch.tensor(3)), [In("randn", 6, 4)])
# a log_probs leaf: ATen's formula, which is not the derivative (no gradcheck)
fcase("ctcLoss.logprobs_leaf", lambda x: F.ctc_loss(x, torch.tensor([[3, 1], [2, 2]]), [5, 4], [2, 2], reduction="none"), [In("logprobs", 5, 2, 4)], gradcheck=False)


def mha_out(r):
    """F.multi_head_attention_forward's (output, weights) as one tensor."""
    out, w = r
    return torch.cat([out.reshape(-1), w.reshape(-1)]) if w is not None else out


# F.multi_head_attention_forward (nn.MultiheadAttention's computation) with its own arguments:
# dropout off by training=False, a float mask; separate projections with bias_k/bias_v, a zero
# attention position and a bool padding mask, per-head weights; static keys and values, unbatched
fcase("multiHeadAttentionForward", lambda q, k, v, w, b, ow, ob, m: mha_out(F.multi_head_attention_forward(q, k, v, 4, 2, w, b, None, None, False, 0.5, ow, ob, training=False, attn_mask=m)),
      [In("randn", 3, 2, 4), In("randn", 5, 2, 4), In("randn", 5, 2, 4), In("randn", 12, 4), In("randn", 12), In("randn", 4, 4), In("randn", 4), In("randn", 3, 5, grad=False)])
fcase("multiHeadAttentionForward.separate_bias_kv_zero_attn", lambda q, k, v, qw, kw, vw, b, bk, bv, ow: mha_out(F.multi_head_attention_forward(
    q, k, v, 4, 2, None, b, bk, bv, True, 0.0, ow, None, key_padding_mask=torch.tensor([[False, True, False, False], [False, False, False, True], [True, False, False, False]]),
    use_separate_proj_weight=True, q_proj_weight=qw, k_proj_weight=kw, v_proj_weight=vw, average_attn_weights=False)),
      [In("randn", 2, 3, 4), In("randn", 4, 3, 3), In("randn", 4, 3, 5), In("randn", 4, 4), In("randn", 4, 3), In("randn", 4, 5), In("randn", 12), In("randn", 1, 1, 4), In("randn", 1, 1, 4), In("randn", 4, 4)])
fcase("multiHeadAttentionForward.static_kv_unbatched", lambda q, k, v, w, ow, sk, sv, pm: mha_out(F.multi_head_attention_forward(
    q, k, v, 4, 2, w, None, None, None, False, 0.0, ow, None, key_padding_mask=pm, static_k=sk, static_v=sv)),
      [In("randn", 3, 4), In("randn", 5, 4, grad=False), In("randn", 5, 4, grad=False), In("randn", 12, 4), In("randn", 4, 4), In("randn", 2, 6, 2), In("randn", 2, 6, 2), In("randn", 6, grad=False)])


def run_func(name, fn, specs, check, seed):
    g = torch.Generator().manual_seed(seed)
    xs = [s.make(g).requires_grad_(s.grad) if s.kind != "index" else s.make(g) for s in specs]
    out = fn(*xs)
    gout = torch.randn(out.shape, generator=g, dtype=torch.float64)
    leaves = [x for x in xs if x.requires_grad]
    grads = iter(torch.autograd.grad(out, leaves, gout))
    # PyTorch's own gradcheck agrees at these points (no kinks or ties within eps).
    try:
        if check:
            torch.autograd.gradcheck(lambda *ls: fn(*_sub(xs, leaves, ls)), leaves)
    except Exception as e:
        raise AssertionError(f"PyTorch's gradcheck fails for {name}") from e
    return {
        "name": name,
        "inputs": [dict(enc(x), requiresGrad=s.grad) for x, s in zip(xs, specs)],
        "output": enc(out), "gradOutput": enc(gout),
        "grads": [enc(next(grads)) if s.grad else None for s in specs],
        "fn": fn, "gradcheck": check,
    }


def _sub(xs, leaves, ls):
    it = iter(ls)
    return [next(it) if x.requires_grad else x for x in xs]


# ---- dropout: same seed, same mask
def dropout_cases():
    out = []
    for i, (fn, shape, p, dt) in enumerate([
        ("dropout", (4, 5), 0.3, torch.float32), ("dropout", (3, 7), 0.5, torch.float64),
        ("dropout", (1000,), 0.2, torch.float32), ("dropout2d", (2, 3, 2, 2), 0.5, torch.float32),
        ("dropout1d", (2, 4, 3), 0.25, torch.float64), ("module", (5, 6), 0.4, torch.float32),
        ("dropout2d", (3, 4, 5), 0.5, torch.float32),  # 3-D: 1.13 reads it as (N, C, L)
        ("dropout3d", (2, 3, 2, 2, 2), 0.4, torch.float32), ("dropout3d", (3, 2, 2, 2), 0.5, torch.float64),
        ("alpha_dropout", (4, 6), 0.3, torch.float32), ("alpha_dropout", (50,), 0.5, torch.float64),
        ("alpha_dropout", (3, 3), 1.0, torch.float32),
        ("feature_alpha_dropout", (2, 3, 4), 0.5, torch.float32), ("feature_alpha_dropout", (3, 5), 0.2, torch.float64),
        ("AlphaDropout", (5, 4), 0.25, torch.float32), ("Dropout3d", (1, 4, 2, 2, 1), 0.5, torch.float32),
        ("FeatureAlphaDropout", (2, 4, 3, 3), 0.3, torch.float32),
        ("gumbel_softmax", (4, 5), 1.0, torch.float32), ("gumbel_softmax.hard", (3, 6), 0.5, torch.float64),
        ("exponential_", (7, 3), 1.5, torch.float32), ("exponential_", (11,), 0.25, torch.float64),
        ("rrelu", (6, 5), 0.1, torch.float32), ("rrelu", (40,), 0.2, torch.float64), ("RReLU", (3, 7), 0.125, torch.float32),
    ]):
        g = torch.Generator().manual_seed(100 + i)
        x = torch.randn(shape, generator=g, dtype=torch.float64).to(dt)
        seed = 1234 + i
        torch.manual_seed(seed)
        if fn in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"):
            y = getattr(F, fn)(x, p=p, training=True)
        elif fn in ("AlphaDropout", "Dropout3d", "FeatureAlphaDropout"):
            y = getattr(nn, fn)(p)(x)
        elif fn == "gumbel_softmax":  # p is tau
            y = F.gumbel_softmax(x, tau=p)
        elif fn == "gumbel_softmax.hard":
            y = F.gumbel_softmax(x, tau=p, hard=True)
        elif fn == "rrelu":  # p is lower, upper 0.4
            y = F.rrelu(x, p, 0.4, training=True)
        elif fn == "RReLU":  # default bounds, training mode
            y = nn.RReLU()(x)
        elif fn == "exponential_":  # p is lambd
            y = x.clone().exponential_(p)
        else:
            y = nn.Dropout(p)(x)
        out.append({"name": f"{fn}.{i}", "fn": fn, "p": p, "seed": seed, "input": enc(x), "output": enc(y)})
    return out


# ---- error messages for wrong shapes
ERRORS = [
    ("conv2d.channels", lambda: nn.Conv2d(3, 8, 3)(torch.randn(2, 4, 5, 5))),
    ("conv2d.dims", lambda: nn.Conv2d(3, 8, 3)(torch.randn(2, 3))),
    ("conv2d.kernel_too_big", lambda: nn.Conv2d(3, 8, 5)(torch.randn(1, 3, 3, 3))),
    ("conv2d.groups_channels", lambda: nn.Conv2d(4, 6, 3, groups=2)(torch.randn(1, 6, 5, 5))),
    ("conv1d.channels_unbatched", lambda: nn.Conv1d(2, 3, 2)(torch.randn(3, 5))),
    ("convTranspose2d.channels", lambda: nn.ConvTranspose2d(4, 2, 3)(torch.randn(1, 3, 5, 5))),
    ("maxPool2d.pad", lambda: F.max_pool2d(torch.randn(1, 1, 5, 5), 2, padding=2)),
    ("maxPool2d.too_small", lambda: F.max_pool2d(torch.randn(1, 2, 2, 2), 3)),
    ("batchNorm2d.dims", lambda: nn.BatchNorm2d(3)(torch.randn(2, 3, 4))),
    ("batchNorm1d.dims", lambda: nn.BatchNorm1d(3)(torch.randn(2, 3, 4, 4))),
    ("batchNorm.channels", lambda: nn.BatchNorm1d(3)(torch.randn(4, 5))),
    ("batchNorm.one_value", lambda: nn.BatchNorm1d(3)(torch.randn(1, 3))),
    ("layerNorm.shape", lambda: nn.LayerNorm(4)(torch.randn(2, 3, 5))),
    ("groupNorm.divisible", lambda: F.group_norm(torch.randn(2, 6, 4), 4)),
    ("embedding.range", lambda: nn.Embedding(5, 2)(torch.tensor([1, 5]))),
    ("embedding.float", lambda: nn.Embedding(5, 2)(torch.tensor([1.0]))),
    ("crossEntropy.batch", lambda: F.cross_entropy(torch.randn(3, 4), torch.tensor([1, 2]))),
    ("crossEntropy.target_oob", lambda: F.cross_entropy(torch.randn(2, 4), torch.tensor([1, 4]))),
    ("bce.range", lambda: F.binary_cross_entropy(torch.tensor([0.5, 1.5]), torch.tensor([1.0, 0.0]))),
    ("bceWithLogits.size", lambda: F.binary_cross_entropy_with_logits(torch.randn(3), torch.randn(4))),
    ("dropout.p", lambda: F.dropout(torch.randn(3), p=1.5)),
    ("pixelShuffle.channels", lambda: F.pixel_shuffle(torch.randn(1, 6, 2, 2), 2)),
    ("prelu.channels", lambda: nn.PReLU(3)(torch.randn(2, 4, 5))),
    # a weight of the wrong rank: too few dimensions, or another convolution's (ATen then
    # checks the stride against the weight's dimensions)
    ("conv1d.weight_2d", lambda: F.conv1d(torch.randn(1, 2, 5), torch.randn(3, 2))),
    ("conv2d.weight_3d", lambda: F.conv2d(torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3))),
    ("conv2d.weight_5d_stride", lambda: F.conv2d(torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3, 3), stride=2)),
    ("conv3d.weight_4d", lambda: F.conv3d(torch.randn(1, 2, 5, 5, 5), torch.randn(3, 2, 3, 3))),
    ("convTranspose1d.weight_2d", lambda: F.conv_transpose1d(torch.randn(1, 2, 5), torch.randn(2, 3))),
    ("convTranspose2d.weight_3d", lambda: F.conv_transpose2d(torch.randn(1, 2, 5, 5), torch.randn(2, 3, 3), stride=(2, 1))),
    ("convTranspose3d.weight_4d", lambda: F.conv_transpose3d(torch.randn(1, 2, 5, 5, 5), torch.randn(2, 3, 3, 3))),
    # gaussian_nll_loss's checks of var and reduction, multilabel_soft_margin_loss's reduction
    ("gaussianNllLoss.var_size", lambda: F.gaussian_nll_loss(torch.randn(3, 4), torch.randn(3, 4), torch.rand(3, 2))),
    ("gaussianNllLoss.var_negative", lambda: F.gaussian_nll_loss(torch.randn(3, 4), torch.randn(3, 4), -torch.rand(3, 4))),
    ("gaussianNllLoss.reduction", lambda: F.gaussian_nll_loss(torch.randn(3, 4), torch.randn(3, 4), torch.rand(3, 4), reduction="avg")),
    ("multilabelSoftMarginLoss.reduction", lambda: F.multilabel_soft_margin_loss(torch.randn(3, 4), torch.rand(3, 4), reduction="avg")),
    # their modules construct with it and raise when called, as every _Loss does (torch-ts raises
    # the same error at construction: test/nn/repr.test.ts)
    ("GaussianNLLLoss.reduction", lambda: nn.GaussianNLLLoss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4), torch.rand(3, 4))),
    ("MultiLabelSoftMarginLoss.reduction", lambda: nn.MultiLabelSoftMarginLoss(reduction="avg")(torch.randn(3, 4), torch.rand(3, 4))),
    # the multi-class margin losses: arguments, shapes, target values
    ("multiMarginLoss.p", lambda: F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, 2]), p=3)),
    ("multiMarginLoss.weight_dim", lambda: F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, 2]), weight=torch.ones(2, 2))),
    ("multiMarginLoss.target_range", lambda: F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 4, 2]))),
    ("multiMarginLoss.target_negative", lambda: F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, -1]))),
    ("multiMarginLoss.target_size", lambda: F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1]))),
    ("multiMarginLoss.target_2d", lambda: F.multi_margin_loss(torch.randn(3, 4), torch.tensor([[0, 1, 2]]))),
    ("multiMarginLoss.input_3d", lambda: F.multi_margin_loss(torch.randn(2, 3, 4), torch.tensor([0, 1]))),
    ("multiMarginLoss.float_target", lambda: F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0.0, 1.0, 2.0]))),
    ("multiMarginLoss.reduction", lambda: F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, 2]), reduction="avg")),
    ("MultiMarginLoss.p", lambda: nn.MultiMarginLoss(p=3)),
    ("MultiMarginLoss.weight_dim", lambda: nn.MultiMarginLoss(weight=torch.ones(2, 2))),
    ("MultiMarginLoss.reduction", lambda: nn.MultiMarginLoss(reduction="avg")(torch.randn(3, 4), torch.tensor([0, 1, 2]))),
    ("multilabelMarginLoss.target_size", lambda: F.multilabel_margin_loss(torch.randn(3, 4), torch.tensor([[0, 1, -1, 0]]))),
    ("multilabelMarginLoss.target_range", lambda: F.multilabel_margin_loss(torch.randn(2, 4), torch.tensor([[0, 5, -1, 0], [1, -1, 0, 0]]))),
    ("multilabelMarginLoss.target_below", lambda: F.multilabel_margin_loss(torch.randn(2, 4), torch.tensor([[0, -2, -1, 0], [1, -1, 0, 0]]))),
    ("multilabelMarginLoss.input_3d", lambda: F.multilabel_margin_loss(torch.randn(2, 3, 4), torch.zeros(2, 3, 4, dtype=torch.long))),
    ("multilabelMarginLoss.float_target", lambda: F.multilabel_margin_loss(torch.randn(3, 4), torch.zeros(3, 4))),
    ("MultiLabelMarginLoss.reduction", lambda: nn.MultiLabelMarginLoss(reduction="avg")(torch.randn(3, 4), torch.zeros(3, 4, dtype=torch.long))),
    ("TripletMarginWithDistanceLoss.reduction", lambda: nn.TripletMarginWithDistanceLoss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4))),
    ("Softmax2d.dims", lambda: nn.Softmax2d()(torch.randn(3, 4))),
    ("channelShuffle.dims", lambda: F.channel_shuffle(torch.randn(4, 6), 2)),
    ("channelShuffle.groups", lambda: F.channel_shuffle(torch.randn(1, 4, 2), 0)),
    ("channelShuffle.divisible", lambda: F.channel_shuffle(torch.randn(1, 5, 2), 2)),
    ("upsampleBilinear.dims", lambda: F.upsample_bilinear(torch.randn(1, 2, 3), size=4)),
    ("maxUnpool2d.index_range", lambda: F.max_unpool2d(torch.randn(1, 2, 2, 2), torch.tensor([[[[0, 1], [2, 3]], [[40, 1], [2, 30]]]]), 2)),
    ("maxUnpool2d.index_negative", lambda: F.max_unpool2d(torch.randn(1, 1, 2, 2), torch.tensor([[[[0, -1], [2, 3]]]]), 2)),
    ("maxUnpool1d.index_range", lambda: F.max_unpool1d(torch.randn(1, 2, 2), torch.tensor([[[0, 9], [1, 2]]]), 2)),
    ("maxUnpool3d.index_range", lambda: F.max_unpool3d(torch.randn(1, 1, 1, 1, 2), torch.tensor([[[[[0, 99]]]]]), 2)),
    ("maxUnpool2d.output_size", lambda: F.max_unpool2d(torch.randn(1, 1, 2, 2), torch.zeros(1, 1, 2, 2, dtype=torch.long), 2, output_size=[7, 5])),
    ("maxUnpool2d.output_size_length", lambda: F.max_unpool2d(torch.randn(1, 1, 2, 2), torch.zeros(1, 1, 2, 2, dtype=torch.long), 2, output_size=[5])),
    ("maxUnpool2d.int32_indices", lambda: F.max_unpool2d(torch.randn(1, 1, 2, 2), torch.zeros(1, 1, 2, 2, dtype=torch.int32), 2)),
    ("maxUnpool2d.shape", lambda: F.max_unpool2d(torch.randn(1, 1, 2, 2), torch.zeros(1, 1, 2, 1, dtype=torch.long), 2)),
    ("maxUnpool2d.dims", lambda: F.max_unpool2d(torch.randn(2, 2), torch.zeros(2, 2, dtype=torch.long), 2)),
    ("maxUnpool1d.dims", lambda: F.max_unpool1d(torch.randn(4), torch.zeros(4, dtype=torch.long), 2)),
    ("maxUnpool3d.dims", lambda: F.max_unpool3d(torch.randn(2, 4, 4), torch.zeros(2, 4, 4, dtype=torch.long), 2)),
    ("gridSample.batch", lambda: F.grid_sample(torch.randn(2, 3, 4, 5), torch.rand(1, 6, 7, 2), align_corners=False)),
    ("gridSample.last_dim", lambda: F.grid_sample(torch.randn(2, 3, 4, 5), torch.rand(2, 6, 7, 3), align_corners=False)),
    ("gridSample.3d_last_dim", lambda: F.grid_sample(torch.randn(1, 1, 2, 2, 2), torch.rand(1, 2, 2, 2, 2), align_corners=False)),
    ("gridSample.empty", lambda: F.grid_sample(torch.randn(2, 3, 0, 5), torch.rand(2, 6, 7, 2), align_corners=False)),
    ("gridSample.grid_dims", lambda: F.grid_sample(torch.randn(2, 3, 4, 5), torch.rand(2, 6, 7, 1, 2), align_corners=False)),
    ("gridSample.mode", lambda: F.grid_sample(torch.randn(1, 1, 2, 2), torch.rand(1, 2, 2, 2), mode="area", align_corners=False)),
    ("gridSample.padding_mode", lambda: F.grid_sample(torch.randn(1, 1, 2, 2), torch.rand(1, 2, 2, 2), padding_mode="circular", align_corners=False)),
    ("gridSample.bicubic_3d", lambda: F.grid_sample(torch.randn(1, 1, 2, 2, 2), torch.rand(1, 2, 2, 2, 3), mode="bicubic", align_corners=False)),
    ("gridSample.int", lambda: F.grid_sample(torch.ones(1, 1, 2, 2, dtype=torch.long), torch.rand(1, 2, 2, 2), align_corners=False)),
    ("ctcLoss.input_length", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), [7, 5], [2, 2])),
    ("ctcLoss.input_lengths_size", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), [6], [2, 2])),
    ("ctcLoss.target_lengths_size", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), [6, 6], [2, 2, 2])),
    ("ctcLoss.targets_short", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), [6, 6], [3, 2])),
    ("ctcLoss.targets_rows", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2]]), [6, 6], [2, 2])),
    ("ctcLoss.concat_size", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([1, 2, 1]), [6, 6], [2, 2])),
    ("ctcLoss.targets_3d", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.ones(2, 2, 1, dtype=torch.long), [6, 6], [2, 2])),
    ("ctcLoss.targets_0d", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor(1), [6, 6], [1, 1])),
    ("ctcLoss.log_probs_4d", lambda: F.ctc_loss(torch.randn(6, 2, 4, 1), torch.tensor([[1, 2], [1, 1]]), [6, 6], [2, 2])),
    ("ctcLoss.log_probs_1d", lambda: F.ctc_loss(torch.randn(6), torch.tensor([1]), torch.tensor(6), torch.tensor(1))),
    ("ctcLoss.blank", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), [6, 6], [2, 2], blank=4)),
    ("ctcLoss.blank_negative", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), [6, 6], [2, 2], blank=-1)),
    ("ctcLoss.int_log_probs", lambda: F.ctc_loss(torch.ones(6, 2, 4, dtype=torch.int32), torch.tensor([[1, 2], [1, 1]]), [6, 6], [2, 2])),
    ("ctcLoss.float_lengths", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), torch.tensor([6.0, 6.0]), torch.tensor([2, 2]))),
    ("ctcLoss.float_target_lengths", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), torch.tensor([6, 6]), torch.tensor([2.0, 2.0]))),
    ("ctcLoss.reduction", lambda: F.ctc_loss(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), [6, 6], [2, 2], reduction="avg")),
    ("CTCLoss.reduction", lambda: nn.CTCLoss(reduction="avg")(torch.randn(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]), [6, 6], [2, 2])),
    ("multiHeadAttentionForward.static_k_size", lambda: F.multi_head_attention_forward(torch.randn(3, 2, 4), torch.randn(5, 2, 4), torch.randn(5, 2, 4), 4, 2, torch.randn(12, 4), None, None, None, False, 0.0, torch.randn(4, 4), None, static_k=torch.randn(3, 5, 2))),
    ("multiHeadAttentionForward.static_k_head_dim", lambda: F.multi_head_attention_forward(torch.randn(3, 2, 4), torch.randn(5, 2, 4), torch.randn(5, 2, 4), 4, 2, torch.randn(12, 4), None, None, None, False, 0.0, torch.randn(4, 4), None, static_k=torch.randn(4, 5, 3))),
    ("multiHeadAttentionForward.bias_static", lambda: F.multi_head_attention_forward(torch.randn(3, 2, 4), torch.randn(5, 2, 4), torch.randn(5, 2, 4), 4, 2, torch.randn(12, 4), None, torch.randn(1, 1, 4), torch.randn(1, 1, 4), False, 0.0, torch.randn(4, 4), None, static_k=torch.randn(4, 5, 2))),
    ("multiHeadAttentionForward.embed_dim", lambda: F.multi_head_attention_forward(torch.randn(3, 2, 4), torch.randn(5, 2, 4), torch.randn(5, 2, 4), 6, 2, torch.randn(12, 4), None, None, None, False, 0.0, torch.randn(4, 4), None)),
    ("multiHeadAttentionForward.divisible", lambda: F.multi_head_attention_forward(torch.randn(3, 2, 4), torch.randn(5, 2, 4), torch.randn(5, 2, 4), 4, 3, torch.randn(12, 4), None, None, None, False, 0.0, torch.randn(4, 4), None)),
    ("multiHeadAttentionForward.separate_missing", lambda: F.multi_head_attention_forward(torch.randn(3, 2, 4), torch.randn(5, 2, 4), torch.randn(5, 2, 4), 4, 2, None, None, None, None, False, 0.0, torch.randn(4, 4), None, use_separate_proj_weight=True, q_proj_weight=torch.randn(4, 4))),
    ("multiHeadAttentionForward.in_proj_missing", lambda: F.multi_head_attention_forward(torch.randn(3, 2, 4), torch.randn(5, 2, 4), torch.randn(5, 2, 4), 4, 2, None, None, None, None, False, 0.0, torch.randn(4, 4), None)),
    ("multiHeadAttentionForward.padding_mask_zero_attn", lambda: F.multi_head_attention_forward(torch.randn(3, 2, 4), torch.randn(5, 2, 4), torch.randn(5, 2, 4), 4, 2, torch.randn(12, 4), None, None, None, True, 0.0, torch.randn(4, 4), None, key_padding_mask=torch.zeros(2, 4, dtype=torch.bool))),
    ("gridSample.dtype", lambda: F.grid_sample(torch.randn(1, 1, 2, 2, dtype=torch.float64), torch.rand(1, 2, 2, 2), align_corners=False)),
    ("affineGrid.int_theta", lambda: F.affine_grid(torch.zeros(1, 2, 3, dtype=torch.long), [1, 1, 2, 2], align_corners=False)),
    ("affineGrid.theta_shape", lambda: F.affine_grid(torch.zeros(1, 3, 3), [1, 1, 2, 2], align_corners=False)),
    ("affineGrid.theta_shape_3d", lambda: F.affine_grid(torch.zeros(1, 2, 3), [1, 1, 2, 2, 2], align_corners=False)),
    ("affineGrid.size_length", lambda: F.affine_grid(torch.zeros(1, 2, 3), [1, 2, 2], align_corners=False)),
    ("affineGrid.zero_size", lambda: F.affine_grid(torch.zeros(1, 2, 3), [1, 1, 0, 2], align_corners=False)),
    ("affineGrid.batch", lambda: F.affine_grid(torch.zeros(2, 2, 3), [1, 1, 2, 2], align_corners=False)),
    # every loss module constructs with an unknown reduction (or a bad beta, delta, label
    # smoothing) and raises when called, in its loss function's words (torch-ts raises the same
    # error at construction: test/nn/repr.test.ts)
    ("L1Loss.reduction", lambda: nn.L1Loss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4))),
    ("MSELoss.reduction", lambda: nn.MSELoss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4))),
    ("SoftMarginLoss.reduction", lambda: nn.SoftMarginLoss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4).sign())),
    ("SmoothL1Loss.reduction", lambda: nn.SmoothL1Loss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4))),
    ("SmoothL1Loss.beta", lambda: nn.SmoothL1Loss(beta=-1.0)(torch.randn(3, 4), torch.randn(3, 4))),
    ("HuberLoss.reduction", lambda: nn.HuberLoss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4))),
    ("HuberLoss.delta", lambda: nn.HuberLoss(delta=0.0)(torch.randn(3, 4), torch.randn(3, 4))),
    ("NLLLoss.reduction", lambda: nn.NLLLoss(reduction="avg")(torch.randn(3, 4).log_softmax(1), torch.tensor([0, 1, 2]))),
    ("CrossEntropyLoss.reduction", lambda: nn.CrossEntropyLoss(reduction="avg")(torch.randn(3, 4), torch.tensor([0, 1, 2]))),
    ("CrossEntropyLoss.label_smoothing", lambda: nn.CrossEntropyLoss(label_smoothing=2.0)(torch.randn(3, 4), torch.tensor([0, 1, 2]))),
    ("BCELoss.reduction", lambda: nn.BCELoss(reduction="avg")(torch.rand(3, 4), torch.rand(3, 4))),
    ("BCEWithLogitsLoss.reduction", lambda: nn.BCEWithLogitsLoss(reduction="avg")(torch.randn(3, 4), torch.rand(3, 4))),
    ("KLDivLoss.reduction", lambda: nn.KLDivLoss(reduction="avg")(torch.randn(3, 4), torch.rand(3, 4))),
    ("CosineEmbeddingLoss.reduction", lambda: nn.CosineEmbeddingLoss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4), torch.ones(3))),
    ("MarginRankingLoss.reduction", lambda: nn.MarginRankingLoss(reduction="avg")(torch.randn(3), torch.randn(3), torch.ones(3))),
    ("HingeEmbeddingLoss.reduction", lambda: nn.HingeEmbeddingLoss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4).sign())),
    ("TripletMarginLoss.reduction", lambda: nn.TripletMarginLoss(reduction="avg")(torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4))),
    ("PoissonNLLLoss.reduction", lambda: nn.PoissonNLLLoss(reduction="avg")(torch.randn(3, 4), torch.rand(3, 4))),
    ("poissonNllLoss.reduction", lambda: F.poisson_nll_loss(torch.randn(3, 4), torch.rand(3, 4), reduction="avg")),
    ("adaptiveMaxPool3d.size_length", lambda: F.adaptive_max_pool3d(torch.randn(1, 2, 5, 6, 7), (2, 3))),
    ("adaptiveMaxPool3d.size_list1", lambda: F.adaptive_max_pool3d(torch.randn(1, 2, 5, 6, 7), [2])),
    ("adaptiveMaxPool3d.negative", lambda: F.adaptive_max_pool3d(torch.randn(1, 2, 5, 6, 7), (2, -1, 3))),
    ("adaptiveMaxPool3d.dims", lambda: F.adaptive_max_pool3d(torch.randn(2, 3, 4), 2)),
    ("adaptiveMaxPool3d.empty", lambda: F.adaptive_max_pool3d(torch.randn(1, 0, 2, 2, 2), 2)),
    ("adaptiveMaxPool3d.int", lambda: F.adaptive_max_pool3d(torch.ones(1, 1, 2, 2, 2, dtype=torch.long), 1)),
    ("fractionalMaxPool2d.no_size", lambda: F.fractional_max_pool2d(torch.randn(1, 1, 5, 5), 2)),
    ("fractionalMaxPool2d.too_large", lambda: F.fractional_max_pool2d(torch.randn(2, 3, 9, 8), 3, output_size=(8, 5))),
    ("fractionalMaxPool2d.too_wide", lambda: F.fractional_max_pool2d(torch.randn(2, 3, 9, 8), 3, output_size=(4, 7))),
    ("fractionalMaxPool2d.dims", lambda: F.fractional_max_pool2d(torch.randn(5, 5), 2, output_size=3)),
    ("convTbc.input_dims", lambda: F.conv_tbc(torch.randn(2, 3), torch.randn(3, 3, 4), torch.randn(4))),
    ("convTbc.weight_dims", lambda: F.conv_tbc(torch.randn(5, 2, 3), torch.randn(3, 4), torch.randn(4))),
    ("convTbc.bias_dims", lambda: F.conv_tbc(torch.randn(5, 2, 3), torch.randn(3, 3, 4), torch.randn(1, 4))),
    ("convTbc.channels", lambda: F.conv_tbc(torch.randn(5, 2, 3), torch.randn(3, 2, 4), torch.randn(4))),
    ("convTbc.bias_size", lambda: F.conv_tbc(torch.randn(5, 2, 3), torch.randn(3, 3, 4), torch.randn(3))),
    ("convTbc.kernel", lambda: F.conv_tbc(torch.randn(5, 2, 3), torch.randn(9, 3, 4), torch.randn(4))),
    ("fractionalMaxPool3d.no_size", lambda: F.fractional_max_pool3d(torch.randn(1, 1, 5, 5, 5), 2)),
    ("fractionalMaxPool3d.time_edge", lambda: F.fractional_max_pool3d(torch.randn(1, 1, 7, 8, 9), 3, output_size=(5, 4, 5))),
    ("fractionalMaxPool3d.width_before_height", lambda: F.fractional_max_pool3d(torch.randn(1, 1, 7, 8, 9), 3, output_size=(3, 6, 7))),
    ("fractionalMaxPool3d.dims", lambda: F.fractional_max_pool3d(torch.randn(3, 7, 8), 2, output_size=3)),
    ("fractionalMaxPool2d.dims_5d", lambda: F.fractional_max_pool2d(torch.randn(1, 1, 1, 5, 5), 2, output_size=2)),
    ("fractionalMaxPool2d.int", lambda: F.fractional_max_pool2d(torch.ones(1, 1, 5, 5, dtype=torch.long), 2, output_size=2)),
    ("fractionalMaxPool3d.dims_6d", lambda: F.fractional_max_pool3d(torch.randn(1, 1, 1, 5, 5, 5), 2, output_size=2)),
    ("fractionalMaxPool3d.int", lambda: F.fractional_max_pool3d(torch.ones(1, 1, 5, 5, 5, dtype=torch.long), 2, output_size=2)),
    ("maxUnpool2d.empty_channels", lambda: F.max_unpool2d(torch.randn(1, 0, 2, 2), torch.zeros(1, 0, 2, 2, dtype=torch.long), 2)),
]


def error_cases():
    out = []
    for name, fn in ERRORS:
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - we record whatever PyTorch raises
            out.append({"name": name, "type": type(e).__name__, "message": str(e)})
            continue
        raise AssertionError(f"{name}: no error")
    return out


def main():
    mods = []
    for i, (name, make, specs, ev) in enumerate(MODULES):
        mods.extend(run_module(name, make, specs, ev, 1000 + i))
    funcs = [run_func(n, fn, specs, check, 5000 + i) for i, (n, fn, specs, check) in enumerate(FUNCS)]
    for f in funcs:
        del f["fn"]
    OUT.mkdir(parents=True, exist_ok=True)
    for fname, cases in (("nn_modules.json", mods), ("nn_functional.json", funcs),
                         ("nn_dropout.json", dropout_cases()), ("nn_errors.json", error_cases())):
        (OUT / fname).write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")) + "\n")
        print(fname, len(cases))


if __name__ == "__main__":
    main()
