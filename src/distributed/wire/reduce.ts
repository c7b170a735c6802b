// Element-wise reductions of one region into another, for every dtype and ReduceOp the
// collectives accept. Runs on the communication thread, over raw typed arrays (no Tensor).
// Float sums, products and quotients are computed in double and stored rounded: for float32
// operands that is exactly the float32 operation (53 >= 2 * 24 + 2 bits). int64 is added and
// compared as (lo, hi) int32 pairs, which is ~20x faster than BigInt arithmetic; only its
// PRODUCT and AVG go through BigInt.

/** The storage dtypes the wire carries (the Tensor dtypes of torch-ts). */
export type WireDType = "float32" | "float64" | "int32" | "int64" | "bool";

/** torch.distributed.ReduceOp's values (c10d's enum order). */
export const RED = { SUM: 0, AVG: 1, PRODUCT: 2, MIN: 3, MAX: 4, BAND: 5, BOR: 6, BXOR: 7 } as const satisfies Record<string, RedCode>;
/** A ReduceOp's code on the wire: SUM 0, AVG 1, PRODUCT 2, MIN 3, MAX 4, BAND 5, BOR 6, BXOR 7. */
export type RedCode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const RED_NAMES = ["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"] as const;

export const ELEMENT_SIZE: Record<WireDType, number> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };
export const DTYPE_CODES: readonly WireDType[] = ["float32", "float64", "int32", "int64", "bool"];

/** Why a (dtype, op) pair cannot be reduced, in PyTorch's words; null when it can. */
export function unsupportedReduction(dtype: WireDType, op: RedCode): string | null {
  const floating = dtype === "float32" || dtype === "float64";
  if (floating && (op === RED.BAND || op === RED.BOR || op === RED.BXOR)) {
    return `Cannot use ReduceOp.${RED_NAMES[op]} with ${dtype} tensors`;
  }
  if (dtype === "bool" && op === RED.AVG) return "Cannot use ReduceOp.AVG with bool tensors";
  return null;
}

/**
 * acc[i] = acc[i] (op) src[i] for i < n, where acc and src are byte views of n elements of
 * dtype, both starting at offsets that are multiples of the element size. AVG reduces as SUM
 * (the division by the number of ranks is `divide`, applied once at the end).
 */
export function reduceInto(dtype: WireDType, op: RedCode, acc: Uint8Array, src: Uint8Array, n: number): void {
  if (n === 0) return;
  switch (dtype) {
    case "float32":
      return reduceFloat(op, new Float32Array(acc.buffer, acc.byteOffset, n), new Float32Array(src.buffer, src.byteOffset, n));
    case "float64":
      return reduceFloat(op, new Float64Array(acc.buffer, acc.byteOffset, n), new Float64Array(src.buffer, src.byteOffset, n));
    case "int32":
      return reduceInt32(op, new Int32Array(acc.buffer, acc.byteOffset, n), new Int32Array(src.buffer, src.byteOffset, n));
    case "int64":
      return reduceInt64(op, acc, src, n);
    case "bool":
      return reduceBool(op, acc.subarray(0, n), src.subarray(0, n));
  }
}

function reduceFloat(op: RedCode, a: Float32Array | Float64Array, b: Float32Array | Float64Array): void {
  const n = a.length;
  switch (op) {
    case RED.SUM:
    case RED.AVG:
      for (let i = 0; i < n; i++) a[i] += b[i];
      return;
    case RED.PRODUCT:
      for (let i = 0; i < n; i++) a[i] *= b[i];
      return;
    case RED.MIN:
      // NaN wins, as in torch.minimum
      for (let i = 0; i < n; i++) {
        const x = b[i];
        if (x < a[i] || x !== x) a[i] = x;
      }
      return;
    case RED.MAX:
      for (let i = 0; i < n; i++) {
        const x = b[i];
        if (x > a[i] || x !== x) a[i] = x;
      }
      return;
    default:
      throw new Error(`reduction ${RED_NAMES[op]} on floating point`);
  }
}

function reduceInt32(op: RedCode, a: Int32Array, b: Int32Array): void {
  const n = a.length;
  switch (op) {
    case RED.SUM:
    case RED.AVG:
      for (let i = 0; i < n; i++) a[i] += b[i];
      return;
    case RED.PRODUCT:
      for (let i = 0; i < n; i++) a[i] = Math.imul(a[i], b[i]);
      return;
    case RED.MIN:
      for (let i = 0; i < n; i++) if (b[i] < a[i]) a[i] = b[i];
      return;
    case RED.MAX:
      for (let i = 0; i < n; i++) if (b[i] > a[i]) a[i] = b[i];
      return;
    case RED.BAND:
      for (let i = 0; i < n; i++) a[i] &= b[i];
      return;
    case RED.BOR:
      for (let i = 0; i < n; i++) a[i] |= b[i];
      return;
    case RED.BXOR:
      for (let i = 0; i < n; i++) a[i] ^= b[i];
      return;
  }
}

/** int64 as little-endian (lo, hi) int32 pairs: word 2i is the low half, 2i+1 the high half. */
function reduceInt64(op: RedCode, acc: Uint8Array, src: Uint8Array, n: number): void {
  if (op === RED.PRODUCT) {
    const a = new BigInt64Array(acc.buffer, acc.byteOffset, n), b = new BigInt64Array(src.buffer, src.byteOffset, n);
    for (let i = 0; i < n; i++) a[i] = BigInt.asIntN(64, a[i] * b[i]);
    return;
  }
  const a = new Int32Array(acc.buffer, acc.byteOffset, 2 * n), b = new Int32Array(src.buffer, src.byteOffset, 2 * n);
  // bitwise ops act on the two halves as on any int32 words
  if (op === RED.BAND || op === RED.BOR || op === RED.BXOR) return reduceInt32(op, a, b);
  const m = 2 * n;
  switch (op) {
    case RED.SUM:
    case RED.AVG:
      for (let i = 0; i < m; i += 2) {
        const lo = (a[i] >>> 0) + (b[i] >>> 0);
        a[i] = lo | 0;
        a[i + 1] = (a[i + 1] + b[i + 1] + (lo > 0xffffffff ? 1 : 0)) | 0;
      }
      return;
    case RED.MIN:
    case RED.MAX: {
      const max = op === RED.MAX;
      for (let i = 0; i < m; i += 2) {
        const ah = a[i + 1], bh = b[i + 1];
        const bLess = bh < ah || (bh === ah && b[i] >>> 0 < a[i] >>> 0);
        const bMore = bh > ah || (bh === ah && b[i] >>> 0 > a[i] >>> 0);
        if (max ? bMore : bLess) {
          a[i] = b[i];
          a[i + 1] = bh;
        }
      }
      return;
    }
  }
}

/** bool: SUM, MAX and BOR are logical or; PRODUCT, MIN and BAND logical and (as NCCL maps them). */
function reduceBool(op: RedCode, a: Uint8Array, b: Uint8Array): void {
  const n = a.length;
  switch (op) {
    case RED.SUM:
    case RED.MAX:
    case RED.BOR:
      for (let i = 0; i < n; i++) a[i] = a[i] | b[i] ? 1 : 0;
      return;
    case RED.PRODUCT:
    case RED.MIN:
    case RED.BAND:
      for (let i = 0; i < n; i++) a[i] = a[i] && b[i] ? 1 : 0;
      return;
    case RED.BXOR:
      for (let i = 0; i < n; i++) a[i] = (a[i] ? 1 : 0) ^ (b[i] ? 1 : 0);
      return;
    default:
      throw new Error(`reduction ${RED_NAMES[op]} on bool`);
  }
}

/** AVG's last step: every element divided by the number of ranks (integers truncate toward zero, as NCCL's ncclAvg). */
export function divide(dtype: WireDType, acc: Uint8Array, n: number, by: number): void {
  switch (dtype) {
    case "float32":
    case "float64": {
      const a = dtype === "float32" ? new Float32Array(acc.buffer, acc.byteOffset, n) : new Float64Array(acc.buffer, acc.byteOffset, n);
      for (let i = 0; i < n; i++) a[i] /= by;
      return;
    }
    case "int32": {
      const a = new Int32Array(acc.buffer, acc.byteOffset, n);
      for (let i = 0; i < n; i++) a[i] = Math.trunc(a[i] / by);
      return;
    }
    case "int64": {
      const a = new BigInt64Array(acc.buffer, acc.byteOffset, n), d = BigInt(by);
      for (let i = 0; i < n; i++) a[i] /= d;
      return;
    }
    case "bool":
      throw new Error("AVG on bool");
  }
}
