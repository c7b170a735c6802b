// View ops (share storage, never copy) and the joins/splits built on them.
import { gradMode } from "../autograd/gradMode.ts";
import { record, SliceGrad } from "../autograd/node.ts";
import { promoteTypes } from "../dtype.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { contiguousStrides, fmtShape, inferShape, normalizeDim, numelOf, parseShape, sameShape, viewStrides } from "../layout.ts";
import { checkInt } from "../args.ts";
import { Tensor } from "../tensor.ts";
import { backendOf, checkSameDevice, empty, sv, zeros } from "./alloc.ts";

/** A tensor over x's storage with another layout. */
function aliasOf(x: Tensor, shape: number[], strides: number[], offset: number): Tensor {
  const t = new Tensor(x._box, shape, strides, offset, x.dtype);
  t._base = x._base ?? x;
  return t;
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel());
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides === null) {
    throw new RuntimeError(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const inShape = x.shape;
  return record(aliasOf(x, target, strides, x.offset), "ViewBackward0", [x], [], (g) => [g.reshape(inShape)]);
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel());
  if (viewStrides(x.shape, x.strides, target) !== null) return view(x, target);
  return view(x.contiguous(), target);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
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

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const nd = x.shape.length;
  const a = normalizeDim(dim0, nd);
  const b = normalizeDim(dim1, nd);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return record(aliasOf(x, shape, strides, x.offset), "TransposeBackward0", [x], [], (g) => [g.transpose(a, b)], { dim0: a, dim1: b });
}

export function t(x: Tensor): Tensor {
  if (x.shape.length > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.shape.length}D`);
  if (x.shape.length < 2) return x;
  const out = aliasOf(x, [x.shape[1], x.shape[0]], [x.strides[1], x.strides[0]], x.offset);
  return record(out, "TBackward0", [x], [], (g) => [g.t()]);
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const nd = x.shape.length;
  const dims = dim === undefined ? null : (typeof dim === "number" ? [dim] : dim).map((d) => normalizeDim(d, nd));
  const keep = x.shape.map((s, i) => !(s === 1 && (dims === null || dims.includes(i))));
  const inShape = x.shape;
  const out = aliasOf(x, x.shape.filter((_, i) => keep[i]), x.strides.filter((_, i) => keep[i]), x.offset);
  return record(out, "SqueezeBackward0", [x], [], (g) => [g.reshape(inShape)], { dim: keep.flatMap((k, i) => (k ? [] : [i])) });
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.shape.length + 1);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.shape.length ? x.strides[d] * x.shape[d] : 1);
  return record(aliasOf(x, shape, strides, x.offset), "UnsqueezeBackward0", [x], [], (g) => [g.squeeze(d)], { dim: d });
}

export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  const nd = sizes.length;
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

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.shape.length === 0) return x.reshape([1]);
  const s = normalizeDim(startDim, x.shape.length);
  const e = normalizeDim(endDim, x.shape.length);
  if (s > e) throw new RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s === e) return x;
  return x.reshape([...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.shape.length);
  const resolved = inferShape(sizes, x.shape[d]);
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

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.shape.length);
  checkInt(start, "start", "narrow");
  checkInt(length, "length", "narrow");
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size) throw new IndexError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  if (length < 0 || s + length > size) throw new RuntimeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return slice(x, d, s, s + length);
}

export function select(x: Tensor, dim: number, index: number): Tensor {
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

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkInt(chunks, "chunks", "chunk");
  if (chunks <= 0) throw new RuntimeError("chunk expects `chunks` to be greater than 0, got: " + chunks);
  const d = normalizeDim(dim, x.shape.length);
  const size = Math.ceil(x.shape[d] / chunks);
  return split(x, Math.max(size, 1), d);
}

export function split(x: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.shape.length);
  const total = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSizes === "number") {
    checkInt(sizeOrSizes, "split_size", "split");
    if (sizeOrSizes <= 0 && total > 0) throw new RuntimeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${total}`);
    sizes = [];
    for (let s = 0; s < total; s += sizeOrSizes) sizes.push(Math.min(sizeOrSizes, total - s));
    if (sizes.length === 0) sizes = [0];
  } else {
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

export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.shape.length);
  return Array.from({ length: x.shape[d] }, (_, i) => select(x, d, i));
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
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

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
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
