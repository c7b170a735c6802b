#!/usr/bin/python3
"""Writes test/fixtures/nn_transformer_model.json for test/nn/transformerModel.test.ts: nn.Transformer
(the whole encoder-decoder model) in PyTorch 1.13, in the module-case format of
gen_nn_seq_fixtures.py (state dict, inputs, outputs, gradients w.r.t. inputs and every
parameter), plus its initial state dict after torch.manual_seed and its repr; and "wordLM":
pytorch/examples' word language model TransformerModel (an nn.Transformer subclass), see word_lm().

Run with Debian's PyTorch 1.13:  /usr/bin/python3 tools/gen_transformer_fixtures.py
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixtures_common import enc, error_case, write
from gen_nn_seq_fixtures import DT, module_case, randn

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


# pytorch/examples' word_language_model/model.py (its TransformerModel and PositionalEncoding, as
# written there, max_len shortened to 64): an nn.Transformer subclass whose decoder is replaced by
# a Linear, run seq-first with the float causal mask log(tril(ones)) and training-mode dropout.
class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=64):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(p=dropout)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0).transpose(0, 1)
        self.register_buffer('pe', pe)

    def forward(self, x):
        x = x + self.pe[:x.size(0), :]
        return self.dropout(x)


class TransformerModel(nn.Transformer):
    def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
        super(TransformerModel, self).__init__(d_model=ninp, nhead=nhead, dim_feedforward=nhid, num_encoder_layers=nlayers)
        self.model_type = 'Transformer'
        self.src_mask = None
        self.pos_encoder = PositionalEncoding(ninp, dropout)
        self.input_emb = nn.Embedding(ntoken, ninp)
        self.ninp = ninp
        self.decoder = nn.Linear(ninp, ntoken)
        self.init_weights()

    def _generate_square_subsequent_mask(self, sz):
        return torch.log(torch.tril(torch.ones(sz, sz)))

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.input_emb.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, src, has_mask=True):
        if has_mask:
            if self.src_mask is None or self.src_mask.size(0) != len(src):
                self.src_mask = self._generate_square_subsequent_mask(len(src))
        else:
            self.src_mask = None
        src = self.input_emb(src) * math.sqrt(self.ninp)
        src = self.pos_encoder(src)
        output = self.encoder(src, mask=self.src_mask)
        output = self.decoder(output)
        return F.log_softmax(output, dim=-1)


def word_lm():
    """The model after manual_seed (state dict, generator position), then for float64 and float32:
    a training-mode forward with dropout after manual_seed(11) (module case: log-probs, gradients
    of every parameter), its NLL loss against the next tokens, and an eval-mode forward."""
    ntoken, ninp, nhead, nhid, nlayers, dropout = 20, 8, 2, 16, 2, 0.2
    torch.manual_seed(1111)
    m = TransformerModel(ntoken, ninp, nhead, nhid, nlayers, dropout)
    after = torch.rand(3)
    out = {"args": [ntoken, ninp, nhead, nhid, nlayers, dropout], "seed": 1111,
           "init": {k: enc(v) for k, v in m.state_dict().items()}, "after": enc(after), "repr": repr(m), "cases": []}
    g = torch.Generator().manual_seed(5)
    data = torch.randint(0, ntoken, (6, 3), generator=g)
    src, target = data[:-1], data[1:].reshape(-1)

    def run(mm, ins):
        return [mm(ins["src"])]

    for dtype in ("float64", "float32"):
        case = module_case("word_lm_train" if dtype == "float64" else "word_lm_train/float32", "TransformerModel",
                           out["args"], {}, lambda: TransformerModel(ntoken, ninp, nhead, nhid, nlayers, dropout),
                           {"src": src}, [], {}, run, dtype=dtype, train=True, seed=1111, forward_seed=11)
        torch.manual_seed(1111)
        mm = TransformerModel(ntoken, ninp, nhead, nhid, nlayers, dropout).to(DT[dtype])
        torch.manual_seed(11)
        loss = F.nll_loss(mm(src).view(-1, ntoken), target)
        mm.eval()
        with torch.no_grad():
            ev = mm(src)
        case.update({"target": enc(target), "loss": enc(loss.detach()), "eval": enc(ev)})
        out["cases"].append(case)
    return out


def main():
    write("nn_transformer_model.json", {"cases": CASES, "inits": INITS, "errors": ERRORS, **MASK, "wordLM": word_lm()})


if __name__ == "__main__":
    main()
