#!/usr/bin/python3
"""Records glibc's double log/sin/cos (the libm PyTorch 1.13.1 links on Debian bookworm) in
test/fixtures/libm.json, for test/libm.test.ts to check src/random/libm/ bit for bit.

Run on x86-64 with glibc 2.36 and a CPU with FMA and AVX2: libm.so.6 then dispatches (ifunc)
to __log_fma, __sin_fma and __cos_fma, the variants the ports reproduce. The script refuses
to run anywhere else rather than record another variant's results.

Inputs are drawn the way PyTorch's normal sampler draws them (log of 1 - u and of u for a
53-bit double uniform u, sin/cos of 2*pi*u), plus every branch of the glibc code: x near 1,
subnormals, all exponents, the range-reduction thresholds, near multiples of pi/2, huge
arguments (__branred), and the special values. Each case is "input:output" as the 16 hex
digits of the IEEE-754 bit pattern.
"""
import ctypes
import ctypes.util
import json
import math
import os
import platform
import random
import struct

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.gnu_get_libc_version.restype = ctypes.c_char_p
version = libc.gnu_get_libc_version().decode()
if platform.machine() != "x86_64" or version != "2.36":
    raise SystemExit(f"needs x86-64 glibc 2.36, found {platform.machine()} glibc {version}")
flags = set()
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
if not {"fma", "avx2"} <= flags:
    raise SystemExit("this CPU lacks FMA/AVX2: glibc would not run its __*_fma variants")

libm = ctypes.CDLL("libm.so.6")
FUNCS = {}
for name in ("log", "sin", "cos"):
    fn = getattr(libm, name)
    fn.restype = ctypes.c_double
    fn.argtypes = [ctypes.c_double]
    FUNCS[name] = fn


def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(b: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", b & 0xFFFFFFFFFFFFFFFF))[0]


def hexd(x: float) -> str:
    return f"{bits(x):016x}"


rng = random.Random(20240613)
TWO_PI = 2.0 * math.pi


def uniform53() -> float:
    """PyTorch's double uniform: (random64() & (2^53 - 1)) * 2^-53."""
    return rng.getrandbits(53) * 2.0**-53


def any_double(lo_exp: int, hi_exp: int) -> float:
    """A random double with a random biased exponent in [lo_exp, hi_exp] and random sign."""
    e = rng.randint(lo_exp, hi_exp)
    return from_bits((rng.getrandbits(1) << 63) | (e << 52) | rng.getrandbits(52))


def around(x: float, k: int) -> list:
    """x and its k neighbours on each side (bit patterns of a positive double)."""
    b = bits(x)
    return [from_bits(b + d) for d in range(-k, k + 1) if 0 <= b + d < 0x7FF0000000000000]


SPECIAL = [0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, -5e-324, 2.2250738585072014e-308,
           1.7976931348623157e308, -1.7976931348623157e308, 1.0, -1.0, 0.5, 2.0]

log_inputs = list(SPECIAL)
log_inputs += [1.0 - uniform53() for _ in range(700)]  # log(1 - u): scalar normal, exponential
log_inputs += [uniform53() or 2.0**-53 for _ in range(200)]  # 16-block path feeds 1 - d = u
log_inputs += [1.0 + (uniform53() - 0.5) * 0.25 for _ in range(250)]  # the x ~ 1 polynomial
log_inputs += [1.0 - rng.getrandbits(20) * 2.0**-53 for _ in range(50)]  # just below 1
log_inputs += [abs(any_double(1, 2046)) for _ in range(250)]  # every exponent
log_inputs += [from_bits(rng.getrandbits(52) or 1) for _ in range(50)]  # subnormals
log_inputs += around(1.0 - 2.0**-4, 3) + around(1.0 + float.fromhex("0x1.09p-4"), 3)
log_inputs += [2.0**e for e in range(-1074, 1024, 37)]
log_inputs += [-x for x in (0.5, 1.0, 3.0, 1e-310)]

sincos_inputs = list(SPECIAL)
sincos_inputs += [TWO_PI * uniform53() for _ in range(700)]  # Box-Muller angles
sincos_inputs += [(uniform53() - 0.5) * 20.0 for _ in range(200)]
sincos_inputs += [any_double(0x3C0, 0x41A) for _ in range(250)]  # tiny .. 2^27: table, reduce
sincos_inputs += [any_double(0x41A, 0x7FE) for _ in range(150)]  # huge: __branred
sincos_inputs += [any_double(0, 0x3C0) for _ in range(30)]
for _ in range(150):  # near multiples of pi/2: tiny reduced arguments
    k = rng.randint(-10**6, 10**6)
    sincos_inputs.append(k * (math.pi / 2) + (uniform53() - 0.5) * 2.0 ** -rng.randint(10, 40))
for t in ("0x1p-27", "0x1p-26", "0x1.b6p-1", "0x1.368fdp1", "0x1.921fbp26", "0x1.020c49ba5e354p-3"):
    x = float.fromhex(t)
    sincos_inputs += around(x, 2) + [-y for y in around(x, 1)]  # branch thresholds
sincos_inputs += [math.pi, math.pi / 2, math.pi / 4, 1e22, 2.0**1023, 105414350.0]

cases = {}
for name, inputs in (("log", log_inputs), ("sin", sincos_inputs), ("cos", sincos_inputs)):
    fn = FUNCS[name]
    cases[name] = [f"{hexd(x)}:{hexd(fn(x))}" for x in inputs]

out = {
    "source": f"glibc {version} libm.so.6 on x86-64 with FMA/AVX2 (__log_fma, __sin_fma, __cos_fma)",
    "format": "input:output, IEEE-754 double bit patterns in hex",
    **cases,
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "libm.json")
with open(path, "w") as f:
    json.dump(out, f, indent=0)
    f.write("\n")
print(f"wrote {os.path.normpath(path)}: " + ", ".join(f"{k} {len(v)}" for k, v in cases.items()))
