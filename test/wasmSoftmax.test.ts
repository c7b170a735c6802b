// The wasm softmax and log-softmax (src/backends/wasm/softmax.ts): against both computed in
// float64 on random rows of several lengths (multiples of four and not) and scales (within
// float32 rounding), and on the special rows PyTorch defines: -inf and -1e9 (masked)
// positions give exactly 0 (log-softmax: -inf, and about -1e9), a NaN or an inf makes the
// whole row NaN, an all -inf row is NaN. Also through torch.softmax and torch.logSoftmax on 1
// and 2 threads (rows split between threads at odd lengths too), and its declines.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as torch from "../src/index.ts";
import { setNumThreads, setWasmThresholds, wasmReady } from "../src/backends/wasm/index.ts";
import { wasmSoftmax } from "../src/backends/wasm/softmaxRows.ts";
import { startTwoThreads, workerChunks } from "./wasmWorkers.ts";
import { uniformArray as randomArray } from "./xorshift.ts";

// Every job large enough is split, whatever else runs on the machine (pool.ts coresFree).
setWasmThresholds({ checkCoresFree: false });

/** The max of row o and the float64 sum of exp(x - max) over it. */
function rowStats(x: Float32Array, o: number, r: number): [number, number] {
  let m = -Infinity;
  for (let i = 0; i < r; i++) m = Math.max(m, x[o * r + i]!);
  let s = 0;
  for (let i = 0; i < r; i++) s += Math.exp(x[o * r + i]! - m);
  return [m, s];
}

/**
 * Softmax in float64, and per element the tolerance of a float32 computation: x - max is
 * rounded to float32 (relative 2^-24, so exp(x - max) is off by up to |x - max| * 2^-24
 * relative, as in any float32 softmax), plus the float32 sum of the row's positive terms in
 * four lanes (each lane r/4 adds, then the lanes combined: up to (r/4 + 2) * 2^-24 relative),
 * and a few ulp for exp, the reciprocal and the scaling. (A flat 5e-7 for the last two had
 * failed once in ~10 runs on unseeded rows of 64: 5.2e-7 relative at an element of 0.998.)
 */
function reference(x: Float32Array, rows: number, r: number): Float64Array {
  const out = new Float64Array(x.length);
  tolerance = new Float64Array(x.length);
  for (let o = 0; o < rows; o++) {
    const [m, s] = rowStats(x, o, r);
    for (let i = 0; i < r; i++) {
      out[o * r + i] = Math.exp(x[o * r + i]! - m) / s;
      tolerance[o * r + i] = (2 ** -24 * (r / 4 + 2) + 3.6e-7 + 2 ** -24 * Math.abs(x[o * r + i]! - m)) * out[o * r + i]! + 1.7e-38; // e^-87: below it the kernel flushes to 0
    }
  }
  return out;
}
let tolerance = new Float64Array(0);

/**
 * Log-softmax in float64, and per element the tolerance of the float32 computation (x - max)
 * - log(sum): x - max rounded (half an ulp of it), log of a float32 sum of exps that is off by
 * up to (r/4 + 4) * 2^-24 relative (an absolute error of that in the log), the logf itself
 * (an ulp of log(sum)), and the last subtraction's rounding (half an ulp of the result).
 */
function logReference(x: Float32Array, rows: number, r: number): Float64Array {
  const out = new Float64Array(x.length);
  tolerance = new Float64Array(x.length);
  for (let o = 0; o < rows; o++) {
    const [m, s] = rowStats(x, o, r);
    const ls = Math.log(s);
    for (let i = 0; i < r; i++) {
      const d = x[o * r + i]! - m;
      out[o * r + i] = d - ls;
      tolerance[o * r + i] = 2 ** -24 * (Math.abs(d) + 2 * ls + r / 4 + 4 + Math.abs(d - ls));
    }
  }
  return out;
}

const SHAPES = [[1, 4], [37, 64], [16, 68], [300, 8], [3, 1024], [5, 1], [9, 2], [40, 3], [33, 65], [7, 1027], [64, 10]] as const;

for (const log of [false, true]) {
  const what = log ? "log-softmax" : "softmax";
  test(`wasm ${what} matches float64 ${what} within float32 rounding, at any row length`, async () => {
    await wasmReady();
    for (const [rows, r] of SHAPES) {
      for (const scale of [1, 10, 60]) {
        const x = randomArray(rows * r, rows * (log ? 17 : 31) + r + scale, scale);
        const got = new Float32Array(x.length);
        setWasmThresholds({ minSoftmaxElements: 0 });
        assert.ok(wasmSoftmax(x, rows, r, got, log), "declined");
        setWasmThresholds({ minSoftmaxElements: 4096 });
        // softmax: values below ~e^-87 of the row's max are flushed to 0 (float32 subnormals)
        const want = log ? logReference(x, rows, r) : reference(x, rows, r);
        for (let i = 0; i < x.length; i++) {
          if (!(Math.abs(got[i]! - want[i]!) <= tolerance[i]!)) assert.fail(`${what} [${rows}x${r}, scale ${scale}] element ${i}: ${got[i]} vs ${want[i]}`);
        }
      }
    }
  });
}

test("wasm softmax on masked and non-finite rows", async () => {
  await wasmReady();
  const rows = [
    [1, 2, -Infinity, 3, -1e9, 0.5, -Infinity, -Infinity],
    [NaN, 1, 2, 3, 4, 5, 6, 7],
    [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
    [Infinity, 1, 2, 3, 4, 5, 6, 7],
    [0, -200, -90, -86, 0, 0, 0, 0],
  ];
  const x = Float32Array.from(rows.flat());
  const got = new Float32Array(x.length);
  setWasmThresholds({ minSoftmaxElements: 0 });
  try {
    assert.ok(wasmSoftmax(x, rows.length, 8, got));
  } finally {
    setWasmThresholds({ minSoftmaxElements: 4096 });
  }
  const row = (i: number) => Array.from(got.subarray(i * 8, i * 8 + 8));
  const want0 = reference(x.subarray(0, 8), 1, 8);
  row(0).forEach((v, i) => {
    if (!Number.isFinite(x[i]!) || x[i]! < -1e8) assert.equal(v, 0, `masked position ${i}`);
    else assert.ok(Math.abs(v - want0[i]!) <= tolerance[i]!, `position ${i}: ${v} vs ${want0[i]}`);
  });
  for (const i of [1, 2, 3]) assert.ok(row(i).every(Number.isNaN), `row ${i} should be all NaN: ${row(i)}`);
  const r4 = row(4);
  assert.equal(r4[1], 0);
  assert.equal(r4[2], 0); // e^-90 is a float32 subnormal: flushed
  assert.ok(Math.abs(r4[3]! - Math.exp(-86) / (5 + Math.exp(-86))) <= 1e-6 * Math.exp(-86) / 5);
});

test("wasm log-softmax on masked and non-finite rows, rows of 7 (a partial last vector)", async () => {
  await wasmReady();
  const rows = [
    [1, 2, -Infinity, 3, -1e9, 0.5, -Infinity],
    [1, 2, 3, 4, 5, 6, NaN],
    [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
    [1, 2, 3, 4, 5, 6, Infinity],
    [0, -200, -90, -86, 0, 0, 0],
  ];
  const x = Float32Array.from(rows.flat());
  const got = new Float32Array(x.length);
  setWasmThresholds({ minSoftmaxElements: 0 });
  try {
    assert.ok(wasmSoftmax(x, rows.length, 7, got, true));
  } finally {
    setWasmThresholds({ minSoftmaxElements: 4096 });
  }
  const row = (i: number) => Array.from(got.subarray(i * 7, i * 7 + 7));
  const want0 = logReference(x.subarray(0, 7), 1, 7);
  row(0).forEach((v, i) => {
    if (x[i] === -Infinity) assert.equal(v, -Infinity, `masked position ${i}`);
    else assert.ok(Math.abs(v - want0[i]!) <= tolerance[i]!, `position ${i}: ${v} vs ${want0[i]}`);
  });
  for (const i of [1, 2, 3]) assert.ok(row(i).every(Number.isNaN), `row ${i} should be all NaN: ${row(i)}`);
  const want4 = logReference(x.subarray(28, 35), 1, 7);
  row(4).forEach((v, i) => assert.ok(Math.abs(v - want4[i]!) <= tolerance[i]!, `row 4, position ${i}: ${v} vs ${want4[i]}`));
});

test("torch.softmax over the last dim takes the wasm kernel on 1 and 2 threads and agrees with the float64 path", async () => {
  await wasmReady();
  torch.manualSeed(11);
  const x = torch.randn([16, 4, 64, 64]).mul(3);
  const want = x.to("float64").softmax(-1);
  reference(x.contiguousData() as Float32Array, 16 * 4 * 64, 64);
  for (const threads of [1, 2]) {
    setNumThreads(threads);
    const got = x.softmax(-1);
    const g = got.contiguousData() as Float32Array, w = want.contiguousData() as Float64Array;
    for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i]! - w[i]!) <= tolerance[i]!, `element ${i}: ${g[i]} vs ${w[i]}`);
  }
  setNumThreads(1);
});

test("torch.logSoftmax and softmax over rows of 65 take the wasm kernel on 1 and 2 threads (rows split between them) and agree with float64", async () => {
  await wasmReady();
  torch.manualSeed(12);
  // 4099 rows of 65: over 2^18 elements, so the job is shared, and chunks end mid-vector
  const x = torch.randn([4099, 65]).mul(4);
  const xs = x.contiguousData() as Float32Array;
  for (const log of [false, true]) {
    const want = log ? logReference(xs, 4099, 65) : reference(xs, 4099, 65);
    for (const threads of [1, 2]) {
      if (threads === 1) setNumThreads(1);
      else await startTwoThreads();
      let y = x;
      const split = workerChunks(() => { y = log ? x.logSoftmax(-1) : x.softmax(-1); });
      if (threads === 1) assert.equal(split, 0, "one thread: no worker");
      else assert.ok(split > 0, "two threads: the worker ran some of the rows");
      const g = y.contiguousData() as Float32Array;
      for (let i = 0; i < g.length; i++) if (!(Math.abs(g[i]! - want[i]!) <= tolerance[i]!)) assert.fail(`${log ? "log" : ""}softmax, ${threads} threads, element ${i}: ${g[i]} vs ${want[i]}`);
    }
  }
  setNumThreads(1);
});

test("wasm softmax declines float64 and small inputs", async () => {
  await wasmReady();
  assert.equal(wasmSoftmax(new Float64Array(8192), 128, 64, new Float64Array(8192)), false);
  assert.equal(wasmSoftmax(new Float64Array(8192), 128, 64, new Float64Array(8192), true), false);
  assert.equal(wasmSoftmax(new Float32Array(64), 1, 64, new Float32Array(64)), false);
  assert.equal(wasmSoftmax(new Float32Array(65 * 100), 100, 65, new Float32Array(65 * 100)), true, "rows of any length are taken");
});
