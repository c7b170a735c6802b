// The TCPStore server (c10d's TCPStoreMasterDaemon) on Node sockets. It answers PyTorch 1.13
// clients and ours byte for byte (storeProtocol.ts). As PyTorch's daemon, a connection whose
// query fails (unknown query type, a GET of a missing key, ADD on a value that is not a
// number) is closed and the server keeps serving the others. Unlike PyTorch's daemon, which
// reads a query's arguments with blocking reads, a client that stops mid-query blocks nobody.
import net from "node:net";
import { ByteQueue, INCOMPLETE, ProtocolError, Reader, Writer } from "./byteQueue.ts";
import {
  CHECK_RESPONSE, MAX_FIELD_BYTES, QUERY, WAIT_RESPONSE, WATCH_RESPONSE, keyBytes, keyString, parseStoll,
} from "./storeProtocol.ts";
import { isLoopback, listenError } from "./sockets.ts";

interface Conn {
  socket: net.Socket;
  queue: ByteQueue;
  /** Keys this connection's pending WAIT still needs (c10d's keysAwaited_). */
  awaited: number;
}

export class StoreServer {
  private readonly data = new Map<string, Uint8Array>();
  private readonly waiting = new Map<string, Conn[]>();
  private readonly watchers = new Map<string, Conn[]>();
  private readonly conns = new Set<Conn>();

  private constructor(private readonly server: net.Server, readonly port: number) {
    server.on("connection", (s) => this.accept(s));
  }

  /**
   * Listens on `port` (0: any free port). PyTorch's daemon binds every interface; here a
   * loopback `host` binds loopback only (a store for one machine is not exposed on the
   * network), and any other host binds every interface as PyTorch does.
   */
  static listen(host: string, port: number): Promise<StoreServer> {
    const bindHost = isLoopback(host) ? (host === "::1" ? "::1" : "127.0.0.1") : undefined;
    return new Promise((resolve, reject) => {
      const server = net.createServer({ noDelay: true });
      server.once("error", (e: NodeJS.ErrnoException) => reject(listenError(bindHost ?? "0.0.0.0", port, e)));
      server.listen({ host: bindHost, port, exclusive: true }, () => {
        server.removeAllListeners("error");
        server.on("error", () => {});
        resolve(new StoreServer(server, (server.address() as net.AddressInfo).port));
      });
    });
  }

  close(): Promise<void> {
    for (const c of this.conns) c.socket.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const conn: Conn = { socket, queue: new ByteQueue(), awaited: 0 };
    this.conns.add(conn);
    socket.on("data", (d) => {
      conn.queue.push(d);
      this.serve(conn);
    });
    socket.on("error", () => {});
    socket.on("close", () => this.drop(conn));
  }

  /** Runs every complete query in the connection's buffer; closes it on a protocol error. */
  private serve(conn: Conn): void {
    while (conn.queue.length > 0 && !conn.socket.destroyed) {
      const r = new Reader(conn.queue, MAX_FIELD_BYTES);
      try {
        this.query(conn, r);
      } catch (e) {
        if (e === INCOMPLETE) return;
        conn.socket.destroy();
        this.drop(conn);
        return;
      }
      conn.queue.consume(r.pos);
    }
  }

  /** Parses one query completely before touching any state, so a retry after INCOMPLETE is harmless. */
  private query(conn: Conn, r: Reader): void {
    const qt = r.u8();
    switch (qt) {
      case QUERY.SET: {
        const key = keyString(r.vector()), value = r.vector();
        this.store(key, value);
        return;
      }
      case QUERY.COMPARE_SET: {
        const key = keyString(r.vector()), expected = r.vector(), desired = r.vector();
        const cur = this.data.get(key);
        if (cur === undefined) {
          // PyTorch 1.13: a missing key is created only when the expected value is empty;
          // otherwise the expected value is echoed back ("lying" to the caller, as its comment says).
          if (expected.length === 0) this.store(key, desired);
          this.send(conn, new Writer().vector(expected.length === 0 ? desired : expected));
          return;
        }
        if (equalBytes(cur, expected)) this.store(key, desired);
        this.send(conn, new Writer().vector(this.data.get(key)!));
        return;
      }
      case QUERY.GET: {
        const key = keyString(r.vector());
        const v = this.data.get(key);
        if (v === undefined) throw new ProtocolError(`GET of a missing key`); // std::map::at throws: the daemon drops the client
        this.send(conn, new Writer().vector(v));
        return;
      }
      case QUERY.ADD: {
        const key = keyString(r.vector()), delta = r.i64();
        const old = this.data.get(key);
        let value = delta;
        if (old !== undefined) {
          const prev = parseStoll(old);
          if (prev === null) throw new ProtocolError("ADD on a value that is not an integer");
          value = BigInt.asIntN(64, prev + delta);
        }
        this.send(conn, new Writer().i64(value));
        this.store(key, keyBytes(value.toString()));
        return;
      }
      case QUERY.CHECK: {
        const keys = this.keyList(r);
        const ready = keys.every((k) => this.data.has(k));
        this.send(conn, new Writer().u8(ready ? CHECK_RESPONSE.READY : CHECK_RESPONSE.NOT_READY));
        return;
      }
      case QUERY.WAIT: {
        const keys = this.keyList(r);
        const missing = keys.filter((k) => !this.data.has(k));
        if (missing.length === 0) {
          this.send(conn, new Writer().u8(WAIT_RESPONSE.STOP_WAITING));
          return;
        }
        for (const k of missing) push(this.waiting, k, conn);
        conn.awaited = missing.length;
        return;
      }
      case QUERY.GETNUMKEYS:
        this.send(conn, new Writer().i64(BigInt(this.data.size)));
        return;
      case QUERY.WATCH_KEY: {
        const key = keyString(r.vector());
        push(this.watchers, key, conn);
        this.send(conn, new Writer().u8(WATCH_RESPONSE.KEY_CALLBACK_REGISTERED));
        return;
      }
      case QUERY.DELETE_KEY: {
        const key = keyString(r.vector());
        const old = this.data.get(key);
        if (old !== undefined) {
          this.notifyWatchers(key, WATCH_RESPONSE.KEY_DELETED, old, new Uint8Array(0));
          this.data.delete(key);
        }
        this.send(conn, new Writer().i64(old === undefined ? 0n : 1n));
        return;
      }
      default:
        throw new ProtocolError(`unexpected query type ${qt}`);
    }
  }

  /** Stores a value, wakes the clients waiting for the key and tells those watching it. */
  private store(key: string, value: Uint8Array): void {
    const old = this.data.get(key);
    this.data.set(key, value);
    this.wakeWaiters(key);
    this.notifyWatchers(key, old === undefined ? WATCH_RESPONSE.KEY_CREATED : WATCH_RESPONSE.KEY_UPDATED, old, value);
  }

  private keyList(r: Reader): string[] {
    const n = r.size();
    const keys: string[] = [];
    for (let i = 0; i < n; i++) keys.push(keyString(r.vector()));
    return keys;
  }

  private send(conn: Conn, w: Writer): void {
    if (!conn.socket.destroyed) conn.socket.write(w.done());
  }

  private wakeWaiters(key: string): void {
    const list = this.waiting.get(key);
    if (!list) return;
    this.waiting.delete(key);
    for (const c of list) if (--c.awaited === 0) this.send(c, new Writer().u8(WAIT_RESPONSE.STOP_WAITING));
  }

  private notifyWatchers(key: string, type: number, old: Uint8Array | undefined, value: Uint8Array): void {
    const list = this.watchers.get(key);
    if (!list) return;
    const msg = new Writer().u8(type).vector(keyBytes(key)).vector(old ?? new Uint8Array(0)).vector(value);
    for (const c of list) this.send(c, msg);
  }

  private drop(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    for (const map of [this.waiting, this.watchers]) {
      for (const [k, list] of map) {
        const rest = list.filter((c) => c !== conn);
        if (rest.length) map.set(k, rest);
        else map.delete(k);
      }
    }
  }
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
