// The attribution axioms and sanity checks on the MNIST CNN of examples/mnist.ts, trained
// briefly here (150 Adam steps of 64 digits, seeded): Saliency is |dF/dx|; Integrated
// Gradients is complete (its sum approaches F(x) - F(baseline) as the quadrature refines, and
// to rounding on a smooth network); re-randomising the weights changes the saliency maps
// (Adebayo et al. 2018, "Sanity Checks for Saliency Maps").
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as torch from "../src/index.ts";
import { CNN } from "../examples/mnist.ts";
import { pickDigits, trainCnn } from "../examples/explain.ts";

const { nn, F, interpret } = torch;
type Tensor = torch.Tensor;

/** Spearman's rank correlation: Pearson's on the ranks (ties share their mean rank). */
function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (v: readonly number[]) => {
    const idx = v.map((_, i) => i).sort((i, j) => v[i]! - v[j]!);
    const r = new Array<number>(v.length);
    for (let s = 0; s < idx.length; ) {
      let e = s;
      while (e + 1 < idx.length && v[idx[e + 1]!] === v[idx[s]!]) e++;
      for (let k = s; k <= e; k++) r[idx[k]!] = (s + e) / 2;
      s = e + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

const maps = (t: Tensor) => Array.from({ length: t.shape[0]! }, (_, i) => t.select(0, i).reshape(-1).tolist() as number[]);

describe("attribution on the MNIST CNN", () => {
  let net: CNN;
  let images: Tensor;
  let predicted: number[];
  before(async () => {
    const r = await trainCnn({ steps: 150, seconds: Infinity, seed: 0 });
    net = r.net;
    net.eval();
    assert.ok(r.accuracy > 0.9, `trained to ${r.accuracy}`);
    ({ images } = pickDigits(r.data.test, 8));
    predicted = torch.noGrad(() => net.forward(images).argmax(1).tolist() as number[]);
  });

  test("Saliency is the absolute gradient of the target's logit", () => {
    const x = images.clone().requiresGrad_();
    const logits = net.forward(x).gather(1, torch.tensor(predicted).reshape(-1, 1));
    const [g] = torch.autograd.grad(logits.sum(), x) as Tensor[];
    assert.deepEqual(new interpret.Saliency(net).attribute(images, predicted).tolist(), g!.abs().tolist());
    assert.deepEqual(new interpret.Saliency(net).attribute(images, predicted, false).tolist(), g!.tolist());
  });

  test("Integrated Gradients: the completeness gap is quadrature error, shrinking with the steps", () => {
    // a ReLU/max-pool network's gradient is piecewise constant along the path, so the
    // quadrature error falls like 1/steps: measured max |delta| 3.1e-2 (50 steps) and
    // 2.8e-3 (400) on 8 digits of a 280-step model; here 4 digits
    const ig = new interpret.IntegratedGradients(net);
    const x = images.narrow(0, 0, 4);
    const t = predicted.slice(0, 4);
    const gap = (nSteps: number) => Math.max(...((ig.attribute(x, { target: t, nSteps, returnConvergenceDelta: true })[1].abs().tolist()) as number[]));
    const d50 = gap(50);
    const d400 = gap(400);
    assert.ok(d50 < 5e-2, `50 steps: ${d50}`);
    assert.ok(d400 < 5e-3 && d400 < d50 / 4, `400 steps: ${d400} (50: ${d50})`);
  });

  test("Integrated Gradients is complete to 1e-3 with 50 Gauss-Legendre steps on the same CNN with smooth units", () => {
    // the MNIST CNN's shape with Softplus for ReLU and average for max pooling (and its trained
    // weights): the integrand is analytic, so Gauss-Legendre converges fast
    class SmoothCNN extends nn.Module {
      conv1 = net.conv1;
      conv2 = net.conv2;
      fc1 = net.fc1;
      fc2 = net.fc2;
      override forward(x: Tensor): Tensor {
        x = F.avgPool2d(F.softplus(this.conv1.forward(x)), 2);
        x = F.avgPool2d(F.softplus(this.conv2.forward(x)), 2);
        return this.fc2.forward(F.softplus(this.fc1.forward(x.flatten(1))));
      }
    }
    const smooth = new SmoothCNN();
    const [attr, delta] = new interpret.IntegratedGradients(smooth).attribute(images, { target: predicted, nSteps: 50, returnConvergenceDelta: true });
    const worst = Math.max(...(delta.abs().tolist() as number[]));
    assert.ok(worst < 1e-3, `max |delta| ${worst}`);
    // and the sum really is the output difference, which is not small
    const diff = torch.noGrad(() => smooth.forward(images).sub(smooth.forward(torch.zerosLike(images))).gather(1, torch.tensor(predicted).reshape(-1, 1)));
    assert.ok((diff.abs().min().item() as number) > 0.1);
    assert.ok(attr.reshape(8, -1).sum(1).sub(diff.reshape(-1)).abs().max().item() < 1e-3);
  });

  test("sanity check: re-randomising the weights layer by layer makes the saliency maps unrelated (rank correlation < 0.5)", () => {
    const sal = (m: CNN) => maps(new interpret.Saliency(m).attribute(images, predicted));
    const trained = sal(net);
    // cascading randomisation from the top layer down, as Adebayo et al.; Spearman's rank
    // correlation of each digit's map with the trained model's
    const copy = new CNN();
    copy.loadStateDict(net.stateDict());
    copy.eval();
    torch.manualSeed(123);
    const stages: number[][] = [];
    for (const layer of [copy.fc2, copy.fc1, copy.conv2, copy.conv1]) {
      layer.resetParameters();
      const r = sal(copy);
      stages.push(trained.map((m, i) => spearman(m, r[i]!)));
    }
    // measured means per stage: 0.61, 0.48, 0.33, 0.23 (this model); 0.54, 0.43, 0.23, 0.23 (300 steps)
    const means = stages.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
    const show = stages.map((c) => c.map((v) => v.toFixed(2)).join(" ")).join(" | ");
    // the measure is not trivially low: with only the output layer random, the maps agree far more
    assert.ok(means[0]! > means[3]! + 0.2, show);
    // with every layer random, no digit's map keeps its ranking
    assert.ok(Math.max(...stages[3]!.map(Math.abs)) < 0.5, show);
  });
});
