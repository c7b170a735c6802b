// The fused Adam/AdamW update (src/backends/cpu/optim.ts) as a wasm function, four floats at a
// time: each float32 is widened to float64 exactly (f64x2.promote_low_f32x4), the update runs
// in IEEE double with the TypeScript kernel's operations in its order, and every stored value
// is rounded to float32 as a Float32Array store rounds (f32x4.demote_f64x2_zero: nearest,
// ties to even). So the results are the TypeScript kernel's bits.
//
// adam(p, g, m, v, vmax, bytes, hp, flags): over bytes / 4 floats (a multiple of four) of the
// arrays at p, g, m, v (and vmax when amsgrad), in place. hp is the byte address of the
// hyper-parameters (HP, float64 each; SIGN an int32 xor-ed into g: the sign bit to maximize);
// flags: FLAG.COUPLED (g += weightDecay * p), FLAG.DECOUPLED (p *= 1 - lr * weightDecay),
// FLAG.AMSGRAD (vmax = max(vmax, v), which the denominator then uses).
import { I32, V128, type FuncBuilder, type Local } from "./emitter.ts";

/** Byte offsets of the hyper-parameters in the block at hp. */
export const HP = { BETA1: 0, A1: 8, BETA2: 16, A2: 24, KEEP: 32, WD: 40, STEP_SIZE: 48, BC2_SQRT: 56, EPS: 64, SIGN: 72 } as const;
export const HP_BYTES = 80;
export const FLAG = { COUPLED: 1, DECOUPLED: 2, AMSGRAD: 4 } as const;
/**
 * Word indices of an Adam job's parameters in the control block (a job of kind ADAM, split
 * over threads): the arrays' byte addresses, the hyper-parameters' address, the flags, and
 * BYTES per array, of which chunk c updates CHUNK_BYTES from byte c * CHUNK_BYTES.
 */
export const AJ = { P: 0, G: 1, M: 2, V: 3, VMAX: 4, HP: 5, FLAGS: 6, BYTES: 7, CHUNK_BYTES: 8 } as const;

/** Bytes 8..15 of a vector moved to 0..7: its lanes 2 and 3 where promote_low reads. */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** Lanes 0, 1 of a and lanes 0, 1 of b: two demoted halves as one f32x4. */
const JOIN = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

export function emitAdam(f: FuncBuilder): void {
  const [p, g, m, v, vmax, bytes, hp, flags] = Array.from({ length: 8 }, (_, i) => f.param(i));
  const j = f.local(I32);
  const V = () => f.local(V128);
  const [P, G, M, Vs, A, sign] = [V(), V(), V(), V(), V(), V()];
  // float64 halves: parameter, gradient, m, v (lanes 0-1 and 2-3)
  const [p0, p1, g0, g1, m0, m1, v0, v1] = [V(), V(), V(), V(), V(), V(), V(), V()];
  const hpv = (off: number) => f.get(hp).v128Load64Splat(off);
  const lo = (x: Local) => f.get(x).f64x2PromoteLowF32x4();
  const hi = (x: Local) => f.get(x).get(x).i8x16Shuffle(HIGH_HALF).f64x2PromoteLowF32x4();
  /** Pushes the f32x4 of two float64 halves, each rounded to float32. */
  const join = (a: () => void, b: () => void) => { a(); f.f32x4DemoteF64x2Zero(); b(); f.f32x4DemoteF64x2Zero(); f.i8x16Shuffle(JOIN); };

  const loop = (coupled: boolean, decoupled: boolean, amsgrad: boolean) =>
    f.forLoop(j, () => f.i32(0), () => f.get(bytes), 16, () => {
      f.get(p).get(j).add().v128Load().set(P);
      f.get(g).get(j).add().v128Load().get(sign).v128Xor().set(G);
      // AdamW: p = p * keep, stored (rounded) before the rest reads it
      if (decoupled) {
        join(() => { lo(P); hpv(HP.KEEP); f.f64x2Mul(); }, () => { hi(P); hpv(HP.KEEP); f.f64x2Mul(); });
        f.set(P);
      }
      lo(P); f.set(p0);
      hi(P); f.set(p1);
      lo(G); f.set(g0);
      hi(G); f.set(g1);
      if (coupled) {
        // g = g + weightDecay * p
        for (const [gh, ph] of [[g0, p0], [g1, p1]] as const) { f.get(gh); hpv(HP.WD); f.get(ph).f64x2Mul().f64x2Add().set(gh); }
      }
      // m = m * beta1 + a1 * g;  v = v * beta2 + a2 * g * g  (each rounded to float32)
      f.get(m).get(j).add().v128Load().set(M);
      f.get(v).get(j).add().v128Load().set(Vs);
      const mAt = (half: (x: Local) => void, gh: Local) => { half(M); hpv(HP.BETA1); f.f64x2Mul(); hpv(HP.A1); f.get(gh).f64x2Mul().f64x2Add(); };
      const vAt = (half: (x: Local) => void, gh: Local) => { half(Vs); hpv(HP.BETA2); f.f64x2Mul(); hpv(HP.A2); f.get(gh).f64x2Mul().get(gh).f64x2Mul().f64x2Add(); };
      join(() => mAt(lo, g0), () => mAt(hi, g1)); f.set(M);
      join(() => vAt(lo, g0), () => vAt(hi, g1)); f.set(Vs);
      f.get(m).get(j).add().get(M).v128Store();
      f.get(v).get(j).add().get(Vs).v128Store();
      if (amsgrad) {
        // vmax = vmax !== vmax || vmax > v ? vmax : v; the denominator reads vmax
        f.get(vmax).get(j).add().v128Load().set(A);
        f.get(A).get(Vs).get(A).get(A).f32x4Ne().get(A).get(Vs).f32x4Gt().v128Or().v128Bitselect().set(Vs);
        f.get(vmax).get(j).add().get(Vs).v128Store();
      }
      // p = p - (stepSize * m) / (sqrt(v) / bc2Sqrt + eps)
      lo(M); f.set(m0);
      hi(M); f.set(m1);
      lo(Vs); f.set(v0);
      hi(Vs); f.set(v1);
      const pAt = (ph: Local, mh: Local, vh: Local) => {
        f.get(ph);
        hpv(HP.STEP_SIZE); f.get(mh).f64x2Mul();
        f.get(vh).f64x2Sqrt(); hpv(HP.BC2_SQRT); f.f64x2Div(); hpv(HP.EPS); f.f64x2Add();
        f.f64x2Div().f64x2Sub();
      };
      f.get(p).get(j).add();
      join(() => pAt(p0, m0, v0), () => pAt(p1, m1, v1));
      f.v128Store();
    });

  f.get(hp).v128Load32Splat(HP.SIGN).set(sign);
  const on = (bit: number) => f.get(flags).i32(bit).and();
  on(FLAG.AMSGRAD).if();
  branches(f, on, (c, d) => loop(c, d, true));
  f.else();
  branches(f, on, (c, d) => loop(c, d, false));
  f.end();
}

/** adamChunk(ctl, c): chunk c of the Adam job described at ctl (AJ), through adam(). */
export function emitAdamChunk(f: FuncBuilder, adamIndex: number): void {
  const [ctl, c] = [f.param(0), f.param(1)];
  const [off, len] = [f.local(I32), f.local(I32)];
  const prm = (w: number) => f.get(ctl).i32Load(w * 4);
  f.get(c); prm(AJ.CHUNK_BYTES); f.mul().set(off);
  // len = min(CHUNK_BYTES, BYTES - off)
  prm(AJ.BYTES); f.get(off).sub().set(len);
  prm(AJ.CHUNK_BYTES); f.get(len); prm(AJ.CHUNK_BYTES); f.get(len).ltS().select().set(len);
  for (const w of [AJ.P, AJ.G, AJ.M, AJ.V, AJ.VMAX]) { prm(w); f.get(off).add(); }
  f.get(len); prm(AJ.HP); prm(AJ.FLAGS);
  f.call(adamIndex);
}

/** if COUPLED: body(true, false) else if DECOUPLED: body(false, true) else body(false, false). */
function branches(f: FuncBuilder, on: (bit: number) => void, body: (coupled: boolean, decoupled: boolean) => void): void {
  on(FLAG.COUPLED); f.if();
  body(true, false);
  f.else();
  on(FLAG.DECOUPLED); f.if();
  body(false, true);
  f.else();
  body(false, false);
  f.end();
  f.end();
}
