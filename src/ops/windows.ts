// Tensor.unfold(dimension, size, step): the sliding windows of one dim as a view. The dim's
// windows are a new dim of their count (stride: step strides), the window's elements a new last
// dim (stride: the dim's own). Windows overlap when step < size, so the gradient adds every
// window's elements back onto the positions they were read from (a scatter-add into zeros).
import { record } from "../autograd/node.ts";
import { checkInt, checkTensor } from "../args.ts";
import { RuntimeError } from "../errors.ts";
import { normalizeDim } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { tensor } from "./creation.ts";
import { scatterAddIntoZeros } from "./indexing.ts";

export function unfold(x: Tensor, dimension: number, size: number, step: number): Tensor {
  checkTensor(x, "input", "unfold");
  checkInt(dimension, "dimension", "unfold");
  checkInt(size, "size", "unfold");
  checkInt(step, "step", "unfold");
  // a 0-dim tensor unfolds as a 1-element vector into one window of [size] (PyTorch's rule)
  if (x.ndim === 0) {
    normalizeDim(dimension, 1);
    return unfold(x.reshape(1), 0, size, step).reshape(size);
  }
  const base = x;
  const d = normalizeDim(dimension, base.ndim);
  const n = base.shape[d]!;
  if (size > n) throw new RuntimeError(`maximum size for tensor at dimension ${d} is ${n} but size is ${size}`);
  if (step <= 0) throw new RuntimeError(`step is ${step} but must be > 0`);
  if (size < 0) throw new RuntimeError(`size is ${size} but must be >= 0`);
  const count = Math.floor((n - size) / step) + 1;
  const shape = base.shape.slice();
  const strides = base.strides.slice();
  shape[d] = count;
  strides[d] = base.strides[d]! * step;
  shape.push(size);
  strides.push(base.strides[d]!);
  const out = new Tensor(base._box, shape, strides, base.offset, base.dtype);
  out._base = base._base ?? base;
  const inShape = base.shape;
  return record(out, "UnfoldBackward0", [base], [], (g) => [windowsBack(g, inShape, d, size, step, count)], { dimension: d, size, step });
}

/** unfold's vjp: g [..., count, ..., size] summed back onto the positions each window read. */
function windowsBack(g: Tensor, inShape: readonly number[], d: number, size: number, step: number, count: number): Tensor {
  const merged = g.movedim(-1, d + 1).flatten(d, d + 1);
  const positions: number[] = [];
  for (let w = 0; w < count; w++) for (let k = 0; k < size; k++) positions.push(w * step + k);
  const index = tensor(positions, { dtype: "int64", device: g.device })
    .view(inShape.map((_, i) => (i === d ? count * size : 1)))
    .expand(merged.shape);
  return scatterAddIntoZeros(inShape, d, index, merged);
}
