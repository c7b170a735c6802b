// The wasm 2x2 / stride-2 max pooling (src/backends/wasm/maxPool.ts): values and indices equal
// the TypeScript kernel's on random planes full of ties, NaNs, +-inf and -0 (the first of equal
// values wins, the last NaN wins), for widths whose output rows are not a multiple of four and
// odd heights and widths (the last input row or column unused); and its declines.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { maxPool2d } from "../src/backends/cpu/pool.ts";
import type { Im2colGeometry } from "../src/backends/backend.ts";
import { setWasmThresholds, wasmReady } from "../src/backends/wasm/index.ts";
import { wasmMaxPool2x2 } from "../src/backends/wasm/maxPoolPlanes.ts";
import { mixedArray } from "./xorshift.ts";

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, 1, 1];

/** One in five a special value, else small integers: many ties. */
const planes = (count: number, seed: number) => mixedArray(count, seed, SPECIAL, 0.2, (u) => Math.round(u * 6) - 3);

const geometry = (n: number, h: number, w: number, k = 2, s = 2): Im2colGeometry =>
  ({ n, c: 1, h, w, kh: k, kw: k, sh: s, sw: s, ph: 0, pw: 0, dh: 1, dw: 1, oh: Math.floor((h - k) / s) + 1, ow: Math.floor((w - k) / s) + 1 });

test("wasm 2x2 max pooling gives the TypeScript kernel's values and indices", async () => {
  await wasmReady();
  for (const [n, h, w] of [[3, 28, 28], [2, 10, 10], [4, 7, 9], [1, 2, 2], [5, 12, 30]] as const) {
    const g = geometry(n, h, w), L = g.oh * g.ow;
    const x = planes(n * h * w, n * 100 + h * 10 + w);
    const v = new Float32Array(n * L), i = new Int32Array(n * L), vTs = new Float32Array(n * L), iTs = new Int32Array(n * L);
    setWasmThresholds({ minElementwise: 0 });
    try {
      assert.ok(wasmMaxPool2x2(x, g, v, i), `[${n}, ${h}, ${w}] declined`);
      setWasmThresholds({ minElementwise: Infinity });
      maxPool2d(x, g, vTs, iTs);
    } finally {
      setWasmThresholds({ minElementwise: 512 });
    }
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
