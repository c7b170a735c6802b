#!/usr/bin/python3
"""PyTorch's float32 pow(x, s) bit for bit for the exponents ATen special-cases (2, 3, 0.5,
-0.5, -1, -2) and one it does not (1.7): test/fixtures/pow_exact.json.

Run with Debian's PyTorch: /usr/bin/python3 tools/gen_pow_fixtures.py
Values are float32 bit patterns (uint32), so the test compares exactly.
"""
import json
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "pow_exact.json"
g = torch.Generator().manual_seed(15)
x = torch.cat([torch.randn(2000, generator=g) * 3, torch.rand(500, generator=g) * 10,
               torch.tensor([0.0, -0.0, float("inf"), -float("inf"), float("nan"), 1e-30, 3e12])]).float()
bits = lambda t: t.contiguous().view(torch.int32).tolist()
cases = {str(s): [b & 0xFFFFFFFF for b in bits(x.pow(s))] for s in [2, 3, 0.5, -0.5, -1, -2, 1.7]}
OUT.write_text(json.dumps({"torch": torch.__version__, "x": [b & 0xFFFFFFFF for b in bits(x)], "pow": cases}))
print(f"wrote {len(x)} values x {len(cases)} exponents to {OUT}")
