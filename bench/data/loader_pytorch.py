"""DataLoader throughput, PyTorch side: bench/data/loader.ts's workload with the same steps and
ops (AugmentDataset in bench/data/augment.ts), run by bench/lib/data.ts as
    /usr/bin/python3 bench/data/loader_pytorch.py '<json config>'
Persistent workers, a warm-up epoch per loader, then timed epochs alternating between loaders.
Prints DATA_RESULT {"batchesPerS": {...}, "coresBusy": {...}, "cpuMsPerSample": n}; coresBusy is
the CPU time of this process and its worker processes (/proc/<pid>/stat) over the wall time."""
import json, os, sys, time

import torch
from torch.utils.data import DataLoader, Dataset

cfg = json.loads(sys.argv[1])
SIZE, CROP = 96, 80


class AugmentDataset(Dataset):
    def __init__(self, n):
        self.n = n
        self.mean = torch.tensor([0.485, 0.456, 0.406]).reshape(3, 1, 1)
        self.std = torch.tensor([0.229, 0.224, 0.225]).reshape(3, 1, 1)
        self.reverse = torch.arange(CROP - 1, -1, -1)
        k = torch.arange(3 * SIZE * SIZE, dtype=torch.int64)
        self.base = k * 7 + ((k * k) >> 5)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        data = ((self.base + i * 131) & 255).to(torch.uint8).numpy().tobytes()  # the "encoded image"
        x = torch.frombuffer(bytearray(data), dtype=torch.uint8).float().div(255).reshape(3, SIZE, SIZE)
        top = torch.randint(0, SIZE - CROP + 1, (1,)).item()
        left = torch.randint(0, SIZE - CROP + 1, (1,)).item()
        x = x.narrow(1, top, CROP).narrow(2, left, CROP)
        if torch.rand(1).item() < 0.5:
            x = x.index_select(2, self.reverse)
        x = x.mul(torch.rand(1).mul(0.4).add(0.8)).clamp(0, 1)
        x = x.sub(self.mean).div(self.std)
        return x, i % 10


if __name__ == "__main__":
    torch.set_num_threads(2)
    ds = AugmentDataset(cfg["batchSize"] * cfg["batches"])
    for i in range(50):
        ds[i]
    c0 = time.process_time()
    for i in range(200):
        ds[i]
    cpu_ms = (time.process_time() - c0) * 1000 / 200
    loaders = [(w, DataLoader(ds, batch_size=cfg["batchSize"], shuffle=True, generator=torch.Generator().manual_seed(0),
                              num_workers=w, persistent_workers=w > 0)) for w in cfg["workers"]]

    tick = os.sysconf("SC_CLK_TCK")

    def cpu_s(loader):
        pids = [os.getpid()] + [w.pid for w in getattr(loader._iterator, "_workers", [])] if loader._iterator else [os.getpid()]
        total = 0
        for pid in pids:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total

    def epoch(loader):
        c0 = cpu_s(loader)
        t0 = time.perf_counter()
        n = 0
        for x, _ in loader:
            assert x.shape[0] == cfg["batchSize"]
            n += 1
        wall = time.perf_counter() - t0
        return n / wall, (cpu_s(loader) - c0) / wall

    for _, l in loaders:
        epoch(l)
    out, cores = {}, {}
    for r in range(cfg["rounds"]):
        order = loaders if r % 2 == 0 else list(reversed(loaders))
        for w, l in order:
            bps, busy = epoch(l)
            out.setdefault(str(w), []).append(bps)
            cores.setdefault(str(w), []).append(busy)
    print("DATA_RESULT " + json.dumps({"batchesPerS": out, "coresBusy": cores, "cpuMsPerSample": cpu_ms}), flush=True)
