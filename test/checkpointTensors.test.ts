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
    const flat = t.reshape(-1).tolist<number[]>();
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

test("PyTorch's model.pt (Conv2d, BatchNorm2d, LSTM, tied and non-contiguous tensors) loads into the same torch-ts model and gives PyTorch's output", () => {
  const { nn } = torch;
  class Model extends nn.Module {
    conv = new nn.Conv2d(1, 2, 3, { padding: 1 });
    bn = new nn.BatchNorm2d(2);
    lstm = new nn.LSTM(8, 5, { batchFirst: true });
    fc = new nn.Linear(5, 3);
    out = new nn.Linear(3, 3, { bias: false });
    out2 = new nn.Linear(3, 3, { bias: false });
    constructor() {
      super();
      this.out2.weight = this.out.weight; // tied, as in the fixture
      this.registerBuffer("mix", torch.zeros(3, 3));
      this.registerBuffer("mix_row", torch.zeros(3));
    }
    override forward(x: torch.Tensor): torch.Tensor {
      const h = torch.relu(this.bn.forward(this.conv.forward(x)));
      const seq = h.permute(0, 2, 1, 3).reshape(x.shape[0], 4, 8);
      const [, [hn]] = this.lstm.forward(seq);
      const y = this.fc.forward(hn.select(0, 0));
      const self = this as unknown as { mix: torch.Tensor; mix_row: torch.Tensor };
      return this.out.forward(y).add(this.out2.forward(y).matmul(self.mix)).add(self.mix_row);
    }
  }
  const model = new Model().eval();
  const sd = torch.load(new URL("model.pt", dir).pathname) as Record<string, torch.Tensor>;
  const result = model.loadStateDict(sd);
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  assert.equal(model.bn.stateDict()["num_batches_tracked"].dtype, "int64");
  const inp = fx.model.input as { shape: number[]; values: number[] };
  const want = fx.model.output as { shape: number[]; values: number[] };
  const out = model.forward(torch.tensor(inp.values, { dtype: "float32" }).reshape(inp.shape));
  assert.deepEqual(out.shape, want.shape);
  const got = out.contiguousData() as Float64Array;
  want.values.forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-5 * Math.max(1, Math.abs(v)), `output[${i}]: ${got[i]} vs ${v}`));
});
