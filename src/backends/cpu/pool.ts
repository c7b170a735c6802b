// Max pooling in one pass over the input: each window's max and the flat index (iy*w + ix
// in its plane) of the element that won, as PyTorch's CPU max_pool2d kernel picks it:
// windows are scanned row by row, a strictly greater value or a NaN takes over (so ties keep
// the first, and the last NaN wins), positions outside the image are skipped (never read as
// padding), and a window whose values are all -inf reports its first in-image position.
import type { NumArray } from "../../dtype.ts";
import type { Im2colGeometry } from "../backend.ts";
import { wasmMaxPool2x2, wasmMaxPool2x2Backward } from "../wasm/maxPoolPlanes.ts";

/**
 * The gradient: each window's gradient added to the element its index names, windows in
 * order (overlapping windows that share a winner sum into it), into out zeroed first.
 */
export function maxPool2dBackward(gy: NumArray, indices: Int32Array, g: Im2colGeometry, out: NumArray): void {
  if (wasmMaxPool2x2Backward(gy, indices, g, out)) return;
  out.fill(0);
  const plane = g.h * g.w, L = g.oh * g.ow;
  for (let p = 0, o = 0; p < g.n; p++) {
    const base = p * plane;
    for (const end = o + L; o < end; o++) out[base + indices[o]!] += gy[o]!;
  }
}

/**
 * x: n planes [n, h, w] (contiguous; g.c must be 1), values/indices: [n, oh*ow].
 * Every window holds at least one in-image position (the pooling ops check padding <= k/2).
 */
export function maxPool2d(x: NumArray, g: Im2colGeometry, values: NumArray, indices: Int32Array): void {
  if (wasmMaxPool2x2(x, g, values, indices)) return;
  const { n, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  if (kh === 2 && kw === 2 && dh === 1 && dw === 1 && ph === 0 && pw === 0 && (oh - 1) * sh + 2 <= h && (ow - 1) * sw + 2 <= w) {
    maxPool2x2(x, g, values, indices);
    return;
  }
  const plane = h * w;
  const L = oh * ow;
  // Per output column: the first in-image window column and how many kernel columns are in.
  const kj0 = new Int32Array(ow);
  const kj1 = new Int32Array(ow);
  for (let ox = 0; ox < ow; ox++) {
    const ws = ox * sw - pw;
    let a = 0;
    while (a < kw && ws + a * dw < 0) a++;
    let b = a;
    while (b < kw && ws + b * dw < w) b++;
    kj0[ox] = a;
    kj1[ox] = b;
  }
  for (let p = 0; p < n; p++) {
    const base = p * plane;
    let o = p * L;
    for (let oy = 0; oy < oh; oy++) {
      const hs = oy * sh - ph;
      let ki0 = 0;
      while (ki0 < kh && hs + ki0 * dh < 0) ki0++;
      let ki1 = ki0;
      while (ki1 < kh && hs + ki1 * dh < h) ki1++;
      for (let ox = 0; ox < ow; ox++, o++) {
        const ws = ox * sw - pw;
        const a = kj0[ox];
        const b = kj1[ox];
        // Start from the window's first in-image element; every later one takes over when
        // it is greater or NaN. The take-over is a mask on the index, not a branch: with
        // random data the branch mispredicts about once per window, which costs more than
        // the whole comparison.
        let bi = (hs + ki0 * dh) * w + ws + a * dw;
        let best = x[base + bi];
        for (let ki = ki0; ki < ki1; ki++) {
          const row = (hs + ki * dh) * w + ws;
          for (let kj = ki === ki0 ? a + 1 : a; kj < b; kj++) {
            const idx = row + kj * dw;
            const v = x[base + idx];
            bi ^= (bi ^ idx) & -(+(v > best) | +(v !== v));
            best = x[base + bi];
          }
        }
        values[o] = best;
        indices[o] = bi;
      }
    }
  }
}

/** The common 2x2 window with every window inside the image: the four candidates unrolled, same rules. */
function maxPool2x2(x: NumArray, g: Im2colGeometry, values: NumArray, indices: Int32Array): void {
  const { n, h, w, sh, sw, oh, ow } = g;
  const plane = h * w;
  for (let p = 0, o = 0; p < n; p++) {
    const base = p * plane;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0, top = oy * sh * w; ox < ow; ox++, o++) {
        const i0 = top + ox * sw;
        let bi = i0;
        let best = x[base + i0];
        let v = x[base + i0 + 1];
        bi ^= (bi ^ (i0 + 1)) & -(+(v > best) | +(v !== v));
        best = x[base + bi];
        v = x[base + i0 + w];
        bi ^= (bi ^ (i0 + w)) & -(+(v > best) | +(v !== v));
        best = x[base + bi];
        v = x[base + i0 + w + 1];
        bi ^= (bi ^ (i0 + w + 1)) & -(+(v > best) | +(v !== v));
        best = x[base + bi];
        values[o] = best;
        indices[o] = bi;
      }
    }
  }
}
