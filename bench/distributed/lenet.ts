// One process of the DDP scaling benchmark: W4 (LeNet-5, batch 64 per process, SGD lr 0.01,
// docs/BENCHMARKS.md), `steps` timed steps after a warm-up. argv: steps, threads, mode,
// bucketCapMb, firstBucketMb (0: PyTorch's 1 MiB). Modes: "ddp" trains under
// DistributedDataParallel; "local" runs the same processes each training on its own (no
// communication: the compute time under the same contention for the cores); without RANK in
// the environment, one process alone. Rank 0 prints RESULT {samplesPerS, msPerStep, ...};
// under DDP also the time the same buckets take to all-reduce with nothing else running.
import * as torch from "../../src/index.ts";

const { nn, F, distributed: dist } = torch;
const [stepsArg, threadsArg, mode, capArg, firstArg] = process.argv.slice(2);
const [steps, threads, capMb, firstMb] = [stepsArg, threadsArg, capArg, firstArg].map(Number);
torch.setNumThreads(threads);
const distributed = process.env.RANK !== undefined;
if (distributed) dist.initProcessGroup("gloo", { timeout: 600_000 });
torch.manualSeed(0);
const net = new nn.Sequential(
  new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(),
  new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
);
if (firstMb > 0) nn.parallel.DistributedDataParallel.firstBucketBytes = firstMb * 2 ** 20;
const ddp = distributed && mode === "ddp" ? new nn.parallel.DistributedDataParallel(net, { bucketCapMb: capMb }) : null;
const model = ddp ?? net;
const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
const x = torch.randn([64, 1, 28, 28]), y = torch.randint(0, 10, [64]);
const step = (): void => {
  opt.zeroGrad();
  F.crossEntropy(model.forward(x) as torch.Tensor, y).backward();
  opt.step();
};
for (let i = 0; i < Math.max(5, steps / 5); i++) step();
if (distributed) dist.barrier();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const seconds = (performance.now() - t0) / 1000;
const world = distributed ? dist.getWorldSize() : 1;
const result: Record<string, unknown> = { samplesPerS: (steps * 64 * world) / seconds, msPerStep: (seconds * 1000) / steps };
if (ddp) {
  // The same buckets, all-reduced with nothing else running: what communication costs alone.
  const buckets = ddp.bucketNames();
  const byName = new Map(ddp.module.namedParameters());
  const sizes = buckets.map((names) => names.reduce((n, name) => n + byName.get(name)!.numel(), 0));
  const bufs = sizes.map((n) => torch.zeros([n]));
  for (const b of bufs) dist.allReduce(b);
  dist.barrier();
  const c0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const works = bufs.map((b) => dist.allReduce(b, { asyncOp: true }));
    for (const w of works) w.wait();
  }
  Object.assign(result, { buckets: buckets.length, commAloneMsPerStep: (performance.now() - c0) / steps });
}
if (distributed) dist.destroyProcessGroup();
if (!distributed || process.env.RANK === "0") console.log(`RESULT ${JSON.stringify(result)}`);
