// MaxUnpool beyond its fixtures (nn_functional/nn_modules/nn_errors.json from real PyTorch): the
// round trip with max pooling and the module's output_size argument forms.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn, F } = torch;

test("unpooling max pooling's output puts each max back where it was, zeros elsewhere", () => {
  const x = torch.randn([2, 3, 6, 6]);
  const { values, indices } = F.maxPool2d(x, 2, { returnIndices: true });
  const y = F.maxUnpool2d(values, indices, 2);
  assert.deepEqual(y.shape, [2, 3, 6, 6]);
  // every kept value is the input's at that place; every other place is 0
  const kept = y.ne(0);
  assert.equal(kept.sum().item(), 2 * 3 * 9);
  assert.deepEqual(torch.where(kept, x, 0).tolist(), y.tolist());
  assert.deepEqual(y.reshape(2, 3, -1).gather(2, indices.reshape(2, 3, -1)).reshape(values.shape).tolist(), values.tolist());
});

test("nn.MaxUnpool2d.forward takes output_size positionally or as { outputSize }, with or without the batch and channel sizes", () => {
  // increasing values: each window's max is its lower right, at plane positions 6, 8, 16, 18
  const { values, indices } = F.maxPool2d(torch.arange(50, { dtype: "float32" }).reshape(1, 2, 5, 5), 2, { returnIndices: true });
  const m = new nn.MaxUnpool2d(2);
  // the indices name places of the 5x5 input, past the default 4x4 output
  assert.throws(() => m.forward(values, indices), { name: "RuntimeError", message: "Found an invalid max index: 18 (output volumes are of size 4x4" });
  assert.deepEqual(m.forward(values, indices, [5, 5]).shape, [1, 2, 5, 5]);
  assert.deepEqual(m.forward(values, indices, { outputSize: [1, 2, 5, 5] }).shape, [1, 2, 5, 5]);
  assert.throws(() => m.forward(values, indices, [6, 5]), { name: "ValueError", message: 'invalid output_size "[6, 5]" (dim 0 must be between 2 and 6)' });
});
