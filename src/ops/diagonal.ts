// Diagonals: torch.diagonal (a view: the two dims fused into one with stride s1 + s2),
// torch.diag (1-D -> the matrix with it on a diagonal; 2-D -> a copy of a diagonal) and
// torch.outer. The diagonal's gradient writes into zeros through the same geometry (region.ts).
import { record } from "../autograd/node.ts";
import { checkInt, checkTensor } from "../args.ts";
import { RuntimeError } from "../errors.ts";
import { contiguousStrides, normalizeDim } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { putRegion, type Region } from "./region.ts";

/** Shape, strides and offset of the diagonal of (dim1, dim2) with `offset`, for given strides. */
function diagonalGeometry(shape: readonly number[], strides: readonly number[], offset: number, d1: number, d2: number): Omit<Region, "baseShape"> {
  const n1 = shape[d1]!;
  const n2 = shape[d2]!;
  const len = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  const start = len === 0 ? 0 : offset >= 0 ? offset * strides[d2]! : -offset * strides[d1]!;
  const keep = shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  return { shape: [...keep.map((i) => shape[i]!), len], strides: [...keep.map((i) => strides[i]!), strides[d1]! + strides[d2]!], offset: start };
}

/** torch.diagonal(x, offset=0, dim1=0, dim2=1): a view, the diagonal last. */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkInt(offset, "offset", "diagonal");
  const d1 = normalizeDim(dim1, x.ndim);
  const d2 = normalizeDim(dim2, x.ndim);
  if (d1 === d2) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const g = diagonalGeometry(x.shape, x.strides, offset, d1, d2);
  const out = new Tensor(x._box, g.shape as number[], g.strides as number[], x.offset + g.offset, x.dtype);
  out._base = x._base ?? x;
  // the gradient: zeros of x's shape with g on the same diagonal of x's dense layout
  const region: Region = { ...diagonalGeometry(x.shape, contiguousStrides(x.shape), offset, d1, d2), baseShape: x.shape };
  return record(out, "DiagonalBackward0", [x], [], (grad) => [putRegion(grad, region)], { offset, dim1: d1, dim2: d2 });
}

/** torch.diag(x, diagonal=0): a 1-D x on a diagonal of a square matrix, or a 2-D x's diagonal (a copy). */
export function diag(x: Tensor, k = 0): Tensor {
  checkTensor(x, "input", "diag");
  checkInt(k, "diagonal", "diag");
  if (x.ndim === 2) return diagonal(x, k, 0, 1).clone();
  if (x.ndim !== 1) throw new RuntimeError("diag(): Supports 1D or 2D tensors. Got " + x.ndim + "D");
  const n = x.shape[0]! + Math.abs(k);
  const shape = [n, n];
  return putRegion(x, { ...diagonalGeometry(shape, contiguousStrides(shape), k, 0, 1), baseShape: shape });
}

/** torch.outer(a, b): a[i] * b[j] for 1-D a and b. */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "input", "outer");
  checkTensor(b, "vec2", "outer");
  if (a.ndim !== 1 || b.ndim !== 1) throw new RuntimeError(`outer: expected 1-D tensors, but got ${a.ndim}-D and ${b.ndim}-D`);
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}
