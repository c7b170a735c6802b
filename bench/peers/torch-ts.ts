// torch-ts peer: the workloads written as a torch-ts user would (docs/API-CONTRACT.md).
// torch-ts is loaded by a dynamic import and used through the small structural type below,
// so this file type-checks whatever stage the core is at, and a missing piece (no src/index.ts
// yet, no nn.Conv2d yet) becomes a "failed"/"skipped" row with a note instead of a crash.
import { runChild, Skip, type Peer } from "../lib/child.ts";
import { gflopsMetric, measure, memoryCheck, timeMetric } from "../lib/measure.ts";
import type { ChildConfig, Work } from "../lib/protocol.ts";
import { torchTsVersion } from "../lib/versions.ts";
import { countWork } from "../lib/work.ts";

interface Tensor {
  add(o: Tensor | number): Tensor;
  sub(o: Tensor | number): Tensor;
  mul(o: Tensor | number): Tensor;
  div(o: Tensor | number): Tensor;
  matmul(o: Tensor): Tensor;
  relu(): Tensor;
  sqrt(): Tensor;
  mean(dim: number, keepdim: boolean): Tensor;
  softmax(dim: number): Tensor;
  reshape(...shape: number[]): Tensor;
  transpose(d0: number, d1: number): Tensor;
  flatten(start?: number, end?: number): Tensor;
  uniform_(a: number, b: number): Tensor;
  requiresGrad_(b?: boolean): Tensor;
  backward(): void;
}
interface Module { forward(x: Tensor): Tensor; parameters(): Tensor[] }
interface Loss { forward(a: Tensor, b: Tensor): Tensor }
interface Optimizer { step(): void; zeroGrad(): void }
type OptimizerClass = new (params: Tensor[], opts: { lr: number; weightDecay?: number }) => Optimizer;
interface TorchTs {
  randn(shape: number[], opts?: { requiresGrad?: boolean }): Tensor;
  zeros(shape: number[], opts?: { requiresGrad?: boolean }): Tensor;
  ones(shape: number[], opts?: { requiresGrad?: boolean }): Tensor;
  full(shape: number[], value: number): Tensor;
  tensor(data: Float32Array): Tensor;
  randint(low: number, high: number, shape: number[]): Tensor;
  triu(t: Tensor, k: number): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  relu(x: Tensor): Tensor;
  matmul(a: Tensor, b: Tensor): Tensor;
  manualSeed(s: number): void;
  setNumThreads?: (n: number) => void;
  getNumThreads?: () => number;
  nn: {
    Linear: new (i: number, o: number) => Module;
    MSELoss: new () => Loss;
    Conv2d?: new (i: number, o: number, k: number, opts?: { padding?: number }) => Module;
    MaxPool2d?: new (k: number) => Module;
    functional: { crossEntropy(logits: Tensor, target: Tensor): Tensor };
  };
  optim: { SGD: OptimizerClass; Adam: OptimizerClass; AdamW?: OptimizerClass };
}

let torch: TorchTs;
/** The backend object torch-ts's ops call (its kernels are counted through it: bench/lib/work.ts). */
let backend: object;
const param = (shape: number[], fanIn: number) => torch.zeros(shape).uniform_(-1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)).requiresGrad_();
const mlp = (layers: Module[]) => ({
  forward: (x: Tensor) => layers.reduce((h, l, i) => (i === 0 ? l.forward(h) : l.forward(torch.relu(h))), x),
  parameters: () => layers.flatMap((l) => l.parameters()),
});
function trainStep(loss: () => Tensor, opt: Optimizer) {
  return () => { loss().backward(); opt.step(); opt.zeroGrad(); };
}
function oneHot(n: number, classes: number): Tensor {
  const a = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) a[i * classes + Math.floor(Math.random() * classes)] = 1;
  return torch.tensor(a).reshape(n, classes);
}

function w0(cfg: ChildConfig) {
  const a = torch.randn([10]), b = torch.randn([10]);
  const ag = torch.randn([10], { requiresGrad: true }), bg = torch.randn([10], { requiresGrad: true });
  return {
    metrics: [
      timeMetric("W0 add", "us/op", measure(() => torch.add(a, b), cfg)),
      timeMetric("W0 add requiresGrad", "us/op", measure(() => torch.add(ag, bg), cfg)),
    ],
  };
}

function w1(cfg: ChildConfig) {
  const net = mlp([new torch.nn.Linear(10, 5), new torch.nn.Linear(5, 1)]);
  const crit = new torch.nn.MSELoss();
  const opt = new torch.optim.SGD(net.parameters(), { lr: 0.01 });
  const x = torch.randn([100, 10]), y = torch.randn([100, 1]);
  const step = trainStep(() => crit.forward(net.forward(x), y), opt);
  const run1000 = () => { for (let i = 0; i < 1000; i++) step(); };
  const metrics = [timeMetric("W1 seed x1000", "ms", measure(run1000, cfg))];
  return { metrics, work: { "W1 seed x1000": countWork(backend, run1000) } };
}

function w2(cfg: ChildConfig) {
  const net = mlp([new torch.nn.Linear(784, 256), new torch.nn.Linear(256, 256), new torch.nn.Linear(256, 10)]);
  const opt = new torch.optim.Adam(net.parameters(), { lr: 1e-3 });
  const x = torch.randn([128, 784]), y = torch.randint(0, 10, [128]);
  const step = trainStep(() => torch.nn.functional.crossEntropy(net.forward(x), y), opt);
  const metrics = [timeMetric("W2 MLP step", "ms", measure(step, cfg))];
  const work = { "W2 MLP step": countWork(backend, step) };
  return { metrics, work, memory: cfg.memSteps > 0 ? memoryCheck(step, cfg.memSteps, cfg.memCapS) : undefined };
}

function w3(cfg: ChildConfig) {
  const metrics = [], work: Record<string, Work> = {};
  for (const n of cfg.matmulSizes) {
    const a = torch.randn([n, n]), b = torch.randn([n, n]);
    const m = gflopsMetric(n, measure(() => torch.matmul(a, b), cfg));
    metrics.push(m);
    work[m.key] = countWork(backend, () => torch.matmul(a, b));
  }
  return { metrics, work };
}

function w4(cfg: ChildConfig) {
  const { Conv2d, MaxPool2d, Linear } = torch.nn;
  if (!Conv2d || !MaxPool2d) throw new Skip("torch.nn.Conv2d / MaxPool2d are not defined yet");
  const c1 = new Conv2d(1, 6, 5, { padding: 2 }), c2 = new Conv2d(6, 16, 5), pool = new MaxPool2d(2);
  const fc = mlp([new Linear(400, 120), new Linear(120, 84), new Linear(84, 10)]);
  const params = [...c1.parameters(), ...c2.parameters(), ...fc.parameters()];
  const opt = new torch.optim.SGD(params, { lr: 0.01 });
  const x = torch.randn([64, 1, 28, 28]), y = torch.randint(0, 10, [64]);
  const forward = () => fc.forward(pool.forward(torch.relu(c2.forward(pool.forward(torch.relu(c1.forward(x)))))).flatten(1));
  const step = trainStep(() => torch.nn.functional.crossEntropy(forward(), y), opt);
  const metrics = [timeMetric("W4 LeNet step", "ms", measure(step, cfg))];
  return { metrics, work: { "W4 LeNet step": countWork(backend, step) } };
}

function w5(cfg: ChildConfig) {
  // Tiny GPT, defined in docs/BENCHMARKS.md: plain ops only.
  const [V, T, D, H, B, L] = [65, 64, 64, 4, 16, 2];
  const dh = D / H;
  const AdamW = torch.optim.AdamW;
  if (!AdamW) throw new Skip("torch.optim.AdamW is not defined yet");
  const ones = (n: number) => torch.ones([n], { requiresGrad: true }), zeros = (n: number) => torch.zeros([n], { requiresGrad: true });
  const tok = param([V, D], 2500), pos = param([T, D], 2500); // ~0.02 scale
  const blocks = Array.from({ length: L }, () => ({
    g1: ones(D), b1: zeros(D), wq: param([D, D], D), wk: param([D, D], D), wv: param([D, D], D), wo: param([D, D], D),
    g2: ones(D), b2: zeros(D), w1: param([D, 4 * D], D), c1: param([4 * D], D), w2: param([4 * D, D], 4 * D), c2: param([D], 4 * D),
  }));
  const gf = ones(D), bf = zeros(D), head = param([D, V], D);
  const params = [tok, pos, gf, bf, head, ...blocks.flatMap((k) => Object.values(k))];
  const xOneHot = oneHot(B * T, V), y = torch.randint(0, V, [B * T]);
  const mask = torch.triu(torch.full([T, T], -1e9), 1); // additive causal mask
  const ln = (x: Tensor, g: Tensor, b: Tensor) => {
    const xc = x.sub(x.mean(-1, true));
    return xc.div(xc.mul(xc).mean(-1, true).add(1e-5).sqrt()).mul(g).add(b);
  };
  const heads = (x2d: Tensor, w: Tensor) => x2d.matmul(w).reshape(B, T, H, dh).transpose(1, 2);
  const loss = () => {
    let x = xOneHot.matmul(tok).reshape(B, T, D).add(pos).reshape(B * T, D);
    for (const k of blocks) {
      const h = ln(x, k.g1, k.b1);
      const q = heads(h, k.wq), kk = heads(h, k.wk), v = heads(h, k.wv);
      const att = q.matmul(kk.transpose(-2, -1)).mul(1 / Math.sqrt(dh)).add(mask).softmax(-1);
      x = x.add(att.matmul(v).transpose(1, 2).reshape(B * T, D).matmul(k.wo));
      x = x.add(ln(x, k.g2, k.b2).matmul(k.w1).add(k.c1).relu().matmul(k.w2).add(k.c2));
    }
    return torch.nn.functional.crossEntropy(ln(x, gf, bf).matmul(head), y);
  };
  const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0.01 });
  const step = trainStep(loss, opt);
  const metrics = [timeMetric("W5 GPT step", "ms", measure(step, cfg))];
  return { metrics, work: { "W5 GPT step": countWork(backend, step) } };
}

await runChild(async (): Promise<Peer> => {
  // TORCH_TS_ENTRY (a path or URL) benchmarks another build, e.g. dist/index.js.
  const override = process.env.TORCH_TS_ENTRY;
  const entry = override ? new URL(override, `file://${process.cwd()}/`).href : new URL("../../src/index.ts", import.meta.url).href;
  torch = (await import(entry)) as TorchTs;
  // the ops' backend, from the same build as the entry (src/ops/alloc.ts, or dist/ops/alloc.js)
  // (the backend of a CPU tensor: backendOf takes the operands since devices landed)
  backend = ((await import(new URL(`./ops/alloc${entry.slice(entry.lastIndexOf("."))}`, entry).href)) as { backendOf(t: Tensor): object }).backendOf(torch.zeros([1]));
  return {
    engine: "torch-ts",
    versions: { "torch-ts": `${torchTsVersion()} (working tree)` },
    async init(cfg) {
      if (cfg.threads > 0) {
        if (typeof torch.setNumThreads !== "function") {
          if (cfg.threads > 1) throw new Skip("torch.setNumThreads is not defined yet (single-threaded only)");
        } else torch.setNumThreads(cfg.threads);
      }
      return { threads: typeof torch.getNumThreads === "function" ? torch.getNumThreads() : 1 };
    },
    workloads: { W0: w0, W1: w1, W2: w2, W3: w3, W4: w4, W5: w5 },
  };
}, "torch-ts");
