// Allocation helpers shared by every op: the backend of the operands' device, fresh outputs,
// scalar operands, strided views, and the host reads that only the CPU allows.
import { allocate, setInt64, wordsOf, type DType, type NumArray, type Storage } from "../dtype.ts";
import { indexNumbers } from "../backends/cpu/int64.ts";
import { cpu } from "../backends/cpu/index.ts";
import type { Backend, StridedView } from "../backends/backend.ts";
import type { GPUArray } from "../backends/webgpu/array.ts";
import { CPU, type Device } from "../device.ts";
import { RuntimeError } from "../errors.ts";
import { noteDeviceStorage } from "../storagePool.ts";
import { contiguousStrides, numelOf, type Shape } from "../layout.ts";
import { StorageBox, Tensor, type TensorData } from "../tensor.ts";

/**
 * A backend as ops see it: storage is opaque (a typed array on the CPU, a GPUArray on webgpu)
 * and handed back to the backend it came from; ops never look inside it except on the CPU.
 */
export type AnyBackend = Backend<TensorData, TensorData, TensorData>;

let webgpuBackend: AnyBackend | null = null;
let webgpuMissing = "webgpu is not initialized: `await torch.webgpu.init()` (or `await torch.webgpu.isAvailable()`) once before putting tensors on it";

/** Installs the webgpu backend once torch.webgpu.init() acquired the device (or records why not). */
export function setWebGPUBackend(b: AnyBackend | null, why?: string): void {
  webgpuBackend = b;
  if (why !== undefined) webgpuMissing = why;
}

/** The backend of a device; webgpu before a successful init is an error saying what to do. */
export function deviceBackend(d: Device): AnyBackend {
  if (d === CPU) return cpu;
  if (webgpuBackend === null) throw new RuntimeError(webgpuMissing);
  return webgpuBackend;
}

/** PyTorch's error for operands on two devices. */
export function mixedDevices(a: Device, b: Device, fn?: string): RuntimeError {
  const where = fn ? ` (when checking argument for argument ${fn})` : "";
  return new RuntimeError(`Expected all tensors to be on the same device, but found at least two devices, ${a} and ${b}!${where}`);
}

/**
 * The backend kernels run on for these operands, which must share a device (one property
 * read and a comparison per operand: this is on every op's path).
 */
export function backendOf(a: Tensor, b?: Tensor | null, c?: Tensor | null): AnyBackend {
  const d = a._box.device;
  if (b != null && b._box.device !== d) throw mixedDevices(d, b._box.device);
  if (c != null && c._box.device !== d) throw mixedDevices(d, c._box.device);
  return d === CPU ? cpu : deviceBackend(d);
}

/** Checks that every tensor is on `d` (cat, stack, and ops with several tensor inputs). */
export function checkSameDevice(d: Device, tensors: ReadonlyArray<Tensor | null | undefined>): void {
  for (const t of tensors) if (t != null && t._box.device !== d) throw mixedDevices(d, t._box.device);
}

/**
 * A new contiguous tensor over fresh storage of `device`: zero-filled on the CPU, unspecified
 * elsewhere (every kernel writes its whole output; use `zeros` where zeros matter).
 */
export function empty(shape: Shape, dtype: DType, device: Device): Tensor {
  let data: TensorData;
  if (device === CPU) data = cpu.empty(dtype, numelOf(shape));
  else {
    data = deviceBackend(device).empty(dtype, numelOf(shape));
    noteDeviceStorage(data as GPUArray);
  }
  return fromStorage(data, shape, dtype, device);
}

/**
 * empty() for a kernel's result that the kernel writes whole before anything reads it: on
 * the CPU a float32 array from the storage pool is handed out as it is, and a fresh one is
 * not zeroed under Node (dtype.ts allocate): the memsets were ~5% of a W5 step.
 */
export function output(shape: Shape, dtype: DType, device: Device): Tensor {
  if (device !== CPU) return empty(shape, dtype, device);
  return fromStorage(allocate(dtype, numelOf(shape), false), shape, dtype);
}

/** A new contiguous tensor of zeros on `device` (for kernels documented "zeros on entry"). */
export function zeros(shape: Shape, dtype: DType, device: Device): Tensor {
  const t = empty(shape, dtype, device);
  if (device !== CPU) deviceBackend(device).fill(t._box.data, 0);
  return t;
}

/** A tensor over existing storage of `device` (host storage for the CPU). */
export function fromStorage(data: TensorData, shape: Shape, dtype: DType, device: Device = CPU): Tensor {
  return new Tensor(new StorageBox(data, device), shape.slice(), contiguousStrides(shape), 0, dtype);
}

/** Host data as a contiguous tensor on `device`: the array itself on the CPU, an upload elsewhere. */
export function fromHost(data: Storage, shape: Shape, dtype: DType, device: Device): Tensor {
  return device === CPU ? fromStorage(data, shape, dtype) : fromStorage(deviceBackend(device).upload(data, dtype), shape, dtype, device);
}

/** The backend's view of a tensor, optionally read as broadcast to `shape` strides. */
export function sv(t: Tensor, strides: readonly number[] = t.strides, shape: Shape = t.shape): StridedView<TensorData> {
  return { data: t._box.data, shape, strides, offset: t.offset };
}

/**
 * A one-element view of a JS number, broadcast with all-zero strides, for an op computing in
 * `dtype`: a BigInt64Array for int64 (the backend never mixes bigints with numbers); for
 * float32 the number rounded to float32 first, as ATen casts a Python scalar to the op's
 * dtype (x.eq(0.1) is true where x holds 0.1 as a float32; x.mul(0.1) multiplies by 0.1f).
 * Every backend takes it as an operand (the webgpu one as a kernel parameter).
 */
export function scalarView(v: number, shape: Shape, dtype?: DType): StridedView<TensorData> {
  let data: Storage;
  if (dtype === "int64") setInt64(wordsOf((data = new BigInt64Array(1))), 0, v);
  else data = new Float64Array([dtype === "float32" ? Math.fround(v) : v]);
  return { data, shape, strides: new Array<number>(shape.length).fill(0), offset: 0 };
}

/**
 * Dense data of exactly numel elements in the tensor's own backend, for kernels that read
 * their input whole: the storage itself when possible, a sub-range of it when the tensor is a
 * contiguous window, else a copy.
 */
export function dense(t: Tensor): TensorData {
  const n = t.numel();
  const d = t._box.data;
  if (t.isContiguous()) {
    if (t.offset === 0 && d.length === n) return d;
    return d.subarray(t.offset, t.offset + n);
  }
  const b = backendOf(t);
  const out = b.empty(t.dtype, n);
  if (t._box.device !== CPU) noteDeviceStorage(out as GPUArray);
  b.copy(sv(t), { data: out, shape: t.shape, strides: contiguousStrides(t.shape), offset: 0 });
  return out;
}

/** Whether a tensor's values can be read synchronously (host memory). */
export const onHost = (t: Tensor): boolean => t._box.device === CPU;

/**
 * The error of a synchronous read of a tensor whose values live on a device: they can only
 * be read asynchronously (the device runs behind the program), so it names the async form.
 */
export function asyncReadError(t: Tensor, what: string, asyncForm: string): RuntimeError {
  return new RuntimeError(`${what}: the tensor is on ${t._box.device}, whose values are read asynchronously: use ${asyncForm}`);
}

/** Host data of a CPU tensor (see `dense`); on another device, the async-read error naming `asyncForm`. */
export function hostData(t: Tensor, what = "contiguousData()", asyncForm = "await t.dataAsync()"): Storage {
  if (t._box.device !== CPU) throw asyncReadError(t, what, asyncForm);
  return dense(t) as Storage;
}

/** Host values as numbers: int64 read exactly up to 2^53 (indices, labels, counts). CPU tensors only. */
export function numberData(t: Tensor, what?: string, asyncForm?: string): NumArray {
  const d = hostData(t, what, asyncForm);
  return d instanceof BigInt64Array ? indexNumbers(d) : d;
}

/** dense() of a tensor whose op only takes floating dtypes (convolution, pooling, erf). */
export const floatData = (t: Tensor): NumArray => dense(t) as NumArray;

export type { GPUArray };
