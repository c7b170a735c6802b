// The WebAssembly SIMD backend pieces: the float32 matmul the CPU backend delegates to, and
// the thread count (torch.setNumThreads / torch.getNumThreads). See docs/WASM.md.
export { wasmMatmul } from "./matmul.ts";
export { setWasmThresholds } from "./thresholds.ts";
export { getNumThreads, setNumThreads } from "./pool.ts";
export { ready as wasmReady, getRuntime as wasmRuntime } from "./runtime.ts";
