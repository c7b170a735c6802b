// Per-kernel overhead and batched submission cost of the webgpu backend, at the kernel level
// (W0's `a + b` on [10] elements, as one Backend.binary call: no Tensor, no autograd).
//   npx tsx bench/webgpu-overhead.ts        (tools/run-tests.sh's SwiftShader set-up applies:
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium)
// On SwiftShader the device is the CPU: device-side times say nothing about a GPU. What does
// carry over is the host-side cost of recording a kernel (parameters, bind group, dispatch)
// and of a submit, which is what bounds small-op throughput on any device.
import os from "node:os";
import { cpu } from "../src/backends/cpu/index.ts";
import type { Operand } from "../src/backends/backend.ts";
import { initWebGPU, type GPUArray } from "../src/backends/webgpu/index.ts";

const gpu = await initWebGPU();
const rt = gpu.runtime;
const REPEATS = 7;
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;

const n = 10;
const a = gpu.upload(new Float32Array(n).fill(1), "float32");
const b = gpu.upload(new Float32Array(n).fill(2), "float32");
const v = (d: GPUArray): Operand<GPUArray> => ({ data: d, shape: [n], strides: [1], offset: 0 });
const outs = Array.from({ length: 64 }, () => gpu.empty("float32", n));

/** us per kernel for `ops` adds: recording only (the loop, whose batch submits are included), and to completion. */
async function adds(ops: number, maxBatch: number): Promise<{ record: number; complete: number }> {
  rt.maxBatch = maxBatch;
  await rt.synchronize();
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) gpu.binary("add", v(a), v(b), outs[i & 63]!);
  const t1 = performance.now();
  await rt.synchronize();
  const t2 = performance.now();
  return { record: ((t1 - t0) * 1000) / ops, complete: ((t2 - t0) * 1000) / ops };
}

await adds(2000, 256); // warm: pipeline compiled, buffers and bind-group layouts cached
const rows: string[][] = [];
for (const maxBatch of [1, 16, 256]) {
  const rec: number[] = [];
  const comp: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const s = await adds(maxBatch === 1 ? 500 : 3000, maxBatch);
    rec.push(s.record);
    comp.push(s.complete);
  }
  rows.push([`add [10], batches of ${maxBatch} kernel${maxBatch > 1 ? "s" : ""}`, median(rec).toFixed(1), median(comp).toFixed(1)]);
}
rt.maxBatch = 256;

// The CPU backend's kernel on the same operands, for scale.
const ha = new Float32Array(n).fill(1);
const hb = new Float32Array(n).fill(2);
const ho = new Float32Array(n);
const hv = (d: Float32Array) => ({ data: d, shape: [n], strides: [1], offset: 0 });
const cpuTimes: number[] = [];
for (let r = 0; r < REPEATS; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 200000; i++) cpu.binary("add", hv(ha), hv(hb), ho);
  cpuTimes.push(((performance.now() - t0) * 1000) / 200000);
}

// A read of one value: submit, device work, map, copy back.
const reads: number[] = [];
for (let r = 0; r < 30; r++) {
  gpu.binary("add", v(a), v(b), outs[0]!);
  const t0 = performance.now();
  await gpu.read(outs[0]!.subarray(0, 1), "float32");
  reads.push((performance.now() - t0) * 1000);
}

// First use of a kernel: WGSL to pipeline (Dawn's shader compiler, then SwiftShader's JIT).
const firstUse: number[] = [];
const warmUse: number[] = [];
for (const op of ["sub", "mul", "div", "maximum", "minimum"] as const) {
  let t0 = performance.now();
  gpu.binary(op, v(a), v(b), outs[1]!);
  await gpu.read(outs[1]!.subarray(0, 1), "float32");
  firstUse.push((performance.now() - t0) * 1000);
  t0 = performance.now();
  gpu.binary(op, v(a), v(b), outs[1]!);
  await gpu.read(outs[1]!.subarray(0, 1), "float32");
  warmUse.push((performance.now() - t0) * 1000);
}

console.log(`webgpu kernel overhead on ${rt.adapterName} (${rt.source}), Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log(`medians of ${REPEATS} repeats\n`);
console.log("| measurement | recording, us/kernel | to completion, us/kernel |");
console.log("|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(`| cpu backend add [10] (for scale) | ${median(cpuTimes).toFixed(2)} | — |`);
console.log(`\n| measurement | us |`);
console.log("|---|---|");
console.log(`| read back one value after one kernel (median of 30) | ${median(reads).toFixed(0)} |`);
console.log(`| first use of a kernel: compile + run + read (median of 5) | ${median(firstUse).toFixed(0)} |`);
console.log(`| the same kernel again: run + read (median of 5) | ${median(warmUse).toFixed(0)} |`);
console.log(`\nruntime counters: ${JSON.stringify(rt.stats)}`);
