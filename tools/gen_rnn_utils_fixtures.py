#!/usr/bin/python3
"""Writes test/fixtures/nn_rnn_utils.json for test/nn/rnnUtils.test.ts: torch.nn.utils.rnn
(pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence, unpad/unpack_sequence)
and RNN/LSTM/GRU run on PackedSequences, in PyTorch 1.13.

Run with Debian's PyTorch 1.13:  /usr/bin/python3 tools/gen_rnn_utils_fixtures.py

functional: fcase()s (tools/fixtures_common.py); the torch-ts calls are in the test.
modules: gen_nn_seq_fixtures.py's module cases; the input is a padded batch and its lengths,
  packed with enforce_sorted=False, run through the layer (with an initial state when given),
  and the outputs are the packed output's data and the final states.
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import (pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence,
                                unpack_sequence, unpad_sequence)

from fixtures_common import enc, error_case, fcase, write
from gen_nn_seq_fixtures import module_case, randn

g = torch.Generator().manual_seed(8)


def rn(*shape):
    return torch.randn(*shape, generator=g, dtype=torch.float64)


FUNCS = []
F_ = lambda name, fn, inputs, gradcheck=True: FUNCS.extend(fcase(name, fn, inputs, gradcheck))
seqs3 = [rn(3, 2), rn(1, 2), rn(4, 2)]
F_("padSequence", lambda *s: pad_sequence(list(s)), seqs3)
F_("padSequence.batchFirst_value", lambda *s: pad_sequence(list(s), True, -1.5), [rn(2, 3, 2), rn(4, 3, 2)])
F_("padSequence.1d", lambda *s: pad_sequence(list(s), batch_first=True), [rn(2), rn(5), rn(1)])
F_("packPaddedSequence.sorted", lambda x: tuple(pack_padded_sequence(x, [4, 2, 2])[:2]), [rn(4, 3, 2)])
F_("packPaddedSequence.unsorted_batchFirst", lambda x: tuple(pack_padded_sequence(x, torch.tensor([2, 5, 1, 5]), batch_first=True, enforce_sorted=False)),
   [rn(4, 5, 3)])
F_("packPaddedSequence.transposed", lambda x: tuple(pack_padded_sequence(x, [3, 3, 1], True, False)), [(rn(3, 2, 3), True, "transpose")])
F_("padPackedSequence", lambda d: tuple(pad_packed_sequence(nn.utils.rnn.PackedSequence(d, torch.tensor([3, 2, 2, 1])))), [rn(8, 2)])
F_("padPackedSequence.unsorted_batchFirst_total", lambda x: tuple(pad_packed_sequence(
    pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False), batch_first=True, padding_value=9.0, total_length=6)), [rn(4, 3, 2)])
F_("packSequence", lambda *s: tuple(pack_sequence(list(s), enforce_sorted=False)), seqs3)
F_("packSequence.sorted", lambda *s: tuple(pack_sequence(list(s))[:2]), [rn(3, 2), rn(3, 2), rn(1, 2)])
F_("unpackSequence", lambda *s: tuple(unpack_sequence(pack_sequence(list(s), enforce_sorted=False))), seqs3)
F_("unpadSequence", lambda x: tuple(unpad_sequence(x.clone(), torch.tensor([3, 1, 2]))), [rn(3, 3, 2)])
F_("padSequence.int64", lambda *s: pad_sequence(list(s), padding_value=-1), [torch.tensor([1, 2, 3]), torch.tensor([4])])


def run_packed(lengths):
    def run(m, ins):
        packed = pack_padded_sequence(ins["input"], torch.tensor(lengths), batch_first=m.batch_first, enforce_sorted=False)
        hx = (ins["h0"], ins["c0"]) if "c0" in ins else ins.get("h0")
        out, h = m(packed, hx)
        assert isinstance(out, nn.utils.rnn.PackedSequence)
        return [out.data, *(h if isinstance(h, tuple) else (h,))]
    return run


MODULES = []
SPECS = [
    # name, class, args, opts, kwargs, batch_first, lengths, initial state, dtypes
    ("rnn_tanh", "RNN", [3, 4], {}, {}, False, [3, 5, 2], False, ["float64", "float32"]),
    ("rnn_relu_2layer_bidir", "RNN", [3, 4], {"numLayers": 2, "nonlinearity": "relu", "bidirectional": True},
     {"num_layers": 2, "nonlinearity": "relu", "bidirectional": True}, False, [2, 5, 5, 1], True, ["float64"]),
    ("lstm", "LSTM", [3, 4], {}, {}, False, [5, 3, 1], True, ["float64", "float32"]),
    ("lstm_2layer_bidir_batchfirst", "LSTM", [3, 4], {"numLayers": 2, "bidirectional": True, "batchFirst": True},
     {"num_layers": 2, "bidirectional": True, "batch_first": True}, True, [1, 4, 2], False, ["float64", "float32"]),
    ("gru", "GRU", [3, 4], {}, {}, False, [4, 4, 2], False, ["float64"]),
    ("gru_bidir_batchfirst_h0", "GRU", [3, 4], {"bidirectional": True, "batchFirst": True},
     {"bidirectional": True, "batch_first": True}, True, [3, 1, 5], True, ["float64", "float32"]),
]
for name, cls, args, opts, kwargs, bf, lengths, with_h0, dtypes in SPECS:
    T, B = max(lengths), len(lengths)
    L = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    inputs = {"input": randn(*((B, T, 3) if bf else (T, B, 3)))}
    grad = ["input"]
    if with_h0:
        inputs["h0"] = randn(L, B, 4)
        grad.append("h0")
        if cls == "LSTM":
            inputs["c0"] = randn(L, B, 4)
            grad.append("c0")
    for dtype in dtypes:
        MODULES.append(module_case(name if dtype == "float64" else f"{name}/{dtype}", cls, args, opts,
                                   lambda cls=cls, args=args, kwargs=kwargs: getattr(nn, cls)(*args, **kwargs),
                                   inputs, grad, {"lengths": lengths}, run_packed(lengths), dtype=dtype))
# training-mode dropout between layers: the masks are drawn over the packed data
MODULES.append(module_case("lstm_3layer_dropout_train", "LSTM", [3, 4], {"numLayers": 3, "dropout": 0.4},
                           lambda: nn.LSTM(3, 4, num_layers=3, dropout=0.4), {"input": randn(5, 3, 3)}, ["input"],
                           {"lengths": [5, 2, 4]}, run_packed([5, 2, 4]), train=True, forward_seed=3))

x = torch.randn(3, 2, 2)
p = pack_sequence([torch.randn(3, 2), torch.randn(2, 2)])
ERRORS = [
    error_case("padSequence.empty", lambda: pad_sequence([])),
    error_case("padSequence.trailing", lambda: pad_sequence([torch.randn(3, 2), torch.randn(2, 3)])),
    error_case("packPaddedSequence.unsorted", lambda: pack_padded_sequence(x, [1, 3])),
    error_case("packPaddedSequence.count", lambda: pack_padded_sequence(x, [3, 1, 1])),
    error_case("packPaddedSequence.zero", lambda: pack_padded_sequence(x, [3, 0])),
    error_case("packPaddedSequence.empty", lambda: pack_padded_sequence(torch.randn(0, 2, 3), [0, 0])),
    error_case("packPaddedSequence.lengths2d", lambda: pack_padded_sequence(x, torch.tensor([[3, 1]]))),
    error_case("padPackedSequence.total", lambda: pad_packed_sequence(p, total_length=2)),
    error_case("LSTM.packed3d", lambda: nn.LSTM(2, 3)(nn.utils.rnn.PackedSequence(torch.randn(3, 2, 2), torch.tensor([2, 1])))),
    error_case("LSTM.packed_features", lambda: nn.LSTM(2, 3)(pack_sequence([torch.randn(3, 4)]))),
    error_case("GRU.packed_hidden", lambda: nn.GRU(2, 3)(p, torch.zeros(1, 3, 3))),
]
REPR = repr(pack_padded_sequence(torch.arange(6.).view(3, 2, 1), [3, 2], enforce_sorted=False))


def main():
    write("nn_rnn_utils.json", {"functional": FUNCS, "modules": MODULES, "errors": ERRORS, "repr": REPR})


if __name__ == "__main__":
    main()
