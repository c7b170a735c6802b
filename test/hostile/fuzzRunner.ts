// Runs the seeded hostile-checkpoint cases of fuzzCases.ts in this (child) process and
// reports each as one JSON line on stdout, for test/serialization.hostileFuzz.test.ts:
//   {"start": i, "name": ...}                  before the case (a hang is the last start)
//   {"i", "name", "family", "outcome", "ms", "rssBefore", "maxRss", "input", "maxBytes", "error"?}
// outcome: "loaded" (and its check passed), "typed" (a checkpoint error), "untyped" (any other
// exception), "wrong" (loaded, but the check failed), "unexpected" (loaded when an error was
// required, or the reverse). Memory: each case starts within 16 MiB of a collected heap, and
// maxRss is the process's peak resident size after it (it only grows, so a growth is the case's).
//   node --expose-gc --import tsx test/hostile/fuzzRunner.ts SEED MAX_BYTES
import { CheckpointError, SafetensorError, UnpicklingError } from "../../src/serialization/errors.ts";
import { readFileSync } from "node:fs";
import { loadFromBuffer, saveToBuffer, setTensorAdapter } from "../../src/serialization/index.ts";
import { tensorAdapter } from "../../src/serialization/tensorAdapter.ts";
import { fuzzCases } from "./fuzzCases.ts";

const seed = Number(process.argv[2] ?? 22);
const defaultMaxBytes = Number(process.argv[3] ?? 32 << 20);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

const typed = (e: unknown) => e instanceof CheckpointError || e instanceof SafetensorError || e instanceof UnpicklingError;
const line = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

// Warm up (modules, compiled code, first allocations) so the first case's memory is its own.
for (const adapter of [tensorAdapter, null]) {
  setTensorAdapter(adapter);
  loadFromBuffer(readFileSync(new URL("../fixtures/checkpoints/model.pt", import.meta.url)));
  loadFromBuffer(readFileSync(new URL("../fixtures/checkpoints/hostile/expand.pt", import.meta.url)));
  loadFromBuffer(saveToBuffer({ a: { dtype: "float32", shape: [2], data: new Float32Array(2) }, b: [1, { c: 2n }] }));
}

const live = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
gc();
const clean = live();

let i = 0;
for (const c of fuzzCases(seed)) {
  const maxBytes = c.opts?.maxBytes ?? defaultMaxBytes;
  line({ start: i, name: c.name });
  setTensorAdapter(c.adapter === "tensor" ? tensorAdapter : null);
  // Collect what earlier cases left when it adds up (a full collection per case would cost
  // most of the run's time), so a case starts within 16 MiB of a clean heap.
  if (live() > clean + (16 << 20)) gc();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  let outcome: string;
  let error: string | undefined;
  let value: unknown;
  try {
    value = loadFromBuffer(c.bytes, { ...c.opts, maxBytes });
    outcome = "loaded";
  } catch (e) {
    outcome = typed(e) ? "typed" : "untyped";
    error = `${(e as Error)?.name}: ${String((e as Error)?.message).slice(0, 300)}`;
    if (outcome === "untyped") error += `\n${String((e as Error)?.stack).slice(0, 2000)}`;
  }
  const ms = performance.now() - t0;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  if (outcome === "loaded" && c.expect === "error") outcome = "unexpected";
  else if (outcome === "typed" && c.expect === "load") outcome = "unexpected";
  else if (outcome === "loaded" && c.check) {
    try {
      c.check(value);
    } catch (e) {
      outcome = "wrong";
      error = String((e as Error)?.message ?? e).slice(0, 500);
    }
  }
  line({ i, name: c.name, family: c.family, outcome, ms, rssBefore, maxRss, input: c.bytes.length, maxBytes, error });
  value = undefined;
  i++;
}
line({ end: i });
