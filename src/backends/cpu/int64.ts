// int64 kernels: exact two's-complement arithmetic on BigInt64Array storage, wrapping at 64
// bits as PyTorch's int64 does (a BigInt64Array store keeps the low 64 bits). TurboFan keeps
// BigInt64Array element arithmetic unboxed, so these loops run at about the speed of the
// float ones for add, sum and comparisons. They are kept apart from the number kernels so
// that those stay monomorphic in number arrays.
//
// Invariant kept by the ops: a kernel never mixes BigInt64Array with number arrays, except
// `copy` (the cast, below) and index operands (read through `indexNumbers`). Float-valued ops
// of int64 input (exp, div, ...) read their bigint operands through Number and write numbers.
import type { BinaryOp, ReduceOp, StridedView, UnaryOp } from "../backend.ts";
import { setInt64, wordsOf, type NumArray, type Storage } from "../../dtype.ts";
import { erfc } from "./special.ts";
import { forEachRow1, forEachRow2, forEachRow3 } from "./strided.ts";

/** An index operand's storage as numbers (int64 converted exactly; indices beyond 2^53 fail the bounds checks anyway). */
export function indexNumbers(d: Storage): NumArray {
  if (!(d instanceof BigInt64Array)) return d;
  const out = new Float64Array(d.length);
  toNumbers(wordsOf(d), 0, 1, out, 0, 1, d.length);
  return out;
}

/** dst[di] = src[si] for one strided row, casting between int64 and a number array. */
export function castRow(s: Storage, si: number, ss: number, o: Storage, di: number, ds: number, n: number): void {
  if (s instanceof BigInt64Array && o instanceof BigInt64Array) {
    for (let k = 0; k < n; k++, di += ds, si += ss) o[di] = s[si]!;
  } else if (s instanceof BigInt64Array) {
    if (o instanceof Uint8Array) toBool(wordsOf(s), si, ss, o, di, ds, n);
    else toNumbers(wordsOf(s), si, ss, o as NumArray, di, ds, n);
  } else fromNumbers(s as NumArray, si, ss, wordsOf(o as BigInt64Array), di, ds, n);
}

// int64Number and setInt64 written out inline: as calls they cost 3x here.
function toNumbers(w: Int32Array, si: number, ss: number, o: NumArray, di: number, ds: number, n: number): void {
  for (let k = 0; k < n; k++, di += ds, si += ss) o[di] = w[2 * si + 1]! * 4294967296 + (w[2 * si]! >>> 0);
}
function toBool(w: Int32Array, si: number, ss: number, o: Uint8Array, di: number, ds: number, n: number): void {
  for (let k = 0; k < n; k++, di += ds, si += ss) o[di] = (w[2 * si]! | w[2 * si + 1]!) !== 0 ? 1 : 0;
}
function fromNumbers(x: NumArray, si: number, ss: number, w: Int32Array, di: number, ds: number, n: number): void {
  for (let k = 0; k < n; k++, di += ds, si += ss) {
    const v = x[si]!;
    if (v > -2147483649 && v < 2147483648) {
      const t = Math.trunc(v);
      w[2 * di] = t;
      w[2 * di + 1] = t < 0 ? -1 : 0;
    } else setInt64(w, di, v);
  }
}

// ---- elementwise -----------------------------------------------------------------------

type Num = bigint | number;
const b01 = (c: boolean): number => (c ? 1 : 0);

/** Result per element: a bigint for int64 outputs, a number for bool and float outputs. */
const unaryOps = {
  neg: (x) => -x,
  abs: (x) => (x < 0n ? -x : x),
  sign: (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n),
  relu: (x) => (x < 0n ? 0n : x),
  logicalNot: (x) => b01(x === 0n),
  isnan: () => 0,
  isfinite: () => 1,
  exp: (x) => Math.exp(Number(x)),
  log: (x) => Math.log(Number(x)),
  log1p: (x) => Math.log1p(Number(x)),
  expm1: (x) => Math.expm1(Number(x)),
  sqrt: (x) => Math.sqrt(Number(x)),
  rsqrt: (x) => 1 / Math.sqrt(Number(x)),
  sin: (x) => Math.sin(Number(x)),
  tan: (x) => Math.tan(Number(x)),
  cos: (x) => Math.cos(Number(x)),
  tanh: (x) => Math.tanh(Number(x)),
  sigmoid: (x) => 1 / (1 + Math.exp(-Number(x))),
  floor: (x) => x,
  ceil: (x) => x,
  round: (x) => x,
  trunc: (x) => x,
  log2: (x) => Math.log2(Number(x)),
  log10: (x) => Math.log10(Number(x)),
  exp2: (x) => 2 ** Number(x),
  sinh: (x) => Math.sinh(Number(x)),
  cosh: (x) => Math.cosh(Number(x)),
  asin: (x) => Math.asin(Number(x)),
  acos: (x) => Math.acos(Number(x)),
  atan: (x) => Math.atan(Number(x)),
  asinh: (x) => Math.asinh(Number(x)),
  acosh: (x) => Math.acosh(Number(x)),
  atanh: (x) => Math.atanh(Number(x)),
  erfc: (x) => erfc(Number(x)),
  signbit: (x) => b01(x < 0n),
  bitwiseNot: (x) => ~x,
} satisfies Record<UnaryOp, (x: bigint) => Num>;

/**
 * x ** e mod 2^64 by squaring (PyTorch wraps; BigInt's ** would grow without bound). Negative
 * exponents follow c10's powi: 1 for x = 1, +-1 for x = -1, else 0 (a negative scalar
 * exponent of an integer tensor is refused by the op before it gets here).
 */
function powWrap(x: bigint, e: bigint): bigint {
  if (e < 0n) return x === 1n ? 1n : x === -1n ? (e % 2n === 0n ? 1n : -1n) : 0n;
  let r = 1n;
  let b = x;
  while (e > 0n) {
    if (e & 1n) r = BigInt.asIntN(64, r * b);
    b = BigInt.asIntN(64, b * b);
    e >>= 1n;
  }
  return r;
}

const binaryOps = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => Number(a) / Number(b),
  pow: powWrap,
  maximum: (a, b) => (a > b ? a : b),
  minimum: (a, b) => (a < b ? a : b),
  eq: (a, b) => b01(a === b),
  ne: (a, b) => b01(a !== b),
  lt: (a, b) => b01(a < b),
  le: (a, b) => b01(a <= b),
  gt: (a, b) => b01(a > b),
  ge: (a, b) => b01(a >= b),
  logicalAnd: (a, b) => b01(a !== 0n && b !== 0n),
  logicalOr: (a, b) => b01(a !== 0n || b !== 0n),
  thresholdBackward: (a, b) => (b <= 0n ? 0n : a),
  // float-valued ops compute int64 operands as floats (the op casts them first); these are
  // here for the table's completeness
  tanhBackward: (a, b) => Number(a) * (1 - Number(b) * Number(b)),
  atan2: (a, b) => Math.atan2(Number(a), Number(b)),
  hypot: (a, b) => Math.hypot(Number(a), Number(b)),
  copysign: (a, b) => (b < 0n ? -1 : 1) * Math.abs(Number(a)),
  // integer division: the op has refused a zero divisor
  fmod: (a, b) => a % b,
  remainder: (a, b) => { const m = a % b; return m !== 0n && m < 0n !== b < 0n ? m + b : m; },
  divFloor: (a, b) => { const q = a / b; return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q; },
  divTrunc: (a, b) => a / b,
  fmax: (a, b) => (a > b ? a : b),
  fmin: (a, b) => (a < b ? a : b),
  bitwiseAnd: (a, b) => a & b,
  bitwiseOr: (a, b) => a | b,
  bitwiseXor: (a, b) => a ^ b,
  // the count mod 64, as x86 and so PyTorch
  bitwiseLeftShift: (a, b) => BigInt.asIntN(64, a << (b & 63n)),
  bitwiseRightShift: (a, b) => a >> (b & 63n),
} satisfies Record<BinaryOp, (a: bigint, b: bigint) => Num>;

export function unary(op: UnaryOp, x: StridedView, out: Storage): void {
  const f = unaryOps[op] as (x: bigint) => Num;
  const d = x.data as BigInt64Array;
  const o = out as unknown as Num[];
  forEachRow1(x.shape, x.strides, x.offset, (xi, xs, oi, n) => {
    for (let k = 0; k < n; k++, xi += xs) o[oi + k] = f(d[xi]!);
  });
}

type Loop = (a: BigInt64Array, ai: number, as: number, b: BigInt64Array, bi: number, bs: number, o: Storage, oi: number, n: number) => void;
/**
 * The common ops as loops of their own (3-6 ns per element, against 9-50 through a per-element
 * lambda, measured on 1M elements): each literal keeps its own type feedback. A BigInt64Array
 * store keeps the low 64 bits, which is the wrap.
 */
const loops: Partial<Record<BinaryOp, Loop>> = {
  add: (a, ai, as, b, bi, bs, o, oi, n) => { const r = o as BigInt64Array; for (let k = 0; k < n; k++, ai += as, bi += bs) r[oi + k] = a[ai]! + b[bi]!; },
  sub: (a, ai, as, b, bi, bs, o, oi, n) => { const r = o as BigInt64Array; for (let k = 0; k < n; k++, ai += as, bi += bs) r[oi + k] = a[ai]! - b[bi]!; },
  mul: (a, ai, as, b, bi, bs, o, oi, n) => { const r = o as BigInt64Array; for (let k = 0; k < n; k++, ai += as, bi += bs) r[oi + k] = a[ai]! * b[bi]!; },
  eq: (a, ai, as, b, bi, bs, o, oi, n) => { const r = o as Uint8Array; for (let k = 0; k < n; k++, ai += as, bi += bs) r[oi + k] = a[ai] === b[bi] ? 1 : 0; },
  ne: (a, ai, as, b, bi, bs, o, oi, n) => { const r = o as Uint8Array; for (let k = 0; k < n; k++, ai += as, bi += bs) r[oi + k] = a[ai] !== b[bi] ? 1 : 0; },
  lt: (a, ai, as, b, bi, bs, o, oi, n) => { const r = o as Uint8Array; for (let k = 0; k < n; k++, ai += as, bi += bs) r[oi + k] = a[ai]! < b[bi]! ? 1 : 0; },
  le: (a, ai, as, b, bi, bs, o, oi, n) => { const r = o as Uint8Array; for (let k = 0; k < n; k++, ai += as, bi += bs) r[oi + k] = a[ai]! <= b[bi]! ? 1 : 0; },
  gt: (a, ai, as, b, bi, bs, o, oi, n) => { const r = o as Uint8Array; for (let k = 0; k < n; k++, ai += as, bi += bs) r[oi + k] = a[ai]! > b[bi]! ? 1 : 0; },
  ge: (a, ai, as, b, bi, bs, o, oi, n) => { const r = o as Uint8Array; for (let k = 0; k < n; k++, ai += as, bi += bs) r[oi + k] = a[ai]! >= b[bi]! ? 1 : 0; },
};

export function binary(op: BinaryOp, a: StridedView, b: StridedView, out: Storage): void {
  const loop = loops[op];
  if (loop !== undefined) {
    const ad = a.data as BigInt64Array;
    const bd = b.data as BigInt64Array;
    forEachRow2(a.shape, a.strides, a.offset, b.strides, b.offset, (ai, as, bi, bs, oi, n) => loop(ad, ai, as, bd, bi, bs, out, oi, n));
    return;
  }
  const f = binaryOps[op] as (a: bigint, b: bigint) => Num;
  const ad = a.data as BigInt64Array;
  const bd = b.data as BigInt64Array;
  const o = out as unknown as Num[];
  forEachRow2(a.shape, a.strides, a.offset, b.strides, b.offset, (ai, as, bi, bs, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = f(ad[ai]!, bd[bi]!);
  });
}

export function clamp(x: StridedView, lo: number, hi: number, out: BigInt64Array): void {
  const d = x.data as BigInt64Array;
  const l = lo === -Infinity ? null : BigInt(lo);
  const h = hi === Infinity ? null : BigInt(hi);
  forEachRow1(x.shape, x.strides, x.offset, (xi, xs, oi, n) => {
    for (let k = 0; k < n; k++, xi += xs) {
      let v = d[xi]!;
      if (l !== null && v < l) v = l;
      if (h !== null && v > h) v = h;
      out[oi + k] = v;
    }
  });
}

export function where(cond: StridedView, a: StridedView, b: StridedView, out: BigInt64Array): void {
  const c = cond.data as NumArray;
  const ad = a.data as BigInt64Array;
  const bd = b.data as BigInt64Array;
  forEachRow3(cond.shape, cond.strides, cond.offset, a.strides, a.offset, b.strides, b.offset, (ci, cs, ai, as, bi, bs, oi, n) => {
    for (let k = 0; k < n; k++, ci += cs, ai += as, bi += bs) out[oi + k] = c[ci] ? ad[ai]! : bd[bi]!;
  });
}

// ---- reductions -------------------------------------------------------------------------

export function reduce(op: ReduceOp, x: BigInt64Array, outer: number, r: number, inner: number, out: BigInt64Array): void {
  if (op === "sum" && inner === 1) {
    // the common full or last-dim sum, kept unboxed: asIntN in the loop would allocate
    for (let o = 0; o < outer; o++) {
      const acc = new BigInt64Array(1);
      for (let i = 0, p = o * r; i < r; i++, p++) acc[0] = acc[0]! + x[p]!;
      out[o] = acc[0]!;
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let p = o * r * inner + j;
      let acc = x[p]!;
      for (let i = 1; i < r; i++) {
        p += inner;
        const v = x[p]!;
        if (op === "sum") acc = BigInt.asIntN(64, acc + v);
        else if (op === "prod") acc = BigInt.asIntN(64, acc * v);
        else if (op === "max" ? v > acc : v < acc) acc = v;
      }
      out[o * inner + j] = acc;
    }
  }
}

export function cumsum(x: BigInt64Array, outer: number, r: number, inner: number, out: BigInt64Array): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let acc = 0n;
      for (let i = 0, p = o * r * inner + j; i < r; i++, p += inner) out[p] = acc = BigInt.asIntN(64, acc + x[p]!);
    }
  }
}

/** out[b] = a[b] @ b[b] on strided int64 operands (PyTorch computes integer matmul exactly, wrapping). */
export function matmul(a: StridedView, b: StridedView, out: BigInt64Array, batch: number, m: number, k: number, n: number): void {
  const ad = a.data as BigInt64Array;
  const bd = b.data as BigInt64Array;
  const [abs, ars, acs] = a.strides as [number, number, number];
  const [bbs, brs, bcs] = b.strides as [number, number, number];
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0n;
        for (let p = 0; p < k; p++) s += ad[a.offset + t * abs + i * ars + p * acs]! * bd[b.offset + t * bbs + p * brs + j * bcs]!;
        out[(t * m + i) * n + j] = s;
      }
    }
  }
}
