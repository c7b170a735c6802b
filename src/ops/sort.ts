// Sorting: torch.sort, argsort, topk. One backend pass finds the order (stable, NaN greater
// than every number, as PyTorch's); the values are a gather at those positions, so their
// gradient is the gather's (a scatter into zeros).
import { bool, checkInt, checkTensor, int, param, parseArgs, type Args } from "../args.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { normalizeDim } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, dense, empty } from "./alloc.ts";
import type { ValuesIndices } from "./reduce.ts";

/** int64 positions that sort x along d. */
function order(x: Tensor, d: number, descending: boolean): Tensor {
  const xc = x.movedim(d, -1).contiguous();
  const r = xc.shape[xc.ndim - 1] ?? 1;
  const positions = empty(xc.shape, "int32", xc._box.device);
  if (xc.numel() > 0) backendOf(xc).argsort(dense(xc), xc.numel() / r, r, 1, descending, positions._box.data as Int32Array);
  return positions.to("int64").movedim(-1, d);
}

/** Options of sort and argsort: the dimension (default -1), the order (default ascending) and PyTorch's `stable`. */
export interface SortOptions {
  dim?: number;
  descending?: boolean;
  /** Accepted for PyTorch's signature: torch-ts's sort is always stable. */
  stable?: boolean;
}
const SORT_ARGS = [param("dim", int(), -1), param("descending", bool, false)];
const STABLE = [param("stable", bool, false)];

/** torch.sort(x, dim=-1, descending=False, *, stable=False) -> { values, indices }; ties keep their order (always stable). */
export function sort(x: Tensor, ...args: Args<[dim: number, descending: boolean], SortOptions>): ValuesIndices {
  checkTensor(x, "input", "sort");
  const { dim, descending } = parseArgs<Required<SortOptions>>("sort", SORT_ARGS, args, STABLE);
  if (x.ndim === 0) return { values: x.clone(), indices: x.mul(0).long() };
  const d = normalizeDim(dim, x.ndim);
  const indices = order(x, d, descending);
  return { values: x.gather(d, indices), indices };
}

/** torch.argsort(x, dim=-1, descending=False, *, stable=False). */
export function argsort(x: Tensor, ...args: Args<[dim: number, descending: boolean], SortOptions>): Tensor {
  checkTensor(x, "input", "argsort");
  const { dim, descending } = parseArgs<Required<SortOptions>>("argsort", SORT_ARGS, args, STABLE);
  return sort(x, dim, descending).indices;
}

/** Options of topk: the dimension (default -1), largest (default true) and PyTorch's `sorted`. */
export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  /** Accepted for PyTorch's signature: the result is always sorted. */
  sorted?: boolean;
}
const TOPK_ARGS = [param("dim", int(), -1), param("largest", bool, true), param("sorted", bool, true)];

/** torch.topk(x, k, dim=-1, largest=True, sorted=True) -> { values, indices }, sorted. */
export function topk(x: Tensor, k: number, ...args: Args<[dim: number, largest: boolean, sorted: boolean], TopkOptions>): ValuesIndices {
  checkTensor(x, "input", "topk");
  const { dim, largest } = parseArgs<Required<TopkOptions>>("topk", TOPK_ARGS, args);
  checkInt(k, "k", "topk");
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  if (k < 0 || k > size) throw (k < 0 ? new RuntimeError(`selected index k out of range`) : new IndexError("selected index k out of range"));
  if (x.ndim === 0) return sort(x);
  const indices = order(x, d, largest).narrow(d, 0, k).contiguous();
  return { values: x.gather(d, indices), indices };
}
