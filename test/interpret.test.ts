// torch.interpret against Captum's algorithms run by real PyTorch (tools/gen_interpret_fixtures.py):
// every method on a small CNN and a small embedding model, float32 and float64.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../src/index.ts";

const { nn, F, interpret } = torch;
type Tensor = torch.Tensor;
type DType = torch.DType;
const fx = JSON.parse(readFileSync(new URL("./fixtures/interpret.json", import.meta.url), "utf8"));

interface Enc {
  shape: number[];
  dtype: string;
  data: number[];
}
const isEnc = (v: unknown): v is Enc => typeof v === "object" && v !== null && "shape" in v && "data" in v;

/** A fixture tensor; integer tensors take torch-ts's default integer dtype. */
function dec(e: Enc, dtype?: DType): Tensor {
  const floating = e.dtype === "float32" || e.dtype === "float64";
  const t = floating ? torch.tensor(e.data, { dtype: (dtype ?? e.dtype) as DType }) : torch.tensor(e.data.map(Math.round));
  return t.reshape(e.shape);
}

/** Fixture arguments with tensors decoded (floating ones in the case's dtype). */
function decArgs(v: unknown, dtype: DType): unknown {
  if (isEnc(v)) return dec(v, v.dtype.startsWith("float") ? dtype : undefined);
  if (Array.isArray(v)) return v.map((e) => decArgs(e, dtype));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decArgs(e, dtype)]));
  return v;
}

class SmallCNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 3, 3);
  conv2 = new nn.Conv2d(3, 4, 3, { padding: 1 });
  fc = new nn.Linear(4 * 3 * 3, 3);
  override forward(x: Tensor, temperature: number | Tensor = 1): Tensor {
    x = F.maxPool2d(torch.relu(this.conv1.forward(x)), 2);
    x = torch.relu(this.conv2.forward(x));
    return this.fc.forward(x.flatten(1)).div(temperature);
  }
}

class TinyText extends nn.Module {
  emb = new nn.Embedding(12, 5, { paddingIdx: 0 });
  fc1 = new nn.Linear(5, 6);
  fc2 = new nn.Linear(6, 2);
  override forward(ids: Tensor, mask?: Tensor): Tensor {
    let h = torch.tanh(this.fc1.forward(this.emb.forward(ids)));
    if (mask) h = h.mul(mask.unsqueeze(-1));
    return this.fc2.forward(h.mean(1));
  }
}

function load<M extends torch.nn.Module>(m: M, weights: Record<string, Enc>, dtype: DType): M {
  m.loadStateDict(Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, dec(v, dtype)])));
  return m.to(dtype);
}

function setup(dtype: DType) {
  const cnn = load(new SmallCNN(), fx.cnn, dtype);
  const text = load(new TinyText(), fx.text, dtype);
  const w2 = dec(fx.twoW, dtype);
  const two = (a: Tensor, b: Tensor) => cnn.forward(a).add(b.matmul(w2));
  const x = dec(fx.images, dtype);
  const z = dec(fx.extraImage, dtype);
  const ids = dec(fx.ids);
  return { cnn, text, two, x, z, ids };
}

type Case = {
  name: string;
  method: string;
  model: string | null;
  dtype: DType;
  args: Record<string, unknown>;
  seed: number | null;
  inputs?: string;
  layer?: string;
  ctor?: Record<string, unknown>;
  expected: Enc | { tuple: Enc[] };
  delta?: Enc;
};

function run(c: Case, env: ReturnType<typeof setup>): unknown {
  const args = decArgs(c.args, c.dtype) as Record<string, unknown>;
  if (c.method === "LayerAttribution.interpolate") {
    return interpret.LayerAttribution.interpolate(args.attr as Tensor, args.dims as number[], args.mode as "nearest");
  }
  const f = c.model === "cnn" ? env.cnn : c.model === "text" ? env.text : env.two;
  const inputs = c.inputs === "two" ? [env.x, env.z] : c.inputs === "ids" ? env.ids : env.x;
  const layer = c.layer ? ((c.model === "text" ? env.text : env.cnn) as unknown as Record<string, torch.nn.Module>)[c.layer]! : undefined;
  if (c.seed !== null) torch.manualSeed(c.seed);
  const nt = /^NoiseTunnel\((\w+)\)$/.exec(c.method);
  const ctor = c.ctor ?? {};
  const methods: Record<string, () => { attribute: (...a: never[]) => unknown }> = {
    Saliency: () => new interpret.Saliency(f),
    InputXGradient: () => new interpret.InputXGradient(f),
    IntegratedGradients: () => new interpret.IntegratedGradients(f, ctor as { multiplyByInputs?: boolean }),
    GradientShap: () => new interpret.GradientShap(f),
    FeatureAblation: () => new interpret.FeatureAblation(f),
    LayerActivation: () => new interpret.LayerActivation(f, layer!),
    LayerGradCam: () => new interpret.LayerGradCam(f, layer!),
    LayerIntegratedGradients: () => new interpret.LayerIntegratedGradients(f, layer!),
  };
  if (nt) return new interpret.NoiseTunnel(methods[nt[1]!]!() as unknown as torch.interpret.Attribution).attribute(inputs as Tensor, args);
  if (c.method === "Occlusion") {
    const { slidingWindowShapes, ...rest } = args;
    return new interpret.Occlusion(f).attribute(inputs as Tensor, slidingWindowShapes as number[], rest);
  }
  const m = methods[c.method];
  assert.ok(m, c.method);
  return (m().attribute as (i: unknown, o: unknown) => unknown)(inputs, args);
}

/** Largest |a - b| relative to the largest |b| (plus an absolute floor). */
function check(got: Tensor, want: Enc, what: string, tol: number, floor = 1e-3): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  const g = got.reshape(-1).tolist() as number[];
  const scale = Math.max(floor, ...want.data.map(Math.abs));
  let worst = 0;
  g.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want.data[i]!))));
  assert.ok(worst <= tol * scale, `${what}: max |diff| ${worst.toExponential(2)} > ${tol} x ${scale.toExponential(2)}`);
}

for (const dtype of ["float32", "float64"] as const) {
  // measured 2026-12-01: worst 2.9e-15 (float64) and 1.6e-6 (float32) of the largest value
  const tol = dtype === "float64" ? 1e-12 : 1e-5;
  for (const c of (fx.cases as Case[]).filter((k) => k.dtype === dtype)) {
    test(`${c.method} ${c.name} (${dtype}) matches Captum's algorithm in PyTorch`, () => {
      const env = setup(dtype);
      let out = run(c, env);
      if (c.delta) {
        const [attrs, delta] = out as [unknown, Tensor];
        // a delta is a difference of output sums: its error scales with the outputs (~1), not with itself
        check(delta, c.delta, "delta", tol, 1);
        out = attrs;
      }
      if ("tuple" in c.expected) {
        assert.ok(Array.isArray(out));
        c.expected.tuple.forEach((e, i) => check((out as Tensor[])[i]!, e, `attribution ${i}`, tol));
      } else check(out as Tensor, c.expected, "attribution", tol);
    });
  }
}

test("Gauss-Legendre nodes and weights agree with numpy's leggauss, and IG's float32 step sizes are numpy's", () => {
  // numpy polishes LAPACK eigenvalues with one Newton step and takes P_n' at the unpolished
  // roots, so its weights carry ~1e-12 relative error for n = 100; ours are Newton-converged
  for (const [n, [nodes, weights]] of Object.entries(fx.leggauss as Record<string, [number[], number[]]>)) {
    const r = interpret.leggauss(Number(n));
    nodes.forEach((v, i) => assert.ok(Math.abs(r.nodes[i]! - v) <= 2.3e-16, `n=${n} node ${i}: ${r.nodes[i]} vs ${v}`));
    weights.forEach((v, i) => {
      assert.ok(Math.abs(r.weights[i]! - v) <= 2e-15, `n=${n} weight ${i}: ${r.weights[i]} vs ${v}`);
      assert.equal(Math.fround(0.5 * r.weights[i]!), Math.fround(0.5 * v), `n=${n} step ${i} in float32`);
    });
  }
});

test("torch.linspace rounds as PyTorch's CPU kernel (the Riemann rules' points)", () => {
  for (const c of fx.linspace as Array<{ start: number; end: number; steps: number; dtype: DType; values: number[] }>) {
    assert.deepEqual(torch.linspace(c.start, c.end, c.steps, { dtype: c.dtype }).tolist(), c.values, `${c.start}..${c.end} x${c.steps} ${c.dtype}`);
  }
});
