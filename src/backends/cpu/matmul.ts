// Batched matmul on strided operands, accumulating in float64.
// Small products run straight off the strides (no packing: per-op cost dominates there);
// larger ones pack each operand once per batch into 4-wide panels and run a 4x4 register
// tile, so transposed inputs (every backward pass) run at the speed of contiguous ones.
import type { NumArray } from "../../dtype.ts";
import type { StridedView } from "../backend.ts";
import { wasmMatmul } from "../wasm/index.ts";

let scratchA: Float64Array = new Float64Array(0);
let scratchB: Float64Array = new Float64Array(0);

function grow(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
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

/**
 * Packs rows [0, rows) x cols [0, depth) of a strided matrix into 4-row panels, depth-major
 * inside each panel (panel r holds rows 4r..4r+3; missing rows are zero).
 */
function packPanels(src: NumArray, off: number, rs: number, cs: number, rows: number, depth: number, dst: Float64Array): void {
  const panels = (rows + 3) >> 2;
  for (let r = 0; r < panels; r++) {
    const base = r * depth * 4;
    for (let q = 0; q < 4; q++) {
      const i = r * 4 + q;
      if (i < rows) {
        let p = off + i * rs;
        for (let d = 0; d < depth; d++, p += cs) dst[base + d * 4 + q] = src[p];
      } else for (let d = 0; d < depth; d++) dst[base + d * 4 + q] = 0;
    }
  }
}

/** C[m, n] = A[m, k] B[k, n] from 4-row panels of A and 4-column panels of B: a 4x4 register tile per step. */
function panelKernel(Ap: Float64Array, Bp: Float64Array, out: NumArray, oo: number, m: number, k: number, n: number): void {
  const mp = (m + 3) >> 2;
  const np = (n + 3) >> 2;
  for (let ib = 0; ib < mp; ib++) {
    const aBase = ib * k * 4;
    for (let jb = 0; jb < np; jb++) {
      let pa = aBase;
      let pb = jb * k * 4;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++, pa += 4, pb += 4) {
        const a0 = Ap[pa], a1 = Ap[pa + 1], a2 = Ap[pa + 2], a3 = Ap[pa + 3];
        const b0 = Bp[pb], b1 = Bp[pb + 1], b2 = Bp[pb + 2], b3 = Bp[pb + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const i0 = ib * 4;
      const j0 = jb * 4;
      if (i0 + 4 <= m && j0 + 4 <= n) {
        let o = oo + i0 * n + j0;
        out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03; o += n;
        out[o] = c10; out[o + 1] = c11; out[o + 2] = c12; out[o + 3] = c13; o += n;
        out[o] = c20; out[o + 1] = c21; out[o + 2] = c22; out[o + 3] = c23; o += n;
        out[o] = c30; out[o + 1] = c31; out[o + 2] = c32; out[o + 3] = c33;
      } else {
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < 4 && i0 + r < m; r++) for (let c = 0; c < 4 && j0 + c < n; c++) out[oo + (i0 + r) * n + j0 + c] = tile[r * 4 + c];
      }
    }
  }
}

export function matmul(a: StridedView, b: StridedView, out: NumArray, batch: number, m: number, k: number, n: number): void {
  if (out instanceof Float32Array && wasmMatmul(a, b, out, batch, m, k, n)) return;
  const [abs, ars, acs] = a.strides as [number, number, number];
  const [bbs, brs, bcs] = b.strides as [number, number, number];
  if (m * n * k <= SMALL) {
    for (let t = 0; t < batch; t++) {
      smallMatmul(a.data as NumArray, a.offset + t * abs, ars, acs, b.data as NumArray, b.offset + t * bbs, brs, bcs, out, t * m * n, m, k, n);
    }
    return;
  }
  scratchA = grow(scratchA, ((m + 3) >> 2) * 4 * k);
  scratchB = grow(scratchB, ((n + 3) >> 2) * 4 * k);
  for (let t = 0; t < batch; t++) {
    // B's columns are panelled as the rows of B^T: swap its strides.
    packPanels(a.data as NumArray, a.offset + t * abs, ars, acs, m, k, scratchA);
    packPanels(b.data as NumArray, b.offset + t * bbs, bcs, brs, n, k, scratchB);
    panelKernel(scratchA, scratchB, out, t * m * n, m, k, n);
  }
}
