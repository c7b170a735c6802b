// The gradient of softmax and log-softmax on the wasm kernel (src/backends/wasm/softmax.ts,
// BACKWARD): against the same formulas in float64 on the same float32 inputs, within the
// rounding of a float32 computation, at row lengths that are multiples of four and not;
// on masked (-inf / 0) positions and NaN; through torch.autograd on 1 and 2 threads (rows
// split between threads); and its declines.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as torch from "../src/index.ts";
import { setNumThreads, setWasmThresholds, wasmReady } from "../src/backends/wasm/index.ts";
import { wasmSoftmax, wasmSoftmaxBackward } from "../src/backends/wasm/softmaxRows.ts";
import { startTwoThreads, workerChunks } from "./wasmWorkers.ts";
import { uniformArray as randomArray } from "./xorshift.ts";

setWasmThresholds({ checkCoresFree: false });
const U = 2 ** -24;

/**
 * The gradient in float64 from float32 y and g, and per element the tolerance of the float32
 * kernel: its sum over the row in four lanes is off by up to (r/4 + 2) ulp of the sum of the
 * terms' magnitudes; softmax then rounds g - s and the product, log-softmax rounds exp(y)
 * (Cephes' expf, 2 ulp), the product and the difference.
 */
function reference(y: Float32Array, g: Float32Array, rows: number, r: number, log: boolean): { want: Float64Array; tol: Float64Array } {
  const want = new Float64Array(y.length), tol = new Float64Array(y.length);
  for (let o = 0; o < rows; o++) {
    let s = 0, mag = 0;
    for (let i = o * r; i < (o + 1) * r; i++) {
      const t = log ? g[i]! : g[i]! * y[i]!;
      s += t;
      mag += Math.abs(t);
    }
    const es = (r / 4 + 2) * U * mag;
    for (let i = o * r; i < (o + 1) * r; i++) {
      if (log) {
        const e = Math.exp(y[i]!);
        want[i] = g[i]! - e * s;
        tol[i] = e * es + 3 * U * e * Math.abs(s) + U * Math.abs(want[i]!) + 1e-44;
      } else {
        want[i] = (g[i]! - s) * y[i]!;
        tol[i] = Math.abs(y[i]!) * (es + 2 * U * Math.abs(g[i]! - s)) + U * Math.abs(want[i]!) + 1e-44;
      }
    }
  }
  return { want, tol };
}

const SHAPES = [[1, 4], [37, 64], [16, 68], [300, 8], [3, 1024], [5, 1], [9, 2], [40, 3], [33, 65], [7, 1027], [64, 10]] as const;

for (const log of [false, true]) {
  const what = log ? "log-softmax" : "softmax";
  test(`wasm ${what} gradient matches float64 within float32 rounding, at any row length`, async () => {
    await wasmReady();
    setWasmThresholds({ minSoftmaxElements: 0 });
    try {
      for (const [rows, r] of SHAPES) {
        // y: a real (log-)softmax output of scaled logits
        const x = randomArray(rows * r, rows * 7 + r, 8), y = new Float32Array(x.length);
        assert.ok(wasmSoftmax(x, rows, r, y, log));
        const g = randomArray(rows * r, rows * 13 + r + 1, 3);
        const got = new Float32Array(x.length);
        assert.ok(wasmSoftmaxBackward(y, g, rows, r, got, log), "declined");
        const { want, tol } = reference(y, g, rows, r, log);
        for (let i = 0; i < x.length; i++) {
          if (!(Math.abs(got[i]! - want[i]!) <= tol[i]!)) assert.fail(`${what} [${rows}x${r}] element ${i}: ${got[i]} vs ${want[i]} (tolerance ${tol[i]})`);
        }
      }
    } finally {
      setWasmThresholds({ minSoftmaxElements: 4096 });
    }
  });
}

test("wasm softmax gradients at masked positions and NaN, rows of 7 (a partial last vector)", async () => {
  await wasmReady();
  const g = Float32Array.from([0.5, -1, 2, 0.25, 3, -2, 1, /**/ 1, 2, NaN, 4, 5, 6, 7, /**/ 1, -1, 2, -2, 3, -3, 0.5]);
  // softmax outputs with masked positions (exact 0), and log-softmax outputs with -inf there
  const y = Float32Array.from([0.25, 0, 0.5, 0, 0.125, 0.125, 0, /**/ 0.1, 0.2, 0.3, 0.1, 0.1, 0.1, 0.1, /**/ 0.5, 0, 0, 0.25, 0.25, 0, 0]);
  const ly = y.map((v) => Math.log(v));
  const got = new Float32Array(21), gotLog = new Float32Array(21);
  setWasmThresholds({ minSoftmaxElements: 0 });
  try {
    assert.ok(wasmSoftmaxBackward(y, g, 3, 7, got, false));
    assert.ok(wasmSoftmaxBackward(ly, g, 3, 7, gotLog, true));
  } finally {
    setWasmThresholds({ minSoftmaxElements: 4096 });
  }
  // a masked position's gradient is exactly 0 (softmax) or g itself (log-softmax: exp(-inf) = 0)
  for (const i of [1, 3, 6, 15, 16, 19, 20]) {
    assert.ok(Object.is(got[i], 0) || Object.is(got[i], -0), `softmax masked ${i}: ${got[i]}`);
    assert.equal(gotLog[i], g[i], `log-softmax masked ${i}`);
  }
  // a NaN upstream gradient makes its row's sum, and so the whole row, NaN
  for (let i = 7; i < 14; i++) assert.ok(Number.isNaN(got[i]!) && Number.isNaN(gotLog[i]!), `row 1 position ${i - 7}`);
  for (const [out, log] of [[got, false], [gotLog, true]] as const) {
    for (const o of [0, 2]) {
      const { want, tol } = reference(log ? ly.subarray(o * 7, o * 7 + 7) : y.subarray(o * 7, o * 7 + 7), g.subarray(o * 7, o * 7 + 7), 1, 7, log);
      for (let i = 0; i < 7; i++) assert.ok(Math.abs(out[o * 7 + i]! - want[i]!) <= tol[i]!, `${log ? "log-" : ""}softmax row ${o} position ${i}: ${out[o * 7 + i]} vs ${want[i]}`);
    }
  }
});

test("softmax and logSoftmax gradients over rows of 65 take the wasm kernel on 1 and 2 threads and agree with the float64 path", async () => {
  await wasmReady();
  torch.manualSeed(21);
  // 4099 rows of 65: over 2^18 elements, so the job is shared, and chunks end mid-vector
  const x = torch.randn([4099, 65]).mul(4).requiresGrad_(), g = torch.randn([4099, 65]);
  for (const log of [false, true]) {
    const f = (t: torch.Tensor) => (log ? t.logSoftmax(-1) : t.softmax(-1));
    const y = f(x);
    const { want, tol } = reference(y.detach().contiguousData() as Float32Array, g.contiguousData() as Float32Array, 4099, 65, log);
    for (const threads of [1, 2]) {
      if (threads === 1) setNumThreads(1);
      else await startTwoThreads();
      let gx: torch.Tensor | null = null;
      const split = workerChunks(() => { [gx] = torch.autograd.grad([y], [x], { gradOutputs: [g], retainGraph: true }); });
      if (threads === 1) assert.equal(split, 0, "one thread: no worker");
      else assert.ok(split > 0, "two threads: the worker ran some of the rows");
      const got = gx!.contiguousData() as Float32Array;
      for (let i = 0; i < got.length; i++) if (!(Math.abs(got[i]! - want[i]!) <= tol[i]!)) assert.fail(`${log ? "log" : ""}softmax gradient, ${threads} threads, element ${i}: ${got[i]} vs ${want[i]}`);
    }
  }
  setNumThreads(1);
});

test("wasm softmax gradient declines float64 and small inputs", async () => {
  await wasmReady();
  assert.equal(wasmSoftmaxBackward(new Float64Array(8192), new Float64Array(8192), 128, 64, new Float64Array(8192), false), false);
  assert.equal(wasmSoftmaxBackward(new Float32Array(8192), new Float64Array(8192), 128, 64, new Float32Array(8192), true), false);
  assert.equal(wasmSoftmaxBackward(new Float32Array(64), new Float32Array(64), 1, 64, new Float32Array(64), false), false);
  assert.equal(wasmSoftmaxBackward(new Float32Array(65 * 100), new Float32Array(65 * 100), 100, 65, new Float32Array(65 * 100), true), true, "rows of any length are taken");
});
