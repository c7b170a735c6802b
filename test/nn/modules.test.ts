// Every layer against PyTorch 1.13: the fixture's state dict goes in through loadStateDict;
// forward outputs, the gradients of inputs and parameters (for a fixed upstream gradient) and
// the state dict afterwards (running statistics, num_batches_tracked) must match
// (float32: rel 1e-4, float64: rel 1e-10).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { load, makeTensor, mismatch, type Stored, type StoredInput } from "./fixture-io.ts";
import { MODULE_TABLE } from "./module-table.ts";

type Tensor = torch.Tensor;
interface ModuleCase {
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

const cases = load<ModuleCase>("nn_modules.json");

test("every fixture layer has a torch-ts construction, and every construction a fixture", () => {
  const names = new Set(cases.map((c) => c.name));
  for (const n of names) assert.ok(MODULE_TABLE[n], `no torch-ts construction for ${n}`);
  for (const n of Object.keys(MODULE_TABLE)) assert.ok(names.has(n), `no fixture for ${n}`);
});

function outputsOf(r: unknown): Tensor[] {
  if (r instanceof torch.Tensor) return [r];
  const { values, indices } = r as { values: Tensor; indices: Tensor };
  return [values, indices];
}

for (const c of cases) {
  test(`${c.name} (${c.dtype}) matches PyTorch`, () => {
    const make = MODULE_TABLE[c.name]!;
    const m = make().to(c.dtype);
    const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, makeTensor(v)]));
    m.loadStateDict(sd);
    if (c.eval) m.eval();
    const xs = c.inputs.map((s) => makeTensor(s, s.requiresGrad));
    const outs = outputsOf((m.forward as (...a: Tensor[]) => unknown)(...xs));
    assert.equal(outs.length, c.outputs.length, "number of outputs");
    outs.forEach((o, i) => assert.equal(mismatch(o, c.outputs[i]!), null, `output ${i}`));
    const floatOuts = outs.filter((o) => o.isFloatingPoint());
    const needsGrad = xs.some((x) => x.requiresGrad) || m.parameters().length > 0;
    if (needsGrad) {
      const total = floatOuts
        .map((o, i) => o.mul(makeTensor(c.gradOutputs[i]!)).sum())
        .reduce((a, b) => a.add(b));
      total.backward();
    }
    c.inputGrads.forEach((g, i) => {
      if (g === null) return;
      assert.ok(xs[i]!.grad, `input ${i} has no gradient`);
      assert.equal(mismatch(xs[i]!.grad!, g), null, `grad of input ${i}`);
    });
    const params = Object.fromEntries(m.namedParameters());
    assert.deepEqual(Object.keys(params).sort(), Object.keys(c.paramGrads).sort(), "parameter names");
    for (const [name, g] of Object.entries(c.paramGrads)) {
      const p = params[name]!;
      if (g === null) assert.equal(p.grad, null, `${name} should get no gradient`);
      else {
        assert.ok(p.grad, `${name} has no gradient`);
        assert.equal(mismatch(p.grad!, g), null, `grad of ${name}`);
      }
    }
    const after = m.stateDict();
    assert.deepEqual(Object.keys(after).sort(), Object.keys(c.stateAfter).sort(), "state dict keys");
    for (const [k, v] of Object.entries(c.stateAfter)) assert.equal(mismatch(after[k]!, v), null, `state ${k} after forward`);
  });
}
