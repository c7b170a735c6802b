#!/usr/bin/env python3
"""Writes test/fixtures/random_*.json from Debian's PyTorch 1.13.1 (run with /usr/bin/python3).

Every case seeds torch's default CPU generator with manual_seed(seed) and records what one
random call returns. Floats are written with repr(), which round-trips exactly through
JSON.parse (float32 values are stored as their exact float64 value). int64 values that
do not fit a double exactly are written as decimal strings.
"""
import json
import math
import os

import torch

assert torch.__version__.startswith("1.13"), torch.__version__
torch.set_num_threads(1)

SEEDS = [0, 1, 42, 2**40 + 5]
SIZES = [1, 15, 16, 17, 1000]
FLOAT_DTYPES = {"float32": torch.float32, "float64": torch.float64}
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")


def values(t):
    flat = t.reshape(-1).tolist()
    if t.dtype == torch.int64:
        return [v if abs(v) <= 2**53 else str(v) for v in flat]
    if t.dtype == torch.bool:
        return [int(v) for v in flat]
    return flat


def write(name, obj):
    path = os.path.join(OUT, f"random_{name}.json")
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(path, os.path.getsize(path), "bytes")


def seeded(seed):
    torch.manual_seed(seed)


# ---- generator / seeding
gen_cases = []
for seed in SEEDS + [-1, 2**64 - 1]:
    g = torch.Generator().manual_seed(seed)
    gen_cases.append({"seed": str(seed), "initialSeed": str(g.initial_seed()),
                      "rand64": values(torch.rand(5, dtype=torch.float64, generator=g))})
fresh = torch.Generator()
write("generator", {
    "torch": torch.__version__,
    "freshInitialSeed": str(fresh.initial_seed()),
    "freshRand": values(torch.rand(5, generator=fresh)),
    "cases": gen_cases,
})

# ---- uniform family
cases = []
for seed in SEEDS:
    for dt in FLOAT_DTYPES:
        for n in SIZES:
            seeded(seed)
            cases.append({"fn": "rand", "seed": seed, "dtype": dt, "size": n,
                          "values": values(torch.rand(n, dtype=FLOAT_DTYPES[dt]))})
            for lo, hi in [(-2.5, 3.75), (-1 / math.sqrt(10), 1 / math.sqrt(10))]:
                seeded(seed)
                t = torch.empty(n, dtype=FLOAT_DTYPES[dt]).uniform_(lo, hi)
                cases.append({"fn": "uniform", "seed": seed, "dtype": dt, "size": n,
                              "from": lo, "to": hi, "values": values(t)})
write("uniform", cases)

# ---- normal family
cases = []
for seed in SEEDS:
    for dt in FLOAT_DTYPES:
        for n in SIZES:
            seeded(seed)
            cases.append({"fn": "randn", "seed": seed, "dtype": dt, "size": n,
                          "values": values(torch.randn(n, dtype=FLOAT_DTYPES[dt]))})
            seeded(seed)
            t = torch.empty(n, dtype=FLOAT_DTYPES[dt]).normal_(1.5, 0.25)
            cases.append({"fn": "normal", "seed": seed, "dtype": dt, "size": n,
                          "mean": 1.5, "std": 0.25, "values": values(t)})
write("normal", cases)

# ---- randint / randperm
cases = []
INT_DTYPES = {"int64": torch.int64, "int32": torch.int32, "float32": torch.float32,
              "float64": torch.float64}
for seed in SEEDS:
    for n in SIZES:
        for lo, hi, dt in [(0, 10, "int64"), (-5, 7, "int32"), (3, 1000, "float32"),
                           (-100, 100, "float64"), (0, 2**40, "int64"), (-2**35, 2**35, "float64"),
                           (-2**62, 2**62, "int64")]:
            seeded(seed)
            t = torch.randint(lo, hi, (n,), dtype=INT_DTYPES[dt])
            cases.append({"fn": "randint", "seed": seed, "dtype": dt, "size": n,
                          "low": str(lo), "high": str(hi), "values": values(t)})
        seeded(seed)
        cases.append({"fn": "randperm", "seed": seed, "size": n, "values": values(torch.randperm(n))})
write("int", cases)

# ---- bernoulli / multinomial
cases = []
dists = []  # probability matrices for multinomial, stored once and referenced by index
for dt in FLOAT_DTYPES:
    for rows, cols in [(1, 7), (3, 17), (2, 1000)]:
        g = torch.Generator().manual_seed(1234 + cols)  # probabilities, not under test
        probs = torch.rand(rows, cols, dtype=FLOAT_DTYPES[dt], generator=g)
        probs[:, 0] = 0  # a zero-probability category is never drawn
        dists.append({"dtype": dt, "rows": rows, "cols": cols, "probs": values(probs), "t": probs})
for seed in SEEDS:
    for dt in FLOAT_DTYPES:
        for n in SIZES:
            seeded(seed)
            t = torch.empty(n, dtype=FLOAT_DTYPES[dt]).bernoulli_(0.3)
            cases.append({"fn": "bernoulliScalar", "seed": seed, "dtype": dt, "size": n, "p": 0.3,
                          "values": values(t)})
            probs = torch.linspace(0, 1, n, dtype=FLOAT_DTYPES[dt]) if n > 1 else torch.tensor([0.5], dtype=FLOAT_DTYPES[dt])
            seeded(seed)
            t = torch.bernoulli(probs)
            cases.append({"fn": "bernoulliTensor", "seed": seed, "dtype": dt, "size": n,
                          "probs": values(probs), "values": values(t)})
    for k, d in enumerate(dists):
        rows, cols, probs = d["rows"], d["cols"], d["t"]
        for ns, rep in [(1, False), (1, True), (min(5, cols), False), (cols, False), (25, True)]:
            seeded(seed)
            t = torch.multinomial(probs if rows > 1 else probs[0], ns, rep)
            cases.append({"fn": "multinomial", "seed": seed, "dist": k, "numSamples": ns,
                          "replacement": rep, "values": values(t)})
for d in dists:
    del d["t"]
write("discrete", {"distributions": dists, "cases": cases})

# ---- sequences: state carries across calls; nn.Linear init order
seq = []
for seed in SEEDS:
    seeded(seed)
    a = torch.randn(3)
    b = torch.rand(2)
    c = torch.randn(20)
    d = torch.randn(1, dtype=torch.float64)
    e = torch.randn(5, dtype=torch.float64)
    seq.append({"seed": seed, "randn3": values(a), "rand2": values(b), "randn20": values(c),
                "randn1_f64": values(d), "randn5_f64": values(e)})

torch.manual_seed(0)
lin = torch.nn.Linear(10, 5)
fan_in = 10
w_bound = math.sqrt(3.0) * (torch.nn.init.calculate_gain("leaky_relu", math.sqrt(5)) / math.sqrt(fan_in))
b_bound = 1 / math.sqrt(fan_in)

torch.manual_seed(0)
fc1 = torch.nn.Linear(10, 5)
fc2 = torch.nn.Linear(5, 1)
x = torch.randn(100, 10)
y = torch.randn(100, 1)
write("sequence", {
    "sequences": seq,
    "linear": {"seed": 0, "inFeatures": 10, "outFeatures": 5, "weightBound": w_bound, "biasBound": b_bound,
               "weight": values(lin.weight.detach()), "bias": values(lin.bias.detach())},
    "seedProgram": {"seed": 0, "fc1Weight": values(fc1.weight.detach()), "fc1Bias": values(fc1.bias.detach()),
                    "fc2Weight": values(fc2.weight.detach()), "fc2Bias": values(fc2.bias.detach()),
                    "xTrain": values(x), "yTrain": values(y)},
})
