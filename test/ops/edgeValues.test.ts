// Ops and their gradients at special values against real PyTorch (tools/gen_edge_fixture.py):
// NaN, ±inf, ±0, 1e±30 and a float32 subnormal in one input vector. Where a value is NaN or
// infinite in PyTorch it must be the same here (an overflowing exponential in a branch `where`
// does not take gave 0 * inf = NaN gradients: elu, selu, celu, softplus and mish at x >= 89 in
// float32; logsigmoid's gradient at 0 was 0 instead of 1/2; sign(NaN) was NaN, PyTorch's is 0;
// max() over a NaN gave NaN gradients everywhere instead of 1 at the NaN). Then reductions and
// normalizations over flat vectors (std of a constant input and F.normalize of a zero vector had
// NaN gradients; PyTorch's are 0 and 1 / eps). Finite values agree to
// a few float32 / float64 roundings (relative 1e-4 / 1e-9 of max(1, |value|)).
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../../src/index.ts";

type T = torch.Tensor;
type Cell = number | "nan" | "inf" | "-inf";
const fx = JSON.parse(readFileSync(new URL("../fixtures/edge_values.json", import.meta.url), "utf8")) as { x: Cell[]; vectors: Record<string, number[]>; cases: Record<string, { expr: string; y: Cell[]; grad: Cell[] }> };
const dec = (v: Cell): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);
const { F } = torch;

/** The torch-ts form of each PyTorch expression in the fixture. */
const OPS: Record<string, (x: T) => T> = {
  exp: (x) => x.exp(), log: (x) => x.log(), log1p: (x) => x.log1p(), expm1: (x) => x.expm1(), sqrt: (x) => x.sqrt(), rsqrt: (x) => x.rsqrt(),
  tanh: (x) => x.tanh(), sigmoid: (x) => x.sigmoid(), relu: (x) => x.relu(), abs: (x) => x.abs(), sign: (x) => x.sign(),
  sin: (x) => x.sin(), cos: (x) => x.cos(), tan: (x) => x.tan(), asin: (x) => x.asin(), acos: (x) => x.acos(), atan: (x) => x.atan(),
  sinh: (x) => x.sinh(), cosh: (x) => x.cosh(), asinh: (x) => x.asinh(), acosh: (x) => x.acosh(), atanh: (x) => x.atanh(),
  erf: (x) => torch.erf(x), erfc: (x) => torch.erfc(x), erfinv: (x) => torch.erfinv(x), reciprocal: (x) => x.reciprocal(), square: (x) => x.square(),
  pow2: (x) => x.pow(2), pow_half: (x) => x.pow(0.5), pow_neg1: (x) => x.pow(-1), pow3: (x) => x.pow(3), pow_1_5: (x) => x.pow(1.5), pow0: (x) => x.pow(0),
  exp2: (x) => torch.exp2(x), log2: (x) => torch.log2(x), log10: (x) => torch.log10(x), frac: (x) => torch.frac(x), floor: (x) => torch.floor(x), round: (x) => torch.round(x),
  softplus: (x) => F.softplus(x), softplus_beta: (x) => F.softplus(x, 2, 5), gelu: (x) => F.gelu(x), gelu_tanh: (x) => F.gelu(x, { approximate: "tanh" }),
  silu: (x) => F.silu(x), mish: (x) => F.mish(x), elu: (x) => F.elu(x, 0.7), selu: (x) => F.selu(x), celu: (x) => F.celu(x, 1.3),
  leaky: (x) => F.leakyRelu(x, 0.1), logsigmoid: (x) => F.logsigmoid(x), softsign: (x) => F.softsign(x), hardtanh: (x) => F.hardtanh(x),
  hardswish: (x) => F.hardswish(x), hardsigmoid: (x) => F.hardsigmoid(x), relu6: (x) => F.relu6(x), tanhshrink: (x) => F.tanhshrink(x),
  logit: (x) => torch.logit(x), logit_eps: (x) => torch.logit(x, 0.25), lgamma: (x) => torch.lgamma(x), xlogy: (x) => torch.xlogy(x, x), nan_to_num: (x) => torch.nanToNum(x),
  clamp: (x) => torch.clamp(x, -1, 1), logaddexp: (x) => torch.logaddexp(x, x), atan2: (x) => torch.atan2(x, x), hypot: (x) => torch.hypot(x, x),
  fmod: (x) => torch.fmod(x, 2.5), remainder: (x) => torch.remainder(x, 2.5), softmax: (x) => torch.softmax(x, 0), log_softmax: (x) => torch.logSoftmax(x, 0),
  logsumexp: (x) => torch.logsumexp(x, 0), norm: (x) => x.norm(), var: (x) => x.var(), std: (x) => x.std(), mean: (x) => x.mean(), prod: (x) => x.prod(),
  cumsum: (x) => x.cumsum(0), max: (x) => x.max(), min: (x) => x.min(), amax: (x) => x.amax(), amin: (x) => x.amin(), median: (x) => x.median(),
  sort: (x) => x.sort().values, maximum: (x) => torch.maximum(x, x.flip(0)), minimum: (x) => torch.minimum(x, x.flip(0)),
  div: (x) => x.div(x.flip(0)), mul: (x) => x.mul(x.flip(0)), sub: (x) => x.sub(x.flip(0)),
  mse: (x) => F.mseLoss(x, x.flip(0)), l1: (x) => F.l1Loss(x, x.flip(0)), smoothl1: (x) => F.smoothL1Loss(x, x.flip(0)), huber: (x) => F.huberLoss(x, x.flip(0)),
  normalize: (x) => F.normalize(x.reshape(1, -1)), cos_sim: (x) => F.cosineSimilarity(x.reshape(1, -1), x.flip(0).reshape(1, -1)),
  ce: (x) => F.crossEntropy(x.reshape(1, -1), torch.tensor([2])), nll: (x) => F.nllLoss(x.reshape(1, -1), torch.tensor([3])),
  layer_norm: (x) => F.layerNorm(x, x.shape), dist: (x) => torch.dist(x, x.flip(0)), cdist: (x) => torch.cdist(x.reshape(1, -1, 1), x.reshape(1, -1, 1)),
};

/** The torch-ts form of each flat-vector case ("op@vector"). */
const FLAT: Record<string, (x: T) => T> = {
  norm: (x) => x.norm(), norm1: (x) => x.norm(1), norminf: (x) => x.norm(Infinity), std: (x) => x.std(), var: (x) => x.var(),
  std_mean: (x) => torch.stdMean(x)[0], normalize: (x) => F.normalize(x.reshape(1, -1)),
  cos_sim: (x) => F.cosineSimilarity(x.reshape(1, -1), torch.arange(6, { dtype: x.dtype }).reshape(1, -1)),
  softmax: (x) => torch.softmax(x, 0), log_softmax: (x) => torch.logSoftmax(x, 0), logsumexp: (x) => torch.logsumexp(x, 0),
  sqrt: (x) => x.sqrt(), pow_half: (x) => x.pow(0.5), layer_norm: (x) => F.layerNorm(x, x.shape), prod: (x) => x.prod(),
  batch_norm: (x) => F.batchNorm(x.reshape(6, 1), null, null, { training: true }), group_norm: (x) => F.groupNorm(x.reshape(1, 6, 1), 2),
  instance_norm: (x) => F.instanceNorm(x.reshape(1, 1, 6)), median: (x) => x.median(), max: (x) => x.max(), amax: (x) => x.amax(),
};

const kind = (v: number): string => (Number.isNaN(v) ? "NaN" : v === Infinity ? "+inf" : v === -Infinity ? "-inf" : "finite");

test("every fixture case has a torch-ts form and every form a case", () => {
  const keys = Object.keys(fx.cases).map((k) => k.split("/")[0]!);
  const names = new Set(keys.filter((k) => !k.includes("@"))), flat = new Set(keys.filter((k) => k.includes("@")).map((k) => k.split("@")[0]!));
  assert.deepEqual([...names].filter((n) => !(n in OPS)), []);
  assert.deepEqual(Object.keys(OPS).filter((n) => !names.has(n)), []);
  assert.deepEqual([...flat].filter((n) => !(n in FLAT)), []);
  assert.deepEqual(Object.keys(FLAT).filter((n) => !flat.has(n)), []);
});

for (const [key, c] of Object.entries(fx.cases)) {
  const [op, dtype] = key.split("/") as [string, "float32" | "float64"];
  const [name, vector] = op.split("@") as [string, string | undefined];
  const input = vector === undefined ? fx.x.map(dec) : fx.vectors[vector]!;
  test(`${key}: ${c.expr} and its gradient at ${vector === undefined ? "NaN, ±inf, ±0, 1e±30" : `[${input.join(", ")}]`}`, () => {
    const x = torch.tensor(input, { dtype, requiresGrad: true });
    const y = (vector === undefined ? OPS : FLAT)[name]!(x);
    y.backward(torch.onesLike(y));
    const tol = dtype === "float32" ? 1e-4 : 1e-9;
    for (const [what, got, want] of [["value", y.detach().reshape(-1).tolist() as number[], c.y], ["gradient", x.grad!.reshape(-1).tolist() as number[], c.grad]] as const) {
      want.map(dec).forEach((w, i) => {
        const g = got[i]!;
        const ok = kind(g) === kind(w) && (kind(w) !== "finite" || Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)));
        assert.ok(ok, `${what} [${i}]: ${g}, PyTorch ${w}`);
      });
    }
  });
}
