// PyTorch's training loop with .to(device) on webgpu, against the same loop on the CPU: the
// seed program (examples/seed.ts --device webgpu) prints the Python original's ten lines, and
// the MNIST CNN of examples/mnist.ts takes the CPU's training steps on webgpu (a few: on
// SwiftShader, the CPU Vulkan driver CI uses, one CNN step takes seconds, so the accuracy run
// is the example's, `npm run example:mnist -- --device webgpu`, not a test). Skipped, with the reason, where no WebGPU adapter exists (tools/run-tests.sh sets
// up SwiftShader when chromium is installed).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { promisify } from "node:util";
import * as torch from "../src/index.ts";
import { CNN, evaluate, splitDigits } from "../examples/mnist.ts";
import { webgpuSkipReason } from "./devices.ts";

const skip = (await webgpuSkipReason()) || false;

test("the seed program with --device webgpu prints the Python original's ten lines", { skip, timeout: 300_000 }, async () => {
  const { lines } = JSON.parse(readFileSync(new URL("./fixtures/seed_program.json", import.meta.url), "utf8")) as { lines: string[] };
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/seed.ts", "--device", "webgpu"], { encoding: "utf8", timeout: 280_000 });
  assert.deepEqual(stdout.trim().split("\n"), lines);
});

/**
 * The canonical loop on `device` from the same seeds: the model is made on the CPU and moved
 * with .to(device), each batch is moved with .to(device), and the loss is read every step.
 */
async function trainCnn(device: string, steps: number, batchSize: number) {
  torch.manualSeed(0);
  const net = new CNN().to(device);
  const { train, test: heldOut } = splitDigits(42);
  const optimizer = new torch.optim.Adam(net.parameters(), { lr: 2e-3 });
  const loader = new torch.utils.data.DataLoader(new torch.utils.data.Subset(train, Array.from({ length: steps * batchSize }, (_, i) => i)), {
    batchSize,
    shuffle: true,
    generator: new torch.Generator().manualSeed(1),
  });
  const losses: number[] = [];
  for await (const [x, y] of loader) {
    const loss = torch.F.crossEntropy(net.forward(x!.to(device)), y!.to(device));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(await loss.itemAsync());
  }
  const ev = await evaluate(net, new torch.utils.data.Subset(heldOut, Array.from({ length: 64 }, (_, i) => i)));
  return { losses, ...ev, device: String(net.parameters()[0]!.device) };
}

test("the MNIST CNN's training steps on webgpu give the CPU's losses, held-out loss and accuracy", { skip, timeout: 600_000 }, async () => {
  const steps = 4;
  const onCpu = await trainCnn("cpu", steps, 16);
  const onGpu = await trainCnn("webgpu", steps, 16);
  assert.equal(onGpu.device, "webgpu:0");
  assert.equal(onGpu.losses.length, steps);
  // float32 on both, summed in different orders (convolutions and matmuls as tiled GEMMs on
  // the device): the losses drift apart by rounding through Adam's steps, far below what
  // training changes
  for (let i = 0; i < steps; i++) {
    const err = Math.abs(onGpu.losses[i]! - onCpu.losses[i]!);
    assert.ok(err < 2e-3 * Math.max(1, Math.abs(onCpu.losses[i]!)), `step ${i}: cpu ${onCpu.losses[i]}, webgpu ${onGpu.losses[i]}`);
  }
  assert.ok(onCpu.losses[steps - 1]! < onCpu.losses[0]! - 0.05, `it trains: losses ${onCpu.losses}`);
  assert.ok(Math.abs(onGpu.loss - onCpu.loss) < 2e-3 * onCpu.loss, `held-out loss: cpu ${onCpu.loss}, webgpu ${onGpu.loss}`);
  assert.ok(Math.abs(onGpu.accuracy - onCpu.accuracy) <= 1 / 64, `held-out accuracy: cpu ${onCpu.accuracy}, webgpu ${onGpu.accuracy}`);
});

test("a lazy module made on webgpu materializes there at its first call, with the CPU's values after the same seed", { skip }, async () => {
  const run = async (device: string) => {
    torch.manualSeed(1);
    const m = new torch.nn.LazyConv2d(3, 2, { device });
    const x = torch.randn([1, 2, 4, 4]).to(device);
    const y = m.forward(x) as torch.Tensor;
    return { repr: String(m), device: String(m.weight.device), values: (await y.cpuAsync()).tolist() as number[][][][] };
  };
  const gpu = await run("webgpu");
  const cpu = await run("cpu");
  assert.equal(gpu.repr, "Conv2d(2, 3, kernel_size=(2, 2), stride=(1, 1))");
  assert.equal(gpu.device, "webgpu:0");
  const flat = (v: number[][][][]) => v.flat(3);
  flat(gpu.values).forEach((g, i) => assert.ok(Math.abs(g - flat(cpu.values)[i]!) < 1e-5, `${g} vs ${flat(cpu.values)[i]}`));
});

test("weightNorm and spectralNorm on webgpu give the CPU's outputs after the same seed (u and v drawn as on the CPU)", { skip }, async () => {
  const run = async (device: string) => {
    torch.manualSeed(3);
    const a = torch.nn.utils.weightNorm(new torch.nn.Conv2d(2, 3, 3).to(device));
    const b = torch.nn.utils.spectralNorm(new torch.nn.Linear(4, 3).to(device));
    torch.manualSeed(4);
    const x = torch.randn([1, 2, 5, 5]).to(device), z = torch.randn([2, 4]).to(device);
    const ya = (await (a.forward(x) as torch.Tensor).cpuAsync()).reshape(-1).tolist() as number[];
    const yb = (await (b.forward(z) as torch.Tensor).cpuAsync()).reshape(-1).tolist() as number[];
    return [...ya, ...yb];
  };
  const gpu = await run("webgpu"), cpu = await run("cpu");
  gpu.forEach((g, i) => assert.ok(Math.abs(g - cpu[i]!) < 1e-5 * (1 + Math.abs(cpu[i]!)), `${i}: ${g} vs ${cpu[i]}`));
});
