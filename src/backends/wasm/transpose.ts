// transpose(src, dst, batch, R, C, ld): for each of `batch` row-major [R, C] blocks at src
// (one after the other), dst[(b*C + c) * ld + r] = src[(b*R + r) * C + c] (byte addresses,
// float32): block b becomes rows b*C .. b*C + C - 1 of a matrix with rows of ld floats.
// The convolution's weight gradient uses it to lay out g^T [n*L, O] from g [n, O, L].
import { I32, type FuncBuilder } from "./emitter.ts";

export function emitTranspose(f: FuncBuilder): void {
  const [src, dst, batch, R, C, ld] = Array.from({ length: 6 }, (_, i) => f.param(i));
  const [b, r, c, s, d, rowBytes, colBase] = Array.from({ length: 7 }, () => f.local(I32));
  f.get(ld).i32(4).mul().set(rowBytes);
  f.get(src).set(s);
  f.forLoop(b, () => f.i32(0), () => f.get(batch), 1, () => {
    // this block's first destination row
    f.get(dst).get(b).get(C).mul().get(rowBytes).mul().add().set(colBase);
    f.forLoop(r, () => f.i32(0), () => f.get(R), 1, () => {
      f.get(colBase).get(r).i32(4).mul().add().set(d);
      f.forLoop(c, () => f.i32(0), () => f.get(C), 1, () => {
        f.get(d).get(s).f32Load().f32Store();
        f.get(s).i32(4).add().set(s);
        f.get(d).get(rowBytes).add().set(d);
      });
    });
  });
}
