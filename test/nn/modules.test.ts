// Every layer against PyTorch 1.13: the fixture's state dict goes in through loadStateDict;
// forward outputs, the gradients of inputs and parameters (for a fixed upstream gradient) and
// the state dict afterwards (running statistics, num_batches_tracked) must match
// (float32: rel 1e-4, float64: rel 1e-10).
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkLayerCase, loadModuleCases } from "./module-check.ts";
import { MODULE_TABLE } from "./module-table.ts";

const cases = loadModuleCases();

test("every fixture layer has a torch-ts construction, and every construction a fixture", () => {
  const names = new Set(cases.map((c) => c.name));
  for (const n of names) assert.ok(MODULE_TABLE[n], `no torch-ts construction for ${n}`);
  for (const n of Object.keys(MODULE_TABLE)) assert.ok(names.has(n), `no fixture for ${n}`);
});

for (const c of cases) {
  test(`${c.name} (${c.dtype}) matches PyTorch`, () => checkLayerCase(c, "cpu"));
}
