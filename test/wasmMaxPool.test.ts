// The wasm 2x2 / stride-2 max pooling (src/backends/wasm/maxPool.ts): values and indices equal
// the TypeScript kernel's on random planes full of ties, NaNs, +-inf and -0 (the first of equal
// values wins, the last NaN wins), for widths whose output rows are not a multiple of four and
// odd heights and widths (the last input row or column unused); and its declines. Its gradient
// equals the TypeScript scatter into zeros bit for bit (-0 gradients become +0 in both).
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { maxPool2d, maxPool2dBackward } from "../src/backends/cpu/pool.ts";
import type { Im2colGeometry } from "../src/backends/backend.ts";
import { setWasmThresholds, wasmReady } from "../src/backends/wasm/index.ts";
import { wasmMaxPool2x2, wasmMaxPool2x2Backward } from "../src/backends/wasm/maxPoolPlanes.ts";
import { mixedArray } from "./xorshift.ts";

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, 1, 1];

/** One in five a special value, else small integers: many ties. */
const planes = (count: number, seed: number) => mixedArray(count, seed, SPECIAL, 0.2, (u) => Math.round(u * 6) - 3);

const geometry = (n: number, h: number, w: number, k = 2, s = 2): Im2colGeometry =>
  ({ n, c: 1, h, w, kh: k, kw: k, sh: s, sw: s, ph: 0, pw: 0, dh: 1, dw: 1, oh: Math.floor((h - k) / s) + 1, ow: Math.floor((w - k) / s) + 1 });

/** Runs the wasm function with its threshold off (it must not decline), then the TypeScript kernel with wasm off. */
function wasmThenTypeScript(wasm: () => boolean, typescript: () => void, what: string): void {
  setWasmThresholds({ minElementwise: 0 });
  try {
    assert.ok(wasm(), `${what} declined`);
    setWasmThresholds({ minElementwise: Infinity });
    typescript();
  } finally {
    setWasmThresholds({ minElementwise: 512 });
  }
}

test("wasm 2x2 max pooling gives the TypeScript kernel's values and indices", async () => {
  await wasmReady();
  for (const [n, h, w] of [[3, 28, 28], [2, 10, 10], [4, 7, 9], [1, 2, 2], [5, 12, 30]] as const) {
    const g = geometry(n, h, w), L = g.oh * g.ow;
    const x = planes(n * h * w, n * 100 + h * 10 + w);
    const v = new Float32Array(n * L), i = new Int32Array(n * L), vTs = new Float32Array(n * L), iTs = new Int32Array(n * L);
    wasmThenTypeScript(() => wasmMaxPool2x2(x, g, v, i), () => maxPool2d(x, g, vTs, iTs), `[${n}, ${h}, ${w}]`);
    for (let k = 0; k < n * L; k++) {
      if (!Object.is(v[k], vTs[k]) || i[k] !== iTs[k]) assert.fail(`[${n}, ${h}, ${w}] output ${k}: ${v[k]} at ${i[k]}, TypeScript ${vTs[k]} at ${iTs[k]}`);
    }
  }
});

test("wasm max pooling declines other windows, float64 and small inputs", async () => {
  await wasmReady();
  const x = planes(4 * 16 * 16, 7), out = new Float32Array(4 * 64).fill(5), idx = new Int32Array(4 * 64);
  setWasmThresholds({ minElementwise: 0 });
  try {
    assert.equal(wasmMaxPool2x2(x, geometry(4, 16, 16, 3, 2), out, idx), false, "3x3 window");
    assert.equal(wasmMaxPool2x2(x, geometry(4, 16, 16, 2, 1), out, idx), false, "stride 1");
    assert.equal(wasmMaxPool2x2(new Float64Array(x) as unknown as Float32Array, geometry(4, 16, 16), out, idx), false, "float64");
    setWasmThresholds({ minElementwise: 512 });
    assert.equal(wasmMaxPool2x2(x.subarray(0, 64), geometry(1, 8, 8), out, idx), false, "below the threshold");
    assert.ok(out.every((v) => v === 5), "declines leave the output untouched");
  } finally {
    setWasmThresholds({ minElementwise: 512 });
  }
});

test("wasm 2x2 max pooling's gradient equals the TypeScript scatter bit for bit", async () => {
  await wasmReady();
  // output widths 14 and 8 (four at a time only), 5 and 15 (a one-at-a-time tail), 1 (tail only)
  for (const [n, h, w] of [[3, 28, 28], [2, 8, 16], [2, 10, 10], [5, 12, 30], [6, 2, 2]] as const) {
    const g = geometry(n, h, w), L = g.oh * g.ow;
    const x = planes(n * h * w, n * 100 + h * 10 + w);
    const v = new Float32Array(n * L), idx = new Int32Array(n * L);
    maxPool2d(x, g, v, idx);
    const gy = planes(n * L, n * 7 + w); // gradients with NaN, +-inf and -0 among them
    const out = new Float32Array(n * h * w).fill(7), outTs = new Float32Array(n * h * w);
    wasmThenTypeScript(() => wasmMaxPool2x2Backward(gy, idx, g, out), () => maxPool2dBackward(gy, idx, g, outTs), `[${n}, ${h}, ${w}]`);
    let nonzero = 0;
    for (let k = 0; k < n * h * w; k++) {
      if (!Object.is(out[k], outTs[k])) assert.fail(`[${n}, ${h}, ${w}] input ${k}: ${out[k]}, TypeScript ${outTs[k]}`);
      if (outTs[k] !== 0) nonzero++;
    }
    // every window's gradient landed somewhere (gy's zeros aside), and -0 became +0 as 0 + g does
    assert.equal(nonzero, gy.filter((t) => t !== 0).length, `[${n}, ${h}, ${w}] gradients placed`);
    assert.ok(!out.some((t) => Object.is(t, -0)), "no -0 in the gradient");
  }
});

test("wasm max pooling's gradient declines odd planes, other windows, float64 and small inputs", async () => {
  await wasmReady();
  const gy = planes(4 * 64, 3), idx = new Int32Array(4 * 64), out = new Float32Array(4 * 17 * 17).fill(5);
  setWasmThresholds({ minElementwise: 0 });
  try {
    assert.equal(wasmMaxPool2x2Backward(gy, idx, geometry(4, 17, 17), out), false, "odd height and width");
    assert.equal(wasmMaxPool2x2Backward(gy, idx, geometry(4, 16, 17), out), false, "odd width");
    assert.equal(wasmMaxPool2x2Backward(gy, idx, geometry(4, 17, 16, 3, 2), out), false, "3x3 window");
    assert.equal(wasmMaxPool2x2Backward(new Float64Array(gy) as unknown as Float32Array, idx, geometry(4, 16, 16), out), false, "float64");
    setWasmThresholds({ minElementwise: 512 });
    assert.equal(wasmMaxPool2x2Backward(gy.subarray(0, 16), idx, geometry(1, 8, 8), out), false, "below the threshold");
    assert.ok(out.every((v) => v === 5), "declines leave the output untouched");
  } finally {
    setWasmThresholds({ minElementwise: 512 });
  }
});
