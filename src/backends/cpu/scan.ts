// Line kernels over a contiguous [outer, r, inner] block that are not reductions: the
// cumulative product and its gradient, and the sorting permutation.
import type { NumArray, Storage } from "../../dtype.ts";

export function cumprod(x: Storage, outer: number, r: number, inner: number, out: Storage): void {
  if (x instanceof BigInt64Array) {
    const o = out as BigInt64Array;
    for (let a = 0; a < outer; a++) {
      for (let j = 0; j < inner; j++) {
        let acc = 1n;
        for (let i = 0, p = a * r * inner + j; i < r; i++, p += inner) o[p] = acc = BigInt.asIntN(64, acc * x[p]!);
      }
    }
    return;
  }
  const o = out as NumArray;
  for (let a = 0; a < outer; a++) {
    for (let j = 0; j < inner; j++) {
      let acc = 1;
      for (let i = 0, p = a * r * inner + j; i < r; i++, p += inner) o[p] = acc *= x[p]!;
    }
  }
}

/** out_i = (prod_{j<i} x_j) * S_i with S_i = g_i + x_{i+1} S_{i+1}: no division, exact with zeros. */
export function cumprodBackward(x: NumArray, g: NumArray, outer: number, r: number, inner: number, out: NumArray): void {
  for (let a = 0; a < outer; a++) {
    for (let j = 0; j < inner; j++) {
      const base = a * r * inner + j;
      let s = 0;
      for (let i = r - 1; i >= 0; i--) {
        const p = base + i * inner;
        s = g[p]! + (i + 1 < r ? x[p + inner]! * s : 0);
        out[p] = s;
      }
      let prefix = 1;
      for (let i = 0; i < r; i++) {
        const p = base + i * inner;
        out[p] = prefix * out[p]!;
        prefix *= x[p]!;
      }
    }
  }
}

/** Stable sorting positions per line; NaN compares greater than every number. */
export function argsort(x: Storage, outer: number, r: number, inner: number, descending: boolean, out: Int32Array): void {
  const order = new Array<number>(r);
  const vals = new Array<number | bigint>(r);
  const nan = (v: number | bigint): boolean => v !== v;
  // -1, 0 or 1 by value, NaN above everything; ties fall back to the position (stable)
  const byValue = (i: number, k: number): number => {
    const a = vals[i]!;
    const b = vals[k]!;
    if (nan(a) || nan(b)) return nan(a) ? (nan(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const cmp = descending ? (i: number, k: number): number => byValue(k, i) || i - k : (i: number, k: number): number => byValue(i, k) || i - k;
  for (let a = 0; a < outer; a++) {
    for (let j = 0; j < inner; j++) {
      const base = a * r * inner + j;
      for (let i = 0; i < r; i++) {
        order[i] = i;
        vals[i] = x[base + i * inner]!;
      }
      order.sort(cmp);
      for (let i = 0; i < r; i++) out[base + i * inner] = order[i]!;
    }
  }
}

/**
 * One-sided Jacobi SVD in float64 per matrix (rotations of column pairs until they are
 * orthogonal to machine precision): s descending, u [m, k], v [n, k], k = min(m, n). A wide
 * matrix is decomposed through its transpose.
 */
export function svd(a: Float64Array, batch: number, m: number, n: number, s: Float64Array, u: Float64Array, v: Float64Array): void {
  const k = Math.min(m, n);
  const tall = m >= n;
  const rows = tall ? m : n;
  const cols = tall ? n : m;
  const w = new Float64Array(rows * cols); // columns of the (transposed) matrix, rotated in place
  const q = new Float64Array(cols * cols); // the accumulated rotations
  for (let b = 0; b < batch; b++) {
    const A = b * m * n;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w[i * cols + j] = tall ? a[A + i * n + j]! : a[A + j * n + i]!;
    q.fill(0);
    for (let j = 0; j < cols; j++) q[j * cols + j] = 1;
    for (let sweep = 0; sweep < 60; sweep++) {
      let rotated = false;
      for (let p = 0; p < cols - 1; p++) {
        for (let c = p + 1; c < cols; c++) {
          let alpha = 0, beta = 0, gamma = 0;
          for (let i = 0; i < rows; i++) {
            const x = w[i * cols + p]!, y = w[i * cols + c]!;
            alpha += x * x;
            beta += y * y;
            gamma += x * y;
          }
          if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
          rotated = true;
          const zeta = (beta - alpha) / (2 * gamma);
          const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          const cs = 1 / Math.sqrt(1 + t * t);
          const sn = cs * t;
          for (let i = 0; i < rows; i++) {
            const x = w[i * cols + p]!, y = w[i * cols + c]!;
            w[i * cols + p] = cs * x - sn * y;
            w[i * cols + c] = sn * x + cs * y;
          }
          for (let i = 0; i < cols; i++) {
            const x = q[i * cols + p]!, y = q[i * cols + c]!;
            q[i * cols + p] = cs * x - sn * y;
            q[i * cols + c] = sn * x + cs * y;
          }
        }
      }
      if (!rotated) break;
    }
    const norms = Array.from({ length: cols }, (_, j) => {
      let t = 0;
      for (let i = 0; i < rows; i++) t += w[i * cols + j]! ** 2;
      return Math.sqrt(t);
    });
    const order = norms.map((_, j) => j).sort((x, y) => norms[y]! - norms[x]! || x - y);
    // tall: A = W Q^T with W's columns = sigma * left vectors; wide: A^T = W Q^T, so the roles swap
    const left = tall ? u : v;
    const right = tall ? v : u;
    for (let r = 0; r < k; r++) {
      const j = order[r]!;
      const sigma = norms[j]!;
      s[b * k + r] = sigma;
      for (let i = 0; i < rows; i++) left[b * rows * k + i * k + r] = sigma > 0 ? w[i * cols + j]! / sigma : 0;
      for (let i = 0; i < cols; i++) right[b * cols * k + i * k + r] = q[i * cols + j]!;
    }
  }
}
