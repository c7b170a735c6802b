// The wasm Adam/AdamW update (src/backends/wasm/adam.ts): bit for bit the TypeScript kernel's
// parameters and moments, for every flag combination (plain, L2 weight decay, decoupled weight
// decay, maximize, amsgrad), over lengths that are not a multiple of four or of a block, with
// special values (NaN, +-0, +-inf, subnormals) among random ones; and the declines.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { adamUpdate } from "../src/backends/cpu/optim.ts";
import type { AdamUpdate } from "../src/backends/backend.ts";
import { setNumThreads, setWasmThresholds } from "../src/backends/wasm/index.ts";
import { wasmAdamUpdate } from "../src/backends/wasm/adamUpdate.ts";
import { mixedArray } from "./xorshift.ts";

// Every job large enough is split, whatever else runs on the machine (pool.ts coresFree).
setWasmThresholds({ checkCoresFree: false });
const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 1e-45, -3e-39, 1e30, -1e-30];
const values = (n: number, seed: number, scale = 1) => mixedArray(n, seed, SPECIAL, 1 / 16, (u) => (u - 0.5) * scale);
const nonNegative = (n: number, seed: number) => values(n, seed).map(Math.abs);

function assertSameBits(got: Float32Array, want: Float32Array, what: string): void {
  const g = new Uint32Array(got.buffer), w = new Uint32Array(want.buffer);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) assert.fail(`${what} element ${i}: ${got[i]} vs ${want[i]} (TypeScript)`);
  }
}

const CASES: [string, Partial<AdamUpdate>, boolean][] = [
  ["adam", {}, false],
  ["adam, L2 weight decay", { weightDecay: 0.1 }, false],
  ["adamw", { weightDecay: 0.01, decoupled: true }, false],
  ["adam, maximize, amsgrad", { maximize: true }, true],
  ["adamw, weight decay, maximize, amsgrad", { weightDecay: 0.5, decoupled: true, maximize: true }, true],
  ["adam, L2 weight decay, amsgrad", { weightDecay: 0.2 }, true],
];

for (const [name, over, amsgrad] of CASES) {
  test(`wasm ${name}: the TypeScript kernel's bits over three steps, with two threads set too`, () => {
    // 5 floats, one partial block, several blocks with a partial last one; with two threads
    // set the update still runs on the calling thread (adamUpdate.ts says why)
    for (const [n, threads] of [[5, 1], [4103, 1], [20000, 1], [33000, 2], [70001, 2]] as const) {
      setNumThreads(threads);
      const start = { p: values(n, 1, 4), g: values(n, 2), m: values(n, 3, 0.1), v: nonNegative(n, 4), vmax: nonNegative(n, 5) };
      const run = (wasm: boolean) => {
        const s = { p: start.p.slice(), m: start.m.slice(), v: start.v.slice(), vmax: start.vmax.slice() };
        setWasmThresholds({ minAdamElements: wasm ? 0 : Infinity });
        try {
          for (let step = 1; step <= 3; step++) {
            const h: AdamUpdate = {
              lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false,
              stepSize: 1e-3 / (1 - 0.9 ** step), biasCorrection2Sqrt: Math.sqrt(1 - 0.999 ** step), ...over,
            };
            adamUpdate(s.p, start.g, s.m, s.v, amsgrad ? s.vmax : null, h);
          }
        } finally {
          setWasmThresholds({ minAdamElements: 256 });
        }
        return s;
      };
      const ts = run(false), w = run(true);
      for (const k of ["p", "m", "v", "vmax"] as const) assertSameBits(w[k], ts[k], `${name}, n=${n}, ${threads} thread(s), ${k}`);
    }
  });
}

test("wasm adam declines float64 arrays and small ones, touching nothing", () => {
  const h: AdamUpdate = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, stepSize: 1e-2, biasCorrection2Sqrt: 0.03 };
  const f64 = () => new Float64Array(4096).fill(0.5);
  const p = f64();
  assert.equal(wasmAdamUpdate(p, f64(), f64(), f64(), null, h), false);
  assert.ok(p.every((x) => x === 0.5));
  const small = new Float32Array(16).fill(0.5);
  assert.equal(wasmAdamUpdate(small, small.slice(), small.slice(), small.slice(), null, h), false);
  assert.ok(small.every((x) => x === 0.5));
});
