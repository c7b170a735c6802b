// The webgpu backend: the Backend interface (backends/backend.ts) over device storage
// (GPUArray handles), with WGSL kernels recorded into batched command buffers (runtime.ts).
// The device is acquired once, asynchronously (`initWebGPU()`); after that every kernel call
// is synchronous: it records work and returns, and only reads wait (`read`).
import { RuntimeError } from "../../errors.ts";
import type { DType, Storage } from "../../dtype.ts";
import { TorchTypeError } from "../../errors.ts";
import type { Backend } from "../backend.ts";
import { GPUArray, type GPUDType } from "./array.ts";
import { col2im, convForward, convInputGrad, convWeightGrad, im2col, matmul } from "./conv.ts";
import * as ew from "./elementwise.ts";
import { acquireDevice } from "./gpu.ts";
import { gather, scatter } from "./indexing.ts";
import { adamUpdate } from "./optim.ts";
import { maxPool2d, maxPool2dBackward } from "./pool.ts";
import { argReduce, cumprodBackward, cumulative, reduce, softmax, softmaxBackward } from "./reduce.ts";
import { argsort } from "./sort.ts";
import { WebGPURuntime } from "./runtime.ts";

export { GPUArray } from "./array.ts";
export { WebGPUUnavailableError } from "./gpu.ts";
export type { WebGPURuntime } from "./runtime.ts";

export interface WebGPUBackend extends Backend<GPUArray, GPUArray, GPUArray> {
  readonly runtime: WebGPURuntime;
}

/** The dtype a tensor of dtype d has on the device; float64 is refused as PyTorch's MPS backend refuses it. */
export function deviceDType(d: DType): GPUDType {
  if (d === "float64") {
    throw new TorchTypeError("Cannot convert a WebGPU Tensor to float64 dtype as WGSL doesn't support float64. Please use float32 instead.");
  }
  return d;
}

/** Host data in the device layout: bool widens to one u32 per element; other dtypes are already their bytes. */
function toDeviceWords(data: Storage, d: GPUDType): Float32Array | Int32Array | Uint32Array | BigInt64Array {
  switch (d) {
    case "float32":
      return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>, Number);
    case "int32":
      return data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>, Number);
    case "bool":
      return Uint32Array.from(data as ArrayLike<number>, (v) => (Number(v) !== 0 ? 1 : 0));
    case "int64":
      return data instanceof BigInt64Array ? data : BigInt64Array.from(data as ArrayLike<number>, (v) => BigInt(Math.trunc(Number(v))));
  }
}

/** Device bytes back as the host array of the dtype (bool narrows to bytes). */
function fromDeviceBytes(bytes: ArrayBuffer, d: GPUDType): Storage {
  switch (d) {
    case "float32":
      return new Float32Array(bytes);
    case "int32":
      return new Int32Array(bytes);
    case "bool":
      return Uint8Array.from(new Uint32Array(bytes), (v) => (v !== 0 ? 1 : 0));
    case "int64":
      return new BigInt64Array(bytes);
  }
}

export function createWebGPUBackend(rt: WebGPURuntime): WebGPUBackend {
  return {
    name: "webgpu",
    runtime: rt,
    empty: (dtype, n) => rt.empty(deviceDType(dtype), n),
    fill: (out, value) => ew.fill(rt, out, value),
    upload: (data, dtype) => {
      const d = deviceDType(dtype);
      return rt.upload(d, toDeviceWords(data, d));
    },
    read: async (src) => fromDeviceBytes(await rt.read(src), src.dtype),
    readSync: () => null,
    adamUpdate: (p, g, m, v, vmax, h) => adamUpdate(rt, p, g, m, v, vmax, h),
    unary: (op, x, out) => ew.unary(rt, op, x, out),
    binary: (op, a, b, out) => ew.binary(rt, op, a, b, out),
    axpy: (alpha, x, out) => ew.axpy(rt, alpha, x, out),
    clamp: (x, lo, hi, out) => ew.clamp(rt, x, lo, hi, out),
    where: (c, a, b, out) => ew.where(rt, c, a, b, out),
    copy: (src, dst) => ew.copy(rt, src, dst),
    reduce: (op, x, outer, r, inner, out) => reduce(rt, op, x, outer, r, inner, out),
    argReduce: (op, x, outer, r, inner, indices, values) => argReduce(rt, op, x, outer, r, inner, indices, values),
    cumsum: (x, outer, r, inner, out) => cumulative(rt, "sum", x, outer, r, inner, out),
    cumprod: (x, outer, r, inner, out) => cumulative(rt, "prod", x, outer, r, inner, out),
    cumprodBackward: (x, g, outer, r, inner, out) => cumprodBackward(rt, x, g, outer, r, inner, out),
    argsort: (x, outer, r, inner, descending, out) => argsort(rt, x, outer, r, inner, descending, out),
    svd: () => notYet("svd"),
    softmax: (x, outer, r, inner, out, log) => softmax(rt, x, outer, r, inner, out, log),
    softmaxBackward: (y, g, outer, r, inner, out, log) => softmaxBackward(rt, y, g, outer, r, inner, out, log),
    matmul: (a, b, out, batch, m, k, n) => matmul(rt, a, b, out, batch, m, k, n),
    gather: (x, index, dim, out) => gather(rt, x, index, dim, out),
    scatter: (out, outShape, index, src, dim, accumulate) => scatter(rt, out, outShape, index, src, dim, accumulate),
    im2col: (x, g, pad, out) => im2col(rt, x, g, pad, out),
    col2im: (cols, g, out) => col2im(rt, cols, g, out),
    convForward: (x, w, bias, g, O, out) => convForward(rt, x, w, bias, g, O, out),
    convInputGrad: (gy, w, g, O, out) => convInputGrad(rt, gy, w, g, O, out),
    convWeightGrad: (x, gy, g, O, out) => convWeightGrad(rt, x, gy, g, O, out),
    erf: (x, out) => ew.erf(rt, x, out),
    erfinv: (x, out) => ew.erfinv(rt, x, out),
    lgamma: (x) => ew.noKernel("lgamma", x),
    digamma: (x) => ew.noKernel("digamma", x),
    polygamma: (_n, x) => ew.noKernel("polygamma", x),
    maxPool2d: (x, g, values, indices) => maxPool2d(rt, x, g, values, indices),
    maxPool2dBackward: (gy, indices, g, out) => maxPool2dBackward(rt, gy, indices, g, out),
  } satisfies WebGPUBackend;
}

/**
 * A synchronous full collection where the host allows one (Node: V8's gc, exposed at run
 * time), so the allocator can make dead tensors' buffers reclaimable under memory pressure.
 */
async function hostCollector(): Promise<(() => void) | null> {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === "function") return g;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof proc?.versions?.node !== "string") return null;
  try {
    const v8 = await import("node:v8");
    const vm = await import("node:vm");
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

let backend: Promise<WebGPUBackend> | null = null;
let ready: WebGPUBackend | null = null;

/** Acquires the device (once) and returns the backend; rejects with the reason when there is none. */
export function initWebGPU(): Promise<WebGPUBackend> {
  backend ??= (async () => {
    const acquired = await acquireDevice();
    const b = createWebGPUBackend(new WebGPURuntime(acquired, await hostCollector()));
    ready = b;
    return b;
  })();
  return backend;
}

/** The backend if initWebGPU() has completed, else null (synchronous code's view). */
export function webgpuIfReady(): WebGPUBackend | null {
  return ready;
}

/** Whether a device can be had here (acquires it on the first call). */
export async function isAvailable(): Promise<boolean> {
  try {
    await initWebGPU();
    return true;
  } catch {
    return false;
  }
}

export const isGPUArray = (x: unknown): x is GPUArray => x instanceof GPUArray;

/** Kernels the webgpu backend does not have yet: a clear error instead of a wrong result. */
function notYet(what: string): never {
  throw new RuntimeError(`${what} is not on webgpu yet: move the tensor to the CPU first (t.cpu())`);
}
