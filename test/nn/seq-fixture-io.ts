// Reading the sequence-model fixtures written by tools/gen_nn_seq_fixtures.py (real PyTorch 1.13)
// and checking a torch-ts module against one case: PyTorch's state dict is loaded with
// loadStateDict, the forward outputs and the gradients of sum(out_i * gradOutput_i) with respect
// to the inputs and every parameter must agree (float32: rel 1e-4, float64: rel 1e-10).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { runDtype, toDevice, toHost, type DeviceName } from "../devices.ts";
import { decodeValue, makeTensor, type StoredTensor } from "../ops/fixture-io.ts";

type Tensor = torch.Tensor;
export { makeTensor, type StoredTensor };

export interface ModuleCase {
  name: string;
  module: string;
  args: number[];
  opts: Record<string, unknown>;
  train: boolean;
  dtype: "float64" | "float32";
  state: Record<string, StoredTensor>;
  inputs: Record<string, StoredTensor>;
  grad: string[];
  call: Record<string, unknown>;
  outputs: Array<StoredTensor | null>;
  gradOutputs: Array<StoredTensor | null>;
  grads: { inputs: Record<string, StoredTensor>; params: Record<string, StoredTensor | null> };
}

export function loadFixture<T>(file: string): T {
  const url = new URL(`../fixtures/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as T;
}

/** rel is the relative tolerance; abs covers values that are ~0 where relative error is meaningless. */
export const SEQ_TOL = {
  float64: { rel: 1e-10, abs: 1e-12 },
  float32: { rel: 1e-4, abs: 1e-6 },
} as const;

/** Describes how got differs from want (null when within tolerance; demoted: a float64 case run in float32 on a device). */
export function compare(got: Tensor, want: StoredTensor, demoted = false): string | null {
  if (got.shape.join() !== want.shape.join()) return `shape: expected [${want.shape.join(", ")}], got [${got.shape.join(", ")}]`;
  if (got.dtype !== want.dtype) return `dtype: expected ${want.dtype}, got ${got.dtype}`;
  const data = got.contiguousData();
  if (want.dtype === "bool") {
    const bad = want.data.findIndex((v, i) => v !== (data[i] !== 0));
    return bad < 0 ? null : `[${bad}] differs`;
  }
  const tol = SEQ_TOL[demoted ? "float32" : (want.dtype as "float64" | "float32")];
  const bad: string[] = [];
  let count = 0;
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const e = decodeValue(want.data[i]!) as number;
    const g = Number(data[i]);
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(g);
    else if (!Number.isFinite(e)) ok = g === e;
    else {
      const err = Math.abs(g - e);
      ok = err <= tol.abs + tol.rel * Math.abs(e);
      if (Math.abs(e) > tol.abs) worst = Math.max(worst, err / Math.abs(e));
    }
    if (!ok) {
      count++;
      if (bad.length < 5) bad.push(`[${i}] expected ${e}, got ${g}`);
    }
  }
  return count === 0 ? null : `${count}/${want.data.length} values differ (worst rel ${worst.toExponential(2)}): ${bad.join("; ")}`;
}

/** The case's inputs as tensors on `device`; those named in c.grad require grad. */
export function caseInputs(c: ModuleCase, device: DeviceName = "cpu"): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, s] of Object.entries(c.inputs)) out[k] = toDevice(makeTensor(s, c.grad.includes(k)), device);
  return out;
}

/**
 * Builds the module (float32 parameters, cast to float64 for float64 cases; float32 on webgpu),
 * moves it to `device`, loads PyTorch's state dict, runs `run` and compares outputs and
 * gradients. Returns the module for extra checks.
 */
export async function checkModuleCase<M extends torch.nn.Module>(
  c: ModuleCase,
  build: (c: ModuleCase) => M,
  run: (m: M, inputs: Record<string, Tensor>, c: ModuleCase) => Array<Tensor | null>,
  device: DeviceName = "cpu",
): Promise<M> {
  const m = build(c);
  m.to(device, runDtype(c.dtype, device));
  const demoted = device !== "cpu" && c.dtype === "float64";
  const same = async (t: Tensor, want: StoredTensor) => compare(await toHost(t, want.dtype), want, demoted);
  const state: Record<string, Tensor> = {};
  for (const [k, s] of Object.entries(c.state)) state[k] = makeTensor(s);
  m.loadStateDict(state);
  m.train(c.train);
  const params = m.namedParameters();
  assert.deepEqual(params.map(([k]) => k).sort(), Object.keys(c.grads.params).sort(), `${c.name}: parameter names`);

  const inputs = caseInputs(c, device);
  const outs = run(m, inputs, c);
  const errors: string[] = [];
  assert.equal(outs.length, c.outputs.length, `${c.name}: number of outputs`);
  const diffOuts: Tensor[] = [];
  const gradOutputs: Tensor[] = [];
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i] ?? null;
    const want = c.outputs[i];
    if (want === null || o === null) {
      if (want !== o) errors.push(`output ${i}: expected ${want === null ? "null" : "a tensor"}, got ${o === null ? "null" : "a tensor"}`);
      continue;
    }
    const d = await same(o, want!);
    if (d) errors.push(`output ${i}: ${d}`);
    diffOuts.push(o);
    gradOutputs.push(toDevice(makeTensor(c.gradOutputs[i]!), device));
  }
  const wrt: Array<[string, Tensor, StoredTensor | null]> = [
    ...c.grad.map((k): [string, Tensor, StoredTensor | null] => [`input ${k}`, inputs[k]!, c.grads.inputs[k]!]),
    ...params.map(([k, p]): [string, Tensor, StoredTensor | null] => [`param ${k}`, p, c.grads.params[k]!]),
  ];
  const grads = torch.autograd.grad(diffOuts, wrt.map(([, t]) => t), { gradOutputs, allowUnused: true });
  for (let i = 0; i < wrt.length; i++) {
    const [name, , want] = wrt[i]!;
    const g = grads[i];
    if (want === null) {
      if (g && (await g.abs().max().itemAsync()) !== 0) errors.push(`grad of ${name}: PyTorch has none, torch-ts has a nonzero one`);
      continue;
    }
    if (!g) {
      errors.push(`grad of ${name}: missing`);
      continue;
    }
    const d = await same(g, want);
    if (d) errors.push(`grad of ${name}: ${d}`);
  }
  assert.deepEqual(errors, [], `${c.name}:\n  ${errors.join("\n  ")}`);
  return m;
}

export interface ErrorCase {
  name: string;
  type: string;
  message: string;
}

/** PyTorch's error for a case of nn_seq_errors.json. */
function errorCase(name: string): ErrorCase {
  const cases = loadFixture<{ cases: ErrorCase[] }>("nn_seq_errors.json").cases;
  const c = cases.find((e) => e.name === name);
  if (!c) throw new Error(`no error case ${name} in nn_seq_errors.json`);
  return c;
}

/** PyTorch's message for an error case of nn_seq_errors.json. */
export function errorMessage(name: string): string {
  return errorCase(name).message;
}

/** Asserts fn throws PyTorch's kind of error (its class name) with exactly PyTorch's message for the named case. */
export function assertThrowsLike(fn: () => unknown, name: string): void {
  const want = errorCase(name);
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, `${name}: expected an Error`);
    assert.equal(e.message, want.message, `${name}: message`);
    assert.equal(e.name, want.type, `${name}: kind`);
    return true;
  });
}
