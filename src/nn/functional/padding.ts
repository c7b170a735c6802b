// F.pad: PyTorch 1.13's torch._C._nn.pad (aten/src/ATen/native/PadNd.cpp and the reflection /
// replication / circular kernels), as composites of differentiable ops.
//
// `pad` lists (left, right) pairs from the LAST dimension backwards: (1, 2) pads the last dim,
// (1, 2, 3, 4) also the one before it. Negative values crop.
// - constant: narrow for the negative pads, then cat blocks of `value` for the positive ones
//   (any number of dims, any dtype; `value` cast to the dtype as fill_ does).
// - reflect / replicate: per padded dim, an indexSelect whose index maps each output position to
//   its source position in the input's own coordinates (reflect: mirrored about the first and
//   last element, which are not repeated; replicate: clamped), so negative pads crop and the
//   gradient is indexSelect's scatter-add.
// - circular: crop first, then wrap around the cropped size (what ATen's _pad_circular computes).
//   A pad larger than the cropped size is refused here: PyTorch copies from not yet written
//   memory in that case.
// Non-constant modes pad the last 1, 2 or 3 dims of a (batched or unbatched) 1-, 2- or 3-d
// signal, as PyTorch; circular needs the batch and channel dims.
import { checkTensor, describe, param, parseArgs, type Args, type Checker } from "../../args.ts";
import { isFloating, scalarTypeName, type DType } from "../../dtype.ts";
import { IndexError, NotImplementedError, RuntimeError, TorchTypeError } from "../../errors.ts";
import { full, tensor } from "../../ops/creation.ts";
import { cat } from "../../ops/shape.ts";
import type { Tensor } from "../../tensor.ts";

/** How F.pad fills: a constant, the mirror image without the edge, the edge repeated, or wrapping around. */
export type PadMode = "constant" | "reflect" | "replicate" | "circular";
/** Options of F.pad: the mode (default "constant") and the constant's value. */
export interface PadOptions {
  mode?: PadMode;
  /** The fill value of "constant" mode (default 0); other modes take none (or 0). */
  value?: number | null;
}

const padList: Checker<number[]> = (v, arg, fn) => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number" && Number.isInteger(x))) {
    throw new TorchTypeError(`${fn}(): argument '${arg}' must be a list of integers, but got ${describe(v)}`);
  }
  return v as number[];
};
const padMode: Checker<PadMode> = (v, arg, fn) => {
  if (typeof v !== "string") throw new TorchTypeError(`${fn}(): argument '${arg}' must be a string, but got ${describe(v)}`);
  if (v !== "constant" && v !== "reflect" && v !== "replicate" && v !== "circular") throw new NotImplementedError(`Unrecognised padding mode ${v}`);
  return v;
};
const padValue: Checker<number | null> = (v, arg, fn) => {
  if (v === null) return null;
  if (typeof v !== "number") throw new TorchTypeError(`${fn}(): argument '${arg}' must be a number, but got ${describe(v)}`);
  return v;
};
const PAD_ARGS = [param("mode", padMode, "constant"), param("value", padValue, null)];

/** F.pad(input, pad, mode='constant', value=None). */
export function pad(input: Tensor, pad: readonly number[], ...args: Args<[mode: PadMode, value: number | null], PadOptions>): Tensor {
  const x = checkTensor(input, "input", "pad");
  const p = padList(pad, "pad", "pad");
  const { mode, value } = parseArgs<{ mode: PadMode; value: number | null }>("pad", PAD_ARGS, args);
  return padWith(x, p, mode, value);
}

/** F.pad after argument parsing (also the convolutions' padding_mode path). */
export function padWith(x: Tensor, p: readonly number[], mode: PadMode, value: number | null): Tensor {
  if (p.length % 2 !== 0) throw new RuntimeError("Padding length must be divisible by 2");
  if (p.length / 2 > x.dim()) throw new RuntimeError("Padding length too large");
  if (mode === "constant") return constantPad(x, p, value ?? 0);
  if (value !== null && value !== 0) throw new RuntimeError(`Padding mode "${mode}" doesn't take in value argument`);
  const k = p.length / 2;
  if (!(k >= 1 && k <= 3 && (x.dim() === k + 1 || x.dim() === k + 2))) {
    throw new NotImplementedError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  }
  if (mode === "circular") return circularPad(x, p);
  return mode === "reflect" ? reflectPad(x, p, k) : replicatePad(x, p, k);
}

/** The padded dims as [dim, left, right], last dim first (the order of `pad`). */
const pairs = (x: Tensor, p: readonly number[]): Array<[number, number, number]> =>
  Array.from({ length: p.length / 2 }, (_, i) => [x.dim() - 1 - i, p[2 * i]!, p[2 * i + 1]!]);

/** x.narrow(dim, start, length) with ATen's checks and messages. */
function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const size = x.shape[dim]!;
  if (start !== size && start >= size) throw new IndexError(`Dimension out of range (expected to be in range of [${-size}, ${size - 1}], but got ${start})`);
  if (!(length >= 0 && start <= size - length)) throw new RuntimeError(`start (${start}) + length (${length}) exceeds dimension size (${size}).`);
  return x.narrow(dim, start, length);
}

/** fill_'s cast of the pad value to the dtype (integers truncate, bool is value != 0). */
function fillValue(value: number, dtype: DType): number | boolean {
  if (dtype === "bool") return value !== 0;
  return isFloating(dtype) ? value : Math.trunc(value);
}

function constantPad(x: Tensor, p: readonly number[], value: number): Tensor {
  // ATen narrows dims front to back, each dim's left side first.
  let y = x;
  let anyPositive = false;
  for (const [d, l, r] of pairs(x, p).reverse()) {
    if (l < 0) y = narrow(y, d, -l, y.shape[d]! + l);
    else if (l !== 0) anyPositive = true;
    if (r < 0) y = narrow(y, d, 0, y.shape[d]! + r);
    else if (r !== 0) anyPositive = true;
  }
  if (!anyPositive) return y.clone();
  for (const [d, l, r] of pairs(x, p).reverse()) {
    if (x.shape[d]! + l + r <= 0) {
      throw new RuntimeError(`The input size ${x.shape[d]}, plus negative padding ${l} and ${r} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`);
    }
  }
  const v = fillValue(value, x.dtype);
  for (const [d, l, r] of pairs(x, p)) {
    const block = (n: number): Tensor => full(y.shape.map((s, k) => (k === d ? n : s)), v, { dtype: x.dtype, device: x.device });
    const parts = [...(l > 0 ? [block(l)] : []), y, ...(r > 0 ? [block(r)] : [])];
    if (parts.length > 1) y = cat(parts, d);
  }
  return y;
}

/** Gathers, along each padded dim, the input positions `source(j - left, size)` for output positions j. */
function gatherPad(x: Tensor, p: readonly number[], source: (k: number, size: number) => number): Tensor {
  let y = x;
  for (const [d, l, r] of pairs(x, p)) {
    const size = x.shape[d]!;
    const idx = Array.from({ length: size + l + r }, (_, j) => source(j - l, size));
    y = y.indexSelect(d, tensor(idx, { dtype: "int64" }));
  }
  return y;
}

const LEGACY_TYPE: Partial<Record<DType, string>> = { float32: "FloatTensor", float64: "DoubleTensor" };

function checkFloating(x: Tensor, kernel: string): void {
  if (!isFloating(x.dtype)) throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(x.dtype)}'`);
}

/** ATen's check_valid_input: every dim but an optional batch dim is non-empty. */
function checkNonEmpty(x: Tensor, k: number): void {
  const batched = x.dim() === k + 2;
  if (x.shape.some((s, i) => s === 0 && !(batched && i === 0))) {
    throw new RuntimeError(`Expected ${k + 1}D or ${k + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [${x.shape.join(", ")}]`);
  }
}

/** The output sizes: all of them below 1 is "too small" (1-d: the one below 1); a negative one cannot be allocated. */
function checkOutput(x: Tensor, p: readonly number[], k: number, tooSmall: (ins: number[], outs: number[]) => string): void {
  const padded = pairs(x, p).reverse(); // front to back: D, H, W
  const ins = padded.map(([d]) => x.shape[d]!);
  const outs = padded.map(([d, l, r]) => x.shape[d]! + l + r);
  if (outs.every((o) => o < 1)) throw new RuntimeError(tooSmall(ins, outs));
  if (outs.some((o) => o < 0)) {
    const shape = [...x.shape.slice(0, x.dim() - k), ...outs];
    throw new RuntimeError(`Trying to create tensor with negative dimension ${Math.min(...outs)}: [${shape.join(", ")}]`);
  }
}

function reflectPad(x: Tensor, p: readonly number[], k: number): Tensor {
  checkFloating(x, k === 3 ? "reflection_pad3d_cpu" : `reflection_pad${k}d`);
  if (k === 3) checkNonEmpty(x, 3);
  else if (x.shape.some((s, i) => s === 0 && i >= 1)) {
    throw new RuntimeError(`${k + 1}D or ${k + 2}D (batch mode) tensor expected for input, but got: [ torch.${LEGACY_TYPE[x.dtype]}{${x.shape.join(",")}} ]`);
  }
  pairs(x, p).forEach(([d, l, r], i) => {
    if (!(l < x.shape[d]! && r < x.shape[d]!)) {
      const of = k === 2 ? String(x.dim()) : `[${x.shape.join(", ")}]`;
      throw new RuntimeError(`Argument #${4 + 2 * i}: Padding size should be less than the corresponding input dimension, but got: padding (${l}, ${r}) at dimension ${d} of input ${of}`);
    }
  });
  checkOutput(x, p, k, (ins, outs) =>
    k === 1 ? `2input (W: ${ins[0]})is too small. Calculated output W: ${outs[0]}`
    : k === 2 ? `input (H: ${ins[0]}, W: ${ins[1]})is too small. Calculated output H: ${outs[0]} W: ${outs[1]}`
    : `input (D: ${ins[0]} H: ${ins[1]}, W: ${ins[2]}) is too small. Calculated output D: ${outs[0]} H: ${outs[1]} W: ${outs[2]}`);
  return gatherPad(x, p, (i, n) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i));
}

function replicatePad(x: Tensor, p: readonly number[], k: number): Tensor {
  checkFloating(x, `replication_pad${k}d_cpu`);
  checkNonEmpty(x, k);
  checkOutput(x, p, k, (ins, outs) =>
    k === 1 ? `input (W: ${ins[0]}) is too small. Calculated output W: ${outs[0]}`
    : k === 2 ? `input (H: ${ins[0]}, W: ${ins[1]} ) is too small. Calculated output H: ${outs[0]} W: ${outs[1]}`
    : `input (D: ${ins[0]} H: ${ins[1]}, W: ${ins[2]}) is too small. Calculated output D: ${outs[0]} H: ${outs[1]} W: ${outs[2]}`);
  return gatherPad(x, p, (i, n) => Math.min(Math.max(i, 0), n - 1));
}

function circularPad(x: Tensor, p: readonly number[]): Tensor {
  if (p.length + 4 !== x.dim() * 2) throw new RuntimeError(`Invalid padding size, expected ${(x.dim() - 2) * 2} but got ${p.length}`);
  let y = x;
  for (const [d, l, r] of pairs(x, p)) {
    const size = x.shape[d]!;
    if (!(l <= size && r <= size)) throw new RuntimeError("Padding value causes wrapping around more than once.");
    if (size + l + r < 0) throw new RuntimeError("Negative padding value is resulting in an empty dimension");
    const cropped = size - Math.max(-l, 0) - Math.max(-r, 0);
    if (l > cropped || r > cropped) {
      throw new RuntimeError(`circular padding (${l}, ${r}) of dimension ${d} wraps around the ${cropped} elements left after its negative padding more than once`);
    }
    y = y.narrow(d, Math.max(-l, 0), cropped);
  }
  const crop = pairs(x, p).flatMap(([, l, r]) => [Math.max(l, 0), Math.max(r, 0)]);
  return gatherPad(y, crop, (i, n) => ((i % n) + n) % n);
}
