// torch.save / torch.load with real Tensors: PyTorch's own .pt files and round trips.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../src/index.ts";

const dir = new URL("./fixtures/checkpoints/", import.meta.url);
const fx = JSON.parse(readFileSync(new URL("checkpoints.json", dir), "utf8"));

test("torch.load reads PyTorch's model.pt into Tensors with PyTorch's values, dtypes and shapes", () => {
  const sd = torch.load(new URL("model.pt", dir).pathname) as Record<string, torch.Tensor>;
  const want = fx.model.state_dict as Record<string, { dtype: string; shape: number[]; values: number[] }>;
  assert.deepEqual(Object.keys(sd), Object.keys(want));
  for (const [k, w] of Object.entries(want)) {
    const t = sd[k];
    assert.ok(t instanceof torch.Tensor, k);
    assert.equal(t.dtype, w.dtype, k);
    assert.deepEqual(t.shape, w.shape, k);
    const flat = [t.tolist()].flat(Infinity);
    assert.deepEqual(flat, w.values.map(Number), k);
  }
});

test("a torch-ts state dict survives save/load in both formats, and loadStateDict takes it", () => {
  const tmp = mkdtempSync(join(tmpdir(), "torch-ts-"));
  const net = new torch.nn.Sequential(new torch.nn.Linear(4, 3), new torch.nn.ReLU(), new torch.nn.Linear(3, 2));
  const x = torch.randn(5, 4);
  const y = net.forward(x) as torch.Tensor;
  for (const file of ["m.safetensors", "m.pt"]) {
    torch.save(net.stateDict(), join(tmp, file));
    const other = new torch.nn.Sequential(new torch.nn.Linear(4, 3), new torch.nn.ReLU(), new torch.nn.Linear(3, 2));
    other.loadStateDict(torch.load(join(tmp, file)) as Record<string, torch.Tensor>);
    assert.deepEqual((other.forward(x) as torch.Tensor).tolist(), y.tolist(), file);
  }
  const bytes = torch.saveToBuffer({ w: torch.arange(6).reshape(2, 3).t(), n: torch.tensor([7n], { dtype: "int64" }) });
  const back = torch.loadFromBuffer(bytes) as Record<string, torch.Tensor>;
  assert.deepEqual(back.w.tolist(), [[0, 3], [1, 4], [2, 5]]);
  assert.equal(back.n.dtype, "int64");
  assert.deepEqual(back.n.tolist(), [7]);
});
