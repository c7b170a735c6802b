#!/usr/bin/python3
"""Writes test/fixtures/nn_names.json, which test/nn/names.test.ts compares torch-ts against:
F.pad (constant, reflect, replicate, circular), the padding layers, F.cosine_similarity,
F.pairwise_distance, F.normalize, F.one_hot, F.bilinear, nn.Bilinear, nn.Unfold, nn.Fold,
nn.ParameterList, nn.ParameterDict, nn.CosineSimilarity, nn.PairwiseDistance, InstanceNorm1d/2d
(running statistics in "stateAfter") and the convolutions' padding modes (issue 15).

Run with Debian's PyTorch 1.13:  /usr/bin/python3 tools/gen_nn_names_fixtures.py

Contents:
  functional  fcase()s (tools/fixtures_common.py): float64 and float32 values, gradients,
              non-contiguous inputs; the torch-ts call of each is in test/nn/names-table.ts
  modules     module cases: the constructor call as written (args, opts), PyTorch's repr, the
              state dict, an input, the output and the gradients of sum(out * gradOutput)
              with respect to the input and every parameter, and the buffers after forward
  errors      PyTorch's exception type and message for bad calls
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixtures_common import enc, error_case, fcase, write

g = torch.Generator().manual_seed(15)


def rn(*shape):
    return torch.randn(*shape, generator=g, dtype=torch.float64)


def T(t):
    """A leaf passed to the function transposed (non-contiguous)."""
    return (t, True, "transpose")


FUNCS = []
F_ = lambda name, fn, inputs, gradcheck=True: FUNCS.extend(fcase(name, fn, inputs, gradcheck))

# F.pad: pad pairs from the last dim backwards; negative values crop.
F_("pad.constant", lambda x: F.pad(x, (1, 2)), [rn(2, 3, 4)])
F_("pad.constant_value_crop", lambda x: F.pad(x, (1, -1, 2, 0), value=1.5), [rn(2, 3, 4)])
F_("pad.constant_crop_only", lambda x: F.pad(x, (-1, -2)), [rn(2, 3, 4)])
F_("pad.constant_3pairs", lambda x: F.pad(x, (0, 1, 2, 1, 1, 0), "constant", -2.0), [rn(2, 2, 3)])
F_("pad.constant_transposed", lambda x: F.pad(x, (2, 1, 0, 1)), [T(rn(2, 5, 3))])
F_("pad.constant_int64", lambda x: F.pad(x, (1, 2), value=2.7), [torch.tensor([[3, -1], [0, 5]])])
F_("pad.constant_bool", lambda x: F.pad(x, (1, 0, 0, 1), value=0.5), [torch.tensor([[True, False]])])
F_("pad.reflect1d", lambda x: F.pad(x, (2, 3), "reflect"), [rn(2, 3, 5)])
F_("pad.reflect1d_unbatched", lambda x: F.pad(x, (4, 1), mode="reflect"), [rn(3, 5)])
F_("pad.reflect1d_crop", lambda x: F.pad(x, (-1, 2), "reflect"), [rn(2, 2, 4)])
F_("pad.reflect1d_crop_far", lambda x: F.pad(x, (-2, 3), "reflect"), [rn(1, 2, 4)])
F_("pad.reflect1d_transposed", lambda x: F.pad(x, (1, 2), "reflect"), [T(rn(2, 5, 3))])
F_("pad.reflect2d", lambda x: F.pad(x, (1, 2, 3, 0), "reflect"), [rn(2, 2, 4, 5)])
F_("pad.reflect2d_unbatched", lambda x: F.pad(x, (3, 3, 1, 1), "reflect"), [rn(2, 4, 5)])
F_("pad.reflect3d", lambda x: F.pad(x, (1, 2, 2, 1, 1, 1), "reflect"), [rn(1, 2, 3, 4, 3)])
F_("pad.replicate1d", lambda x: F.pad(x, (3, 2), "replicate"), [rn(2, 3, 4)])
F_("pad.replicate1d_crop", lambda x: F.pad(x, (3, -2), "replicate"), [rn(1, 3, 4)])
F_("pad.replicate2d", lambda x: F.pad(x, (2, 1, 0, 3), "replicate"), [rn(2, 2, 3, 4)])
F_("pad.replicate2d_unbatched_transposed", lambda x: F.pad(x, (1, 1, 2, 2), "replicate"), [T(rn(2, 4, 3))])
F_("pad.replicate3d", lambda x: F.pad(x, (1, 0, 0, 2, 1, 1), "replicate"), [rn(2, 1, 2, 3, 2)])
F_("pad.circular1d", lambda x: F.pad(x, (2, 3), "circular"), [rn(2, 3, 5)])
F_("pad.circular1d_whole", lambda x: F.pad(x, (4, 4), "circular"), [rn(1, 2, 4)])
F_("pad.circular1d_crop", lambda x: F.pad(x, (-1, 2), "circular"), [rn(1, 3, 4)])
F_("pad.circular2d", lambda x: F.pad(x, (1, 2, 3, 1), "circular"), [rn(1, 2, 4, 5)])
F_("pad.circular2d_crop_transposed", lambda x: F.pad(x, (2, -1, -1, 1), "circular"), [T(rn(2, 1, 4, 3))])
F_("pad.circular3d", lambda x: F.pad(x, (1, 1, 0, 2, 1, 0), "circular"), [rn(1, 1, 2, 3, 4)])
F_("pad.circular_int64", lambda x: F.pad(x, (1, 2), "circular"), [torch.arange(6).view(1, 2, 3)])

# Distances.
F_("cosineSimilarity", lambda a, b: F.cosine_similarity(a, b), [rn(4, 5), rn(4, 5)])
F_("cosineSimilarity.dim_eps", lambda a, b: F.cosine_similarity(a, b, 0, 1e-3), [rn(3, 4), rn(3, 4) * 0.01])
F_("cosineSimilarity.broadcast_lastdim", lambda a, b: F.cosine_similarity(a, b, dim=-1), [rn(3, 1, 4), rn(1, 5, 4)])
F_("cosineSimilarity.zero_row", lambda a, b: F.cosine_similarity(a, b),
   [torch.cat([torch.zeros(1, 3, dtype=torch.float64), rn(2, 3)]), rn(3, 3)], gradcheck=False)
F_("cosineSimilarity.transposed", lambda a, b: F.cosine_similarity(a, b, 1), [T(rn(6, 3)), rn(3, 6)])
F_("cosineSimilarity.vectors", lambda a, b: F.cosine_similarity(a, b, 0), [rn(7), rn(7)])
F_("pairwiseDistance", lambda a, b: F.pairwise_distance(a, b), [rn(4, 5), rn(4, 5)])
F_("pairwiseDistance.p1_keepdim", lambda a, b: F.pairwise_distance(a, b, 1, 1e-6, True), [rn(3, 4), rn(3, 4)])
F_("pairwiseDistance.p3_broadcast", lambda a, b: F.pairwise_distance(a, b, p=3.0, eps=0.0), [rn(3, 4), rn(4)])
F_("pairwiseDistance.pinf", lambda a, b: F.pairwise_distance(a, b, float("inf")), [rn(3, 4), rn(3, 4)])
F_("pairwiseDistance.transposed", lambda a, b: F.pairwise_distance(a, b), [T(rn(5, 2)), rn(2, 5)])
F_("normalize", lambda x: F.normalize(x), [rn(3, 4)])
F_("normalize.p1_dim0", lambda x: F.normalize(x, 1.0, 0), [rn(3, 4)])
F_("normalize.p3_eps_transposed", lambda x: F.normalize(x, p=3, dim=-1, eps=0.5), [T(rn(4, 3) * 0.3)])

# F.one_hot: int64 indices to int64 one-hot rows.
F_("oneHot", lambda x: F.one_hot(x), [torch.tensor([[0, 2], [1, 3]])])
F_("oneHot.num_classes", lambda x: F.one_hot(x, 5), [torch.tensor([4, 0, 1])])
F_("oneHot.scalar", lambda x: F.one_hot(x, num_classes=3), [torch.tensor(2)])
F_("oneHot.empty", lambda x: F.one_hot(x, 3), [torch.zeros(2, 0, dtype=torch.long)])

# F.bilinear: x1^T A x2 + b over the last dims.
F_("bilinear", lambda a, b, w, bias: F.bilinear(a, b, w, bias), [rn(4, 3), rn(4, 2), rn(5, 3, 2), rn(5)])
F_("bilinear.batched_nobias_transposed", lambda a, b, w: F.bilinear(a, b, w), [rn(2, 4, 3), T(rn(2, 2, 4)), rn(3, 3, 2)])

# F.instance_norm: per (sample, channel) statistics; running stats (not leaves) used or moved.
NG = lambda t: (t, False, None)
F_("instanceNorm.affine_transposed", lambda x, w, b: F.instance_norm(x, None, None, w, b, True, 0.1, 1e-3), [T(rn(2, 5, 3)), rn(3), rn(3)])
F_("instanceNorm.running_eval", lambda x, rm, rv, w: F.instance_norm(x, rm, rv, w, use_input_stats=False),
   [rn(2, 3, 2, 2), NG(rn(3)), NG(rn(3).abs() + 0.5), rn(3)])
F_("instanceNorm.running_train", lambda x, rm, rv: (F.instance_norm(x, rm, rv, momentum=0.3), rm.clone(), rv.clone()),
   [rn(4, 2, 3), NG(rn(2)), NG(rn(2).abs() + 0.5)], gradcheck=False)


# ---------------------------------------------------------------------------------------------
# Modules: the constructor as written, its repr, and a forward/backward.

MODULES = []


def mcase(name, cls, args, opts, build, x, train=True, extra_inputs=(), buffers=None):
    """build() makes the PyTorch module from the same arguments; x the input (float64); buffers:
    values to give named buffers before the forward (running statistics)."""
    for dtype in (torch.float64, torch.float32):
        torch.manual_seed(0)
        m = build().to(dtype)
        m.train(train)
        for p in m.parameters():  # non-trivial affine parameters
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=torch.Generator().manual_seed(7), dtype=torch.float64))
        for k, v in (buffers or {}).items():
            with torch.no_grad():
                m.get_buffer(k).copy_(v)
        state = {k: enc(v) for k, v in m.state_dict().items()}
        xs = [t.to(dtype).clone().requires_grad_() for t in (x, *extra_inputs)]
        y = m(*xs)
        go = torch.randn(y.shape, generator=torch.Generator().manual_seed(3), dtype=torch.float64).to(dtype)
        params = list(m.named_parameters())
        grads = torch.autograd.grad([y], xs + [p for _, p in params], [go], allow_unused=True)
        MODULES.append({
            "name": name if dtype == torch.float64 else f"{name}/float32",
            "module": cls, "args": args, "opts": opts, "repr": repr(m), "train": train, "dtype": str(dtype)[6:],
            "state": state,
            "inputs": [enc(t) for t in xs],
            "output": enc(y), "gradOutput": enc(go),
            "inputGrads": [enc(gr) for gr in grads[:len(xs)]],
            "paramGrads": {k: enc(gr) for (k, _), gr in zip(params, grads[len(xs):])},
            "stateAfter": {k: enc(v) for k, v in m.state_dict().items()},
        })


mcase("ReflectionPad1d.int", "ReflectionPad1d", [2], {}, lambda: nn.ReflectionPad1d(2), rn(2, 3, 4))
mcase("ReflectionPad1d.tuple", "ReflectionPad1d", [[3, 1]], {}, lambda: nn.ReflectionPad1d((3, 1)), rn(3, 5))
mcase("ReflectionPad2d", "ReflectionPad2d", [], {"padding": [1, 0, 2, 3]}, lambda: nn.ReflectionPad2d(padding=(1, 0, 2, 3)), rn(1, 2, 4, 4))
mcase("ReflectionPad3d", "ReflectionPad3d", [1], {}, lambda: nn.ReflectionPad3d(1), rn(1, 1, 2, 3, 2))
mcase("ReplicationPad1d", "ReplicationPad1d", [[0, 3]], {}, lambda: nn.ReplicationPad1d((0, 3)), rn(2, 2, 3))
mcase("ReplicationPad2d", "ReplicationPad2d", [2], {}, lambda: nn.ReplicationPad2d(2), rn(1, 2, 3, 3))
mcase("ReplicationPad3d", "ReplicationPad3d", [[1, 0, 0, 1, 2, 0]], {}, lambda: nn.ReplicationPad3d((1, 0, 0, 1, 2, 0)), rn(1, 2, 2, 2, 2))
mcase("ZeroPad2d", "ZeroPad2d", [[1, 1, 2, 0]], {}, lambda: nn.ZeroPad2d((1, 1, 2, 0)), rn(2, 3, 3))
mcase("ConstantPad1d", "ConstantPad1d", [2, 3.5], {}, lambda: nn.ConstantPad1d(2, 3.5), rn(2, 4))
mcase("ConstantPad2d", "ConstantPad2d", [[1, 0, 2, 0]], {"value": -1.0}, lambda: nn.ConstantPad2d((1, 0, 2, 0), value=-1.0), rn(1, 2, 2))
mcase("ConstantPad3d", "ConstantPad3d", [1, 0.5], {}, lambda: nn.ConstantPad3d(1, 0.5), rn(1, 2, 1, 2))
mcase("CosineSimilarity", "CosineSimilarity", [], {}, lambda: nn.CosineSimilarity(), rn(3, 4), extra_inputs=[rn(3, 4)])
mcase("CosineSimilarity.args", "CosineSimilarity", [0, 1e-6], {}, lambda: nn.CosineSimilarity(0, 1e-6), rn(3, 4), extra_inputs=[rn(3, 4)])
mcase("PairwiseDistance", "PairwiseDistance", [], {}, lambda: nn.PairwiseDistance(), rn(3, 4), extra_inputs=[rn(3, 4)])
mcase("PairwiseDistance.args", "PairwiseDistance", [1], {"eps": 1e-3, "keepdim": True}, lambda: nn.PairwiseDistance(1, eps=1e-3, keepdim=True), rn(3, 4), extra_inputs=[rn(3, 4)])

# InstanceNorm: per-sample statistics; running stats updated in training, used in eval.
STATS = {"running_mean": torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64), "running_var": torch.tensor([1.5, 0.25, 4.0], dtype=torch.float64)}
mcase("InstanceNorm1d", "InstanceNorm1d", [3], {}, lambda: nn.InstanceNorm1d(3), rn(2, 3, 5))
mcase("InstanceNorm1d.affine_unbatched", "InstanceNorm1d", [3], {"affine": True}, lambda: nn.InstanceNorm1d(3, affine=True), rn(3, 6))
mcase("InstanceNorm1d.track_train", "InstanceNorm1d", [3, 1e-3, 0.2, True, True], {}, lambda: nn.InstanceNorm1d(3, 1e-3, 0.2, True, True), rn(4, 3, 5),
      buffers=STATS)
mcase("InstanceNorm2d.track_eval", "InstanceNorm2d", [3], {"trackRunningStats": True, "affine": True}, lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
      rn(2, 3, 4, 4), train=False, buffers=STATS)
mcase("InstanceNorm2d.track_train_unbatched", "InstanceNorm2d", [3], {"momentum": 0.5, "trackRunningStats": True},
      lambda: nn.InstanceNorm2d(3, momentum=0.5, track_running_stats=True), rn(3, 2, 5), buffers=STATS)
mcase("InstanceNorm2d.eps", "InstanceNorm2d", [2], {"eps": 0.1}, lambda: nn.InstanceNorm2d(2, eps=0.1), rn(2, 2, 3, 3) * 0.1)

# Bilinear, Unfold, Fold: the call as written, positionally and by name.
mcase("Bilinear", "Bilinear", [3, 2, 4], {}, lambda: nn.Bilinear(3, 2, 4), rn(5, 3), extra_inputs=[rn(5, 2)])
mcase("Bilinear.nobias_batched", "Bilinear", [3, 2, 4], {"bias": False}, lambda: nn.Bilinear(3, 2, 4, bias=False), rn(2, 3, 3), extra_inputs=[rn(2, 3, 2)])
mcase("Unfold", "Unfold", [[2, 3]], {"padding": 1, "stride": 2}, lambda: nn.Unfold((2, 3), padding=1, stride=2), rn(2, 3, 5, 6))
mcase("Unfold.positional", "Unfold", [2, 2, 0, 1], {}, lambda: nn.Unfold(2, 2, 0, 1), rn(1, 2, 5, 5))
mcase("Fold", "Fold", [[4, 5], 2], {}, lambda: nn.Fold((4, 5), 2), rn(2, 12, 12))
mcase("Fold.stride_padding_unbatched", "Fold", [[5, 5], [2, 2]], {"dilation": 1, "padding": [1, 0], "stride": 2},
      lambda: nn.Fold((5, 5), (2, 2), dilation=1, padding=(1, 0), stride=2), rn(8, 6))

# Convolutions with padding_mode: F.pad with the mode, then the convolution with no padding.
mcase("Conv1d.reflect", "Conv1d", [2, 3, 3], {"padding": 1, "paddingMode": "reflect"}, lambda: nn.Conv1d(2, 3, 3, padding=1, padding_mode="reflect"), rn(2, 2, 6))
mcase("Conv1d.same_even_reflect", "Conv1d", [2, 3, 4, 1, "same", 1, 1, True, "reflect"], {}, lambda: nn.Conv1d(2, 3, 4, 1, "same", 1, 1, True, "reflect"), rn(2, 7))
mcase("Conv2d.circular", "Conv2d", [2, 3, 3], {"stride": 2, "padding": [1, 2], "paddingMode": "circular"},
      lambda: nn.Conv2d(2, 3, 3, stride=2, padding=(1, 2), padding_mode="circular"), rn(1, 2, 5, 6))
mcase("Conv2d.same_replicate_dilated_groups", "Conv2d", [2, 4, 3], {"padding": "same", "dilation": 2, "groups": 2, "paddingMode": "replicate", "bias": False},
      lambda: nn.Conv2d(2, 4, 3, padding="same", dilation=2, groups=2, padding_mode="replicate", bias=False), rn(2, 2, 5, 5))
mcase("Conv2d.reflect_unbatched", "Conv2d", [1, 2, [2, 3]], {"padding": [1, 1], "paddingMode": "reflect"},
      lambda: nn.Conv2d(1, 2, (2, 3), padding=(1, 1), padding_mode="reflect"), rn(1, 4, 4))


# LocalResponseNorm (AlexNet): the 3-D and the 4-D-and-up paths of F.local_response_norm.
F_("localResponseNorm.3d", lambda x: F.local_response_norm(x, 3, alpha=0.1, beta=0.5, k=2.0), [rn(2, 5, 4)])
F_("localResponseNorm.4d_even", lambda x: F.local_response_norm(x, 2), [T(rn(2, 3, 4, 3))])
F_("localResponseNorm.5d", lambda x: F.local_response_norm(x, 4, 0.5, 1.5, 0.5), [rn(1, 6, 2, 3, 2)])
mcase("LocalResponseNorm", "LocalResponseNorm", [3], {}, lambda: nn.LocalResponseNorm(3), rn(2, 5, 3, 3))
mcase("LocalResponseNorm.args", "LocalResponseNorm", [2, 1e-2], {"beta": 0.5, "k": 1.5}, lambda: nn.LocalResponseNorm(2, 1e-2, beta=0.5, k=1.5), rn(3, 4, 5))

# 3-d layers: Conv3d (torch-ts: depth windows as channels of one conv2d), BatchNorm3d, InstanceNorm3d.
mcase("Conv3d", "Conv3d", [2, 3, 2], {}, lambda: nn.Conv3d(2, 3, 2), rn(2, 2, 3, 4, 3))
mcase("Conv3d.strided_padded_dilated_groups", "Conv3d", [4, 2, [2, 3, 2]], {"stride": [2, 1, 2], "padding": [1, 0, 1], "dilation": [2, 1, 1], "groups": 2},
      lambda: nn.Conv3d(4, 2, (2, 3, 2), stride=(2, 1, 2), padding=(1, 0, 1), dilation=(2, 1, 1), groups=2), rn(1, 4, 5, 4, 5))
mcase("Conv3d.same_dilated_nobias", "Conv3d", [2, 2, [2, 3, 3]], {"padding": "same", "dilation": [2, 1, 2], "bias": False},
      lambda: nn.Conv3d(2, 2, (2, 3, 3), padding="same", dilation=(2, 1, 2), bias=False), rn(1, 2, 4, 5, 5))
mcase("Conv3d.reflect_unbatched", "Conv3d", [1, 2, 3], {"padding": 1, "paddingMode": "reflect"},
      lambda: nn.Conv3d(1, 2, 3, padding=1, padding_mode="reflect"), rn(1, 3, 4, 4))
mcase("BatchNorm3d", "BatchNorm3d", [3], {}, lambda: nn.BatchNorm3d(3), rn(2, 3, 2, 2, 3))
mcase("InstanceNorm3d.affine", "InstanceNorm3d", [2], {"affine": True}, lambda: nn.InstanceNorm3d(2, affine=True), rn(2, 2, 2, 3, 2))
mcase("InstanceNorm3d.unbatched", "InstanceNorm3d", [2], {}, lambda: nn.InstanceNorm3d(2), rn(2, 3, 2, 2))
# 3-d pooling (torch-ts: 2-d pooling of each depth slice, then the depth windows)
mcase("MaxPool3d", "MaxPool3d", [2], {}, lambda: nn.MaxPool3d(2), rn(2, 2, 4, 4, 5))
mcase("MaxPool3d.strided_padded_dilated_ceil", "MaxPool3d", [[3, 2, 3]], {"stride": [2, 1, 2], "padding": [1, 0, 1], "dilation": [1, 2, 1], "ceilMode": True},
      lambda: nn.MaxPool3d((3, 2, 3), stride=(2, 1, 2), padding=(1, 0, 1), dilation=(1, 2, 1), ceil_mode=True), rn(1, 2, 6, 5, 6))
mcase("MaxPool3d.unbatched", "MaxPool3d", [2, 1], {}, lambda: nn.MaxPool3d(2, 1), rn(2, 3, 3, 3))
mcase("AvgPool3d", "AvgPool3d", [2], {}, lambda: nn.AvgPool3d(2), rn(2, 2, 4, 4, 5))
mcase("AvgPool3d.padded_ceil_exclude", "AvgPool3d", [3, 2, 1], {"ceilMode": True, "countIncludePad": False},
      lambda: nn.AvgPool3d(3, 2, 1, ceil_mode=True, count_include_pad=False), rn(1, 2, 5, 6, 4))
mcase("AvgPool3d.padded_include_divisor", "AvgPool3d", [[2, 3, 2]], {"stride": 1, "padding": [1, 1, 0], "divisorOverride": 5},
      lambda: nn.AvgPool3d((2, 3, 2), stride=1, padding=(1, 1, 0), divisor_override=5), rn(2, 3, 3, 4, 3))
mcase("AvgPool3d.padded_include_unbatched", "AvgPool3d", [3], {"stride": 2, "padding": 1}, lambda: nn.AvgPool3d(3, stride=2, padding=1), rn(2, 5, 4, 5))
mcase("AdaptiveAvgPool3d", "AdaptiveAvgPool3d", [[2, 3, None]], {}, lambda: nn.AdaptiveAvgPool3d((2, 3, None)), rn(2, 2, 5, 7, 3))
mcase("AdaptiveAvgPool3d.int_unbatched", "AdaptiveAvgPool3d", [2], {}, lambda: nn.AdaptiveAvgPool3d(2), rn(3, 3, 4, 5))
F_("maxPool3d.indices", lambda x: F.max_pool3d(x, (2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0), return_indices=True)[1].double() + F.max_pool3d(x, (2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0)) * 0, [rn(1, 2, 4, 5, 4)], gradcheck=False)
F_("avgPool3d", lambda x: F.avg_pool3d(x, 2, stride=(1, 2, 1), padding=1, ceil_mode=True), [T(rn(1, 2, 3, 4, 5))])
F_("adaptiveAvgPool3d", lambda x: F.adaptive_avg_pool3d(x, (1, 2, 3)), [rn(2, 1, 3, 5, 4)])
mcase("ConvTranspose3d", "ConvTranspose3d", [2, 3, 2], {}, lambda: nn.ConvTranspose3d(2, 3, 2), rn(2, 2, 2, 3, 2))
mcase("ConvTranspose3d.strided_padded_outpad_groups_dilated", "ConvTranspose3d", [4, 2, [3, 2, 2]], {"stride": [2, 1, 2], "padding": [1, 0, 1], "outputPadding": [1, 0, 1], "groups": 2, "dilation": [1, 2, 1]},
      lambda: nn.ConvTranspose3d(4, 2, (3, 2, 2), stride=(2, 1, 2), padding=(1, 0, 1), output_padding=(1, 0, 1), groups=2, dilation=(1, 2, 1)), rn(1, 4, 3, 3, 2))
mcase("ConvTranspose3d.unbatched_nobias", "ConvTranspose3d", [1, 2, 3], {"stride": 2, "padding": 1, "bias": False}, lambda: nn.ConvTranspose3d(1, 2, 3, stride=2, padding=1, bias=False), rn(1, 2, 2, 3))
F_("convTranspose3d", lambda x, w, b: F.conv_transpose3d(x, w, b, stride=(2, 1, 1), padding=(0, 1, 0), output_padding=(1, 0, 0)), [rn(1, 2, 2, 3, 2), rn(2, 3, 2, 3, 2), rn(3)])
# EmbeddingBag: bags from offsets (an empty one) or rows, sum with per-sample weights, max, padding_idx
F_("embeddingBag.mean_offsets", lambda w: F.embedding_bag(torch.tensor([1, 2, 4, 5, 4, 3, 2, 9]), w, torch.tensor([0, 3, 3, 5])), [rn(10, 3)])
F_("embeddingBag.sum_weights_2d", lambda w, p: F.embedding_bag(torch.tensor([[0, 2, 1], [2, 3, 0]]), w, mode="sum", per_sample_weights=p), [rn(4, 3), rn(2, 3)])
F_("embeddingBag.max_last_offset_padding", lambda w: F.embedding_bag(torch.tensor([1, 0, 4, 1, 3, 1]), w, torch.tensor([0, 2, 2, 6]), mode="max", include_last_offset=True, padding_idx=1), [rn(5, 2)])
F_("embeddingBag.mean_padding_2d", lambda w: F.embedding_bag(torch.tensor([[1, 1], [0, 2]]), w, padding_idx=1), [rn(3, 4)])
F_("conv3d", lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=1), [rn(1, 2, 3, 4, 3), rn(3, 2, 2, 2, 2), rn(3)])
F_("conv3d.valid_transposed", lambda x, w: F.conv3d(x, w, None, 1, "valid"), [T(rn(2, 2, 3, 3, 2)), rn(2, 2, 1, 2, 2)])

# ---------------------------------------------------------------------------------------------
# Errors (type and message).

x3, x4, x5 = torch.randn(2, 3, 4), torch.randn(2, 3, 4, 5), torch.randn(1, 2, 3, 4, 5)
ERRORS = [
    error_case("pad.odd", lambda: F.pad(x3, (1,))),
    error_case("pad.too_long", lambda: F.pad(x3, (1,) * 8)),
    error_case("pad.mode", lambda: F.pad(x3, (1, 1), "foo")),
    error_case("pad.value_with_reflect", lambda: F.pad(x3, (1, 1), "reflect", 2.0)),
    error_case("pad.reflect_dims", lambda: F.pad(x4, (1, 1), "reflect")),
    error_case("pad.reflect_1d_input", lambda: F.pad(torch.randn(4), (1, 1), "reflect")),
    error_case("pad.replicate_dims", lambda: F.pad(x3, (1, 1, 1, 1, 1, 1), "replicate")),
    error_case("pad.reflect1d_size", lambda: F.pad(x3, (4, 3), "reflect")),
    error_case("pad.reflect2d_size_h", lambda: F.pad(x4, (1, 1, 4, 1), "reflect")),
    error_case("pad.reflect2d_size_w", lambda: F.pad(x4, (5, 1, 4, 1), "reflect")),
    error_case("pad.reflect3d_size", lambda: F.pad(x5, (1, 1, 1, 1, 3, 1), "reflect")),
    error_case("pad.reflect1d_small", lambda: F.pad(x3, (-2, -2), "reflect")),
    error_case("pad.reflect2d_small", lambda: F.pad(x4, (-3, -2, -2, -2), "reflect")),
    error_case("pad.reflect3d_small", lambda: F.pad(x5, (-3, -2, -2, -2, -2, -1), "reflect")),
    error_case("pad.reflect1d_empty", lambda: F.pad(torch.randn(2, 0, 4), (1, 1), "reflect")),
    error_case("pad.reflect2d_empty_double", lambda: F.pad(torch.randn(2, 0, 3, 3, dtype=torch.float64), (1, 1, 1, 1), "reflect")),
    error_case("pad.reflect3d_empty", lambda: F.pad(torch.randn(0, 3, 3, 3), (1, 1, 1, 1, 1, 1), "reflect")),
    error_case("pad.reflect_int", lambda: F.pad(torch.ones(1, 2, 4, dtype=torch.long), (1, 1), "reflect")),
    error_case("pad.reflect3d_int", lambda: F.pad(torch.ones(1, 2, 4, 4, 4, dtype=torch.long), (1,) * 6, "reflect")),
    error_case("pad.replicate_bool", lambda: F.pad(torch.ones(1, 2, 4, dtype=torch.bool), (1, 1), "replicate")),
    error_case("pad.replicate1d_small", lambda: F.pad(x3, (-2, -2), "replicate")),
    error_case("pad.replicate2d_small", lambda: F.pad(x4, (-3, -2, -2, -2), "replicate")),
    error_case("pad.replicate3d_small", lambda: F.pad(x5, (-3, -2, -2, -2, -2, -1), "replicate")),
    error_case("pad.replicate2d_negative", lambda: F.pad(x4, (-3, -3, 1, 1), "replicate")),
    error_case("pad.replicate_empty", lambda: F.pad(torch.randn(0, 2), (1, 1), "replicate")),
    error_case("pad.replicate2d_empty", lambda: F.pad(torch.randn(1, 2, 3, 0), (1, 1, 1, 1), "replicate")),
    error_case("pad.circular_unbatched", lambda: F.pad(torch.randn(3, 4), (2, 3), "circular")),
    error_case("pad.circular_pairs", lambda: F.pad(x4, (1,) * 6, "circular")),
    error_case("pad.circular_wrap", lambda: F.pad(x3, (5, 3), "circular")),
    error_case("pad.circular_wrap_2d", lambda: F.pad(x4, (1, 1, 5, 1), "circular")),
    error_case("pad.circular_empty", lambda: F.pad(x3, (-3, -3), "circular")),
    error_case("pad.constant_narrow", lambda: F.pad(x4, (1, -6))),
    error_case("pad.constant_narrow_start", lambda: F.pad(x4, (-6, 1))),
    error_case("pad.constant_narrow_twice", lambda: F.pad(x3, (-3, -2))),
    error_case("pad.constant_negative_size", lambda: F.pad(x4, (-5, 0, 0, 1))),
    error_case("cosineSimilarity.int", lambda: F.cosine_similarity(torch.arange(3), torch.arange(3), dim=0)),
    error_case("cosineSimilarity.broadcast", lambda: F.cosine_similarity(torch.randn(3, 4), torch.randn(3, 5))),
    error_case("cosineSimilarity.dim", lambda: F.cosine_similarity(torch.randn(3, 4), torch.randn(3, 4), dim=2)),
    error_case("bilinear.dims", lambda: F.bilinear(torch.randn(2, 3), torch.randn(2, 2, 2), torch.randn(4, 3, 2))),
    error_case("bilinear.batch", lambda: F.bilinear(torch.randn(2, 3), torch.randn(3, 2), torch.randn(4, 3, 2))),
    error_case("bilinear.in1", lambda: F.bilinear(torch.randn(2, 4), torch.randn(2, 2), torch.randn(4, 3, 2))),
    error_case("bilinear.in2", lambda: F.bilinear(torch.randn(2, 3), torch.randn(2, 5), torch.randn(4, 3, 2))),
    error_case("bilinear.bias", lambda: F.bilinear(torch.randn(2, 3), torch.randn(2, 2), torch.randn(4, 3, 2), torch.randn(3))),
    error_case("oneHot.float", lambda: F.one_hot(torch.tensor([0.0, 1.0]))),
    error_case("oneHot.int32", lambda: F.one_hot(torch.tensor([0, 1], dtype=torch.int32))),
    error_case("oneHot.negative", lambda: F.one_hot(torch.tensor([0, -1]))),
    error_case("oneHot.too_small", lambda: F.one_hot(torch.tensor([0, 3]), 3)),
    error_case("oneHot.empty_infer", lambda: F.one_hot(torch.zeros(0, dtype=torch.long))),
    error_case("InstanceNorm1d.dims", lambda: nn.InstanceNorm1d(3)(torch.randn(2, 3, 4, 5))),
    error_case("InstanceNorm2d.dims", lambda: nn.InstanceNorm2d(3)(torch.randn(3, 4))),
    error_case("InstanceNorm1d.features", lambda: nn.InstanceNorm1d(3, affine=True)(torch.randn(2, 4, 5))),
    error_case("InstanceNorm1d.one_element", lambda: nn.InstanceNorm1d(3)(torch.randn(2, 3, 1))),
    error_case("ConvTranspose2d.padding_mode", lambda: nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")),
    error_case("Conv1d.reflect_too_wide", lambda: nn.Conv1d(1, 1, 3, padding=4, padding_mode="reflect")(torch.randn(1, 1, 4))),
]


# nn.ParameterList / nn.ParameterDict inside a model: built after manual_seed(0) (the same
# randn draws in torch-ts), its repr and state dict, a forward and every parameter's gradient.
class ParamNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.ps = nn.ParameterList([nn.Parameter(torch.randn(3, 3)) for _ in range(2)])
        self.ps.append(torch.randn(3))
        self.d = nn.ParameterDict({"w": nn.Parameter(torch.randn(3)), "b": torch.randn(1)})

    def forward(self, x):
        for i in range(2):
            x = x @ self.ps[i]
        return (x + self.ps[-1]) * self.d["w"] + self.d["b"]


def containers():
    torch.manual_seed(0)
    m = ParamNet()
    x = rn(2, 3).float()
    y = m(x)
    go = torch.randn(y.shape, generator=torch.Generator().manual_seed(3))
    names = [k for k, _ in m.named_parameters()]
    grads = torch.autograd.grad([y], [p for _, p in m.named_parameters()], [go])
    pl = nn.ParameterList([nn.Parameter(torch.zeros(2, 3)), nn.Parameter(torch.zeros(4, dtype=torch.float64))])
    pd = nn.ParameterDict([("z", nn.Parameter(torch.zeros(2))), ("a", nn.Parameter(torch.zeros(1, 2, dtype=torch.float64)))])
    return {"repr": repr(m), "state": {k: enc(v) for k, v in m.state_dict().items()}, "input": enc(x), "output": enc(y),
            "gradOutput": enc(go), "grads": {k: enc(g) for k, g in zip(names, grads)},
            "reprs": {"list": repr(pl), "listOne": repr(nn.ParameterList([nn.Parameter(torch.zeros(()))])), "empty": repr(nn.ParameterList()),
                      "dictPairs": repr(pd), "dictSorted": repr(nn.ParameterDict({"z": nn.Parameter(torch.zeros(2)), "a": nn.Parameter(torch.zeros(1))}))}}


pl2 = nn.ParameterList([nn.Parameter(torch.zeros(2))])
pd2 = nn.ParameterDict({"w": nn.Parameter(torch.zeros(2))})
ERRORS += [
    error_case("ParameterList.index", lambda: pl2[5]),
    error_case("ParameterList.call", lambda: pl2(1)),
    error_case("ParameterList.extend_tensor", lambda: pl2.extend(torch.zeros(2))),
    error_case("ParameterList.extend_int", lambda: pl2.extend(3)),
    error_case("ParameterDict.missing", lambda: pd2["zz"]),
    error_case("ParameterDict.key_type", lambda: pd2.__setitem__(3, torch.zeros(1))),
    error_case("ParameterDict.call", lambda: pd2(1)),
]


def inits():
    """Initial state dicts after manual_seed: PyTorch's draw order."""
    torch.manual_seed(0)
    m = nn.Bilinear(3, 2, 4)
    return [{"module": "Bilinear", "args": [3, 2, 4], "seed": 0, "state": {k: enc(v) for k, v in m.state_dict().items()}, "after": enc(torch.rand(3))}]


def main():
    write("nn_names.json", {"functional": FUNCS, "modules": MODULES, "errors": ERRORS, "containers": containers(), "inits": inits()})


if __name__ == "__main__":
    main()
