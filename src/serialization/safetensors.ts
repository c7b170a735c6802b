// safetensors (https://github.com/huggingface/safetensors): 8-byte little-endian header
// length N, N bytes of UTF-8 JSON `{name: {dtype, shape, data_offsets: [begin, end]}, ...,
// "__metadata__": {string: string}}`, then the data buffer. Offsets are relative to the
// start of the data buffer, tensors are little-endian and row-major.
//
// The encoder reproduces the reference Rust writer byte for byte: tensors sorted by
// descending dtype rank (so every tensor is aligned to its item size) then by name,
// header entries in that same order after `__metadata__`, header padded with spaces to a
// multiple of 8 bytes.
//
// The decoder validates everything before it allocates any tensor, so a bad file never
// yields a partial result.

import { SafetensorError } from "./errors.ts";
import { type Json, describeJson, parseJson } from "./json.ts";
import { type Budget, TENSOR_BYTES } from "./limits.ts";
import {
  DTYPES,
  contiguousRaw,
  type RawDtype,
  type RawTensor,
  checkRawTensor,
  leBytesOf,
  shapeNumel,
  typedFromLEBytes,
  widenToFloat32,
} from "./rawTensor.ts";

/** The reference implementation's dtype order (its `Dtype` enum order); sort key of the writer. */
const ST_RANK: Record<string, number> = {
  BOOL: 0, U8: 1, I8: 2, F8_E5M2: 3, F8_E4M3: 4, I16: 5, U16: 6, F16: 7, BF16: 8,
  I32: 9, U32: 10, F32: 11, F64: 12, I64: 13, U64: 14,
};

/** safetensors dtype code -> RawDtype. A Map: a code read from a file is looked up as data only. */
const ST_TO_DTYPE = new Map<string, RawDtype>((Object.keys(DTYPES) as RawDtype[]).map((d) => [DTYPES[d].st, d]));

/** Same limit as the reference reader: a header beyond 100 MB is refused. */
export const MAX_HEADER_SIZE = 100_000_000;

export interface SafetensorsContent {
  tensors: Record<string, RawTensor>;
  metadata: Record<string, string>;
}

export interface DecodeSafetensorsOptions {
  /** Convert F16 / BF16 tensors to float32 (exact). Default false: keep raw 16-bit patterns. */
  widenHalf?: boolean;
  /** What the load may allocate (default: unlimited); see limits.ts. */
  budget?: Budget;
}

const utf8 = new TextEncoder();

/** Bytewise comparison of UTF-8 encodings: Rust's `String` ordering. */
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

export function encodeSafetensors(
  tensors: Record<string, RawTensor> | Map<string, RawTensor>,
  metadata?: Record<string, string> | null,
): Uint8Array {
  // safetensors has no strides: a strided view is written as its dense copy.
  const entries = (tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors)).map(([name, t]): [string, RawTensor] => {
    if (name === "__metadata__") throw new SafetensorError(`tensor name '__metadata__' is reserved by the safetensors format`);
    checkRawTensor(t, name);
    return [name, contiguousRaw(t)];
  });
  if (metadata != null) {
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== "string") throw new SafetensorError(`__metadata__ values must be strings; '${k}' is ${typeof v}`);
  }
  entries.sort(([an, at], [bn, bt]) => ST_RANK[DTYPES[bt.dtype].st]! - ST_RANK[DTYPES[at.dtype].st]! || compareUtf8(an, bn));

  // Build the header JSON by hand so key order is exactly the reference writer's.
  const parts: string[] = [];
  if (metadata != null) {
    const m = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${m.join(",")}}`);
  }
  let offset = 0;
  const blobs: Uint8Array[] = [];
  for (const [name, t] of entries) {
    const bytes = leBytesOf(t.data);
    const info = `{"dtype":"${DTYPES[t.dtype].st}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + bytes.length}]}`;
    parts.push(`${JSON.stringify(name)}:${info}`);
    offset += bytes.length;
    blobs.push(bytes);
  }
  const json = utf8.encode(`{${parts.join(",")}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen); // space padding, as the reference writer
  let p = 8 + headerLen;
  for (const b of blobs) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: RawDtype;
  shape: number[];
  begin: number;
  end: number;
}

/** `tensor 'name'` for messages, with a hostile name cut short. */
const tensorLabel = (name: string) => `tensor '${name.length > 200 ? `${name.slice(0, 200)}...` : name}'`;

/** The header's nesting: {name: {dtype, shape: [...], data_offsets: [...]}}; the reference (serde_json) stops at 128. */
const HEADER_MAX_DEPTH = 128;

function parseEntry(name: string, v: Json): Entry {
  const label = tensorLabel(name);
  if (!(v instanceof Map)) throw new SafetensorError(`${label}: header entry must be an object with dtype, shape and data_offsets, got ${describeJson(v)}`);
  const st = v.get("dtype");
  const shape = v.get("shape");
  const off = v.get("data_offsets");
  if (typeof st !== "string") throw new SafetensorError(`${label}: missing or non-string dtype`);
  const dtype = ST_TO_DTYPE.get(st);
  if (dtype === undefined)
    throw new SafetensorError(`${label}: unsupported dtype ${describeJson(st)} (supported: ${[...ST_TO_DTYPE.keys()].join(", ")})`);
  if (!Array.isArray(shape)) throw new SafetensorError(`${label}: shape must be an array, got ${describeJson(shape ?? null)}`);
  const numel = shapeNumel(shape);
  if (numel < 0) throw new SafetensorError(`${label}: invalid shape ${describeJson(shape)} (dimensions must be non-negative integers whose product is a safe integer)`);
  if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0))
    throw new SafetensorError(`${label}: data_offsets must be two non-negative integers, got ${describeJson(off ?? null)}`);
  const [begin, end] = off as [number, number];
  if (end < begin) throw new SafetensorError(`${label}: data_offsets [${begin}, ${end}] end before they begin`);
  const nbytes = numel * DTYPES[dtype].itemsize;
  if (end - begin !== nbytes)
    throw new SafetensorError(
      `${label}: shape ${describeJson(shape)} of ${st} needs ${nbytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  return { name, dtype, shape: shape as number[], begin, end };
}

/**
 * Whether `bytes` starts like a safetensors file: an 8-byte header length that fits in the
 * file, followed by '{'. Format detection asks this before it looks for a pickle's magic,
 * because a header of 128, 384, 640, ... bytes starts with the bytes 0x80 0x0N.
 */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

export function decodeSafetensors(bytes: Uint8Array, opts: DecodeSafetensorsOptions = {}): SafetensorsContent {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("decodeSafetensors expects a Uint8Array");
  const budget = opts.budget;
  if (bytes.length < 8) throw new SafetensorError(`file is ${bytes.length} bytes, too small for the 8-byte header length`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_SIZE)) throw new SafetensorError(`header length ${n64} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  const n = Number(n64);
  if (8 + n > bytes.length)
    throw new SafetensorError(`header length ${n} points beyond the end of the ${bytes.length}-byte file`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorError("header is not valid UTF-8");
  }
  if (!text.startsWith("{")) throw new SafetensorError("header does not start with '{'");
  const header = parseJson(text, { maxDepth: HEADER_MAX_DEPTH, what: "header", budget });
  if (!(header instanceof Map)) throw new SafetensorError("header must be a JSON object");

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, v] of header) {
    if (name === "__metadata__") {
      if (!(v instanceof Map)) throw new SafetensorError(`__metadata__ must be an object mapping strings to strings, got ${describeJson(v)}`);
      for (const [k, s] of v) {
        if (typeof s !== "string") throw new SafetensorError(`__metadata__['${k.length > 200 ? `${k.slice(0, 200)}...` : k}'] must be a string, got ${describeJson(s)}`);
        Object.defineProperty(metadata, k, { value: s, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    budget?.charge(TENSOR_BYTES, () => `header entry ${tensorLabel(name)}`);
    entries.push(parseEntry(name, v));
  }

  // The data buffer must be tiled exactly: sorted by offset, each tensor starts where the
  // previous one ended, and the last one ends at the end of the file (no gap, no overlap).
  const dataLen = bytes.length - 8 - n;
  const byOffset = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of byOffset) {
    const label = tensorLabel(e.name);
    if (e.end > dataLen)
      throw new SafetensorError(`${label}: data_offsets [${e.begin}, ${e.end}] lie outside the ${dataLen}-byte data buffer`);
    if (e.begin < pos) throw new SafetensorError(`${label}: data_offsets [${e.begin}, ${e.end}] overlap the previous tensor (which ends at ${pos})`);
    if (e.begin > pos) throw new SafetensorError(`${label}: data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${pos}`);
    pos = e.end;
  }
  if (pos !== dataLen)
    throw new SafetensorError(`tensors cover ${pos} bytes but the data buffer holds ${dataLen} (trailing bytes or truncated header)`);

  // Validated: now allocate (the data's own size, then twice that for widened halves).
  budget?.charge(dataLen, "the tensors' data");
  const data = bytes.subarray(8 + n);
  const tensors: Record<string, RawTensor> = {};
  for (const e of entries) {
    let t: RawTensor = { dtype: e.dtype, shape: e.shape, data: typedFromLEBytes(e.dtype, data.subarray(e.begin, e.end)) };
    if (opts.widenHalf) t = widenToFloat32(t, undefined, budget && ((b) => budget.charge(b, `widening ${tensorLabel(e.name)} to float32`)));
    Object.defineProperty(tensors, e.name, { value: t, enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata };
}
