#!/usr/bin/python3
"""Writes test/fixtures/nn_spectral_norm.json: torch.nn.utils.spectral_norm of PyTorch 1.13 on
layers built after torch.manual_seed(seed) (u and v drawn from the same generator right after),
for test/nn/spectralNorm.test.ts: the state dict after spectral_norm, two training forwards (each
a power iteration) with their outputs, u and v after them and the gradients of the second, an
eval forward (no iteration), and the weight remove_spectral_norm leaves.

    /usr/bin/python3 tools/gen_spectral_norm_fixtures.py
"""
import json

import torch
import torch.nn as nn

from fixtures_common import OUT_DIR
from gen_op_fixtures import enc_tensor as enc

# name, layer, spectral_norm's keywords, input shape
CASES = [
    ("Linear", lambda: nn.Linear(5, 4), {}, [3, 5]),
    ("Linear.iterations3", lambda: nn.Linear(6, 3), {"n_power_iterations": 3}, [2, 6]),
    ("Conv2d", lambda: nn.Conv2d(2, 3, 3), {}, [2, 2, 5, 5]),
    ("ConvTranspose2d", lambda: nn.ConvTranspose2d(3, 2, 2), {}, [1, 3, 3, 3]),
    ("Conv1d.dim1_eps", lambda: nn.Conv1d(3, 4, 2), {"dim": 1, "eps": 1e-4}, [2, 3, 5]),
]


def case(i, name, make, kwargs, shape):
    g = torch.Generator().manual_seed(850 + i)
    x = torch.randn(shape, generator=g)
    seed = 75 + i
    torch.manual_seed(seed)
    m = make()
    nn.utils.spectral_norm(m, **kwargs)
    sd = {k: enc(v) for k, v in m.state_dict().items()}
    y1 = m(x)
    y2 = m(x)
    gout = torch.randn(y2.shape, generator=g)
    params = list(m.named_parameters())
    grads = torch.autograd.grad(y2, [p for _, p in params], gout)
    after = {k: enc(v) for k, v in m.state_dict().items()}
    m.eval()
    y3 = m(x)
    nn.utils.remove_spectral_norm(m)
    return {
        "name": name, "seed": seed, "input": enc(x), "stateDictKeys": list(sd.keys()), "stateDict": sd,
        "outputs": [enc(y1.detach()), enc(y2.detach())], "gradOutput": enc(gout),
        "grads": {n: enc(gr) for (n, _), gr in zip(params, grads)},
        "afterTraining": after, "evalOutput": enc(y3.detach()),
        "afterRemoveKeys": list(m.state_dict().keys()), "afterRemove": {k: enc(v) for k, v in m.state_dict().items()},
    }


def main():
    cases = [case(i, *c) for i, c in enumerate(CASES)]
    (OUT_DIR / "nn_spectral_norm.json").write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print("nn_spectral_norm.json", len(cases))
    for c in cases:
        print(c["name"], c["stateDictKeys"], c["afterRemoveKeys"])


if __name__ == "__main__":
    main()
