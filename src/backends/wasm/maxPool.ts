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
import { I32, V128, type FuncBuilder } from "./emitter.ts";

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
        // top: input (2*oy, 2*ox); ia: its flat index in the plane, per lane 2*(ox + lane)
        f.get(plane).get(oy).i32(2).mul().get(rowBytes).mul().add().get(ox).i32(8).mul().add().set(top);
        f.get(oy).i32(2).mul().get(W).mul().get(ox).i32(2).mul().add().i32x4Splat().get(kLanes).i32x4Add().set(ia);
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
