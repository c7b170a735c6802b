// A strided region of a dense tensor as differentiable ops: the gradients of in-place writes
// into views (CopySlices, ops/inplace.ts) and of views that are not one of the basic ones
// (diagonal). The three ops are linear: take's adjoint is put, zero is its own.
import { record } from "../autograd/node.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, empty, sv, zeros } from "./alloc.ts";

/** A view's elements inside its base: (shape, strides, offset) in the base's dense layout. */
export interface Region {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
  baseShape: readonly number[];
}

/** g (base-shaped) restricted to the region, contiguous. Linear; its vjp is putRegion. */
export function takeRegion(g: Tensor, region: Region): Tensor {
  const src = g.contiguous();
  const out = empty(region.shape, g.dtype, g._box.device);
  backendOf(g).copy({ data: src._box.data, shape: region.shape, strides: region.strides, offset: src.offset + region.offset }, sv(out));
  return record(out, "AsStridedBackward0", [g], [], (gg) => [putRegion(gg, region)]);
}

/** zeros of the base's shape with the region set to h. Linear; its vjp is takeRegion. */
export function putRegion(h: Tensor, region: Region): Tensor {
  const out = zeros(region.baseShape, h.dtype, h._box.device);
  backendOf(h).copy(sv(h.contiguous()), { data: out._box.data, shape: region.shape, strides: region.strides, offset: region.offset });
  return record(out, "AsStridedScatterBackward0", [h], [], (gg) => [takeRegion(gg, region)]);
}

/** g with the region zeroed. Linear and its own adjoint. */
export function zeroRegion(g: Tensor, region: Region): Tensor {
  const out = g.contiguous().clone();
  const z = zeros(region.shape, g.dtype, g._box.device);
  backendOf(g).copy(sv(z), { data: out._box.data, shape: region.shape, strides: region.strides, offset: out.offset + region.offset });
  return record(noGradDetach(out), "CopySlicesBackward0", [g], [], (gg) => [zeroRegion(gg, region)]);
}

/** out without the clone's history (zeroRegion records its own node). */
function noGradDetach(t: Tensor): Tensor {
  t.gradFn = null;
  t._requiresGrad = false;
  return t;
}
