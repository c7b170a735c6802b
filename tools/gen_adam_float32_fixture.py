#!/usr/bin/python3
"""Float32 Adam/AdamW steps of real PyTorch, for a bit-for-bit comparison.

Run with Debian's PyTorch 1.13: /usr/bin/python3 tools/gen_adam_float32_fixture.py
Writes test/fixtures/adam_float32.json: per case, the optimizer's options (PyTorch's keyword
arguments and torch-ts's camelCase ones), a float32 parameter's start values, the gradient of
each of 3 steps, and after each step the parameter and its state (exp_avg, exp_avg_sq,
max_exp_avg_sq). Lengths 301 (the wasm kernel; not a multiple of 4) and 37 (the TypeScript
kernel). Floats by Python's repr: float32 values widened exactly.

ATen's vectorized kernels fuse three of the update's multiply-adds (add with alpha is
vec::fmadd; addcmul is contracted by the compiler), so these bits are those of a PyTorch whose
CPU has FMA (x86 with AVX2 or AVX-512, arm64): the machine that made them is recorded.
"""
import json
import platform
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "adam_float32.json"
STEPS = 3

CASES = [
    ("adam", "Adam", dict(lr=1e-3), {}),
    ("adam_weight_decay_amsgrad", "Adam", dict(lr=1e-2, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
     {"betas": [0.8, 0.99], "weightDecay": 0.1, "amsgrad": True}),
    ("adam_maximize", "Adam", dict(lr=5e-3, maximize=True, eps=1e-6), {"maximize": True, "eps": 1e-6}),
    ("adamw", "AdamW", dict(lr=1e-3), {}),
    ("adamw_weight_decay_amsgrad_maximize", "AdamW", dict(lr=3e-3, weight_decay=0.05, amsgrad=True, maximize=True),
     {"weightDecay": 0.05, "amsgrad": True, "maximize": True}),
]


def floats(t):
    return [float(x) for x in t.reshape(-1).tolist()]


def run(cls, kwargs, n, seed):
    g = torch.Generator().manual_seed(seed)
    p = torch.nn.Parameter(torch.randn(n, generator=g, dtype=torch.float32))
    start = floats(p.detach())
    opt = getattr(torch.optim, cls)([p], **kwargs)
    steps = []
    for _ in range(STEPS):
        # gradients of several magnitudes, so that m and v take many exponents
        grad = torch.randn(n, generator=g) * torch.exp(torch.randn(n, generator=g) * 3) * 1e-2
        p.grad = grad.to(torch.float32)
        opt.step()
        state = opt.state[p]
        steps.append({
            "grad": floats(p.grad),
            "param": floats(p.detach()),
            "exp_avg": floats(state["exp_avg"]),
            "exp_avg_sq": floats(state["exp_avg_sq"]),
            "max_exp_avg_sq": floats(state["max_exp_avg_sq"]) if "max_exp_avg_sq" in state else None,
        })
    return {"start": start, "steps": steps}


def main():
    cases = []
    for i, (name, cls, kwargs, ts_options) in enumerate(CASES):
        for n in (301, 37):
            cases.append({"name": f"{name}/{n}", "optimizer": cls, "pytorch": {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()},
                          "options": {"lr": kwargs["lr"], **ts_options}, **run(cls, kwargs, n, 100 + i)})
    OUT.write_text(json.dumps({
        "generator": "tools/gen_adam_float32_fixture.py",
        "torch": torch.__version__,
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "cpuFlags": sorted({f for f in open("/proc/cpuinfo").read().split() if f in ("fma", "avx2", "avx512f")}),
        "cases": cases,
    }) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
