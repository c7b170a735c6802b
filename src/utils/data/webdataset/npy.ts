// NumPy's .npy format (numpy/lib/format.py): magic "\x93NUMPY", version, a little-endian
// header length (2 bytes in version 1, 4 in versions 2 and 3), a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } padded with spaces to a multiple
// of 64 bytes, then the array's bytes. Read: the dtypes torch-ts has (float32/64, int32/64,
// bool) plus int8/uint8/int16/uint16, which widen to int32 (no uint8 dtype: the rule the
// checkpoint reader follows), either byte order, C or Fortran order. Written: version 1.0, C order.
import { ValueError } from "../../../errors.ts";
import type { DType } from "../../../dtype.ts";
import { fromStorage } from "../../../ops/alloc.ts";
import type { Tensor } from "../../../tensor.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The header of a .npy file. */
export interface NpyHeader {
  /** NumPy's dtype string, e.g. "<f4". */
  descr: string;
  /** Whether the data is in column-major order. */
  fortranOrder: boolean;
  /** The array's shape. */
  shape: number[];
  /** Byte offset of the array data. */
  dataOffset: number;
  /** Bytes per element. */
  itemsize: number;
}

interface Kind {
  itemsize: number;
  dtype: DType;
  read: (v: DataView, at: number, le: boolean) => number | bigint;
}

const KINDS: Record<string, Kind> = {
  f4: { itemsize: 4, dtype: "float32", read: (v, a, le) => v.getFloat32(a, le) },
  f8: { itemsize: 8, dtype: "float64", read: (v, a, le) => v.getFloat64(a, le) },
  i4: { itemsize: 4, dtype: "int32", read: (v, a, le) => v.getInt32(a, le) },
  i8: { itemsize: 8, dtype: "int64", read: (v, a, le) => v.getBigInt64(a, le) },
  b1: { itemsize: 1, dtype: "bool", read: (v, a) => (v.getUint8(a) ? 1 : 0) },
  u1: { itemsize: 1, dtype: "int32", read: (v, a) => v.getUint8(a) },
  i1: { itemsize: 1, dtype: "int32", read: (v, a) => v.getInt8(a) },
  i2: { itemsize: 2, dtype: "int32", read: (v, a, le) => v.getInt16(a, le) },
  u2: { itemsize: 2, dtype: "int32", read: (v, a, le) => v.getUint16(a, le) },
};

function kindOf(descr: string, what: string): { kind: Kind; le: boolean } {
  const m = /^([<>|=]?)([a-z]\d+)$/.exec(descr);
  const kind = m ? KINDS[m[2]!] : undefined;
  if (!m || !kind) throw new ValueError(`${what}: unsupported .npy dtype '${descr}' (float32/64, int8/16/32/64, uint8/16 and bool are read)`);
  return { kind, le: m[1] !== ">" };
}

/** Reads the header from the first bytes of a .npy file (at least the header's length; 128 are usually enough). */
export function parseNpyHeader(bytes: Uint8Array, what = "npy"): NpyHeader & { needed?: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new ValueError(`${what}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw new ValueError(`${what}: unsupported .npy version ${major}.${bytes[7]}`);
  if (bytes.length < 8 + lenBytes) return { descr: "", fortranOrder: false, shape: [], dataOffset: 0, itemsize: 0, needed: 8 + lenBytes };
  const hlen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lenBytes + hlen;
  if (bytes.length < dataOffset) return { descr: "", fortranOrder: false, shape: [], dataOffset, itemsize: 0, needed: dataOffset };
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(8 + lenBytes, dataOffset));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new ValueError(`${what}: corrupt .npy header: ${text.trim()}`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new ValueError(`${what}: corrupt .npy shape (${shapeText})`);
  return { descr, fortranOrder: fortran === "True", shape, dataOffset, itemsize: kindOf(descr, what).kind.itemsize };
}

/**
 * A tensor from .npy data (little- or big-endian) in C order. With `copy: false` a float32,
 * float64 or int64 array in the host's byte order and aligned is a view of `data`'s memory
 * (for bytes nothing else holds: a shard member, a range just read).
 */
export function npyElements(header: NpyHeader, data: Uint8Array, shape: number[], what = "npy", copy = true): Tensor {
  const { kind, le } = kindOf(header.descr, what);
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length < n * kind.itemsize) throw new ValueError(`${what}: .npy data holds ${Math.floor(data.length / kind.itemsize)} elements, the shape needs ${n}`);
  const view = new DataView(data.buffer, data.byteOffset, n * kind.itemsize);
  const nativeLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const aligned = data.byteOffset % kind.itemsize === 0;
  let storage: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
  if (le === nativeLE && aligned && kind.dtype !== "int32" && kind.dtype !== "bool") {
    // same layout as torch-ts's storage: the bytes themselves, or one copy of them
    let buf = data.buffer;
    let at = data.byteOffset;
    if (copy) {
      const bytes = new Uint8Array(n * kind.itemsize); // a copy (a Buffer's slice would be a view)
      bytes.set(data.subarray(0, n * kind.itemsize));
      [buf, at] = [bytes.buffer, 0];
    }
    storage = kind.dtype === "float32" ? new Float32Array(buf, at, n) : kind.dtype === "float64" ? new Float64Array(buf, at, n) : new BigInt64Array(buf, at, n);
  } else if (kind.dtype === "int64") {
    storage = new BigInt64Array(n);
    for (let i = 0; i < n; i++) storage[i] = kind.read(view, i * 8, le) as bigint;
  } else {
    storage = kind.dtype === "float32" ? new Float32Array(n) : kind.dtype === "float64" ? new Float64Array(n) : kind.dtype === "bool" ? new Uint8Array(n) : new Int32Array(n);
    for (let i = 0; i < n; i++) storage[i] = kind.read(view, i * kind.itemsize, le) as number;
  }
  return fromStorage(storage, shape, kind.dtype);
}

/** The array in a whole .npy file (a copy of the bytes, or with `copy: false` possibly a view: see npyElements). */
export function decodeNpy(bytes: Uint8Array, what = "npy", copy = true): Tensor {
  const h = parseNpyHeader(bytes, what);
  if (h.needed !== undefined) throw new ValueError(`${what}: truncated .npy header`);
  if (!h.fortranOrder) return npyElements(h, bytes.subarray(h.dataOffset), h.shape, what, copy);
  // Fortran order: the data is the transpose's C order
  const t = npyElements(h, bytes.subarray(h.dataOffset), [...h.shape].reverse(), what);
  return t.permute([...h.shape.keys()].reverse()).contiguous();
}

const DESCR: Record<DType, string> = { float32: "<f4", float64: "<f8", int32: "<i4", int64: "<i8", bool: "|b1" };

/** The header bytes of a C-order array (version 1.0). */
export function npyHeader(dtype: DType, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, " ") + "\n";
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

/** A tensor as a .npy file (little-endian, C order). */
export function encodeNpy(t: Tensor): Uint8Array {
  const x = t.contiguous();
  const head = npyHeader(x.dtype, x.shape);
  const n = x.numel();
  const s = x.storage;
  const bytes = new Uint8Array(s.buffer, s.byteOffset + x.offset * s.BYTES_PER_ELEMENT, n * s.BYTES_PER_ELEMENT);
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head, 0);
  out.set(bytes, head.length);
  return out;
}

