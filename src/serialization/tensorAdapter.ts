// Connects the format layer (which speaks RawTensor) to the Tensor class.
//
// Loading keeps PyTorch's storage model: every tensor over one storage of the file (tied
// weights, a transposed buffer and a row of it, a stride-0 expand) becomes a view of one
// StorageBox, with the file's strides and offset. So a tensor costs its storage, not its
// numel (`t.contiguous()` is where an expand becomes numel elements), and views that share
// memory in PyTorch share it (and the version counter) here.
import { CPU } from "../device.ts";
import { RuntimeError } from "../errors.ts";
import { contiguousStrides } from "../layout.ts";
import { StorageBox, Tensor } from "../tensor.ts";
import type { Storage } from "../dtype.ts";
import { Parameter } from "../nn/parameter.ts";
import { isLazy } from "../nn/lazy.ts";
import { type SaveOptions, type TensorAdapter, save, saveToBuffer, setTensorAdapter } from "./index.ts";
import type { RawData, RawTensor } from "./rawTensor.ts";

/** Loaded storage (its ArrayBuffer) -> the one StorageBox its tensors share. */
const boxes = new WeakMap<ArrayBufferLike, StorageBox>();

function storageBox(data: RawData, small: boolean, charge: (bytes: number, what: string) => void): { box: StorageBox; base: number } {
  const bpe = data.BYTES_PER_ELEMENT;
  const buf = data.buffer;
  if (buf.byteLength % bpe !== 0 || data.byteOffset % bpe !== 0) {
    // Not a whole storage of one element type (cannot come from the loaders): its own box.
    if (small) charge(data.length * 4, "widening an int8/uint8 storage to int32");
    return { box: new StorageBox(small ? Int32Array.from(data as Uint8Array) : (data as Storage)), base: 0 };
  }
  let box = boxes.get(buf);
  if (!box) {
    const Ctor = data.constructor as new (b: ArrayBufferLike, o: number, n: number) => RawData;
    const whole = new Ctor(buf, 0, buf.byteLength / bpe);
    // uint8/int8 have no torch-ts dtype: the storage widens to int32, once for all its tensors.
    if (small) charge(whole.length * 4, "widening an int8/uint8 storage to int32");
    box = new StorageBox(small ? Int32Array.from(whole as Uint8Array) : (whole as Storage));
    boxes.set(buf, box);
  }
  return { box, base: data.byteOffset / bpe };
}

/** The adapter this module installs (exported so code that swaps adapters can put it back). */
export const tensorAdapter: TensorAdapter = {
  isTensor: (x) => x instanceof Tensor,
  toRaw: (t): RawTensor => {
    let x = t as Tensor;
    // a lazy module's placeholder has no shape or values to write (PyTorch pickles the placeholder object itself)
    if (isLazy(x)) throw new RuntimeError("torch.save(): an uninitialized parameter or buffer (of a lazy module) has no shape or values yet: call the module's forward with a batch first");
    if (x.device !== CPU) {
      const host = hostCopies?.get(x);
      if (host === undefined) throw new RuntimeError(`torch.save(): a tensor to save is on ${x.device}, whose values are read asynchronously: use await torch.saveAsync(obj, path) (or saveToBufferAsync)`);
      x = host;
    }
    if (!x.isContiguous()) {
      // A strided view is saved as its storage plus strides (.pt keeps it a view; safetensors,
      // which has no strides, writes a dense copy).
      return { dtype: x.dtype, shape: [...x.shape], data: x.storage as RawData, strides: [...x.strides], offset: x.offset } as RawTensor;
    }
    const n = x.numel();
    const data = x.dtype === "int64" ? (x.storage as BigInt64Array).slice(x.offset, x.offset + n) : x.contiguousData();
    return { dtype: x.dtype, shape: [...x.shape], data } as RawTensor;
  },
  fromRaw: (r: RawTensor, charge) => {
    const small = r.dtype === "uint8" || r.dtype === "int8";
    const { box, base } = storageBox(r.data, small, charge);
    const strides = r.strides ?? contiguousStrides(r.shape);
    const t = new Tensor(box, r.shape.slice(), strides.slice(), base + (r.offset ?? 0), small ? "int32" : (r.dtype as Tensor["dtype"]));
    return r.requiresGrad ? new Parameter(t) : t;
  },
  views: true,
};
setTensorAdapter(tensorAdapter);

/** Host copies of the device tensors of the object being saved by saveAsync (null otherwise). */
let hostCopies: Map<Tensor, Tensor> | null = null;

/** Every device tensor reachable through objects, arrays and Maps (each once). */
function deviceTensors(obj: unknown, out = new Set<Tensor>(), seen = new Set<unknown>()): Set<Tensor> {
  if (obj === null || typeof obj !== "object" || seen.has(obj)) return out;
  seen.add(obj);
  if (obj instanceof Tensor) {
    if (obj.device !== CPU) out.add(obj);
  } else if (obj instanceof Map) {
    for (const v of obj.values()) deviceTensors(v, out, seen);
  } else if (Array.isArray(obj)) for (const v of obj) deviceTensors(v, out, seen);
  else if (!ArrayBuffer.isView(obj)) for (const v of Object.values(obj)) deviceTensors(v, out, seen);
  return out;
}

/** Runs a synchronous save with the object's device tensors read back first. */
async function withHostCopies<T>(obj: unknown, write: () => T): Promise<T> {
  const ts = [...deviceTensors(obj)];
  const copies = await Promise.all(ts.map((t) => t.detach().cpuAsync()));
  hostCopies = new Map(ts.map((t, i) => [t, copies[i]!]));
  try {
    return write();
  } finally {
    hostCopies = null;
  }
}

/** torch.save of objects holding tensors on any device: device tensors are read back (asynchronously) and saved as CPU tensors, as PyTorch saves CUDA ones with their values. */
export function saveAsync(obj: unknown, path: string, opts: SaveOptions = {}): Promise<void> {
  return withHostCopies(obj, () => save(obj, path, opts));
}
/** saveToBuffer of objects holding tensors on any device (see saveAsync). */
export function saveToBufferAsync(obj: unknown, opts: SaveOptions = {}): Promise<Uint8Array> {
  return withHostCopies(obj, () => saveToBuffer(obj, opts));
}

export { save, load, saveToBuffer, loadFromBuffer, type SaveOptions, type LoadOptions, type CheckpointFormat } from "./index.ts";
