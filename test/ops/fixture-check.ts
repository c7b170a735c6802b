// One case of test/fixtures/ops.json (real PyTorch) recomputed on a device: the op's outputs
// and the input gradients for the stored upstream gradients (autograd.grad), compared with
// the fixture. The CPU suite (fixtures.test.ts) and the webgpu suite (webgpu.fixtures.test.ts)
// both run it.
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { toDevice, toHost, type DeviceName } from "../devices.ts";
import { OP_TABLE } from "./op-table.ts";
import { makeInputs, makeTensor, mismatch, resultList, type OpCase, type Tolerance } from "./fixture-io.ts";

export async function checkOpCase(c: OpCase, device: DeviceName = "cpu", tol?: Tolerance): Promise<void> {
  const call = OP_TABLE[c.fn];
  assert.ok(call, `no torch-ts call for ${c.fn}`);
  const { leaves, args } = makeInputs(c, device);
  const outs = resultList(call(...args));
  const errors: string[] = [];
  assert.equal(outs.length, c.outputs.length, `${c.name}: number of outputs`);
  for (let i = 0; i < outs.length; i++) {
    const m = mismatch(await toHost(outs[i]!, c.outputs[i]!.dtype), c.outputs[i]!, tol);
    if (m) errors.push(`output ${i}: ${m}`);
  }
  if (c.gradOutputs && c.grads) {
    const diffOuts: torch.Tensor[] = [];
    const gradOutputs: torch.Tensor[] = [];
    c.gradOutputs.forEach((g, i) => {
      if (g === null) return;
      diffOuts.push(outs[i]!);
      gradOutputs.push(toDevice(makeTensor(g), device));
    });
    const wrtIdx = c.inputs.flatMap((s, i) => (s.requiresGrad ? [i] : []));
    const grads = torch.autograd.grad(diffOuts, wrtIdx.map((i) => leaves[i]!), { gradOutputs });
    assert.equal(grads.length, wrtIdx.length, `${c.name}: number of gradients`);
    for (let k = 0; k < wrtIdx.length; k++) {
      const inputIdx = wrtIdx[k]!;
      const want = c.grads[inputIdx]!;
      const got = grads[k];
      if (!got) {
        errors.push(`grad of input ${inputIdx}: expected a tensor, got ${String(got)}`);
        continue;
      }
      const m = mismatch(await toHost(got, want.dtype), want, tol);
      if (m) errors.push(`grad of input ${inputIdx}: ${m}`);
    }
  }
  assert.deepEqual(errors, [], `${c.name} (PyTorch: ${c.expr}):\n  ${errors.join("\n  ")}`);
}
