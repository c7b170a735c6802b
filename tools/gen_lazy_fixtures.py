#!/usr/bin/python3
"""Writes test/fixtures/nn_lazy.json: PyTorch 1.13's Lazy* modules, each built after
torch.manual_seed(seed) and called once (which materializes and initializes its parameters with
draws from that seed), for test/nn/lazy.test.ts.

    /usr/bin/python3 tools/gen_lazy_fixtures.py

A case: name (the test builds the same module from test/nn/lazy.test.ts's table), seed, the
input (made before the seed, from its own generator), the repr before and after the call (the
module becomes its eager class), the output, a fixed upstream gradient, the state dict after
the call and the parameters' gradients.
"""
import json
import warnings

import torch
import torch.nn as nn

from fixtures_common import OUT_DIR
from gen_op_fixtures import enc_tensor as enc

warnings.simplefilter("ignore")

CASES = [
    ("LazyLinear", lambda: nn.LazyLinear(3), [2, 5]),
    ("LazyLinear.nobias_3d", lambda: nn.LazyLinear(4, bias=False), [3, 2, 6]),
    ("LazyLinear.float64", lambda: nn.LazyLinear(3, dtype=torch.float64), [2, 4]),
    ("LazyConv1d", lambda: nn.LazyConv1d(4, 3, stride=2), [2, 3, 9]),
    ("LazyConv2d.groups", lambda: nn.LazyConv2d(4, 3, padding=1, groups=2), [2, 4, 5, 5]),
    ("LazyConv2d.unbatched", lambda: nn.LazyConv2d(3, 2), [2, 4, 4]),
    ("LazyConv3d", lambda: nn.LazyConv3d(2, 2), [1, 2, 3, 4, 4]),
    ("LazyConvTranspose1d.unbatched_groups", lambda: nn.LazyConvTranspose1d(6, 2, stride=2, groups=3), [3, 7]),
    ("LazyConvTranspose2d", lambda: nn.LazyConvTranspose2d(2, 3, stride=2, padding=1, output_padding=1), [1, 3, 4, 4]),
    ("LazyConvTranspose3d", lambda: nn.LazyConvTranspose3d(2, 2), [1, 2, 2, 3, 3]),
    ("LazyBatchNorm1d", lambda: nn.LazyBatchNorm1d(), [4, 3]),
    ("LazyBatchNorm2d.momentum", lambda: nn.LazyBatchNorm2d(momentum=0.2), [2, 3, 4, 4]),
    ("LazyBatchNorm3d.no_affine", lambda: nn.LazyBatchNorm3d(affine=False), [2, 2, 2, 3, 3]),
    ("LazyInstanceNorm1d", lambda: nn.LazyInstanceNorm1d(), [2, 3, 5]),
    ("LazyInstanceNorm2d.plain", lambda: nn.LazyInstanceNorm2d(affine=False, track_running_stats=False), [2, 3, 4, 4]),
    ("LazyInstanceNorm3d", lambda: nn.LazyInstanceNorm3d(), [1, 2, 2, 3, 3]),
]


def case(i, name, make, shape):
    g = torch.Generator().manual_seed(700 + i)
    probe = make()
    dtype = torch.float64 if "float64" in name else torch.float32
    x = torch.randn(shape, generator=g, dtype=dtype)
    seed = 40 + i
    torch.manual_seed(seed)
    m = make()
    before = repr(m)
    y = m(x)
    gout = torch.randn(y.shape, generator=g, dtype=dtype)
    params = list(m.named_parameters())
    grads = torch.autograd.grad(y, [p for _, p in params], gout) if params else []
    del probe
    return {
        "name": name, "seed": seed, "input": enc(x), "reprBefore": before, "reprAfter": repr(m), "className": type(m).__name__,
        "output": enc(y), "gradOutput": enc(gout),
        "stateDict": {k: enc(v) for k, v in m.state_dict().items()},
        "paramGrads": {n: enc(gr) for (n, _), gr in zip(params, grads)},
    }


def main():
    cases = [case(i, *c) for i, c in enumerate(CASES)]
    (OUT_DIR / "nn_lazy.json").write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print("nn_lazy.json", len(cases))


if __name__ == "__main__":
    main()
