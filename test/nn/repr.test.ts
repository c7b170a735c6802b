// Every nn module, built from PyTorch 1.13's own constructor calls (tools/gen_nn_repr_fixtures.py):
// the call as written, fully positional, and with the options object give PyTorch's repr; the
// calls PyTorch rejects fail with its error kind and message (here at construction); unknown
// option keys and wrongly typed arguments are TypeErrors naming the argument.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";

const { nn, F } = torch;

interface Call {
  args: unknown[];
  kwargs: Record<string, unknown>;
}
interface ReprCase {
  module: string;
  params: string[];
  call: Call;
  positional: Call;
  keywords: Call;
  repr: string;
}
interface ErrorCase {
  module: string;
  call: Call;
  at: "init" | "forward";
  type: string;
  message: string;
  python: string;
  input?: number[];
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/nn_repr.json", import.meta.url), "utf8")) as { cases: ReprCase[]; errors: ErrorCase[] };

/** PyTorch's keyword name as a torch-ts option key (Embedding's _weight is `weight`, FractionalMaxPool2d's _random_samples `randomSamples`). */
const camel = (k: string): string => (k === "_weight" ? "weight" : k.replace(/^_/, "").replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));

type Ctor = new (...args: unknown[]) => torch.nn.Module;
const ctor = (name: string): Ctor => (nn as unknown as Record<string, Ctor>)[name];

function decode(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(decode);
  const o = v as Record<string, unknown>;
  if ("$tensor" in o) return torch.tensor(o.$tensor as number[], { dtype: o.dtype as "float32" });
  if ("$module" in o) return build(o.$module as Call & { module: string });
  if ("$fn" in o) return (F as unknown as Record<string, unknown>)[camel(o.$fn as string)];
  if ("$dict" in o) return Object.fromEntries((o.$dict as Array<[string, unknown]>).map(([k, x]) => [k, decode(x)]));
  throw new Error(`cannot decode ${JSON.stringify(v)}`);
}

function argsOf(c: Call): unknown[] {
  const args = c.args.map(decode);
  const kw = Object.entries(c.kwargs);
  if (kw.length) args.push(Object.fromEntries(kw.map(([k, v]) => [camel(k), decode(v)])));
  return args;
}

function build(c: Call & { module: string }): torch.nn.Module {
  return new (ctor(c.module))(...argsOf(c));
}

/** Silences the deprecation warnings some calls are expected to print. */
function quiet<T>(f: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return f();
  } finally {
    console.warn = warn;
  }
}

test("the fixture covers every nn module class", () => {
  const covered = new Set(fixture.cases.map((c) => c.module));
  const notInTorch113 = new Set(["RMSNorm"]); // PyTorch 2.4: tested against its definition in layers.test.ts
  const base = new Set(["Module", "Parameter"]);
  const modules = Object.entries(nn)
    .filter(([k, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof nn.Module && !base.has(k))
    .map(([k]) => k);
  for (const m of modules) if (!notInTorch113.has(m) && m !== "NonDynamicallyQuantizableLinear") assert.ok(covered.has(m), `no repr case for nn.${m}`);
});

for (const c of fixture.cases) {
  const name = `${c.module}: ${JSON.stringify(c.call)}`.slice(0, 150);
  test(`repr of ${name}`, () => {
    quiet(() => {
      assert.equal(String(build({ module: c.module, ...c.call })), c.repr, "as called");
      assert.equal(String(build({ module: c.module, ...c.positional })), c.repr, "all positional");
      assert.equal(String(build({ module: c.module, ...c.keywords })), c.repr, "options object");
      if (!["Sequential", "Identity"].includes(c.module) && c.keywords.args.length > 0) {
        // required arguments by name too (Python's keywords; a runtime form, not a typed one)
        const all = { args: [], kwargs: { ...Object.fromEntries(c.keywords.args.map((v, i) => [c.params[i], v])), ...c.keywords.kwargs } };
        assert.equal(String(build({ module: c.module, ...all })), c.repr, "all by name");
      }
    });
  });
}

/** Where torch-ts's message must differ from PyTorch's, and why. */
const OWN_MESSAGE: Record<string, RegExp> = {
  // PyTorch's assert has no message; torch-ts says what is wrong
  "Hardtanh(2.0, 1.0)": /^max_val \(1\.0\) must be greater than min_val \(2\.0\)$/,
};

for (const c of fixture.errors) {
  test(`${c.python} raises ${c.type} (PyTorch: at ${c.at})`, () => {
    let m: torch.nn.Module | null = null;
    const run = (): void => {
      m = build({ module: c.module, ...c.call });
      if (c.at === "forward") {
        const x = torch.randn(c.input ?? [1, 1, 4, 4]);
        (m.forward as (...a: unknown[]) => unknown)(...(c.module.includes("Loss") ? [x, x] : [x]));
      }
    };
    assert.throws(() => quiet(run), (e: Error) => {
      assert.equal(e.name, c.type);
      if (OWN_MESSAGE[c.python]) assert.match(e.message, OWN_MESSAGE[c.python]);
      else assert.equal(e.message, c.message);
      return true;
    });
  });
}

test("PyTorch's rejections at the first call are made at construction in torch-ts", () => {
  // (Upsample's unknown mode names the input's rank, so it stays at the call, as in PyTorch)
  const late = fixture.errors.filter((c) => c.at === "forward").map((c) => c.python);
  const atCall: string[] = [];
  for (const c of fixture.errors.filter((e) => e.at === "forward")) {
    try {
      quiet(() => build({ module: c.module, ...c.call }));
    } catch {
      continue;
    }
    atCall.push(c.python);
  }
  assert.deepEqual(atCall, ["Upsample(scale_factor=2.0, mode='bad')"], `of ${late.length} rejected at the call`);
});

// ---- TypeErrors: unknown keys and wrongly typed arguments, for every module ------------------

const byModule = new Map<string, ReprCase>();
for (const c of fixture.cases) if (!byModule.has(c.module) || c.keywords.args.length > byModule.get(c.module)!.keywords.args.length) byModule.set(c.module, c);

const NO_OPTIONS = new Set(["Identity", "Sequential"]);

for (const [module, c] of byModule) {
  if (NO_OPTIONS.has(module)) continue;
  test(`${module}: an unknown option key is a TypeError naming it`, () => {
    assert.throws(() => quiet(() => build({ module, args: c.keywords.args, kwargs: { ...c.keywords.kwargs, not_an_argument: 1 } })), (e: Error) => {
      assert.equal(e.name, "TypeError");
      assert.match(e.message, /got an unexpected keyword argument 'notAnArgument'/);
      return true;
    });
  });
  test(`${module}: a wrongly typed argument is a TypeError naming it`, () => {
    const positional = c.keywords.args.map(decode);
    const kw = Object.fromEntries(Object.entries(c.keywords.kwargs).map(([k, v]) => [camel(k), decode(v)]));
    for (const [i, p] of c.params.entries()) {
      const bad = Symbol("bad");
      const args = i < positional.length
        ? [...positional.map((v, j) => (j === i ? bad : v)), ...(Object.keys(kw).length ? [kw] : [])]
        : [...positional, { ...kw, [camel(p)]: bad }];
      assert.throws(() => quiet(() => new (ctor(module))(...args)), (e: Error) => {
        assert.equal(e.name, "TypeError", `${module}(${p}=Symbol): ${e.name}: ${e.message}`);
        if (!["ModuleList", "ModuleDict", "ParameterList", "ParameterDict"].includes(module)) assert.ok(e.message.includes(`'${camel(p)}'`) || e.message.startsWith(`${p} `), `${module}: "${e.message}" does not name ${camel(p)}`);
        return true;
      });
    }
  });
}

test("wrong kinds of values where numbers, sizes, flags and tensors belong", () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => new nn.Linear(3, "2" as never), /Linear\(\): argument 'outFeatures' must be an integer, but got string "2"/],
    [() => new nn.MaxPool2d(2.5), /MaxPool2d\(\): argument 'kernelSize' must be an integer, but got number 2.5/],
    [() => new nn.BatchNorm2d(4, NaN), /BatchNorm2d\(\): argument 'eps' must be a number, but got number NaN/],
    [() => new nn.LSTM(3, 4, 2, "true" as never), /LSTM\(\): argument 'bias' must be a boolean, but got string "true"/],
    [() => new nn.CrossEntropyLoss([1, 2] as never), /CrossEntropyLoss\(\): argument 'weight' must be a Tensor, but got an array/],
    [() => new nn.Embedding(10, 3, 1.5), /Embedding\(\): argument 'paddingIdx' must be an integer, but got number 1.5/],
    [() => new nn.Dropout("0.5" as never), /Dropout\(\): argument 'p' must be a number/],
    [() => new nn.LeakyReLU(0.1, 1 as never), /LeakyReLU\(\): argument 'inplace' must be a boolean, but got number 1/],
    [() => new nn.Conv2d(1, 2, 3, 1, 0, 1, 1, true, "zeros", 5 as never), /Conv2d\(\) takes from 3 to 9 positional arguments but 10 were given/],
    [() => new nn.Sequential(new nn.ReLU(), ((x: torch.Tensor) => x) as never), /function is not a Module subclass/],
    [() => new nn.TransformerEncoder(new nn.Linear(2, 2) as never, 2), /argument 'encoderLayer' must be a TransformerEncoderLayer, but got a Linear/],
    [() => new (nn.Tanh as unknown as new (a: number) => unknown)(1), /Tanh\(\) takes 0 positional arguments but 1 were given/],
  ];
  for (const [f, msg] of cases) assert.throws(f, (e: Error) => e.name === "TypeError" && msg.test(e.message), String(msg));
});
