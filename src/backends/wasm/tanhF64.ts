// tanh of two doubles at a time, as V8's Math.tanh computes it: fdlibm's s_tanh.c (what V8's
// base::ieee754::tanh is) and the expm1 it calls (s_expm1.c), the same IEEE operations in the
// same order, branches turned into lane selects. tanh(x) for 2^-28 <= |x| < 22 is
// 1 - 2 / (expm1(2|x|) + 2) when |x| >= 1, else -t / (t + 2) with t = expm1(-2|x|), given x's
// sign; x itself below 2^-28, +-1 from 22 on (and for +-inf), NaN for NaN.
//
// Only the branches of expm1 that tanh reaches are emitted: its argument u is 2|x| in [2, 44)
// (k = (int)(u / ln2 + 0.5) in [3, 63]: 1 - 2^-k scaled for k < 20, 2^-k for 20 <= k <= 56,
// exp(u) - 1 directly past 56) or -2|x| in (-2, -2^-27] (k = 0 up to 0.5 ln2, -1 up to
// 1.5 ln2, then -2 or -3: exp(u) - 1 directly). The thresholds past 56 ln2 and 709 and the
// |u| < 2^-54 shortcut are beyond these ranges.
import { V128, type FuncBuilder, type Local } from "./emitter.ts";
import { constantPool, HALF_LN2_UP, INV_LN2, LN2_HI, LN2_LO, THREE_HALVES_LN2, TWO_M28 } from "./f64Lanes.ts";

const Q = [-3.33333333333331316428e-02, 1.58730158725481460165e-03, -7.93650757867487942473e-05, 4.00821782732936239552e-06, -2.01099218183624371326e-07];

export interface Tanh {
  /** The input (two doubles), kept. */
  x: Local;
  /** Emits the constants' loads; call once, before any emit(). */
  init(): void;
  /** Pushes tanh of the f64x2 in x (each lane as Math.tanh computes it). */
  emit(): void;
}

export function tanhRoutine(f: FuncBuilder): Tanh {
  const v = () => f.local(V128);
  const [x, a, big, u, sgn, k, hi, lo, xr, c, hfx, hxs, r1, t, e, m, r, ki] = Array.from({ length: 18 }, v);
  const { K, bias, init, choose } = constantPool(f, [-0, 0, 0.5, 1, 2, 3, 6, -1, 20, 56, 22, INV_LN2, LN2_HI, LN2_LO, ...Q, HALF_LN2_UP, THREE_HALVES_LN2, TWO_M28]);
  /** Pushes 2^(sign * k) for the integral doubles in k: exponent bits (1023 +- k) << 52. */
  const pow2 = (negate: boolean) => {
    f.get(ki);
    if (negate) f.i64x2Neg();
    f.get(bias).i64x2Add().i32(52).i64x2Shl();
  };
  const emit = () => {
    f.get(x).f64x2Abs().set(a);
    // u = 2|x| where |x| >= 1, else -2|x|
    K(1); f.get(a).f64x2Le().set(big);
    choose(() => { K(2); f.get(a).f64x2Mul(); }, () => { K(-0); K(2); f.f64x2Sub(); f.get(a).f64x2Mul(); }, big); f.set(u);
    // ---- expm1(u): argument reduction, as exp's (k = +-1 below 1.5 ln2, none below 0.5 ln2)
    f.get(u); K(-0); f.v128And().set(sgn);
    f.get(u); K(INV_LN2); f.f64x2Mul(); K(0.5); f.get(sgn).v128Or().f64x2Add().f64x2Trunc().set(k);
    f.get(u).get(k); K(LN2_HI); f.f64x2Mul().f64x2Sub().set(hi);
    f.get(k); K(LN2_LO); f.f64x2Mul().set(lo);
    f.get(u).f64x2Abs(); K(THREE_HALVES_LN2); f.f64x2Lt().set(t);
    choose(() => { K(1); f.get(sgn).v128Or(); }, () => f.get(k), t); f.set(k);
    choose(() => { f.get(u); K(LN2_HI); f.get(sgn).v128Or().f64x2Sub(); }, () => f.get(hi), t); f.set(hi);
    choose(() => { K(LN2_LO); f.get(sgn).v128Or(); }, () => f.get(lo), t); f.set(lo);
    // m: |u| <= 0.5 ln2 (k = 0, u unreduced); else xr = hi - lo, c = (hi - xr) - lo
    f.get(u).f64x2Abs(); K(HALF_LN2_UP); f.f64x2Lt().set(m);
    choose(() => K(0), () => f.get(k), m); f.set(k);
    choose(() => f.get(u), () => f.get(hi).get(lo).f64x2Sub(), m); f.set(xr);
    f.get(hi).get(xr).f64x2Sub().get(lo).f64x2Sub().set(c);
    f.get(k).i32x4TruncSatF64x2SZero().i64x2ExtendLowI32x4S().set(ki);
    // hfx = 0.5 xr, hxs = xr hfx, r1 = 1 + hxs (Q1 + hxs (Q2 + ...)), t = 3 - r1 hfx,
    // e = hxs ((r1 - t) / (6 - xr t))
    K(0.5); f.get(xr).f64x2Mul().set(hfx);
    f.get(xr).get(hfx).f64x2Mul().set(hxs);
    K(Q[4]!);
    for (let i = 3; i >= 0; i--) { f.get(hxs).f64x2Mul(); K(Q[i]!); f.f64x2Add(); }
    f.get(hxs).f64x2Mul(); K(1); f.f64x2Add().set(r1);
    K(3); f.get(r1).get(hfx).f64x2Mul().f64x2Sub().set(t);
    f.get(hxs).get(r1).get(t).f64x2Sub(); K(6); f.get(xr).get(t).f64x2Mul().f64x2Sub().f64x2Div().f64x2Mul().set(e);
    // k == 0: xr - (xr e - hxs)
    f.get(xr).get(xr).get(e).f64x2Mul().get(hxs).f64x2Sub().f64x2Sub().set(r);
    // k != 0: e = (xr (e - c) - c) - hxs
    f.get(xr).get(e).get(c).f64x2Sub().f64x2Mul().get(c).f64x2Sub().get(hxs).f64x2Sub().set(e);
    // k == -1: 0.5 (xr - e) - 0.5
    K(-1); f.get(k).f64x2Eq().set(t);
    choose(() => { K(0.5); f.get(xr).get(e).f64x2Sub().f64x2Mul(); K(0.5); f.f64x2Sub(); }, () => f.get(r), t); f.set(r);
    // k <= -2 or k > 56: (1 - (e - xr)) 2^k - 1
    f.get(k); K(-1); f.f64x2Lt(); K(56); f.get(k).f64x2Lt().v128Or().set(t);
    choose(() => { K(1); f.get(e).get(xr).f64x2Sub().f64x2Sub(); pow2(false); f.f64x2Mul(); K(1); f.f64x2Sub(); }, () => f.get(r), t); f.set(r);
    // 1 < k < 20: ((1 - 2^-k) - (e - xr)) 2^k
    K(1); f.get(k).f64x2Lt(); f.get(k); K(20); f.f64x2Lt().v128And().set(t);
    choose(() => { K(1); pow2(true); f.f64x2Sub().get(e).get(xr).f64x2Sub().f64x2Sub(); pow2(false); f.f64x2Mul(); }, () => f.get(r), t); f.set(r);
    // 20 <= k <= 56: ((xr - (e + 2^-k)) + 1) 2^k
    K(20); f.get(k).f64x2Le(); f.get(k); K(56); f.f64x2Le().v128And().set(t);
    choose(() => { f.get(xr).get(e); pow2(true); f.f64x2Add().f64x2Sub(); K(1); f.f64x2Add(); pow2(false); f.f64x2Mul(); }, () => f.get(r), t); f.set(r);
    // ---- tanh from t = expm1(u): |x| >= 1: 1 - 2 / (t + 2); else -t / (t + 2)
    choose(() => { K(1); K(2); f.get(r); K(2); f.f64x2Add().f64x2Div().f64x2Sub(); }, () => { f.get(r).f64x2Neg().get(r); K(2); f.f64x2Add().f64x2Div(); }, big); f.set(r);
    // |x| >= 22 (and inf): 1; the sign of x (its sign bit: -z for -0 and negative NaN alike)
    K(22); f.get(a).f64x2Le().set(t);
    choose(() => K(1), () => f.get(r), t); f.set(r);
    f.get(r); f.get(x); K(-0); f.v128And().v128Xor().set(r);
    // |x| < 2^-28: x itself
    f.get(a); K(TWO_M28); f.f64x2Lt().set(t);
    choose(() => f.get(x), () => f.get(r), t);
  };
  return { x, init, emit };
}
