// Per-element formulas of the elementwise ops that are more than one JS operator, as PyTorch
// 1.13's CPU kernels compute them (ATen's BinaryOpsKernel.cpp / UnaryOpsKernel.cpp). Shared by
// the number kernels (elementwise.ts) and, for integers, written again over bigint (int64.ts).
/** C's nearbyint in the default mode: round half to even (-0 stays -0, as x in (-0.5, 0) gives -0). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // half up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// A NaN's sign shows only in its bits: written to a scratch double, read back as the high word
// (little-endian, as every platform Node and browsers run on).
const scratch = new Float64Array(1);
const scratchHigh = new Int32Array(scratch.buffer, 4, 1);
function nanSign(x: number): boolean {
  scratch[0] = x;
  return scratchHigh[0]! < 0;
}

/** The sign bit: true for negative numbers, -0 and NaNs with the sign bit set (PyTorch's -nan). */
export const signbit = (x: number): boolean => x < 0 || (x === 0 && 1 / x < 0) || (x !== x && nanSign(x));

/** Python's %: fmod moved into the divisor's sign (ATen's remainder). */
export function remainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

/** ATen's div_floor_floating: a / b rounded down, computed from fmod so it is exact where a / b rounds up. */
export function divFloor(a: number, b: number): number {
  if (b === 0) return a / b;
  const m = a % b;
  let d = (a - m) / b;
  if (m !== 0 && b < 0 !== m < 0) d -= 1;
  if (d === 0) return (a / b < 0 || (a / b === 0 && 1 / (a / b) < 0)) ? -0 : 0;
  const f = Math.floor(d);
  return d - f > 0.5 ? f + 1 : f;
}

/** Integer floor division (b != 0): the truncated quotient, one less where the signs differ and b does not divide a. */
export function divFloorInt(a: number, b: number): number {
  const q = Math.trunc(a / b);
  return a % b !== 0 && a < 0 !== b < 0 ? q - 1 : q;
}

/** |a| with b's sign bit. */
export const copysign = (a: number, b: number): number => (signbit(b) ? -Math.abs(a) : Math.abs(a));

/** max/min ignoring one NaN operand (C's fmax/fmin). */
export const fmax = (a: number, b: number): number => (a !== a ? b : b !== b ? a : a < b ? b : a);
export const fmin = (a: number, b: number): number => (a !== a ? b : b !== b ? a : a > b ? b : a);
