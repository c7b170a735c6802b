#!/usr/bin/env python3
"""Writes test/fixtures/distributed.json from Debian's PyTorch 1.13.1 (run with /usr/bin/python3).

- DistributedSampler's index order per rank for datasets of several lengths, with and without
  shuffle and drop_last, several seeds and epochs.
- DDP's bucket assignment (dist._compute_bucket_assignment_by_size with PyTorch's limits,
  [_DEFAULT_FIRST_BUCKET_BYTES, bucket_cap_mb MiB]) for a few parameter lists, before DDP
  reverses it.
"""
import json
import os

import torch
import torch.distributed as dist
from torch.utils.data import DistributedSampler

assert torch.__version__.startswith("1.13"), torch.__version__
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "distributed.json")

fx = {"sampler": [], "buckets": []}

for n in [0, 1, 7, 10, 13, 64]:
    for replicas in [1, 2, 3, 4, 5]:
        for shuffle in [True, False]:
            for drop_last in [False, True]:
                for seed, epoch in ([(0, 0), (0, 3), (42, 1)] if shuffle else [(0, 0)]):
                    if n == 0 and drop_last:
                        continue
                    per_rank = []
                    for rank in range(replicas):
                        s = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
                        s.set_epoch(epoch)
                        per_rank.append(list(iter(s)))
                        assert len(per_rank[-1]) == len(s)
                    fx["sampler"].append({"n": n, "replicas": replicas, "shuffle": shuffle, "dropLast": drop_last, "seed": seed, "epoch": epoch, "indices": per_rank})

first = dist._DEFAULT_FIRST_BUCKET_BYTES
cases = [
    # (shapes, dtypes, bucket_cap_mb)
    ([[256, 784], [256], [256, 256], [256], [10, 256], [10]], None, 25),
    ([[256, 784], [256], [256, 256], [256], [10, 256], [10]], None, 0.25),
    ([[1000, 1000], [1000], [1000, 1000], [1000], [10, 1000], [10]], None, 1),
    ([[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 256], [120], [84, 120], [84], [10, 84], [10]], None, 0.01),
    ([[300, 300], [300], [300, 300], [300]], ["float32", "float64", "float32", "float64"], 0.3),
]
for shapes, dtypes, cap in cases:
    dts = dtypes or ["float32"] * len(shapes)
    tensors = [torch.empty(s, dtype=getattr(torch, d)) for s, d in zip(shapes, dts)]
    limits = [first, int(cap * 1024 * 1024)]
    assignment, _ = dist._compute_bucket_assignment_by_size(tensors, limits, [False] * len(tensors))
    fx["buckets"].append({"shapes": shapes, "dtypes": dts, "limits": limits, "assignment": [list(b) for b in assignment]})

with open(OUT, "w") as f:
    json.dump(fx, f, separators=(",", ":"))
print("wrote", OUT, len(fx["sampler"]), "sampler cases,", len(fx["buckets"]), "bucket cases")
