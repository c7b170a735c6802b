#!/usr/bin/python3
"""Writes test/fixtures/nn_fusion.json: torch.nn.utils.fusion of PyTorch 1.13 for
test/nn/fusion.test.ts: layers and batch norms (random parameters and running statistics, eval
mode) given by their state dicts, the fused layer's state dict and its output on an input.

    /usr/bin/python3 tools/gen_fusion_fixtures.py
"""
import json

import torch
import torch.nn as nn
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval

from fixtures_common import OUT_DIR
from gen_op_fixtures import enc_tensor as enc

# name, layer, batch norm, transpose, input shape
CASES = [
    ("Conv2d", lambda: nn.Conv2d(2, 3, 3), lambda: nn.BatchNorm2d(3), False, [2, 2, 5, 5]),
    ("Conv1d.nobias", lambda: nn.Conv1d(3, 4, 2, bias=False), lambda: nn.BatchNorm1d(4), False, [2, 3, 6]),
    ("ConvTranspose2d", lambda: nn.ConvTranspose2d(3, 2, 2, stride=2), lambda: nn.BatchNorm2d(2), True, [1, 3, 3, 3]),
    ("Conv2d.bn_no_affine", lambda: nn.Conv2d(2, 2, 1), lambda: nn.BatchNorm2d(2, affine=False), False, [1, 2, 3, 3]),
    ("Linear", lambda: nn.Linear(5, 4), lambda: nn.BatchNorm1d(4), None, [3, 5]),
]


def case(i, name, make, make_bn, transpose, shape):
    g = torch.Generator().manual_seed(950 + i)
    layer, bn = make().double(), make_bn().double()
    with torch.no_grad():
        for t in list(layer.parameters()) + list(bn.parameters()):
            t.copy_(torch.randn(t.shape, generator=g, dtype=torch.float64))
        bn.running_mean.copy_(torch.randn(bn.running_mean.shape, generator=g, dtype=torch.float64))
        bn.running_var.copy_(torch.rand(bn.running_var.shape, generator=g, dtype=torch.float64) + 0.5)
    layer.eval()
    bn.eval()
    x = torch.randn(shape, generator=g, dtype=torch.float64)
    fused = fuse_linear_bn_eval(layer, bn) if transpose is None else fuse_conv_bn_eval(layer, bn, transpose)
    return {
        "name": name, "transpose": transpose, "layer": {k: enc(v) for k, v in layer.state_dict().items()},
        "bn": {k: enc(v) for k, v in bn.state_dict().items()}, "input": enc(x),
        "fused": {k: enc(v) for k, v in fused.state_dict().items()}, "output": enc(fused(x).detach()),
        "unfused": enc(bn(layer(x)).detach()),
    }


def main():
    cases = [case(i, *c) for i, c in enumerate(CASES)]
    (OUT_DIR / "nn_fusion.json").write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print("nn_fusion.json", len(cases))


if __name__ == "__main__":
    main()
