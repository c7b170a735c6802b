// im2col / col2im: the two kernels under every convolution and pooling layer.
// Invariant: columns are [n, c*kh*kw, oh*ow] with row r = (ci*kh + ki)*kw + kj, exactly
// PyTorch's F.unfold layout; both kernels walk one output row (fixed oy) at a time and
// compute the range of ox whose input column lies inside the image, so the inner loops are
// straight runs (unit stride when sw == 1) with no per-element bounds checks.
import { allocate, dtypeOfArray, type NumArray } from "../../dtype.ts";
import type { Im2colGeometry } from "../backend.ts";
import { wasmConvForward, wasmConvInputGrad, wasmConvWeightGrad } from "../wasm/conv.ts";
import { matmul } from "./matmul.ts";

/** First and one-past-last ox with 0 <= ox*sw + off < w. */
function validRange(off: number, sw: number, w: number, ow: number): [number, number] {
  const lo = off >= 0 ? 0 : Math.min(ow, Math.ceil(-off / sw));
  const hi = Math.max(lo, Math.min(ow, Math.ceil((w - off) / sw)));
  return [lo, hi];
}

export function im2col(x: NumArray, g: Im2colGeometry, padValue: number, out: NumArray): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const image = h * w;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      const base = (b * c + ci) * image;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const off = kj * dw - pw;
          const [lo, hi] = validRange(off, sw, w, ow);
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= h) {
              out.fill(padValue, o, o + ow);
              o += ow;
              continue;
            }
            const row = base + iy * w + off;
            let ox = 0;
            for (; ox < lo; ox++) out[o++] = padValue;
            if (sw === 1) for (let p = row + ox; ox < hi; ox++) out[o++] = x[p++];
            else for (let p = row + ox * sw; ox < hi; ox++, p += sw) out[o++] = x[p];
            for (; ox < ow; ox++) out[o++] = padValue;
          }
        }
      }
    }
  }
}

export function col2im(cols: NumArray, g: Im2colGeometry, out: NumArray): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const image = h * w;
  out.fill(0);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      const base = (b * c + ci) * image;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const off = kj * dw - pw;
          const [lo, hi] = validRange(off, sw, w, ow);
          for (let oy = 0; oy < oh; oy++, o += ow) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= h) continue;
            const row = base + iy * w + off;
            if (sw === 1) for (let ox = lo, p = row + lo; ox < hi; ox++) out[p++] += cols[o + ox];
            else for (let ox = lo, p = row + lo * sw; ox < hi; ox++, p += sw) out[p] += cols[o + ox];
          }
        }
      }
    }
  }
}

// Convolution (groups = 1) with the weight as a matrix w [O, K], K = c*kh*kw, L = oh*ow. The
// wasm kernels take float32 (one GEMM for the whole batch); the TypeScript path below builds
// the columns [n, K, L] and runs one product per image (accumulating in float64).

/** A zeroed array of a's type (the columns and per-image products of the TypeScript path). */
const like = (a: NumArray, n: number): NumArray => allocate(dtypeOfArray(a), n) as NumArray;

/** out[n, O, L] = w @ im2col(x)[n] + bias[O] for a contiguous image x (bias may be null). */
export function convForward(x: NumArray, w: NumArray, bias: NumArray | null, g: Im2colGeometry, O: number, out: NumArray): void {
  if (wasmConvForward(x, w, bias, g, O, out)) return;
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow;
  const cols = like(x, g.n * K * L);
  im2col(x, g, 0, cols);
  matmul({ data: w, shape: [g.n, O, K], strides: [0, K, 1], offset: 0 }, { data: cols, shape: [g.n, K, L], strides: [K * L, L, 1], offset: 0 }, out, g.n, O, K, L);
  if (!bias) return;
  for (let b = 0, p = 0; b < g.n; b++) {
    for (let o = 0; o < O; o++) {
      const v = bias[o]!;
      for (const e = p + L; p < e; p++) out[p] += v;
    }
  }
}

/** out[n, c, h, w] = col2im(w^T @ gy[n]) for gy [n, O, L] contiguous. */
export function convInputGrad(gy: NumArray, w: NumArray, g: Im2colGeometry, O: number, out: NumArray): void {
  if (wasmConvInputGrad(gy, w, g, O, out)) return;
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow;
  const dcols = like(gy, g.n * K * L);
  matmul({ data: w, shape: [g.n, K, O], strides: [0, 1, K], offset: 0 }, { data: gy, shape: [g.n, O, L], strides: [O * L, L, 1], offset: 0 }, dcols, g.n, K, O, L);
  col2im(dcols, g, out);
}

/** out[O, K] = sum over images of gy[n] @ im2col(x)[n]^T. */
export function convWeightGrad(x: NumArray, gy: NumArray, g: Im2colGeometry, O: number, out: NumArray): void {
  if (wasmConvWeightGrad(x, gy, g, O, out)) return;
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow;
  const cols = like(x, g.n * K * L);
  im2col(x, g, 0, cols);
  const per = like(x, g.n * O * K);
  matmul({ data: gy, shape: [g.n, O, L], strides: [O * L, L, 1], offset: 0 }, { data: cols, shape: [g.n, L, K], strides: [K * L, 1, L], offset: 0 }, per, g.n, O, L, K);
  for (let i = 0; i < O * K; i++) {
    let s = 0;
    for (let b = 0; b < g.n; b++) s += per[b * O * K + i];
    out[i] = s;
  }
}
