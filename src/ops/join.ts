// Joins by rank and broadcasting helpers, as views and cat: atleast1d/2d/3d, hstack, vstack,
// dstack, columnStack, broadcastTo, broadcastTensors, meshgrid. Gradients come from the parts
// (reshape, expand, cat).
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { bool, checkBool, checkInt, checkTensor, describe, int, isOptions, param, parseArgs, str } from "../args.ts";
import { broadcastShapes, checkIntList, type Shape } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { cat, checkTensorList, expand, stack } from "./shape.ts";
import { promoteTypes } from "../dtype.ts";
import { tensor, zeros } from "./creation.ts";

/** The tensors of atleast*d: one tensor, several, or one list; whether the answer is one tensor. */
function tensorArgs(fn: string, args: readonly unknown[]): [readonly Tensor[], boolean] {
  if (args.length === 1 && Array.isArray(args[0])) return [checkTensorList(fn, args[0]), false];
  args.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TorchTypeError(`${fn}(): expected Tensor as element ${i} in argument 0, but got ${describe(t)}`);
  });
  return [args as readonly Tensor[], args.length === 1];
}

const at1 = (t: Tensor): Tensor => (t.ndim === 0 ? t.reshape([1]) : t);
const at2 = (t: Tensor): Tensor => (t.ndim === 0 ? t.reshape([1, 1]) : t.ndim === 1 ? t.unsqueeze(0) : t);
const at3 = (t: Tensor): Tensor => (t.ndim === 0 ? t.reshape([1, 1, 1]) : t.ndim === 1 ? t.reshape([1, t.shape[0]!, 1]) : t.ndim === 2 ? t.unsqueeze(2) : t);

function atleast(fn: string, f: (t: Tensor) => Tensor, args: readonly unknown[]): Tensor | Tensor[] {
  const [tensors, single] = tensorArgs(fn, args);
  return single ? f(tensors[0]!) : tensors.map(f);
}
/** torch.atleast_1d: a 0-d tensor as shape [1], others unchanged; several tensors (or a list) give a list. */
export function atleast1d(x: Tensor): Tensor;
export function atleast1d(...tensors: Tensor[] | [readonly Tensor[]]): Tensor[];
export function atleast1d(...args: unknown[]): Tensor | Tensor[] {
  return atleast("atleast_1d", at1, args);
}
/** torch.atleast_2d: 0-d as [1, 1], 1-d [n] as [1, n]; several tensors (or a list) give a list. */
export function atleast2d(x: Tensor): Tensor;
export function atleast2d(...tensors: Tensor[] | [readonly Tensor[]]): Tensor[];
export function atleast2d(...args: unknown[]): Tensor | Tensor[] {
  return atleast("atleast_2d", at2, args);
}
/** torch.atleast_3d: 0-d as [1, 1, 1], [n] as [1, n, 1], [m, n] as [m, n, 1]; several tensors (or a list) give a list. */
export function atleast3d(x: Tensor): Tensor;
export function atleast3d(...tensors: Tensor[] | [readonly Tensor[]]): Tensor[];
export function atleast3d(...args: unknown[]): Tensor | Tensor[] {
  return atleast("atleast_3d", at3, args);
}

function joinList(fn: string, list: unknown): readonly Tensor[] {
  const tensors = checkTensorList(fn, list);
  if (tensors.length === 0) throw new RuntimeError(`${fn} expects a non-empty TensorList`);
  return tensors;
}
/** torch.hstack(tensors): concatenated along dim 0 when the (at least 1-d) tensors are 1-d, else along dim 1. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  const ts = joinList("hstack", tensors).map(at1);
  return cat(ts, ts[0]!.ndim === 1 ? 0 : 1);
}
/** torch.vstack(tensors): the tensors made at least 2-d, concatenated along dim 0. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return cat(joinList("vstack", tensors).map(at2), 0);
}
/** torch.dstack(tensors): the tensors made at least 3-d, concatenated along dim 2. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  return cat(joinList("dstack", tensors).map(at3), 2);
}
/** torch.column_stack(tensors): 0-d and 1-d tensors as columns [n, 1], concatenated along dim 1. */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  return cat(joinList("column_stack", tensors).map((t) => (t.ndim <= 1 ? t.reshape([t.numel(), 1]) : t)), 1);
}

/** torch.broadcast_to(input, shape): input expanded to shape (a view; -1 keeps a size), as expand. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, "input", "broadcast_to");
  return expand(x, checkIntList(shape, "broadcast_to", "size"));
}

/** torch.broadcast_tensors(*tensors): each tensor expanded (a view) to the shape they broadcast to together. */
export function broadcastTensors(...tensors: Tensor[]): Tensor[] {
  checkTensorList("broadcast_tensors", tensors);
  const shape = tensors.reduce<number[]>((s, t) => broadcastShapes(s, t.shape), []);
  return tensors.map((t) => expand(t, shape));
}

/** meshgrid's keyword: "ij" (matrix indexing, PyTorch 1.13's default) or "xy" (the first two dims swapped). */
export interface MeshgridOptions {
  /** "ij" (the default in PyTorch 1.13, with a warning there when not given) or "xy". */
  indexing?: "ij" | "xy";
}
const INDEXING = [param("indexing", str, "ij")];
/**
 * torch.meshgrid(*tensors, indexing="ij"): for N 0-d or 1-d tensors of sizes s_i, N views of
 * shape [s_1, ..., s_N], the k-th varying along dim k; "xy" swaps the first two dims (and
 * grids). The tensors as varargs or one list; the options object last.
 */
export function meshgrid(...args: [...tensors: Tensor[], options: MeshgridOptions] | Tensor[] | [tensors: readonly Tensor[], options?: MeshgridOptions]): Tensor[] {
  const opts = args.length > 0 && isOptions(args[args.length - 1]) ? args[args.length - 1] : undefined;
  const rest = opts === undefined ? args : args.slice(0, -1);
  const list = checkTensorList("meshgrid", rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest);
  const { indexing } = parseArgs<{ indexing: "ij" | "xy" }>("meshgrid", [], [opts], INDEXING);
  if (list.length === 0) throw new RuntimeError("meshgrid expects a non-empty TensorList");
  if (indexing !== "ij" && indexing !== "xy") throw new RuntimeError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing}`);
  for (const t of list) {
    if (t.ndim > 1) throw new RuntimeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a ${t.ndim}-D tensor of shape [${t.shape.join(", ")}]`);
    if (t.dtype !== list[0]!.dtype) throw new RuntimeError("meshgrid expects all tensors to have the same dtype");
    if (t._box.device !== list[0]!._box.device) throw new RuntimeError("meshgrid expects all tensors to have the same device");
  }
  const swap = indexing === "xy" && list.length >= 2;
  const ts = swap ? [list[1]!, list[0]!, ...list.slice(2)] : [...list];
  const sizes = ts.map((t) => t.numel());
  const grids = ts.map((t, k) => expand(t.reshape(sizes.map((s, j) => (j === k ? s : 1))), sizes));
  if (swap) [grids[0], grids[1]] = [grids[1]!, grids[0]!];
  return grids;
}

/**
 * torch.block_diag(*tensors): the tensors (0-, 1- or 2-D) as blocks along the diagonal of a
 * zero matrix (a 0-D tensor is a 1x1 block, a 1-D one a row), in their promoted dtype; each
 * block a row of [zeros, block, zeros] and the rows stacked, so the gradient is the blocks'.
 */
export function blockDiag(...tensors: Tensor[]): Tensor {
  const list = checkTensorList("block_diag", tensors);
  list.forEach((t, i) => {
    if (t.ndim > 2) throw new RuntimeError(`torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.ndim} dimensions`);
  });
  if (list.length === 0) return zeros([1, 0]);
  const blocks = list.map((t) => (t.ndim === 0 ? t.reshape([1, 1]) : t.ndim === 1 ? t.reshape([1, -1]) : t));
  const dtype = blocks.reduce((d, b) => promoteTypes(d, b.dtype), blocks[0]!.dtype);
  const cols = blocks.reduce((c, b) => c + b.shape[1]!, 0);
  let left = 0;
  const rows = blocks.map((b) => {
    const [r, c] = b.shape as [number, number];
    const row = cat([b.newZeros([r, left], { dtype }), b.to(dtype), b.newZeros([r, cols - left - c], { dtype })], 1);
    left += c;
    return row;
  });
  return cat(rows, 0);
}

/** torch.cartesian_prod(*tensors): every combination of the 1-D tensors' elements, one per row (one tensor: itself). */
export function cartesianProd(...tensors: Tensor[]): Tensor {
  const list = checkTensorList("cartesian_prod", tensors);
  list.forEach((t) => {
    if (t.ndim !== 1) throw new RuntimeError(`Expect a 1D vector, but got shape [${t.shape.join(", ")}]`);
  });
  if (list.length === 1) return list[0]!;
  return stack(meshgrid([...list], { indexing: "ij" }).map((g) => g.reshape([-1])), 1);
}

/**
 * torch.combinations(input, r=2, with_replacement=False): the r-length combinations of a 1-D
 * tensor's elements, in itertools' order, one per row (a gather: the gradient is summed back).
 */
export function combinations(x: Tensor, r?: number, withReplacement?: boolean): Tensor;
export function combinations(x: Tensor, opts: { r?: number; withReplacement?: boolean }): Tensor;
export function combinations(x: Tensor, rArg: number | { r?: number; withReplacement?: boolean } = 2, wArg = false): Tensor {
  checkTensor(x, "input", "combinations");
  const { r, withReplacement } = isOptions(rArg)
    ? parseArgs<{ r: number; withReplacement: boolean }>("combinations", [], [rArg], [param("r", int(), 2), param("withReplacement", bool, false)])
    : { r: checkInt(rArg, "r", "combinations"), withReplacement: checkBool(wArg, "with_replacement", "combinations") };
  if (x.ndim !== 1) throw new RuntimeError(`Expect a 1D vector, but got shape [${x.shape.join(", ")}]`);
  if (r < 0) throw new RuntimeError(`Expect a non-negative number, but got ${r}`);
  if (r === 0) return x.newZeros([0]);
  const n = x.shape[0]!;
  const rows: number[] = [];
  const pick = new Array<number>(r);
  const walk = (k: number, from: number): void => {
    if (k === r) { rows.push(...pick); return; }
    for (let i = from; i < n; i++) { pick[k] = i; walk(k + 1, withReplacement ? i : i + 1); }
  };
  walk(0, 0);
  const idx = tensor(rows, { dtype: "int64", device: x._box.device });
  return x.indexSelect(0, idx).reshape([rows.length / r, r]);
}
