#!/usr/bin/python3
"""Float32 division and its two gradients from real PyTorch, for a bit-for-bit comparison.

Run with Debian's PyTorch 1.13: /usr/bin/python3 tools/gen_div_grad_fixture.py
Writes test/fixtures/div_grad_float32.json: x, y and the incoming gradient g (float32, 301
elements, magnitudes over many decades so the roundings differ between formulas), x / y, and
the gradients PyTorch's autograd gives: g / y for x and -g * ((x / y) / y) for y
(div_tensor_other_backward in torch/csrc/autograd/FunctionsManual.cpp). Each is one float32
op after another, so any other order of the same maths (say -g * x / (y * y)) differs in
some bits. Floats by Python's repr: float32 values widened exactly.
"""
import json
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "div_grad_float32.json"
N = 301


def floats(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def spread(gen):
    # values of many exponents, both signs
    return (torch.randn(N, generator=gen, dtype=torch.float64)
            * torch.exp(torch.randn(N, generator=gen, dtype=torch.float64) * 3)).to(torch.float32)


def main():
    gen = torch.Generator().manual_seed(20261202)
    x, y, g = spread(gen), spread(gen), spread(gen)
    xl, yl = x.clone().requires_grad_(), y.clone().requires_grad_()
    out = torch.div(xl, yl)
    gx, gy = torch.autograd.grad(out, [xl, yl], g)
    data = {"torch": torch.__version__, "x": floats(x), "y": floats(y), "g": floats(g),
            "out": floats(out.detach()), "grad_x": floats(gx), "grad_y": floats(gy)}
    OUT.write_text(json.dumps(data) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
