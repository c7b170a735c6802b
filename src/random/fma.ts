// Exactly rounded fused multiply-add, emulated with ordinary double arithmetic.
//
// PyTorch's CPU kernels are compiled by GCC with -mfma (AVX2 dispatch) and GCC contracts
// `a * b + c` into one fused operation, so e.g. uniform_(from, to) computes
// fma(u, to - from, from) with a single rounding. JavaScript has no fma, so we emulate it:
// - float32: a*b of two float32 values is exact in a double; the sum p + c is rounded to odd
//   in double precision (53 >= 24 + 2 bits), after which rounding to float32 is exact
//   (the classic "round to odd, then round to nearest" theorem).
// - float64: src/random/libm/fma64.ts (exact product and sum, with a correction at halfway
//   sums), tested against an exact BigInt reference.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian: u32[0] is the low word

/** Rounds s (the double nearest to s + err) to odd: if err != 0 and s is even, step toward err. */
function roundToOdd(s: number, err: number): number {
  if (err === 0 || !Number.isFinite(s)) return s;
  f64[0] = s;
  if ((u32[0]! & 1) !== 0) return s;
  // Moving away from zero increments the bit pattern, toward zero decrements it.
  const awayFromZero = err > 0 === s > 0;
  if (awayFromZero) {
    u32[0] = (u32[0]! + 1) >>> 0;
    if (u32[0] === 0) u32[1] = (u32[1]! + 1) >>> 0;
  } else {
    if (u32[0] === 0) u32[1] = (u32[1]! - 1) >>> 0;
    u32[0] = (u32[0]! - 1) >>> 0;
  }
  return f64[0]!;
}

/** fmaf(a, b, c) for float32 inputs, rounded once to float32. */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 bits fit in 53
  const s = p + c;
  const bp = s - c;
  const err = p - bp + (c - (s - bp)); // TwoSum: p + c == s + err exactly
  return Math.fround(roundToOdd(s, err));
}

/** fma(a, b, c) for doubles, rounded once: the one implementation, shared with the libm ports. */
export { fma as fmaF64 } from "./libm/fma64.ts";
