// The wasm convolution kernels (src/backends/wasm/conv.ts, im2col.ts): with an identity
// weight the forward pass is im2col itself and the input gradient is col2im itself, so those
// must equal the TypeScript kernels bit for bit (same float32 sums in the same order); with
// random weights all three products are checked against the TypeScript path in float64,
// within float32 summation error, and the forward bias as the sum without it plus it, rounded
// once. Geometries cover padding, stride, dilation, rectangular
// kernels, several chunks per thread, batches split into groups of images, and 1 and 2
// threads.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { Im2colGeometry } from "../src/backends/backend.ts";
import { col2im, convForward, convInputGrad, convWeightGrad, im2col } from "../src/backends/cpu/conv.ts";
import { setNumThreads, setWasmThresholds, wasmReady } from "../src/backends/wasm/index.ts";
import { wasmConvForward, wasmConvInputGrad, wasmConvWeightGrad } from "../src/backends/wasm/conv.ts";
import { lastJobChunks } from "../src/backends/wasm/pool.ts";
import { windowCount } from "../src/ops/conv.ts";
import { uniformArray as randomArray } from "./xorshift.ts";

// Every job large enough is split, whatever else runs on the machine (pool.ts coresFree).
setWasmThresholds({ checkCoresFree: false });

type Geo = [n: number, c: number, h: number, w: number, kh: number, kw: number, s: [number, number], p: [number, number], d: [number, number]];
const GEOMETRIES: Geo[] = [
  [3, 2, 9, 11, 3, 3, [1, 1], [1, 1], [1, 1]],
  [2, 1, 28, 28, 5, 5, [1, 1], [2, 2], [1, 1]],
  [2, 3, 10, 13, 2, 4, [2, 3], [1, 2], [1, 1]],
  [2, 2, 12, 12, 3, 2, [1, 2], [0, 3], [2, 3]],
  [1, 4, 7, 6, 7, 6, [1, 1], [3, 2], [1, 1]],
  [4, 6, 14, 14, 5, 5, [1, 1], [0, 0], [1, 1]],
  [2, 2, 6, 5, 3, 3, [1, 1], [0, 0], [1, 1]], // rows of three: no four-float copies
  [2, 2, 9, 9, 3, 3, [2, 1], [4, 1], [1, 1]], // padding taller than the kernel: whole rows of zeros
  [2, 1, 12, 20, 3, 13, [1, 1], [1, 6], [1, 1]], // six zeros at a row's ends for the outer taps, at most four inside
  [2, 3, 3, 5, 3, 3, [1, 1], [0, 0], [1, 1]], // output planes of three floats: reordered one float at a time
  // columns of several hundred KiB: the forward pass runs in groups of images (2 + 1, and 1 each)
  [3, 3, 40, 40, 3, 3, [1, 1], [1, 1], [1, 1]],
  [3, 2, 64, 64, 3, 3, [1, 1], [1, 1], [1, 1]],
  // five groups of two images (the last of one) over four lanes: lane 0 runs two groups
  [9, 3, 40, 40, 3, 3, [1, 1], [1, 1], [1, 1]],
  // output planes under 64 floats in two groups (four images and one): the weight gradient's
  // g regrouped as [O, G*L] rows per group, the groups on two lanes
  [5, 96, 7, 7, 3, 3, [1, 1], [0, 0], [1, 1]],
];

function geometry([n, c, h, w, kh, kw, [sh, sw], [ph, pw], [dh, dw]]: Geo): Im2colGeometry {
  return { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh: windowCount(h, kh, sh, ph, dh), ow: windowCount(w, kw, sw, pw, dw) };
}

const f64 = (a: Float32Array) => Float64Array.from(a);
const abs64 = (a: Float32Array) => Float64Array.from(a, Math.abs);

/** |got - want| <= len * 2^-22 * mag + tiny, elementwise (float32 summation of len terms). */
function assertClose(got: Float32Array, want: Float64Array, mag: Float64Array, len: number, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    const tol = len * 2 ** -22 * mag[i]! + 1e-30;
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) assert.fail(`${what}[${i}] = ${got[i]}, want ${want[i]} (tolerance ${tol})`);
  }
}

test("wasm conv kernels: im2col and col2im equal the TypeScript kernels exactly; the three products match float64", async () => {
  await wasmReady();
  setWasmThresholds({ minWork: 0, minMatrixWork: 0, minConvWorkPerThread: 1 });
  try {
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      for (const [gi, geo] of GEOMETRIES.entries()) {
        const g = geometry(geo);
        const what = `geometry ${gi} (${threads} thread${threads > 1 ? "s" : ""})`;
        const K = g.c * g.kh * g.kw, L = g.oh * g.ow, image = g.n * g.c * g.h * g.w;
        const x = randomArray(image, 11 + gi);

        // identity weight [K, K]: forward = im2col, input gradient = col2im
        const eye = new Float32Array(K * K);
        for (let i = 0; i < K; i++) eye[i * K + i] = 1;
        const cols = new Float32Array(g.n * K * L);
        im2col(x, g, 0, cols);
        const fwd = new Float32Array(g.n * K * L);
        assert.ok(wasmConvForward(x, eye, null, g, K, fwd), `${what}: wasm forward declined`);
        // on two threads one chunk per lane, up to four lanes (a lane runs every fourth group
        // of images, each group's im2col and GEMM together): the big geometries make several
        // groups, which the threads share; on one thread the groups run in turn, each sub-job
        // a job of its own (groups of G images whose columns fit 96K floats)
        const chunks = lastJobChunks().total;
        const groups = Math.ceil(g.n / Math.max(1, Math.min(g.n, Math.floor((96 * 1024) / (K * L)))));
        if (threads > 1 && groups > 1) assert.equal(chunks, Math.min(groups, 4), `${what}: one chunk per lane`);
        else assert.ok(chunks > 0, `${what}: no job ran`);
        assert.deepEqual(fwd, cols, `${what}: wasm im2col differs from the TypeScript im2col`);
        const up = randomArray(g.n * K * L, 5 + gi);
        const img = new Float32Array(image);
        col2im(up, g, img);
        const back = new Float32Array(image);
        assert.ok(wasmConvInputGrad(up, eye, g, K, back), `${what}: wasm input grad declined`);
        assert.deepEqual(back, img, `${what}: wasm col2im differs from the TypeScript col2im`);

        // random weights against the float64 TypeScript path (wasm declines float64)
        for (const O of [1, 5, 9]) {
          const w = randomArray(O * K, 7 + O), gy = randomArray(g.n * O * L, 3 + O);
          const out = new Float32Array(g.n * O * L), ref = new Float64Array(g.n * O * L), mag = new Float64Array(g.n * O * L);
          const bias = randomArray(O, 9 + O);
          assert.ok(wasmConvForward(x, w, bias, g, O, out));
          convForward(f64(x), f64(w), f64(bias), g, O, ref);
          convForward(abs64(x), abs64(w), abs64(bias), g, O, mag);
          assertClose(out, ref, mag, K + 1, `${what}, O=${O}: forward with bias`);
          const withBias = out.slice();
          assert.ok(wasmConvForward(x, w, null, g, O, out));
          convForward(f64(x), f64(w), null, g, O, ref);
          convForward(abs64(x), abs64(w), null, g, O, mag);
          assertClose(out, ref, mag, K, `${what}, O=${O}: forward`);
          // the bias rides in the product as its last term: the float32 sum, then + bias, rounded
          for (let i = 0; i < out.length; i++) {
            const want = Math.fround(out[i]! + bias[Math.floor(i / L) % O]!);
            if (!Object.is(withBias[i], want)) assert.fail(`${what}, O=${O}: forward with bias [${i}] = ${withBias[i]}, want ${want} (the sum without it, plus it)`);
          }

          const dx = new Float32Array(image), dxRef = new Float64Array(image), dxMag = new Float64Array(image);
          assert.ok(wasmConvInputGrad(gy, w, g, O, dx));
          convInputGrad(f64(gy), f64(w), g, O, dxRef);
          convInputGrad(abs64(gy), abs64(w), g, O, dxMag);
          assertClose(dx, dxRef, dxMag, O * K, `${what}, O=${O}: input grad`);

          const dw = new Float32Array(O * K), dwRef = new Float64Array(O * K), dwMag = new Float64Array(O * K);
          assert.ok(wasmConvWeightGrad(x, gy, g, O, dw));
          convWeightGrad(f64(x), f64(gy), g, O, dwRef);
          convWeightGrad(abs64(x), abs64(gy), g, O, dwMag);
          assertClose(dw, dwRef, dwMag, g.n * L, `${what}, O=${O}: weight grad`);
        }
      }
    }
  } finally {
    setWasmThresholds({ minWork: 16 * 16 * 16, minMatrixWork: 16 * 16 * 16, minConvWorkPerThread: 256 * 256 * 256 });
    setNumThreads(1);
  }
});

test("wasm conv kernels decline float64 and leave the output untouched", async () => {
  await wasmReady();
  const g = geometry([2, 2, 8, 8, 3, 3, [1, 1], [1, 1], [1, 1]]);
  const out = new Float64Array(2 * 4 * 64).fill(7);
  assert.equal(wasmConvForward(new Float64Array(2 * 2 * 64), new Float64Array(4 * 18), null, g, 4, out), false);
  assert.ok(out.every((v) => v === 7));
});
