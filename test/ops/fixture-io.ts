// Reading the fixtures written by tools/gen_op_fixtures.py (real PyTorch) and comparing
// torch-ts tensors against them. See the generator's docstring for the JSON format.
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { toDevice, type DeviceName } from "../devices.ts";

type Tensor = torch.Tensor;

export type FixtureDtype = "float64" | "float32" | "int64" | "int32" | "bool";
/**
 * A flat value as stored: finite floats are numbers; NaN/±inf are strings (JSON has none);
 * integers beyond 2^53 are decimal strings (JSON numbers would round them).
 */
export type StoredValue = number | boolean | string;

export interface StoredTensor {
  shape: number[];
  dtype: FixtureDtype;
  data: StoredValue[];
}

export interface StoredInput extends StoredTensor {
  requiresGrad: boolean;
  /** "transpose": the op receives leaf.transpose(-2, -1), a non-contiguous view. */
  view?: "transpose";
}

export interface OpCase {
  name: string;
  fn: string;
  expr: string;
  inputs: StoredInput[];
  outputs: StoredTensor[];
  gradOutputs?: (StoredTensor | null)[];
  grads?: (StoredTensor | null)[];
  gradcheck?: boolean;
}

export interface ErrorCase {
  name: string;
  type: string;
  message: string;
  fragments: string[];
}

export interface PrintCase extends StoredTensor {
  name: string;
  requiresGrad: boolean;
  repr: string;
  after?: "mul2";
  /** torch.set_printoptions keywords in effect for this repr (camelCase), reset to the defaults after. */
  printOptions?: Record<string, number | string | boolean>;
}

function load<T>(file: string): T[] {
  const url = new URL(`../fixtures/${file}`, import.meta.url);
  const parsed = JSON.parse(readFileSync(url, "utf8")) as { cases: T[] };
  if (!Array.isArray(parsed.cases) || parsed.cases.length === 0) {
    throw new Error(`${file}: no cases (regenerate with /usr/bin/python3 tools/gen_op_fixtures.py)`);
  }
  return parsed.cases;
}

export const loadOpCases = (): OpCase[] => load<OpCase>("ops.json");
export const loadErrorCases = (): ErrorCase[] => load<ErrorCase>("ops-errors.json");
export const loadPrintCases = (): PrintCase[] => load<PrintCase>("ops-printing.json");

export function decodeValue(v: StoredValue): number | boolean | bigint {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  if (typeof v === "string") return BigInt(v);
  return v;
}

/** Row-major flat values -> nested arrays of `shape` (a bare value for a 0-d tensor). */
export function nest(flat: unknown[], shape: number[]): unknown {
  if (shape.length === 0) return flat[0];
  const [n, ...rest] = shape;
  const inner = rest.reduce((a, b) => a * b, 1);
  const out: unknown[] = [];
  for (let i = 0; i < n!; i++) out.push(nest(flat.slice(i * inner, (i + 1) * inner), rest));
  return out;
}

/** A fresh leaf tensor holding the stored values (built from nested arrays, as users do). */
export function makeTensor(s: StoredTensor, requiresGrad = false): Tensor {
  // nested arrays cannot spell a shape with a zero before its last dim ([2, 0, 3] reads as [2, 0])
  if (s.data.length === 0) return torch.zeros(s.shape, { dtype: s.dtype, requiresGrad });
  const nested = nest(s.data.map(decodeValue), s.shape);
  // torch.tensor's first parameter type is the library's; nested arrays of numbers/booleans
  // or a bare number are what it documents accepting.
  const t = torch.tensor(nested as Parameters<typeof torch.tensor>[0], {
    dtype: s.dtype,
    requiresGrad,
  });
  return t;
}

/** Leaves (what gradients are taken with respect to) and the arguments passed to the op, on `device`. */
export function makeInputs(c: OpCase, device: DeviceName = "cpu"): { leaves: Tensor[]; args: Tensor[] } {
  const leaves = c.inputs.map((s) => toDevice(makeTensor(s, s.requiresGrad), device));
  const args = leaves.map((leaf, i) => (c.inputs[i]!.view === "transpose" ? leaf.transpose(-2, -1) : leaf));
  return { leaves, args };
}

export interface Tolerance {
  rel: number;
  abs: number;
}
/** float64: results must agree to near round-off. float32: torch.testing-like closeness. */
export const TOL: Record<"float64" | "float32", Tolerance> = {
  float64: { rel: 1e-10, abs: 1e-12 },
  float32: { rel: 1e-5, abs: 1e-6 },
};

/**
 * Compares a torch-ts tensor with a stored one: shape, dtype, then values (exact for integer and
 * bool tensors; NaN must match NaN and infinities must match exactly). Returns a description
 * of the first mismatches, or null when they agree.
 */
export function mismatch(got: Tensor, want: StoredTensor, tolerance?: Tolerance): string | null {
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) {
    return `shape: expected [${want.shape.join(", ")}], got [${got.shape.join(", ")}]`;
  }
  if (got.dtype !== want.dtype) return `dtype: expected ${want.dtype}, got ${got.dtype}`;
  const data = got.contiguousData();
  if (data.length !== want.data.length) {
    return `contiguousData() has ${data.length} elements, expected ${want.data.length}`;
  }
  const isFloat = want.dtype === "float64" || want.dtype === "float32";
  const tol = isFloat ? (tolerance ?? TOL[want.dtype as "float64" | "float32"]) : null;
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < want.data.length; i++) {
    const e = decodeValue(want.data[i]!);
    const raw = data[i]!;
    // int64 compares exactly: a stored number against the bigint, as a bigint
    const g = typeof raw === "bigint" ? (typeof e === "bigint" ? raw : Number(raw)) : want.dtype === "bool" ? raw !== 0 : raw;
    let ok: boolean;
    if (tol && typeof e === "number" && typeof g === "number") {
      if (Number.isNaN(e)) ok = Number.isNaN(g);
      else if (!Number.isFinite(e)) ok = g === e;
      else ok = Math.abs(g - e) <= tol.abs + tol.rel * Math.abs(e);
    } else {
      ok = g === e;
    }
    if (!ok) {
      count++;
      if (bad.length < 6) bad.push(`[${i}] expected ${String(e)}, got ${String(g)}`);
    }
  }
  if (count === 0) return null;
  return `${count}/${want.data.length} values differ: ${bad.join("; ")}`;
}

/** The tensors an op returned, in PyTorch's tuple order ({ values, indices } -> [values, indices]). */
export type OpResult = Tensor | Tensor[] | { values: Tensor; indices: Tensor };
export function resultList(r: OpResult): Tensor[] {
  if (Array.isArray(r)) return r;
  if (r instanceof torch.Tensor) return [r];
  return [r.values, r.indices];
}
