"""Backward graphs of real PyTorch (1.13) for torch.utils.makeDot (test/makeDot.test.ts).

Writes test/fixtures/makedot.json. For each case: the grad_fn traversal (each node's class
name and its next_functions' class names, depth first as torchviz walks them) and the DOT
source torchviz's make_dot would produce, drawn here with the same `graphviz` package
(python3-graphviz 0.20) and the same traversal rules (pytorchviz torchviz/dot.py): output
node, then per backward node its saved tensors (show_saved), its AccumulateGrad variable,
the node itself, and its inputs depth first; a custom Function's saved tensors after its
inputs; a view output's base last. Node identifiers (Python id()s there) are renumbered in
order of first appearance, the numbering torch-ts uses.

Run with Debian's packages: apt-get install python3-graphviz; /usr/bin/python3 tools/gen_makedot_fixtures.py
"""
import json
import os
import re

import graphviz
import torch
import torch.nn as nn
import torch.nn.functional as F

SAVED = "_saved_"


def traversal(var):
    """[name, [next names]] per backward node, depth first in next_functions order."""
    out, seen = [], set()

    def visit(fn):
        if fn is None or fn in seen:
            return
        seen.add(fn)
        out.append([type(fn).__name__, [type(u).__name__ if u is not None else None for u, _ in fn.next_functions]])
        for u, _ in fn.next_functions:
            visit(u)

    visit(var.grad_fn)
    return out


def py_str(v):
    return str(v)


def attr_label(fn, show_attrs, max_chars):
    """The node's box text: its class name, and with show_attrs its _saved_ attributes as a table."""
    name = type(fn).__name__
    if not show_attrs:
        return name
    rows = []
    for a in dir(fn):  # dir() is sorted
        if not a.startswith(SAVED):
            continue
        v = getattr(fn, a)
        if torch.is_tensor(v):
            text = "[saved tensor]"
        elif isinstance(v, tuple) and any(torch.is_tensor(e) for e in v):
            text = "[saved tensors]"
        else:
            text = py_str(v)
        rows.append((a[len(SAVED):], text))
    if not rows:
        return name
    max_chars = max(max_chars, 3)
    w1 = max(len(k) for k, _ in rows)
    w2 = min(max(len(t) for _, t in rows), max_chars)

    def cut(s):
        return s[: w2 - 3] + "..." if len(s) > w2 else s

    lines = [k.ljust(w1) + ": " + cut(t).rjust(w2) for k, t in rows]
    return name + "\n" + "-" * max(w1 + w2 + 2, len(name)) + "\n" + "\n".join(lines)


def draw(var, params=None, show_attrs=False, show_saved=False, max_chars=50):
    names = {id(v): k for k, v in (params or {}).items()}
    dot = graphviz.Digraph(
        node_attr=dict(style="filled", shape="box", align="left", fontsize="10", ranksep="0.1", height="0.2", fontname="monospace"),
        graph_attr=dict(size="12,12"),
    )
    seen = set()
    keep = []  # saved tensors unpacked on access: keep them alive so their id()s stay unique

    def label(t, name=None):
        return "%s\n %s" % (name or names.get(id(t), ""), "(" + ", ".join("%d" % s for s in t.size()) + ")")

    def node(fn):
        if fn in seen:
            return
        seen.add(fn)
        if show_saved:
            for a in dir(fn):
                if not a.startswith(SAVED):
                    continue
                v = getattr(fn, a)
                keep.append(v)
                seen.add(v)
                short = a[len(SAVED):]
                tensors = [(short, v)] if torch.is_tensor(v) else [("%s[%d]" % (short, i), t) for i, t in enumerate(v)] if isinstance(v, tuple) else []
                for nm, t in tensors:
                    if torch.is_tensor(t):
                        dot.edge(str(id(fn)), str(id(t)), dir="none")
                        dot.node(str(id(t)), label(t, nm), fillcolor="orange")
        if hasattr(fn, "variable"):
            seen.add(fn.variable)
            dot.node(str(id(fn.variable)), label(fn.variable), fillcolor="lightblue")
            dot.edge(str(id(fn.variable)), str(id(fn)))
        dot.node(str(id(fn)), attr_label(fn, show_attrs, max_chars))
        for u, _ in getattr(fn, "next_functions", ()):
            if u is not None:
                dot.edge(str(id(u)), str(id(fn)))
                node(u)
        for t in getattr(fn, "saved_tensors", ()):
            seen.add(t)
            keep.append(t)
            dot.edge(str(id(t)), str(id(fn)), dir="none")
            dot.node(str(id(t)), label(t), fillcolor="orange")

    def output(v, color="darkolivegreen1"):
        if v in seen:
            return
        seen.add(v)
        dot.node(str(id(v)), label(v), fillcolor=color)
        if v.grad_fn is not None:
            node(v.grad_fn)
            dot.edge(str(id(v.grad_fn)), str(id(v)))
        if v._is_view():
            output(v._base, "darkolivegreen3")
            dot.edge(str(id(v._base)), str(id(v)), style="dotted")

    for v in var if isinstance(var, tuple) else (var,):
        output(v)
    size = max(12, len(dot.body) * 0.15)
    dot.graph_attr.update(size="%s,%s" % (size, size))
    return renumber(dot.source)


def renumber(src):
    """Python id()s replaced by 1, 2, ... in order of first appearance in the statements."""
    ids = {}

    def n(m):
        return ids.setdefault(m, str(len(ids) + 1))

    out = []
    for line in src.split("\n"):
        m = re.match(r"^\t(\d+)( -> )(\d+)(.*)$", line)
        if m:
            line = "\t" + n(m.group(1)) + m.group(2) + n(m.group(3)) + m.group(4)
        else:
            m = re.match(r"^\t(\d+)( \[.*)$", line, re.S)
            if m:
                line = "\t" + n(m.group(1)) + m.group(2)
        out.append(line)
    return "\n".join(out)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


class Net(nn.Module):
    """The seed program's network."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 5)
        self.fc2 = nn.Linear(5, 1)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        return x * x * k

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * g * x, None


cases = {}

# the seed program's first loss, as examples/seed.ts computes it under manual_seed(0)
torch.manual_seed(0)
net = Net()
x = torch.randn(100, 10)
y = torch.randn(100, 1)
loss = nn.MSELoss()(net(x), y)
cases["seed"] = {
    "traversal": traversal(loss),
    "dot": draw(loss),
    "dotParams": draw(loss, dict(net.named_parameters())),
}

# F.linear on 2-d input, every combination of what requires grad, with its attributes and saved tensors
for bias in (True, False):
    for xg, wg in ((True, True), (True, False), (False, True)):
        torch.manual_seed(1)
        xs = torch.randn(3, 4, requires_grad=xg)
        w = torch.randn(2, 4, requires_grad=wg)
        b = torch.randn(2, requires_grad=True) if bias else None
        out = F.linear(xs, w, b)
        params = {"x": xs, "w": w, **({"b": b} if bias else {})}
        name = "linear_%s_x%d_w%d" % ("bias" if bias else "nobias", xg, wg)
        cases[name] = {
            "x": flat(xs), "w": flat(w), "b": flat(b) if bias else None, "xg": xg, "wg": wg,
            "traversal": traversal(out),
            "dot": draw(out, params, show_attrs=True, show_saved=True),
            "dotShort": draw(out, params, show_attrs=True, max_chars=6),
        }

# a view as output (dark green base, dotted edge), a custom Function (its saved tensor always drawn),
# the same leaf used twice (one AccumulateGrad)
torch.manual_seed(2)
a = torch.randn(3, 2, requires_grad=True)
v = (Square.apply(a, 3.0) + a).t()
cases["view_custom"] = {"a": flat(a), "traversal": traversal(v), "dot": draw(v, {"a": a}), "dotSaved": draw(v, {"a": a}, show_saved=True)}

# two outputs sharing a graph
torch.manual_seed(3)
p = torch.randn(4, requires_grad=True)
o1 = (p * 2).sum()
o2 = p.exp().mean()
cases["two_outputs"] = {"p": flat(p), "traversal": traversal(o1) + traversal(o2), "dot": draw((o1, o2), {"p": p})}

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "makedot.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "graphviz": graphviz.__version__, "cases": cases}, f, indent=1)
print("wrote", path)
