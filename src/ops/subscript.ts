// PyTorch's subscript `x[...]` and `x[...] = v`, which JavaScript cannot overload:
// `x.index("1:, :-1")` / `x.index([0, null, "...", idx])` and `x.indexPut_(index, value)`.
//
// An index is a string in Python's subscript syntax ("1:, ::2, ..., None, -1"), one item, or an
// array of items (the tuple): a number, null (None), "..." (Ellipsis), a slice (a string such as
// "1:-1" or an object { start, stop, step }), a boolean, an integer or bool Tensor, or a nested
// array (a list: an integer or bool tensor). Semantics are PyTorch's: integers select (a view),
// slices and None and Ellipsis make views, and integer/bool tensors ("advanced" indices) copy,
// broadcast together, their result dims placed where the first one stood when they are
// adjacent, else first. Reads and writes are differentiable; writes into a view of a tensor in
// the graph rewrite its base's history (CopySlices, src/ops/inplace.ts).
import { IndexError } from "../errors.ts";
import { broadcastShapes, contiguousStrides, fmtShape } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { tensor, arange } from "./creation.ts";
import { CPU, type Device } from "../device.ts";
import { asyncReadError, numberData } from "./alloc.ts";
import { inplace } from "./inplace.ts";

/** Python's slice `start:stop:step` as an object (`{ start: 1, step: 2 }` is `1::2`). */
export interface SliceSpec {
  /** The first index (negative counts from the end); null or absent: the beginning. */
  start?: number | null;
  /** The index one past the last (negative counts from the end); null or absent: the end. */
  stop?: number | null;
  /** The stride, greater than zero (as PyTorch); null or absent: 1. */
  step?: number | null;
}
/** One item of a subscript: an int, a slice (a `SliceSpec` or a string like "1:-1"), null (None, a new axis), "..." (Ellipsis), an integer or bool tensor, or a nested list of ints. */
export type IndexItem = number | boolean | null | string | SliceSpec | Tensor | readonly unknown[];
/** A subscript, as Python's `x[...]`: one item, a list of items, or the whole subscript as a string ("1:, ::2"). */
export type Index = string | IndexItem | readonly IndexItem[];

type Item =
  | { kind: "int"; value: number }
  | { kind: "slice"; start: number | null; stop: number | null; step: number }
  | { kind: "none" }
  | { kind: "ellipsis" }
  | { kind: "bool"; value: boolean }
  | { kind: "tensor"; value: Tensor };

const INVALID = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices";

function parseInt10(s: string, text: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new IndexError(`${INVALID} (got '${s}' in '${text}')`);
  return Number(s);
}

/** One comma-separated part of a subscript string. */
function parseStringItem(part: string, text: string): Item {
  const s = part.trim();
  if (s === "...") return { kind: "ellipsis" };
  if (s === "None") return { kind: "none" };
  if (s === "True" || s === "False") return { kind: "bool", value: s === "True" };
  if (s.includes(":")) {
    const bits = s.split(":");
    if (bits.length > 3) throw new IndexError(`invalid slice '${s}' in '${text}'`);
    const bound = (b: string | undefined): number | null => (b === undefined || b.trim() === "" ? null : parseInt10(b.trim(), text));
    const step = bound(bits[2]);
    return { kind: "slice", start: bound(bits[0]), stop: bound(bits[1]), step: step ?? 1 };
  }
  if (s === "") throw new IndexError(`empty index in '${text}'`);
  return { kind: "int", value: parseInt10(s, text) };
}

function toItem(v: unknown): Item {
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new IndexError(`${INVALID} (got number ${v})`);
    return { kind: "int", value: v };
  }
  if (v === null) return { kind: "none" };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (v === "...") return { kind: "ellipsis" };
  if (typeof v === "string") {
    const item = parseStringItem(v, v);
    return item;
  }
  if (v instanceof Tensor) return { kind: "tensor", value: v };
  if (Array.isArray(v)) return { kind: "tensor", value: tensor(v as never) };
  if (typeof v === "object") {
    const o = v as SliceSpec;
    const keys = Object.keys(o);
    if (keys.every((k) => k === "start" || k === "stop" || k === "step")) {
      const check = (b: unknown, name: string): number | null => {
        if (b === undefined || b === null) return null;
        if (typeof b !== "number" || !Number.isInteger(b)) throw new IndexError(`slice ${name} must be an integer or null, but got ${String(b)}`);
        return b;
      };
      return { kind: "slice", start: check(o.start, "start"), stop: check(o.stop, "stop"), step: check(o.step, "step") ?? 1 };
    }
  }
  throw new IndexError(`${INVALID} (got ${typeof v})`);
}

function parseIndex(index: Index): Item[] {
  if (typeof index === "string") {
    if (index.trim() === "") throw new IndexError("empty index");
    return index.split(",").map((p) => parseStringItem(p, index));
  }
  if (Array.isArray(index)) return index.map(toItem);
  return [toItem(index)];
}

/** Where an advanced index applies: dim of the basic view, and the integer index tensor. */
interface Advanced {
  dim: number;
  index: Tensor;
}

/**
 * Applies the basic items (ints, slices, None, Ellipsis, booleans) as views and collects the
 * advanced ones (bool tensors turned into one integer tensor per dim they cover).
 */
function basicPass(x: Tensor, items: Item[]): { view: Tensor; advanced: Advanced[] } {
  const consumed = (it: Item): number => (it.kind === "int" || it.kind === "slice" ? 1 : it.kind === "tensor" ? (it.value.dtype === "bool" ? Math.max(it.value.ndim, 1) : 1) : 0);
  const ellipses = items.filter((it) => it.kind === "ellipsis").length;
  if (ellipses > 1) throw new IndexError("an index can only have a single ellipsis ('...')");
  const used = items.reduce((n, it) => n + consumed(it), 0);
  if (used > x.ndim) throw new IndexError(`too many indices for tensor of dimension ${x.ndim}`);
  let v = x;
  let dim = 0;
  const advanced: Advanced[] = [];
  for (const it of items) {
    switch (it.kind) {
      case "ellipsis":
        dim += x.ndim - used;
        break;
      case "none":
        v = v.unsqueeze(dim);
        dim++;
        break;
      case "bool":
        // x[True] adds a dim of size 1; x[False] one of size 0
        v = v.unsqueeze(dim);
        if (!it.value) v = v.narrow(dim, 0, 0);
        dim++;
        break;
      case "int": {
        const size = v.shape[dim]!;
        if (it.value < -size || it.value >= size) throw new IndexError(`index ${it.value} is out of bounds for dimension ${dim} with size ${size}`);
        v = v.select(dim, it.value);
        break;
      }
      case "slice":
        if (it.step <= 0) throw new IndexError("step must be greater than zero");
        // a full ":" keeps the tensor as it is (so an all-":" basic part is x itself)
        if (it.start !== null || it.stop !== null || it.step !== 1) v = v.slice(dim, it.start, it.stop, it.step);
        dim++;
        break;
      case "tensor": {
        const t = it.value;
        if (t.dtype === "bool") {
          const k = Math.max(t.ndim, 1);
          const mask = t.ndim === 0 ? t.reshape(1) : t;
          for (let j = 0; j < k; j++) {
            if (mask.shape[j] !== v.shape[dim + j]) {
              throw new IndexError(`The shape of the mask ${fmtShape(mask.shape)} at index ${j} does not match the shape of the indexed tensor ${fmtShape(v.shape)} at index ${dim + j}`);
            }
          }
          if (mask.device !== CPU) throw asyncReadError(mask, "indexing with a bool mask", "x.index(await mask.cpuAsync()) (the mask's true positions decide the result's size, so they are read on the host)");
          const nz = nonzero(mask);
          for (let j = 0; j < k; j++) advanced.push({ dim: dim + j, index: nz.select(1, j) });
          dim += k;
        } else if (t.dtype === "int64" || t.dtype === "int32") {
          advanced.push({ dim, index: t });
          dim++;
        } else throw new IndexError(`tensors used as indices must be long, int or bool tensors, but got ${t.dtype}`);
        break;
      }
    }
  }
  return { view: v, advanced };
}

/**
 * The advanced part: broadcast index tensors B, and for the result element at (b, rest) the flat
 * offset into the contiguous layout of `shape`. Also where the B dims go (adjacent: in place).
 */
function flatPositions(shape: readonly number[], advanced: Advanced[], device: Device): { positions: Tensor; outShape: number[]; perm: number[] } {
  const dims = advanced.map((a) => a.dim);
  let b: number[] = [];
  for (const a of advanced) b = broadcastShapes(b, a.index.shape);
  const strides = contiguousStrides(shape);
  const rest = shape.map((_, d) => d).filter((d) => !dims.includes(d));
  // offset = sum_i idx_i * stride_i (wrapped, bounds-checked) + the rest dims' offsets
  let pos: Tensor | null = null;
  for (const a of advanced) {
    const size = shape[a.dim]!;
    // Host indices are checked here; device indices by the gather/scatter kernel, which
    // reports at the next read (negative ones wrap first, as here).
    if (a.index.device === CPU) {
      const vals = numberData(a.index);
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i]!;
        if (v < -size || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${a.dim} with size ${size}`);
      }
    }
    // PyTorch takes CPU indices for a tensor on a device: they are uploaded
    const idx = a.index.to(device, "int64");
    const wrapped = idx.add(idx.lt(0).long().mul(size)).mul(strides[a.dim]!).expand(b);
    pos = pos === null ? wrapped : pos.add(wrapped);
  }
  let p = pos!.reshape([...b, ...rest.map(() => 1)]);
  rest.forEach((d, k) => {
    const view = new Array<number>(b.length + rest.length).fill(1);
    view[b.length + k] = shape[d]!;
    p = p.add(arange(shape[d]!, { device }).mul(strides[d]!).reshape(view));
  });
  // p is laid out [B..., rest...]; PyTorch puts B where the first advanced dim was when the
  // advanced dims are adjacent, else first.
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
  const at = adjacent ? rest.filter((d) => d < dims[0]!).length : 0;
  const nb = b.length;
  const order = [...Array(rest.length + nb).keys()];
  const perm = [...order.slice(nb, nb + at), ...order.slice(0, nb), ...order.slice(nb + at)];
  const outShape = perm.map((i) => (i < nb ? b[i]! : shape[rest[i - nb]!]!));
  return { positions: p.expand([...b, ...rest.map((d) => shape[d]!)]), outShape, perm };
}

/** x[index]: a view for basic indices, a differentiable copy for advanced ones. */
export function index(x: Tensor, idx: Index): Tensor {
  const { view, advanced } = basicPass(x, parseIndex(idx));
  if (advanced.length === 0) return view === x ? x.view(x.shape) : view;
  const { positions, perm } = flatPositions(view.shape, advanced, x.device);
  const flat = view.contiguous().reshape(-1);
  const picked = flat.gather(0, positions.reshape(-1)).reshape(positions.shape);
  return picked.permute(perm);
}

/**
 * x with x[index] replaced by value (or value added with accumulate), out of place: the op
 * behind indexPut_. Gradients: value gets g[index] (summed over broadcast); x gets g with the
 * written positions zeroed (or g itself with accumulate).
 */
export function indexPut(x: Tensor, idx: Index, value: Tensor | number, accumulate = false): Tensor {
  const { view, advanced } = basicPass(x, parseIndex(idx));
  if (advanced.length === 0) {
    // a basic index writes through a view of a copy
    const out = x.clone();
    const target = index(out, idx);
    const v = value instanceof Tensor ? value : Tensor.scalar(value, x.dtype);
    target.copy_(accumulate ? target.add(v) : v);
    return out;
  }
  if (view !== x) throw new IndexError("internal: indexPut with basic and advanced items goes through indexPut_ on the view");
  const { positions, perm, outShape } = flatPositions(x.shape, advanced, x.device);
  const given = value instanceof Tensor ? value : Tensor.scalar(value, x.dtype);
  // a 0-dim CPU value goes with a device tensor, as in PyTorch (uploaded)
  const v = (given.device !== x.device && given.dim() === 0 ? given.to(x.device, x.dtype) : given.to(x.dtype)).expand(outShape);
  // undo perm: values laid out as positions [B..., rest...]
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const src = v.permute(inverse).contiguous().reshape(-1);
  const flat = x.contiguous().reshape(-1);
  const pos = positions.reshape(-1);
  const out = accumulate ? flat.scatterAdd(0, pos, src) : flat.scatter(0, pos, src);
  return out.reshape(x.shape);
}

/** x[index] = value in place (PyTorch's __setitem__ / index_put_), differentiable. */
export function indexPut_(x: Tensor, idx: Index, value: Tensor | number, accumulate = false): Tensor {
  const { view, advanced } = basicPass(x, parseIndex(idx));
  const v = value instanceof Tensor ? value : Tensor.scalar(value, x.dtype);
  if (advanced.length === 0) {
    // basic: a write into the view (a CopySlices rewrite of x's history when x is in the graph)
    if (accumulate) view.add_(v);
    else view.copy_(v);
    return x;
  }
  const local: IndexItem[] = view.shape.map(() => ":");
  for (const a of advanced) local[a.dim] = a.index;
  inplace(view, (s) => indexPut(s, local, v, accumulate), [v]);
  return x;
}

/**
 * torch.nonzero(x): the int64 coordinates [n, ndim] of the non-zero elements, row-major. The
 * result's size depends on the values, so a device tensor is read first: (await x.cpuAsync()).nonzero().
 */
export function nonzero(x: Tensor): Tensor {
  const data = numberData(x.contiguous(), "nonzero()", "(await x.cpuAsync()).nonzero() (the result's size depends on the values)");
  const nd = x.ndim;
  const strides = contiguousStrides(x.shape);
  const coords: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0) continue;
    let r = i;
    for (let d = 0; d < nd; d++) {
      coords.push(Math.floor(r / strides[d]!));
      r %= strides[d]!;
    }
  }
  const n = nd === 0 ? (data[0] !== 0 ? 1 : 0) : coords.length / nd;
  return tensor(coords.length ? coords : [], { dtype: "int64" }).reshape(n, nd);
}

/** torch.masked_select(x, mask): the elements where the (broadcast) mask is true, as a 1-D copy. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== "bool") throw new IndexError(`masked_select: expected BoolTensor for mask`);
  if (mask.device !== CPU) throw asyncReadError(mask, "maskedSelect()", "x.maskedSelect(await mask.cpuAsync()) (the mask decides the result's size, so it is read on the host)");
  const shape = broadcastShapes(x.shape, mask.shape);
  return index(x.expand(shape), mask.expand(shape));
}
