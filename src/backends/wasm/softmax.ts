// Softmax over contiguous rows as a wasm chunk function: four lanes at a time, with exp as
// Cephes' expf (range reduction by ln 2 in two parts, a degree-5 polynomial, the power of two
// built in the exponent bits; within 2 ulp of the true value on [-87, 0]). Each row: its max
// (NaN if any element is NaN), e = exp(x - max) stored and summed in four float32 lanes, then
// scaled by 1 / sum as ATen's vectorised softmax does. Arguments below -87 (masked positions,
// -inf) give exactly 0 instead of a float32 subnormal; a row whose max is -inf or +inf gives
// NaN, as in PyTorch. Rows must hold a multiple of four floats.
import { F32, I32, V128, type FuncBuilder } from "./emitter.ts";

/** Word indices of a softmax job's parameters in the control block. */
export const S = { SRC: 0, DST: 1, R: 2, ROWS: 3, ROWS_PER_CHUNK: 4 } as const;

const LOG2E = 1.4426950408889634; // Cephes' LOG2EF 1.44269504088896341, as the double it parses to
const C1 = 0.693359375;
const C2 = -2.12194440e-4;
const POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
/** 1.5 * 2^23 + 127: n + MAGIC is exact for integral n in [-127, 0], with ulp 1 and bits 0x4b400000 + n + 127. */
const MAGIC = 12582912 + 127;
/** Below this the result is (at most) a float32 subnormal: it is flushed to 0. */
const UNDERFLOW = -87;

/** softmax(ctl, c): rows [c * ROWS_PER_CHUNK, ...) of the job at ctl. */
export function emitSoftmax(f: FuncBuilder): void {
  const [ctl, c] = [f.param(0), f.param(1)];
  const i32 = () => f.local(I32);
  const v128 = () => f.local(V128);
  const [src, dst, R, row, rowEnd, s, d, j, rowBytes] = Array.from({ length: 9 }, i32);
  const [vmax, vsum, t, n, r, p, e, vinv, kLog2e, kC1, kC2, kUnder, kOne, kMagic] = Array.from({ length: 14 }, v128);
  const kPoly = POLY.map(() => v128());
  const m = f.local(F32);
  const prm = (w: number) => f.get(ctl).i32Load(w * 4);

  const splat = (v: number, l: typeof t) => f.f32(v).f32x4Splat().set(l);
  splat(LOG2E, kLog2e); splat(C1, kC1); splat(C2, kC2); splat(UNDERFLOW, kUnder); splat(1, kOne);
  splat(MAGIC, kMagic);
  POLY.forEach((v, i) => splat(v, kPoly[i]!));

  prm(S.SRC); f.set(src);
  prm(S.DST); f.set(dst);
  prm(S.R); f.set(R);
  f.get(R).i32(4).mul().set(rowBytes);
  f.get(c); prm(S.ROWS_PER_CHUNK); f.mul().set(row);
  f.get(row); prm(S.ROWS_PER_CHUNK); f.add().set(rowEnd);
  // rowEnd = min(rowEnd, ROWS)
  f.get(rowEnd); prm(S.ROWS); f.get(rowEnd); prm(S.ROWS); f.ltS().select().set(rowEnd);

  /** Loop j over the row's byte offsets 0, 16, ... < rowBytes. */
  const overRow = (body: () => void) => f.forLoop(j, () => f.i32(0), () => f.get(rowBytes), 16, body);

  f.forLoop(row, () => f.get(row), () => f.get(rowEnd), 1, () => {
    f.get(src).get(row).get(rowBytes).mul().add().set(s);
    f.get(dst).get(row).get(rowBytes).mul().add().set(d);
    // max
    f.f32(-Infinity).f32x4Splat().set(vmax);
    overRow(() => { f.get(vmax).get(s).get(j).add().v128Load().f32x4Max().set(vmax); });
    f.get(vmax).f32x4ExtractLane(0).get(vmax).f32x4ExtractLane(1).f32Max();
    f.get(vmax).f32x4ExtractLane(2).get(vmax).f32x4ExtractLane(3).f32Max().f32Max().set(m);
    f.get(m).f32x4Splat().set(vmax);
    // e = exp(x - max), stored and summed
    f.v128Zero().set(vsum);
    overRow(() => {
      f.get(s).get(j).add().v128Load().get(vmax).f32x4Sub().set(t);
      // n = nearest(max(t, -88) * log2 e); r = t - n*C1 - n*C2
      f.get(t).f32(-88).f32x4Splat().f32x4Max().set(e);
      f.get(e).get(kLog2e).f32x4Mul().f32x4Nearest().set(n);
      f.get(e).get(n).get(kC1).f32x4Mul().f32x4Sub().get(n).get(kC2).f32x4Mul().f32x4Sub().set(r);
      // p = 1 + r + r^2 * poly(r)
      f.get(kPoly[0]!).set(p);
      for (let i = 1; i < POLY.length; i++) f.get(p).get(r).f32x4Mul().get(kPoly[i]!).f32x4Add().set(p);
      f.get(p).get(r).get(r).f32x4Mul().f32x4Mul().get(r).f32x4Add().get(kOne).f32x4Add().set(p);
      // * 2^n through the exponent bits: n + MAGIC holds n + 127 in its low mantissa bits,
      // which the shift moves into the exponent field (the bits above them shift out); this
      // is i32(n) + 127 << 23 without the float-to-int conversion, which x86 lacks for four
      // lanes with saturation (V8 emulates it in ~7 instructions). 0 where t < UNDERFLOW
      // (NaN stays NaN: its shifted bits are 0, and p is NaN).
      f.get(p).get(n).get(kMagic).f32x4Add().i32(23).i32x4Shl().f32x4Mul();
      f.get(t).get(kUnder).f32x4Lt().v128AndNot().set(e);
      f.get(d).get(j).add().get(e).v128Store();
      f.get(vsum).get(e).f32x4Add().set(vsum);
    });
    // scale by 1 / sum
    f.f32(1);
    f.get(vsum).f32x4ExtractLane(0).get(vsum).f32x4ExtractLane(1).f32Add();
    f.get(vsum).f32x4ExtractLane(2).get(vsum).f32x4ExtractLane(3).f32Add().f32Add();
    f.f32Div().f32x4Splat().set(vinv);
    overRow(() => { f.get(d).get(j).add().get(d).get(j).add().v128Load().get(vinv).f32x4Mul().v128Store(); });
  });
}
