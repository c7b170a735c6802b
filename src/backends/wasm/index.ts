// The WebAssembly SIMD backend pieces: the float32 matmul the CPU backend delegates to, and
// the thread count (torch.setNumThreads / torch.getNumThreads). See docs/WASM.md.
export { wasmMatmul, setWasmThresholds } from "./matmul.ts";
export { getNumThreads, setNumThreads } from "./pool.ts";
export { ready as wasmReady, getRuntime as wasmRuntime } from "./runtime.ts";
