"""PyTorch peer: the same workloads as the Node peers, timed by the same rule as
bench/lib/measure.ts (see there). Run by bench/run.ts as
    /usr/bin/python3 bench/peers/pytorch.py '<ChildConfig JSON>'
and prints one line: BENCH_RESULT {json}."""
import ctypes, gc, json, math, os, re, resource, statistics, sys, time
import blas

MIN_REPEAT_S = 0.02
STEADY_WINDOW_S = 0.5  # measure.ts: the steadiness windows and the gain that keeps warming up
STEADY_GAIN = 0.03
cfg = json.loads(sys.argv[1])
ENGINE = "pytorch"


def emit(result):
    print("BENCH_RESULT " + json.dumps(result), flush=True)


try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001 - any import failure means "no PyTorch here"
    emit({"engine": ENGINE, "workload": cfg["workload"], "status": "skipped", "metrics": [],
          "note": f"import torch failed: {type(e).__name__}: {e}"[:300]})
    sys.exit(0)


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# Python's cyclic garbage collector: seconds spent in it, and when (perf_counter), to give
# each metric its share of time in GC as the Node peers do (PyTorch frees tensors by
# reference counting, so this is usually 0).
gc_spans, gc_started = [], [0.0]


def on_gc(phase, _info):
    if phase == "start":
        gc_started[0] = time.perf_counter()
    else:
        gc_spans.append((gc_started[0], time.perf_counter()))


gc.callbacks.append(on_gc)


def gc_share(t0, t1):
    return sum(min(b, t1) - max(a, t0) for a, b in gc_spans if b > t0 and a < t1) / max(t1 - t0, 1e-12)


def measure(fn):
    now = time.perf_counter
    w0, count, fastest = now(), 0, math.inf
    if cfg.get("oneShotS") is not None:
        fn()
        first = now() - w0
        if first > cfg["oneShotS"]:
            return {"median": first, "min": first, "repeats": 1, "inner": 1, "warmupS": 0, "warmupUnits": 0}
    def warm():
        e = now() - w0
        return count < 1 or (count < 2 and e < cfg["budgetS"]) or e < min(cfg["warmupS"], cfg["budgetS"])
    while warm():
        t = now(); fn(); fastest = min(fastest, now() - t); count += 1
    # steadiness windows (measure.ts): warm up until a window is not STEADY_GAIN faster per unit
    max_warmup = cfg.get("maxWarmupS") or 0
    if fastest < STEADY_WINDOW_S / 4:
        previous = math.inf
        while now() - w0 < max_warmup:
            s0, n = now(), 0
            while n < 2 or now() - s0 < STEADY_WINDOW_S:
                t = now(); fn(); fastest = min(fastest, now() - t); n += 1
            count += n
            per_unit = (now() - s0) / n
            if per_unit > previous * (1 - STEADY_GAIN):
                break
            previous = per_unit
    warmup_s = now() - w0
    inner = max(1, math.ceil(MIN_REPEAT_S / max(fastest, 1e-9)))
    times, c0, r0 = [], time.process_time(), now()
    while len(times) < cfg["repeats"] and (not times or now() - r0 < cfg["budgetS"]):
        t = now()
        for _ in range(inner):
            fn()
        times.append((now() - t) / inner)
    r1 = now()
    # CPU seconds of every thread of the process per wall second (torch-ts's measure() too)
    return {"median": statistics.median(times), "min": min(times), "repeats": len(times), "inner": inner,
            "gcShare": gc_share(r0, r1), "cpuCores": (time.process_time() - c0) / max(r1 - r0, 1e-9),
            "warmupS": warmup_s, "warmupUnits": count}


def time_metric(key, unit, t):
    s = 1e3 if unit == "ms" else 1e6
    return {"key": key, "unit": unit, "median": t["median"] * s, "best": t["min"] * s,
            "repeats": t["repeats"], "inner": t["inner"], "gcShare": t.get("gcShare"), "cpuCores": t.get("cpuCores"),
            "warmupS": t.get("warmupS"), "warmupUnits": t.get("warmupUnits")}


def gflops_metric(n, t):
    flop = 2 * n**3
    return {"key": f"W3 n={n}", "unit": "GFLOP/s", "median": flop / t["median"] / 1e9,
            "best": flop / t["min"] / 1e9, "repeats": t["repeats"], "inner": t["inner"], "gcShare": t.get("gcShare"),
            "warmupS": t.get("warmupS"), "warmupUnits": t.get("warmupUnits"),
            "cpuCores": t.get("cpuCores")}


def train_step(model_loss, opt):
    def step():
        loss = model_loss()
        loss.backward()
        opt.step()
        opt.zero_grad()
    return step


def w0():
    a, b = torch.randn(10), torch.randn(10)
    ag, bg = torch.randn(10, requires_grad=True), torch.randn(10, requires_grad=True)
    return {"metrics": [time_metric("W0 add", "us/op", measure(lambda: torch.add(a, b))),
                        time_metric("W0 add requiresGrad", "us/op", measure(lambda: torch.add(ag, bg)))]}


def w1():
    net = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 1))
    x, y = torch.randn(100, 10), torch.randn(100, 1)
    crit, opt = nn.MSELoss(), torch.optim.SGD(net.parameters(), lr=0.01)
    step = train_step(lambda: crit(net(x), y), opt)
    def run1000():
        for _ in range(1000):
            step()
    return {"metrics": [time_metric("W1 seed x1000", "ms", measure(run1000))]}


def w2():
    net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    x, y = torch.randn(128, 784), torch.randint(0, 10, (128,))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    step = train_step(lambda: F.cross_entropy(net(x), y), opt)
    out = {"metrics": [time_metric("W2 MLP step", "ms", measure(step))]}
    if cfg["memSteps"] > 0:
        t0, start, done = time.perf_counter(), rss_mb(), 0
        while done < cfg["memSteps"] and time.perf_counter() - t0 < cfg["memCapS"]:
            step(); done += 1
        out["memory"] = {"steps": done, "seconds": time.perf_counter() - t0, "rssStartMB": start, "rssEndMB": rss_mb()}
    return out


def w3():
    metrics = []
    for n in cfg["matmulSizes"]:
        a, b = torch.randn(n, n), torch.randn(n, n)
        metrics.append(gflops_metric(n, measure(lambda: torch.matmul(a, b))))
    return {"metrics": metrics}


def w4():
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    return {"metrics": [time_metric("W4 LeNet step", "ms", measure(train_step(lambda: F.cross_entropy(net(x), y), opt)))]}


def w5():
    # Tiny GPT, defined in docs/BENCHMARKS.md: plain ops only.
    V, T, D, H, B, L = 65, 64, 64, 4, 16, 2
    dh = D // H
    P = lambda *s, fan=None: nn.Parameter(torch.empty(*s).uniform_(-1 / math.sqrt(fan), 1 / math.sqrt(fan)))
    tok, pos = nn.Parameter(torch.randn(V, D) * 0.02), nn.Parameter(torch.randn(T, D) * 0.02)
    blocks = [dict(g1=nn.Parameter(torch.ones(D)), b1=nn.Parameter(torch.zeros(D)),
                   wq=P(D, D, fan=D), wk=P(D, D, fan=D), wv=P(D, D, fan=D), wo=P(D, D, fan=D),
                   g2=nn.Parameter(torch.ones(D)), b2=nn.Parameter(torch.zeros(D)),
                   w1=P(D, 4 * D, fan=D), c1=P(4 * D, fan=D), w2=P(4 * D, D, fan=4 * D), c2=P(D, fan=4 * D))
              for _ in range(L)]
    gf, bf, head = nn.Parameter(torch.ones(D)), nn.Parameter(torch.zeros(D)), P(D, V, fan=D)
    params = [tok, pos, gf, bf, head] + [p for k in blocks for p in k.values()]
    x_onehot = F.one_hot(torch.randint(0, V, (B * T,)), V).float()
    y = torch.randint(0, V, (B * T,))
    mask = torch.triu(torch.full((T, T), -1e9), 1)  # additive causal mask

    def ln(x, g, b):
        mean = x.mean(-1, keepdim=True)
        xc = x - mean
        var = (xc * xc).mean(-1, keepdim=True)
        return xc / torch.sqrt(var + 1e-5) * g + b

    def heads(x2d, w):
        return (x2d @ w).reshape(B, T, H, dh).transpose(1, 2)

    def loss():
        x = ((x_onehot @ tok).reshape(B, T, D) + pos).reshape(B * T, D)
        for k in blocks:
            h = ln(x, k["g1"], k["b1"])
            q, kk, v = heads(h, k["wq"]), heads(h, k["wk"]), heads(h, k["wv"])
            att = torch.softmax(q @ kk.transpose(-2, -1) * (1 / math.sqrt(dh)) + mask, -1)
            x = x + (att @ v).transpose(1, 2).reshape(B * T, D) @ k["wo"]
            x = x + torch.relu(ln(x, k["g2"], k["b2"]) @ k["w1"] + k["c1"]) @ k["w2"] + k["c2"]
        return F.cross_entropy(ln(x, gf, bf) @ head, y)

    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01)
    return {"metrics": [time_metric("W5 GPT step", "ms", measure(train_step(loss, opt)))]}


OPENBLAS_PARALLEL = {0: "sequential", 1: "pthreads", 2: "openmp"}


def blas_config(threads):
    """What the process runs its matrix products on (blas.py), and OpenBLAS's own settings.
    A pthreads OpenBLAS keeps its own thread count, which torch.set_num_threads does not
    touch: it is set to `threads` here so the column runs on the threads it names. An OpenMP
    OpenBLAS follows omp_get_max_threads() (which torch.set_num_threads sets) at its first
    threaded call, and until then reports the count it started with: it is set too, so the
    count recorded is the one the products run on."""
    info = blas.blas_info_of(torch.__config__.show())
    torch.mm(torch.ones(4, 4), torch.ones(4, 4))  # the BLAS is loaded by now
    try:
        with open("/proc/self/maps") as f:
            libs = blas.mapped_libraries(f.read())
    except OSError:
        libs = []
    out = {"blas": blas.classify(info, libs), "blasInfo": info, "blasLibraries": " ".join(libs)}
    par = torch.__config__.parallel_info()
    for key, pattern in (("atenParallel", r"ATen parallel backend: (\S+)"), ("ompMaxThreads", r"omp_get_max_threads\(\) : (\d+)")):
        m = re.search(pattern, par)
        if m:
            out[key] = m.group(1)
    path = next((p for p in libs if "/libopenblas" in p), None)
    if path:
        lib = ctypes.CDLL(path)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        parallel = OPENBLAS_PARALLEL.get(lib.openblas_get_parallel(), "?")
        if parallel in ("pthreads", "openmp") and threads > 0:
            lib.openblas_set_num_threads(threads)
        out.update({"openblasCore": lib.openblas_get_corename().decode(), "openblasConfig": lib.openblas_get_config().decode(),
                    "openblasParallel": parallel, "openblasThreads": lib.openblas_get_num_threads()})
    return out


def main():
    if cfg["threads"] > 0:
        torch.set_num_threads(cfg["threads"])
    info = {"threads": torch.get_num_threads(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE", "(unset)"),
            **blas_config(cfg["threads"])}
    base = {"engine": ENGINE, "workload": cfg["workload"], "info": info}
    if info["blas"] in ("reference", "unknown"):
        emit({**base, "status": "refused", "metrics": [],
              "note": f"refused: PyTorch runs on {info['blas']} BLAS (BLAS_INFO={info['blasInfo']}, libraries: {info['blasLibraries'] or 'none'})"[:300]})
        return
    try:
        start = rss_mb()
        out = {"W0": w0, "W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5}[cfg["workload"]]()
        emit({**base, "status": "ok", "versions": {"torch": torch.__version__, "python": sys.version.split()[0]},
              "rssStartMB": start, "peakRssMB": peak_rss_mb(), **out})
    except Exception as e:  # noqa: BLE001 - reported, not hidden
        emit({**base, "status": "failed", "metrics": [], "note": f"{type(e).__name__}: {e}"[:300]})


main()
