// wasmSum: the CPU backend's float32 sum over the middle dimension of [outer, r, inner] on the
// wasm functions of sum.ts, with the TypeScript kernel's bits (float64 sums in its order). The
// rows are copied in block by block (a sum per row), or each outer block whole (sums down
// columns), and the float32 sums copied out. It declines (returns false) for other dtypes,
// small inputs, and rows (inner == 1) or columns (inner > 1) that are not a multiple of four
// floats.
import type { NumArray } from "../../dtype.ts";
import { minElementwise, roundUp } from "./thresholds.ts";
import { dataBase, memoryViews } from "./pool.ts";
import { ensureBytes, getLocalRuntime } from "./runtime.ts";

/** Floats of rows copied in per block (the elementwise ops' block). */
const BLOCK_FLOATS = 16384;

/** out[o, j] = sum over i < r of x[o, i, j], x contiguous [outer, r, inner]; false when declined. */
export function wasmSum(x: NumArray, outer: number, r: number, inner: number, out: NumArray): boolean {
  const n = outer * r * inner;
  if (n === 0 || n < minElementwise || !(x instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  const rt = getLocalRuntime();
  if (!rt) return false;
  if (inner === 1) {
    if (r % 4 !== 0) return false;
    // rows in groups of eight: a block's last group is completed with rows of zeros (their
    // sums are never copied out; a zero row adds nothing to any other)
    const blockRows = Math.max(8, Math.floor(BLOCK_FLOATS / r / 8) * 8);
    const X = dataBase(rt, 1), O = X + blockRows * r * 4;
    if (!ensureBytes(rt, O + blockRows * 4)) return false;
    const { mem } = memoryViews(rt);
    for (let r0 = 0; r0 < outer; r0 += blockRows) {
      const rows = Math.min(blockRows, outer - r0);
      mem.set(x.subarray(r0 * r, (r0 + rows) * r), X / 4);
      const padded = roundUp(rows, 8);
      if (padded > rows) mem.fill(0, X / 4 + rows * r, X / 4 + padded * r);
      rt.exports.sumRows(X, O, padded, r * 4);
      out.set(mem.subarray(O / 4, O / 4 + rows), r0);
    }
    return true;
  }
  if (inner % 4 !== 0) return false;
  const X = dataBase(rt, 1), O = X + r * inner * 4;
  if (!ensureBytes(rt, O + inner * 4)) return false;
  const { mem } = memoryViews(rt);
  for (let b = 0; b < outer; b++) {
    mem.set(x.subarray(b * r * inner, (b + 1) * r * inner), X / 4);
    rt.exports.sumColumns(X, O, r, inner * 4);
    out.set(mem.subarray(O / 4, O / 4 + inner), b * inner);
  }
  return true;
}
