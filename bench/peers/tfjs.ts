// TensorFlow.js peer: the same workloads on the cpu backend or the wasm backend (1 or 2 threads).
// tfjs frees tensors by hand, so every unit disposes what it made (minimize() returns the loss).
import * as tf from "@tensorflow/tfjs";
import * as wasm from "@tensorflow/tfjs-backend-wasm";
import { runChild, type Peer } from "../lib/child.ts";
import { gflopsMetric, measure, memoryCheck, timeMetric } from "../lib/measure.ts";
import type { ChildConfig } from "../lib/protocol.ts";
import { pkgVersion } from "../lib/versions.ts";
import { enableTfjsWasmThreadsInNode } from "./tfjs-wasm-node-threads.ts";

type Var = tf.Variable;
const uniform = (shape: number[], fanIn: number): Var =>
  tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
/** A Linear layer as [in, out] weight + bias, PyTorch's default init range. */
const linear = (inF: number, outF: number) => ({ w: uniform([inF, outF], inF), b: uniform([outF], inF) });
const dense = (x: tf.Tensor, l: { w: Var; b: Var }) => tf.add(tf.matMul(x as tf.Tensor2D, l.w as tf.Tensor2D), l.b);
const oneHot = (n: number, classes: number) => tf.oneHot(tf.randomUniform([n], 0, classes, "int32") as tf.Tensor1D, classes).toFloat();

function w0(cfg: ChildConfig) {
  const a = tf.randomNormal([10]);
  const b = tf.randomNormal([10]);
  // tfjs has no per-tensor requiresGrad: ops are only taped inside tf.grad()/variableGrads().
  return { metrics: [timeMetric("W0 add", "us/op", measure(() => tf.add(a, b).dispose(), cfg))] };
}

function w1(cfg: ChildConfig) {
  const fc1 = linear(10, 5), fc2 = linear(5, 1);
  const x = tf.randomNormal([100, 10]), y = tf.randomNormal([100, 1]);
  const opt = tf.train.sgd(0.01);
  const run1000 = () => {
    for (let i = 0; i < 1000; i++) {
      opt.minimize(() => tf.losses.meanSquaredError(y, dense(tf.relu(dense(x, fc1)), fc2)) as tf.Scalar, true)!.dispose();
    }
  };
  return { metrics: [timeMetric("W1 seed x1000", "ms", measure(run1000, cfg))] };
}

function w2(cfg: ChildConfig) {
  const l1 = linear(784, 256), l2 = linear(256, 256), l3 = linear(256, 10);
  const x = tf.randomNormal([128, 784]), y = oneHot(128, 10);
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const step = () => {
    opt.minimize(() => tf.losses.softmaxCrossEntropy(y, dense(tf.relu(dense(tf.relu(dense(x, l1)), l2)), l3)) as tf.Scalar, true)!.dispose();
  };
  const metrics = [timeMetric("W2 MLP step", "ms", measure(step, cfg))];
  const memory = cfg.memSteps > 0 ? memoryCheck(step, cfg.memSteps, cfg.memCapS, () => ({ tensors: tf.memory().numTensors })) : undefined;
  return { metrics, memory };
}

function w3(cfg: ChildConfig) {
  return {
    metrics: cfg.matmulSizes.map((n) => {
      const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
      const t = measure(() => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D).dispose(), cfg);
      a.dispose();
      b.dispose();
      return gflopsMetric(n, t);
    }),
  };
}

function w4(cfg: ChildConfig) {
  // LeNet-5 in NHWC (tfjs's layout): conv5x5(1->6, same) relu pool2, conv5x5(6->16) relu pool2, 400-120-84-10.
  const c1 = { w: uniform([5, 5, 1, 6], 25), b: uniform([6], 25) };
  const c2 = { w: uniform([5, 5, 6, 16], 150), b: uniform([16], 150) };
  const f1 = linear(400, 120), f2 = linear(120, 84), f3 = linear(84, 10);
  const x = tf.randomNormal([64, 28, 28, 1]) as tf.Tensor4D, y = oneHot(64, 10);
  const opt = tf.train.sgd(0.01);
  const forward = () => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, c1.w as tf.Tensor4D, 1, "same"), c1.b)) as tf.Tensor4D, 2, 2, "valid");
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2.w as tf.Tensor4D, 1, "valid"), c2.b)) as tf.Tensor4D, 2, 2, "valid");
    const z = dense(tf.relu(dense(tf.relu(dense(tf.reshape(h, [64, 400]), f1)), f2)), f3);
    return tf.losses.softmaxCrossEntropy(y, z) as tf.Scalar;
  };
  return { metrics: [timeMetric("W4 LeNet step", "ms", measure(() => opt.minimize(forward, true)!.dispose(), cfg))] };
}

function w5(cfg: ChildConfig) {
  // Tiny GPT, defined in docs/BENCHMARKS.md: plain ops only.
  const [V, T, D, H, B, L] = [65, 64, 64, 4, 16, 2];
  const dh = D / H;
  const ones = (n: number) => tf.variable(tf.ones([n])), zeros = (n: number) => tf.variable(tf.zeros([n]));
  const tok = tf.variable(tf.randomNormal([V, D], 0, 0.02)), pos = tf.variable(tf.randomNormal([T, D], 0, 0.02));
  const blocks = Array.from({ length: L }, () => ({
    g1: ones(D), b1: zeros(D), wq: uniform([D, D], D), wk: uniform([D, D], D), wv: uniform([D, D], D), wo: uniform([D, D], D),
    g2: ones(D), b2: zeros(D), fc: linear(D, 4 * D), proj: linear(4 * D, D),
  }));
  const gf = ones(D), bf = zeros(D), head = uniform([D, V], D);
  const xOneHot = oneHot(B * T, V) as tf.Tensor2D, yOneHot = oneHot(B * T, V);
  // Additive causal mask: 0 on and below the diagonal, -1e9 above.
  const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);
  const ln = (x: tf.Tensor, g: Var, b: Var) => {
    const mean = tf.mean(x, -1, true);
    const xc = tf.sub(x, mean);
    const v = tf.mean(tf.square(xc), -1, true);
    return tf.add(tf.mul(tf.div(xc, tf.sqrt(tf.add(v, 1e-5))), g), b);
  };
  const heads = (x2d: tf.Tensor, w: Var) => tf.transpose(tf.reshape(tf.matMul(x2d as tf.Tensor2D, w as tf.Tensor2D), [B, T, H, dh]), [0, 2, 1, 3]);
  const loss = () => {
    let x: tf.Tensor = tf.reshape(tf.add(tf.reshape(tf.matMul(xOneHot, tok as tf.Tensor2D), [B, T, D]), pos), [B * T, D]);
    for (const k of blocks) {
      const h = ln(x, k.g1, k.b1);
      const q = heads(h, k.wq), kk = heads(h, k.wk), v = heads(h, k.wv);
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, kk, false, true), 1 / Math.sqrt(dh)), mask));
      const y = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * T, D]);
      x = tf.add(x, tf.matMul(y as tf.Tensor2D, k.wo as tf.Tensor2D));
      x = tf.add(x, dense(tf.relu(dense(ln(x, k.g2, k.b2), k.fc)), k.proj));
    }
    const logits = tf.matMul(ln(x, gf, bf) as tf.Tensor2D, head as tf.Tensor2D);
    return tf.losses.softmaxCrossEntropy(yOneHot, logits) as tf.Scalar;
  };
  // AdamW = Adam + decoupled weight decay p -= lr * wd * p, applied before the Adam update as in PyTorch.
  const lr = 1e-3, wd = 0.01;
  const opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  const vars = tf.engine().state.registeredVariables;
  const step = () => {
    const { value, grads } = tf.variableGrads(loss); // grads of the trainable model variables, by name
    tf.tidy(() => Object.keys(grads).forEach((name) => vars[name]!.assign(tf.mul(vars[name]!, 1 - lr * wd))));
    opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    value.dispose();
    tf.dispose(grads);
  };
  return { metrics: [timeMetric("W5 GPT step", "ms", measure(step, cfg))] };
}

async function load(): Promise<Peer> {
  return {
    engine: "tfjs",
    versions: { "@tensorflow/tfjs": pkgVersion("@tensorflow/tfjs"), "@tensorflow/tfjs-backend-wasm": pkgVersion("@tensorflow/tfjs-backend-wasm") },
    async init(cfg) {
      const backend = cfg.backend ?? "cpu";
      if (backend === "wasm" && cfg.threads > 1) {
        enableTfjsWasmThreadsInNode(cfg.threads);
        tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
      }
      if (backend === "wasm" && cfg.threads > 0) wasm.setThreadsCount(cfg.threads);
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
      await tf.ready();
      const info: Record<string, string | number> = { backend: tf.getBackend() };
      if (backend === "wasm") {
        info.threads = wasm.getThreadsCount();
        if (cfg.threads > 0 && info.threads !== cfg.threads) throw new Error(`tfjs-wasm runs ${info.threads} threads, not ${cfg.threads}`);
      }
      return info;
    },
    workloads: { W0: w0, W1: w1, W2: w2, W3: w3, W4: w4, W5: w5 },
  };
}

await runChild(load, "tfjs");
