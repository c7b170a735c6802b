// The fixture suites (real PyTorch's values) on webgpu: every op, layer and optimizer case the
// CPU suites run, through the same check functions, in one process so each kernel variant
// compiles once (SwiftShader's JIT takes tens of milliseconds per kernel).
//
// Tolerances: each suite's own float32 tolerance, the one its CPU float32 cases meet (ops:
// rel 1e-5 + abs 1e-6 per element; layers and functional forms: 1e-4 norm-wise; sequence
// models: rel 1e-4 + abs 1e-6; optimizers: rel 1e-4 over 20 steps; clipping: rel 1e-5;
// dropout masks and indexing: float32 rounding). WGSL has no float64, so a float64 case runs
// in float32 ("demoted": inputs cast on the CPU, then uploaded) against the same float32
// tolerance; a case that uses what webgpu does not have is listed in NOT_ON_WEBGPU with the
// reason and the error webgpu raises for it, which the test asserts; a case whose inputs cannot
// be demoted runs as its float32 twin (FLOAT64_ONLY).
import assert from "node:assert/strict";
import { test } from "node:test";
import { webgpuSkipReason, type DeviceName } from "./devices.ts";
import { checkOpCase } from "./ops/fixture-check.ts";
import { loadOpCases, TOL } from "./ops/fixture-io.ts";
import { checkFunctionalCase, loadFunctionalCases } from "./nn/functional-check.ts";
import { checkLayerCase, loadModuleCases } from "./nn/module-check.ts";
import { checkDropoutCase, checkMaxPoolCase, loadDropoutCases, loadMaxPoolCases } from "./nn/maxpool-dropout-check.ts";
import { checkMhaCase, checkRnnCase, checkSdpaCase, checkTransformerCase, loadSeqCases } from "./nn/seq-cases.ts";
import { checkIndexCase, indexCases, indexForms } from "./subscript-check.ts";
import { checkClipGradCase, checkOptimizerCase, checkSaveResume, clipCases, clipLabel, fx as optimFx, SAVE_RESUME_CASES } from "./optim-check.ts";

const skipReason = await webgpuSkipReason();
const W: DeviceName = "webgpu";

/** Cases that do not run on webgpu, why, and the error webgpu raises for them (asserted). */
const NOT_ON_WEBGPU: Record<string, { reason: string; error: RegExp }> = {
  "ops int64.to_float": { reason: "its result is float64", error: /Cannot convert a WebGPU Tensor to float64 dtype/ },
  "ops int64.pow": { reason: "pow of int64 has no webgpu kernel", error: /"pow" not implemented for 'Long' on webgpu/ },
  "ops int64.matmul": { reason: "matmul of int64 has no webgpu kernel", error: /"bmm" not implemented for 'Long' on webgpu/ },
  "ops dot.int": { reason: "a matrix product of int64 has no webgpu kernel", error: /"bmm" not implemented for 'Long' on webgpu/ },
  "ops indexAdd.int": { reason: "scatter-add of int64 has no webgpu kernel", error: /"scatter_add" not implemented for 'Long' on webgpu/ },
  "layer BatchNorm2d.cumulative float64": { reason: "momentum=None divides by num_batches_tracked, a device value", error: /momentum=None \(a cumulative average\)/ },
  "layer BatchNorm2d.cumulative float32": { reason: "momentum=None divides by num_batches_tracked, a device value", error: /momentum=None \(a cumulative average\)/ },
};
for (const name of ["svdvals", "svdvals.wide", "matrixNorm.nuc", "matrixNorm.2", "matrixNorm.neg2"]) {
  NOT_ON_WEBGPU[`ops ${name}`] = { reason: "the SVD runs on the host (Backend.svd)", error: /linalg\.svdvals\(\): the tensor is on webgpu:0, whose values are read asynchronously/ };
}
NOT_ON_WEBGPU["ops repeatInterleave.tensor"] = { reason: "the output size depends on the repeats' values", error: /repeat_interleave\(repeats\): the tensor is on webgpu:0, whose values are read asynchronously/ };
// Their result's size (unique, bincount) or the work itself (histogram, binary search, running
// extremes) reads the values on the host, as PyTorch's CPU kernels do.
for (const name of ["unique", "unique.inverse_counts", "unique.inverse_counts/float32", "unique.dim0", "unique.dim1", "unique.bool", "unique.method"]) {
  NOT_ON_WEBGPU[`ops ${name}`] = { reason: "the output size depends on the values", error: /unique\(\): the tensor is on webgpu:0, whose values are read asynchronously/ };
}
for (const name of ["bincount", "bincount.weights", "bincount.weights_f32", "bincount.minlength"]) {
  NOT_ON_WEBGPU[`ops ${name}`] = { reason: "the output size depends on the values", error: /bincount\(\): the tensor is on webgpu:0, whose values are read asynchronously/ };
}
for (const name of ["histc", "histc.data_range", "histc.data_range/float32", "histc.method"]) {
  NOT_ON_WEBGPU[`ops ${name}`] = { reason: "the histogram is counted on the host", error: /histc\(\): the tensor is on webgpu:0, whose values are read asynchronously/ };
}
for (const name of ["searchsorted", "searchsorted.right", "searchsorted.side_2d", "searchsorted.sorter", "searchsorted.int32", "bucketize", "bucketize.right"]) {
  NOT_ON_WEBGPU[`ops ${name}`] = { reason: "the binary search runs on the host", error: /(searchsorted|bucketize)\(\): the tensor is on webgpu:0, whose values are read asynchronously/ };
}
for (const name of ["cummax", "cummax.dim", "cummax.dim/float32", "cummax.nan", "cummin", "cummin.int"]) {
  NOT_ON_WEBGPU[`ops ${name}`] = { reason: "the running extreme is taken on the host", error: /cum(max|min)\(\): the tensor is on webgpu:0, whose values are read asynchronously/ };
}
for (const name of ["mode", "mode.dim_ties", "mode.distinct_keepdim", "mode.distinct_keepdim/float32"]) {
  NOT_ON_WEBGPU[`ops ${name}`] = { reason: "the values are counted on the host", error: /mode\(\): the tensor is on webgpu:0, whose values are read asynchronously/ };
}
for (const name of ["unique_consecutive", "unique_consecutive.dim0", "unique_consecutive.plain", "unique_consecutive.plain/float32"]) {
  NOT_ON_WEBGPU[`ops ${name}`] = { reason: "the output size depends on the values", error: /uniqueConsecutive\(\): the tensor is on webgpu:0, whose values are read asynchronously/ };
}
for (const c of loadOpCases()) {
  const op = c.fn.split(".")[0]!;
  if (op === "lgamma" || op === "digamma" || op === "polygamma") NOT_ON_WEBGPU[`ops ${c.name}`] = { reason: "the gamma family has no WGSL kernel yet", error: new RegExp(`"${op}" not implemented for 'Float' on webgpu`) };
}
NOT_ON_WEBGPU["ops tensor_split.tensor"] = { reason: "PyTorch too wants the sections tensor on the CPU", error: /tensor_split expected tensor_indices_or_sections to be on cpu, but it's on webgpu:0/ };
const EMBEDDING_HOST = { reason: "maxNorm and scaleGradByFreq read the indices on the host", error: /embedding\(\): maxNorm and scaleGradByFreq need the indices on the CPU, but they are on webgpu:0/ };
NOT_ON_WEBGPU["F embedding.max_norm_scale_grad"] = EMBEDDING_HOST;
for (const name of ["Embedding.max_norm", "Embedding.max_norm_p1_padding_scale_grad", "Embedding.scale_grad_by_freq"]) {
  for (const dtype of ["float64", "float32"]) NOT_ON_WEBGPU[`layer ${name} ${dtype}`] = EMBEDDING_HOST;
}
// CTC's forward-backward recursions run on the host, as ATen's CPU kernels (src/nn/functional/ctcLoss.ts)
const CTC_HOST = { reason: "the CTC recursions run on the host", error: /ctcLoss\(\): the tensor is on webgpu:0, whose values are read asynchronously/ };
for (const name of ["ctcLoss", "ctcLoss.concat_blank_sum", "ctcLoss.none_zero_infinity", "ctcLoss.unbatched", "ctcLoss.logprobs_leaf"]) NOT_ON_WEBGPU[`F ${name}`] = CTC_HOST;
for (const name of ["CTCLoss", "CTCLoss.blank_sum_zero_infinity"]) {
  for (const dtype of ["float64", "float32"]) NOT_ON_WEBGPU[`layer ${name} ${dtype}`] = CTC_HOST;
}
// given on the device, fractional max pooling's samples are read on the host (drawn, they come from the CPU generator)
const FRACTIONAL_HOST = { reason: "its given samples are read on the host", error: /fractionalMaxPool2d: the tensor is on webgpu:0, whose values are read asynchronously/ };
NOT_ON_WEBGPU["F fractionalMaxPool2d"] = FRACTIONAL_HOST;
NOT_ON_WEBGPU["F fractionalMaxPool2d.unbatched"] = FRACTIONAL_HOST;
NOT_ON_WEBGPU["F fractionalMaxPool3d"] = { ...FRACTIONAL_HOST, error: /fractionalMaxPool3d: the tensor is on webgpu:0, whose values are read asynchronously/ };
for (const dtype of ["float64", "float32"]) {
  NOT_ON_WEBGPU[`layer FractionalMaxPool2d ${dtype}`] = FRACTIONAL_HOST;
  NOT_ON_WEBGPU[`layer FractionalMaxPool3d ${dtype}`] = { ...FRACTIONAL_HOST, error: /fractionalMaxPool3d: the tensor is on webgpu:0, whose values are read asynchronously/ };
}
for (const c of loadDropoutCases()) {
  if (c.fn === "rrelu" || c.fn === "RReLU") NOT_ON_WEBGPU[`dropout ${c.name}`] = { reason: "rrelu draws a slope only for the non-positive elements, which it reads on the host", error: /rrelu\(training=True\): the tensor is on webgpu:0, whose values are read asynchronously: use F\.rrelu\(await x\.cpuAsync\(\), \.\.\.\)/ };
}
for (const c of optimFx.cases) {
  if (c.optimizer === "LBFGS") NOT_ON_WEBGPU[`optim ${c.name}`] = { reason: "LBFGS reads values on the host every iteration", error: /LBFGS is not available for parameters on webgpu:0 yet/ };
}

function run(key: string, title: string, check: () => Promise<void>): void {
  const no = NOT_ON_WEBGPU[key];
  if (skipReason) test(`webgpu ${title}`, { skip: skipReason }, () => {});
  else if (!no) test(`webgpu ${title}`, check);
  else test(`webgpu ${title}: raises (${no.reason})`, () => assert.rejects(check, no.error));
}

/**
 * float64 cases whose inputs have no float32 value (1e-300 is 0, 1e308 is inf, 1e18 is not
 * exact): demoted, PyTorch's float64 answer is not the float32 one. On webgpu they run as their
 * "/float32" twin, which PyTorch computed on the same inputs rounded to float32.
 */
// (normal's: float64 draws are not float32's, so a demoted float64 case cannot match)
const FLOAT64_ONLY = ["sign.at_zero", "isfinite", "int64.from_float", "isinf", "isposinf", "nanToNum", "hypot.large", "normal.tensor_tensor", "normal.tensor_float", "normal.float_tensor"];
const opCases = loadOpCases();
for (const name of FLOAT64_ONLY) {
  assert.ok(opCases.some((c) => c.name === `${name}/float32`), `ops.json has no ${name}/float32 twin for webgpu`);
}
for (const c of opCases) {
  if (!FLOAT64_ONLY.includes(c.name)) run(`ops ${c.name}`, `ops ${c.name}: ${c.expr}`, () => checkOpCase(c, W, TOL.float32));
}
for (const c of indexCases) {
  for (const [how, index] of indexForms(c)) run(`index ${c.name}`, `index ${c.kind} ${c.name} (${how})`, () => checkIndexCase(c, index, W));
}
// float64 cases whose random draws differ in float32 (their "_float32" twins run instead)
const F_FLOAT64_ONLY = ["fractionalMaxPool2d.seeded_ratio", "fractionalMaxPool3d.seeded_ratio"];
for (const c of loadFunctionalCases()) if (!F_FLOAT64_ONLY.includes(c.name)) run(`F ${c.name}`, `F.${c.name}`, () => checkFunctionalCase(c, W));
for (const c of loadModuleCases()) run(`layer ${c.name} ${c.dtype}`, `layer ${c.name} (${c.dtype})`, () => checkLayerCase(c, W));
for (const c of loadMaxPoolCases()) run(`maxpool ${c.name}`, `maxPool${c.nd}d ${c.name}`, () => checkMaxPoolCase(c, W));
for (const c of loadDropoutCases()) run(`dropout ${c.name}`, `dropout ${c.name}`, () => checkDropoutCase(c, W));
const seq = loadSeqCases();
for (const c of seq.rnn) run(`rnn ${c.name}`, `${c.module} ${c.name}`, () => checkRnnCase(c, W));
for (const c of seq.sdpa) run(`sdpa ${c.name}`, `scaledDotProductAttention ${c.name}`, () => checkSdpaCase(c, W));
for (const c of seq.mha) run(`mha ${c.name}`, `MultiheadAttention ${c.name}`, () => checkMhaCase(c, W));
for (const c of seq.transformer) run(`transformer ${c.name}`, `${c.module} ${c.name}`, () => checkTransformerCase(c, W));
for (const c of optimFx.cases) run(`optim ${c.name}`, `optim ${c.name}`, () => checkOptimizerCase(c, W));
for (const name of SAVE_RESUME_CASES) {
  const c = optimFx.cases.find((k) => k.name === name)!;
  run(`optim ${c.name}`, `optim ${name}: 10 steps + state dicts + 10 steps == 20 steps`, () => checkSaveResume(c, W));
}
for (const c of clipCases) run(`clip ${clipLabel(c)}`, `clipGrad ${clipLabel(c)}`, () => checkClipGradCase(c, W));
