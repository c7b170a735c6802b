// The wasm float32 sum (src/backends/wasm/sum.ts, sumRows.ts): bit for bit the TypeScript
// kernel's results (float64 sums in its order, rounded once) for sums along rows and down
// columns, with special values (NaN, +-0, +-inf, subnormals, values near the float32 maximum
// whose sums overflow) among random ones of many magnitudes; rows in several blocks and in a
// last group completed with zero rows; its declines; and torch.sum / mean taking the path.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as torch from "../src/index.ts";
import { cpu } from "../src/backends/cpu/index.ts";
import { setWasmThresholds, wasmReady } from "../src/backends/wasm/index.ts";
import { wasmSum } from "../src/backends/wasm/sumRows.ts";
import { mixedArray } from "./xorshift.ts";

const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 1e-45, -3e-39, 3e38, -3e38];
/** One in 32 a special value, the others spread over twelve decades. */
const values = (n: number, seed: number) => mixedArray(n, seed, SPECIAL, 1 / 32, (u) => (u - 0.5) * 10 ** (12 * u - 6));
/** The same without specials (rows of finite sums). */
const finite = (n: number, seed: number) => mixedArray(n, seed, [1], 0, (u) => (u - 0.5) * 10 ** (12 * u - 6));

function assertSameBits(got: Float32Array, want: Float32Array, what: string): void {
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${what} element ${i}: ${got[i]} vs ${want[i]} (TypeScript)`);
}

/** [outer, r, inner]: sums along rows (inner 1) and down columns, one block and several. */
const SHAPES: [number, number, number][] = [
  [1024, 64, 1], [37, 8, 1], [3, 4, 1], [5, 2048, 1], [300, 100, 1], [9, 4096, 1],
  [1, 1024, 64], [1, 1024, 256], [3, 17, 12], [2, 5, 4], [4, 64, 40], [9, 3, 36], [1, 1, 8],
];

test("wasm sums give the TypeScript kernel's bits along rows and down columns", async () => {
  await wasmReady();
  for (const [si, [outer, r, inner]] of SHAPES.entries()) {
    for (const [kind, make] of [["special", values], ["finite", finite]] as const) {
      const x = make(outer * r * inner, 7 + si);
      const ts = new Float32Array(outer * inner), w = new Float32Array(outer * inner);
      setWasmThresholds({ minElementwise: Infinity });
      cpu.reduce("sum", x, outer, r, inner, ts);
      setWasmThresholds({ minElementwise: 0 });
      try {
        assert.ok(wasmSum(x, outer, r, inner, w), `[${outer}, ${r}, ${inner}] declined`);
      } finally {
        setWasmThresholds({ minElementwise: 512 });
      }
      assertSameBits(w, ts, `${kind} [${outer}, ${r}, ${inner}]`);
    }
  }
});

test("wasm sum declines other dtypes, rows or columns not a multiple of four floats, and small inputs", async () => {
  await wasmReady();
  const x = values(4096, 3);
  const out = new Float32Array(1024).fill(7);
  const declines: [string, () => boolean][] = [
    ["rows of 6", () => wasmSum(x.subarray(0, 4092), 682, 6, 1, out)],
    ["columns of 6", () => wasmSum(x.subarray(0, 4092), 1, 682, 6, out)],
    ["float64", () => wasmSum(new Float64Array(4096), 64, 64, 1, out)],
    ["below the threshold", () => wasmSum(x.subarray(0, 256), 4, 64, 1, out)],
  ];
  for (const [what, run] of declines) {
    assert.equal(run(), false, what);
    assert.ok(out.every((v) => v === 7), `${what}: output written`);
  }
});

test("torch.sum and mean of large float32 tensors take the wasm path and equal the float64 sums rounded", async () => {
  await wasmReady();
  const x = torch.tensor(finite(512 * 64, 11)).reshape(512, 64);
  const xs = x.contiguousData() as Float32Array;
  const rows = x.sum(-1).contiguousData() as Float32Array, cols = x.sum(0).contiguousData() as Float32Array;
  const means = x.mean(-1).contiguousData() as Float32Array;
  for (let i = 0; i < 512; i++) {
    let s = 0;
    for (let j = 0; j < 64; j++) s += xs[i * 64 + j]!;
    assert.equal(rows[i], Math.fround(s), `row ${i}`);
    assert.equal(means[i], Math.fround(Math.fround(s) / 64), `mean of row ${i}`);
  }
  for (let j = 0; j < 64; j++) {
    let s = 0;
    for (let i = 0; i < 512; i++) s += xs[i * 64 + j]!;
    assert.equal(cols[j], Math.fround(s), `column ${j}`);
  }
});
