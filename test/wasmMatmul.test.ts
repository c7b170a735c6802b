// The WebAssembly SIMD matmul: against PyTorch's float32 results (fixtures), against the
// TypeScript kernel on random strided/transposed/batched operands and odd sizes, on one and
// two threads (the reference is the TS kernel with a float64 out, which never delegates to
// wasm), plus its declines, the thread-count API and process exit with an idle pool.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { StridedView } from "../src/backends/backend.ts";
import { matmul as tsMatmul } from "../src/backends/cpu/matmul.ts";
import { getNumThreads, setNumThreads, setWasmThresholds, wasmMatmul, wasmReady, wasmRuntime } from "../src/backends/wasm/index.ts";
import { SPIN_US, lastJobChunks, memoryViews, resetCoresCheck, workerCount } from "../src/backends/wasm/pool.ts";
import { getLocalRuntime } from "../src/backends/wasm/runtime.ts";
import { emitSgemm, relaxedSimdProbe } from "../src/backends/wasm/sgemm.ts";
import { RuntimeError } from "../src/errors.ts";
import { uniformArray as randomArray } from "./xorshift.ts";

interface FixtureCase {
  name: string; batch: number; m: number; k: number; n: number;
  transposeA: boolean; transposeB: boolean;
  aStorage: number[]; bStorage: number[]; out: number[];
}
// Every job large enough is split, whatever else runs on the machine (pool.ts coresFree).
setWasmThresholds({ checkCoresFree: false });
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/wasm_matmul.json", import.meta.url), "utf8")) as { cases: FixtureCase[] };

/** View of [batch, rows, cols] over storage; transposed: storage holds [batch, cols, rows]. */
function operand(data: Float32Array, batch: number, rows: number, cols: number, transposed: boolean, broadcast = false, offset = 0): StridedView {
  const bs = broadcast ? 0 : rows * cols;
  return transposed
    ? { data, shape: [batch, rows, cols], strides: [bs, 1, rows], offset }
    : { data, shape: [batch, rows, cols], strides: [bs, cols, 1], offset };
}

/** Per element: |wasm - ref| <= k * 2^-23 * sum_p |a_ip b_pj| (float32 summation bound, with slack 2). */
function assertClose(got: Float32Array, ref: ArrayLike<number>, a: StridedView, b: StridedView, batch: number, m: number, k: number, n: number, what: string): void {
  const A = a.data as Float32Array;
  const B = b.data as Float32Array;
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let mag = 0;
        for (let p = 0; p < k; p++) {
          const av = A[a.offset + t * a.strides[0]! + i * a.strides[1]! + p * a.strides[2]!]!;
          const bv = B[b.offset + t * b.strides[0]! + p * b.strides[1]! + j * b.strides[2]!]!;
          mag += Math.abs(av * bv);
        }
        const idx = (t * m + i) * n + j;
        const tol = k * 2 ** -23 * mag + 1e-30;
        if (!(Math.abs(got[idx]! - ref[idx]!) <= tol)) {
          assert.fail(`${what}: out[${t},${i},${j}] = ${got[idx]} but expected ${ref[idx]} (tolerance ${tol})`);
        }
      }
    }
  }
}

await wasmReady();
const available = wasmRuntime() !== null;

test("WebAssembly SIMD is available on this Node", () => {
  assert.ok(available, "WebAssembly SIMD should validate on Node >= 20");
});

test("matches PyTorch's float32 matmul (odd sizes, batched, transposed)", () => {
  setWasmThresholds({ minWork: 0, minMatrixWork: 0 });
  setNumThreads(1);
  for (const c of fixtures.cases) {
    const a = operand(Float32Array.from(c.aStorage), c.batch, c.m, c.k, c.transposeA);
    const b = operand(Float32Array.from(c.bStorage), c.batch, c.k, c.n, c.transposeB);
    const out = new Float32Array(c.batch * c.m * c.n);
    assert.equal(wasmMatmul(a, b, out, c.batch, c.m, c.k, c.n), true, c.name);
    assertClose(out, c.out, a, b, c.batch, c.m, c.k, c.n, c.name);
  }
});

const sizes: [number, number, number][] = [
  [1, 1, 1], [3, 3, 3], [17, 17, 17], [1, 65, 17], [65, 1, 130], [130, 17, 3], [5, 300, 9], [33, 257, 66], [130, 130, 130],
];

for (const threads of [1, 2]) {
  test(`conformance with the TypeScript kernel, ${threads} thread(s)`, async () => {
    setWasmThresholds({ minWork: 0, minMatrixWork: 0, minWorkPerThread: 0 });
    setNumThreads(threads);
    // let the workers come up so they take part (they join whenever they are ready)
    if (threads > 1) {
      const a = operand(randomArray(64 * 64, 1), 1, 64, 64, false);
      wasmMatmul(a, a, new Float32Array(64 * 64), 1, 64, 64, 64);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(workerCount(), threads - 1);
    }
    let seed = 7;
    for (const [m, k, n] of sizes) {
      for (const [ta, tb, batch, bcastB] of [[false, false, 1, false], [true, false, 2, false], [false, true, 3, true], [true, true, 2, false]] as const) {
        const aOff = 5;
        const bOff = 3;
        const a = operand(randomArray(aOff + batch * m * k, seed++), batch, m, k, ta, false, aOff);
        const b = operand(randomArray(bOff + (bcastB ? 1 : batch) * k * n, seed++), batch, k, n, tb, bcastB, bOff);
        const got = new Float32Array(batch * m * n).fill(NaN);
        const ref = new Float64Array(batch * m * n); // float64 out: the TS kernel, never wasm
        assert.equal(wasmMatmul(a, b, got, batch, m, k, n), true);
        tsMatmul(a, b, ref, batch, m, k, n);
        assertClose(got, ref, a, b, batch, m, k, n, `[${batch}, ${m}, ${k}] @ [${k}, ${n}] transA=${ta} transB=${tb} broadcastB=${bcastB}`);
      }
      // a transposed B whose columns are not dense (a slice: each column k + 1 floats apart)
      // is gathered, not packed from its storage
      const a = operand(randomArray(2 * m * k, seed++), 2, m, k, false, false);
      const b: StridedView = { data: randomArray(2 * n * (k + 1), seed++), shape: [2, k, n], strides: [n * (k + 1), 1, k + 1], offset: 0 };
      const got = new Float32Array(2 * m * n).fill(NaN);
      const ref = new Float64Array(2 * m * n);
      assert.equal(wasmMatmul(a, b, got, 2, m, k, n), true);
      tsMatmul(a, b, ref, 2, m, k, n);
      assertClose(got, ref, a, b, 2, m, k, n, `[2, ${m}, ${k}] @ sliced transposed [${k}, ${n}]`);
    }
  });
}

test("a large threaded product stays correct over repeated jobs", () => {
  setWasmThresholds({ minWork: 0, minMatrixWork: 0, minWorkPerThread: 0 });
  setNumThreads(2);
  const m = 96, k = 300, n = 200;
  const a = operand(randomArray(m * k, 11), 1, m, k, false);
  const b = operand(randomArray(k * n, 12), 1, k, n, true);
  const ref = new Float64Array(m * n);
  tsMatmul(a, b, ref, 1, m, k, n);
  let workerRan = 0;
  for (let r = 0; r < 20; r++) {
    const got = new Float32Array(m * n);
    assert.equal(wasmMatmul(a, b, got, 1, m, k, n), true);
    assertClose(got, ref, a, b, 1, m, k, n, `repeat ${r}`);
    const chunks = lastJobChunks();
    assert.ok(chunks.total >= 8, `2 threads split the job into ${chunks.total} chunks`);
    if (chunks.main < chunks.total) workerRan++;
  }
  assert.ok(workerRan > 0, "the worker took chunks of some job");
});

test("on Linux under Node a worker runs 10 nice levels below the main thread, which keeps its own", async (t) => {
  if (process.platform !== "linux") {
    t.diagnostic(`${process.platform}: threads have no nice value of their own here, and the worker does not set one`);
    return;
  }
  assert.ok(workerCount() >= 1, "the tests above started a worker");
  /** Nice values of this process's threads: field 19 of /proc/self/task/<tid>/stat (after the command in parentheses). */
  const niceByThread = () => new Map(readdirSync("/proc/self/task").map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    return [Number(tid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])] as const;
  }));
  // 10 above the process's own, at most 19 (the lowest priority; a process already there
  // has all its threads there); the worker sets it when it starts, which the pool does not
  // wait for
  let nice = niceByThread();
  const base = nice.get(process.pid)!, want = Math.min(19, base + 10);
  const atWant = () => [...nice.values()].filter((v) => v === want).length - (base === want ? nice.size - workerCount() : 0);
  for (let i = 0; i < 100 && atWant() < workerCount(); i++) {
    await new Promise((r) => setTimeout(r, 50));
    nice = niceByThread();
  }
  assert.equal(nice.get(process.pid), base, "the main thread keeps its nice value");
  assert.equal(atWant(), workerCount(), `one thread at nice ${want} per worker, the main thread at ${base}: ${JSON.stringify([...nice])}`);
});

test("a job below the per-thread threshold runs on the calling thread alone, even with a worker up", () => {
  setNumThreads(2);
  assert.equal(workerCount(), 1, "the conformance tests started the worker");
  setWasmThresholds({ minWork: 0, minMatrixWork: 0, minWorkPerThread: 64 * 64 * 64 });
  const batch = 16, m = 16, k = 16, n = 16; // 65,536 multiply-adds in 16 chunks (one per matrix): one thread
  const a = operand(randomArray(batch * m * k, 21), batch, m, k, false);
  const b = operand(randomArray(batch * k * n, 22), batch, k, n, false);
  const ref = new Float64Array(batch * m * n);
  tsMatmul(a, b, ref, batch, m, k, n);
  const big = operand(randomArray(128 * 128, 23), 1, 128, 128, false);
  for (let r = 0; r < 20; r++) {
    // a threaded job first, so the worker is awake and polling when the small one is published
    wasmMatmul(big, big, new Float32Array(128 * 128), 1, 128, 128, 128);
    const got = new Float32Array(batch * m * n);
    assert.equal(wasmMatmul(a, b, got, batch, m, k, n), true);
    assertClose(got, ref, a, b, batch, m, k, n, `repeat ${r}`);
    const chunks = lastJobChunks();
    assert.equal(chunks.total, batch);
    assert.equal(chunks.main, chunks.total, `repeat ${r}: the worker took ${chunks.total - chunks.main} of ${chunks.total} chunks`);
  }
});

test("work on one thread runs on the unshared memory, split work on the shared one", () => {
  const threaded = wasmRuntime()!, local = getLocalRuntime()!;
  assert.equal(threaded.memory.buffer instanceof SharedArrayBuffer, true, "Node shares the threaded runtime's memory");
  assert.equal(local.memory.buffer instanceof SharedArrayBuffer, false, "the one-thread runtime's memory is not shared");
  setWasmThresholds({ minWork: 0, minMatrixWork: 0, minWorkPerThread: 1 << 20 });
  // [4, k] @ [k, 8] with B larger than either memory so far: whichever runs it must grow
  const k = Math.ceil((Math.max(threaded.memory.buffer.byteLength, local.memory.buffer.byteLength) + (1 << 20)) / 32);
  const a = operand(randomArray(4 * k, 31), 1, 4, k, false);
  const b = operand(randomArray(k * 8, 32), 1, k, 8, false);
  const ref = new Float64Array(32);
  tsMatmul(a, b, ref, 1, 4, k, 8);
  for (const threads of [1, 2]) {
    setNumThreads(threads);
    const sharedBefore = threaded.memory.buffer.byteLength, localBefore = local.memory.buffer.byteLength;
    const got = new Float32Array(32);
    assert.equal(wasmMatmul(a, b, got, 1, 4, k, 8), true);
    assertClose(got, ref, a, b, 1, 4, k, 8, `${threads} thread(s)`);
    const grew = (threads === 1 ? local : threaded).memory.buffer.byteLength;
    assert.ok(grew >= 32 * k, `${threads} thread(s): the ${threads === 1 ? "unshared" : "shared"} memory grew to ${grew} bytes`);
    const other = threads === 1 ? [threaded, sharedBefore] as const : [local, localBefore] as const;
    assert.equal(other[0].memory.buffer.byteLength, other[1], `${threads} thread(s): the other memory is untouched`);
  }
  setWasmThresholds({ minWorkPerThread: 1 << 21 });
});

test("under Node the products fuse multiply and add (relaxed SIMD, its flag on only while the module compiles)", () => {
  const [major, minor] = process.versions.v8.split(".").map(Number) as [number, number];
  const shipped = major > 11 || (major === 11 && minor >= 4); // V8 11.4 validates relaxed SIMD by default
  assert.equal(wasmRuntime()!.fma && getLocalRuntime()!.fma, true, "both runtimes were compiled with f32x4.relaxed_madd");
  assert.equal(WebAssembly.validate(relaxedSimdProbe() as BufferSource), shipped, "the engine validates relaxed SIMD as it did before");
  // Every C = -1 * 1 + (1 + 2^-12)^2. Fused: 2^-11 + 2^-24 exactly. Unfused, the square rounds
  // (a tie, to even) to 1 + 2^-11 first: 2^-11. V8 fuses where the CPU has an FMA instruction.
  const cpuFma = process.arch === "arm64" || (process.arch === "x64" && /^flags\s*:.*\bfma\b/m.test(readFileSync("/proc/cpuinfo", "utf8")));
  const want = cpuFma ? 2 ** -11 + 2 ** -24 : 2 ** -11;
  const m = 64, n = 8, e = 1 + 2 ** -12;
  const a = new Float32Array(m * 2), b = new Float32Array(2 * n);
  for (let i = 0; i < m; i++) a.set([-1, e], 2 * i);
  b.fill(1, 0, n).fill(e, n);
  setWasmThresholds({ minWork: 0, minMatrixWork: 0, minWorkPerThread: 1 });
  try {
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      const got = new Float32Array(m * n);
      assert.equal(wasmMatmul(operand(a, 1, m, 2, false), operand(b, 1, 2, n, false), got, 1, m, 2, n), true);
      if (threads === 2) assert.equal(lastJobChunks().total > 1, true, "the product was split over the workers");
      for (let i = 0; i < m * n; i++) if (got[i] !== want) assert.fail(`${threads} thread(s): C[${i}] = ${got[i]}, want ${want}`);
    }
  } finally {
    setWasmThresholds({ minWorkPerThread: 1 << 21 });
  }
});

/**
 * The CPU-sharing check on and fresh (pool.ts coresFree; the run-delay part only with
 * `maxRunDelay`), two threads, and a 64x64 product that splits whenever it may.
 */
function coresCheck(seed: number, maxRunDelay = Infinity): { ctl: Int32Array; product: () => void } {
  resetCoresCheck();
  setWasmThresholds({ minWork: 0, minMatrixWork: 0, minWorkPerThread: 0, checkCoresFree: true, maxRunDelay });
  setNumThreads(2);
  const a = operand(randomArray(64 * 64, seed), 1, 64, 64, false);
  const out = new Float32Array(64 * 64);
  return { ctl: memoryViews(wasmRuntime()!).ctl, product: () => assert.equal(wasmMatmul(a, a, out, 1, 64, 64, 64), true) };
}

/** Keeps the calling thread on its CPU for ms milliseconds. */
function busy(ms: number): void {
  for (const end = performance.now() + ms; performance.now() < end;);
}

test("a worker that slept while the calling thread worked alone does not read as cores shared with other processes", () => {
  const { ctl, product } = coresCheck(43);
  try {
    product();
    // the calling thread computes alone for 120 ms (the worker polls, then sleeps): the window
    // ending at the next job lacks the worker's sleep, which it adds to SLEPT_US on waking
    busy(120);
    product();
    assert.ok(lastJobChunks().total > 1, "the job after working alone is split");
    busy(60);
    product();
    assert.ok(lastJobChunks().total > 1, "and so is the next one, its window holding the sleep");
    assert.notEqual(ctl[SPIN_US], 0, "workers poll between jobs");
  } finally {
    setWasmThresholds({ minWorkPerThread: 1 << 21, checkCoresFree: false, maxRunDelay: 0.1 });
  }
});

test("while threads of this process keep the calling thread from its CPU, workers sleep between jobs, which still split", async () => {
  const { ctl, product } = coresCheck(47, 0.1);
  // three spinning threads per core, in this process: their CPU time is the process's (the CPU-share
  // check sees a busy process), but the calling thread now waits for a CPU
  const { Worker } = await import("node:worker_threads");
  const hogs = Array.from({ length: 3 * availableParallelism() }, () => new Worker("for (;;);", { eval: true }));
  try {
    await new Promise((r) => setTimeout(r, 100));
    const spins: number[] = [];
    for (let i = 0; i < 5; i++) {
      busy(60);
      product();
      assert.ok(lastJobChunks().total > 1, `job ${i} is split`);
      spins.push(ctl[SPIN_US]!);
    }
    const linux = existsSync("/proc/thread-self/schedstat");
    // Linux: from the second window on (the first starts the measurement) workers sleep at once
    if (linux) assert.ok(spins.slice(2).every((s) => s === 0), `workers told to sleep between jobs: ${spins.join(", ")}`);
    else assert.ok(spins.every((s) => s > 0), "without a run delay to read, workers poll");
  } finally {
    await Promise.all(hogs.map((h) => h.terminate()));
    setWasmThresholds({ minWorkPerThread: 1 << 21, checkCoresFree: false, maxRunDelay: 0.1 });
  }
});

test("while this process does not get its CPUs (here: a main thread that sleeps), jobs run on one thread and workers sleep between jobs", () => {
  const { ctl, product } = coresCheck(41);
  const idle = new Int32Array(new SharedArrayBuffer(4));
  try {
    product();
    assert.ok(lastJobChunks().total > 1, "split while the process had its CPU");
    // twice 120 ms in which this process uses next to no CPU: far under the main thread's
    // whole one (two windows in a row)
    Atomics.wait(idle, 0, 0, 120);
    product();
    assert.ok(lastJobChunks().total > 1, "one such window is not enough");
    Atomics.wait(idle, 0, 0, 120);
    product();
    assert.equal(ctl[SPIN_US], 0, "the job after the second idle stretch tells the workers to sleep between jobs");
    product();
    assert.equal(lastJobChunks().total, 1, "and the next product runs on the calling thread alone");
  } finally {
    setWasmThresholds({ minWorkPerThread: 1 << 21, checkCoresFree: false, maxRunDelay: 0.1 });
  }
});

test("the module takes tile heights that halve down to its one-row tail, and names any other", () => {
  const o = { fma: false, unroll: 1, nr: 8, shared: false, maximumPages: 16 };
  assert.throws(() => emitSgemm({ ...o, mr: 3 }), (e: unknown) => e instanceof RangeError && /power of two, got 3/.test(e.message));
  assert.equal(WebAssembly.validate(emitSgemm({ ...o, mr: 2 }) as BufferSource), true, "tiles of 2 and a 1-row tail");
});

test("declines what it does not handle", () => {
  setWasmThresholds({ minWork: 0, minMatrixWork: 0 });
  const a64: StridedView = { data: new Float64Array(16), shape: [1, 4, 4], strides: [16, 4, 1], offset: 0 };
  assert.equal(wasmMatmul(a64, a64, new Float64Array(16), 1, 4, 4, 4), false, "float64");
  const a32 = operand(new Float32Array(16), 1, 4, 4, false);
  assert.equal(wasmMatmul(a32, a32, new Float64Array(16), 1, 4, 4, 4), false, "float64 out");
  const empty = operand(new Float32Array(0), 1, 4, 0, false);
  assert.equal(wasmMatmul(empty, operand(new Float32Array(0), 1, 0, 4, false), new Float32Array(16), 1, 4, 0, 4), false, "k = 0");
  setWasmThresholds({ minWork: 16 * 16 * 16 });
  const out = new Float32Array(16).fill(7);
  assert.equal(wasmMatmul(a32, a32, out, 1, 4, 4, 4), false, "below the size threshold");
  assert.deepEqual(Array.from(out), new Array<number>(16).fill(7), "a decline leaves out untouched");
  setWasmThresholds({ minMatrixWork: 16 * 16 * 16 });
  const many = operand(new Float32Array(4096 * 16), 4096, 4, 4, false);
  assert.equal(wasmMatmul(many, many, new Float32Array(4096 * 16), 4096, 4, 4, 4), false, "a large batch of tiny products");
});

test("setNumThreads / getNumThreads with PyTorch's errors", () => {
  setNumThreads(2);
  assert.equal(getNumThreads(), 2);
  setNumThreads(1);
  assert.equal(getNumThreads(), 1);
  assert.equal(workerCount(), 0, "shrinking stops the extra workers");
  assert.throws(() => setNumThreads(0), (e: unknown) => e instanceof RuntimeError && e.message === "setNumThreads expects a positive integer");
  assert.throws(() => setNumThreads(-2), (e: unknown) => e instanceof RuntimeError && e.message === "setNumThreads expects a positive integer");
  assert.throws(() => setNumThreads(1.5), (e: unknown) => e instanceof RuntimeError && e.message === "setNumThreads expects an int, but got float");
  assert.equal(getNumThreads(), 1);
});

test("setNumThreads clamps to the machine's threads, with a warning (1000 threads on 2 cores ran 10x slower)", () => {
  const most = Math.min(availableParallelism(), 64);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => void warnings.push(m);
  try {
    setNumThreads(1000);
    assert.equal(getNumThreads(), most);
    assert.deepEqual(warnings, [`UserWarning: setNumThreads(1000) asks for more threads than the ${most} this machine runs at once; using ${most}`]);
    setNumThreads(most); // exactly the machine's threads: no warning
    assert.equal(warnings.length, 1);
  } finally {
    console.warn = warn;
    setNumThreads(1);
  }
  assert.equal(workerCount(), 0);
});

test("a compile with relaxed SIMD that fails (the process-wide flag turned off under it) is redone without, and the kernels run", () => {
  const index = fileURLToPath(new URL("../src/backends/wasm/index.ts", import.meta.url));
  const runtime = fileURLToPath(new URL("../src/backends/wasm/runtime.ts", import.meta.url));
  const script = `
    // the first module compiled throws, as a relaxed-SIMD module does once the flag is off
    const Module = WebAssembly.Module;
    let calls = 0;
    WebAssembly.Module = function (bytes) { if (calls++ === 0) throw new WebAssembly.CompileError("relaxed SIMD is off"); return new Module(bytes); };
    const { setNumThreads, wasmMatmul } = await import(${JSON.stringify(index)});
    const { getRuntime, getLocalRuntime } = await import(${JSON.stringify(runtime)});
    setNumThreads(2);
    const n = 256, a = new Float32Array(n * n).fill(1);
    const v = { data: a, shape: [1, n, n], strides: [0, n, 1], offset: 0 };
    const out = new Float32Array(n * n);
    const ran = wasmMatmul(v, v, out, 1, n, n, n);
    console.log(ran, getRuntime().fma, getLocalRuntime().fma, calls, out[0], out[n * n - 1]);
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30000 });
  assert.equal(r.error, undefined, `child failed: ${r.error}`);
  assert.equal(r.status, 0, r.stderr);
  // one failed compile, then the shared and the unshared module without relaxed SIMD
  assert.equal(r.stdout.trim(), "true false false 3 256 256");
});

test("where V8's flags cannot be set (setFlagsFromString throws), the kernels compile without relaxed SIMD and run", () => {
  const index = fileURLToPath(new URL("../src/backends/wasm/index.ts", import.meta.url));
  const runtime = fileURLToPath(new URL("../src/backends/wasm/runtime.ts", import.meta.url));
  const script = `
    const v8 = process.getBuiltinModule("node:v8");
    v8.setFlagsFromString = () => { throw new Error("flags are frozen"); };
    const { wasmMatmul } = await import(${JSON.stringify(index)});
    const { getRuntime } = await import(${JSON.stringify(runtime)});
    const n = 128, a = new Float32Array(n * n).fill(1);
    const v = { data: a, shape: [1, n, n], strides: [0, n, 1], offset: 0 };
    const out = new Float32Array(n * n);
    console.log(wasmMatmul(v, v, out, 1, n, n, n), getRuntime().fma, out[0]);
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30000 });
  assert.equal(r.error, undefined, `child failed: ${r.error}`);
  assert.equal(r.status, 0, r.stderr);
  const shipped = WebAssembly.validate(relaxedSimdProbe() as BufferSource); // an engine with relaxed SIMD on needs no flag
  assert.equal(r.stdout.trim(), `true ${shipped} 128`);
});

test("an idle worker pool does not keep the process alive", () => {
  const index = fileURLToPath(new URL("../src/backends/wasm/index.ts", import.meta.url));
  const script = `
    import { setNumThreads, wasmMatmul } from ${JSON.stringify(index)};
    setNumThreads(2);
    const n = 256, a = new Float32Array(n * n).fill(1);
    const v = { data: a, shape: [1, n, n], strides: [0, n, 1], offset: 0 };
    const out = new Float32Array(n * n);
    wasmMatmul(v, v, out, 1, n, n, n);
    await new Promise((r) => setTimeout(r, 200));
    wasmMatmul(v, v, out, 1, n, n, n);
    console.log(out[0], out[n * n - 1]);
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30000 });
  assert.equal(r.error, undefined, `child failed: ${r.error}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "256 256");
});
