// Gradients against real PyTorch, bit for bit. Division (tools/gen_div_grad_fixture.py):
// PyTorch computes the divisor's gradient as -g * ((x / y) / y), each op rounded to float32.
// The formula before this one, -g * x / (y * y), is the same maths in another order and
// differs in 135 of the fixture's 301 floats. And the negation that sub's and div's divisor
// gradients end with is taken after the broadcast sum (ops/elementwise.ts negSummed), which
// must give exactly the numbers of negating first.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import type { Tensor } from "../../src/index.ts";
import { setWasmThresholds } from "../../src/backends/wasm/index.ts";
import { minElementwise } from "../../src/backends/wasm/thresholds.ts";
import { dense } from "../../src/ops/alloc.ts";

const fx = JSON.parse(readFileSync(new URL("../fixtures/div_grad_float32.json", import.meta.url), "utf8")) as Record<"x" | "y" | "g" | "out" | "grad_x" | "grad_y", number[]>;

function assertBits(got: Tensor, want: number[], what: string): void {
  assert.equal(got.dtype, "float32", `${what}: dtype`);
  const g = dense(got) as Float32Array, w = new Float32Array(want);
  assert.equal(g.length, w.length, `${what}: length`);
  const bad = [...g.keys()].filter((i) => !Object.is(g[i], w[i]));
  if (bad.length > 0) assert.fail(`${what}: ${bad.length} of ${g.length} floats differ from PyTorch's, first [${bad[0]}]: ${g[bad[0]!]} vs ${w[bad[0]!]}`);
}

for (const path of ["TypeScript", "wasm"] as const) {
  test(`float32 div and both gradients are PyTorch's bits (${path} kernels)`, () => {
    const saved = minElementwise;
    setWasmThresholds({ minElementwise: path === "wasm" ? 0 : Infinity });
    try {
      const x = torch.tensor(new Float32Array(fx.x)).requiresGrad_(), y = torch.tensor(new Float32Array(fx.y)).requiresGrad_();
      const out = torch.div(x, y);
      assertBits(out.detach(), fx.out, "x / y");
      out.backward(torch.tensor(new Float32Array(fx.g)));
      assertBits(x.grad!, fx.grad_x, "grad of x");
      assertBits(y.grad!, fx.grad_y, "grad of y");
    } finally {
      setWasmThresholds({ minElementwise: saved });
    }
  });
}

test("a broadcast divisor's or subtrahend's gradient is the negated sum, exactly", () => {
  torch.manualSeed(5);
  for (const dtype of ["float32", "float64"] as const) {
    const x = torch.randn([6, 1, 40], { dtype }).mul(torch.randn([6, 1, 40], { dtype }).mul(3).exp()).requiresGrad_();
    const y = torch.rand([5, 1], { dtype }).add(0.5).requiresGrad_();
    const g = torch.randn([6, 5, 40], { dtype });
    torch.sub(x, y).backward(g);
    // the gradient of y summed from the negated terms, in the same order
    assertExactly(y.grad!, g.neg().sum([0, 2]).reshape([5, 1]), `${dtype} sub: grad of y`);
    assertExactly(x.grad!, g.sum(1, true), `${dtype} sub: grad of x`);
    y.grad = null;
    torch.div(x, y).backward(g);
    assertExactly(y.grad!, g.neg().mul(x.div(y).div(y)).sum([0, 2]).reshape([5, 1]), `${dtype} div: grad of y`);
  }
  // and the gradient still has a graph of its own where one is asked for (double backward)
  const a = torch.tensor([1.5, -2, 3], { dtype: "float64", requiresGrad: true }), b = torch.tensor([2], { dtype: "float64", requiresGrad: true });
  const [gb] = torch.autograd.grad(torch.div(a, b).sum(), [b], { createGraph: true });
  assert.deepEqual([...(dense(gb!) as Float64Array)], [-2.5 / 4]);
  const [gbb] = torch.autograd.grad(gb!, [b]);
  assert.deepEqual([...(dense(gbb!) as Float64Array)], [2 * 2.5 / 8]); // d/db of -sum(a) / b^2
});

function assertExactly(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = dense(got) as Float32Array | Float64Array, w = dense(want) as Float32Array | Float64Array;
  for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) assert.fail(`${what}: [${i}] ${g[i]} vs ${w[i]}`);
}

// tanh and sigmoid: the gradient bits where the forward value's bits are PyTorch's (the
// forward's transcendental differs from PyTorch's SLEEF in the last bit for some inputs, and
// the gradient is computed from it) — tools/gen_activation_grad_fixture.py. The formulas before
// these, g * (1 - y * y) rounded twice and g * (y * (1 - y)), differed in 805 of 958 tanh and 231
// of 644 sigmoid gradients there.
const act = JSON.parse(readFileSync(new URL("../fixtures/activation_grad_float32.json", import.meta.url), "utf8")) as Record<"tanh" | "sigmoid", Record<"x" | "g" | "y" | "grad", number[]>>;
for (const name of ["tanh", "sigmoid"] as const) {
  test(`float32 ${name}'s gradient is PyTorch's bits wherever its output is (ATen's ${name}_backward)`, () => {
    const c = act[name];
    const x = torch.tensor(new Float32Array(c.x)).requiresGrad_();
    const y = name === "tanh" ? torch.tanh(x) : torch.sigmoid(x);
    y.backward(torch.tensor(new Float32Array(c.g)));
    const ys = dense(y.detach()) as Float32Array, gs = dense(x.grad!) as Float32Array;
    const wantY = new Float32Array(c.y), wantG = new Float32Array(c.grad);
    let same = 0, differ = 0, first = -1;
    for (let i = 0; i < ys.length; i++) {
      if (!Object.is(ys[i], wantY[i])) continue;
      same++;
      if (!Object.is(gs[i], wantG[i])) { differ++; if (first < 0) first = i; }
    }
    assert.ok(same > ys.length / 2, `${name}: only ${same} of ${ys.length} outputs are PyTorch's bits`);
    if (differ > 0) assert.fail(`${name}: ${differ} of ${same} gradients differ from PyTorch's, first [${first}] x=${c.x[first]}: ${gs[first]} vs ${wantG[first]}`);
  });
}

test("binary cross-entropy: the input gradient is PyTorch's bits, the target gradient and loss within its logs' last bit, saturated inputs (0, 1) included", () => {
  const c = JSON.parse(readFileSync(new URL("../fixtures/activation_grad_float32.json", import.meta.url), "utf8")).binary_cross_entropy as Record<string, Array<number | string>>;
  const f32 = (v: Array<number | string>) => new Float32Array(v.map((e) => (typeof e === "number" ? e : e === "inf" ? Infinity : e === "-inf" ? -Infinity : NaN)));
  const x = torch.tensor(f32(c.x!)).requiresGrad_(), t = torch.tensor(f32(c.t!)).requiresGrad_();
  const loss = torch.nn.functional.binaryCrossEntropy(x, t, { reduction: "none" });
  loss.backward(torch.tensor(f32(c.g!)));
  const gx = dense(x.grad!) as Float32Array, wx = f32(c.grad_x!);
  const bad = [...gx.keys()].filter((i) => !Object.is(gx[i], wx[i]));
  if (bad.length > 0) assert.fail(`grad of input: ${bad.length} of ${gx.length} differ, first [${bad[0]}] x=${c.x![bad[0]!]} t=${c.t![bad[0]!]}: ${gx[bad[0]!]} vs ${wx[bad[0]!]}`);
  // log(1 - x) - log(x) and the loss's logs: torch-ts's log and the C library's differ in the last
  // bit for a few inputs (6 of the 1001 target gradients); infinities are exact
  const near = (got: Tensor, want: Array<number | string>, what: string) => {
    const g = dense(got) as Float32Array, w = f32(want);
    for (let i = 0; i < g.length; i++) {
      const ok = Number.isFinite(w[i]!) ? Math.abs(g[i]! - w[i]!) <= 3e-7 * Math.abs(w[i]!) + 1e-30 : Object.is(g[i], w[i]);
      assert.ok(ok, `${what} [${i}] x=${c.x![i]} t=${c.t![i]}: ${g[i]} vs ${w[i]}`);
    }
  };
  near(t.grad!, c.grad_t!, "grad of target");
  near(loss.detach(), c.loss!, "loss");
});
