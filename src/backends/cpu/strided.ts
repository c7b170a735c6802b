// Row-wise iteration over strided operands: the only place that walks N-d indices.
// Adjacent dims that are contiguous for every operand are merged first, so a contiguous
// op runs as one row and a broadcast bias add as [rows, cols].
import type { Shape } from "../../layout.ts";

/** Merge dims i and i+1 wherever every operand has stride[i] == stride[i+1] * shape[i+1]. */
export function coalesce(shape: Shape, strides: ReadonlyArray<readonly number[]>): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1 && shape.length > 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * size)) {
      outShape[last] *= size;
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(size);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

export type Row1 = (xi: number, xs: number, oi: number, n: number) => void;
export type Row2 = (ai: number, as: number, bi: number, bs: number, oi: number, n: number) => void;
export type Row3 = (ci: number, cs: number, ai: number, as: number, bi: number, bs: number, oi: number, n: number) => void;

function rows(shape: readonly number[]): { nd: number; n: number; count: number } {
  const nd = shape.length;
  const n = nd === 0 ? 1 : shape[nd - 1];
  let count = 1;
  for (let d = 0; d < nd - 1; d++) count *= shape[d];
  return { nd, n, count: n === 0 ? 0 : count };
}

export function forEachRow1(shape0: Shape, s0: readonly number[], o0: number, fn: Row1): void {
  const { shape, strides } = coalesce(shape0, [s0]);
  const [sx] = strides;
  const { nd, n, count } = rows(shape);
  const xs = nd === 0 ? 0 : sx[nd - 1];
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  let xi = o0;
  for (let r = 0; r < count; r++) {
    fn(xi, xs, r * n, n);
    for (let d = nd - 2; d >= 0; d--) {
      xi += sx[d];
      if (++idx[d] < shape[d]) break;
      xi -= sx[d] * shape[d];
      idx[d] = 0;
    }
  }
}

export function forEachRow2(shape0: Shape, s0: readonly number[], o0: number, s1: readonly number[], o1: number, fn: Row2): void {
  const { shape, strides } = coalesce(shape0, [s0, s1]);
  const [sa, sb] = strides;
  const { nd, n, count } = rows(shape);
  const as = nd === 0 ? 0 : sa[nd - 1];
  const bs = nd === 0 ? 0 : sb[nd - 1];
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  let ai = o0;
  let bi = o1;
  for (let r = 0; r < count; r++) {
    fn(ai, as, bi, bs, r * n, n);
    for (let d = nd - 2; d >= 0; d--) {
      ai += sa[d];
      bi += sb[d];
      if (++idx[d] < shape[d]) break;
      ai -= sa[d] * shape[d];
      bi -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

export function forEachRow3(
  shape0: Shape, s0: readonly number[], o0: number, s1: readonly number[], o1: number, s2: readonly number[], o2: number, fn: Row3,
): void {
  const { shape, strides } = coalesce(shape0, [s0, s1, s2]);
  const [sc, sa, sb] = strides;
  const { nd, n, count } = rows(shape);
  const last = nd - 1;
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  let ci = o0;
  let ai = o1;
  let bi = o2;
  for (let r = 0; r < count; r++) {
    fn(ci, nd === 0 ? 0 : sc[last], ai, nd === 0 ? 0 : sa[last], bi, nd === 0 ? 0 : sb[last], r * n, n);
    for (let d = nd - 2; d >= 0; d--) {
      ci += sc[d];
      ai += sa[d];
      bi += sb[d];
      if (++idx[d] < shape[d]) break;
      ci -= sc[d] * shape[d];
      ai -= sa[d] * shape[d];
      bi -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** Calls fn with the offset of every element of a strided view, in row-major order. */
export function forEachOffset(shape: Shape, strides: readonly number[], offset: number, fn: (off: number, i: number) => void): void {
  forEachRow1(shape, strides, offset, (xi, xs, oi, n) => {
    for (let k = 0; k < n; k++) fn(xi + k * xs, oi + k);
  });
}
