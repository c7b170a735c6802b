// fma(a, b, c) rounded once to double, with ordinary double arithmetic and no memory access:
// the glibc ports in this folder call it several times per sin/cos/log, on the randn path.
//
// Method: a*b = ph + pl exactly (Dekker's product with Veltkamp splitting), c + ph = sh + sl
// exactly (TwoSum), then v = sl + pl with rounding error ve, and res = sh + v.
// res is the correctly rounded a*b + c unless both roundings matter: the rounding of v can
// only change the rounding of sh + v when sh + v lies exactly halfway between two doubles
// (v is at most about ulp(sh), so ulp(v) is 2^-52 of ulp(sh) or less, much finer than the
// grid of halfway points). In that tie case the exact value a*b + c = res + t + ve, with
// t = (sh + v) - res exactly, sits just past the halfway point on ve's side: it rounds to
// the neighbour res + 2t when ve points away from res, and to res otherwise.
//
// Valid when no intermediate overflows or underflows (|a|, |b| < 2^995 and products far
// above 2^-969), which holds for every call in the sin/cos/log ports: their operands are
// polynomial coefficients, table values and reduced arguments.

const SPLITTER = 134217729; // 2^27 + 1

export function fma(a: number, b: number, c: number): number {
  // a*b = ph + pl
  const ph = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = ah * bh - ph + ah * bl + al * bh + al * bl;
  // c + ph = sh + sl
  const sh = c + ph;
  let bv = sh - c;
  const sl = c - (sh - bv) + (ph - bv);
  // res = sh + (sl + pl); v = sl + pl may be rounded, which matters only at a tie (above).
  const v = sl + pl;
  const res = sh + v;
  const tie = v - (res - sh); // (sh + v) - res, exact since |v| <= ~ulp(sh) or sh == 0
  if (tie === 0) return res;
  const twice = tie + tie;
  if (res + twice - res !== twice) return res; // sh + v was not halfway
  bv = v - sl;
  const ve = sl - (v - bv) + (pl - bv); // sl + pl = v + ve exactly
  if (ve === 0) return res; // an exact tie: round-to-nearest-even already chose res
  return (ve > 0) === (tie > 0) ? res + twice : res;
}
