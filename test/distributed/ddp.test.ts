// DistributedDataParallel: 2 and 4 processes training an MLP and the MNIST CNN end with the
// weights of one process trained on the concatenated batches (float32 tolerance) after 20
// steps; noSync accumulation likewise; unused parameters; buffers; PyTorch's bucket
// assignment; errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { computeBucketAssignmentBySize } from "../../src/nn/parallel/buckets.ts";
import { describeJob, freePort, runJob } from "./spawn.ts";

interface TrainOut {
  same: boolean;
  maxDiff?: number;
  moved?: number;
  buckets: string[][];
  overlap: { buckets: number; launchedDuringBackward: number };
}

async function train(kind: "mlp" | "cnn", world: number): Promise<TrainOut[]> {
  const runs = await runJob("ddp.ts", { world, args: [kind], timeoutMs: 300_000 });
  for (const r of runs) assert.equal(r.code, 0, describeJob(runs));
  const outs = runs.map((r) => r.result as TrainOut);
  for (const o of outs) assert.equal(o.same, true, "every rank ends with the same weights");
  const o = outs[0];
  assert.ok(o.moved! > 1e-3, `training moved the weights (${o.moved})`);
  assert.ok(o.maxDiff! < 1e-5, `DDP vs one process on the whole batch: max |diff| ${o.maxDiff}`);
  return outs;
}

test("MLP on 2 processes = one process on the concatenated batch, 20 Adam steps; a bucket all-reduced during backward", async () => {
  const [o] = await train("mlp", 2);
  assert.deepEqual(o.buckets, [["2.bias", "4.weight", "4.bias"], ["0.weight", "0.bias", "2.weight"]]);
  assert.deepEqual(o.overlap, { buckets: 2, launchedDuringBackward: 1 });
});
test("MLP on 4 processes = one process on the concatenated batch", () => train("mlp", 4).then(() => {}));
test("MNIST CNN on 2 processes = one process on the concatenated batch", () => train("cnn", 2).then(() => {}));
test("MNIST CNN on 4 processes = one process on the concatenated batch", () => train("cnn", 4).then(() => {}));

test("noSync: gradients accumulated locally, all-reduced by the next synced backward", async () => {
  const runs = await runJob("ddp.ts", { world: 2, args: ["nosync"], timeoutMs: 120_000 });
  for (const r of runs) {
    assert.equal(r.code, 0, describeJob(runs));
    const o = r.result as { same: boolean; maxDiff: number };
    assert.equal(o.same, true);
    assert.ok(o.maxDiff < 1e-6, `max |diff| ${o.maxDiff}`);
  }
});

test("findUnusedParameters: unused parameters keep .grad null; without it, PyTorch's error at the next forward", async () => {
  const runs = await runJob("ddp.ts", { world: 2, args: ["unused"], timeoutMs: 120_000 });
  for (const r of runs) {
    assert.equal(r.code, 0, describeJob(runs));
    const o = r.result as { fc3Grad: boolean; fc1Grad: boolean; error: string };
    assert.equal(o.fc3Grad, true);
    assert.equal(o.fc1Grad, true);
    assert.match(o.error, /^Expected to have finished reduction in the prior iteration before starting a new one\./);
    assert.match(o.error, new RegExp(`Parameter indices which did not receive grad for rank ${r.rank}: 2 3$`));
  }
});

test("broadcastBuffers: each forward starts from rank 0's BatchNorm statistics", async () => {
  const runs = await runJob("ddp.ts", { world: 2, args: ["buffers"], timeoutMs: 120_000 });
  for (const r of runs) {
    assert.equal(r.code, 0, describeJob(runs));
    const o = r.result as { bufferDiff: number; ranksDifferedAfterFirst: boolean };
    assert.equal(o.ranksDifferedAfterFirst, true, "local batches move local statistics apart");
    assert.ok(o.bufferDiff < 1e-6, `running mean vs rank 0's updated with the local batch: ${o.bufferDiff}`);
  }
});

test("bucket assignment matches PyTorch 1.13's compute_bucket_assignment_by_size", () => {
  const fx = JSON.parse(readFileSync(new URL("../fixtures/distributed.json", import.meta.url), "utf8")) as {
    buckets: Array<{ shapes: number[][]; dtypes: string[]; limits: number[]; assignment: number[][] }>;
  };
  for (const c of fx.buckets) {
    const tensors = c.shapes.map((s, i) => ({ numel: () => s.reduce((a, b) => a * b, 1), dtype: c.dtypes[i] }));
    assert.deepEqual(computeBucketAssignmentBySize(tensors, c.limits), c.assignment, JSON.stringify(c.shapes));
  }
});

test("DDP on a group of one process: arguments checked, gradients left as computed", async () => {
  const { nn, distributed: dist } = torch;
  assert.throws(() => new nn.parallel.DistributedDataParallel(new nn.Linear(2, 2)), /Default process group has not been initialized/);
  dist.initProcessGroup({ initMethod: `tcp://127.0.0.1:${await freePort()}`, rank: 0, worldSize: 1, timeout: 10_000 });
  try {
    assert.throws(() => new nn.parallel.DistributedDataParallel(torch.ones(2) as never), /argument 'module' must be a Module, but got a Tensor/);
    assert.throws(() => new nn.parallel.DistributedDataParallel({} as never), /missing 1 required positional argument: 'module'/);
    assert.throws(() => new nn.parallel.DistributedDataParallel(new nn.Linear(2, 2), { bucketCapMB: 1 } as never), /unexpected keyword argument 'bucketCapMB'/);
    assert.throws(() => new nn.parallel.DistributedDataParallel(new nn.Linear(2, 2), { deviceIds: [0] }), /device_ids/);
    assert.throws(() => new nn.parallel.DistributedDataParallel(new nn.Linear(2, 2).requiresGrad_(false)), /doesn't have any parameter that requires a gradient/);
    const lin = new nn.Linear(3, 2);
    const ddp = new nn.parallel.DDP(lin);
    assert.deepEqual(Object.keys(ddp.stateDict()), ["module.weight", "module.bias"]);
    const x = torch.randn(4, 3);
    (ddp.forward(x) as torch.Tensor).sum().backward();
    assert.deepEqual(lin.bias!.grad!.tolist(), [4, 4]);
    assert.deepEqual(lin.weight.grad!.tolist(), [0, 1].map(() => x.sum(0).tolist()));
  } finally {
    dist.destroyProcessGroup();
  }
});
