// toString() (and console.log, through util.inspect) must print exactly PyTorch's repr, as
// recorded from PyTorch 1.13 in test/fixtures/ops-printing.json. PyTorch's int64 tensors are
// stored as int32: torch-ts's default integer dtype, so it prints without a dtype suffix the
// way PyTorch's default int64 does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as torch from "../../src/index.ts";
import { loadPrintCases, makeTensor } from "./fixture-io.ts";

for (const c of loadPrintCases()) {
  test(`repr ${c.name}${c.printOptions ? ` under setPrintoptions(${JSON.stringify(c.printOptions)})` : ""}`, () => {
    let t = makeTensor(c, c.requiresGrad);
    if (c.after === "mul2") t = t.mul(2);
    if (c.printOptions) torch.setPrintoptions(c.printOptions);
    try {
      assert.equal(t.toString(), c.repr);
    } finally {
      torch.setPrintoptions({ profile: "default", sciMode: null });
    }
  });
}

test("setPrintoptions keeps what a call leaves out, except sciMode; a positional call; an unknown profile changes nothing, as PyTorch's", () => {
  const x = torch.tensor([0.123456, 2.5], { dtype: "float32" });
  try {
    torch.setPrintoptions({ precision: 2, sciMode: true });
    torch.setPrintoptions({ linewidth: 100 });
    assert.equal(x.toString(), "tensor([0.12, 2.50])");
    torch.setPrintoptions(6);
    assert.equal(x.toString(), "tensor([0.123456, 2.500000])");
    torch.setPrintoptions({ profile: "nonesuch" });
    assert.equal(x.toString(), "tensor([0.123456, 2.500000])");
    assert.throws(() => torch.setPrintoptions({ precision: -1 }), { name: "ValueError", message: /precision/ });
    assert.throws(() => torch.setPrintoptions({ sci_mode: true } as never), { name: "TypeError", message: /sci_mode/ });
  } finally {
    torch.setPrintoptions({ profile: "default", sciMode: null });
  }
  assert.equal(x.toString(), "tensor([0.1235, 2.5000])");
});

test("console.log prints the repr", () => {
  const c = loadPrintCases().find((p) => p.name === "float_row_requires_grad")!;
  const t = makeTensor(c, c.requiresGrad);
  assert.equal(inspect(t), c.repr);
  assert.equal(`${t}`, c.repr);
});
