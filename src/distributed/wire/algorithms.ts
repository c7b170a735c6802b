// The collectives' algorithms over a Run (engine.ts). Buffers are byte views of shared
// memory the main thread filled; results are written into them in place.
//
// Small messages (<= SMALL_BYTES) go straight to every rank that needs them: one round of
// latency, each rank reducing the n contributions itself in rank order (so every rank gets
// the same bits). Large ones use rings and chains, bandwidth-optimal: all-reduce is a ring
// reduce-scatter then a ring all-gather (each rank sends 2(n-1)/n of the tensor); broadcast
// and reduce are chains. Every step is pipelined: a rank forwards a piece of the step it is
// receiving as soon as that piece has arrived and been reduced (pieces of CHUNK_BYTES), so
// the steps overlap and a large tensor costs about one pass over the network.
import { Expect, copyInto, deferred, reduceIntoRegion, type Watermark } from "./inbox.ts";
import { ELEMENT_SIZE, RED, divide, reduceInto, type RedCode, type WireDType } from "./reduce.ts";
import type { Run } from "./engine.ts";

export const SMALL_BYTES = 64 << 10;
export const CHUNK_BYTES = 256 << 10;

const mod = (x: number, n: number): number => ((x % n) + n) % n;

/**
 * Sends a region to one member as one message, in pieces of at most CHUNK_BYTES as they
 * become ready; its watermark says how much has been handed to the kernel (in order).
 */
class Forwarder implements Watermark {
  private sent = 0;
  value = 0;
  readonly flushed = deferred();
  private waiters: Array<{ upTo: number; resolve: () => void }> = [];

  constructor(
    private readonly run: Run,
    private readonly to: number,
    private readonly tag: number,
    private readonly region: Uint8Array,
    /** Called on each range just before it is sent (AVG's division). */
    private readonly prepare?: (from: number, to: number) => void,
  ) {
    if (region.length === 0) this.flushed.resolve();
  }

  advance(upTo: number): void {
    if (upTo <= this.sent) return;
    this.prepare?.(this.sent, upTo);
    while (this.sent < upTo) {
      const end = Math.min(upTo, this.sent + CHUNK_BYTES);
      const piece = this.region.subarray(this.sent, end);
      this.sent = end;
      this.run.send(this.to, this.tag, piece).then(() => {
        this.value += piece.length;
        this.waiters = this.waiters.filter((w) => (w.upTo <= this.value ? (w.resolve(), false) : true));
        if (this.value === this.region.length) this.flushed.resolve();
      }, (e: Error) => this.flushed.reject(e));
    }
  }

  reach(upTo: number): Promise<void> {
    if (upTo <= this.value) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  /** An Expect's progress: forward whole chunks, and everything once complete. */
  readonly progress = (applied: number): void => {
    this.advance(applied === this.region.length ? applied : applied - (applied % CHUNK_BYTES));
  };
}

/** Element ranges of n nearly equal segments of count elements, as byte views of buf. */
function segments(buf: Uint8Array, es: number, n: number): Uint8Array[] {
  const count = buf.length / es;
  const base = Math.floor(count / n), extra = count % n;
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const len = base + (i < extra ? 1 : 0);
    out.push(buf.subarray(start * es, (start + len) * es));
    start += len;
  }
  return out;
}

function others(run: Run): number[] {
  const out: number[] = [];
  for (let i = 0; i < run.size; i++) if (i !== run.index) out.push(i);
  return out;
}

function divider(dtype: WireDType, region: Uint8Array, n: number): (from: number, to: number) => void {
  const es = ELEMENT_SIZE[dtype];
  return (from, to) => divide(dtype, region.subarray(from, to), (to - from) / es, n);
}

/** x_0 (op) x_1 (op) ... in rank order, into out (which may be one of the inputs only if it is x_0). */
function reduceInOrder(dtype: WireDType, op: RedCode, parts: Uint8Array[], n: number): Uint8Array {
  const acc = parts[0].slice();
  const count = acc.length / ELEMENT_SIZE[dtype];
  for (let i = 1; i < parts.length; i++) reduceInto(dtype, op, acc, parts[i], count);
  if (op === RED.AVG) divide(dtype, acc, count, n);
  return acc;
}

/** Receives a whole message from each of `from` into fresh buffers. */
function receiveAll(run: Run, from: number[], bytes: number, tag = 0): { parts: Uint8Array[]; done: Promise<void>[] } {
  const parts: Uint8Array[] = new Array(run.size);
  const done = from.map((i) => {
    parts[i] = new Uint8Array(bytes);
    return run.expect(i, tag, new Expect(bytes, copyInto(parts[i])));
  });
  return { parts, done };
}

export async function allReduce(run: Run, buf: Uint8Array, dtype: WireDType, op: RedCode): Promise<void> {
  const n = run.size, me = run.index;
  if (n === 1) return;
  if (buf.length <= SMALL_BYTES) {
    const peers = others(run);
    for (const i of peers) run.sendDesc(i);
    const sends = peers.map((i) => run.send(i, 0, buf));
    const { parts, done } = receiveAll(run, peers, buf.length);
    parts[me] = buf;
    await run.guard(Promise.all([...peers.map((i) => run.checkDesc(i)), ...done, ...sends]));
    buf.set(reduceInOrder(dtype, op, parts, n));
    return;
  }
  const seg = segments(buf, ELEMENT_SIZE[dtype], n);
  const right = mod(me + 1, n), left = mod(me - 1, n);
  run.sendDesc(right);
  const descOk = run.checkDesc(left);
  // Steps 0..n-2 reduce-scatter: send segment me-k-1, reduce segment me-k-2 into place; this
  // rank then owns segment me. Steps n-1..2n-3 all-gather: send segment me-t, copy me-t-1.
  // Step k+1 sends exactly the segment step k receives, so it forwards it piece by piece.
  const steps = 2 * (n - 1);
  const sendSeg = (k: number): number => (k < n - 1 ? mod(me - k - 1, n) : mod(me - (k - n + 1), n));
  const recvSeg = (k: number): number => (k < n - 1 ? mod(me - k - 2, n) : mod(me - (k - n + 1) - 1, n));
  const fwd: Forwarder[] = [];
  for (let k = 0; k < steps; k++) {
    const region = seg[sendSeg(k)];
    fwd.push(new Forwarder(run, right, k, region, k === n - 1 && op === RED.AVG ? divider(dtype, region, n) : undefined));
  }
  const waits: Promise<void>[] = [descOk];
  for (let k = 0; k < steps; k++) {
    const region = seg[recvSeg(k)];
    const apply = k < n - 1 ? reduceIntoRegion(dtype, op, region) : copyInto(region);
    // The all-gather's step t overwrites the segment reduce-scatter step t sends: each byte only
    // once it has left (the Expect holds what comes early).
    const guard = k >= n - 1 ? fwd[k - n + 1] : undefined;
    waits.push(run.expect(left, k, new Expect(region.length, apply, fwd[k + 1]?.progress, guard)));
  }
  fwd[0].advance(seg[sendSeg(0)].length);
  for (const f of fwd) waits.push(f.flushed.promise);
  await run.guard(Promise.all(waits));
}

export async function broadcast(run: Run, buf: Uint8Array, root: number): Promise<void> {
  const n = run.size, me = run.index;
  if (n === 1) return;
  if (buf.length <= SMALL_BYTES) {
    if (me === root) {
      const peers = others(run);
      for (const i of peers) run.sendDesc(i);
      await run.guard(Promise.all(peers.map((i) => run.send(i, 0, buf))));
    } else await run.guard(Promise.all([run.checkDesc(root), run.expect(root, 0, new Expect(buf.length, copyInto(buf)))]));
  } else {
    // A chain root, root+1, ...: each rank copies what arrives and forwards it at once.
    const pos = mod(me - root, n);
    const prev = mod(me - 1, n), next = pos < n - 1 ? mod(me + 1, n) : -1;
    if (next >= 0) run.sendDesc(next);
    if (me === root) await run.send(next, 0, buf);
    else {
      const f = next >= 0 ? new Forwarder(run, next, 0, buf) : null;
      await run.guard(Promise.all([
        run.checkDesc(prev),
        run.expect(prev, 0, new Expect(buf.length, copyInto(buf), f?.progress)),
        f?.flushed.promise,
      ]));
    }
  }
  await run.allAcks();
}

/** Reduces every rank's buf into root's (other ranks' bufs are scratch afterwards). */
export async function reduce(run: Run, buf: Uint8Array, dtype: WireDType, op: RedCode, root: number): Promise<void> {
  const n = run.size, me = run.index;
  if (n === 1) return;
  if (buf.length <= SMALL_BYTES) {
    if (me === root) {
      const peers = others(run);
      const { parts, done } = receiveAll(run, peers, buf.length);
      parts[me] = buf;
      await run.guard(Promise.all([...peers.map((i) => run.checkDesc(i)), ...done]));
      buf.set(reduceInOrder(dtype, op, parts, n));
    } else {
      run.sendDesc(root);
      await run.send(root, 0, buf);
    }
  } else {
    // A chain root+1, root+2, ..., root: each rank reduces what arrives into its own buffer and forwards it.
    const pos = mod(me - root - 1, n);
    const prev = mod(me - 1, n), next = me === root ? -1 : mod(me + 1, n);
    if (next >= 0) run.sendDesc(next);
    if (pos === 0) await run.send(next, 0, buf);
    else {
      const f = next >= 0 ? new Forwarder(run, next, 0, buf) : null;
      await run.guard(Promise.all([
        run.checkDesc(prev),
        run.expect(prev, 0, new Expect(buf.length, reduceIntoRegion(dtype, op, buf), f?.progress)),
        f?.flushed.promise,
      ]));
      if (me === root && op === RED.AVG) divide(dtype, buf, buf.length / ELEMENT_SIZE[dtype], n);
    }
  }
  await run.allAcks();
}

/** out holds n pieces of `piece` bytes, this rank's own already in place; fills the others. */
export async function allGather(run: Run, out: Uint8Array, piece: number): Promise<void> {
  const n = run.size, me = run.index;
  if (n === 1) return;
  const slot = (i: number): Uint8Array => out.subarray(i * piece, (i + 1) * piece);
  if (piece <= SMALL_BYTES) {
    const peers = others(run);
    for (const i of peers) run.sendDesc(i);
    const sends = peers.map((i) => run.send(i, 0, slot(me)));
    const recvs = peers.map((i) => run.expect(i, 0, new Expect(piece, copyInto(slot(i)))));
    await run.guard(Promise.all([...peers.map((i) => run.checkDesc(i)), ...recvs, ...sends]));
    return;
  }
  const right = mod(me + 1, n), left = mod(me - 1, n);
  run.sendDesc(right);
  const waits: Promise<void>[] = [run.checkDesc(left)];
  const fwd: Forwarder[] = [];
  for (let t = 0; t < n - 1; t++) fwd.push(new Forwarder(run, right, t, slot(mod(me - t, n))));
  for (let t = 0; t < n - 1; t++) waits.push(run.expect(left, t, new Expect(piece, copyInto(slot(mod(me - t - 1, n))), fwd[t + 1]?.progress)));
  fwd[0].advance(piece);
  for (const f of fwd) waits.push(f.flushed.promise);
  await run.guard(Promise.all(waits));
}

/** input holds n pieces of `piece` bytes; piece me of the reduction is left in piece me of input. */
export async function reduceScatter(run: Run, input: Uint8Array, piece: number, dtype: WireDType, op: RedCode): Promise<void> {
  const n = run.size, me = run.index;
  const slot = (i: number): Uint8Array => input.subarray(i * piece, (i + 1) * piece);
  if (n === 1) return;
  if (piece <= SMALL_BYTES) {
    const peers = others(run);
    for (const i of peers) run.sendDesc(i);
    const sends = peers.map((i) => run.send(i, 0, slot(i)));
    const { parts, done } = receiveAll(run, peers, piece);
    parts[me] = slot(me);
    await run.guard(Promise.all([...peers.map((i) => run.checkDesc(i)), ...done, ...sends]));
    slot(me).set(reduceInOrder(dtype, op, parts, n));
    return;
  }
  const right = mod(me + 1, n), left = mod(me - 1, n);
  run.sendDesc(right);
  const waits: Promise<void>[] = [run.checkDesc(left)];
  const fwd: Forwarder[] = [];
  for (let s = 0; s < n - 1; s++) fwd.push(new Forwarder(run, right, s, slot(mod(me - s - 1, n))));
  for (let s = 0; s < n - 1; s++) {
    const region = slot(mod(me - s - 2, n));
    waits.push(run.expect(left, s, new Expect(piece, reduceIntoRegion(dtype, op, region), fwd[s + 1]?.progress)));
  }
  fwd[0].advance(piece);
  for (const f of fwd) waits.push(f.flushed.promise);
  await run.guard(Promise.all(waits));
  if (op === RED.AVG) divide(dtype, slot(me), piece / ELEMENT_SIZE[dtype], n);
}

/** root's out holds n pieces (its own in place); every other rank sends its buf. */
export async function gather(run: Run, buf: Uint8Array, root: number): Promise<void> {
  const me = run.index;
  if (run.size === 1) return;
  if (me === root) {
    const peers = others(run);
    const piece = buf.length / run.size;
    await run.guard(Promise.all([
      ...peers.map((i) => run.checkDesc(i)),
      ...peers.map((i) => run.expect(i, 0, new Expect(piece, copyInto(buf.subarray(i * piece, (i + 1) * piece))))),
    ]));
  } else {
    run.sendDesc(root);
    await run.send(root, 0, buf);
  }
  await run.allAcks();
}

/** root's buf holds n pieces; every other rank receives its piece into buf. */
export async function scatter(run: Run, buf: Uint8Array, root: number): Promise<void> {
  const me = run.index;
  if (run.size === 1) return;
  if (me === root) {
    const peers = others(run);
    const piece = buf.length / run.size;
    for (const i of peers) run.sendDesc(i);
    await run.guard(Promise.all(peers.map((i) => run.send(i, 0, buf.subarray(i * piece, (i + 1) * piece)))));
  } else await run.guard(Promise.all([run.checkDesc(root), run.expect(root, 0, new Expect(buf.length, copyInto(buf)))]));
  await run.allAcks();
}

export async function barrier(run: Run): Promise<void> {
  const peers = others(run);
  for (const i of peers) run.sendDesc(i);
  await run.guard(Promise.all(peers.map((i) => run.checkDesc(i))));
}
