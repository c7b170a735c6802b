// The functional forms (F.*) against PyTorch 1.13 in float64 (values and input gradients to
// rel 1e-10), and torch-ts's own float64 gradcheck at the same points (PyTorch's gradcheck
// passes there too: the generator asserts it).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { makeTensor } from "./fixture-io.ts";
import { checkFunctionalCase, loadFunctionalCases } from "./functional-check.ts";
import { FUNCTIONAL_TABLE } from "./functional-table.ts";

type Tensor = torch.Tensor;
const cases = loadFunctionalCases();

test("every functional fixture has a torch-ts call, and every call a fixture", () => {
  const names = new Set(cases.map((c) => c.name));
  for (const n of names) assert.ok(FUNCTIONAL_TABLE[n], `no torch-ts call for ${n}`);
  for (const n of Object.keys(FUNCTIONAL_TABLE)) assert.ok(names.has(n), `no fixture for ${n}`);
});

for (const c of cases) {
  const fn = FUNCTIONAL_TABLE[c.name]!;
  test(`F.${c.name} matches PyTorch (float64)`, () => checkFunctionalCase(c, "cpu"));
  if (c.gradcheck) {
    test(`gradcheck F.${c.name}`, () => {
      const xs = c.inputs.map((s) => makeTensor(s, s.requiresGrad));
      assert.equal(torch.autograd.gradcheck((...a: Tensor[]) => fn(...a), xs, { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
    });
  }
}
