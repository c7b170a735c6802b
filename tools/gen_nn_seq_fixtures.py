#!/usr/bin/python3
"""Writes the fixtures that test/nn/{rnn,attention,transformer}.test.ts compare torch-ts against.

Run with Debian's PyTorch 1.13 (`apt-get install -y python3-torch`):

    /usr/bin/python3 tools/gen_nn_seq_fixtures.py

It writes, into test/fixtures/:
  nn_seq_rnn.json          RNN/LSTM/GRU and their cells
  nn_seq_attention.json    scaled dot-product attention and MultiheadAttention
  nn_seq_transformer.json  TransformerEncoderLayer/Encoder/DecoderLayer/Decoder
  nn_seq_errors.json       PyTorch's messages for wrong shapes and arguments

Tensor format: {"shape": [..], "dtype": "float64"|"float32"|"bool", "data": [flat, row-major]}
(floats by Python's repr, exact for float32 values widened to float64; -inf as "-inf").

A module case:
  name       unique
  module     torch-ts class name in nn (e.g. "LSTM")
  args       the positional constructor arguments
  opts       the constructor's options object, with torch-ts's camelCase keys
  train      whether the module is in training mode
  forwardSeed  null, or the seed given to torch.manual_seed right before forward (cases whose
             dropout is active: torch-ts's generator and dropout draw the same masks)
  state      PyTorch's state dict (keys exactly as PyTorch writes them)
  inputs     named tensors; "grad" lists those the gradients are taken with respect to
  call       options passed to forward (tensors referenced by input name, see the tests)
  outputs    the forward outputs flattened in PyTorch's order (LSTM: output, h_n, c_n)
  gradOutputs  one fixed upstream gradient per output (null for outputs that are None)
  grads      {"inputs": {name: tensor}, "params": {state key: tensor}}: the gradients of
             sum(output_i * gradOutput_i) with respect to the inputs in "grad" and every parameter

SDPA has no public function in PyTorch 1.13, so its cases are computed with the explicit math of
PyTorch 2's torch.nn.functional.scaled_dot_product_attention (bool mask: True = take part;
float mask: added to the scores; is_causal: lower-triangular bool mask).
"""
import json
import math
import warnings
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT_DIR = Path(__file__).resolve().parent.parent / "test" / "fixtures"
DT = {"float64": torch.float64, "float32": torch.float32}


def enc_value(v):
    if isinstance(v, bool):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def st(t):
    t = t.detach()
    dtype = {torch.float64: "float64", torch.float32: "float32", torch.bool: "bool", torch.int64: "int64"}[t.dtype]
    return {"shape": list(t.shape), "dtype": dtype,
            "data": [enc_value(v) for v in t.reshape(-1).tolist()]}


def module_case(name, module, args, opts, build, inputs, grad, call, run, dtype="float64",
                train=False, seed=0, forward_seed=None):
    """build() makes the PyTorch module; run(m, inputs) returns the outputs as a flat list.
    forward_seed: torch.manual_seed(forward_seed) right before the forward call (dropout draws)."""
    torch.manual_seed(seed)
    m = build().to(DT[dtype])
    m.train(train)
    ins = {}
    for k, v in inputs.items():
        t = v() if callable(v) else v
        if t.is_floating_point():
            t = t.to(DT[dtype])
        ins[k] = t.requires_grad_(k in grad)
    if forward_seed is not None:
        torch.manual_seed(forward_seed)
    outs = run(m, ins)
    gouts = [None if o is None else torch.randn_like(o) for o in outs]
    loss = sum((o * g).sum() for o, g in zip(outs, gouts) if o is not None)
    params = [p for _, p in m.named_parameters()]
    wrt = [ins[k] for k in grad] + params
    gs = torch.autograd.grad(loss, wrt, allow_unused=True)
    gin = {k: st(g) for k, g in zip(grad, gs[: len(grad)])}
    gpar = {}
    for (k, _), g in zip(m.named_parameters(), gs[len(grad):]):
        gpar[k] = st(g) if g is not None else None
    return {
        "name": name, "module": module, "args": args, "opts": opts, "train": train,
        "dtype": dtype, "forwardSeed": forward_seed,
        "state": {k: st(v) for k, v in m.state_dict().items()},
        "inputs": {k: st(v) for k, v in ins.items()}, "grad": grad, "call": call,
        "outputs": [None if o is None else st(o) for o in outs],
        "gradOutputs": [None if g is None else st(g) for g in gouts],
        "grads": {"inputs": gin, "params": gpar},
    }


def randn(*s):
    return lambda: torch.randn(*s, dtype=torch.float64)


# ---------------------------------------------------------------------------------------------
# Recurrent layers


def rnn_cases():
    cases = []

    def run_rnn(m, ins):
        hx = ins.get("hx")
        out, h = m(ins["input"], hx)
        return [out, h]

    def run_lstm(m, ins):
        hx = (ins["h0"], ins["c0"]) if "h0" in ins else None
        out, (h, c) = m(ins["input"], hx)
        return [out, h, c]

    specs = [
        # name, class, args, opts, pytorch kwargs, input shape, hidden shape (or None), dtypes
        ("rnn_tanh", "RNN", [4, 5], {}, {}, (3, 2, 4), (1, 2, 5), ["float64", "float32"]),
        ("rnn_relu_2layer_bidir_batchfirst", "RNN", [4, 5],
         {"numLayers": 2, "nonlinearity": "relu", "bidirectional": True, "batchFirst": True},
         {"num_layers": 2, "nonlinearity": "relu", "bidirectional": True, "batch_first": True},
         (2, 3, 4), (4, 2, 5), ["float64", "float32"]),
        ("rnn_unbatched", "RNN", [4, 5], {}, {}, (3, 4), (1, 5), ["float64"]),
        ("rnn_nobias_nohx", "RNN", [4, 5], {"bias": False}, {"bias": False}, (3, 2, 4), None, ["float64"]),
        ("lstm", "LSTM", [4, 5], {}, {}, (3, 2, 4), None, ["float64", "float32"]),
        ("lstm_2layer_bidir_batchfirst", "LSTM", [4, 5],
         {"numLayers": 2, "bidirectional": True, "batchFirst": True},
         {"num_layers": 2, "bidirectional": True, "batch_first": True},
         (2, 3, 4), (4, 2, 5), ["float64", "float32"]),
        ("lstm_unbatched_hx", "LSTM", [4, 5], {}, {}, (3, 4), (1, 5), ["float64"]),
        ("lstm_nobias_3layer", "LSTM", [3, 4], {"numLayers": 3, "bias": False},
         {"num_layers": 3, "bias": False}, (4, 2, 3), (3, 2, 4), ["float64"]),
        ("gru", "GRU", [4, 5], {}, {}, (3, 2, 4), (1, 2, 5), ["float64", "float32"]),
        ("gru_2layer_bidir_batchfirst", "GRU", [4, 5],
         {"numLayers": 2, "bidirectional": True, "batchFirst": True},
         {"num_layers": 2, "bidirectional": True, "batch_first": True},
         (2, 3, 4), (4, 2, 5), ["float64", "float32"]),
        ("gru_unbatched_nohx", "GRU", [4, 5], {}, {}, (3, 4), None, ["float64"]),
    ]
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
    for name, mod, args, opts, kw, ishape, hshape, dtypes in specs:
        for dt in dtypes:
            inputs = {"input": randn(*ishape)}
            grad = ["input"]
            if hshape is not None:
                if mod == "LSTM":
                    inputs["h0"] = randn(*hshape)
                    inputs["c0"] = randn(*hshape)
                    grad += ["h0", "c0"]
                else:
                    inputs["hx"] = randn(*hshape)
                    grad.append("hx")
            cases.append(module_case(
                name if dt == "float64" else f"{name}/float32", mod, args, opts,
                lambda c=cls[mod], a=args, k=kw: c(*a, **k), inputs, grad, {},
                run_lstm if mod == "LSTM" else run_rnn, dtype=dt, seed=len(cases)))

    # Dropout between layers in training mode: the masks come from the seeded generator.
    for name, mod, kw, opts in [
        ("lstm_dropout_train", nn.LSTM, {"num_layers": 3, "dropout": 0.5}, {"numLayers": 3, "dropout": 0.5}),
        ("gru_bidir_dropout_train", nn.GRU, {"num_layers": 2, "dropout": 0.3, "bidirectional": True},
         {"numLayers": 2, "dropout": 0.3, "bidirectional": True}),
    ]:
        cases.append(module_case(
            name, "LSTM" if mod is nn.LSTM else "GRU", [4, 5], opts, lambda c=mod, k=kw: c(4, 5, **k),
            {"input": randn(3, 2, 4)}, ["input"], {}, run_lstm if mod is nn.LSTM else run_rnn,
            train=True, seed=len(cases), forward_seed=1234))

    # Cells: batched and unbatched, with and without a given state.
    def run_cell(m, ins):
        return [m(ins["input"], ins.get("hx"))]

    def run_lstm_cell(m, ins):
        h, c = m(ins["input"], (ins["h0"], ins["c0"]) if "h0" in ins else None)
        return [h, c]

    cell_specs = [
        ("rnncell_tanh", "RNNCell", {}, {}, (3, 4), (3, 5)),
        ("rnncell_relu_unbatched", "RNNCell", {"nonlinearity": "relu"}, {"nonlinearity": "relu"}, (4,), (5,)),
        ("lstmcell", "LSTMCell", {}, {}, (3, 4), (3, 5)),
        ("lstmcell_unbatched_nohx", "LSTMCell", {}, {}, (4,), None),
        ("grucell", "GRUCell", {}, {}, (3, 4), (3, 5)),
        ("grucell_nobias", "GRUCell", {"bias": False}, {"bias": False}, (3, 4), (3, 5)),
    ]
    ccls = {"RNNCell": nn.RNNCell, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}
    for name, mod, opts, kw, ishape, hshape in cell_specs:
        for dt in ["float64", "float32"]:
            inputs = {"input": randn(*ishape)}
            grad = ["input"]
            if hshape is not None:
                if mod == "LSTMCell":
                    inputs["h0"] = randn(*hshape)
                    inputs["c0"] = randn(*hshape)
                    grad += ["h0", "c0"]
                else:
                    inputs["hx"] = randn(*hshape)
                    grad.append("hx")
            cases.append(module_case(
                name if dt == "float64" else f"{name}/float32", mod, [4, 5], opts,
                lambda c=ccls[mod], k=kw: c(4, 5, **k), inputs, grad, {},
                run_lstm_cell if mod == "LSTMCell" else run_cell, dtype=dt, seed=len(cases)))

    # LSTM with projections (proj_size): h is [.., proj], c is [.., hidden], weight_hr per layer.
    for name, kw, opts, ishape, states in [
        ("lstm_proj", {"proj_size": 3}, {"projSize": 3}, (3, 2, 4), ((1, 2, 3), (1, 2, 5))),
        ("lstm_proj_2layer_bidir_batchfirst", {"proj_size": 2, "num_layers": 2, "bidirectional": True, "batch_first": True},
         {"projSize": 2, "numLayers": 2, "bidirectional": True, "batchFirst": True}, (2, 3, 4), None),
    ]:
        for dt in ["float64", "float32"]:
            inputs = {"input": randn(*ishape)}
            grad = ["input"]
            if states is not None:
                inputs["h0"] = randn(*states[0])
                inputs["c0"] = randn(*states[1])
                grad += ["h0", "c0"]
            cases.append(module_case(
                name if dt == "float64" else f"{name}/float32", "LSTM", [4, 5], opts,
                lambda k=kw: nn.LSTM(4, 5, **k), inputs, grad, {}, run_lstm, dtype=dt, seed=len(cases)))

    # Initialisation: U(-1/sqrt(hidden), 1/sqrt(hidden)) drawn in parameter order after manual_seed.
    inits = []
    for name, ctor in [
        ("LSTM", lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True)),
        ("GRU", lambda: nn.GRU(3, 4)),
        ("RNN", lambda: nn.RNN(3, 4, bias=False)),
        ("LSTMCell", lambda: nn.LSTMCell(3, 4)),
        ("GRUCell", lambda: nn.GRUCell(3, 4)),
        ("RNNCell", lambda: nn.RNNCell(3, 4)),
        ("LSTM_proj", lambda: nn.LSTM(3, 4, num_layers=2, proj_size=2)),
    ]:
        torch.manual_seed(7)
        m = ctor()
        inits.append({"module": name, "seed": 7, "state": {k: st(v) for k, v in m.state_dict().items()}})
    return cases, inits


# ---------------------------------------------------------------------------------------------
# Attention


def sdpa_ref(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """PyTorch 2's documented math for scaled_dot_product_attention (dropout_p = 0)."""
    L, S = q.size(-2), k.size(-2)
    scale = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    bias = torch.zeros(L, S, dtype=q.dtype)
    if is_causal:
        keep = torch.ones(L, S, dtype=torch.bool).tril(0)
        bias = bias.masked_fill(~keep, float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            bias = bias.masked_fill(~attn_mask, float("-inf"))
        else:
            bias = bias + attn_mask
    w = torch.softmax(q @ k.transpose(-2, -1) * scale + bias, dim=-1)
    return w @ v


def sdpa_cases():
    cases = []
    torch.manual_seed(100)
    specs = [
        ("plain", (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7), None, False, None),
        ("causal", (2, 2, 5, 4), (2, 2, 5, 4), (2, 2, 5, 4), None, True, None),
        ("bool_mask", (2, 2, 4, 3), (2, 2, 5, 3), (2, 2, 5, 3), "bool", False, None),
        ("float_mask", (3, 4, 3), (3, 5, 3), (3, 5, 2), "float", False, None),
        ("scale", (2, 4, 3), (2, 4, 3), (2, 4, 3), None, True, 0.3),
    ]
    for name, qs, ks, vs, mask, causal, scale in specs:
        for dt in ["float64", "float32"]:
            q = torch.randn(*qs, dtype=torch.float64).to(DT[dt]).requires_grad_()
            k = torch.randn(*ks, dtype=torch.float64).to(DT[dt]).requires_grad_()
            v = torch.randn(*vs, dtype=torch.float64).to(DT[dt]).requires_grad_()
            L, S = qs[-2], ks[-2]
            m = None
            if mask == "bool":
                m = torch.rand(qs[0], 1, L, S) > 0.3
                m[..., 0] = True  # every query keeps at least one key
            elif mask == "float":
                m = torch.randn(L, S, dtype=torch.float64).to(DT[dt])
            out = sdpa_ref(q, k, v, m, causal, scale)
            g = torch.randn_like(out)
            gq, gk, gv = torch.autograd.grad(out, [q, k, v], g)
            cases.append({
                "name": name if dt == "float64" else f"{name}/float32",
                "q": st(q), "k": st(k), "v": st(v), "attnMask": None if m is None else st(m),
                "isCausal": causal, "scale": scale, "output": st(out), "gradOutput": st(g),
                "grads": [st(gq), st(gk), st(gv)],
            })
    return cases


def mha_cases():
    cases = []

    def causal_bool(L):  # MHA's bool masks: True = NOT allowed to attend
        return torch.ones(L, L, dtype=torch.bool).triu(1)

    kpm = torch.tensor([[False, False, False, True], [False, False, False, False]])

    def run(self_attn=True, **kw):
        def f(m, ins):
            q = ins["query"]
            k = q if self_attn else ins["key"]
            v = q if self_attn else ins["value"]
            out, w = m(q, k, v, key_padding_mask=ins.get("keyPaddingMask"),
                       attn_mask=ins.get("attnMask"), **kw)
            return [out, w]
        return f

    specs = [
        # name, opts, kwargs, inputs, self_attn, forward kwargs (need_weights...)
        ("self_batchfirst_kpm_causal", {"batchFirst": True}, {"batch_first": True},
         {"query": randn(2, 4, 8), "keyPaddingMask": kpm, "attnMask": causal_bool(4)}, True, {}),
        ("self_seqfirst_weights_per_head", {}, {},
         {"query": randn(4, 2, 8), "keyPaddingMask": kpm, "attnMask": causal_bool(4)}, True,
         {"average_attn_weights": False}),
        ("float_mask_no_weights", {}, {},
         {"query": randn(3, 2, 8), "attnMask": randn(3, 3)}, True, {"need_weights": False}),
        ("cross_kdim_vdim", {"kdim": 6, "vdim": 5, "batchFirst": True},
         {"kdim": 6, "vdim": 5, "batch_first": True},
         {"query": randn(2, 3, 8), "key": randn(2, 4, 6), "value": randn(2, 4, 5), "keyPaddingMask": kpm},
         False, {}),
        ("cross_nobias_mask3d", {"bias": False}, {"bias": False},
         {"query": randn(3, 2, 8), "key": randn(4, 2, 8), "value": randn(4, 2, 8),
          "attnMask": lambda: torch.randn(2 * 2, 3, 4, dtype=torch.float64)}, False, {}),
        ("unbatched", {}, {}, {"query": randn(4, 8), "attnMask": causal_bool(4)}, True, {}),
    ]
    for name, opts, kw, inputs, self_attn, fkw in specs:
        for dt in ["float64", "float32"]:
            grad = [k for k in ("query", "key", "value") if k in inputs]
            call = {k: True for k in ("keyPaddingMask", "attnMask") if k in inputs}
            call.update({"needWeights": fkw.get("need_weights", True),
                         "averageAttnWeights": fkw.get("average_attn_weights", True),
                         "selfAttention": self_attn})
            cases.append(module_case(
                name if dt == "float64" else f"{name}/float32", "MultiheadAttention", [8, 2], opts,
                lambda k=kw: nn.MultiheadAttention(8, 2, **k), inputs, grad, call, run(self_attn, **fkw),
                dtype=dt, seed=200 + len(cases)))
    cases.append(module_case(
        "self_dropout_train", "MultiheadAttention", [8, 2], {"dropout": 0.4, "batchFirst": True},
        lambda: nn.MultiheadAttention(8, 2, dropout=0.4, batch_first=True),
        {"query": randn(2, 4, 8), "keyPaddingMask": kpm}, ["query"],
        {"keyPaddingMask": True, "needWeights": True, "averageAttnWeights": True, "selfAttention": True},
        run(True), train=True, seed=290, forward_seed=99))
    # add_bias_kv (a learned key/value position) and add_zero_attn (a zero one), masks padded for them.
    for name, opts, kw, inputs, self_attn in [
        ("bias_kv_zero_attn_kpm_causal", {"addBiasKv": True, "addZeroAttn": True, "batchFirst": True},
         {"add_bias_kv": True, "add_zero_attn": True, "batch_first": True},
         {"query": randn(2, 4, 8), "keyPaddingMask": kpm, "attnMask": causal_bool(4)}, True),
        ("cross_bias_kv_mask3d", {"addBiasKv": True}, {"add_bias_kv": True},
         {"query": randn(3, 2, 8), "key": randn(4, 2, 8), "value": randn(4, 2, 8),
          "attnMask": lambda: torch.randn(2 * 2, 3, 4, dtype=torch.float64)}, False),
        ("zero_attn_unbatched", {"addZeroAttn": True}, {"add_zero_attn": True},
         {"query": randn(4, 8), "attnMask": randn(4, 4)}, True),
    ]:
        for dt in ["float64", "float32"]:
            grad = [k for k in ("query", "key", "value") if k in inputs]
            call = {k: True for k in ("keyPaddingMask", "attnMask") if k in inputs}
            call.update({"needWeights": True, "averageAttnWeights": True, "selfAttention": self_attn})
            cases.append(module_case(
                name if dt == "float64" else f"{name}/float32", "MultiheadAttention", [8, 2], opts,
                lambda k=kw: nn.MultiheadAttention(8, 2, **k), inputs, grad, call, run(self_attn),
                dtype=dt, seed=300 + len(cases)))
    torch.manual_seed(3)
    m = nn.MultiheadAttention(6, 3)
    torch.manual_seed(3)
    m2 = nn.MultiheadAttention(6, 3, kdim=4, vdim=5)
    torch.manual_seed(3)
    m3 = nn.MultiheadAttention(6, 3, add_bias_kv=True)
    inits = [{"module": "MultiheadAttention", "args": [6, 3], "opts": {}, "seed": 3,
              "state": {k: st(v) for k, v in m.state_dict().items()}},
             {"module": "MultiheadAttention", "args": [6, 3], "opts": {"kdim": 4, "vdim": 5}, "seed": 3,
              "state": {k: st(v) for k, v in m2.state_dict().items()}},
             {"module": "MultiheadAttention", "args": [6, 3], "opts": {"addBiasKv": True}, "seed": 3,
              "state": {k: st(v) for k, v in m3.state_dict().items()}}]
    return cases, inits


# ---------------------------------------------------------------------------------------------
# Transformer


def transformer_cases():
    cases = []
    kpm = torch.tensor([[False, False, False, True], [False, False, False, False]])
    causal = torch.ones(4, 4, dtype=torch.bool).triu(1)

    def run_enc_layer(m, ins):
        return [m(ins["src"], src_mask=ins.get("srcMask"), src_key_padding_mask=ins.get("srcKeyPaddingMask"))]

    for norm_first in [False, True]:
        for act in ["relu", "gelu"]:
            for dt in ["float64", "float32"]:
                name = f"encoder_layer_{'normfirst' if norm_first else 'postnorm'}_{act}"
                opts = {"dimFeedforward": 16, "dropout": 0.1, "activation": act, "batchFirst": True,
                        "normFirst": norm_first, "layerNormEps": 1e-5}
                cases.append(module_case(
                    name if dt == "float64" else f"{name}/float32", "TransformerEncoderLayer", [8, 2], opts,
                    lambda nf=norm_first, a=act: nn.TransformerEncoderLayer(
                        8, 2, dim_feedforward=16, dropout=0.1, activation=a, batch_first=True,
                        norm_first=nf, layer_norm_eps=1e-5),
                    {"src": randn(2, 4, 8), "srcMask": causal, "srcKeyPaddingMask": kpm}, ["src"],
                    {"srcMask": True, "srcKeyPaddingMask": True}, run_enc_layer, dtype=dt,
                    seed=300 + len(cases)))

    # Seq-first layer, no masks, eps 1e-6, in training mode with dropout 0.
    cases.append(module_case(
        "encoder_layer_seqfirst_train_p0", "TransformerEncoderLayer", [8, 4],
        {"dimFeedforward": 12, "dropout": 0.0, "layerNormEps": 1e-6}, lambda: nn.TransformerEncoderLayer(
            8, 4, dim_feedforward=12, dropout=0.0, layer_norm_eps=1e-6), {"src": randn(3, 2, 8)}, ["src"], {},
        run_enc_layer, train=True, seed=350))

    # Training mode with active dropout (masks from the seeded generator).
    cases.append(module_case(
        "encoder_layer_train_dropout", "TransformerEncoderLayer", [8, 2],
        {"dimFeedforward": 16, "dropout": 0.2, "batchFirst": True}, lambda: nn.TransformerEncoderLayer(
            8, 2, dim_feedforward=16, dropout=0.2, batch_first=True), {"src": randn(2, 4, 8), "srcKeyPaddingMask": kpm},
        ["src"], {"srcKeyPaddingMask": True}, run_enc_layer, train=True, seed=355, forward_seed=5))

    # TransformerEncoder: 2 deep copies of one layer and a final LayerNorm. PyTorch's layers start
    # identical; the fixture perturbs layer 1 so that the test sees the two are used in order.
    def build_encoder():
        layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8))
        with torch.no_grad():
            for p in enc.layers[1].parameters():
                p.add_(0.05 * torch.randn_like(p))
            enc.norm.weight.add_(0.1 * torch.randn_like(enc.norm.weight))
        return enc

    def run_encoder(m, ins):
        return [m(ins["src"], mask=ins.get("mask"), src_key_padding_mask=ins.get("srcKeyPaddingMask"))]

    for dt in ["float64", "float32"]:
        cases.append(module_case(
            "encoder_2layers_norm" if dt == "float64" else "encoder_2layers_norm/float32",
            "TransformerEncoder", [2], {"dModel": 8, "nhead": 2, "dimFeedforward": 16, "batchFirst": True},
            build_encoder, {"src": randn(2, 4, 8), "mask": causal, "srcKeyPaddingMask": kpm}, ["src"],
            {"mask": True, "srcKeyPaddingMask": True}, run_encoder, dtype=dt, seed=360))

    def run_dec_layer(m, ins):
        return [m(ins["tgt"], ins["memory"], tgt_mask=ins.get("tgtMask"),
                  memory_mask=ins.get("memoryMask"), tgt_key_padding_mask=ins.get("tgtKeyPaddingMask"),
                  memory_key_padding_mask=ins.get("memoryKeyPaddingMask"))]

    mem_kpm = torch.tensor([[False, False, False, False, True], [False, False, False, False, False]])
    for norm_first in [False, True]:
        for act in ["relu", "gelu"]:
            for dt in ["float64", "float32"]:
                name = f"decoder_layer_{'normfirst' if norm_first else 'postnorm'}_{act}"
                opts = {"dimFeedforward": 16, "dropout": 0.1, "activation": act, "batchFirst": True,
                        "normFirst": norm_first}
                cases.append(module_case(
                    name if dt == "float64" else f"{name}/float32", "TransformerDecoderLayer", [8, 2], opts,
                    lambda nf=norm_first, a=act: nn.TransformerDecoderLayer(
                        8, 2, dim_feedforward=16, dropout=0.1, activation=a, batch_first=True, norm_first=nf),
                    {"tgt": randn(2, 4, 8), "memory": randn(2, 5, 8), "tgtMask": causal,
                     "tgtKeyPaddingMask": kpm, "memoryKeyPaddingMask": mem_kpm}, ["tgt", "memory"],
                    {"tgtMask": True, "tgtKeyPaddingMask": True, "memoryKeyPaddingMask": True},
                    run_dec_layer, dtype=dt, seed=400 + len(cases)))

    # Decoder layer, seq-first, float memory mask.
    cases.append(module_case(
        "decoder_layer_seqfirst_memory_mask", "TransformerDecoderLayer", [8, 2], {"dimFeedforward": 10},
        lambda: nn.TransformerDecoderLayer(8, 2, dim_feedforward=10), {
            "tgt": randn(3, 2, 8), "memory": randn(4, 2, 8), "memoryMask": randn(3, 4)},
        ["tgt", "memory"], {"memoryMask": True}, run_dec_layer, seed=450))

    def build_decoder():
        layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        dec = nn.TransformerDecoder(layer, 2, norm=nn.LayerNorm(8))
        with torch.no_grad():
            for p in dec.layers[0].parameters():
                p.add_(0.05 * torch.randn_like(p))
        return dec

    def run_decoder(m, ins):
        return [m(ins["tgt"], ins["memory"], tgt_mask=ins.get("tgtMask"),
                  memory_key_padding_mask=ins.get("memoryKeyPaddingMask"))]

    cases.append(module_case(
        "decoder_2layers_norm", "TransformerDecoder", [2], {"dModel": 8, "nhead": 2, "dimFeedforward": 16, "batchFirst": True},
        build_decoder, {"tgt": randn(2, 4, 8), "memory": randn(2, 5, 8), "tgtMask": causal,
                        "memoryKeyPaddingMask": mem_kpm}, ["tgt", "memory"],
        {"tgtMask": True, "memoryKeyPaddingMask": True}, run_decoder, seed=460))
    return cases


def transformer_inits():
    """State dicts right after construction under manual_seed: PyTorch's draw order."""
    out = []
    for module, ctor in [
        ("TransformerEncoderLayer", lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=12)),
        ("TransformerDecoderLayer", lambda: nn.TransformerDecoderLayer(8, 2, dim_feedforward=12)),
    ]:
        torch.manual_seed(11)
        m = ctor()
        out.append({"module": module, "args": [8, 2], "opts": {"dimFeedforward": 12}, "seed": 11,
                    "state": {k: st(v) for k, v in m.state_dict().items()}})
    return out


# ---------------------------------------------------------------------------------------------
# Errors


def error_cases():
    out = []

    def err(name, fn):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fn()
        except Exception as e:  # noqa: BLE001 - we record whatever PyTorch raises
            out.append({"name": name, "type": type(e).__name__, "message": str(e)})
            return
        raise AssertionError(f"{name}: PyTorch raised nothing")

    torch.manual_seed(0)
    lstm = nn.LSTM(4, 5, num_layers=2)
    gru_b = nn.GRU(4, 5, bidirectional=True, batch_first=True)
    rnn = nn.RNN(4, 5)
    err("lstm_input_size", lambda: lstm(torch.randn(3, 2, 3)))
    err("gru_input_size", lambda: gru_b(torch.randn(2, 3, 6)))
    err("rnn_hidden_size", lambda: rnn(torch.randn(3, 2, 4), torch.randn(1, 3, 5)))
    err("gru_hidden_size_bidir", lambda: gru_b(torch.randn(2, 3, 4), torch.randn(1, 2, 5)))
    err("lstm_hidden0_size", lambda: lstm(torch.randn(3, 2, 4), (torch.randn(2, 2, 4), torch.randn(2, 2, 5))))
    err("lstm_hidden1_size", lambda: lstm(torch.randn(3, 2, 4), (torch.randn(2, 2, 5), torch.randn(1, 2, 5))))
    err("rnn_batched_hx_dim", lambda: rnn(torch.randn(3, 2, 4), torch.randn(2, 5)))
    err("rnn_unbatched_hx_dim", lambda: rnn(torch.randn(3, 4), torch.randn(1, 1, 5)))
    err("lstm_batched_hx_dim", lambda: lstm(torch.randn(3, 2, 4), (torch.randn(2, 5), torch.randn(2, 2, 5))))
    err("lstm_unbatched_hx_dim", lambda: lstm(torch.randn(3, 4), (torch.randn(2, 1, 5), torch.randn(2, 5))))
    err("rnn_dropout_range", lambda: nn.RNN(4, 5, dropout=1.5))
    err("rnn_nonlinearity", lambda: nn.RNN(4, 5, nonlinearity="sigmoid"))
    err("rnncell_input_dim", lambda: nn.RNNCell(4, 5)(torch.randn(2, 3, 4)))
    err("lstmcell_input_size", lambda: nn.LSTMCell(4, 5)(torch.randn(3, 3)))
    err("grucell_hidden_size", lambda: nn.GRUCell(4, 5)(torch.randn(3, 4), torch.randn(3, 6)))
    err("rnncell_batch", lambda: nn.RNNCell(4, 5)(torch.randn(3, 4), torch.randn(2, 5)))
    mha = nn.MultiheadAttention(8, 2)
    err("mha_divisible", lambda: nn.MultiheadAttention(8, 3))
    err("mha_embed_dim", lambda: mha(torch.randn(3, 2, 6), torch.randn(3, 2, 6), torch.randn(3, 2, 6)))
    err("mha_query_dim", lambda: mha(torch.randn(1, 3, 2, 8), torch.randn(1, 3, 2, 8), torch.randn(1, 3, 2, 8)))
    err("mha_attn_mask_2d", lambda: mha(torch.randn(3, 2, 8), torch.randn(4, 2, 8), torch.randn(4, 2, 8),
                                        attn_mask=torch.zeros(3, 3)))
    err("mha_attn_mask_3d", lambda: mha(torch.randn(3, 2, 8), torch.randn(4, 2, 8), torch.randn(4, 2, 8),
                                        attn_mask=torch.zeros(2, 3, 4)))
    err("mha_key_value_len", lambda: mha(torch.randn(3, 2, 8), torch.randn(4, 2, 8), torch.randn(5, 2, 8)))
    err("encoder_layer_activation", lambda: nn.TransformerEncoderLayer(8, 2, activation="tanh"))
    return out


def write(name, payload):
    path = OUT_DIR / name
    path.write_text(json.dumps(payload, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def main():
    torch.set_default_dtype(torch.float32)
    rnn, rnn_inits = rnn_cases()
    write("nn_seq_rnn.json", {"torch": torch.__version__, "cases": rnn, "inits": rnn_inits})
    mha, mha_inits = mha_cases()
    write("nn_seq_attention.json", {"torch": torch.__version__, "sdpa": sdpa_cases(), "cases": mha,
                                    "inits": mha_inits})
    write("nn_seq_transformer.json", {"torch": torch.__version__, "cases": transformer_cases(),
                                      "inits": transformer_inits()})
    write("nn_seq_errors.json", {"torch": torch.__version__, "cases": error_cases()})


if __name__ == "__main__":
    main()
