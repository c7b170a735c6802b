// Where arriving bytes go. A message (one peer's DATA for one step of one collective) is
// taken by an Expect that the collective registered; bytes that arrive before their Expect
// (a faster peer already in the next step or the next collective) wait in the Inbox and are
// replayed on registration. Node hands each read its own buffer, so waiting pieces are kept
// by reference, not copied.
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

/** Applies a piece that belongs at byte `offset` of the message. */
export type Apply = (piece: Uint8Array, offset: number) => void;

/** One expected message of `total` bytes. */
export class Expect implements PayloadSink {
  /** Bytes received. */
  received = 0;
  /** Bytes fully applied (a reduction holds back a partial element). */
  applied = 0;
  readonly done = deferred();
  private held: Array<[Uint8Array, number]> | null = null;
  /** Set when the bytes cannot be trusted any more (more than expected). */
  overflow: string | null = null;

  /**
   * `after`: pieces are held until it resolves (the region is still being sent from).
   * `onProgress(applied)`: called after each piece.
   */
  constructor(
    readonly total: number,
    private readonly apply: Apply & { pendingBytes?: () => number },
    private readonly onProgress?: (applied: number) => void,
    after?: Promise<void>,
  ) {
    if (after) {
      this.held = [];
      after.then(() => {
        const held = this.held!;
        this.held = null;
        for (const [p, o] of held) this.take(p, o);
        this.check();
      }, () => {});
    }
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
    if (this.held) this.held.push([piece, offset]);
    else {
      this.take(piece, offset);
      this.check();
    }
  }

  private take(piece: Uint8Array, offset: number): void {
    this.apply(piece, offset);
    this.applied = offset + piece.length - (this.apply.pendingBytes?.() ?? 0);
    this.onProgress?.(this.applied);
  }

  private check(): void {
    if (this.held === null && this.applied === this.total && this.received === this.total) this.done.resolve();
  }
}

export function copyInto(dst: Uint8Array): Apply {
  return (piece, offset) => dst.set(piece, offset);
}

/** Reduces pieces into dst element by element; pieces may split elements and be misaligned. */
export function reduceIntoRegion(dtype: WireDType, op: RedCode, dst: Uint8Array): Apply & { pendingBytes(): number } {
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
        const list = this.early.get(key);
        if (list) list.push(p);
        else this.early.set(key, [p]);
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
