// Connects the format layer (which speaks RawTensor) to the Tensor class.
import { fromStorage } from "../ops/alloc.ts";
import { Tensor } from "../tensor.ts";
import { Parameter } from "../nn/parameter.ts";
import { setTensorAdapter } from "./index.ts";
import type { RawTensor } from "./rawTensor.ts";

setTensorAdapter({
  isTensor: (x) => x instanceof Tensor,
  toRaw: (t): RawTensor => {
    const x = (t as Tensor).contiguous();
    const n = x.numel();
    const data = x.dtype === "int64" ? (x.storage as BigInt64Array).slice(x.offset, x.offset + n) : x.contiguousData();
    return { dtype: x.dtype, shape: [...x.shape], data } as RawTensor;
  },
  fromRaw: (r: RawTensor) => {
    // uint8/int8 have no torch-ts dtype: they widen to int32.
    const small = r.dtype === "uint8" || r.dtype === "int8";
    const t = fromStorage(small ? Int32Array.from(r.data as Uint8Array) : (r.data as Float32Array), r.shape, small ? "int32" : (r.dtype as Tensor["dtype"]));
    return r.requiresGrad ? new Parameter(t) : t;
  },
});

export { save, load, saveToBuffer, loadFromBuffer, type SaveOptions, type LoadOptions } from "./index.ts";
