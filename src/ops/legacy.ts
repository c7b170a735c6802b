// PyTorch's legacy typed constructors (torch.FloatTensor(2, 3), torch.LongTensor([1, 2])):
// sizes make a zero-filled tensor (PyTorch's is uninitialized), data is copied as torch.tensor.
import { describe } from "../args.ts";
import type { DType } from "../dtype.ts";
import { TorchTypeError } from "../errors.ts";
import { Tensor } from "../tensor.ts";
import { tensor, zeros, type NestedArray } from "./creation.ts";

export type LegacyConstructor = (...args: Array<number | NestedArray | ArrayBufferView | Tensor>) => Tensor;

function legacy(dtype: DType, name: string): LegacyConstructor {
  return (...args) => {
    if (args.length === 0) return zeros(0, { dtype });
    if (args.every((a) => typeof a === "number" && Number.isInteger(a))) return zeros(args as number[], { dtype });
    if (args.length === 1) {
      const a = args[0];
      if (a instanceof Tensor) return a.to(dtype);
      if (Array.isArray(a) || ArrayBuffer.isView(a)) return tensor(a as NestedArray, { dtype });
    }
    throw new TorchTypeError(`${name}(): expected sizes (integers) or data (a nested array, a typed array or a Tensor), but got ${args.map(describe).join(", ")}`);
  };
}

export const FloatTensor = legacy("float32", "FloatTensor");
export const DoubleTensor = legacy("float64", "DoubleTensor");
export const LongTensor = legacy("int64", "LongTensor");
export const IntTensor = legacy("int32", "IntTensor");
export const BoolTensor = legacy("bool", "BoolTensor");
