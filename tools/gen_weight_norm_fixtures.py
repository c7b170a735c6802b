#!/usr/bin/python3
"""Writes test/fixtures/nn_weight_norm.json: torch.nn.utils.weight_norm of PyTorch 1.13 on layers
built after torch.manual_seed(seed), for test/nn/weightNorm.test.ts: the state dict after
weight_norm (keys in order, g and v), a forward's output, the gradients of g, v and the other
parameters for a fixed upstream gradient, then the weight remove_weight_norm leaves after one
SGD step.

    /usr/bin/python3 tools/gen_weight_norm_fixtures.py
"""
import json

import torch
import torch.nn as nn

from fixtures_common import OUT_DIR
from gen_op_fixtures import enc_tensor as enc

# name, layer, weight_norm's dim (None: the whole tensor), input shape
CASES = [
    ("Linear.dim0", lambda: nn.Linear(5, 3), 0, [4, 5]),
    ("Linear.dim1", lambda: nn.Linear(5, 3), 1, [4, 5]),
    ("Linear.whole", lambda: nn.Linear(5, 3), None, [4, 5]),
    ("Conv2d.dim0", lambda: nn.Conv2d(2, 3, 3), 0, [2, 2, 5, 5]),
    ("Conv2d.dim1", lambda: nn.Conv2d(2, 3, 3), 1, [2, 2, 5, 5]),
    ("Conv1d.dim2_nobias", lambda: nn.Conv1d(2, 4, 3, bias=False), 2, [2, 2, 6]),
    ("ConvTranspose1d.minus2", lambda: nn.ConvTranspose1d(3, 2, 2), -2, [2, 3, 4]),
]


def case(i, name, make, dim, shape):
    g = torch.Generator().manual_seed(800 + i)
    x = torch.randn(shape, generator=g, dtype=torch.float64)
    seed = 70 + i
    torch.manual_seed(seed)
    m = make().double()
    nn.utils.weight_norm(m, dim=dim)
    sd = {k: enc(v) for k, v in m.state_dict().items()}  # encoded now: the step below changes them in place
    y = m(x)
    gout = torch.randn(y.shape, generator=g, dtype=torch.float64)
    params = list(m.named_parameters())
    grads = torch.autograd.grad(y, [p for _, p in params], gout)
    with torch.no_grad():
        for p, gr in zip([p for _, p in params], grads):
            p.sub_(0.1 * gr)
    nn.utils.remove_weight_norm(m)
    return {
        "name": name, "seed": seed, "dim": dim, "input": enc(x), "stateDictKeys": list(sd.keys()),
        "stateDict": sd, "output": enc(y.detach()), "gradOutput": enc(gout),
        "grads": {n: enc(gr) for (n, _), gr in zip(params, grads)},
        "afterRemove": {k: enc(v) for k, v in m.state_dict().items()}, "afterRemoveKeys": list(m.state_dict().keys()),
    }


def main():
    cases = [case(i, *c) for i, c in enumerate(CASES)]
    (OUT_DIR / "nn_weight_norm.json").write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print("nn_weight_norm.json", len(cases))
    for c in cases:
        print(c["name"], c["stateDictKeys"], c["afterRemoveKeys"], c["stateDict"][c["stateDictKeys"][-2]]["shape"])


if __name__ == "__main__":
    main()
