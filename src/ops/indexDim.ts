// The index_* family along one dim and take_along_dim, as gathers and scatters: an index
// vector laid along dim d (expanded over the other dims) is the gather/scatter index, so the
// gradients are gather's and scatter's.
import { CPU } from "../device.ts";
import { isIntegral, scalarTypeName } from "../dtype.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { checkInt, checkTensor, checkTensorOrScalar, int, isOptions, nullable, num, param, parseArgs, parseKeywords } from "../args.ts";
import { broadcastShapes, fmtShape, normalizeDim, type Shape } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { numberData } from "./alloc.ts";
import { gather, scatter, scatterAdd } from "./indexing.ts";

/** The index vector [n] along dim d of a tensor of `shape` (size n at d): the gather/scatter index. */
function alongDim(index: Tensor, shape: Shape, d: number): Tensor {
  const n = index.numel();
  return index.reshape(shape.map((_, k) => (k === d ? n : 1))).expand(shape.map((s, k) => (k === d ? n : s)));
}

/**
 * An index vector's checks: integer dtype (`int64Only`: PyTorch's ops that take only Long), at
 * most 1-d, within [0, size) on the host (within [-size, size) where `negative`: index_fill's).
 */
function checkIndexVector(fn: string, index: Tensor, size: number, int64Only: boolean, rangeError: (i: number) => Error, negative = false): void {
  if (int64Only ? index.dtype !== "int64" : !isIntegral(index.dtype)) {
    throw new IndexError(`${fn}(): Expected dtype ${int64Only ? "int64" : "int32/int64"} for index, but got ${index.dtype}`);
  }
  if (index.ndim > 1) throw new IndexError(`${fn}(): Index is supposed to be a vector`);
  // on a device the scatter/gather kernel checks the range and reports at the next read (as CUDA's device asserts)
  if (index._box.device === CPU) {
    const lo = negative ? -size : 0;
    for (const i of numberData(index)) if (i < lo || i >= size) throw rangeError(i);
  }
}
/** index_fill's negative indices count from the end. */
const wrapped = (index: Tensor, size: number): Tensor => (index._box.device === CPU && numberData(index).every((i) => i >= 0) ? index : index.add(index.lt(0).to(index.dtype).mul(size)));

/** The source's checks shared by indexAdd and indexCopy: the dtype, the count along dim, the other sizes. */
function checkSource(fn: string, x: Tensor, d: number, index: Tensor, source: Tensor, countError: string): void {
  if (source.dtype !== x.dtype) throw new RuntimeError(`${fn}(): self (${scalarTypeName(x.dtype)}) and source (${scalarTypeName(source.dtype)}) must have the same scalar type`);
  const n = source.ndim === 0 ? 1 : source.shape[d];
  if (index.numel() !== n) throw fn === "index_copy_" ? new IndexError(countError) : new RuntimeError(countError);
  if (source.ndim !== x.ndim || source.shape.some((s, k) => k !== d && s !== x.shape[k])) {
    throw new RuntimeError(`${fn}(): source ${fmtShape(source.shape)} and self ${fmtShape(x.shape)} must have the same size in every dimension but dim ${d}`);
  }
}

/** The input, dim and index of an index_* op checked; the normalized dim and the input's size along it. */
function along(fn: string, x: Tensor, dim: number, index: Tensor): [number, number] {
  checkTensor(x, "input", fn);
  checkInt(dim, "dim", fn);
  checkTensor(index, "index", fn);
  const d = normalizeDim(dim, x.ndim);
  return [d, x.ndim === 0 ? 1 : x.shape[d]!];
}

/** Keyword of indexAdd. */
export interface IndexAddOptions {
  /** The source's multiplier (default 1). */
  alpha?: number;
}
const ALPHA = [param("alpha", num(), 1)];

/** torch.index_add(input, dim, index, source, *, alpha=1): input with alpha * source[i] added along dim at index[i] (repeated indices accumulate). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, opts?: IndexAddOptions): Tensor {
  const [d, size] = along("index_add", x, dim, index);
  checkTensor(source, "source", "index_add");
  const { alpha } = parseKeywords<Required<IndexAddOptions>>("index_add", 4, opts, ALPHA);
  checkIndexVector("index_add_", index, size, false, () => new IndexError("index out of range in self"));
  checkSource("index_add_", x, d, index, source, `index_add_(): Number of indices (${index.numel()}) should be equal to source.size(dim): (${source.ndim === 0 ? 1 : source.shape[d]}), for dim: ${d}`);
  const a = isIntegral(x.dtype) ? Math.trunc(alpha) : alpha;
  return scatterAdd(x, d, alongDim(index, source.shape, d), a === 1 ? source : source.mul(a));
}

/** torch.index_copy(input, dim, index, source): input with source[i] written along dim at index[i] (int64 index, as PyTorch). */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const [d, size] = along("index_copy", x, dim, index);
  checkTensor(source, "source", "index_copy");
  checkIndexVector("index_copy_", index, size, true, (i) => new IndexError(`index_copy_(): index ${i} is out of bounds for dimension ${d} with size ${size}`));
  checkSource("index_copy_", x, d, index, source, `index_copy_(): Number of indices (${index.numel()}) should be equal to source.size(dim) (${source.ndim === 0 ? 1 : source.shape[d]})`);
  return scatter(x, d, alongDim(index, source.shape, d), source);
}

/** torch.index_fill(input, dim, index, value): input with value written at index along dim; value a number or a 0-d tensor (int64 index, as PyTorch). */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: number | boolean | Tensor): Tensor {
  const [d, size] = along("index_fill", x, dim, index);
  checkTensorOrScalar(value, "value", "index_fill");
  checkIndexVector("index_fill_", index, size, true, (i) => new IndexError(`index ${i} is out of bounds for dimension ${d} with size ${size}`), true);
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new RuntimeError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  }
  const where = alongDim(wrapped(index, size), x.shape, d);
  return scatter(x, d, where, value instanceof Tensor ? value.to(x.dtype).expand(where.shape) : Number(value));
}

const TAKE_DIM = [param("dim", nullable(int()), null)];
/**
 * torch.take_along_dim(input, indices, dim=None): dim null gathers from the flattened input at
 * the flattened indices; otherwise input and indices broadcast against each other except
 * along dim and are gathered there (indices int64, as PyTorch).
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dimArg?: number | null | { dim?: number | null }, opts?: { dim?: number | null }): Tensor {
  checkTensor(x, "input", "take_along_dim");
  checkTensor(indices, "indices", "take_along_dim");
  const { dim } = parseArgs<{ dim: number | null }>("take_along_dim", TAKE_DIM, isOptions(dimArg) ? [dimArg] : [dimArg, opts]);
  if (indices.dtype !== "int64") throw new RuntimeError(`torch.take_along_dim(): dtype of indices should be Long but got ${scalarTypeName(indices.dtype)}`);
  if (dim === null) return gather(x.reshape([-1]), 0, indices.reshape([-1]));
  if (x.ndim !== indices.ndim) {
    throw new RuntimeError(`torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`);
  }
  const d = normalizeDim(dim, x.ndim);
  const idxShape = broadcastShapes(x.shape.map((s, k) => (k === d ? indices.shape[d]! : s)), indices.shape);
  const inShape = broadcastShapes(indices.shape.map((s, k) => (k === d ? x.shape[d]! : s)), x.shape);
  return gather(x.expand(inShape), d, indices.expand(idxShape));
}
