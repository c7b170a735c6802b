// Creation functions computed on the host: logspace and the index lists of a matrix's upper
// and lower triangle (triuIndices, trilIndices).
import { RuntimeError } from "../errors.ts";
import { checkOptions, int, isOptions, num, param, parseArgs } from "../args.ts";
import { getDefaultDtype, type DType } from "../dtype.ts";
import type { Tensor } from "../tensor.ts";
import { tensor, type TensorOptions } from "./creation.ts";

const TENSOR_KEYS = ["dtype", "device", "requiresGrad"];
/** Splits the trailing options object into the op's keywords and the tensor options. */
function split(fn: string, args: unknown[], keywords: readonly string[], allowed = TENSOR_KEYS): [unknown[], TensorOptions] {
  const last = args.at(-1);
  if (!isOptions(last)) return [args, {}];
  const kw: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(last)) (keywords.includes(k) ? kw : rest)[k] = v;
  checkOptions(fn, rest, allowed);
  return [[...args.slice(0, -1), kw], rest as TensorOptions];
}

/** Options of logspace: the base and PyTorch's tensor options. */
export interface LogspaceOptions extends TensorOptions {
  /** The base of the exponents (default 10). */
  base?: number;
}
const LOGSPACE = [param("start", num()), param("end", num()), param("steps", int()), param("base", num(), 10)];

/**
 * torch.logspace(start, end, steps, base=10.0, *, dtype, device, requiresGrad): base to the
 * steps exponents evenly spaced from start to end, as ATen's kernel: the exponents' step in
 * the result dtype, the first half counted from start and the second from end, the power in double.
 */
export function logspace(start: number, end: number, steps: number, base?: number, opts?: LogspaceOptions): Tensor;
export function logspace(start: number, end: number, steps: number, opts?: LogspaceOptions): Tensor;
export function logspace(...argsIn: unknown[]): Tensor {
  const [args, topts] = split("logspace", argsIn, ["start", "end", "steps", "base"]);
  const a = parseArgs<{ start: number; end: number; steps: number; base: number }>("logspace", LOGSPACE, args);
  if (a.steps < 0) throw new RuntimeError("number of steps must be non-negative");
  const dtype: DType = topts.dtype ?? getDefaultDtype();
  const r = dtype === "float32" ? Math.fround : (v: number) => v;
  const s = r(a.start);
  const e = r(a.end);
  const step = a.steps > 1 ? r(r(e - s) / (a.steps - 1)) : 0;
  const half = Math.floor(a.steps / 2);
  const vals = new Float64Array(a.steps);
  for (let i = 0; i < a.steps; i++) vals[i] = a.base ** (a.steps === 1 ? s : i < half ? r(s + r(step * i)) : r(e - r(step * (a.steps - i - 1))));
  return tensor(vals, { ...topts, dtype });
}

/** Options of triuIndices/trilIndices: the dtype of the indices (int64 by default) and the device. */
export interface TriangleIndicesOptions {
  /** The diagonal offset (default 0): above it (triu) or below it (tril), counted as in triu/tril. */
  offset?: number;
  /** The indices' dtype; PyTorch's default int64. */
  dtype?: DType;
  /** Where the indices are made: "cpu" (default) or "webgpu". */
  device?: TensorOptions["device"];
}
const TRI = [param("row", int()), param("col", int()), param("offset", int(), 0)];

function triangleIndices(fn: string, upper: boolean, argsIn: unknown[]): Tensor {
  const [args, topts] = split(fn, argsIn, ["row", "col", "offset"], ["dtype", "device"]);
  const { row, col, offset } = parseArgs<{ row: number; col: number; offset: number }>(fn, TRI, args);
  if (row < 0) throw new RuntimeError(`row must be non-negative, got${row}`); // sic: PyTorch's message has no space
  if (col < 0) throw new RuntimeError(`col must be non-negative, got${col}`);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < row; i++) {
    for (let j = 0; j < col; j++) {
      if (upper ? j - i >= offset : j - i <= offset) {
        rows.push(i);
        cols.push(j);
      }
    }
  }
  return tensor([rows, cols], { dtype: topts.dtype ?? "int64", device: topts.device });
}
/** torch.triu_indices(row, col, offset=0, *, dtype=int64, device): the [2, N] (row, col) indices of the upper triangle of a row x col matrix, row-major. */
export function triuIndices(row: number, col: number, offset?: number, opts?: TriangleIndicesOptions): Tensor;
export function triuIndices(row: number, col: number, opts?: TriangleIndicesOptions): Tensor;
export function triuIndices(...args: unknown[]): Tensor {
  return triangleIndices("triu_indices", true, args);
}
/** torch.tril_indices(row, col, offset=0, *, dtype=int64, device): the [2, N] (row, col) indices of the lower triangle, row-major. */
export function trilIndices(row: number, col: number, offset?: number, opts?: TriangleIndicesOptions): Tensor;
export function trilIndices(row: number, col: number, opts?: TriangleIndicesOptions): Tensor;
export function trilIndices(...args: unknown[]): Tensor {
  return triangleIndices("tril_indices", false, args);
}
