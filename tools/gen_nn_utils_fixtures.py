#!/usr/bin/python3
"""Writes test/fixtures/nn_utils_misc.json for test/nn/initUtils.test.ts (PyTorch 1.13):
nn.init.sparse_ after torch.manual_seed (its normal draws, then one randperm per column), and the
draw that follows nn.utils.skip_init (which must leave the default generator untouched).

    /usr/bin/python3 tools/gen_nn_utils_fixtures.py
"""
import json

import torch

from fixtures_common import OUT_DIR
from gen_op_fixtures import enc_tensor as enc

SPARSE = [
    # seed, shape, dtype, sparsity, std (None: the default)
    (3, [6, 4], torch.float32, 0.5, 0.02),
    (4, [5, 3], torch.float64, 0.3, None),
    (5, [20, 7], torch.float32, 0.15, 1.0),
    (6, [4, 2], torch.float32, 1.0, None),
]


def main():
    sparse = []
    for seed, shape, dtype, sparsity, std in SPARSE:
        torch.manual_seed(seed)
        w = torch.empty(shape, dtype=dtype)
        torch.nn.init.sparse_(w, sparsity) if std is None else torch.nn.init.sparse_(w, sparsity, std)
        sparse.append({"seed": seed, "shape": shape, "sparsity": sparsity, "std": std, "result": enc(w)})
    torch.manual_seed(7)
    torch.nn.utils.skip_init(torch.nn.Linear, 4, 3)
    after_skip = torch.randn(5)
    data = {"torch": torch.__version__, "sparse": sparse, "skipInit": {"seed": 7, "next": enc(after_skip)}}
    (OUT_DIR / "nn_utils_misc.json").write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print("nn_utils_misc.json", len(sparse))


if __name__ == "__main__":
    main()
