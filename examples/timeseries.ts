// pytorch/examples' time_sequence_prediction, ported line for line: two LSTMCells and a
// Linear learn sine waves with L-BFGS, then predict how the three held-out waves continue.
//
//   npm run example:timeseries                       # small sizes, 4 L-BFGS steps, ~1 min of CPU
//   npm run example:timeseries -- --waves 100 --length 1000 --steps 15 --future 1000   # the original's sizes
//
// generate_sine_wave.py draws the waves' offsets from numpy's RandomState(2); a TypeScript
// program has no numpy, so the port draws them with torch.randint under torch.manualSeed(2)
// (tools/gen_timeseries_fixture.py runs the same program in PyTorch; the first epoch's
// losses agree to 1e-5, test/timeseriesExample.test.ts). Everything is float64, as the
// original's `.astype('float64')` and `seq.double()`. Writes out/timeseries-stepN.svg after
// each step: the held-out waves predicted one step ahead (solid) and their continuation
// predicted from the model's own output (dashed), as train.py's figures.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import { cliMain, intFlag, numberFlag, outDir, parseCli, progress } from "./cli.ts";

const { nn, optim } = torch;
type Tensor = torch.Tensor;

/** generate_sine_wave.py: N waves of L samples, sin((t + offset) / T), offsets in [-4T, 4T). */
export function sineWaves(N = 100, L = 1000, T = 20, seed = 2): { offsets: Tensor; data: Tensor } {
  torch.manualSeed(seed);
  const offsets = torch.randint(-4 * T, 4 * T, [N, 1]); // int64, as numpy's randint
  const x = torch.empty([N, L], { dtype: "int64" });
  x.indexPut_(":", torch.arange(L).add(offsets)); // x[:] = np.array(range(L)) + offsets
  const data = torch.sin(x.double().div(1.0).div(T));
  return { offsets, data };
}

export class Sequence extends nn.Module {
  lstm1 = new nn.LSTMCell(1, 51);
  lstm2 = new nn.LSTMCell(51, 51);
  linear = new nn.Linear(51, 1);

  override forward(input: Tensor, future = 0): Tensor {
    const outputs: Tensor[] = [];
    let hT = torch.zeros(input.size(0), 51, { dtype: "float64" });
    let cT = torch.zeros(input.size(0), 51, { dtype: "float64" });
    let hT2 = torch.zeros(input.size(0), 51, { dtype: "float64" });
    let cT2 = torch.zeros(input.size(0), 51, { dtype: "float64" });
    let output = hT; // replaced before it is read

    for (const inputT of input.split(1, 1)) {
      [hT, cT] = this.lstm1.forward(inputT, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output);
    }
    for (let i = 0; i < future; i++) { // if we should predict the future
      [hT, cT] = this.lstm1.forward(output, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output);
    }
    return torch.cat(outputs, 1);
  }
}

export interface StepResult {
  step: number;
  /** Every loss L-BFGS's closure computed in this step (the first step: the first epoch). */
  closureLosses: number[];
  testLoss: number;
  /** The three held-out waves followed by `future` predicted samples, [3, L - 1 + future]. */
  pred: Tensor;
  seconds: number;
}

/** train.py's main loop; onStep sees each step's losses and prediction as it ends. */
export function train(
  opts: { waves: number; length: number; steps: number; future: number; lr?: number },
  onStep: (r: StepResult) => void = () => {},
): { seq: Sequence; data: Tensor; results: StepResult[] } {
  const { data } = sineWaves(opts.waves, opts.length);
  torch.manualSeed(0);
  // load data and make training set
  const input = data.index("3:, :-1");
  const target = data.index("3:, 1:");
  const testInput = data.index(":3, :-1");
  const testTarget = data.index(":3, 1:");
  // build the model
  const seq = new Sequence();
  seq.double();
  const criterion = new nn.MSELoss();
  // use LBFGS as optimizer since we can load the whole data to train
  const optimizer = new optim.LBFGS(seq.parameters(), { lr: opts.lr ?? 0.8 });
  const bar = progress("closures");
  const results: StepResult[] = [];
  // begin to train
  for (let i = 0; i < opts.steps; i++) {
    const t0 = performance.now();
    const closureLosses: number[] = [];
    bar.start(20, `step ${i + 1}/${opts.steps}`); // L-BFGS's maxIter: 20 closures per step at most
    const closure = (): Tensor => {
      optimizer.zeroGrad();
      const out = seq.forward(input);
      const loss = criterion.forward(out, target);
      closureLosses.push(loss.item());
      bar.update(Math.min(closureLosses.length, 20), `loss ${loss.item().toExponential(4)}`);
      loss.backward();
      return loss;
    };
    optimizer.step(closure);
    bar.stop();
    // begin to predict, no need to track gradient here
    let testLoss: number;
    let pred: Tensor;
    {
      using _ = torch.noGrad();
      const future = opts.future;
      pred = seq.forward(testInput, future);
      testLoss = criterion.forward(future > 0 ? pred.index(`:, :-${future}`) : pred, testTarget).item();
    }
    const r = { step: i, closureLosses, testLoss, pred, seconds: (performance.now() - t0) / 1000 };
    results.push(r);
    onStep(r);
  }
  return { seq, data, results };
}

/** train.py's figure: each held-out wave as a solid line, its predicted continuation dashed. */
export function predictionSvg(pred: Tensor, known: number, title: string): string {
  const W = 900;
  const H = 300;
  const m = { l: 40, r: 10, t: 30, b: 30 };
  const rows = pred.tolist() as number[][];
  const n = rows[0]!.length;
  const sx = (i: number) => (m.l + (i / Math.max(n - 1, 1)) * (W - m.l - m.r)).toFixed(1);
  const sy = (v: number) => (m.t + ((1.25 - Math.max(-1.25, Math.min(1.25, v))) / 2.5) * (H - m.t - m.b)).toFixed(1);
  const colors = ["#d62728", "#2ca02c", "#1f77b4"];
  const line = (row: number[], from: number, to: number, color: string, dashed: boolean) =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dashed ? ' stroke-dasharray="4,3"' : ""} points="${row
      .slice(from, to)
      .map((v, i) => `${sx(from + i)},${sy(v)}`)
      .join(" ")}"/>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle">${title}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`,
    `<line x1="${sx(known)}" x2="${sx(known)}" y1="${m.t}" y2="${H - m.b}" stroke="#aaa"/>`,
    ...[-1, 0, 1].map((v) => `<text x="${m.l - 6}" y="${Number(sy(v)) + 4}" text-anchor="end">${v}</text>`),
    `<text x="${m.l}" y="${H - 10}">0</text><text x="${W - m.r}" y="${H - 10}" text-anchor="end">${n}</text>`,
    ...rows.flatMap((row, i) => [line(row, 0, known, colors[i % 3]!, false), line(row, known - 1, n, colors[i % 3]!, true)]),
    `</svg>`,
    "",
  ];
  return parts.join("\n");
}

export const HELP = `
The sine-wave LSTM of pytorch/examples (time_sequence_prediction), trained with L-BFGS.
Usage: npm run example:timeseries -- [options]`;

export const FLAGS = {
  waves: { type: "string", default: "20", help: "number of sine waves (3 held out; the original: 100)" },
  length: { type: "string", default: "200", help: "samples per wave (the original: 1000)" },
  steps: { type: "string", default: "4", help: "L-BFGS steps (the original: 15)" },
  future: { type: "string", default: "200", help: "samples to predict past the end (the original: 1000)" },
  lr: { type: "string", default: "0.8", help: "L-BFGS learning rate" },
  out: { type: "string", default: "out", help: "output folder" },
} as const;

function main(): void {
  const args = parseCli(HELP, FLAGS);
  const waves = intFlag("waves", args.waves, 4);
  const length = intFlag("length", args.length, 2);
  const steps = intFlag("steps", args.steps);
  const future = intFlag("future", args.future, 0);
  const lr = numberFlag("lr", args.lr);
  const dir = outDir(args.out);
  console.log(`timeseries: ${waves} waves of ${length} samples (${waves - 3} to train on, 3 held out), ${steps} L-BFGS steps`);
  train({ waves, length, steps, future, lr }, (r) => {
    const file = join(dir, `timeseries-step${r.step + 1}.svg`);
    writeFileSync(file, predictionSvg(r.pred, length - 1, `after L-BFGS step ${r.step + 1}: the 3 held-out waves, predicted one step ahead (solid), then ${future} samples predicted from its own output (dashed)`));
    const l = r.closureLosses;
    console.log(
      `step ${r.step + 1}: ${l.length} closures, loss ${l[0]!.toExponential(4)} -> ${l[l.length - 1]!.toExponential(4)} | ` +
        `test loss ${r.testLoss.toExponential(4)} | ${r.seconds.toFixed(1)} s | ${file}`,
    );
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await cliMain(main);
}
