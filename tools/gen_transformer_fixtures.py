#!/usr/bin/python3
"""Writes test/fixtures/nn_transformer_model.json for test/nn/transformerModel.test.ts: nn.Transformer
(the whole encoder-decoder model) in PyTorch 1.13, in the module-case format of
gen_nn_seq_fixtures.py (state dict, inputs, outputs, gradients w.r.t. inputs and every
parameter), plus its initial state dict after torch.manual_seed and its repr.

Run with Debian's PyTorch 1.13:  /usr/bin/python3 tools/gen_transformer_fixtures.py
"""
import torch
import torch.nn as nn

from fixtures_common import enc, error_case, write
from gen_nn_seq_fixtures import module_case, randn

S, T, N, E = 5, 4, 2, 8


def run(m, ins):
    kw = {k: ins[k] for k in ("src_mask", "tgt_mask", "memory_mask", "src_key_padding_mask",
                              "tgt_key_padding_mask", "memory_key_padding_mask") if k in ins}
    return [m(ins["src"], ins["tgt"], **kw)]


def causal(n):
    return lambda: nn.Transformer.generate_square_subsequent_mask(n).to(torch.float64)


def padding(rows):
    return lambda: torch.tensor(rows)


CASES = []
SPECS = [
    # name, opts (torch-ts), kwargs (PyTorch), batch_first, extra inputs, dtypes
    ("postnorm_relu", {"numEncoderLayers": 2, "numDecoderLayers": 2}, {"num_encoder_layers": 2, "num_decoder_layers": 2}, False,
     {"tgt_mask": causal(T)}, ["float64", "float32"]),
    ("prenorm_gelu_batchfirst_masks", {"numEncoderLayers": 1, "numDecoderLayers": 2, "activation": "gelu", "normFirst": True, "batchFirst": True},
     {"num_encoder_layers": 1, "num_decoder_layers": 2, "activation": "gelu", "norm_first": True, "batch_first": True}, True,
     {"tgt_mask": causal(T), "src_key_padding_mask": padding([[False] * 4 + [True], [False] * 5]),
      "tgt_key_padding_mask": padding([[False] * 3 + [True], [False] * 4]),
      "memory_key_padding_mask": padding([[False] * 4 + [True], [False] * 5])}, ["float64", "float32"]),
    ("memory_mask_src_mask", {"numEncoderLayers": 1, "numDecoderLayers": 1}, {"num_encoder_layers": 1, "num_decoder_layers": 1}, False,
     {"src_mask": causal(S), "memory_mask": lambda: torch.randn(T, S, dtype=torch.float64)}, ["float64"]),
]
for name, opts, kwargs, batch_first, extra, dtypes in SPECS:
    shape_src = (N, S, E) if batch_first else (S, N, E)
    shape_tgt = (N, T, E) if batch_first else (T, N, E)
    for dtype in dtypes:
        CASES.append(module_case(
            name if dtype == "float64" else f"{name}/{dtype}", "Transformer", [E, 2], {"dimFeedforward": 16, "dropout": 0.0, **opts},
            lambda kwargs=kwargs: nn.Transformer(E, 2, dim_feedforward=16, dropout=0.0, **kwargs),
            {"src": randn(*shape_src), "tgt": randn(*shape_tgt), **extra}, ["src", "tgt"], {}, run, dtype=dtype, train=True))
# unbatched, and training-mode dropout with a seed right before forward
CASES.append(module_case("unbatched", "Transformer", [E, 2], {"dimFeedforward": 16, "dropout": 0.0, "numEncoderLayers": 1, "numDecoderLayers": 1},
                         lambda: nn.Transformer(E, 2, 1, 1, 16, 0.0), {"src": randn(S, E), "tgt": randn(T, E)}, ["src", "tgt"], {}, run, train=True))
CASES.append(module_case("train_dropout", "Transformer", [E, 2], {"dimFeedforward": 16, "dropout": 0.25, "numEncoderLayers": 2, "numDecoderLayers": 1},
                         lambda: nn.Transformer(E, 2, 2, 1, 16, 0.25), {"src": randn(S, N, E), "tgt": randn(T, N, E), "tgt_mask": causal(T)},
                         ["src", "tgt"], {}, run, train=True, forward_seed=5))

INITS = []
for seed, args, kwargs, opts in [(0, [E, 2, 2, 1, 16], {}, {}), (3, [16, 4], {"num_encoder_layers": 1, "num_decoder_layers": 1, "dim_feedforward": 32, "norm_first": True},
                                                                 {"numEncoderLayers": 1, "numDecoderLayers": 1, "dimFeedforward": 32, "normFirst": True})]:
    torch.manual_seed(seed)
    m = nn.Transformer(*args, **kwargs)
    after = torch.rand(3)
    INITS.append({"seed": seed, "args": args, "opts": opts, "repr": repr(m),
                  "state": {k: enc(v) for k, v in m.state_dict().items()}, "after": enc(after)})

x = torch.randn(S, N, E)
m = nn.Transformer(E, 2, 1, 1, 16)
ERRORS = [
    error_case("Transformer.batch", lambda: m(x, torch.randn(T, N + 1, E))),
    error_case("Transformer.batch_first", lambda: nn.Transformer(E, 2, 1, 1, 16, batch_first=True)(x, torch.randn(N + 1, T, E))),
    error_case("Transformer.features", lambda: m(x, torch.randn(T, N, E + 1))),
    error_case("Transformer.features_src", lambda: m(torch.randn(S, N, E + 2), torch.randn(T, N, E))),
]
MASK = {"mask": enc(nn.Transformer.generate_square_subsequent_mask(4))}


def main():
    write("nn_transformer_model.json", {"cases": CASES, "inits": INITS, "errors": ERRORS, **MASK})


if __name__ == "__main__":
    main()
