// Data-parallel training of the MNIST CNN (examples/mnist.ts) with DistributedDataParallel,
// one process per rank, checkpointing on rank 0.
//
//   npm run example:ddp                                        # 2 processes, torch-ts-run
//   npx torch-ts-run --nproc-per-node 4 examples/ddpMnist.ts --epochs 3
//   torchrun --no_python --nproc_per_node 2 --redirects 9:0 --tee 9:0 npx tsx examples/ddpMnist.ts
//   ... --checkpoint ckpt.pt            # save after every epoch; start from it when it exists
//   ... --max-steps 20                  # at most 20 steps per epoch (a quick check of a set-up)
//
// Each rank reads its own share of the 8,000 training digits (DistributedSampler, reshuffled
// every epoch with setEpoch), computes gradients on it, and DDP averages them during backward,
// so every rank takes the same optimizer step. Evaluation splits the 2,000 held-out digits the
// same way and all-reduces the counts. After each epoch rank 0 alone writes the checkpoint,
// and the others wait at a barrier so nobody reads or overwrites it half-written.
import { existsSync } from "node:fs";
import * as torch from "../src/index.ts";
import { CNN, splitDigits } from "./mnist.ts";

const { nn, optim, F, distributed: dist } = torch;
const { DataLoader, DistributedSampler } = torch.utils.data;
type Tensor = torch.Tensor;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

interface Checkpoint {
  model: Record<string, Tensor>;
  optimizer: ReturnType<torch.optim.Adam["stateDict"]>;
  epoch: number;
}

function main(): void {
  dist.initProcessGroup("gloo");
  const rank = dist.getRank(), world = dist.getWorldSize();
  const log = (msg: string): void => {
    if (rank === 0) console.log(msg);
  };
  const epochs = Number(arg("epochs", "2"));
  const batchSize = Number(arg("batch-size", "32")); // per rank
  const checkpoint = arg("checkpoint", "");
  const maxSteps = Number(arg("max-steps", "Infinity"));

  const { train, test } = splitDigits(42);
  torch.manualSeed(0); // DDP broadcasts rank 0's weights anyway; this makes runs repeatable
  const model = new CNN();
  const opt = new optim.Adam(model.parameters(), { lr: 2e-3 });
  let start = 0;
  if (checkpoint && existsSync(checkpoint)) {
    // Every rank loads the same file before DDP wraps the model.
    const ck = torch.load(checkpoint) as Checkpoint;
    model.loadStateDict(ck.model);
    opt.loadStateDict(ck.optimizer);
    start = ck.epoch;
    log(`resumed from ${checkpoint} after epoch ${start}`);
  }
  const ddp = new nn.parallel.DistributedDataParallel(model);

  const sampler = new DistributedSampler(train, { shuffle: true, seed: 1 });
  const loader = new DataLoader(train, { batchSize, sampler });
  const evalLoader = new DataLoader(test, { batchSize: 500, sampler: new DistributedSampler(test, { shuffle: false }) });
  log(`${world} processes, ${sampler.length} training digits each per epoch, batch ${batchSize} per rank (${batchSize * world} in all)`);

  for (let epoch = start; epoch < epochs; epoch++) {
    sampler.setEpoch(epoch);
    const t0 = performance.now();
    let seen = 0, lossSum = 0, steps = 0;
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = F.crossEntropy(ddp.forward(x!) as Tensor, y!);
      loss.backward(); // returns with the gradients averaged over the ranks
      opt.step();
      lossSum += loss.item();
      seen += x!.shape[0]!;
      if (++steps % 50 === 0) log(`epoch ${epoch + 1} step ${steps}: loss ${(lossSum / steps).toFixed(4)}`);
      if (steps >= maxSteps) break;
    }
    const secs = (performance.now() - t0) / 1000;

    // Held-out accuracy: each rank counts on its share, the counts are summed.
    ddp.eval();
    const counts = torch.zeros([2], { dtype: "float64" });
    torch.noGrad(() => {
      for (const [x, y] of evalLoader) {
        const pred = (ddp.forward(x!) as Tensor).argmax(1);
        counts.add_(torch.tensor([pred.eq(y!).sum().item(), y!.shape[0]!], { dtype: "float64" }));
      }
    });
    ddp.train();
    dist.allReduce(counts);
    const [correct, total] = counts.tolist() as number[];
    const samples = torch.tensor([seen], { dtype: "float64" });
    dist.allReduce(samples);
    log(`epoch ${epoch + 1}: train loss ${(lossSum / steps).toFixed(4)}, held-out accuracy ${((100 * correct!) / total!).toFixed(2)}% ` +
      `(${total} digits), ${(samples.item() / secs).toFixed(0)} samples/s over ${world} processes`);

    if (checkpoint) {
      // Rank 0 writes (the weights are the same on every rank); the barrier keeps the others
      // from going on, and from reading the file, before it is complete.
      if (rank === 0) torch.save({ model: ddp.module.stateDict(), optimizer: opt.stateDict(), epoch: epoch + 1 }, checkpoint);
      dist.barrier();
      log(`checkpoint written to ${checkpoint}`);
    }
  }
  dist.destroyProcessGroup();
}

main();
