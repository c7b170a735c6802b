// The max-pooling primitive's cases (nn_maxpool_primitive.json: values, argmax indices with
// PyTorch's tie/NaN rules, gradients) and dropout's (nn_dropout.json: PyTorch's masks for a
// seed) on a device. Dropout draws its mask on the CPU with the seeded generator and uploads
// it, so the webgpu masks are PyTorch's too.
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { toDevice, toHost, type DeviceName } from "../devices.ts";
import { load, makeTensor, mismatch, type Stored } from "./fixture-io.ts";

const { F, nn } = torch;

export type MaxPoolCase = { name: string; nd: 1 | 2; kernel: number | number[]; opts: { stride?: number | number[]; padding?: number; dilation?: number; ceil_mode?: boolean }; x: Stored; values: Stored; indices: Stored; upstream: Stored; grad: Stored };
export const loadMaxPoolCases = (): MaxPoolCase[] => load<MaxPoolCase>("nn_maxpool_primitive.json");

async function same(t: torch.Tensor, want: Stored, what: string): Promise<void> {
  const got = await toHost(t);
  assert.deepEqual(got.shape, want.shape, `${what} shape`);
  const w = makeTensor(want).to("float64").contiguousData() as Float64Array;
  const g = got.to("float64").contiguousData() as Float64Array;
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i])) assert.ok(Number.isNaN(g[i]), `${what}[${i}] should be NaN`);
    else assert.ok(Math.abs(g[i] - w[i]) <= 1e-6 * Math.max(1, Math.abs(w[i])), `${what}[${i}]: ${g[i]} vs ${w[i]}`);
  }
}

export async function checkMaxPoolCase(c: MaxPoolCase, device: DeviceName = "cpu"): Promise<void> {
  const x = toDevice(makeTensor(c.x, true), device);
  const opts = { stride: c.opts.stride, padding: c.opts.padding, dilation: c.opts.dilation, ceilMode: c.opts.ceil_mode, returnIndices: true as const };
  const r = c.nd === 2 ? F.maxPool2d(x, c.kernel, opts) : F.maxPool1d(x, c.kernel, opts);
  await same(r.values, c.values, "values");
  assert.equal(r.indices.dtype, "int64");
  await same(r.indices, c.indices, "indices");
  r.values.mul(toDevice(makeTensor(c.upstream), device)).sum().backward();
  await same(x.grad!, c.grad, "grad");
}

export interface DropoutCase {
  name: string;
  /** the function, the module ("module" is nn.Dropout) or the sampler; p is tau for gumbel_softmax, lambd for exponential_ and lower for rrelu (upper 0.4) */
  fn: "dropout" | "dropout1d" | "dropout2d" | "dropout3d" | "alpha_dropout" | "feature_alpha_dropout" | "module" | "AlphaDropout" | "Dropout3d" | "FeatureAlphaDropout" | "gumbel_softmax" | "gumbel_softmax.hard" | "exponential_" | "rrelu" | "RReLU";
  p: number;
  seed: number;
  input: Stored;
  output: Stored;
}
export const loadDropoutCases = (): DropoutCase[] => load<DropoutCase>("nn_dropout.json");

export async function checkDropoutCase(c: DropoutCase, device: DeviceName = "cpu"): Promise<void> {
  const x = toDevice(makeTensor(c.input), device);
  torch.manualSeed(c.seed);
  const run: Record<DropoutCase["fn"], () => torch.Tensor> = {
    dropout: () => F.dropout(x, { p: c.p, training: true }),
    dropout1d: () => F.dropout1d(x, { p: c.p, training: true }),
    dropout2d: () => F.dropout2d(x, { p: c.p, training: true }),
    dropout3d: () => F.dropout3d(x, { p: c.p, training: true }),
    alpha_dropout: () => F.alphaDropout(x, { p: c.p, training: true }),
    feature_alpha_dropout: () => F.featureAlphaDropout(x, { p: c.p, training: true }),
    module: () => new nn.Dropout(c.p).forward(x) as torch.Tensor,
    AlphaDropout: () => new nn.AlphaDropout(c.p).forward(x) as torch.Tensor,
    Dropout3d: () => new nn.Dropout3d(c.p).forward(x) as torch.Tensor,
    FeatureAlphaDropout: () => new nn.FeatureAlphaDropout(c.p).forward(x) as torch.Tensor,
    gumbel_softmax: () => F.gumbelSoftmax(x, { tau: c.p }),
    "gumbel_softmax.hard": () => F.gumbelSoftmax(x, c.p, true),
    exponential_: () => x.clone().exponential_(c.p),
    rrelu: () => F.rrelu(x, c.p, 0.4, true),
    RReLU: () => new nn.RReLU().forward(x) as torch.Tensor,
  };
  const y = run[c.fn]();
  const exact = device === "cpu" && !c.fn.startsWith("gumbel");
  // exact on the CPU (gumbel_softmax: softmax's exp and sum round as PyTorch's vectorized
  // kernel may not, so 1e-6); on webgpu a demoted float64 case at float32's rounding
  assert.equal(mismatch(await toHost(y, c.output.dtype), c.output, exact ? 0 : device === "cpu" ? 1e-6 : 3e-6), null);
}
