// Lets @tensorflow/tfjs-backend-wasm run its threaded (pthreads) build under Node.
//
// Out of the box tfjs-backend-wasm 4.22 is single-threaded in Node, for three reasons:
//  1. the flag WASM_HAS_MULTITHREAD_SUPPORT returns false whenever IS_NODE (tfjs issue #3830);
//  2. the threaded build starts its pthread workers from `blob:` URLs (URL.createObjectURL),
//     which Node's worker_threads cannot load, and each worker then `importScripts` the
//     Emscripten glue from another blob: URL;
//  3. XNNPACK's thread pool size is clamped to emscripten_num_logical_cores() / 2 — it assumes
//     2 hyper-threads per core — which is os.cpus().length / 2 in Node, i.e. 1 on a 2-core box,
//     whatever setThreadsCount() asked for.
// This module works around all three before the backend initialises: it forces the flag,
// writes the worker script to a real file whose blob: look-ups resolve to the package's own
// glue file, and makes os.cpus() report 2 * threads entries. The result is verified by the
// caller with wasm.getThreadsCount() and reported; the math runs unchanged in tfjs's kernels.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { join, dirname } from "node:path";

export function enableTfjsWasmThreadsInNode(threads: number): void {
  const require = createRequire(import.meta.url);
  const wasmOut = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")), "..", "wasm-out");
  const { wasmWorkerContents } = require(join(wasmOut, "tfjs-backend-wasm-threaded-simd.worker.js")) as { wasmWorkerContents: string };
  const glue = join(wasmOut, "tfjs-backend-wasm-threaded-simd.js");
  const workerPath = join(os.tmpdir(), `tfjs-wasm-pthread-worker-${process.pid}.cjs`);
  // tfjs escapes newlines the same way before it makes its Blob: string literals in the
  // worker source contain "\n" escapes that must stay escapes.
  const shim = `URL.createObjectURL = () => ${JSON.stringify(glue)}; URL.revokeObjectURL = () => {};\n`;
  writeFileSync(workerPath, shim + wasmWorkerContents.replace(/\n/g, "\\n"));
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob) =>
    obj instanceof Blob && obj.type === "application/javascript" ? workerPath : createObjectURL(obj);
  const cpus = os.cpus();
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]!);
}
