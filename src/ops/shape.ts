// View ops (share storage, never copy) and the joins/splits built on them.
import { gradMode } from "../autograd/gradMode.ts";
import { record, SliceGrad } from "../autograd/node.ts";
import { promoteTypes } from "../dtype.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { checkIntList, contiguousStrides, fmtShape, inferShape, normalizeDim, numelOf, parseShape, sameShape, viewStrides } from "../layout.ts";
import { checkInt, checkTensor, describe, int, isOptions, param, parseArgs, dims as dimsArg, type Args } from "../args.ts";
import { TorchTypeError } from "../errors.ts";
import { Tensor } from "../tensor.ts";
import { CPU } from "../device.ts";
import { backendOf, checkSameDevice, empty, sv, zeros } from "./alloc.ts";

/** A tensor over x's storage with another layout. */
function aliasOf(x: Tensor, shape: number[], strides: number[], offset: number): Tensor {
  const t = new Tensor(x._box, shape, strides, offset, x.dtype);
  t._base = x._base ?? x;
  return t;
}

/** `x.view(shape)`: the same storage seen with a new shape (one dim may be -1); a RuntimeError when the strides do not allow it. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, "input", "view");
  const target = inferShape(checkIntList(shape, "view"), x.numel());
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides === null) {
    throw new RuntimeError(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const inShape = x.shape;
  return record(aliasOf(x, target, strides, x.offset), "ViewBackward0", [x], [], (g) => [g.reshape(inShape)]);
}

/** torch.reshape(input, shape). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, "input", "reshape");
  const target = inferShape(checkIntList(shape, "reshape"), x.numel());
  if (viewStrides(x.shape, x.strides, target) !== null) return view(x, target);
  return view(x.contiguous(), target);
}

/** torch.permute(input, dims). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, "input", "permute");
  checkIntList(dims, "permute", "dims");
  const nd = x.shape.length;
  if (dims.length !== nd) {
    throw new RuntimeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${nd} is not equal to len(dims) = ${dims.length}`);
  }
  const p = dims.map((d) => normalizeDim(d, nd));
  if (new Set(p).size !== nd) throw new RuntimeError("permute(): duplicate dims are not allowed.");
  const inverse = new Array<number>(nd);
  p.forEach((d, i) => (inverse[d] = i));
  const out = aliasOf(x, p.map((d) => x.shape[d]), p.map((d) => x.strides[d]), x.offset);
  return record(out, "PermuteBackward0", [x], [], (g) => [g.permute(inverse)], { dims: p });
}

/** torch.transpose(input, dim0, dim1). */
const TRANSPOSE = [param("dim0", int()), param("dim1", int())];
/** transpose(dim0, dim1), with PyTorch's keywords as options. */
export type TransposeArgs = [dim0: number, dim1: number] | [dim0: number, options: { dim1: number }] | [options: { dim0: number; dim1: number }];
export function transpose(x: Tensor, ...args: TransposeArgs): Tensor;
export function transpose(x: Tensor, dim0?: unknown, dim1?: unknown, opts?: unknown): Tensor {
  // the keyword forms are read apart, so that the positional one stays small enough to inline
  if (typeof dim0 !== "number" || typeof dim1 !== "number" || opts !== undefined) return transposeKeywords(x, dim0, dim1, opts);
  checkTensor(x, "input", "transpose");
  const nd = x.shape.length;
  const a = normalizeDim(dim0, nd);
  const b = normalizeDim(dim1, nd);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return record(aliasOf(x, shape, strides, x.offset), "TransposeBackward0", [x], [], (g) => [g.transpose(a, b)], { dim0: a, dim1: b });
}

function transposeKeywords(x: Tensor, dim0: unknown, dim1: unknown, opts: unknown): Tensor {
  const a = parseArgs<{ dim0: number; dim1: number }>("transpose", TRANSPOSE, [dim0, dim1, opts]);
  return transpose(x, a.dim0, a.dim1);
}

export function t(x: Tensor): Tensor {
  checkTensor(x, "input", "t");
  if (x.shape.length > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.shape.length}D`);
  if (x.shape.length < 2) return x;
  const out = aliasOf(x, [x.shape[1], x.shape[0]], [x.strides[1], x.strides[0]], x.offset);
  return record(out, "TBackward0", [x], [], (g) => [g.t()]);
}

const SQUEEZE = [param("dim", dimsArg, null)];
/** torch.squeeze(input, dim=None): the size-1 dims, or those of dim (an int or a list) that have size 1. */
export function squeeze(x: Tensor, ...args: Args<[dim: number | readonly number[] | null], { dim?: number | readonly number[] | null }>): Tensor;
export function squeeze(x: Tensor, dimArg?: unknown, opts?: unknown): Tensor {
  checkTensor(x, "input", "squeeze");
  const dim = opts !== undefined || isOptions(dimArg) ? parseArgs<{ dim: number | number[] | null }>("squeeze", SQUEEZE, [dimArg, opts]).dim ?? undefined : (dimArg as number | number[] | null | undefined) ?? undefined;
  if (dim !== undefined && typeof dim !== "number" && !Array.isArray(dim)) throw new TorchTypeError(`squeeze(): argument 'dim' must be an integer or a list of integers, but got ${describe(dim)}`);
  const nd = x.shape.length;
  const dims = dim === undefined ? null : (typeof dim === "number" ? [dim] : dim).map((d) => normalizeDim(d, nd));
  const keep = x.shape.map((s, i) => !(s === 1 && (dims === null || dims.includes(i))));
  const inShape = x.shape;
  const out = aliasOf(x, x.shape.filter((_, i) => keep[i]), x.strides.filter((_, i) => keep[i]), x.offset);
  return record(out, "SqueezeBackward0", [x], [], (g) => [g.reshape(inShape)], { dim: keep.flatMap((k, i) => (k ? [] : [i])) });
}

/** torch.unsqueeze(input, dim). */
const UNSQUEEZE = [param("dim", int())];
export function unsqueeze(x: Tensor, ...args: [dim: number] | [options: { dim: number }]): Tensor;
export function unsqueeze(x: Tensor, dim?: unknown, opts?: unknown): Tensor {
  checkTensor(x, "input", "unsqueeze");
  if (typeof dim !== "number" || opts !== undefined) ({ dim } = parseArgs<{ dim: number }>("unsqueeze", UNSQUEEZE, [dim, opts]));
  const d = normalizeDim(dim as number, x.shape.length + 1);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.shape.length ? x.strides[d] * x.shape[d] : 1);
  return record(aliasOf(x, shape, strides, x.offset), "UnsqueezeBackward0", [x], [], (g) => [g.squeeze(d)], { dim: d });
}

/** `x.expand(sizes)`: a view with size-1 dims repeated (stride 0) and new leading dims; -1 keeps a size. */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  checkTensor(x, "input", "expand");
  const nd = checkIntList(sizes, "expand").length;
  if (nd < x.shape.length) {
    throw new RuntimeError(`expand(torch.FloatTensor{${fmtShape(x.shape)}}, size=${fmtShape(sizes)}): the number of sizes provided (${nd}) must be greater or equal to the number of dimensions in the tensor (${x.shape.length})`);
  }
  const lead = nd - x.shape.length;
  const shape = new Array<number>(nd);
  const strides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const want = sizes[i];
    if (i < lead) {
      if (want < 0) throw new RuntimeError(`The expanded size of the tensor (${want}) isn't allowed in a leading, non-existing dimension ${i}`);
      shape[i] = want;
      strides[i] = 0;
      continue;
    }
    const have = x.shape[i - lead];
    if (want === -1 || want === have) {
      shape[i] = have;
      strides[i] = x.strides[i - lead];
    } else if (have === 1) {
      shape[i] = want;
      strides[i] = 0;
    } else {
      throw new RuntimeError(
        `The expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${i}.  Target sizes: ${fmtShape(sizes)}.  Tensor sizes: ${fmtShape(x.shape)}`,
      );
    }
  }
  if (sameShape(shape, x.shape)) return x;
  // The engine sums the gradient back to the input shape.
  return record(aliasOf(x, shape, strides, x.offset), "ExpandBackward0", [x], [], (g) => [g]);
}

/** Options of flatten: the first and last dimensions flattened (defaults 0 and -1). */
export interface FlattenOptions {
  startDim?: number;
  endDim?: number;
}
const FLATTEN = [param("startDim", int(), 0), param("endDim", int(), -1)];
/** torch.flatten(input, start_dim=0, end_dim=-1). */
export function flatten(x: Tensor, ...args: Args<[startDim: number, endDim: number], FlattenOptions>): Tensor;
export function flatten(x: Tensor, startDim?: unknown, endDim?: unknown, opts?: unknown): Tensor {
  checkTensor(x, "input", "flatten");
  if (opts !== undefined || isOptions(startDim) || isOptions(endDim)) ({ startDim, endDim } = parseArgs<Required<FlattenOptions>>("flatten", FLATTEN, [startDim, endDim, opts]));
  const start = startDim === undefined ? 0 : checkInt(startDim, "start_dim", "flatten");
  const end = endDim === undefined ? -1 : checkInt(endDim, "end_dim", "flatten");
  if (x.shape.length === 0) return x.reshape([1]);
  const s = normalizeDim(start, x.shape.length);
  const e = normalizeDim(end, x.shape.length);
  if (s > e) throw new RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s === e) return x;
  return x.reshape([...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** torch.unflatten(input, dim, sizes). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  checkTensor(x, "input", "unflatten");
  const d = normalizeDim(dim, x.shape.length);
  if (!Array.isArray(sizes)) throw new TorchTypeError(`unflatten(): argument 'sizes' must be a list of integers, but got ${describe(sizes)}`);
  const resolved = inferShape(parseShape([sizes], "unflatten"), x.shape[d]);
  if (numelOf(resolved) !== x.shape[d]) {
    throw new RuntimeError(`unflatten: Provided sizes ${fmtShape(sizes)} don't multiply up to the size of dim ${dim} (${x.shape[d]}) in the input tensor`);
  }
  return x.reshape([...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
}

/** Python's slice bound rule: negative counts from the end, then clamp to [0, size]. */
function clampIndex(v: number, size: number): number {
  return Math.min(Math.max(v < 0 ? v + size : v, 0), size);
}

/**
 * x[..., start:end:step, ...] along dim (Python slice semantics, clamped). Its vjp embeds
 * the gradient into zeros at the same positions with `embedSlice`, itself differentiable.
 */
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  const d = normalizeDim(dim, x.shape.length);
  if (start !== undefined && start !== null) checkInt(start, "start", "slice");
  if (end !== undefined && end !== null) checkInt(end, "end", "slice");
  checkInt(step, "step", "slice");
  if (step <= 0) throw new RuntimeError("slice step must be positive");
  const size = x.shape[d];
  const s = clampIndex(start ?? 0, size);
  const e = Math.max(clampIndex(end ?? size, size), s);
  const len = Math.ceil((e - s) / step);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape[d] = len;
  strides[d] = x.strides[d] * step;
  const inShape = x.shape;
  const out = aliasOf(x, shape, strides, x.offset + s * x.strides[d]);
  return record(out, "SliceBackward0", [x], [], (g) => [gradMode.enabled ? embedSlice(g, inShape, d, s, step) : new SliceGrad(g, d, s, step)], { dim: d, start: s, end: e, step });
}

/** zeros(shape) with g written at [start::step] along dim: the adjoint of slice. */
export function embedSlice(g: Tensor, shape: readonly number[], dim: number, start: number, step: number): Tensor {
  const out = zeros(shape, g.dtype, g._box.device);
  const strides = contiguousStrides(shape);
  const dst = { data: out._box.data, shape: g.shape, strides: strides.map((s, i) => (i === dim ? s * step : s)), offset: start * strides[dim] };
  backendOf(g).copy(sv(g), dst);
  const len = g.shape[dim];
  return record(out, "SliceBackwardBackward0", [g], [], (gg) => [gg.slice(dim, start, start + (len - 1) * step + 1, step)]);
}

/** torch.narrow(input, dim, start, length). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor(x, "input", "narrow");
  const d = normalizeDim(dim, x.shape.length);
  checkInt(start, "start", "narrow");
  checkInt(length, "length", "narrow");
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size) throw new IndexError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  if (length < 0 || s + length > size) throw new RuntimeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return slice(x, d, s, s + length);
}

/** torch.select(input, dim, index). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor(x, "input", "select");
  const d = normalizeDim(dim, x.shape.length);
  checkInt(index, "index", "select");
  const size = x.shape[d];
  if (index < -size || index >= size) {
    throw new IndexError(`select(): index ${index} out of range for tensor of size ${fmtShape(x.shape)} at dimension ${dim}`);
  }
  const i = index < 0 ? index + size : index;
  const inShape = x.shape;
  const out = aliasOf(x, x.shape.filter((_, k) => k !== d), x.strides.filter((_, k) => k !== d), x.offset + i * x.strides[d]);
  return record(out, "SelectBackward0", [x], [], (g) => [gradMode.enabled ? embedSlice(g.unsqueeze(d), inShape, d, i, 1) : new SliceGrad(g.unsqueeze(d), d, i, 1)], { dim: d, index: i });
}

const DIM0 = [param("dim", int(), 0)];
/** A trailing (dim=0) of split/chunk/unbind/cat/stack, positional or { dim }. */
function dimOf(fn: string, dim: unknown, opts: unknown): number {
  if (opts !== undefined || isOptions(dim)) return parseArgs<{ dim: number }>(fn, DIM0, [dim, opts]).dim;
  return dim === undefined ? 0 : checkInt(dim, "dim", fn);
}

/** torch.chunk(input, chunks, dim=0). */
export function chunk(x: Tensor, chunks: number, ...args: Args<[dim: number], { dim?: number }>): Tensor[];
export function chunk(x: Tensor, chunks: number, dimArg?: unknown, opts?: unknown): Tensor[] {
  checkTensor(x, "input", "chunk");
  checkInt(chunks, "chunks", "chunk");
  const dim = dimOf("chunk", dimArg, opts);
  if (chunks <= 0) throw new RuntimeError("chunk expects `chunks` to be greater than 0, got: " + chunks);
  const d = normalizeDim(dim, x.shape.length);
  const size = Math.ceil(x.shape[d] / chunks);
  return split(x, Math.max(size, 1), d);
}

/**
 * torch.tensor_split(input, indices_or_sections, dim=0): views. A number n makes n parts, the
 * first size % n of them one longer; a list (or a 1-D int tensor) gives the split indices,
 * clamped to the dimension; a 0-dim int tensor is a number of sections.
 */
export function tensorSplit(x: Tensor, sections: number | readonly number[] | Tensor, ...args: Args<[dim: number], { dim?: number }>): Tensor[];
export function tensorSplit(x: Tensor, sections: number | readonly number[] | Tensor, dimArg?: unknown, opts?: unknown): Tensor[] {
  checkTensor(x, "input", "tensor_split");
  if (x.ndim === 0) throw new RuntimeError(`tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims`);
  const d = normalizeDim(dimOf("tensor_split", dimArg, opts), x.ndim);
  return splitAt(x, d, sectionsOrIndices(sections, "tensor_split"));
}

/** A number of sections, or split indices, from tensor_split's and the h/v/dsplit's argument. */
function sectionsOrIndices(v: number | readonly number[] | Tensor, fn: string): number | number[] {
  if (v instanceof Tensor) {
    if (v.dtype !== "int64") throw new RuntimeError(`${fn} expected tensor_indices_or_sections to have Long dtype, but got ${v.dtype === "int32" ? "Int" : v.dtype}`);
    if (v.ndim > 1) throw new RuntimeError(`${fn} expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${v.ndim} dims`);
    if (v._box.device !== CPU) throw new RuntimeError(`${fn} expected tensor_indices_or_sections to be on cpu, but it's on ${v._box.device}`);
    const list = v.tolist() as number | number[];
    return list;
  }
  if (typeof v === "number") return checkInt(v, "sections", fn);
  return checkIntList(v, fn, "indices").slice();
}

function splitAt(x: Tensor, d: number, at: number | number[]): Tensor[] {
  const size = x.shape[d]!;
  const bounds: number[] = [0];
  if (typeof at === "number") {
    if (at <= 0) throw new RuntimeError(`number of sections must be larger than 0, got ${at}`);
    const base = Math.floor(size / at), extra = size % at;
    for (let i = 0; i < at; i++) bounds.push(bounds[i]! + base + (i < extra ? 1 : 0));
  } else {
    for (const i of at) bounds.push(Math.min(size, Math.max(bounds[bounds.length - 1]!, i < 0 ? i + size : i)));
    bounds.push(size);
  }
  const out: Tensor[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) out.push(narrow(x, d, bounds[i]!, bounds[i + 1]! - bounds[i]!));
  return out;
}

/** torch.hsplit / vsplit / dsplit: tensor_split along dim 1 (dim 0 for 1-D), 0 or 2; a number must divide the size. */
function directionalSplit(fn: "hsplit" | "vsplit" | "dsplit", x: Tensor, sections: number | readonly number[] | Tensor): Tensor[] {
  checkTensor(x, "input", fn);
  const need = fn === "hsplit" ? 1 : fn === "vsplit" ? 2 : 3;
  if (x.ndim < need) throw new RuntimeError(`torch.${fn} requires a tensor with at least ${need} dimension, but got a tensor with ${x.ndim} dimensions!`);
  const d = fn === "hsplit" ? (x.ndim === 1 ? 0 : 1) : fn === "vsplit" ? 0 : 2;
  const at = sectionsOrIndices(sections, fn);
  if (typeof at === "number" && (at === 0 || x.shape[d]! % at !== 0)) {
    throw new RuntimeError(`torch.${fn} attempted to split along dimension ${d}, but the size of the dimension ${x.shape[d]} is not divisible by the split_size ${at}!`);
  }
  return splitAt(x, d, at);
}
/** torch.hsplit(input, indices_or_sections): columns (dim 1; dim 0 of a 1-D tensor). */
export const hsplit = (x: Tensor, sections: number | readonly number[] | Tensor): Tensor[] => directionalSplit("hsplit", x, sections);
/** torch.vsplit(input, indices_or_sections): rows (dim 0) of a tensor of at least 2 dims. */
export const vsplit = (x: Tensor, sections: number | readonly number[] | Tensor): Tensor[] => directionalSplit("vsplit", x, sections);
/** torch.dsplit(input, indices_or_sections): depth (dim 2) of a tensor of at least 3 dims. */
export const dsplit = (x: Tensor, sections: number | readonly number[] | Tensor): Tensor[] => directionalSplit("dsplit", x, sections);

/** torch.split(tensor, split_size_or_sections, dim=0). */
export function split(x: Tensor, sizeOrSizes: number | readonly number[], ...args: Args<[dim: number], { dim?: number }>): Tensor[];
export function split(x: Tensor, sizeOrSizes: number | readonly number[], dimArg?: unknown, opts?: unknown): Tensor[] {
  checkTensor(x, "tensor", "split");
  const d = normalizeDim(dimOf("split", dimArg, opts), x.shape.length);
  const total = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSizes === "number") {
    checkInt(sizeOrSizes, "split_size", "split");
    if (sizeOrSizes <= 0 && total > 0) throw new RuntimeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${total}`);
    sizes = [];
    for (let s = 0; s < total; s += sizeOrSizes) sizes.push(Math.min(sizeOrSizes, total - s));
    if (sizes.length === 0) sizes = [0];
  } else {
    if (!Array.isArray(sizeOrSizes)) throw new TorchTypeError(`split(): argument 'split_size_or_sections' must be an integer or a list of integers, but got ${describe(sizeOrSizes)}`);
    sizes = parseShape([sizeOrSizes], "split");
    const sum = sizes.reduce((p, q) => p + q, 0);
    if (sum !== total) {
      throw new RuntimeError(`split_with_sizes expects split_sizes to sum exactly to ${total} (input tensor's size at dimension ${d}), but got split_sizes=${fmtShape(sizes)}`);
    }
  }
  const out: Tensor[] = [];
  let offset = 0;
  for (const s of sizes) {
    out.push(narrow(x, d, offset, s));
    offset += s;
  }
  return out;
}

/** torch.unbind(input, dim=0). */
export function unbind(x: Tensor, ...args: Args<[dim: number], { dim?: number }>): Tensor[];
export function unbind(x: Tensor, dimArg?: unknown, opts?: unknown): Tensor[] {
  checkTensor(x, "input", "unbind");
  const d = normalizeDim(dimOf("unbind", dimArg, opts), x.shape.length);
  return Array.from({ length: x.shape[d] }, (_, i) => select(x, d, i));
}

/** A list of Tensors (PyTorch: "expected Tensor as element 1 in argument 0, but got int"). */
export function checkTensorList(fn: string, tensors: unknown): readonly Tensor[] {
  if (!Array.isArray(tensors)) throw new TorchTypeError(`${fn}(): argument 'tensors' must be a list of Tensors, but got ${describe(tensors)}`);
  for (let i = 0; i < tensors.length; i++) {
    if (!(tensors[i] instanceof Tensor)) throw new TorchTypeError(`${fn}(): expected Tensor as element ${i} in argument 0, but got ${describe(tensors[i])}`);
  }
  return tensors as readonly Tensor[];
}

/** torch.cat(tensors, dim=0). */
export function cat(tensors: readonly Tensor[], ...args: Args<[dim: number], { dim?: number }>): Tensor;
export function cat(list: readonly Tensor[], dimArg?: unknown, opts?: unknown): Tensor {
  const tensors = checkTensorList("cat", list);
  const dim = dimOf("cat", dimArg, opts);
  if (tensors.length === 0) throw new RuntimeError("torch.cat(): expected a non-empty list of Tensors");
  // Legacy rule kept by PyTorch: 1-D empty tensors are skipped.
  const parts = tensors.filter((t) => !(t.shape.length === 1 && t.shape[0] === 0));
  if (parts.length === 0) return tensors[0].clone();
  const ref = parts[0];
  const d = normalizeDim(dim, ref.shape.length);
  let dtype = ref.dtype;
  let total = 0;
  parts.forEach((p, i) => {
    if (p.shape.length !== ref.shape.length) {
      throw new RuntimeError(`Tensors must have same number of dimensions: got ${ref.shape.length} and ${p.shape.length}`);
    }
    for (let k = 0; k < ref.shape.length; k++) {
      if (k !== d && p.shape[k] !== ref.shape[k]) {
        throw new RuntimeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${p.shape[k]} for tensor number ${i} in the list.`);
      }
    }
    dtype = promoteTypes(dtype, p.dtype);
    total += p.shape[d];
  });
  const shape = ref.shape.slice();
  shape[d] = total;
  checkSameDevice(ref._box.device, parts);
  const backend = backendOf(ref);
  const out = empty(shape, dtype, ref._box.device);
  const strides = contiguousStrides(shape);
  let offset = 0;
  const starts: number[] = [];
  for (const p of parts) {
    starts.push(offset);
    backend.copy(sv(p), { data: out._box.data, shape: p.shape, strides, offset: offset * strides[d] });
    offset += p.shape[d];
  }
  return record(out, "CatBackward0", parts, [], (g) => parts.map((p, i) => g.narrow(d, starts[i], p.shape[d])), { dim: d });
}

/** torch.stack(tensors, dim=0). */
export function stack(tensors: readonly Tensor[], ...args: Args<[dim: number], { dim?: number }>): Tensor;
export function stack(list: readonly Tensor[], dimArg?: unknown, opts?: unknown): Tensor {
  const tensors = checkTensorList("stack", list);
  const dim = dimOf("stack", dimArg, opts);
  if (tensors.length === 0) throw new RuntimeError("stack expects a non-empty TensorList");
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    if (!sameShape(t.shape, ref.shape)) {
      throw new RuntimeError(`stack expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`);
    }
  });
  const d = normalizeDim(dim, ref.shape.length + 1);
  return cat(tensors.map((t) => t.unsqueeze(d)), d);
}

/** torch.movedim(x, source, destination): a permuted view with the source dims moved to the destinations. */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  checkTensor(x, "input", "movedim");
  const nd = x.shape.length;
  const src = (typeof source === "number" ? [source] : source).map((d) => normalizeDim(d, nd));
  const dst = (typeof destination === "number" ? [destination] : destination).map((d) => normalizeDim(d, nd));
  if (src.length !== dst.length) {
    throw new RuntimeError(`movedim: Invalid source or destination dims: source (${JSON.stringify(source)} dims) should contain the same number of dims as destination (${JSON.stringify(destination)} dims)`);
  }
  const order = new Array<number>(nd).fill(-1);
  src.forEach((s, i) => (order[dst[i]!] = s));
  const rest = [...Array(nd).keys()].filter((d) => !src.includes(d));
  for (let i = 0, k = 0; i < nd; i++) if (order[i] === -1) order[i] = rest[k++]!;
  return permute(x, order);
}
