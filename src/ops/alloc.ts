// Allocation helpers shared by every op: fresh outputs, scalar operands, strided views.
import { allocate, type DType, type NumArray, type Storage } from "../dtype.ts";
import { contiguousStrides, numelOf, type Shape } from "../layout.ts";
import type { StridedView } from "../backends/backend.ts";
import { StorageBox, Tensor } from "../tensor.ts";

/** A new contiguous tensor over fresh zeroed storage. */
export function empty(shape: Shape, dtype: DType): Tensor {
  return new Tensor(new StorageBox(allocate(dtype, numelOf(shape))), shape.slice(), contiguousStrides(shape), 0, dtype);
}

export function fromStorage(data: Storage, shape: Shape, dtype: DType): Tensor {
  return new Tensor(new StorageBox(data), shape.slice(), contiguousStrides(shape), 0, dtype);
}

/** The backend's view of a tensor, optionally read as broadcast to `shape` strides. */
export function sv(t: Tensor, strides: readonly number[] = t.strides, shape: Shape = t.shape): StridedView {
  return { data: t._box.data, shape, strides, offset: t.offset };
}

/** A one-element view of a JS number, broadcast with all-zero strides. */
export function scalarView(v: number, shape: Shape): StridedView {
  return { data: new Float64Array([v]), shape, strides: new Array<number>(shape.length).fill(0), offset: 0 };
}

/** Contiguous data of exactly numel elements: the storage itself when possible, else a copy. */
export function contiguousData(t: Tensor): NumArray {
  const n = t.numel();
  const d = t._box.data;
  if (t.isContiguous() && t.offset === 0 && d.length === n) return d as NumArray;
  if (t.isContiguous()) return (d as NumArray).subarray(t.offset, t.offset + n) as NumArray;
  const out = allocate(t.dtype === "int64" ? "float64" : t.dtype, n) as NumArray;
  backendOf().copy(sv(t), { data: out, shape: t.shape, strides: contiguousStrides(t.shape), offset: 0 });
  return out;
}

import { cpu } from "../backends/cpu/index.ts";
import type { Backend } from "../backends/backend.ts";
let current: Backend = cpu;
/** The backend kernels run on. One backend per process for now; ops never name a concrete one. */
export function backendOf(): Backend {
  return current;
}
export function setBackend(b: Backend): void {
  current = b;
}
