// Incremental parsing of a byte stream that arrives in arbitrary pieces. A parser reads a
// whole message through a Reader; when the bytes run out it throws INCOMPLETE and is simply
// retried from the message's start once more bytes arrived, so no parser keeps state of its
// own. Only lengths are re-read on a retry; payload bytes are copied once, when complete.

/** Thrown by a Reader that needs more bytes than have arrived. */
export const INCOMPLETE = Symbol("incomplete");

/** A stream that is not the protocol it should be: the connection is closed. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already consumed. */
  private head = 0;
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Copies n bytes starting pos bytes after the head (the caller checked they are there). */
  copy(pos: number, n: number, out: Uint8Array = new Uint8Array(n)): Uint8Array {
    let c = 0, off = this.head + pos;
    while (off >= this.chunks[c].length) off -= this.chunks[c++].length;
    for (let w = 0; w < n; ) {
      const chunk = this.chunks[c++];
      const take = Math.min(chunk.length - off, n - w);
      out.set(chunk.subarray(off, off + take), w);
      w += take;
      off = 0;
    }
    return out;
  }

  consume(n: number): void {
    this.length -= n;
    let h = this.head + n;
    while (this.chunks.length && h >= this.chunks[0].length) h -= this.chunks.shift()!.length;
    this.head = h;
  }
}

/** Sequential little-endian reads from a ByteQueue, without consuming. */
export class Reader {
  pos = 0;
  private readonly scratch = new Uint8Array(8);
  private readonly view = new DataView(this.scratch.buffer);
  constructor(private readonly q: ByteQueue, private readonly maxLength: number) {}

  private need(n: number): void {
    if (this.pos + n > this.q.length) throw INCOMPLETE;
  }
  u8(): number {
    this.need(1);
    this.q.copy(this.pos, 1, this.scratch);
    this.pos += 1;
    return this.scratch[0];
  }
  private word(): void {
    this.need(8);
    this.q.copy(this.pos, 8, this.scratch);
    this.pos += 8;
  }
  i64(): bigint {
    this.word();
    return this.view.getBigInt64(0, true);
  }
  /** A length or count (c10d's uint64 SizeType), refused above the reader's limit. */
  size(): number {
    this.word();
    const v = this.view.getBigUint64(0, true);
    if (v > BigInt(this.maxLength)) throw new ProtocolError(`length ${v} is over the limit of ${this.maxLength} bytes`);
    return Number(v);
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.q.copy(this.pos, n);
    this.pos += n;
    return out;
  }
  /** c10d's sendString / sendVector: a uint64 length, then the bytes. */
  vector(): Uint8Array {
    return this.bytes(this.size());
  }
}

/** Appends little-endian values into one buffer, for a message written in one piece. */
export class Writer {
  private parts: Uint8Array[] = [];
  u8(v: number): this {
    this.parts.push(Uint8Array.of(v));
    return this;
  }
  i64(v: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, v, true);
    this.parts.push(b);
    return this;
  }
  size(n: number): this {
    return this.i64(BigInt(n));
  }
  vector(b: Uint8Array): this {
    this.size(b.length);
    this.parts.push(b);
    return this;
  }
  done(): Uint8Array {
    const n = this.parts.reduce((s, p) => s + p.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
