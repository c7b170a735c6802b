// The module a DataLoader worker starts: a Node worker thread (worker_threads) or a browser
// Web Worker ({ type: "module" }). It connects workerLoop.ts to the thread's message port.
import { runWorker } from "./workerLoop.ts";
import type { FromWorker, Port, ToWorker } from "./workerProtocol.ts";

interface NodePort {
  on(ev: "message", f: (m: ToWorker) => void): void;
  postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void;
  close(): void;
}

const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
const isNode = typeof proc?.versions?.node === "string";

/** A Web Worker's port; its listener is attached at once, before any await, so no message is missed. */
function webPort(): Port {
  const self_ = globalThis as unknown as {
    postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void;
    addEventListener(ev: "message", f: (e: { data: ToWorker }) => void): void;
  };
  const early: ToWorker[] = [];
  let handler: ((m: ToWorker) => void) | null = null;
  self_.addEventListener("message", (e) => (handler ? handler(e.data) : early.push(e.data)));
  return {
    post: (m, t) => self_.postMessage(m, t ?? []),
    onMessage: (h) => {
      handler = h;
      for (const m of early.splice(0)) h(m);
    },
  };
}

async function nodePort(): Promise<NodePort> {
  const spec = "node:worker_threads";
  const wt = (proc!.getBuiltinModule?.(spec) ?? (await import(/* @vite-ignore */ spec))) as { parentPort: NodePort | null };
  if (!wt.parentPort) throw new Error("workerEntry is the module of a DataLoader worker thread: it is not run directly");
  return wt.parentPort;
}

// A Node worker's parentPort queues messages until a listener is attached.
const np = isNode ? await nodePort() : null;
const port: Port = np ? { post: (m, t) => np.postMessage(m, t), onMessage: (h) => np.on("message", h) } : webPort();
await runWorker(port);
np?.close();
