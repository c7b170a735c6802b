// Tar archives, read as a stream and written in memory: the container of WebDataset shards.
//
// Why not an npm package: the reader here must pull from any async source of byte chunks (a
// Node file stream, a fetch() body in browsers), report the byte offset of every member (for
// error messages and resumption at a sample boundary) and start at an offset; tar-stream 3
// pushes through streamx streams (plus b4a, fast-fifo, bare-fs) and reports no offsets. The
// format is small: 512-byte headers, data padded to 512, two zero blocks at the end.
//
// Read: ustar and old-GNU headers (name split with `prefix`), POSIX pax extended headers ('x'
// per member, 'g' global: path, linkpath, size), GNU long names ('L', 'K'), base-256 sizes.
// Regular files are returned; directories, links and devices are skipped. A bad checksum, a
// stream that ends inside a header or a member, or one without the end-of-archive block is a
// TarError naming the shard and the byte offset.
// Write: ustar headers; a name or size that does not fit gets a pax 'x' header, as Python's
// tarfile does in its default PAX_FORMAT.
import { RuntimeError } from "../../../errors.ts";

const BLOCK = 512;
const utf8 = new TextDecoder("utf-8");
const encoder = new TextEncoder();

/** A broken or truncated archive: `shard` and `offset` say where. */
export class TarError extends RuntimeError {
  constructor(
    message: string,
    readonly shard: string,
    readonly offset: number,
  ) {
    super(`${message} (shard ${shard}, byte offset ${offset})`);
  }
}

export interface TarEntry {
  name: string;
  /** Byte offset of the entry's first header (its pax or long-name header if it has one). */
  offset: number;
  /** Byte offset just after the entry's padded data: where the next entry starts. */
  end: number;
  data: Uint8Array;
}

/** Bytes pulled from an async source of chunks, with the absolute offset of the next byte. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // read position in chunks[0]
  private buffered = 0;
  private done = false;
  constructor(
    private readonly source: AsyncIterator<Uint8Array>,
    public pos: number,
  ) {}

  /** Buffers at least n bytes if the source has them; returns how many are buffered. */
  async fill(n: number): Promise<number> {
    while (this.buffered < n && !this.done) {
      const r = await this.source.next();
      if (r.done) this.done = true;
      else if (r.value.length > 0) {
        this.chunks.push(r.value);
        this.buffered += r.value.length;
      }
    }
    return this.buffered;
  }

  /** The next n buffered bytes (copied when they span chunks or `copy`), consumed. */
  take(n: number, copy: boolean): Uint8Array {
    const first = this.chunks[0];
    let out: Uint8Array;
    if (first !== undefined && first.length - this.head >= n) {
      out = first.subarray(this.head, this.head + n);
      if (copy) out = Uint8Array.prototype.slice.call(out); // a Buffer's own slice() would not copy
      this.head += n;
    } else {
      out = new Uint8Array(n);
      let k = 0;
      while (k < n) {
        const c = this.chunks[0]!;
        const m = Math.min(n - k, c.length - this.head);
        out.set(c.subarray(this.head, this.head + m), k);
        k += m;
        this.head += m;
        if (this.head === c.length) {
          this.chunks.shift();
          this.head = 0;
        }
      }
    }
    if (this.chunks.length > 0 && this.head === this.chunks[0]!.length) {
      this.chunks.shift();
      this.head = 0;
    }
    this.buffered -= n;
    this.pos += n;
    return out;
  }

  /** Drops n bytes (they may not be buffered yet); returns how many were there. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0 && (await this.fill(1)) === 0) break;
      const c = this.chunks[0]!;
      const m = Math.min(left, c.length - this.head);
      this.head += m;
      this.buffered -= m;
      this.pos += m;
      left -= m;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    return n - left;
  }

  async close(): Promise<void> {
    await this.source.return?.();
  }
}

function cstring(b: Uint8Array, at: number, len: number): string {
  let end = at;
  while (end < at + len && b[end] !== 0) end++;
  return utf8.decode(b.subarray(at, end));
}

/** A numeric header field: octal text (spaces and NULs around it), or base-256 when the high bit is set. */
function number(b: Uint8Array, at: number, len: number): number {
  if (b[at]! & 0x80) {
    let v = b[at]! & 0x3f; // positive base-256 (GNU); a negative size is not valid anyway
    for (let i = at + 1; i < at + len; i++) v = v * 256 + b[i]!;
    return v;
  }
  const s = cstring(b, at, len).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

function isZeroBlock(b: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

function checksumOk(b: Uint8Array): { ok: boolean; stored: number; computed: number } {
  const stored = number(b, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return { ok: stored === unsigned || stored === signed, stored, computed: unsigned };
}

/** pax records: "<len> <key>=<value>\n". */
function parsePax(data: Uint8Array, shard: string, offset: number): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    let sp = i;
    while (sp < data.length && data[sp] !== 0x20) sp++;
    const len = parseInt(utf8.decode(data.subarray(i, sp)), 10);
    if (data[i] === 0) break; // padding
    if (!Number.isInteger(len) || len <= sp - i || i + len > data.length) throw new TarError("corrupt pax extended header", shard, offset);
    const rec = utf8.decode(data.subarray(sp + 1, i + len - 1));
    const eq = rec.indexOf("=");
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

const padded = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

/**
 * The regular files of a tar archive, in order, as the bytes arrive. `shard` names the source
 * in errors; `start` is the byte offset of the first chunk (a header boundary) when reading
 * resumes in the middle of an archive.
 */
export async function* readTar(
  chunks: AsyncIterable<Uint8Array>,
  shard: string,
  start = 0,
): AsyncGenerator<TarEntry, void, undefined> {
  const q = new ByteQueue(chunks[Symbol.asyncIterator](), start);
  const global = new Map<string, string>();
  try {
    let pending: Map<string, string> | null = null; // pax or long-name overrides for the next member
    let entryStart = -1;
    for (;;) {
      const at = q.pos;
      const have = await q.fill(BLOCK);
      if (have === 0) throw new TarError("truncated tar: the data ends without the end-of-archive block", shard, at);
      if (have < BLOCK) throw new TarError(`truncated tar: the data ends ${have} bytes into a header`, shard, at);
      const h = q.take(BLOCK, false);
      if (isZeroBlock(h)) return; // end of archive (what follows is padding)
      const sum = checksumOk(h);
      if (!sum.ok) {
        throw new TarError(`corrupt tar header: checksum ${sum.stored} does not match the header's bytes (${sum.computed})`, shard, at);
      }
      if (entryStart < 0) entryStart = at;
      const type = h[156] === 0 ? "0" : String.fromCharCode(h[156]!);
      let size = number(h, 124, 12);
      if (pending?.has("size")) size = Number(pending.get("size"));
      else if (global.has("size")) size = Number(global.get("size"));
      if (!Number.isSafeInteger(size) || size < 0) throw new TarError("corrupt tar header: bad size field", shard, at);
      const dataAt = q.pos;
      const readData = async (): Promise<Uint8Array> => {
        const got = await q.fill(size);
        if (got < size) {
          throw new TarError(
            `truncated tar: the data ends ${got} bytes into a member of ${size} bytes (header at byte ${at})`,
            shard,
            dataAt + got,
          );
        }
        const data = q.take(size, true);
        const pad = padded(size) - size;
        if ((await q.skip(pad)) < pad) throw new TarError("truncated tar: the data ends in a member's padding", shard, q.pos);
        return data;
      };
      if (type === "x" || type === "g" || type === "L" || type === "K") {
        const data = await readData();
        if (type === "g") for (const [k, v] of parsePax(data, shard, at)) global.set(k, v);
        else {
          pending ??= new Map();
          if (type === "x") for (const [k, v] of parsePax(data, shard, at)) pending.set(k, v);
          else pending.set(type === "L" ? "path" : "linkpath", cstring(data, 0, data.length));
        }
        if (type === "g") entryStart = -1;
        continue;
      }
      let name = cstring(h, 0, 100);
      const magic = cstring(h, 257, 6);
      if (magic === "ustar") {
        const prefix = cstring(h, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      name = pending?.get("path") ?? global.get("path") ?? name;
      pending = null;
      if (type === "0" || type === "7") {
        const data = await readData();
        yield { name, offset: entryStart, end: q.pos, data };
      } else {
        // directories, links, devices, fifos: no data for the caller (links carry size 0)
        const skip = padded(size);
        if ((await q.skip(skip)) < skip) throw new TarError(`truncated tar: the data ends inside member '${name}'`, shard, q.pos);
      }
      entryStart = -1;
    }
  } finally {
    await q.close();
  }
}

// ---- writing ----------------------------------------------------------------------------------

function writeString(b: Uint8Array, at: number, len: number, s: string): void {
  const bytes = encoder.encode(s);
  b.set(bytes.subarray(0, len), at);
}

function writeOctal(b: Uint8Array, at: number, len: number, v: number): void {
  writeString(b, at, len, v.toString(8).padStart(len - 1, "0") + "\0");
}

function header(name: string, size: number, type: string, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, type === "5" ? 0o755 : 0o644);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, mtime);
  h[156] = type.charCodeAt(0);
  writeString(h, 257, 6, "ustar\0");
  writeString(h, 263, 2, "00");
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i]!;
  writeString(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = encoder.encode(body).length;
  let len = bodyLen + 1; // the record's length counts its own decimal digits
  while (bodyLen + String(len).length !== len) len = bodyLen + String(len).length;
  return `${len}${body}`;
}

/** The bytes of one member: header(s), data, padding. Names are UTF-8; sizes up to 2^53. */
export function tarMember(name: string, data: Uint8Array, mtime = 0): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const nameBytes = encoder.encode(name).length;
  const fitsName = nameBytes <= 100 && /^[\x20-\x7e]*$/.test(name);
  const fitsSize = data.length < 8 ** 11;
  let shortName = name;
  if (!fitsName || !fitsSize) {
    let pax = "";
    if (!fitsName) pax += paxRecord("path", name);
    if (!fitsSize) pax += paxRecord("size", String(data.length));
    const paxBytes = encoder.encode(pax);
    parts.push(header("././@PaxHeader", paxBytes.length, "x", mtime), paxBytes, new Uint8Array(padded(paxBytes.length) - paxBytes.length));
    if (!fitsName) shortName = name.replace(/[^\x20-\x7e]/g, "_").slice(0, 100);
  }
  parts.push(header(shortName, fitsSize ? data.length : 0, "0", mtime), data, new Uint8Array(padded(data.length) - data.length));
  return parts;
}

/** The end-of-archive marker: two zero blocks. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(2 * BLOCK);
}

/** A whole archive in memory from (name, bytes) pairs. */
export function writeTar(files: Iterable<[string, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of files) parts.push(...tarMember(name, data));
  parts.push(tarEnd());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
