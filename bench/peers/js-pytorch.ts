// js-pytorch peer. js-pytorch keeps data in nested JS arrays of float64 numbers (it has no
// float32), has no convolution (W4 is skipped) and ships only an Adam without bias
// correction, so the optimizers below are PyTorch's formulas written with js-pytorch's own
// tensor ops, in the style of its Adam (new data arrays each step).
import { torch } from "js-pytorch";
import { runChild, Skip, type Peer } from "../lib/child.ts";
import { gflopsMetric, measure, memoryCheck, timeMetric } from "../lib/measure.ts";
import type { ChildConfig } from "../lib/protocol.ts";
import { pkgVersion } from "../lib/versions.ts";

type Tensor = InstanceType<typeof torch.Tensor>;
const { nn } = torch;

/** Nested array of the given shape filled by f(). */
function nested(shape: number[], f: () => number): unknown[] {
  const [n, ...rest] = shape;
  return Array.from({ length: n! }, () => (rest.length ? nested(rest, f) : f()));
}
const uniformParam = (shape: number[], fanIn: number): Tensor =>
  torch.tensor(nested(shape, () => (Math.random() * 2 - 1) / Math.sqrt(fanIn)), true);
const constParam = (shape: number[], v: number): Tensor => torch.tensor(nested(shape, () => v), true);
const data = (shape: number[]): Tensor => torch.randn(shape);
const labels = (n: number, classes: number): Tensor => torch.tensor(nested([n], () => Math.floor(Math.random() * classes)));
const oneHot = (n: number, classes: number): Tensor =>
  torch.tensor(nested([n], () => 0).map(() => { const r = new Array(classes).fill(0); r[Math.floor(Math.random() * classes)] = 1; return r; }));

/** Detached view of a parameter's data, so optimizer math records no graph. */
const val = (p: Tensor): Tensor => torch.tensor(p._data);

function sgd(params: Tensor[], lr: number) {
  return () => { for (const p of params) p._data = val(p).sub(p._grad.mul(lr))._data; };
}
function adam(params: Tensor[], lr: number, weightDecay = 0, [b1, b2] = [0.9, 0.999], eps = 1e-8) {
  const m = params.map((p) => torch.zeros(p.shape)), v = params.map((p) => torch.zeros(p.shape));
  let t = 0;
  return () => {
    t++;
    const bc1 = 1 - b1 ** t, bc2 = Math.sqrt(1 - b2 ** t);
    params.forEach((p, i) => {
      const g = p._grad;
      m[i] = m[i]!.mul(b1).add(g.mul(1 - b1));
      v[i] = v[i]!.mul(b2).add(g.mul(g).mul(1 - b2));
      const w = weightDecay ? val(p).mul(1 - lr * weightDecay) : val(p); // AdamW's decoupled decay
      p._data = w.sub(m[i]!.mul(lr / bc1).div(v[i]!.sqrt().div(bc2).add(eps)))._data;
    });
  };
}
function trainStep(loss: () => Tensor, params: Tensor[], update: () => void) {
  return () => {
    loss().backward();
    update();
    for (const p of params) p.zero_grad();
  };
}

function w0(cfg: ChildConfig) {
  const a = data([10]), b = data([10]);
  const ag = torch.randn([10], true), bg = torch.randn([10], true);
  return {
    metrics: [
      timeMetric("W0 add", "us/op", measure(() => a.add(b), cfg)),
      timeMetric("W0 add requiresGrad", "us/op", measure(() => ag.add(bg), cfg)),
    ],
  };
}

function w1(cfg: ChildConfig) {
  const fc1 = new nn.Linear(10, 5), relu = new nn.ReLU(), fc2 = new nn.Linear(5, 1), crit = new nn.MSELoss();
  const params = [...fc1.parameters(), ...fc2.parameters()];
  const x = data([100, 10]), y = data([100, 1]);
  const step = trainStep(() => crit.forward(fc2.forward(relu.forward(fc1.forward(x))), y), params, sgd(params, 0.01));
  const run1000 = () => { for (let i = 0; i < 1000; i++) step(); };
  return { metrics: [timeMetric("W1 seed x1000", "ms", measure(run1000, cfg))] };
}

function w2(cfg: ChildConfig) {
  const l1 = new nn.Linear(784, 256), l2 = new nn.Linear(256, 256), l3 = new nn.Linear(256, 10);
  const relu = new nn.ReLU(), crit = new nn.CrossEntropyLoss();
  const params = [l1, l2, l3].flatMap((l) => l.parameters());
  const x = data([128, 784]), y = labels(128, 10);
  const step = trainStep(() => crit.forward(l3.forward(relu.forward(l2.forward(relu.forward(l1.forward(x))))), y), params, adam(params, 1e-3));
  const metrics = [timeMetric("W2 MLP step", "ms", measure(step, cfg))];
  return { metrics, memory: cfg.memSteps > 0 ? memoryCheck(step, cfg.memSteps, cfg.memCapS) : undefined };
}

function w3(cfg: ChildConfig) {
  return { metrics: cfg.matmulSizes.map((n) => { const a = data([n, n]), b = data([n, n]); return gflopsMetric(n, measure(() => a.matmul(b), cfg)); }) };
}

function w4(): never {
  throw new Skip("js-pytorch has no convolution or pooling");
}

function w5(cfg: ChildConfig) {
  // Tiny GPT, defined in docs/BENCHMARKS.md: plain ops only.
  const [V, T, D, H, B, L] = [65, 64, 64, 4, 16, 2];
  const dh = D / H;
  const tok = uniformParam([V, D], 2500), pos = uniformParam([T, D], 2500); // ~0.02 scale
  const blocks = Array.from({ length: L }, () => ({
    g1: constParam([D], 1), b1: constParam([D], 0), wq: uniformParam([D, D], D), wk: uniformParam([D, D], D),
    wv: uniformParam([D, D], D), wo: uniformParam([D, D], D), g2: constParam([D], 1), b2: constParam([D], 0),
    w1: uniformParam([D, 4 * D], D), c1: uniformParam([4 * D], D), w2: uniformParam([4 * D, D], 4 * D), c2: uniformParam([D], 4 * D),
  }));
  const gf = constParam([D], 1), bf = constParam([D], 0), head = uniformParam([D, V], D);
  const params = [tok, pos, gf, bf, head, ...blocks.flatMap((k) => Object.values(k))];
  const xOneHot = oneHot(B * T, V), y = labels(B * T, V);
  const mask = torch.tensor(nested([T, T], () => 0).map((r, i) => (r as number[]).map((_, j) => (j > i ? -1e9 : 0))));
  const softmax = new nn.Softmax(), relu = new nn.ReLU(), crit = new nn.CrossEntropyLoss();
  const ln = (x: Tensor, g: Tensor, b: Tensor) => {
    const xc = x.sub(x.mean(-1, true));
    return xc.div(xc.mul(xc).mean(-1, true).add(1e-5).sqrt()).mul(g).add(b);
  };
  const heads = (x2d: Tensor, w: Tensor) => x2d.matmul(w).reshape([B, T, H, dh]).transpose(1, 2);
  const loss = () => {
    let x = xOneHot.matmul(tok).reshape([B, T, D]).add(pos).reshape([B * T, D]);
    for (const k of blocks) {
      const h = ln(x, k.g1, k.b1);
      const q = heads(h, k.wq), kk = heads(h, k.wk), v = heads(h, k.wv);
      const att = softmax.forward(q.matmul(kk.transpose(2, 3)).mul(1 / Math.sqrt(dh)).add(mask));
      x = x.add(att.matmul(v).transpose(1, 2).reshape([B * T, D]).matmul(k.wo));
      x = x.add(relu.forward(ln(x, k.g2, k.b2).matmul(k.w1).add(k.c1)).matmul(k.w2).add(k.c2));
    }
    return crit.forward(ln(x, gf, bf).matmul(head), y);
  };
  return { metrics: [timeMetric("W5 GPT step", "ms", measure(trainStep(loss, params, adam(params, 1e-3, 0.01)), cfg))] };
}

await runChild(async (): Promise<Peer> => ({
  engine: "js-pytorch",
  versions: { "js-pytorch": pkgVersion("js-pytorch") },
  workloads: { W0: w0, W1: w1, W2: w2, W3: w3, W4: w4, W5: w5 },
}), "js-pytorch");
