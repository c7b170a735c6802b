// torch.erfinv, nn.init.truncNormal_ and nn.init.orthogonal_ against PyTorch 1.13
// (test/fixtures/nn_init_names.json, tools/gen_init_fixtures.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { erf, erff } from "../../src/random/libm/erf.ts";
import { decodeValue, makeTensor, type StoredTensor } from "../ops/fixture-io.ts";
import { assertThrowsCase, checkFCase, loadJson, type ErrorCase, type FCase } from "./names-io.ts";

const { nn } = torch;
interface InitCase {
  name: string;
  shape: number[];
  dtype: "float32" | "float64";
  seed: number;
  call: { args: number[]; opts: Record<string, number> };
  value: StoredTensor;
  after: StoredTensor;
}
const fx = loadJson<{
  functional: FCase[];
  streams: Array<{ y: StoredTensor; erfinv: StoredTensor }>;
  libm: { erf: Array<[string, string]>; erff: Array<[string, string]> };
  inits: InitCase[];
  errors: ErrorCase[];
}>("nn_init_names.json");

for (const c of fx.functional) {
  test(`torch.${c.name} matches PyTorch${c.gradcheck ? " (and gradcheck)" : ""}`, () => checkFCase(c, (y) => torch.erfinv(y)));
}

/** Distance in units in the last place (float32 or float64 bit patterns as integers). */
function ulps(a: number, b: number, dtype: "float32" | "float64"): number {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  const bits = (v: number): bigint => {
    if (dtype === "float32") {
      const i = new Int32Array(new Float32Array([v]).buffer)[0]!;
      return BigInt(i < 0 ? -(i & 0x7fffffff) : i);
    }
    const i = new BigInt64Array(new Float64Array([v]).buffer)[0]!;
    return i < 0n ? -(i & 0x7fffffffffffffffn) : i;
  };
  const d = bits(a) - bits(b);
  return Number(d < 0n ? -d : d);
}

for (const s of fx.streams) {
  test(`erfinv on ${s.y.data.length} ${s.y.dtype} inputs: PyTorch's kernel bit for bit (but where V8's Math.exp rounds differently from glibc's)`, () => {
    const got = torch.erfinv(makeTensor(s.y)).contiguousData();
    const want = s.erfinv.data.map((v) => decodeValue(v) as number);
    let exact = 0;
    let worst = 0;
    want.forEach((w, i) => {
      const u = ulps(Number(got[i]), w, s.y.dtype as "float32" | "float64");
      if (u === 0) exact++;
      worst = Math.max(worst, u);
    });
    // Measured: float32 all but ~0.01% identical, float64 all but ~0.1% (the rest 1-3 ulp apart).
    assert.ok(exact / want.length >= 0.995, `only ${exact}/${want.length} identical`);
    assert.ok(worst <= (s.y.dtype === "float32" ? 2 : 1000), `worst ${worst} ulp`);
  });
}

function runInit(c: InitCase, t: torch.Tensor, extra: Record<string, unknown> = {}): void {
  const opts = { ...c.call.opts, ...extra };
  const inits = { truncNormal_: nn.init.truncNormal_, orthogonal_: nn.init.orthogonal_, eye_: nn.init.eye_, dirac_: nn.init.dirac_ };
  const fn = inits[c.name.split(".")[0] as keyof typeof inits];
  (fn as (t: torch.Tensor, ...a: unknown[]) => torch.Tensor)(t, ...c.call.args, ...(Object.keys(opts).length ? [opts] : []));
}

for (const c of fx.inits) {
  test(`nn.init.${c.name} after manualSeed(${c.seed}) is PyTorch's, and leaves the generator where PyTorch does`, () => {
    torch.manualSeed(c.seed);
    const t = torch.empty(c.shape, { dtype: c.dtype });
    runInit(c, t);
    const got = t.contiguousData();
    const want = c.value.data.map((v) => decodeValue(v) as number);
    if (c.name.startsWith("truncNormal_")) {
      // The uniform draws are PyTorch's exactly; erfinv is (see above) to the last bit or within an ulp or two.
      want.forEach((w, i) => assert.ok(ulps(Number(got[i]), w, c.dtype) <= (c.dtype === "float32" ? 2 : 8), `[${i}] ${got[i]} vs ${w}`));
    } else if (!c.name.startsWith("orthogonal_")) {
      assert.deepEqual(Array.from(got, Number), want, "eye_ / dirac_ values");
    } else {
      // QR in float64 here, LAPACK in the tensor's dtype there: Q agrees to the latter's rounding.
      const tol = c.dtype === "float32" ? 1e-6 : 1e-13;
      want.forEach((w, i) => assert.ok(Math.abs(Number(got[i]) - w) <= tol * Math.max(1, Math.abs(w)), `[${i}] ${got[i]} vs ${w}`));
    }
    assert.deepEqual(torch.rand(3, { dtype: c.dtype }).tolist(), c.after.data);
  });
}

test("orthogonal_ gives orthonormal rows or columns, scaled by the gain", () => {
  for (const [shape, gain] of [[[5, 3], 1], [[3, 7], 2], [[4, 2, 3], 0.5]] as const) {
    const w = nn.init.orthogonal_(torch.empty([...shape], { dtype: "float64" }), gain);
    const m = w.reshape(shape[0], -1);
    const gram = m.shape[0]! >= m.shape[1]! ? m.t().matmul(m) : m.matmul(m.t());
    const n = gram.shape[0]!;
    const eye = torch.eye(n, { dtype: "float64" }).mul(gain * gain);
    assert.ok(gram.sub(eye).abs().max().item() < 1e-12, `${shape}`);
  }
});

test("truncNormal_ and orthogonal_ with a generator draw from it, not from the default generator", () => {
  for (const c of [fx.inits[0]!, fx.inits[4]!]) {
    torch.manualSeed(123);
    const before = torch.rand(2).tolist();
    torch.manualSeed(123);
    const t = torch.empty(c.shape, { dtype: c.dtype });
    runInit(c, t, { generator: new torch.Generator().manualSeed(c.seed) });
    assert.deepEqual(torch.rand(2).tolist(), before, "default generator untouched");
    torch.manualSeed(c.seed);
    const u = torch.empty(c.shape, { dtype: c.dtype });
    runInit(c, u);
    assert.deepEqual(t.tolist(), u.tolist());
  }
});

test("truncNormal_ values stay in [a, b] and warn when the mean is far outside", () => {
  const t = nn.init.truncNormal_(torch.empty(1000), 0, 1, -0.5, 0.25);
  assert.ok(t.min().item() >= -0.5 && t.max().item() <= 0.25);
  const warnings: unknown[] = [];
  const orig = console.warn;
  console.warn = (m: unknown) => void warnings.push(m);
  try {
    nn.init.truncNormal_(torch.empty(3), { mean: 10, std: 1, a: -1, b: 1 });
  } finally {
    console.warn = orig;
  }
  assert.deepEqual(warnings, ["mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect."]);
});

test("init errors: PyTorch's for a 1-d orthogonal_, eye_ and dirac_ shapes, TypeErrors for bad arguments", () => {
  assertThrowsCase(fx.errors, "orthogonal_.1d", () => nn.init.orthogonal_(torch.empty(3)));
  assertThrowsCase(fx.errors, "eye_.3d", () => nn.init.eye_(torch.empty(2, 2, 2)));
  assertThrowsCase(fx.errors, "dirac_.2d", () => nn.init.dirac_(torch.empty(2, 2)));
  assertThrowsCase(fx.errors, "dirac_.groups", () => nn.init.dirac_(torch.empty(5, 2, 3), 2));
  assert.throws(() => nn.init.dirac_(torch.empty(2, 2, 3), { group: 1 } as never), /dirac_\(\) got an unexpected keyword argument 'group'/);
  assert.throws(() => nn.init.dirac_(torch.empty(2, 2, 3), 1.5), /argument 'groups' must be an integer/);
  assert.throws(() => nn.init.eye_(null as never), /argument 'tensor' must be a Tensor/);
  assert.throws(() => nn.init.truncNormal_(torch.empty(3), { sdt: 1 } as never), /truncNormal_\(\) got an unexpected keyword argument 'sdt'/);
  assert.throws(() => nn.init.truncNormal_(torch.empty(3), "0" as never), /argument 'mean' must be a number/);
  assert.throws(() => nn.init.orthogonal_(torch.empty(3, 3), { generator: 5 } as never), /argument 'generator' must be a torch.Generator, but got number 5/);
  assert.throws(() => nn.init.orthogonal_([1, 2] as never), /argument 'tensor' must be a Tensor/);
});

test("the C library's erf and erff, which erfinv's Newton steps call, are glibc's (where no exp is involved, bit for bit)", () => {
  const libm = fx.libm;
  const d = new DataView(new ArrayBuffer(8));
  const f64 = (hex: string): number => (d.setBigUint64(0, BigInt(`0x${hex}`)), d.getFloat64(0));
  const f32 = (hex: string): number => (d.setUint32(0, Number(`0x${hex}`)), d.getFloat32(0));
  for (const [name, fn, read] of [["erf", erf, f64], ["erff", erff, f32]] as const) {
    let exact = 0;
    let exactWithoutExp = 0;
    let withoutExp = 0;
    for (const [xh, yh] of libm[name]) {
      const x = read(xh);
      const same = Object.is(fn(x), read(yh));
      if (same) exact++;
      if (Math.abs(x) < 1.25 || Math.abs(x) >= 6) {
        withoutExp++;
        if (same) exactWithoutExp++;
      }
    }
    assert.equal(exactWithoutExp, withoutExp, `${name}: every |x| < 1.25 or >= 6 identical`);
    assert.ok(exact / libm[name].length >= 0.99, `${name}: ${exact}/${libm[name].length} identical`);
  }
});

test("a dirac_-initialised convolution passes its input through (per group), as PyTorch documents", () => {
  const conv = new nn.Conv2d(4, 4, 3, { padding: 1, bias: false, groups: 2 });
  nn.init.dirac_(conv.weight, 2);
  const x = torch.randn(1, 4, 5, 5);
  assert.deepEqual(conv.forward(x).tolist(), x.tolist());
  const t = torch.empty(2, 3);
  assert.equal(nn.init.eye_(t), t, "eye_ returns the tensor it filled");
  assert.equal(nn.init.dirac_(conv.weight), conv.weight, "dirac_ returns the tensor it filled");
});
