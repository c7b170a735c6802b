// The types a user names: option interfaces, results (ValuesIndices, tolist's nested arrays),
// load<T>, a DataLoader's dataset. This file is type-checked by `npm run typecheck` (a wrong
// type is a compile error) and its values asserted at run time.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

const { DataLoader, TensorDataset } = torch.utils.data;

test("option and result types are exported and describe the values", () => {
  const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64" });
  const reduce: torch.ReduceOptions = { dim: 1, keepdim: true, dtype: "float32" };
  const s: torch.Tensor = x.sum(reduce);
  assert.deepEqual([s.dtype, s.shape, s.tolist<number[][]>()], ["float32", [2, 1], [[6], [15]]]);
  const vi: torch.ValuesIndices = x.max(1);
  const rows: number[][] = x.tolist<number[][]>();
  assert.deepEqual([rows[1]![2], vi.indices.tolist<number[]>()[0]], [6, 2]);
  const value: torch.NestedList = torch.tensor(true).tolist();
  assert.equal(value, true);
  const varArgs: torch.VarArgs = [1, { correction: 0, keepdim: true }];
  assert.deepEqual(x.var(...varArgs).tolist(), [[2 / 3], [2 / 3]]);
  const shape: torch.Shape = x.shape;
  const data: torch.NestedArray = [[1, 2], [3, 4]];
  assert.deepEqual([shape, torch.tensor(data).sum().item()], [[2, 3], 10]);
  const sgd: torch.optim.SGDOptions = { lr: 0.1, momentum: 0.9 };
  const opt = new torch.optim.SGD([torch.zeros(1, { requiresGrad: true })], sgd);
  const flags: torch.optim.ForeachFlag = { foreach: true };
  assert.equal(new torch.optim.Adam([torch.zeros(1)], flags).paramGroups[0]!.lr, 0.001);
  const step = { stepSize: 2, gamma: 0.5 } satisfies torch.optim.lrScheduler.StepLROptions;
  assert.equal(new torch.optim.lrScheduler.StepLR(opt, step).getLastLr()[0], 0.1);
});

test("load<T> types what the caller knows the checkpoint holds; a loader's dataset keeps its type", () => {
  const buf = torch.saveToBuffer({ w: torch.ones(2), step: 3 }, { format: "pt" });
  const ckpt = torch.loadFromBuffer<{ w: torch.Tensor; step: number }>(buf);
  assert.deepEqual([ckpt.w.tolist<number[]>(), ckpt.step], [[1, 1], 3]);
  const ds = new TensorDataset(torch.arange(5), torch.arange(5).mul(2));
  const loader = new DataLoader(ds, 2);
  assert.equal(loader.dataset.length, 5); // PyTorch's len(loader.dataset)
  const [xb, yb] = [...loader][0]!;
  assert.deepEqual([xb!.tolist<number[]>(), yb!.tolist<number[]>()], [[0, 1], [0, 2]]);
  const opts: torch.utils.data.DataLoaderOptions<[torch.Tensor, torch.Tensor], torch.Tensor[]> = { batchSize: 5 };
  assert.equal(new DataLoader(ds, opts).batchSize, 5);
});
