// A small ZIP reader and writer covering what PyTorch's torch.save produces and accepts:
// stored (and, on read, deflated) entries, ZIP64 end records, data descriptors (flag bit 3).
// The reader cross-checks the central directory against local headers and verifies every
// entry's CRC-32, so a corrupted archive is reported instead of yielding wrong tensors.
// Entries may not overlap (each entry's data ends before the next local header; Python's
// zipfile refuses "overlapped entries" too), so the records a load reads total at most the
// file's size, and a deflated record is inflated only after its declared size has been
// checked against the compressed size and charged to the load's budget.

import { makeCrc32 } from "../crc.ts";
import { CheckpointError } from "./errors.ts";
import { inflateRaw } from "./inflate.ts";
import type { Budget } from "./limits.ts";

export const crc32 = makeCrc32(0xedb88320);

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  flags: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOC = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;

function fail(msg: string): never {
  throw new CheckpointError(`invalid zip archive: ${msg}`);
}

/** Reads fields with bounds checks, so a lying length never reads past the buffer. */
class Reader {
  readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(pos: number, len: number, what: string): void {
    if (pos < 0 || len < 0 || pos + len > this.bytes.length) fail(`${what} at byte ${pos} runs past the end of the ${this.bytes.length}-byte file`);
  }
  u16(p: number): number {
    return this.dv.getUint16(p, true);
  }
  u32(p: number): number {
    return this.dv.getUint32(p, true);
  }
  u64(p: number, what: string): number {
    const v = this.dv.getBigUint64(p, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} ${v} is too large`);
    return Number(v);
  }
}

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  private readonly r: Reader;
  /** Where each entry's region must end: the next local header, or the central directory. */
  private readonly regionEnd = new Map<string, number>();

  constructor(readonly bytes: Uint8Array) {
    const r = (this.r = new Reader(bytes));
    // End of central directory: 22 bytes plus a comment of up to 65535 bytes.
    let eocd = -1;
    for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--) {
      if (r.u32(p) === SIG_EOCD && p + 22 + r.u16(p + 20) === bytes.length) {
        eocd = p;
        break;
      }
    }
    if (eocd < 0) fail("end of central directory record not found (truncated file?)");
    if (r.u16(eocd + 4) !== 0 || r.u16(eocd + 6) !== 0) fail("multi-disk archives are not supported");
    let count = r.u16(eocd + 10);
    if (r.u16(eocd + 8) !== count) fail("entry counts in the end record disagree");
    let cdSize = r.u32(eocd + 12);
    let cdOffset = r.u32(eocd + 16);
    let cdEnd = eocd;
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff || (eocd >= 20 && r.u32(eocd - 20) === SIG_EOCD64_LOC)) {
      // ZIP64 (PyTorch always writes these records).
      const loc = eocd - 20;
      if (loc < 0 || r.u32(loc) !== SIG_EOCD64_LOC) fail("ZIP64 end locator missing");
      const e64 = r.u64(loc + 8, "ZIP64 end record offset");
      r.need(e64, 56, "ZIP64 end record");
      if (r.u32(e64) !== SIG_EOCD64) fail("ZIP64 end record signature mismatch");
      if (e64 + 12 + r.u64(e64 + 4, "ZIP64 end record size") !== loc) fail("ZIP64 end record size mismatch");
      const c64 = r.u64(e64 + 24, "entry count");
      if (r.u64(e64 + 32, "entry count") !== c64) fail("ZIP64 entry counts disagree");
      if (count !== 0xffff && count !== c64) fail("ZIP64 and classic entry counts disagree");
      count = c64;
      const s64 = r.u64(e64 + 40, "central directory size");
      const o64 = r.u64(e64 + 48, "central directory offset");
      if (cdSize !== 0xffffffff && cdSize !== s64) fail("ZIP64 and classic central directory sizes disagree");
      if (cdOffset !== 0xffffffff && cdOffset !== o64) fail("ZIP64 and classic central directory offsets disagree");
      cdSize = s64;
      cdOffset = o64;
      cdEnd = e64;
    }
    if (cdOffset + cdSize !== cdEnd) fail(`central directory [${cdOffset}, ${cdOffset + cdSize}) does not end where the end records begin (${cdEnd})`);
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      r.need(p, 46, "central directory entry");
      if (r.u32(p) !== SIG_CENTRAL) fail(`central directory entry ${i} has a bad signature`);
      const flags = r.u16(p + 8);
      const method = r.u16(p + 10);
      const crc = r.u32(p + 16);
      let csize = r.u32(p + 20);
      let usize = r.u32(p + 24);
      const nameLen = r.u16(p + 28);
      const extraLen = r.u16(p + 30);
      const commentLen = r.u16(p + 32);
      let local = r.u32(p + 42);
      r.need(p + 46, nameLen + extraLen + commentLen, "central directory entry name");
      if (p + 46 + nameLen + extraLen + commentLen > cdEnd) fail(`central directory entry ${i} overruns the directory`);
      const name = decodeName(bytes.subarray(p + 46, p + 46 + nameLen));
      // ZIP64 extended information: present fields replace the 0xffffffff placeholders, in order.
      const extra = parseExtra(bytes.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), name);
      const z64 = extra.get(0x0001);
      if (z64) {
        const zr = new Reader(z64);
        let q = 0;
        const take = (what: string) => {
          zr.need(q, 8, `ZIP64 ${what} of '${name}'`);
          const v = zr.u64(q, what);
          q += 8;
          return v;
        };
        if (usize === 0xffffffff) usize = take("size");
        if (csize === 0xffffffff) csize = take("compressed size");
        if (local === 0xffffffff) local = take("local header offset");
      }
      if (flags & 1) fail(`entry '${name}' is encrypted`);
      if (method !== 0 && method !== 8) fail(`entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
      if (method === 0 && csize !== usize) fail(`stored entry '${name}' has compressed size ${csize} != size ${usize}`);
      if (this.entries.has(name)) fail(`duplicate entry '${name}'`);
      this.entries.set(name, { name, method, crc, compressedSize: csize, size: usize, localOffset: local, flags });
      p += 46 + nameLen + extraLen + commentLen;
    }
    if (p !== cdOffset + cdSize) fail(`central directory holds ${p - cdOffset} bytes of entries but declares ${cdSize}`);
    const byOffset = [...this.entries.values()].sort((a, b) => a.localOffset - b.localOffset);
    byOffset.forEach((e, i) => this.regionEnd.set(e.name, i + 1 < byOffset.length ? byOffset[i + 1]!.localOffset : cdOffset));
  }

  /** Start of the entry's data, after checking its local header against the central directory. */
  private dataStart(e: ZipEntry): number {
    const r = this.r;
    r.need(e.localOffset, 30, `local header of '${e.name}'`);
    if (r.u32(e.localOffset) !== SIG_LOCAL) fail(`local header of '${e.name}' has a bad signature`);
    const flags = r.u16(e.localOffset + 6);
    const method = r.u16(e.localOffset + 8);
    const nameLen = r.u16(e.localOffset + 26);
    const extraLen = r.u16(e.localOffset + 28);
    r.need(e.localOffset + 30, nameLen + extraLen, `local header of '${e.name}'`);
    const name = decodeName(this.bytes.subarray(e.localOffset + 30, e.localOffset + 30 + nameLen));
    if (name !== e.name) fail(`local header name '${name}' differs from central directory name '${e.name}'`);
    if (flags !== e.flags || method !== e.method) fail(`local header of '${e.name}' disagrees with the central directory`);
    parseExtra(this.bytes.subarray(e.localOffset + 30 + nameLen, e.localOffset + 30 + nameLen + extraLen), e.name);
    if (!(flags & 8)) {
      // Without a data descriptor, the local header carries the real CRC and sizes.
      const crc = r.u32(e.localOffset + 14);
      const cs = r.u32(e.localOffset + 18);
      const us = r.u32(e.localOffset + 22);
      if (crc !== e.crc || (cs !== 0xffffffff && cs !== e.compressedSize) || (us !== 0xffffffff && us !== e.size))
        fail(`local header of '${e.name}' disagrees with the central directory`);
    }
    return e.localOffset + 30 + nameLen + extraLen;
  }

  /**
   * The entry's bytes: a view into the archive for a stored entry, a new array for a
   * deflated one (its declared size is charged to `budget` before inflating).
   */
  read(name: string, budget?: Budget): Uint8Array {
    const e = this.entries.get(name);
    if (!e) throw new CheckpointError(`archive has no entry '${name}'`);
    const start = this.dataStart(e);
    this.r.need(start, e.compressedSize, `data of '${e.name}'`);
    const raw = this.bytes.subarray(start, start + e.compressedSize);
    let end = start + e.compressedSize;
    if (e.flags & 8) {
      // Data descriptor (signature optional): CRC must match the central directory.
      const d = start + e.compressedSize;
      const q = d + 4 <= this.bytes.length && this.r.u32(d) === SIG_DESCRIPTOR ? d + 4 : d;
      this.r.need(q, 12, `data descriptor of '${e.name}'`);
      if (this.r.u32(q) !== e.crc) fail(`data descriptor CRC of '${e.name}' disagrees with the central directory`);
      end = q + 12;
    }
    const limit = this.regionEnd.get(e.name)!;
    if (e.localOffset >= limit || end > limit)
      fail(`entry '${e.name}' (bytes ${e.localOffset} to ${end}) overlaps the next entry or the central directory at byte ${limit}`);
    let out: Uint8Array;
    if (e.method === 8) {
      if (e.size > raw.length * 1032 + 1024)
        fail(`entry '${e.name}' declares ${e.size} bytes, impossible for ${raw.length} deflated bytes (deflate expands at most 1032:1)`);
      budget?.charge(e.size, `inflating zip entry '${e.name}'`);
      try {
        out = inflateRaw(raw, e.size);
      } catch (err) {
        fail(`entry '${e.name}' does not inflate: ${(err as Error).message}`);
      }
    } else {
      out = raw;
    }
    if (out.length !== e.size) fail(`entry '${e.name}' holds ${out.length} bytes, directory says ${e.size}`);
    const crc = crc32(out);
    if (crc !== e.crc)
      fail(`CRC-32 mismatch in '${e.name}' (stored ${e.crc.toString(16)}, computed ${crc.toString(16)}): the file is corrupted`);
    return out;
  }
}

function decodeName(b: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    fail("entry name is not valid UTF-8");
  }
}

/** Extra field: a sequence of (id u16, len u16, data); it must be tiled exactly. */
function parseExtra(b: Uint8Array, name: string): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 0;
  while (p < b.length) {
    if (p + 4 > b.length) fail(`malformed extra field of '${name}'`);
    const id = dv.getUint16(p, true);
    const len = dv.getUint16(p + 2, true);
    if (p + 4 + len > b.length) fail(`malformed extra field of '${name}'`);
    out.set(id, b.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return out;
}

// ---------------------------------------------------------------- writer

/**
 * Writes a stored (uncompressed) ZIP with ZIP64 end records and every entry's data aligned
 * to `align` bytes (PyTorch aligns to 64 with a padding extra field, id 'FB'), so storages
 * can be viewed in place.
 */
export function writeZip(files: { name: string; data: Uint8Array }[], align = 64): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let pos = 0;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    pos += b.length;
  };
  const central: Uint8Array[] = [];
  for (const f of files) {
    const name = enc.encode(f.name);
    const crc = crc32(f.data);
    const offset = pos;
    let pad = (align - ((offset + 30 + name.length + 4) % align)) % align;
    const extraLen = 4 + pad;
    const h = new Uint8Array(30 + name.length + extraLen);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, SIG_LOCAL, true);
    dv.setUint16(4, 45, true); // version needed: 4.5 (ZIP64)
    dv.setUint16(6, 0x0800, true); // UTF-8 names
    dv.setUint16(8, 0, true); // stored
    dv.setUint32(14, crc, true);
    dv.setUint32(18, f.data.length, true);
    dv.setUint32(22, f.data.length, true);
    dv.setUint16(26, name.length, true);
    dv.setUint16(28, extraLen, true);
    h.set(name, 30);
    dv.setUint16(30 + name.length, 0x4246, true); // "FB" padding field, as PyTorch
    dv.setUint16(32 + name.length, pad, true);
    h.fill(0x5a, 34 + name.length); // 'Z'
    if (f.data.length > 0xfffffffe || offset > 0xfffffffe) throw new CheckpointError("entries over 4 GiB are not supported by this writer");
    push(h);
    push(f.data);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, 45, true);
    cv.setUint16(6, 45, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, f.data.length, true);
    cv.setUint32(24, f.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    c.set(name, 46);
    central.push(c);
    pad = 0;
  }
  const cdOffset = pos;
  for (const c of central) push(c);
  const cdSize = pos - cdOffset;
  const e64 = pos;
  const z = new Uint8Array(56 + 20 + 22);
  const zv = new DataView(z.buffer);
  zv.setUint32(0, SIG_EOCD64, true);
  zv.setBigUint64(4, 44n, true);
  zv.setUint16(12, 45, true);
  zv.setUint16(14, 45, true);
  zv.setBigUint64(24, BigInt(files.length), true);
  zv.setBigUint64(32, BigInt(files.length), true);
  zv.setBigUint64(40, BigInt(cdSize), true);
  zv.setBigUint64(48, BigInt(cdOffset), true);
  zv.setUint32(56, SIG_EOCD64_LOC, true);
  zv.setBigUint64(64, BigInt(e64), true);
  zv.setUint32(72, 1, true); // total disks
  zv.setUint32(76, SIG_EOCD, true);
  zv.setUint16(84, Math.min(files.length, 0xffff), true);
  zv.setUint16(86, Math.min(files.length, 0xffff), true);
  zv.setUint32(88, Math.min(cdSize, 0xffffffff), true);
  zv.setUint32(92, Math.min(cdOffset, 0xffffffff), true);
  push(z);
  const out = new Uint8Array(pos);
  let q = 0;
  for (const c of chunks) {
    out.set(c, q);
    q += c.length;
  }
  return out;
}
