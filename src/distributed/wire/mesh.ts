// The connections of one process group, set up through the store: each rank listens on a
// free port of the interface it reaches the store through, publishes host, port and a random
// token, and connects to every other rank, which checks the token in the handshake. Anything
// that does not hand over the token (a port scanner, random bytes) is dropped without
// disturbing the job.
//
// Every pair of ranks shares two TCP connections, one opened by each side, and each side
// reads only from the connection it opened (and writes only into the one it accepted). Node
// lets a socket read into memory of the caller's choosing (`onread`) only when the caller
// creates the socket, and that is what makes receiving cheap: a frame's payload that is to be
// copied lands straight in the collective's shared buffer (no intermediate copy, no buffer
// allocated per read), and one that is to be reduced lands in a reused, aligned scratch.
import { randomBytes } from "node:crypto";
import { writeSync } from "node:fs";
import net from "node:net";
import {
  HANDSHAKE_BYTES, HEADER_BYTES, KIND, MAX_CONTROL_PAYLOAD, MAX_FRAME_PAYLOAD, decodeHandshake, decodeHeader, encodeHandshake,
  encodeHeader, type Header,
} from "./frames.ts";
import { connectWithRetry, seconds } from "./sockets.ts";

/** Where a DATA frame's payload goes, piece by piece as it arrives. */
export interface PayloadSink {
  /** The next bytes of the payload; `piece` is only valid during the call. */
  write(piece: Uint8Array): void;
  /** Memory the next up to `max` bytes may be read into directly, or null. */
  direct?(max: number): Uint8Array | null;
  /** n bytes were read into the memory the last direct() returned. */
  commit?(n: number): void;
}

export interface FrameHandler {
  /** A DATA or P2P_DATA frame begins: the sink for its payload. */
  dataSink(from: number, h: Header): PayloadSink;
  /** A control frame, with its whole payload. */
  control(from: number, h: Header, payload: Uint8Array): void;
  /** The connection to a rank is gone (it crashed, or it left after BYE). */
  peerClosed(rank: number, reason: string, graceful: boolean): void;
}

/** The store operations the rendezvous needs, keys already scoped to this group. */
export interface RendezvousStore {
  set(key: string, value: string): Promise<void>;
  get(key: string, timeoutMs: number): Promise<Uint8Array>;
  check(keys: string[]): Promise<boolean>;
}

/** Reads of headers and control frames go here (and a reduction's payload, in pieces this big). */
const SCRATCH_BYTES = 1 << 20;
/** Payloads are read straight into their destination from this many bytes on. */
const DIRECT_MIN = 16 << 10;

/**
 * The reading end of a connection this rank opened: `onread` hands every read to whoever
 * reads the connection now (the handshake, then the Peer), into the memory that reader names.
 */
export class ReadRoute {
  readonly scratch = new Uint8Array(SCRATCH_BYTES);
  next: () => Uint8Array = () => this.scratch;
  take: (n: number, buf: Uint8Array) => void = () => {};
  readonly onread = {
    buffer: (): Uint8Array => this.next(),
    callback: (n: number, buf: Uint8Array): boolean => {
      this.take(n, buf);
      return true; // keep reading
    },
  };
}

export class Peer {
  alive = true;
  /** Set when the peer announced it is leaving (BYE) before its connection closed. */
  left = false;
  private readonly hdr = new Uint8Array(HEADER_BYTES);
  private hdrFill = 0;
  private cur: Header | null = null;
  private remaining = 0;
  private sink: PayloadSink | null = null;
  private control: Uint8Array[] = [];
  /** Whether the read in progress goes straight into the sink's memory. */
  private readingDirect = false;

  constructor(
    readonly rank: number,
    private readonly reader: net.Socket,
    route: ReadRoute,
    /** Bytes that arrived with the handshake's answer. */
    leftover: Uint8Array | null,
    private readonly writer: net.Socket,
    readonly address: string,
    private readonly handler: FrameHandler,
  ) {
    writer.setNoDelay(true);
    for (const s of [reader, writer]) {
      s.on("error", (e: NodeJS.ErrnoException) => this.close(`connection error ${e.code ?? e.message}`));
      s.on("close", () => this.close("connection closed"));
    }
    // Nothing but the handshake ever comes on the connection this rank accepted.
    writer.on("data", () => this.protocolError("bytes on its receiving connection"));
    writer.resume();
    route.next = () => this.nextBuffer(route.scratch);
    route.take = (n, buf) => this.arrived(n, buf);
    if (leftover?.length) this.receive(leftover);
  }

  describe(): string {
    return `rank ${this.rank} (${this.address})`;
  }

  /** Writes one frame; resolves once its bytes are handed to the kernel (the payload may be reused then). */
  send(kind: number, group: number, seq: number, tag: number, payload?: Uint8Array): Promise<void> {
    if (!this.alive) return Promise.reject(new Error(`${this.describe()} is gone`));
    const s = this.writer;
    const len = payload?.length ?? 0;
    if (len <= MAX_FRAME_PAYLOAD) {
      return new Promise((resolve, reject) => {
        const done = (e?: Error | null): void => (e ? reject(e) : resolve());
        s.cork();
        if (len === 0) s.write(encodeHeader(kind, group, seq, tag, 0), done);
        else {
          s.write(encodeHeader(kind, group, seq, tag, len));
          s.write(payload!, done);
        }
        s.uncork();
      });
    }
    const parts: Promise<void>[] = [];
    for (let o = 0; o < len; o += MAX_FRAME_PAYLOAD) parts.push(this.send(kind, group, seq, tag, payload!.subarray(o, o + MAX_FRAME_PAYLOAD)));
    return Promise.all(parts).then(() => {});
  }

  /**
   * Where the next read goes: inside a DATA payload, only payload bytes are read, straight
   * into the sink's memory when it offers some, else into the scratch (aligned at its start,
   * so a reduction needs no realignment); elsewhere, into the scratch.
   */
  private nextBuffer(scratch: Uint8Array): Uint8Array {
    this.readingDirect = false;
    if (this.sink && this.remaining > 0) {
      const d = this.remaining >= DIRECT_MIN ? this.sink.direct?.(this.remaining) ?? null : null;
      if (d !== null && d.length > 0) {
        this.readingDirect = true;
        return d;
      }
      return scratch.subarray(0, Math.min(this.remaining, scratch.length));
    }
    return scratch;
  }

  private arrived(n: number, buf: Uint8Array): void {
    if (!this.alive) return;
    if (this.readingDirect) {
      this.readingDirect = false;
      this.sink!.commit!(n);
      this.remaining -= n;
      if (this.remaining === 0) this.endFrame();
      return;
    }
    this.receive(buf.subarray(0, n));
  }

  private receive(d: Uint8Array): void {
    let i = 0;
    while (i < d.length && this.alive) {
      if (this.cur === null) {
        const take = Math.min(HEADER_BYTES - this.hdrFill, d.length - i);
        this.hdr.set(d.subarray(i, i + take), this.hdrFill);
        this.hdrFill += take;
        i += take;
        if (this.hdrFill < HEADER_BYTES) return;
        this.hdrFill = 0;
        const h = decodeHeader(this.hdr);
        if (h === null) return this.protocolError("a frame header with a bad magic number or kind");
        const isData = h.kind === KIND.DATA || h.kind === KIND.P2P_DATA;
        if (!isData && h.length > MAX_CONTROL_PAYLOAD) return this.protocolError(`a control frame of ${h.length} bytes`);
        this.cur = h;
        this.remaining = h.length;
        this.sink = isData ? this.handler.dataSink(this.rank, h) : null;
        this.control = [];
      }
      const take = Math.min(this.remaining, d.length - i);
      if (take > 0) {
        const piece = d.subarray(i, i + take);
        if (this.sink) this.sink.write(piece);
        else this.control.push(piece.slice());
        i += take;
        this.remaining -= take;
      }
      if (this.remaining === 0) this.endFrame();
    }
  }

  private endFrame(): void {
    const h = this.cur!;
    this.cur = null;
    this.sink = null;
    if (h.kind === KIND.BYE) this.left = true;
    else if (h.kind !== KIND.DATA && h.kind !== KIND.P2P_DATA) this.handler.control(this.rank, h, concat(this.control));
  }

  private protocolError(what: string): void {
    this.close(`protocol error: ${this.describe()} sent ${what}`);
  }

  close(reason: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.reader.destroy();
    this.writer.destroy();
    this.handler.peerClosed(this.rank, reason, this.left);
  }

  /** Ends this rank's side: no more writes; the peer's own close ends the reading side. */
  end(): void {
    this.left = true;
    this.writer.end();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Reads exactly n bytes from a socket that no one else reads yet, or fails after timeoutMs. */
function readExactly(s: net.Socket, n: number, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const finish = (e: Error | null, v?: Uint8Array): void => {
      clearTimeout(timer);
      // Back to paused mode: a flowing socket with no 'data' listener would drop what the
      // peer sends before its Peer takes over.
      s.pause();
      s.off("data", onData);
      s.off("close", onClose);
      s.off("error", onClose);
      if (e) reject(e);
      else resolve(v!);
    };
    const onData = (d: Buffer): void => {
      parts.push(d);
      got += d.length;
      if (got < n) return;
      const all = Buffer.concat(parts);
      finish(null, all.subarray(0, n));
      // after finish (paused, listener off), so unshift does not re-emit into onData
      if (all.length > n) s.unshift(all.subarray(n));
    };
    const onClose = (): void => finish(new Error("connection closed during the handshake"));
    const timer = setTimeout(() => finish(new Error(`no handshake within ${seconds(timeoutMs)}`)), timeoutMs);
    s.on("data", onData);
    s.once("close", onClose);
    s.once("error", onClose);
  });
}

/**
 * The handshake's answer on a connection this rank opened: its 32 bytes, and copies of what
 * came after it before the Peer takes over (the other rank may already be sending frames).
 */
function readHandshake(s: net.Socket, route: ReadRoute, timeoutMs: number): Promise<{ reply: Uint8Array; leftover: () => Uint8Array }> {
  return new Promise((resolve, reject) => {
    const got: Uint8Array[] = [];
    let n = 0;
    let answered = false;
    const all = (): Uint8Array => concat(got.length ? got : [new Uint8Array(0)]);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error(`no handshake answer within ${seconds(timeoutMs)}`)), timeoutMs);
    s.once("error", fail);
    s.once("close", () => fail(new Error("connection closed during the handshake")));
    route.take = (k, buf) => {
      got.push(buf.slice(0, k));
      n += k;
      if (answered || n < HANDSHAKE_BYTES) return;
      answered = true;
      clearTimeout(timer);
      s.removeListener("error", fail);
      s.removeAllListeners("close");
      const bytes = all();
      // later reads keep collecting into `got` until the Peer installs its own route
      got.length = 0;
      got.push(bytes.slice(HANDSHAKE_BYTES));
      resolve({ reply: bytes.subarray(0, HANDSHAKE_BYTES), leftover: all });
    };
  });
}

/** Handshakes from strangers get this long; a real peer answers within milliseconds. */
const STRANGER_TIMEOUT_MS = 10_000;

export class Mesh {
  readonly peers: (Peer | null)[];
  private warned = new Set<string>();

  private constructor(readonly rank: number, readonly size: number, private readonly server: net.Server | null) {
    this.peers = new Array(size).fill(null);
  }

  private warn(msg: string): void {
    if (this.warned.has(msg)) return;
    this.warned.add(msg);
    // Straight to fd 2: a worker thread's console goes through the main thread, which may be
    // blocked in a collective (or exit before it flushes).
    try {
      writeSync(2, `[W torch.distributed rank ${this.rank}] ${msg}\n`);
    } catch {
      /* no stderr */
    }
  }

  /**
   * Connects rank `rank` of `size` to every other rank. `host` is the address published for
   * this rank (the interface that reaches the store). Fails after timeoutMs naming the ranks
   * that never showed up.
   */
  static async create(rank: number, size: number, host: string, store: RendezvousStore, timeoutMs: number, handler: FrameHandler): Promise<Mesh> {
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(1, deadline - Date.now());
    const token = randomBytes(16);
    const others = Array.from({ length: size }, (_, r) => r).filter((r) => r !== rank);
    const expected = new Set(others);
    let acceptedAll: () => void = () => {};
    const allAccepted = new Promise<void>((r) => (acceptedAll = r));
    const writers = new Map<number, net.Socket>();
    const readers = new Map<number, { socket: net.Socket; route: ReadRoute; leftover: () => Uint8Array; address: string }>();

    let server: net.Server | null = null;
    if (size > 1) {
      server = net.createServer({ noDelay: true });
      await new Promise<void>((resolve, reject) => {
        server!.once("error", reject);
        server!.listen({ host, port: 0 }, () => resolve());
      });
      server.on("error", () => {});
    }
    const mesh = new Mesh(rank, size, server);
    server?.on("connection", (s: net.Socket) => {
      const from = `${s.remoteAddress}:${s.remotePort}`;
      readExactly(s, HANDSHAKE_BYTES, STRANGER_TIMEOUT_MS).then((b) => {
        const hs = decodeHandshake(b);
        let why: string | null = typeof hs === "string" ? hs : null;
        if (typeof hs !== "string") {
          if (hs.size !== size) why = `it belongs to a group of ${hs.size} ranks, this one has ${size}`;
          else if (!equal(hs.token, token)) why = "wrong token (not this job's peer)";
          else if (!expected.has(hs.rank)) why = `unexpected rank ${hs.rank}`;
        }
        if (why !== null || typeof hs === "string") {
          mesh.warn(`rejected a connection from ${from}: ${why}`);
          s.destroy();
          return;
        }
        expected.delete(hs.rank);
        s.write(encodeHandshake(rank, size, token));
        writers.set(hs.rank, s);
        if (expected.size === 0) acceptedAll();
      }, (e: Error) => {
        mesh.warn(`rejected a connection from ${from}: ${e.message}`);
        s.destroy();
      });
    });
    if (expected.size === 0) acceptedAll();

    const key = (r: number): string => `torchts/peer/${r}`;
    await store.set(key(rank), JSON.stringify({ host, port: server ? (server.address() as net.AddressInfo).port : 0, token: token.toString("hex") }));
    try {
      // Open the connection this rank reads from, to every other rank (in parallel).
      await Promise.all(others.map(async (r) => {
        let rec: { host: string; port: number; token: string };
        try {
          rec = JSON.parse(new TextDecoder().decode(await store.get(key(r), left())));
        } catch {
          throw new Error(`rank ${r} did not join the process group within ${seconds(timeoutMs)} (its address never appeared in the store)`);
        }
        const route = new ReadRoute();
        const s = await connectWithRetry(rec.host, rec.port, left(), { onread: route.onread } as net.NetConnectOpts);
        const theirToken = Buffer.from(rec.token, "hex");
        s.write(encodeHandshake(rank, size, theirToken));
        const { reply, leftover } = await readHandshake(s, route, left());
        const hs = decodeHandshake(reply);
        if (typeof hs === "string" || hs.rank !== r || !equal(hs.token, theirToken)) {
          s.destroy();
          throw new Error(`rank ${r} at ${rec.host}:${rec.port} answered the handshake wrongly (${typeof hs === "string" ? hs : `rank ${hs.rank}`})`);
        }
        readers.set(r, { socket: s, route, leftover, address: `${rec.host}:${rec.port}` });
      }));
      // Wait for every other rank to open its connection here.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), left())));
      const outcome = await Promise.race([allAccepted.then(() => "ok" as const), timedOut]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        const missing = [...expected].sort((a, b) => a - b);
        const silent: number[] = [];
        for (const r of missing) if (!(await store.check([key(r)]).catch(() => false))) silent.push(r);
        const what = silent.length === missing.length
          ? `rank${missing.length > 1 ? "s" : ""} ${missing.join(", ")} did not join the process group within ${seconds(timeoutMs)} (no address in the store)`
          : `rank${missing.length > 1 ? "s" : ""} ${missing.join(", ")} did not connect to rank ${rank} within ${seconds(timeoutMs)}`;
        throw new Error(what);
      }
    } catch (e) {
      for (const c of readers.values()) c.socket.destroy();
      for (const s of writers.values()) s.destroy();
      server?.close();
      throw e;
    }
    for (const r of others) {
      const rd = readers.get(r)!;
      mesh.peers[r] = new Peer(r, rd.socket, rd.route, rd.leftover(), writers.get(r)!, rd.address, handler);
    }
    // No more peers will come: stop listening (strangers get refused by the kernel from now on).
    server?.close();
    return mesh;
  }

  peer(rank: number): Peer {
    return this.peers[rank]!;
  }

  /** Says goodbye to every peer (so they know this was not a crash) and closes the connections. */
  async close(): Promise<void> {
    const live = this.peers.filter((p): p is Peer => p !== null && p.alive);
    await Promise.all(live.map((p) => p.send(KIND.BYE, 0, 0, 0).catch(() => {})));
    for (const p of live) p.end();
    this.server?.close();
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
