// The demo's Web Worker: trains the MNIST CNN of examples/mnistModels.ts on the bundled digits
// and answers predictions with their saliency maps (torch.interpret), so the page never blocks.
// The wasm kernels split their work over nested workers when the page is cross-origin
// isolated (shared memory), as docs/WASM.md describes.
import * as torch from "../src/index.ts";
// Internal: the public API has no "are the wasm kernels compiled, over shared memory?" query;
// the demo awaits the compile (browsers compile asynchronously) and reports the answer.
import { wasmReady, wasmRuntime } from "../src/backends/wasm/index.ts";
import { CNN } from "../examples/mnistModels.ts";
import { DIGITS_FILE, PIXELS, decodeDigits, type DigitSet } from "./digits.ts";
import type { Environment, FromWorker, ToWorker, TrainOptions } from "./protocol.ts";

const { F, optim, interpret } = torch;
const { DataLoader, TensorDataset } = torch.utils.data;
type Tensor = torch.Tensor;

const post = (m: FromWorker, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(m, transfer);

/** Images [n, 1, 28, 28] in 0..1 and labels [n] (the default integer dtype, as torch.tensor of numbers gives). */
function tensors(s: DigitSet): [Tensor, Tensor] {
  const n = s.labels.length;
  const pixels = Float32Array.from(s.pixels, (v) => v / 255);
  return [torch.tensor(pixels).reshape(n, 1, 28, 28), torch.tensor(Array.from(s.labels))];
}

/** A macrotask boundary, so that predict messages are answered between training steps. */
const yieldToMessages = (): Promise<void> =>
  new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });

async function webgpuAdapter(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info;
    return [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(" ") || "unnamed adapter";
  } catch {
    return null;
  }
}

async function setup() {
  const [bytes] = await Promise.all([fetch(DIGITS_FILE).then((r) => {
    if (!r.ok) throw new Error(`${DIGITS_FILE}: HTTP ${r.status}`);
    return r.arrayBuffer();
  }), wasmReady()]);
  const digits = decodeDigits(new Uint8Array(bytes));
  // ?threads=N on the worker's URL (the page passes its own parameter on): torch.setNumThreads
  const threads = new URL(self.location.href).searchParams.get("threads");
  if (threads !== null) torch.setNumThreads(Number(threads));
  const rt = wasmRuntime();
  const adapter = await webgpuAdapter();
  const env: Environment = {
    device: "cpu",
    wasm: rt ? { shared: rt.shared, relaxedSimd: rt.fma } : null,
    threads: rt?.shared ? torch.getNumThreads() : 1,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    // torch-ts tensors do not reach its WebGPU backend yet (docs/DEVICES.md: devices in the
    // Tensor API are phase B of issue 16), so the demo trains on the CPU whatever the adapter.
    webgpu: {
      adapter,
      note: adapter ? "not used: torch-ts tensors cannot be placed on WebGPU yet (docs/DEVICES.md, phase B)" : "no WebGPU adapter in this browser",
    },
    trainDigits: digits.train.labels.length,
    testDigits: digits.test.labels.length,
  };
  torch.manualSeed(0);
  const net = new CNN();
  const optimizer = new optim.Adam(net.parameters(), { lr: 2e-3 });
  const train = new TensorDataset(...tensors(digits.train));
  const [testX, testY] = tensors(digits.test);
  return { env, net, optimizer, train, testX, testY };
}

type State = Awaited<ReturnType<typeof setup>>;
let steps = 0;

/** Loss and accuracy on the held-out digits, without a graph. */
function evaluate(s: State): { loss: number; accuracy: number } {
  return torch.noGrad(() => {
    let loss = 0;
    let correct = 0;
    const n = s.testY.shape[0]!;
    for (let i = 0; i < n; i += 500) {
      const m = Math.min(500, n - i);
      const logits = s.net.forward(s.testX.narrow(0, i, m));
      loss += F.crossEntropy(logits, s.testY.narrow(0, i, m)).item() * m;
      correct += logits.argmax(1).eq(s.testY.narrow(0, i, m)).sum().item();
    }
    return { loss: loss / n, accuracy: correct / n };
  });
}

async function train(s: State, o: TrainOptions): Promise<void> {
  if (o.lr !== s.optimizer.paramGroups[0]!.lr) for (const g of s.optimizer.paramGroups) g.lr = o.lr;
  const loader = new DataLoader(s.train, { batchSize: o.batchSize, shuffle: true, generator: new torch.Generator().manualSeed(steps + 1) });
  const t0 = performance.now();
  let done = 0;
  while (done < o.steps) {
    for (const [x, y] of loader) {
      const logits = s.net.forward(x!);
      const loss = F.crossEntropy(logits, y!);
      s.optimizer.zeroGrad();
      loss.backward();
      s.optimizer.step();
      done++;
      steps++;
      const batchAccuracy = logits.argmax(1).eq(y!).sum().item() / y!.shape[0]!;
      post({ type: "step", step: steps, loss: loss.item(), batchAccuracy });
      if (done % o.evalEvery === 0 || done === o.steps) post({ type: "eval", step: steps, ...evaluate(s) });
      await yieldToMessages();
      if (done === o.steps) break;
    }
  }
  post({ type: "done", steps, seconds: (performance.now() - t0) / 1000 });
}

/** Class probabilities, Saliency and Integrated Gradients (32 Gauss-Legendre steps from black) of the predicted class. */
function predict(s: State, id: number, pixels: Float32Array): void {
  const t0 = performance.now();
  const x = torch.tensor(pixels).reshape(1, 1, 28, 28);
  const probs = torch.noGrad(() => torch.softmax(s.net.forward(x), 1)).reshape(10);
  const probabilities = Array.from(probs.contiguousData() as Float32Array);
  const predicted = probabilities.indexOf(Math.max(...probabilities));
  const saliency = new interpret.Saliency(s.net).attribute(x, predicted);
  const [ig, delta] = new interpret.IntegratedGradients(s.net).attribute(x, { target: predicted, nSteps: 32, returnConvergenceDelta: true });
  const flat = (t: Tensor) => Float32Array.from(t.reshape(PIXELS).contiguousData() as Float32Array);
  const m: FromWorker = {
    type: "prediction",
    id,
    probabilities,
    predicted,
    saliency: flat(saliency),
    integratedGradients: flat(ig),
    attributionSum: Number(ig.sum().item()),
    delta: Number(delta.item()),
    ms: performance.now() - t0,
  };
  post(m, [m.saliency.buffer, m.integratedGradients.buffer]);
}

const report = (e: unknown) => post({ type: "error", message: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e) });
const state = setup();
state.then((s) => post({ type: "ready", env: s.env }), report);
self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  state.then((s) => (m.type === "train" ? train(s, m.options) : predict(s, m.id, m.pixels))).catch(report);
};
