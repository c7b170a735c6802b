// Runs collectives and point-to-point messages over a Mesh, on the communication thread.
// Each group runs its collectives one after another in the order they were issued (the
// same order on every rank, as PyTorch requires); frames name (group, seq), so a faster
// peer's frames for a later collective wait in the Inbox. Failures never hang and never
// pass silently:
//   - ranks check each other's description of a collective (op, dtype, shape, reduce op,
//     root) before data moves; a mismatch fails that collective on every rank (the rank
//     that sees it tells every other with ABORT) and the group stays usable;
//   - a lost connection fails whatever needs that rank, naming it; a timeout names the
//     ranks waited for. Both leave the group unusable (its ranks no longer agree on where
//     they are), so later collectives fail at once instead of waiting again.
import { KIND, type Header, type OpDesc, describe, mismatch } from "./frames.ts";
import { Deferred, Expect, Inbox, copyInto, deferred } from "./inbox.ts";
import type { FrameHandler, Mesh, PayloadSink } from "./mesh.ts";
import { seconds } from "./sockets.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

export class CollectiveError extends Error {}

export interface GroupInfo {
  id: number;
  /** Global ranks of the members, in group-rank order. */
  ranks: number[];
  timeoutMs: number;
}

class Group {
  /** Collectives issued (the next one gets this seq). */
  issued = 0;
  /** Collectives finished: frames for a lower seq are stale. */
  finished = 0;
  /** Why the group cannot be used any more. */
  broken: string | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  active: Run | null = null;
  readonly index: number;

  constructor(readonly info: GroupInfo, myRank: number) {
    this.index = info.ranks.indexOf(myRank);
  }

  /** Queues fn after the group's previous collective. */
  enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn);
    this.tail = p.catch(() => {});
    return p;
  }
}

/** One running collective: its messages, its deadline, and the way it fails. */
export class Run {
  private readonly failure = deferred<never>();
  failed: Error | null = null;
  /** What the collective is waiting for, for timeout messages: "what from group index" -> how many waits. */
  private readonly waitingFor = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly engine: Engine,
    readonly group: Group,
    readonly seq: number,
    readonly desc: OpDesc,
  ) {}

  get index(): number {
    return this.group.index;
  }
  get size(): number {
    return this.group.info.ranks.length;
  }
  rankOf(i: number): number {
    return this.group.info.ranks[i];
  }
  private key(i: number, suffix: string | number): string {
    return `${this.group.info.id}:${this.seq}:${this.rankOf(i)}:${suffix}`;
  }
  where(): string {
    return `${this.desc.op} (group ${this.group.info.id}, collective #${this.seq})`;
  }

  start(): void {
    const ms = this.group.info.timeoutMs;
    if (ms > 0) this.timer = setTimeout(() => this.timeout(), ms);
    for (const r of this.group.info.ranks) {
      const why = this.engine.lost.get(r);
      if (why !== undefined && r !== this.engine.rank) this.fail(new CollectiveError(`[Rank ${this.engine.rank}] ${this.where()} cannot run: ${why}`), false);
    }
  }

  finish(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private timeout(): void {
    const waits = [...this.waitingFor.keys()].map((k) => {
      const [what, i] = k.split("\0");
      return `${what} from ${this.engine.describeRank(this.rankOf(Number(i)))}`;
    });
    const detail = waits.length ? ` waiting for ${waits.join(", ")}` : "";
    const msg = `[Rank ${this.engine.rank}] ${this.where()} timed out after ${seconds(this.group.info.timeoutMs)}${detail}`;
    this.group.broken = msg;
    this.fail(new CollectiveError(msg), true);
  }

  /** Whether the collective is now waiting for something from member i. */
  waitsOn(i: number): boolean {
    for (const k of this.waitingFor.keys()) if (k.endsWith(`\0${i}`)) return true;
    return false;
  }

  /** Fails the collective here; with `tell`, every other member learns it through ABORT. */
  fail(e: Error, tell: boolean): void {
    if (this.failed) return;
    this.failed = e;
    this.failure.reject(e);
    if (tell) {
      const payload = enc.encode(e.message);
      for (const r of this.group.info.ranks) {
        if (r === this.engine.rank) continue;
        const p = this.engine.mesh.peers[r];
        if (p?.alive) p.send(KIND.ABORT, this.group.info.id, this.seq, 0, payload).catch(() => {});
      }
    }
  }

  /** Resolves with p, or rejects as soon as the collective fails. */
  guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.failure.promise]);
  }

  /**
   * Waits for something from member i. A peer's bytes are all delivered before its connection
   * is reported closed, so if i is gone and `ready()` is false, it will never come.
   */
  private async waitOn<T>(i: number, what: string, p: Promise<T>, ready: () => boolean): Promise<T> {
    const gone = this.engine.lost.get(this.rankOf(i));
    if (gone !== undefined && !ready()) this.fail(new CollectiveError(`[Rank ${this.engine.rank}] ${this.where()} failed: ${this.group.broken ?? gone}`), true);
    const k = `${what}\0${i}`;
    this.waitingFor.set(k, (this.waitingFor.get(k) ?? 0) + 1);
    try {
      return await this.guard(p);
    } finally {
      const left = this.waitingFor.get(k)! - 1;
      if (left) this.waitingFor.set(k, left);
      else this.waitingFor.delete(k);
    }
  }

  sendDesc(i: number): void {
    this.post(i, KIND.DESC, 0, enc.encode(JSON.stringify(this.desc)));
  }

  /** Waits for member i's description and compares it with this rank's. */
  async checkDesc(i: number): Promise<void> {
    const key = this.key(i, "d");
    const inbox = this.engine.inbox;
    const ready = inbox.hasControl(key);
    const theirs = JSON.parse(dec.decode(await this.waitOn(i, "the start of the collective", inbox.control(key), () => ready))) as OpDesc;
    const why = mismatch(this.desc, this.engine.rank, theirs, this.rankOf(i));
    if (why !== null) {
      this.fail(new CollectiveError(`[Rank ${this.engine.rank}] ${this.where()}: the ranks disagree: ${why}`), true);
      await this.failure.promise;
    }
  }

  /** Sends bytes as (part of) message `tag` to member i; resolves when they are handed to the kernel. */
  send(i: number, tag: number, bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return Promise.resolve();
    return this.guard(this.post(i, KIND.DATA, tag, bytes));
  }

  /** The error of a send that failed: the connection to member i is gone. */
  private sendFailed(i: number, e: Error): CollectiveError {
    const r = this.rankOf(i);
    const why = this.engine.lost.get(r) ?? `the connection to ${this.engine.describeRank(r)} was lost (${e.message}): that process may have died`;
    return new CollectiveError(`[Rank ${this.engine.rank}] ${this.where()} failed: ${why}`);
  }

  private post(i: number, kind: number, tag: number, bytes?: Uint8Array): Promise<void> {
    const peer = this.engine.mesh.peers[this.rankOf(i)];
    if (!peer?.alive) {
      // the same form as every other collective error: which rank, which collective, what happened
      const e = new CollectiveError(`[Rank ${this.engine.rank}] ${this.where()} failed: ${this.engine.lost.get(this.rankOf(i)) ?? `no connection to rank ${this.rankOf(i)}`}`);
      this.fail(e, false);
      return Promise.reject(e);
    }
    return peer.send(kind, this.group.info.id, this.seq, tag, bytes).catch((e: Error) => {
      const err = this.sendFailed(i, e);
      this.fail(err, false);
      throw err;
    });
  }

  /** Registers the Expect for message `tag` from member i. */
  expect(i: number, tag: number, e: Expect): Promise<void> {
    this.engine.inbox.expect(this.key(i, tag), e);
    return this.waitOn(i, "data", e.done.promise, () => e.received === e.total);
  }

  sendAck(i: number): void {
    this.post(i, KIND.ACK, 0);
  }
  awaitAck(i: number): Promise<Uint8Array> {
    const key = this.key(i, "a");
    const ready = this.engine.inbox.hasControl(key);
    return this.waitOn(i, "the end of the collective", this.engine.inbox.control(key), () => ready);
  }

  /** Every member tells every other that its part succeeded (rooted collectives end with this). */
  async allAcks(): Promise<void> {
    const others: number[] = [];
    for (let i = 0; i < this.size; i++) if (i !== this.index) others.push(i);
    for (const i of others) this.sendAck(i);
    await Promise.all(others.map((i) => this.awaitAck(i)));
  }
}

interface P2PDesc {
  tag: number;
  dtype: string;
  shape: number[];
  seq: number;
}

interface PostedRecv {
  group: number;
  /** Global rank, or -1 for any source. */
  src: number;
  tag: number;
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
  done: Deferred<number>;
}

export class Engine implements FrameHandler {
  readonly inbox = new Inbox();
  readonly groups = new Map<number, Group>();
  /** Ranks that are gone, with why. */
  readonly lost = new Map<number, string>();
  /** Incoming sends nobody has posted a recv for yet, in arrival order. */
  private unexpected: Array<{ from: number; group: number; desc: P2PDesc }> = [];
  private posted: PostedRecv[] = [];
  /** Messages sent to each rank (numbers P2P messages per destination). */
  private p2pSent = new Map<number, number>();
  /** P2P data frames to throw away (a recv refused the message): key from:seq. */
  private discard = new Set<string>();

  /**
   * The engine exists before its mesh: frames may arrive while the mesh is still being set up
   * (a faster rank already sending); they wait in the inbox.
   */
  private meshRef: Mesh | null = null;
  constructor(readonly rank: number) {}

  get mesh(): Mesh {
    if (!this.meshRef) throw new CollectiveError("the process group's connections are not set up yet");
    return this.meshRef;
  }
  set mesh(m: Mesh) {
    this.meshRef = m;
  }

  describeRank(r: number): string {
    return this.meshRef?.peers[r]?.describe() ?? `rank ${r}`;
  }

  addGroup(info: GroupInfo): void {
    this.groups.set(info.id, new Group(info, this.rank));
  }

  /** Runs body as the next collective of the group. */
  collective(groupId: number, desc: OpDesc, body: (run: Run) => Promise<void>): Promise<void> {
    const g = this.groups.get(groupId);
    if (!g) return Promise.reject(new CollectiveError(`unknown process group ${groupId}`));
    const seq = g.issued++;
    return g.enqueue(async () => {
      const run = new Run(this, g, seq, desc);
      g.active = run;
      try {
        if (g.broken) throw new CollectiveError(`[Rank ${this.rank}] ${run.where()} cannot run: the process group is unusable after an earlier error: ${g.broken}`);
        const early = this.earlyAborts.get(`${groupId}:${seq}`);
        if (early) throw new CollectiveError(early);
        run.start();
        await run.guard(body(run));
      } finally {
        run.finish();
        g.active = null;
        g.finished = seq + 1;
        this.earlyAborts.delete(`${groupId}:${seq}`);
        this.inbox.drop(`${groupId}:${seq}:`);
      }
    });
  }

  private earlyAborts = new Map<string, string>();

  // ---- frames from peers --------------------------------------------------------------------
  dataSink(from: number, h: Header): PayloadSink {
    if (h.kind === KIND.P2P_DATA) {
      const key = `p:${from}:${h.seq}:`;
      if (this.discard.has(key)) return { write: () => {} };
      return this.inbox.sink(key);
    }
    const g = this.groups.get(h.group);
    if (g && h.seq < g.finished) return { write: () => {} }; // a failed collective's leftovers
    return this.inbox.sink(`${h.group}:${h.seq}:${from}:${h.tag}`);
  }

  control(from: number, h: Header, payload: Uint8Array): void {
    if (h.kind === KIND.P2P) return this.arrivedP2P(from, h.group, JSON.parse(dec.decode(payload)) as P2PDesc);
    const g = this.groups.get(h.group);
    if (g && h.seq < g.finished) return;
    if (h.kind === KIND.ABORT) {
      const msg = dec.decode(payload);
      const full = msg.startsWith("[Rank") ? msg : `rank ${from}: ${msg}`;
      if (g?.active && g.active.seq === h.seq) g.active.fail(new CollectiveError(full), false);
      else this.earlyAborts.set(`${h.group}:${h.seq}`, full);
      return;
    }
    const suffix = h.kind === KIND.DESC ? "d" : "a";
    this.inbox.deliverControl(`${h.group}:${h.seq}:${from}:${suffix}`, payload);
  }

  peerClosed(rank: number, reason: string, graceful: boolean): void {
    const peer = this.meshRef?.peers[rank];
    const why = graceful
      ? `rank ${rank} has left the process group (destroyProcessGroup)`
      : `the connection to ${peer?.describe() ?? `rank ${rank}`} was lost (${reason}): that process may have died`;
    this.lost.set(rank, why);
    for (const g of this.groups.values()) {
      const i = g.info.ranks.indexOf(rank);
      if (i < 0) continue;
      if (!graceful) g.broken ??= why;
      // A collective that already has everything it needed from that rank may still finish
      // (a barrier the rank left right after); one still waiting for it fails now, and so
      // does any later wait for it (Run.waitOn) or send to it. The error names the first rank
      // the group lost (the root cause, when one loss leads to others) and goes to the other
      // members too, which may be waiting for this rank.
      if (g.active?.waitsOn(i)) g.active.fail(new CollectiveError(`[Rank ${this.rank}] ${g.active.where()} failed: ${g.broken ?? why}`), true);
    }
    for (const r of this.posted.filter((p) => p.src === rank)) {
      this.posted.splice(this.posted.indexOf(r), 1);
      r.done.reject(new CollectiveError(`[Rank ${this.rank}] recv from rank ${rank} failed: ${why}`));
    }
  }

  // ---- point to point ---------------------------------------------------------------------
  /** Sends bytes to global rank dst; resolves when handed to the kernel (PyTorch's send does not wait for the receiver). */
  async send(group: number, dst: number, tag: number, dtype: string, shape: number[], bytes: Uint8Array): Promise<void> {
    const peer = this.mesh.peers[dst];
    if (!peer?.alive) throw new CollectiveError(`[Rank ${this.rank}] send to rank ${dst} failed: ${this.lost.get(dst) ?? "no connection"}`);
    const seq = this.p2pSent.get(dst) ?? 0;
    this.p2pSent.set(dst, seq + 1);
    const desc: P2PDesc = { tag, dtype, shape, seq };
    const head = peer.send(KIND.P2P, group, 0, 0, enc.encode(JSON.stringify(desc)));
    const body = bytes.length ? peer.send(KIND.P2P_DATA, group, seq, 0, bytes) : Promise.resolve();
    try {
      await Promise.all([head, body]);
    } catch {
      throw new CollectiveError(`[Rank ${this.rank}] send to rank ${dst} failed: ${this.lost.get(dst) ?? "connection lost"}`);
    }
  }

  /** Receives into bytes from global rank src (-1: any); resolves with the sender's rank. */
  recv(group: number, src: number, tag: number, dtype: string, shape: number[], bytes: Uint8Array, timeoutMs: number): Promise<number> {
    if (src >= 0 && this.lost.has(src)) {
      return Promise.reject(new CollectiveError(`[Rank ${this.rank}] recv from rank ${src} failed: ${this.lost.get(src)}`));
    }
    const r: PostedRecv = { group, src, tag, dtype, shape, bytes, done: deferred<number>() };
    const i = this.unexpected.findIndex((u) => u.group === group && (src < 0 || u.from === src) && u.desc.tag === tag);
    if (i >= 0) {
      const u = this.unexpected.splice(i, 1)[0];
      this.bind(r, u.from, u.desc);
    } else this.posted.push(r);
    if (timeoutMs > 0) {
      const timer = setTimeout(() => {
        const k = this.posted.indexOf(r);
        if (k < 0) return;
        this.posted.splice(k, 1);
        const from = src < 0 ? "any rank" : this.describeRank(src);
        r.done.reject(new CollectiveError(`[Rank ${this.rank}] recv (tag ${tag}) timed out after ${seconds(timeoutMs)} waiting for ${from}`));
      }, timeoutMs);
      r.done.promise.then(() => clearTimeout(timer), () => clearTimeout(timer));
    }
    return r.done.promise;
  }

  private arrivedP2P(from: number, group: number, desc: P2PDesc): void {
    const i = this.posted.findIndex((p) => p.group === group && (p.src < 0 || p.src === from) && p.tag === desc.tag);
    if (i < 0) {
      this.unexpected.push({ from, group, desc });
      return;
    }
    const r = this.posted.splice(i, 1)[0];
    this.bind(r, from, desc);
  }

  private bind(r: PostedRecv, from: number, desc: P2PDesc): void {
    const same = desc.dtype === r.dtype && desc.shape.length === r.shape.length && desc.shape.every((s, k) => s === r.shape[k]);
    const key = `p:${from}:${desc.seq}:`;
    if (!same) {
      this.discard.add(key);
      this.inbox.drop(key);
      r.done.reject(new CollectiveError(
        `[Rank ${this.rank}] recv: rank ${from} sent ${describe({ dtype: desc.dtype, shape: desc.shape } as OpDesc)} (tag ${desc.tag}), this rank expects ${describe({ dtype: r.dtype, shape: r.shape } as OpDesc)}`,
      ));
      return;
    }
    const e = new Expect(r.bytes.length, copyInto(r.bytes));
    this.inbox.expect(key, e);
    e.done.promise.then(() => r.done.resolve(from), (err: Error) => r.done.reject(new CollectiveError(`[Rank ${this.rank}] recv from rank ${from}: ${err.message}`)));
  }
}
