# Fixtures for the max-pooling primitive (src/ops/pool.ts): values, argmax indices and input
# gradients from PyTorch 1.13's CPU max_pool1d/2d, on inputs with ties (small integers),
# -inf, NaN, padding, dilation, strides and ceil_mode. Run: /usr/bin/python3 tools/gen_pool_fixtures.py
import json, math
import torch
import torch.nn.functional as F

def enc(t):
    out = []
    for v in t.detach().reshape(-1).tolist():
        if isinstance(v, float) and math.isnan(v): out.append("nan")
        elif v == math.inf: out.append("inf")
        elif v == -math.inf: out.append("-inf")
        else: out.append(v)
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": out}

g = torch.Generator().manual_seed(9)
cases = []
def case(name, nd, shape, kernel, opts, special=None, dtype=torch.float32):
    x = torch.randint(-3, 4, shape, generator=g).to(dtype)  # small integers: many ties
    if special == "neginf": x.view(-1)[::3] = -math.inf
    if special == "nan": x.view(-1)[5] = math.nan
    x.requires_grad_(True)
    f = F.max_pool2d if nd == 2 else F.max_pool1d
    out, idx = f(x, kernel, return_indices=True, **opts)
    up = torch.randn(out.shape, generator=g, dtype=dtype)
    (out * up).sum().backward()
    cases.append({"name": name, "nd": nd, "kernel": kernel, "opts": {k: v for k, v in opts.items()},
                  "x": enc(x), "values": enc(out), "indices": enc(idx), "upstream": enc(up), "grad": enc(x.grad)})

case("2d k2", 2, [2, 3, 6, 6], 2, {})
case("2d k3 s2 p1", 2, [1, 2, 7, 8], 3, {"stride": 2, "padding": 1})
case("2d k3 s2 p1 ceil", 2, [1, 2, 7, 8], 3, {"stride": 2, "padding": 1, "ceil_mode": True})
case("2d k[3,2] dil2 p1", 2, [2, 1, 9, 7], [3, 2], {"stride": [1, 2], "padding": 1, "dilation": 2})
case("2d unbatched k2 s1", 2, [3, 5, 5], 2, {"stride": 1})
case("2d -inf", 2, [1, 2, 6, 6], 3, {"stride": 2, "padding": 1}, "neginf")
case("2d nan", 2, [1, 1, 6, 6], 2, {"stride": 1}, "nan")
case("2d float64 k3 p1 s1", 2, [1, 2, 5, 5], 3, {"stride": 1, "padding": 1}, None, torch.float64)
case("1d k3 s2 p1 ceil", 1, [2, 3, 10], 3, {"stride": 2, "padding": 1, "ceil_mode": True})
case("1d dil3", 1, [1, 2, 11], 2, {"dilation": 3})
with open("test/fixtures/nn_maxpool_primitive.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(len(cases), "cases")
