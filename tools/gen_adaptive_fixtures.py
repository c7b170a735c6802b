#!/usr/bin/python3
"""Writes test/fixtures/nn_adaptive.json: nn.AdaptiveLogSoftmaxWithLoss of PyTorch 1.13, built
after torch.manual_seed(seed), for test/nn/adaptive.test.ts: its state dict, forward's output and
loss for the given targets, log_prob and predict of the input, and the gradients of the loss
with respect to the input and every parameter.

    /usr/bin/python3 tools/gen_adaptive_fixtures.py
"""
import json

import torch
import torch.nn as nn

from fixtures_common import OUT_DIR
from gen_op_fixtures import enc_tensor as enc

# name, constructor arguments (positional, keyword), input shape, target (a list, or an int: 0-d)
CASES = [
    ("two_clusters", (8, 10, [3, 6]), {"div_value": 2.0}, [6, 8], [0, 4, 9, 2, 7, 5]),
    ("one_cluster_head_bias", (6, 12, [4]), {"head_bias": True}, [5, 6], [11, 3, 4, 0, 8]),
    ("unbatched", (8, 10, [3, 6]), {}, [8], 7),
    ("shortlist_only", (8, 10, [5]), {}, [3, 8], [0, 1, 2]),
    ("three_clusters", (16, 30, [5, 12, 20]), {"div_value": 2.0}, [9, 16], [29, 0, 13, 6, 19, 4, 21, 12, 5]),
]


def case(i, name, args, kwargs, shape, target):
    g = torch.Generator().manual_seed(900 + i)
    x = (torch.randn(shape, generator=g) * 3).requires_grad_()
    y = torch.tensor(target, dtype=torch.int64)
    seed = 60 + i
    torch.manual_seed(seed)
    m = nn.AdaptiveLogSoftmaxWithLoss(*args, **kwargs)
    sd = {k: enc(v) for k, v in m.state_dict().items()}
    out, loss = m(x, y)
    params = list(m.named_parameters())
    grads = torch.autograd.grad(loss, [x] + [p for _, p in params], allow_unused=True)
    xb = x.detach() if x.dim() == 2 else x.detach().unsqueeze(0)
    log_prob = m.log_prob(xb)
    predict = m.predict(xb)
    return {
        "name": name, "args": list(args), "kwargs": kwargs, "seed": seed, "repr": repr(m),
        "input": enc(x.detach()), "target": enc(y), "stateDict": sd,
        "output": enc(out.detach()), "loss": enc(loss.detach()),
        "inputGrad": enc(grads[0]), "paramGrads": {n: (enc(gr) if gr is not None else None) for (n, _), gr in zip(params, grads[1:])},
        "logProb": enc(log_prob.detach()), "predict": enc(predict),
    }


def main():
    cases = [case(i, *c) for i, c in enumerate(CASES)]
    (OUT_DIR / "nn_adaptive.json").write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print("nn_adaptive.json", len(cases))
    for c in cases:
        print(c["name"], c["predict"]["data"])


if __name__ == "__main__":
    main()
