// exp of two doubles at a time, as V8's Math.exp computes it: the same IEEE operations in the
// same order as fdlibm's __ieee754_exp (FreeBSD msun e_exp.c, which V8's base::ieee754::exp
// is), so every result has Math.exp's bits. Branches become selects: each lane takes the
// argument reduction its |x| selects (none below 0.5 ln 2, k = +-1 below 1.5 ln 2, else
// k = (int)(x / ln 2 +- 0.5)), then fdlibm's rational formula and the scaling by 2^k.
//
// For the kernels that round the double to float32 (exp, and sigmoid's 1 / (1 + exp(-x))):
// below -110 the result is 0 (fdlibm's is below 1.7e-48: 0 as a float32, and 1 + it is 1)
// and above 709 infinity (fdlibm's is over 8e307: infinity as a float32, and 1 / (1 + it)
// rounds to a float32 0 either way), so k stays within [-159, 1023] and 2^k is a normal
// double (fdlibm's k < -1021 and k == 1024 branches never run). NaN gives NaN, +-inf give inf
// and 0.
import { V128, type FuncBuilder, type Local } from "./emitter.ts";
import { constantPool, HALF_LN2_UP, INV_LN2, LN2_HI, LN2_LO, THREE_HALVES_LN2, TWO_M28 } from "./f64Lanes.ts";

const P = [1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05, -1.65339022054652515390e-06, 4.13813679705723846039e-08];
const SIGN = -0;

/**
 * The routine's locals: x (the input, kept), scratch, and its constants, which init() loads
 * once before a loop (a v128.const in the loop body costs several instructions per use).
 */
export interface Exp {
  x: Local;
  /** Emits the constants' loads; call once, before any emit(). */
  init(): void;
  /** Pushes exp of the f64x2 in x (each lane as Math.exp computes it). */
  emit(): void;
}

export function expRoutine(f: FuncBuilder): Exp {
  const v = () => f.local(V128);
  const [x, ax, sgn, k, hi, lo, xr, t, c, m, r] = Array.from({ length: 11 }, v);
  const { K, bias, init, choose } = constantPool(f, [SIGN, 0.5, 1, 2, INV_LN2, LN2_HI, LN2_LO, ...P, HALF_LN2_UP, THREE_HALVES_LN2, TWO_M28, -110, 709, Infinity, 0]);
  /** Pushes the constant c with x's sign (c's own sign bit clear). */
  const signed = (c: number) => { K(c); f.get(sgn).v128Or(); };
  const emit = () => {
    f.get(x).f64x2Abs().set(ax);
    f.get(x); K(SIGN); f.v128And().set(sgn);
    // |x| >= 1.5 ln2: k = (int)(invln2 * x + (x < 0 ? -0.5 : 0.5)), hi = x - k * ln2HI (exact), lo = k * ln2LO
    f.get(x); K(INV_LN2); f.f64x2Mul(); signed(0.5); f.f64x2Add().f64x2Trunc().set(k);
    f.get(x).get(k); K(LN2_HI); f.f64x2Mul().f64x2Sub().set(hi);
    f.get(k); K(LN2_LO); f.f64x2Mul().set(lo);
    // |x| < 1.5 ln2: k = +-1, hi = x - (+-ln2HI), lo = +-ln2LO (the sign of x)
    f.get(ax); K(THREE_HALVES_LN2); f.f64x2Lt().set(t);
    choose(() => signed(1), () => f.get(k), t); f.set(k);
    choose(() => { f.get(x); signed(LN2_HI); f.f64x2Sub(); }, () => f.get(hi), t); f.set(hi);
    choose(() => signed(LN2_LO), () => f.get(lo), t); f.set(lo);
    // |x| <= 0.5 ln2 (m): no reduction, k = 0; else the reduced argument hi - lo
    f.get(ax); K(HALF_LN2_UP); f.f64x2Lt().set(m);
    choose(() => f.get(x), () => f.get(hi).get(lo).f64x2Sub(), m); f.set(xr);
    // c = xr - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5)))), t = xr * xr
    f.get(xr).get(xr).f64x2Mul().set(t);
    K(P[4]!);
    for (let i = 3; i >= 0; i--) { f.get(t).f64x2Mul(); K(P[i]!); f.f64x2Add(); }
    f.get(t).f64x2Mul().set(c);
    f.get(xr).get(c).f64x2Sub().set(c);
    // k == 0: 1 - ((xr * c) / (c - 2) - xr); else (1 - ((lo - (xr * c) / (2 - c)) - hi)) * 2^k.
    // One division serves both: 2 - c is exactly -(c - 2), so (xr * c) / (2 - c) is exactly -q
    // for q = (xr * c) / (c - 2), and lo - (-q) is exactly lo + q. 2^k from its exponent bits.
    f.get(xr).get(c).f64x2Mul().get(c); K(2); f.f64x2Sub().f64x2Div().set(t);
    choose(
      () => { K(1); f.get(t).get(xr).f64x2Sub().f64x2Sub(); },
      () => {
        K(1); f.get(lo).get(t).f64x2Add().get(hi).f64x2Sub().f64x2Sub();
        f.get(k).i32x4TruncSatF64x2SZero().i64x2ExtendLowI32x4S().get(bias).i64x2Add().i32(52).i64x2Shl().f64x2Mul();
      },
      m,
    );
    f.set(r);
    // |x| < 2^-28: 1 + x; below -110: 0; above 709 (and +inf): infinity; NaN stays NaN (every test false)
    f.get(ax); K(TWO_M28); f.f64x2Lt().set(t);
    choose(() => { K(1); f.get(x).f64x2Add(); }, () => f.get(r), t); f.set(r);
    f.get(x); K(-110); f.f64x2Lt().set(t);
    choose(() => K(0), () => f.get(r), t); f.set(r);
    K(709); f.get(x).f64x2Lt().set(t);
    choose(() => K(Infinity), () => f.get(r), t);
  };
  return { x, init, emit };
}
