// Diagonals: torch.diagonal (a view: the two dims fused into one with stride s1 + s2),
// torch.diag (1-D -> the matrix with it on a diagonal; 2-D -> a copy of a diagonal) and
// torch.outer. The diagonal's gradient writes into zeros through the same geometry (region.ts).
import { record } from "../autograd/node.ts";
import { checkInt, checkTensor, int, param, parseArgs, type Args } from "../args.ts";
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

/** diagonal's arguments by keyword (`x.diagonal(dim1=-2, dim2=-1)`). */
export interface DiagonalOptions {
  /** Which diagonal: 0 the main one, > 0 above it, < 0 below; PyTorch's default 0. */
  offset?: number;
  /** The first of the two dims the diagonal runs along; PyTorch's default 0. */
  dim1?: number;
  /** The second of the two dims; PyTorch's default 1. */
  dim2?: number;
}
const DIAGONAL = [param("offset", int(), 0), param("dim1", int(), 0), param("dim2", int(), 1)];
/**
 * torch.diagonal(x, offset=0, dim1=0, dim2=1), each also by keyword
 * (`diagonal(x, { dim1: -2, dim2: -1 })`): a view, the diagonal last.
 */
export function diagonal(x: Tensor, ...args: Args<[offset: number, dim1: number, dim2: number], DiagonalOptions>): Tensor;
export function diagonal(x: Tensor, ...args: unknown[]): Tensor {
  checkTensor(x, "input", "diagonal");
  const [a = 0, b = 0, c = 1] = args;
  const simple = args.length <= 3 && typeof a === "number" && typeof b === "number" && typeof c === "number";
  const { offset, dim1, dim2 } = simple ? { offset: a, dim1: b, dim2: c } : parseArgs<Required<DiagonalOptions>>("diagonal", DIAGONAL, args);
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

const DIAG = [param("diagonal", int(), 0)];
/**
 * torch.diag(x, diagonal=0), diagonal also by keyword: a 1-D x on a diagonal of a square
 * matrix, or a 2-D x's diagonal (a copy).
 */
export function diag(x: Tensor, ...args: Args<[diagonal: number], { diagonal?: number }>): Tensor;
export function diag(x: Tensor, kArg: unknown = 0, opts?: unknown): Tensor {
  checkTensor(x, "input", "diag");
  const k = typeof kArg === "number" && opts === undefined ? checkInt(kArg, "diagonal", "diag") : parseArgs<{ diagonal: number }>("diag", DIAG, [kArg, opts]).diagonal;
  if (x.ndim === 2) return diagonal(x, k, 0, 1).clone();
  if (x.ndim !== 1) throw new RuntimeError("diag(): Supports 1D or 2D tensors. Got " + x.ndim + "D");
  const n = x.shape[0]! + Math.abs(k);
  const shape = [n, n];
  return putRegion(x, { ...diagonalGeometry(shape, contiguousStrides(shape), k, 0, 1), baseShape: shape });
}

const DIAG_EMBED = [param("offset", int(), 0), param("dim1", int(), -2), param("dim2", int(), -1)];
/**
 * torch.diag_embed(input, offset=0, dim1=-2, dim2=-1): zeros with input's last dim written on
 * the `offset` diagonal of the two new dims dim1 and dim2 (counted in the result's ndim + 1
 * dims); the other dims are input's batch dims. Its gradient reads that diagonal back.
 */
export function diagEmbed(x: Tensor, ...args: Args<[offset: number, dim1: number, dim2: number], DiagonalOptions>): Tensor {
  checkTensor(x, "input", "diag_embed");
  const { offset, dim1, dim2 } = parseArgs<Required<DiagonalOptions>>("diag_embed", DIAG_EMBED, args);
  const nd = x.ndim + 1;
  const d1 = normalizeDim(dim1, nd);
  const d2 = normalizeDim(dim2, nd);
  if (d1 === d2) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const v = x.ndim === 0 ? x.reshape([1]) : x;
  const n = v.shape[v.ndim - 1]! + Math.abs(offset);
  const batch = v.shape.slice(0, -1);
  const shape: number[] = [];
  for (let i = 0, b = 0; i < nd; i++) shape.push(i === d1 || i === d2 ? n : batch[b++]!);
  // the diagonal geometry lists the other dims in order, then the diagonal: input's own layout
  return putRegion(v, { ...diagonalGeometry(shape, contiguousStrides(shape), offset, d1, d2), baseShape: shape });
}

/** torch.outer(a, b): a[i] * b[j] for 1-D a and b. */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "input", "outer");
  checkTensor(b, "vec2", "outer");
  if (a.ndim !== 1 || b.ndim !== 1) throw new RuntimeError(`outer: expected 1-D tensors, but got ${a.ndim}-D and ${b.ndim}-D`);
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}
