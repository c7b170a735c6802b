// Tensor bytes in and out of shared memory. The communication thread can only see
// SharedArrayBuffers, so a collective copies its tensors into one (row-major, whatever their
// strides) and the results back; contiguous tensors take one memcpy each way. Writing the
// results bumps the tensor's version counter, as an in-place op does.
import type { DType, Storage } from "../dtype.ts";
import { contiguousStrides } from "../layout.ts";
import { cpu } from "../backends/cpu/index.ts";
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { ELEMENT_SIZE } from "./wire/reduce.ts";
import type { Region } from "./wire/messages.ts";

export function elementSize(dtype: DType): number {
  return ELEMENT_SIZE[dtype];
}

/** A typed view of a region of shared memory, as dtype's storage array. */
export function typedView(dtype: DType, buffer: SharedArrayBuffer, byteOffset: number, count: number): Storage {
  switch (dtype) {
    case "float32": return new Float32Array(buffer, byteOffset, count);
    case "float64": return new Float64Array(buffer, byteOffset, count);
    case "int32": return new Int32Array(buffer, byteOffset, count);
    case "int64": return new BigInt64Array(buffer, byteOffset, count);
    case "bool": return new Uint8Array(buffer, byteOffset, count);
  }
}

/** Copies t's elements in row-major order into shared memory at byteOffset. */
export function stageIn(t: Tensor, buffer: SharedArrayBuffer, byteOffset: number): void {
  if (t.device.type !== "cpu") throw new RuntimeError(`torch.distributed: tensors on ${t.device} are not staged yet; move them with .cpuAsync() first`);
  const n = t.numel();
  if (n === 0) return;
  const dst = typedView(t.dtype, buffer, byteOffset, n);
  const src = t._box.data as Storage;
  if (t.isContiguous()) (dst as Float32Array).set((src as Float32Array).subarray(t.offset, t.offset + n));
  else cpu.copy({ data: src, shape: t.shape, strides: t.strides, offset: t.offset }, { data: dst, shape: t.shape, strides: contiguousStrides(t.shape), offset: 0 });
}

/** Copies row-major elements from shared memory into t, whatever its strides. */
export function stageOut(buffer: SharedArrayBuffer, byteOffset: number, t: Tensor): void {
  if (t.device.type !== "cpu") throw new RuntimeError(`torch.distributed: tensors on ${t.device} are not staged yet; move them with .cpuAsync() first`);
  const n = t.numel();
  if (n === 0) return;
  const src = typedView(t.dtype, buffer, byteOffset, n);
  const dst = t._box.data as Storage;
  if (t.isContiguous()) (dst as Float32Array).set(src as Float32Array, t.offset);
  else cpu.copy({ data: src, shape: t.shape, strides: contiguousStrides(t.shape), offset: 0 }, { data: dst, shape: t.shape, strides: t.strides, offset: t.offset });
  t._box.version++;
}

export function region(buffer: SharedArrayBuffer, offset: number, length: number): Region {
  return { buffer, offset, length };
}
