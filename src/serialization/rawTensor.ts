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
 * A tensor record. Dense (no `strides`): `data` holds exactly numel(shape) elements in
 * row-major (C) order. Strided view (`strides` present; the .pt reader returns one for every
 * layout that is not contiguous, e.g. a stride-0 expand): `data` is the whole storage and
 * element [i0, i1, ...] is data[offset + i0*strides[0] + i1*strides[1] + ...], so a view
 * costs its storage, not its numel. Invariants checked by `checkRawTensor`: the typed array
 * class matches `dtype` (bool is a Uint8Array of 0/1, float16/bfloat16 are Uint16Array bit
 * patterns) and every element a view addresses lies inside `data`.
 */
export interface RawTensor {
  dtype: RawDtype;
  shape: number[];
  data: RawData;
  /** Set by the .pt reader for parameters saved with requires_grad=True. */
  requiresGrad?: boolean;
  /** Element strides of a strided view (absent: dense row-major). */
  strides?: number[];
  /** Element offset of a strided view into `data` (default 0). */
  offset?: number;
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

/**
 * The largest storage index a view (offset, shape, strides) touches, or -1 for an empty
 * view; NaN when a stride or the offset is not a non-negative safe integer or the sum
 * overflows. Linear in the number of dimensions.
 */
export function viewExtent(offset: number, shape: readonly number[], strides: readonly number[]): number {
  if (!Number.isSafeInteger(offset) || offset < 0 || strides.length !== shape.length) return NaN;
  let last = offset;
  let empty = false;
  for (let d = 0; d < shape.length; d++) {
    const s = strides[d]!;
    if (!Number.isSafeInteger(s) || s < 0) return NaN;
    if (shape[d] === 0) empty = true;
    else last += (shape[d]! - 1) * s;
  }
  if (empty) return -1;
  return Number.isSafeInteger(last) ? last : NaN;
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
  if (t.strides !== undefined) {
    const last = Array.isArray(t.strides) ? viewExtent(t.offset ?? 0, t.shape, t.strides) : NaN;
    if (Number.isNaN(last) || last >= t.data.length)
      throw new TypeError(
        `tensor '${name}': a view of shape [${t.shape.join(", ")}], strides ${String(t.strides)} and offset ${t.offset ?? 0} does not fit its ${t.data.length}-element storage`,
      );
    return;
  }
  if (t.data.length !== n)
    throw new TypeError(
      `tensor '${name}': shape [${t.shape.join(", ")}] has ${n} elements but data holds ${t.data.length}`,
    );
}

/**
 * A dense copy of a strided view (a dense tensor is returned as is). This is where a stride-0
 * expand becomes numel elements: `charge(bytes)` is called first, so a budget can refuse it.
 */
export function contiguousRaw(t: RawTensor, charge?: (bytes: number) => void): RawTensor {
  if (t.strides === undefined) return t;
  const n = shapeNumel(t.shape);
  const info = DTYPES[t.dtype];
  charge?.(n * info.itemsize);
  const ctor = t.data.constructor as new (n: number) => RawData;
  const out = new ctor(n);
  const src = t.data as unknown as ArrayLike<number | bigint>;
  const dst = out as unknown as (number | bigint)[];
  const { shape, strides } = t;
  const idx = new Array<number>(shape.length).fill(0);
  let p = t.offset ?? 0;
  for (let i = 0; i < n; i++) {
    dst[i] = src[p]!;
    // odometer increment over dims, last dim fastest
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) {
        p += strides[d]!;
        break;
      }
      p -= (shape[d]! - 1) * strides[d]!;
      idx[d] = 0;
    }
  }
  const r: RawTensor = { dtype: t.dtype, shape: t.shape.slice(), data: out };
  if (t.requiresGrad !== undefined) r.requiresGrad = t.requiresGrad;
  return r;
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

/** Storages already widened during one load: source buffer -> its float32 copy. */
export type WidenedStorages = Map<ArrayBufferLike, { bf16: boolean; data: Float32Array }>;

function widenBits(src: Uint16Array, bf16: boolean): Float32Array {
  const out = new Float32Array(src.length);
  if (bf16) {
    // bfloat16 is the top half of a float32.
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < src.length; i++) u[i] = src[i]! << 16;
  } else {
    for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]!);
  }
  return out;
}

/**
 * Widens float16 / bfloat16 raw bits to a float32 tensor (exact: both fit in float32); a
 * view stays a view of the widened storage. With `storages`, tensors over one ArrayBuffer
 * (one storage of a .pt file) are widened once, as a whole, and stay views of one array:
 * the cost is the storage's, however many tensors refer to it. `charge(bytes)` runs before
 * anything is allocated.
 */
export function widenToFloat32(t: RawTensor, storages?: WidenedStorages, charge?: (bytes: number) => void): RawTensor {
  if (t.dtype !== "float16" && t.dtype !== "bfloat16") return t;
  const src = t.data as Uint16Array;
  const bf16 = t.dtype === "bfloat16";
  let out: Float32Array;
  const seen = storages?.get(src.buffer);
  if (storages && src.buffer.byteLength % 2 === 0 && (!seen || seen.bf16 === bf16)) {
    let whole = seen?.data;
    if (!whole) {
      charge?.(src.buffer.byteLength * 2);
      whole = widenBits(new Uint16Array(src.buffer), bf16);
      storages.set(src.buffer, { bf16, data: whole });
    }
    out = whole.subarray(src.byteOffset / 2, src.byteOffset / 2 + src.length);
  } else {
    charge?.(src.length * 4);
    out = widenBits(src, bf16);
  }
  const r: RawTensor = { dtype: "float32", shape: t.shape.slice(), data: out };
  if (t.requiresGrad !== undefined) r.requiresGrad = t.requiresGrad;
  if (t.strides !== undefined) {
    r.strides = t.strides.slice();
    r.offset = t.offset ?? 0;
  }
  return r;
}
