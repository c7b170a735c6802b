#!/usr/bin/python3
"""Ops and their gradients at special values, from real PyTorch: where NaN, ±inf, ±0 and
overflowing inputs lead (NaN versus 0 versus ±inf in the gradient is where a composite of
simpler ops most often differs from PyTorch's own backward formula).

Run with Debian's PyTorch 1.13: /usr/bin/python3 tools/gen_edge_fixture.py
Writes test/fixtures/edge_values.json: the input vector (the same for every op), and per op
and dtype (float64, float32) the output and the gradient of sum(output * 1) with respect to the
input; then reductions and normalizations over flat vectors ("op@vector": all zeros, constant,
one spike, large values), where a zero variance or norm meets a square root. Non-finite numbers
as "nan", "inf", "-inf".
"""
import json
import math
from pathlib import Path

import torch

F = torch.nn.functional
OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "edge_values.json"
SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 1e-8, -1e-8, 30.0, -30.0, 100.0, -100.0, 1e30, -1e30,
            math.inf, -math.inf, math.nan, 0.999999, 1e-45]

# name -> expression of x (the test has the torch-ts form of each)
OPS = {
    "exp": "torch.exp(x)", "log": "torch.log(x)", "log1p": "torch.log1p(x)", "expm1": "torch.expm1(x)",
    "sqrt": "torch.sqrt(x)", "rsqrt": "torch.rsqrt(x)", "tanh": "torch.tanh(x)", "sigmoid": "torch.sigmoid(x)",
    "relu": "torch.relu(x)", "abs": "torch.abs(x)", "sign": "torch.sign(x)", "sin": "torch.sin(x)", "cos": "torch.cos(x)",
    "tan": "torch.tan(x)", "asin": "torch.asin(x)", "acos": "torch.acos(x)", "atan": "torch.atan(x)", "sinh": "torch.sinh(x)",
    "cosh": "torch.cosh(x)", "asinh": "torch.asinh(x)", "acosh": "torch.acosh(x)", "atanh": "torch.atanh(x)",
    "erf": "torch.erf(x)", "erfc": "torch.erfc(x)", "erfinv": "torch.erfinv(x)", "reciprocal": "torch.reciprocal(x)",
    "square": "torch.square(x)", "pow2": "torch.pow(x, 2)", "pow_half": "torch.pow(x, 0.5)", "pow_neg1": "torch.pow(x, -1)",
    "pow3": "torch.pow(x, 3)", "pow_1_5": "torch.pow(x, 1.5)", "pow0": "torch.pow(x, 0)", "exp2": "torch.exp2(x)",
    "log2": "torch.log2(x)", "log10": "torch.log10(x)", "frac": "torch.frac(x)", "floor": "torch.floor(x)", "round": "torch.round(x)",
    "softplus": "F.softplus(x)", "softplus_beta": "F.softplus(x, beta=2, threshold=5)", "gelu": "F.gelu(x)",
    "gelu_tanh": "F.gelu(x, approximate='tanh')", "silu": "F.silu(x)", "mish": "F.mish(x)", "elu": "F.elu(x, 0.7)",
    "selu": "F.selu(x)", "celu": "F.celu(x, 1.3)", "leaky": "F.leaky_relu(x, 0.1)", "logsigmoid": "F.logsigmoid(x)",
    "softsign": "F.softsign(x)", "hardtanh": "F.hardtanh(x)", "hardswish": "F.hardswish(x)", "hardsigmoid": "F.hardsigmoid(x)",
    "relu6": "F.relu6(x)", "tanhshrink": "F.tanhshrink(x)", "logit": "torch.logit(x)", "logit_eps": "torch.logit(x, 0.25)",
    "lgamma": "torch.lgamma(x)", "xlogy": "torch.xlogy(x, x)", "nan_to_num": "torch.nan_to_num(x)",
    "clamp": "torch.clamp(x, -1, 1)", "logaddexp": "torch.logaddexp(x, x)", "atan2": "torch.atan2(x, x)", "hypot": "torch.hypot(x, x)",
    "fmod": "torch.fmod(x, 2.5)", "remainder": "torch.remainder(x, 2.5)", "softmax": "torch.softmax(x, 0)",
    "log_softmax": "torch.log_softmax(x, 0)", "logsumexp": "torch.logsumexp(x, 0)", "norm": "x.norm()", "var": "x.var()",
    "std": "x.std()", "mean": "x.mean()", "prod": "x.prod()", "cumsum": "x.cumsum(0)", "max": "x.max()", "min": "x.min()",
    "amax": "x.amax()", "amin": "x.amin()", "median": "x.median()", "sort": "x.sort()[0]", "maximum": "torch.maximum(x, x.flip(0))",
    "minimum": "torch.minimum(x, x.flip(0))", "div": "x / x.flip(0)", "mul": "x * x.flip(0)", "sub": "x - x.flip(0)",
    "mse": "F.mse_loss(x, x.flip(0))", "l1": "F.l1_loss(x, x.flip(0))", "smoothl1": "F.smooth_l1_loss(x, x.flip(0))",
    "huber": "F.huber_loss(x, x.flip(0))", "normalize": "F.normalize(x.reshape(1, -1))",
    "cos_sim": "F.cosine_similarity(x.reshape(1, -1), x.flip(0).reshape(1, -1))", "ce": "F.cross_entropy(x.reshape(1, -1), torch.tensor([2]))",
    "nll": "F.nll_loss(x.reshape(1, -1), torch.tensor([3]))", "layer_norm": "F.layer_norm(x, x.shape)", "dist": "torch.dist(x, x.flip(0))",
    "cdist": "torch.cdist(x.reshape(1, -1, 1), x.reshape(1, -1, 1))",
}


# reductions and normalizations over flat inputs (zero variance, a zero vector, one spike)
VECTORS = {"zeros": [0.0] * 6, "const": [2.0] * 6, "onehot": [0.0, 0.0, 5.0, 0.0, 0.0, 0.0], "big": [1e4, -1e4, 3e4, 0.0, 1.0, 2.0]}
FLAT_OPS = {
    "norm": "x.norm()", "norm1": "x.norm(p=1)", "norminf": "x.norm(p=float('inf'))", "std": "x.std()", "var": "x.var()",
    "std_mean": "torch.std_mean(x)[0]", "normalize": "F.normalize(x.reshape(1, -1))",
    "cos_sim": "F.cosine_similarity(x.reshape(1, -1), torch.arange(6, dtype=x.dtype).reshape(1, -1))",
    "softmax": "torch.softmax(x, 0)", "log_softmax": "torch.log_softmax(x, 0)", "logsumexp": "torch.logsumexp(x, 0)",
    "sqrt": "x.sqrt()", "pow_half": "x.pow(0.5)", "layer_norm": "F.layer_norm(x, x.shape)", "prod": "x.prod()",
    "batch_norm": "F.batch_norm(x.reshape(6, 1), None, None, training=True)", "group_norm": "F.group_norm(x.reshape(1, 6, 1), 2)",
    "instance_norm": "F.instance_norm(x.reshape(1, 1, 6))", "median": "x.median()", "max": "x.max()", "amax": "x.amax()",
}


def enc(t):
    return [("nan" if math.isnan(v) else "inf" if v == math.inf else "-inf" if v == -math.inf else v) for v in t.detach().reshape(-1).tolist()]


def main():
    cases = {}
    for dt in ("float64", "float32"):
        for name, expr in OPS.items():
            x = torch.tensor(SPECIALS, dtype=getattr(torch, dt), requires_grad=True)
            y = eval(expr, {"torch": torch, "F": F, "x": x})
            (gx,) = torch.autograd.grad(y, [x], torch.ones_like(y))
            cases[f"{name}/{dt}"] = {"expr": expr, "y": enc(y), "grad": enc(gx)}
        for vname, v in VECTORS.items():
            for name, expr in FLAT_OPS.items():
                x = torch.tensor(v, dtype=getattr(torch, dt), requires_grad=True)
                y = eval(expr, {"torch": torch, "F": F, "x": x})
                (gx,) = torch.autograd.grad(y, [x], torch.ones_like(y))
                cases[f"{name}@{vname}/{dt}"] = {"expr": expr, "y": enc(y), "grad": enc(gx)}
    OUT.write_text(json.dumps({"torch": torch.__version__, "x": enc(torch.tensor(SPECIALS, dtype=torch.float64)), "vectors": VECTORS,
                               "cases": cases}) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
