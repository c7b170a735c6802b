"""Shared by the fixture generators of issue 15's names (gen_nn_names_fixtures.py,
gen_init_fixtures.py, gen_rnn_utils_fixtures.py, gen_distributions_fixtures.py,
gen_transformer_fixtures.py): the JSON tensor format of test/ops/fixture-io.ts and functional
cases with forward values and gradients.

A tensor is {"shape": [..], "dtype": "float64"|"float32"|"int64"|"int32"|"bool", "data": [flat,
row-major]}; floats by Python's repr (float32 widened exactly), NaN/inf as "nan"/"inf"/"-inf",
integers beyond 2^53 as decimal strings.

A functional case (fcase) is:
  name         unique; "<name>/float32" for the float32 variant
  inputs       tensors with "requiresGrad"; "view": "transpose" means the test passes
               leaf.transpose(-2, -1) (a non-contiguous view) to the function
  outputs      the outputs, in order
  gradOutputs  one fixed upstream gradient per float output (null for others)
  grads        torch.autograd.grad(float outputs, leaves, gradOutputs) per input (null where none)
  gradcheck    whether torch-ts must pass a float64 gradcheck here (PyTorch's passes: asserted)
"""
import json
from pathlib import Path

import torch

from gen_op_fixtures import enc_tensor as enc

OUT_DIR = Path(__file__).resolve().parent.parent / "test" / "fixtures"


def outputs_of(r):
    if isinstance(r, torch.Tensor):
        return [r]
    return list(r)


def fcase(name, fn, inputs, gradcheck=True, seed=0):
    """inputs: tensors (float ones require grad) or (tensor, requires_grad, view) triples; float
    tensors are cast to float64 for the case and to float32 for its "/float32" variant (made
    only when some input is floating)."""
    specs_in = [s if isinstance(s, tuple) else (s, s.is_floating_point(), None) for s in inputs]
    has_float = any(t.is_floating_point() for t, _, _ in specs_in)
    out = []
    for dtype in (torch.float64, torch.float32) if has_float else (torch.float64,):
        torch.manual_seed(seed)
        leaves, args, specs = [], [], []
        for t, grad, view in specs_in:
            leaf = (t.to(dtype) if t.is_floating_point() else t).clone().requires_grad_(grad)
            leaves.append(leaf)
            args.append(leaf.transpose(-2, -1) if view == "transpose" else leaf)
            specs.append(dict(enc(leaf), requiresGrad=grad, **({"view": view} if view else {})))
        outs = outputs_of(fn(*args))
        g = torch.Generator().manual_seed(1234)
        diff = [o.is_floating_point() and o.requires_grad for o in outs]
        gouts = [torch.randn(o.shape, generator=g, dtype=torch.float64).to(o.dtype) if d else None
                 for o, d in zip(outs, diff)]
        grads = [None] * len(leaves)
        wrt = [l for l in leaves if l.requires_grad]
        if any(diff) and wrt:
            gs = iter(torch.autograd.grad([o for o, d in zip(outs, diff) if d], wrt,
                                          [go for go in gouts if go is not None], allow_unused=True))
            grads = [next(gs) if l.requires_grad else None for l in leaves]
        check = gradcheck and dtype == torch.float64 and any(diff) and bool(wrt)
        if check:
            def f(*ls):
                a = [l.transpose(-2, -1) if s.get("view") == "transpose" else l for l, s in zip(ls, specs)]
                return tuple(o for o in outputs_of(fn(*a)) if o.is_floating_point())
            assert torch.autograd.gradcheck(f, [l.detach().clone().requires_grad_(l.requires_grad) for l in leaves]), name
        out.append({
            "name": name if dtype == torch.float64 else f"{name}/float32",
            "inputs": specs,
            "outputs": [enc(o) for o in outs],
            "gradOutputs": [enc(go) if go is not None else None for go in gouts],
            "grads": [enc(gr) if gr is not None else None for gr in grads],
            "gradcheck": check,
        })
    return out


def error_case(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we record whatever PyTorch raises
        return {"name": name, "type": type(e).__name__, "message": str(e)}
    raise AssertionError(f"{name}: PyTorch raised nothing")


def write(file, obj):
    path = OUT_DIR / file
    path.write_text(json.dumps(obj, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {path.relative_to(OUT_DIR.parent.parent)}")
