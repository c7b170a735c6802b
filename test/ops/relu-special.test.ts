// relu and its backward on special values, through both kernel paths: the branch-free one
// (contiguous float runs of >= 32 elements) and the strided one. Expected values are what
// PyTorch 1.13 prints for the same input (relu keeps -0 and NaN; the backward keeps the
// gradient where the output is NaN, because ATen's threshold_backward tests `y <= 0`).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const PATTERN = [NaN, -Infinity, Infinity, -0, 0, -1, 2];
const RELU = [NaN, 0, Infinity, -0, 0, 0, 2];
const KEEPS_GRAD = [true, false, true, false, false, false, true];

for (const dtype of ["float32", "float64"] as const) {
  for (const strided of [false, true]) {
    test(`relu forward and backward on NaN, ±inf, ±0 (${dtype}, ${strided ? "strided" : "contiguous"})`, () => {
      const values = Array.from({ length: 6 }, () => PATTERN).flat();
      // strided: every other element of a [42, 2] tensor's first column
      const base = torch.tensor(strided ? values.flatMap((v) => [v, 5]) : values, { dtype, requiresGrad: true });
      const x = strided ? base.view(42, 2).select(1, 0) : base;
      const y = torch.relu(x);
      y.backward(torch.arange(1, 43, { dtype }));
      const got = y.contiguousData();
      const grad = base.grad!.contiguousData();
      for (let i = 0; i < 42; i++) {
        const want = RELU[i % 7];
        assert.ok(Object.is(got[i], want), `relu(${PATTERN[i % 7]}) = ${Object.is(got[i], -0) ? "-0" : got[i]}, want ${Object.is(want, -0) ? "-0" : want}`);
        const g = grad[strided ? 2 * i : i];
        assert.equal(g, KEEPS_GRAD[i % 7] ? i + 1 : 0, `grad at ${PATTERN[i % 7]} (element ${i})`);
      }
    });
  }
}
