// In-place ops. Without autograd the result is written straight into self's storage; with
// autograd, self is rebased onto the new result's node (PyTorch's in-place history rewrite),
// computed from a clone of self so the values the vjp saves are never the overwritten ones.
import { gradMode, noGrad } from "../autograd/gradMode.ts";
import { isFloating, promoteTypes, scalarTypeName } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { broadcastShapes, fmtShape, sameShape } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, sv } from "./alloc.ts";

const RANK: Record<string, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/** Writes r (broadcast to self's shape) into self's storage and bumps the version counter. */
function writeInto(self: Tensor, r: Tensor): void {
  if (!sameShape(broadcastShapes(self.shape, r.shape), self.shape)) {
    throw new RuntimeError(`output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(broadcastShapes(self.shape, r.shape))}`);
  }
  const src = sameShape(r.shape, self.shape) ? r : r.expand(self.shape);
  backendOf().copy(sv(src), sv(self));
  self._box.version++;
}

export function inplace(self: Tensor, compute: (self: Tensor) => Tensor, others: readonly Tensor[] = []): Tensor {
  const tracking = gradMode.enabled && (self.requiresGrad || others.some((o) => o.requiresGrad));
  if (!tracking) {
    const r = noGrad(() => compute(self));
    checkCast(r, self);
    writeInto(self, r);
    return self;
  }
  if (self.isLeaf && self.requiresGrad) {
    throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
  }
  if (self._base !== null && (self._base.requiresGrad || self.requiresGrad)) {
    throw new RuntimeError(
      "torch-ts does not rewrite the history of views: an in-place operation on a view of a tensor that takes part in autograd is not supported. Use the out-of-place op instead.",
    );
  }
  const r = compute(self.clone());
  checkCast(r, self);
  writeInto(self, r);
  self.gradFn = r.gradFn;
  self._requiresGrad = r.requiresGrad;
  return self;
}

/** In-place results must fit self's dtype (PyTorch: "result type Float can't be cast to ... Int"). */
function checkCast(r: Tensor, self: Tensor): void {
  if (RANK[r.dtype] > RANK[self.dtype] && !(isFloating(r.dtype) && isFloating(self.dtype)) && promoteTypes(r.dtype, self.dtype) !== self.dtype) {
    throw new RuntimeError(`result type ${scalarTypeName(r.dtype)} can't be cast to the desired output type ${scalarTypeName(self.dtype)}`);
  }
}
