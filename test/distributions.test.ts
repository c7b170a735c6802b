// torch.distributions against PyTorch 1.13 (test/fixtures/distributions.json,
// tools/gen_distributions_fixtures.py): parameters, moments, log-probabilities and their
// gradients, PyTorch's random draws after manualSeed, validation errors, and REINFORCE.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";
import { makeTensor, mismatch, type StoredTensor } from "./ops/fixture-io.ts";
import { assertThrowsCase, loadJson, type ErrorCase } from "./nn/names-io.ts";

const { Normal, Categorical, Bernoulli, Uniform, Distribution, klDivergence, registerKl } = torch.distributions;
type Tensor = torch.Tensor;
type Dist = torch.distributions.Distribution & { probs?: Tensor; logits?: Tensor };

interface Case {
  name: string;
  cls: "Normal" | "Categorical" | "Bernoulli" | "Uniform";
  ctor: { args: Array<string | number>; opts: Record<string, string | number | boolean>; params: Record<string, StoredTensor> };
  props: Record<string, StoredTensor | string | number[]>;
  logProb?: { value: StoredTensor; out: StoredTensor; gradOutput: StoredTensor; grads: Record<string, StoredTensor | null>; entropyGrads: Record<string, StoredTensor | null> };
  cdf?: StoredTensor;
  icdf?: { value: StoredTensor; out: StoredTensor };
  draws: Array<{ seed: number; shape: number[]; sample: StoredTensor; after: StoredTensor; rsample?: StoredTensor; rsampleGradOutput?: StoredTensor; rsampleGrads?: Record<string, StoredTensor> }>;
}
interface ReinforceCase {
  kind: "categorical" | "gaussian" | "bernoulli";
  init: Record<string, StoredTensor>;
  states: StoredTensor;
  steps: Array<{ actions: StoredTensor; loss: number; grads: Record<string, StoredTensor> }>;
  final: Record<string, StoredTensor>;
  logStd?: StoredTensor;
}
const fx = loadJson<{
  cases: Case[];
  expand: Array<{ cls: string; batchShape: number[]; repr: string; sample: StoredTensor; logProb: StoredTensor }>;
  errors: ErrorCase[];
  reinforce: ReinforceCase[];
}>("distributions.json");

const CLASSES = { Normal, Categorical, Bernoulli, Uniform } as unknown as Record<string, new (...a: unknown[]) => Dist>;

function build(c: Case): { d: Dist; params: Record<string, Tensor> } {
  const params: Record<string, Tensor> = {};
  for (const [k, s] of Object.entries(c.ctor.params)) params[k] = makeTensor(s, s.dtype.startsWith("float"));
  const resolve = (v: string | number | boolean): unknown => (typeof v === "string" ? params[v] : v);
  const args = c.ctor.args.map(resolve);
  const opts = Object.fromEntries(Object.entries(c.ctor.opts).map(([k, v]) => [k, resolve(v)]));
  const d = Object.keys(opts).length ? new CLASSES[c.cls]!(...args, opts) : new CLASSES[c.cls]!(...args);
  return { d, params };
}

const ok = (got: Tensor, want: StoredTensor, what: string): void => assert.equal(mismatch(got, want), null, what);

for (const c of fx.cases) {
  const discrete = c.cls === "Categorical" || c.cls === "Bernoulli";
  test(`${c.name}: repr, shapes, moments, entropy${discrete ? ", probs/logits, enumerateSupport" : ""} match PyTorch`, () => {
    const { d } = build(c);
    assert.equal(String(d), c.props.repr);
    assert.deepEqual(d.batchShape, c.props.batchShape);
    assert.deepEqual(d.eventShape, c.props.eventShape);
    for (const p of ["mean", "mode", "variance", "stddev"] as const) ok(d[p], c.props[p] as StoredTensor, p);
    ok(d.entropy(), c.props.entropy as StoredTensor, "entropy");
    if (discrete) {
      ok(d.probs!, c.props.probs as StoredTensor, "probs");
      ok(d.logits!, c.props.logits as StoredTensor, "logits");
      ok(d.enumerateSupport(), c.props.enumerateSupport as StoredTensor, "enumerateSupport");
      ok(d.enumerateSupport(false), c.props.enumerateSupportNoExpand as StoredTensor, "enumerateSupport(false)");
    }
  });
  if (c.logProb) {
    test(`${c.name}: logProb${c.cdf ? ", cdf, icdf" : ""} and the gradients of logProb and entropy match PyTorch`, () => {
      const lp = c.logProb!;
      const { d, params } = build(c);
      const out = d.logProb(makeTensor(lp.value));
      ok(out, lp.out, "logProb");
      const names = Object.keys(lp.grads);
      if (names.length) {
        const gs = torch.autograd.grad([out], names.map((k) => params[k]!), { gradOutputs: [makeTensor(lp.gradOutput)], allowUnused: true, retainGraph: true });
        names.forEach((k, i) => lp.grads[k] && ok(gs[i]!, lp.grads[k]!, `d logProb / d ${k}`));
        const ent = d.entropy();
        if (ent.requiresGrad) {
          const ge = torch.autograd.grad([ent.sum()], names.map((k) => params[k]!), { allowUnused: true });
          names.forEach((k, i) => lp.entropyGrads[k] && ok(ge[i]!, lp.entropyGrads[k]!, `d entropy / d ${k}`));
        }
      }
      if (c.cdf) ok(d.cdf(makeTensor(lp.value)), c.cdf, "cdf");
      if (c.icdf) ok(d.icdf(makeTensor(c.icdf.value)), c.icdf.out, "icdf");
    });
  }
  for (const dr of c.draws) {
    test(`${c.name}: sample(${JSON.stringify(dr.shape)}) after manualSeed(${dr.seed}) draws PyTorch's values${dr.rsample ? ", rsample too, with its gradients" : ""}`, () => {
      const { d, params } = build(c);
      torch.manualSeed(dr.seed);
      const s = d.sample(dr.shape);
      ok(s, dr.sample, "sample");
      assert.equal(s.requiresGrad, false);
      ok(torch.rand(3, { dtype: "float64" }), dr.after, "the generator after sampling");
      if (dr.rsample) {
        torch.manualSeed(dr.seed);
        const r = d.rsample(dr.shape);
        ok(r, dr.rsample, "rsample");
        const names = Object.keys(dr.rsampleGrads!);
        if (names.length) {
          const gs = torch.autograd.grad([r], names.map((k) => params[k]!), { gradOutputs: [makeTensor(dr.rsampleGradOutput!)] });
          names.forEach((k, i) => ok(gs[i]!, dr.rsampleGrads![k]!, `d rsample / d ${k}`));
        }
      }
    });
  }
}

test("expand: batch shape, repr, draws and logProb of the expanded distribution are PyTorch's", () => {
  const made: Record<string, Dist> = {
    Normal: new Normal(torch.tensor([0, 1], { dtype: "float32" }), torch.tensor([1, 2], { dtype: "float32" })).expand([4, 2]),
    Categorical: new Categorical(torch.tensor([0.2, 0.3, 0.5])).expand([2, 3]),
    Bernoulli: new Bernoulli({ logits: torch.tensor(0.3) }).expand([2, 3]),
    Uniform: new Uniform(torch.tensor([0, 1], { dtype: "float32" }), torch.tensor([2, 1.5])).expand([4, 2]),
  };
  for (const e of fx.expand) {
    const d = made[e.cls]!;
    assert.deepEqual(d.batchShape, e.batchShape);
    assert.equal(String(d), e.repr);
    torch.manualSeed(13);
    ok(d.sample([2]), e.sample, `${e.cls} sample`);
    ok(d.logProb(torch.ones(d.batchShape)), e.logProb, `${e.cls} logProb`);
  }
});

const x2 = torch.tensor([0.5, 0.5]);
const ERROR_CALLS: Record<string, () => unknown> = {
  "Normal.scale": () => new Normal(torch.tensor([0, 1], { dtype: "float32" }), torch.tensor([1, -1], { dtype: "float32" })),
  "Normal.scale_scalar": () => new Normal(0, 0),
  "Normal.loc_nan": () => new Normal(torch.tensor([NaN]), torch.tensor([1], { dtype: "float32" })),
  "Categorical.both": () => new Categorical(x2, x2),
  "Categorical.neither": () => new Categorical(),
  "Categorical.probs_0d": () => new Categorical(torch.tensor(1)),
  "Categorical.logits_0d": () => new Categorical({ logits: torch.tensor(1) }),
  "Categorical.negative": () => new Categorical(torch.tensor([0.5, -0.1])),
  "Categorical.logits_nan": () => new Categorical({ logits: torch.tensor([[0.5, NaN]]) }),
  "Categorical.value_range": () => new Categorical(x2).logProb(torch.tensor([2])),
  "Categorical.value_fraction": () => new Categorical(x2).logProb(torch.tensor([0.5])),
  "Categorical.value_broadcast": () => new Categorical(torch.ones(3, 2)).logProb(torch.tensor([0, 1])),
  "Bernoulli.probs": () => new Bernoulli(torch.tensor([1.5])),
  "Bernoulli.probs_number": () => new Bernoulli(1.5),
  "Bernoulli.value": () => new Bernoulli(x2).logProb(torch.tensor([0.5, 1])),
  "Normal.value_not_tensor": () => new Normal(0, 1).logProb(1 as unknown as Tensor),
  "Uniform.low_high": () => new Uniform(torch.tensor([0, 1], { dtype: "float32" }), torch.tensor([1, 1], { dtype: "float32" })),
  "Uniform.low_high_numbers": () => new Uniform(2, -1),
  "Uniform.value": () => new Uniform(0, 1).logProb(torch.tensor([1.5])),
  "Uniform.value_tensor_bounds": () => new Uniform(torch.tensor([0, 1], { dtype: "float32" }), torch.tensor([2, 1.5])).cdf(torch.tensor([1, 0.5])),
  "kl.not_registered": () => klDivergence(new Categorical(torch.tensor([0.5, 0.5])), new Normal(0, 1)),
  "Normal.value_broadcast": () => new Normal(torch.zeros(3), torch.ones(3)).logProb(torch.zeros(2)),
};
test("every distribution error fixture has a torch-ts call", () => {
  assert.deepEqual(Object.keys(ERROR_CALLS).sort(), fx.errors.map((e) => e.name).sort());
});
for (const e of fx.errors) {
  test(`${e.name} raises PyTorch's ${e.type}`, () => assertThrowsCase(fx.errors, e.name, ERROR_CALLS[e.name]!));
}

test("validateArgs: false skips the checks, Distribution.setDefaultValidateArgs(false) turns them off by default", () => {
  const d = new Normal(torch.tensor([0]), torch.tensor([-1]), false);
  assert.equal(Number.isNaN(d.logProb(torch.tensor([0.5])).item()), true);
  Distribution.setDefaultValidateArgs(false);
  try {
    assert.doesNotThrow(() => new Bernoulli(1.5));
    assert.doesNotThrow(() => new Bernoulli(x2).logProb(torch.tensor([0.5, 1])));
  } finally {
    Distribution.setDefaultValidateArgs(true);
  }
  assert.throws(() => new Bernoulli(1.5), /Expected parameter probs/);
  assert.throws(() => Distribution.setDefaultValidateArgs(1 as unknown as boolean), torch.ValueError);
});

test("argument forms and TypeErrors", () => {
  assert.equal(String(new Normal({ loc: 0, scale: 2 })), "Normal(loc: 0.0, scale: 2.0)");
  assert.equal(String(new Categorical({ probs: x2, validateArgs: false })), "Categorical(probs: torch.Size([2]))");
  assert.throws(() => new Normal(0, 1, { scael: 2 } as never), /Normal\(\) got an unexpected keyword argument 'scael'/);
  assert.throws(() => new Normal("0" as never, 1), /argument 'loc' must be a Tensor or a number, but got string "0"/);
  assert.throws(() => new Categorical([0.5, 0.5] as never), /argument 'probs' must be a Tensor/);
  assert.throws(() => new Normal(0, 1).sample(3 as never), /argument 'sampleShape' must be a list of integers/);
  assert.throws(() => new Normal(0, 1).sample([2.5]), /argument 'sampleShape' must be an integer/);
  assert.throws(() => new Normal(0, 1).enumerateSupport(), torch.NotImplementedError);
  assert.throws(() => new Categorical(x2).rsample(), torch.NotImplementedError);
  assert.equal(new Normal(0, 1).hasRsample, true);
  assert.equal(new Categorical(x2).hasRsample, false);
  assert.equal(new Bernoulli(0.5).hasEnumerateSupport, true);
  assert.equal(String(new Categorical(x2).support), "IntegerInterval(lower_bound=0, upper_bound=1)");
  assert.equal(String(torch.distributions.constraints.realVector), "IndependentConstraint(Real(), 1)");
});

test("lazily derived parameters carry gradients and show in the repr once computed, as in PyTorch", () => {
  const logits = torch.tensor([0.1, 0.7, -0.3], { requiresGrad: true });
  const d = new Categorical({ logits });
  assert.equal(String(d), "Categorical(logits: torch.Size([3]))");
  const p = torch.noGrad(() => d.probs!);
  assert.equal(p.requiresGrad, true, "probs are computed under enableGrad");
  assert.equal(String(d), "Categorical(probs: torch.Size([3]), logits: torch.Size([3]))");
});

for (const r of fx.reinforce) {
  test(`REINFORCE with a ${r.kind} policy: sampled actions, losses, policy gradients and parameters after 3 SGD steps are PyTorch's`, () => {
    const policy = new torch.nn.Linear(4, r.kind === "categorical" ? 3 : 2).double();
    policy.loadStateDict(Object.fromEntries(Object.entries(r.init).map(([k, v]) => [k, makeTensor(v)])));
    const logStd = torch.full([2], -0.5, { dtype: "float64", requiresGrad: true });
    const params = [...policy.parameters(), ...(r.kind === "gaussian" ? [logStd] : [])];
    const opt = new torch.optim.SGD(params, { lr: 0.1 });
    const states = makeTensor(r.states);
    r.steps.forEach((want, step) => {
      const out = policy.forward(states.select(0, step));
      const dist: Dist = r.kind === "categorical" ? new Categorical({ logits: out }) : r.kind === "gaussian" ? new Normal(out, logStd.exp()) : new Bernoulli({ logits: out });
      torch.manualSeed(100 + step);
      const actions = dist.sample();
      ok(actions, want.actions, `step ${step} actions`);
      const returns = actions.double().reshape(6, -1).sum(-1).sub(0.5 * step);
      let lp = dist.logProb(actions);
      if (lp.dim() > 1) lp = lp.sum(-1);
      const loss = lp.mul(returns).sum().neg().sub(dist.entropy().sum().mul(0.01));
      assert.ok(Math.abs(loss.item() - want.loss) <= 1e-10 * Math.max(1, Math.abs(want.loss)), `step ${step} loss ${loss.item()} vs ${want.loss}`);
      opt.zeroGrad();
      loss.backward();
      for (const [k, p] of policy.namedParameters()) ok(p.grad!, want.grads[k]!, `step ${step} grad of ${k}`);
      if (r.kind === "gaussian") ok(logStd.grad!, want.grads.log_std!, `step ${step} grad of log_std`);
      opt.step();
    });
    const sd = policy.stateDict();
    for (const [k, v] of Object.entries(r.final)) ok(sd[k]!, v, `final ${k}`);
    if (r.logStd) ok(logStd, r.logStd, "final log_std");
  });
}

interface KlCase {
  name: string;
  p: { cls: string; args?: Array<string | number>; opts?: Record<string, string | number> };
  q: { cls: string; args?: Array<string | number>; opts?: Record<string, string | number> };
  params: Record<string, StoredTensor>;
  out: StoredTensor;
  gradOutput: StoredTensor;
  grads: Record<string, StoredTensor | null>;
}
const klCases = (fx as unknown as { kl: KlCase[] }).kl;

for (const c of klCases) {
  test(`klDivergence ${c.name} (p.q) and its gradients match PyTorch`, () => {
    const params: Record<string, Tensor> = {};
    for (const [k, s] of Object.entries(c.params)) params[k] = makeTensor(s, s.dtype.startsWith("float"));
    const resolve = (v: string | number): unknown => (typeof v === "string" ? params[v] : v);
    const make = (spec: KlCase["p"]): Dist => {
      const args = (spec.args ?? []).map(resolve);
      const opts = Object.fromEntries(Object.entries(spec.opts ?? {}).map(([k, v]) => [k, resolve(v)]));
      return Object.keys(opts).length ? new CLASSES[spec.cls]!(...args, opts) : new CLASSES[spec.cls]!(...args);
    };
    const out = klDivergence(make(c.p), make(c.q));
    ok(out, c.out, "kl");
    const names = Object.keys(c.grads);
    if (names.length && out.requiresGrad) {
      const gs = torch.autograd.grad([out], names.map((k) => params[k]!), { gradOutputs: [makeTensor(c.gradOutput)], allowUnused: true });
      names.forEach((k, i) => c.grads[k] && ok(gs[i]!, c.grads[k]!, `d kl / d ${k}`));
    } else names.forEach((k) => assert.equal(c.grads[k], null, `PyTorch has no gradient for ${k}`));
  });
}

test("klDivergence: float64 gradcheck of every registered pair", () => {
  const f64 = (...v: number[]): Tensor => torch.tensor(v, { dtype: "float64", requiresGrad: true });
  const checks: Array<[Tensor[], (...t: Tensor[]) => Tensor]> = [
    [[f64(0.3, -1), f64(0.7, 1.2), f64(0.1, 0.4), f64(1.5, 0.6)], (m1, s1, m2, s2) => klDivergence(new Normal(m1!, s1!), new Normal(m2!, s2!))],
    [[f64(0.2, 0.5, 0.3), f64(0.4, -1, 0.3)], (p, l) => klDivergence(new Categorical(p!), new Categorical({ logits: l! }))],
    [[f64(-0.5, 2), f64(0.3, 0.8)], (l, p) => klDivergence(new Bernoulli({ logits: l! }), new Bernoulli(p!))],
    [[f64(0, -1), f64(1, 2), f64(-0.5, -1.5), f64(2, 3)], (a1, b1, a2, b2) => klDivergence(new Uniform(a1!, b1!), new Uniform(a2!, b2!))],
    [[f64(0, -1), f64(1, 2), f64(0.3, 0.1), f64(0.8, 1.5)], (a, b, m, s) => klDivergence(new Uniform(a!, b!), new Normal(m!, s!))],
  ];
  for (const [inputs, fn] of checks) assert.equal(torch.autograd.gradcheck(fn, inputs), true);
});

test("registerKl: a subclass uses its parent's KL until it registers its own; bad registrations are TypeErrors", () => {
  class MyNormal extends Normal {}
  const p = new MyNormal(0, 1);
  const q = new Normal(1, 2);
  assert.equal(klDivergence(p, q).item(), klDivergence(new Normal(0, 1), q).item());
  registerKl(MyNormal, Normal, () => torch.tensor(42));
  assert.equal(klDivergence(p, q).item(), 42);
  assert.notEqual(klDivergence(new Normal(0, 1), q).item(), 42);
  assert.throws(() => registerKl(Object as never, Normal, () => torch.tensor(0)), /Expected type_p to be a Distribution subclass/);
  assert.throws(() => klDivergence(new Normal(0, 1), {} as never), /argument 'q' must be a Distribution/);
  assert.equal(torch.distributions.kl.klDivergence, klDivergence);
});

test("Uniform: argument forms, support, and TypeErrors", () => {
  assert.equal(String(new Uniform({ low: 0, high: 2 })), "Uniform(low: 0.0, high: 2.0)");
  assert.equal(String(new Uniform(0, 2).support), "Interval(lower_bound=0.0, upper_bound=2.0)");
  assert.equal(new Uniform(0, 1).hasRsample, true);
  assert.doesNotThrow(() => new Uniform(1, 0, false));
  assert.throws(() => new Uniform(0, 1, { hihg: 2 } as never), /Uniform\(\) got an unexpected keyword argument 'hihg'/);
  assert.throws(() => new Uniform("0" as never, 1), /argument 'low' must be a Tensor or a number/);
  assert.throws(() => new Uniform(0, 1).enumerateSupport(), torch.NotImplementedError);
});
