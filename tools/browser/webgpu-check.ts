// The webgpu backend in a browser (navigator.gpu): a few kernels against the CPU backend,
// printed into the page. Bundled and run by tools/browser/webgpu-check.sh.
import { cpu } from "../../src/backends/cpu/index.ts";
import { initWebGPU } from "../../src/backends/webgpu/index.ts";

const out = document.getElementById("out")!;
const lines: string[] = [];
const rand = (n: number, seed: number) => {
  let s = seed | 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) / 2 ** 31 - 1;
  });
};
const maxErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return e;
};
try {
  const gpu = await initWebGPU();
  lines.push(`adapter: ${gpu.runtime.adapterName} (${gpu.runtime.source})`);
  const [m, k, n] = [65, 130, 67];
  const a = rand(m * k, 1), b = rand(k * n, 2);
  const hc = new Float32Array(m * n);
  const av = { shape: [1, m, k], strides: [0, 1, m], offset: 0 };
  const bv = { shape: [1, k, n], strides: [0, n, 1], offset: 0 };
  cpu.matmul({ data: a, ...av }, { data: b, ...bv }, hc, 1, m, k, n);
  const dc = gpu.empty("float32", m * n);
  gpu.matmul({ data: gpu.upload(a, "float32"), ...av }, { data: gpu.upload(b, "float32"), ...bv }, dc, 1, m, k, n);
  lines.push(`matmul (transposed A) max rel err ${maxErr((await gpu.read(dc, "float32")) as Float32Array, hc).toExponential(2)}`);
  const g = { n: 4, c: 3, h: 12, w: 12, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, oh: 12, ow: 12 };
  const x = rand(4 * 3 * 144, 3), w = rand(8 * 27, 4), bias = rand(8, 5);
  const hy = new Float32Array(4 * 8 * 144);
  cpu.convForward(x, w, bias, g, 8, hy);
  const dy = gpu.empty("float32", hy.length);
  gpu.convForward(gpu.upload(x, "float32"), gpu.upload(w, "float32"), gpu.upload(bias, "float32"), g, 8, dy);
  lines.push(`convForward max rel err ${maxErr((await gpu.read(dy, "float32")) as Float32Array, hy).toExponential(2)}`);
  const s = rand(5 * 1000, 6).map((v) => v * 10);
  const hs = new Float32Array(s.length);
  cpu.softmax(s, 5, 1000, 1, hs, false);
  const ds = gpu.empty("float32", s.length);
  gpu.softmax(gpu.upload(s, "float32"), 5, 1000, 1, ds, false);
  lines.push(`softmax max rel err ${maxErr((await gpu.read(ds, "float32")) as Float32Array, hs).toExponential(2)}`);
  const big = BigInt64Array.from([-1n, 1n << 40n, -(1n << 50n)]);
  const back = (await gpu.read(gpu.upload(big, "int64"), "int64")) as BigInt64Array;
  lines.push(`int64 round trip ${back.join(",") === big.join(",") ? "equal" : `DIFFERENT ${back.join(",")}`}`);
  const o = gpu.empty("float32", 1);
  gpu.gather({ data: gpu.upload(a, "float32"), shape: [1, 4], strides: [4, 1], offset: 0 }, { data: gpu.upload(new Int32Array([9]), "int32"), shape: [1, 1], strides: [1, 1], offset: 0 }, 1, o);
  lines.push(`out-of-range gather: ${await gpu.read(o, "float32").then(() => "no error", (e: Error) => e.message)}`);
  lines.push(`runtime: ${JSON.stringify(gpu.runtime.stats)}`);
} catch (e) {
  lines.push(`ERROR ${(e as Error).stack ?? e}`);
}
out.textContent = lines.join("\n");
// The result goes back to the serving script in a request's query (headless Chromium's
// --dump-dom does not wait for device work).
void fetch(`/result?${encodeURIComponent(lines.join("\n"))}`);
