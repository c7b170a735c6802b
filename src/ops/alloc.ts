// Allocation helpers shared by every op: fresh outputs, scalar operands, strided views.
import { allocate, setInt64, wordsOf, type DType, type NumArray, type Storage } from "../dtype.ts";
import { indexNumbers } from "../backends/cpu/int64.ts";
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

/**
 * A one-element view of a JS number, broadcast with all-zero strides, for an op computing in
 * `dtype`: a BigInt64Array for int64 (the backend never mixes bigints with numbers); for
 * float32 the number rounded to float32 first, as ATen casts a Python scalar to the op's
 * dtype (x.eq(0.1) is true where x holds 0.1 as a float32; x.mul(0.1) multiplies by 0.1f).
 */
export function scalarView(v: number, shape: Shape, dtype?: DType): StridedView {
  let data: Storage;
  if (dtype === "int64") setInt64(wordsOf((data = new BigInt64Array(1))), 0, v);
  else data = new Float64Array([dtype === "float32" ? Math.fround(v) : v]);
  return { data, shape, strides: new Array<number>(shape.length).fill(0), offset: 0 };
}

/** Contiguous data of exactly numel elements: the storage itself when possible, else a copy. */
export function contiguousData(t: Tensor): Storage {
  const n = t.numel();
  const d = t._box.data;
  if (t.isContiguous() && t.offset === 0 && d.length === n) return d;
  if (t.isContiguous()) return d.subarray(t.offset, t.offset + n);
  const out = allocate(t.dtype, n);
  backendOf().copy(sv(t), { data: out, shape: t.shape, strides: contiguousStrides(t.shape), offset: 0 });
  return out;
}

/** Contiguous values as numbers: int64 read exactly up to 2^53 (indices, labels, counts). */
export function numberData(t: Tensor): NumArray {
  const d = contiguousData(t);
  return d instanceof BigInt64Array ? indexNumbers(d) : d;
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

/** contiguousData of a tensor whose op only takes floating dtypes (convolution, pooling, erf). */
export const floatData = (t: Tensor): NumArray => contiguousData(t) as NumArray;
