// A TCPStore client on Node sockets, speaking PyTorch 1.13's protocol (storeProtocol.ts). One
// query at a time per client, as c10d's activeOpLock_ serialises them. A WAIT that times out
// cannot be cancelled in the 1.13 protocol (CANCEL_WAIT came in 2.x), and the server would
// still answer it later; so the connection is dropped and the next query reconnects.
import type net from "node:net";
import { ByteQueue, INCOMPLETE, Reader, Writer } from "./byteQueue.ts";
import { CHECK_RESPONSE, INIT_KEY, KEY_PREFIX, MAX_FIELD_BYTES, QUERY, WAIT_RESPONSE, keyBytes, keyString, parseStoll, toBytes } from "./storeProtocol.ts";
import { connectWithRetry, seconds } from "./sockets.ts";

interface Pending {
  parse(r: Reader): unknown;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** A store operation that ran out of time (c10d's DistStoreError "Socket Timeout"). */
export class StoreTimeout extends Error {}

export class StoreClient {
  private socket: net.Socket | null = null;
  private readonly queue = new ByteQueue();
  private pending: Pending | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(readonly host: string, readonly port: number, public timeoutMs: number) {}

  static async connect(host: string, port: number, timeoutMs: number): Promise<StoreClient> {
    const c = new StoreClient(host, port, timeoutMs);
    await c.ensureSocket(timeoutMs);
    return c;
  }

  private async ensureSocket(timeoutMs: number): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const s = await connectWithRetry(this.host, this.port, timeoutMs);
    this.queue.consume(this.queue.length);
    s.on("data", (d) => {
      this.queue.push(d);
      this.deliver();
    });
    s.on("error", () => {});
    s.on("close", () => {
      if (this.socket === s) this.socket = null;
      const p = this.pending;
      this.pending = null;
      p?.reject(new Error(`Connection closed by peer: the TCPStore server at ${this.where()} went away`));
    });
    this.socket = s;
    return s;
  }

  private where(): string {
    return `${this.host}:${this.port}`;
  }

  private deliver(): void {
    const p = this.pending;
    if (!p) return;
    const r = new Reader(this.queue, MAX_FIELD_BYTES);
    let v: unknown;
    try {
      v = p.parse(r);
    } catch (e) {
      if (e === INCOMPLETE) return;
      this.pending = null;
      this.socket?.destroy();
      p.reject(e as Error);
      return;
    }
    this.queue.consume(r.pos);
    this.pending = null;
    p.resolve(v);
  }

  /** Sends one query and reads its response (none when parse is null), after the previous query finished. */
  private run<T>(query: Uint8Array, parse: ((r: Reader) => T) | null, timeoutMs = this.timeoutMs, what = ""): Promise<T> {
    const op = this.chain.then(async () => {
      if (this.closed) throw new Error("the TCPStore client has been closed");
      const s = await this.ensureSocket(timeoutMs);
      if (parse === null) {
        await new Promise<void>((res, rej) => s.write(query, (e) => (e ? rej(e) : res())));
        return undefined as T;
      }
      return new Promise<T>((resolve, reject) => {
        const timer = timeoutMs > 0
          ? setTimeout(() => {
              this.pending = null;
              s.destroy(); // the late answer must not reach the next query
              reject(new StoreTimeout(`Socket Timeout: no answer from the TCPStore at ${this.where()} within ${seconds(timeoutMs)}${what}`));
            }, timeoutMs)
          : null;
        this.pending = {
          parse,
          resolve: (v) => {
            if (timer) clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            if (timer) clearTimeout(timer);
            reject(e);
          },
        };
        s.write(query);
        this.deliver();
      });
    });
    this.chain = op.catch(() => {});
    return op;
  }

  // Keys below are user keys: the "/" prefix is added here, as c10d's TCPStore does.
  set(key: string | Uint8Array, value: string | Uint8Array): Promise<void> {
    return this.run(new Writer().u8(QUERY.SET).vector(userKey(key)).vector(toBytes(value)).done(), null);
  }
  compareSet(key: string | Uint8Array, expected: string | Uint8Array, desired: string | Uint8Array): Promise<Uint8Array> {
    const q = new Writer().u8(QUERY.COMPARE_SET).vector(userKey(key)).vector(toBytes(expected)).vector(toBytes(desired)).done();
    return this.run(q, (r) => r.vector());
  }
  /** GET waits for the key first (c10d's doGet), up to the store's timeout. */
  get(key: string | Uint8Array, timeoutMs = this.timeoutMs): Promise<Uint8Array> {
    return this.getRaw(userKey(key), timeoutMs);
  }
  private async getRaw(k: Uint8Array, timeoutMs = this.timeoutMs): Promise<Uint8Array> {
    await this.waitRaw([k], timeoutMs);
    return this.run(new Writer().u8(QUERY.GET).vector(k).done(), (r) => r.vector(), timeoutMs);
  }
  add(key: string | Uint8Array, delta: bigint): Promise<bigint> {
    return this.addRaw(userKey(key), delta);
  }
  private addRaw(k: Uint8Array, delta: bigint): Promise<bigint> {
    return this.run(new Writer().u8(QUERY.ADD).vector(k).i64(delta).done(), (r) => r.i64());
  }
  check(keys: ReadonlyArray<string | Uint8Array>): Promise<boolean> {
    const w = new Writer().u8(QUERY.CHECK).size(keys.length);
    for (const k of keys) w.vector(userKey(k));
    return this.run(w.done(), (r) => {
      const v = r.u8();
      if (v !== CHECK_RESPONSE.READY && v !== CHECK_RESPONSE.NOT_READY) throw new Error("ready or not_ready response expected");
      return v === CHECK_RESPONSE.READY;
    });
  }
  wait(keys: ReadonlyArray<string | Uint8Array>, timeoutMs = this.timeoutMs): Promise<void> {
    return this.waitRaw(keys.map(userKey), timeoutMs);
  }
  private waitRaw(keys: Uint8Array[], timeoutMs: number): Promise<void> {
    const w = new Writer().u8(QUERY.WAIT).size(keys.length);
    for (const k of keys) w.vector(k);
    const names = keys.map((k) => JSON.stringify(keyString(k))).join(", ");
    return this.run(w.done(), (r) => {
      if (r.u8() !== WAIT_RESPONSE.STOP_WAITING) throw new Error("Stop_waiting response is expected");
    }, timeoutMs, ` while waiting for key(s) [${names}]`);
  }
  numKeys(): Promise<bigint> {
    return this.run(new Writer().u8(QUERY.GETNUMKEYS).done(), (r) => r.i64());
  }
  deleteKey(key: string | Uint8Array): Promise<boolean> {
    return this.run(new Writer().u8(QUERY.DELETE_KEY).vector(userKey(key)).done(), (r) => r.i64() === 1n);
  }

  /**
   * c10d's waitForWorkers: every client adds 1 to "init/"; the server's own client then reads
   * it (WAIT + GET) every 10 ms until numWorkers have joined or the timeout passes.
   */
  async waitForWorkers(numWorkers: number, isServer: boolean): Promise<void> {
    const init = keyBytes(INIT_KEY);
    await this.addRaw(init, 1n);
    if (!isServer) return;
    const start = Date.now();
    for (;;) {
      const joined = Number(parseStoll(await this.getRaw(init)) ?? 0n);
      if (joined >= numWorkers) return;
      if (this.timeoutMs > 0 && Date.now() - start > this.timeoutMs) {
        throw new StoreTimeout(`Timed out after ${seconds(Date.now() - start)} waiting for clients. ${joined}/${numWorkers} clients joined.`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The local address of the connection to the store (the interface that reaches it). */
  localAddress(): string | undefined {
    return this.socket?.localAddress;
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.socket = null;
  }
}

function userKey(k: string | Uint8Array): Uint8Array {
  const b = toBytes(k);
  const out = new Uint8Array(b.length + KEY_PREFIX.length);
  out.set(keyBytes(KEY_PREFIX));
  out.set(b, KEY_PREFIX.length);
  return out;
}
