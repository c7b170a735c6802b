// Where arriving bytes go. A message (one peer's DATA for one step of one collective) is
// taken by an Expect that the collective registered; bytes that arrive before their Expect
// (a faster peer already in the next step or the next collective) wait in the Inbox (copied:
// the reader reuses its memory) and are replayed on registration. A message copied as it is
// can be read by the socket straight into its destination (Expect.direct).
import type { PayloadSink } from "./mesh.ts";
import { ELEMENT_SIZE, reduceInto, type RedCode, type WireDType } from "./reduce.ts";

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: Error): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void, reject!: (e: Error) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  promise.catch(() => {}); // a rejection nobody awaits (an aborted step) is not an unhandled one
  return { promise, resolve, reject };
}

/**
 * Applies a piece that belongs at byte `offset` of the message. A plain copy names its
 * `target`, so the bytes can be read straight into it instead.
 */
export type Apply = ((piece: Uint8Array, offset: number) => void) & { target?: Uint8Array; pendingBytes?: () => number };

/**
 * How far a region has been sent (bytes from its start, handed to the kernel in order): a
 * message that overwrites the region may only write below it.
 */
export interface Watermark {
  readonly value: number;
  /** Resolves once value >= upTo. */
  reach(upTo: number): Promise<void>;
}

/** One expected message of `total` bytes. */
export class Expect implements PayloadSink {
  /** Bytes received. */
  received = 0;
  /** Bytes fully applied (a reduction holds back a partial element). */
  applied = 0;
  readonly done = deferred();
  /** Pieces waiting for the watermark (copies: the reader reuses its memory). */
  private held: Array<[Uint8Array, number]> = [];
  /** Set when the bytes cannot be trusted any more (more than expected). */
  overflow: string | null = null;

  /**
   * `guard`: bytes at or above its value are held until it passes them (the region is still
   * being sent from). `onProgress(applied)`: called after each piece.
   */
  constructor(
    readonly total: number,
    private readonly apply: Apply,
    private readonly onProgress?: (applied: number) => void,
    private readonly guard?: Watermark,
  ) {
    this.check();
  }

  write(piece: Uint8Array): void {
    const offset = this.received;
    this.received += piece.length;
    if (this.received > this.total) {
      this.overflow = `${this.received} bytes where ${this.total} were expected`;
      this.done.reject(new Error(this.overflow));
      return;
    }
    if (this.held.length || (this.guard && this.received > this.guard.value)) {
      this.held.push([piece.slice(), offset]);
      if (this.held.length === 1) this.drainLater();
      return;
    }
    this.take(piece, offset);
    this.check();
  }

  /** Applies held pieces as the watermark passes them. */
  private drainLater(): void {
    const [p, o] = this.held[0];
    this.guard!.reach(o + p.length).then(() => {
      while (this.held.length && this.held[0][1] + this.held[0][0].length <= this.guard!.value) {
        const [piece, offset] = this.held.shift()!;
        this.take(piece, offset);
      }
      if (this.held.length) this.drainLater();
      this.check();
    }, () => {});
  }

  /** The target memory for the next up to `max` bytes, when they may be read into it directly. */
  direct(max: number): Uint8Array | null {
    const target = this.apply.target;
    if (this.held.length || !target || this.overflow) return null;
    const limit = this.guard ? this.guard.value : this.total;
    const n = Math.min(max, limit - this.received, this.total - this.received);
    return n > 0 ? target.subarray(this.received, this.received + n) : null;
  }

  /** n bytes were read straight into the memory direct() returned. */
  commit(n: number): void {
    this.received += n;
    this.applied = this.received;
    this.onProgress?.(this.applied);
    this.check();
  }

  private take(piece: Uint8Array, offset: number): void {
    this.apply(piece, offset);
    this.applied = offset + piece.length - (this.apply.pendingBytes?.() ?? 0);
    this.onProgress?.(this.applied);
  }

  private check(): void {
    if (this.held.length === 0 && this.applied === this.total && this.received === this.total) this.done.resolve();
  }
}

export function copyInto(dst: Uint8Array): Apply {
  return Object.assign((piece: Uint8Array, offset: number) => dst.set(piece, offset), { target: dst });
}

/** Reduces pieces into dst element by element; pieces may split elements and be misaligned. */
export function reduceIntoRegion(dtype: WireDType, op: RedCode, dst: Uint8Array): Apply {
  const es = ELEMENT_SIZE[dtype];
  const carry = new Uint8Array(8);
  let carryLen = 0;
  let scratch = new Uint8Array(0);
  const apply = (piece: Uint8Array, offset: number): void => {
    let i = 0;
    if (carryLen > 0) {
      const take = Math.min(es - carryLen, piece.length);
      carry.set(piece.subarray(0, take), carryLen);
      carryLen += take;
      i = take;
      if (carryLen < es) return;
      reduceInto(dtype, op, dst.subarray(offset + take - es), carry, 1);
      carryLen = 0;
    }
    const whole = Math.floor((piece.length - i) / es);
    if (whole > 0) {
      let src = piece.subarray(i, i + whole * es);
      if (src.byteOffset % es !== 0) {
        if (scratch.length < src.length) scratch = new Uint8Array(Math.max(src.length, 1 << 16));
        scratch.set(src);
        src = scratch.subarray(0, src.length);
      }
      reduceInto(dtype, op, dst.subarray(offset + i), src, whole);
    }
    const rest = piece.length - i - whole * es;
    if (rest > 0) {
      carry.set(piece.subarray(piece.length - rest));
      carryLen = rest;
    }
  };
  return Object.assign(apply, { pendingBytes: () => carryLen });
}

/** Messages keyed by a string, whichever of the Expect and the bytes comes first. */
export class Inbox {
  private readonly expects = new Map<string, Expect>();
  private readonly early = new Map<string, Uint8Array[]>();
  private readonly controls = new Map<string, Uint8Array[]>();
  private readonly controlWaiters = new Map<string, Deferred<Uint8Array>>();

  /**
   * The sink for arriving DATA of `key`. Each piece goes to the key's Expect if one is
   * registered by then, else waits here: an Expect may be registered in the middle of a frame.
   */
  sink(key: string): PayloadSink {
    return {
      write: (p) => {
        const e = this.expects.get(key);
        if (e) {
          e.write(p);
          if (e.received >= e.total) this.expects.delete(key);
          return;
        }
        // the reader reuses its memory: keep a copy
        const list = this.early.get(key);
        if (list) list.push(p.slice());
        else this.early.set(key, [p.slice()]);
      },
      direct: (max) => this.expects.get(key)?.direct(max) ?? null,
      commit: (n) => {
        const e = this.expects.get(key)!;
        e.commit(n);
        if (e.received >= e.total) this.expects.delete(key);
      },
    };
  }

  expect(key: string, e: Expect): Expect {
    const early = this.early.get(key);
    this.early.delete(key);
    if (e.total > 0) this.expects.set(key, e);
    if (early) {
      for (const p of early) {
        e.write(p);
        if (e.received >= e.total) this.expects.delete(key);
      }
    }
    return e;
  }

  hasControl(key: string): boolean {
    return (this.controls.get(key)?.length ?? 0) > 0;
  }

  /** A control payload for key: now if it already came, else when it comes. */
  control(key: string): Promise<Uint8Array> {
    const q = this.controls.get(key);
    if (q?.length) {
      const v = q.shift()!;
      if (q.length === 0) this.controls.delete(key);
      return Promise.resolve(v);
    }
    const d = deferred<Uint8Array>();
    this.controlWaiters.set(key, d);
    return d.promise;
  }

  deliverControl(key: string, payload: Uint8Array): void {
    const w = this.controlWaiters.get(key);
    if (w) {
      this.controlWaiters.delete(key);
      w.resolve(payload);
      return;
    }
    const q = this.controls.get(key);
    if (q) q.push(payload);
    else this.controls.set(key, [payload]);
  }

  /** Forgets everything whose key starts with prefix (a finished or failed collective). */
  drop(prefix: string): void {
    for (const m of [this.expects, this.early, this.controls] as Map<string, unknown>[]) {
      for (const k of m.keys()) if (k.startsWith(prefix)) m.delete(k);
    }
    for (const [k, w] of this.controlWaiters) {
      if (k.startsWith(prefix)) {
        this.controlWaiters.delete(k);
        w.reject(new Error("dropped"));
      }
    }
  }
}
