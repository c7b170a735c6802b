// Starting a DataLoader worker: a Node worker thread, or a module Web Worker in browsers. The
// worker runs workerEntry.ts (workerEntry.js in the compiled package).
//
// TypeScript: when this package runs from its .ts sources, or a dataset's module is a .ts file,
// the worker must load TypeScript. tsx registers its loader in the main thread only on Node 20
// (module hooks do not reach worker threads there), so a Node worker first checks whether it
// can import a .ts module (this package's type-only workerProtocol.ts) and, if not, registers
// tsx itself (tsx's documented `register()` from `tsx/esm/api`) before loading anything else.
import type { FromWorker, ToWorker } from "./workerProtocol.ts";

export interface WorkerEvents {
  message(m: FromWorker): void;
  /** An exception the worker did not catch (it ends the thread), or a message that could not be read. */
  error(e: Error): void;
  /** The thread ended (Node only; browsers do not say). */
  exit(code: number): void;
}

export interface WorkerHandle {
  post(m: ToWorker): void;
  terminate(): void;
  /** Whether the thread keeps Node's event loop alive (no-op in browsers). */
  ref(): void;
  unref(): void;
  /** Node's threadId, or the worker's number in browsers. */
  readonly threadId: number;
}

const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
const isNode = typeof proc?.versions?.node === "string";
const fromSources = import.meta.url.endsWith(".ts");
const entryUrl = new URL(fromSources ? "./workerEntry.ts" : "./workerEntry.js", import.meta.url).href;
/** A .ts module without side effects, imported to learn whether a thread can load TypeScript. */
const probeUrl = new URL(fromSources ? "./workerProtocol.ts" : "../../../src/utils/data/workerProtocol.ts", import.meta.url).href;

export const isTypeScriptUrl = (u: string): boolean => /\.[cm]?tsx?(\?.*)?$/.test(u);

/** The bootstrap a Node worker evaluates (CommonJS): the TypeScript check, then the entry module. */
const BOOTSTRAP = `"use strict";
const { workerData } = require("node:worker_threads");
(async () => {
  const d = workerData;
  if (d.probe) {
    let ok = true;
    try { await import(d.probe + "?torch-ts-ts-probe"); } catch (e) {
      if (e && e.code !== "ERR_UNKNOWN_FILE_EXTENSION" && e.code !== "ERR_MODULE_NOT_FOUND") throw e;
      ok = false;
    }
    if (!ok) {
      if (!d.tsx) throw new Error("this DataLoader worker must load TypeScript (" + d.why + ") but the main thread's TypeScript loader does not reach worker threads: install tsx (the worker registers it itself) or run compiled JavaScript");
      (await import(d.tsx)).register();
    }
  }
  await import(d.entry);
})().catch((e) => { setImmediate(() => { throw e; }); });
`;

let tsxApi: string | null | undefined;
/** tsx's loader API as a URL, or null when tsx cannot be resolved from here. */
function resolveTsx(): string | null {
  if (tsxApi === undefined) {
    try {
      const spec = ["tsx", "esm", "api"].join("/"); // not a literal: bundlers must not follow it
      tsxApi = (import.meta as { resolve?: (s: string) => string }).resolve?.(spec) ?? null;
    } catch {
      tsxApi = null;
    }
  }
  return tsxApi;
}

interface NodeWorker {
  threadId: number;
  postMessage(m: unknown): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
  on(ev: string, f: (x: never) => void): void;
}

let browserWorkers = 0;

/** Starts one worker. `modules`: the modules it will import (to know whether it needs TypeScript). */
export function spawnWorker(events: WorkerEvents, modules: readonly string[]): WorkerHandle {
  if (isNode) {
    const { Worker } = proc!.getBuiltinModule!("node:worker_threads") as { Worker: new (src: string, o: object) => NodeWorker };
    const ts = [entryUrl, ...modules].find(isTypeScriptUrl);
    const workerData = ts ? { entry: entryUrl, probe: probeUrl, tsx: resolveTsx(), why: `it imports ${ts}` } : { entry: entryUrl };
    const w = new Worker(BOOTSTRAP, { eval: true, workerData });
    w.on("message", (m: FromWorker) => events.message(m));
    w.on("error", (e: Error) => events.error(e));
    w.on("messageerror", (e: Error) => events.error(e));
    w.on("exit", (code: number) => events.exit(code));
    return {
      post: (m) => w.postMessage(m),
      terminate: () => void w.terminate(),
      ref: () => w.ref(),
      unref: () => w.unref(),
      threadId: w.threadId,
    };
  }
  const W = (globalThis as { Worker?: new (url: string, o: object) => Worker }).Worker;
  if (!W) throw new Error("DataLoader workers need worker threads (Node) or Web Workers; this runtime has neither");
  const w = new W(entryUrl, { type: "module" });
  w.addEventListener("message", (e) => events.message((e as MessageEvent<FromWorker>).data));
  w.addEventListener("error", (e) => {
    const ev = e as ErrorEvent;
    e.preventDefault();
    events.error(ev.error instanceof Error ? ev.error : new Error(`${ev.message ?? "worker error"} (${ev.filename ?? entryUrl}:${ev.lineno ?? 0})`));
  });
  w.addEventListener("messageerror", () => events.error(new Error("a message from the worker could not be deserialized")));
  return {
    post: (m) => w.postMessage(m),
    terminate: () => w.terminate(),
    ref: () => {},
    unref: () => {},
    threadId: ++browserWorkers,
  };
}

/** The main script's URL (Node), whose module a worker must not import: that would run the program again. */
export function entryModuleUrl(): string | undefined {
  if (!isNode) return undefined;
  const main = (proc as { argv?: string[] }).argv?.[1];
  if (!main) return undefined;
  const url = proc!.getBuiltinModule?.("node:url") as { pathToFileURL(p: string): URL } | undefined;
  return url?.pathToFileURL(main).href;
}
