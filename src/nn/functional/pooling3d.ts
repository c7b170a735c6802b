// 3-d pooling over [n, c, d, h, w] (or [c, d, h, w]) as 2-d pooling of every depth slice, then
// the depth windows:
// - average pooling is separable: a window's sum is the sum over its depth taps of their plane
//   sums, and PyTorch's divisor is the product of per-dim counts, so a [outD, D] matrix of
//   1 / depth count finishes the 2-d averages (divisor_override: the 2-d pass divides by it);
// - max pooling takes, per output depth, the max over its depth taps of the slices' 2-d maxima:
//   the valid taps in order, then padding taps holding -inf, so the first max wins as in
//   PyTorch's (t, h, w) scan (several NaN in one window: PyTorch's index is the last one's,
//   here the first NaN tap's; the values agree);
// - adaptive average pooling is three averaging matrices.
import { bool, checkTensor, intOrInts, nullable, param, parseArgs, type Args, type ArgsWithOptions } from "../../args.ts";
import { RuntimeError } from "../../errors.ts";
import { fmtShape } from "../../layout.ts";
import { allocate, isFloating, scalarTypeName, type NumArray } from "../../dtype.ts";
import { fromHost } from "../../ops/alloc.ts";
import { full } from "../../ops/creation.ts";
import { cat } from "../../ops/shape.ts";
import { windowCount, type Pair } from "../../ops/conv.ts";
import type { Tensor } from "../../tensor.ts";
import { adaptiveMaxOf, adaptiveSizes, averagingMatrix, avgPool2d, divisorOverrideArg, maxPool2d, outputSizeArg, type AvgPoolOptions, type MaxPoolOptions, type OutputSize, type WithIndices } from "./pooling.ts";

/** A 3-tuple argument, with PyTorch's message for another length. */
function triple(v: Pair, op: string, name: string, words: string): number[] {
  const a = typeof v === "number" ? [v] : [...v];
  if (a.length === 1) return [a[0]!, a[0]!, a[0]!];
  if (a.length !== 3) throw new RuntimeError(`${op}: ${name} must ${words}`);
  return a;
}

interface Pool3d {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  /** [n * c, D, H, W]: the depth dim as the 2-d pooling's channels */
  planes: Tensor;
  lead: number[];
  spatial: number[];
  outD: number;
}

/** PyTorch 1.13's checks of 3-d pooling arguments, in its words (the modules call it at construction). */
export function checkPool3dArgs(op: "max_pool3d" | "avg_pool3d", kernelSize: Pair, stride: Pair | null, padding: Pair, dilation: Pair): { k: number[]; s: number[]; p: number[]; d: number[] } {
  const k = triple(kernelSize, op, "kernel_size", "be a single int, or a tuple of three ints");
  const noStride = stride === null || (Array.isArray(stride) && stride.length === 0);
  const s = noStride ? k : triple(stride, op, "stride", "either be omitted, a single int, or a tuple of three ints");
  const p = triple(padding, op, "padding", "be a single int, or a tuple of three ints");
  const d = triple(dilation, op, "dilation", "be a single int, or a tuple of three ints");
  if (s.includes(0)) throw new RuntimeError("stride should not be zero");
  if (k.some((v) => v <= 0)) throw new RuntimeError(`kernel size should be greater than zero, but got kT: ${k[0]} kH: ${k[1]} kW: ${k[2]}`);
  if (d.some((v) => v <= 0)) throw new RuntimeError(`dilation should be greater than zero, but got dilationT: ${d[0]} dilationH: ${d[1]} dilationW: ${d[2]}`);
  for (let i = 0; i < 3; i++) {
    if (p[i]! > Math.floor(k[i]! / 2)) throw new RuntimeError(`pad should be at most half of kernel size, but got pad=${p[i]} and kernel_size=${k[i]}`);
  }
  return { k, s, p, d };
}

/** The checked arguments and the input as 2-d pooling sees it. */
function geometry(op: "max_pool3d" | "avg_pool3d", x: Tensor, kernelSize: Pair, stride: Pair | null, padding: Pair, dilation: Pair, ceilMode: boolean): Pool3d {
  if (x.dim() !== 4 && x.dim() !== 5) throw new RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input");
  const { k, s, p, d } = checkPool3dArgs(op, kernelSize, stride, padding, dilation);
  const spatial = x.shape.slice(-3);
  const out = spatial.map((sz, i) => windowCount(sz, k[i]!, s[i]!, p[i]!, d[i]!, ceilMode));
  if (out.some((o) => o < 1)) {
    const c = x.shape[x.dim() - 4]!;
    throw new RuntimeError(`Given input size: (${[c, ...spatial].join("x")}). Calculated output size: (${[c, ...out].join("x")}). Output size is too small`);
  }
  return { k, s, p, d, planes: x.reshape(-1, ...spatial), lead: x.shape.slice(0, -3), spatial, outD: out[0]! };
}

/** Per output depth, the input depths its window reads (dilated, inside the input), in order. */
function depthTaps(g: Pool3d): number[][] {
  const taps: number[][] = [];
  for (let o = 0; o < g.outD; o++) {
    const t: number[] = [];
    for (let j = 0; j < g.k[0]!; j++) {
      const at = o * g.s[0]! - g.p[0]! + j * g.d[0]!;
      if (at >= 0 && at < g.spatial[0]!) t.push(at);
    }
    taps.push(t);
  }
  return taps;
}

/** The options of `F.avgPool3d` (as avgPool2d's). */
export type AvgPool3dOptions = AvgPoolOptions;
const AVG_POOL_3D = [param("stride", nullable(intOrInts), null), param("padding", intOrInts, 0), param("ceilMode", bool, false), param("countIncludePad", bool, true), param("divisorOverride", divisorOverrideArg, null)];

/** F.avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export function avgPool3d(input: Tensor, kernelSize: Pair, ...args: Args<[stride: Pair | null, padding: Pair, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPool3dOptions>): Tensor {
  const x = checkTensor(input, "input", "avgPool3d");
  const o = parseArgs<Required<AvgPool3dOptions>>("avgPool3d", AVG_POOL_3D, args);
  const g = geometry("avg_pool3d", x, intOrInts(kernelSize, "kernelSize", "avgPool3d"), o.stride, o.padding, 1, o.ceilMode);
  const planes = avgPool2d(g.planes, g.k.slice(1), { stride: g.s.slice(1), padding: g.p.slice(1), ceilMode: o.ceilMode, countIncludePad: o.countIncludePad, divisorOverride: o.divisorOverride });
  // [outD, D]: each output depth's window, over PyTorch's depth count (1 with divisor_override)
  const D = g.spatial[0]!;
  const m = allocate(x.dtype, g.outD * D) as NumArray;
  for (let od = 0; od < g.outD; od++) {
    const start = od * g.s[0]! - g.p[0]!;
    const end = Math.min(start + g.k[0]!, D + g.p[0]!);
    const [from, to] = [Math.max(start, 0), Math.min(end, D)];
    const count = o.divisorOverride !== null ? 1 : o.countIncludePad ? end - start : to - from;
    for (let t = from; t < to; t++) m[od * D + t] = 1 / count;
  }
  const depth = fromHost(m, [g.outD, D], x.dtype, x.device);
  const out = planes.movedim(1, -1).matmul(depth.t()).movedim(-1, 1);
  return out.reshape([...g.lead, g.outD, out.shape[2]!, out.shape[3]!]);
}

const MAX_POOL_3D = [param("stride", nullable(intOrInts), null), param("padding", intOrInts, 0), param("dilation", intOrInts, 1), param("ceilMode", bool, false), param("returnIndices", bool, false)];
type MaxPool3dPositional = [stride: Pair | null, padding: Pair, dilation: Pair, ceilMode: boolean];

/** F.max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool3d(input: Tensor, kernelSize: Pair, ...args: Args<MaxPool3dPositional, MaxPoolOptions & { returnIndices?: false }> | [...MaxPool3dPositional, returnIndices: false]): Tensor;
export function maxPool3d(input: Tensor, kernelSize: Pair, ...args: [...MaxPool3dPositional, returnIndices: true] | ArgsWithOptions<MaxPool3dPositional, MaxPoolOptions & { returnIndices: true }>): WithIndices;
export function maxPool3d(input: Tensor, kernelSize: Pair, ...args: unknown[]): Tensor | WithIndices {
  const x = checkTensor(input, "input", "maxPool3d");
  const o = parseArgs<Required<MaxPoolOptions> & { returnIndices: boolean }>("maxPool3d", MAX_POOL_3D, args);
  const g = geometry("max_pool3d", x, intOrInts(kernelSize, "kernelSize", "maxPool3d"), o.stride, o.padding, o.dilation, o.ceilMode);
  const [D, H, W] = g.spatial as [number, number, number];
  const r = maxPool2d(g.planes, g.k.slice(1), { stride: g.s.slice(1), padding: g.p.slice(1), dilation: g.d.slice(1), ceilMode: o.ceilMode, returnIndices: true });
  // [m, oh, ow, D + 1]: depth last, an -inf plane at D for the taps in the padding
  const vals = r.values.movedim(1, -1);
  const ext = cat([vals, full([...vals.shape.slice(0, -1), 1], -Infinity, { dtype: x.dtype, device: x.device })], -1);
  const kd = g.k[0]!;
  const table = new Int32Array(g.outD * kd);
  depthTaps(g).forEach((taps, od) => {
    for (let j = 0; j < kd; j++) table[od * kd + j] = j < taps.length ? taps[j]! : D;
  });
  const lead = ext.shape.slice(0, -1);
  const index = fromHost(table, [g.outD * kd], "int32", x.device).expand([...lead, g.outD * kd]);
  const { values, indices: tap } = ext.gather(-1, index).view([...lead, g.outD, kd]).max(-1);
  const shape = [...g.lead, g.outD, r.values.shape[2]!, r.values.shape[3]!];
  const outValues = values.movedim(-1, 1).reshape(shape);
  if (!o.returnIndices) return outValues;
  // the chosen tap's depth and that slice's 2-d index: t * H * W + (h * W + w)
  const depthOf = index.view([...lead, g.outD, kd]).gather(-1, tap.unsqueeze(-1)).squeeze(-1).to("int64");
  // (every window has a tap inside the input: padding is at most half the kernel, and a ceil
  // window starts in the input or the left padding)
  const planeIdx = r.indices.movedim(1, -1).gather(-1, depthOf);
  const flat = depthOf.mul(H * W).add(planeIdx);
  return { values: outValues, indices: flat.movedim(-1, 1).reshape(shape) };
}

/** F.adaptive_avg_pool3d(input, output_size): a number or [d, h, w], null keeping a size. */
export function adaptiveAvgPool3d(input: Tensor, outputSize: OutputSize): Tensor;
export function adaptiveAvgPool3d(input: Tensor, outputSize: OutputSize, ...extra: unknown[]): Tensor {
  const x = checkTensor(input, "input", "adaptiveAvgPool3d");
  if (extra.length > 0) parseArgs("adaptiveAvgPool3d", [], extra);
  outputSizeArg(outputSize, "outputSize", "adaptiveAvgPool3d");
  const o = typeof outputSize === "number" ? [outputSize] : [...outputSize];
  if (o.some((v) => v !== null && v < 0)) throw new RuntimeError(`adaptive_avg_pool3d: elements of output_size must be greater than or equal to 0 but received {${o.map((v) => v ?? "None").join(", ")}}`);
  const [od, oh, ow] = adaptiveSizes(x, o, 3, "adaptive_avg_pool3d") as [number, number, number];
  const [d, h, w] = x.shape.slice(-3) as [number, number, number];
  const planes = averagingMatrix(h, oh, x).matmul(x).matmul(averagingMatrix(w, ow, x).t());
  return planes.movedim(-3, -1).matmul(averagingMatrix(d, od, x).t()).movedim(-1, -3);
}

/** adaptive_max_pool3d's checks and sizes (its own words: "but got: ", "internal error", a negative size's allocation error). */
function adaptiveMax3d(fn: string, input: unknown, outputSize: unknown): WithIndices {
  const x = checkTensor(input, "input", fn);
  const o = outputSizeArg(outputSize, "outputSize", fn);
  const raw = typeof o === "number" ? [o, o, o] : [...o];
  if (raw.length !== 3) throw new RuntimeError("adaptive_max_pool3d(): internal error: output_size.size() must be 3");
  if (x.dim() !== 4 && x.dim() !== 5) throw new RuntimeError(`adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: ${fmtShape(x.shape)}`);
  const sizes = adaptiveSizes(x, raw, 3, "adaptive_max_pool3d");
  const neg = sizes.find((v) => v < 0);
  if (neg !== undefined) throw new RuntimeError(`Trying to create tensor with negative dimension ${neg}: ${fmtShape([...x.shape.slice(0, -3), ...sizes])}`);
  if (!isFloating(x.dtype)) throw new RuntimeError(`"adaptive_max_pool3d_cpu" not implemented for '${scalarTypeName(x.dtype)}'`);
  return adaptiveMaxOf(x, sizes);
}

/** F.adaptive_max_pool3d(input, output_size, return_indices=False): an int, or [d, h, w] with null keeping a size. */
export function adaptiveMaxPool3d(input: Tensor, outputSize: OutputSize, ...args: [] | [returnIndices: false] | [options: { returnIndices?: false }]): Tensor;
export function adaptiveMaxPool3d(input: Tensor, outputSize: OutputSize, ...args: [returnIndices: true] | [options: { returnIndices: true }]): WithIndices;
export function adaptiveMaxPool3d(input: Tensor, outputSize: OutputSize, ...args: unknown[]): Tensor | WithIndices {
  const r = adaptiveMax3d("adaptiveMaxPool3d", input, outputSize);
  return parseArgs<{ returnIndices: boolean }>("adaptiveMaxPool3d", [param("returnIndices", bool, false)], args).returnIndices ? r : r.values;
}
