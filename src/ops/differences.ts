// torch.diff: differences of neighbours along a dimension, written with narrow and sub (bool:
// logical_xor), so the gradient comes from those.
import { checkInt, checkTensor, int, nullable, param, parseArgs, type Args } from "../args.ts";
import { RuntimeError } from "../errors.ts";
import { normalizeDim } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { cat } from "./shape.ts";

/** Options of torch.diff. */
export interface DiffOptions {
  /** How many times to take differences (PyTorch's default 1). */
  n?: number;
  /** The dimension (default -1, the last). */
  dim?: number;
  /** Values put before the input along dim first. */
  prepend?: Tensor | null;
  /** Values put after the input along dim first. */
  append?: Tensor | null;
}
const tensorArg = (v: unknown, a: string, f: string) => checkTensor(v, a, f);
const DIFF = [param("n", int(), 1), param("dim", int(), -1), param("prepend", nullable(tensorArg), null), param("append", nullable(tensorArg), null)];

/**
 * torch.diff(input, n=1, dim=-1, prepend=None, append=None): out[i] = x[i + 1] - x[i] along
 * dim, n times (bool: x[i + 1] != x[i]); n of 0 or less returns the input.
 */
export function diff(x: Tensor, ...args: Args<[n: number, dim: number, prepend: Tensor | null, append: Tensor | null], DiffOptions>): Tensor {
  checkTensor(x, "input", "diff");
  const o = parseArgs<{ n: number; dim: number; prepend: Tensor | null; append: Tensor | null }>("diff", DIFF, args);
  checkInt(o.n, "n", "diff");
  if (x.ndim === 0) throw new RuntimeError("diff expects input to be at least one-dimensional");
  const d = normalizeDim(o.dim, x.ndim);
  const parts = [o.prepend, x, o.append].filter((t): t is Tensor => t !== null);
  for (const t of parts) {
    if (t.ndim !== x.ndim) throw new RuntimeError(`diff expects prepend or append to be the same dimension as input`);
  }
  let y = parts.length > 1 ? cat(parts, d) : x;
  for (let k = 0; k < o.n && y.shape[d]! > 0; k++) {
    const len = y.shape[d]! - 1;
    const hi = y.narrow(d, 1, len), lo = y.narrow(d, 0, len);
    y = y.dtype === "bool" ? hi.ne(lo) : hi.sub(lo);
  }
  return y;
}
