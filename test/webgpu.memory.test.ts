// The webgpu runtime's caching allocator, in a process of its own (the conformance suite's
// garbage would blur its numbers): released buffers are reused, and a loop that drops its
// tensors without releasing them holds flat device memory, the FinalizationRegistry and the
// allocator's collections returning dead tensors' buffers.
// The last test runs the same at the Tensor level: a training loop (autograd, Adam) on webgpu.
import { test } from "node:test";
import assert from "node:assert/strict";
import { webgpuUnavailable } from "./devices.ts";
import { initWebGPU, type WebGPUBackend } from "../src/backends/webgpu/index.ts";

const acquired: WebGPUBackend | Error = await initWebGPU().catch((e: Error) => e);
const skip = acquired instanceof Error ? webgpuUnavailable(acquired) : false;
if (skip) console.log(skip);
const gpu = acquired as WebGPUBackend;

test("webgpu allocator: a released buffer is reused by the next allocation of its size class", { skip }, async () => {
  const rt = gpu.runtime;
  const warm = gpu.empty("float32", 100000);
  warm.block.release();
  await rt.synchronize();
  const base = rt.memory();
  // released while the batch that uses it is still open: kernels may reuse it at once
  for (let i = 0; i < 200; i++) {
    const a = gpu.empty("float32", 100000);
    gpu.fill(a, i);
    a.block.release();
  }
  await rt.synchronize();
  const after = rt.memory();
  assert.equal(after.created, base.created, "no buffer created: each allocation reused the released one");
  assert.equal(after.reused - base.reused, 200);
  assert.equal(after.reserved, base.reserved);
  assert.equal(after.allocated, base.allocated);
  // an upload (queue.writeBuffer, which runs before the open batch) never takes a buffer that batch may still read
  const b = gpu.empty("float32", 100000);
  gpu.fill(b, 1);
  b.block.release();
  const u = gpu.upload(new Float32Array(100000).fill(2), "float32");
  assert.notEqual(u.buffer, b.buffer);
  u.block.release();
  await rt.synchronize();
});

test("webgpu allocator: a loop that drops its tensors holds flat device memory", { skip }, async () => {
  const rt = gpu.runtime;
  await rt.synchronize();
  const start = rt.memory();
  const step = 10 << 20;
  const steps = 200;
  const reserved: number[] = [];
  let createdHalfway = 0;
  // ten 1 MiB tensors and twenty small ones per step, none released by hand (2 GiB in all);
  // a kernel writes into each (one element: SwiftShader runs kernels on the CPU)
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < 10; i++) gpu.fill(gpu.empty("float32", 1 << 18).subarray(0, 1), s);
    for (let i = 0; i < 20; i++) gpu.fill(gpu.empty("int32", 1000).subarray(0, 1), s);
    await rt.synchronize();
    await new Promise((r) => setImmediate(r));
    reserved.push(rt.memory().reserved - start.reserved);
    if (s === steps / 2 - 1) createdHalfway = rt.memory().created;
  }
  const end = rt.memory();
  const trace = `${reserved.map((b) => (b / 2 ** 20).toFixed(0)).join(" ")} MiB`;
  console.log(`${steps * 30} allocations: ${end.reused - start.reused} reused, ${end.created - start.created} buffers created (${end.created - createdHalfway} in the second half), ${end.collections - start.collections} collections requested; reserved at most ${(Math.max(...reserved) / 2 ** 20).toFixed(0)} MiB`);
  // Flat: bounded, whatever the number of steps, by the allocator's collection policy (a full
  // collection once 64 MiB more than the live low-water mark is held) plus the steps whose
  // buffers were in flight when it ran.
  assert.ok(Math.max(...reserved) <= 64 * 2 ** 20 + 4 * step, `reserved grew past the collection bound: ${trace}`);
  assert.ok(end.created - createdHalfway <= 30, `${end.created - createdHalfway} buffers created in the second half of the loop: ${trace}`);
  assert.ok(end.reused - start.reused >= 0.9 * steps * 30, `buffers of dead tensors reused: ${end.reused - start.reused} of ${steps * 30} allocations`);
  rt.emptyCache();
  assert.equal(rt.memory().reserved, rt.memory().allocated);
});

test("a training loop on webgpu (Tensor API, autograd, Adam) holds bounded device memory", { skip }, async () => {
  const torch = await import("../src/index.ts");
  await torch.webgpu.init();
  torch.manualSeed(0);
  const net = new torch.nn.Sequential(new torch.nn.Linear(32, 64), new torch.nn.ReLU(), new torch.nn.Linear(64, 1)).to("webgpu");
  const opt = new torch.optim.Adam(net.parameters(), { lr: 1e-3 });
  const x = torch.randn(128, 32, { device: "webgpu" });
  const y = torch.randn(128, 1, { device: "webgpu" });
  const steps = 300;
  const every = 50;
  const allocated: number[] = [];
  const created: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const loss = torch.F.mseLoss(net.forward(x) as InstanceType<typeof torch.Tensor>, y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    // the canonical loop's one readback every N steps (also the await that lets finalizers run)
    if (step % every === 0) {
      assert.ok(Number.isFinite(await loss.itemAsync()));
      allocated.push(torch.webgpu.memoryAllocated());
      created.push(torch.webgpu.memoryStats().created!);
    }
  }
  console.log(`training loop, ${steps} steps: bytes allocated at each readback ${allocated.join(" ")}; buffers created so far ${created.join(" ")}; reserved ${torch.webgpu.memoryReserved()}`);
  // What is live is the model, its gradients, Adam's state and the data (~53 KB); what a
  // readback finds on top is the garbage of the steps since the last one whose finalizers have
  // not run yet (one turn of the event loop: 50 steps, ~4 MB). Bounded whatever the number
  // of steps: no growth from step to step, and the cache stays within the allocator's policy
  // (a full collection once 64 MiB more than the live low-water mark is held, plus the
  // steps in flight while it runs, as in the test above).
  const turn = 8 * 2 ** 20;
  for (const [i, a] of allocated.entries()) assert.ok(a <= turn, `allocated at readback ${i}: ${allocated.join(" ")}`);
  assert.ok(torch.webgpu.memoryReserved() <= 64 * 2 ** 20 + 4 * turn, `reserved ${torch.webgpu.memoryReserved()}`);
  assert.ok(torch.webgpu.maxMemoryAllocated() <= 64 * 2 ** 20 + 4 * turn, `peak ${torch.webgpu.maxMemoryAllocated()}`);
});
