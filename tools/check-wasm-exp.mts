// Exhaustive check of the wasm float32 exp, sigmoid and tanh (src/backends/wasm/expF64.ts,
// tanhF64.ts) against the TypeScript kernels' Math.exp and Math.tanh: every one of the 2^32
// float32 bit patterns, compared bit for bit (NaN against NaN). 50-70 s per op on one core;
// the unit tests (test/wasmElementwise.test.ts) check a sample.
// Run: npx tsx tools/check-wasm-exp.mts [exp|sigmoid|tanh] [stride]
import { wasmReady } from "../src/backends/wasm/index.ts";
import { wasmUnary } from "../src/backends/wasm/elementwiseRows.ts";

await wasmReady();
const op = (process.argv[2] ?? "exp") as "exp" | "sigmoid" | "tanh";
const stride = Number(process.argv[3] ?? 1);
const ref = op === "exp" ? (v: number) => Math.exp(v) : op === "tanh" ? (v: number) => Math.tanh(v) : (v: number) => 1 / (1 + Math.exp(-v));
const N = 1 << 20;
const u = new Uint32Array(N), x = new Float32Array(u.buffer), out = new Float32Array(N), want = new Float32Array(N);
const wu = new Uint32Array(want.buffer), ou = new Uint32Array(out.buffer);
let bad = 0, checked = 0;
const t0 = performance.now();
for (let base = 0; base < 2 ** 32; base += N * stride) {
  for (let i = 0; i < N; i++) u[i] = (base + i * stride) >>> 0;
  if (!wasmUnary(op, { data: x, shape: [N], strides: [1], offset: 0 }, 1, out)) throw new Error("the wasm kernel declined (no WebAssembly SIMD?)");
  for (let i = 0; i < N; i++) want[i] = ref(x[i]!);
  for (let i = 0; i < N; i++) {
    if (wu[i] === ou[i] || (want[i] !== want[i] && out[i] !== out[i])) continue;
    if (bad++ < 10) console.log(`differs at ${x[i]}: Math.exp gives ${want[i]}, wasm ${out[i]}`);
  }
  checked += N;
}
console.log(`${op}: ${checked} inputs, ${bad} differ (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
process.exitCode = bad === 0 ? 0 : 1;
