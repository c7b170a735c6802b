// GFLOP/s of wasmMatmul on square float32 products, 1 and 2 threads:
//   node --import tsx bench/wasm-matmul.ts [sizes, default 64,128,256,512,1024]
// Compare with tfjs-wasm in the same sitting: npm run bench -- --only W3
import { setNumThreads, wasmMatmul } from "../src/backends/wasm/index.ts";
import type { StridedView } from "../src/backends/backend.ts";

const sizes = (process.argv[2] ?? "64,128,256,512,1024").split(",").map(Number);

function square(n: number): StridedView {
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return { data, shape: [1, n, n], strides: [0, n, 1], offset: 0 };
}

/** Median and best GFLOP/s over ~1 s of repeats after a warm-up. */
function measure(n: number): { median: number; best: number } {
  const a = square(n);
  const b = square(n);
  const out = new Float32Array(n * n);
  const run = () => {
    if (!wasmMatmul(a, b, out, 1, n, n, n)) throw new Error(`wasm declined n=${n}`);
  };
  const warm = performance.now();
  while (performance.now() - warm < 300) run();
  const times: number[] = [];
  const start = performance.now();
  while (performance.now() - start < 1000 || times.length < 5) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const gf = (ms: number) => (2 * n ** 3) / ms / 1e6;
  return { median: gf(times[times.length >> 1]!), best: gf(times[0]!) };
}

for (const threads of [1, 2]) {
  setNumThreads(threads);
  // workers start lazily and join when up: give them a moment before timing
  measure(256);
  await new Promise((r) => setTimeout(r, 300));
  for (const n of sizes) {
    const r = measure(n);
    console.log(`threads=${threads} n=${n}: median ${r.median.toFixed(1)} GFLOP/s, best ${r.best.toFixed(1)}`);
  }
}
