// The CPU generator against Debian's PyTorch 1.13.1 (fixtures from tools/gen_random_fixtures.py).
// Every comparison is exact: float32 fixture values are stored as their exact float64 value.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DEFAULT_RNG_SEED, Generator, defaultGenerator, manualSeed } from "../src/random/generator.ts";
import {
  fillBernoulli,
  fillNormal,
  fillRandint,
  fillUniform,
  multinomial,
  randperm,
} from "../src/random/sampling.ts";

type Dtype = "float32" | "float64";
interface Case {
  fn: string;
  seed: number;
  dtype: string;
  size: number;
  values: (number | string)[];
  [k: string]: unknown;
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/random_${name}.json`, import.meta.url), "utf8")) as T;
}

function floatArray(dtype: string, n: number): Float32Array | Float64Array {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}

/** Exact comparison that reports the first differing index. */
function assertExact(actual: ArrayLike<number | bigint>, expected: (number | string)[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const ok = typeof e === "string" ? String(a) === e : typeof a === "bigint" ? a === BigInt(e) : Object.is(a, e);
    if (!ok) assert.fail(`${label}: element ${i} is ${a}, PyTorch gives ${e}`);
  }
}

const label = (c: Case): string => `${c.fn} seed=${c.seed} ${c.dtype} n=${c.size}`;
const gen = new Generator();

describe("Generator seeding", () => {
  const fx = load<{
    freshInitialSeed: string;
    freshRand: number[];
    cases: { seed: string; initialSeed: string; rand64: number[] }[];
  }>("generator");

  it("a fresh Generator is seeded with 67280421310721", () => {
    const g = new Generator();
    assert.equal(String(g.initialSeed()), fx.freshInitialSeed);
    assert.equal(g.initialSeed(), DEFAULT_RNG_SEED);
    const out = new Float32Array(5);
    fillUniform(g, out);
    assertExact(out, fx.freshRand, "fresh rand");
  });

  it("initialSeed keeps 64 bits; negative seeds wrap like int64", () => {
    for (const c of fx.cases) {
      const g = new Generator().manualSeed(BigInt(c.seed));
      assert.equal(String(g.initialSeed()), c.initialSeed, `seed ${c.seed}`);
      const out = new Float64Array(5);
      fillUniform(g, out);
      assertExact(out, c.rand64, `rand64 seed ${c.seed}`);
    }
    assert.equal(new Generator().manualSeed(-1).initialSeed(), 2n ** 64n - 1n);
  });

  it("rejects seeds PyTorch rejects", () => {
    assert.throws(() => new Generator().manualSeed(1.5), /manual_seed expected a long, but got float/);
    assert.throws(() => new Generator().manualSeed(2n ** 64n), /Overflow when unpacking long/);
    assert.throws(() => new Generator().manualSeed(-(2n ** 63n) - 1n), /Overflow when unpacking long/);
  });

  it("manualSeed seeds the default generator", () => {
    assert.equal(manualSeed(42), defaultGenerator);
    assert.equal(defaultGenerator.initialSeed(), 42n);
    const a = new Float32Array(4);
    fillUniform(defaultGenerator, a);
    const b = new Float32Array(4);
    fillUniform(new Generator().manualSeed(42), b);
    assert.deepEqual(a, b);
  });

  it("seed() picks a fresh seed and reports it", () => {
    const g = new Generator();
    const s = g.seed();
    assert.equal(g.initialSeed(), s);
  });
});

describe("getState / setState", () => {
  it("round-trips the engine and the cached normal sample", () => {
    const g = new Generator().manualSeed(7);
    const warm = new Float64Array(3); // 3 < 16: leaves a cached Box-Muller sample behind
    fillNormal(g, warm);
    const state = g.getState();
    const first = new Float64Array(40);
    fillNormal(g, first.subarray(0, 1));
    fillUniform(g, first.subarray(1, 40));
    const h = new Generator().manualSeed(99).setState(state);
    const second = new Float64Array(40);
    fillNormal(h, second.subarray(0, 1));
    fillUniform(h, second.subarray(1, 40));
    assert.deepEqual(second, first);
    assert.equal(h.initialSeed(), 7n);
  });

  it("rejects a state of the wrong size", () => {
    assert.throws(() => new Generator().setState(new Uint8Array(10)), /RNG state size to be 10/);
  });
});

describe("rand / uniform_", () => {
  for (const c of load<Case[]>("uniform")) {
    it(`${label(c)}${c.fn === "uniform" ? ` [${c.from}, ${c.to})` : ""}`, () => {
      gen.manualSeed(c.seed);
      const out = floatArray(c.dtype, c.size);
      if (c.fn === "rand") fillUniform(gen, out);
      else fillUniform(gen, out, c.from as number, c.to as number);
      assertExact(out, c.values, label(c));
    });
  }
  it("rejects from > to", () => {
    assert.throws(() => fillUniform(gen, new Float32Array(3), 2, 1), /found from=2 > to=1/);
  });
});

describe("randn / normal_", () => {
  for (const c of load<Case[]>("normal")) {
    it(label(c), () => {
      gen.manualSeed(c.seed);
      const out = floatArray(c.dtype, c.size);
      if (c.fn === "randn") fillNormal(gen, out);
      else fillNormal(gen, out, c.mean as number, c.std as number);
      // float64 goes through the glibc log/sin/cos ports in src/random/libm/: exact too.
      assertExact(out, c.values, label(c));
    });
  }
  it("rejects a negative std", () => {
    assert.throws(() => fillNormal(gen, new Float32Array(3), 0, -1), /normal expects std >= 0.0, but found std -1/);
  });
});

describe("randint / randperm", () => {
  for (const c of load<Case[]>("int")) {
    it(`${label(c)}${c.fn === "randint" ? ` [${c.low}, ${c.high})` : ""}`, () => {
      gen.manualSeed(c.seed);
      if (c.fn === "randperm") {
        assertExact(randperm(gen, c.size), c.values, label(c));
        return;
      }
      const out =
        c.dtype === "int64"
          ? new BigInt64Array(c.size)
          : c.dtype === "int32"
            ? new Int32Array(c.size)
            : floatArray(c.dtype, c.size);
      fillRandint(gen, out, BigInt(c.low as string), BigInt(c.high as string));
      assertExact(out, c.values, label(c));
    });
  }
  it("rejects low >= high", () => {
    assert.throws(
      () => fillRandint(gen, new BigInt64Array(3), 5, 5),
      /random_ expects 'from' to be less than 'to', but got from=5 >= to=5/,
    );
  });
});

describe("bernoulli / multinomial", () => {
  const fx = load<{
    distributions: { dtype: Dtype; rows: number; cols: number; probs: number[] }[];
    cases: Case[];
  }>("discrete");
  for (const c of fx.cases) {
    if (c.fn === "multinomial") {
      const d = fx.distributions[c.dist as number]!;
      const name = `multinomial seed=${c.seed} ${d.dtype} ${d.rows}x${d.cols} n=${c.numSamples} replacement=${c.replacement}`;
      it(name, () => {
        gen.manualSeed(c.seed);
        const probs = d.dtype === "float32" ? Float32Array.from(d.probs) : Float64Array.from(d.probs);
        const got = multinomial(gen, probs, d.rows, d.cols, c.numSamples as number, c.replacement as boolean);
        assertExact(got, c.values, name);
      });
      continue;
    }
    it(label(c), () => {
      gen.manualSeed(c.seed);
      const out = floatArray(c.dtype, c.size);
      if (c.fn === "bernoulliScalar") fillBernoulli(gen, out, c.p as number);
      else {
        const probs = c.probs as number[];
        fillBernoulli(gen, out, c.dtype === "float32" ? Float32Array.from(probs) : Float64Array.from(probs));
      }
      assertExact(out, c.values, label(c));
    });
  }
  it("rejects bad probabilities with PyTorch's messages", () => {
    assert.throws(() => fillBernoulli(gen, new Float32Array(2), 1.5), /bernoulli_ expects p to be in \[0, 1\], but got p=1.5/);
    assert.throws(
      () => multinomial(gen, Float32Array.from([0.5, -0.1]), 1, 2, 1),
      /probability tensor contains either `inf`, `nan` or element < 0/,
    );
    assert.throws(
      () => multinomial(gen, Float32Array.from([0.5, -0.1]), 1, 2, 2, true),
      /invalid multinomial distribution \(encountering probability entry < 0\)/,
    );
    assert.throws(
      () => multinomial(gen, Float32Array.from([0, 0]), 1, 2, 1),
      /invalid multinomial distribution \(sum of probabilities <= 0\)/,
    );
    assert.throws(
      () => multinomial(gen, Float32Array.from([0.2, 0.3]), 1, 2, 3),
      /cannot sample n_sample > prob_dist.size\(-1\) samples without replacement/,
    );
  });
});

describe("state carries across calls; nn.Linear init order", () => {
  const fx = load<{
    sequences: Record<string, number[] | number>[];
    linear: { weightBound: number; biasBound: number; weight: number[]; bias: number[] };
    seedProgram: Record<string, number[] | number>;
  }>("sequence");

  for (const s of fx.sequences) {
    it(`randn(3), rand(2), randn(20), randn(1, f64), randn(5, f64) after seed ${s.seed}`, () => {
      gen.manualSeed(s.seed as number);
      const steps: [string, Float32Array | Float64Array, "n" | "u"][] = [
        ["randn3", new Float32Array(3), "n"],
        ["rand2", new Float32Array(2), "u"],
        ["randn20", new Float32Array(20), "n"],
        ["randn1_f64", new Float64Array(1), "n"],
        ["randn5_f64", new Float64Array(5), "n"],
      ];
      for (const [key, out, kind] of steps) {
        if (kind === "n") fillNormal(gen, out);
        else fillUniform(gen, out);
        assertExact(out, s[key] as number[], `seed ${s.seed} ${key}`);
      }
    });
  }

  it("manualSeed(0); nn.Linear(10, 5): kaiming_uniform_ weight then uniform_ bias", () => {
    // init.kaiming_uniform_(w, a=sqrt(5)): bound = sqrt(3) * gain / sqrt(fan_in), gain = sqrt(2 / (1 + 5))
    const bound = Math.sqrt(3) * (Math.sqrt(2 / (1 + 5)) / Math.sqrt(10));
    assert.equal(bound, fx.linear.weightBound);
    assert.equal(1 / Math.sqrt(10), fx.linear.biasBound);
    gen.manualSeed(0);
    const w = new Float32Array(50);
    fillUniform(gen, w, -bound, bound);
    const b = new Float32Array(5);
    fillUniform(gen, b, -fx.linear.biasBound, fx.linear.biasBound);
    assertExact(w, fx.linear.weight, "weight");
    assertExact(b, fx.linear.bias, "bias");
  });

  it("the seed program: fc1, fc2, xTrain = randn(100, 10), yTrain = randn(100, 1)", () => {
    const p = fx.seedProgram;
    gen.manualSeed(0);
    const linear = (inF: number, outF: number): [Float32Array, Float32Array] => {
      const wb = Math.sqrt(3) * (Math.sqrt(2 / 6) / Math.sqrt(inF));
      const w = new Float32Array(inF * outF);
      fillUniform(gen, w, -wb, wb);
      const b = new Float32Array(outF);
      fillUniform(gen, b, -1 / Math.sqrt(inF), 1 / Math.sqrt(inF));
      return [w, b];
    };
    const [w1, b1] = linear(10, 5);
    const [w2, b2] = linear(5, 1);
    const x = new Float32Array(1000);
    fillNormal(gen, x);
    const y = new Float32Array(100);
    fillNormal(gen, y);
    assertExact(w1, p.fc1Weight as number[], "fc1.weight");
    assertExact(b1, p.fc1Bias as number[], "fc1.bias");
    assertExact(w2, p.fc2Weight as number[], "fc2.weight");
    assertExact(b2, p.fc2Bias as number[], "fc2.bias");
    assertExact(x, p.xTrain as number[], "xTrain");
    assertExact(y, p.yTrain as number[], "yTrain");
  });
});
