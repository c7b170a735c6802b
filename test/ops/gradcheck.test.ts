// Float64 central-difference gradient checks of every differentiable op, at the inputs of the
// fixture cases (tools/gen_op_fixtures.py marks gradcheck: false where an op has a kink or a
// tie at the chosen point, e.g. relu(0), so a finite difference is meaningless there).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { OP_TABLE } from "./op-table.ts";
import { loadOpCases, makeInputs, resultList } from "./fixture-io.ts";

type Tensor = torch.Tensor;
const OPTS = { eps: 1e-6, atol: 1e-5, rtol: 1e-3 };

const cases = loadOpCases().filter((c) => c.gradcheck === true);

test("the fixture has gradcheck cases for the differentiable ops", () => {
  const ops = new Set(cases.map((c) => c.fn.split(".")[0]));
  for (const op of ["add", "pow", "prod", "var", "logsumexp", "matmul", "scatter", "unbind", "gradientPenalty"]) {
    assert.ok(ops.has(op), `no gradcheck case for ${op}`);
  }
});

for (const c of cases) {
  test(`gradcheck ${c.name}: ${c.expr}`, () => {
    const call = OP_TABLE[c.fn]!;
    assert.ok(call, `no torch-ts call for ${c.fn}`);
    const { leaves } = makeInputs(c);
    const views = c.inputs.map((s) => s.view);
    // gradcheck perturbs the leaves; the op sees the same (possibly transposed) views as in
    // fixtures.test.ts. Several float outputs (chunk, split, max(dim) values) are checked at
    // once as one flat vector; integer outputs (indices) are not differentiable.
    const fn = (...xs: Tensor[]): Tensor => {
      const args = xs.map((x, i) => (views[i] === "transpose" ? x.transpose(-2, -1) : x));
      const outs = resultList(call(...args)).filter((o) => o.dtype === "float64");
      return outs.length === 1 ? outs[0]! : torch.cat(outs.map((o) => o.reshape(-1)), 0);
    };
    assert.equal(torch.autograd.gradcheck(fn, leaves, OPTS), true);
  });
}

test("gradcheck throws when the analytical gradient is wrong", () => {
  // A hook triples the gradient flowing into y = 2x: analytical 6, numerical 2.
  const x = torch.tensor([0.5, -1.25, 2.0], { dtype: "float64", requiresGrad: true });
  const wrong = (v: Tensor): Tensor => {
    const y = v.mul(2);
    // Only where a graph is recorded (a gradcheck may evaluate its numerical part without one).
    if (y.requiresGrad) y.registerHook((g: Tensor) => g.mul(3));
    return y;
  };
  assert.throws(() => torch.autograd.gradcheck(wrong, [x], OPTS), /Jacobian mismatch/);
});
