// The CPU backend in plain TypeScript: the reference every other backend is tested against.
import type { NumArray } from "../../dtype.ts";
import { RuntimeError } from "../../errors.ts";
import { contiguousStrides } from "../../layout.ts";
import type { Backend, ReduceOp, StridedView } from "../backend.ts";
import { binaryKernels, scalarKernels, unaryKernels } from "./elementwise.ts";
import { matmul } from "./matmul.ts";
import { adamUpdate } from "./optim.ts";
import { col2im, convForward, convInputGrad, convWeightGrad, im2col } from "./conv.ts";
import { erfinvKernel, erfKernel } from "./special.ts";
import { digammaKernel, lgammaKernel, polygammaKernel } from "./gamma.ts";
import { maxPool2d, maxPool2dBackward } from "./pool.ts";
import { wasmSoftmax, wasmSoftmaxBackward } from "../wasm/softmaxRows.ts";
import { wasmAxpy, wasmBinary, wasmUnary } from "../wasm/elementwiseRows.ts";
import { wasmGatherRows } from "../wasm/gatherRows.ts";
import { wasmSum } from "../wasm/sumRows.ts";
import { coalesce, forEachRow1, forEachRow2, forEachRow3 } from "./strided.ts";
import * as int64 from "./int64.ts";
import { cpuStorage } from "./storage.ts";
import { argsort, cumprod, cumprodBackward, svd } from "./scan.ts";

type ReduceKernel = (x: NumArray, outer: number, r: number, inner: number, out: NumArray) => void;

const reduceKernels = {
  sum: (x, outer, r, inner, out) => {
    if (inner === 1) {
      // four rows at a time: four independent float64 sums (each in its row's order) instead
      // of one chain whose every add waits for the previous one
      let o = 0;
      for (; o + 4 <= outer; o += 4) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let i = 0, p = o * r; i < r; i++, p++) {
          s0 += x[p];
          s1 += x[p + r];
          s2 += x[p + 2 * r];
          s3 += x[p + 3 * r];
        }
        out[o] = s0;
        out[o + 1] = s1;
        out[o + 2] = s2;
        out[o + 3] = s3;
      }
      for (let p = o * r; o < outer; o++) {
        let s = 0;
        for (let i = 0; i < r; i++) s += x[p++];
        out[o] = s;
      }
      return;
    }
    // eight columns at a time down the rows, in registers (each column summed in row order)
    for (let o = 0; o < outer; o++) {
      const base = o * r * inner;
      let j = 0;
      for (; j + 8 <= inner; j += 8) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (let i = 0, p = base + j; i < r; i++, p += inner) {
          s0 += x[p]; s1 += x[p + 1]; s2 += x[p + 2]; s3 += x[p + 3];
          s4 += x[p + 4]; s5 += x[p + 5]; s6 += x[p + 6]; s7 += x[p + 7];
        }
        const q = o * inner + j;
        out[q] = s0; out[q + 1] = s1; out[q + 2] = s2; out[q + 3] = s3;
        out[q + 4] = s4; out[q + 5] = s5; out[q + 6] = s6; out[q + 7] = s7;
      }
      for (; j < inner; j++) {
        let s0 = 0;
        for (let i = 0, p = base + j; i < r; i++, p += inner) s0 += x[p];
        out[o * inner + j] = s0;
      }
    }
  },
  prod: (x, outer, r, inner, out) => {
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(1);
      let p = o * r * inner;
      for (let i = 0; i < r; i++) for (let j = 0; j < inner; j++) acc[j] *= x[p++];
      for (let j = 0; j < inner; j++) out[o * inner + j] = acc[j];
    }
  },
  max: (x, outer, r, inner, out) => {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let p = o * r * inner + j;
        let m = x[p];
        for (let i = 1; i < r; i++) {
          p += inner;
          const v = x[p];
          if (!(v <= m) && m === m) m = v;
        }
        out[o * inner + j] = m;
      }
    }
  },
  min: (x, outer, r, inner, out) => {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let p = o * r * inner + j;
        let m = x[p];
        for (let i = 1; i < r; i++) {
          p += inner;
          const v = x[p];
          if (!(v >= m) && m === m) m = v;
        }
        out[o * inner + j] = m;
      }
    }
  },
} satisfies Record<ReduceOp, ReduceKernel>;

function copy(src: StridedView, dst: StridedView): void {
  const s = src.data;
  const o = dst.data;
  if (s instanceof BigInt64Array || o instanceof BigInt64Array) {
    forEachRow2(src.shape, dst.strides, dst.offset, src.strides, src.offset, (di, ds, si, ss, _, n) => int64.castRow(s, si, ss, o, di, ds, n));
    return;
  }
  const x = s as NumArray;
  const out = o as NumArray;
  const toBool = out instanceof Uint8Array && !(x instanceof Uint8Array);
  const sameType = out.constructor === x.constructor;
  if (!toBool && flatStep(dst) === 1) {
    if (sameType && out instanceof Float32Array && wasmGatherRows(src, out, dst.offset)) return;
    gatherInto(x, src, out, dst.offset, sameType);
    return;
  }
  forEachRow2(src.shape, dst.strides, dst.offset, src.strides, src.offset, (di, ds, si, ss, _, n) => {
    if (toBool) for (let k = 0; k < n; k++, di += ds, si += ss) out[di] = x[si] !== 0 ? 1 : 0;
    else if (ds === 1 && ss === 1 && sameType && n >= 64) out.set(x.subarray(si, si + n), di);
    else for (let k = 0; k < n; k++, di += ds, si += ss) out[di] = x[si];
  });
}

/**
 * out[o0 + i] = the i-th element of a strided view in row-major order: the copy behind
 * .contiguous() and reshape. The rows are walked inline, not through a per-row callback,
 * because permuted views (attention heads) have short rows and the call would dominate.
 */
function gatherInto(x: NumArray, src: StridedView, out: NumArray, o0: number, sameType: boolean): void {
  const { shape, strides } = coalesce(src.shape, [src.strides]);
  const st = strides[0]!;
  const nd = shape.length;
  if (nd === 0) {
    out[o0] = x[src.offset];
    return;
  }
  const n = shape[nd - 1]!;
  const s = st[nd - 1]!;
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= shape[d]!;
  if (n === 0) rows = 0;
  const idx = new Array<number>(nd).fill(0);
  let base = src.offset;
  let o = o0;
  for (let r = 0; r < rows; r++) {
    if (s === 1 && sameType && n >= 64) {
      out.set(x.subarray(base, base + n), o);
      o += n;
    } else if (s === 1) for (let k = 0, p = base; k < n; k++) out[o++] = x[p++];
    else for (let k = 0, p = base; k < n; k++, p += s) out[o++] = x[p];
    for (let d = nd - 2; d >= 0; d--) {
      base += st[d]!;
      if (++idx[d]! < shape[d]!) break;
      base -= st[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

function checkIndex(v: number, dim: number, size: number): void {
  if (v < 0 || v >= size) throw new RuntimeError(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
}

/**
 * The single step that walks a view in row-major order: 1 when it is contiguous, 0 when
 * every stride is 0 (a broadcast scalar), -1 otherwise (needs the N-d walk).
 */
function flatStep(v: StridedView): number {
  const { shape, strides } = v;
  let acc = 1;
  let zero = true;
  let dense = true;
  for (let i = shape.length - 1; i >= 0; i--) {
    const s = strides[i];
    if (shape[i] === 1) continue;
    if (s !== 0) zero = false;
    if (s !== acc) dense = false;
    acc *= shape[i];
  }
  return dense ? 1 : zero ? 0 : -1;
}

export const cpu: Backend = {
  name: "cpu",
  ...cpuStorage,
  adamUpdate,
  unary(op, x, o) {
    if (x.data instanceof BigInt64Array) return int64.unary(op, x, o);
    const out = o as NumArray;
    const k = unaryKernels[op];
    const d = x.data as NumArray;
    const s = flatStep(x);
    if (wasmUnary(op, x, s, out)) return;
    if (s >= 0) k(d, x.offset, s, out, 0, out.length);
    else forEachRow1(x.shape, x.strides, x.offset, (xi, xs, oi, n) => k(d, xi, xs, out, oi, n));
  },
  binary(op, a, b, o) {
    if (a.data instanceof BigInt64Array) return int64.binary(op, a, b, o);
    const out = o as NumArray;
    if (wasmBinary(op, a, b, out)) return;
    // x ** 2 is x * x (the TypeScript kernel's own special case): the wasm multiply's bits
    if (op === "pow" && flatStep(b) === 0 && b.data[b.offset] === 2 && wasmBinary("mul", a, a, out)) return;
    const k = binaryKernels[op];
    const ad = a.data as NumArray;
    const bd = b.data as NumArray;
    const sa = flatStep(a);
    const sb = flatStep(b);
    if (sb === 0 && sa >= 0) scalarKernels[op](ad, a.offset, sa, bd[b.offset], out, 0, out.length);
    else if (sb === 0) {
      const kb = scalarKernels[op];
      const s = bd[b.offset];
      forEachRow1(a.shape, a.strides, a.offset, (ai, as, oi, n) => kb(ad, ai, as, s, out, oi, n));
    } else if (sa >= 0 && sb >= 0) k(ad, a.offset, sa, bd, b.offset, sb, out, 0, out.length);
    else forEachRow2(a.shape, a.strides, a.offset, b.strides, b.offset, (ai, as, bi, bs, oi, n) => k(ad, ai, as, bd, bi, bs, out, oi, n));
  },
  axpy(alpha, x, out: NumArray) {
    const d = x.data as NumArray;
    const s = flatStep(x);
    if (wasmAxpy(alpha, x, s, out)) return;
    if (s >= 0) {
      for (let i = 0, xi = x.offset; i < out.length; i++, xi += s) out[i] += alpha * d[xi];
    } else {
      forEachRow1(x.shape, x.strides, x.offset, (xi, xs, oi, n) => {
        for (let k = 0; k < n; k++, xi += xs) out[oi + k] += alpha * d[xi];
      });
    }
  },
  clamp(x, lo, hi, o) {
    if (o instanceof BigInt64Array) return int64.clamp(x, lo, hi, o);
    const out = o;
    const d = x.data as NumArray;
    forEachRow1(x.shape, x.strides, x.offset, (xi, xs, oi, n) => {
      for (let k = 0; k < n; k++, xi += xs) {
        const v = d[xi];
        out[oi + k] = v < lo ? lo : v > hi ? hi : v;
      }
    });
  },
  where(cond, a, b, o) {
    if (o instanceof BigInt64Array) return int64.where(cond, a, b, o);
    const out = o;
    const c = cond.data as NumArray;
    const ad = a.data as NumArray;
    const bd = b.data as NumArray;
    forEachRow3(cond.shape, cond.strides, cond.offset, a.strides, a.offset, b.strides, b.offset, (ci, cs, ai, as, bi, bs, oi, n) => {
      for (let k = 0; k < n; k++, ci += cs, ai += as, bi += bs) out[oi + k] = c[ci] ? ad[ai] : bd[bi];
    });
  },
  copy,
  reduce(op, x, outer, r, inner, out) {
    if (x instanceof BigInt64Array) return int64.reduce(op, x, outer, r, inner, out as BigInt64Array);
    if (op === "sum" && wasmSum(x, outer, r, inner, out as NumArray)) return;
    reduceKernels[op](x, outer, r, inner, out as NumArray);
  },
  argReduce(op, x, outer, r, inner, indices, values) {
    const isMax = op === "max";
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let p = o * r * inner + j;
        let best = x[p];
        let bi = 0;
        for (let i = 1; i < r && best === best; i++) {
          p += inner;
          const v = x[p];
          if (v !== v || (isMax ? v > best : v < best)) {
            best = v;
            bi = i;
          }
        }
        indices[o * inner + j] = bi;
        if (values) values[o * inner + j] = best;
      }
    }
  },
  softmax(x: NumArray, outer, r, inner, out: NumArray, log) {
    if (inner === 1 && wasmSoftmax(x, outer, r, out, log)) return;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * r * inner + j;
        let m = -Infinity;
        for (let i = 0, p = base; i < r; i++, p += inner) {
          const v = x[p];
          if (v > m || v !== v) m = v;
        }
        // An all -inf row gives NaN, as PyTorch (exp(-inf - -inf)).
        let s = 0;
        if (log) {
          for (let i = 0, p = base; i < r; i++, p += inner) s += Math.exp(x[p] - m);
          const ls = Math.log(s);
          for (let i = 0, p = base; i < r; i++, p += inner) out[p] = x[p] - m - ls;
        } else {
          // exp once, kept in out, then normalised (float32 out rounds e once more: <= 1 ulp).
          for (let i = 0, p = base; i < r; i++, p += inner) {
            const e = Math.exp(x[p] - m);
            s += e;
            out[p] = e;
          }
          for (let i = 0, p = base; i < r; i++, p += inner) out[p] /= s;
        }
      }
    }
  },
  softmaxBackward(y: NumArray, g: NumArray, outer, r, inner, out: NumArray, log) {
    if (inner === 1 && wasmSoftmaxBackward(y, g, outer, r, out, log)) return;
    // float32: every step rounded to float32 as ATen's float kernel rounds it (the sum kept in
    // double, then rounded once); float64: the arithmetic's own rounding
    const f32 = out instanceof Float32Array;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * r * inner + j, end = base + r * inner;
        let s = 0;
        if (log) {
          for (let p = base; p < end; p += inner) s += g[p]!;
          if (f32) {
            s = Math.fround(s);
            for (let p = base; p < end; p += inner) out[p] = g[p]! - Math.fround(Math.fround(Math.exp(y[p]!)) * s);
          } else for (let p = base; p < end; p += inner) out[p] = g[p]! - Math.exp(y[p]!) * s;
        } else {
          for (let p = base; p < end; p += inner) s += g[p]! * y[p]!;
          if (f32) {
            s = Math.fround(s);
            for (let p = base; p < end; p += inner) out[p] = Math.fround(g[p]! - s) * y[p]!;
          } else for (let p = base; p < end; p += inner) out[p] = (g[p]! - s) * y[p]!;
        }
      }
    }
  },
  cumsum(x, outer, r, inner, out) {
    if (x instanceof BigInt64Array) return int64.cumsum(x, outer, r, inner, out as BigInt64Array);
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      let p = o * r * inner;
      for (let i = 0; i < r; i++) for (let j = 0; j < inner; j++, p++) out[p] = acc[j] += x[p];
    }
  },
  cumprod,
  cumprodBackward,
  argsort,
  svd,
  matmul(a, b, out, batch, m, k, n) {
    if (out instanceof BigInt64Array) return int64.matmul(a, b, out, batch, m, k, n);
    matmul(a, b, out, batch, m, k, n);
  },
  im2col,
  col2im,
  convForward,
  convInputGrad,
  convWeightGrad,
  erf: erfKernel,
  erfinv: erfinvKernel,
  lgamma: lgammaKernel,
  digamma: digammaKernel,
  polygamma: polygammaKernel,
  maxPool2d,
  maxPool2dBackward,
  gather(x, index, dim, out) {
    const size = x.shape[dim];
    const xd = x.data as NumArray;
    const sd = x.strides[dim];
    const id = int64.indexNumbers(index.data);
    // x read at the index positions with the gathered dim held at 0; the index adds v * sd.
    const xBase = x.strides.map((s, k) => (k === dim ? 0 : s));
    forEachRow2(index.shape, index.strides, index.offset, xBase, x.offset, (ii, is, xi, xs, oi, n) => {
      for (let k = 0; k < n; k++, ii += is, xi += xs) {
        const v = id[ii];
        if (!(v >= 0 && v < size)) checkIndex(v, dim, size);
        out[oi + k] = xd[xi + v * sd];
      }
    });
  },
  scatter(o, outShape, index, src, dim, accumulate) {
    // int64 out and src run the same loop on bigints (the ops give src out's dtype).
    const out = o as NumArray;
    const size = outShape[dim];
    const strides = contiguousStrides(outShape);
    const st = strides[dim];
    const sd = src.data as NumArray;
    const id = int64.indexNumbers(index.data);
    const outBase = strides.map((s, k) => (k === dim ? 0 : s));
    forEachRow3(index.shape, index.strides, index.offset, src.strides, src.offset, outBase, 0, (ii, is, si, ss, oi, os, _, n) => {
      for (let k = 0; k < n; k++, ii += is, si += ss, oi += os) {
        const v = id[ii];
        if (!(v >= 0 && v < size)) checkIndex(v, dim, size);
        if (accumulate) out[oi + v * st] += sd[si];
        else out[oi + v * st] = sd[si];
      }
    });
  },
};
