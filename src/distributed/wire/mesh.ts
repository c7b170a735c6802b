// The connections of one process group: every pair of ranks shares one TCP connection (a
// full mesh, as gloo builds), set up through the store: each rank listens on a free port of
// the interface it reaches the store through, publishes host, port and a random token, and
// connects to every lower rank, which checks the token in the handshake. Anything that does
// not hand over the token (a port scanner, random bytes) is dropped without disturbing the job.
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
  write(piece: Uint8Array): void;
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

  constructor(readonly rank: number, readonly socket: net.Socket, readonly address: string, private readonly handler: FrameHandler) {
    socket.setNoDelay(true);
    socket.on("data", (d: Buffer) => this.receive(d));
    socket.on("error", (e: NodeJS.ErrnoException) => this.close(`connection error ${e.code ?? e.message}`));
    socket.on("close", () => this.close("connection closed"));
    socket.resume();
  }

  describe(): string {
    return `rank ${this.rank} (${this.address})`;
  }

  /** Writes one frame; resolves once its bytes are handed to the kernel (the payload may be reused then). */
  send(kind: number, group: number, seq: number, tag: number, payload?: Uint8Array): Promise<void> {
    if (!this.alive) return Promise.reject(new Error(`${this.describe()} is gone`));
    const s = this.socket;
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
      if (this.remaining === 0) {
        const h = this.cur!;
        this.cur = null;
        this.sink = null;
        if (h.kind === KIND.BYE) this.left = true;
        else if (h.kind !== KIND.DATA && h.kind !== KIND.P2P_DATA) this.handler.control(this.rank, h, concat(this.control));
      }
    }
  }

  private protocolError(what: string): void {
    this.close(`protocol error: ${this.describe()} sent ${what}`);
    this.socket.destroy();
  }

  close(reason: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.socket.destroy();
    this.handler.peerClosed(this.rank, reason, this.left);
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

/** Handshakes from strangers get this long; a real peer answers within milliseconds. */
const STRANGER_TIMEOUT_MS = 10_000;

export class Mesh {
  readonly peers: (Peer | null)[];
  private handler: FrameHandler | null = null;
  private warned = new Set<string>();

  private constructor(readonly rank: number, readonly size: number, private readonly server: net.Server | null) {
    this.peers = new Array(size).fill(null);
  }

  /** Frames are delivered to the handler once it is set (the rendezvous exchanges none). */
  setHandler(h: FrameHandler): void {
    this.handler = h;
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
    const token = randomBytes(16);
    const expected = new Set<number>();
    for (let r = rank + 1; r < size; r++) expected.add(r);
    let server: net.Server | null = null;
    let acceptedAll: () => void = () => {};
    const allAccepted = new Promise<void>((r) => (acceptedAll = r));
    const accepted = new Map<number, net.Socket>();

    if (size > 1 && rank < size - 1) {
      server = net.createServer({ noDelay: true });
      await new Promise<void>((resolve, reject) => {
        server!.once("error", reject);
        server!.listen({ host, port: 0 }, () => resolve());
      });
      server.on("error", () => {});
    }
    const mesh = new Mesh(rank, size, server);
    mesh.handler = handler;
    if (server) {
      server.on("connection", (s: net.Socket) => {
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
          accepted.set(hs.rank, s);
          if (expected.size === 0) acceptedAll();
        }, (e: Error) => {
          mesh.warn(`rejected a connection from ${from}: ${e.message}`);
          s.destroy();
        });
      });
    }
    if (expected.size === 0) acceptedAll();

    const key = (r: number): string => `torchts/peer/${r}`;
    await store.set(key(rank), JSON.stringify({ host, port: server ? (server.address() as net.AddressInfo).port : 0, token: token.toString("hex") }));
    const connected = new Map<number, { socket: net.Socket; address: string }>();
    try {
      // Connect to every lower rank (in parallel).
      await Promise.all(Array.from({ length: rank }, async (_, r) => {
        let rec: { host: string; port: number; token: string };
        try {
          rec = JSON.parse(new TextDecoder().decode(await store.get(key(r), Math.max(1, deadline - Date.now()))));
        } catch {
          throw new Error(`rank ${r} did not join the process group within ${seconds(timeoutMs)} (its address never appeared in the store)`);
        }
        const s = await connectWithRetry(rec.host, rec.port, Math.max(1, deadline - Date.now()));
        s.write(encodeHandshake(rank, size, Buffer.from(rec.token, "hex")));
        const hs = decodeHandshake(await readExactly(s, HANDSHAKE_BYTES, Math.max(1, deadline - Date.now())));
        if (typeof hs === "string" || hs.rank !== r || hs.token.toString() !== Buffer.from(rec.token, "hex").toString()) {
          s.destroy();
          throw new Error(`rank ${r} at ${rec.host}:${rec.port} answered the handshake wrongly (${typeof hs === "string" ? hs : `rank ${hs.rank}`})`);
        }
        connected.set(r, { socket: s, address: `${rec.host}:${rec.port}` });
      }));
      // Wait for every higher rank to connect.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), Math.max(0, deadline - Date.now()))));
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
      for (const c of connected.values()) c.socket.destroy();
      for (const s of accepted.values()) s.destroy();
      server?.close();
      throw e;
    }
    for (const [r, c] of connected) mesh.peers[r] = new Peer(r, c.socket, c.address, mesh.dispatch);
    for (const [r, s] of accepted) mesh.peers[r] = new Peer(r, s, `${s.remoteAddress}:${s.remotePort}`, mesh.dispatch);
    // No more peers will come: stop listening (strangers get refused by the kernel from now on).
    server?.close();
    return mesh;
  }

  /** Forwards to the current handler (peers are created before the handler may change). */
  private readonly dispatch: FrameHandler = {
    dataSink: (from, h) => this.handler!.dataSink(from, h),
    control: (from, h, p) => this.handler!.control(from, h, p),
    peerClosed: (r, why, graceful) => this.handler!.peerClosed(r, why, graceful),
  };

  peer(rank: number): Peer {
    return this.peers[rank]!;
  }

  /** Says goodbye to every peer (so they know this was not a crash) and closes the connections. */
  async close(): Promise<void> {
    const live = this.peers.filter((p): p is Peer => p !== null && p.alive);
    await Promise.all(live.map((p) => p.send(KIND.BYE, 0, 0, 0).catch(() => {})));
    for (const p of live) {
      p.left = true;
      p.socket.end();
    }
    this.server?.close();
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
