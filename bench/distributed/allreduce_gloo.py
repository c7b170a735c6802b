"""One rank of the all-reduce bandwidth benchmark on PyTorch's gloo backend (Debian's torch):
the same protocol as allreduce.ts. Run with RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT set."""
import json
import sys
import time

import torch
import torch.distributed as dist

torch.set_num_threads(1)
repeats, sizes = int(sys.argv[1]), [float(s) for s in sys.argv[2:]]
dist.init_process_group("gloo")
out = []
for mb in sizes:
    t = torch.ones(int(mb * 2**20 / 4))
    dist.all_reduce(t)
    ms = []
    for _ in range(repeats):
        dist.barrier()
        t0 = time.perf_counter()
        dist.all_reduce(t)
        ms.append((time.perf_counter() - t0) * 1000)
    out.append({"mb": mb, "ms": ms})
if dist.get_rank() == 0:
    print("RESULT " + json.dumps({"sizes": out}), flush=True)
dist.destroy_process_group()
