// wasmBinary / wasmUnary / wasmAxpy: the CPU backend's float32 elementwise kernels on the wasm functions
// of elementwise.ts. The operands are copied into the wasm memory (memcpy), the op runs four
// lanes at a time on the calling thread, and the result is copied out, block by block; even
// with the copies this is ~4x faster than V8's scalar loop (which converts every float32 to
// float64 and back).
// Results are bit-identical to the TypeScript kernels. They decline (return false) for other
// dtypes and ops, small outputs, and layouts that do not reduce to rows of a multiple of four
// floats with each operand a full, row-repeated, column-broadcast or scalar block.
import type { NumArray } from "../../dtype.ts";
import type { BinaryOp, StridedView, UnaryOp } from "../backend.ts";
import { coalesce } from "../cpu/strided.ts";
import { WASM_BINARY_OPS, WASM_UNARY_OPS, type WasmBinaryOp, type WasmUnaryOp } from "./elementwise.ts";
import { minElementwise, roundUp } from "./thresholds.ts";
import { dataBase, memoryViews } from "./pool.ts";
import { ensureBytes, getLocalRuntime } from "./runtime.ts";

/**
 * Floats of result per block: a block's operands and result (3 x 64 KiB) stay in L2 from
 * their copy in to the copy out. Whole arrays went through three separate passes, and at
 * W5's 1 MiB attention operands the copies ran from L3 and memory: a multiply of two
 * [16, 4, 64, 64] took 400-480 us.
 */
const BLOCK_FLOATS = 16384;

const binaryCode = new Map<BinaryOp, number>(WASM_BINARY_OPS.map((op: WasmBinaryOp, i) => [op, i]));
const unaryCode = new Map<UnaryOp, number>(WASM_UNARY_OPS.map((op: WasmUnaryOp, i) => [op, i]));

/** How one operand of a [rows, cols] op is read: `floats` of it copied from its offset. */
interface Operand {
  /** Floats to copy in (a full block, one row, one per row, or one). */
  floats: number;
  /** Elements between rows (0 for a repeated row or scalar). */
  rowStep: number;
  /** 1 where one float is broadcast along each row. */
  splat: number;
}

/** The operand's reading for strides [rs, cs] over [rows, cols] (cs alone for 1-d), or null. */
function operand(rows: number, cols: number, rs: number, cs: number): Operand | null {
  if (cs === 1 && (rs === cols || rows === 1)) return { floats: rows * cols, rowStep: cols, splat: 0 };
  if (cs === 1 && rs === 0) return { floats: cols, rowStep: 0, splat: 0 };
  if (cs === 0 && (rs === 1 || rows === 1)) return { floats: rows, rowStep: 1, splat: 1 };
  if (cs === 0 && rs === 0) return { floats: 1, rowStep: 0, splat: 1 };
  return null;
}

/**
 * The operand's floats to copy in: its own float32 data, or for a scalar held in float64 (a
 * JS number operand) a one-float array, when float32 holds the value exactly; else null (the
 * TypeScript kernel computes with the float64 value, so an inexact one would round apart).
 */
function float32Source(v: StridedView, o: Operand): Float32Array | null {
  const d = v.data;
  if (d instanceof Float32Array) return d.subarray(v.offset, v.offset + o.floats);
  if (!(d instanceof Float64Array) || o.floats !== 1) return null;
  const x = d[v.offset]!;
  if (Math.fround(x) !== x && x === x) return null;
  scalarF32[0] = x;
  return scalarF32;
}
const scalarF32 = new Float32Array(1);

/** out = op(a, b), a and b already broadcast to out's shape; false when declined. */
export function wasmBinary(op: BinaryOp, a: StridedView, b: StridedView, out: NumArray): boolean {
  // the size test first: it is all that small ops (the per-op overhead path) pay here
  const n = out.length;
  if (n === 0 || n < minElementwise || !(out instanceof Float32Array)) return false;
  const code = binaryCode.get(op);
  if (code === undefined) return false;
  const { shape, strides } = coalesce(a.shape, [a.strides, b.strides]);
  if (shape.length > 2) return false;
  const two = shape.length === 2;
  const rows = two ? shape[0]! : 1;
  const cols = two ? shape[1]! : n;
  if (two && cols % 4 !== 0) return false;
  const last = shape.length - 1;
  const A = operand(rows, cols, two ? strides[0]![0]! : 0, last >= 0 ? strides[0]![last]! : 0);
  const B = operand(rows, cols, two ? strides[1]![0]! : 0, last >= 0 ? strides[1]![last]! : 0);
  if (!A || !B || (A.splat && B.splat)) return false;
  const ad = float32Source(a, A), bd = float32Source(b, B);
  if (!ad || !bd) return false;
  const rt = getLocalRuntime();
  if (!rt) return false;
  // In blocks of rows (of floats, for a 1-d op) of about BLOCK_FLOATS: an operand that
  // repeats over the rows (a row, a scalar) is copied in once; the others' rows and the
  // result go in and out block by block. A 1-d op's last block is padded to four floats: the
  // tail lanes read and write slack that is never copied out.
  const rowFloats = roundUp(cols, 4);
  const blockRows = two ? Math.max(1, Math.min(rows, Math.floor(BLOCK_FLOATS / rowFloats))) : 1;
  const outFloats = two ? blockRows * rowFloats : Math.min(rowFloats, BLOCK_FLOATS);
  const slot = (o: Operand) => (o.rowStep === 0 ? o.floats : two ? blockRows * o.rowStep : outFloats);
  const aAt = dataBase(rt, 1);
  const bAt = aAt + roundUp(slot(A) + 4, 4) * 4;
  const oAt = bAt + roundUp(slot(B) + 4, 4) * 4;
  if (!ensureBytes(rt, oAt + outFloats * 4)) return false;
  const { mem } = memoryViews(rt);
  if (A.rowStep === 0) mem.set(ad, aAt / 4);
  if (B.rowStep === 0) mem.set(bd, bAt / 4);
  if (two) {
    for (let r0 = 0; r0 < rows; r0 += blockRows) {
      const nr = Math.min(blockRows, rows - r0);
      if (A.rowStep !== 0) mem.set(ad.subarray(r0 * A.rowStep, (r0 + nr) * A.rowStep), aAt / 4);
      if (B.rowStep !== 0) mem.set(bd.subarray(r0 * B.rowStep, (r0 + nr) * B.rowStep), bAt / 4);
      rt.exports.binary(code, aAt, A.rowStep * 4, A.splat, bAt, B.rowStep * 4, B.splat, oAt, nr, rowFloats * 4);
      out.set(mem.subarray(oAt / 4, oAt / 4 + nr * cols), r0 * cols);
    }
    return true;
  }
  for (let s = 0; s < n; s += BLOCK_FLOATS) {
    const e = Math.min(n, s + BLOCK_FLOATS);
    if (A.rowStep !== 0) mem.set(ad.subarray(s, e), aAt / 4);
    if (B.rowStep !== 0) mem.set(bd.subarray(s, e), bAt / 4);
    rt.exports.binary(code, aAt, 0, A.splat, bAt, 0, B.splat, oAt, 1, roundUp(e - s, 4) * 4);
    out.set(mem.subarray(oAt / 4, oAt / 4 + e - s), s);
  }
  return true;
}

/** out = op(x) for x contiguous; false when declined. */
export function wasmUnary(op: UnaryOp, x: StridedView, xStep: number, out: NumArray): boolean {
  const n = out.length;
  if (n === 0 || n < minElementwise || xStep !== 1 || !(out instanceof Float32Array) || !(x.data instanceof Float32Array)) return false;
  const code = unaryCode.get(op);
  if (code === undefined) return false;
  const rt = getLocalRuntime();
  if (!rt) return false;
  // in blocks of BLOCK_FLOATS, as wasmBinary
  const blockBytes = Math.min(roundUp(n, 4), BLOCK_FLOATS) * 4;
  const xAt = dataBase(rt, 1);
  const oAt = xAt + blockBytes;
  if (!ensureBytes(rt, oAt + blockBytes)) return false;
  const { mem } = memoryViews(rt);
  const xd = x.data;
  for (let s = 0; s < n; s += BLOCK_FLOATS) {
    const e = Math.min(n, s + BLOCK_FLOATS);
    mem.set(xd.subarray(x.offset + s, x.offset + e), xAt / 4);
    rt.exports.unary(code, xAt, oAt, roundUp(e - s, 4) * 4);
    out.set(mem.subarray(oAt / 4, oAt / 4 + e - s), s);
  }
  return true;
}

/** out += alpha * x for x contiguous (the optimizers' add_(g, alpha=...)); false when declined. */
export function wasmAxpy(alpha: number, x: StridedView, xStep: number, out: NumArray): boolean {
  const n = out.length;
  if (n === 0 || n < minElementwise || xStep !== 1 || !(out instanceof Float32Array) || !(x.data instanceof Float32Array)) return false;
  const rt = getLocalRuntime();
  if (!rt) return false;
  // in blocks of BLOCK_FLOATS, as wasmBinary; alpha as a float64 before them
  const blockBytes = Math.min(roundUp(n, 4), BLOCK_FLOATS) * 4;
  const alphaAt = dataBase(rt, 1), xAt = alphaAt + 16, oAt = xAt + blockBytes;
  if (!ensureBytes(rt, oAt + blockBytes)) return false;
  const { mem, f64 } = memoryViews(rt);
  f64[alphaAt / 8] = alpha; // dataBase is 16-byte aligned
  const xd = x.data;
  for (let s = 0; s < n; s += BLOCK_FLOATS) {
    const e = Math.min(n, s + BLOCK_FLOATS);
    mem.set(xd.subarray(x.offset + s, x.offset + e), xAt / 4);
    mem.set(out.subarray(s, e), oAt / 4);
    rt.exports.axpy(xAt, oAt, roundUp(e - s, 4) * 4, alphaAt);
    out.set(mem.subarray(oAt / 4, oAt / 4 + e - s), s);
  }
  return true;
}
