#!/usr/bin/python3
"""PyTorch's subscript semantics for test/subscript.test.ts: test/fixtures/indexing.json.

Run with Debian's PyTorch: /usr/bin/python3 tools/gen_index_fixtures.py

Each read case indexes x (float64 [3, 4, 5], requires grad) with a Python subscript; the
fixture has the result and x's gradient for a fixed upstream gradient. Each write case does
y = x * 1; y[subscript] = v * 1 (v requires grad) and records y and the gradients of x and v for
an upstream gradient (CopySlices in PyTorch). The TypeScript side spells each subscript two
ways (a string and an array of items) where JavaScript allows; `ts` says how.
Index tensors are given as lists of ints / bools, made tensors on both sides.
"""
import json
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "indexing.json"
g = torch.Generator().manual_seed(42)
X = torch.randn(3, 4, 5, generator=g, dtype=torch.float64)

# (name, python index builder, ts string form or None, ts array form as JSON with tensors as
# {"t": list, "dtype": ...})
def T(v, dtype="int64"):
    return {"t": v, "dtype": dtype}

def make(item):
    if isinstance(item, dict) and "t" in item:
        return torch.tensor(item["t"], dtype=getattr(torch, item["dtype"]))
    if isinstance(item, dict) and "slice" in item:
        return slice(*item["slice"])
    if item == "...":
        return Ellipsis
    return item

READS = [
    ("int", "1", [1]),
    ("neg_int", "-1", [-1]),
    ("two_ints", "1, 2", [1, 2]),
    ("slice_from", "1:", [{"slice": [1, None, None]}]),
    ("slices", "1:, :-1", [{"slice": [1, None, None]}, {"slice": [None, -1, None]}]),
    ("step", ":, ::2", [{"slice": [None, None, None]}, {"slice": [None, None, 2]}]),
    ("step_start", "..., 1::3", ["...", {"slice": [1, None, 3]}]),
    ("ellipsis_int", "..., 0", ["...", 0]),
    ("none", "None, :", [None, {"slice": [None, None, None]}]),
    ("none_mid", "0, None, 1:3", [0, None, {"slice": [1, 3, None]}]),
    ("clamped", "-10:10, 2:1", [{"slice": [-10, 10, None]}, {"slice": [2, 1, None]}]),
    ("list", None, [T([2, 0, 2])]),
    ("list_neg", None, [T([-1, 0])]),
    ("adv_two_adjacent", None, [{"slice": [None, None, None]}, T([0, 1, 3]), T([4, 0, 2])]),
    ("adv_separated", None, [T([0, 2]), {"slice": [None, None, None]}, T([1, 3])]),
    ("adv_broadcast", None, [T([[0], [2]]), T([1, 3])]),
    ("adv_with_int", None, [0, {"slice": [None, None, None]}, T([1, 2])]),
    ("adv_int_between", None, [T([0]), 1, T([2])]),
    ("adv_ellipsis", None, ["...", T([4, 1])]),
    ("adv_slice_after", None, [T([2, 1]), {"slice": [1, 3, None]}]),
    ("adv_dup", None, [T([1, 1, 0])]),
    ("mask_full", None, ["mask_full"]),
    ("mask_dim0", None, [T([True, False, True], "bool")]),
    ("mask_dim1", None, [{"slice": [None, None, None]}, T([False, True, True, False], "bool")]),
    ("bool_true", "True", [True]),
    ("bool_false", None, [False]),
]
WRITES = [
    ("set_slice", ":, 0::2", [{"slice": [None, None, None]}, {"slice": [0, None, 2]}], [2, 5]),
    ("set_int", "1", [1], [5]),
    ("set_scalar_shape", "0, 1, 2", [0, 1, 2], []),
    ("set_adv", None, [T([0, 2]), T([1, 3])], [2, 5]),
    ("set_adv_slice", None, [{"slice": [None, None, None]}, T([3, 0])], [1, 5]),
    ("set_mask", None, [T([True, False, True], "bool")], [4, 5]),
    ("set_ellipsis", "..., 1", ["...", 1], [3, 4]),
]

def stored(t):
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": t.reshape(-1).tolist()}

cases = []
mask_full = (X > 0.5)
for name, s, items in READS:
    idx = tuple(mask_full if it == "mask_full" else make(it) for it in items)
    x = X.clone().requires_grad_()
    out = x[idx if len(idx) > 1 else idx[0]]
    up = torch.randn(out.shape, generator=g, dtype=torch.float64)
    (out * up).sum().backward()
    cases.append({"kind": "read", "name": name, "str": s, "items": items, "out": stored(out.detach()), "up": stored(up), "gradX": stored(x.grad)})
for name, s, items, vshape in WRITES:
    idx = tuple(make(it) for it in items)
    x = X.clone().requires_grad_()
    v = torch.randn(vshape, generator=g, dtype=torch.float64, requires_grad=True)
    y = x * 1
    y[idx if len(idx) > 1 else idx[0]] = v * 1
    up = torch.randn(y.shape, generator=g, dtype=torch.float64)
    (y * up).sum().backward()
    cases.append({"kind": "write", "name": name, "str": s, "items": items, "v": stored(v.detach()), "out": stored(y.detach()), "up": stored(up),
                  "gradX": stored(x.grad), "gradV": stored(v.grad), "gradFn": type(y.grad_fn).__name__})
OUT.write_text(json.dumps({"torch": torch.__version__, "x": stored(X), "maskFull": stored(mask_full), "cases": cases}))
print(f"wrote {len(cases)} cases to {OUT}")
