// In-place ops. Without autograd the result is written straight into self's storage; with
// autograd, self is rebased onto the new result's node (PyTorch's in-place history rewrite),
// computed from a clone of self so the values the vjp saves are never the overwritten ones.
import { gradMode, noGrad } from "../autograd/gradMode.ts";
import { traceInplace } from "../autograd/trace.ts";
import { isFloating, promoteTypes, scalarTypeName } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { broadcastShapes, fmtShape, sameShape } from "../layout.ts";
import { Tensor as TensorClass, type Tensor } from "../tensor.ts";
import { Node, record } from "../autograd/node.ts";
import { CPU } from "../device.ts";
import { backendOf, fromHost, hostData, sv } from "./alloc.ts";
import { putRegion, takeRegion, zeroRegion, type Region } from "./region.ts";

const RANK: Record<string, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/** Writes r (broadcast to self's shape) into self's storage and bumps the version counter. */
function writeInto(self: Tensor, r: Tensor): void {
  if (!sameShape(broadcastShapes(self.shape, r.shape), self.shape)) {
    throw new RuntimeError(`output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(broadcastShapes(self.shape, r.shape))}`);
  }
  if (r._box.device !== self._box.device) {
    // fill_ and copy_ of CPU values into a device tensor: upload them first (the other way
    // round would read device values synchronously: ops/convert.ts raises before this)
    if (r._box.device !== CPU) throw new RuntimeError(`in-place write of a ${r._box.device} result into a ${self._box.device} tensor`);
    r = fromHost(hostData(r.contiguous()), r.shape, r.dtype, self._box.device);
  }
  const src = sameShape(r.shape, self.shape) ? r : r.expand(self.shape);
  backendOf(self).copy(sv(src), sv(self));
  self._box.version++;
}

export function inplace(self: Tensor, compute: (self: Tensor) => Tensor, others: readonly Tensor[] = []): Tensor {
  const tracking = gradMode.enabled && (self.requiresGrad || others.some((o) => o.requiresGrad));
  if (!tracking) {
    const r = noGrad(() => compute(self));
    checkCast(r, self);
    writeInto(self, r);
    traceInplace(self, r);
    return self;
  }
  if (self.isLeaf && self.requiresGrad) {
    throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
  }
  if (self._base !== null) return inplaceOnView(self, self._base, compute);
  const r = compute(self.clone());
  checkCast(r, self);
  writeInto(self, r);
  traceInplace(self, r);
  self.gradFn = r.gradFn;
  self._requiresGrad = r.requiresGrad;
  return self;
}

/**
 * An in-place op on a view of `base` while autograd records: PyTorch's CopySlices. The op runs
 * on a clone of the view; its result is written through the view; then the base's history is
 * rewritten to "the old base with the view's region replaced by the result", whose vjp sends
 * the gradient outside the region to the old base and the region's gradient to the result; and
 * the view becomes a view of the new base. The region is the view's (shape, strides, offset)
 * in the base's storage, which must be the base's own dense layout.
 */
function inplaceOnView(self: Tensor, base: Tensor, compute: (self: Tensor) => Tensor): Tensor {
  if (base.isLeaf && base.requiresGrad) {
    throw new RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  }
  if (!base.isContiguous()) {
    throw new RuntimeError("an in-place operation on a view of a non-contiguous tensor cannot be recorded for autograd in torch-ts; call .contiguous() on the base first");
  }
  const region: Region = { shape: self.shape, strides: self.strides, offset: self.offset - base.offset, baseShape: base.shape };
  const r = compute(self.clone());
  checkCast(r, self);
  // the base's history as it was, captured before the write: its node's edges stay as they are
  const before = new TensorClass(base._box, base.shape, base.strides, base.offset, base.dtype);
  before.gradFn = base.gradFn;
  before._requiresGrad = base.requiresGrad;
  writeInto(self, r);
  const rr = r.dtype === self.dtype ? r : r.to(self.dtype);
  base.gradFn = null;
  base._requiresGrad = false;
  record(base, "CopySlices", [before, rr], [], (g) => [zeroRegion(g, region), takeRegion(g, region)]);
  if (base.gradFn !== null) {
    self.gradFn = new Node("AsStridedBackward0", [base], [], (g) => [putRegion(g, region)]);
    self._requiresGrad = true;
  }
  return self;
}

/** In-place results must fit self's dtype (PyTorch: "result type Float can't be cast to ... Int"). */
function checkCast(r: Tensor, self: Tensor): void {
  if (RANK[r.dtype] > RANK[self.dtype] && !(isFloating(r.dtype) && isFloating(self.dtype)) && promoteTypes(r.dtype, self.dtype) !== self.dtype) {
    throw new RuntimeError(`result type ${scalarTypeName(r.dtype)} can't be cast to the desired output type ${scalarTypeName(self.dtype)}`);
  }
}
