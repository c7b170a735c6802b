// Threads for the wasm kernels: workers (Node worker_threads, or Web Workers) that instantiate
// the same compiled module over the same shared memory and claim chunks of a job.
//
// Control block (Int32Array at byte 0 of the memory): the job parameters (sgemm.ts P) and the
// words below. A job is published by writing its parameters, DONE = 0, TOTAL, WORK =
// gen << 20 | 0, then GEN = gen (notify). Anyone (main thread included) claims chunk c by a
// compareExchange of WORK from gen << 20 | c to c + 1 that only succeeds while WORK still
// carries this job's generation, so a late worker can never claim a chunk of a newer job with
// the parameters of an older one. The main thread returns when DONE reaches TOTAL.
// Workers that are still starting simply do not take part: nothing ever waits for them, so
// startup is lazy and asynchronous and can never deadlock a synchronous matmul.
import { RuntimeError } from "../../errors.ts";
import { isNode, type Runtime } from "./runtime.ts";

export const GEN = 32;
export const WORK = 33;
export const TOTAL = 34;
export const DONE = 35;
export const ERROR = 36;
export const CTL_WORDS = 64;
/** Bytes reserved for the control block; job data starts after it. */
export const CTL_BYTES = 4096;
/** A chunk index lives in WORK's low 20 bits. */
export const MAX_CHUNKS = (1 << 20) - 1;
const GEN_MASK = 0xfff;

/** Busy-polls before sleeping, so back-to-back jobs (a training step) wake workers quickly. */
const SPIN = 20000;

/** Worker source, plain JavaScript for Node (eval) and browsers (blob URL) alike. */
function workerSource(): string {
  return `"use strict";
const GEN = ${GEN}, WORK = ${WORK}, TOTAL = ${TOTAL}, DONE = ${DONE}, ERROR = ${ERROR};
function start(msg) {
  const { module, memory, scratch } = msg;
  const chunk = new WebAssembly.Instance(module, { env: { memory } }).exports.chunk;
  const ctl = new Int32Array(memory.buffer, 0, ${CTL_WORDS});
  const drain = (gen) => {
    for (;;) {
      const v = Atomics.load(ctl, WORK);
      if ((v >>> 20) !== (gen & ${GEN_MASK})) return;
      const c = v & ${MAX_CHUNKS};
      if (c >= Atomics.load(ctl, TOTAL)) return;
      if (Atomics.compareExchange(ctl, WORK, v, v + 1) !== v) continue;
      try { chunk(0, c, scratch); } catch (e) { Atomics.store(ctl, ERROR, 1); }
      Atomics.add(ctl, DONE, 1);
      Atomics.notify(ctl, DONE);
    }
  };
  let gen = Atomics.load(ctl, GEN);
  drain(gen);
  for (;;) {
    for (let i = 0; i < ${SPIN} && Atomics.load(ctl, GEN) === gen; i++);
    Atomics.wait(ctl, GEN, gen);
    gen = Atomics.load(ctl, GEN);
    drain(gen);
  }
}
if (typeof self === "undefined") require("node:worker_threads").parentPort.once("message", start);
else self.onmessage = (e) => start(e.data);
`;
}

interface WorkerHandle {
  postMessage(msg: unknown): void;
  terminate(): unknown;
}

interface NodeWorkerThreads {
  Worker: new (src: string, opts: { eval: boolean }) => WorkerHandle & { unref(): void; on(ev: string, f: (e: unknown) => void): void };
  isMainThread: boolean;
}

let nodeWorkerThreads: NodeWorkerThreads | null = null;
let nodeOs: { availableParallelism?: () => number; cpus(): unknown[] } | null = null;
if (isNode) {
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (getBuiltin) {
    nodeWorkerThreads = getBuiltin("node:worker_threads") as NodeWorkerThreads;
    nodeOs = getBuiltin("node:os") as typeof nodeOs;
  } else {
    // Node < 20.16: the builtins load asynchronously; until then the pool runs one thread.
    const spec = ["node:worker_threads", "node:os"];
    void import(/* @vite-ignore */ spec[0]!).then((m: NodeWorkerThreads) => { nodeWorkerThreads = m; }, () => {});
    void import(/* @vite-ignore */ spec[1]!).then((m: typeof nodeOs) => { nodeOs = m; }, () => {});
  }
}

function hardwareThreads(): number {
  if (nodeOs) return nodeOs.availableParallelism?.() ?? nodeOs.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

let numThreads = 0; // 0: not set yet, defaults to OMP_NUM_THREADS or the hardware's threads

/** OMP_NUM_THREADS, which PyTorch's default thread count follows too (torchrun sets it to 1 per worker). */
function envThreads(): number | null {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.OMP_NUM_THREADS;
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) && n > 0 ? n : null;
}

/** torch.getNumThreads(): threads the heavy kernels split their work over. */
export function getNumThreads(): number {
  if (numThreads === 0) numThreads = Math.max(1, Math.min(envThreads() ?? hardwareThreads(), 64));
  return numThreads;
}

/**
 * torch.setNumThreads(n): n >= 1. Extra workers start lazily on the next large job. More
 * threads than the machine has only add contention and memory (1000 on 2 cores ran 10x
 * slower with 664 MB of workers), so n is clamped to the hardware's threads (at most 64),
 * with a warning.
 */
export function setNumThreads(n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n)) throw new RuntimeError(`setNumThreads expects an int, but got ${typeof n === "number" ? "float" : typeof n}`);
  if (n < 1) throw new RuntimeError("setNumThreads expects a positive integer");
  const most = Math.max(1, Math.min(hardwareThreads(), 64));
  if (n > most) {
    console.warn(`UserWarning: setNumThreads(${n}) asks for more threads than the ${most} this machine runs at once; using ${most}`);
    n = most;
  }
  numThreads = n;
  while (workers.length > numThreads - 1) workers.pop()!.terminate();
}

/** Views of the memory, rebuilt only when it grew (a grown memory has a new buffer object). */
export interface MemoryViews {
  /** The whole memory as float32. */
  mem: Float32Array;
  /** The control block: job parameters (words 0..31) and the words above. */
  ctl: Int32Array;
  /** The whole memory as int32 (control blocks of sub-jobs written elsewhere). */
  words: Int32Array;
}

/** A runtime's memory views (kept on the runtime); call after any ensureBytes (creating views costs more than a small job). */
export function memoryViews(rt: Runtime): MemoryViews {
  const buffer = rt.memory.buffer;
  if (rt.views?.buffer !== buffer) {
    rt.views = { buffer, mem: new Float32Array(buffer), ctl: new Int32Array(buffer, 0, CTL_WORDS), words: new Int32Array(buffer) };
  }
  return rt.views;
}

const workers: WorkerHandle[] = [];
let workersBroken = false;
let gen = 0;

/** Per-thread scratch (a packed block of B): fixed for the life of the pool. */
export const SCRATCH_BYTES = 256 * 1024;

export function scratchAddress(tid: number): number {
  return CTL_BYTES + tid * SCRATCH_BYTES;
}

/** First byte after every scratch a thread of this job may touch: job data goes there (an unshared runtime has only the calling thread's). */
export function dataBase(rt: Runtime, threads: number): number {
  return scratchAddress(rt.shared ? Math.max(threads, workers.length + 1) : 1);
}

function spawn(rt: Runtime, tid: number, scratch: number): WorkerHandle | null {
  const msg = { module: rt.module, memory: rt.memory, scratch };
  if (isNode) {
    const wt = nodeWorkerThreads;
    if (!wt || !wt.isMainThread) return null;
    const w = new wt.Worker(workerSource(), { eval: true });
    w.unref(); // an idle pool never keeps the process alive
    w.on("error", () => { workersBroken = true; });
    w.postMessage(msg);
    return w;
  }
  const W = (globalThis as { Worker?: new (url: string) => WorkerHandle }).Worker;
  if (!W || typeof Blob === "undefined" || typeof URL === "undefined") return null;
  const url = URL.createObjectURL(new Blob([workerSource()], { type: "text/javascript" }));
  const w = new W(url);
  w.postMessage(msg);
  void tid;
  return w;
}

/** Threads a job may use: starts missing workers (lazily, they join once up) and returns the count. */
export function startThreads(rt: Runtime): number {
  if (!rt.shared || workersBroken) return 1;
  const threads = getNumThreads();
  for (let tid = workers.length + 1; tid < threads; tid++) {
    const w = spawn(rt, tid, scratchAddress(tid));
    if (!w) break;
    workers.push(w);
  }
  return threads;
}

/**
 * Runs chunks 0..total-1 of the job whose parameters are already in the control block, on
 * this thread and, when `shared`, on every worker that is up. Returns false if a chunk failed.
 * A job that is not shared carries a generation the workers are not looking at (GEN keeps the
 * old one), so none of them claims a chunk: small jobs do not pay for waking a worker, nor wait
 * for one that the OS has descheduled.
 */
export function runJob(rt: Runtime, total: number, shared = true): boolean {
  const { ctl } = memoryViews(rt);
  shared &&= rt.shared;
  if (total > MAX_CHUNKS) throw new RangeError(`wasm job of ${total} chunks`);
  gen = (gen + 1) & GEN_MASK;
  Atomics.store(ctl, ERROR, 0);
  Atomics.store(ctl, DONE, 0);
  Atomics.store(ctl, TOTAL, total);
  Atomics.store(ctl, WORK, (gen << 20) | 0);
  if (shared) {
    Atomics.store(ctl, GEN, gen);
    if (workers.length > 0) Atomics.notify(ctl, GEN);
  }
  const scratch = scratchAddress(0);
  mainChunks = 0;
  lastTotal = total;
  for (;;) {
    const v = Atomics.load(ctl, WORK);
    const c = v & MAX_CHUNKS;
    if (c >= total) break;
    if (Atomics.compareExchange(ctl, WORK, v, v + 1) !== v) continue;
    try {
      rt.exports.chunk(0, c, scratch);
    } catch {
      Atomics.store(ctl, ERROR, 1);
    }
    Atomics.add(ctl, DONE, 1);
    mainChunks++;
  }
  // wait for chunks still running on workers
  for (let d = Atomics.load(ctl, DONE); d < total; d = Atomics.load(ctl, DONE)) {
    if (isNode) Atomics.wait(ctl, DONE, d, 5);
  }
  return Atomics.load(ctl, ERROR) === 0;
}

let mainChunks = 0;
let lastTotal = 0;

/** Chunks of the last job, and how many of them the main thread ran itself (the rest ran on workers); for tests. */
export function lastJobChunks(): { total: number; main: number } {
  return { total: lastTotal, main: mainChunks };
}

/** Number of workers started so far (for tests). */
export function workerCount(): number {
  return workers.length;
}
