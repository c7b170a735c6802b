// The DataLoader's iterator over worker threads: PyTorch 1.13's _MultiProcessingDataLoaderIter
// (torch/utils/data/dataloader.py), step for step, so batches come out in the same order and
// each worker gets the same tasks as in PyTorch:
//   - task k (a batch of indices, or for an iterable dataset "the next batch") goes to the next
//     worker in a round-robin cycle that skips workers whose iterable copy has ended; at start
//     prefetchFactor * numWorkers tasks are sent, then one more each time a batch is returned;
//   - batches are returned in task order (`rcvdIdx`): one that arrives early waits in
//     `taskInfo`; the tasks of a worker that ended are skipped;
//   - an error in a task is re-thrown when that task's turn comes, with the worker id, the
//     sample index and the worker's stack in the message;
//   - a worker that dies (exit, uncaught error) while it has work, or no answer within
//     `timeout` seconds, is a RuntimeError, and the workers are shut down;
//   - persistent workers survive the epoch; a new epoch sends each one "resume" (which it
//     acknowledges after any older tasks) and discards what a worker sends before its
//     acknowledgement, exactly the batches PyTorch's _reset discards.
// Messages are posted synchronously, so the sampler draws (randperm for a shuffled epoch)
// happen when the iterator is made, as in PyTorch, before the workers are even up.
import * as torch from "../../index.ts";
import { IndexError, NotImplementedError, RuntimeError, TorchTypeError, ValueError } from "../../errors.ts";
import type { WorkerError, FromWorker, InitMessage } from "./workerProtocol.ts";
import { collectRefs, decode, declaredWorkerModules, encode, resolveRefs, setBuiltins } from "./transport.ts";
import { entryModuleUrl, spawnWorker, type WorkerHandle } from "./workerHost.ts";

export interface WorkerLoaderConfig {
  dataset: unknown;
  kind: "map" | "iterable";
  autoCollation: boolean;
  dropLast: boolean;
  /** Map-style: the batch (or index) sampler; iterable: how many samples a task asks for. */
  indexIterable: () => Iterator<number | readonly number[]>;
  collateFn: unknown;
  workerInitFn: ((workerId: number) => unknown) | undefined;
  numWorkers: number;
  prefetchFactor: number;
  persistentWorkers: boolean;
  /** Seconds to wait for a batch; 0 waits forever. */
  timeout: number;
}

/** Error classes a worker's error is re-created as (others become RuntimeError, as PyTorch's ExceptionWrapper falls back). */
const ERROR_CLASSES: Record<string, new (msg: string) => Error> = {
  RuntimeError,
  IndexError,
  ValueError,
  TypeError: TorchTypeError,
  NotImplementedError,
  RangeError,
  SyntaxError,
  ReferenceError,
  Error,
};

/** The error the training loop sees for a worker's error (PyTorch: ExceptionWrapper.reraise). */
export function workerErrorToError(e: WorkerError, workerId: number, batch: number): Error {
  let msg = `Caught ${e.name} in DataLoader worker ${workerId} ${e.where}${e.inBatch ? ` (batch ${batch})` : ""}: ${e.message}`;
  if (/private member/.test(e.message)) {
    msg +=
      "\n(A dataset reaches a worker as its class and own fields, without running its constructor, as pickle does: " +
      "#private fields do not travel. Use TypeScript `private` fields instead.)";
  }
  msg += `\nOriginal stack (worker ${workerId}):\n${e.stack}`;
  const Cls = ERROR_CLASSES[e.name] ?? RuntimeError;
  const err = new Cls(msg);
  if (Cls === Error) err.name = e.name;
  return err;
}

interface Slot {
  handle: WorkerHandle;
  /** Exit code once the thread has ended. */
  exitCode: number | null;
  /** An exception the worker did not catch. */
  crash: Error | null;
  /** Messages before this worker's "resumed" belong to an earlier epoch. */
  awaitingResume: boolean;
  stopped: boolean;
}

interface Received {
  worker: number;
  msg: FromWorker;
}

interface TaskInfo {
  worker: number;
  data?: Received;
}

let builtinsSet = false;

export class MultiWorkerIter<B> {
  private readonly slots: Slot[] = [];
  private readonly inbox: Received[] = [];
  private wake: (() => void) | null = null;
  private shutdownDone = false;
  private readonly decodeCandidates: string[];

  // per epoch (PyTorch's _reset)
  private sampler!: Iterator<number | readonly number[]>;
  private sendIdx = 0;
  private rcvdIdx = 0;
  private taskInfo = new Map<number, TaskInfo>();
  private status: boolean[] = [];
  private cycle = 0;

  constructor(
    private readonly cfg: WorkerLoaderConfig,
    baseSeed: bigint,
  ) {
    if (!builtinsSet) {
      setBuiltins(torch);
      builtinsSet = true;
    }
    const payload = { dataset: cfg.dataset, collateFn: cfg.collateFn, workerInitFn: cfg.workerInitFn ?? null };
    const encoded = encode(payload) as { dataset: unknown; collateFn: unknown; workerInitFn: unknown };
    const modules = moduleRefs(encoded);
    const entry = entryModuleUrl();
    const inEntry = modules.find((m) => m.module === entry);
    if (inEntry) {
      throw new RuntimeError(
        `DataLoader with numWorkers > 0: ${inEntry.name} is defined in the main script (${entry}). A worker thread ` +
          `imports the module that defines the dataset's class, and importing the main script would run the program ` +
          `again in every worker. Move ${inEntry.name} to a module of its own and import it from the main script ` +
          `(the role Python's \`if __name__ == "__main__":\` plays for PyTorch's spawned workers).`,
      );
    }
    const candidates = [...new Set([...declaredWorkerModules(), ...modules.map((m) => m.module)])].filter((m) => m !== entry);
    this.decodeCandidates = candidates;
    for (let id = 0; id < cfg.numWorkers; id++) {
      const slot: Slot = { handle: null as unknown as WorkerHandle, exitCode: null, crash: null, awaitingResume: false, stopped: false };
      slot.handle = spawnWorker(
        {
          message: (msg) => this.receive({ worker: id, msg }),
          error: (e) => {
            slot.crash ??= e;
            this.wake?.();
          },
          exit: (code) => {
            slot.exitCode = code;
            this.wake?.();
          },
        },
        candidates,
      );
      slot.handle.unref();
      this.slots.push(slot);
      const init: InitMessage = {
        type: "init",
        workerId: id,
        numWorkers: cfg.numWorkers,
        baseSeed,
        kind: cfg.kind,
        autoCollation: cfg.autoCollation,
        dropLast: cfg.dropLast,
        dataset: encoded.dataset,
        collateFn: encoded.collateFn,
        workerInitFn: encoded.workerInitFn,
        candidates,
      };
      slot.handle.post(init);
    }
    this.reset(true);
  }

  /** PyTorch's _reset: a new epoch (for persistent workers, every epoch after the first). */
  reset(firstIter = false): void {
    this.sampler = this.cfg.indexIterable();
    this.sendIdx = 0;
    this.rcvdIdx = 0;
    this.taskInfo = new Map();
    this.status = this.slots.map(() => true);
    this.cycle = 0;
    if (!firstIter) {
      for (const s of this.slots) {
        s.handle.post({ type: "resume" });
        s.awaitingResume = true;
      }
    }
    for (let k = 0; k < this.cfg.prefetchFactor * this.cfg.numWorkers; k++) this.tryPutIndex();
  }

  get isShutdown(): boolean {
    return this.shutdownDone;
  }

  private receive(r: Received): void {
    const slot = this.slots[r.worker]!;
    if (r.msg.type === "stopped") {
      slot.stopped = true;
      slot.handle.terminate();
      this.wake?.();
      return;
    }
    if (slot.awaitingResume) {
      if (r.msg.type === "resumed") slot.awaitingResume = false;
      return; // a batch of an earlier epoch
    }
    if (r.msg.type === "resumed") return;
    this.inbox.push(r);
    this.wake?.();
  }

  private tryPutIndex(): void {
    const r = this.sampler.next();
    if (r.done) return;
    const n = this.cfg.numWorkers;
    let worker = -1;
    for (let k = 0; k < n; k++) {
      const w = this.cycle;
      this.cycle = (this.cycle + 1) % n;
      if (this.status[w]) {
        worker = w;
        break;
      }
    }
    if (worker < 0) return;
    this.slots[worker]!.handle.post({ type: "task", idx: this.sendIdx, index: r.value });
    this.taskInfo.set(this.sendIdx, { worker });
    this.sendIdx++;
  }

  /** A worker that died while it still had work: the error to raise, or null. */
  private failure(): Error | null {
    const dead = this.slots
      .map((s, id) => ({ s, id }))
      .filter(({ s, id }) => !s.stopped && (s.exitCode !== null || s.crash !== null) && (this.status[id] || s.awaitingResume));
    if (dead.length === 0) return null;
    const parts = dead.map(({ s, id }) => {
      const how = s.exitCode !== null ? `exited unexpectedly with exit code ${s.exitCode}` : "stopped with an uncaught error";
      return `DataLoader worker ${id} (thread id ${s.handle.threadId}) ${how}` + (s.crash ? `: ${s.crash.name}: ${s.crash.message}` : "");
    });
    return new RuntimeError(parts.join("; "), dead[0]!.s.crash ? { cause: dead[0]!.s.crash } : undefined);
  }

  /** PyTorch's _get_data: the next message, checking for dead workers and the timeout. */
  private async getData(): Promise<Received> {
    const timeoutS = this.cfg.timeout;
    const deadline = timeoutS > 0 ? Date.now() + timeoutS * 1000 : Infinity;
    for (const s of this.slots) if (s.exitCode === null) s.handle.ref();
    try {
      for (;;) {
        if (this.inbox.length > 0) return this.inbox.shift()!;
        const dead = this.failure();
        if (dead) {
          this.terminateAll();
          throw dead;
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          this.terminateAll();
          throw new RuntimeError(`DataLoader timed out after ${timeoutS} seconds`);
        }
        await new Promise<void>((resolve) => {
          const timer = left === Infinity ? undefined : setTimeout(resolve, left);
          this.wake = () => {
            if (timer !== undefined) clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    } finally {
      for (const s of this.slots) if (s.exitCode === null) s.handle.unref();
    }
  }

  /** PyTorch's _next_data: the next batch in task order, or done. */
  async next(): Promise<IteratorResult<B, undefined>> {
    for (;;) {
      while (this.rcvdIdx < this.sendIdx) {
        const info = this.taskInfo.get(this.rcvdIdx)!;
        if (info.data !== undefined || this.status[info.worker]) break;
        this.taskInfo.delete(this.rcvdIdx);
        this.rcvdIdx++;
      }
      if (this.rcvdIdx >= this.sendIdx) {
        if (!this.cfg.persistentWorkers) await this.shutdown();
        return { done: true, value: undefined };
      }
      const info = this.taskInfo.get(this.rcvdIdx)!;
      if (info.data !== undefined) {
        this.taskInfo.delete(this.rcvdIdx);
        return { done: false, value: await this.processData(info.data) };
      }
      const got = await this.getData();
      const msg = got.msg;
      if (msg.type === "end") {
        this.markUnavailable(got.worker);
        this.tryPutIndex();
        continue;
      }
      if (msg.type !== "data" && msg.type !== "error") continue;
      if (msg.idx !== this.rcvdIdx) {
        const pending = this.taskInfo.get(msg.idx);
        if (pending) pending.data = got;
      } else {
        this.taskInfo.delete(msg.idx);
        return { done: false, value: await this.processData(got) };
      }
    }
  }

  private async processData(r: Received): Promise<B> {
    this.rcvdIdx++;
    this.tryPutIndex();
    const msg = r.msg as Extract<FromWorker, { type: "data" | "error" }>;
    if (msg.type === "error") throw workerErrorToError(msg.error, r.worker, msg.idx);
    return decode(msg.value, await resolveRefs(msg.value, this.decodeCandidates)) as B;
  }

  /** A worker whose iterable copy ended: no more tasks this epoch (non-persistent: it is stopped). */
  private markUnavailable(worker: number): void {
    this.status[worker] = false;
    if (!this.cfg.persistentWorkers) this.slots[worker]!.handle.post({ type: "stop" });
  }

  private terminateAll(): void {
    this.shutdownDone = true;
    for (const s of this.slots) {
      s.stopped = true;
      s.handle.terminate();
    }
  }

  /**
   * Stops every worker: each closes its dataset iterator and says so, then is terminated; one
   * that does not answer within `graceMs` (busy in a long getItem) is terminated anyway.
   */
  async shutdown(graceMs = 1000): Promise<void> {
    if (this.shutdownDone) return;
    this.shutdownDone = true;
    const live = this.slots.filter((s) => !s.stopped && s.exitCode === null);
    for (const s of live) s.handle.post({ type: "stop" });
    const deadline = Date.now() + graceMs;
    while (live.some((s) => !s.stopped && s.exitCode === null) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    for (const s of this.slots) {
      s.stopped = true;
      s.handle.terminate();
    }
  }
}

/** The classes in an encoded value that carry their module (Dataset subclasses). */
function moduleRefs(encoded: unknown): { name: string; module: string }[] {
  return collectRefs(encoded, []).flatMap((r) => (r.module === undefined ? [] : [{ name: r.name, module: r.module }]));
}
