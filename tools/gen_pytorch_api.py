"""PyTorch's public names and their parameters, for the API reference's links (npm run docs).

Writes tools/typedoc/pytorch-api.json: {qualified name: [parameter names]} for every public
function, class (its constructor's parameters) and method defined by the class itself in the
namespaces torch-ts mirrors. tools/typedoc/pytorch.mjs links an exported torch-ts symbol to
PyTorch's page only when the name it maps to is in this file, so no link points at a page
that does not exist. Parameters name the options: `weightDecay` of SGD's options is PyTorch's
`weight_decay` of torch.optim.SGD.
Run with Debian's torch: /usr/bin/python3 tools/gen_pytorch_api.py
"""
import inspect
import json
import os
import re

import torch
import torch.nn.functional
import torch.nn.init
import torch.nn.utils
import torch.nn.utils.rnn
import torch.optim.lr_scheduler
import torch.optim.swa_utils
import torch.utils.data
import torch.autograd
import torch.onnx
import torch.distributions
import torch.distributed
import torch.distributions.constraints
import torch.nn.parallel

NAMESPACES = {
    "torch": torch,
    "torch.nn": torch.nn,
    "torch.nn.functional": torch.nn.functional,
    "torch.nn.init": torch.nn.init,
    "torch.nn.utils": torch.nn.utils,
    "torch.nn.utils.rnn": torch.nn.utils.rnn,
    "torch.optim": torch.optim,
    "torch.optim.lr_scheduler": torch.optim.lr_scheduler,
    "torch.optim.swa_utils": torch.optim.swa_utils,
    "torch.utils.data": torch.utils.data,
    "torch.autograd": torch.autograd,
    "torch.onnx": torch.onnx,
    "torch.distributions": torch.distributions,
    "torch.distributed": torch.distributed,
    "torch.nn.parallel": torch.nn.parallel,
}
# Classes whose methods are mirrored although their namespace is not walked for classes.
CLASSES = {"torch.Tensor": torch.Tensor, "torch.Generator": torch.Generator}

SIG_LINE = re.compile(r"^\s*[\w.]+\((.*?)\)\s*(->.*)?$")


def params(obj):
    """Parameter names: from inspect where it works, else from the docstring's first line."""
    try:
        sig = inspect.signature(obj)
        return [p.name for p in sig.parameters.values() if p.name not in ("self", "args", "kwargs")]
    except (TypeError, ValueError):
        pass
    doc = (getattr(obj, "__doc__", None) or "").strip().splitlines()
    m = SIG_LINE.match(doc[0]) if doc else None
    if not m:
        return []
    out = []
    for part in m.group(1).split(","):
        name = part.strip().split("=")[0].split(":")[0].strip()
        if name and name not in ("*", "/", "self") and re.fullmatch(r"\w+", name):
            out.append(name)
    return out


def public(names):
    return sorted(n for n in names if not n.startswith("_") or n in ("__init__",))


api = {}


def add_class(qual, cls, inherited=False):
    """The class and its public methods: its own, or with `inherited` also its bases' (Tensor's are on _TensorBase)."""
    init = cls.__init__ if "__init__" in vars(cls) else cls
    api[qual] = params(init)
    names = dir(cls) if inherited else vars(cls)
    for name in sorted(names):
        if name.startswith("_"):
            continue
        member = inspect.getattr_static(cls, name)
        target = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
        api[f"{qual}.{name}"] = params(target) if callable(target) else []


for ns_name, ns in NAMESPACES.items():
    for name in public(dir(ns)):
        obj = getattr(ns, name)
        if inspect.ismodule(obj):
            continue
        qual = f"{ns_name}.{name}"
        if inspect.isclass(obj):
            add_class(qual, obj)
        elif callable(obj):
            api[qual] = params(obj)
# Constraints are instances of private classes (constraints.real is a _Real): their names.
for name in public(dir(torch.distributions.constraints)):
    if isinstance(getattr(torch.distributions.constraints, name), torch.distributions.constraints.Constraint):
        api[f"torch.distributions.constraints.{name}"] = []
for qual, cls in CLASSES.items():
    add_class(qual, cls, inherited=True)
# The schedulers' base class, public as LRScheduler from PyTorch 2.0 (_LRScheduler in 1.13).
add_class("torch.optim.lr_scheduler.LRScheduler", torch.optim.lr_scheduler._LRScheduler)
# The writer needs the tensorboard package, which Debian does not ship: its public methods
# by name (torch/utils/tensorboard/writer.py, PyTorch 1.13).
WRITER = "torch.utils.tensorboard.writer.SummaryWriter"
api[WRITER] = ["log_dir", "comment", "purge_step", "max_queue", "flush_secs", "filename_suffix"]
for m in ["add_hparams", "add_scalar", "add_scalars", "add_histogram", "add_histogram_raw", "add_image",
          "add_images", "add_image_with_boxes", "add_figure", "add_video", "add_audio", "add_text",
          "add_onnx_graph", "add_graph", "add_embedding", "add_pr_curve", "add_pr_curve_raw",
          "add_custom_scalars_multilinechart", "add_custom_scalars_marginchart", "add_custom_scalars",
          "add_mesh", "flush", "close", "get_logdir"]:
    api[f"{WRITER}.{m}"] = []

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "typedoc", "pytorch-api.json")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    json.dump({"pytorch": torch.__version__, "names": api}, f, indent=0, sort_keys=True)
    f.write("\n")
print(f"{len(api)} names -> {out}")
