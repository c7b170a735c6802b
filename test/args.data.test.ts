// torch.utils.data and torch.save/load in PyTorch's call forms: DataLoader(dataset, batch_size,
// shuffle, sampler, ...), samplers, random_split, load(f, map_location); one trailing options
// object; TypeErrors naming the argument. Sampled indices are PyTorch 1.13's for the same seeds.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

const { DataLoader, TensorDataset, RandomSampler, randomSplit, Subset, ConcatDataset, BatchSampler, SequentialSampler, WeightedRandomSampler } = torch.utils.data;
const typeError = (f: () => unknown, msg: RegExp) => assert.throws(f, (e: Error) => e.name === "TypeError" && msg.test(e.message), String(msg));
const ds = new TensorDataset(torch.arange(6), torch.arange(6).mul(10));
const firsts = (loader: Iterable<torch.Tensor[]>) => [...loader].map((b) => b[0]!.tolist());

test("DataLoader: (dataset, batchSize, shuffle, sampler, batchSampler, numWorkers, collateFn, pinMemory, dropLast, ...) and options", () => {
  assert.deepEqual(firsts(new DataLoader(ds, 2, false)), [[0, 1], [2, 3], [4, 5]]);
  assert.deepEqual(firsts(new DataLoader(ds, 4, { dropLast: true })), [[0, 1, 2, 3]]);
  assert.deepEqual(firsts(new DataLoader(ds, 4, false, null, null, 0, null, false, true)), [[0, 1, 2, 3]]);
  assert.deepEqual(firsts(new DataLoader(ds, { batchSampler: [[5, 0], [2]] })), [[5, 0], [2]]);
  typeError(() => new DataLoader(ds, { batch_size: 2 } as never), /^DataLoader\(\) got an unexpected keyword argument 'batch_size' \(torch-ts spells it 'batchSize'\)$/);
  typeError(() => new DataLoader(ds, 2, 1 as never), /^DataLoader\(\): argument 'shuffle' must be a boolean, but got number 1$/);
  typeError(() => new DataLoader(ds, { generator: 5 } as never), /^DataLoader\(\): argument 'generator' must be a torch.Generator, but got number 5$/);
  typeError(() => new DataLoader(ds, { collateFn: 3 } as never), /^DataLoader\(\): argument 'collateFn' must be a function, but got number 3$/);
  typeError(() => new DataLoader(ds, { sampler: 3 } as never), /^DataLoader\(\): argument 'sampler' must be an iterable/);
  assert.throws(() => new DataLoader(ds, "2" as never), { name: "ValueError", message: "batch_size should be a positive integer value, but got batch_size=2" });
  assert.throws(() => new DataLoader(ds, 0), { name: "ValueError", message: "batch_size should be a positive integer value, but got batch_size=0" });
  assert.throws(() => new DataLoader(ds, { timeout: -1 }), { name: "ValueError", message: "timeout option should be non-negative" });
});

test("samplers and datasets: PyTorch's positional forms give PyTorch's indices; bad arguments are TypeErrors", () => {
  torch.manualSeed(0);
  assert.deepEqual([...new RandomSampler(ds, true, 3)], [0, 2, 2]);
  torch.manualSeed(0);
  assert.deepEqual([...new RandomSampler(ds, { replacement: true, numSamples: 3 })], [0, 2, 2]);
  torch.manualSeed(0);
  assert.deepEqual([...new WeightedRandomSampler([1, 2], 2)], [1, 1]);
  const split = (s: ReturnType<typeof randomSplit>) => s.map((p) => [...p.indices]);
  assert.deepEqual(split(randomSplit(ds, [4, 2], new torch.Generator().manualSeed(42))), [[0, 3, 2, 4], [1, 5]]);
  assert.deepEqual(split(randomSplit(ds, { lengths: [4, 2], generator: new torch.Generator().manualSeed(42) })), [[0, 3, 2, 4], [1, 5]]);
  assert.deepEqual([...new BatchSampler(new SequentialSampler(ds), 2, false)], [[0, 1], [2, 3], [4, 5]]);
  assert.deepEqual([...new BatchSampler(new SequentialSampler(ds), { batchSize: 4, dropLast: true })], [[0, 1, 2, 3]]);
  typeError(() => new (BatchSampler as new (...a: unknown[]) => unknown)(new SequentialSampler(ds), 2), /^BatchSampler\(\) missing 1 required positional argument: 'dropLast'$/);
  typeError(() => new RandomSampler(ds, { num_samples: 3 } as never), /unexpected keyword argument 'num_samples' \(torch-ts spells it 'numSamples'\)/);
  typeError(() => randomSplit(ds, "a" as never), /^random_split\(\): argument 'lengths' must be a list of numbers, but got string "a"$/);
  typeError(() => randomSplit(ds, [3, 3], 7 as never), /^random_split\(\): argument 'generator' must be a torch.Generator, but got number 7$/);
  typeError(() => new Subset(ds, [0, 1.5]), /^Subset\(\): argument 'indices' must be a sequence of integers/);
  typeError(() => new Subset(5 as never, [0]), /^Subset\(\): argument 'dataset' must be a map-style dataset/);
  typeError(() => new ConcatDataset(5 as never), /^ConcatDataset\(\): argument 'datasets' must be an iterable of datasets, but got number 5$/);
  typeError(() => new TensorDataset(1 as never), /^TensorDataset\(\): argument 'tensors\[0\]' must be a Tensor, but got number 1$/);
});

test("save/load: options checked (unknown keys, format), load(f, mapLocation) positionally, a typed result", () => {
  const buf = torch.saveToBuffer({ a: torch.ones(2) }, { format: "pt" });
  const typed = torch.loadFromBuffer<{ a: torch.Tensor }>(buf, "cpu");
  assert.deepEqual(typed.a.tolist(), [1, 1]);
  assert.deepEqual(torch.loadFromBuffer<{ a: torch.Tensor }>(buf, { mapLocation: "cpu", weightsOnly: true }).a.tolist(), [1, 1]);
  assert.deepEqual(torch.loadFromBuffer<{ a: torch.Tensor }>(buf, null).a.tolist(), [1, 1]);
  typeError(() => torch.saveToBuffer({ a: torch.ones(1) }, { fmt: "pt" } as never), /^save\(\) got an unexpected keyword argument 'fmt'$/);
  assert.throws(() => torch.saveToBuffer({ a: torch.ones(1) }, { format: "npz" } as never), { name: "ValueError", message: `save(): format must be "pt" or "safetensors", but got string "npz"` });
  typeError(() => torch.loadFromBuffer(buf, "cuda" as never), /^load\(\): argument 'mapLocation' must be "cpu" \(where torch-ts loads tensors\) or null, but got string "cuda"$/);
  typeError(() => torch.loadFromBuffer(buf, { map_location: "cpu" } as never), /^load\(\) got an unexpected keyword argument 'map_location' \(torch-ts spells it 'mapLocation'\)$/);
  typeError(() => torch.loadFromBuffer(buf, { weightsOnly: 1 } as never), /^load\(\): argument 'weightsOnly' must be a boolean, but got number 1$/);
});
