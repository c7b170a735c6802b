// Seeing inside the MNIST CNN of examples/mnist.ts: its backward graph as a picture
// (torch.utils.makeDot) and what its decisions rest on (torch.interpret): Saliency,
// Integrated Gradients and Grad-CAM for eight held-out digits, drawn as a sheet; and token
// attributions of a tiny text model as HTML.
//
//   npm run example:explain                          # train ~25 s (or load the cached weights), write explain-out/
//   npm run example:explain -- --steps 60 --seconds 10 --out /tmp/x --retrain
//
// Writes to --out (default explain-out/, ignored by git): cnn-graph.svg, digits.png and
// digits.svg (one column per digit; rows: the digit, Saliency, Integrated Gradients, Grad-CAM
// over the digit), tokens.html, and cnn.safetensors (the trained weights, reused next time).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import { cliMain, intFlag, numberFlag, parseCli } from "./cli.ts";
import { CNN, evaluate, splitDigits } from "./mnist.ts";

const { nn, optim, F, interpret } = torch;
const { DataLoader } = torch.utils.data;
const vis = interpret.visualization;
type Tensor = torch.Tensor;

/**
 * The CNN trained for at most `steps` Adam steps of 64 digits or `seconds`, whichever ends
 * first (the data split and the order of batches are seeded); held-out accuracy after.
 */
export async function trainCnn(opts: { steps?: number; seconds?: number; seed?: number; lr?: number } = {}) {
  const steps = opts.steps ?? 600;
  const seconds = opts.seconds ?? 25;
  const seed = opts.seed ?? 0;
  torch.manualSeed(seed);
  const net = new CNN();
  const data = splitDigits(42);
  const optimizer = new optim.Adam(net.parameters(), { lr: opts.lr ?? 2e-3 });
  const loader = new DataLoader(data.train, { batchSize: 64, shuffle: true, generator: new torch.Generator().manualSeed(seed + 1) });
  const t0 = performance.now();
  let done = 0;
  while (done < steps && performance.now() - t0 < seconds * 1000) {
    for await (const [x, y] of loader) {
      const loss = F.crossEntropy(net.forward(x!), y!);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      if (++done >= steps || performance.now() - t0 >= seconds * 1000) break;
    }
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  return { net, data, steps: done, seconds: trainSeconds, accuracy: (await evaluate(net, data.test)).accuracy };
}

/** The first held-out digit of each class 0..count-1: images [count, 1, 28, 28] and labels. */
export function pickDigits(test: torch.utils.data.MapDataset<Tensor[]>, count = 8): { images: Tensor; labels: number[] } {
  const found = new Map<number, Tensor>();
  for (let i = 0; i < test.length && found.size < count; i++) {
    const [x, y] = test.getItem(i) as Tensor[];
    const label = Number(y!.item());
    if (label < count && !found.has(label)) found.set(label, x!);
  }
  const labels = [...found.keys()].sort((a, b) => a - b);
  return { images: torch.stack(labels.map((l) => found.get(l)!)), labels };
}

/** Saliency, Integrated Gradients (50 Gauss-Legendre steps from a black image) and Grad-CAM (conv2, ReLU, bilinear to 28 x 28) of the predicted class. */
export function explainDigits(net: CNN, images: Tensor) {
  net.eval();
  const predicted = torch.noGrad(() => net.forward(images).argmax(1).tolist() as number[]);
  const saliency = new interpret.Saliency(net).attribute(images, predicted);
  const [ig, delta] = new interpret.IntegratedGradients(net).attribute(images, { target: predicted, nSteps: 50, returnConvergenceDelta: true });
  const cam = new interpret.LayerGradCam(net, net.conv2).attribute(images, { target: predicted, reluAttributions: true }) as Tensor;
  const gradCam = interpret.LayerAttribution.interpolate(cam, [28, 28], "bilinear");
  return { predicted, saliency, ig, delta, gradCam };
}

const hwc = (t: Tensor) => t.permute(1, 2, 0); // [C, H, W] -> [H, W, C], as Captum's numpy images

/** Rows: the digits, |Saliency|, Integrated Gradients (signed), Grad-CAM over the digit; one column per digit (28 x 28 pixels each). */
export function sheet(images: Tensor, e: ReturnType<typeof explainDigits>): torch.interpret.visualization.Figure[][] {
  const n = images.shape[0]!;
  const img = (i: number) => hwc(images.select(0, i));
  const row = (draw: (i: number) => torch.interpret.visualization.Figure) => Array.from({ length: n }, (_, i) => draw(i));
  return [
    row((i) => vis.visualizeImageAttr(img(i), img(i), "original_image")),
    row((i) => vis.visualizeImageAttr(hwc(e.saliency.select(0, i)), null, "heat_map", "absolute_value")),
    row((i) => vis.visualizeImageAttr(hwc(e.ig.select(0, i)), null, "heat_map", "all")),
    row((i) => vis.visualizeImageAttr(hwc(e.gradCam.select(0, i)), img(i), "blended_heat_map", "positive")),
  ];
}

/** The sheet as SVG (pixels drawn 4 x 4), with each row's method and each digit's label and prediction. */
function sheetSvg(rows: torch.interpret.visualization.Figure[][], labels: number[], predicted: number[], scale = 4): string {
  const cell = rows[0]![0]!.width * scale;
  const gap = 8;
  const left = 150;
  const top = 24;
  const titles = ["digit", "|Saliency|", "Integrated Gradients", "Grad-CAM (conv2)"];
  const W = left + labels.length * (cell + gap);
  const H = top + rows.length * (cell + gap);
  const parts = labels.map((l, c) => `<text x="${left + c * (cell + gap) + cell / 2}" y="16" text-anchor="middle">label ${l}, pred ${predicted[c]}</text>`);
  rows.forEach((row, r) => {
    const y = top + r * (cell + gap);
    parts.push(`<text x="6" y="${y + cell / 2 + 4}">${titles[r]}</text>`);
    row.forEach((f, c) => {
      const inner = f.toSVG({ scale }).replace(/^<svg[^>]*>\n?/, "").replace(/<\/svg>\n?$/, "");
      parts.push(`<g transform="translate(${left + c * (cell + gap)},${y})">${inner}</g>`);
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12" shape-rendering="crispEdges">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join("\n")}\n</svg>\n`;
}

// ------------------------------------------------------------------ tokens

const WORDS = ["<pad>", "the", "film", "was", "great", "awful", "good", "bad", "not", "plot", "fun", "dull"];
const POSITIVE = new Set(["great", "good", "fun"]);
const NEGATIVE = new Set(["awful", "bad", "dull"]);

class TinySentiment extends nn.Module {
  emb = new nn.Embedding(WORDS.length, 8, { paddingIdx: 0 });
  fc = new nn.Linear(8, 2);
  override forward(ids: Tensor): Tensor {
    return this.fc.forward(this.emb.forward(ids).mean(1));
  }
}

/** A toy task: six words, positive when more positive than negative words. Trains in well under a second. */
export function tokenAttributions(seed = 0): string {
  const gen = new torch.Generator().manualSeed(seed);
  const sample = (n: number) => {
    const ids = torch.randint(1, WORDS.length, [n, 6], { generator: gen });
    const rows = ids.tolist() as number[][];
    const y = rows.map((r) => (r.filter((i) => POSITIVE.has(WORDS[i]!)).length > r.filter((i) => NEGATIVE.has(WORDS[i]!)).length ? 1 : 0));
    return { ids, y: torch.tensor(y) };
  };
  torch.manualSeed(seed);
  const net = new TinySentiment();
  const opt = new optim.Adam(net.parameters(), { lr: 0.05 });
  for (let step = 0; step < 150; step++) {
    const { ids, y } = sample(64);
    const loss = F.crossEntropy(net.forward(ids), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
  const sentences = [
    ["the", "film", "was", "great", "fun", "<pad>"],
    ["the", "plot", "was", "not", "good", "dull"],
    ["awful", "film", "bad", "plot", "but", "fun"].map((w) => (WORDS.includes(w) ? w : "<pad>")),
  ];
  const ids = torch.tensor(sentences.map((s) => s.map((w) => WORDS.indexOf(w))));
  const probs = torch.noGrad(() => torch.softmax(net.forward(ids), 1));
  const pred = probs.argmax(1).tolist() as number[];
  const lig = new interpret.LayerIntegratedGradients(net, net.emb);
  const [attrs, delta] = lig.attribute(ids, { baselines: 0, target: 1, nSteps: 50, returnConvergenceDelta: true }) as [Tensor, Tensor];
  const perToken = attrs.sum(2);
  const records = sentences.map((words, i) => {
    const a = perToken.select(0, i);
    const norm = a.div(a.pow(2).sum().sqrt());
    const truth = words.filter((w) => POSITIVE.has(w)).length > words.filter((w) => NEGATIVE.has(w)).length ? "pos" : "neg";
    return new vis.VisualizationDataRecord(norm, Number(probs.select(0, i).select(0, pred[i]!).item()), pred[i] ? "pos" : "neg", truth, "pos", Number(a.sum().item()), words, Number(delta.select(0, i).item()));
  });
  return `<!doctype html>\n<meta charset="utf-8">\n<title>Token attributions (Layer Integrated Gradients)</title>\n${vis.visualizeText(records)}\n`;
}

// ------------------------------------------------------------------ main

export const HELP = `
The MNIST CNN's backward graph and what its decisions rest on (Saliency, Integrated Gradients,
Grad-CAM), and token attributions of a tiny text model.
Usage: npm run example:explain -- [options]`;

export const FLAGS = {
  out: { type: "string", default: "explain-out", help: "output folder (the trained weights are cached there)" },
  steps: { type: "string", default: "600", help: "at most this many training steps" },
  seconds: { type: "string", default: "25", help: "at most this many seconds of training" },
  retrain: { type: "boolean", help: "train again even when the folder has weights" },
} as const;

async function main(): Promise<void> {
  const args = parseCli(HELP, FLAGS);
  const out = args.out;
  const steps = intFlag("steps", args.steps);
  const seconds = numberFlag("seconds", args.seconds);
  mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  const weights = join(out, "cnn.safetensors");
  let net: CNN;
  let data: ReturnType<typeof splitDigits>;
  if (existsSync(weights) && !args.retrain) {
    data = splitDigits(42);
    net = new CNN();
    net.loadStateDict(torch.load(weights) as Record<string, Tensor>);
    console.log(`loaded ${weights}: held-out accuracy ${(100 * (await evaluate(net, data.test)).accuracy).toFixed(2)}% (--retrain to train again)`);
  } else {
    const r = await trainCnn({ steps, seconds });
    ({ net, data } = r);
    torch.save(net.stateDict(), weights);
    console.log(`trained ${r.steps} steps of 64 digits in ${r.seconds.toFixed(1)} s: held-out accuracy ${(100 * r.accuracy).toFixed(2)}%`);
  }

  const { images, labels } = pickDigits(data.test);
  const loss = F.crossEntropy(net.forward(images), torch.tensor(labels));
  const graph = torch.utils.makeDot(loss, { params: net.namedParameters() });
  writeFileSync(join(out, "cnn-graph.svg"), await graph.pipe("svg"));

  const e = explainDigits(net, images);
  const rows = sheet(images, e);
  writeFileSync(join(out, "digits.png"), await interpret.visualization.Figure.grid(rows.map((r) => r.map((f) => f.scaled(4))), { gap: 4 }).toPNG());
  writeFileSync(join(out, "digits.svg"), sheetSvg(rows, labels, e.predicted));
  const worst = Math.max(...(e.delta.abs().tolist() as number[]));
  console.log(`Integrated Gradients, 50 Gauss-Legendre steps: largest |sum(attributions) - (F(x) - F(0))| = ${worst.toExponential(2)}`);

  writeFileSync(join(out, "tokens.html"), tokenAttributions());
  console.log(`wrote ${["cnn-graph.svg", "digits.png", "digits.svg", "tokens.html", "cnn.safetensors"].map((f) => join(out, f)).join(", ")} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await cliMain(main);
}
