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
import { getRuntime, isNode, type Runtime } from "./runtime.ts";
import { checkCoresFree, mainPolls, maxRunDelay, workerSpinUs } from "./thresholds.ts";

export const GEN = 32;
export const WORK = 33;
export const TOTAL = 34;
export const DONE = 35;
export const ERROR = 36;
/** How long (microseconds) an idle worker polls for the next job before it sleeps; the main thread sets it. */
export const SPIN_US = 37;
/** Microseconds the workers have slept in all (mod 2^32), for the main thread's CPU accounting. */
export const SLEPT_US = 38;
/**
 * Words of a bit mask: bit tid - 1 (tid 1..64 over two words) set while worker tid takes jobs.
 * Only those count as awake in the CPU accounting below.
 */
export const UP = 39;
export const CTL_WORDS = 64;
/** Bytes reserved for the control block; job data starts after it. */
export const CTL_BYTES = 4096;
/** A chunk index lives in WORK's low 20 bits. */
export const MAX_CHUNKS = (1 << 20) - 1;
const GEN_MASK = 0xfff;


/**
 * How much a worker raises its nice value above the thread that started it (at most to 19,
 * the lowest priority). Between jobs a worker polls (workerSpinUs), and on two
 * vCPUs it then competes with V8's own threads, whose concurrent marking and sweeping a
 * training step with much garbage needs: W5 on two threads took 50.3 and 50.0 ms per step,
 * one thread 46.5 and 47.2, and two threads whose worker runs at nice 10 46.3 and 45.1 (the
 * collector's threads win the core when they want it, the worker gets it otherwise); W2 (4.08
 * to 4.18 ms) and W4 (7.99 to 8.34 ms) were unchanged by it (60-400 steps, medians, processes
 * alternated, Xeon with AVX-512, 2026-12-02). Raising one's own nice needs no privilege.
 */
const WORKER_NICE = 10;

/** Worker source, plain JavaScript for Node (eval) and browsers (blob URL) alike. */
function workerSource(): string {
  return `"use strict";
const GEN = ${GEN}, WORK = ${WORK}, TOTAL = ${TOTAL}, DONE = ${DONE}, ERROR = ${ERROR}, SPIN_US = ${SPIN_US}, SLEPT_US = ${SLEPT_US}, UP = ${UP};
function start(msg) {
  lowerPriority();
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
  Atomics.or(ctl, UP + ((msg.tid - 1) >> 5), 1 << ((msg.tid - 1) & 31));
  let gen = Atomics.load(ctl, GEN);
  drain(gen);
  // Between jobs the worker polls for the next one for up to SPIN_US (the clock read every 256
  // polls), then sleeps until woken; the main thread sets SPIN_US (runJob).
  for (;;) {
    const until = performance.now() + Atomics.load(ctl, SPIN_US) / 1000;
    let i = 0;
    while (Atomics.load(ctl, GEN) === gen && ((++i & 255) !== 0 || performance.now() < until));
    if (Atomics.load(ctl, GEN) === gen) {
      const t = performance.now();
      Atomics.wait(ctl, GEN, gen);
      Atomics.add(ctl, SLEPT_US, Math.round((performance.now() - t) * 1000));
    }
    gen = Atomics.load(ctl, GEN);
    drain(gen);
  }
}
// Under Node on Linux the worker lowers its own scheduling priority (a thread's nice value,
// set through its id in /proc/thread-self): see WORKER_NICE. Elsewhere there is no such call.
function lowerPriority() {
  if (typeof self !== "undefined") return;
  try {
    const tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
    const os = require("node:os");
    if (tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(tid) + ${WORKER_NICE}));
  } catch (e) {}
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
/** node:fs, for the run delay of the CPU check (Linux; Node >= 20.16 only). */
let nodeFs: { readFileSync(p: string, enc: "utf8"): string } | null = null;
if (isNode) {
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (getBuiltin) {
    nodeWorkerThreads = getBuiltin("node:worker_threads") as NodeWorkerThreads;
    nodeOs = getBuiltin("node:os") as typeof nodeOs;
    nodeFs = getBuiltin("node:fs") as typeof nodeFs;
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
  while (workers.length > numThreads - 1) {
    const tid = workers.length;
    workers.pop()!.terminate();
    const rt = getRuntime();
    if (rt?.shared) Atomics.and(memoryViews(rt).ctl, UP + ((tid - 1) >> 5), ~(1 << ((tid - 1) & 31)));
  }
}

/** Views of the memory, rebuilt only when it grew (a grown memory has a new buffer object). */
export interface MemoryViews {
  /** The whole memory as float32. */
  mem: Float32Array;
  /** The control block: job parameters (words 0..31) and the words above. */
  ctl: Int32Array;
  /** The whole memory as int32 (control blocks of sub-jobs written elsewhere). */
  words: Int32Array;
  /** The whole memory as float64 (scalar operands kept in double, at 8-byte aligned addresses). */
  f64: Float64Array;
}

/** A runtime's memory views (kept on the runtime); call after any ensureBytes (creating views costs more than a small job). */
export function memoryViews(rt: Runtime): MemoryViews {
  const buffer = rt.memory.buffer;
  if (rt.views?.buffer !== buffer) {
    rt.views = { buffer, mem: new Float32Array(buffer), ctl: new Int32Array(buffer, 0, CTL_WORDS), words: new Int32Array(buffer), f64: new Float64Array(buffer, 0, buffer.byteLength >> 3) };
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
  const msg = { module: rt.module, memory: rt.memory, scratch, tid };
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
  startJob(rt, total, shared);
  return finishJob(rt);
}

/**
 * Publishes the job whose parameters are in the control block (chunks 0..total-1) and returns
 * at once: workers that are up start on it while this thread does something else (copies the
 * next block of data in), until finishJob. Nothing may touch the control block in between.
 */
export function startJob(rt: Runtime, total: number, shared = true): void {
  const { ctl } = memoryViews(rt);
  shared &&= rt.shared;
  if (total > MAX_CHUNKS) throw new RangeError(`wasm job of ${total} chunks`);
  gen = (gen + 1) & GEN_MASK;
  Atomics.store(ctl, ERROR, 0);
  Atomics.store(ctl, DONE, 0);
  Atomics.store(ctl, TOTAL, total);
  Atomics.store(ctl, WORK, (gen << 20) | 0);
  if (shared && workers.length > 0) Atomics.store(ctl, SPIN_US, polling(ctl) ? workerSpinUs : 0);
  if (shared) {
    Atomics.store(ctl, GEN, gen);
    if (workers.length > 0) Atomics.notify(ctl, GEN);
  }
  mainChunks = 0;
  lastTotal = total;
}

/** Runs the started job's chunks that no worker has claimed, waits for the rest; false if a chunk failed. */
export function finishJob(rt: Runtime): boolean {
  const { ctl } = memoryViews(rt);
  const total = Atomics.load(ctl, TOTAL);
  const scratch = scratchAddress(0);
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
  // wait for chunks still running on workers: poll (they end within a chunk's time), then sleep
  let polls = 0;
  for (let d = Atomics.load(ctl, DONE); d < total; d = Atomics.load(ctl, DONE)) {
    if (++polls > mainPolls && isNode) Atomics.wait(ctl, DONE, d, 5);
  }
  return Atomics.load(ctl, ERROR) === 0;
}

// Whether the cores are free for this process's workers. A worker polling between jobs pays on
// an idle machine (one sleeping between jobs is woken per job, late, and on this 2-vCPU VM
// often on the caller's vCPU, which then stalls), but where other processes want the cores it
// only takes CPU time from this process's own main thread (the OS shares the CPU between
// process groups, and favours threads that slept, so a polling worker's chunks wait longest):
// under a load average of 13-20 a W2 step on 2 threads took 30-43 ms with polling workers
// against 20-21 with sleeping ones and 27-41 on one thread, the process getting 0.25 CPUs.
// Splitting a job then gains nothing either. In Node the process's CPU time tells which case
// holds: over each WINDOW_MS between split jobs, the main thread and every worker that was
// not asleep (polling or computing; workers count their sleep in SLEPT_US) should each have
// had a CPU, and a process that got less than BUSY of that in LOW_WINDOWS windows in a row
// shares the cores. (One low window is not enough: a worker adds its sleep to SLEPT_US when
// it wakes, so a sleep between two jobs is counted in the window after the one it fell in,
// which read as shared: at the start of W3, 0.53-0.67 and then 1.7-1.96 with the sleep
// counted, and every product of the next second ran on one thread.) Jobs then run
// on the calling thread (and workers sleep between jobs) for OFF_MS, after which splitting
// is tried again. (A main thread that is itself idle for part of a window also reads as
// shared: splitting would gain little there either.) Browsers have no such clock and always
// split and poll.
//
// The process's CPU time counts V8's own threads too, so it misses the case where those are
// what the workers compete with: a training step that leaves tens of MB of garbage (W5) has
// the collector marking and sweeping on other threads for ~0.45 of a core, and a polling
// worker keeps the second vCPU from being idle, so the OS wakes those threads on the main
// thread's vCPU instead. W5 took 47-49 ms per step on 2 threads against 42-44 on one (five
// alternated pairs of processes), and 43.7-44.4 with workers that sleep at once between jobs;
// W2 and W4 lose with sleeping workers (3.97-4.14 against 3.64-3.75 ms, 7.86-8.45 against
// 7.47-7.98). On Linux the main thread's run delay tells them apart (the time it was
// runnable but not running, /proc/thread-self/schedstat): per 50 ms window, W5 median 0.14
// (10th percentile 0.04), W2 0.005 and W4 0.006 (90th percentile 0.06 and 0.09). After a
// window in which the main thread waited for a CPU more than maxRunDelay of the time,
// workers sleep between the jobs of the next one (jobs still split). Four alternated pairs of
// processes without and with it: W5 48.9, 47.5, 50.5, 48.7 against 45.5, 47.0, 48.1, 47.5 ms;
// W2 4.04-4.31 against 3.97-4.39, W4 7.46-7.93 against 7.36-7.81. (Also leaving the next 100
// ms unsplit did not help W5 further and cost W2 and W4 3-8%.)
const WINDOW_MS = 50;
const BUSY = 0.8;
const OFF_MS = 1000;
const LOW_WINDOWS = 2;
let windowStart = -1;
let windowCpu = 0;
let windowSlept = 0;
let windowUp = 0;
let windowDelay = 0;
/** Whether the main thread got its CPU in the last window (else workers sleep between jobs in this one). */
let calm = true;
/** Consecutive low windows so far. */
let lowWindows = 0;
let sharedUntil = 0;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const measurable = isNode && typeof process.cpuUsage === "function";
let schedstat = nodeFs !== null && process.platform === "linux";
/** The calling thread's run delay so far (ms; Linux), or 0 where it cannot be read. */
function runDelayMs(): number {
  if (!schedstat) return 0;
  try {
    // "<ns on a CPU> <ns runnable, waiting for one> <timeslices>"
    return Number(nodeFs!.readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[1]) / 1e6 || 0;
  } catch {
    schedstat = false;
    return 0;
  }
}

/** Workers 1..workers.length whose UP bit is set. */
function workersUp(ctl: Int32Array): number {
  let up = 0;
  for (let tid = 1; tid <= workers.length; tid++) up += (Atomics.load(ctl, UP + ((tid - 1) >> 5)) >>> ((tid - 1) & 31)) & 1;
  return up;
}

/** Forgets what the check has measured (tests: each starts from a process that has its CPUs). */
export function resetCoresCheck(): void {
  windowStart = -1;
  sharedUntil = 0;
  lowWindows = 0;
  calm = true;
}

/** False while the cores are found shared with other processes (see above): jobs then run on one thread. */
export function coresFree(): boolean {
  return !measurable || !checkCoresFree || performance.now() >= sharedUntil;
}

/** Called once per split job: whether workers should poll between jobs now (see above). */
function polling(ctl: Int32Array): boolean {
  if (!measurable || !checkCoresFree) return true;
  const now = performance.now();
  if (now < sharedUntil) return false;
  const slept = Atomics.load(ctl, SLEPT_US);
  // a worker counts from when it takes jobs: one still starting (a new thread, its instance of
  // the module) used no CPU for this process's jobs, and read as cores shared with others
  const up = workersUp(ctl);
  if (windowStart < 0 || now - windowStart > 20 * WINDOW_MS || up !== windowUp) {
    // (re)start measuring: after a shared spell, when split jobs were rare, or a worker came up
    windowStart = now;
    windowCpu = cpuMs();
    windowSlept = slept;
    windowUp = up;
    windowDelay = runDelayMs();
    calm = true;
    return true;
  }
  const wall = now - windowStart;
  if (wall < WINDOW_MS) return calm;
  const cpu = cpuMs();
  const awake = wall * (1 + up) - ((slept - windowSlept) | 0) / 1000;
  const share = (cpu - windowCpu) / Math.max(awake, wall);
  const delay = runDelayMs();
  const waited = (delay - windowDelay) / wall;
  windowStart = now;
  windowCpu = cpu;
  windowSlept = slept;
  windowDelay = delay;
  calm = waited <= maxRunDelay;
  if (share >= BUSY) {
    lowWindows = 0;
    return calm;
  }
  if (++lowWindows < LOW_WINDOWS) return calm;
  lowWindows = 0;
  sharedUntil = now + OFF_MS;
  windowStart = -1;
  return false;
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
