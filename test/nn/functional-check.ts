// One functional case of nn_functional.json (real PyTorch, float64) on a device: the output
// and the input gradients for the stored upstream gradient. On webgpu the case runs in
// float32 (no float64 in WGSL) against the float32 tolerance (fixture-io.ts TOL).
import assert from "node:assert/strict";
import { toDevice, toHost, type DeviceName } from "../devices.ts";
import { load, makeTensor, mismatch, TOL, type Stored, type StoredInput } from "./fixture-io.ts";
import { FUNCTIONAL_TABLE } from "./functional-table.ts";

export interface FunctionalCase {
  name: string;
  inputs: StoredInput[];
  output: Stored;
  gradOutput: Stored;
  grads: Array<Stored | null>;
  gradcheck: boolean;
}

export const loadFunctionalCases = (): FunctionalCase[] => load<FunctionalCase>("nn_functional.json");

export async function checkFunctionalCase(c: FunctionalCase, device: DeviceName = "cpu"): Promise<void> {
  const fn = FUNCTIONAL_TABLE[c.name]!;
  const tol = device === "cpu" ? undefined : TOL.float32;
  const xs = c.inputs.map((s) => toDevice(makeTensor(s, s.requiresGrad), device));
  const y = fn(...xs);
  assert.equal(mismatch(await toHost(y, c.output.dtype), c.output, tol), null, "output");
  y.backward(toDevice(makeTensor(c.gradOutput), device));
  for (let i = 0; i < c.grads.length; i++) {
    const g = c.grads[i];
    if (g === null || g === undefined) continue;
    assert.ok(xs[i]!.grad, `input ${i} has no gradient`);
    assert.equal(mismatch(await toHost(xs[i]!.grad!, g.dtype), g, tol), null, `grad of input ${i}`);
  }
}
