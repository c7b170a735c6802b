// Batched matmul on strided operands, accumulating in float64.
// Small products run straight off the strides (no packing: per-op cost dominates there);
// larger ones pack each operand once per batch into contiguous scratch, so transposed
// inputs (every backward pass) run at the speed of contiguous ones.
import type { NumArray, Storage } from "../../dtype.ts";
import type { StridedView } from "../backend.ts";

let scratchA: Float64Array = new Float64Array(0);
let scratchB: Float64Array = new Float64Array(0);
let acc: Float64Array = new Float64Array(0);

function grow(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
}

/** Packs a [rows, cols] strided block into contiguous row-major scratch. */
function pack(src: Storage, off: number, rs: number, cs: number, rows: number, cols: number, dst: Float64Array): void {
  const s = src as NumArray;
  for (let i = 0; i < rows; i++) {
    let p = off + i * rs;
    const base = i * cols;
    for (let j = 0; j < cols; j++, p += cs) dst[base + j] = s[p];
  }
}

/** out[i, j] = sum_p A[i, p] B[p, j] read through strides; dot-product order, no scratch. */
function smallMatmul(A: NumArray, ao: number, ars: number, acs: number, B: NumArray, bo: number, brs: number, bcs: number, out: NumArray, oo: number, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ai = ao + i * ars;
    for (let j = 0; j < n; j++) {
      let s = 0;
      let pa = ai;
      let pb = bo + j * bcs;
      for (let p = 0; p < k; p++, pa += acs, pb += brs) s += A[pa] * B[pb];
      out[oo + i * n + j] = s;
    }
  }
}

const SMALL = 32 * 32 * 32;

export function matmul(a: StridedView, b: StridedView, out: NumArray, batch: number, m: number, k: number, n: number): void {
  const [abs, ars, acs] = a.strides as [number, number, number];
  const [bbs, brs, bcs] = b.strides as [number, number, number];
  if (m * n * k <= SMALL) {
    for (let t = 0; t < batch; t++) {
      smallMatmul(a.data as NumArray, a.offset + t * abs, ars, acs, b.data as NumArray, b.offset + t * bbs, brs, bcs, out, t * m * n, m, k, n);
    }
    return;
  }
  scratchA = grow(scratchA, m * k);
  scratchB = grow(scratchB, k * n);
  acc = grow(acc, n);
  const A = scratchA;
  const B = scratchB;
  const row = acc;
  for (let t = 0; t < batch; t++) {
    pack(a.data, a.offset + t * abs, ars, acs, m, k, A);
    pack(b.data, b.offset + t * bbs, brs, bcs, k, n, B);
    const ob = t * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0, 0, n);
      const ai = i * k;
      for (let p = 0; p < k; p++) {
        const av = A[ai + p];
        if (av === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) row[j] += av * B[bp + j];
      }
      const oi = ob + i * n;
      for (let j = 0; j < n; j++) out[oi + j] = row[j];
    }
  }
}
