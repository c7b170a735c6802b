#!/usr/bin/env python3
"""Writes test/fixtures/data_workers.json from Debian's PyTorch 1.13 (run with /usr/bin/python3).

What PyTorch's DataLoader gives with worker processes when getitem draws random numbers from
the worker's default generator (seeded base_seed + worker_id, base_seed drawn from the loader's
generator when the iterator is made), over two epochs, with and without persistent workers,
for 1 to 3 workers; and an IterableDataset that shards itself with get_worker_info(). Also
the loader generator's next draws after the epochs (what the loader consumed), and each
worker's seed as get_worker_info() reports it. int64 values above 2**53 are decimal strings.
"""
import json
import os

import torch
from torch.utils.data import DataLoader, Dataset, IterableDataset, get_worker_info

assert torch.__version__.startswith("1.13"), torch.__version__
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "data_workers.json")


def big(v):
    v = int(v)
    return v if abs(v) <= 2**53 else str(v)


class RandomAugment(Dataset):
    """Sample i: (i, torch.rand(2), torch.randn(2), worker id, worker seed)."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        w = get_worker_info()
        return i, torch.rand(2), torch.randn(2), w.id, w.seed


class ShardedStream(IterableDataset):
    """range(n), worker k taking k, k + num_workers, ...; each sample (i, torch.rand(1), worker id)."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        w = get_worker_info()
        for i in range(w.id, self.n, w.num_workers):
            yield i, torch.rand(1), w.id


def batches(loader, epochs):
    out = []
    for _ in range(epochs):
        ep = []
        for b in loader:
            rec = {"index": b[0].tolist(), "rand": b[1].tolist()}
            if len(b) > 3:
                rec["randn"] = b[2].tolist()
                rec["worker"] = b[3].tolist()
                rec["seed"] = [big(s) for s in b[4].tolist()]
            else:
                rec["worker"] = b[2].tolist()
            ep.append(rec)
        out.append(ep)
    return out


fx = {"map": [], "iterable": []}
for workers in [1, 2, 3]:
    for persistent in [False, True]:
        g = torch.Generator().manual_seed(7)
        loader = DataLoader(RandomAugment(22), batch_size=4, shuffle=True, generator=g, num_workers=workers,
                            persistent_workers=persistent, prefetch_factor=2)
        fx["map"].append({
            "n": 22, "batchSize": 4, "seed": 7, "numWorkers": workers, "persistentWorkers": persistent,
            "epochs": batches(loader, 2),
            "generatorAfter": torch.rand(3, generator=g).tolist(),
        })
        del loader

# No generator: the base seed comes from the default generator (seeded 3 here).
torch.manual_seed(3)
loader = DataLoader(RandomAugment(10), batch_size=3, num_workers=2)
fx["defaultGenerator"] = {"n": 10, "batchSize": 3, "seed": 3, "numWorkers": 2, "epochs": batches(loader, 2),
                          "randAfter": torch.rand(3).tolist()}

for workers, bs in [(2, 3), (3, 2)]:
    torch.manual_seed(11)
    loader = DataLoader(ShardedStream(13), batch_size=bs, num_workers=workers)
    fx["iterable"].append({"n": 13, "batchSize": bs, "seed": 11, "numWorkers": workers, "epochs": batches(loader, 1)})

with open(OUT, "w") as f:
    json.dump(fx, f, separators=(",", ":"))
print("wrote", OUT)
