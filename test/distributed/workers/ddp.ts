// One rank of a DDP job (argv[2] = what). Each rank starts from different random weights
// (DDP must broadcast rank 0's), trains on its slice of a batch, and compares with one
// process trained on the whole batch (computed here on rank 0). Prints RESULT {...}.
import * as torch from "../../../src/index.ts";
import { CNN, MLP, loadDigits } from "../../../examples/mnist.ts";

const { nn, optim, F } = torch;
const dist = torch.distributed;
type Tensor = torch.Tensor;
const mode = process.argv[2];
dist.initProcessGroup("gloo", { timeout: 120_000 });
const rank = dist.getRank(), world = dist.getWorldSize();
const out: Record<string, unknown> = { rank };

/** Every parameter flattened into one float32 vector. */
function flat(m: torch.nn.Module): Tensor {
  return torch.cat(m.parameters().map((p) => p.detach().reshape(-1)));
}

/** All ranks' parameters equal, bit for bit (all-gathered). */
function sameOnAllRanks(m: torch.nn.Module): boolean {
  const mine = flat(m);
  const all = torch.zeros([world, mine.numel()]);
  dist.allGatherIntoTensor(all, mine);
  let same = true;
  for (let r = 0; r < world; r++) if (all.select(0, r).sub(mine).abs().max().item() !== 0) same = false;
  return same;
}

function maxDiff(a: torch.nn.Module, b: torch.nn.Module): number {
  return flat(a).sub(flat(b)).abs().max().item();
}

/** The batch of step s: perRank samples for each rank, the same on every rank. */
function batches(kind: string, steps: number, perRank: number): Array<{ x: Tensor; y: Tensor }> {
  torch.manualSeed(1234);
  const n = perRank * world;
  if (kind === "cnn") {
    const { images, labels } = loadDigits();
    const perm = torch.randperm(images.shape[0]);
    return Array.from({ length: steps }, (_, s) => {
      const idx = perm.narrow(0, s * n, n);
      return { x: images.indexSelect(0, idx), y: labels.indexSelect(0, idx) };
    });
  }
  return Array.from({ length: steps }, () => ({ x: torch.randn(n, 20), y: torch.randint(0, 5, [n]) }));
}

function makeModel(kind: string, seed: number): torch.nn.Module {
  torch.manualSeed(seed);
  if (kind === "cnn") return new CNN();
  // 600x600 (1.4 MB) fills PyTorch's 1 MiB first bucket, so the other parameters get buckets of
  // their own: the last layers' bucket is all-reduced while backward is still running.
  if (kind === "mlp") return new nn.Sequential(new nn.Linear(20, 600), new nn.ReLU(), new nn.Linear(600, 600), new nn.Tanh(), new nn.Linear(600, 5));
  return new MLP();
}

const slice = (t: Tensor, perRank: number): Tensor => t.narrow(0, rank * perRank, perRank);

switch (mode) {
  case "mlp":
  case "cnn": {
    // 20 steps of Adam on DDP vs one process on the concatenated batch.
    const steps = 20, perRank = mode === "cnn" ? 4 : 8;
    const data = batches(mode, steps, perRank);
    const ddp = new nn.parallel.DistributedDataParallel(makeModel(mode, 100 + rank), { bucketCapMb: 0.05 });
    const opt = new optim.Adam(ddp.parameters(), { lr: 1e-3 });
    for (const { x, y } of data) {
      opt.zeroGrad();
      F.crossEntropy(ddp.forward(slice(x, perRank)) as Tensor, slice(y, perRank)).backward();
      opt.step();
    }
    out.same = sameOnAllRanks(ddp);
    out.buckets = ddp.bucketNames();
    out.overlap = ddp._lastOverlap;
    if (rank === 0) {
      const ref = makeModel(mode, 100);
      const ropt = new optim.Adam(ref.parameters(), { lr: 1e-3 });
      for (const { x, y } of data) {
        ropt.zeroGrad();
        F.crossEntropy(ref.forward(x) as Tensor, y).backward();
        ropt.step();
      }
      out.maxDiff = maxDiff(ddp.module, ref);
      out.moved = maxDiff(makeModel(mode, 100), ref);
    }
    break;
  }
  case "nosync": {
    // Accumulate 3 micro-batches (2 under noSync), step; twice. Reference: the sum of the
    // 3 full-batch gradients.
    const perRank = 4;
    const data = batches("mlp", 6, perRank);
    const ddp = new nn.parallel.DistributedDataParallel(makeModel("mlp", 7 + rank));
    const opt = new optim.SGD(ddp.parameters(), { lr: 0.1 });
    const ref = makeModel("mlp", 7);
    const ropt = new optim.SGD(ref.parameters(), { lr: 0.1 });
    for (let step = 0; step < 2; step++) {
      opt.zeroGrad();
      ropt.zeroGrad();
      for (let m = 0; m < 3; m++) {
        const { x, y } = data[step * 3 + m];
        const run = (): void => F.crossEntropy(ddp.forward(slice(x, perRank)) as Tensor, slice(y, perRank)).backward();
        if (m < 2) ddp.noSync(run);
        else run();
        F.crossEntropy(ref.forward(x) as Tensor, y).backward();
      }
      opt.step();
      ropt.step();
    }
    out.same = sameOnAllRanks(ddp);
    out.maxDiff = maxDiff(ddp.module, ref);
    break;
  }
  case "unused": {
    // fc3 is never used: with findUnusedParameters training works and fc3.grad stays null;
    // without it, the next forward raises PyTorch's error.
    class Net extends nn.Module {
      fc1 = new nn.Linear(6, 8);
      fc3 = new nn.Linear(8, 8);
      fc2 = new nn.Linear(8, 3);
      override forward(x: Tensor): Tensor {
        return this.fc2.forward(torch.relu(this.fc1.forward(x)));
      }
    }
    torch.manualSeed(5);
    const x = torch.randn(4, 6), y = torch.randint(0, 3, [4]);
    const ddp = new nn.parallel.DistributedDataParallel(new Net(), { findUnusedParameters: true });
    for (let i = 0; i < 3; i++) F.crossEntropy(ddp.forward(x) as Tensor, y).backward();
    const net = ddp.module as Net;
    out.fc3Grad = net.fc3.weight.grad === null;
    out.fc1Grad = net.fc1.weight.grad !== null;
    const strict = new nn.parallel.DistributedDataParallel(new Net());
    F.crossEntropy(strict.forward(x) as Tensor, y).backward();
    try {
      strict.forward(x);
      out.error = null;
    } catch (e) {
      out.error = (e as Error).message;
    }
    break;
  }
  case "buffers": {
    // BatchNorm statistics: each forward starts from rank 0's buffers (broadcastBuffers).
    torch.manualSeed(3 + rank);
    const x = torch.randn(8, 4).add(rank * 10);
    const ddp = new nn.parallel.DistributedDataParallel(new nn.Sequential(new nn.Linear(4, 4), new nn.BatchNorm1d(4)));
    ddp.forward(x);
    const bn = (ddp.module as torch.nn.Sequential).get(1) as torch.nn.BatchNorm1d;
    const afterFirst = bn.runningMean!.clone();
    const gathered = torch.zeros([world, 4]);
    dist.allGatherIntoTensor(gathered, afterFirst);
    ddp.forward(x); // starts from rank 0's running mean
    const rank0 = gathered.select(0, 0);
    const batchMean = ((ddp.module as torch.nn.Sequential).get(0).forward(x) as Tensor).detach().mean(0);
    const want = rank0.mul(0.9).add(batchMean.mul(0.1));
    out.bufferDiff = bn.runningMean!.sub(want).abs().max().item();
    out.ranksDifferedAfterFirst = gathered.select(0, 0).sub(gathered.select(0, world - 1)).abs().max().item() > 0;
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
dist.destroyProcessGroup();
console.log(`RESULT ${JSON.stringify(out)}`);
