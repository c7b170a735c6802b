#!/usr/bin/python3
"""Writes test/fixtures/nn_repr.json: how PyTorch 1.13 reads and prints every torch-ts module's
constructor call (test/nn/repr.test.ts builds the same calls in torch-ts).

    /usr/bin/python3 tools/gen_nn_repr_fixtures.py

"cases": one constructor call each, in three equivalent forms that PyTorch builds to the same
module (this script checks that), with repr(module):
  call        the call as written here (args, kwargs)
  positional  every argument PyTorch accepts positionally given positionally (defaults filled in
              for skipped ones); only device/dtype stay keywords (torch-ts takes them by name only)
  keywords    required arguments positional, everything else by keyword
"errors": calls PyTorch rejects, with the exception's kind and message. "at" says where PyTorch
raises it: "init" (the constructor) or "forward" (on an input of shape "input"); torch-ts raises
all of them in the constructor.

Values are JSON, with {"$tensor": [...], "dtype"} for tensors, {"$module": call} for modules,
{"$fn": name} for torch.nn.functional functions. A JavaScript number is a Python float where
PyTorch's parameter is a float (so the cases pass floats there: repr prints 2.0 for them).
Keyword names are PyTorch's; the test writes them in camelCase.
"""
import inspect
import json
import os
import sys
import warnings
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

if os.environ.get("PYTHONHASHSEED") != "0":
    # PyTorch prints some choices as Python sets ({'valid', 'same'}): fix their order.
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "nn_repr.json"
warnings.simplefilter("ignore")

# RNN/LSTM/GRU take *args, **kwargs; their parameters are RNNBase's after `mode`.
RNN_PARAMS = [("input_size", inspect.Parameter.empty), ("hidden_size", inspect.Parameter.empty), ("num_layers", 1), ("bias", True),
              ("batch_first", False), ("dropout", 0.0), ("bidirectional", False), ("proj_size", 0)]
KEYWORD_ONLY = {"device", "dtype"}


class M:
    """A module argument: its constructor call, recorded and built."""

    def __init__(self, name, *args, **kwargs):
        self.name, self.args, self.kwargs = name, args, kwargs

    def build(self):
        return getattr(nn, self.name)(*[build(a) for a in self.args], **{k: build(v) for k, v in self.kwargs.items()})


class Fn:
    def __init__(self, name):
        self.name = name


def build(v):
    if isinstance(v, M):
        return v.build()
    if isinstance(v, Fn):
        return getattr(F, v.name)
    if isinstance(v, (list, tuple)):
        return type(v)(build(x) for x in v)
    if isinstance(v, dict):
        return {k: build(x) for k, x in v.items()}
    return v


def enc(v):
    if isinstance(v, M):
        return {"$module": {"module": v.name, "args": [enc(a) for a in v.args], "kwargs": {k: enc(x) for k, x in v.kwargs.items()}}}
    if isinstance(v, Fn):
        return {"$fn": v.name}
    if isinstance(v, torch.Tensor):
        return {"$tensor": v.tolist(), "dtype": str(v.dtype).replace("torch.", "")}
    if isinstance(v, torch.dtype):
        return str(v).replace("torch.", "")
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    if isinstance(v, dict):
        return {"$dict": [[k, enc(x)] for k, x in v.items()]}
    if callable(v) and getattr(v, "__module__", "") == "torch.nn.functional":
        return {"$fn": v.__name__}
    assert v is None or isinstance(v, (bool, int, float, str)), v
    return v


def params_of(name):
    """The positional parameters (name, default) of nn.<name>, in order, without device/dtype."""
    if name in ("RNN", "LSTM", "GRU"):
        return RNN_PARAMS
    sig = inspect.signature(getattr(nn, name).__init__)
    out = []
    for p in list(sig.parameters.values())[1:]:
        # keyword-only parameters (GaussianNLLLoss's) are never positional
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY) or p.name in KEYWORD_ONLY:
            continue
        out.append((p.name, p.default))
    return out


CASES = []
ERRORS = []


def C(name, *args, **kwargs):
    CASES.append((name, args, kwargs))


def E(name, *args, input=None, **kwargs):
    ERRORS.append((name, args, kwargs, input))


# ---- linear, containers
C("Linear", 3, 2)
C("Linear", 3, 2, False)
C("Linear", 4, 5, bias=False, dtype=torch.float64)
C("Identity")
C("Identity", 3, foo=4)
C("Flatten")
C("Flatten", 0, 2)
C("Flatten", start_dim=2)
C("Unflatten", 1, (2, 3))
C("Unflatten", dim=-1, unflattened_size=(2, 2, 1))
C("Sequential")
C("Sequential", M("Linear", 3, 4), M("ReLU"), M("Linear", 4, 1))
C("ModuleList")
C("ModuleList", [M("Linear", 2, 2), M("Tanh")])
C("ModuleList", modules=[M("ReLU")])
C("ModuleDict", {"fc": M("Linear", 2, 3), "act": M("Sigmoid")})
C("ModuleDict", modules={"a": M("ReLU")})
# ---- convolution
C("Conv1d", 2, 4, 3)
C("Conv1d", 2, 4, 3, 2, 1, 1, 2, False)
C("Conv1d", 2, 4, 3, padding="same", dilation=2)
C("Conv2d", 1, 32, 3, 1)
C("Conv2d", 3, 6, (3, 2), (2, 1), (1, 0), (1, 2), 3, True, "zeros")
C("Conv2d", 3, 4, 5, padding="valid", bias=False)
C("ConvTranspose1d", 3, 2, 3, 2, 1, 1)
C("ConvTranspose2d", 4, 6, 3, 2, 1, 1, 2, False, 1)
C("ConvTranspose2d", 2, 3, (2, 3), stride=(1, 2), dilation=(2, 1))
# ---- pooling
C("MaxPool1d", 3)
C("MaxPool1d", 3, 2, 1, 1, False, True)
C("MaxPool2d", 2)
C("MaxPool2d", 2, 1)
C("MaxPool2d", (2, 3), None, 1, 1, True, True)
C("MaxPool2d", 3, stride=2, padding=1, ceil_mode=True)
C("AvgPool1d", 3)
C("AvgPool1d", 3, 2, 1, True, False)
C("AvgPool2d", 2)
C("AvgPool2d", 3, 2, 1, True, False, 4)
C("AvgPool2d", (2, 3), stride=(1, 2), count_include_pad=False)
C("AdaptiveMaxPool3d", 2)
C("AdaptiveMaxPool3d", (2, None, 3), True)
C("FractionalMaxPool2d", 3, output_size=(5, 4))
C("FractionalMaxPool2d", 2, None, 0.5, True)
C("FractionalMaxPool3d", 2, output_size=3)
C("FractionalMaxPool3d", (2, 3, 2), None, (0.5, 0.5, 0.25))
C("MaxUnpool1d", 3, 2, 1)
C("MaxUnpool2d", 2)
C("MaxUnpool2d", (2, 3), stride=1, padding=(0, 1))
C("MaxUnpool3d", 2, (1, 2, 2))
C("LPPool1d", 2.0, 3)
C("LPPool1d", 1.5, 3, 2, True)
C("LPPool2d", 2.0, 3)
C("LPPool2d", 1.2, (3, 2), stride=(2, 1))
C("AdaptiveAvgPool1d", 4)
C("AdaptiveAvgPool2d", (3, 2))
C("AdaptiveAvgPool2d", (None, 3))
C("AdaptiveAvgPool2d", output_size=5)
C("AdaptiveMaxPool1d", 3, True)
C("AdaptiveMaxPool2d", (3, 4))
C("AdaptiveMaxPool2d", 2, return_indices=True)
# ---- normalization
C("BatchNorm1d", 4)
C("BatchNorm1d", 3, 1e-3, None, False, False)
C("BatchNorm1d", 3, momentum=0.3, dtype=torch.float64)
C("BatchNorm2d", 16)
C("BatchNorm2d", 8, 0.0001, 0.2, True, False)
C("BatchNorm2d", 8, eps=0.01, affine=False)
C("LayerNorm", 5)
C("LayerNorm", (2, 3), 1e-6, False)
C("LayerNorm", [4], eps=1e-12)
C("GroupNorm", 2, 6)
C("GroupNorm", 3, 9, 1e-4, False)
C("GroupNorm", 1, 4, eps=0.5)
# ---- dropout, embedding, upsampling
C("Dropout")
C("Dropout", 0.2)
C("Dropout", 0.3, True)
C("Dropout", p=0.0)
C("Dropout1d", 0.25)
C("Dropout2d", inplace=True)
C("Dropout3d", 0.1)
C("AlphaDropout", 0.2)
C("FeatureAlphaDropout", 0.3, True)
C("BatchNorm3d", 4)
C("BatchNorm3d", 3, 1e-3, 0.2, False, False)
C("InstanceNorm3d", 2, affine=True)
C("Conv3d", 2, 4, 3)
C("Conv3d", 2, 4, (1, 2, 3), stride=(2, 1, 1), padding=(0, 1, 1), dilation=2, groups=2, bias=False, padding_mode="circular")
C("Conv3d", 1, 1, 2, 1, "valid")
C("ConvTranspose3d", 2, 4, 3)
C("ConvTranspose3d", 4, 2, (1, 2, 3), (2, 1, 1), 1, (1, 0, 0), 2, False, 2)
C("EmbeddingBag", 10, 3)
C("EmbeddingBag", 5, 2, 1.0, 3.0, True, "max", include_last_offset=True, padding_idx=0)
C("EmbeddingBag", 6, 4, mode="sum", padding_idx=-1)
C("RReLU")
C("RReLU", 0.1, 0.3, True)
C("MaxPool3d", 2)
C("MaxPool3d", (2, 3, 2), (1, 2, 1), 1, 2, True, True)
C("AvgPool3d", 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=2)
C("AvgPool3d", (1, 2, 2))
C("AdaptiveAvgPool3d", 2)
C("AdaptiveAvgPool3d", (None, 3, 4))
C("LocalResponseNorm", 3)
C("LocalResponseNorm", 2, 1e-3, 0.5, k=2.0)
C("LocalResponseNorm", size=5, alpha=0.0001, beta=0.75, k=1.0)
C("Embedding", 10, 3)
C("Embedding", 10, 3, 1, 2.0, 1.0, True)
C("Embedding", 10, 3, padding_idx=-1)
C("Embedding", 5, 2, max_norm=1.5, norm_type=3.0)
C("Upsample", scale_factor=2.0)
C("Upsample", (3, 4), None, "bilinear", True)
C("Upsample", None, 1.5, "bilinear", False)
C("Upsample", size=5, mode="linear")
C("Upsample", scale_factor=(2.0, 3.0), mode="nearest")
C("UpsamplingNearest2d", scale_factor=2.0)
C("UpsamplingNearest2d", (4, 6))
C("UpsamplingBilinear2d", (4, 4))
C("UpsamplingBilinear2d", None, 3.0)
C("PixelShuffle", 2)
C("ChannelShuffle", 2)
C("PixelUnshuffle", downscale_factor=3)
# ---- activations
for name in ["ReLU", "ReLU6", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid"]:
    C(name)
    C(name, True)
    C(name, inplace=True)
for name in ["Softsign", "Tanhshrink", "LogSigmoid", "Tanh", "Sigmoid"]:
    C(name)
C("LeakyReLU")
C("LeakyReLU", 0.2)
C("LeakyReLU", 0.1, True)
C("LeakyReLU", negative_slope=1e-5)
C("ELU")
C("ELU", 2.0, True)
C("ELU", alpha=0.5)
C("CELU")
C("CELU", 1.5, True)
C("GELU")
C("GELU", "tanh")
C("GELU", approximate="none")
C("Softplus")
C("Softplus", 2, 30)
C("Softplus", 0.5)
C("Softplus", beta=3, threshold=10)
C("Hardtanh")
C("Hardtanh", -2.0, 2.0, True)
C("Hardtanh", min_val=0.0, max_val=6.0)
C("Hardshrink")
C("Hardshrink", 0.3)
C("Softshrink", lambd=0.25)
C("Threshold", 0.1, 20.0)
C("Threshold", 0.5, -1.0, True)
C("Threshold", threshold=1.0, value=0.0, inplace=False)
C("GLU")
C("GLU", 1)
C("Softmax", 1)
C("Softmax")
C("Softmax", dim=-1)
C("LogSoftmax", -1)
C("LogSoftmax", dim=0)
C("Softmin", 0)
C("Softmax2d")
C("PReLU")
C("PReLU", 3, 0.1)
C("PReLU", num_parameters=4, init=0.5, dtype=torch.float64)
# ---- losses
for name in ["L1Loss", "MSELoss", "SoftMarginLoss"]:
    C(name)
    C(name, None, None, "sum")
    C(name, reduction="none")
    C(name, False)
    C(name, True, False)
C("SmoothL1Loss", None, None, "mean", 0.5)
C("SmoothL1Loss", beta=2.0)
C("HuberLoss", "sum", 0.7)
C("HuberLoss", delta=2.0)
C("NLLLoss")
C("NLLLoss", torch.ones(3), None, 1, None, "sum")
C("NLLLoss", ignore_index=0, reduction="none")
C("CrossEntropyLoss")
C("CrossEntropyLoss", torch.ones(4), None, 2, None, "mean", 0.1)
C("CrossEntropyLoss", label_smoothing=0.2)
C("CrossEntropyLoss", None, False)
C("BCELoss")
C("BCELoss", torch.ones(2), None, None, "sum")
C("BCEWithLogitsLoss")
C("BCEWithLogitsLoss", None, None, None, "none", torch.ones(3))
C("BCEWithLogitsLoss", pos_weight=torch.ones(2))
C("KLDivLoss")
C("KLDivLoss", None, None, "batchmean", True)
C("KLDivLoss", reduction="sum", log_target=True)
C("CosineEmbeddingLoss")
C("CosineEmbeddingLoss", 0.5, None, None, "sum")
C("MarginRankingLoss", 1.0)
C("MarginRankingLoss", margin=0.2, reduction="none")
C("TripletMarginLoss")
C("TripletMarginLoss", 2.0, 1.0, 1e-5, True, None, None, "sum")
C("TripletMarginLoss", margin=0.5, swap=True)
C("HingeEmbeddingLoss")
C("HingeEmbeddingLoss", 2.0, None, None, "none")
C("PoissonNLLLoss")
C("PoissonNLLLoss", False, True, None, 1e-6, None, "sum")
C("PoissonNLLLoss", log_input=False, eps=1e-4)
C("GaussianNLLLoss")
C("GaussianNLLLoss", full=True, eps=1e-3, reduction="sum")
C("MultiLabelSoftMarginLoss")
C("MultiLabelSoftMarginLoss", torch.ones(3), None, None, "sum")
C("DataParallel", M("Linear", 3, 2))
C("DataParallel", M("ReLU"), [0, 1], 0, 1)
C("MultiMarginLoss")
C("MultiMarginLoss", 2, 0.5, torch.ones(3), None, None, "sum")
C("MultiLabelMarginLoss")
C("MultiLabelMarginLoss", None, None, "none")
C("TripletMarginWithDistanceLoss")
C("TripletMarginWithDistanceLoss", distance_function=M("PairwiseDistance", 1.0), margin=0.5, swap=True)
C("TripletMarginWithDistanceLoss", distance_function=Fn("cosine_similarity"), reduction="sum")
C("NLLLoss2d")
C("NLLLoss2d", None, None, 3, None, "sum")
C("CTCLoss")
C("CTCLoss", 3, "sum", True)
C("CTCLoss", zero_infinity=True)
# ---- lazy modules (their repr before the first call: sizes 0)
C("LazyLinear", 3)
C("LazyLinear", 4, False)
C("LazyConv1d", 4, 3, 2)
C("LazyConv2d", 4, 3, padding=1, groups=2)
C("LazyConv3d", 2, 2, padding_mode="reflect")
C("LazyConvTranspose1d", 6, 2, stride=2, groups=3)
C("LazyConvTranspose2d", 2, 3, 2, 1, 1)
C("LazyConvTranspose3d", 2, 2, bias=False)
C("LazyBatchNorm1d")
C("LazyBatchNorm2d", 1e-3, 0.2)
C("LazyBatchNorm3d", affine=False)
C("LazyInstanceNorm1d")
C("LazyInstanceNorm2d", 1e-3, 0.1, False, False)
C("LazyInstanceNorm3d", momentum=0.3)
C("AdaptiveLogSoftmaxWithLoss", 8, 10, [3, 6])
C("AdaptiveLogSoftmaxWithLoss", 16, 30, [5, 12, 20], 2.0, True)
# ---- recurrent
C("RNN", 3, 4)
C("RNN", 3, 4, 2, False, True, 0.5, True)
C("RNN", 3, 4, nonlinearity="relu", num_layers=3)
C("LSTM", 10, 20, 2)
C("LSTM", 3, 4, 1, True, True, 0.0, True, 2)
C("LSTM", 3, 8, proj_size=3, num_layers=2, dropout=0.25)
C("GRU", 3, 4)
C("GRU", 3, 4, 2, True, False, 0.1, True)
C("GRU", input_size=5, hidden_size=6, bias=False)
C("RNNCell", 3, 4)
C("RNNCell", 3, 4, False, "relu")
C("RNNCell", 3, 4, nonlinearity="tanh")
C("LSTMCell", 3, 4)
C("LSTMCell", 3, 4, False)
C("GRUCell", 3, 4, bias=False)
# ---- attention, transformer
C("MultiheadAttention", 4, 2)
C("MultiheadAttention", 4, 2, 0.1, False, True, True, 3, 5, True)
C("MultiheadAttention", 6, 3, kdim=2, vdim=4, batch_first=True)
C("TransformerEncoderLayer", 4, 2)
C("TransformerEncoderLayer", 4, 2, 8, 0.2, "gelu", 1e-6, True, True)
C("TransformerEncoderLayer", 4, 2, 8, activation=M("GELU"))
C("TransformerEncoderLayer", 4, 1, dim_feedforward=16, activation=Fn("gelu"))
C("TransformerDecoderLayer", 4, 2, 8)
C("TransformerDecoderLayer", 4, 2, 8, 0.0, "relu", 1e-5, False, True)
C("TransformerEncoder", M("TransformerEncoderLayer", 4, 2, 8), 2)
C("TransformerEncoder", M("TransformerEncoderLayer", 4, 2, 8), 1, M("LayerNorm", 4), False, False)
C("TransformerDecoder", M("TransformerDecoderLayer", 4, 2, 8), 2, norm=M("LayerNorm", 4))
C("Transformer", 8, 2, 1, 1, 16)
C("Transformer", d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=16, dropout=0.0, batch_first=True, norm_first=True)

# ---- issue 15's names: padding, distances, instance norm, bilinear, fold, parameter containers
C("ConstantPad1d", 2, 3.5)
C("ConstantPad1d", (1, 2), value=0.5)
C("ConstantPad2d", (1, 0, 2, 3), 1.0)
C("ConstantPad3d", 1, -1.0)
C("ZeroPad2d", 2)
C("ZeroPad2d", padding=(1, 1, 2, 0))
C("ReflectionPad1d", 2)
C("ReflectionPad2d", (1, 0, 2, 3))
C("ReflectionPad3d", 1)
C("ReplicationPad1d", (0, 3))
C("ReplicationPad2d", 2)
C("ReplicationPad3d", (1, 0, 0, 1, 2, 0))
C("CosineSimilarity")
C("CosineSimilarity", 0, 1e-6)
C("PairwiseDistance")
C("PairwiseDistance", 1.0, 1e-3, True)
C("InstanceNorm1d", 3)
C("InstanceNorm2d", 4, 1e-3, 0.2, True, True)
C("InstanceNorm2d", 4, affine=True, dtype=torch.float64)
C("Bilinear", 3, 2, 4)
C("Bilinear", 3, 2, 4, False)
C("Unfold", (2, 3))
C("Unfold", 2, 2, 0, 1)
C("Fold", (4, 5), 2)
C("Fold", (5, 5), (2, 2), 1, (1, 0), 2)
C("ParameterList")
C("ParameterList", [torch.zeros(2), torch.zeros(3, 2)])
C("ParameterDict")
C("ParameterDict", {"b": torch.zeros(2), "a": torch.zeros(1, dtype=torch.float64)})

# ---- rejected values: PyTorch's kind and message
E("Dropout", 2.0)
E("Dropout", -0.5)
E("Dropout2d", p=1.5)
E("AlphaDropout", 1.5)
E("Conv2d", 4, 6, 3, groups=0)
E("Conv2d", 4, 6, 3, groups=3)
E("Conv2d", 3, 6, 3, groups=3, padding="bad")
E("Conv2d", 3, 6, 3, 2, "same")
E("Conv2d", 3, 6, 3, padding_mode="bad")
E("ConvTranspose2d", 3, 6, 3, groups=2)
E("MaxPool2d", 2, 0, input=(1, 1, 4, 4))
E("MultiMarginLoss", 3)
E("FractionalMaxPool2d", 2)
E("FractionalMaxPool3d", 2)
E("FractionalMaxPool3d", 2, output_ratio=1.5)
E("FractionalMaxPool2d", 2, 3, 0.5)
E("FractionalMaxPool2d", 2, output_ratio=1.5)
E("FractionalMaxPool2d", 2, output_ratio=(0.5, 0.0))
E("MultiMarginLoss", weight=torch.ones(2, 2))
E("MaxPool2d", 0, input=(1, 1, 4, 4))
E("MaxPool2d", 2, 2, 2, input=(1, 1, 4, 4))
E("MaxPool2d", 2, dilation=0, input=(1, 1, 4, 4))
E("MaxPool1d", 2, 0, input=(1, 1, 4))
E("MaxPool1d", 0, input=(1, 1, 4))
E("MaxPool1d", 2, 1, 2, input=(1, 1, 4))
E("MaxPool1d", 2, 1, 0, 0, input=(1, 1, 4))
E("AvgPool2d", 2, 0, input=(1, 1, 4, 4))
E("AvgPool2d", 2, 1, 3, input=(1, 1, 4, 4))
E("AvgPool2d", 2, divisor_override=0, input=(1, 1, 4, 4))
E("AvgPool1d", 2, 1, 3, input=(1, 1, 4))
E("GroupNorm", 2, 3)
E("GELU", "bad", input=(2, 3))
E("Softshrink", -1.0, input=(2, 3))
E("Hardtanh", 2.0, 1.0)
E("RNN", 3, 4, nonlinearity="bad")
E("RNN", 3, 4, dropout=2.0)
E("RNN", 3, 4, proj_size=2)
E("GRU", 3, 4, proj_size=2)
E("LSTM", 3, 4, proj_size=4)
E("LSTM", 3, 4, proj_size=-1)
E("RNNCell", 3, 4, True, "bad", input=(2, 3))
E("MultiheadAttention", 5, 2)
E("TransformerEncoderLayer", 4, 2, activation="tanh")
E("MSELoss", reduction="bad", input=(2, 3))
E("CrossEntropyLoss", reduction="avg", input=(2, 3))
E("PoissonNLLLoss", reduction="avg", input=(2, 3))
E("MultiLabelSoftMarginLoss", reduction="avg", input=(2, 3))
E("MultiLabelMarginLoss", reduction="avg", input=(2, 3))
E("Sequential", 3)
E("ModuleList", 3)
E("ModuleList", [3])
E("ModuleDict", {"a": 3})
E("Upsample", scale_factor=2.0, mode="bad", input=(1, 1, 2, 2))
E("Upsample", input=(1, 1, 2, 2))
E("Upsample", 3, 2.0, input=(1, 1, 2, 2))
E("Upsample", scale_factor=2.0, align_corners=True, input=(1, 1, 2, 2))
E("Unflatten", 1, 3)
E("Conv2d", 2, 2, 3, 0, input=(1, 2, 5, 5))
E("Conv2d", 2, 2, 3, padding=-1, input=(1, 2, 5, 5))
E("Conv2d", 2, 2, (3, 0), input=(1, 2, 5, 5))
E("Conv1d", 2, 2, 3, dilation=0, input=(1, 2, 5))
E("ConvTranspose2d", 2, 2, 3, 1, 0, -1, input=(1, 2, 5, 5))
E("ConvTranspose1d", 2, 2, 3, dilation=0, input=(1, 2, 5))
E("ConvTranspose2d", 2, 2, 3, 1, 0, 1, input=(1, 2, 5, 5))
E("AdaptiveAvgPool2d", -1, input=(1, 1, 4, 4))
E("AdaptiveAvgPool1d", (1, 2), input=(1, 1, 4))
E("AdaptiveMaxPool2d", (1, 2, 3), input=(1, 1, 4, 4))
E("CrossEntropyLoss", label_smoothing=1.5, input=(2, 3))
E("HuberLoss", "mean", -1.0, input=(2, 3))
E("SmoothL1Loss", beta=-1.0, input=(2, 3))
E("Embedding", 3, 2, 5)
E("Embedding", 3, 2, -4)
E("Embedding", 3, 2, _weight=torch.ones(2, 2))
E("BCEWithLogitsLoss", reduction="total", input=(2, 3))
E("KLDivLoss", reduction="avg", input=(2, 3))


def call_forms(name, args, kwargs):
    params = params_of(name)
    names = [p for p, _ in params]
    if any(isinstance(a, dict) for a in args) or name in ("Sequential", "Identity"):
        positional, rest = list(args), dict(kwargs)  # *args / a dict: no other form
        return (list(args), dict(kwargs)), (positional, rest)
    # positional: every positional parameter up to the last one given, defaults filled in
    given = dict(zip(names, args))
    given.update({k: v for k, v in kwargs.items() if k in names})
    last = max((names.index(k) for k in given), default=-1)
    positional = []
    for p, default in params[: last + 1]:
        positional.append(given[p] if p in given else default)
    rest = {k: v for k, v in kwargs.items() if k not in names}
    # keywords: required arguments positional, the rest by name
    required = [p for p, d in params if d is inspect.Parameter.empty]
    kw_args = [given[p] for p in required]
    kw = {p: given[p] for p in names if p in given and p not in required}
    kw.update(rest)
    return (positional, rest), (kw_args, kw)


def fmt_call(name, args, kwargs):
    return f"{name}({', '.join([repr(a) for a in args] + [f'{k}={v!r}' for k, v in kwargs.items()])})"


cases = []
for name, args, kwargs in CASES:
    cls = getattr(nn, name)
    want = repr(cls(*build(list(args)), **build(kwargs)))
    (pa, pk), (ka, kk) = call_forms(name, args, kwargs)
    for a, k in ((pa, pk), (ka, kk)):
        got = repr(cls(*build(list(a)), **build(k)))
        assert got == want, (name, a, k, got, want)
    cases.append({
        "module": name,
        "params": [p for p, _ in params_of(name)],
        "call": {"args": enc(list(args)), "kwargs": {k: enc(v) for k, v in kwargs.items()}},
        "positional": {"args": enc(pa), "kwargs": {k: enc(v) for k, v in pk.items()}},
        "keywords": {"args": enc(ka), "kwargs": {k: enc(v) for k, v in kk.items()}},
        "repr": want,
    })

class DidNotRaise(Exception):
    pass


errors = []
for name, args, kwargs, shape in ERRORS:
    at = "init"
    try:
        m = getattr(nn, name)(*build(list(args)), **build(kwargs))
        if shape is None:
            raise DidNotRaise(fmt_call(name, args, kwargs))
        at = "forward"
        x = torch.randn(shape)
        m(x, x) if "Loss" in name else m(x)
        raise DidNotRaise(f"{fmt_call(name, args, kwargs)} on {shape}")
    except DidNotRaise:
        raise
    except Exception as e:  # noqa: BLE001 - recording PyTorch's exception
        err = e
    errors.append({
        "module": name,
        "call": {"args": enc(list(args)), "kwargs": {k: enc(v) for k, v in kwargs.items()}},
        "at": at,
        "type": type(err).__name__,
        "message": err.args[0] if type(err).__name__ == "KeyError" else str(err),
        "python": fmt_call(name, args, kwargs),
    })

OUT.write_text(json.dumps({"torch": torch.__version__, "cases": cases, "errors": errors}, separators=(",", ":")) + "\n")
print(f"wrote {OUT} ({len(cases)} calls, {len(errors)} errors)")
