// Reading tools/gen_nn_fixtures.py's JSON (real PyTorch 1.13) and comparing against it.
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";

type Tensor = torch.Tensor;
export type Stored = { shape: number[]; dtype: "float64" | "float32" | "int32" | "int64" | "bool"; data: Array<number | boolean | string> };
export type StoredInput = Stored & { requiresGrad: boolean };

export function load<T>(file: string): T[] {
  const parsed = JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), "utf8")) as { cases: T[] };
  if (!Array.isArray(parsed.cases) || parsed.cases.length === 0) throw new Error(`${file}: no cases (run /usr/bin/python3 tools/gen_nn_fixtures.py)`);
  return parsed.cases;
}

const decode = (v: number | boolean | string): number | boolean => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number | boolean));

function nest(flat: unknown[], shape: number[]): unknown {
  if (shape.length === 0) return flat[0];
  const [n, ...rest] = shape;
  const inner = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => nest(flat.slice(i * inner, (i + 1) * inner), rest));
}

export function makeTensor(s: Stored, requiresGrad = false): Tensor {
  const flat = s.data.map(decode);
  return torch.tensor(nest(s.dtype === "int64" ? flat.map((v) => BigInt(v as number)) : flat, s.shape) as Parameters<typeof torch.tensor>[0], { dtype: s.dtype, requiresGrad });
}

/**
 * Relative error of got against want: every element must satisfy
 * |got - want| <= tol * (|want| + scale), scale = the tensor's largest |want| (so elements
 * that cancel to near zero are judged against the tensor's magnitude, as a norm-wise
 * relative error is). tol: float32 1e-4, float64 1e-10 (issue 5).
 */
export const TOL = { float32: 1e-4, float64: 1e-10 } as const;

export function mismatch(got: Tensor, want: Stored, tol?: number): string | null {
  if (got.shape.join() !== want.shape.join()) return `shape: expected [${want.shape.join(", ")}], got [${got.shape.join(", ")}]`;
  if (got.dtype !== want.dtype) return `dtype: expected ${want.dtype}, got ${got.dtype}`;
  const data = got.contiguousData();
  const w = want.data.map(decode);
  const isFloat = want.dtype === "float32" || want.dtype === "float64";
  const t = tol ?? (isFloat ? TOL[want.dtype as "float32" | "float64"] : 0);
  let scale = 0;
  for (const v of w) if (typeof v === "number" && Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < w.length; i++) {
    const e = w[i];
    const raw = data[i];
    const g = typeof raw === "bigint" ? Number(raw) : want.dtype === "bool" ? raw !== 0 : raw;
    let ok: boolean;
    if (isFloat && typeof e === "number" && typeof g === "number") {
      if (Number.isNaN(e)) ok = Number.isNaN(g);
      else if (!Number.isFinite(e)) ok = g === e;
      else ok = Math.abs(g - e) <= t * (Math.abs(e) + scale);
    } else ok = g === e;
    if (!ok) {
      count++;
      if (bad.length < 5) bad.push(`[${i}] expected ${String(e)}, got ${String(g)}`);
    }
  }
  return count === 0 ? null : `${count}/${w.length} values differ: ${bad.join("; ")}`;
}
