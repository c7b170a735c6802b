#!/usr/bin/python3
"""tanh and sigmoid in float32 and their gradients from real PyTorch, for a bit-for-bit check.

Run with Debian's PyTorch 1.13: /usr/bin/python3 tools/gen_activation_grad_fixture.py
Writes test/fixtures/activation_grad_float32.json: per function, x and the incoming gradient g
(float32, 1001 elements, |x| up to 9 so that many outputs lie near +-1, where 1 - y * y and
1 - y cancel), the output y and the input gradient. ATen computes the gradients from y:
tanh_backward a * (1 - b * b) with 1 - b * b fused into one rounding (the compiler contracts it
into an FMA on x86-64 with AVX2/AVX-512), and sigmoid_backward (a * (1 - b)) * b.
"""
import json
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "activation_grad_float32.json"
N = 1001


def floats(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def main():
    gen = torch.Generator().manual_seed(20261202)
    data = {"torch": torch.__version__}
    for name, fn in (("tanh", torch.tanh), ("sigmoid", torch.sigmoid)):
        x = ((torch.rand(N, generator=gen, dtype=torch.float64) * 2 - 1) * 9).to(torch.float32)
        g = torch.randn(N, generator=gen, dtype=torch.float64).to(torch.float32)
        xl = x.clone().requires_grad_()
        y = fn(xl)
        (gx,) = torch.autograd.grad(y, [xl], g)
        data[name] = {"x": floats(x), "g": floats(g), "y": floats(y.detach()), "grad": floats(gx)}
    OUT.write_text(json.dumps(data) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
