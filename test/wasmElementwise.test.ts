// The wasm elementwise ops (src/backends/wasm/elementwise.ts): bit for bit the TypeScript
// kernels' results, on every layout the wasm path takes (contiguous, a row repeated over rows,
// a value per row broadcast along it, a scalar, on either side, from offsets into larger
// buffers) with special values (NaN, +-0, +-inf, subnormals, ties for maximum/minimum) among
// random ones, in one block and in several; the declines (layouts, dtypes, small sizes)
// leave the output untouched; and torch's ops on large float32 tensors take the path and give
// the float64 result rounded.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as torch from "../src/index.ts";
import { cpu } from "../src/backends/cpu/index.ts";
import type { BinaryOp, StridedView, UnaryOp } from "../src/backends/backend.ts";
import { setWasmThresholds, wasmReady } from "../src/backends/wasm/index.ts";
import { WASM_BINARY_OPS, WASM_UNARY_OPS } from "../src/backends/wasm/elementwise.ts";
import { wasmAxpy, wasmBinary, wasmUnary } from "../src/backends/wasm/elementwiseRows.ts";
import { mixedArray } from "./xorshift.ts";

const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 1e-45, -3e-39, 1, -1, 2.5, -2.5];

/** One in eight a special value; a coarse grid makes equal pairs (ties) common. */
const values = (n: number, seed: number) => mixedArray(n, seed, SPECIAL, 0.125, (u) => Math.round((u - 0.5) * 16) / 4);

const view = (data: Float32Array, shape: number[], strides: number[], offset = 0): StridedView => ({ data, shape, strides, offset });

/** out from the TypeScript kernel (wasm path off) and from the wasm path (forced on; false if it declined). */
function both(typescript: (out: Float32Array) => void, wasm: (out: Float32Array) => boolean, n: number): [Float32Array, Float32Array] {
  const ts = new Float32Array(n), w = new Float32Array(n);
  setWasmThresholds({ minElementwise: Infinity });
  typescript(ts);
  setWasmThresholds({ minElementwise: 0 });
  try {
    assert.ok(wasm(w), "declined");
  } finally {
    setWasmThresholds({ minElementwise: 512 });
  }
  return [ts, w];
}

const show = (v: number) => (Object.is(v, -0) ? "-0" : String(v));

function assertSameBits(got: Float32Array, want: Float32Array, what: string): void {
  const g = new Uint32Array(got.buffer), w = new Uint32Array(want.buffer);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) assert.fail(`${what} element ${i}: ${show(got[i]!)} vs ${show(want[i]!)} (TypeScript)`);
  }
}

// [shape, a strides, b strides]: the layouts the wasm path takes
const LAYOUTS: [number[], number[], number[]][] = [
  [[4103], [1], [1]], // 1-d, not a multiple of four
  [[4103], [1], [0]], // tensor op scalar
  [[3], [0], [1]], // scalar op tensor, tiny
  [[37, 64], [64, 1], [0, 1]], // bias over rows
  [[37, 64], [0, 1], [64, 1]],
  [[37, 8], [8, 1], [1, 0]], // a value per row (keepdim reductions)
  [[37, 8], [1, 0], [8, 1]],
  [[16, 4, 64, 64], [16384, 4096, 64, 1], [0, 0, 64, 1]], // an attention mask over batch and heads
  [[16, 4, 64, 64], [16384, 4096, 64, 1], [256, 64, 1, 0]], // a value per row of 4-d data
  [[2, 3, 20], [60, 20, 1], [0, 0, 0]],
  // several blocks of the copy-in, op, copy-out pipeline (16384 floats), the last one partial
  [[40003], [1], [1]],
  [[40003], [0], [1]],
  [[1000, 68], [68, 1], [1, 0]],
  [[1000, 68], [0, 1], [68, 1]],
];

test("wasm binary ops give the TypeScript kernels' bits on every layout they take", async () => {
  await wasmReady();
  for (const [li, [shape, sa, sb]] of LAYOUTS.entries()) {
    const span = (s: number[]) => 1 + shape.reduce((acc, d, i) => acc + (d - 1) * s[i]!, 0);
    const n = shape.reduce((x, y) => x * y, 1);
    // operands start at an offset into larger buffers
    const ad = values(span(sa) + 5, 17 + li), bd = values(span(sb) + 3, 91 + li);
    for (const op of WASM_BINARY_OPS) {
      const a = view(ad, shape, sa, 5), b = view(bd, shape, sb, 3);
      const [ts, wasm] = both((out) => cpu.binary(op, a, b, out), (out) => wasmBinary(op, a, b, out), n);
      assertSameBits(wasm, ts, `${op} [${shape}] a${sa} b${sb}`);
    }
  }
});

test("wasm unary ops give the TypeScript kernels' bits", async () => {
  await wasmReady();
  for (const n of [1, 6, 4096, 5001, 40003]) {
    const xd = values(n + 2, n);
    for (const op of WASM_UNARY_OPS) {
      const x = view(xd, [n], [1], 2);
      const [ts, wasm] = both((out) => cpu.unary(op, x, out), (out) => wasmUnary(op, x, 1, out), n);
      assertSameBits(wasm, ts, `${op} n=${n}`);
    }
  }
});

test("wasm axpy (add_ with alpha: the optimizers' steps) gives the TypeScript kernel's bits", async () => {
  await wasmReady();
  // float32 alphas (as the op passes them) and a double one; products that overflow, cancel
  // the addend exactly, and sums that round at float32's and at float64's precision
  const alphas = [Math.fround(-0.01), -1, 1, 0.5, Math.fround(1e-3 / 3), 3e38, -0, 1 / 3];
  for (const n of [1, 6, 4096, 5001, 40003]) {
    const xd = values(n + 2, 3 * n + 1), od = values(n, 5 * n + 2);
    for (const alpha of alphas) {
      const x = view(xd, [n], [1], 2);
      const [ts, wasm] = both((out) => { out.set(od); cpu.axpy(alpha, x, out); }, (out) => { out.set(od); return wasmAxpy(alpha, x, 1, out); }, n);
      assertSameBits(wasm, ts, `axpy alpha=${alpha} n=${n}`);
    }
  }
  // declines: a strided x, a float64 output
  const x = view(values(64, 1), [32], [2]), out = new Float32Array(32).fill(7);
  setWasmThresholds({ minElementwise: 0 });
  try {
    assert.equal(wasmAxpy(2, x, 2, out), false);
    assert.equal(wasmAxpy(2, view(values(32, 1), [32], [1]), 1, new Float64Array(32)), false);
  } finally {
    setWasmThresholds({ minElementwise: 512 });
  }
  assert.deepEqual([...out], new Array(32).fill(7));
});

/** The float32 neighbours (and the value) of v: the boundaries of exp's argument reductions and thresholds. */
function around(v: number): number[] {
  const f = new Float32Array([v]), u = new Uint32Array(f.buffer), out: number[] = [];
  for (const d of [-2, -1, 0, 1, 2]) out.push(new Float32Array(new Uint32Array([u[0]! + d]).buffer)[0]!);
  return out;
}

test("wasm exp, sigmoid and tanh give Math.exp's and Math.tanh's bits (fdlibm in f64x2) over all of float32's ranges", async () => {
  await wasmReady();
  // every 65537th bit pattern (all signs, exponents, NaNs), dense random arguments where the
  // results are neither 0 nor infinity, and the edges of fdlibm's branches and of the kernel's
  // thresholds (|x| = 2^-28, 0.5 ln2, 1.5 ln2; -110, -104 (float32's last subnormal), 88.7, 709;
  // tanh's 1 and 22, and where its expm1 argument 2|x| crosses 0.5 ln2, 1.5 ln2, 20 ln2 and 56 ln2)
  const bits = Uint32Array.from({ length: 65536 }, (_, i) => (i * 65537 + 12345) >>> 0);
  const sampled = new Float32Array(bits.buffer);
  let s = 7;
  const dense = Float32Array.from({ length: 40000 }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 2 ** 32) * 840 - 120;
  });
  const edges = Float32Array.from([2 ** -28, 0.5 * Math.LN2, 1.5 * Math.LN2, 110, 104, 103.97, 88.72, 709, 100, 1, 22, 0.25 * Math.LN2, 0.75 * Math.LN2, 10 * Math.LN2, 28 * Math.LN2].flatMap((v) => [...around(v), ...around(-v)]));
  for (const [name, xd] of [["sampled bit patterns", sampled], ["dense [-120, 720]", dense], ["edges", edges]] as const) {
    for (const op of ["exp", "sigmoid", "tanh"] as UnaryOp[]) {
      const x = view(xd, [xd.length], [1]);
      const [ts, wasm] = both((out) => cpu.unary(op, x, out), (out) => wasmUnary(op, x, 1, out), xd.length);
      assertSameBits(wasm, ts, `${op} ${name}`);
    }
  }
});

test("wasm tanh backward gives the TypeScript kernel's bits on tanh outputs with full mantissas", async () => {
  await wasmReady();
  let s = 11;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 8 - 4;
  const g = Float32Array.from({ length: 20000 }, rand), y = Float32Array.from({ length: 20000 }, () => Math.tanh(rand()));
  y.set([1, -1, 0, -0, NaN, Infinity, 0.99999994, -0.99999994], 0);
  const [ts, wasm] = both((out) => cpu.binary("tanhBackward", view(g, [20000], [1]), view(y, [20000], [1]), out), (out) => wasmBinary("tanhBackward", view(g, [20000], [1]), view(y, [20000], [1]), out), 20000);
  assertSameBits(wasm, ts, "tanhBackward");
});

test("wasm elementwise declines what it does not run, leaving the output untouched", async () => {
  await wasmReady();
  setWasmThresholds({ minElementwise: 0 });
  try {
    const f = values(4096, 3);
    const out = new Float32Array(64).fill(7);
    const declines: [string, () => boolean][] = [
      ["op without a wasm kernel", () => wasmBinary("pow" as BinaryOp, view(f, [64], [1]), view(f, [64], [1]), out)],
      ["rows not a multiple of four", () => wasmBinary("add", view(f, [8, 6], [6, 1]), view(f, [8, 6], [0, 1]), out)],
      ["broadcast in a middle dim", () => wasmBinary("add", view(f, [4, 4, 8], [32, 8, 1]), view(f, [4, 4, 8], [32, 0, 1]), out)],
      ["strided rows", () => wasmBinary("add", view(f, [8, 8], [16, 1]), view(f, [8, 8], [0, 1]), out)],
      ["two scalars", () => wasmBinary("mul", view(f, [64], [0]), view(f, [64], [0]), out)],
      ["float64", () => wasmBinary("add", view(new Float64Array(64) as unknown as Float32Array, [64], [1]), view(f, [64], [1]), out)],
      ["a JS number float32 cannot hold", () => wasmBinary("mul", view(f, [64], [1]), view(new Float64Array([0.1]) as unknown as Float32Array, [64], [0]), out)],
      ["strided unary", () => wasmUnary("neg", view(f, [64], [2]), -1, out)],
      ["unary without a wasm kernel", () => wasmUnary("log" as UnaryOp, view(f, [64], [1]), 1, out)],
    ];
    for (const [what, run] of declines) {
      assert.equal(run(), false, what);
      assert.ok(out.every((v) => v === 7), `${what}: output written`);
    }
    setWasmThresholds({ minElementwise: 512 });
    assert.equal(wasmBinary("add", view(f, [64], [1]), view(f, [64], [1]), out), false, "below the threshold");
  } finally {
    setWasmThresholds({ minElementwise: 512 });
  }
});

test("a JS number operand float32 holds exactly runs on wasm with the TypeScript kernel's bits", async () => {
  await wasmReady();
  const xd = values(4103, 9);
  for (const v of [0.125, -3, NaN, Infinity]) {
    const x = view(xd, [4103], [1]), s = view(new Float64Array([v]) as unknown as Float32Array, [4103], [0]);
    for (const op of WASM_BINARY_OPS) {
      const [ts, wasm] = both((out) => cpu.binary(op, x, s, out), (out) => wasmBinary(op, x, s, out), 4103);
      assertSameBits(wasm, ts, `${op}(x, ${v})`);
      const [ts2, wasm2] = both((out) => cpu.binary(op, s, x, out), (out) => wasmBinary(op, s, x, out), 4103);
      assertSameBits(wasm2, ts2, `${op}(${v}, x)`);
    }
  }
});

test("torch ops on large float32 tensors run on wasm and give the float64 result rounded", async () => {
  await wasmReady();
  const x = torch.tensor(values(512 * 64, 5)).reshape(512, 64);
  const bias = torch.tensor(values(64, 6));
  const col = torch.tensor(values(512, 7)).reshape(512, 1);
  const xs = x.contiguousData() as Float32Array, bs = bias.contiguousData() as Float32Array, cs = col.contiguousData() as Float32Array;
  const checks: [string, torch.Tensor, (i: number, j: number) => number][] = [
    ["x + bias", x.add(bias), (i, j) => xs[i * 64 + j]! + bs[j]!],
    ["x - col", x.sub(col), (i, j) => xs[i * 64 + j]! - cs[i]!],
    ["x / col", x.div(col), (i, j) => xs[i * 64 + j]! / cs[i]!],
    ["x * 0.125", x.mul(0.125), (i, j) => xs[i * 64 + j]! * 0.125],
    ["x * 0.1 (float64 scalar: TypeScript kernel)", x.mul(0.1), (i, j) => xs[i * 64 + j]! * 0.1],
    ["relu(x)", x.relu(), (i, j) => (xs[i * 64 + j]! < 0 ? 0 : xs[i * 64 + j]!)],
    ["sqrt(|x|)", x.abs().sqrt(), (i, j) => Math.sqrt(Math.abs(xs[i * 64 + j]!))],
    ["exp(x)", x.exp(), (i, j) => Math.exp(xs[i * 64 + j]!)],
    ["sigmoid(x)", x.sigmoid(), (i, j) => 1 / (1 + Math.exp(-xs[i * 64 + j]!))],
    ["tanh(x)", x.tanh(), (i, j) => Math.tanh(xs[i * 64 + j]!)],
    ["x ** 2 (the wasm multiply)", x.pow(2), (i, j) => xs[i * 64 + j]! * xs[i * 64 + j]!],
    ["x.T ** 2 (strided: TypeScript)", x.t().pow(2).t(), (i, j) => xs[i * 64 + j]! * xs[i * 64 + j]!],
    ["x ** 3", x.pow(3), (i, j) => Math.fround(xs[i * 64 + j]! * xs[i * 64 + j]!) * xs[i * 64 + j]!],
  ];
  for (const [what, t, f] of checks) {
    const got = t.contiguousData() as Float32Array;
    for (let i = 0; i < 512; i++) {
      for (let j = 0; j < 64; j++) {
        const want = Math.fround(f(i, j));
        if (!Object.is(got[i * 64 + j], want) && !(Number.isNaN(want) && Number.isNaN(got[i * 64 + j]))) assert.fail(`${what} [${i}, ${j}]: ${got[i * 64 + j]} vs ${want}`);
      }
    }
  }
});
