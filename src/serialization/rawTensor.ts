// The plain record that the checkpoint formats read and write. It does not depend on the
// Tensor class: src/serialization/index.ts converts through a pluggable TensorAdapter.

export type RawDtype =
  | "float32"
  | "float64"
  | "float16"
  | "bfloat16"
  | "int64"
  | "int32"
  | "uint8"
  | "int8"
  | "bool";

export type RawData =
  | Float32Array
  | Float64Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Int8Array
  | Uint16Array; // float16 / bfloat16 as raw 16-bit patterns

/**
 * A dense tensor: `data` holds exactly numel(shape) elements in row-major (C) order.
 * Invariant checked by `checkRawTensor`: the typed array class matches `dtype`
 * (bool is a Uint8Array of 0/1, float16/bfloat16 are Uint16Array bit patterns).
 */
export interface RawTensor {
  dtype: RawDtype;
  shape: number[];
  data: RawData;
  /** Set by the .pt reader for parameters saved with requires_grad=True. */
  requiresGrad?: boolean;
}

interface DtypeInfo {
  itemsize: number;
  /** safetensors dtype code */
  st: string;
  /** torch legacy storage class name used in .pt pickles */
  storage: string;
  make: (buf: ArrayBuffer, byteOffset: number, length: number) => RawData;
  ctor: { name: string };
}

export const DTYPES: Record<RawDtype, DtypeInfo> = {
  float32: { itemsize: 4, st: "F32", storage: "FloatStorage", make: (b, o, n) => new Float32Array(b, o, n), ctor: Float32Array },
  float64: { itemsize: 8, st: "F64", storage: "DoubleStorage", make: (b, o, n) => new Float64Array(b, o, n), ctor: Float64Array },
  float16: { itemsize: 2, st: "F16", storage: "HalfStorage", make: (b, o, n) => new Uint16Array(b, o, n), ctor: Uint16Array },
  bfloat16: { itemsize: 2, st: "BF16", storage: "BFloat16Storage", make: (b, o, n) => new Uint16Array(b, o, n), ctor: Uint16Array },
  int64: { itemsize: 8, st: "I64", storage: "LongStorage", make: (b, o, n) => new BigInt64Array(b, o, n), ctor: BigInt64Array },
  int32: { itemsize: 4, st: "I32", storage: "IntStorage", make: (b, o, n) => new Int32Array(b, o, n), ctor: Int32Array },
  uint8: { itemsize: 1, st: "U8", storage: "ByteStorage", make: (b, o, n) => new Uint8Array(b, o, n), ctor: Uint8Array },
  int8: { itemsize: 1, st: "I8", storage: "CharStorage", make: (b, o, n) => new Int8Array(b, o, n), ctor: Int8Array },
  bool: { itemsize: 1, st: "BOOL", storage: "BoolStorage", make: (b, o, n) => new Uint8Array(b, o, n), ctor: Uint8Array },
};

export const DTYPE_NAMES = Object.keys(DTYPES) as RawDtype[];

export function isRawDtype(x: unknown): x is RawDtype {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(DTYPES, x);
}

/** Product of a shape, or -1 when a dimension is not a non-negative safe integer or the product overflows. */
export function shapeNumel(shape: readonly unknown[]): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) return -1;
    n *= d;
    if (!Number.isSafeInteger(n)) return -1;
  }
  return n;
}

export function isRawTensor(x: unknown): x is RawTensor {
  if (x === null || typeof x !== "object") return false;
  const r = x as Partial<RawTensor>;
  return isRawDtype(r.dtype) && Array.isArray(r.shape) && ArrayBuffer.isView(r.data);
}

/** Throws a TypeError naming the tensor when `t` breaks the RawTensor invariants. */
export function checkRawTensor(t: RawTensor, name: string): void {
  if (!isRawDtype(t.dtype)) throw new TypeError(`tensor '${name}': unsupported dtype ${String(t.dtype)}`);
  const n = shapeNumel(t.shape);
  if (n < 0) throw new TypeError(`tensor '${name}': invalid shape [${t.shape.join(", ")}]`);
  const info = DTYPES[t.dtype];
  if (!(t.data instanceof (info.ctor as unknown as typeof Uint8Array)))
    throw new TypeError(
      `tensor '${name}': dtype ${t.dtype} needs a ${info.ctor.name}, got ${t.data?.constructor?.name ?? typeof t.data}`,
    );
  if (t.data.length !== n)
    throw new TypeError(
      `tensor '${name}': shape [${t.shape.join(", ")}] has ${n} elements but data holds ${t.data.length}`,
    );
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `itemsize`-byte group in place (used on big-endian hosts / big-endian files). */
export function byteswapInPlace(bytes: Uint8Array, itemsize: number): void {
  if (itemsize === 1) return;
  for (let i = 0; i + itemsize <= bytes.length; i += itemsize) {
    for (let a = i, b = i + itemsize - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** Copies `bytes` (little-endian file order) into a fresh, aligned typed array of `dtype`. */
export function typedFromLEBytes(dtype: RawDtype, bytes: Uint8Array): RawData {
  const info = DTYPES[dtype];
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!LITTLE_ENDIAN) byteswapInPlace(copy, info.itemsize);
  return info.make(copy.buffer, 0, bytes.length / info.itemsize);
}

/** Little-endian bytes of a typed array (a view when the host is little-endian, else a swapped copy). */
export function leBytesOf(data: RawData): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return view;
  const copy = view.slice();
  byteswapInPlace(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

/** IEEE half bits -> float32 value. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Widens float16 / bfloat16 raw bits to a float32 tensor (exact: both fit in float32). */
export function widenToFloat32(t: RawTensor): RawTensor {
  if (t.dtype !== "float16" && t.dtype !== "bfloat16") return t;
  const src = t.data as Uint16Array;
  const out = new Float32Array(src.length);
  if (t.dtype === "bfloat16") {
    // bfloat16 is the top half of a float32.
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < src.length; i++) u[i] = src[i]! << 16;
  } else {
    for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]!);
  }
  const r: RawTensor = { dtype: "float32", shape: t.shape.slice(), data: out };
  if (t.requiresGrad !== undefined) r.requiresGrad = t.requiresGrad;
  return r;
}
