// Max pooling as a primitive: one kernel pass gives the values and the argmax indices, and
// the gradient is scattered back through those indices (maxPool2dBackward, a scatter-add
// into zeros whose own vjp is a gather, so higher-order gradients work). This replaces
// im2col(-inf padding) + max(dim) + index conversion + col2im, which made four passes over
// the data and three temporaries.
import type { Im2colGeometry } from "../backends/backend.ts";
import { record } from "../autograd/node.ts";
import { traceOnly } from "../autograd/trace.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, dense, output } from "./alloc.ts";
import { windowAttrs } from "./conv.ts";


/**
 * planes [n, 1, h, w] (g.n = n, g.c = 1) -> values [n, oh*ow] and int32 indices [n, oh*ow],
 * each index the flat position iy*w + ix of the max inside its plane (PyTorch's indices).
 */
export function maxPool2dWithIndices(planes: Tensor, g: Im2colGeometry): { values: Tensor; indices: Tensor } {
  const L = g.oh * g.ow;
  const values = output([g.n, L], planes.dtype, planes._box.device);
  const indices = output([g.n, L], "int32", planes._box.device);
  backendOf(planes).maxPool2d(dense(planes), g, values._box.data, indices._box.data);
  const { n, h, w } = g;
  record(values, "MaxPool2DWithIndicesBackward0", [planes], [indices], (grad, [idx]) => [
    maxPool2dBackward(grad, idx, g).view(n, 1, h, w),
  ], windowAttrs(g));
  traceOnly(indices, "max_pool2d_indices", [planes], windowAttrs(g));
  return { values, indices };
}

/** grad [n, oh*ow] scattered through indices [n, oh*ow] into zeros [n, h*w]; its vjp gathers. */
function maxPool2dBackward(grad: Tensor, indices: Tensor, g: Im2colGeometry): Tensor {
  const out = output([g.n, g.h * g.w], grad.dtype, grad._box.device);
  backendOf(grad, indices).maxPool2dBackward(dense(grad), dense(indices), g, out._box.data);
  return record(out, "MaxPool2DWithIndicesBackwardBackward0", [grad], [indices], (gg, [idx]) => [gg.gather(1, idx)]);
}
