// toString() (and console.log, through util.inspect) must print exactly PyTorch's repr, as
// recorded from PyTorch 1.13 in test/fixtures/ops-printing.json. PyTorch's int64 tensors are
// stored as int32: torch-ts's default integer dtype, so it prints without a dtype suffix the
// way PyTorch's default int64 does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { loadPrintCases, makeTensor } from "./fixture-io.ts";

for (const c of loadPrintCases()) {
  test(`repr ${c.name}`, () => {
    let t = makeTensor(c, c.requiresGrad);
    if (c.after === "mul2") t = t.mul(2);
    assert.equal(t.toString(), c.repr);
  });
}

test("console.log prints the repr", () => {
  const c = loadPrintCases().find((p) => p.name === "float_row_requires_grad")!;
  const t = makeTensor(c, c.requiresGrad);
  assert.equal(inspect(t), c.repr);
  assert.equal(`${t}`, c.repr);
});
