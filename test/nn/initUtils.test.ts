// nn.init.sparse_ and nn.utils.skipInit against PyTorch 1.13 (tools/gen_nn_utils_fixtures.py),
// and the deprecated spellings (nn.init.normal, ..., nn.utils.clipGradNorm) with PyTorch's warning.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { mismatch, type Stored } from "./fixture-io.ts";

const { nn } = torch;
const fx = JSON.parse(readFileSync(new URL("../fixtures/nn_utils_misc.json", import.meta.url), "utf8")) as {
  sparse: Array<{ seed: number; shape: [number, number]; sparsity: number; std: number | null; result: Stored }>;
  skipInit: { seed: number; next: Stored };
};

for (const c of fx.sparse) {
  test(`nn.init.sparse_ ${c.shape.join("x")} sparsity ${c.sparsity} after manualSeed(${c.seed}) is PyTorch's`, () => {
    torch.manualSeed(c.seed);
    const w = torch.empty(c.shape, { dtype: c.result.dtype as "float32" | "float64" });
    assert.equal(c.std === null ? nn.init.sparse_(w, c.sparsity) : nn.init.sparse_(w, c.sparsity, c.std), w);
    assert.equal(mismatch(w, c.result), null);
    // every column has exactly ceil(sparsity * rows) zeros (the normal draws are never exactly 0)
    const zeros = w.eq(0).sum(0).tolist() as number[];
    for (const z of zeros) assert.equal(z, Math.min(c.shape[0], Math.ceil(c.sparsity * c.shape[0])));
  });
}

test("nn.init.sparse_: PyTorch's errors", () => {
  assert.throws(() => nn.init.sparse_(torch.empty([2, 3, 4]), 0.5), { name: "ValueError", message: "Only tensors with 2 dimensions are supported" });
  assert.throws(() => nn.init.sparse_(torch.empty([2, 3]), "0.5" as never), { name: "TypeError", message: /sparsity/ });
});

test("nn.utils.skipInit builds the module without drawing from the default generator", () => {
  torch.manualSeed(fx.skipInit.seed);
  const m = nn.utils.skipInit(nn.Linear, 4, 3);
  assert.deepEqual(m.weight.shape, [3, 4]);
  assert.equal(String(m), "Linear(in_features=4, out_features=3, bias=True)");
  assert.equal(mismatch(torch.randn([5]), fx.skipInit.next), null);
  assert.throws(() => nn.utils.skipInit((class {}) as never), { name: "RuntimeError", message: /^Expected a Module; got/ });
});

test("the deprecated spellings run the underscore functions, with PyTorch's warning once", () => {
  const warn = console.warn;
  const seen: string[] = [];
  console.warn = (s: string) => void seen.push(s);
  try {
    const a = torch.empty([3, 4]), b = torch.empty([3, 4]);
    torch.manualSeed(1);
    nn.init.normal(a, 0, 2);
    torch.manualSeed(1);
    nn.init.normal_(b, 0, 2);
    assert.deepEqual(a.tolist(), b.tolist());
    nn.init.normal(a);
    assert.deepEqual(nn.init.constant(a, 0.5).tolist(), torch.full([3, 4], 0.5).tolist());
    assert.deepEqual(nn.init.eye(torch.empty([2, 2])).tolist(), [[1, 0], [0, 1]]);
    const p = torch.tensor([3, 4], { dtype: "float32", requiresGrad: true });
    p.sum().backward();
    assert.ok(Math.abs(nn.utils.clipGradNorm([p], 1).item() - Math.SQRT2) < 1e-6);
  } finally {
    console.warn = warn;
  }
  assert.ok(seen.includes("UserWarning: nn.init.normal is now deprecated in favor of nn.init.normal_."));
  assert.equal(seen.filter((s) => s.includes("nn.init.normal ")).length, 1, "once");
  assert.ok(seen.includes("UserWarning: torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_."));
});
