// Forward values and input gradients of every op case in test/fixtures/ops.json (produced by
// real PyTorch, tools/gen_op_fixtures.py) recomputed with torch-ts.
// float64 must agree to rel 1e-10 / abs 1e-12, float32 to rel 1e-5 / abs 1e-6.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { OP_TABLE } from "./op-table.ts";
import { loadOpCases, makeInputs, makeTensor, mismatch, resultList, type OpCase } from "./fixture-io.ts";

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

function check(c: OpCase): void {
  const call = OP_TABLE[c.fn];
  assert.ok(call, `no torch-ts call for ${c.fn}`);
  const { leaves, args } = makeInputs(c);
  const outs = resultList(call(...args));
  const errors: string[] = [];
  assert.equal(outs.length, c.outputs.length, `${c.name}: number of outputs`);
  outs.forEach((o, i) => {
    const m = mismatch(o, c.outputs[i]!);
    if (m) errors.push(`output ${i}: ${m}`);
  });
  if (c.gradOutputs && c.grads) {
    const diffOuts: torch.Tensor[] = [];
    const gradOutputs: torch.Tensor[] = [];
    c.gradOutputs.forEach((g, i) => {
      if (g === null) return;
      diffOuts.push(outs[i]!);
      gradOutputs.push(makeTensor(g));
    });
    const wrtIdx = c.inputs.flatMap((s, i) => (s.requiresGrad ? [i] : []));
    const grads = torch.autograd.grad(
      diffOuts,
      wrtIdx.map((i) => leaves[i]!),
      { gradOutputs },
    );
    assert.equal(grads.length, wrtIdx.length, `${c.name}: number of gradients`);
    wrtIdx.forEach((inputIdx, k) => {
      const want = c.grads![inputIdx]!;
      const got = grads[k];
      if (!got) {
        errors.push(`grad of input ${inputIdx}: expected a tensor, got ${String(got)}`);
        return;
      }
      const m = mismatch(got, want);
      if (m) errors.push(`grad of input ${inputIdx}: ${m}`);
    });
  }
  assert.deepEqual(errors, [], `${c.name} (PyTorch: ${c.expr}):\n  ${errors.join("\n  ")}`);
}

for (const c of cases) {
  test(`${c.name}: ${c.expr}`, () => check(c));
}
