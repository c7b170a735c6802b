// Bytes of a local file or a URL: as a stream from an offset (shards), or by range (records).
//
// Local paths and file: URLs are read with node:fs (Node only); http(s):, blob: and data: URLs
// with fetch (Node 20 and browsers), a `Range` header asking for the bytes from an offset (a
// server that ignores it answers 200 with the whole body, and the bytes before the offset are
// skipped). In a browser a plain path is a URL relative to the page. Browser bundles do not
// pull node:fs in: it is reached through process.getBuiltinModule at run time.
import { RuntimeError } from "../../../errors.ts";

interface NodeFs {
  createReadStream(path: string, o: { start?: number; highWaterMark?: number }): AsyncIterable<Uint8Array>;
  openSync(path: string, flags: string): number;
  readSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number;
  writeSync(fd: number, buf: Uint8Array, offset?: number, length?: number): number;
  renameSync(from: string, to: string): void;
  fstatSync(fd: number): { size: number };
  closeSync(fd: number): void;
}

const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
export const isNode = typeof proc?.versions?.node === "string";

/** node:fs (Node >= 20.16 has process.getBuiltinModule; nothing else here needs an import). */
export function nodeFs(): NodeFs {
  const fs = proc?.getBuiltinModule?.("node:fs") as NodeFs | undefined;
  if (!fs) throw new RuntimeError("reading local files needs Node.js >= 20.16 (process.getBuiltinModule)");
  return fs;
}

/** Whether `src` is read with fetch (a URL other than file:, or any path in a browser). */
export function isFetched(src: string): boolean {
  if (!isNode) return true;
  return /^[a-z][a-z0-9+.-]*:/i.test(src) && !/^file:/i.test(src) && !/^[a-z]:[\\/]/i.test(src);
}

/**
 * `src` made absolute where it is written down: in a browser, a relative URL against the page
 * (a Web Worker would resolve it against its own script); in Node paths stay as they are (a
 * worker thread shares the process's working directory).
 */
export function absoluteSource(src: string): string {
  const href = (globalThis as { location?: { href?: string } }).location?.href;
  if (isNode || href === undefined) return src;
  return new URL(src, href).href;
}

/** A local path from a path or a file: URL. */
export function localPath(src: string): string {
  if (!/^file:/i.test(src)) return src;
  const url = proc?.getBuiltinModule?.("node:url") as { fileURLToPath(u: string): string };
  return url.fileURLToPath(src);
}

async function fetchFrom(src: string, start: number, end?: number): Promise<Response> {
  const headers: Record<string, string> = {};
  if (start > 0 || end !== undefined) headers.Range = `bytes=${start}-${end === undefined ? "" : end - 1}`;
  let res: Response;
  try {
    res = await fetch(src, { headers });
  } catch (e) {
    throw new RuntimeError(`cannot fetch ${src}: ${(e as Error).message}`, { cause: e });
  }
  if (!res.ok) throw new RuntimeError(`cannot fetch ${src}: HTTP ${res.status} ${res.statusText}`);
  return res;
}

/** The bytes of `src` from byte `start` to the end, as chunks. Closing the iterator closes the file or the connection. */
export async function* byteStream(src: string, start = 0): AsyncGenerator<Uint8Array, void, undefined> {
  if (!isFetched(src)) {
    // Node Buffers are re-viewed as plain Uint8Arrays: Buffer's slice() does not copy.
    for await (const b of nodeFs().createReadStream(localPath(src), { start, highWaterMark: 1 << 20 })) {
      yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    return;
  }
  const res = await fetchFrom(src, start);
  let skip = start > 0 && res.status !== 206 ? start : 0; // the server sent everything
  const reader = res.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (skip >= value.length) {
        skip -= value.length;
        continue;
      }
      yield skip > 0 ? value.subarray(skip) : value;
      skip = 0;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * Random access to a local file (synchronous reads at an offset) or a URL (Range requests).
 * The file descriptor is not an enumerable field, so an instance sent to a DataLoader worker
 * opens the file again there.
 */
export class RangeReader {
  declare private fd: number | undefined;
  constructor(readonly src: string) {
    Object.defineProperty(this, "fd", { value: undefined, writable: true, enumerable: false });
  }

  get fetched(): boolean {
    return isFetched(this.src);
  }

  private handle(): number {
    if (this.fd === undefined) {
      const fs = nodeFs();
      this.fd = fs.openSync(localPath(this.src), "r");
      const fd = this.fd;
      closer.register(this, () => fs.closeSync(fd), this);
    }
    return this.fd;
  }

  /** Size in bytes (local files). */
  sizeSync(): number {
    return nodeFs().fstatSync(this.handle()).size;
  }

  /** `length` bytes at `offset` of a local file; a short read (the file ends) is an error. */
  readSync(offset: number, length: number): Uint8Array {
    const buf = new Uint8Array(length);
    const fs = nodeFs();
    let got = 0;
    while (got < length) {
      const n = fs.readSync(this.handle(), buf, got, length - got, offset + got);
      if (n === 0) throw new RuntimeError(`${this.src}: the file ends at byte ${offset + got}, inside the ${length} bytes read at ${offset}`);
      got += n;
    }
    return buf;
  }

  /** `length` bytes at `offset`, from a local file or a URL; with `upTo`, fewer where the data ends. */
  async read(offset: number, length: number, upTo = false): Promise<Uint8Array> {
    if (!this.fetched) return upTo ? this.readSync(offset, Math.max(0, Math.min(length, this.sizeSync() - offset))) : this.readSync(offset, length);
    const res = await fetchFrom(this.src, offset, offset + length);
    const all = new Uint8Array(await res.arrayBuffer());
    const bytes = res.status === 206 ? all : all.subarray(offset, offset + length);
    if (bytes.length < length && !upTo) {
      throw new RuntimeError(`${this.src}: the data ends at byte ${offset + bytes.length}, inside the ${length} bytes read at ${offset}`);
    }
    return bytes.length <= length ? bytes : bytes.subarray(0, length);
  }

  /** Closes the local file (it is also closed when the reader is garbage collected). */
  close(): void {
    if (this.fd !== undefined) {
      closer.unregister(this);
      nodeFs().closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

const closer = new FinalizationRegistry<() => void>((close) => {
  try {
    close();
  } catch {
    // already closed
  }
});
