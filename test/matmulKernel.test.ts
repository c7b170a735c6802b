// The CPU matmul's paths (small strided, packed 4x4 panels) against a naive float64 product,
// on sizes around the panel edges, transposed and batched operands.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

function naive(A: number[][], B: number[][]): number[][] {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, a, p) => s + a * B[p][j], 0)));
}

test("mm matches the naive product on every path (float64, exact summation order)", () => {
  torch.manualSeed(1);
  for (const [m, k, n] of [[1, 1, 1], [3, 5, 2], [33, 40, 35], [65, 17, 130], [7, 300, 9], [100, 100, 1], [64, 64, 64]]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = transA ? torch.randn([k, m], { dtype: "float64" }).t() : torch.randn([m, k], { dtype: "float64" });
        const b = transB ? torch.randn([n, k], { dtype: "float64" }).t() : torch.randn([k, n], { dtype: "float64" });
        const got = a.mm(b).tolist() as number[][];
        const want = naive(a.tolist() as number[][], b.tolist() as number[][]);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) assert.ok(Math.abs(got[i][j] - want[i][j]) <= 1e-12 * (1 + Math.abs(want[i][j])), `${m}x${k}x${n} ${transA} ${transB} [${i},${j}]`);
      }
    }
  }
});

test("batched and broadcast matmul agree with per-batch mm (float32)", () => {
  torch.manualSeed(2);
  const a = torch.randn(3, 40, 50);
  const b = torch.randn(50, 45);
  const c = a.matmul(b);
  for (let t = 0; t < 3; t++) {
    const want = a.select(0, t).mm(b).tolist() as number[][];
    assert.deepEqual(c.select(0, t).tolist(), want);
  }
});
