// The main thread's side of the communication thread (wire/commWorker.ts).
//
// Why a thread: PyTorch's torch.distributed calls block (`dist.allReduce(t)` returns with t
// reduced; `loss.backward()` under DDP returns with averaged gradients), while Node sockets
// only work from an event loop, which a blocked main thread does not run. So one worker
// thread per process owns every socket and runs the collectives; the main thread hands it
// requests (postMessage; tensor bytes in SharedArrayBuffers) and, where PyTorch blocks,
// sleeps in Atomics.wait until the answer is there. The worker posts each answer on a
// MessagePort and then bumps a shared counter with Atomics.notify; the main thread takes the
// answer synchronously with receiveMessageOnPort. Asynchronous work (asyncOp, DDP's bucket
// all-reduces launched during backward) simply does not wait until later, so communication
// overlaps computation on another core.
//
// Node only (browsers do not let the main thread Atomics.wait); the builtins are fetched when
// first used, so importing torch-ts in a browser bundle pulls none of them in.
import type * as WT from "node:worker_threads";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import type { Reply, Request } from "./wire/messages.ts";

type DistributedRequest = Request extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

function nodeBuiltin<T>(name: string): T {
  const get = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process?.getBuiltinModule;
  const m = get?.(name);
  if (!m) throw new RuntimeError(`torch.distributed needs Node.js >= 20.16 (${name}); it is not available in browsers`);
  return m as T;
}

/**
 * Starts the worker through a small bootstrap: it loads the entry (the built .js next to this
 * file, or the .ts source through tsx, whose loader hooks do not reach worker threads by
 * themselves), and if loading or anything later throws, it posts the error and marks the
 * thread dead in shared memory, so a main thread blocked in Atomics.wait wakes up and raises
 * it instead of waiting forever.
 */
function spawnWorker(wt: typeof WT, data: unknown, transfer: WT.TransferListItem[]): WT.Worker {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(`./wire/commWorker.${fromSource ? "ts" : "js"}`, import.meta.url).href;
  const tsx = fromSource ? import.meta.resolve("tsx/esm/api") : null;
  const boot = `
const { workerData } = require("node:worker_threads");
let dead = false;
const die = (e) => {
  if (dead) return;
  dead = true;
  try { workerData.port.postMessage({ id: -1, ok: false, error: { name: "RuntimeError", message: String((e && e.stack) || e) } }); } catch {}
  const s = new Int32Array(workerData.signal);
  Atomics.store(s, 1, ${DEAD});
  Atomics.add(s, 0, 1);
  Atomics.notify(s, 0);
};
process.on("uncaughtException", (e) => { die(e); process.exit(1); });
process.on("unhandledRejection", (e) => { die(e); process.exit(1); });
(${JSON.stringify(tsx)} ? import(${JSON.stringify(tsx)}).then((m) => m.register()) : Promise.resolve())
  .then(() => import(${JSON.stringify(entry)})).catch(die);
`;
  return new wt.Worker(boot, { eval: true, workerData: data, transferList: transfer });
}

/** Word 1 of the shared signal: the communication thread died (its error was posted as answer -1). */
const DEAD = 2;

export class CommThread {
  private readonly wt: typeof WT;
  private readonly worker: WT.Worker;
  private readonly port: WT.MessagePort;
  private readonly counter: Int32Array;
  private nextId = 1;
  private readonly replies = new Map<number, Reply>();
  private readonly callbacks = new Map<number, (r: Reply) => void>();
  private exited: string | null = null;

  constructor() {
    this.wt = nodeBuiltin<typeof WT>("node:worker_threads");
    const signal = new SharedArrayBuffer(8);
    this.counter = new Int32Array(signal);
    const { port1, port2 } = new this.wt.MessageChannel();
    this.port = port1;
    this.worker = spawnWorker(this.wt, { port: port2, signal }, [port2]);
    // Neither keeps the process alive: a script ends when its main thread is done (a pending
    // getFuture() refs the port until its answer is in).
    this.worker.unref();
    this.port.on("message", (r: Reply) => this.dispatch(r));
    this.port.unref();
    this.worker.on("error", (e) => {
      this.exited = `the communication thread failed: ${e.message}`;
    });
    this.worker.on("exit", (code) => {
      this.exited ??= `the communication thread exited (code ${code})`;
    });
  }

  private dispatch(r: Reply): void {
    if (r.id === -1) {
      this.exited = `the communication thread failed: ${r.error!.message}`;
      for (const [id, cb] of this.callbacks) {
        this.callbacks.delete(id);
        cb({ id, ok: false, error: { name: "RuntimeError", message: this.exited } });
      }
      return;
    }
    const cb = this.callbacks.get(r.id);
    if (cb) {
      this.callbacks.delete(r.id);
      if (this.callbacks.size === 0) this.port.unref();
      cb(r);
    } else this.replies.set(r.id, r);
  }

  private drain(): void {
    for (let m = this.wt.receiveMessageOnPort(this.port); m !== undefined; m = this.wt.receiveMessageOnPort(this.port)) {
      this.dispatch(m.message as Reply);
    }
  }

  /** Sends a request; its answer is collected with wait/poll/onReply. */
  start(req: DistributedRequest): number {
    if (this.exited) throw new RuntimeError(this.exited);
    const id = this.nextId++;
    this.worker.postMessage({ ...req, id });
    return id;
  }

  /** The answer if it is there, without blocking. */
  poll(id: number): Reply | undefined {
    this.drain();
    const r = this.replies.get(id);
    if (r) this.replies.delete(id);
    return r;
  }

  /**
   * Blocks the calling (main) thread until the answer to `id` is there, or until `handled()`
   * says a callback (onReply) took it; then returns undefined.
   */
  wait(id: number): Reply;
  wait(id: number, handled: () => boolean): Reply | undefined;
  wait(id: number, handled: () => boolean = () => false): Reply | undefined {
    for (;;) {
      const r = this.poll(id);
      if (r || handled()) return r;
      const seen = Atomics.load(this.counter, 0);
      const again = this.poll(id);
      if (again || handled()) return again;
      Atomics.wait(this.counter, 0, seen);
      if (Atomics.load(this.counter, 1) === DEAD) {
        this.drain();
        const late = this.replies.get(id);
        if (late) return late;
        throw new RuntimeError(this.exited ?? "the communication thread died");
      }
    }
  }

  /** Calls cb with the answer, from the event loop (futures). Keeps the process alive meanwhile. */
  onReply(id: number, cb: (r: Reply) => void): void {
    const r = this.poll(id);
    if (r) {
      queueMicrotask(() => cb(r));
      return;
    }
    this.callbacks.set(id, cb);
    this.port.ref();
  }

  /** A blocking call: the answer's value, or its error raised as PyTorch raises it. */
  call(req: DistributedRequest): unknown {
    return unwrap(this.wait(this.start(req)));
  }
}

export function unwrap(r: Reply): unknown {
  if (r.ok) return r.value;
  const e = r.error!;
  throw e.name === "TypeError" ? new TorchTypeError(e.message) : new RuntimeError(e.message);
}

let thread: CommThread | null = null;

/** The process's communication thread, started on first use. */
export function commThread(): CommThread {
  thread ??= new CommThread();
  return thread;
}

/** SharedArrayBuffers for staging tensors, reused by size class (power of two bytes). */
const free = new Map<number, SharedArrayBuffer[]>();

export function acquireShared(bytes: number): SharedArrayBuffer {
  const cls = Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))));
  return free.get(cls)?.pop() ?? new SharedArrayBuffer(cls);
}

export function releaseShared(b: SharedArrayBuffer): void {
  const list = free.get(b.byteLength);
  if (!list) free.set(b.byteLength, [b]);
  else if (list.length < 4) list.push(b);
}
