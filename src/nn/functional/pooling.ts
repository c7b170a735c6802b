// Pooling: max pooling is a primitive (src/ops/pool.ts: one pass for values and argmax
// indices, gradient scattered back through the indices); average pooling reduces im2col's
// window axis; adaptive average pooling is two averaging matrices (it is separable); adaptive max pooling
// gathers each (variable-size) window. 1-d layers run as 2-d ones over a height-1 image.
//
// The F.* functions take PyTorch's positional arguments (F.maxPool2d(x, 2, 1): stride 1), then
// an options object; the arguments are checked as PyTorch checks them, with its messages
// (checkPoolArgs, which the pooling modules also call at construction).
import { bool, checkTensor, int, intOrInts, nullable, num, param, parseArgs, type Args, type ArgsWithOptions, type Checker } from "../../args.ts";
import type { Im2colGeometry } from "../../backends/backend.ts";
import { RuntimeError } from "../../errors.ts";
import { fmtShape } from "../../layout.ts";
import { fromHost } from "../../ops/alloc.ts";
import { im2col, windowCount, type Pair } from "../../ops/conv.ts";
import { maxPool2dWithIndices } from "../../ops/pool.ts";
import { allocate, type NumArray } from "../../dtype.ts";
import type { Tensor } from "../../tensor.ts";

/** The options of `F.maxPool1d` and `F.maxPool2d`. */
export interface MaxPoolOptions {
  /** Defaults to kernelSize (null or [] too). */
  stride?: Pair | null;
  /** Implicit negative-infinity padding on both sides, at most half the kernel size; PyTorch's default 0. */
  padding?: Pair;
  /** The spacing between kernel elements; PyTorch's default 1. */
  dilation?: Pair;
  /** Use ceil instead of floor for the output size (a last window may start in the right padding); PyTorch's default false. */
  ceilMode?: boolean;
  /** Return { values, indices }. */
  returnIndices?: boolean;
}
/** The options of `F.avgPool1d` and `F.avgPool2d`. */
export interface AvgPoolOptions {
  /** The window step; PyTorch's default null (the kernel size; [] too). */
  stride?: Pair | null;
  /** Implicit zero padding on both sides, at most half the kernel size; PyTorch's default 0. */
  padding?: Pair;
  /** Use ceil instead of floor for the output size; PyTorch's default false. */
  ceilMode?: boolean;
  /** Count the zero padding in the averaging divisor; PyTorch's default true. */
  countIncludePad?: boolean;
  /** A divisor used instead of the window size (2-d only); PyTorch's default null. */
  divisorOverride?: number | null;
}
/** The result of a max pooling with returnIndices: the pooled values and where each came from. */
export interface WithIndices {
  /** The pooled tensor. */
  values: Tensor;
  /** Flat index of the max in each input plane (h * W + w), as PyTorch's return_indices. */
  indices: Tensor;
}

interface Pooled {
  g: Im2colGeometry;
  batched: boolean;
  /** The input as [n*c, 1, h, w]. */
  planes: Tensor;
  /** [...batch dims, c] of the output. */
  lead: number[];
  nd: 1 | 2;
}

export type PoolOp = "max_pool1d" | "max_pool2d" | "avg_pool1d" | "avg_pool2d";

/** Pooling arguments as nd-tuples: kernel, stride (kernel when absent), padding, dilation. */
export interface PoolArgs {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
}

/**
 * PyTorch 1.13's checks of pooling arguments, in its order and words: 2-d pooling (and 1-d
 * pooling that runs as 2-d, which max_pool1d does only with indices) names (kH, kW) pairs;
 * plain max_pool1d has its own messages.
 */
export function checkPoolArgs(op: PoolOp, kernelSize: Pair, stride: Pair | null | undefined, padding: Pair, dilation: Pair, withIndices = false): PoolArgs {
  const nd = op.endsWith("1d") ? 1 : 2;
  const own1d = op === "max_pool1d" && !withIndices;
  // PyTorch's words for a wrong length, per argument: [plain max_pool1d, 2-d pooling]
  const words: Record<string, [string, string]> = {
    kernel_size: ["an int, list of ints or tuple of ints", "either be a single int"],
    stride: ["None, an int, list of ints, or tuple of ints", "either be omitted, a single int"],
    padding: ["an int, list of ints, or tuple of ints", op === "max_pool2d" ? "be either be a single int" : "either be a single int"],
    dilation: ["an int, list of ints or tuple of ints", "be either a single int"],
  };
  const size = (v: Pair, name: string): number[] => {
    const a = typeof v === "number" ? [v] : [...v];
    if (a.length === 1) return new Array<number>(nd).fill(a[0]);
    if (a.length === nd) return a;
    if (own1d) throw new RuntimeError(`max_pool1d() ${name} must be ${words[name][0]} of size 1 but got size ${a.length}`);
    if (nd === 1) throw new RuntimeError(`${op}() argument '${name}' should contain one int (got ${a.length})`);
    throw new RuntimeError(`${op}: ${name} must ${words[name][1]}, or a tuple of two ints`);
  };
  const k = size(kernelSize, "kernel_size");
  const noStride = stride === undefined || stride === null || (Array.isArray(stride) && stride.length === 0);
  const s = noStride ? k : size(stride, "stride");
  const p = size(padding, "padding");
  const d = size(dilation, "dilation");
  if (own1d) {
    const [k0, s0, p0, d0] = [k[0], s[0], p[0], d[0]];
    if (k0 <= 0) throw new RuntimeError(`max_pool1d() kernel_size must be greater than zero, but got ${k0}`);
    if (s0 <= 0) throw new RuntimeError(`max_pool1d() stride must be greater than zero, but got ${s0}`);
    if (p0 < 0) throw new RuntimeError(`max_pool1d() padding must be non-negative, but got ${p0}`);
    if (p0 > Math.floor(k0 / 2)) throw new RuntimeError(`max_pool1d() padding should be at most half of kernel size, but got padding=${p0} and kernel_size=${k0}`);
    if (d0 <= 0) throw new RuntimeError(`max_pool1d() dilation must be greater than zero, but got ${d0}`);
    return { k, s, p, d };
  }
  // (kH, kW) as the 2-d kernels see them: a 1-d pool is a height-1 one.
  const hw = (a: number[], one: number): [number, number] => (nd === 1 ? [one, a[0]] : [a[0], a[1]]);
  const [kh, kw] = hw(k, 1);
  const [sh, sw] = hw(s, 1);
  const [dh, dw] = hw(d, 1);
  if (s.includes(0)) throw new RuntimeError("stride should not be zero");
  if (kh <= 0 || kw <= 0) throw new RuntimeError(`kernel size should be greater than zero, but got kH: ${kh} kW: ${kw}`);
  if (sh <= 0 || sw <= 0) throw new RuntimeError(`stride should be greater than zero, but got dH: ${sh} dW: ${sw}`);
  if (dh <= 0 || dw <= 0) throw new RuntimeError(`dilation should be greater than zero, but got dilationH: ${dh} dilationW: ${dw}`);
  for (let i = 0; i < nd; i++) {
    if (p[i] < 0) throw new RuntimeError(`pad must be non-negative, but got pad: ${p[i]}`);
    // PyTorch 1.13's rule and message (later versions use the dilated kernel size).
    if (p[i] > Math.floor(k[i] / 2)) throw new RuntimeError(`pad should be at most half of kernel size, but got pad=${p[i]} and kernel_size=${k[i]}`);
  }
  return { k, s, p, d };
}

function poolGeometry(x: Tensor, a: PoolArgs, ceilMode: boolean, nd: 1 | 2, op: string): Pooled {
  if (x.dim() !== nd + 1 && x.dim() !== nd + 2) {
    throw new RuntimeError(`${op}: Expected ${nd + 1}D or ${nd + 2}D (batch mode) tensor with optional 0 dim batch size for input, but got: ${fmtShape(x.shape)}`);
  }
  const { k, s, p, d } = a;
  const spatial = x.shape.slice(-nd);
  const out = spatial.map((sz, i) => windowCount(sz, k[i], s[i], p[i], d[i], ceilMode));
  if (out.some((o) => o < 1)) {
    const lead = x.dim() === nd + 2 ? x.shape[1] : x.shape[0];
    throw new RuntimeError(`Given input size: (${[lead, ...spatial].join("x")}). Calculated output size: (${[lead, ...out].join("x")}). Output size is too small`);
  }
  const lead = x.shape.slice(0, -nd);
  const planes = x.reshape(-1, 1, nd === 1 ? 1 : spatial[0], spatial[nd - 1]);
  const n = planes.shape[0];
  const g: Im2colGeometry = nd === 1
    ? { n, c: 1, h: 1, w: spatial[0], kh: 1, kw: k[0], sh: 1, sw: s[0], ph: 0, pw: p[0], dh: 1, dw: d[0], oh: 1, ow: out[0] }
    : { n, c: 1, h: spatial[0], w: spatial[1], kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1], oh: out[0], ow: out[1] };
  return { g, batched: x.dim() === nd + 2, planes, lead, nd };
}

const outShape = (q: Pooled): number[] => [...q.lead, ...(q.nd === 1 ? [q.g.ow] : [q.g.oh, q.g.ow])];

/** stride: null, [] or absent mean "the kernel size". */
const strideArg: Checker<Pair | null> = nullable(intOrInts);
/** max_pool's arguments after kernel_size (the *WithIndices forms take them too). */
export const MAX_POOL = [param("stride", strideArg, null), param("padding", intOrInts, 0), param("dilation", intOrInts, 1), param("ceilMode", bool, false), param("returnIndices", bool, false)];
type MaxPoolPositional = [stride: Pair | null, padding: Pair, dilation: Pair, ceilMode: boolean];
/**
 * The call forms of max pooling: returnIndices true (positional or in the options) gives { values, indices }.
 * Those forms are written out in the overloads, not named, so that the API reference shows them.
 */
type MaxPoolTensorArgs = Args<[...MaxPoolPositional, returnIndices: false], MaxPoolOptions & { returnIndices?: false }>;

/** The max pooling call with its arguments unparsed (nn.MaxPool* pass theirs as PyTorch's positional list). */
export function maxPoolCall(input: unknown, kernelSize: unknown, args: readonly unknown[], nd: 1 | 2): Tensor | WithIndices {
  const op = nd === 1 ? "max_pool1d" : "max_pool2d";
  const fn = nd === 1 ? "maxPool1d" : "maxPool2d";
  const x = checkTensor(input, "input", fn);
  const k = intOrInts(kernelSize, "kernelSize", fn);
  const o = parseArgs<Required<MaxPoolOptions>>(fn, MAX_POOL, args);
  const q = poolGeometry(x, checkPoolArgs(op, k, o.stride, o.padding, o.dilation, o.returnIndices), o.ceilMode, nd, op);
  const { values, indices } = maxPool2dWithIndices(q.planes, q.g); // [n*c, L] each
  // the kernel's int32 indices become int64 (PyTorch's index dtype) only when returned
  return o.returnIndices ? { values: values.reshape(outShape(q)), indices: indices.reshape(outShape(q)).to("int64") } : values.reshape(outShape(q));
}

/** F.max_pool1d(input [n, c, l] or [c, l], kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool1d(input: Tensor, kernelSize: Pair, ...args: MaxPoolTensorArgs): Tensor;
export function maxPool1d(input: Tensor, kernelSize: Pair, ...args: [...MaxPoolPositional, returnIndices: true] | ArgsWithOptions<MaxPoolPositional, MaxPoolOptions & { returnIndices: true }>): WithIndices;
export function maxPool1d(input: Tensor, kernelSize: Pair, ...args: unknown[]): Tensor | WithIndices {
  return maxPoolCall(input, kernelSize, args, 1);
}
/** F.max_pool2d(input [n, c, h, w] or [c, h, w], kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool2d(input: Tensor, kernelSize: Pair, ...args: MaxPoolTensorArgs): Tensor;
export function maxPool2d(input: Tensor, kernelSize: Pair, ...args: [...MaxPoolPositional, returnIndices: true] | ArgsWithOptions<MaxPoolPositional, MaxPoolOptions & { returnIndices: true }>): WithIndices;
export function maxPool2d(input: Tensor, kernelSize: Pair, ...args: unknown[]): Tensor | WithIndices {
  return maxPoolCall(input, kernelSize, args, 2);
}

/** Per-window divisor of average pooling, PyTorch's rule (windows clipped to the padded input, then to the input unless countIncludePad). */
function avgDivisors(q: Pooled, countIncludePad: boolean, dtype: Tensor["dtype"]): Tensor {
  const { g } = q;
  const d = allocate(dtype, g.oh * g.ow) as NumArray;
  for (let oy = 0; oy < g.oh; oy++) {
    let hs = oy * g.sh - g.ph;
    let he = Math.min(hs + g.kh, g.h + g.ph);
    const hPool = he - hs;
    hs = Math.max(hs, 0);
    he = Math.min(he, g.h);
    for (let ox = 0; ox < g.ow; ox++) {
      let ws = ox * g.sw - g.pw;
      let we = Math.min(ws + g.kw, g.w + g.pw);
      const pool = hPool * (we - ws);
      ws = Math.max(ws, 0);
      we = Math.min(we, g.w);
      d[oy * g.ow + ox] = countIncludePad ? pool : (he - hs) * (we - ws);
    }
  }
  return fromHost(d, [g.oh * g.ow], dtype, q.planes.device);
}

/** avg_pool2d's divisor_override: an int, not zero (PyTorch's RuntimeError at the call; nn.AvgPool2d checks it at construction). */
export const divisorOverrideArg: Checker<number | null> = (v, arg, fn) => {
  const d = nullable(int())(v, arg, fn);
  if (d === 0) throw new RuntimeError("divisor must be not zero");
  return d;
};
const AVG_POOL_1D = [param("stride", strideArg, null), param("padding", intOrInts, 0), param("ceilMode", bool, false), param("countIncludePad", bool, true)];
const AVG_POOL_2D = [...AVG_POOL_1D, param("divisorOverride", divisorOverrideArg, null)];
type AvgPoolPositional = [stride: Pair | null, padding: Pair, ceilMode: boolean, countIncludePad: boolean];

function avgPool(input: unknown, kernelSize: unknown, args: readonly unknown[], nd: 1 | 2): Tensor {
  const op = nd === 1 ? "avg_pool1d" : "avg_pool2d";
  const fn = nd === 1 ? "avgPool1d" : "avgPool2d";
  const x = checkTensor(input, "input", fn);
  const k = intOrInts(kernelSize, "kernelSize", fn);
  const o = parseArgs<Required<AvgPoolOptions>>(fn, nd === 1 ? AVG_POOL_1D : AVG_POOL_2D, args);
  const q = poolGeometry(x, checkPoolArgs(op, k, o.stride, o.padding, 1), o.ceilMode, nd, op);
  const sums = im2col(q.planes, q.g, 0).sum(1); // [n*c, L]
  const div = o.divisorOverride ?? null;
  const out = div !== null ? sums.div(div) : sums.div(avgDivisors(q, o.countIncludePad, x.dtype));
  return out.reshape(outShape(q));
}

/** F.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True). */
export function avgPool1d(input: Tensor, kernelSize: Pair, ...args: Args<AvgPoolPositional, Omit<AvgPoolOptions, "divisorOverride">>): Tensor {
  return avgPool(input, kernelSize, args, 1);
}
/** F.avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export function avgPool2d(input: Tensor, kernelSize: Pair, ...args: Args<[...AvgPoolPositional, divisorOverride: number | null], AvgPoolOptions>): Tensor {
  return avgPool(input, kernelSize, args, 2);
}

// ---- power-average pooling ----------------------------------------------------------------

const LP_POOL = [param("stride", strideArg, null), param("ceilMode", bool, false)];
/** The options of `F.lpPool1d` and `F.lpPool2d`. */
export interface LpPoolOptions {
  /** The window step; PyTorch's default (null) the kernel size. */
  stride?: Pair | null;
  /** Round the output size up (a last window that starts inside the input); PyTorch's default false. */
  ceilMode?: boolean;
}

/**
 * PyTorch's lp_pool: avg_pool of x^p (no padding) times the window size, then sign(s) *
 * relu(|s|) to the power 1/p, so a window whose sum of powers is 0 gives 0 with gradient 0.
 */
function lpPool(input: unknown, normType: unknown, kernelSize: unknown, args: readonly unknown[], nd: 1 | 2): Tensor {
  const fn = nd === 1 ? "lpPool1d" : "lpPool2d";
  const x = checkTensor(input, "input", fn);
  const p = num()(normType, "normType", fn);
  const k = nd === 1 ? int()(kernelSize, "kernelSize", fn) : intOrInts(kernelSize, "kernelSize", fn);
  const o = parseArgs<Required<LpPoolOptions>>(fn, LP_POOL, args);
  const s = nd === 1 ? avgPool1d(x.pow(p), k, o.stride, 0, o.ceilMode) : avgPool2d(x.pow(p), k, o.stride, 0, o.ceilMode);
  const size = typeof k === "number" ? (nd === 1 ? k : k * k) : k[0]! * (k[1] ?? k[0]!);
  return s.sign().mul(s.abs().relu()).mul(size).pow(1 / p);
}

/** F.lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False): the p-norm of each window. */
export function lpPool1d(input: Tensor, normType: number, kernelSize: number, ...args: Args<[stride: Pair | null, ceilMode: boolean], LpPoolOptions>): Tensor {
  return lpPool(input, normType, kernelSize, args, 1);
}
/** F.lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False): the p-norm of each window. */
export function lpPool2d(input: Tensor, normType: number, kernelSize: Pair, ...args: Args<[stride: Pair | null, ceilMode: boolean], LpPoolOptions>): Tensor {
  return lpPool(input, normType, kernelSize, args, 2);
}

// ---- adaptive pooling -------------------------------------------------------------------

/** PyTorch's adaptive windows: [floor(i*in/out), ceil((i+1)*in/out)). */
function adaptiveWindows(inSize: number, outSize: number): Array<[number, number]> {
  const w: Array<[number, number]> = [];
  for (let i = 0; i < outSize; i++) w.push([Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)]);
  return w;
}

/** An adaptive pool's output_size: an int, or one int or null per pooled dimension (null keeps that input size). */
export type OutputSize = number | ReadonlyArray<number | null>;

/** An adaptive pool's output_size: an int, or a list of ints and nulls (null keeps that input size). */
export const outputSizeArg: Checker<OutputSize> = (v, arg, fn) => {
  if (Array.isArray(v)) return v.map((e: unknown) => (e === null ? null : int()(e, arg, fn)));
  return int()(v, arg, fn);
};

/** PyTorch's checks of output_size (its length for the layer, no negative element). */
export function checkOutputSize(outputSize: OutputSize, nd: 1 | 2, op: string): void {
  const raw = typeof outputSize === "number" ? new Array<number | null>(nd).fill(outputSize) : [...outputSize];
  if (nd === 1 && raw.length !== 1) throw new RuntimeError(`${op}() argument 'output_size' should contain one int (got ${raw.length})`);
  if (nd === 2 && raw.length !== 1 && raw.length !== 2) throw new RuntimeError(op.includes("max") ? `${op}(): internal error: output_size.size() must be 2` : `${op}: output_size must be 2`);
  if (raw.some((o) => o !== null && o < 0)) {
    throw new RuntimeError(`${op}: elements of output_size must be greater than or equal to 0 but received {${raw.map((o) => o ?? "None").join(", ")}}`);
  }
}

function adaptiveArgs(fn: string, op: string, input: unknown, outputSize: unknown, nd: 1 | 2): { x: Tensor; o: OutputSize } {
  const x = checkTensor(input, "input", fn);
  const o = outputSizeArg(outputSize, "outputSize", fn);
  checkOutputSize(o, nd, op);
  return { x, o };
}

/** An adaptive pool's output sizes for x (null: the input's size), with PyTorch's checks of x. */
export function adaptiveSizes(x: Tensor, outputSize: Pair | ReadonlyArray<number | null>, nd: 1 | 2 | 3, op: string): number[] {
  if (x.dim() !== nd + 1 && x.dim() !== nd + 2) {
    throw new RuntimeError(`${op}(): Expected ${nd + 1}D or ${nd + 2}D tensor, but got ${fmtShape(x.shape)}`);
  }
  for (let i = 1; i < x.dim(); i++) {
    if (x.shape[i] === 0) throw new RuntimeError(`${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmtShape(x.shape)} with dimension ${i} being empty`);
  }
  const spatial = x.shape.slice(-nd);
  const raw = typeof outputSize === "number" ? new Array<number | null>(nd).fill(outputSize) : [...outputSize];
  if (raw.length === 1) while (raw.length < nd) raw.push(raw[0]);
  if (raw.length !== nd) throw new RuntimeError(`${op}: output_size must be ${nd}`);
  return raw.map((o, i) => o ?? spatial[i]);
}

/** [out, in] matrix averaging each adaptive window. */
export function averagingMatrix(inSize: number, outSize: number, like: Tensor): Tensor {
  const dtype = like.dtype;
  const m = allocate(dtype, outSize * inSize) as NumArray;
  adaptiveWindows(inSize, outSize).forEach(([s, e], i) => {
    for (let j = s; j < e; j++) m[i * inSize + j] = 1 / (e - s);
  });
  return fromHost(m, [outSize, inSize], dtype, like.device);
}

/** F.adaptive_avg_pool1d(input, output_size). */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly number[]): Tensor;
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly number[], ...extra: unknown[]): Tensor {
  const { x, o } = adaptiveArgs("adaptiveAvgPool1d", "adaptive_avg_pool1d", input, outputSize, 1);
  if (extra.length > 0) parseArgs("adaptiveAvgPool1d", [], extra);
  const [ow] = adaptiveSizes(x, o as Pair, 1, "adaptive_avg_pool1d");
  return x.matmul(averagingMatrix(x.shape[x.dim() - 1], ow, x).t());
}
/** F.adaptive_avg_pool2d(input, output_size): a number, [h, w], or [h, null] to keep a size. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: OutputSize): Tensor;
export function adaptiveAvgPool2d(input: Tensor, outputSize: OutputSize, ...extra: unknown[]): Tensor {
  const { x, o } = adaptiveArgs("adaptiveAvgPool2d", "adaptive_avg_pool2d", input, outputSize, 2);
  if (extra.length > 0) parseArgs("adaptiveAvgPool2d", [], extra);
  const [oh, ow] = adaptiveSizes(x, o as Pair, 2, "adaptive_avg_pool2d");
  const [h, w] = x.shape.slice(-2);
  return averagingMatrix(h, oh, x).matmul(x).matmul(averagingMatrix(w, ow, x).t());
}

/**
 * Adaptive max pooling over the last nd dims of x at output `sizes`: every window of every
 * output position gathered (one table for all planes), the max and its first index taken.
 */
export function adaptiveMaxOf(x: Tensor, sizes: readonly number[]): WithIndices {
  const nd = sizes.length;
  const spatial = x.shape.slice(-nd);
  const windows = spatial.map((s, i) => adaptiveWindows(s, sizes[i]!));
  // Every window padded to the largest by repeating its first element: a repeat never beats
  // the first occurrence, so max and its first-index tie rule are unchanged.
  const longest = windows.map((ws) => Math.max(...ws.map(([s, e]) => e - s)));
  const win = longest.reduce((m, v) => m * v, 1);
  const outCount = sizes.reduce((m, v) => m * v, 1);
  const strides = spatial.map((_, i) => spatial.slice(i + 1).reduce((m, v) => m * v, 1));
  const idx = new Int32Array(outCount * win);
  const at = new Array<number>(nd).fill(0), off = new Array<number>(nd).fill(0);
  let p = 0;
  for (let o = 0; o < outCount; o++) {
    for (let r = o, d = nd - 1; d >= 0; d--) {
      at[d] = r % sizes[d]!;
      r = Math.floor(r / sizes[d]!);
    }
    let first = 0;
    for (let d = 0; d < nd; d++) first += windows[d]![at[d]!]![0] * strides[d]!;
    for (let k = 0; k < win; k++) {
      for (let r = k, d = nd - 1; d >= 0; d--) {
        off[d] = r % longest[d]!;
        r = Math.floor(r / longest[d]!);
      }
      let q = 0, inside = true;
      for (let d = 0; d < nd && inside; d++) {
        const [s, e] = windows[d]![at[d]!]!;
        inside = s + off[d]! < e;
        q += (s + off[d]!) * strides[d]!;
      }
      idx[p++] = inside ? q : first;
    }
  }
  const plane = spatial.reduce((m, v) => m * v, 1);
  const planes = x.reshape(-1, plane);
  const n = planes.shape[0];
  const table = fromHost(idx, [1, outCount, win], "int32", x.device);
  const { values, indices } = planes.gather(1, table.view(1, outCount * win).expand(n, outCount * win)).view(n, outCount, win).max(2);
  // each window's argmax mapped back to its position in the plane: a gather from the table
  const flat = table.expand(n, outCount, win).gather(2, indices.unsqueeze(2)).squeeze(2);
  const shape = [...x.shape.slice(0, -nd), ...sizes];
  return { values: values.reshape(shape), indices: flat.reshape(shape).to("int64") };
}

function adaptiveMax(x: Tensor, outputSize: Pair | ReadonlyArray<number | null>, nd: 1 | 2): WithIndices {
  return adaptiveMaxOf(x, adaptiveSizes(x, outputSize as Pair, nd, `adaptive_max_pool${nd}d`));
}

const RETURN_INDICES = [param("returnIndices", bool, false)];
/** The arguments after output_size of adaptive max pooling that return the pooled tensor (returnIndices absent or false). */
export type AdaptiveTensorArgs = [] | [returnIndices: false] | [options: { returnIndices?: false }];
/** The arguments after output_size of adaptive max pooling with returnIndices true: the result is { values, indices }. */
export type AdaptiveIndicesArgs = [returnIndices: true] | [options: { returnIndices: true }];

function adaptiveMaxCall(input: unknown, outputSize: unknown, args: readonly unknown[], nd: 1 | 2): Tensor | WithIndices {
  const fn = `adaptiveMaxPool${nd}d`;
  const { x, o } = adaptiveArgs(fn, `adaptive_max_pool${nd}d`, input, outputSize, nd);
  const r = adaptiveMax(x, o as Pair, nd);
  return parseArgs<{ returnIndices: boolean }>(fn, RETURN_INDICES, args).returnIndices ? r : r.values;
}

/** F.adaptive_max_pool1d(input, output_size, return_indices=False). */
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], ...args: AdaptiveTensorArgs): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], ...args: AdaptiveIndicesArgs): WithIndices;
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], ...args: unknown[]): Tensor | WithIndices {
  return adaptiveMaxCall(input, outputSize, args, 1);
}
/** F.adaptive_max_pool2d(input, output_size, return_indices=False). */
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, ...args: AdaptiveTensorArgs): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, ...args: AdaptiveIndicesArgs): WithIndices;
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutputSize, ...args: unknown[]): Tensor | WithIndices {
  return adaptiveMaxCall(input, outputSize, args, 2);
}
