// A JavaScript number operand takes the op's dtype before the op, as ATen casts a Python
// scalar: on a float32 tensor, 0.1 means 0.1f. Bits from PyTorch 1.13 (comments).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const bits = (t: torch.Tensor): number[] => Array.from(new Int32Array((t.contiguousData() as Float32Array).slice().buffer));

test("scalars are rounded to float32 for float32 ops (comparisons and arithmetic)", () => {
  const x = torch.tensor([0.1, 0.3, 1 / 3]);
  // torch.tensor([0.1, 0.3, 1/3.]).eq(0.1) -> [True, False, False]; .lt(0.3) -> [True, False, False]
  assert.deepEqual(x.eq(0.1).tolist(), [true, false, false]);
  assert.deepEqual(x.lt(0.3).tolist(), [true, false, false]);
  // (x * 0.1), (x + 0.1), (x / 0.3) viewed as int32
  assert.deepEqual(bits(x.mul(0.1)), [1008981771, 1022739088, 1023969417]);
  assert.deepEqual(bits(x.add(0.1)), [1045220557, 1053609165, 1054727646]);
  assert.deepEqual(bits(x.div(0.3)), [1051372202, 1065353216, 1066285283]);
  // float64 keeps the double
  assert.deepEqual(torch.tensor([0.1], { dtype: "float64" }).eq(0.1).tolist(), [true]);
  assert.deepEqual(torch.tensor([Math.fround(0.1)], { dtype: "float64" }).eq(0.1).tolist(), [false]);
});
