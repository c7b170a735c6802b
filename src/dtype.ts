// dtypes, their storage arrays, and PyTorch's type-promotion rules.
import { MIN_ELEMENTS, noteFloat32, takeFloat32 } from "./storagePool.ts";
/** A tensor's element type, by PyTorch's name: `torch.float32` is "float32". */
export type DType = "float32" | "float64" | "int32" | "int64" | "bool";
/** The floating dtypes. */
export type FloatDType = "float32" | "float64";

/** The storage of a floating tensor. */
export type FloatArray = Float32Array | Float64Array;
/** The storage of a non-int64 tensor (int64's is a BigInt64Array). */
export type NumArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type Storage = NumArray | BigInt64Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "int64", "bool"];

let defaultFloat: FloatDType = "float32";
export function getDefaultDtype(): FloatDType {
  return defaultFloat;
}
export function setDefaultDtype(d: FloatDType): void {
  if (d !== "float32" && d !== "float64") throw new TypeError(`only floating-point types are supported as the default type, got ${d}`);
  defaultFloat = d;
}

/**
 * Tensor storage comes from the host's malloc: V8 allocates ArrayBuffer backing stores with
 * calloc and frees them when the garbage collector finds them dead, in bursts of tens of MB
 * per training step. glibc serves blocks above its mmap threshold (128 KiB at start) with a
 * fresh mmap, and returns free heap to the OS once more than twice that threshold is free at
 * the top; either way the next step's tensors land on unmapped pages and fault on each one
 * (~650 faults per W5 step on the benchmark machine, at ~15 us each). glibc raises both
 * thresholds (to the size of the block, at most 32 MiB, and trimming to twice that) when it
 * frees a mapped block, so one 31 MiB buffer dropped at load time primes it once: from the
 * first collection on, freed storage is reused from the heap. Linux (glibc) under Node only;
 * elsewhere it is not done.
 */
function primeHostAllocator(): void {
  const proc = (globalThis as { process?: { platform?: string; versions?: { node?: string } } }).process;
  if (proc?.platform === "linux" && typeof proc.versions?.node === "string") void new ArrayBuffer(31 << 20);
}
primeHostAllocator();

/**
 * Node's uninitialized allocation (`Buffer.allocUnsafeSlow`: malloc without the memset that
 * a typed array's calloc does, its own ArrayBuffer, never one of Node's shared pool slabs),
 * for fresh storage that the caller writes whole; null in browsers, which have none. On a W5
 * step the memset of the forward pass's fresh arrays was ~3% of one thread's time (paired).
 */
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow?: (n: number) => Uint8Array } }).Buffer;
const unsafeBytes = nodeBuffer?.allocUnsafeSlow?.bind(nodeBuffer) ?? null;
/** Floats above which a typed array is allocated as usual (Node's Buffer limit is 4 GiB or less). */
const MAX_UNSAFE = 1 << 29;

/**
 * Storage of n elements: zero-filled, or with `zeroed` false (float32, for a caller that
 * writes every element before anything reads it) not zeroed: a pooled array holding a dead
 * tensor's values, or fresh uninitialized memory under Node.
 */
export function allocate(dtype: DType, n: number, zeroed = true): Storage {
  const a = allocateArray(dtype, n, zeroed);
  if (allocationObserver !== null) allocationObserver(a);
  return a;
}

function allocateArray(dtype: DType, n: number, zeroed: boolean): Storage {
  switch (dtype) {
    case "float32": {
      const pooled = takeFloat32(n, zeroed);
      if (pooled !== undefined) return pooled;
      // arrays of a few floats live on V8's heap, where they cost nothing to zero
      const a = zeroed || n < MIN_ELEMENTS || n > MAX_UNSAFE || unsafeBytes === null ? new Float32Array(n) : new Float32Array(unsafeBytes(n * 4).buffer, 0, n);
      noteFloat32(a);
      return a;
    }
    case "float64": return new Float64Array(n);
    case "int32": return new Int32Array(n);
    case "int64": return new BigInt64Array(n);
    case "bool": return new Uint8Array(n);
  }
}

let allocationObserver: ((a: Storage) => void) | null = null;

/**
 * @internal Sees every storage array `allocate` hands out (null: nobody). A DataLoader worker
 * uses it to know which buffers it made for a batch, and so may move to the main thread.
 */
export function observeAllocations(f: ((a: Storage) => void) | null): void {
  allocationObserver = f;
}

export function dtypeOfArray(a: Storage): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof BigInt64Array) return "int64";
  return "bool";
}

// ---- int64 storage ----------------------------------------------------------------------
// int64 tensors keep PyTorch's exact two's-complement values in a BigInt64Array. Code that
// needs them as numbers (indices, casts to float) reads the two 32-bit words instead of
// converting each element through BigInt, which allocates.

const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;

/** The value of one element as a number: exact for |x| <= 2^53, else correctly rounded. */
export function int64Number(words: Int32Array, i: number): number {
  return words[2 * i + 1]! * TWO32 + (words[2 * i]! >>> 0);
}

/** Writes trunc(v) as element i; NaN, infinities and values outside int64 give INT64_MIN (x86's result, as PyTorch on CPU). */
export function setInt64(words: Int32Array, i: number, v: number): void {
  if (v > -2147483649 && v < 2147483648) {
    const t = Math.trunc(v);
    words[2 * i] = t;
    words[2 * i + 1] = t < 0 ? -1 : 0;
  } else if (v >= -TWO63 && v < TWO63) {
    const t = Math.trunc(v);
    const hi = Math.floor(t / TWO32);
    words[2 * i] = (t - hi * TWO32) | 0;
    words[2 * i + 1] = hi | 0;
  } else {
    words[2 * i] = 0;
    words[2 * i + 1] = -2147483648;
  }
}

/** The 32-bit words of a BigInt64Array (little-endian: low word first). */
export const wordsOf = (a: BigInt64Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length * 2);

/** Fills storage with v (trunc(v) for int64: the caller has checked it is an integer). */
export function fillStorage(data: Storage, v: number): void {
  if (data instanceof BigInt64Array) data.fill(BigInt(Math.trunc(v)));
  else data.fill(v);
}

export const isFloating = (d: DType): d is FloatDType => d === "float32" || d === "float64";
export const isIntegral = (d: DType): boolean => d === "int32" || d === "int64";

/** Category order used by promotion: bool < integer < floating. */
function category(d: DType): number {
  return d === "bool" ? 0 : isFloating(d) ? 2 : 1;
}
const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/** Promotion of two dtypes of equal standing (torch.promote_types). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** What a Python number of this JS value contributes: bool, int or float. */
export function scalarDtype(v: number | boolean): DType {
  if (typeof v === "boolean") return "bool";
  return Number.isInteger(v) ? "int64" : "float64";
}

/**
 * torch.result_type: dimensioned tensors outrank zero-dim tensors, which outrank Python
 * scalars; a lower-priority operand only matters when its category (bool < int < float)
 * is higher, and then a wrapped scalar contributes the default dtype of its category.
 */
export function resultType(operands: Array<{ dtype: DType; ndim: number } | number | boolean>): DType {
  let dimT: DType | null = null;
  let zeroT: DType | null = null;
  let scal: DType | null = null;
  for (const o of operands) {
    if (typeof o === "number" || typeof o === "boolean") {
      const d = scalarDtype(o);
      scal = scal === null ? d : promoteTypes(scal, d);
    } else if (o.ndim > 0) dimT = dimT === null ? o.dtype : promoteTypes(dimT, o.dtype);
    else zeroT = zeroT === null ? o.dtype : promoteTypes(zeroT, o.dtype);
  }
  let r = dimT;
  if (zeroT !== null && (r === null || category(zeroT) > category(r))) r = zeroT;
  if (scal !== null) {
    if (r === null) r = scal === "int64" ? "int64" : scal === "float64" ? getDefaultDtype() : "bool";
    else if (category(scal) > category(r)) r = scal === "float64" ? getDefaultDtype() : "int64";
  }
  return r as DType;
}

/** The float dtype an op with float output (div, exp, mean) computes in for input dtype d. */
export function toFloating(d: DType): FloatDType {
  return isFloating(d) ? d : getDefaultDtype();
}

/** ATen's ScalarType names, as its error messages spell them (Float, Long, ...). */
export function scalarTypeName(d: DType): string {
  return { float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool: "Bool" }[d];
}

/** PyTorch's names for printing: torch.float32 etc. */
export function torchName(d: DType): string {
  return d === "bool" ? "torch.bool" : `torch.${d}`;
}
