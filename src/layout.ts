// Shape and stride arithmetic: contiguity, broadcasting, dim normalisation.
import { IndexError, RuntimeError, TorchTypeError } from "./errors.ts";

/** A tensor's shape: the size of each dimension. */
export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** True when (shape, strides) visit memory in row-major order with no gaps (size-1 dims ignored). */
export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== acc) return false;
    acc *= shape[i];
  }
  return true;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

export function broadcastShapes(a: Shape, b: Shape): number[] {
  if (sameShape(a, b)) return a.slice();
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RuntimeError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i - (n - Math.max(a.length, b.length))}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of (shape, strides) as if expanded to `target` (stride 0 where broadcast). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const off = target.length - shape.length;
  if (off < 0) throw new RuntimeError(`cannot broadcast shape ${fmtShape(shape)} to ${fmtShape(target)}`);
  const out = new Array<number>(target.length);
  for (let i = 0; i < target.length; i++) {
    if (i < off) out[i] = 0;
    else {
      const d = shape[i - off];
      if (d === target[i]) out[i] = d === 1 ? 0 : strides[i - off];
      else if (d === 1) out[i] = 0;
      else
        throw new RuntimeError(
          `The expanded size of the tensor (${target[i]}) must match the existing size (${d}) at non-singleton dimension ${i}.  Target sizes: ${fmtShape(target)}.  Tensor sizes: ${fmtShape(shape)}`,
        );
    }
  }
  return out;
}

export function normalizeDim(dim: number, ndim: number): number {
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim)) throw new TorchTypeError(`argument 'dim' must be an integer, but got ${typeof dim} ${String(dim)}`);
  if (dim < lo || dim > hi) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalises a dim list and rejects repeats, as PyTorch's reductions do. */
export function normalizeDims(dims: readonly number[], ndim: number): number[] {
  const out = dims.map((d) => normalizeDim(d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new RuntimeError(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out;
}

/**
 * Accepts PyTorch's two spellings of a shape: variadic numbers or one array. Non-integers are
 * PyTorch's TypeError naming the position; sizes may be negative here (view's -1).
 */
export function parseShape(args: readonly unknown[], fn = "view"): number[] {
  const raw = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  for (let i = 0; i < raw.length; i++) {
    const d = raw[i];
    if (typeof d !== "number" || !Number.isInteger(d)) {
      throw new TorchTypeError(`${fn}(): argument 'size' must be a list of integers, but found ${typeof d} ${Array.isArray(d) ? "array" : String(d)} at position ${i}`);
    }
  }
  return (raw as number[]).slice();
}

/** A list of integers given as one argument (torch.reshape(x, shape)): checked in place, not copied. */
export function checkIntList(v: unknown, fn: string, arg = "size"): readonly number[] {
  if (!Array.isArray(v)) throw new TorchTypeError(`${fn}(): argument '${arg}' must be a list of integers, but got ${typeof v} ${String(v)}`);
  for (let i = 0; i < v.length; i++) {
    const d = v[i];
    if (typeof d !== "number" || !Number.isInteger(d)) {
      throw new TorchTypeError(`${fn}(): argument '${arg}' must be a list of integers, but found ${typeof d} ${Array.isArray(d) ? "array" : String(d)} at position ${i}`);
    }
  }
  return v as readonly number[];
}

/** A shape of a tensor to create: non-negative sizes (PyTorch's "negative dimension" error). */
export function checkSizes(shape: readonly number[]): void {
  for (const d of shape) if (d < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${d}: ${fmtShape(shape)}`);
}

/** Resolves one -1 in a requested shape against numel, with PyTorch's error. */
export function inferShape(shape: readonly number[], numel: number): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === -1) {
      if (infer >= 0) throw new RuntimeError("only one dimension can be inferred");
      infer = i;
    } else if (shape[i] < 0) throw new RuntimeError(`invalid shape dimension ${shape[i]}`);
    else known *= shape[i];
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) throw new RuntimeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
    out[infer] = numel / known;
  } else if (known !== numel) throw new RuntimeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
  return out;
}

/**
 * Strides for viewing (shape, strides) as newShape without copying, or null when impossible
 * (PyTorch's computeStride: merge dims that are contiguous with each other).
 */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  const numel = numelOf(shape);
  if (numel === 0 || shape.length === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBaseStride = strides.length ? strides[strides.length - 1] : 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = shape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= shape[tensorD];
    if (tensorD === 0 || (shape[tensorD - 1] !== 1 && strides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = strides[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}
