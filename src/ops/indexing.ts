// Index-driven ops: gather, scatter(Add), indexSelect, maskedFill, triu/tril.
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { CPU } from "../device.ts";
import { isIntegral, scalarTypeName } from "../dtype.ts";
import { IndexError, NotImplementedError, RuntimeError } from "../errors.ts";
import { checkInt, checkOptions, checkTensor, checkTensorOrScalar, int, param, parseArgs, type Args } from "../args.ts";
import { broadcastShapes, fmtShape, normalizeDim, sameShape, type Shape } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { backendOf, empty, fromHost, numberData, scalarView, sv, zeros } from "./alloc.ts";
import { where } from "./elementwise.ts";

function checkIndexTensor(op: string, x: Tensor, dim: number, index: Tensor): void {
  if (!isIntegral(index.dtype)) throw new RuntimeError(`${op}(): Expected dtype int32 or int64 for index, got ${index.dtype}`);
  if (index.shape.length !== x.shape.length && index.numel() > 0) {
    throw new RuntimeError(`Index tensor must have the same number of dimensions as ${op === "gather" ? "input" : "self"} tensor`);
  }
  for (let k = 0; k < index.shape.length; k++) {
    if (k !== dim && index.shape[k] > x.shape[k]) {
      throw new RuntimeError(`Size does not match at dimension ${k} expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${dim}`);
    }
  }
}

export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(index, "index", "gather");
  const d = normalizeDim(dim, x.shape.length);
  checkIndexTensor("gather", x, d, index);
  const out = empty(index.shape, x.dtype, x._box.device);
  backendOf(x, index).gather(sv(x), sv(index), d, out._box.data);
  const shape = x.shape;
  return record(out, "GatherBackward0", [x], [index], (g, [idx]) => [scatterAddIntoZeros(shape, d, idx, g)], { dim: d, index });
}

/**
 * zeros(shape).scatterAdd(d, index, src) without cloning the zeros: the vjp of gather,
 * index_select and max pooling. Its own vjp is a gather of the upstream gradient.
 */
export function scatterAddIntoZeros(shape: Shape, d: number, index: Tensor, src: Tensor): Tensor {
  const out = zeros(shape, src.dtype, src._box.device);
  backendOf(src, index).scatter(out._box.data, out.shape, sv(index), sv(src, src.strides, index.shape), d, true);
  return record(out, "ScatterAddBackward0", [src], [index], (g, [idx]) => [g.gather(d, idx)], { dim: d, index, zeros: true });
}

function scatterImpl(x: Tensor, dim: number, index: Tensor, src: Tensor | number, accumulate: boolean): Tensor {
  checkTensor(index, "index", accumulate ? "scatter_add" : "scatter");
  const d = normalizeDim(dim, x.shape.length);
  checkIndexTensor(accumulate ? "scatter_add" : "scatter", x, d, index);
  if (src instanceof Tensor) {
    for (let k = 0; k < index.shape.length; k++) {
      if (index.shape[k] > src.shape[k]) {
        throw new RuntimeError(`Size does not match at dimension ${k} expected index ${fmtShape(index.shape)} to be smaller than src ${fmtShape(src.shape)}`);
      }
    }
  }
  if (src instanceof Tensor && src.dtype !== x.dtype) {
    throw new RuntimeError(`${accumulate ? "scatter_add" : "scatter"}(): Expected self.dtype to be equal to src.dtype`);
  }
  const backend = backendOf(x, index, src instanceof Tensor ? src : null);
  const out = x.clone().detach();
  const srcView = src instanceof Tensor ? sv(src, src.strides, index.shape) : scalarView(src, index.shape, x.dtype);
  backend.scatter(out._box.data, out.shape, sv(index), srcView, d, accumulate);
  const s = src instanceof Tensor ? src : null;
  if (accumulate) return record(out, "ScatterAddBackward0", [x, s], [index], (g, [idx]) => [g, s ? g.gather(d, idx) : null], { dim: d, index });
  const attrs = s ? { dim: d, index } : { dim: d, index, value: src as number };
  return record(out, s ? "ScatterBackward0" : "ScatterBackward1", [x, s], [index], (g, [idx]) => [g.scatter(d, idx, 0), s ? g.gather(d, idx) : null], attrs);
}
/** scatter's keyword: reduce='add' accumulates into the input (PyTorch's scatter_(dim, index, src, reduce='add')). */
export interface ScatterOptions {
  /** How each value combines with the one it lands on; absent replaces it. */
  reduce?: "add" | "multiply";
}
/**
 * torch.take(input, index): the elements of the flattened input at `index` (int64, any shape,
 * negative counting from the end), in index's shape. The gradient is summed into those places.
 */
export function take(x: Tensor, index: Tensor): Tensor {
  checkTensor(x, "input", "take");
  checkTensor(index, "index", "take");
  if (index.dtype !== "int64") throw new RuntimeError(`take(): Expected a long tensor for index, but got ${scalarTypeName(index.dtype)}`);
  const n = x.numel();
  // On a device the gather checks the range and reports at the next read (as index_select).
  if (index._box.device === CPU) {
    const at = numberData(index);
    for (let i = 0; i < at.length; i++) {
      if (at[i]! >= n || at[i]! < -n) throw new IndexError(`out of range: tried to access index ${at[i]} on a tensor of ${n} elements.`);
    }
  }
  const flat = index.reshape(-1);
  return indexSelect(x.reshape(-1), 0, where(flat.lt(0), flat.add(n), flat)).reshape(index.shape);
}

/** torch.scatter(input, dim, index, src|value, *, reduce=None). */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number, opts?: ScatterOptions): Tensor {
  checkTensor(x, "input", "scatter");
  checkTensor(index, "index", "scatter");
  checkTensorOrScalar(src, "src", "scatter");
  checkOptions("scatter", opts, ["reduce"]);
  const reduce = opts?.reduce;
  if (reduce === undefined) return scatterImpl(x, dim, index, src, false);
  if (reduce === "add") return scatterImpl(x, dim, index, src, true);
  if (reduce === "multiply") throw new NotImplementedError("scatter(reduce='multiply') is not in torch-ts (reduce='add' is)");
  throw new RuntimeError("reduce argument must be either add or multiply.");
}
export const scatterAdd = (x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor => scatterImpl(x, dim, index, src, true);

export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(index, "index", "index_select");
  const d = normalizeDim(dim, x.shape.length);
  if (!isIntegral(index.dtype)) throw new IndexError(`index_select(): Expected dtype int32 or int64 for index`);
  if (index.shape.length > 1) throw new IndexError("index_select(): Index is supposed to be a vector");
  const n = index.numel();
  const size = x.shape.length === 0 ? 1 : x.shape[d];
  // On a device the gather kernel checks the range and reports at the next read (as CUDA's device asserts).
  if (index._box.device === CPU) {
    const idx = numberData(index);
    for (let i = 0; i < n; i++) if (idx[i] < 0 || idx[i] >= size) throw new IndexError("index out of range in self");
  }
  const outShape = x.shape.slice();
  if (outShape.length) outShape[d] = n;
  // An index broadcast along the other dims turns the select into a gather.
  const viewShape = x.shape.map((_, k) => (k === d ? n : 1));
  const full = index.reshape(viewShape).expand(outShape);
  const out = noGrad(() => gather(x, d, full));
  const shape = x.shape;
  return record(out, "IndexSelectBackward0", [x], [full], (g, [fi]) => [scatterAddIntoZeros(shape, d, fi, g)], { dim: d, index: full });
}

export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  checkTensor(mask, "mask", "masked_fill");
  checkTensorOrScalar(value, "value", "masked_fill");
  if (mask.dtype !== "bool") throw new RuntimeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  if (!sameShape(broadcastShapes(x.shape, mask.shape), x.shape)) {
    throw new RuntimeError(`The size of tensor a (${x.shape.at(-1)}) must match the size of tensor b (${mask.shape.at(-1)}) at non-singleton dimension ${x.shape.length - 1}`);
  }
  if (value instanceof Tensor && value.shape.length !== 0) {
    throw new RuntimeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.shape.length} dimension(s).`);
  }
  const v = value instanceof Tensor ? value.to(x.dtype) : Tensor.scalar(Number(value), x.dtype);
  return where(mask, v, x);
}

function triangle(x: Tensor, k: number, upper: boolean): Tensor {
  if (x.shape.length < 2) throw new RuntimeError(`${upper ? "triu" : "tril"}: input tensor must have at least 2 dimensions`);
  const rows = x.shape[x.shape.length - 2];
  const cols = x.shape[x.shape.length - 1];
  const m = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m[i * cols + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  return where(fromHost(m, [rows, cols], "bool", x._box.device), x, Tensor.scalar(0, x.dtype));
}
const TRIANGLE = [param("diagonal", int(), 0)];
/** The diagonal of triu/tril, positional or as { diagonal }. */
function diagonalArg(fn: string, x: Tensor, args: readonly unknown[]): number {
  checkTensor(x, "input", fn);
  if (args.length === 0) return 0;
  if (args.length === 1 && typeof args[0] === "number") return checkInt(args[0], "diagonal", fn);
  return parseArgs<{ diagonal: number }>(fn, TRIANGLE, args).diagonal;
}
/** torch.triu(input, diagonal=0). */
export const triu = (x: Tensor, ...args: Args<[diagonal: number], { diagonal?: number }>): Tensor => triangle(x, diagonalArg("triu", x, args), true);
/** torch.tril(input, diagonal=0). */
export const tril = (x: Tensor, ...args: Args<[diagonal: number], { diagonal?: number }>): Tensor => triangle(x, diagonalArg("tril", x, args), false);
