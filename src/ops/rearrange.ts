// Copies that rearrange elements: flip, roll, repeat, tile, repeatInterleave. flip is a
// primitive (one strided copy with negative strides, its own adjoint); the rest are written
// with views, cat, expand and indexSelect, so their gradients come from those.
import { record } from "../autograd/node.ts";
import { checkInt, checkTensor, describe, int, intOrInts, isOptions, nullable, param, parseArgs, type Args } from "../args.ts";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { normalizeDim, normalizeDims, parseShape } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { backendOf, empty, numberData, sv } from "./alloc.ts";
import { tensor } from "./creation.ts";
import { cat } from "./shape.ts";

const dimList = (dims: number | readonly number[]): readonly number[] => (typeof dims === "number" ? [dims] : dims);

const FLIP = [param("dims", intOrInts)];
/** torch.flip(x, dims), dims also by keyword (`flip(x, { dims: [0] })`): a copy with the order of the given dims reversed. */
export function flip(x: Tensor, dims: number | readonly number[] | { dims: number | readonly number[] }): Tensor {
  if (isOptions(dims)) ({ dims } = parseArgs<{ dims: number | number[] }>("flip", FLIP, [dims]));
  const ds = normalizeDims(dimList(parseShape([dims as number | readonly number[]], "flip")), x.ndim);
  const strides = x.strides.slice();
  let offset = x.offset;
  for (const d of ds) {
    if (x.shape[d]! > 0) offset += (x.shape[d]! - 1) * strides[d]!;
    strides[d] = -strides[d]!;
  }
  const out = empty(x.shape, x.dtype, x._box.device);
  backendOf(x).copy({ data: x._box.data, shape: x.shape, strides, offset }, sv(out));
  return record(out, "FlipBackward0", [x], [], (g) => [flip(g, ds)], { dims: ds });
}

/** torch.flipud(input): flip along dim 0 (at least 1-D). */
export function flipud(x: Tensor): Tensor {
  if (x.ndim < 1) throw new RuntimeError("Input must be >= 1-d.");
  return flip(x, [0]);
}
/** torch.fliplr(input): flip along dim 1 (at least 2-D). */
export function fliplr(x: Tensor): Tensor {
  if (x.ndim < 2) throw new RuntimeError("Input must be >= 2-d.");
  return flip(x, [1]);
}

/** roll's arguments by keyword (`x.roll(1, dims=0)`). */
export interface RollOptions {
  /** How far each dim rolls (one per dim; a single one without dims). */
  shifts?: number | readonly number[];
  /** The dims rolled; PyTorch's default None rolls the flattened tensor. */
  dims?: number | readonly number[] | null;
}
const ROLL = [param("shifts", intOrInts), param("dims", nullable(intOrInts), null)];
/**
 * torch.roll(x, shifts, dims=None), each also by keyword (`roll(x, { shifts: 1, dims: 0 })`):
 * elements shifted cyclically along dims (the flattened tensor without dims).
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null | RollOptions): Tensor;
export function roll(x: Tensor, options: RollOptions & { shifts: number | readonly number[] }): Tensor;
export function roll(x: Tensor, shiftsArg: unknown, dimsArg?: unknown, opts?: unknown): Tensor {
  let shifts = shiftsArg as number | readonly number[];
  let dims = dimsArg as number | readonly number[] | null | undefined;
  if (isOptions(shiftsArg) || isOptions(dimsArg) || opts !== undefined) {
    ({ shifts, dims } = parseArgs<{ shifts: number | number[]; dims: number | number[] | null }>("roll", ROLL, [shiftsArg, dimsArg, opts]));
  }
  const sh = parseShape([shifts], "roll");
  if (dims === undefined || dims === null) {
    if (sh.length !== 1) throw new RuntimeError(`roll(): shifts must be a single integer when dims is not given, got ${sh.length} shifts`);
    return roll(x.reshape(-1), sh, 0).view(x.shape);
  }
  const ds = parseShape([dims], "roll");
  if (sh.length !== ds.length) throw new RuntimeError(`shifts and dimensions must align. shifts: ${sh.length}, dims:${ds.length}`);
  let out = x;
  ds.forEach((dim, i) => {
    const d = normalizeDim(dim, x.ndim);
    const size = x.shape[d]!;
    if (size === 0) return;
    const s = ((sh[i]! % size) + size) % size;
    if (s !== 0) out = cat([out.narrow(d, size - s, s), out.narrow(d, 0, size - s)], d);
  });
  return out === x ? x.clone() : out;
}

/** Tensor.repeat(*sizes): tiles the tensor sizes[i] times along each dim (leading new dims allowed). */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  const reps = parseShape([sizes], "repeat");
  if (reps.length < x.ndim) throw new RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  for (const r of reps) if (r < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${r}: [${reps.join(", ")}]`);
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  // [r0, s0, r1, s1, ...] by broadcasting, then merged pairwise
  const pairs: number[] = [];
  const ones: number[] = [];
  shape.forEach((s, i) => {
    pairs.push(reps[i]!, s);
    ones.push(1, s);
  });
  return x.reshape(ones).expand(pairs).reshape(shape.map((s, i) => s * reps[i]!));
}

/** torch.tile(x, dims): repeat, with dims padded with leading 1s to x's rank. */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  const d = parseShape([dims], "tile");
  return repeat(x, [...new Array<number>(Math.max(0, x.ndim - d.length)).fill(1), ...d]);
}

/** torch.repeat_interleave(x, repeats, dim): each element (slice along dim) repeated; without dim, of the flattened x. */
export function repeatInterleave(x: Tensor, repeats: number | Tensor, dim?: number | null): Tensor {
  if (dim === undefined || dim === null) return repeatInterleave(x.reshape(-1), repeats, 0);
  const d = normalizeDim(dim, x.ndim);
  const size = x.shape[d]!;
  let counts: number[];
  if (typeof repeats === "number") {
    checkInt(repeats, "repeats", "repeat_interleave");
    counts = new Array<number>(size).fill(repeats);
  } else if (repeats instanceof Tensor) {
    if (repeats.ndim > 1) throw new RuntimeError("repeats must be 0-dim or 1-dim tensor");
    const r = Array.from(numberData(repeats, "repeat_interleave(repeats)", "repeatInterleave(x, await repeats.cpuAsync()) (the output size depends on the repeats)"));
    counts = repeats.ndim === 0 || r.length === 1 ? new Array<number>(size).fill(r[0]!) : r;
    if (counts.length !== size) throw new RuntimeError(`repeats must have the same size as input along dim, but got repeats.size(0) = ${counts.length} and input.size(${d}) = ${size}`);
  } else throw new TorchTypeError(`repeat_interleave(): argument 'repeats' must be an integer or a Tensor, but got ${describe(repeats)}`);
  if (counts.some((c) => c < 0)) throw new RuntimeError("repeats can not be negative");
  const index: number[] = [];
  counts.forEach((c, i) => {
    for (let k = 0; k < c; k++) index.push(i);
  });
  return x.indexSelect(d, tensor(index, { dtype: "int64", device: x.device }));
}

const ROT90 = [param("k", int(), 1), param("dims", intOrInts, [0, 1])];
/**
 * torch.rot90(input, k=1, dims=[0, 1]): rotated by 90 degrees k times in the plane of dims,
 * from the first dim's direction towards the second's (k may be negative): flips and a transpose.
 */
export function rot90(x: Tensor, ...args: Args<[k: number, dims: readonly number[]], { k?: number; dims?: readonly number[] }>): Tensor {
  checkTensor(x, "input", "rot90");
  const { k, dims } = parseArgs<{ k: number; dims: number | number[] }>("rot90", ROT90, args);
  const ds = dimList(dims);
  if (ds.length !== 2) throw new RuntimeError(`expected total rotation dims == 2, but got dims = ${ds.length}`);
  if (x.ndim < 2) throw new RuntimeError(`expected total dims >= 2, but got total dims = ${x.ndim}`);
  const [d0, d1] = [normalizeDim(ds[0]!, x.ndim), normalizeDim(ds[1]!, x.ndim)];
  if (d0 === d1) throw new RuntimeError(`expected rotation dims to be different, but got dim0 = ${d0} and dim1 = ${d1}`);
  switch (((k % 4) + 4) % 4) {
    case 1:
      return flip(x, [d1]).transpose(d0, d1);
    case 2:
      return flip(x, [d0, d1]);
    case 3:
      return flip(x, [d0]).transpose(d0, d1);
    default:
      return x.clone();
  }
}
