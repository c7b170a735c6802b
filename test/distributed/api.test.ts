// torch.distributed's API in one process (a group of one): argument forms and PyTorch's
// errors, Work handles, init and its rendezvous errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { freePort } from "./spawn.ts";

const dist = torch.distributed;
const { ReduceOp } = dist;

test("before initProcessGroup: PyTorch's error; rendezvous arguments are checked", () => {
  assert.equal(dist.isInitialized(), false);
  assert.equal(dist.isAvailable(), true);
  assert.throws(() => dist.getRank(), /Default process group has not been initialized/);
  assert.throws(() => dist.allReduce(torch.ones(2)), /Default process group has not been initialized/);
  assert.throws(() => dist.initProcessGroup({ initMethod: "tcp://127.0.0.1:1", worldSize: 2 }), /rank parameter missing/);
  assert.throws(() => dist.initProcessGroup({ initMethod: "tcp://127.0.0.1", rank: 0, worldSize: 2 }), /port number missing/);
  assert.throws(() => dist.initProcessGroup({ initMethod: "file:///tmp/x", rank: 0, worldSize: 2 }), /No rendezvous handler for file:\/\//);
  assert.throws(() => dist.initProcessGroup("nccl"), /backend 'nccl' is not available/);
  assert.throws(() => dist.initProcessGroup({ initMethod: "tcp://127.0.0.1:1", rank: 0, worldSize: 1, timout: 5 } as never), /unexpected keyword argument 'timout'/);
  const saved = { ...process.env };
  try {
    delete process.env.RANK;
    process.env.WORLD_SIZE = "2";
    assert.throws(() => dist.initProcessGroup(), /env:\/\/ rendezvous: environment variable RANK expected, but not set/);
  } finally {
    process.env = saved;
  }
});

test("a group of one: every collective, Work, arguments and errors", async () => {
  dist.initProcessGroup({ initMethod: `tcp://127.0.0.1:${await freePort()}?rank=0&world_size=1`, timeout: 10_000 });
  try {
    assert.equal(dist.isInitialized(), true);
    assert.throws(() => dist.initProcessGroup("gloo"), /trying to initialize the default process group twice/);
    assert.deepEqual([dist.getRank(), dist.getWorldSize(), dist.getBackend()], [0, 1, "gloo"]);
    assert.equal(dist.GroupMember.WORLD?.size(), 1);

    const t = torch.tensor([1, 2, 3], { dtype: "float32" });
    dist.allReduce(t, ReduceOp.AVG);
    assert.deepEqual(t.tolist(), [1, 2, 3]);
    const w = dist.allReduce(t, { op: ReduceOp.MAX, asyncOp: true });
    assert.equal(w.wait(), true);
    assert.equal(w.isCompleted(), true);
    assert.equal(w.isSuccess(), true);
    assert.equal(w.exception(), null);
    assert.equal(w.result()[0], t);
    const fut = await dist.allReduce(t, undefined, { asyncOp: true }).getFuture();
    assert.equal(fut[0], t);
    const out = [torch.zeros(3)];
    dist.allGather(out, t);
    assert.deepEqual(out[0].tolist(), [1, 2, 3]);
    dist.broadcast(t, 0);
    dist.barrier();
    const sub = dist.newGroup([0]);
    assert.notEqual(sub, dist.NON_GROUP_MEMBER);
    dist.allReduce(t, ReduceOp.SUM, sub as torch.distributed.ProcessGroup);

    // PyTorch's kinds of error, with what was wrong
    assert.throws(() => dist.allReduce(t, "sum" as never), /all_reduce\(\): argument 'op' must be a ReduceOp, but got string "sum"/);
    assert.throws(() => dist.allReduce([1, 2] as never), /all_reduce\(\): argument 'tensor' must be a Tensor, but got an array/);
    assert.throws(() => dist.allReduce(t, { asyncop: true } as never), /unexpected keyword argument 'asyncop'/);
    assert.throws(() => dist.allReduce(t, ReduceOp.BAND), /Cannot use ReduceOp\.BAND with float32 tensors/);
    assert.throws(() => dist.allReduce(torch.ones(2, { dtype: "bool" }), ReduceOp.AVG), /Cannot use ReduceOp\.AVG with bool tensors/);
    assert.throws(() => dist.broadcast(t, 3), /The global rank 3 is not part of the group/);
    assert.throws(() => dist.allGather([torch.zeros(3), torch.zeros(3)], t), /tensorList has 2 tensors, the group has 1 ranks/);
    assert.throws(() => dist.allGather([torch.zeros(4)], t), /tensorList entry 0 is float32 \[4\], expected 3 elements of float32/);
    assert.throws(() => dist.allGatherIntoTensor(torch.zeros(4), t), /output tensor size must be equal to world_size times input tensor size/);
    assert.throws(() => dist.reduceScatterTensor(torch.zeros(2), t), /input tensor must be the same size as output size times world size/);
    assert.throws(() => dist.gather(t), /Argument ``gatherList`` must be specified on destination rank/);
    assert.throws(() => dist.scatter(t), /Argument ``scatterList`` must be specified on source rank/);
    assert.throws(() => dist.broadcast(t, 0, { src: 0 } as never), /broadcast\(\) got multiple values for argument 'src'/);
    assert.throws(() => (dist.broadcast as unknown as (x: unknown) => void)(t), /broadcast\(\) missing 1 required positional argument: 'src'/);
    assert.throws(() => dist.broadcast(t, -1), /broadcast\(\): argument 'src' must be at least 0, but got -1/);
    assert.throws(() => dist.reduce(t, 0, ReduceOp.SUM, undefined, "yes" as never), /reduce\(\): argument 'asyncOp' must be a boolean, but got string "yes"/);
    assert.throws(() => (dist.allReduce as unknown as (...a: unknown[]) => void)(t, ReduceOp.SUM, undefined, false, 1), /all_reduce\(\) takes from 1 to 4 positional arguments but 5 were given/);
    assert.throws(() => dist.newGroup([0, 0.5]), /new_group\(\): argument 'ranks' must be a list of integers, but got an array/);
    assert.throws(() => dist.send(t, 0), /Invalid destination rank: should not be the same as the rank of the current process/);
    assert.throws(() => dist.newGroup([0, 5]), /rank should be within the the world_size/);
  } finally {
    dist.destroyProcessGroup();
  }
  assert.equal(dist.isInitialized(), false);
});
