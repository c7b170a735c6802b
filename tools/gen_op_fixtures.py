#!/usr/bin/python3
"""Writes the op fixtures that test/ops/*.test.ts compare torch-ts against.

Run with Debian's PyTorch (`apt-get install -y python3-torch`):

    /usr/bin/python3 tools/gen_op_fixtures.py

It writes, into test/fixtures/:
  ops.json           forward values and input gradients of every op case
  ops-errors.json    PyTorch's error messages for bad input
  ops-printing.json  PyTorch's repr() of representative tensors

Format (kept simple so the TypeScript side is a few lines):
  A tensor is {"shape": [..], "dtype": "float64"|"float32"|"int64"|"int32"|"bool", "data": [flat, row-major]}.
  Floats are written with Python's repr, which round-trips float64 exactly (float32 values are
  widened exactly to float64 first); NaN and infinities are the strings "nan", "inf", "-inf".
  Integers are JSON numbers, or decimal strings beyond 2^53 (where JSON numbers would round).

A case of ops.json:
  name         unique, "<fn>" or "<fn>/float32" for the float32 variant of a float64 case
  fn           key of the torch-ts call in test/ops/op-table.ts
  expr         the PyTorch expression that produced the values (inputs are x, y, z, w in order)
  inputs       tensors; "requiresGrad" marks the leaves we differentiate; "view": "transpose"
               means the test passes leaf.transpose(-2, -1) (a non-contiguous view) to the op,
               while gradients are still with respect to the leaf
  outputs      list of tensors (ops returning tuples, e.g. max(dim) or chunk, give several)
  gradOutputs  a fixed upstream gradient per output (null for integer/bool outputs); absent for
               forward-only cases
  grads        torch.autograd.grad(float outputs, leaves, gradOutputs) per input (null for
               inputs that do not require grad)
  gradcheck    false where the op is not differentiable at the chosen inputs (ties, kinks), so
               a finite-difference check would be meaningless there
"""
import json
import math
import zlib
from pathlib import Path

import torch

OUT_DIR = Path(__file__).resolve().parent.parent / "test" / "fixtures"

# ---------------------------------------------------------------------------------------------
# Input specifications


class In:
    """One input: how to make its values, its dtype, whether it requires grad, its view."""

    def __init__(self, shape, kind="randn", dtype="float64", values=None, grad=None, view=None,
                 high=None, dim=None):
        self.shape = list(shape)
        self.kind = kind
        self.dtype = dtype
        self.values = values
        self.grad = dtype in ("float64", "float32") if grad is None else grad
        self.view = view
        self.high = high  # exclusive bound for integer indices
        self.dim = dim  # for "perm": the dim along which indices must be distinct

    def make(self, gen, dtype_override=None):
        dtype = dtype_override if (dtype_override and self.dtype in ("float64", "float32")) else self.dtype
        tdt = {"float64": torch.float64, "float32": torch.float32, "int64": torch.int64,
               "int32": torch.int32, "bool": torch.bool}[dtype]
        shape = self.shape
        if self.values is not None:
            t = torch.tensor(self.values, dtype=tdt).reshape(shape)
        elif self.kind == "randn":
            t = torch.randn(shape, generator=gen, dtype=torch.float64).to(tdt)
        elif self.kind == "pos":  # strictly positive, away from 0: log, sqrt, div, pow bases
            t = (torch.rand(shape, generator=gen, dtype=torch.float64) * 1.5 + 0.5).to(tdt)
        elif self.kind == "log1p":  # inside log1p's domain (> -1), away from the pole
            t = (torch.rand(shape, generator=gen, dtype=torch.float64) * 2.5 - 0.5).to(tdt)
        elif self.kind == "index":
            t = torch.randint(0, self.high, shape, generator=gen, dtype=torch.int64)
        elif self.kind == "perm":  # distinct indices along self.dim (scatter is only defined so)
            d = self.dim % len(shape)
            other = [s for i, s in enumerate(shape) if i != d]
            n = math.prod(other)
            rows = [torch.randperm(self.high, generator=gen)[: shape[d]] for _ in range(n)]
            t = torch.stack(rows).reshape(other + [shape[d]])
            t = t.movedim(-1, d).contiguous()
        elif self.kind == "bool":
            t = torch.rand(shape, generator=gen) < 0.5
        else:
            raise ValueError(self.kind)
        return t, dtype


def F(*shape, **kw):
    """A float64 input (requires grad)."""
    return In(shape, **kw)


def V(values, shape=None, dtype="float64", **kw):
    """An input with explicit values."""
    if shape is None:
        shape = list(torch.tensor(values).shape)
    return In(shape, values=values, dtype=dtype, **kw)


def I(*shape, high, **kw):
    return In(shape, kind="index", dtype="int64", high=high, **kw)


def P(*shape, high, dim):
    return In(shape, kind="perm", dtype="int64", high=high, dim=dim)


def B(*shape):
    return In(shape, kind="bool", dtype="bool")


# ---------------------------------------------------------------------------------------------
# Helpers available to case expressions


def d_tanh(x):
    """First derivative of tanh built with create_graph=True: its gradient is the second."""
    return torch.autograd.grad(torch.tanh(x).sum(), x, create_graph=True)[0]


def d_sigmoid(x):
    return torch.autograd.grad(torch.sigmoid(x).sum(), x, create_graph=True)[0]


def grad_penalty(x, w):
    """WGAN-GP style penalty: squared norm of d(sum(tanh(x @ w)))/dx, differentiated again."""
    gx = torch.autograd.grad(torch.tanh(x @ w).sum(), x, create_graph=True)[0]
    return (gx * gx).sum()


def seeded(f):
    """f() right after torch.manual_seed(0): random ops give the same draws in torch-ts."""
    torch.manual_seed(0)
    return f()


EVAL_GLOBALS = {"torch": torch, "d_tanh": d_tanh, "d_sigmoid": d_sigmoid,
                "grad_penalty": grad_penalty, "seeded": seeded, "math": math}
ARG_NAMES = ["x", "y", "z", "w"]

# ---------------------------------------------------------------------------------------------
# The case table. case(fn, expr, inputs): fn is the key in test/ops/op-table.ts.

CASES = []


def case(fn, expr, inputs, *, backward=True, gradcheck=True, f32=False):
    CASES.append(dict(fn=fn, expr=expr, inputs=inputs, backward=backward, gradcheck=gradcheck))
    if f32:
        CASES.append(dict(fn=fn, expr=expr, inputs=inputs, backward=backward, gradcheck=False,
                          dtype="float32"))


T = "transpose"

# arithmetic (binary ops broadcast; a Python number is accepted as `other`)
case("add", "torch.add(x, y)", [F(2, 3), F(2, 3)], f32=True)
case("add.broadcast", "torch.add(x, y)", [F(2, 1, 3), F(4, 1)], f32=True)
case("add.scalar", "torch.add(x, 2.5)", [F(2, 3)])
case("add.alpha", "torch.add(x, y, alpha=2)", [F(2, 3), F(3)])
case("add.noncontig", "torch.add(x, y)", [F(3, 2, view=T), F(2, 3)])
case("add.rank0", "torch.add(x, y)", [F(), F(2, 3)])
case("add.promote_f32_f64", "torch.add(x, y)", [F(2, 3, dtype="float32"), F(3)])
case("add.method", "x.add(y)", [F(2, 3), F(2, 3)])
case("sub", "torch.sub(x, y)", [F(4, 1), F(3)], f32=True)
case("sub.scalar", "torch.sub(x, 1.25)", [F(2, 3)])
case("sub.alpha", "torch.sub(x, y, alpha=0.5)", [F(2, 3), F(2, 3)])
case("mul", "torch.mul(x, y)", [F(2, 3, 1), F(1, 4)], f32=True)
case("mul.scalar", "torch.mul(x, -3)", [F(2, 3)])
case("mul.noncontig", "torch.mul(x, y)", [F(4, 3, view=T), F(1, 3, view=T)])
case("mul.same_input", "torch.mul(x, x)", [F(2, 3)])
case("div", "torch.div(x, y)", [F(2, 3), F(3, kind="pos")], f32=True)
case("div.scalar", "torch.div(x, 4)", [F(2, 3)])
case("div.by_tensor_neg", "torch.div(x, y)", [F(3), F(2, 1, kind="pos")])
case("neg", "torch.neg(x)", [F(2, 3)])
case("pow", "torch.pow(x, y)", [F(2, 3, kind="pos"), F(3)], f32=True)
case("pow.scalar_int", "torch.pow(x, 3)", [F(2, 3)])
case("pow.scalar_square", "torch.pow(x, 2)", [F(2, 3)])
case("pow.scalar_frac", "torch.pow(x, 0.5)", [F(2, 3, kind="pos")])
case("pow.scalar_neg", "torch.pow(x, -1.5)", [F(2, 3, kind="pos")])
case("pow.scalar_base", "torch.pow(2, x)", [F(2, 3)])
case("pow.method", "x.pow(y)", [F(3, kind="pos"), F(2, 1)])

# unary
case("exp", "torch.exp(x)", [F(3, 4)], f32=True)
case("exp.noncontig", "torch.exp(x)", [F(4, 3, view=T)])
case("log", "torch.log(x)", [F(3, 4, kind="pos")], f32=True)
case("log1p", "torch.log1p(x)", [F(3, 4, kind="log1p")])
case("expm1", "torch.expm1(x)", [F(3, 4)])
case("sqrt", "torch.sqrt(x)", [F(3, 4, kind="pos")], f32=True)
case("rsqrt", "torch.rsqrt(x)", [F(3, 4, kind="pos")])
case("abs", "torch.abs(x)", [F(3, 4)])
case("abs.at_zero", "torch.abs(x)", [V([-2.0, 0.0, 3.0])], gradcheck=False)
case("sign", "torch.sign(x)", [F(3, 4)])
case("sign.at_zero", "torch.sign(x)", [V([-2.5, 0.0, 3.0, -0.0, 1e-300])], gradcheck=False, f32=True)
case("sin", "torch.sin(x)", [F(3, 4)])
case("cos", "torch.cos(x)", [F(3, 4)])
case("tanh", "torch.tanh(x)", [F(3, 4)], f32=True)
case("tanh.noncontig", "torch.tanh(x)", [F(4, 3, view=T)])
case("sigmoid", "torch.sigmoid(x)", [F(3, 4)], f32=True)
case("sigmoid.extreme", "torch.sigmoid(x)", [V([-800.0, -40.0, 0.0, 40.0, 800.0])])
case("relu", "torch.relu(x)", [F(3, 4)], f32=True)
case("relu.at_zero", "torch.relu(x)", [V([-1.0, 0.0, 2.0])], gradcheck=False)
case("clamp", "torch.clamp(x, -0.5, 0.5)", [F(3, 4)])
case("clamp.min", "torch.clamp(x, min=0.1)", [F(3, 4)])
case("clamp.max", "torch.clamp(x, max=-0.2)", [F(3, 4)])
case("clamp.at_bounds", "torch.clamp(x, -1.0, 1.0)", [V([-2.0, -1.0, 0.0, 1.0, 2.0])],
     gradcheck=False)
case("maximum", "torch.maximum(x, y)", [F(2, 3), F(3)])
case("maximum.ties", "torch.maximum(x, y)", [V([1.0, 2.0, 3.0]), V([1.0, 5.0, 3.0])],
     gradcheck=False)
case("minimum", "torch.minimum(x, y)", [F(2, 1), F(2, 3)])
case("minimum.ties", "torch.minimum(x, y)", [V([1.0, 2.0, 3.0]), V([1.0, 5.0, 0.0])],
     gradcheck=False)
case("where", "torch.where(x, y, z)", [B(2, 3), F(2, 3), F(3)])
case("where.broadcast_cond", "torch.where(x, y, z)", [B(3), F(2, 1), F(1, 3)])
case("where.scalar_other", "torch.where(x, y, 0.0)", [B(2, 3), F(2, 3)])

# elementwise math (src/ops/math.ts): special values, integer dtypes, negative operands
SPECIAL = [-2.5, -1.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, 3.7, -3.2, 1e300, float("nan"), float("inf"), float("-inf")]
SPECIAL32 = [-2.5, -1.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, 3.7, -3.2, 1e30, float("nan"), float("inf"), float("-inf")]
case("floor", "torch.floor(x)", [F(3, 4)], f32=True)
case("floor.special", "torch.floor(x)", [V(SPECIAL32)], gradcheck=False, f32=True)
case("floor.int", "torch.floor(x)", [V([3, -4, 2 ** 60], dtype="int64")], backward=False)
case("ceil", "torch.ceil(x)", [F(3, 4)], f32=True)
case("ceil.special", "torch.ceil(x)", [V(SPECIAL32)], gradcheck=False, f32=True)
case("ceil.int32", "torch.ceil(x)", [V([3, -4, 7], dtype="int32")], backward=False)
case("round", "torch.round(x)", [F(3, 4)], f32=True)
case("round.halves", "torch.round(x)", [V(SPECIAL32 + [0.49999999999999994, 4503599627370497.0])], gradcheck=False, f32=True)
case("round.int", "torch.round(x)", [V([3, -4, 2 ** 60 + 1], dtype="int64")], backward=False)
case("round.decimals", "torch.round(x, decimals=2)", [V([1.2345, -1.2355, 0.125, 2.675, 100.0])], gradcheck=False, f32=True)
case("round.decimals_neg", "torch.round(x, decimals=-2)", [V([1234.5, -1250.0, 1350.0, 49.0])], gradcheck=False, f32=True)
case("trunc", "torch.trunc(x)", [F(3, 4)], f32=True)
case("trunc.special", "torch.trunc(x)", [V(SPECIAL32)], gradcheck=False, f32=True)
case("fix", "torch.fix(x)", [V([-2.7, 2.7, -0.2])], gradcheck=False)
case("frac", "torch.frac(x)", [F(3, 4)], f32=True)
case("frac.special", "torch.frac(x)", [V(SPECIAL32)], gradcheck=False)
case("log2", "torch.log2(x)", [F(3, 4, kind="pos")], f32=True)
case("log2.special", "torch.log2(x)", [V([0.0, -1.0, 1.0, 8.0, float("inf"), float("nan")])], gradcheck=False, f32=True)
case("log2.int", "torch.log2(x)", [V([1, 2, 1024], dtype="int64")], backward=False)
case("log10", "torch.log10(x)", [F(3, 4, kind="pos")], f32=True)
case("exp2", "torch.exp2(x)", [F(3, 4)], f32=True)
case("exp2.int", "torch.exp2(x)", [V([0, 3, -2], dtype="int32")], backward=False)
case("sinh", "torch.sinh(x)", [F(3, 4)], f32=True)
case("sinh.small", "torch.sinh(x)", [V([1e-8, -3e-5, 0.01, 20.0])], f32=True)
case("cosh", "torch.cosh(x)", [F(3, 4)], f32=True)
case("asin", "torch.asin(x)", [V([-0.9, -0.5, 0.0, 0.3, 0.75, 0.99])], f32=True)
case("asin.domain", "torch.asin(x)", [V([-1.0, 1.0, 1.5, float("nan")])], backward=False, f32=True)
case("arcsin", "torch.arcsin(x)", [V([0.25, -0.5])])
case("acos", "torch.acos(x)", [V([-0.9, -0.5, 0.0, 0.3, 0.75, 0.99])], f32=True)
case("atan", "torch.atan(x)", [F(3, 4)], f32=True)
case("atan.large", "torch.atan(x)", [V([1e10, -1e-10, float("inf"), float("-inf"), 2.5, -0.45])], gradcheck=False, f32=True)
case("asinh", "torch.asinh(x)", [F(3, 4)], f32=True)
case("acosh", "torch.acosh(x)", [V([1.5, 2.0, 10.0, 1e5])], f32=True)
case("atanh", "torch.atanh(x)", [V([-0.9, -0.5, 0.0, 0.3, 0.75, 0.99])], f32=True)
case("atanh.domain", "torch.atanh(x)", [V([-1.0, 1.0, 1.5])], backward=False)
case("erfc", "torch.erfc(x)", [F(3, 4)], f32=True)
case("erfc.tail", "torch.erfc(x)", [V([-6.0, -2.0, 0.4, 1.2, 2.4, 2.6, 4.0, 9.0, 27.0, 30.0])], gradcheck=False, f32=True)
case("square", "torch.square(x)", [F(3, 4)], f32=True)
case("square.int32", "torch.square(x)", [V([3, -4], dtype="int32")], backward=False)
case("square.bool", "torch.square(x)", [V([True, False], dtype="bool")], backward=False)
case("reciprocal", "torch.reciprocal(x)", [F(3, 4, kind="pos")], f32=True)
case("reciprocal.int", "torch.reciprocal(x)", [V([2, -4, 0], dtype="int64")], backward=False)
case("isinf", "torch.isinf(x)", [V(SPECIAL)], backward=False, f32=True)
case("isinf.int", "torch.isinf(x)", [V([1, 2], dtype="int64")], backward=False)
case("isposinf", "torch.isposinf(x)", [V(SPECIAL)], backward=False, f32=True)
case("isneginf", "torch.isneginf(x)", [V(SPECIAL)], backward=False, f32=True)
case("signbit", "torch.signbit(x)", [V(SPECIAL)], backward=False, f32=True)
case("signbit.int", "torch.signbit(x)", [V([-3, 0, 2 ** 60], dtype="int64")], backward=False)
case("nanToNum", "torch.nan_to_num(x)", [V([1.5, float("nan"), float("inf"), float("-inf"), -2.0])], f32=True)
case("nanToNum.values", "torch.nan_to_num(x, nan=0.5, posinf=9.0, neginf=-9.0)", [V([1.5, float("nan"), float("inf"), float("-inf")])], f32=True)
case("nanToNum.int", "torch.nan_to_num(x)", [V([1, -2], dtype="int64")], backward=False)
case("atan2", "torch.atan2(x, y)", [F(2, 3), F(3)], f32=True)
case("atan2.special", "torch.atan2(x, y)", [V([0.0, -0.0, 0.0, -0.0, 1.0, float("inf"), -1.0]), V([0.0, 0.0, -0.0, -0.0, float("inf"), float("inf"), 0.0])], backward=False, f32=True)
case("atan2.int", "torch.atan2(x, y)", [V([1, -2, 3], dtype="int64"), V([2, 2, -1], dtype="int32")], backward=False)
case("arctan2", "torch.arctan2(x, y)", [F(3), F(3)])
case("hypot", "torch.hypot(x, y)", [F(2, 3), F(2, 1)], f32=True)
case("hypot.large", "torch.hypot(x, y)", [V([1e200, 3.0, float("inf")]), V([1e200, 4.0, float("nan")])], backward=False, f32=True)
case("copysign", "torch.copysign(x, y)", [F(2, 3), F(3)], f32=True)
case("copysign.zeros", "torch.copysign(x, y)", [V([1.0, 2.0, -3.0, 0.0]), V([-0.0, 0.0, 1.0, -1.0])], gradcheck=False)
case("copysign.scalar", "torch.copysign(x, -2)", [F(3)])
case("copysign.int", "torch.copysign(x, y)", [V([1, -2, 3], dtype="int64"), V([-1, 1, 0], dtype="int64")], backward=False)
case("fmod", "torch.fmod(x, y)", [F(2, 3), V([1.5, -0.7, 2.2])], f32=True)
case("fmod.negative", "torch.fmod(x, y)", [V([-7.5, 7.5, -7.5, 7.5, -4.0, 5.0, float("inf")]), V([2.0, -2.0, -2.0, 2.0, 2.0, float("inf"), 2.0])], gradcheck=False, f32=True)
case("fmod.scalar", "torch.fmod(x, -1.5)", [F(2, 3)])
case("fmod.int", "torch.fmod(x, y)", [V([-7, 7, -7, 7, 2 ** 62 + 5], dtype="int64"), V([3, -3, -3, 3, 7], dtype="int64")], backward=False)
case("fmod.int32", "torch.fmod(x, 3)", [V([-7, 7, -6], dtype="int32")], backward=False)
case("remainder", "torch.remainder(x, y)", [F(2, 3), V([1.5, -0.7, 2.2])], f32=True)
case("remainder.negative", "torch.remainder(x, y)", [V([-7.5, 7.5, -7.5, 7.5, -4.0, 5.0, -5.0]), V([2.0, -2.0, -2.0, 2.0, 2.0, float("inf"), float("inf")])], gradcheck=False, f32=True)
case("remainder.scalar_self", "torch.remainder(5.5, x)", [V([2.0, -2.0, 1.5])], backward=False)
case("remainder.int", "torch.remainder(x, y)", [V([-7, 7, -7, 7, -(2 ** 62) - 5], dtype="int64"), V([3, -3, -3, 3, 7], dtype="int64")], backward=False)
case("remainder.int32", "torch.remainder(x, -3)", [V([-7, 7, -6], dtype="int32")], backward=False)
case("floorDivide", "torch.floor_divide(x, y)", [V([-7.5, 7.5, -7.0, 7.0, 1.0, -1.0]), V([2.0, -2.0, 0.1, 0.0, 0.0, 3.0])], backward=False, f32=True)
case("floorDivide.int", "torch.floor_divide(x, y)", [V([-7, 7, -7, 7, 6, -(2 ** 62) - 1], dtype="int64"), V([2, -2, -2, 2, 3, 2], dtype="int64")], backward=False)
case("floorDivide.int32", "torch.floor_divide(x, 2)", [V([-7, 7, -8], dtype="int32")], backward=False)
case("div.floor", "torch.div(x, y, rounding_mode='floor')", [F(2, 3), V([0.7, -1.3, 2.0])], gradcheck=False, f32=True)
case("div.trunc", "torch.div(x, y, rounding_mode='trunc')", [F(2, 3), V([0.7, -1.3, 2.0])], gradcheck=False, f32=True)
case("div.trunc_int", "torch.div(x, y, rounding_mode='trunc')", [V([-7, 7, 2 ** 62 + 3], dtype="int64"), V([2, -2, 3], dtype="int64")], backward=False)
case("fmax", "torch.fmax(x, y)", [F(2, 3), F(3)], f32=True)
case("fmax.nan", "torch.fmax(x, y)", [V([1.0, float("nan"), float("nan"), 2.0, 3.0]), V([float("nan"), 2.0, float("nan"), 2.0, -1.0])], gradcheck=False, f32=True)
case("fmax.int", "torch.fmax(x, y)", [V([1, -2, 2 ** 60], dtype="int64"), V([0, 5, 2 ** 60 + 1], dtype="int64")], backward=False)
case("fmin", "torch.fmin(x, y)", [F(2, 1), F(2, 3)], f32=True)
case("fmin.nan", "torch.fmin(x, y)", [V([1.0, float("nan"), float("nan"), 2.0, 3.0]), V([float("nan"), 2.0, float("nan"), 2.0, -1.0])], gradcheck=False, f32=True)
case("logaddexp", "torch.logaddexp(x, y)", [F(2, 3), F(3)], f32=True)
case("logaddexp.extreme", "torch.logaddexp(x, y)", [V([1000.0, -1000.0, float("inf"), float("-inf"), 0.0, 5.0]), V([1000.0, -1001.0, float("inf"), float("-inf"), float("-inf"), 5.0])], gradcheck=False)
case("logaddexp2", "torch.logaddexp2(x, y)", [F(2, 3), F(3)], f32=True)
case("logaddexp2.extreme", "torch.logaddexp2(x, y)", [V([1000.0, -1000.0, float("-inf"), 3.0]), V([1000.0, -1001.0, float("-inf"), 3.0])], gradcheck=False)
case("xlogy", "torch.xlogy(x, y)", [F(2, 3), F(3, kind="pos")], f32=True)
case("xlogy.zeros", "torch.xlogy(x, y)", [V([0.0, 0.0, 0.0, 2.0, 1.0]), V([0.0, float("nan"), 3.0, 0.0, float("inf")])], backward=False, f32=True)
case("xlogy.scalar", "torch.xlogy(2, x)", [F(3, kind="pos")])
case("xlogy.int", "torch.xlogy(x, y)", [V([0, 2, 3], dtype="int64"), V([0, 3, 1], dtype="int32")], backward=False)

# reductions
case("sum", "torch.sum(x)", [F(2, 3, 4)], f32=True)
case("sum.dim", "torch.sum(x, 1)", [F(2, 3, 4)])
case("sum.dim_neg_keepdim", "torch.sum(x, -1, keepdim=True)", [F(2, 3, 4)])
case("sum.dims", "torch.sum(x, [0, 2])", [F(2, 3, 4)])
case("sum.noncontig", "torch.sum(x, 0)", [F(4, 3, view=T)])
case("sum.method", "x.sum(1, True)", [F(2, 3)])
case("mean", "torch.mean(x)", [F(2, 3, 4)], f32=True)
case("mean.dim", "torch.mean(x, 0)", [F(2, 3, 4)])
case("mean.dims_keepdim", "torch.mean(x, [-1, 0], keepdim=True)", [F(2, 3, 4)])
case("prod", "torch.prod(x)", [F(2, 3)])
case("prod.dim", "torch.prod(x, 1)", [F(2, 3, 4)])
case("prod.dim_keepdim", "torch.prod(x, -1, keepdim=True)", [F(3, 2)])
case("prod.one_zero", "torch.prod(x)", [V([2.0, 0.0, -1.5, 3.0])])
case("prod.two_zeros", "torch.prod(x)", [V([2.0, 0.0, -1.5, 0.0])])
case("prod.dim_with_zero", "torch.prod(x, 1)", [V([[2.0, 0.0, 3.0], [1.5, -2.0, 0.5]])])
case("max", "torch.max(x)", [F(3, 4)])
case("max.ties", "torch.max(x)", [V([1.0, 3.0, 3.0, -2.0])], gradcheck=False)
case("max.dim", "torch.max(x, 1)", [F(3, 4)])
case("max.dim_keepdim", "torch.max(x, -1, keepdim=True)", [F(2, 3, 4)])
case("min", "torch.min(x)", [F(3, 4)])
case("min.dim", "torch.min(x, 0)", [F(3, 4)])
case("min.dim_keepdim", "torch.min(x, 1, keepdim=True)", [F(2, 3, 4)])
case("amax", "torch.amax(x, 1)", [F(3, 4)])
case("amax.dims_keepdim", "torch.amax(x, [0, 2], keepdim=True)", [F(2, 3, 4)])
case("amax.ties", "torch.amax(x, 0)", [V([[1.0, 2.0], [1.0, -3.0]])], gradcheck=False)
case("amin", "torch.amin(x, -1)", [F(3, 4)])
case("amin.dims", "torch.amin(x, [0, 1])", [F(2, 3, 4)])
case("argmax", "torch.argmax(x)", [F(3, 4)], backward=False)
case("argmax.dim", "torch.argmax(x, 1)", [F(3, 4)], backward=False)
case("argmax.dim_keepdim", "torch.argmax(x, -1, keepdim=True)", [F(2, 3, 4)], backward=False)
case("argmin", "torch.argmin(x)", [F(3, 4)], backward=False)
case("argmin.dim", "torch.argmin(x, 0)", [F(3, 4)], backward=False)
case("var", "torch.var(x)", [F(3, 4)], f32=True)
case("var.dim_c0", "torch.var(x, 1, correction=0)", [F(3, 4)])
case("var.dim_c1", "torch.var(x, 1, correction=1)", [F(3, 4)])
case("var.dims_keepdim", "torch.var(x, [0, 2], keepdim=True)", [F(2, 3, 4)])
case("std", "torch.std(x)", [F(3, 4)])
case("std.dim_c0", "torch.std(x, 0, correction=0)", [F(3, 4)])
case("std.dim_c1_keepdim", "torch.std(x, -1, correction=1, keepdim=True)", [F(2, 3, 4)])
case("logsumexp", "torch.logsumexp(x, 1)", [F(3, 4)], f32=True)
case("logsumexp.dims_keepdim", "torch.logsumexp(x, [0, 2], keepdim=True)", [F(2, 3, 4)])
case("logsumexp.large", "torch.logsumexp(x, 0)", [V([1000.0, 1000.5, 999.0, -1000.0])])
case("cumsum", "torch.cumsum(x, 0)", [F(3, 4)], f32=True)
case("cumsum.neg_dim", "torch.cumsum(x, -1)", [F(2, 3, 4)])
case("softmax", "torch.softmax(x, 1)", [F(3, 4)], f32=True)
case("softmax.neg_dim", "torch.softmax(x, -1)", [F(2, 3, 4)])
case("softmax.dim0", "torch.softmax(x, 0)", [F(3, 4)])
case("softmax.large", "torch.softmax(x, 0)", [V([1000.0, 1001.0, 999.0])])
case("logSoftmax", "torch.log_softmax(x, 1)", [F(3, 4)], f32=True)
case("logSoftmax.neg_dim", "torch.log_softmax(x, -1)", [F(2, 3, 4)])
case("logSoftmax.large", "torch.log_softmax(x, 0)", [V([1000.0, 1001.0, -999.0])])

# linear algebra (matmul follows torch.matmul's 1-D / 2-D / broadcast-batched rules)
case("matmul.dot", "torch.matmul(x, y)", [F(4), F(4)])
case("matmul.vecmat", "torch.matmul(x, y)", [F(3), F(3, 4)])
case("matmul.matvec", "torch.matmul(x, y)", [F(3, 4), F(4)])
case("matmul.mm", "torch.matmul(x, y)", [F(2, 3), F(3, 4)], f32=True)
case("matmul.batched_3d_2d", "torch.matmul(x, y)", [F(2, 3, 4), F(4, 5)], f32=True)
case("matmul.batched_4d_3d", "torch.matmul(x, y)", [F(2, 1, 3, 4), F(3, 4, 2)])
case("matmul.batched_1d_3d", "torch.matmul(x, y)", [F(4), F(2, 4, 3)])
case("matmul.batched_3d_1d", "torch.matmul(x, y)", [F(2, 3, 4), F(4)])
case("matmul.batched_2d_3d", "torch.matmul(x, y)", [F(3, 4), F(2, 4, 2)])
case("matmul.noncontig", "torch.matmul(x, y)", [F(3, 2, view=T), F(4, 3, view=T)])
case("mm", "torch.mm(x, y)", [F(2, 3), F(3, 4)], f32=True)
case("mm.noncontig", "torch.mm(x, y)", [F(3, 2, view=T), F(4, 3, view=T)])
case("bmm", "torch.bmm(x, y)", [F(2, 3, 4), F(2, 4, 5)])
case("bmm.noncontig", "torch.bmm(x, y)", [F(2, 4, 3, view=T), F(2, 4, 5)])

# joining, indexing, masking
case("cat", "torch.cat([x, y, z], 0)", [F(1, 3), F(2, 3), F(3, 3)])
case("cat.neg_dim", "torch.cat([x, y], -1)", [F(2, 2), F(2, 3)])
case("cat.noncontig", "torch.cat([x, y], 1)", [F(3, 2, view=T), F(2, 1)])
case("stack", "torch.stack([x, y, z], 0)", [F(2, 3), F(2, 3), F(2, 3)])
case("stack.neg_dim", "torch.stack([x, y], -1)", [F(2, 3), F(2, 3)])
case("gather", "torch.gather(x, 1, y)", [F(3, 4), I(3, 2, high=4)])
case("gather.dim0", "torch.gather(x, 0, y)", [F(3, 4), I(5, 4, high=3)])
case("scatter", "torch.scatter(x, 1, y, z)", [F(3, 5), P(3, 2, high=5, dim=1), F(3, 2)])
case("scatter.dim0", "torch.scatter(x, 0, y, z)", [F(4, 3), P(2, 3, high=4, dim=0), F(2, 3)])
case("scatter.value", "torch.scatter(x, 1, y, 2.5)", [F(3, 5), P(3, 2, high=5, dim=1)])
case("scatterAdd", "torch.scatter_add(x, 1, y, z)", [F(3, 4), I(3, 6, high=4), F(3, 6)])
case("scatterAdd.dim0", "torch.scatter_add(x, 0, y, z)", [F(3, 2), I(5, 2, high=3), F(5, 2)])
case("indexSelect", "torch.index_select(x, 0, y)", [F(3, 4), V([2, 0, 2, 1], dtype="int64")])
case("indexSelect.dim1", "torch.index_select(x, -1, y)", [F(3, 4), V([3, 3, 0], dtype="int64")])
case("indexSelect.int32", "torch.index_select(x, 0, y)", [F(3, 4), V([2, 0, 1], dtype="int32")])
case("maskedFill", "torch.masked_fill(x, y, -1.5)", [F(2, 3), B(2, 3)])
case("maskedFill.broadcast", "x.masked_fill(y, 0.25)", [F(2, 3), B(3)])
case("triu", "torch.triu(x)", [F(3, 4)])
case("triu.k1", "torch.triu(x, 1)", [F(4, 3)])
case("triu.batched_neg", "torch.triu(x, -1)", [F(2, 3, 3)])
case("tril", "torch.tril(x)", [F(3, 4)])
case("tril.k_neg1", "torch.tril(x, -1)", [F(4, 3)])
case("tril.k2", "torch.tril(x, 2)", [F(3, 5)])
case("clone", "torch.clone(x)", [F(2, 3)])
case("clone.noncontig", "x.clone()", [F(3, 2, view=T)])

# views (gradients flow back through the view into the leaf)
case("reshape", "x.reshape(4, 6)", [F(2, 3, 4)])
case("reshape.infer", "x.reshape(-1, 2)", [F(2, 3, 2)])
case("reshape.noncontig", "x.reshape(6)", [F(3, 2, view=T)])
case("view", "x.view(3, 2, 2)", [F(2, 6)])
case("transpose", "x.transpose(0, 2)", [F(2, 3, 4)])
case("transpose.neg", "torch.transpose(x, -1, -2)", [F(2, 3, 4)])
case("t", "x.t()", [F(2, 3)])
case("permute", "x.permute(2, 0, 1)", [F(2, 3, 4)])
case("squeeze", "x.squeeze()", [F(1, 3, 1, 2)])
case("squeeze.dim", "x.squeeze(2)", [F(1, 3, 1, 2)])
case("squeeze.dim_not_one", "x.squeeze(1)", [F(1, 3, 1, 2)])
case("unsqueeze", "x.unsqueeze(1)", [F(2, 3)])
case("unsqueeze.neg", "x.unsqueeze(-1)", [F(2, 3)])
case("expand", "x.expand(2, 3, 4)", [F(3, 1)])
case("expand.keep", "x.expand(2, -1, 4)", [F(1, 3, 1)])
case("expandAs", "x.expand_as(y)", [F(3, 1), F(2, 3, 4, grad=False)])
case("flatten", "x.flatten()", [F(2, 3, 4)])
case("flatten.range", "x.flatten(1, 2)", [F(2, 3, 4, 2)])
case("unflatten", "x.unflatten(1, (2, 3))", [F(2, 6)])
case("narrow", "x.narrow(1, 1, 2)", [F(3, 4)])
case("select", "x.select(0, -1)", [F(3, 4)])
case("select.dim1", "x.select(1, 2)", [F(2, 4, 3)])
case("slice.step", "x[:, 1:5:2]", [F(3, 6)])
case("slice.start", "x[1:]", [F(4, 2)])
case("contiguous", "x.contiguous()", [F(3, 2, view=T)])
case("chunk", "x.chunk(2, 1)", [F(3, 4)])
case("chunk.uneven", "torch.chunk(x, 3, 0)", [F(5, 2)])
case("split", "x.split(2, 1)", [F(2, 5)])
case("split.sizes", "torch.split(x, [1, 3], 0)", [F(4, 2)])
case("unbind", "x.unbind(0)", [F(3, 2)])
case("unbind.dim1", "torch.unbind(x, 1)", [F(2, 3)])

# second order (create_graph=True): the output is a first derivative, its gradient the second
case("tanh.second_derivative", "d_tanh(x)", [F(5)])
case("sigmoid.second_derivative", "d_sigmoid(x)", [F(5)])
case("gradientPenalty", "grad_penalty(x, y)", [F(4, 3), F(3, 2)])

# comparisons and logical ops: forward only (integer-valued floats give exact ties)
CMP_X = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
CMP_Y = [3.0, 2.0, 5.0]
for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    case(op, f"torch.{op}(x, y)", [V(CMP_X), V(CMP_Y)], backward=False)
    case(f"{op}.scalar", f"torch.{op}(x, 3)", [V(CMP_X)], backward=False)
case("logicalAnd", "torch.logical_and(x, y)", [B(2, 3), B(3)], backward=False)
case("logicalOr", "torch.logical_or(x, y)", [B(2, 3), B(2, 3)], backward=False)
case("logicalNot", "torch.logical_not(x)", [B(2, 3)], backward=False)
NONFINITE = [1.0, math.nan, math.inf, -math.inf, -0.0, 1e308]
case("isnan", "torch.isnan(x)", [V(NONFINITE)], backward=False)
case("isfinite", "torch.isfinite(x)", [V(NONFINITE)], backward=False, f32=True)
# The names real programs use (issue 15): rearrangements, diagonals, sorting, scans, norms, einsum
case("tan", "torch.tan(x)", [V([[0.3, -1.2, 0.9], [1.4, -0.1, 0.0]])], f32=True)
case("flip", "torch.flip(x, [0, 2])", [F(2, 3, 4)], f32=True)
case("flip.noncontig", "torch.flip(x, [1])", [F(3, 4, view=T)])
case("roll", "torch.roll(x, 2, 1)", [F(3, 4)])
case("roll.dims", "torch.roll(x, (1, -2), (0, 1))", [F(3, 4)])
case("roll.flat", "torch.roll(x, 3)", [F(3, 4)])
# unfold: windows as a view; overlapping windows sum their gradients
case("unfold", "x.unfold(1, 3, 2)", [F(2, 7, 3)], f32=True)
case("unfold.overlap_last", "x.unfold(-1, 4, 1)", [F(3, 6)])
case("unfold.gaps_noncontig", "x.unfold(0, 2, 3)", [F(3, 8, view=T)])
case("unfold.twice", "x.unfold(0, 2, 2).unfold(1, 3, 1)", [F(4, 5)])
case("unfold.rank0", "x.unfold(0, 1, 1)", [F()])
case("unfold.empty_window", "x.unfold(0, 0, 2)", [F(5)], gradcheck=False)
case("repeat", "x.repeat(2, 1, 3)", [F(2, 3)])
case("tile", "torch.tile(x, (2,))", [F(2, 3)])
case("repeatInterleave", "torch.repeat_interleave(x, 2, dim=0)", [F(2, 3)])
case("repeatInterleave.tensor", "torch.repeat_interleave(x, y, dim=1)", [F(2, 3), V([1, 0, 2], dtype="int64")])
case("repeatInterleave.flat", "torch.repeat_interleave(x, 2)", [F(2, 3)])
case("diagonal", "torch.diagonal(x, 1, 0, 2)", [F(3, 4, 5)])
case("diagonal.neg", "torch.diagonal(x, -1)", [F(4, 3)])
case("diag.vector", "torch.diag(x)", [F(4)])
case("diag.vector_offset", "torch.diag(x, -1)", [F(3)])
case("diag.matrix", "torch.diag(x, 1)", [F(3, 4)])
case("outer", "torch.outer(x, y)", [F(3), F(4)])
case("movedim", "torch.movedim(x, 0, 2)", [F(2, 3, 4)])
case("movedim.multi", "torch.movedim(x, (0, 1), (2, 0))", [F(2, 3, 4)])
case("sort", "torch.sort(x, 1)", [F(3, 5)], f32=True)
case("sort.descending", "torch.sort(x, 0, descending=True)", [F(4, 3)])
case("sort.nan", "torch.sort(x)", [V([3.0, math.nan, -1.0, math.inf, 0.5, -math.inf])], backward=False)
case("sort.nan_desc", "torch.sort(x, descending=True)", [V([3.0, math.nan, -1.0, math.inf, 0.5])], backward=False)
case("sort.int", "torch.sort(x)", [V([5, -2, 9, 0], dtype="int64")], backward=False)
case("argsort", "torch.argsort(x, 1)", [F(3, 5)], backward=False)
case("topk", "torch.topk(x, 2, 1)", [F(3, 5)], f32=True)
case("topk.smallest", "torch.topk(x, 3, 0, largest=False)", [F(4, 3)])
case("cumprod", "torch.cumprod(x, 1)", [F(3, 4)], f32=True)
case("cumprod.zeros", "torch.cumprod(x, 1)", [V([[1.5, 0.0, 2.0, 3.0], [0.0, 2.0, 0.0, -1.5], [2.0, 0.5, -1.0, 0.0]])])
case("cumprod.dim0", "torch.cumprod(x, 0)", [F(3, 2)])
case("cumprod.int", "torch.cumprod(x, 0)", [V([3, -2, 5, 2 ** 20], dtype="int64")], backward=False)
case("vectorNorm", "torch.linalg.vector_norm(x, 2, 1)", [F(3, 4)], f32=True)
case("vectorNorm.all", "torch.linalg.vector_norm(x)", [F(2, 3)])
case("vectorNorm.ord1", "torch.linalg.vector_norm(x, 1, (0, 1))", [F(2, 3)])
case("vectorNorm.inf", "torch.linalg.vector_norm(x, float('inf'), 1, keepdim=True)", [F(3, 4)])
case("vectorNorm.neginf", "torch.linalg.vector_norm(x, float('-inf'), 0)", [F(3, 4)])
case("vectorNorm.ord0", "torch.linalg.vector_norm(x, 0, 1)", [V([[0.0, 1.5, -2.0], [0.0, 0.0, 3.0]])], backward=False)
case("vectorNorm.ord3_5", "torch.linalg.vector_norm(x, 3.5, 1)", [F(3, 4)])
case("vectorNorm.zero_row", "torch.linalg.vector_norm(x, 2, 1)", [V([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]])], gradcheck=False)
case("norm.fro", "torch.norm(x)", [F(3, 4)])
case("norm.p1_dim", "torch.norm(x, 1, 0)", [F(3, 4)])
case("norm.method", "x.norm(3, 1, True)", [F(3, 4)])
case("matrixNorm.fro", "torch.linalg.matrix_norm(x)", [F(2, 3, 4)])
case("matrixNorm.nuc", "torch.linalg.matrix_norm(x, 'nuc')", [F(3, 4)])
case("matrixNorm.2", "torch.linalg.matrix_norm(x, 2)", [F(2, 4, 3)])
case("matrixNorm.neg2", "torch.linalg.matrix_norm(x, -2)", [F(3, 3)])
case("matrixNorm.1", "torch.linalg.matrix_norm(x, 1)", [F(3, 4)])
case("matrixNorm.inf", "torch.linalg.matrix_norm(x, float('inf'), (0, 1))", [F(3, 4)])
case("linalgNorm.vector", "torch.linalg.norm(x, 3)", [F(5)])
case("linalgNorm.matrix", "torch.linalg.norm(x, 'fro', (1, 2))", [F(2, 3, 4)])
case("svdvals", "torch.linalg.svdvals(x)", [F(2, 4, 3)])
case("svdvals.wide", "torch.linalg.svdvals(x)", [F(3, 5)])
case("einsum.mm", "torch.einsum('ij,jk->ik', x, y)", [F(3, 4), F(4, 2)])
case("einsum.bmm", "torch.einsum('bij,bjk->bik', x, y)", [F(2, 3, 4), F(2, 4, 5)])
case("einsum.diag", "torch.einsum('ii->i', x)", [F(4, 4)])
case("einsum.trace", "torch.einsum('ii', x)", [F(3, 3)])
case("einsum.transpose", "torch.einsum('ij->ji', x)", [F(3, 4)])
case("einsum.dot", "torch.einsum('i,i->', x, y)", [F(5), F(5)])
case("einsum.outer", "torch.einsum('i,j', x, y)", [F(3), F(2)])
case("einsum.ellipsis", "torch.einsum('...ij->...ji', x)", [F(2, 3, 4)])
case("einsum.attention", "torch.einsum('bhqd,bhkd->bhqk', x, y)", [F(2, 2, 3, 4), F(2, 2, 5, 4)])
case("einsum.hadamard_sum", "torch.einsum('ij,ij->i', x, y)", [F(3, 4), F(3, 4)])
case("einsum.three", "torch.einsum('ij,jk,kl->il', x, y, z)", [F(2, 3), F(3, 4), F(4, 2)])
case("einsum.broadcast", "torch.einsum('...i,...i->...', x, y)", [F(2, 1, 3), F(4, 3)])
case("einsum.sum", "torch.einsum('ijk->', x)", [F(2, 3, 2)])
case("T", "x.T", [F(2, 3, 4)])
case("clip", "torch.clip(x, -0.5, 0.5)", [V([[-1.0, -0.2, 0.3], [0.7, 0.1, -0.6]])])
# Composite ops (issue: functions written with existing ops): truth reductions, closeness
TRUTH = [[1.0, 0.0, -2.0, math.nan], [0.5, 3.0, 1.0, -1.0], [0.0, 0.0, 0.0, 0.0]]
case("all", "torch.all(x)", [V(TRUTH)], backward=False)
case("all.true", "torch.all(x)", [V([[1.5, -2.0], [math.nan, math.inf]])], backward=False)
case("all.dim", "torch.all(x, 1)", [V(TRUTH)], backward=False)
case("all.dim_keepdim", "x.all(0, keepdim=True)", [V(TRUTH, view=T)], backward=False)
case("all.int", "torch.all(x, -1)", [V([[3, 0, 1], [2, 2, 7]], dtype="int64")], backward=False)
case("all.bool", "x.all(1)", [V([[True, False], [True, True]], dtype="bool")], backward=False)
case("all.empty", "torch.all(x)", [V([], shape=[0])], backward=False)
case("any", "torch.any(x)", [V(TRUTH)], backward=False)
case("any.false", "torch.any(x)", [V([[0.0, -0.0], [0.0, 0.0]])], backward=False)
case("any.dim", "torch.any(x, 1)", [V(TRUTH)], backward=False)
case("any.dim_keepdim", "x.any(0, keepdim=True)", [V(TRUTH, view=T)], backward=False)
case("any.int", "torch.any(x, 0)", [V([[0, 0, 1], [0, 2, 0]], dtype="int64")], backward=False)
case("any.empty", "torch.any(x)", [V([], shape=[0])], backward=False)
CLOSE_A = [1.0, 1.0, 1.0, math.inf, math.inf, math.nan, 0.0, 1e-9, 100.0, -5.0]
CLOSE_B = [1.0 + 1e-6, 1.0 + 2e-5, 1.0 - 9e-6, math.inf, -math.inf, math.nan, 1e-8, 0.0, 100.001, -5.00004]
case("isclose", "torch.isclose(x, y)", [V(CLOSE_A), V(CLOSE_B)], backward=False)
case("isclose.tolerances", "torch.isclose(x, y, rtol=1e-3, atol=1e-6, equal_nan=True)", [V(CLOSE_A), V(CLOSE_B)], backward=False)
case("isclose.positional", "torch.isclose(x, y, 0.0, 0.0, True)", [V(CLOSE_A), V(CLOSE_B)], backward=False)
case("isclose.broadcast", "x.isclose(y, atol=0.5)", [F(3, 4, view=T), F(3)], backward=False)
case("isclose.int", "torch.isclose(x, y)", [V([1, 2, 3, 10 ** 6], dtype="int64"), V([1, 3, 3, 10 ** 6 + 10], dtype="int64")], backward=False)
case("isclose.int_rtol", "torch.isclose(x, y, rtol=0.01)", [V([1, 2, 3, 10 ** 6], dtype="int64"), V([1, 3, 3, 10 ** 6 + 10], dtype="int64")], backward=False)
case("isclose.bool", "torch.isclose(x, y)", [V([True, False, True], dtype="bool"), V([True, True, False], dtype="bool")], backward=False)
# BLAS-style products and three-operand pointwise ops (gradients from their parts)
case("mv", "torch.mv(x, y)", [F(3, 4), F(4)], f32=True)
case("mv.noncontig", "x.mv(y)", [F(4, 3, view=T), F(4)])
case("dot", "torch.dot(x, y)", [F(5), F(5)], f32=True)
case("dot.method", "x.dot(y)", [F(4), F(4)])
case("dot.int", "torch.dot(x, y)", [V([1, -2, 3], dtype="int64"), V([4, 5, 6], dtype="int64")], backward=False)
case("addmm", "torch.addmm(x, y, z)", [F(2, 4), F(2, 3), F(3, 4)], f32=True)
case("addmm.beta_alpha", "torch.addmm(x, y, z, beta=0.5, alpha=-2)", [F(4), F(3, 2, view=T), F(3, 4)], f32=True)
case("addmm.beta0_nan", "torch.addmm(x, y, z, beta=0)", [V([[math.nan, 1.0], [math.inf, 2.0]]), F(2, 3), F(3, 2)], gradcheck=False)
case("addmm.method", "x.addmm(y, z, alpha=3)", [F(1, 4), F(2, 3), F(3, 4)])
case("addmv", "torch.addmv(x, y, z)", [F(3), F(3, 4), F(4)], f32=True)
case("addmv.beta_alpha", "torch.addmv(x, y, z, beta=2, alpha=0.5)", [F(1), F(4, 3, view=T), F(4)])
case("addmv.method", "x.addmv(y, z, beta=0)", [F(3), F(3, 2), F(2)])
case("baddbmm", "torch.baddbmm(x, y, z)", [F(2, 3, 4), F(2, 3, 5), F(2, 5, 4)], f32=True)
case("baddbmm.beta_alpha", "x.baddbmm(y, z, beta=-1, alpha=0.25)", [F(3, 4), F(2, 3, 5), F(2, 5, 4)])
case("addbmm", "torch.addbmm(x, y, z)", [F(3, 4), F(2, 3, 5), F(2, 5, 4)], f32=True)
case("addbmm.beta_alpha", "x.addbmm(y, z, beta=0.5, alpha=2)", [F(4), F(3, 3, 2), F(3, 2, 4)])
case("addcmul", "torch.addcmul(x, y, z)", [F(2, 3), F(2, 3), F(3)], f32=True)
case("addcmul.value", "x.addcmul(y, z, value=-0.5)", [F(3, 2, view=T), F(1, 3), F(2, 1)])
case("addcmul.int", "torch.addcmul(x, y, z, value=2)", [V([1, 2, 3], dtype="int64"), V([4, 5, 6], dtype="int64"), V([-1, 0, 2], dtype="int64")], backward=False)
case("addcdiv", "torch.addcdiv(x, y, z)", [F(2, 3), F(2, 3), F(3, kind="pos")], f32=True)
case("addcdiv.value", "x.addcdiv(y, z, value=2.5)", [F(3, 2, view=T), F(3), F(2, 1, kind="pos")])
case("lerp", "torch.lerp(x, y, 0.3)", [F(2, 3), F(2, 3)], f32=True)
case("lerp.tensor_weight", "torch.lerp(x, y, z)", [F(2, 3), F(3), F(2, 1)], f32=True)
case("lerp.method", "x.lerp(y, 0.75)", [F(3, 2, view=T), F(3)])
# joins by rank and broadcasting helpers (views and cat)
case("atleast1d", "torch.atleast_1d(x)", [V(1.5)])
case("atleast1d.several", "torch.atleast_1d(x, y)", [V(2.0), F(3)])
case("atleast2d", "torch.atleast_2d(x)", [F(3)])
case("atleast2d.list", "torch.atleast_2d([x, y, z])", [V(-1.0), F(2), F(2, 3)])
case("atleast3d", "torch.atleast_3d([x, y, z, w])", [V(0.5), F(2), F(2, 3), F(1, 2, 2)])
case("atleast3d.matrix", "torch.atleast_3d(x)", [F(3, 2, view=T)])
case("hstack", "torch.hstack([x, y, z])", [F(2), F(3), V(1.25)], f32=True)
case("hstack.matrices", "torch.hstack((x, y))", [F(3, 2, view=T), F(2, 4)])
case("hstack.int", "torch.hstack([x, y])", [V([[1], [2]], dtype="int64"), V([[3, 4], [5, 6]], dtype="int64")], backward=False)
case("vstack", "torch.vstack([x, y, z])", [F(3), F(2, 3), F(1, 3)], f32=True)
case("vstack.noncontig", "torch.vstack([x, y])", [F(3, 2, view=T), F(3)])
case("dstack", "torch.dstack([x, y])", [F(2, 3), F(2, 3, 2)], f32=True)
case("dstack.vectors", "torch.dstack([x, y, z])", [F(3), F(3), F(3)])
case("columnStack", "torch.column_stack([x, y, z])", [F(3), F(3, 2), F(3)], f32=True)
case("columnStack.noncontig", "torch.column_stack([x, y])", [F(2, 3, view=T), F(3)])
case("broadcastTo", "torch.broadcast_to(x, (2, 3, 4))", [F(3, 1)], f32=True)
case("broadcastTo.method", "x.broadcast_to((4, -1))", [F(3, 1, view=T)])
case("broadcastTensors", "torch.broadcast_tensors(x, y, z)", [F(2, 1, 3), F(4, 1), V(0.5)], f32=True)
case("broadcastTensors.int", "torch.broadcast_tensors(x, y)", [V([1, 2, 3], dtype="int64"), V([[4], [5]], dtype="int64")], backward=False)
case("meshgrid", "torch.meshgrid(x, y, indexing='ij')", [F(2), F(3)], f32=True)
case("meshgrid.xy", "torch.meshgrid(x, y, z, indexing='xy')", [F(2), F(3), F(4)])
case("meshgrid.list_xy", "torch.meshgrid([x, y], indexing='xy')", [F(3), V(1.5)])
case("meshgrid.default", "torch.meshgrid(x, y, z)", [F(2), V(0.5), F(2)])
# index_* along a dim, take_along_dim, products, distances, rotations, diagonals, ranges
case("trace", "torch.trace(x)", [F(3, 4)], f32=True)
case("trace.method", "x.trace()", [F(4, 3, view=T)])
case("trace.int", "torch.trace(x)", [V([[1, 2], [3, 4]], dtype="int64")], backward=False)
case("takeAlongDim", "torch.take_along_dim(x, y, 1)", [F(3, 4), I(3, 2, high=4)], f32=True)
case("takeAlongDim.flat", "torch.take_along_dim(x, y)", [F(3, 4), I(5, high=12)])
case("takeAlongDim.broadcast", "x.take_along_dim(y, dim=0)", [F(4, 3, view=T), I(2, 1, high=3)])
case("indexAdd", "torch.index_add(x, 0, y, z)", [F(4, 3), V([0, 2, 0], dtype="int64"), F(3, 3)], f32=True)
case("indexAdd.alpha", "x.index_add(1, y, z, alpha=-2.5)", [F(4, 3, view=T), V([3, 1], dtype="int64"), F(3, 2)])
case("indexAdd.int", "torch.index_add(x, 0, y, z, alpha=2)", [V([1, 2, 3], dtype="int64"), V([2, 2], dtype="int64"), V([10, 20], dtype="int64")], backward=False)
case("indexCopy", "torch.index_copy(x, 0, y, z)", [F(4, 3), V([3, 0], dtype="int64"), F(2, 3)], f32=True)
case("indexCopy.dim1", "x.index_copy(1, y, z)", [F(3, 4, view=T), V([2, 0, 1], dtype="int64"), F(4, 3)])
case("indexFill", "torch.index_fill(x, 1, y, -1.5)", [F(3, 4), V([0, 2], dtype="int64")], f32=True)
case("indexFill.negative", "x.index_fill(0, y, 2.0)", [F(4, 3, view=T), V([-1, 0], dtype="int64")])
case("indexFill.tensor_value", "torch.index_fill(x, 0, y, z)", [F(3, 2), V([1], dtype="int64"), F()])
case("countNonzero", "torch.count_nonzero(x)", [V(TRUTH)], backward=False)
case("countNonzero.dims", "torch.count_nonzero(x, (0, 1))", [V([[[0.0, 1.0], [2.0, 0.0]], [[0.0, 0.0], [math.nan, 3.0]]])], backward=False)
case("countNonzero.dim", "x.count_nonzero(dim=1)", [V([[0, 1, 2], [0, 0, 5]], dtype="int64")], backward=False)
case("tensordot", "torch.tensordot(x, y)", [F(2, 3, 4), F(3, 4, 5)], f32=True)
case("tensordot.int_dims", "torch.tensordot(x, y, 1)", [F(2, 3), F(4, 3, view=T)])
case("tensordot.lists", "torch.tensordot(x, y, dims=([1, 0], [0, 2]))", [F(3, 2, 4), F(2, 5, 3)])
case("tensordot.zero", "torch.tensordot(x, y, 0)", [F(2), F(3)])
case("kron", "torch.kron(x, y)", [F(2, 3), F(2, 2)], f32=True)
case("kron.ranks", "torch.kron(x, y)", [F(3), F(2, 2)])
case("kron.int", "x.kron(y)", [V([[1, 2], [3, 4]], dtype="int64"), V([1, -1], dtype="int64")], backward=False)
case("cross", "torch.cross(x, y, dim=1)", [F(2, 3), F(2, 3)], f32=True)
case("cross.default_dim", "torch.cross(x, y)", [F(3, 4), F(4, 3, view=T)])
case("cross.broadcast", "x.cross(y, -1)", [F(3, 1, view=T), F(2, 3)])
case("cdist", "torch.cdist(x, y)", [F(3, 4), F(5, 4)], f32=True)
case("cdist.p1", "torch.cdist(x, y, p=1)", [F(2, 3, 4), F(2, 2, 4)])
case("cdist.pinf", "torch.cdist(x, y, float('inf'))", [F(3, 2), F(4, 2)])
case("cdist.p3_batch", "torch.cdist(x, y, 3.0)", [F(2, 3, 2), F(1, 4, 2)])
case("rot90", "torch.rot90(x)", [F(2, 3)], f32=True)
case("rot90.k2", "torch.rot90(x, 2, [1, 2])", [F(2, 3, 4)])
case("rot90.neg", "x.rot90(-1, [0, 1])", [F(3, 2, view=T)])
case("rot90.k3", "torch.rot90(x, k=3, dims=[2, 0])", [F(2, 3, 4)])
case("diagEmbed", "torch.diag_embed(x)", [F(2, 3)], f32=True)
case("diagEmbed.offset", "torch.diag_embed(x, 1)", [F(3)])
case("diagEmbed.dims", "x.diag_embed(offset=-2, dim1=0, dim2=2)", [F(3, 2, view=T)])
case("diagEmbed.swapped", "torch.diag_embed(x, 1, -1, -2)", [F(2, 3)])
case("logspace", "torch.logspace(-2, 2, 7)", [], backward=False)
case("logspace.base", "torch.logspace(0, 3, 4, base=2, dtype=torch.float64)", [], backward=False)
case("logspace.one", "torch.logspace(2, 5, 1)", [], backward=False)
case("triuIndices", "torch.triu_indices(3, 4, 1)", [], backward=False)
case("triuIndices.neg", "torch.triu_indices(4, 3, -1)", [], backward=False)
case("trilIndices", "torch.tril_indices(3, 3)", [], backward=False)
case("trilIndices.int32", "torch.tril_indices(4, 5, 2, dtype=torch.int32)", [], backward=False)
# order statistics from the sort (inputs without ties: PyTorch's index among ties is its selection algorithm's)
case("median", "torch.median(x)", [F(3, 4)], f32=True)
case("median.even", "x.median()", [F(2, 3, view=T)])
case("median.ties", "torch.median(x)", [V([[1.0, 2.0, 2.0], [3.0, 2.0, 0.5]])], gradcheck=False)
case("median.nan", "torch.median(x)", [V([1.0, math.nan, 0.5, 2.0, math.nan])], gradcheck=False)
case("median.dim", "torch.median(x, 1)", [F(3, 4)], f32=True)
case("median.dim_keepdim", "x.median(0, keepdim=True)", [F(4, 3, view=T)])
case("median.dim_nan", "torch.median(x, 1)", [V([[1.0, math.nan, 0.5], [2.0, -1.0, 3.0], [math.nan, 4.0, math.nan]])], gradcheck=False)
case("median.int", "torch.median(x, 0)", [V([[5, -2], [1, 9], [3, 4]], dtype="int64")], backward=False)
case("nanmedian", "torch.nanmedian(x)", [V([1.0, math.nan, 0.5, 2.0, math.nan, -3.0])], gradcheck=False)
# (a line of NaNs only: its value NaN, its index whichever NaN PyTorch's selection leaves there, so not compared)
case("nanmedian.dim", "torch.nanmedian(x, 1)", [V([[1.0, math.nan, 0.5, 4.0], [2.0, -1.0, 3.0, 0.25], [math.nan, 4.0, math.nan, math.nan]])], gradcheck=False)
case("nanmedian.plain", "x.nanmedian(0)", [F(5, 2)])
case("kthvalue", "torch.kthvalue(x, 2, 1)", [F(3, 5)], f32=True)
case("kthvalue.default_dim", "x.kthvalue(4)", [F(4, 2, view=T)])
case("kthvalue.keepdim", "torch.kthvalue(x, 1, 0, True)", [F(3, 2)])
case("msort", "torch.msort(x)", [F(4, 3)], f32=True)
case("msort.method", "x.msort()", [F(3, 4, view=T)])
case("quantile", "torch.quantile(x, 0.3)", [F(3, 4)], f32=True)
case("quantile.dim", "torch.quantile(x, 0.75, 1)", [F(3, 5)], f32=True)
case("quantile.tensor_q", "x.quantile(y, dim=0, keepdim=True)", [F(4, 3, view=T), V([0.0, 0.25, 0.9, 1.0], grad=False)], gradcheck=False)
case("quantile.keepdim_all", "torch.quantile(x, 0.5, keepdim=True)", [F(2, 3)])
case("quantile.lower", "torch.quantile(x, y, 1, interpolation='lower')", [F(2, 5), V([0.1, 0.5, 0.7], grad=False)], gradcheck=False)
case("quantile.higher", "torch.quantile(x, y, 1, interpolation='higher')", [F(2, 5), V([0.1, 0.5, 0.7], grad=False)], gradcheck=False)
case("quantile.nearest", "torch.quantile(x, y, interpolation='nearest')", [V([0.0, 1.0, 2.0, 3.0, 4.5]), V([0.125, 0.375, 0.5, 0.625, 0.875], grad=False)], gradcheck=False)
case("quantile.midpoint", "torch.quantile(x, 0.4, 0, interpolation='midpoint')", [F(5, 2)])
case("quantile.nan", "torch.quantile(x, 0.5, 1)", [V([[1.0, math.nan, 3.0], [2.0, 0.5, 1.0]])], gradcheck=False)
case("nanquantile", "torch.nanquantile(x, 0.5, 1)", [V([[1.0, math.nan, 3.0, 0.5], [2.0, 0.5, 1.0, -1.0], [math.nan, math.nan, math.nan, math.nan]])], gradcheck=False)
case("nanquantile.tensor_q", "x.nanquantile(y)", [V([4.0, math.nan, -1.0, 2.5, math.nan, 0.0]), V([0.2, 0.5, 1.0], grad=False)], gradcheck=False)

# dtype promotion (forward only where the result is integer)
case("add.int", "torch.add(x, y)", [V([1, 2, 3], dtype="int64"), V([[4], [5]], dtype="int64")],
     backward=False)
case("add.int32", "torch.add(x, y)", [V([1, 2, 3], dtype="int32"), V([[4], [5]], dtype="int32")],
     backward=False)
case("add.int_float_scalar", "torch.add(x, 1.5)", [V([1, 2, 3], dtype="int64")], backward=False)
case("mul.int_f64", "torch.mul(x, y)", [V([1, 2, 3], dtype="int64"), F(3)])
# int64, PyTorch's default integer dtype: exact beyond 2^53, wrapping at 2^63 as PyTorch does
BIG = [2 ** 62 + 1, -(2 ** 53) - 3, 7, -1]
case("int64.add_int32", "torch.add(x, y)", [V([1, 2, 3], dtype="int64"), V([10, 20, 30], dtype="int32")], backward=False)
case("int64.add_scalar", "torch.add(x, 1)", [V(BIG, dtype="int64")], backward=False)
case("int64.add_wrap", "torch.add(x, x)", [V(BIG, dtype="int64")], backward=False)
case("int64.sub", "torch.sub(x, y)", [V(BIG, dtype="int64"), V([3, -4, 5, 6], dtype="int64")], backward=False)
case("int64.mul_wrap", "torch.mul(x, 3)", [V(BIG, dtype="int64")], backward=False)
case("int64.neg_abs", "torch.abs(torch.neg(x))", [V(BIG, dtype="int64")], backward=False)
case("int64.div", "torch.div(x, 2)", [V([7, -7, 2, 10 ** 12], dtype="int64")], backward=False)
case("int64.mul_float", "torch.mul(x, 0.5)", [V([3, -5, 2 ** 40], dtype="int64")], backward=False)
case("int64.pow", "torch.pow(x, 3)", [V([2, -3, 5, 2 ** 22], dtype="int64")], backward=False)
case("int64.eq_scalar", "torch.eq(x, 2)", [V([1, 2, 3], dtype="int64")], backward=False)
case("int64.ne_scalar", "torch.ne(x, 2)", [V([1, 2, 3], dtype="int64")], backward=False)
case("int64.lt_big", "torch.lt(x, y)", [V([2 ** 53, 2 ** 53 + 1, -5], dtype="int64"), V([2 ** 53 + 1, 2 ** 53 + 1, -5], dtype="int64")], backward=False)
case("int64.ge_float", "torch.ge(x, 2.5)", [V([1, 2, 3], dtype="int64")], backward=False)
case("int64.maximum", "torch.maximum(x, y)", [V(BIG, dtype="int64"), V([0, 0, 9, -2], dtype="int64")], backward=False)
case("int64.sum", "torch.sum(x)", [V([2147483647, 1, 2 ** 40], dtype="int64")], backward=False)
case("int64.sum_int32", "torch.sum(x)", [V([2147483647, 1], dtype="int32")], backward=False)
case("int64.sum_bool", "torch.sum(x, 0)", [V([[True, False], [True, True]], dtype="bool")], backward=False)
case("int64.sum_dim", "torch.sum(x, 1)", [V([[1, 2, 3], [4, 5, 6]], dtype="int64")], backward=False)
case("int64.prod", "torch.prod(x)", [V([3, -4, 5, 2 ** 40], dtype="int64")], backward=False)
case("int64.cumsum", "torch.cumsum(x, 0)", [V([5, -2, 2 ** 60, 2 ** 60], dtype="int64")], backward=False)
case("int64.max_dim", "torch.max(x, 1)", [V([[3, 9, 9], [-(2 ** 60), -1, -(2 ** 61)]], dtype="int64")], backward=False)
case("int64.amin", "torch.amin(x, 0)", [V([[3, 9, 1], [-(2 ** 60), -1, 7]], dtype="int64")], backward=False)
case("int64.argmax", "torch.argmax(x)", [V([3, 2 ** 60, 2 ** 60 + 1, 5], dtype="int64")], backward=False)
case("int64.where", "torch.where(z, x, y)", [V(BIG, dtype="int64"), V([1, 2, 3, 4], dtype="int32"), V([True, False, True, False], dtype="bool")], backward=False)
case("int64.clamp", "torch.clamp(x, -3, 5)", [V([-10, 0, 10, 2 ** 60], dtype="int64")], backward=False)
case("int64.to_float", "x.to(torch.float64)", [V([2 ** 53 + 1, -(2 ** 62), 3], dtype="int64")], backward=False)
case("int64.from_float", "x.to(torch.int64)", [V([2.9, -2.9, 1e18, -0.5], dtype="float64")], backward=False, f32=True)
case("int64.matmul", "torch.matmul(x, y)", [V([[1, 2], [3, 2 ** 40]], dtype="int64"), V([[5, 6], [7, 8]], dtype="int64")], backward=False)
case("int64.gather_values", "torch.gather(x, 0, y)", [V([2 ** 60, 5, -7], dtype="int64"), V([2, 0, 0], dtype="int64")], backward=False)

# more names real programs call: counting and searching (no derivative), differences, NaN-aware
# and paired reductions, running extremes, take, logit, inner, dist, splits, aliases, normal
case("unique", "torch.unique(x)", [V([3, 1, 2, 1, 5, 3], dtype="int64")], backward=False)
case("unique.inverse_counts", "torch.unique(x, return_inverse=True, return_counts=True)", [V([[2.5, -1.0, 2.5], [0.0, -1.0, 7.0]])], backward=False, f32=True)
case("unique.dim0", "torch.unique(x, dim=0, return_inverse=True, return_counts=True)", [V([[1, 2], [0, 5], [1, 2], [0, 4]], dtype="int64")], backward=False)
case("unique.dim1", "torch.unique(x, dim=1)", [V([[1.0, 2.0, 1.0], [3.0, 4.0, 3.0]])], backward=False)
case("unique.bool", "torch.unique(x, return_counts=True)", [V([True, False, True], dtype="bool")], backward=False)
case("unique.method", "x.unique(sorted=True, return_inverse=True)", [V([4, 4, 1, -2], dtype="int32")], backward=False)
case("bincount", "torch.bincount(x)", [V([0, 1, 1, 3, 1], dtype="int64")], backward=False)
case("bincount.weights", "torch.bincount(x, weights=y)", [V([0, 1, 1, 3], dtype="int64"), V([0.5, 1.0, 2.0, 1.25])], backward=False)
case("bincount.weights_f32", "torch.bincount(x, y)", [V([2, 0, 2], dtype="int64"), V([0.1, 0.2, 0.3], dtype="float32")], backward=False)
case("bincount.minlength", "x.bincount(minlength=6)", [V([1, 2], dtype="int32")], backward=False)
case("histc", "torch.histc(x, bins=4, min=0, max=3)", [V([1.0, 2.0, 1.0, 2.5, 7.0, -1.0, 3.0, 0.0])], backward=False)
case("histc.data_range", "torch.histc(x, bins=5)", [F(20)], backward=False, f32=True)
case("histc.method", "x.histc(10, 0, 1)", [V([0.1, 0.2, 0.3, 0.7, 0.9, 1.0], dtype="float32")], backward=False)
case("searchsorted", "torch.searchsorted(x, y)", [V([1.0, 3.0, 5.0, 7.0, 9.0]), V([[3.0, 6.0, 9.0], [0.0, 10.0, 5.0]])], backward=False)
case("searchsorted.right", "torch.searchsorted(x, y, right=True)", [V([1.0, 3.0, 5.0, 7.0, 9.0]), V([[3.0, 6.0, 9.0], [0.0, 10.0, 5.0]])], backward=False)
case("searchsorted.side_2d", "torch.searchsorted(x, y, side='right')", [V([[1, 3, 5], [2, 4, 6]], dtype="int64"), V([[3, 6, 9], [3, 6, 9]], dtype="int64")], backward=False)
case("searchsorted.sorter", "torch.searchsorted(x, y, sorter=z)", [V([5.0, 1.0, 3.0]), V([2.0, 4.0, 6.0]), V([1, 2, 0], dtype="int64")], backward=False)
case("searchsorted.int32", "torch.searchsorted(x, y, out_int32=True)", [V([1.0, 2.0]), V([1.5, 2.0])], backward=False)
case("bucketize", "torch.bucketize(x, y)", [V([[3, 6, 9], [3, 6, 9]], dtype="int64"), V([1, 3, 5, 7, 9], dtype="int64")], backward=False)
case("bucketize.right", "torch.bucketize(x, y, right=True)", [V([1.0, 5.0, 6.5]), V([1.0, 3.0, 5.0])], backward=False)
case("diff", "torch.diff(x)", [F(5)], f32=True)
case("diff.n2_dim0", "torch.diff(x, n=2, dim=0)", [F(4, 3)])
case("diff.prepend_append", "torch.diff(x, dim=1, prepend=y, append=z)", [F(2, 3), F(2, 1), F(2, 2)])
case("diff.bool", "torch.diff(x)", [V([True, False, False, True], dtype="bool")], backward=False)
case("diff.int", "x.diff()", [V([1, 3, 6, 10], dtype="int64")], backward=False)
case("nansum", "torch.nansum(x)", [V([1.0, math.nan, 2.5, math.nan])], gradcheck=False)
case("nansum.dim", "torch.nansum(x, 1, keepdim=True)", [F(3, 4)], f32=True)
case("nansum.int", "torch.nansum(x)", [V([1, 2, 3], dtype="int64")], backward=False)
case("nanmean", "torch.nanmean(x, 1)", [V([[1.0, math.nan, 3.0], [math.nan, math.nan, 2.0], [math.nan, math.nan, math.nan]])], gradcheck=False)
case("nanmean.plain", "x.nanmean()", [F(3, 4)], f32=True)
case("var_mean", "torch.var_mean(x, 1)", [F(3, 4)], f32=True)
case("var_mean.unbiased_false", "torch.var_mean(x, unbiased=False)", [F(2, 3)])
case("std_mean", "torch.std_mean(x, [0, 1], keepdim=True)", [F(2, 3, 2)])
case("std_mean.correction", "torch.std_mean(x, 0, correction=0)", [F(4, 2)])
case("aminmax", "torch.aminmax(x)", [F(3, 4)], backward=False, f32=True)
case("aminmax.dim", "torch.aminmax(x, dim=1, keepdim=True)", [F(3, 4)], backward=False)
case("aminmax.int", "x.aminmax(dim=0)", [V([[3, -1], [2, 8]], dtype="int64")], backward=False)
case("cummax", "torch.cummax(x, 0)", [V([1.0, 3.0, 2.0, 3.0, 0.5, 4.0])], gradcheck=False)
case("cummax.dim", "torch.cummax(x, 1)", [F(3, 5)], f32=True)
case("cummax.nan", "torch.cummax(x, 0)", [V([1.0, math.nan, 2.0, 5.0])], gradcheck=False)
case("cummin", "x.cummin(-1)", [F(2, 6)])
case("cummin.int", "torch.cummin(x, 1)", [V([[3, 1, 1], [0, 5, -2]], dtype="int64")], backward=False)
case("take", "torch.take(x, y)", [F(2, 3), V([[0, -1], [5, 2], [2, 2]], dtype="int64")], f32=True)
case("logit", "torch.logit(x)", [V([0.2, 0.45, 0.7, 0.93])], f32=True)
case("logit.eps", "x.logit(0.1)", [V([0.05, 0.3, 0.5, 0.96, 0.7])])
case("clamp_min", "torch.clamp_min(x, 0.2)", [F(2, 3)], f32=True)
case("clamp_max", "x.clamp_max(-0.1)", [F(2, 3)])
case("inner", "torch.inner(x, y)", [F(2, 3), F(4, 3)], f32=True)
case("inner.vec", "x.inner(y)", [F(3), F(3)])
case("inner.scalar", "torch.inner(x, y)", [F(), F(2, 2)])
case("dist", "torch.dist(x, y)", [F(2, 3), F(3)], f32=True)
case("dist.p1", "x.dist(y, 1)", [F(4), F(4)])
case("dist.pinf", "torch.dist(x, y, math.inf)", [F(4), F(4)])
case("dist.p3", "torch.dist(x, y, 3)", [F(2, 2), F(2, 2)])
case("tensor_split", "torch.tensor_split(x, 3)", [F(7, 2)])
case("tensor_split.indices", "torch.tensor_split(x, [1, 5, 10], dim=1)", [F(2, 7)])
case("tensor_split.tensor", "x.tensor_split(y, 0)", [F(5, 2), V([1, 3], dtype="int64")])
case("hsplit", "torch.hsplit(x, 3)", [F(2, 6)])
case("hsplit.vector", "torch.hsplit(x, [1, 4])", [F(6)])
case("vsplit", "x.vsplit([1])", [F(3, 2)])
case("dsplit", "torch.dsplit(x, 2)", [F(1, 2, 4)])
case("flipud", "torch.flipud(x)", [F(3, 2)])
case("fliplr", "x.fliplr()", [F(2, 3, 2)])
case("moveaxis", "torch.moveaxis(x, 0, -1)", [F(2, 3, 4)])
case("swapaxes", "x.swapaxes(0, 2)", [F(2, 3, 4)])
case("swapdims", "torch.swapdims(x, 1, 0)", [F(2, 3)])
case("true_divide", "torch.true_divide(x, y)", [F(2, 3), F(3, kind="pos")])
case("normal.tensor_tensor", "seeded(lambda: torch.normal(x, y))", [F(2, 3), F(3, kind="pos")], gradcheck=False, f32=True)
case("normal.tensor_float", "seeded(lambda: torch.normal(x, 0.5))", [F(20)], gradcheck=False, f32=True)
case("normal.float_tensor", "seeded(lambda: torch.normal(2.0, x))", [F(3, kind="pos")], gradcheck=False, f32=True)
case("normal.size", "seeded(lambda: torch.normal(2.0, 3.0, size=(4, 5)))", [], backward=False)
case("mode", "torch.mode(x)", [V([3, 1, 3, 1, 2], dtype="int64")], backward=False)
case("mode.dim_ties", "torch.mode(x, 1)", [V([[1.0, 2.0, 2.0, 5.0], [4.0, 4.0, 1.0, 1.0]])], gradcheck=False)
case("mode.distinct_keepdim", "x.mode(0, keepdim=True)", [F(3, 4)], f32=True)
case("logcumsumexp", "torch.logcumsumexp(x, 1)", [F(2, 5)], f32=True)
case("logcumsumexp.neg_inf", "x.logcumsumexp(0)", [V([0.0, -math.inf, 1.0, 2.0])], gradcheck=False)
case("sinc", "torch.sinc(x)", [V([0.0, 0.5, -1.5, 2.3])], f32=True)
case("deg2rad", "torch.deg2rad(x)", [F(3)], f32=True)
case("deg2rad.int", "x.deg2rad()", [V([180, 90, -45], dtype="int64")], backward=False)
case("rad2deg", "torch.rad2deg(x)", [F(3)])
case("heaviside", "torch.heaviside(x, y)", [V([-1.5, 0.0, 2.0]), V([0.5])], backward=False)
case("heaviside.int", "x.heaviside(y)", [V([-1, 0, 2], dtype="int64"), V(7, dtype="int64")], backward=False)
case("cov", "torch.cov(x)", [F(3, 5)], f32=True)
case("cov.correction0", "torch.cov(x, correction=0)", [F(2, 4)])
case("cov.weights", "torch.cov(x, fweights=y, aweights=z)", [F(2, 4), V([1, 2, 1, 3], dtype="int64"), V([0.5, 1.0, 2.0, 1.5])])
case("cov.fweights", "x.cov(fweights=y)", [F(3, 4), V([2, 1, 1, 3], dtype="int64")])
case("cov.vector", "torch.cov(x)", [F(6)])
case("corrcoef", "torch.corrcoef(x)", [F(3, 5)], f32=True)
case("corrcoef.method", "x.corrcoef()", [F(2, 6)])
case("block_diag", "torch.block_diag(x, y, z, w)", [F(1, 2), F(), F(2), F(2, 1)])
case("block_diag.int", "torch.block_diag(x, y)", [V([[1, 2], [3, 4]], dtype="int64"), V([5], dtype="int64")], backward=False)
case("cartesian_prod", "torch.cartesian_prod(x, y)", [F(2), F(3)])
case("cartesian_prod.three", "torch.cartesian_prod(x, y, z)", [V([1, 2], dtype="int64"), V([3], dtype="int64"), V([4, 5], dtype="int64")], backward=False)
case("combinations", "torch.combinations(x)", [F(4)])
case("combinations.r3_replacement", "torch.combinations(x, r=3, with_replacement=True)", [F(3)])
case("combinations.too_many", "torch.combinations(x, 3)", [V([1, 2], dtype="int64")], backward=False)
case("unique_consecutive", "torch.unique_consecutive(x, return_inverse=True, return_counts=True)", [V([1, 1, 2, 2, 3, 1, 1, 2], dtype="int64")], backward=False)
case("unique_consecutive.dim0", "x.unique_consecutive(dim=0, return_counts=True)", [V([[1.0, 1.0], [1.0, 1.0], [2.0, 3.0]])], backward=False)
case("unique_consecutive.plain", "torch.unique_consecutive(x)", [V([0.5, 0.5, -1.0, 0.5])], backward=False, f32=True)
case("lgamma", "torch.lgamma(x)", [V([-2.5, -0.5, 0.3, 1.0, 2.0, 3.7, 10.5, 150.0])], f32=True)
case("lgamma.poles", "torch.lgamma(x)", [V([0.0, -1.0, -3.0, math.inf, -math.inf, math.nan, 1e-300, -1e6 + 0.25])], backward=False)
case("lgamma.method", "x.lgamma()", [F(2, 3, kind="pos")])
case("digamma", "torch.digamma(x)", [V([-2.5, -0.5, 0.3, 1.0, 1.4616, 10.0, 37.5, 1e5])], f32=True)
case("digamma.poles", "torch.digamma(x)", [V([0.0, -0.0, -2.0, math.inf, math.nan])], backward=False)
case("polygamma.n0", "torch.polygamma(0, x)", [F(4, kind="pos")])
case("polygamma.n1", "torch.polygamma(1, x)", [V([0.3, 1.5, 4.0, -1.5, 25.0])], f32=True)
case("polygamma.n2", "torch.polygamma(2, x)", [V([0.3, 1.5, 4.0, 12.0])])
case("polygamma.n3_method", "x.polygamma(3)", [F(3, kind="pos")], f32=True)
case("polygamma.n4_negative_x", "torch.polygamma(4, x)", [V([-1.5, -0.25, 2.0])], backward=False)
# reductions over dims that are not adjacent (reduced in stages, no permuted copy)
case("sum.dims_nonadjacent", "torch.sum(x, [0, 2, 3])", [F(3, 4, 5, 6)], f32=True)
case("sum.dims_size1", "torch.sum(x, [1, 3])", [F(2, 1, 3, 1)], f32=True)
case("sum.dims_size1_between", "torch.sum(x, [0, 2])", [F(3, 1, 4, 2)], f32=True)
case("sum.dims_empty_kept", "torch.sum(x, [0, 2])", [F(2, 0, 3)])
case("sum.dims_noncontig", "torch.sum(x, [0, 2])", [F(5, 4, 3, view=T)], f32=True)
case("mean.dims_nonadjacent", "torch.mean(x, [0, 2, 4], keepdim=True)", [F(2, 3, 2, 3, 2)], f32=True)
case("amin.dims_nonadjacent_nan", "torch.amin(x, [0, 2])", [V([[[1.0, 2.0], [3.0, -4.0], [5.0, 0.5]], [[-1.0, math.nan], [7.0, 8.0], [-9.0, 2.5]]])], gradcheck=False, f32=True)
case("amax.dims_nonadjacent", "torch.amax(x, [1, 3])", [F(2, 3, 4, 5)], f32=True)
case("int64.sum_dims_nonadjacent", "torch.sum(x, [0, 2])", [V([[[1, -2], [3, 4]], [[5, 6], [-7, 8]], [[9, 10], [11, 2**40]]], dtype="int64")], backward=False)
# softmax's gradient as one node (ATen's _softmax_backward_data) and its own derivatives
case("softmax.double_backward", "torch.autograd.grad(torch.softmax(x, 1), x, y, create_graph=True)[0]", [F(3, 5), F(3, 5)], f32=True)
case("softmax.double_backward_dim0", "torch.autograd.grad(torch.softmax(x, 0), x, y, create_graph=True)[0]", [F(4, 3), F(4, 3)])
case("logSoftmax.double_backward", "torch.autograd.grad(torch.log_softmax(x, 1), x, y, create_graph=True)[0]", [F(3, 5), F(3, 5)], f32=True)
case("logSoftmax.double_backward_inner", "torch.autograd.grad(torch.log_softmax(x, 1), x, y, create_graph=True)[0]", [F(2, 3, 4), F(2, 3, 4)])
# bitwise ops (integers and bool; shift counts past the width and negative taken mod the width)
INT32S = [5, -5, 1, -1, 7, 2**31 - 1, -2**31, 12345, 0, -77]
INT64S = [5, -5, 1, -1, 7, -2**62, 2**63 - 1, -2**63, 123456789012345, 0]
case("bitwiseAnd.int64", "torch.bitwise_and(x, y)", [V(INT64S, dtype="int64"), V([3, -1, 0, 2**40 + 1, -8, 6, -2**63, 255, -2, 9], dtype="int64")], backward=False)
case("bitwiseOr.int32_broadcast", "torch.bitwise_or(x, y)", [V([INT32S[:5], INT32S[5:]], dtype="int32"), V([[1], [-16]], dtype="int32")], backward=False)
case("bitwiseXor.int64_scalar", "torch.bitwise_xor(x, -6)", [V(INT64S, dtype="int64")], backward=False)
case("bitwiseXor.bool", "torch.bitwise_xor(x, y)", [V([True, False, True, False], dtype="bool"), V([True, True, False, False], dtype="bool")], backward=False)
case("bitwiseAnd.bool_int", "torch.bitwise_and(x, y)", [V([True, False, True], dtype="bool"), V([3, 3, 2], dtype="int64")], backward=False)
case("bitwiseOr.int32_int64", "torch.bitwise_or(x, y)", [V([1, -2, 4], dtype="int32"), V([2**40, 1, -8], dtype="int64")], backward=False)
case("bitwiseOr.scalar_wraps", "torch.bitwise_or(x, 2**40 + 3)", [V([1, 8, -16], dtype="int32")], backward=False)
case("bitwiseAnd.scalar_left", "torch.bitwise_and(12, x)", [V([10, 7, -1], dtype="int64")], backward=False)
case("bitwiseNot.int32", "torch.bitwise_not(x)", [V(INT32S, dtype="int32")], backward=False)
case("bitwiseNot.int64", "torch.bitwise_not(x)", [V(INT64S, dtype="int64")], backward=False)
case("bitwiseNot.bool", "torch.bitwise_not(x)", [V([True, False], dtype="bool")], backward=False)
case("bitwiseLeftShift.int32", "torch.bitwise_left_shift(x, y)", [V(INT32S, dtype="int32"), V([0, 1, 31, 32, -1, 33, 1, 40, 5, -33], dtype="int32")], backward=False)
case("bitwiseRightShift.int32", "torch.bitwise_right_shift(x, y)", [V(INT32S, dtype="int32"), V([0, 1, 31, 32, -1, 33, 1, 40, 5, -33], dtype="int32")], backward=False)
case("bitwiseLeftShift.int64", "torch.bitwise_left_shift(x, y)", [V(INT64S, dtype="int64"), V([0, 1, 63, 64, -1, 65, 1, 70, 40, -65], dtype="int64")], backward=False)
case("bitwiseRightShift.int64", "torch.bitwise_right_shift(x, y)", [V(INT64S, dtype="int64"), V([0, 1, 63, 64, -1, 65, 1, 70, 40, -65], dtype="int64")], backward=False)
case("bitwiseLeftShift.scalar_count", "torch.bitwise_left_shift(x, 40)", [V(INT32S, dtype="int32")], backward=False)
case("bitwiseRightShift.scalar_left", "torch.bitwise_right_shift(-1024, x)", [V([0, 3, 10, 63, 64, -1], dtype="int64")], backward=False)
case("bitwiseLeftShift.int32_by_int64", "torch.bitwise_left_shift(x, y)", [V([1, -3, 5], dtype="int32"), V([33, 2, 62], dtype="int64")], backward=False)

# ---------------------------------------------------------------------------------------------
# Serialisation


def enc_float(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


TS_DTYPE = {torch.float64: "float64", torch.float32: "float32", torch.int64: "int64",
            torch.int32: "int32", torch.bool: "bool"}


def enc_tensor(t):
    t = t.detach()
    dtype = TS_DTYPE[t.dtype]
    flat = t.contiguous().reshape(-1).tolist()
    if dtype.startswith("float"):
        data = [enc_float(float(v)) for v in flat]
    elif dtype == "bool":
        data = [bool(v) for v in flat]
    else:  # integers beyond 2^53 as decimal strings: JSON numbers would round them
        data = [int(v) if abs(int(v)) <= 2 ** 53 else str(int(v)) for v in flat]
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def as_list(out):
    if isinstance(out, torch.Tensor):
        return [out]
    return list(out)  # tuples, namedtuples (values, indices)


def run_case(c):
    dtype = c.get("dtype")
    name = c["fn"] + ("/" + dtype if dtype else "")
    gen = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    leaves, args, inputs_json = [], [], []
    for spec in c["inputs"]:
        t, dt = spec.make(gen, dtype)
        j = enc_tensor(t)
        j["dtype"] = dt
        j["requiresGrad"] = bool(c["backward"] and spec.grad)
        if spec.view:
            j["view"] = spec.view
        inputs_json.append(j)
        leaf = t.clone().requires_grad_(j["requiresGrad"])
        leaves.append(leaf)
        args.append(leaf.transpose(-2, -1) if spec.view == "transpose" else leaf)
    env = dict(zip(ARG_NAMES, args))
    outs = as_list(eval(c["expr"], {**EVAL_GLOBALS, **env}))
    result = {"name": name, "fn": c["fn"], "expr": c["expr"], "inputs": inputs_json,
              "outputs": [enc_tensor(o) for o in outs]}
    if c["backward"]:
        g_outs = [torch.randn(o.shape, generator=gen, dtype=torch.float64).to(o.dtype)
                  if o.is_floating_point() else None for o in outs]
        diff = [(o, g) for o, g in zip(outs, g_outs) if g is not None]
        wrt = [leaf for leaf in leaves if leaf.requires_grad]
        grads = torch.autograd.grad([o for o, _ in diff], wrt, [g for _, g in diff])
        it = iter(grads)
        result["gradOutputs"] = [enc_tensor(g) if g is not None else None for g in g_outs]
        result["grads"] = [enc_tensor(next(it)) if leaf.requires_grad else None
                           for leaf in leaves]
        result["gradcheck"] = bool(c["gradcheck"] and all(
            j["dtype"] != "float32" for j in inputs_json))
        if result["gradcheck"]:
            self_check_gradcheck(c, leaves)
    return result


def self_check_gradcheck(c, leaves):
    """PyTorch's own gradcheck (same tolerances as the tests) must pass where we claim it will."""
    views = [spec.view for spec in c["inputs"]]

    def fn(*xs):
        args = [x.transpose(-2, -1) if v == "transpose" else x for x, v in zip(xs, views)]
        outs = [o for o in as_list(eval(c["expr"], EVAL_GLOBALS, dict(zip(ARG_NAMES, args))))
                if o.is_floating_point()]
        return outs[0] if len(outs) == 1 else torch.cat([o.reshape(-1) for o in outs])

    fresh = [leaf.detach().clone().requires_grad_(leaf.requires_grad) for leaf in leaves]
    assert torch.autograd.gradcheck(fn, fresh, eps=1e-6, atol=1e-5, rtol=1e-3), c["fn"]


# ---------------------------------------------------------------------------------------------
# Errors: PyTorch's message for each kind of bad input. `fragments` are the parts a torch-ts
# message must contain (checked here to be verbatim parts of PyTorch's message); they leave out
# PyTorch's snake_case op names and its int64 index dtype, which torch-ts spells differently.


def _inplace_saved():
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def _backward_twice():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


ERRORS = [
    ("add.shape_mismatch", lambda: torch.randn(2, 3) + torch.randn(2, 4),
     ["The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"]),
    ("mul.shape_mismatch", lambda: torch.randn(5, 3) * torch.randn(2, 1),
     ["The size of tensor a (5) must match the size of tensor b (2) at non-singleton dimension 0"]),
    ("mm.shape_mismatch", lambda: torch.mm(torch.randn(3, 2), torch.randn(3, 2)),
     ["mat1 and mat2 shapes cannot be multiplied (3x2 and 3x2)"]),
    ("matmul.shape_mismatch", lambda: torch.matmul(torch.randn(2, 3), torch.randn(4, 5)),
     ["mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"]),
    ("bmm.shape_mismatch", lambda: torch.bmm(torch.randn(2, 3, 4), torch.randn(2, 5, 6)),
     ["Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5]."]),
    ("sum.bad_dim", lambda: torch.randn(2, 3).sum(2),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 2)"]),
    ("softmax.bad_dim", lambda: torch.softmax(torch.randn(2, 3), -3),
     ["Dimension out of range (expected to be in range of [-2, 1], but got -3)"]),
    ("transpose.bad_dim", lambda: torch.randn(2, 3).transpose(0, 3),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 3)"]),
    ("unsqueeze.bad_dim", lambda: torch.randn(2, 3).unsqueeze(3),
     ["Dimension out of range (expected to be in range of [-3, 2], but got 3)"]),
    ("gather.index_dtype", lambda: torch.randn(3, 4).gather(1, torch.zeros(3, 2)),
     ["Expected dtype int"]),
    ("gather.index_out_of_range",
     lambda: torch.randn(3, 4).gather(1, torch.tensor([[0, 4], [1, 1], [2, 2]])),
     ["index 4 is out of bounds for dimension 1 with size 4"]),
    ("indexSelect.index_out_of_range",
     lambda: torch.randn(3, 4).index_select(0, torch.tensor([0, 3])),
     ["index out of range in self"]),
    ("select.index_out_of_range", lambda: torch.randn(2, 3).select(0, 5),
     ["index 5 out of range for tensor of size [2, 3] at dimension 0"]),
    ("reshape.invalid", lambda: torch.randn(2, 3).reshape(4, 4),
     ["shape '[4, 4]' is invalid for input of size 6"]),
    ("view.noncontig", lambda: torch.randn(2, 3).t().view(6),
     ["view size is not compatible with input tensor's size and stride"]),
    ("expand.invalid", lambda: torch.randn(2, 3).expand(2, 4),
     ["The expanded size of the tensor (4) must match the existing size (3) at non-singleton "
      "dimension 1", "Target sizes: [2, 4]", "Tensor sizes: [2, 3]"]),
    ("cat.shapes", lambda: torch.cat([torch.randn(2, 3), torch.randn(2, 4)], 0),
     ["Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for "
      "tensor number 1 in the list."]),
    ("stack.shapes", lambda: torch.stack([torch.randn(2, 3), torch.randn(2, 4)], 0),
     ["stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at "
      "entry 1"]),
    ("where.cond_dtype", lambda: torch.where(torch.ones(2, 3), torch.randn(2, 3), torch.randn(2, 3)),
     ["where expected condition to be a boolean tensor"]),
    ("item.not_scalar", lambda: torch.randn(2, 3).item(),
     ["only one element tensors can be converted"]),
    ("backward.non_scalar",
     lambda: (torch.randn(2, 3, requires_grad=True) * 2).backward(),
     ["grad can be implicitly created only for scalar outputs"]),
    ("backward.no_grad_fn", lambda: torch.randn(2, 3).sum().backward(),
     ["element 0 of tensors does not require grad and does not have a grad_fn"]),
    ("grad.input_not_requiring_grad",
     lambda: torch.autograd.grad((torch.randn(3, requires_grad=True) * 2).sum(),
                                 [torch.randn(3)]),
     ["One of the differentiated Tensors does not require grad"]),
    ("backward.twice", _backward_twice,
     ["Trying to backward through the graph a second time"]),
    ("inplace.saved_modified", _inplace_saved,
     ["one of the variables needed for gradient computation has been modified by an inplace "
      "operation", "is at version 1; expected version 0 instead"]),
    ("fmod.int_zero", lambda: torch.fmod(torch.tensor([3, 4]), torch.tensor([1, 0])), ["ZeroDivisionError"]),
    ("remainder.int_zero", lambda: torch.remainder(torch.tensor([3]), 0), ["ZeroDivisionError"]),
    ("floorDivide.int_zero", lambda: torch.floor_divide(torch.tensor([3], dtype=torch.int32), 0), ["ZeroDivisionError"]),
    ("floor.bool", lambda: torch.floor(torch.tensor([True])), ['"floor_vml_cpu" not implemented for \'Bool\'']),
    ("round.decimals_int", lambda: torch.round(torch.tensor([3]), decimals=1), ['"round_cpu" not implemented for \'Long\'']),
    ("frac.int", lambda: torch.frac(torch.tensor([3])), ['"frac_cpu" not implemented for \'Long\'']),
    ("fmod.bool", lambda: torch.fmod(torch.tensor([True]), torch.tensor([True])), ['"fmod_cpu" not implemented for \'Bool\'']),
    ("hypot.int", lambda: torch.hypot(torch.tensor([1]), torch.tensor([2])), ['"hypot_cpu" not implemented for \'Long\'']),
    ("logaddexp.int", lambda: torch.logaddexp(torch.tensor([1]), torch.tensor([2])), ['"logaddexp_cpu" not implemented for \'Long\'']),
    ("atan2.scalar_other", lambda: torch.atan2(torch.tensor([1.0]), 2), ["atan2(): argument 'other' (position 2) must be Tensor"]),
    ("inplace.leaf_requires_grad", lambda: torch.randn(3, requires_grad=True).add_(1),
     ["a leaf Variable that requires grad is being used in an in-place operation."]),
    # composite ops
    ("isclose.dtype", lambda: torch.isclose(torch.randn(2), torch.randn(2, dtype=torch.float64)),
     ["Float did not match Double"]),
    ("isclose.negative_rtol", lambda: torch.isclose(torch.randn(2), torch.randn(2), rtol=-1),
     ["rtol must be greater than or equal to zero, but got -1"]),
    ("allclose.negative_atol", lambda: torch.allclose(torch.randn(2), torch.randn(2), atol=-0.5),
     ["atol must be greater than or equal to zero, but got -0.5"]),
    ("isclose.shape_mismatch", lambda: torch.isclose(torch.randn(2, 3), torch.randn(4)),
     ["The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"]),
    ("addmm.shape_mismatch", lambda: torch.addmm(torch.randn(4), torch.randn(2, 3), torch.randn(4, 4)),
     ["mat1 and mat2 shapes cannot be multiplied (2x3 and 4x4)"]),
    ("addmm.input_shape", lambda: torch.addmm(torch.randn(3, 4), torch.randn(2, 3), torch.randn(3, 4)),
     ["The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0",
      "Target sizes: [2, 4]", "Tensor sizes: [3, 4]"]),
    ("addmm.not_matrix", lambda: torch.addmm(torch.randn(4), torch.randn(3), torch.randn(3, 4)),
     ["mat1 must be a matrix, got 1-D tensor"]),
    ("addmm.dtype", lambda: torch.addmm(torch.randn(2, 4), torch.randn(2, 3), torch.randn(3, 4, dtype=torch.float64)),
     ["self and mat2 must have the same dtype"]),
    ("mv.shape_mismatch", lambda: torch.mv(torch.randn(2, 3), torch.randn(4)),
     ["size mismatch, got 2, 2x3,4"]),
    ("mv.not_vector", lambda: torch.mv(torch.randn(2, 3), torch.randn(3, 1)),
     ["vector + matrix @ vector expected, got 1, 2, 2"]),
    ("addmv.shape_mismatch", lambda: torch.addmv(torch.randn(3), torch.randn(2, 3), torch.randn(3)),
     ["size mismatch, got 3, 2x3,3"]),
    ("dot.not_1d", lambda: torch.dot(torch.randn(2, 3), torch.randn(3)),
     ["1D tensors expected, but got 2D and 1D tensors"]),
    ("dot.size", lambda: torch.dot(torch.randn(3), torch.randn(4)),
     ["inconsistent tensor size, expected tensor [3] and src [4] to have the same number of "
      "elements, but got 3 and 4 elements respectively"]),
    ("dot.dtype", lambda: torch.dot(torch.randn(3), torch.randn(3, dtype=torch.float64)),
     ["dot : expected both vectors to have same dtype, but found Float and Double"]),
    ("baddbmm.input_shape", lambda: torch.baddbmm(torch.randn(2, 3, 5), torch.randn(2, 3, 4), torch.randn(2, 4, 4)),
     ["The expanded size of the tensor (4) must match the existing size (5) at non-singleton dimension 2",
      "Target sizes: [2, 3, 4]", "Tensor sizes: [2, 3, 5]"]),
    ("baddbmm.batches", lambda: torch.baddbmm(torch.randn(2, 3, 4), torch.randn(2, 3, 4), torch.randn(3, 4, 4)),
     ["Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [3, 4]."]),
    ("addbmm.sizes", lambda: torch.addbmm(torch.randn(3, 4), torch.randn(2, 3, 4), torch.randn(2, 5, 4)),
     ["Incompatible matrix sizes for bmm (3x4 and 5x4)"]),
    ("addcmul.shape_mismatch", lambda: torch.addcmul(torch.randn(2), torch.randn(3), torch.randn(2)),
     ["The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"]),
    ("addcdiv.integer", lambda: torch.addcdiv(torch.tensor([1]), torch.tensor([1]), torch.tensor([2])),
     ["Integer division with addcdiv is no longer supported"]),
    ("lerp.end_dtype", lambda: torch.lerp(torch.randn(2), torch.randn(2, dtype=torch.float64), 0.5),
     ["expected dtype float for `end` but got dtype double"]),
    ("lerp.weight_dtype", lambda: torch.lerp(torch.randn(2), torch.randn(2), torch.randn(2, dtype=torch.float64)),
     ["expected dtype float for `weight` but got dtype double"]),
    ("lerp.integer", lambda: torch.lerp(torch.tensor([1]), torch.tensor([2]), 0.5),
     ["not implemented for 'Long'"]),
    ("hstack.empty", lambda: torch.hstack([]), ["hstack expects a non-empty TensorList"]),
    ("vstack.shapes", lambda: torch.vstack([torch.randn(2), torch.randn(3)]),
     ["Sizes of tensors must match except in dimension 0. Expected size 2 but got size 3 for "
      "tensor number 1 in the list."]),
    ("columnStack.empty", lambda: torch.column_stack([]), ["column_stack expects a non-empty TensorList"]),
    ("broadcastTo.shape", lambda: torch.broadcast_to(torch.randn(3), (2, 4)),
     ["The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1",
      "Target sizes: [2, 4]", "Tensor sizes: [3]"]),
    ("broadcastTensors.shapes", lambda: torch.broadcast_tensors(torch.randn(2, 3), torch.randn(4)),
     ["The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"]),
    ("meshgrid.2d", lambda: torch.meshgrid(torch.randn(2, 2), indexing="ij"),
     ["torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got"]),
    ("meshgrid.dtype", lambda: torch.meshgrid(torch.randn(2), torch.randn(2, dtype=torch.float64), indexing="ij"),
     ["meshgrid expects all tensors to have the same dtype"]),
    ("meshgrid.empty", lambda: torch.meshgrid(), ["meshgrid expects a non-empty TensorList"]),
    ("trace.not_matrix", lambda: torch.trace(torch.randn(3)), ["trace: expected a matrix, but got tensor with dim 1"]),
    ("takeAlongDim.ndim", lambda: torch.take_along_dim(torch.randn(2, 3), torch.zeros(2, dtype=torch.long), 1),
     ["input and indices should have the same number of dimensions, but got 2 dimensions for input, "
      "and 1 dimensions for indices"]),
    ("takeAlongDim.dtype", lambda: torch.take_along_dim(torch.randn(2, 3), torch.zeros(2, 1), 1),
     ["dtype of indices should be Long but got Float"]),
    ("indexAdd.count", lambda: torch.index_add(torch.randn(3, 4), 0, torch.tensor([0, 1, 2]), torch.randn(2, 4)),
     ["Number of indices (3) should be equal to source.size(dim): (2), for dim: 0"]),
    ("indexAdd.range", lambda: torch.index_add(torch.randn(3, 4), 0, torch.tensor([0, 3]), torch.randn(2, 4)),
     ["index out of range in self"]),
    ("indexAdd.dtype", lambda: torch.index_add(torch.randn(3, 4), 0, torch.tensor([0, 1]), torch.randn(2, 4, dtype=torch.float64)),
     ["self (Float) and source (Double) must have the same scalar type"]),
    ("indexCopy.count", lambda: torch.index_copy(torch.randn(3, 4), 0, torch.tensor([0, 1, 2]), torch.randn(2, 4)),
     ["Number of indices (3) should be equal to source.size(dim) (2)"]),
    ("indexFill.range", lambda: torch.index_fill(torch.randn(3, 4), 0, torch.tensor([0, 5]), 1.0),
     ["index 5 is out of bounds for dimension 0 with size 3"]),
    ("indexFill.index_dtype", lambda: torch.index_fill(torch.randn(3, 4), 0, torch.tensor([0, 1.0]), 1.0),
     ["Expected dtype int64 for index"]),
    ("tensordot.sizes", lambda: torch.tensordot(torch.randn(2, 3), torch.randn(4, 5), dims=1),
     ["contracted dimensions need to match, but first has size 3 in dim -1 and second has size 4 in dim 0"]),
    ("tensordot.lists", lambda: torch.tensordot(torch.randn(2, 3), torch.randn(3, 5), dims=([1, 0], [0])),
     ["both dimension lists should have same length"]),
    ("cross.no_size_3", lambda: torch.cross(torch.randn(2, 4), torch.randn(2, 4)), ["no dimension of size 3 in input"]),
    ("cross.dim_size", lambda: torch.cross(torch.randn(3, 4), torch.randn(3, 4), dim=1),
     ["inputs dimension 1 must have length 3. Got 4 and 4"]),
    ("cdist.columns", lambda: torch.cdist(torch.randn(2, 3), torch.randn(4, 5)),
     ["X1 and X2 must have the same number of columns. X1: 3 X2: 5"]),
    ("cdist.negative_p", lambda: torch.cdist(torch.randn(2, 3), torch.randn(4, 3), p=-1),
     ["cdist only supports non-negative p values"]),
    ("cdist.integer", lambda: torch.cdist(torch.ones(2, 3, dtype=torch.long), torch.ones(4, 3, dtype=torch.long)),
     ["cdist only supports floating-point dtypes, X1 got: Long"]),
    ("cdist.1d", lambda: torch.cdist(torch.randn(3), torch.randn(3)), ["cdist only supports at least 2D tensors, X1 got: 1D"]),
    ("rot90.same_dims", lambda: torch.rot90(torch.randn(2, 3), 1, [0, 0]),
     ["expected rotation dims to be different, but got dim0 = 0 and dim1 = 0"]),
    ("rot90.1d", lambda: torch.rot90(torch.randn(3), 1, [0, 1]), ["expected total dims >= 2, but got total dims = 1"]),
    ("rot90.three_dims", lambda: torch.rot90(torch.randn(2, 3), 1, [0, 1, 2]),
     ["expected total rotation dims == 2, but got dims = 3"]),
    ("diagEmbed.same_dims", lambda: torch.diag_embed(torch.randn(3), 0, 0, 0), ["diagonal dimensions cannot be identical 0, 0"]),
    ("triuIndices.negative_row", lambda: torch.triu_indices(-1, 3), ["row must be non-negative, got-1"]),
    ("kthvalue.range", lambda: torch.randn(2, 4).kthvalue(5, 1), ["kthvalue(): selected number k out of range for dimension 1"]),
    ("quantile.q_range", lambda: torch.quantile(torch.randn(3, 4), 1.5), ["quantile() q must be in the range [0, 1] but got 1.5"]),
    ("quantile.q_values", lambda: torch.quantile(torch.randn(3, 4), torch.tensor([0.5, -1.0])), ["quantile() q values must be in the range [0, 1]"]),
    ("quantile.q_dtype", lambda: torch.quantile(torch.randn(3, 4), torch.tensor([0.5], dtype=torch.float64)),
     ["quantile() q tensor must be same dtype as the input tensor"]),
    ("quantile.q_2d", lambda: torch.quantile(torch.randn(3, 4), torch.tensor([[0.5]])), ["quantile() q must be a scalar or 1D tensor"]),
    ("quantile.integer", lambda: torch.quantile(torch.tensor([1, 2]), 0.5), ["quantile() input tensor must be either float or double dtype"]),
    ("quantile.interpolation", lambda: torch.quantile(torch.randn(3, 4), 0.5, interpolation="foo"),
     ["quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got foo"]),
    ("unique.backward", lambda: torch.unique(torch.tensor([1.0, 2.0], requires_grad=True)).sum().backward(), ["the derivative for '_unique2' is not implemented."]),
    ("unique_dim.backward", lambda: torch.unique(torch.tensor([[1.0, 2.0]], requires_grad=True), dim=0).sum().backward(),
     ["the derivative for 'unique_dim' is not implemented."]),
    ("bincount.float", lambda: torch.bincount(torch.tensor([1.0])), ['"bincount_cpu" not implemented for \'Float\'']),
    ("bincount.negative", lambda: torch.bincount(torch.tensor([1, -1])), ["bincount only supports 1-d non-negative integral inputs."]),
    ("bincount.2d", lambda: torch.bincount(torch.tensor([[1]])), ["bincount only supports 1-d non-negative integral inputs."]),
    ("bincount.weights_length", lambda: torch.bincount(torch.tensor([1, 2]), torch.tensor([1.0])), ["weights should be 1-d and have the same length as input"]),
    ("bincount.minlength", lambda: torch.bincount(torch.tensor([1]), minlength=-1), ["minlength should be >= 0"]),
    ("histc.int", lambda: torch.histc(torch.tensor([1, 2]), bins=2), ['"histogram_cpu" not implemented for \'Long\'']),
    ("histc.bins", lambda: torch.histc(torch.tensor([1.0, 2.0]), bins=0), ["torch.histogram(): bins must be > 0, but got 0 for dimension 0"]),
    ("histc.range", lambda: torch.histc(torch.tensor([1.0, 2.0]), bins=2, min=3, max=1), ["torch.histc: max must be larger than min"]),
    ("histc.not_finite", lambda: torch.histc(torch.tensor([1.0, math.inf]), bins=2), ["torch.histc: range of [1, inf] is not finite"]),
    ("searchsorted.shapes", lambda: torch.searchsorted(torch.tensor([[1.0, 2.0]]), torch.tensor([1.0])),
     ["boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [1, 2] and input value tensor [1]"]),
    ("searchsorted.side", lambda: torch.searchsorted(torch.tensor([1.0, 2.0]), torch.tensor([1.0]), side="middle"),
     ["torch.searchsorted(): side can only be 'left' or 'right' but got middle"]),
    ("searchsorted.opposites", lambda: torch.searchsorted(torch.tensor([1.0, 2.0]), torch.tensor([1.0]), side="left", right=True),
     ["torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True"]),
    ("searchsorted.0d", lambda: torch.searchsorted(torch.tensor(1.0), torch.tensor([1.0])),
     ["torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension"]),
    ("bucketize.2d", lambda: torch.bucketize(torch.tensor([1.0]), torch.tensor([[1.0]])), ["boundaries tensor must be 1 dimension, but got dim(2)"]),
    ("diff.0d", lambda: torch.diff(torch.tensor(1.0)), ["diff expects input to be at least one-dimensional"]),
    ("nanmean.int", lambda: torch.nanmean(torch.tensor([1, 2])), ["nanmean(): expected input to have floating point dtype but got Long"]),
    ("aminmax.empty", lambda: torch.aminmax(torch.tensor([])), ["aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity."]),
    ("aminmax.empty_dim", lambda: torch.aminmax(torch.zeros(2, 0), dim=1), ["aminmax: Expected reduction dim 1 to have non-zero size."]),
    ("aminmax.backward", lambda: torch.aminmax(torch.tensor([1.0, 2.0], requires_grad=True)).min.backward(), ["derivative for aten::aminmax is not implemented"]),
    ("take.range", lambda: torch.take(torch.zeros(6), torch.tensor([6])), ["out of range: tried to access index 6 on a tensor of 6 elements."]),
    ("take.negative_range", lambda: torch.take(torch.zeros(6), torch.tensor([-7])), ["out of range: tried to access index -7 on a tensor of 6 elements."]),
    ("take.index_dtype", lambda: torch.take(torch.zeros(6), torch.tensor([1], dtype=torch.int32)), ["take(): Expected a long tensor for index, but got Int"]),
    ("inner.shapes", lambda: torch.inner(torch.zeros(2, 3), torch.zeros(4)), ["inner() the last dimension must match on both input tensors but got shapes [2, 3] and [4]"]),
    ("tensor_split.zero", lambda: torch.tensor_split(torch.zeros(3), 0), ["number of sections must be larger than 0, got 0"]),
    ("vsplit.1d", lambda: torch.vsplit(torch.zeros(4), 2), ["torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1 dimensions!"]),
    ("hsplit.indivisible", lambda: torch.hsplit(torch.zeros(5, 5), 2),
     ["torch.hsplit attempted to split along dimension 1, but the size of the dimension 5 is not divisible by the split_size 2!"]),
    ("dsplit.2d", lambda: torch.dsplit(torch.zeros(2, 2), 2), ["torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with 2 dimensions!"]),
    ("flipud.0d", lambda: torch.flipud(torch.tensor(1.0)), ["Input must be >= 1-d."]),
    ("fliplr.1d", lambda: torch.fliplr(torch.zeros(3)), ["Input must be >= 2-d."]),
    ("normal.std_negative", lambda: torch.normal(torch.zeros(2), -1.0), ["normal expects std >= 0.0, but found std -1"]),
    ("normal.std_tensor_negative", lambda: torch.normal(torch.zeros(2), torch.tensor([1.0, -1.0])), ["normal expects all elements of std >= 0.0"]),
    ("normal.shapes", lambda: torch.normal(torch.zeros(2), torch.ones(3)), ["The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"]),
    ("mode.empty", lambda: torch.mode(torch.zeros(2, 0), 1), ["Expected reduction dim 1 to have non-zero size."]),
    ("logcumsumexp.int", lambda: torch.logcumsumexp(torch.tensor([1, 2]), 0), ["not implemented for 'Long'"]),
    ("heaviside.dtypes", lambda: torch.heaviside(torch.tensor([1.0]), torch.tensor([1])), ["heaviside is not yet implemented for tensors with different dtypes."]),
    ("heaviside.backward", lambda: torch.heaviside(torch.tensor([1.0], requires_grad=True), torch.tensor([0.5])).sum().backward(), ["derivative for aten::heaviside is not implemented"]),
    ("cov.3d", lambda: torch.cov(torch.zeros(2, 2, 2)), ["cov(): expected input to have two or fewer dimensions but got an input with 3 dimensions"]),
    ("cov.fweights_numel", lambda: torch.cov(torch.zeros(2, 3), fweights=torch.tensor([1, 2])),
     ["cov(): expected fweights to have the same numel as there are observations in the input but got 2 != 3"]),
    ("cov.fweights_float", lambda: torch.cov(torch.zeros(2, 3), fweights=torch.tensor([1.0, 2.0, 1.0])), ["cov(): expected fweights to have integral dtype"]),
    ("block_diag.3d", lambda: torch.block_diag(torch.zeros(1, 1, 1)), ["torch.block_diag: Input tensors must have 2 or fewer dimensions. Input 0 has 3 dimensions"]),
    ("combinations.2d", lambda: torch.combinations(torch.zeros(2, 2)), ["Expect a 1D vector, but got shape [2, 2]"]),
    ("cartesian_prod.2d", lambda: torch.cartesian_prod(torch.zeros(2), torch.zeros(2, 2)), ["Expect a 1D vector, but got shape [2, 2]"]),
    ("pdist.1d", lambda: torch.pdist(torch.zeros(3)), ["pdist only supports 2D tensors, got: 1D"]),
    ("pdist.negative_p", lambda: torch.pdist(torch.zeros(2, 2), p=-1), ["pdist only supports non-negative p values"]),
    ("pdist.int", lambda: torch.pdist(torch.zeros(2, 2, dtype=torch.long)), ["pdist only supports floating-point dtypes"]),
    ("polygamma.negative_n", lambda: torch.polygamma(-1, torch.tensor([1.0])), ["polygamma(n, x) does not support negative n."]),
    ("bitwise_and.float", lambda: torch.bitwise_and(torch.zeros(2), torch.zeros(2)), ['"bitwise_and_cpu" not implemented for \'Float\'']),
    ("bitwise_or.double_scalar", lambda: torch.bitwise_or(torch.tensor([1]), 2.5), ['"bitwise_or_cpu" not implemented for \'Float\'']),
    ("bitwise_xor.double", lambda: torch.bitwise_xor(torch.zeros(2, dtype=torch.float64), torch.tensor([1, 2])), ['"bitwise_xor_cpu" not implemented for \'Double\'']),
    ("bitwise_not.float", lambda: torch.bitwise_not(torch.zeros(2)), ['"bitwise_not_cpu" not implemented for \'Float\'']),
    ("bitwise_left_shift.bool", lambda: torch.bitwise_left_shift(torch.tensor([True]), torch.tensor([True])), ['"lshift_cpu" not implemented for \'Bool\'']),
    ("bitwise_right_shift.float", lambda: torch.bitwise_right_shift(torch.zeros(2), 1), ['"rshift_cpu" not implemented for \'Float\'']),
    ("bitwise_and.shape_mismatch", lambda: torch.bitwise_and(torch.tensor([1, 2]), torch.tensor([1, 2, 3])),
     ["The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"]),
    ("unique_consecutive.backward", lambda: torch.unique_consecutive(torch.tensor([1.0, 2.0], requires_grad=True)).sum().backward(),
     ["the derivative for 'unique_consecutive' is not implemented."]),
]


def run_errors():
    torch.manual_seed(0)
    out = []
    for name, thunk, fragments in ERRORS:
        try:
            thunk()
        except Exception as e:  # noqa: BLE001 - we record whatever PyTorch raises
            msg = str(e)
            for f in fragments:
                assert f in msg, f"{name}: fragment {f!r} not in PyTorch's message {msg!r}"
            out.append({"name": name, "type": type(e).__name__, "message": msg,
                        "fragments": fragments})
            continue
        raise AssertionError(f"{name}: PyTorch raised nothing")
    return out


# ---------------------------------------------------------------------------------------------
# Printing: repr() of tensors the test rebuilds from the stored data. "after" names an op the
# test applies before printing ("mul2": x * 2, giving a grad_fn).

PRINTS = [
    ("float_row_requires_grad", torch.tensor([[1.5410, -0.2934]], requires_grad=True), None),
    ("float_whole_numbers", torch.tensor([1.0, 2.0, 3.0]), None),
    ("float_mixed", torch.tensor([1.5, -2.25, 3.0]), None),
    ("float_matrix", torch.tensor([[0.1, -12.5, 3.0], [100.25, 0.0, -7.125]]), None),
    ("float_3d", torch.arange(12, dtype=torch.float32).reshape(2, 3, 2) * 0.5, None),
    ("float_large_sci", torch.tensor([1e10, 1.0, -3.5]), None),
    ("float_small_sci", torch.tensor([1e-5, 1.0, 0.5]), None),
    ("float_all_large_integers", torch.tensor([123456789.0, 1.0]), None),
    ("float_nonfinite", torch.tensor([1.5, math.nan, math.inf, -math.inf]), None),
    ("float_scalar", torch.tensor(3.5), None),
    ("float_scalar_grad", torch.tensor(-0.25, requires_grad=True), None),
    ("float64", torch.tensor([1.5, 2.0, -0.125], dtype=torch.float64), None),
    ("float64_grad", torch.tensor([[1.0, 2.0]], dtype=torch.float64, requires_grad=True), None),
    ("int", torch.tensor([1, 2, 3]), None),
    ("int_matrix_negative", torch.tensor([[1, -20], [300, 4]]), None),
    ("int_scalar", torch.tensor(7), None),
    ("bool", torch.tensor([True, False, True]), None),
    ("empty", torch.tensor([]), None),
    ("empty_2d", torch.zeros(2, 0), None),
    ("wrapped_row", torch.arange(30, dtype=torch.float32) * 0.37, None),
    ("summarized_1d", torch.arange(2000, dtype=torch.float32), None),
    ("summarized_2d", torch.arange(1200, dtype=torch.float32).reshape(40, 30), None),
    ("summarized_int", torch.arange(1500), None),
    ("grad_fn_mul", torch.tensor([1.0, -2.0], requires_grad=True), "mul2"),
    # under torch.set_printoptions (reset to the defaults after each)
    ("opts_precision2", torch.tensor([[0.123456, -12.5], [3.0, 1e-3]]), None, {"precision": 2}),
    ("opts_short_profile", torch.arange(2000, dtype=torch.float32) * 0.5, None, {"profile": "short"}),
    ("opts_full_profile", torch.arange(1200, dtype=torch.float32), None, {"profile": "full", "linewidth": 120}),
    ("opts_threshold_edgeitems", torch.arange(30).reshape(5, 6), None, {"threshold": 10, "edgeitems": 1}),
    ("opts_sci_on", torch.tensor([1.5, 250.0, -3.25]), None, {"sci_mode": True}),
    ("opts_sci_off", torch.tensor([1e-6, 1.0, 123456789.0]), None, {"sci_mode": False}),
    ("opts_sci_on_zeros", torch.zeros(3), None, {"sci_mode": True}),
    ("opts_linewidth", torch.arange(20, dtype=torch.float32) / 3, None, {"linewidth": 40, "precision": 3}),
]


def camel_key(k):
    head, *rest = k.split("_")
    return head + "".join(p.capitalize() for p in rest)


def run_prints():
    out = []
    for name, t, after, *opts in PRINTS:
        shown = t * 2 if after == "mul2" else t
        j = enc_tensor(t)
        if opts:
            torch.set_printoptions(**opts[0])
            j["printOptions"] = {camel_key(k): v for k, v in opts[0].items()}
        j.update({"name": name, "requiresGrad": t.requires_grad, "repr": repr(shown)})
        torch.set_printoptions(profile="default", sci_mode=None)
        if after:
            j["after"] = after
        out.append(j)
    return out


# ---------------------------------------------------------------------------------------------


def write(path, header, items):
    """One item per line: small diffs when a case changes, and still valid JSON."""
    with open(path, "w") as f:
        head = json.dumps(header)[:-1]
        f.write(head + ', "cases": [\n')
        f.write(",\n".join(json.dumps(i, allow_nan=False) for i in items))
        f.write("\n]}\n")


def main():
    torch.set_default_dtype(torch.float32)
    header = {"generator": "tools/gen_op_fixtures.py", "torch": torch.__version__}
    cases = [run_case(c) for c in CASES]
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write(OUT_DIR / "ops.json", header, cases)
    write(OUT_DIR / "ops-errors.json", header, run_errors())
    write(OUT_DIR / "ops-printing.json", header, run_prints())
    print(f"wrote {len(cases)} op cases, {len(ERRORS)} errors, {len(PRINTS)} reprs to {OUT_DIR}")


if __name__ == "__main__":
    main()
