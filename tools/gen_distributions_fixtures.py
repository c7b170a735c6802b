#!/usr/bin/python3
"""Writes test/fixtures/distributions.json for test/distributions.test.ts: torch.distributions'
Normal, Categorical, Bernoulli and Uniform in PyTorch 1.13 (values, gradients, random draws after
torch.manual_seed, validation errors), kl_divergence for the registered pairs among them, and a
REINFORCE training run.

Run with Debian's PyTorch 1.13:  /usr/bin/python3 tools/gen_distributions_fixtures.py

cases: one distribution built from named parameter tensors ("params"; the torch-ts side builds
  it from the same call, see "ctor"); "props": repr, batch/event shape, mean, mode, variance,
  stddev, entropy (and enumerate_support); "logProb": a value, the log-probability and its
  gradients w.r.t. the float parameters for a fixed upstream gradient; "draws": after
  manual_seed(seed), sample(shape) (and rsample for Normal, with the gradient of
  sum(rsample * g) w.r.t. loc and scale), then torch.rand(3) to show where the generator stands.
"""
import torch
import torch.nn as nn
from torch.distributions import Bernoulli, Categorical, Normal, Uniform, kl_divergence

from fixtures_common import enc, error_case, write

D = {"Normal": Normal, "Categorical": Categorical, "Bernoulli": Bernoulli, "Uniform": Uniform}
CONTINUOUS = ("Normal", "Uniform")
g = torch.Generator().manual_seed(21)


def rn(*shape, dtype=torch.float64):
    return torch.randn(*shape, generator=g, dtype=dtype)


def ru(*shape, dtype=torch.float64):
    return torch.rand(*shape, generator=g, dtype=dtype)


CASES = []


def case(name, cls, ctor, value=None, draws=(), extra=None):
    """ctor: {"args": [param names or numbers], "opts": {key: param name or number}, "params": {name: tensor}}."""
    params = {k: v.clone().requires_grad_(v.is_floating_point()) for k, v in ctor.get("params", {}).items()}
    resolve = lambda a: params[a] if isinstance(a, str) else a
    args = [resolve(a) for a in ctor.get("args", [])]
    kw = {k: resolve(v) for k, v in ctor.get("opts", {}).items()}
    kw = {("validate_args" if k == "validateArgs" else k): v for k, v in kw.items()}
    d = D[cls](*args, **kw)
    props = {"repr": repr(d), "batchShape": list(d.batch_shape), "eventShape": list(d.event_shape)}
    for p in ("mean", "mode", "variance", "stddev", "entropy"):
        v = getattr(d, p)
        v = v() if callable(v) else v
        props[p] = enc(v)
    if cls not in CONTINUOUS:
        props["enumerateSupport"] = enc(d.enumerate_support())
        props["enumerateSupportNoExpand"] = enc(d.enumerate_support(False))
        props["probs"] = enc(d.probs)
        props["logits"] = enc(d.logits)
    out = {"name": name, "cls": cls, "ctor": {"args": ctor.get("args", []), "opts": ctor.get("opts", {}),
                                              "params": {k: enc(v) for k, v in ctor.get("params", {}).items()}},
           "props": props}
    if value is not None:
        d = D[cls](*args, **kw)
        lp = d.log_prob(value)
        go = torch.randn(lp.shape, generator=torch.Generator().manual_seed(2), dtype=torch.float64).to(lp.dtype)
        wrt = [k for k, v in params.items() if v.requires_grad]
        gs = torch.autograd.grad([lp], [params[k] for k in wrt], [go], allow_unused=True, retain_graph=True) if wrt else []
        ent = d.entropy()
        ge = torch.autograd.grad([ent.sum()], [params[k] for k in wrt], allow_unused=True) if wrt and ent.requires_grad else [None] * len(wrt)
        out["logProb"] = {"value": enc(value), "out": enc(lp), "gradOutput": enc(go),
                          "grads": {k: enc(x) if x is not None else None for k, x in zip(wrt, gs)},
                          "entropyGrads": {k: enc(x) if x is not None else None for k, x in zip(wrt, ge)}}
        if cls in CONTINUOUS:
            u = torch.rand(value.shape, generator=g, dtype=value.dtype)
            out["cdf"] = enc(d.cdf(value))
            out["icdf"] = {"value": enc(u), "out": enc(d.icdf(u))}
    out["draws"] = []
    for seed, shape in draws:
        d = D[cls](*args, **kw)
        torch.manual_seed(seed)
        s = d.sample(shape)
        after = torch.rand(3, dtype=torch.float64)
        entry = {"seed": seed, "shape": list(shape), "sample": enc(s), "after": enc(after)}
        if cls in CONTINUOUS:
            torch.manual_seed(seed)
            r = d.rsample(shape)
            go = torch.randn(r.shape, generator=torch.Generator().manual_seed(4), dtype=torch.float64).to(r.dtype)
            wrt = [k for k, v in params.items() if v.requires_grad]
            gs = torch.autograd.grad([r], [params[k] for k in wrt], [go]) if wrt else []
            entry["rsample"] = enc(r)
            entry["rsampleGradOutput"] = enc(go)
            entry["rsampleGrads"] = {k: enc(x) for k, x in zip(wrt, gs)}
        out["draws"].append(entry)
    CASES.append(out)


for dt in (torch.float64, torch.float32):
    s = "" if dt == torch.float64 else "/float32"
    loc, scale = rn(3, dtype=dt), ru(3, dtype=dt) + 0.5
    case(f"Normal.vector{s}", "Normal", {"args": ["loc", "scale"], "params": {"loc": loc, "scale": scale}},
         value=rn(2, 3, dtype=dt), draws=[(0, []), (1, [4]), (7, [2, 5])])
    case(f"Normal.batch2d_broadcast{s}", "Normal", {"args": ["loc", "scale"], "params": {"loc": rn(2, 1, dtype=dt), "scale": ru(3, dtype=dt) + 0.1}},
         value=rn(2, 3, dtype=dt), draws=[(3, [6])])
    case(f"Normal.scalar_numbers{s}", "Normal", {"args": [0.5, 2.0]} if dt == torch.float64 else {"args": ["loc", 2.0], "params": {"loc": torch.tensor(0.5, dtype=dt)}},
         value=rn(5, dtype=dt), draws=[(5, []), (5, [20])])
    probs = ru(2, 4, dtype=dt) + 0.05
    case(f"Categorical.probs{s}", "Categorical", {"args": ["probs"], "params": {"probs": probs}},
         value=torch.tensor([[0, 3], [2, 2], [1, 0]]), draws=[(0, []), (2, [5]), (9, [3, 2])])
    case(f"Categorical.logits{s}", "Categorical", {"opts": {"logits": "logits"}, "params": {"logits": rn(3, 5, dtype=dt) * 2}},
         value=torch.tensor([4, 0, 1]), draws=[(4, [7])])
    case(f"Categorical.vector{s}", "Categorical", {"args": ["probs"], "params": {"probs": torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=dt)}},
         value=torch.tensor([3, 0, 1, 1]), draws=[(6, [1000])])
    case(f"Bernoulli.probs{s}", "Bernoulli", {"args": ["probs"], "params": {"probs": torch.tensor([0.1, 0.5, 0.9, 0.0, 1.0], dtype=dt)}},
         value=torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0], dtype=dt), draws=[(0, []), (8, [3])])
    case(f"Bernoulli.logits{s}", "Bernoulli", {"opts": {"logits": "logits"}, "params": {"logits": rn(2, 3, dtype=dt) * 3}},
         value=torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], dtype=dt), draws=[(11, [4])])
case("Bernoulli.number", "Bernoulli", {"args": [0.3]}, value=torch.tensor([1.0, 0.0]), draws=[(12, [50])])
case("Normal.no_validation", "Normal", {"args": ["loc", "scale"], "opts": {"validateArgs": False},
                                        "params": {"loc": rn(2), "scale": torch.tensor([1.0, -1.0], dtype=torch.float64)}})

# Uniform (after the cases above, which draw their parameters from g first).
for dt in (torch.float64, torch.float32):
    s = "" if dt == torch.float64 else "/float32"
    low = rn(3, dtype=dt)
    case(f"Uniform.vector{s}", "Uniform", {"args": ["low", "high"], "params": {"low": low, "high": low + ru(3, dtype=dt) + 0.5}},
         value=low + 0.3, draws=[(0, []), (1, [4]), (7, [2, 5])])
case("Uniform.batch2d_broadcast", "Uniform", {"opts": {"low": "low", "high": "high"}, "params": {"low": rn(2, 1) - 2, "high": ru(3) + 0.1}},
     value=torch.tensor([[-1.0, 0.0, 0.05], [0.0, -0.5, 0.01]], dtype=torch.float64), draws=[(3, [6])])
case("Uniform.scalar_numbers", "Uniform", {"args": [-1.0, 2.0]}, value=torch.tensor([-1.0, 0.5, 1.999]), draws=[(5, []), (5, [20])])
case("Uniform.outside_no_validation", "Uniform", {"args": ["low", "high"], "opts": {"validateArgs": False}, "params": {"low": torch.zeros(3, dtype=torch.float64), "high": torch.ones(3, dtype=torch.float64)}},
     value=torch.tensor([-0.5, 1.0, 1.5], dtype=torch.float64))

# expand: shapes and values of an expanded distribution.
EXPAND = []
for cls, make in [("Normal", lambda: Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0]))),
                  ("Categorical", lambda: Categorical(torch.tensor([0.2, 0.3, 0.5]))),
                  ("Bernoulli", lambda: Bernoulli(logits=torch.tensor(0.3))),
                  ("Uniform", lambda: Uniform(torch.tensor([0.0, 1.0]), torch.tensor([2.0, 1.5])))]:
    e = make().expand([4, 2] if cls in CONTINUOUS else [2, 3])
    torch.manual_seed(13)
    EXPAND.append({"cls": cls, "batchShape": list(e.batch_shape), "repr": repr(e), "sample": enc(e.sample([2])),
                   "logProb": enc(e.log_prob(torch.ones(e.batch_shape)))})

x3 = torch.tensor([0.5, 0.5])
ERRORS = [
    error_case("Normal.scale", lambda: Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, -1.0]))),
    error_case("Normal.scale_scalar", lambda: Normal(0.0, 0.0)),
    error_case("Normal.loc_nan", lambda: Normal(torch.tensor([float("nan")]), torch.tensor([1.0]))),
    error_case("Categorical.both", lambda: Categorical(x3, logits=x3)),
    error_case("Categorical.neither", lambda: Categorical()),
    error_case("Categorical.probs_0d", lambda: Categorical(torch.tensor(1.0))),
    error_case("Categorical.logits_0d", lambda: Categorical(logits=torch.tensor(1.0))),
    error_case("Categorical.negative", lambda: Categorical(torch.tensor([0.5, -0.1]))),
    error_case("Categorical.logits_nan", lambda: Categorical(logits=torch.tensor([[0.5, float("nan")]]))),
    error_case("Categorical.value_range", lambda: Categorical(x3).log_prob(torch.tensor([2]))),
    error_case("Categorical.value_fraction", lambda: Categorical(x3).log_prob(torch.tensor([0.5]))),
    error_case("Categorical.value_broadcast", lambda: Categorical(torch.ones(3, 2)).log_prob(torch.tensor([0, 1]))),
    error_case("Bernoulli.probs", lambda: Bernoulli(torch.tensor([1.5]))),
    error_case("Bernoulli.probs_number", lambda: Bernoulli(1.5)),
    error_case("Bernoulli.value", lambda: Bernoulli(x3).log_prob(torch.tensor([0.5, 1.0]))),
    error_case("Normal.value_not_tensor", lambda: Normal(0.0, 1.0).log_prob(1.0)),
    error_case("Uniform.low_high", lambda: Uniform(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 1.0]))),
    error_case("Uniform.low_high_numbers", lambda: Uniform(2.0, -1.0)),
    error_case("Uniform.value", lambda: Uniform(0.0, 1.0).log_prob(torch.tensor([1.5]))),
    error_case("Uniform.value_tensor_bounds", lambda: Uniform(torch.tensor([0.0, 1.0]), torch.tensor([2.0, 1.5])).cdf(torch.tensor([1.0, 0.5]))),
    error_case("kl.not_registered", lambda: kl_divergence(Categorical(torch.tensor([0.5, 0.5])), Normal(0.0, 1.0))),
    error_case("Normal.value_broadcast", lambda: Normal(torch.zeros(3), torch.ones(3)).log_prob(torch.zeros(2))),
]

# REINFORCE: a policy network's action distribution, actions sampled after manual_seed, the
# policy-gradient loss -(log_prob(a) * return).sum(), three SGD steps; for a categorical
# (softmax policy), a Gaussian and a Bernoulli policy.
REINFORCE = []
for kind in ("categorical", "gaussian", "bernoulli"):
    torch.manual_seed(0)
    policy = nn.Linear(4, 3 if kind == "categorical" else 2).double()
    init = {k: enc(v) for k, v in policy.state_dict().items()}
    log_std = torch.full((2,), -0.5, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD(list(policy.parameters()) + ([log_std] if kind == "gaussian" else []), lr=0.1)
    states = torch.randn(3, 6, 4, generator=torch.Generator().manual_seed(17), dtype=torch.float64)
    steps = []
    for step in range(3):
        out = policy(states[step])
        if kind == "categorical":
            dist = Categorical(logits=out)
        elif kind == "gaussian":
            dist = Normal(out, log_std.exp())
        else:
            dist = Bernoulli(logits=out)
        torch.manual_seed(100 + step)
        actions = dist.sample()
        returns = actions.double().reshape(6, -1).sum(-1) - 0.5 * step
        lp = dist.log_prob(actions)
        if lp.dim() > 1:
            lp = lp.sum(-1)
        loss = -(lp * returns).sum() - 0.01 * dist.entropy().sum()
        opt.zero_grad()
        loss.backward()
        grads = {k: enc(p.grad) for k, p in policy.named_parameters()}
        if kind == "gaussian":
            grads["log_std"] = enc(log_std.grad)
        opt.step()
        steps.append({"actions": enc(actions), "loss": loss.item(), "grads": grads})
    REINFORCE.append({"kind": kind, "init": init, "states": enc(states), "steps": steps,
                      "final": {k: enc(v) for k, v in policy.state_dict().items()},
                      **({"logStd": enc(log_std)} if kind == "gaussian" else {})})


# kl_divergence for the registered pairs: the value and its gradients w.r.t. every float
# parameter of p and q, including PyTorch's inf/0 cases (q has no mass where p has, p has none).
KL = []


def kl_case(name, p, q, params):
    """p, q: (class name, {"args": [...], "opts": {...}}) naming tensors in params (float ones require grad)."""
    ps = {k: v.clone().requires_grad_(v.is_floating_point()) for k, v in params.items()}
    resolve = lambda a: ps[a] if isinstance(a, str) else a
    make = lambda spec: D[spec[0]](*[resolve(a) for a in spec[1].get("args", [])], **{k: resolve(v) for k, v in spec[1].get("opts", {}).items()})
    out = kl_divergence(make(p), make(q))
    go = torch.randn(out.shape, generator=torch.Generator().manual_seed(6), dtype=torch.float64).to(out.dtype)
    wrt = [k for k, v in ps.items() if v.requires_grad]
    gs = torch.autograd.grad([out], [ps[k] for k in wrt], [go], allow_unused=True) if out.requires_grad else [None] * len(wrt)
    KL.append({"name": name, "p": {"cls": p[0], **p[1]}, "q": {"cls": q[0], **q[1]}, "params": {k: enc(v) for k, v in params.items()},
               "out": enc(out), "gradOutput": enc(go), "grads": {k: enc(x) if x is not None else None for k, x in zip(wrt, gs)}})


for dt in (torch.float64, torch.float32):
    s = "" if dt == torch.float64 else "/float32"
    kl_case(f"Normal.Normal{s}", ("Normal", {"args": ["m1", "s1"]}), ("Normal", {"args": ["m2", "s2"]}),
            {"m1": rn(2, 3, dtype=dt), "s1": ru(2, 3, dtype=dt) + 0.2, "m2": rn(3, dtype=dt), "s2": ru(3, dtype=dt) + 0.5})
    kl_case(f"Categorical.Categorical{s}", ("Categorical", {"args": ["p1"]}), ("Categorical", {"opts": {"logits": "l2"}}),
            {"p1": ru(3, 4, dtype=dt) + 0.1, "l2": rn(3, 4, dtype=dt)})
    kl_case(f"Bernoulli.Bernoulli{s}", ("Bernoulli", {"opts": {"logits": "l1"}}), ("Bernoulli", {"args": ["p2"]}),
            {"l1": rn(4, dtype=dt), "p2": ru(4, dtype=dt) * 0.8 + 0.1})
    kl_case(f"Uniform.Uniform{s}", ("Uniform", {"args": ["a1", "b1"]}), ("Uniform", {"args": ["a2", "b2"]}),
            {"a1": torch.tensor([0.0, 0.5, -1.0, 0.0], dtype=dt), "b1": torch.tensor([1.0, 1.0, 2.0, 3.0], dtype=dt),
             "a2": torch.tensor([-0.5, 0.6, -1.5, 0.0], dtype=dt), "b2": torch.tensor([2.0, 3.0, 1.0, 3.0], dtype=dt)})
    a = rn(3, dtype=dt) - 1
    kl_case(f"Uniform.Normal{s}", ("Uniform", {"args": ["a", "b"]}), ("Normal", {"args": ["m", "sd"]}),
            {"a": a, "b": a + ru(3, dtype=dt) + 0.5, "m": rn(3, dtype=dt), "sd": ru(3, dtype=dt) + 0.5})
kl_case("Categorical.zeros", ("Categorical", {"args": ["p1"]}), ("Categorical", {"args": ["p2"]}),
        {"p1": torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], dtype=torch.float64), "p2": torch.tensor([[0.3, 0.3, 0.4], [0.5, 0.5, 0.0]], dtype=torch.float64)})
kl_case("Bernoulli.zeros_ones", ("Bernoulli", {"args": ["p1"]}), ("Bernoulli", {"args": ["p2"]}),
        {"p1": torch.tensor([0.0, 1.0, 0.3, 0.3, 0.0, 1.0], dtype=torch.float64), "p2": torch.tensor([0.4, 0.4, 0.0, 1.0, 0.0, 1.0], dtype=torch.float64)})
kl_case("Normal.Uniform", ("Normal", {"args": ["m", "sd"]}), ("Uniform", {"args": [-1.0, 1.0]}), {"m": rn(2), "sd": ru(2) + 0.5})
kl_case("Normal.numbers", ("Normal", {"args": [0.5, 2.0]}), ("Normal", {"args": [0.0, 1.0]}), {})


def main():
    write("distributions.json", {"cases": CASES, "expand": EXPAND, "errors": ERRORS, "reinforce": REINFORCE, "kl": KL})


if __name__ == "__main__":
    main()
