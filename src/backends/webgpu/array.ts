// GPUArray: the webgpu backend's storage handle, the device's counterpart of a typed array.
// It names a run of `length` elements of one dtype starting `offset` elements into a pooled
// device buffer; `subarray` makes another handle on the same buffer (as typed arrays do), so
// an op's dense output at an offset (an in-place update of a view) needs no copy.
//
// Element layouts (docs/DEVICES.md, "WebGPU storage"):
//   float32  one f32 per element
//   int32    one i32 per element
//   bool     one u32 per element, 0 or 1 (WGSL has no 8-bit storage type; transfers widen
//            and narrow on the host)
//   int64    two u32 words per element, low word first: byte-identical to a BigInt64Array,
//            so transfers are plain copies
// float64 has no device type (WGSL has no f64) and is refused where storage is made.
import type { DType } from "../../dtype.ts";

/** The dtypes a WebGPU buffer holds (float64 has no WGSL type). */
export type GPUDType = "float32" | "int32" | "bool" | "int64";

/** Bytes per element on the device. */
export const deviceBytes = (d: GPUDType): number => (d === "int64" ? 8 : 4);

/** PyTorch's scalar type names, for messages ("not implemented for 'Long'"). */
export const scalarTypeName = (d: DType): string =>
  ({ float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool: "Bool" })[d];

/** A device tensor's storage: a range of elements of one dtype in a pooled GPU buffer. */
export class GPUArray {
  /** @internal The allocator's block that owns the buffer (its type names WebGPU's, absent from the published declarations). */
  readonly block: import("./allocator.ts").Block;
  /** The elements' dtype. */
  readonly dtype: GPUDType;
  /** First element, in elements of dtype. */
  readonly offset: number;
  /** Number of elements. */
  readonly length: number;

  /** @internal Made by the runtime's allocation only. */
  constructor(block: import("./allocator.ts").Block, dtype: GPUDType, offset: number, length: number) {
    this.block = block;
    this.dtype = dtype;
    this.offset = offset;
    this.length = length;
  }

  /** @internal The GPUBuffer holding the elements. */
  get buffer(): GPUBuffer {
    return this.block.buffer;
  }

  /** Elements [begin, end) of this array, as a handle on the same buffer. */
  subarray(begin: number, end: number = this.length): GPUArray {
    const b = Math.max(0, Math.min(begin, this.length));
    const e = Math.max(b, Math.min(end, this.length));
    return new GPUArray(this.block, this.dtype, this.offset + b, e - b);
  }
}

export const isGPUArray = (x: unknown): x is GPUArray => x instanceof GPUArray;
