// 2x2 max pooling with stride 2 (no padding, no dilation) as a wasm function, four output
// columns at a time: the even and odd columns of two input rows are separated with shuffles,
// and the four candidates of each window are scanned in the TypeScript kernel's order (top
// left, top right, bottom left, bottom right) with its rules: a strictly greater value or a
// NaN takes over, so ties keep the first and the last NaN wins. The values and the winners'
// flat indices (iy * W + ix in the plane) are the TypeScript kernel's exactly.
//
// maxPool2x2(x, values, indices, planes, H, W, OH, OW, lanes): x [planes][H][W]; values and
// indices [planes][OH][OW] (byte addresses); `lanes` holds the i32s 0, 2, 4, 6. A row's last
// four columns may run past OW: those lanes read past the row (or the plane, into slack the
// caller leaves) and are written past the row, where the next row's columns, written later,
// overwrite them; the last row's spill lands in slack too.
//
// maxPool2x2Backward(grad, indices, out, planes, H, W, OH, OW, lanes): the gradient of the
// same pooling when the windows tile the plane exactly (H = 2*OH, W = 2*OW): every input
// element is written once, with its window's gradient where the window's index names it and
// 0 elsewhere, two input rows per window row, four windows at a time (the last OW % 4 one at
// a time). The gradient is written as 0 + g, the sum the TypeScript scatter into zeros makes
// (so a -0 becomes +0, bit for bit the same).
import { F32, I32, V128, type FuncBuilder, type Local } from "./emitter.ts";

/**
 * Four windows from (oy, ox): top, the byte address of the first one's top left input
 * (2*oy, 2*ox) in the plane at `plane`; ia, each window's top-left flat index in the plane,
 * 2*oy*W + 2*(ox + lane) (kLanes holds 0, 2, 4, 6).
 */
function windowsAt(f: FuncBuilder, plane: Local, oy: Local, ox: Local, rowBytes: Local, W: Local, kLanes: Local, top: Local, ia: Local): void {
  f.get(plane).get(oy).i32(2).mul().get(rowBytes).mul().add().get(ox).i32(8).mul().add().set(top);
  f.get(oy).i32(2).mul().get(W).mul().get(ox).i32(2).mul().add().i32x4Splat().get(kLanes).i32x4Add().set(ia);
}

const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

export function emitMaxPool2x2(f: FuncBuilder): void {
  const [x, values, indices, planes, H, W, OH, OW, lanes] = Array.from({ length: 9 }, (_, i) => f.param(i));
  const [p, oy, ox, top, rowBytes, out, plane] = Array.from({ length: 7 }, () => f.local(I32));
  const [best, bi, ia, v, take, t0, t1, kLanes] = Array.from({ length: 8 }, () => f.local(V128));
  f.get(W).i32(4).mul().set(rowBytes);
  f.get(lanes).v128Load().set(kLanes);
  f.i32(0).set(out);
  f.forLoop(p, () => f.i32(0), () => f.get(planes), 1, () => {
    f.get(x).get(p).get(H).mul().get(rowBytes).mul().add().set(plane);
    f.forLoop(oy, () => f.i32(0), () => f.get(OH), 1, () => {
      f.forLoop(ox, () => f.i32(0), () => f.get(OW), 4, () => {
        windowsAt(f, plane, oy, ox, rowBytes, W, kLanes, top, ia);
        f.get(top).v128Load().set(t0);
        f.get(top).v128Load(16).set(t1);
        f.get(t0).get(t1).i8x16Shuffle(EVEN).set(best);
        f.get(ia).set(bi);
        /** The candidate v at flat index ia + offset (a local pushed by idx) takes over where greater or NaN. */
        const candidate = (idx: () => void) => {
          f.get(v).get(best).f32x4Gt().get(v).get(v).f32x4Ne().v128Or().set(take);
          f.get(v).get(best).get(take).v128Bitselect().set(best);
          idx();
          f.get(bi).get(take).v128Bitselect().set(bi);
        };
        f.get(t0).get(t1).i8x16Shuffle(ODD).set(v);
        candidate(() => f.get(ia).i32(1).i32x4Splat().i32x4Add());
        f.get(top).get(rowBytes).add().v128Load().set(t0);
        f.get(top).get(rowBytes).add().v128Load(16).set(t1);
        f.get(t0).get(t1).i8x16Shuffle(EVEN).set(v);
        candidate(() => f.get(ia).get(W).i32x4Splat().i32x4Add());
        f.get(t0).get(t1).i8x16Shuffle(ODD).set(v);
        candidate(() => f.get(ia).get(W).i32(1).add().i32x4Splat().i32x4Add());
        f.get(values).get(out).add().get(best).v128Store();
        f.get(indices).get(out).add().get(bi).v128Store();
        f.get(out).i32(16).add().set(out);
      });
      // the row's spill past OW is overwritten by the next row: step back to column OW
      f.get(out).get(OW).i32(3).add().i32(4).divU().i32(16).mul().sub().get(OW).i32(4).mul().add().set(out);
    });
  });
}

/** Lanes 0-1 and 2-3 of a and b interleaved: [a0, b0, a1, b1] and [a2, b2, a3, b3]. */
const INTERLEAVE_LO = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const INTERLEAVE_HI = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];

export function emitMaxPool2x2Backward(f: FuncBuilder): void {
  const [grad, indices, out, planes, H, W, OH, OW, lanes] = Array.from({ length: 9 }, (_, i) => f.param(i));
  const [p, oy, ox, top, rowBytes, src, plane, ow4, at, idx] = Array.from({ length: 10 }, () => f.local(I32));
  const [g, iv, ia, tl, tr, kLanes] = Array.from({ length: 6 }, () => f.local(V128));
  const gs = f.local(F32);
  f.get(W).i32(4).mul().set(rowBytes);
  f.get(lanes).v128Load().set(kLanes);
  f.get(OW).get(OW).i32(4).remU().sub().set(ow4);
  f.i32(0).set(src);
  /** Pushes 0 + (g where iv equals ia + offset, else 0), offset pushed by `offset`. */
  const pick = (offset: () => void) => {
    f.v128Zero().get(g).get(iv).get(ia); offset(); f.i32x4Splat().i32x4Add().i32x4Eq().v128And().f32x4Add();
  };
  f.forLoop(p, () => f.i32(0), () => f.get(planes), 1, () => {
    f.get(out).get(p).get(H).mul().get(rowBytes).mul().add().set(plane);
    f.forLoop(oy, () => f.i32(0), () => f.get(OH), 1, () => {
      f.forLoop(ox, () => f.i32(0), () => f.get(ow4), 4, () => {
        windowsAt(f, plane, oy, ox, rowBytes, W, kLanes, top, ia);
        f.get(grad).get(src).add().v128Load().set(g);
        f.get(indices).get(src).add().v128Load().set(iv);
        pick(() => f.i32(0)); f.set(tl);
        pick(() => f.i32(1)); f.set(tr);
        f.get(top).get(tl).get(tr).i8x16Shuffle(INTERLEAVE_LO).v128Store();
        f.get(top).get(tl).get(tr).i8x16Shuffle(INTERLEAVE_HI).v128Store(16);
        pick(() => f.get(W)); f.set(tl);
        pick(() => f.get(W).i32(1).add()); f.set(tr);
        f.get(top).get(rowBytes).add().get(tl).get(tr).i8x16Shuffle(INTERLEAVE_LO).v128Store();
        f.get(top).get(rowBytes).add().get(tl).get(tr).i8x16Shuffle(INTERLEAVE_HI).v128Store(16);
        f.get(src).i32(16).add().set(src);
      });
      // the row's last OW % 4 windows one at a time: cell (dy, dx) gets 0 + g where the index is it
      f.forLoop(ox, () => f.get(ow4), () => f.get(OW), 1, () => {
        f.get(grad).get(src).add().f32Load().set(gs);
        f.get(indices).get(src).add().i32Load().set(idx);
        for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
          // at: the cell's flat index in the plane
          f.get(oy).i32(2).mul().i32(dy).add().get(W).mul().get(ox).i32(2).mul().add().i32(dx).add().set(at);
          f.get(plane).get(at).i32(4).mul().add();
          f.f32(0).get(gs).f32Add().f32(0).get(idx).get(at).eq().select();
          f.f32Store();
        }
        f.get(src).i32(4).add().set(src);
      });
    });
  });
}
