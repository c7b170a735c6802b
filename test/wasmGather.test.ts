// The wasm row gather behind .contiguous() (src/backends/wasm/gatherRows.ts): permuted,
// sliced and broadcast float32 views come out element for element as the TypeScript copy
// gives them (values with NaN, +-inf and -0), and it declines what it does not handle,
// leaving the output to the TypeScript loop.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as torch from "../src/index.ts";
import type { StridedView } from "../src/backends/backend.ts";
import { setWasmThresholds, wasmReady } from "../src/backends/wasm/index.ts";
import { wasmGatherRows } from "../src/backends/wasm/gatherRows.ts";
import { mixedArray } from "./xorshift.ts";

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0];
const data = (n: number, seed: number) => mixedArray(n, seed, SPECIAL, 0.1, (u) => u * 8 - 4);

/** The view's elements in row-major order, read one by one. */
function reference(v: StridedView): Float32Array {
  const n = v.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const idx = new Array<number>(v.shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = v.offset;
    for (let d = 0; d < v.shape.length; d++) off += idx[d]! * v.strides[d]!;
    out[i] = (v.data as Float32Array)[off]!;
    for (let d = v.shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < v.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function same(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${what}: element ${i} is ${got[i]}, want ${want[i]}`);
}

test("wasm row gather: permuted, sliced and broadcast views, element for element", async () => {
  await wasmReady();
  const x = data(2 * 5 * 6 * 8 + 7, 3);
  const views: [string, StridedView][] = [
    // [B, T, H, d] stored, read as [B, H, T, d] (attention heads), rows of 8
    ["heads", { data: x, shape: [2, 6, 5, 8], strides: [240, 8, 48, 1], offset: 3 }],
    // the same with rows of 5 (the last four overlap) and of 4
    ["rows of 5", { data: x, shape: [3, 7, 5], strides: [35, 5 * 3, 1], offset: 0 }],
    ["rows of 4", { data: x, shape: [4, 6, 4], strides: [4, 16, 1], offset: 1 }],
    // a slice: every other row of a [12, 32] matrix
    ["slice", { data: x, shape: [6, 32], strides: [64, 1], offset: 0 }],
    // a row repeated (stride 0) and a four-level permutation
    ["broadcast", { data: x, shape: [3, 9, 12], strides: [0, 12, 1], offset: 5 }],
    ["4-d", { data: x, shape: [2, 3, 4, 10], strides: [240, 10, 60, 1], offset: 0 }],
  ];
  setWasmThresholds({ minElementwise: 0 });
  try {
    for (const [what, v] of views) {
      const n = v.shape.reduce((a, b) => a * b, 1);
      const out = new Float32Array(n + 3).fill(42);
      assert.ok(wasmGatherRows(v, out, 2), `${what}: declined`);
      same(out.subarray(2, 2 + n), reference(v), what);
      assert.ok(out[0] === 42 && out[1] === 42 && out[n + 2] === 42, `${what}: wrote outside its range`);
    }
  } finally {
    setWasmThresholds({ minElementwise: 512 });
  }
});

test("wasm row gather declines short or strided rows, deep or negative views, wide spans, float64 and small views", async () => {
  await wasmReady();
  const x = data(4096, 9);
  const out = new Float32Array(4096).fill(7);
  setWasmThresholds({ minElementwise: 0 });
  try {
    const declines: [string, StridedView][] = [
      ["rows of 3", { data: x, shape: [8, 3], strides: [4, 1], offset: 0 }],
      ["strided rows", { data: x, shape: [8, 8], strides: [1, 8], offset: 0 }],
      ["five dimensions", { data: x, shape: [2, 2, 2, 2, 8], strides: [256, 64, 128, 16, 1], offset: 0 }],
      ["negative stride", { data: x, shape: [4, 8], strides: [-8, 1], offset: 24 }],
      ["span over twice the view", { data: x, shape: [2, 8], strides: [100, 1], offset: 0 }],
      ["float64", { data: new Float64Array(64), shape: [8, 8], strides: [8, 1], offset: 0 }],
      // one memcpy per row in TypeScript beats three passes from this length on
      ["rows of 256", { data: x, shape: [2, 4, 256], strides: [256, 512, 1], offset: 0 }],
    ];
    for (const [what, v] of declines) assert.equal(wasmGatherRows(v, out, 0), false, what);
    setWasmThresholds({ minElementwise: 512 });
    assert.equal(wasmGatherRows({ data: x, shape: [4, 8], strides: [16, 1], offset: 0 }, out, 0), false, "below the threshold");
    assert.ok(out.every((v) => v === 7), "declines leave the output untouched");
  } finally {
    setWasmThresholds({ minElementwise: 512 });
  }
});

test(".contiguous() of transposed attention heads equals the TypeScript copy", () => {
  torch.manualSeed(4);
  const t = torch.randn([16, 64, 4, 16]).transpose(1, 2); // [B, H, T, d] view of [B, T, H, d]
  const viaWasm = t.contiguous().contiguousData() as Float32Array;
  setWasmThresholds({ minElementwise: Infinity });
  try {
    same(viaWasm, t.contiguous().contiguousData() as Float32Array, "heads");
  } finally {
    setWasmThresholds({ minElementwise: 512 });
  }
});
