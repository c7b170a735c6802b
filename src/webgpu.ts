// torch.webgpu: the WebGPU device's state, as torch.cuda's functions are CUDA's. The device is
// acquired asynchronously, once (WebGPU has no synchronous path): `await torch.webgpu.init()`
// or `await torch.webgpu.isAvailable()` before the first tensor goes to "webgpu". Everything
// after that is synchronous except reading values (docs/DEVICES.md).
import { initWebGPU, webgpuIfReady, type WebGPUBackend } from "./backends/webgpu/index.ts";
import { setWebGPUBackend, type AnyBackend } from "./ops/alloc.ts";

let installed: Promise<WebGPUBackend> | null = null;

/**
 * Acquires the device (the first call; later ones share its result) and makes "webgpu" a
 * device tensors can be on. Rejects with the reason when there is none (no navigator.gpu,
 * the optional `webgpu` package missing in Node, no adapter), and `t.to("webgpu")` reports
 * that reason from then on.
 */
export function init(): Promise<void> {
  installed ??= initWebGPU().then(
    (b) => {
      setWebGPUBackend(b as unknown as AnyBackend);
      return b;
    },
    (e: unknown) => {
      setWebGPUBackend(null, (e as Error).message);
      throw e;
    },
  );
  return installed.then(() => undefined);
}

/** Whether a WebGPU device can be had here; acquires it on the first call (asynchronous, unlike torch.cuda.is_available). */
export async function isAvailable(): Promise<boolean> {
  try {
    await init();
    return true;
  } catch {
    return false;
  }
}

/** Whether init() has succeeded (the synchronous view: false before it resolved). */
export const isInitialized = (): boolean => webgpuIfReady() !== null;

/** 1 once the device is acquired, else 0 (torch-ts drives one device). */
export const deviceCount = (): number => (isInitialized() ? 1 : 0);

/** The adapter's description, e.g. "google swiftshader ... (SwiftShader driver)". */
export function getDeviceName(): string {
  return backend("getDeviceName").runtime.adapterName;
}

/** Resolves when every kernel recorded so far has run (and raises errors the device found). */
export async function synchronize(): Promise<void> {
  const b = webgpuIfReady();
  if (b !== null) await b.runtime.synchronize();
}

/** Bytes held by live tensors' device buffers (PyTorch's memory_allocated; 0 before init). */
export const memoryAllocated = (): number => webgpuIfReady()?.runtime.memory().allocated ?? 0;
/** memoryAllocated plus buffers the caching allocator keeps for reuse (memory_reserved). */
export const memoryReserved = (): number => webgpuIfReady()?.runtime.memory().reserved ?? 0;
/** The peak of memoryAllocated since the start (max_memory_allocated). */
export const maxMemoryAllocated = (): number => webgpuIfReady()?.runtime.memory().peakAllocated ?? 0;

/** The allocator's and the command recorder's counters. */
export function memoryStats(): Record<string, number> {
  const b = webgpuIfReady();
  if (b === null) return {};
  return { ...b.runtime.memory(), ...b.runtime.stats };
}

/** Destroys the cached (unused) device buffers, as torch.cuda.empty_cache; live tensors keep theirs. */
export function emptyCache(): void {
  webgpuIfReady()?.runtime.emptyCache();
}

function backend(fn: string): WebGPUBackend {
  const b = webgpuIfReady();
  if (b === null) throw new Error(`torch.webgpu.${fn}(): webgpu is not initialized: await torch.webgpu.init() first`);
  return b;
}

// The storage handle a webgpu tensor holds (StorageBox.data) and what it names, for typing code that meets one.
export type { GPUArray, GPUDType } from "./backends/webgpu/array.ts";
export type { MemoryStats } from "./backends/webgpu/allocator.ts";
