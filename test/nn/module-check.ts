// One layer case of nn_modules.json (real PyTorch) on a device: the fixture's state dict goes
// in through loadStateDict (uploaded by copy_ on a device); forward outputs, the gradients of
// inputs and parameters for a fixed upstream gradient, and the state dict afterwards must
// match. float64 cases run in float32 on webgpu, against the float32 tolerance.
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { runDtype, toDevice, toHost, type DeviceName } from "../devices.ts";
import { load, makeTensor, mismatch, TOL, type Stored, type StoredInput } from "./fixture-io.ts";
import { MODULE_TABLE } from "./module-table.ts";

type Tensor = torch.Tensor;
export interface ModuleCase {
  name: string;
  dtype: "float32" | "float64";
  eval: boolean;
  stateDict: Record<string, Stored>;
  inputs: StoredInput[];
  outputs: Stored[];
  gradOutputs: Stored[];
  inputGrads: Array<Stored | null>;
  paramGrads: Record<string, Stored | null>;
  stateAfter: Record<string, Stored>;
}

export const loadModuleCases = (): ModuleCase[] => load<ModuleCase>("nn_modules.json");

function outputsOf(r: unknown): Tensor[] {
  if (r instanceof torch.Tensor) return [r];
  const { values, indices } = r as { values: Tensor; indices: Tensor };
  return [values, indices];
}

export async function checkLayerCase(c: ModuleCase, device: DeviceName = "cpu"): Promise<void> {
  const tol = device === "cpu" ? undefined : TOL.float32;
  const same = async (t: Tensor, want: Stored) => mismatch(await toHost(t, want.dtype), want, tol);
  const make = MODULE_TABLE[c.name]!;
  const m = make().to(device, runDtype(c.dtype, device));
  const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, makeTensor(v)]));
  m.loadStateDict(sd);
  if (c.eval) m.eval();
  const xs = c.inputs.map((s) => toDevice(makeTensor(s, s.requiresGrad), device));
  const outs = outputsOf((m.forward as (...a: Tensor[]) => unknown)(...xs));
  assert.equal(outs.length, c.outputs.length, "number of outputs");
  for (let i = 0; i < outs.length; i++) assert.equal(await same(outs[i]!, c.outputs[i]!), null, `output ${i}`);
  const floatOuts = outs.filter((o) => o.isFloatingPoint());
  const needsGrad = xs.some((x) => x.requiresGrad) || m.parameters().length > 0;
  if (needsGrad) {
    const total = floatOuts
      .map((o, i) => o.mul(toDevice(makeTensor(c.gradOutputs[i]!), device)).sum())
      .reduce((a, b) => a.add(b));
    total.backward();
  }
  for (let i = 0; i < c.inputGrads.length; i++) {
    const g = c.inputGrads[i];
    if (g === null || g === undefined) continue;
    assert.ok(xs[i]!.grad, `input ${i} has no gradient`);
    assert.equal(await same(xs[i]!.grad!, g), null, `grad of input ${i}`);
  }
  const params = Object.fromEntries(m.namedParameters());
  assert.deepEqual(Object.keys(params).sort(), Object.keys(c.paramGrads).sort(), "parameter names");
  for (const [name, g] of Object.entries(c.paramGrads)) {
    const p = params[name]!;
    if (g === null) assert.equal(p.grad, null, `${name} should get no gradient`);
    else {
      assert.ok(p.grad, `${name} has no gradient`);
      assert.equal(await same(p.grad!, g), null, `grad of ${name}`);
    }
  }
  const after = m.stateDict();
  assert.deepEqual(Object.keys(after).sort(), Object.keys(c.stateAfter).sort(), "state dict keys");
  for (const [k, v] of Object.entries(c.stateAfter)) assert.equal(await same(after[k]!, v), null, `state ${k} after forward`);
}
