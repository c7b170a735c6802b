// Forward values and input gradients of every op case in test/fixtures/ops.json (produced by
// real PyTorch, tools/gen_op_fixtures.py) recomputed with torch-ts.
// float64 must agree to rel 1e-10 / abs 1e-12, float32 to rel 1e-5 / abs 1e-6.
import { test } from "node:test";
import assert from "node:assert/strict";
import { OP_TABLE } from "./op-table.ts";
import { loadOpCases } from "./fixture-io.ts";
import { checkOpCase } from "./fixture-check.ts";

const cases = loadOpCases();

test("every fixture case has a torch-ts call and every call is used", () => {
  const missing = [...new Set(cases.map((c) => c.fn))].filter((fn) => !(fn in OP_TABLE));
  assert.deepEqual(missing, [], `cases without an entry in test/ops/op-table.ts: ${missing.join(", ")}`);
  const used = new Set(cases.map((c) => c.fn));
  const stale = Object.keys(OP_TABLE).filter((fn) => !used.has(fn));
  assert.deepEqual(stale, [], `op-table entries no fixture case uses: ${stale.join(", ")}`);
});

// The op list of issue 2: each must have at least one fixture case (its `fn` before the dot).
const REQUIRED_OPS = `add sub mul div neg pow exp log log1p expm1 sqrt rsqrt abs sign sin cos tanh sigmoid
  relu clamp maximum minimum where sum mean prod max min amax amin argmax argmin var std logsumexp
  cumsum softmax logSoftmax matmul mm bmm cat stack gather scatter scatterAdd indexSelect maskedFill
  triu tril clone reshape view transpose t permute squeeze unsqueeze expand expandAs flatten unflatten
  narrow select slice contiguous chunk split unbind eq ne lt le gt ge logicalAnd logicalOr logicalNot
  isnan isfinite`.split(/\s+/);

test("the fixture covers every op of the issue, with float32 variants and second-order cases", () => {
  const ops = new Set(cases.map((c) => c.fn.split(".")[0]));
  assert.deepEqual(REQUIRED_OPS.filter((op) => !ops.has(op)), []);
  assert.ok(cases.filter((c) => c.name.endsWith("/float32")).length >= 20, "float32 variants");
  for (const fn of ["tanh.second_derivative", "gradientPenalty", "pow.scalar_base", "matmul.batched_4d_3d"]) {
    assert.ok(cases.some((c) => c.fn === fn), `missing case ${fn}`);
  }
});

for (const c of cases) {
  test(`${c.name}: ${c.expr}`, () => checkOpCase(c, "cpu"));
}
