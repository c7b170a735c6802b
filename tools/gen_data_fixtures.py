#!/usr/bin/env python3
"""Writes test/fixtures/data_sampling.json from Debian's PyTorch 1.13.1 (run with /usr/bin/python3).

What torch.utils.data does with a seeded generator: random_split, the samplers, the orders a
DataLoader yields over several epochs (including the per-iterator `_base_seed` draw that
_BaseDataLoaderIter takes from the generator), and what the default generator produces
afterwards, so torch-ts can check it consumes PyTorch's exact sequence of draws.
Also records default_collate on nested samples (structure, dtypes, values).
int64 values above 2**53 are written as decimal strings.
"""
import json
import os

import torch
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
    random_split,
)
from torch.utils.data._utils.collate import default_collate

assert torch.__version__.startswith("1.13"), torch.__version__
torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "data_sampling.json")


def gen(seed):
    return torch.Generator().manual_seed(seed)


def big(v):
    return v if abs(v) <= 2**53 else str(v)


fx = {}

# torch.empty((), dtype=torch.int64).random_(generator=g): the draw DataLoader and RandomSampler take.
fx["int64_random_"] = [
    {"seed": s, "values": [big(int(torch.empty((), dtype=torch.int64).random_(generator=g).item())) for _ in range(4)]}
    for s in [0, 1, 42, 2**40 + 5]
    for g in [gen(s)]
]

fx["random_split"] = []
for n, lengths, seed in [(10, [3, 7], 42), (30, [0.3, 0.3, 0.4], 42), (11, [0.5, 0.5], 0), (7, [0.2, 0.3, 0.5], 3), (100, [80, 20], 7)]:
    parts = random_split(range(n), lengths, generator=gen(seed))
    fx["random_split"].append({"n": n, "lengths": lengths, "seed": seed, "indices": [list(p.indices) for p in parts]})

fx["random_sampler"] = []
for n, kw, seed, epochs in [
    (10, {}, 0, 3),
    (23, {}, 42, 2),
    (10, {"num_samples": 25}, 5, 2),
    (10, {"num_samples": 4}, 5, 2),
    (7, {"replacement": True}, 1, 2),
    (7, {"replacement": True, "num_samples": 70}, 2, 1),
]:
    g = gen(seed)
    s = RandomSampler(range(n), generator=g, **kw)
    fx["random_sampler"].append({"n": n, "seed": seed, "replacement": kw.get("replacement", False),
                                 "numSamples": kw.get("num_samples"), "epochs": [list(s) for _ in range(epochs)]})

# RandomSampler without a generator: seeded from the default generator, once per epoch.
fx["random_sampler_default"] = []
for n, seed in [(10, 0), (50, 123)]:
    torch.manual_seed(seed)
    s = RandomSampler(range(n))
    epochs = [list(s) for _ in range(2)]
    after = torch.rand(3, dtype=torch.float64).tolist()
    fx["random_sampler_default"].append({"n": n, "seed": seed, "epochs": epochs, "randAfter": after})

fx["subset_random_sampler"] = []
for idx, seed in [([5, 9, 11, 20, 3, 8], 0), (list(range(100, 140)), 7)]:
    s = SubsetRandomSampler(idx, generator=gen(seed))
    fx["subset_random_sampler"].append({"indices": idx, "seed": seed, "epochs": [list(s) for _ in range(2)]})

fx["weighted_random_sampler"] = []
for w, num, repl, seed in [
    ([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 20, True, 0),
    ([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, False, 0),
    ([1, 2, 3, 4], 9, True, 42),
    ([0.0, 1.0, 0.0, 2.0], 2, False, 3),
]:
    s = WeightedRandomSampler(w, num, replacement=repl, generator=gen(seed))
    fx["weighted_random_sampler"].append({"weights": w, "numSamples": num, "replacement": repl, "seed": seed,
                                          "epochs": [list(s) for _ in range(2)]})

fx["batch_sampler"] = [
    {"n": 10, "batchSize": 3, "dropLast": dl, "batches": list(BatchSampler(SequentialSampler(range(10)), 3, dl))}
    for dl in [False, True]
]


def loader_batches(dl, epochs):
    return [[b.tolist() for b in dl] for _ in range(epochs)]


# DataLoader over a list dataset; each iterator draws _base_seed from the generator first.
fx["dataloader"] = []
for n, bs, shuffle, drop_last, seed, with_gen in [
    (23, 4, True, False, 0, True),
    (23, 4, True, True, 42, True),
    (10, 3, False, False, 1, True),
    (23, 5, True, False, 7, False),
    (10, 3, False, True, 3, False),
]:
    if with_gen:
        g = gen(seed)
        dl = DataLoader(list(range(n)), batch_size=bs, shuffle=shuffle, drop_last=drop_last, generator=g)
        batches = loader_batches(dl, 3)
        after = torch.rand(3, dtype=torch.float64, generator=g).tolist()
    else:
        torch.manual_seed(seed)
        dl = DataLoader(list(range(n)), batch_size=bs, shuffle=shuffle, drop_last=drop_last)
        batches = loader_batches(dl, 3)
        after = torch.rand(3, dtype=torch.float64).tolist()
    fx["dataloader"].append({"n": n, "batchSize": bs, "shuffle": shuffle, "dropLast": drop_last, "seed": seed,
                             "generator": with_gen, "len": len(dl), "epochs": batches, "randAfter": after})


def describe(x):
    """A JSON description of a collated value: tensors as {dtype, shape, values}."""
    if isinstance(x, torch.Tensor):
        return {"tensor": {"dtype": str(x.dtype).replace("torch.", ""), "shape": list(x.shape), "values": x.reshape(-1).tolist()}}
    if isinstance(x, dict):
        return {"dict": {k: describe(v) for k, v in x.items()}}
    if isinstance(x, (list, tuple)):
        return {"list": [describe(v) for v in x]}
    return {"value": x}


# Samples as torch-ts sees them: JSON-like (numbers, strings, arrays, objects, bools) plus tensors
# written as {"__tensor__": [...], "dtype": ...}.
collate_cases = {
    "ints": [0, 1, 2, 3],
    "floats": [0.5, 1.25, -2.0],
    "bools": [True, False, True],
    "strings": ["a", "bb", "c"],
    "pairs": [[1, 2.5], [3, 4.5]],
    "dicts": [{"A": 0, "B": 1}, {"A": 100, "B": 100}],
    "nested": [
        {"img": torch.tensor([[1.0, 2.0], [3.0, 4.0]]), "label": 3, "meta": {"name": "x", "w": [0.5, 1]}},
        {"img": torch.tensor([[5.0, 6.0], [7.0, 8.0]]), "label": 7, "meta": {"name": "y", "w": [1.5, 2]}},
    ],
    "tensor_tuple": [(torch.tensor([1, 2], dtype=torch.int32), 0.5), (torch.tensor([3, 4], dtype=torch.int32), 1.5)],
}
fx["collate"] = {}
for name, batch in collate_cases.items():
    def enc(x):
        if isinstance(x, torch.Tensor):
            return {"__tensor__": x.tolist(), "dtype": str(x.dtype).replace("torch.", "")}
        if isinstance(x, dict):
            return {k: enc(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [enc(v) for v in x]
        return x
    fx["collate"][name] = {"batch": [enc(b) for b in batch], "out": describe(default_collate(batch))}

with open(OUT, "w") as f:
    json.dump(fx, f, separators=(",", ":"))
    f.write("\n")
print(OUT, os.path.getsize(OUT), "bytes")
