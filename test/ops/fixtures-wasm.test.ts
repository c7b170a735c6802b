// The op fixtures of real PyTorch (test/fixtures/ops.json) again, with every float32 wasm
// kernel taking every input it accepts (thresholds at 0): elementwise ops, sums, softmax and
// log-softmax, matrix products. The fixtures' tensors are small, so fixtures.test.ts checks
// them on the TypeScript kernels; here the same values and gradients hold on the wasm ones.
import { after, test } from "node:test";
import { setWasmThresholds, wasmReady } from "../../src/backends/wasm/index.ts";
import { loadOpCases } from "./fixture-io.ts";
import { checkOpCase } from "./fixture-check.ts";

const cases = loadOpCases().filter((c) => c.name.endsWith("/float32"));

await wasmReady();
setWasmThresholds({ minElementwise: 0, minSoftmaxElements: 0, minWork: 0, minMatrixWork: 0 });
after(() => setWasmThresholds({ minElementwise: 512, minSoftmaxElements: 4096, minWork: 16 ** 3, minMatrixWork: 16 ** 3 }));

test("there are float32 cases to check", () => {
  if (cases.length < 20) throw new Error(`only ${cases.length} float32 cases`);
});
for (const c of cases) {
  test(`${c.name} on the wasm kernels: ${c.expr}`, () => checkOpCase(c, "cpu"));
}
