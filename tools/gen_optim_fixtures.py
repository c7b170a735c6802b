#!/usr/bin/python3
"""Generates the optimizer, scheduler and gradient-clipping fixtures from real PyTorch.

Run with Debian's PyTorch 1.13: /usr/bin/python3 tools/gen_optim_fixtures.py
Writes:
  test/fixtures/optim_optimizers.json  20 training steps of a 4-8-3 tanh MLP per optimizer case
  test/fixtures/optim_schedulers.json  learning rates (and momenta) of 100 scheduler steps
  test/fixtures/optim_clipgrad.json    clip_grad_norm_ / clip_grad_value_ results

Each optimizer case names the TypeScript class and its options (camelCase), next to the
PyTorch keyword arguments it was generated with, so the test can build the same optimizer.
"""
import json
import math
import os

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
STEPS = 20


def snake_to_camel(name):
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def flat(t):
    return t.detach().reshape(-1).tolist()


# ---------------------------------------------------------------- the MLP problem
torch.manual_seed(0)
X = torch.randn(5, 4, dtype=torch.float64)
Y = torch.randn(5, 3, dtype=torch.float64)
INIT = {
    "w1": torch.randn(8, 4, dtype=torch.float64) * 0.5,
    "b1": torch.randn(8, dtype=torch.float64) * 0.1,
    "w2": torch.randn(3, 8, dtype=torch.float64) * 0.5,
    "b2": torch.randn(3, dtype=torch.float64) * 0.1,
}
PARAM_NAMES = ["w1", "b1", "w2", "b2"]


def make_params(dtype):
    return [INIT[n].to(dtype).clone().requires_grad_(True) for n in PARAM_NAMES]


def mlp_loss(params, dtype):
    w1, b1, w2, b2 = params
    x, y = X.to(dtype), Y.to(dtype)
    h = torch.tanh(x.matmul(w1.t()) + b1)
    out = h.matmul(w2.t()) + b2
    return (out - y).pow(2).mean()


def build_groups(params, groups):
    """groups: None (all params in one list) or a list of (param indices, per-group kwargs)."""
    if groups is None:
        return params
    return [dict(params=[params[i] for i in idx], **kw) for idx, kw in groups]


OPTIMIZER_CASES = [
    # name, class, kwargs, dtype, groups, scheduler (name, kwargs) or None
    ("sgd", "SGD", dict(lr=0.1), "float64", None, None),
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9), "float64", None, None),
    ("sgd_nesterov", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True), "float64", None, None),
    ("sgd_dampening_weight_decay", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01), "float64", None, None),
    ("sgd_nesterov_weight_decay", "SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05), "float64", None, None),
    ("sgd_maximize", "SGD", dict(lr=0.02, momentum=0.5, maximize=True), "float64", None, None),
    ("sgd_float32", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01), "float32", None, None),
    ("sgd_param_groups", "SGD", dict(lr=0.1, momentum=0.9), "float64",
     [([0, 1], dict(lr=0.05)), ([2, 3], dict(momentum=0.5, weight_decay=0.01))], None),
    ("adam", "Adam", dict(lr=0.05), "float64", None, None),
    ("adam_amsgrad_weight_decay", "Adam", dict(lr=0.05, betas=(0.8, 0.99), amsgrad=True, weight_decay=0.01), "float64", None, None),
    ("adam_maximize", "Adam", dict(lr=0.01, maximize=True), "float64", None, None),
    ("adam_float32", "Adam", dict(lr=0.05, amsgrad=True), "float32", None, None),
    ("adam_param_groups", "Adam", dict(lr=0.05), "float64",
     [([0, 1], dict(betas=(0.5, 0.9))), ([2, 3], dict(lr=0.01, amsgrad=True))], None),
    ("adamw", "AdamW", dict(lr=0.05, weight_decay=0.1), "float64", None, None),
    ("adamw_amsgrad_maximize", "AdamW", dict(lr=0.01, amsgrad=True, maximize=True), "float64", None, None),
    ("adamax", "Adamax", dict(lr=0.05), "float64", None, None),
    ("adamax_weight_decay_maximize", "Adamax", dict(lr=0.01, weight_decay=0.05, maximize=True), "float64", None, None),
    ("nadam", "NAdam", dict(lr=0.05), "float64", None, None),
    ("nadam_weight_decay", "NAdam", dict(lr=0.02, betas=(0.8, 0.99), weight_decay=0.05, momentum_decay=0.01), "float64", None, None),
    ("nadam_float32", "NAdam", dict(lr=0.05), "float32", None, None),
    ("radam", "RAdam", dict(lr=0.05), "float64", None, None),
    ("radam_weight_decay", "RAdam", dict(lr=0.02, betas=(0.8, 0.9), weight_decay=0.05), "float64", None, None),
    ("rmsprop", "RMSprop", dict(lr=0.01), "float64", None, None),
    ("rmsprop_centered_momentum", "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.9, centered=True, weight_decay=0.01), "float64", None, None),
    ("rmsprop_maximize", "RMSprop", dict(lr=0.001, momentum=0.5, maximize=True), "float64", None, None),
    ("rmsprop_float32", "RMSprop", dict(lr=0.01, centered=True, momentum=0.5), "float32", None, None),
    ("adagrad", "Adagrad", dict(lr=0.1), "float64", None, None),
    ("adagrad_lr_decay_initial_accumulator", "Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1, weight_decay=0.01, eps=1e-8), "float64", None, None),
    ("adagrad_maximize", "Adagrad", dict(lr=0.01, maximize=True), "float64", None, None),
    ("adadelta", "Adadelta", dict(lr=1.0), "float64", None, None),
    ("adadelta_rho_weight_decay_maximize", "Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.01, maximize=True), "float64", None, None),
    ("adadelta_float32", "Adadelta", dict(lr=1.0), "float32", None, None),
    ("lbfgs", "LBFGS", dict(lr=0.2, max_iter=2), "float64", None, None),
    ("lbfgs_strong_wolfe", "LBFGS", dict(lr=1, max_iter=2, history_size=3, line_search_fn="strong_wolfe"), "float64", None, None),
    # an optimizer stepped together with a scheduler: the base of the save/resume test
    ("sgd_momentum_steplr", "SGD", dict(lr=0.1, momentum=0.9), "float64", None, ("StepLR", dict(step_size=3, gamma=0.5))),
    ("adam_onecyclelr", "Adam", dict(lr=0.05), "float64", None, ("OneCycleLR", dict(max_lr=0.1, total_steps=STEPS))),
    ("rmsprop_cosine", "RMSprop", dict(lr=0.01, momentum=0.5, centered=True), "float64", None, ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001))),
    ("rprop", "Rprop", dict(lr=0.05), "float64", None, None),
    # (a sign test per weight: float64 cases run in float32 on webgpu, so they keep clear of gradients near 0)
    ("rprop_etas_step_sizes", "Rprop", dict(lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2)), "float64", None, None),
    # (maximize: test/optimBase.test.ts checks it is Rprop on the negated loss; as a fixture its
    # ascent reaches gradients within an ulp of 0, whose sign differs between matmul kernels)
    ("rprop_float32", "Rprop", dict(lr=0.05, etas=(0.4, 1.3)), "float32", None, None),
    ("asgd", "ASGD", dict(lr=0.05), "float64", None, None),
    # t0 inside the 20 steps: the weights are averaged from step 5 on
    ("asgd_t0_lambd_weight_decay", "ASGD", dict(lr=0.1, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.02), "float64", None, None),
    ("asgd_float32_maximize", "ASGD", dict(lr=0.02, t0=3, maximize=True), "float32", None, None),
]


def ts_options(kwargs):
    out = {}
    for k, v in kwargs.items():
        out[snake_to_camel(k)] = list(v) if isinstance(v, tuple) else v
    return out


def ts_groups(groups):
    if groups is None:
        return None
    return [dict(params=idx, options=ts_options(kw)) for idx, kw in groups]


def run_optimizer_case(name, cls_name, kwargs, dtype_name, groups, sched):
    dtype = getattr(torch, dtype_name)
    params = make_params(dtype)
    cls = getattr(torch.optim, cls_name)
    opt = cls(build_groups(params, groups), **kwargs)
    scheduler = None
    if sched is not None:
        scheduler = getattr(torch.optim.lr_scheduler, sched[0])(opt, **sched[1])
    losses, trajectory, lrs = [], [], []

    def closure():
        opt.zero_grad()
        loss = mlp_loss(params, dtype)
        loss.backward()
        return loss

    for _ in range(STEPS):
        if cls_name == "LBFGS":
            loss = opt.step(closure)
        else:
            loss = closure()
            opt.step()
        losses.append(loss.item())
        trajectory.append([flat(p) for p in params])
        if scheduler is not None:
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
    case = dict(
        name=name,
        optimizer=cls_name,
        torchKwargs={k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()},
        options=ts_options(kwargs),
        groups=ts_groups(groups),
        dtype=dtype_name,
        losses=losses,
        finalParams=trajectory[-1],
    )
    if cls_name == "SGD":
        case["trajectory"] = trajectory
    if sched is not None:
        case["scheduler"] = dict(name=sched[0], options=ts_options(sched[1]), lrs=lrs)
    if cls_name == "LBFGS":
        st = opt.state[params[0]]
        case["funcEvals"] = st["func_evals"]
        case["nIter"] = st["n_iter"]
    # the optimizer's own state dict after 20 steps, tensors flattened, for the key/value check
    sd = opt.state_dict()
    if cls_name != "LBFGS":
        state = {}
        for idx, entry in sd["state"].items():
            state[str(idx)] = {k: (flat(v) if torch.is_tensor(v) and v.dim() > 0 else
                                   (v.item() if torch.is_tensor(v) else v)) for k, v in entry.items()}
        groups_out = []
        for g in sd["param_groups"]:
            groups_out.append({k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()})
        case["stateDict"] = dict(state=state, param_groups=groups_out)
    return case


def optimizer_fixtures():
    cases = [run_optimizer_case(*c) for c in OPTIMIZER_CASES]
    return dict(
        steps=STEPS,
        paramNames=PARAM_NAMES,
        x=X.tolist(),
        y=Y.tolist(),
        init={n: INIT[n].tolist() for n in PARAM_NAMES},
        cases=cases,
    )


# ---------------------------------------------------------------- schedulers
S = torch.optim.lr_scheduler


def plateau_metric(i):
    # falls, then plateaus with noise, then rises: exercises patience, cooldown and min_lr
    if i < 20:
        return 1.0 - 0.02 * i
    if i < 60:
        return 0.6 + 0.001 * math.sin(i)
    return 0.6 + 0.01 * (i - 60)


# name, optimizer kwargs (SGD), number of param groups, scheduler factory, TS description
SCHEDULER_CASES = [
    ("StepLR", dict(lr=0.1), 1, lambda o: S.StepLR(o, step_size=7, gamma=0.5), dict(stepSize=7, gamma=0.5)),
    ("MultiStepLR", dict(lr=0.1), 1, lambda o: S.MultiStepLR(o, milestones=[10, 30, 30, 75], gamma=0.3),
     dict(milestones=[10, 30, 30, 75], gamma=0.3)),
    ("ExponentialLR", dict(lr=0.1), 1, lambda o: S.ExponentialLR(o, gamma=0.97), dict(gamma=0.97)),
    ("CosineAnnealingLR", dict(lr=0.1), 1, lambda o: S.CosineAnnealingLR(o, T_max=15, eta_min=0.001),
     dict(TMax=15, etaMin=0.001)),
    ("CosineAnnealingWarmRestarts", dict(lr=0.1), 1, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.002),
     dict(T0=5, TMult=2, etaMin=0.002)),
    ("CosineAnnealingWarmRestarts_mult1", dict(lr=0.1), 1, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=9),
     dict(T0=9)),
    ("LinearLR", dict(lr=0.1), 1, lambda o: S.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=30),
     dict(startFactor=0.2, endFactor=0.9, totalIters=30)),
    ("ConstantLR", dict(lr=0.1), 1, lambda o: S.ConstantLR(o, factor=0.25, total_iters=12), dict(factor=0.25, totalIters=12)),
    ("LambdaLR", dict(lr=0.1), 2, lambda o: S.LambdaLR(o, lr_lambda=[lambda e: 0.95 ** e, lambda e: 1.0 / (1 + e)]),
     dict(lrLambda="[0.95 ** e, 1 / (1 + e)]")),
    ("MultiplicativeLR", dict(lr=0.1), 1, lambda o: S.MultiplicativeLR(o, lr_lambda=lambda e: 0.98 if e % 2 else 0.99),
     dict(lrLambda="e % 2 ? 0.98 : 0.99")),
    ("PolynomialLR", dict(lr=0.1), 1, lambda o: S.PolynomialLR(o, total_iters=40, power=2.0), dict(totalIters=40, power=2.0)),
    ("OneCycleLR", dict(lr=0.1, momentum=0.9), 1, lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=100),
     dict(maxLr=0.5, totalSteps=100)),
    ("OneCycleLR_linear_three_phase", dict(lr=0.1, momentum=0.9), 2,
     lambda o: S.OneCycleLR(o, max_lr=[0.5, 0.2], epochs=10, steps_per_epoch=11, pct_start=0.25, anneal_strategy="linear",
                            three_phase=True, div_factor=10.0, final_div_factor=100.0),
     dict(maxLr=[0.5, 0.2], epochs=10, stepsPerEpoch=11, pctStart=0.25, annealStrategy="linear", threePhase=True,
          divFactor=10.0, finalDivFactor=100.0)),
    ("CyclicLR", dict(lr=0.1, momentum=0.9), 1, lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=10),
     dict(baseLr=0.01, maxLr=0.1, stepSizeUp=10)),
    ("CyclicLR_triangular2", dict(lr=0.1, momentum=0.9), 1,
     lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=6, step_size_down=9, mode="triangular2"),
     dict(baseLr=0.01, maxLr=0.1, stepSizeUp=6, stepSizeDown=9, mode="triangular2")),
    ("CyclicLR_exp_range", dict(lr=0.1, momentum=0.9), 1,
     lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=8, mode="exp_range", gamma=0.98, cycle_momentum=False),
     dict(baseLr=0.01, maxLr=0.1, stepSizeUp=8, mode="exp_range", gamma=0.98, cycleMomentum=False)),
    ("SequentialLR", dict(lr=0.1), 1,
     lambda o: S.SequentialLR(o, schedulers=[S.LinearLR(o, start_factor=0.1, total_iters=5), S.ExponentialLR(o, gamma=0.9),
                                             S.StepLR(o, step_size=10, gamma=0.5)], milestones=[5, 40]),
     dict(schedulers="[LinearLR(startFactor 0.1, totalIters 5), ExponentialLR(0.9), StepLR(10, 0.5)]", milestones=[5, 40])),
    ("ChainedScheduler", dict(lr=0.1), 1,
     lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=4), S.ExponentialLR(o, gamma=0.95)]),
     dict(schedulers="[ConstantLR(0.5, 4), ExponentialLR(0.95)]")),
    ("ReduceLROnPlateau", dict(lr=0.1), 1,
     lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=3, cooldown=2, min_lr=0.01),
     dict(factor=0.5, patience=3, cooldown=2, minLr=0.01)),
    ("ReduceLROnPlateau_max_abs", dict(lr=0.1), 1,
     lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=2, threshold=0.01, threshold_mode="abs"),
     dict(mode="max", factor=0.3, patience=2, threshold=0.01, thresholdMode="abs")),
]


def scheduler_fixtures():
    cases = []
    for name, opt_kwargs, n_groups, factory, ts in SCHEDULER_CASES:
        params = [torch.zeros(2, requires_grad=True) for _ in range(n_groups)]
        groups = [dict(params=[p]) for p in params]
        if n_groups == 2:
            groups[1]["lr"] = opt_kwargs["lr"] * 2
        opt = torch.optim.SGD(groups, **opt_kwargs)
        sched = factory(opt)
        plateau = name.startswith("ReduceLROnPlateau")
        lrs = [[g["lr"] for g in opt.param_groups]]
        momenta = [[g["momentum"] for g in opt.param_groups]]
        for i in range(100):
            opt.step()
            if plateau:
                sched.step(plateau_metric(i) if "max" not in name else -plateau_metric(i))
            else:
                sched.step()
            lrs.append(sched.get_last_lr() if not plateau else [g["lr"] for g in opt.param_groups])
            momenta.append([g["momentum"] for g in opt.param_groups])
        case = dict(name=name, options=ts, groups=n_groups, optimizer=opt_kwargs, lrs=lrs)
        if any(m != momenta[0] for m in momenta):
            case["momenta"] = momenta
        sd = sched.state_dict()
        case["stateDictKeys"] = sorted(k for k in sd.keys())
        case["lastEpoch"] = sd.get("last_epoch")
        cases.append(case)
    return dict(cases=cases)


# ---------------------------------------------------------------- clip_grad
def clip_fixtures():
    torch.manual_seed(1)
    grads = [torch.randn(3, 4, dtype=torch.float64) * 2, torch.randn(5, dtype=torch.float64)]
    cases = []
    for dtype_name in ["float64", "float32"]:
        dtype = getattr(torch, dtype_name)
        for max_norm, norm_type in [(1.0, 2.0), (100.0, 2.0), (0.5, math.inf), (1.5, 1.0), (2.0, 3.0)]:
            ps = [torch.zeros(g.shape, dtype=dtype, requires_grad=True) for g in grads]
            for p, g in zip(ps, grads):
                p.grad = g.to(dtype).clone()
            total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
            cases.append(dict(kind="norm", dtype=dtype_name, maxNorm=max_norm,
                              normType="inf" if norm_type == math.inf else norm_type,
                              totalNorm=total.item(), grads=[flat(p.grad) for p in ps]))
        for clip in [0.3, 1.0]:
            ps = [torch.zeros(g.shape, dtype=dtype, requires_grad=True) for g in grads]
            for p, g in zip(ps, grads):
                p.grad = g.to(dtype).clone()
            torch.nn.utils.clip_grad_value_(ps, clip)
            cases.append(dict(kind="value", dtype=dtype_name, clipValue=clip, grads=[flat(p.grad) for p in ps]))
    # the error PyTorch raises for a non-finite total norm
    errors = {}
    for norm_type in [2.0, math.inf]:
        p = torch.zeros(3, requires_grad=True)
        p.grad = torch.tensor([1.0, float("nan"), 2.0])
        try:
            torch.nn.utils.clip_grad_norm_([p], 1.0, norm_type=norm_type, error_if_nonfinite=True)
        except RuntimeError as e:
            errors["inf" if norm_type == math.inf else str(norm_type)] = str(e)
    return dict(grads=[g.tolist() for g in grads], shapes=[list(g.shape) for g in grads], cases=cases, errors=errors)


def write(name, data):
    path = os.path.join(FIXTURES, name)
    with open(path, "w") as f:
        json.dump(data, f, allow_nan=False)
        f.write("\n")
    print("wrote", os.path.relpath(path, ROOT), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    torch.set_default_dtype(torch.float32)
    write("optim_optimizers.json", optimizer_fixtures())
    write("optim_schedulers.json", scheduler_fixtures())
    write("optim_clipgrad.json", clip_fixtures())
