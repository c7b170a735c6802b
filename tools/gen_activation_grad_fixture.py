#!/usr/bin/python3
"""tanh and sigmoid in float32 and their gradients from real PyTorch, for a bit-for-bit check.

Run with Debian's PyTorch 1.13: /usr/bin/python3 tools/gen_activation_grad_fixture.py
Writes test/fixtures/activation_grad_float32.json: per function, x and the incoming gradient g
(float32, 1001 elements, |x| up to 9 so that many outputs lie near +-1, where 1 - y * y and
1 - y cancel), the output y and the input gradient. ATen computes the gradients from y:
tanh_backward a * (1 - b * b) with 1 - b * b fused into one rounding (the compiler contracts it
into an FMA on x86-64 with AVX2/AVX-512), and sigmoid_backward (a * (1 - b)) * b. And binary
cross-entropy (reduction "none") with saturated inputs (exactly 0 and 1): its input gradient
g (x - t) / max((1 - x) x, 1e-12) and target gradient (log(1 - x) - log(x)) g.
"""
import json
import math
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "activation_grad_float32.json"
N = 1001


def floats(t):
    """Floats by repr; the non-finite ones as "inf", "-inf", "nan" (JSON has no literal for them)."""
    out = []
    for v in t.reshape(-1).tolist():
        v = float(v)
        out.append(v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")))
    return out


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
    # binary cross-entropy (reduction "sum"): inputs in (0, 1) and saturated ones, exactly 0 and 1
    x = torch.rand(N, generator=gen, dtype=torch.float64).to(torch.float32)
    x[:8] = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30, 1 - 2 ** -24, 2 ** -149])
    t = torch.rand(N, generator=gen, dtype=torch.float64).to(torch.float32)
    t[:4] = torch.tensor([0.0, 1.0, 1.0, 0.0])
    xl, tl = x.clone().requires_grad_(), t.clone().requires_grad_()
    loss = torch.nn.functional.binary_cross_entropy(xl, tl, reduction="none")
    g = torch.randn(N, generator=gen, dtype=torch.float64).to(torch.float32)
    gx, gt = torch.autograd.grad(loss, [xl, tl], g)
    data["binary_cross_entropy"] = {"x": floats(x), "t": floats(t), "g": floats(g), "loss": floats(loss.detach()),
                                    "grad_x": floats(gx), "grad_t": floats(gt)}
    OUT.write_text(json.dumps(data, allow_nan=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
