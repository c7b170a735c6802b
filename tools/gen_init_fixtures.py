#!/usr/bin/python3
"""Writes test/fixtures/nn_init_names.json for test/nn/initNames.test.ts: torch.erfinv (values,
gradient, a stream of inputs for bit-level agreement), glibc's erf/erff as hex bit patterns
(x, f(x)), nn.init.trunc_normal_ and
nn.init.orthogonal_ after torch.manual_seed (PyTorch 1.13's random streams).

Run with Debian's PyTorch 1.13:  /usr/bin/python3 tools/gen_init_fixtures.py
"""
import ctypes
import math
import struct

import torch
import torch.nn as nn

from fixtures_common import enc, error_case, fcase, write

g = torch.Generator().manual_seed(5)
FUNCS = []
FUNCS += fcase("erfinv", lambda y: torch.erfinv(y), [torch.rand(3, 4, generator=g, dtype=torch.float64) * 1.9 - 0.95])
FUNCS += fcase("erfinv.tails_transposed", lambda y: y.erfinv(),
               [(torch.tensor([[-0.999, 0.99], [0.9999, -0.75], [0.7, -0.70001]], dtype=torch.float64), True, "transpose")])
FUNCS += fcase("erfinv.special", lambda y: torch.erfinv(y), [torch.tensor([-1.0, 1.0, 0.0, -0.0, 1.5, float("nan")], dtype=torch.float64)],
               gradcheck=False)

# A stream of inputs across both branches of the kernel (|y| <= 0.7 and the tails).
STREAMS = []
for dtype in (torch.float32, torch.float64):
    y = torch.cat([torch.rand(3000, generator=g, dtype=dtype) * 2 - 1,
                   1 - torch.rand(500, generator=g, dtype=dtype) * 1e-3,
                   torch.rand(500, generator=g, dtype=dtype) * 0.02 + 0.69])
    STREAMS.append({"y": enc(y), "erfinv": enc(torch.erfinv(y))})

# glibc's erf and erff (PyTorch's erfinv kernel calls them), as bit patterns: Python's math.erf is
# the C library's erf; erff through ctypes.
libm = ctypes.CDLL("libm.so.6")
libm.erff.restype, libm.erff.argtypes = ctypes.c_float, [ctypes.c_float]
xs = (torch.rand(4000, generator=g, dtype=torch.float64) * 14 - 7).tolist() + [0.0, -0.0, 1e-300, -2e-9, 0.84375, 1.25, 2.857, 6.0, -6.5]
f32 = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]
LIBM = {
    "erf": [[struct.unpack("<Q", struct.pack("<d", x))[0].to_bytes(8, "big").hex(),
             struct.unpack("<Q", struct.pack("<d", math.erf(x)))[0].to_bytes(8, "big").hex()] for x in xs],
    "erff": [[struct.unpack("<I", struct.pack("<f", f32(x)))[0].to_bytes(4, "big").hex(),
              struct.unpack("<I", struct.pack("<f", libm.erff(f32(x))))[0].to_bytes(4, "big").hex()] for x in xs],
}

INITS = []


def init_case(name, fn, shape, dtype, seed, call, generator_seed=None):
    """call: how torch-ts is called (positional args and options), mirrored from fn."""
    torch.manual_seed(seed)
    t = torch.empty(shape, dtype=dtype)
    gen = torch.Generator().manual_seed(generator_seed) if generator_seed is not None else None
    fn(t, gen)
    after = torch.rand(3, dtype=dtype)  # where the default generator stands afterwards
    INITS.append({"name": name, "shape": list(shape), "dtype": str(dtype)[6:], "seed": seed, "call": call,
                  "generatorSeed": generator_seed, "value": enc(t), "after": enc(after)})


for dtype in (torch.float32, torch.float64):
    d = str(dtype)[6:]
    init_case(f"truncNormal_.default/{d}", lambda t, _: nn.init.trunc_normal_(t), (4, 5), dtype, 0, {"args": [], "opts": {}})
    init_case(f"truncNormal_.args/{d}", lambda t, _: nn.init.trunc_normal_(t, 0.5, 0.02, -0.1, 1.0), (64,), dtype, 3,
              {"args": [0.5, 0.02, -0.1, 1.0], "opts": {}})
    init_case(f"truncNormal_.options/{d}", lambda t, _: nn.init.trunc_normal_(t, std=0.02), (3, 8, 2), dtype, 42,
              {"args": [], "opts": {"std": 0.02}})
    init_case(f"truncNormal_.narrow/{d}", lambda t, _: nn.init.trunc_normal_(t, mean=1.0, std=2.0, a=0.5, b=1.5), (17,), dtype, 7,
              {"args": [], "opts": {"mean": 1.0, "std": 2.0, "a": 0.5, "b": 1.5}})
    init_case(f"orthogonal_.wide/{d}", lambda t, _: nn.init.orthogonal_(t), (3, 5), dtype, 0, {"args": [], "opts": {}})
    init_case(f"orthogonal_.tall/{d}", lambda t, _: nn.init.orthogonal_(t, 2.0), (6, 4), dtype, 1, {"args": [2.0], "opts": {}})
    init_case(f"orthogonal_.square/{d}", lambda t, _: nn.init.orthogonal_(t), (8, 8), dtype, 2, {"args": [], "opts": {}})
    init_case(f"orthogonal_.conv/{d}", lambda t, _: nn.init.orthogonal_(t, gain=nn.init.calculate_gain("relu")), (4, 2, 3, 3), dtype, 9,
              {"args": [], "opts": {"gain": nn.init.calculate_gain("relu")}})
    init_case(f"orthogonal_.big/{d}", lambda t, _: nn.init.orthogonal_(t), (40, 24), dtype, 11, {"args": [], "opts": {}})

# eye_ and dirac_: no draws (the generator stays where the seed put it).
for dtype in (torch.float32, torch.float64):
    d = str(dtype)[6:]
    init_case(f"eye_.wide/{d}", lambda t, _: nn.init.eye_(t), (3, 5), dtype, 0, {"args": [], "opts": {}})
    init_case(f"eye_.tall/{d}", lambda t, _: nn.init.eye_(t), (4, 2), dtype, 0, {"args": [], "opts": {}})
    init_case(f"dirac_.conv1d/{d}", lambda t, _: nn.init.dirac_(t), (3, 2, 3), dtype, 0, {"args": [], "opts": {}})
    init_case(f"dirac_.conv2d_groups/{d}", lambda t, _: nn.init.dirac_(t, 2), (6, 2, 3, 4), dtype, 0, {"args": [2], "opts": {}})
    init_case(f"dirac_.conv3d/{d}", lambda t, _: nn.init.dirac_(t, groups=1), (2, 3, 3, 2, 3), dtype, 0, {"args": [], "opts": {"groups": 1}})

ERRORS = [
    error_case("orthogonal_.1d", lambda: nn.init.orthogonal_(torch.empty(3))),
    error_case("eye_.3d", lambda: nn.init.eye_(torch.empty(2, 2, 2))),
    error_case("dirac_.2d", lambda: nn.init.dirac_(torch.empty(2, 2))),
    error_case("dirac_.groups", lambda: nn.init.dirac_(torch.empty(5, 2, 3), 2)),
]


def main():
    write("nn_init_names.json", {"functional": FUNCS, "streams": STREAMS, "libm": LIBM, "inits": INITS, "errors": ERRORS})


if __name__ == "__main__":
    main()
