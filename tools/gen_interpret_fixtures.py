"""Reference attributions for torch.interpret (test/interpret.test.ts), from real PyTorch 1.13.

Captum cannot be installed here (no pip), so each method is written below in plain PyTorch
following Captum's algorithm (pytorch/captum, captum/attr/_core/*.py, read at commit
faac0877, Oct 2025); each function names the formula it follows. Captum draws two things
with NumPy's global generator (GradientShap's baseline choice, np.random.choice, and its
interpolation coefficients, np.random.uniform); torch-ts has no NumPy, so both methods here
and in torch-ts draw them from torch's generator at the same points, in the same order:
torch.randint(n_ref, (k,)) and torch.rand(bsz, dtype=float64) cast to the input's dtype.
Everything else, noise included, is Captum's own torch draws.

Writes test/fixtures/interpret.json: the models' weights, the inputs, and per case the
method, its arguments, the seed set just before the call (random methods), the result and
the convergence delta; float32 and float64. Also numpy's Gauss-Legendre nodes and weights
and torch.linspace results that the Riemann rules use.

Run with Debian's torch: /usr/bin/python3 tools/gen_interpret_fixtures.py
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ------------------------------------------------------------------ models


class SmallCNN(nn.Module):
    """1x8x8 images -> 3 classes; conv2 is the Grad-CAM layer; an optional temperature."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, 3)
        self.conv2 = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 3 * 3, 3)

    def forward(self, x, temperature=1.0):
        x = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.relu(self.conv2(x))
        return self.fc(x.flatten(1)) / temperature


class TinyText(nn.Module):
    """Token ids [N, L] -> 2 classes, through an embedding (padding row 0) and a masked mean."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(12, 5, padding_idx=0)
        self.fc1 = nn.Linear(5, 6)
        self.fc2 = nn.Linear(6, 2)

    def forward(self, ids, mask=None):
        h = torch.tanh(self.fc1(self.emb(ids)))
        if mask is not None:
            h = h * mask.unsqueeze(-1)
        return self.fc2(h.mean(1))


# ------------------------------------------------------------------ Captum's plumbing


def as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def out_format(was_tuple, xs):
    return xs if was_tuple else xs[0]


def select(out, target):
    """captum._utils.common._select_targets."""
    if target is None:
        return out
    if isinstance(target, int):
        return out[:, target]
    if torch.is_tensor(target):
        if target.numel() == 1:
            return out[:, int(target.item())]
        return torch.gather(out, 1, target.reshape(len(out), 1)).squeeze(-1)
    if isinstance(target[0], int):
        return torch.gather(out, 1, torch.tensor(target).reshape(len(out), 1)).squeeze(-1)
    return torch.stack([out[(i,) + tuple(t)] for i, t in enumerate(target)])


def run_forward(f, inputs, target, extra):
    """_run_forward: f(*inputs, *additional_forward_args), then the target's column."""
    return select(f(*inputs, *(extra or ())), target)


def gradients(f, inputs, target, extra):
    """captum._utils.gradient.compute_gradients: d sum(selected outputs) / d inputs."""
    with torch.enable_grad():
        out = run_forward(f, inputs, target, extra)
        assert out[0].numel() == 1
        return torch.autograd.grad(torch.unbind(out), inputs)


def expand_extra(extra, n, interleave=False):
    """_expand_additional_forward_args: tensors (not 0-d) repeated n times along dim 0."""
    if extra is None:
        return None
    return tuple(
        (a.repeat_interleave(n, 0) if interleave else torch.cat([a] * n, 0)) if torch.is_tensor(a) and a.dim() > 0 else a
        for a in extra
    )


def expand_target(target, n, interleave=False):
    """_expand_target: lists and tensors of targets repeated n times."""
    if isinstance(target, list):
        return [t for t in target for _ in range(n)] if interleave else target * n
    if torch.is_tensor(target) and target.numel() > 1:
        return target.repeat_interleave(n, 0) if interleave else torch.cat([target] * n, 0)
    return target


def tensorize(inputs, baselines):
    """_tensorize_baseline: scalars to full tensors, a [1, ...] baseline repeated over the batch."""
    out = []
    for b, x in zip(baselines, inputs):
        if isinstance(b, (int, float)):
            out.append(torch.full_like(x, b))
        elif x.shape[0] > b.shape[0] and b.shape[0] == 1:
            out.append(torch.cat([b] * x.shape[0]))
        else:
            out.append(b)
    return tuple(out)


def sum_rows(t):
    return t.reshape(t.shape[0], -1).sum(1)


def convergence_delta(f, attrs, start, end, target, extra):
    """GradientAttribution.compute_convergence_delta: sum(attributions) - (f(end) - f(start)), per example."""
    end = as_tuple(end)
    start = (0,) * len(end) if start is None else as_tuple(start)
    start = tensorize(end, start)
    with torch.no_grad():
        s = sum_rows(run_forward(f, start, target, extra))
        e = sum_rows(run_forward(f, end, target, extra))
        row = [sum_rows(a) for a in as_tuple(attrs)]
        total = torch.stack([sum(r) for r in zip(*row)])
        return total - (e - s)


# ------------------------------------------------------------------ methods


def saliency(f, inputs, target=None, abs=True, extra=None):
    """Saliency: |d f_target / d x| (Simonyan et al. 2013), or the signed gradient."""
    was, xs = isinstance(inputs, tuple), tuple(x.detach().clone().requires_grad_() for x in as_tuple(inputs))
    g = gradients(f, xs, target, extra)
    return out_format(was, tuple(torch.abs(t) for t in g) if abs else g)


def input_x_gradient(f, inputs, target=None, extra=None):
    """InputXGradient: x * d f_target / d x (Shrikumar et al. 2016)."""
    was, xs = isinstance(inputs, tuple), tuple(x.detach().clone().requires_grad_() for x in as_tuple(inputs))
    g = gradients(f, xs, target, extra)
    return out_format(was, tuple(x * t for x, t in zip(xs, g)))


def leggauss(n):
    return np.polynomial.legendre.leggauss(n)


def steps_and_alphas(method, n):
    """captum.attr._utils.approximation_methods: Riemann sums on torch.linspace, or Gauss-Legendre (numpy.leggauss)."""
    if method == "gausslegendre":
        x, w = leggauss(n)
        return list(0.5 * w), list(0.5 * (1 + x))
    sizes = [1 / n] * n
    if method == "riemann_trapezoid":
        sizes[0] /= 2
        sizes[-1] /= 2
        return sizes, torch.linspace(0, 1, n).tolist()
    if method == "riemann_left":
        return sizes, torch.linspace(0, 1 - 1 / n, n).tolist()
    if method == "riemann_middle":
        return sizes, torch.linspace(1 / (2 * n), 1 - 1 / (2 * n), n).tolist()
    return sizes, torch.linspace(1 / n, 1, n).tolist()


def ig_core(f, xs, bs, target, extra, n_steps, step_sizes, alphas, multiply, grad_fn=gradients):
    """IntegratedGradients._attribute (Sundararajan et al. 2017): sum_k w_k grad f(b + a_k (x - b)), times (x - b)."""
    scaled = tuple(torch.cat([b + a * (x - b) for a in alphas], 0).requires_grad_() for x, b in zip(xs, bs))
    grads = grad_fn(f, scaled, expand_target(target, n_steps), expand_extra(extra, n_steps))
    w = torch.tensor(step_sizes).float().view(n_steps, 1)
    total = tuple((g.contiguous().view(n_steps, -1) * w).reshape((n_steps, g.shape[0] // n_steps) + g.shape[1:]).sum(0) for g in grads)
    return tuple(t * (x - b) for t, x, b in zip(total, xs, bs)) if multiply else total


def integrated_gradients(f, inputs, baselines=None, target=None, extra=None, n_steps=50, method="gausslegendre",
                         internal_batch_size=None, delta=False, multiply=True, grad_fn=gradients):
    """IntegratedGradients.attribute, with _batch_attribution for internal_batch_size."""
    was, xs = isinstance(inputs, tuple), as_tuple(inputs)
    bs = (0,) * len(xs) if baselines is None else as_tuple(baselines)
    sizes, alphas = steps_and_alphas(method, n_steps)
    if internal_batch_size is None:
        attrs = ig_core(f, xs, bs, target, extra, n_steps, sizes, alphas, multiply, grad_fn)
    else:
        per = max(1, internal_batch_size // xs[0].shape[0])
        attrs, done = None, 0
        while done < n_steps:
            end = min(done + per, n_steps)
            part = ig_core(f, xs, bs, target, extra, end - done, sizes[done:end], alphas[done:end], multiply, grad_fn)
            attrs = part if attrs is None else tuple(p.detach() + a for p, a in zip(part, attrs))
            done = end
    out = out_format(was, attrs)
    if delta:
        return out, convergence_delta(f, attrs, baselines, inputs, target, extra)
    return out


def noise_tunnel(method, inputs, nt_type="smoothgrad", nt_samples=5, nt_samples_batch_size=None, stdevs=1.0,
                 draw_baseline_from_distrib=False, gradient_method=True, **kw):
    """NoiseTunnel.attribute (SmoothGrad, Smilkov et al. 2017; VarGrad, Adebayo et al. 2018): the method on
    N(0, stdev^2)-noised copies (float32 noise: torch.normal(0, torch.tensor(stdev).repeat(...))), averaged."""
    was, xs = isinstance(inputs, tuple), as_tuple(inputs)
    want_delta = kw.get("delta", False)
    stds = stdevs if isinstance(stdevs, tuple) else (stdevs,) * len(xs)
    with torch.no_grad():
        bsz = nt_samples if nt_samples_batch_size is None else min(nt_samples, nt_samples_batch_size)
        parts = nt_samples // bsz

        def expand(n):
            k = dict(kw)
            if k.get("extra") is not None:
                k["extra"] = expand_extra(k["extra"], n, interleave=True)
            if "target" in k:
                k["target"] = expand_target(k["target"], n, interleave=True)
            if "baselines" in k:
                b = k["baselines"]
                b = (0,) * len(xs) if b is None else as_tuple(b)
                if draw_baseline_from_distrib:
                    # Captum: np.random.choice(n_ref, n * bsz); here torch's generator
                    b = tuple(t[torch.randint(t.shape[0], (n * xs[0].shape[0],))] if torch.is_tensor(t) else t for t in b)
                else:
                    b = tuple(t.repeat_interleave(n, 0) if torch.is_tensor(t) and t.shape[0] == x.shape[0] and t.shape[0] > 1 else t for t, x in zip(b, xs))
                k["baselines"] = b if isinstance(kw["baselines"], tuple) or len(b) > 1 else b[0]
            return k

        def noisy(n):
            out = []
            for x, s in zip(xs, stds):
                size = (x.shape[0] * n,) + tuple(x.shape[1:])
                noise = torch.normal(0, torch.tensor(s).repeat(size))
                t = x.repeat_interleave(n, 0) + noise
                out.append(t.requires_grad_() if gradient_method else t)
            return tuple(out)

        sums, sqs, deltas = None, None, []

        def add(attrs, n):
            nonlocal sums, sqs
            attrs = as_tuple(attrs)
            cur, cur_sq = [], []
            for a in attrs:
                v = a.view((a.shape[0] // n, n) + tuple(a.shape[1:]))
                cur.append(v.sum(dim=1))
                cur_sq.append(torch.sum(torch.pow(v, 2), dim=1))
            sums = cur if sums is None else [s + c for s, c in zip(sums, cur)]
            sqs = cur_sq if sqs is None else [s + c for s, c in zip(sqs, cur_sq)]

        def call(n, k):
            r = method(*(noisy_inputs if was else (noisy_inputs[0],)), **k)
            if want_delta:
                r, d = r
                deltas.append(d)
            add(r, n)

        k1 = expand(bsz)
        for _ in range(parts):
            noisy_inputs = noisy(bsz)
            call(bsz, k1)
        rem = nt_samples - parts * bsz
        if rem > 0:
            noisy_inputs = noisy(rem)
            call(rem, expand(rem))
        mean = [s * 1 / nt_samples for s in sums]
        mean_sq = [s * 1 / nt_samples for s in sqs]
        if nt_type == "smoothgrad":
            res = mean
        elif nt_type == "smoothgrad_sq":
            res = mean_sq
        else:
            res = [q - m * m for m, q in zip(mean, mean_sq)]
    res = out_format(was, tuple(res))
    return (res, torch.cat(deltas, 0)) if want_delta else res


def input_baseline_x_gradient(f, multiply):
    """GradientShap's inner method: the gradient at a random point between baseline and input, times (x - b)."""

    def attr(*inputs, baselines=None, target=None, extra=None, delta=False):
        xs = inputs
        bs = as_tuple(baselines)
        # Captum: np.random.uniform(0, 1, bsz); here torch's generator
        rc = torch.rand(xs[0].shape[0], dtype=torch.float64).to(xs[0].dtype)
        scaled = []
        for x, b in zip(xs, bs):
            r = rc.view((x.shape[0],) + (1,) * (x.dim() - 1))
            scaled.append((r * x + (1.0 - r) * b).requires_grad_())
        g = gradients(f, tuple(scaled), target, extra)
        attrs = tuple((x - b) * t for x, b, t in zip(xs, bs, g)) if multiply else g
        out = attrs if len(xs) > 1 else attrs[0]
        if delta:
            return out, convergence_delta(f, attrs, bs, xs, target, extra)
        return out

    return attr


def gradient_shap(f, inputs, baselines, n_samples=5, stdevs=0.0, target=None, extra=None, delta=False, multiply=True):
    """GradientShap.attribute (Lundberg & Lee 2017): SmoothGrad of InputBaselineXGradient with baselines drawn from a distribution."""
    return noise_tunnel(input_baseline_x_gradient(f, multiply), inputs, "smoothgrad", n_samples, None, stdevs, True, True,
                        baselines=baselines, target=target, extra=extra, delta=delta)


def ablation(f, inputs, baselines=None, target=None, extra=None, feature_mask=None, perturbations_per_eval=1, occlusion=None):
    """FeatureAblation.attribute (cross-tensor masks): f(x) - f(x with a feature group set to its baseline), per group;
    Occlusion when `occlusion` gives sliding windows (Zeiler & Fergus 2014), averaged over the windows covering each element."""
    was, xs = isinstance(inputs, tuple), as_tuple(inputs)
    bs = (0,) * len(xs) if baselines is None else as_tuple(baselines)
    bs = tuple(b.reshape((1,) + tuple(b.shape)) if torch.is_tensor(b) else b for b in bs)
    with torch.no_grad():
        initial = run_forward(f, xs, target, extra)
        n_out = initial.numel()
        flat0 = initial.reshape(1, -1)
        total = [torch.zeros((n_out,) + tuple(x.shape[1:]), dtype=flat0.dtype) for x in xs]
        weights = [torch.zeros((n_out,) + tuple(x.shape[1:])).float() for x in xs]
        if occlusion is None:
            masks = [torch.arange(x[0:1].numel()).reshape(x[0:1].shape) for x in xs] if feature_mask is None else list(as_tuple(feature_mask))
            if feature_mask is None:
                off = 0
                for i, m in enumerate(masks):
                    masks[i] = m + off
                    off += m.numel()
            owner = {}
            for i, m in enumerate(masks):
                for v in torch.unique(m).tolist():
                    owner.setdefault(v, []).append(i)
        else:
            windows, strides = occlusion
            shifts = []
            for x, wnd, st in zip(xs, windows, strides):
                st = st if isinstance(st, tuple) else (st,) * len(wnd)
                shifts.append(tuple(int(math.ceil((s - w) / d)) + 1 for s, w, d in zip(x.shape[1:], wnd, st)))
            owner, k = {}, 0
            firsts = []
            for i, sc in enumerate(shifts):
                firsts.append(k)
                for _ in range(int(np.prod(sc))):
                    owner[k] = [i]
                    k += 1
        feats = list(owner.keys())
        n = xs[0].shape[0]
        p = perturbations_per_eval
        rep = tuple(torch.cat([x] * p, 0) for x in xs) if p > 1 else xs

        def occ_mask(i, fid):
            wnd, st = occlusion[0][i], occlusion[1][i]
            st = st if isinstance(st, tuple) else (st,) * len(wnd)
            rest, at = fid - firsts[i], []
            for sc, d in zip(shifts[i], st):
                at.append(rest % sc * d)
                rest //= sc
            pad = []
            for s, a, w in zip(xs[i].shape[1:], at, wnd):
                pad.append((a, s - a - w))
            flat_pad = [v for pr in reversed(pad) for v in pr]
            m = F.pad(torch.ones(wnd), tuple(flat_pad))
            return m.reshape((1,) + tuple(m.shape))

        for start in range(0, len(feats), p):
            group = feats[start:start + p]
            k = len(group)
            if k != p:
                cur_x = tuple(r[0:k * n] for r in rep)
                cur_t, cur_e = expand_target(target, k), expand_extra(extra, k)
            else:
                cur_x, cur_t, cur_e = rep, expand_target(target, p), expand_extra(extra, p)
            tensors = {i for fid in group for i in owner[fid]}
            new_x, cur_masks = [], []
            for i, x in enumerate(cur_x):
                if i not in tensors:
                    new_x.append(x)
                    cur_masks.append(None)
                    continue
                if occlusion is not None:
                    ms = [occ_mask(i, fid) if owner[fid][0] == i else torch.zeros((1,) + tuple(x.shape[1:])) for fid in group]
                    cm = torch.stack(ms, 0)
                    a = x.clone().reshape((k, -1) + tuple(x.shape[1:]))
                    a = a * (torch.ones(1, dtype=torch.long) - cm).to(x.dtype) + bs[i] * cm.to(x.dtype)
                    new_x.append(a.reshape(x.shape))
                else:
                    a = x.clone()
                    ms = []
                    for j, fid in enumerate(group):
                        m = (masks[i] == fid).long()
                        ms.append(m)
                        part = x[j * n:(j + 1) * n] * (1 - m).to(x.dtype) + bs[i] * m.to(x.dtype)
                        a = a.to(part.dtype)
                        a[j * n:(j + 1) * n] = part
                    cm = torch.stack(ms, 0)
                    new_x.append(a)
                cur_masks.append(cm)
            out = run_forward(f, tuple(new_x), cur_t, cur_e).reshape(-1, n_out)
            diff = flat0 - out
            for i, m in enumerate(cur_masks):
                if m is None:
                    continue
                if occlusion is not None:
                    weights[i] += m.float().sum(0)
                d = diff.reshape(tuple(diff.shape) + (1,) * (xs[i].dim() - 1))
                total[i] += (d * m.to(flat0.dtype)).sum(0)
        res = tuple(t.float() / w for t, w in zip(total, weights)) if occlusion is not None else tuple(total)
    return out_format(was, res)


def layer_eval(f, inputs, layer, extra=None, to_input=False):
    """captum._utils.gradient._forward_layer_eval: the layer's output (or input) recorded by a hook, without grad."""
    saved = []

    def hook(m, inp, out=None):
        t = inp if to_input else out
        t = t if isinstance(t, tuple) else (t,)
        saved.append(tuple(e.clone() for e in t))

    h = layer.register_forward_pre_hook(hook) if to_input else layer.register_forward_hook(hook)
    try:
        with torch.no_grad():
            run_forward(f, as_tuple(inputs), None, extra)
    finally:
        h.remove()
    return saved[0]


def layer_activation(f, inputs, layer, extra=None, to_input=False):
    """LayerActivation.attribute."""
    r = layer_eval(f, inputs, layer, extra, to_input)
    return r if len(r) > 1 else r[0]


def layer_grad_cam(f, inputs, layer, target=None, extra=None, to_input=False, relu=False, dim_sum=True):
    """LayerGradCam.attribute (Selvaraju et al. 2017): per channel the spatial mean of d f / d A, times A, summed over channels."""
    saved = []

    def hook(m, inp, out=None):
        t = inp if to_input else out
        single = not isinstance(t, tuple)
        t = (t,) if single else t
        for e in t:
            if not e.requires_grad:
                e.requires_grad_()
        saved.append(t)
        c = tuple(e.clone() for e in t)
        return c[0] if single else c

    h = layer.register_forward_pre_hook(hook) if to_input else layer.register_forward_hook(hook)
    try:
        with torch.enable_grad():
            out = run_forward(f, as_tuple(inputs), target, extra)
            grads = torch.autograd.grad(torch.unbind(out), saved[0])
    finally:
        h.remove()
    acts = saved[0]
    res = []
    for g, a in zip(grads, acts):
        s = torch.mean(g, dim=tuple(range(2, g.dim())), keepdim=True) if g.dim() > 2 else g
        r = torch.sum(s * a, dim=1, keepdim=True) if dim_sum else s * a
        res.append(F.relu(r) if relu else r)
    return tuple(x.detach() for x in res) if len(res) > 1 else res[0].detach()


def layer_integrated_gradients(f, inputs, layer, baselines=None, target=None, extra=None, n_steps=50,
                               method="gausslegendre", internal_batch_size=None, delta=False, multiply=True):
    """LayerIntegratedGradients.attribute: Integrated Gradients of the layer's output, along the straight path between
    its values for the baselines and for the inputs; the model runs on the inputs with the layer's output replaced."""
    xs = as_tuple(inputs)
    bs = tensorize(xs, (0,) * len(xs) if baselines is None else as_tuple(baselines))
    extra = None if extra is None else as_tuple(extra)
    in_layer = layer_eval(f, xs, layer, extra)
    base_layer = layer_eval(f, bs, layer, extra)

    def grad_fn(fwd, scaled, target_ind, expanded):
        def hook(m, inp, out):
            return scaled if isinstance(out, tuple) else scaled[0]

        with torch.enable_grad():
            h = layer.register_forward_hook(hook)
            try:
                out = run_forward(fwd, (), target_ind, expanded)
            finally:
                h.remove()
            return torch.autograd.grad(torch.unbind(out), scaled)

    all_inputs = xs + extra if extra is not None else xs
    attrs = integrated_gradients(f, in_layer, base_layer, target, all_inputs, n_steps, method, internal_batch_size,
                                 False, multiply, grad_fn)
    attrs = as_tuple(attrs)
    res = attrs[0] if len(attrs) == 1 else attrs
    if delta:
        return res, convergence_delta(f, attrs, bs, xs, target, extra)
    return res


# ------------------------------------------------------------------ cases

def enc(t):
    if torch.is_tensor(t):
        dt = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}[t.dtype]
        return {"shape": list(t.shape), "dtype": dt, "data": [float(v) for v in t.reshape(-1).tolist()]}
    if isinstance(t, tuple):
        return {"tuple": [enc(e) for e in t]}
    return t


torch.manual_seed(0)
cnn32 = SmallCNN()
text32 = TinyText()
two_w = torch.randn(4, 3)
images = torch.rand(2, 1, 8, 8)
extra_image = torch.randn(2, 4)
ids = torch.tensor([[3, 7, 1, 9, 0, 0], [5, 2, 11, 4, 6, 8]])
mask = torch.tensor([[1.0, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]])
dist = torch.rand(5, 1, 8, 8)

cases = []


def case(name, method, model, dtype, call, args, seed=None, **meta):
    if seed is not None:
        torch.manual_seed(seed)
    r = call()
    entry = {"name": name, "method": method, "model": model, "dtype": dtype, "args": args, "seed": seed, **meta}
    if isinstance(r, tuple) and len(r) == 2 and torch.is_tensor(r[1]) and args.get("returnConvergenceDelta"):
        entry["expected"], entry["delta"] = enc(r[0]), enc(r[1])
    else:
        entry["expected"] = enc(r)
    cases.append(entry)


for dtype, tdt in (("float32", torch.float32), ("float64", torch.float64)):
    cnn = SmallCNN()
    cnn.load_state_dict(cnn32.state_dict())
    cnn = cnn.to(tdt)
    text = TinyText()
    text.load_state_dict(text32.state_dict())
    text = text.to(tdt)
    x = images.to(tdt)
    z = extra_image.to(tdt)
    w2 = two_w.to(tdt)
    m = mask.to(tdt)
    d = dist.to(tdt)

    def two(a, b):
        return cnn(a) + b @ w2

    # --- gradients
    case("saliency_int", "Saliency", "cnn", dtype, lambda: saliency(cnn, x, 1), {"target": 1})
    case("saliency_signed_list", "Saliency", "cnn", dtype, lambda: saliency(cnn, x, [2, 0], abs=False), {"target": [2, 0], "abs": False})
    case("saliency_tensor_target_extra", "Saliency", "cnn", dtype, lambda: saliency(cnn, x, torch.tensor([0, 2]), extra=(2.5,)),
         {"target": {"shape": [2], "dtype": "int64", "data": [0, 2]}, "additionalForwardArgs": [2.5]})
    case("saliency_two_inputs", "Saliency", "two", dtype, lambda: saliency(two, (x, z), 0), {"target": 0}, inputs="two")
    case("input_x_gradient", "InputXGradient", "cnn", dtype, lambda: input_x_gradient(cnn, x, [1, 2]), {"target": [1, 2]})

    # --- integrated gradients
    for meth in ("gausslegendre", "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid"):
        case("ig_" + meth, "IntegratedGradients", "cnn", dtype,
             lambda: integrated_gradients(cnn, x, None, 1, None, 7, meth, delta=True),
             {"target": 1, "nSteps": 7, "method": meth, "returnConvergenceDelta": True})
    case("ig_scalar_baseline_batched", "IntegratedGradients", "cnn", dtype,
         lambda: integrated_gradients(cnn, x, 0.3, [0, 2], None, 6, "riemann_trapezoid", internal_batch_size=5, delta=True),
         {"baselines": 0.3, "target": [0, 2], "nSteps": 6, "method": "riemann_trapezoid", "internalBatchSize": 5, "returnConvergenceDelta": True})
    case("ig_tensor_baseline_extra", "IntegratedGradients", "cnn", dtype,
         lambda: integrated_gradients(cnn, x, x[0:1] * 0.5, 2, (torch.tensor([[2.0], [0.5]], dtype=tdt),), 5, delta=True),
         {"baselines": enc(x[0:1] * 0.5), "target": 2, "additionalForwardArgs": [enc(torch.tensor([[2.0], [0.5]], dtype=tdt))], "nSteps": 5,
          "returnConvergenceDelta": True})
    case("ig_two_inputs_local", "IntegratedGradients", "two", dtype,
         lambda: integrated_gradients(two, (x, z), (0.1, z * 0.5), 0, None, 4, multiply=False),
         {"baselines": [0.1, enc(z * 0.5)], "target": 0, "nSteps": 4}, inputs="two", ctor={"multiplyByInputs": False})

    # --- noise tunnel
    for nt in ("smoothgrad", "smoothgrad_sq", "vargrad"):
        case("nt_saliency_" + nt, "NoiseTunnel(Saliency)", "cnn", dtype,
             lambda: noise_tunnel(lambda a, **k: saliency(cnn, a, **k), x, nt, 4, None, 0.2, target=1),
             {"ntType": nt, "ntSamples": 4, "stdevs": 0.2, "target": 1}, seed=11)
    case("nt_saliency_batches", "NoiseTunnel(Saliency)", "cnn", dtype,
         lambda: noise_tunnel(lambda a, **k: saliency(cnn, a, **k), x, "smoothgrad", 5, 2, 0.3, target=[0, 1], abs=False),
         {"ntType": "smoothgrad", "ntSamples": 5, "ntSamplesBatchSize": 2, "stdevs": 0.3, "target": [0, 1], "abs": False}, seed=12)
    case("nt_ig_delta", "NoiseTunnel(IntegratedGradients)", "cnn", dtype,
         lambda: noise_tunnel(lambda a, **k: integrated_gradients(cnn, a, **k), x, "vargrad", 3, None, 0.1,
                              baselines=x * 0.25, target=2, n_steps=5, delta=True),
         {"ntType": "vargrad", "ntSamples": 3, "stdevs": 0.1, "baselines": enc(x * 0.25), "target": 2, "nSteps": 5, "returnConvergenceDelta": True}, seed=13)
    case("nt_two_inputs", "NoiseTunnel(InputXGradient)", "two", dtype,
         lambda: noise_tunnel(lambda a, b, **k: input_x_gradient(two, (a, b), **k), (x, z), "smoothgrad_sq", 3, None, (0.2, 0.5), target=0),
         {"ntType": "smoothgrad_sq", "ntSamples": 3, "stdevs": [0.2, 0.5], "target": 0}, seed=14, inputs="two")

    # --- gradient shap
    case("gradient_shap", "GradientShap", "cnn", dtype,
         lambda: gradient_shap(cnn, x, d, n_samples=6, stdevs=0.1, target=1, delta=True),
         {"baselines": enc(d), "nSamples": 6, "stdevs": 0.1, "target": 1, "returnConvergenceDelta": True}, seed=21)
    case("gradient_shap_two", "GradientShap", "two", dtype,
         lambda: gradient_shap(two, (x, z), (d, torch.zeros(3, 4, dtype=tdt)), n_samples=4, target=[2, 0]),
         {"baselines": [enc(d), enc(torch.zeros(3, 4, dtype=tdt))], "nSamples": 4, "target": [2, 0]}, seed=22, inputs="two")

    # --- perturbations
    case("occlusion", "Occlusion", "cnn", dtype, lambda: ablation(cnn, x, None, 1, occlusion=(((1, 3, 3),), ((1, 2, 2),))),
         {"slidingWindowShapes": [1, 3, 3], "strides": [1, 2, 2], "target": 1})
    case("occlusion_batched_baseline", "Occlusion", "cnn", dtype,
         lambda: ablation(cnn, x, 0.5, [0, 2], perturbations_per_eval=4, occlusion=(((1, 4, 4),), ((1, 3, 3),))),
         {"slidingWindowShapes": [1, 4, 4], "strides": [1, 3, 3], "baselines": 0.5, "target": [0, 2], "perturbationsPerEval": 4})
    case("feature_ablation", "FeatureAblation", "cnn", dtype, lambda: ablation(cnn, x, None, 2), {"target": 2})
    groups = (torch.arange(64).reshape(8, 8) // 2 % 4 + torch.arange(64).reshape(8, 8) // 32 * 4).reshape(1, 1, 8, 8)
    case("feature_ablation_groups", "FeatureAblation", "cnn", dtype,
         lambda: ablation(cnn, x, x * 0.5, [1, 0], feature_mask=groups, perturbations_per_eval=3),
         {"baselines": enc(x * 0.5), "target": [1, 0], "featureMask": enc(groups), "perturbationsPerEval": 3})
    case("feature_ablation_tokens", "FeatureAblation", "text", dtype, lambda: ablation(text, ids, 0, 1, (m,)),
         {"baselines": 0, "target": 1, "additionalForwardArgs": [enc(m)]}, inputs="ids")

    # --- layers
    case("layer_activation", "LayerActivation", "cnn", dtype, lambda: layer_activation(cnn, x, cnn.conv1), {}, layer="conv1")
    case("layer_activation_input", "LayerActivation", "cnn", dtype, lambda: layer_activation(cnn, x, cnn.fc, to_input=True),
         {"attributeToLayerInput": True}, layer="fc")
    case("grad_cam", "LayerGradCam", "cnn", dtype, lambda: layer_grad_cam(cnn, x, cnn.conv2, 1), {"target": 1}, layer="conv2")
    case("grad_cam_relu", "LayerGradCam", "cnn", dtype, lambda: layer_grad_cam(cnn, x, cnn.conv2, [2, 0], relu=True),
         {"target": [2, 0], "reluAttributions": True}, layer="conv2")
    case("grad_cam_input", "LayerGradCam", "cnn", dtype, lambda: layer_grad_cam(cnn, x, cnn.conv2, 0, to_input=True, dim_sum=False),
         {"target": 0, "attributeToLayerInput": True, "attrDimSummation": False}, layer="conv2")
    cam = layer_grad_cam(cnn, x, cnn.conv2, 1)
    for mode in ("nearest", "bilinear"):
        cases.append({"name": "interpolate_" + mode, "method": "LayerAttribution.interpolate", "model": None, "dtype": dtype,
                      "args": {"attr": enc(cam), "dims": [8, 8], "mode": mode}, "seed": None,
                      "expected": enc(F.interpolate(cam, (8, 8), mode=mode))})
    case("layer_ig_embedding", "LayerIntegratedGradients", "text", dtype,
         lambda: layer_integrated_gradients(text, ids, text.emb, None, 1, (m,), n_steps=9, delta=True),
         {"target": 1, "additionalForwardArgs": [enc(m)], "nSteps": 9, "returnConvergenceDelta": True}, inputs="ids", layer="emb")
    case("layer_ig_fc1_batched", "LayerIntegratedGradients", "text", dtype,
         lambda: layer_integrated_gradients(text, ids, text.fc1, torch.tensor([[1, 1, 1, 1, 1, 1]]), [0, 1], None, 6,
                                            "riemann_middle", internal_batch_size=4),
         {"baselines": {"shape": [1, 6], "dtype": "int64", "data": [1, 1, 1, 1, 1, 1]}, "target": [0, 1], "nSteps": 6,
          "method": "riemann_middle", "internalBatchSize": 4}, inputs="ids", layer="fc1")


def weights(model):
    return {k: enc(v) for k, v in model.state_dict().items()}


gl = {str(n): [list(a) for a in leggauss(n)] for n in (1, 2, 3, 5, 7, 9, 16, 50, 64, 100)}
lin = []
for n in (2, 3, 4, 5, 6, 7, 9, 17, 33, 50, 100):
    for a, b in ((0, 1), (0, 1 - 1 / n), (1 / (2 * n), 1 - 1 / (2 * n)), (1 / n, 1)):
        for tdt in (torch.float32, torch.float64):
            lin.append({"start": a, "end": b, "steps": n, "dtype": str(tdt)[6:], "values": torch.linspace(a, b, n, dtype=tdt).tolist()})

out = {
    "torch": torch.__version__,
    "numpy": np.__version__,
    "cnn": weights(cnn32),
    "text": weights(text32),
    "twoW": enc(two_w),
    "images": enc(images),
    "extraImage": enc(extra_image),
    "ids": enc(ids),
    "mask": enc(mask),
    "leggauss": gl,
    "linspace": lin,
    "cases": cases,
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "interpret.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, len(cases), "cases", os.path.getsize(path) // 1024, "KiB")
