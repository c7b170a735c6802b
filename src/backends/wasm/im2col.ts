// im2col and col2im as wasm chunk functions, so a convolution's columns are built (and summed
// back) inside the wasm memory, next to the SGEMM that consumes them, instead of being built
// in TypeScript and copied in. Same layout and loop order as src/backends/cpu/conv.ts, with
// one difference: the columns of image b start at column b * oh*ow of a row of `ld` floats,
// i.e. the columns of the whole batch form one [c*kh*kw, n*oh*ow] matrix (one GEMM for the
// batch). Padding reads zero. One chunk is one (image, channel) plane: im2col chunks write
// disjoint column ranges and col2im chunks disjoint image planes, so chunks run on any thread
// in any order, and col2im sums each plane's elements in the TypeScript kernel's order
// (kernel row, kernel column, output row): the float32 results are identical.
import { I32, type FuncBuilder, type Local } from "./emitter.ts";

/** Word indices of an im2col/col2im job's parameters in the control block. */
export const Q = {
  SRC: 0, DST: 1, LD: 2, C: 3, H: 4, W: 5, KH: 6, KW: 7, SH: 8, SW: 9, PH: 10, PW: 11, DH: 12, DW: 13, OH: 14, OW: 15,
} as const;

type Params = Record<keyof typeof Q, Local>;

/** Loads every job parameter into a local. */
function loadParams(f: FuncBuilder, ctl: Local): Params {
  const p = {} as Params;
  for (const [name, word] of Object.entries(Q) as [keyof typeof Q, number][]) {
    p[name] = f.local(I32);
    f.get(ctl).i32Load(word * 4).set(p[name]);
  }
  return p;
}

/** Pushes min(a, b) / max(a, b) of two signed i32 producers. */
function min(f: FuncBuilder, a: () => void, b: () => void): void { a(); b(); a(); b(); f.ltS().select(); }
function max(f: FuncBuilder, a: () => void, b: () => void): void { a(); b(); a(); b(); f.gtS().select(); }

/**
 * Stores `count` zero floats from byte address `addr` (locals, both clobbered): four at a time,
 * then one at a time.
 */
function zeroFill(f: FuncBuilder, addr: Local, count: Local): void {
  f.block().loop();
  f.get(count).i32(4).ltS().brIf(1);
  f.get(addr).v128Zero().v128Store();
  f.get(addr).i32(16).add().set(addr);
  f.get(count).i32(4).sub().set(count);
  f.br(0).end().end();
  f.block().loop();
  f.get(count).i32(1).ltS().brIf(1);
  f.get(addr).i32(0).i32Store();
  f.get(addr).i32(4).add().set(addr);
  f.get(count).i32(1).sub().set(count);
  f.br(0).end().end();
}

/**
 * The output columns [lo, hi) of kernel column kj whose input column ox*sw + off (off = kj*dw
 * - pw) lies inside the image, as validRange in src/backends/cpu/conv.ts.
 */
function validRange(f: FuncBuilder, p: Params, kj: Local, off: Local, lo: Local, hi: Local, t: Local): void {
  f.get(kj).get(p.DW).mul().get(p.PW).sub().set(off);
  f.i32(0).set(lo);
  f.get(off).i32(0).ltS().if();
  min(f, () => f.get(p.OW), () => f.i32(0).get(off).sub().get(p.SW).add().i32(1).sub().get(p.SW).divU());
  f.set(lo);
  f.end();
  f.get(p.W).get(off).sub().set(t);
  f.get(lo).set(hi);
  f.get(t).i32(0).gtS().if();
  max(f, () => f.get(lo), () => min(f, () => f.get(p.OW), () => f.get(t).get(p.SW).add().i32(1).sub().get(p.SW).divU()));
  f.set(hi);
  f.end();
}

/** b = c / C, ci = c % C, and plane = base + c * H * W * 4: the image plane of chunk c. */
function planeOf(f: FuncBuilder, p: Params, c: Local, base: Local, b: Local, ci: Local, plane: Local): void {
  f.get(c).get(p.C).divU().set(b);
  f.get(c).get(p.C).remU().set(ci);
  f.get(base).get(c).get(p.H).mul().get(p.W).mul().i32(4).mul().add().set(plane);
}

/** out = base + (((ci*KH + ki)*KW + kj) * LD + b * OH*OW) * 4: where image b's part of column row (ci, ki, kj) starts. */
function columnRow(f: FuncBuilder, p: Params, base: Local, ci: Local, ki: Local, kj: Local, b: Local, out: Local): void {
  f.get(ci).get(p.KH).mul().get(ki).add().get(p.KW).mul().get(kj).add().get(p.LD).mul();
  f.get(b).get(p.OH).mul().get(p.OW).mul().add().i32(4).mul().get(base).add().set(out);
}

/** iy = oy*SH - PH + ki*DH: the input row output row oy reads through kernel row ki. */
function inputRow(f: FuncBuilder, p: Params, oy: Local, ki: Local, iy: Local): void {
  f.get(oy).get(p.SH).mul().get(p.PH).sub().get(ki).get(p.DH).mul().add().set(iy);
}

/** [oyLo, oyHi): the output rows whose input row through kernel row ki (iy = oy*SH - PH + ki*DH) is inside the image (t clobbered). */
function inImageRows(f: FuncBuilder, p: Params, ki: Local, t: Local, oyLo: Local, oyHi: Local): void {
  f.get(p.PH).get(ki).get(p.DH).mul().sub().set(t);
  min(f, () => f.get(p.OH), () => ceilPos(f, t, p.SH));
  f.set(oyLo);
  f.get(p.H).get(p.PH).add().get(ki).get(p.DH).mul().sub().set(t);
  max(f, () => f.get(oyLo), () => min(f, () => f.get(p.OH), () => ceilPos(f, t, p.SH)));
  f.set(oyHi);
}

/** out = plane + (iy * W + off + lo * SW) * 4: the first in-image input element of a row segment. */
function firstInImage(f: FuncBuilder, p: Params, plane: Local, iy: Local, off: Local, lo: Local, out: Local): void {
  f.get(plane).get(iy).get(p.W).mul().get(off).add().get(lo).get(p.SW).mul().add().i32(4).mul().add().set(out);
}

/** Pushes ceil(t / d) for t > 0, else 0 (t a local, d > 0 a local). */
function ceilPos(f: FuncBuilder, t: Local, d: Local): void {
  f.get(t).get(d).add().i32(1).sub().get(d).divU();
  f.i32(0);
  f.get(t).i32(0).gtS().select();
}

/**
 * Copies `count` floats from byte address s to d (locals, clobbered, as are count and j): with
 * unit stride four at a time, the last four overlapping the ones before when count is not a
 * multiple of four (every store stays inside [d, d + count)); one at a time (source step
 * sstep bytes) otherwise.
 */
function copyRow(f: FuncBuilder, s: Local, d: Local, count: Local, unit: Local, sstep: Local, j: Local): void {
  f.get(unit).get(count).i32(4).geS().and().if();
  f.get(count).i32(4).mul().i32(16).sub().set(count); // bytes before the last four floats
  f.copyFloatRow(d, s, count, j);
  f.else();
  f.forLoop(j, () => f.i32(0), () => f.get(count), 1, () => {
    f.get(d).get(s).f32Load().f32Store();
    f.get(d).i32(4).add().set(d);
    f.get(s).get(sstep).add().set(s);
  });
  f.end();
}

/**
 * im2col(ctl, c): the columns of plane c = b * C + ci (see the file comment). Per kernel tap,
 * the output rows whose input row is padding are zeroed as one block each side, and each
 * in-image row is zeros, a copy of [lo, hi) and zeros, the pointers advancing by a row.
 */
export function emitIm2col(f: FuncBuilder): void {
  const [ctl, c] = [f.param(0), f.param(1)];
  const p = loadParams(f, ctl);
  const L = () => f.local(I32);
  const [b, ci, ki, kj, oy, off, lo, hi, t, rowDst, plane, dp, sp, q, sq, n, pstep, oyLo, oyHi, unit, rowBytes, srcStep, j] = Array.from({ length: 23 }, L);
  planeOf(f, p, c, p.SRC, b, ci, plane);
  f.get(p.SW).i32(4).mul().set(pstep);
  f.get(p.SW).i32(1).eq().set(unit);
  f.get(p.OW).i32(4).mul().set(rowBytes);
  f.get(p.SH).get(p.W).mul().i32(4).mul().set(srcStep);
  f.forLoop(ki, () => f.i32(0), () => f.get(p.KH), 1, () => {
    inImageRows(f, p, ki, t, oyLo, oyHi);
    f.forLoop(kj, () => f.i32(0), () => f.get(p.KW), 1, () => {
      validRange(f, p, kj, off, lo, hi, t);
      columnRow(f, p, p.DST, ci, ki, kj, b, rowDst);
      f.get(rowDst).set(q);
      f.get(oyLo).get(p.OW).mul().set(n);
      zeroFill(f, q, n);
      f.get(rowDst).get(oyHi).get(rowBytes).mul().add().set(q);
      f.get(p.OH).get(oyHi).sub().get(p.OW).mul().set(n);
      zeroFill(f, q, n);
      inputRow(f, p, oyLo, ki, t);
      firstInImage(f, p, plane, t, off, lo, sp);
      f.get(rowDst).get(oyLo).get(rowBytes).mul().add().set(dp);
      // unit stride, at least four floats to copy and at most four zeros each side (every
      // row of a convolution padded by up to four): per row, zero the first and last four
      // floats, then copy [lo, hi) four at a time, the last four overlapping
      f.get(unit).get(hi).get(lo).sub().i32(4).geS().and().get(lo).i32(4).leS().and().get(p.OW).get(hi).sub().i32(4).leS().and().if();
      f.get(hi).get(lo).sub().i32(4).mul().i32(16).sub().set(n); // bytes before the last four floats
      f.forLoop(oy, () => f.get(oyLo), () => f.get(oyHi), 1, () => {
        f.get(dp).v128Zero().v128Store();
        f.get(dp).get(rowBytes).add().i32(16).sub().v128Zero().v128Store();
        f.get(sp).set(sq);
        f.get(dp).get(lo).i32(4).mul().add().set(q);
        f.copyFloatRow(q, sq, n, j);
        f.get(dp).get(rowBytes).add().set(dp);
        f.get(sp).get(srcStep).add().set(sp);
      });
      f.else();
      f.forLoop(oy, () => f.get(oyLo), () => f.get(oyHi), 1, () => {
        f.get(dp).set(q);
        f.get(lo).set(n);
        zeroFill(f, q, n); // q is now dp + lo * 4
        f.get(sp).set(sq);
        f.get(hi).get(lo).sub().set(n);
        copyRow(f, sq, q, n, unit, pstep, j);
        f.get(dp).get(hi).i32(4).mul().add().set(q);
        f.get(p.OW).get(hi).sub().set(n);
        zeroFill(f, q, n);
        f.get(dp).get(rowBytes).add().set(dp);
        f.get(sp).get(srcStep).add().set(sp);
      });
      f.end();
    });
  });
}

/**
 * col2im(ctl, c): image plane c = b * C + ci, zeroed, then every column summed into it: per
 * kernel tap, the output rows whose input row is inside the image, each row's in-image
 * segment added four at a time (unit stride) and the rest one at a time, the pointers
 * advancing by a row.
 */
export function emitCol2im(f: FuncBuilder): void {
  const [ctl, c] = [f.param(0), f.param(1)];
  const p = loadParams(f, ctl);
  const L = () => f.local(I32);
  const [b, ci, ki, kj, oy, off, lo, hi, t, rowSrc, plane, q, sp, n, qstep, oyLo, oyHi, q0, sp0, e, vecBytes, tail, k, srcStep, colStep] = Array.from({ length: 25 }, L);
  planeOf(f, p, c, p.DST, b, ci, plane);
  f.get(plane).set(q);
  f.get(p.H).get(p.W).mul().set(n);
  zeroFill(f, q, n);
  f.get(p.SW).i32(4).mul().set(qstep);
  f.get(p.SH).get(p.W).mul().i32(4).mul().set(srcStep);
  f.get(p.OW).i32(4).mul().set(colStep);
  f.forLoop(ki, () => f.i32(0), () => f.get(p.KH), 1, () => {
    inImageRows(f, p, ki, t, oyLo, oyHi);
    f.forLoop(kj, () => f.i32(0), () => f.get(p.KW), 1, () => {
      validRange(f, p, kj, off, lo, hi, t);
      columnRow(f, p, p.SRC, ci, ki, kj, b, rowSrc);
      // unit stride: the segment's whole fours as vectors, its last (hi - lo) % 4 one at a time
      f.get(hi).get(lo).sub().i32(-4).and().i32(4).mul().i32(0).get(p.SW).i32(1).eq().select().set(vecBytes);
      f.get(hi).get(lo).sub().get(vecBytes).i32(4).divU().sub().set(tail);
      inputRow(f, p, oyLo, ki, t);
      firstInImage(f, p, plane, t, off, lo, q0);
      f.get(rowSrc).get(oyLo).get(p.OW).mul().get(lo).add().i32(4).mul().add().set(sp0);
      f.forLoop(oy, () => f.get(oyLo), () => f.get(oyHi), 1, () => {
        f.get(q0).set(q);
        f.get(sp0).set(sp);
        f.get(q).get(vecBytes).add().set(e);
        f.block().loop();
        f.get(q).get(e).geU().brIf(1);
        f.get(q).get(q).v128Load().get(sp).v128Load().f32x4Add().v128Store();
        f.get(q).i32(16).add().set(q);
        f.get(sp).i32(16).add().set(sp);
        f.br(0).end().end();
        f.forLoop(k, () => f.i32(0), () => f.get(tail), 1, () => {
          f.get(q).get(q).f32Load().get(sp).f32Load().f32Add().f32Store();
          f.get(q).get(qstep).add().set(q);
          f.get(sp).i32(4).add().set(sp);
        });
        f.get(q0).get(srcStep).add().set(q0);
        f.get(sp0).get(colStep).add().set(sp0);
      });
    });
  });
}
