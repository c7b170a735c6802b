#!/usr/bin/python3
"""Writes test/fixtures/optim_swa.json: torch.optim.swa_utils of PyTorch 1.13 for
test/optimSwa.test.ts: AveragedModel over an SGD run (equal-weight mean; an exponential moving
average avg_fn; use_buffers), update_bn's running statistics, and SWALR's learning rates.

    /usr/bin/python3 tools/gen_swa_fixtures.py
"""
import json

import torch
import torch.nn as nn
from torch.optim.swa_utils import AveragedModel, SWALR, update_bn

from fixtures_common import OUT_DIR
from gen_op_fixtures import enc_tensor as enc


def model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def averaged_case(name, kwargs):
    g = torch.Generator().manual_seed(11)
    xs = [torch.randn(5, 3, generator=g) for _ in range(6)]
    ys = [torch.randn(5, 2, generator=g) for _ in range(6)]
    torch.manual_seed(21)
    m = model()
    swa = AveragedModel(m, **kwargs)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    for x, y in zip(xs, ys):
        opt.zero_grad()
        nn.functional.mse_loss(m(x), y).backward()
        opt.step()
        swa.update_parameters(m)
    swa.eval()
    probe = torch.randn(4, 3, generator=g)
    out = swa(probe)
    averaged = {k: enc(v) for k, v in swa.state_dict().items()}  # encoded now: update_bn changes the statistics in place
    update_bn([(x, y) for x, y in zip(xs, ys)], swa)
    after_bn = {k: enc(v) for k, v in swa.state_dict().items() if "running" in k or "num_batches" in k}
    return {"name": name, "xs": [enc(x) for x in xs], "ys": [enc(y) for y in ys], "probe": enc(probe),
            "stateDict": averaged, "output": enc(out.detach()),
            "afterUpdateBn": after_bn, "trainingAfterUpdateBn": swa.training}


def swalr_case(name, swa_lr, kwargs, steps):
    p1, p2 = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    opt = torch.optim.SGD([{"params": [p1]}, {"params": [p2], "lr": 0.2}], lr=0.5)
    sched = SWALR(opt, swa_lr, **kwargs)
    lrs = [[g["lr"] for g in opt.param_groups]]
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    return {"name": name, "swaLr": swa_lr, "kwargs": kwargs, "lrs": lrs}


def main():
    averaged = [
        averaged_case("mean", {}),
        averaged_case("ema_avg_fn", {"avg_fn": lambda a, p, n: 0.9 * a + 0.1 * p}),
        averaged_case("use_buffers", {"use_buffers": True}),
    ]
    swalr = [
        swalr_case("cos", 0.05, {"anneal_epochs": 3}, 6),
        swalr_case("linear_per_group", [0.05, 0.01], {"anneal_epochs": 4, "anneal_strategy": "linear"}, 6),
        swalr_case("no_annealing", 0.03, {"anneal_epochs": 0}, 3),
    ]
    data = {"torch": torch.__version__, "averaged": averaged, "swalr": swalr}
    (OUT_DIR / "optim_swa.json").write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print("optim_swa.json", len(averaged), len(swalr))
    for c in swalr:
        print(c["name"], c["lrs"])


if __name__ == "__main__":
    main()
