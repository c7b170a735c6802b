// Running exported models in onnxruntime-node and checking them with Debian's python3-onnx.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { TestContext } from "node:test";
import * as ort from "onnxruntime-node";
import * as torch from "../../src/index.ts";

const ORT_TYPE = { float32: "float32", float64: "float64", int32: "int32", int64: "int64", bool: "bool" } as const;

/** A torch-ts tensor as an onnxruntime tensor. */
export function toOrt(t: torch.Tensor): ort.Tensor {
  const data = t.contiguousData();
  if (t.dtype === "int64") return new ort.Tensor("int64", BigInt64Array.from(data as ArrayLike<number | bigint>, (v) => BigInt(v)), t.shape);
  if (t.dtype === "bool") return new ort.Tensor("bool", Uint8Array.from(data as ArrayLike<number>), t.shape);
  return new ort.Tensor(ORT_TYPE[t.dtype], data as Float32Array, t.shape);
}

/** Runs the model bytes on named inputs; returns the outputs in the graph's order. */
export async function runOrt(bytes: Uint8Array, feeds: Record<string, torch.Tensor>): Promise<ort.Tensor[]> {
  const sess = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const out = await sess.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrt(v)])));
  const r = sess.outputNames.map((n) => out[n]);
  await sess.release();
  return r;
}

/** max |got - want| / max |want|: the error relative to the output's scale. */
export function relError(got: ort.Tensor, want: torch.Tensor): number {
  const w = want.contiguousData() as ArrayLike<number>;
  const g = got.data as ArrayLike<number>;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < w.length; i++) {
    diff = Math.max(diff, Math.abs(Number(g[i]) - Number(w[i])));
    scale = Math.max(scale, Math.abs(Number(w[i])));
  }
  return scale === 0 ? diff : diff / scale;
}

const PYTHON = "/usr/bin/python3";

/**
 * Whether Debian's python3 with `modules` importable is here. In CI (.ci/run installs them)
 * their absence fails the test; elsewhere the check is skipped, saying so.
 */
export function havePython(t: TestContext, modules: readonly string[]): boolean {
  const ok = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", modules.map((m) => `import ${m}`).join("; ")], { timeout: 60_000 }).status === 0;
  if (!ok) {
    if (process.env.CI) throw new Error(`CI needs ${PYTHON} with ${modules.join(", ")} (.ci/run installs them)`);
    t.skip(`${PYTHON} with ${modules.join(", ")} is not installed`);
  }
  return ok;
}

/** Runs a Python script with args; returns stdout, failing on a non-zero exit. */
export function python(script: string, args: readonly string[] = []): string {
  const r = spawnSync(PYTHON, ["-c", script, ...args], { encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
