#!/usr/bin/python3
"""float32 matmul fixtures for test/wasmMatmul.test.ts, made with real PyTorch.

    /usr/bin/python3 tools/gen_wasm_fixtures.py     # (re)writes test/fixtures/wasm_matmul.json

Each case stores its float32 operands as given to torch.matmul (a: [batch, m, k] or
transposed storage, b likewise) and PyTorch's float32 result, so the test checks the wasm
kernel against PyTorch on odd sizes, batched and transposed operands.
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "wasm_matmul.json")


def vals(t):
    # 9 significant digits round-trip a float32 exactly
    return [float("%.9g" % v) for v in t.contiguous().reshape(-1).tolist()]


def main():
    torch.manual_seed(9)
    torch.set_num_threads(1)
    cases = []
    # (name, batch, m, k, n, transpose_a, transpose_b)
    for name, batch, m, k, n, ta, tb in [
        ("square_17", 1, 17, 17, 17, False, False),
        ("odd_3x65x9", 1, 3, 65, 9, False, False),
        ("batched_2x13x33x19", 2, 13, 33, 19, False, False),
        ("transposed_a_5x130x7", 1, 5, 130, 7, True, False),
        ("transposed_b_9x20x31", 1, 9, 20, 31, False, True),
        ("both_transposed_batched", 3, 6, 11, 10, True, True),
        ("vector_1x40x1", 1, 1, 40, 1, False, False),
    ]:
        # storage of a transposed operand is the contiguous [batch, k, m] (or [batch, n, k]) tensor
        sa = torch.randn(batch, k, m) if ta else torch.randn(batch, m, k)
        sb = torch.randn(batch, n, k) if tb else torch.randn(batch, k, n)
        a = sa.transpose(1, 2) if ta else sa
        b = sb.transpose(1, 2) if tb else sb
        out = torch.matmul(a, b)
        cases.append({
            "name": name, "batch": batch, "m": m, "k": k, "n": n,
            "transposeA": ta, "transposeB": tb,
            "aStorage": vals(sa), "bStorage": vals(sb), "out": vals(out),
        })
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
