// copyRows(src, dst, A, B, len, srcA, srcB, dstA, dstB): for a < A, b < B, the `len` floats
// at src + a*srcA + b*srcB go to dst + a*dstA + b*dstB (byte addresses and strides): the
// convolution's [O, n*L] <-> [n, O, L] reorderings, one call instead of a copy per row.
// Rows of four floats or more move four at a time, the last four overlapping the ones before
// (every store stays inside its row, so rows may abut); shorter rows one float at a time.
//
// gatherRows(src, dst, n0, n1, n2, s0, s1, s2, len): the rows of `len` >= 4 floats at src +
// i0*s0 + i1*s1 + i2*s2 (byte strides), i0 < n0, i1 < n1, i2 < n2 in that order, one after
// the other at dst: .contiguous() of a permuted view (attention heads) whose last dimension
// is contiguous, four floats at a time.
import { I32, type FuncBuilder } from "./emitter.ts";

export function emitCopyRows(f: FuncBuilder): void {
  const [src, dst, A, B, len, srcA, srcB, dstA, dstB] = Array.from({ length: 9 }, (_, i) => f.param(i));
  const [a, b, s, d, last, e, k] = Array.from({ length: 7 }, () => f.local(I32));
  // last: the byte offset of a row's last four floats
  f.get(len).i32(4).mul().i32(16).sub().set(last);
  f.forLoop(a, () => f.i32(0), () => f.get(A), 1, () => {
    f.forLoop(b, () => f.i32(0), () => f.get(B), 1, () => {
      f.get(src).get(a).get(srcA).mul().add().get(b).get(srcB).mul().add().set(s);
      f.get(dst).get(a).get(dstA).mul().add().get(b).get(dstB).mul().add().set(d);
      f.get(len).i32(4).geS().if();
      f.copyFloatRow(d, s, last, e);
      f.else();
      f.forLoop(k, () => f.i32(0), () => f.get(len), 1, () => {
        f.get(d).get(s).f32Load().f32Store();
        f.get(d).i32(4).add().set(d);
        f.get(s).i32(4).add().set(s);
      });
      f.end();
    });
  });
}

export function emitGatherRows(f: FuncBuilder): void {
  const [src, dst, n0, n1, n2, s0, s1, s2, len] = Array.from({ length: 9 }, (_, i) => f.param(i));
  const [i0, i1, i2, s, d, row, e, last, rowBytes] = Array.from({ length: 9 }, () => f.local(I32));
  f.get(len).i32(4).mul().set(rowBytes);
  f.get(rowBytes).i32(16).sub().set(last);
  f.get(dst).set(row);
  f.forLoop(i0, () => f.i32(0), () => f.get(n0), 1, () => {
    f.forLoop(i1, () => f.i32(0), () => f.get(n1), 1, () => {
      f.forLoop(i2, () => f.i32(0), () => f.get(n2), 1, () => {
        f.get(src).get(i0).get(s0).mul().add().get(i1).get(s1).mul().add().get(i2).get(s2).mul().add().set(s);
        f.get(row).set(d);
        f.copyFloatRow(d, s, last, e);
        f.get(row).get(rowBytes).add().set(row);
      });
    });
  });
}
