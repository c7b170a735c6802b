// glibc 2.36's erf (double) and erff (float), which PyTorch's scalar erfinv kernel calls in its
// Newton steps: Sun's fdlibm algorithm (sysdeps/ieee754/dbl-64/s_erf.c, flt-32/s_erff.c),
// built without FMA. The double version evaluates its polynomials in the split form below
// (pairs of coefficients in parallel, then powers of z), the float version in plain Horner
// form, every operation rounded to the type: both forms are what reproduce the real libm
// (test/nn/initNames.test.ts compares them with the real libm through its fixture).
//
// Both call exp for |x| >= 1.25; V8's Math.exp is fdlibm's and agrees with glibc's exp in
// ~90% of cases, so erf's last bit differs from glibc's for ~0.4% of |x| in [1.25, 2.86),
// erff (whose expf result is rounded to float) for ~0.01%; elsewhere they are identical.

const f64 = new Float64Array(1);
const hi32 = new Int32Array(f64.buffer); // little-endian: [1] is the high word
const f32 = new Float32Array(1);
const bits32 = new Int32Array(f32.buffer);
const fr = Math.fround;

const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
// erf(x) = x + x*P(z)/Q(z), z = x^2, on |x| < 0.84375
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
// erf(x) = erx + P(s)/Q(s), s = |x| - 1, on 0.84375 <= |x| < 1.25
const PA = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3];
const QA = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
// erfc(x) = exp(-x^2 - 0.5625 + R(s)/S(s))/x, s = 1/x^2: on 1.25 <= |x| < 1/0.35 (RA/SA) and up to 6 (RB/SB)
const RA = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592];
const SA = [1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2];
const RB = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2];
const SB = [1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1];

/** c[0] + c[1] s + s^2 (c[2] + c[3] s) + s^4 (c[4] + c[5] s) + ...: s_erf.c's split evaluation. */
function split(c: readonly number[], s: number): number {
  let sum = c[0]! + s * (c[1] ?? 0);
  let p = 1;
  const s2 = s * s;
  for (let k = 2; k < c.length; k += 2) {
    p = k === 2 ? s2 : k === 8 ? (s2 * s2) * (s2 * s2) : p * s2;
    sum += p * (k + 1 < c.length ? c[k]! + s * c[k + 1]! : c[k]!);
  }
  return sum;
}

/** glibc's erf(x) (double). */
export function erf(x: number): number {
  f64[0] = x;
  const hx = hi32[1]!;
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return x !== x ? x : x > 0 ? 1 : -1;
  if (ix < 0x3feb0000) { // |x| < 0.84375
    if (ix < 0x3e300000) return ix < 0x00800000 ? 0.125 * (8.0 * x + EFX * 8 * x) : x + EFX * x;
    const z = x * x;
    return x + x * (split(PP, z) / split(QQ, z));
  }
  if (ix < 0x3ff40000) { // |x| < 1.25
    const s = Math.abs(x) - 1;
    const pq = split(PA, s) / split(QA, s);
    return hx >= 0 ? ERX + pq : -ERX - pq;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1 - 1e-300 : 1e-300 - 1; // |x| >= 6
  const ax = Math.abs(x);
  const s = 1 / (ax * ax);
  const rs = ix < 0x4006db6e ? split(RA, s) / split(SA, s) : split(RB, s) / split(SB, s);
  f64[0] = ax;
  hi32[0] = 0; // z: ax with the low word cleared, so -z*z is exact
  const z = f64[0]!;
  const r = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + rs);
  return hx >= 0 ? 1 - r / ax : r / ax - 1;
}

const FPP = PP.map(fr), FQQ = QQ.map(fr), FPA = PA.map(fr), FQA = QA.map(fr);
const FRA = RA.map(fr), FSA = SA.map(fr), FRB = RB.map(fr), FSB = SB.map(fr);
const FERX = fr(ERX), FEFX = fr(EFX);

/** c[0] + s (c[1] + s (c[2] + ...)) with every operation rounded to float32. */
function hornerF(c: readonly number[], s: number): number {
  let acc = c[c.length - 1]!;
  for (let k = c.length - 2; k >= 0; k--) acc = fr(c[k]! + fr(s * acc));
  return acc;
}

/** glibc's erff(x) (float32 in and out). */
export function erff(x: number): number {
  f32[0] = x;
  const hx = bits32[0]!;
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7f800000) return x !== x ? x : x > 0 ? 1 : -1;
  if (ix < 0x3f580000) { // |x| < 0.84375
    if (ix < 0x31800000) return ix < 0x04000000 ? fr(0.125 * fr(fr(8 * x) + fr(fr(FEFX * 8) * x))) : fr(x + fr(FEFX * x));
    const z = fr(x * x);
    return fr(x + fr(x * fr(hornerF(FPP, z) / hornerF(FQQ, z))));
  }
  if (ix < 0x3fa00000) { // |x| < 1.25
    const s = fr(Math.abs(x) - 1);
    const pq = fr(hornerF(FPA, s) / hornerF(FQA, s));
    return hx >= 0 ? fr(FERX + pq) : fr(-FERX - pq);
  }
  if (ix >= 0x40c00000) return hx >= 0 ? fr(1 - 1e-30) : fr(1e-30 - 1); // |x| >= 6
  const ax = Math.abs(x);
  const s = fr(1 / fr(ax * ax));
  const rs = ix < 0x4036db6e ? fr(hornerF(FRA, s) / hornerF(FSA, s)) : fr(hornerF(FRB, s) / hornerF(FSB, s));
  f32[0] = ax;
  bits32[0] = bits32[0]! & 0xfffff000; // z: ax with its low 12 bits cleared
  const z = f32[0]!;
  const r = fr(fr(Math.exp(fr(fr(-z * z) - 0.5625))) * fr(Math.exp(fr(fr(fr(z - ax) * fr(z + ax)) + rs))));
  return hx >= 0 ? fr(1 - fr(r / ax)) : fr(fr(r / ax) - 1);
}
