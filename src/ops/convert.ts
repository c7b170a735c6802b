// Copies and casts: to(dtype), clone, contiguous, detach.
import { record } from "../autograd/node.ts";
import { traceOnly } from "../autograd/trace.ts";
import { isFloating, type DType } from "../dtype.ts";
import { checkDtype } from "../args.ts";
import { contiguousStrides } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { backendOf, empty, sv } from "./alloc.ts";

function copyAs(x: Tensor, dtype: DType): Tensor {
  const out = empty(x.shape, dtype);
  backendOf().copy(sv(x), { data: out._box.data, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 });
  return out;
}

export function to(x: Tensor, dtype: DType): Tensor {
  if (dtype === x.dtype) return x;
  checkDtype(dtype, "to");
  const out = copyAs(x, dtype);
  if (!isFloating(dtype)) return traceOnly(out, "ToCopyBackward0", [x], { dtype });
  const from = x.dtype;
  return record(out, "ToCopyBackward0", [x], [], (g) => [g.to(from)], { dtype });
}

export function clone(x: Tensor): Tensor {
  return record(copyAs(x, x.dtype), "CloneBackward0", [x], [], (g) => [g]);
}

/** `x.contiguous()`: x itself when its elements are in row-major order in storage, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

/** A tensor sharing x's storage (and version counter) with no graph history. */
export function detach(x: Tensor): Tensor {
  return traceOnly(new Tensor(x._box, x.shape, x.strides, x.offset, x.dtype), "detach", [x]);
}
