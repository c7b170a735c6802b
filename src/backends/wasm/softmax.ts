// Softmax and log-softmax over contiguous rows as a wasm chunk function: four lanes at a time,
// with exp as Cephes' expf (range reduction by ln 2 in two parts, a degree-5 polynomial, the
// power of two built in the exponent bits; within 2 ulp of the true value on [-87, 0]). Each
// row: its max (a NaN element may be passed over there, but its exp makes the sum, and so every
// result, NaN), then e = exp(x - max) summed in four float32 lanes, and either e stored and
// scaled by 1 / sum (softmax, as ATen's vectorised softmax does) or x - max - log(sum)
// (log-softmax, ATen's order; the log is Cephes' logf on the scalar sum, within 1 ulp).
// Arguments below -87 (masked positions, -inf) give exactly 0 instead of a float32 subnormal; a
// row whose max is -inf or +inf gives NaN, as in PyTorch. Rows are packed (R floats each, any
// R): the last R % 4 floats of a row are read as one vector whose lanes past the row are masked
// (-inf: they add nothing to the max or the sum) and written one float at a time, so no store
// reaches the next row (which another thread may be writing). Reads run up to 12 bytes past the
// last row: the caller leaves that room.
import { F32, I32, V128, type FuncBuilder, type Local } from "./emitter.ts";

/** Word indices of a softmax job's parameters in the control block (LOG: 1 for log-softmax). */
export const S = { SRC: 0, DST: 1, R: 2, ROWS: 3, ROWS_PER_CHUNK: 4, LOG: 5, BACKWARD: 6, GRAD: 7 } as const;

const LOG2E = 1.4426950408889634; // Cephes' LOG2EF 1.44269504088896341, as the double it parses to
const C1 = 0.693359375;
const C2 = -2.12194440e-4;
const POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
/** 1.5 * 2^23 + 127: n + MAGIC is exact for integral n in [-127, 0], with ulp 1 and bits 0x4b400000 + n + 127. */
const MAGIC = 12582912 + 127;
/** Below this the result is (at most) a float32 subnormal: it is flushed to 0. */
const UNDERFLOW = -87;
/** Cephes logf: the polynomial in m - 1 (highest degree first) and sqrt(1/2). */
const LOG_POLY = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1];
const SQRTHF = Math.SQRT1_2;

/**
 * Pushes log(x) for the f32 in local x (a sum of exponentials: >= 1, or NaN, which it
 * returns): Cephes' logf, x = m * 2^e with m in [sqrt(1/2), sqrt(2)).
 */
function emitLog(f: FuncBuilder, x: Local): void {
  const [bits, e] = [f.local(I32), f.local(I32)];
  const [m, z, y, fe] = [f.local(F32), f.local(F32), f.local(F32), f.local(F32)];
  // frexp: m in [0.5, 1), x = m * 2^e
  f.get(x).i32ReinterpretF32().set(bits);
  f.get(bits).i32(23).shrU().i32(0xff).and().i32(126).sub().set(e);
  f.get(bits).i32(0x807fffff).and().i32(0x3f000000).or().f32ReinterpretI32().set(m);
  // m < sqrt(1/2): e -= 1, m = 2m - 1; else m = m - 1
  f.get(m).f32(SQRTHF).f32Lt().if();
  f.get(e).i32(1).sub().set(e);
  f.get(m).get(m).f32Add().f32(1).f32Sub().set(m);
  f.else();
  f.get(m).f32(1).f32Sub().set(m);
  f.end();
  f.get(m).get(m).f32Mul().set(z);
  f.f32(LOG_POLY[0]!).set(y);
  for (let i = 1; i < LOG_POLY.length; i++) f.get(y).get(m).f32Mul().f32(LOG_POLY[i]!).f32Add().set(y);
  f.get(e).f32ConvertI32S().set(fe);
  // y = y * m * z + C2 * e - z / 2; log = m + y + C1 * e
  f.get(y).get(m).f32Mul().get(z).f32Mul().get(fe).f32(C2).f32Mul().f32Add().get(z).f32(0.5).f32Mul().f32Sub().set(y);
  f.get(m).get(y).f32Add().get(fe).f32(C1).f32Mul().f32Add();
  // NaN in, NaN out (the bit manipulation above would make a finite value of it)
  f.get(x).get(x).get(x).f32Eq().select();
}

/** softmax(ctl, c): rows [c * ROWS_PER_CHUNK, ...) of the job at ctl. */
export function emitSoftmax(f: FuncBuilder): void {
  const [ctl, c] = [f.param(0), f.param(1)];
  const i32 = () => f.local(I32);
  const v128 = () => f.local(V128);
  const [src, dst, R, row, rowEnd, s, d, j, rowBytes, full, rem, log, backward, grad, sg] = Array.from({ length: 15 }, i32);
  const [vmax, vsum, t, n, r, p, e, vk, tail, kLog2e, kC1, kC2, kUnder, kOne, kMagic, kNegInf, mask] = Array.from({ length: 17 }, v128);
  const kPoly = POLY.map(() => v128());
  const [m, sum] = [f.local(F32), f.local(F32)];
  const prm = (w: number) => f.get(ctl).i32Load(w * 4);

  const splat = (v: number, l: Local) => f.f32(v).f32x4Splat().set(l);
  splat(LOG2E, kLog2e); splat(C1, kC1); splat(C2, kC2); splat(UNDERFLOW, kUnder); splat(1, kOne);
  splat(MAGIC, kMagic); splat(-Infinity, kNegInf);
  POLY.forEach((v, i) => splat(v, kPoly[i]!));

  prm(S.SRC); f.set(src);
  prm(S.DST); f.set(dst);
  prm(S.R); f.set(R);
  prm(S.LOG); f.set(log);
  prm(S.BACKWARD); f.set(backward);
  prm(S.GRAD); f.set(grad);
  f.get(R).i32(4).mul().set(rowBytes);
  // the whole vectors of a row (bytes), and the floats left after them
  f.get(R).i32(-4).and().i32(4).mul().set(full);
  f.get(R).i32(3).and().set(rem);
  // mask: all ones in the lanes a row's last vector holds (lane < rem)
  f.v128ConstI32([0, 1, 2, 3]).get(rem).i32x4Splat().i32x4LtS().set(mask);
  f.get(c); prm(S.ROWS_PER_CHUNK); f.mul().set(row);
  f.get(row); prm(S.ROWS_PER_CHUNK); f.add().set(rowEnd);
  // rowEnd = min(rowEnd, ROWS)
  f.get(rowEnd); prm(S.ROWS); f.get(rowEnd); prm(S.ROWS); f.ltS().select().set(rowEnd);

  /** Loop j over the byte offsets of a row's whole vectors. */
  const overRow = (body: () => void) => f.forLoop(j, () => f.i32(0), () => f.get(full), 16, body);
  /** When the row has a last partial vector: body() once. */
  const atTail = (body: () => void) => { f.get(rem).if(); body(); f.end(); };
  /** Loads the row's last partial vector from `base` + full, lanes past the row -inf. */
  const loadTail = (base: Local) => { f.get(base).get(full).add().v128Load().get(kNegInf).get(mask).v128Bitselect(); };
  /** Stores the lanes of vector v that the row's last partial vector holds, one float each. */
  const storeTail = (v: Local) => {
    for (let lane = 0; lane < 3; lane++) {
      f.get(rem).i32(lane).gtS().if();
      f.get(d).get(full).add().get(v).f32x4ExtractLane(lane).f32Store(lane * 4);
      f.end();
    }
  };
  /** e = exp(t) as above (0 where t < UNDERFLOW, NaN where t is NaN). */
  const exp = () => {
    // n = nearest(t * log2 e); r = t - n*C1 - n*C2. Below -87 (n < -126) the power of two
    // built below is garbage (even inf), and the mask at the end makes those lanes 0: no
    // clamp of t is needed (wasm's f32x4.max, NaN-propagating, is ~8 instructions on x86).
    f.get(t).get(kLog2e).f32x4Mul().f32x4Nearest().set(n);
    f.get(t).get(n).get(kC1).f32x4Mul().f32x4Sub().get(n).get(kC2).f32x4Mul().f32x4Sub().set(r);
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
  };

  /** The lanes of v the row's last partial vector holds, 0 in the others (they add nothing to a sum). */
  const maskTail = (v: Local) => { f.get(v).v128Zero().get(mask).v128Bitselect(); };
  /** Pushes the horizontal sum of v, lanes (0 + 1) + (2 + 3). */
  const laneSum = (v: Local) => {
    f.get(v).f32x4ExtractLane(0).get(v).f32x4ExtractLane(1).f32Add();
    f.get(v).f32x4ExtractLane(2).get(v).f32x4ExtractLane(3).f32Add().f32Add();
  };

  f.forLoop(row, () => f.get(row), () => f.get(rowEnd), 1, () => {
    f.get(src).get(row).get(rowBytes).mul().add().set(s);
    f.get(dst).get(row).get(rowBytes).mul().add().set(d);
    f.get(backward).if();
    // the gradient (src holds y, grad g): sum = sum(g * y) (log: sum(g)) in four float32 lanes,
    // then (g - sum) * y (log: g - exp(y) * sum), ATen's _softmax_backward_data
    f.get(grad).get(row).get(rowBytes).mul().add().set(sg);
    f.v128Zero().set(vsum);
    /** t = the term of the sum at byte offset `at` (a local) of the row. */
    const term = (at: Local) => {
      f.get(sg).get(at).add().v128Load().set(t);
      f.get(log).eqz().if();
      f.get(t).get(s).get(at).add().v128Load().f32x4Mul().set(t);
      f.end();
    };
    overRow(() => { term(j); f.get(vsum).get(t).f32x4Add().set(vsum); });
    atTail(() => { term(full); maskTail(t); f.set(t); f.get(vsum).get(t).f32x4Add().set(vsum); });
    laneSum(vsum); f.set(sum);
    f.get(sum).f32x4Splat().set(vk);
    /** tail = the result for the vector at byte offset `at` of the row. */
    const result = (at: Local) => {
      f.get(log).if();
      f.get(s).get(at).add().v128Load().set(t);
      exp();
      f.get(sg).get(at).add().v128Load().get(e).get(vk).f32x4Mul().f32x4Sub().set(tail);
      f.else();
      f.get(sg).get(at).add().v128Load().get(vk).f32x4Sub().get(s).get(at).add().v128Load().f32x4Mul().set(tail);
      f.end();
    };
    overRow(() => { result(j); f.get(d).get(j).add().get(tail).v128Store(); });
    atTail(() => { result(full); storeTail(tail); });
    f.else();
    // max, by pmax (one instruction, where wasm's NaN-propagating max is ~8 on x86): a NaN
    // may be dropped here, but it makes its own exp and so the sum, and every result, NaN
    f.get(kNegInf).set(vmax);
    overRow(() => { f.get(vmax).get(s).get(j).add().v128Load().f32x4Pmax().set(vmax); });
    atTail(() => { f.get(vmax); loadTail(s); f.f32x4Pmax().set(vmax); });
    f.get(vmax).f32x4ExtractLane(0).get(vmax).f32x4ExtractLane(1).f32Max();
    f.get(vmax).f32x4ExtractLane(2).get(vmax).f32x4ExtractLane(3).f32Max().f32Max().set(m);
    f.get(m).f32x4Splat().set(vmax);
    // e = exp(x - max), summed (and stored for softmax)
    f.v128Zero().set(vsum);
    overRow(() => {
      f.get(s).get(j).add().v128Load().get(vmax).f32x4Sub().set(t);
      exp();
      f.get(log).eqz().if();
      f.get(d).get(j).add().get(e).v128Store();
      f.end();
      f.get(vsum).get(e).f32x4Add().set(vsum);
    });
    atTail(() => {
      loadTail(s); f.get(vmax).f32x4Sub().set(t);
      exp();
      f.get(log).eqz().if();
      storeTail(e);
      f.end();
      f.get(vsum).get(e).f32x4Add().set(vsum);
    });
    f.get(vsum).f32x4ExtractLane(0).get(vsum).f32x4ExtractLane(1).f32Add();
    f.get(vsum).f32x4ExtractLane(2).get(vsum).f32x4ExtractLane(3).f32Add().f32Add().set(sum);
    f.get(log).if();
    // log-softmax: (x - max) - log(sum)
    emitLog(f, sum);
    f.f32x4Splat().set(vk);
    overRow(() => { f.get(d).get(j).add().get(s).get(j).add().v128Load().get(vmax).f32x4Sub().get(vk).f32x4Sub().v128Store(); });
    atTail(() => { f.get(s).get(full).add().v128Load().get(vmax).f32x4Sub().get(vk).f32x4Sub().set(tail); storeTail(tail); });
    f.else();
    // softmax: e * (1 / sum)
    f.f32(1).get(sum).f32Div().f32x4Splat().set(vk);
    overRow(() => { f.get(d).get(j).add().get(d).get(j).add().v128Load().get(vk).f32x4Mul().v128Store(); });
    atTail(() => { f.get(d).get(full).add().v128Load().get(vk).f32x4Mul().set(tail); storeTail(tail); });
    f.end();
    f.end();
  });
}
