// The WebAssembly runtimes: feature detection, the compiled SGEMM module, its memory (shared
// when the platform allows threads) and the main thread's instance; and a second instance of
// the same code over an unshared memory, for work that runs on the calling thread alone
// (elementwise ops, pooling, and every product too small to split). V8 copies into and out of
// a shared memory through relaxed-atomic copies, 1.8-3.5x slower than memcpy (256 KiB: 10-11
// against 3 us; 1.2 MiB: 46-50 against 26 us, measured on the benchmark machine), and those
// copies are most of an elementwise op's time. Node compiles synchronously on first use;
// browsers (which refuse synchronous compilation of large modules on the main thread) compile
// asynchronously at import, and the wasm path declines until then.
import { MR, NR, emitSgemm, relaxedSimdProbe, simdProbe } from "./sgemm.ts";

export const PAGE = 65536;
/** 2 GiB: a matmul needing more declines to the TypeScript kernel. */
export const MAX_PAGES = 32768;

export interface SgemmExports {
  chunk(ctl: number, c: number, scratch: number): void;
  kernel(a: number, lda: number, aks: number, bp: number, bks: number, c: number, ldc: number, kc: number, rows: number, accumulate: number): void;
  packB(src: number, ldb: number, bjs: number, dst: number, kc: number, panels: number): void;
  binary(op: number, a: number, aRow: number, aSplat: number, b: number, bRow: number, bSplat: number, o: number, rows: number, rowBytes: number): void;
  unary(op: number, x: number, o: number, bytes: number): void;
  axpy(x: number, o: number, bytes: number, alphaAt: number): void;
  sumRows(x: number, o: number, rows: number, rowBytes: number): void;
  sumColumns(x: number, o: number, rows: number, rowBytes: number): void;
  copyRows(src: number, dst: number, A: number, B: number, len: number, srcA: number, srcB: number, dstA: number, dstB: number): void;
  gatherRows(src: number, dst: number, n0: number, n1: number, n2: number, s0: number, s1: number, s2: number, len: number): void;
  maxPool2x2(x: number, values: number, indices: number, planes: number, H: number, W: number, OH: number, OW: number, lanes: number): void;
  adam(p: number, g: number, m: number, v: number, vmax: number, bytes: number, hp: number, flags: number): void;
  maxPool2x2Backward(grad: number, indices: number, out: number, planes: number, H: number, W: number, OH: number, OW: number, lanes: number): void;
}

export interface Runtime {
  /** @internal (WebAssembly's types are DOM-only: kept out of the published declarations) */
  module: WebAssembly.Module;
  /** @internal */
  memory: WebAssembly.Memory;
  exports: SgemmExports;
  shared: boolean;
  fma: boolean;
  /** Typed-array views of the memory, rebuilt when it grows (pool.ts memoryViews). */
  views?: { buffer: ArrayBufferLike; mem: Float32Array; ctl: Int32Array; words: Int32Array; f64: Float64Array };
}

export const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";

function validate(bytes: Uint8Array): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(bytes as BufferSource);
  } catch {
    return false;
  }
}

/** Threads need SharedArrayBuffer (browsers: cross-origin isolation) and shared wasm memory. */
function sharedMemoryWorks(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  if (!isNode && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) return false;
  try {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return m.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

export const UNROLL = 1;

/** The module's bytes over a shared memory (where threads work) or an unshared one; `fma` false: never relaxed SIMD. */
function moduleBytes(wantShared: boolean, fmaIfValid = true): { bytes: Uint8Array; shared: boolean; fma: boolean } | null {
  if (typeof WebAssembly !== "object" || !validate(simdProbe())) return null;
  const fma = fmaIfValid && validate(relaxedSimdProbe());
  const shared = wantShared && sharedMemoryWorks();
  return { bytes: emitSgemm({ fma, unroll: UNROLL, mr: MR, nr: NR, shared, maximumPages: MAX_PAGES }), shared, fma };
}

function instantiate(module: WebAssembly.Module, shared: boolean, fma: boolean): Runtime {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { module, memory, exports: instance.exports as unknown as SgemmExports, shared, fma };
}

let runtime: Runtime | null = null;
let local: Runtime | null = null;
let failed = false;
let pending: Promise<void> | null = null;

/**
 * Node 20's V8 (11.3) implements relaxed SIMD but validates it only behind
 * `--experimental-wasm-relaxed-simd` (V8 11.4 shipped it unchanged). Its `f32x4.relaxed_madd`
 * is a fused multiply-add where the CPU has one: the GEMM kernel measured 1.25-1.3x faster
 * with it than with mul + add. So Node turns the flag on for the probe and the two compiles
 * and off again after: a compiled module keeps the features it was compiled with (its lazy
 * and tier-up compiles too, and the workers', which receive the compiled module), and the
 * process's other WebAssembly sees the engine as it was. A Node that validates relaxed SIMD by
 * itself, or whose flag does not make the probe validate, is left untouched.
 */
function withRelaxedSimd(compile: () => void): void {
  const setFlags = validate(relaxedSimdProbe()) ? null : v8SetFlags();
  if (setFlags === null || !setFlags("--experimental-wasm-relaxed-simd")) return compile();
  try {
    compile();
  } finally {
    setFlags("--no-experimental-wasm-relaxed-simd");
  }
}

/** node:v8's setFlagsFromString as a call that reports failure (false) instead of throwing; null where there is none. */
function v8SetFlags(): ((flags: string) => boolean) | null {
  try {
    const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    const v8 = getBuiltin?.("node:v8") as { setFlagsFromString?: (flags: string) => void } | undefined;
    const set = v8?.setFlagsFromString;
    if (typeof set !== "function") return null;
    return (flags) => {
      try {
        set.call(v8, flags);
        return true;
      } catch {
        return false;
      }
    };
  } catch {
    return null;
  }
}

/** Compiles and instantiates both runtimes synchronously (Node). */
function compileSync(): void {
  withRelaxedSimd(compileBoth);
}

/**
 * Both runtimes, with relaxed SIMD where it validates. Should a compile with it still fail (the
 * flag is process-wide: a worker thread of this process that compiles its own runtime at the
 * same moment may turn it off between our probe and our compile), both are compiled without.
 */
function compileBoth(): void {
  try {
    compileRuntimes(true);
  } catch {
    try {
      compileRuntimes(false);
    } catch {
      failed = true;
      runtime = local = null;
    }
  }
}

function compileRuntimes(fmaIfValid: boolean): void {
  runtime = local = null;
  const m = moduleBytes(true, fmaIfValid);
  if (!m) {
    failed = true;
    return;
  }
  const shared = instantiate(new WebAssembly.Module(m.bytes as BufferSource), m.shared, m.fma);
  let unshared = shared;
  if (m.shared) {
    const u = moduleBytes(false, m.fma)!;
    unshared = instantiate(new WebAssembly.Module(u.bytes as BufferSource), false, u.fma);
  }
  runtime = shared;
  local = unshared;
}

/** The threaded runtime, or null where WebAssembly SIMD is unavailable (or still compiling in a browser). */
export function getRuntime(): Runtime | null {
  if (runtime || failed) return runtime;
  if (!isNode) return null; // the async compile started at import fills `runtime`
  compileSync();
  return runtime;
}

/** The unshared runtime for work on the calling thread alone (the threaded one where memory is not shared anyway). */
export function getLocalRuntime(): Runtime | null {
  if (local || failed) return local;
  if (!isNode) return null;
  compileSync();
  return local;
}

/** Resolves once the runtimes are ready (or known unavailable). */
export function ready(): Promise<void> {
  if (runtime || failed) return Promise.resolve();
  if (isNode) {
    getRuntime();
    return Promise.resolve();
  }
  pending ??= (async () => {
    try {
      const m = moduleBytes(true);
      if (!m) {
        failed = true;
        return;
      }
      const shared = instantiate(await WebAssembly.compile(m.bytes as BufferSource), m.shared, m.fma);
      let unshared = shared;
      if (m.shared) {
        const u = moduleBytes(false)!;
        unshared = instantiate(await WebAssembly.compile(u.bytes as BufferSource), false, u.fma);
      }
      runtime = shared;
      local = unshared;
    } catch {
      failed = true;
    }
  })();
  return pending;
}

if (!isNode) void ready();

/** Grows memory to at least `bytes`; false when that is over MAX_PAGES or the grow fails. */
export function ensureBytes(rt: Runtime, bytes: number): boolean {
  const have = rt.memory.buffer.byteLength;
  if (bytes <= have) return true;
  const pages = Math.ceil(bytes / PAGE);
  if (pages > MAX_PAGES) return false;
  try {
    rt.memory.grow(pages - have / PAGE);
    return true;
  } catch {
    return false;
  }
}
