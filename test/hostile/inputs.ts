// Builders of hostile checkpoints, shared by the regression tests of issue 22
// (test/serialization.hostile.test.ts) and the seeded fuzz suite (test/hostile/fuzzRunner.ts).
// They only make bytes; nothing here loads anything.
import { crc32 as zlibCrc32 } from "node:zlib";
import { Pickler } from "../../src/serialization/pickle.ts";
import { writeZip } from "../../src/serialization/zip.ts";

export const OP = {
  PROTO: 0x80, STOP: 0x2e, MARK: 0x28, POP: 0x30, POP_MARK: 0x31, DUP: 0x32, NONE: 0x4e, NEWTRUE: 0x88, NEWFALSE: 0x89,
  BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d, LONG1: 0x8a, LONG4: 0x8b, BINFLOAT: 0x47, BINUNICODE: 0x58,
  SHORT_BINUNICODE: 0x8c, BINUNICODE8: 0x8d, BINBYTES: 0x42, SHORT_BINBYTES: 0x43, BINBYTES8: 0x8e,
  EMPTY_TUPLE: 0x29, TUPLE: 0x74, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, EMPTY_LIST: 0x5d, LIST: 0x6c,
  APPEND: 0x61, APPENDS: 0x65, EMPTY_DICT: 0x7d, DICT: 0x64, SETITEM: 0x73, SETITEMS: 0x75, GLOBAL: 0x63,
  STACK_GLOBAL: 0x93, REDUCE: 0x52, BUILD: 0x62, BINPERSID: 0x51, BINPUT: 0x71, LONG_BINPUT: 0x72,
  MEMOIZE: 0x94, BINGET: 0x68, LONG_BINGET: 0x6a, FRAME: 0x95,
} as const;

const enc = new TextEncoder();

/** Concatenates byte arrays and byte lists. */
export function cat(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `count` copies of `pattern`, built with copyWithin (a 10M-opcode pickle is one allocation). */
export function repeat(pattern: readonly number[], count: number): Uint8Array {
  const out = new Uint8Array(pattern.length * count);
  if (out.length === 0) return out;
  out.set(pattern);
  for (let filled = pattern.length; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
  return out;
}

export const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
export const shortStr = (s: string) => {
  const b = enc.encode(s);
  return [OP.SHORT_BINUNICODE, b.length, ...b];
};
export const global = (module: string, name: string) => [OP.GLOBAL, ...enc.encode(`${module}\n${name}\n`)];

/** A torch.save archive (zip, `<prefix>/data.pkl` plus `<prefix>/data/<key>` records) around a pickle. */
export function ptArchive(pkl: Uint8Array, storages: [string, Uint8Array][] = [], prefix = "archive"): Uint8Array {
  return writeZip([
    { name: `${prefix}/data.pkl`, data: pkl },
    ...storages.map(([k, data]) => ({ name: `${prefix}/data/${k}`, data })),
    { name: `${prefix}/version`, data: enc.encode("3\n") },
  ]);
}

/** A protocol-2 pickle: PROTO 2, body, STOP. */
export const pickle = (...body: (Uint8Array | readonly number[])[]) => cat([OP.PROTO, 2], ...body, [OP.STOP]);

/**
 * {key: None} whose key is a DAG of nested tuples: t0 = None, t(i+1) = (ti, ti). Each level
 * is 2 opcodes, but a tree walk of the key visits 2^depth nodes.
 */
export function tupleDagPickle(depth: number): Uint8Array {
  return pickle([OP.EMPTY_DICT, OP.NONE], repeat([OP.DUP, OP.TUPLE2], depth), [OP.NONE, OP.SETITEM]);
}

/** A LONG4 integer of n little-endian bytes, all `fill` but the last, which is `last`. */
export function long4Pickle(n: number, fill: number, last: number): Uint8Array {
  const b = new Uint8Array(n).fill(fill);
  if (n > 0) b[n - 1] = last;
  return pickle([OP.LONG4, ...u32(n)], b);
}

/** A list, dict or tuple nested `depth` levels deep ([[[...]]], {"k": {"k": ...}}, (((None,),),)). */
export function nestedPickle(kind: "list" | "dict" | "tuple", depth: number): Uint8Array {
  if (kind === "list") return pickle(repeat([OP.EMPTY_LIST], depth), repeat([OP.APPEND], depth - 1));
  if (kind === "tuple") return pickle([OP.NONE], repeat([OP.TUPLE1], depth));
  return pickle(repeat([OP.EMPTY_DICT, ...shortStr("k")], depth - 1), [OP.EMPTY_DICT], repeat([OP.SETITEM], depth - 1));
}

/**
 * A torch.save-layout pickle of {w0: t0, w1: t1, ...}: each a float32 tensor of `numel`
 * elements that is a stride-0 expand of its own one-element storage (torch.zeros(1).expand(n)).
 */
export function expandArchive(count: number, numel: number, value = 0): Uint8Array {
  const p = new Pickler();
  const memo = { od: {}, rebuild: {}, storage: {}, type: {}, cpu: {} }; // emitted once, then BINGET
  p.emptyDict();
  p.mark();
  for (let i = 0; i < count; i++) {
    p.string(`w${i}`);
    p.memoized(memo.rebuild, () => p.global("torch._utils", "_rebuild_tensor_v2"));
    p.mark();
    p.mark();
    p.memoized(memo.storage, () => p.string("storage"));
    p.memoized(memo.type, () => p.global("torch", "FloatStorage"));
    p.string(String(i));
    p.memoized(memo.cpu, () => p.string("cpu"));
    p.int(1);
    p.tupleFromMark();
    p.binpersid();
    p.int(0);
    p.mark(); p.int(numel); p.tupleFromMark();
    p.mark(); p.int(0); p.tupleFromMark();
    p.bool(false);
    p.memoized(memo.od, () => p.global("collections", "OrderedDict"));
    p.emptyTuple();
    p.reduce();
    p.tupleFromMark();
    p.reduce();
  }
  p.setitems();
  const one = new Uint8Array(new Float32Array([value]).buffer);
  // unaligned records (no padding): the smallest archive the reader accepts
  return rawZip([{ name: "e/data.pkl", data: p.finish() }, ...Array.from({ length: count }, (_, i) => ({ name: `e/data/${i}`, data: one }))]).bytes;
}

/** A safetensors file from a header text (padded with spaces to `padTo` bytes when given) and data. */
export function safetensorsFile(header: string, data: Uint8Array = new Uint8Array(0), padTo?: number): Uint8Array {
  let h: Uint8Array = enc.encode(header);
  if (padTo !== undefined) {
    if (padTo < h.length) throw new Error(`header of ${h.length} bytes does not fit in ${padTo}`);
    h = cat(h, new Uint8Array(padTo - h.length).fill(0x20));
  }
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** `depth` nested JSON arrays around `inner`: [[[...inner...]]]. */
export const deepJsonArray = (depth: number, inner = "0") => "[".repeat(depth) + inner + "]".repeat(depth);

// ------------------------------------------------------------------ zip

export interface RawZipEntry {
  name: string | Uint8Array;
  /** The bytes stored in the archive (compressed ones for method 8). */
  data: Uint8Array;
  method?: number;
  /** Uncompressed size and CRC the headers declare (default: data's own). */
  size?: number;
  crc?: number;
  flags?: number;
}

/**
 * A classic (non-ZIP64) zip whose headers say what they are told, lies included. Returns
 * the bytes and where each record lies, for structural mutations.
 */
export function rawZip(entries: RawZipEntry[], comment = new Uint8Array(0)): { bytes: Uint8Array; local: number[]; central: number[]; eocd: number } {
  const chunks: Uint8Array[] = [];
  let pos = 0;
  const local: number[] = [];
  const cds: Uint8Array[] = [];
  for (const e of entries) {
    const name = typeof e.name === "string" ? enc.encode(e.name) : e.name;
    const crc = e.crc ?? (zlibCrc32(e.data) >>> 0);
    const size = e.size ?? e.data.length;
    const h = new Uint8Array(30 + name.length);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, 0x04034b50, true);
    dv.setUint16(4, 20, true);
    dv.setUint16(6, e.flags ?? 0, true);
    dv.setUint16(8, e.method ?? 0, true);
    dv.setUint32(14, crc, true);
    dv.setUint32(18, e.data.length, true);
    dv.setUint32(22, size, true);
    dv.setUint16(26, name.length, true);
    h.set(name, 30);
    local.push(pos);
    chunks.push(h, e.data);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, e.flags ?? 0, true);
    cv.setUint16(10, e.method ?? 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, pos, true);
    c.set(name, 46);
    cds.push(c);
    pos += h.length + e.data.length;
  }
  const cdOffset = pos;
  const central: number[] = [];
  for (const c of cds) {
    central.push(pos);
    chunks.push(c);
    pos += c.length;
  }
  const eocd = new Uint8Array(22 + comment.length);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, pos - cdOffset, true);
  ev.setUint32(16, cdOffset, true);
  ev.setUint16(20, comment.length, true);
  eocd.set(comment, 22);
  chunks.push(eocd);
  return { bytes: cat(...chunks), local, central, eocd: pos };
}

/** Bits in DEFLATE's order: values LSB first, Huffman codes MSB first. */
class BitWriter {
  private out: number[] = [];
  private acc = 0;
  private n = 0;
  bits(v: number, count: number): void {
    for (let i = 0; i < count; i++) this.bit((v >>> i) & 1);
  }
  code(c: number, len: number): void {
    for (let i = len - 1; i >= 0; i--) this.bit((c >>> i) & 1);
  }
  private bit(b: number): void {
    this.acc |= b << this.n;
    if (++this.n === 8) {
      this.out.push(this.acc);
      this.acc = 0;
      this.n = 0;
    }
  }
  /** The bytes written, the last one zero-padded. */
  finish(): Uint8Array {
    if (this.n) this.out.push(this.acc);
    return Uint8Array.from(this.out);
  }
}

/**
 * A deflate stream (fixed Huffman codes) that inflates to `size` zero bytes: a literal 0,
 * then copies of 258 bytes at distance 1, 13 bits each (about 160:1). Returns the stream and
 * the CRC-32 of its output, so a zip entry of it is valid.
 */
export function zeroDeflate(size: number): { data: Uint8Array; crc: number } {
  if (size < 1) throw new Error("size >= 1");
  const w = new BitWriter();
  w.bits(1, 1); // BFINAL
  w.bits(1, 2); // fixed Huffman
  w.code(0x30, 8); // literal 0
  let left = size - 1;
  while (left >= 258 + 3 || left === 258) {
    w.code(0xc5, 8); // length symbol 285: 258 bytes
    w.code(0, 5); // distance code 0: distance 1
    left -= 258;
  }
  while (left > 0) {
    // short tail: literals
    w.code(0x30, 8);
    left--;
  }
  w.code(0, 7); // end of block
  const zeros = new Uint8Array(1 << 20);
  let crc = 0;
  for (let done = 0; done < size; done += zeros.length) crc = zlibCrc32(zeros.subarray(0, Math.min(zeros.length, size - done)), crc);
  return { data: w.finish(), crc: crc >>> 0 };
}
