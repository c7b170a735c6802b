// Convolutions over im2col/col2im and matmul (src/ops/conv.ts). Ungrouped convolution is one
// primitive (`convolution`, bias fused, vjp in Tensor ops); grouped convolution and the
// transposed convolutions are composites that autograd differentiates (im2col's vjp is col2im
// and back).
//   conv:            out[n, g, o, L] = W[g, o, K] @ im2col(x)[n, g, K, L]
//   conv-transpose:  out = col2im(W[g, K', i]^T @ x[n, g, i, HW])
// 1-d layers run as 2-d ones over a height-1 image.
//
// The F.* functions take PyTorch's positional arguments, then an options object.
import { checkTensor, int, intOrInts, nullable, param, parseArgs, tensor, type Args, type Checker } from "../../args.ts";
import type { Im2colGeometry } from "../../backends/backend.ts";
import { RuntimeError } from "../../errors.ts";
import { fmtShape } from "../../layout.ts";
import { col2im, convolution, fold as foldOp, im2col, unfold as unfoldOp, windowCount, type Pair, type UnfoldOptions } from "../../ops/conv.ts";
import type { Tensor } from "../../tensor.ts";
import { padWith } from "./padding.ts";
import { allocate, type NumArray } from "../../dtype.ts";
import { fromHost } from "../../ops/alloc.ts";

export type { Pair, UnfoldOptions };

/** The options of `F.conv1d` and `F.conv2d`. */
export interface ConvOptions {
  /** The [out_channels] bias added to each output channel; PyTorch's default null (none). */
  bias?: Tensor | null;
  stride?: Pair;
  /** Zero padding per side, or PyTorch's "valid" (none) / "same" (output size = input size, stride 1). */
  padding?: Pair | "same" | "valid";
  dilation?: Pair;
  groups?: number;
}

/** The options of `F.convTranspose1d` and `F.convTranspose2d`. */
export interface ConvTransposeOptions {
  /** The [out_channels] bias added to each output channel; PyTorch's default null (none). */
  bias?: Tensor | null;
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  groups?: number;
  dilation?: Pair;
}

/** An nd-tuple argument as an array of nd numbers, with PyTorch's error for a wrong length. */
export function tuple(v: Pair, nd: number, name: string): number[] {
  const a = typeof v === "number" ? [v] : [...v];
  if (a.length === 1) return new Array<number>(nd).fill(a[0]);
  if (a.length !== nd) throw new RuntimeError(`expected ${name} to be a single integer value or a list of ${nd} values to match the convolution dimensions, but got ${name}=[${a.join(", ")}]`);
  return a;
}

/**
 * PyTorch's checks of convolution arguments (as nd-tuples; null: not given), with its messages,
 * which name 1-d sizes as the 2-d kernels see them (height 1). nn.Conv* call it at construction.
 */
export function checkConvArgs(nd: number, transposed: boolean, kernel: readonly number[], stride: readonly number[], padding: readonly number[] | null, dilation: readonly number[], outputPadding: readonly number[] | null = null): void {
  const hw = (a: readonly number[]): number[] => (nd === 1 ? [1, a[0]] : [...a]);
  if (stride.some((v) => v <= 0)) throw new RuntimeError("non-positive stride is not supported");
  if (padding?.some((v) => v < 0)) throw new RuntimeError("negative padding is not supported");
  if (outputPadding?.some((v) => v < 0)) throw new RuntimeError("negative output_padding is not supported");
  if (dilation.some((v) => v <= 0)) {
    const [h, w] = hw(dilation);
    throw new RuntimeError(transposed ? `dilation should be greater than zero, but got dilation_height: ${h}, dilation_width: ${w}` : `dilation should be greater than zero, but got [${h}, ${w}]`);
  }
  if (kernel.some((v) => v <= 0)) {
    const [h, w] = hw(kernel);
    throw new RuntimeError(`kernel size should be greater than zero, but got kernel_height: ${h} kernel_width: ${w}`);
  }
  if (outputPadding?.some((p, i) => p >= stride[i] && p >= dilation[i])) {
    const [o, s, d] = [hw(outputPadding).map((v, i) => (nd === 1 && i === 0 ? 0 : v)), hw(stride), hw(dilation)];
    throw new RuntimeError(`output padding must be smaller than either stride or dilation, but got output_padding_height: ${o[0]} output_padding_width: ${o[1]} stride_height: ${s[0]} stride_width: ${s[1]} dilation_height: ${d[0]} dilation_width: ${d[1]}`);
  }
}

/**
 * PyTorch's checks of an nd-convolution's input and weight ranks; whether the input is batched.
 * ATen takes the convolution's dimensions from the weight, so a weight of another rank fails
 * its check of the stride (as the functional parsed it, nd values) against them.
 */
function checkInputDims(x: Tensor, weight: Tensor, nd: number, op: string, stride: Pair | undefined): boolean {
  if (x.dim() !== nd + 1 && x.dim() !== nd + 2) {
    throw new RuntimeError(`Expected ${nd + 1}D (unbatched) or ${nd + 2}D (batched) input to ${op}, but got input of size: ${fmtShape(x.shape)}`);
  }
  if (weight.dim() < 3) throw new RuntimeError("weight should have at least three dimensions");
  if (weight.dim() !== nd + 2) {
    const given = tuple(stride ?? 1, nd, "stride");
    throw new RuntimeError(`expected stride to be a single integer value or a list of ${weight.dim() - 2} values to match the convolution dimensions, but got stride=[${given.join(", ")}]`);
  }
  return x.dim() === nd + 2;
}

/** PyTorch's checks of a convolution's batched input against its weight, bias and groups. */
function checkConvOperands(xb: Tensor, weight: Tensor, bias: Tensor | null | undefined, groups: number): void {
  const [outC, cPerGroup] = weight.shape as [number, number];
  const inC = xb.shape[1];
  if (groups <= 0) throw new RuntimeError("non-positive groups is not supported");
  if (outC % groups !== 0) throw new RuntimeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(weight.shape)} instead`);
  if (inC !== cPerGroup * groups) {
    throw new RuntimeError(`Given groups=${groups}, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(xb.shape)} to have ${cPerGroup * groups} channels, but got ${inC} channels instead`);
  }
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== outC)) {
    throw new RuntimeError(`Given weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${outC} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  }
  if (xb.dtype !== weight.dtype) {
    throw new RuntimeError(`Input type (${xb.dtype}) and weight type (${weight.dtype}) should be the same`);
  }
}

/** PyTorch's checks of a transposed convolution's batched input against its weight ([in, out/groups, ...k]), bias and groups. */
function checkConvTransposeOperands(xb: Tensor, weight: Tensor, bias: Tensor | null | undefined, groups: number): void {
  const [inC, outPerGroup] = weight.shape as [number, number];
  const outC = outPerGroup * groups;
  if (xb.shape[1] !== inC) {
    throw new RuntimeError(`Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(xb.shape)} to have ${inC} channels, but got ${xb.shape[1]} channels instead`);
  }
  if (inC % groups !== 0) throw new RuntimeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(weight.shape)} instead`);
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== outC)) {
    throw new RuntimeError(`Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${outC} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  }
}

/** [n, c, ...spatial] with a height-1 axis added for 1-d layers. */
const as2d = (t: Tensor, nd: number): Tensor => (nd === 1 ? t.unsqueeze(2) : t);

function convNd(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions, nd: 1 | 2): Tensor {
  const op = `conv${nd}d`;
  const batched = checkInputDims(x, weight, nd, op, opts.stride);
  const xb = batched ? x : x.unsqueeze(0);
  const groups = opts.groups ?? 1;
  const [outC, cPerGroup] = weight.shape;
  const inC = xb.shape[1];
  checkConvOperands(xb, weight, bias, groups);
  const stride = tuple(opts.stride ?? 1, nd, "stride");
  const dilation = tuple(opts.dilation ?? 1, nd, "dilation");
  const spatial = xb.shape.slice(2);
  const kernel = weight.shape.slice(2);
  checkConvArgs(nd, false, kernel, stride, typeof opts.padding === "string" ? null : tuple(opts.padding ?? 0, nd, "padding"), dilation);
  let padding: number[];
  let outSize: number[];
  const pad = opts.padding ?? 0;
  if (pad === "same") {
    if (stride.some((s) => s !== 1)) throw new RuntimeError("padding='same' is not supported for strided convolutions");
    // Total padding d(k-1) per dim; the odd one goes on the right (implicit: windows past the
    // image read zeros), as PyTorch's _convolution_same pads the input on the right.
    padding = kernel.map((k, i) => Math.floor((dilation[i] * (k - 1)) / 2));
    outSize = spatial.slice();
  } else if (pad === "valid") {
    padding = new Array<number>(nd).fill(0);
    outSize = spatial.map((s, i) => windowCount(s, kernel[i], stride[i], 0, dilation[i]));
  } else if (typeof pad === "string") {
    throw new RuntimeError(`Invalid padding string: '${pad}'`);
  } else {
    padding = tuple(pad, nd, "padding");
    if (padding.some((p) => p < 0)) throw new RuntimeError("negative padding is not supported");
    outSize = spatial.map((s, i) => windowCount(s, kernel[i], stride[i], padding[i], dilation[i]));
  }
  const padded = spatial.map((s, i) => s + 2 * padding[i]);
  const effective = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  if (pad !== "same" && effective.some((k, i) => k > padded[i])) {
    throw new RuntimeError(`Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${effective.join(" x ")}). Kernel size can't be greater than actual input size`);
  }
  const [n] = xb.shape;
  const g: Im2colGeometry = nd === 1
    ? { n, c: inC, h: 1, w: spatial[0], kh: 1, kw: kernel[0], sh: 1, sw: stride[0], ph: 0, pw: padding[0], dh: 1, dw: dilation[0], oh: 1, ow: outSize[0] }
    : { n, c: inC, h: spatial[0], w: spatial[1], kh: kernel[0], kw: kernel[1], sh: stride[0], sw: stride[1], ph: padding[0], pw: padding[1], dh: dilation[0], dw: dilation[1], oh: outSize[0], ow: outSize[1] };
  const K = cPerGroup * g.kh * g.kw;
  const L = g.oh * g.ow;
  let out: Tensor;
  if (groups === 1) out = convolution(as2d(xb, nd), weight.reshape(outC, K), bias ?? null, g); // [n, outC, L]
  else {
    const cols = im2col(as2d(xb, nd), g); // [n, inC*K, L]
    out = weight.reshape(groups, outC / groups, K).matmul(cols.view(n, groups, K, L)).reshape(n, outC, L);
    if (bias) out = out.add(bias.view(1, outC, 1));
  }
  out = out.view([n, outC, ...outSize]);
  return batched ? out : out.squeeze(0);
}

type ConvPositional = [bias: Tensor | null | undefined, stride: Pair, padding: Pair | "same" | "valid", dilation: Pair, groups: number];
type ConvTransposePositional = [bias: Tensor | null | undefined, stride: Pair, padding: Pair, outputPadding: Pair, groups: number, dilation: Pair];

/** An int, ints, or a padding string (checked by the convolution, with PyTorch's error). */
const paddingArg: Checker<Pair | string> = (v, arg, fn) => (typeof v === "string" ? v : intOrInts(v, arg, fn));
const BIAS = param("bias", nullable(tensor), null);
const CONV_ARGS = [BIAS, param("stride", intOrInts, 1), param("padding", paddingArg, 0), param("dilation", intOrInts, 1), param("groups", int(), 1)];
const TRANSPOSE_ARGS = [BIAS, param("stride", intOrInts, 1), param("padding", intOrInts, 0), param("outputPadding", intOrInts, 0), param("groups", int(), 1), param("dilation", intOrInts, 1)];

function convCall(fn: string, input: unknown, weight: unknown, args: readonly unknown[], nd: 1 | 2): Tensor {
  const x = checkTensor(input, "input", fn);
  const w = checkTensor(weight, "weight", fn);
  const a = parseArgs<ConvOptions & { bias: Tensor | null }>(fn, CONV_ARGS, args);
  return convNd(x, w, a.bias, a, nd);
}

/** F.conv1d(input [n, c, l], weight [o, c/groups, k], bias=None, stride=1, padding=0, dilation=1, groups=1). */
export function conv1d(input: Tensor, weight: Tensor, ...args: Args<ConvPositional, ConvOptions>): Tensor {
  return convCall("conv1d", input, weight, args, 1);
}

/** F.conv2d(input [n, c, h, w], weight [o, c/groups, kh, kw], bias=None, stride=1, padding=0, dilation=1, groups=1). */
export function conv2d(input: Tensor, weight: Tensor, ...args: Args<ConvPositional, ConvOptions>): Tensor {
  return convCall("conv2d", input, weight, args, 2);
}

/**
 * F.conv3d(input [n, c, d, h, w], weight [o, c/groups, kd, kh, kw], bias=None, stride=1,
 * padding=0, dilation=1, groups=1), as 2-d convolutions: the depth windows (a view, Tensor.unfold)
 * put each output depth's kd input slices side by side as channels, (c, kd) in the order of
 * weight.reshape(o, c/groups * kd, kh, kw), and one conv2d over n * outDepth images does the rest.
 */
export function conv3d(input: Tensor, weight: Tensor, ...args: Args<ConvPositional, ConvOptions>): Tensor {
  const x = checkTensor(input, "input", "conv3d");
  const w = checkTensor(weight, "weight", "conv3d");
  const opts = parseArgs<ConvOptions & { bias: Tensor | null }>("conv3d", CONV_ARGS, args);
  const batched = checkInputDims(x, w, 3, "conv3d", opts.stride);
  const xb = batched ? x : x.unsqueeze(0);
  const groups = opts.groups ?? 1;
  checkConvOperands(xb, w, opts.bias, groups);
  const stride = tuple(opts.stride ?? 1, 3, "stride");
  const dilation = tuple(opts.dilation ?? 1, 3, "dilation");
  const kernel = w.shape.slice(2);
  const pad = opts.padding ?? 0;
  if (typeof pad === "string" && pad !== "same" && pad !== "valid") throw new RuntimeError(`Invalid padding string: '${pad}'`);
  checkConvArgs(3, false, kernel, stride, typeof pad === "string" ? null : tuple(pad, 3, "padding"), dilation);
  // depth padding [before, after] on the input; height and width padding go to conv2d
  let depthPad: [number, number];
  let planePad: number[] | "same";
  if (pad === "same") {
    if (stride.some((v) => v !== 1)) throw new RuntimeError("padding='same' is not supported for strided convolutions");
    const total = dilation[0]! * (kernel[0]! - 1);
    depthPad = [Math.floor(total / 2), total - Math.floor(total / 2)];
    planePad = "same";
  } else {
    const p = pad === "valid" ? [0, 0, 0] : tuple(pad, 3, "padding");
    depthPad = [p[0]!, p[0]!];
    planePad = [p[1]!, p[2]!];
  }
  const padded = xb.shape.slice(2).map((v, i) => v + (i === 0 ? depthPad[0] + depthPad[1] : planePad === "same" ? 0 : 2 * planePad[i - 1]!));
  const effective = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
  if (pad !== "same" && effective.some((k, i) => k > padded[i]!)) {
    throw new RuntimeError(`Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${effective.join(" x ")}). Kernel size can't be greater than actual input size`);
  }
  const xp = depthPad[0] + depthPad[1] > 0 ? padWith(xb, [0, 0, 0, 0, depthPad[0], depthPad[1]], "constant", 0) : xb;
  const [n, c, , h, wd] = xp.shape as [number, number, number, number, number];
  const kd = kernel[0]!;
  // [n, c, outD, h, w, effective depth], then every dilation-th tap: [.., kd]
  let win = xp.unfold(2, effective[0]!, stride[0]!);
  if (dilation[0]! > 1) win = win.unfold(5, 1, dilation[0]!).squeeze(6);
  const outD = win.shape[2]!;
  const images = win.permute(0, 2, 1, 5, 3, 4).reshape(n * outD, c * kd, h, wd);
  const [outC, cPerGroup] = w.shape as [number, number];
  const y = conv2d(images, w.reshape(outC, cPerGroup * kd, kernel[1]!, kernel[2]!), opts.bias ?? null, { stride: stride.slice(1), padding: planePad, dilation: dilation.slice(1), groups });
  const out = y.view(n, outD, outC, y.shape[2]!, y.shape[3]!).permute(0, 2, 1, 3, 4).contiguous();
  return batched ? out : out.squeeze(0);
}

function convTransposeNd(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTransposeOptions, nd: 1 | 2): Tensor {
  const op = `conv_transpose${nd}d`;
  const batched = checkInputDims(x, weight, nd, op, opts.stride);
  const xb = batched ? x : x.unsqueeze(0);
  const groups = opts.groups ?? 1;
  const [inC, outPerGroup] = weight.shape;
  const outC = outPerGroup * groups;
  checkConvTransposeOperands(xb, weight, bias, groups);
  const stride = tuple(opts.stride ?? 1, nd, "stride");
  const padding = tuple(opts.padding ?? 0, nd, "padding");
  const outPad = tuple(opts.outputPadding ?? 0, nd, "output_padding");
  const dilation = tuple(opts.dilation ?? 1, nd, "dilation");
  checkConvArgs(nd, true, weight.shape.slice(2), stride, padding, dilation, outPad);
  const spatial = xb.shape.slice(2);
  const kernel = weight.shape.slice(2);
  const outSize = spatial.map((s, i) => (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outPad[i] + 1);
  if (outSize.some((s) => s <= 0)) throw new RuntimeError(`Given input size per channel: (${spatial.join(" x ")}). Calculated output size per channel: (${outSize.join(" x ")}). Output size is too small`);
  const [n] = xb.shape;
  const g: Im2colGeometry = nd === 1
    ? { n, c: outC, h: 1, w: outSize[0], kh: 1, kw: kernel[0], sh: 1, sw: stride[0], ph: 0, pw: padding[0], dh: 1, dw: dilation[0], oh: 1, ow: spatial[0] }
    : { n, c: outC, h: outSize[0], w: outSize[1], kh: kernel[0], kw: kernel[1], sh: stride[0], sw: stride[1], ph: padding[0], pw: padding[1], dh: dilation[0], dw: dilation[1], oh: spatial[0], ow: spatial[1] };
  const HW = g.oh * g.ow;
  const K = outPerGroup * g.kh * g.kw;
  const inPerGroup = inC / groups;
  // cols[n, g, K, HW] = W[g, i, K]^T @ x[n, g, i, HW]; rows ordered (channel, ki, kj) as im2col's.
  const cols = weight.reshape(groups, inPerGroup, K).transpose(1, 2).matmul(xb.reshape(n, groups, inPerGroup, HW)).reshape(n, outC * g.kh * g.kw, HW);
  let out = col2im(cols, g);
  if (bias) out = out.add(bias.view(1, outC, 1, 1));
  out = out.view([n, outC, ...outSize]);
  return batched ? out : out.squeeze(0);
}

/**
 * F.conv_transpose3d(input [n, c, d, h, w], weight [c, o/groups, kd, kh, kw], bias=None,
 * stride=1, padding=0, output_padding=0, groups=1, dilation=1), as 2-d transposed convolutions:
 * one over every input depth slice with the kd taps as extra output channels, then a [d * kd,
 * outD] 0/1 matrix adds each tap's plane into output depth i * stride - padding + k * dilation.
 */
export function convTranspose3d(input: Tensor, weight: Tensor, ...args: Args<ConvTransposePositional, ConvTransposeOptions>): Tensor {
  const x = checkTensor(input, "input", "conv_transpose3d");
  const w = checkTensor(weight, "weight", "conv_transpose3d");
  const opts = parseArgs<ConvTransposeOptions & { bias: Tensor | null }>("conv_transpose3d", TRANSPOSE_ARGS, args);
  const batched = checkInputDims(x, w, 3, "conv_transpose3d", opts.stride);
  const xb = batched ? x : x.unsqueeze(0);
  const groups = opts.groups ?? 1;
  const [inC, outPerGroup, kd, kh, kw] = w.shape as [number, number, number, number, number];
  const outC = outPerGroup * groups;
  const bias = opts.bias ?? null;
  checkConvTransposeOperands(xb, w, bias, groups);
  const stride = tuple(opts.stride ?? 1, 3, "stride");
  const padding = tuple(opts.padding ?? 0, 3, "padding");
  const outPad = tuple(opts.outputPadding ?? 0, 3, "output_padding");
  const dilation = tuple(opts.dilation ?? 1, 3, "dilation");
  checkConvArgs(3, true, [kd, kh, kw], stride, padding, dilation, outPad);
  const [n, , D, H, W] = xb.shape as [number, number, number, number, number];
  const outD = (D - 1) * stride[0]! - 2 * padding[0]! + dilation[0]! * (kd - 1) + outPad[0]! + 1;
  if (outD <= 0) throw new RuntimeError(`Given input size per channel: (${[D, H, W].join(" x ")}). Calculated output size per channel: (${outD} x ...). Output size is too small`);
  // every depth slice through a 2-d transposed convolution whose output channels are (group, tap, channel)
  const planes = xb.permute(0, 2, 1, 3, 4).reshape(n * D, inC, H, W);
  const w2 = w.permute(0, 2, 1, 3, 4).reshape(inC, kd * outPerGroup, kh, kw);
  const y = convTranspose2d(planes, w2, null, { stride: stride.slice(1), padding: padding.slice(1), outputPadding: outPad.slice(1), groups, dilation: dilation.slice(1) });
  const [oh, ow] = [y.shape[2]!, y.shape[3]!];
  // [(D, kd), outD]: which output depth each (input depth, tap) plane adds into
  const m = allocate(x.dtype, D * kd * outD) as NumArray;
  for (let i = 0; i < D; i++) {
    for (let k = 0; k < kd; k++) {
      const t = i * stride[0]! - padding[0]! + k * dilation[0]!;
      if (t >= 0 && t < outD) m[(i * kd + k) * outD + t] = 1;
    }
  }
  const depth = fromHost(m, [D * kd, outD], x.dtype, x.device);
  let out = y.view(n, D, groups, kd, outPerGroup, oh, ow).permute(0, 2, 4, 5, 6, 1, 3).reshape(n, outC, oh, ow, D * kd).matmul(depth).movedim(-1, 2);
  if (bias) out = out.add(bias.view(1, outC, 1, 1, 1));
  out = out.contiguous();
  return batched ? out : out.squeeze(0);
}

function convTransposeCall(fn: string, input: unknown, weight: unknown, args: readonly unknown[], nd: 1 | 2): Tensor {
  const x = checkTensor(input, "input", fn);
  const w = checkTensor(weight, "weight", fn);
  const a = parseArgs<ConvTransposeOptions & { bias: Tensor | null }>(fn, TRANSPOSE_ARGS, args);
  return convTransposeNd(x, w, a.bias, a, nd);
}

/** F.conv_transpose1d(input [n, i, l], weight [i, o/groups, k], bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export function convTranspose1d(input: Tensor, weight: Tensor, ...args: Args<ConvTransposePositional, ConvTransposeOptions>): Tensor {
  return convTransposeCall("convTranspose1d", input, weight, args, 1);
}

/** F.conv_transpose2d(input [n, i, h, w], weight [i, o/groups, kh, kw], bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export function convTranspose2d(input: Tensor, weight: Tensor, ...args: Args<ConvTransposePositional, ConvTransposeOptions>): Tensor {
  return convTransposeCall("convTranspose2d", input, weight, args, 2);
}

const UNFOLD_ARGS = [param("dilation", intOrInts, 1), param("padding", intOrInts, 0), param("stride", intOrInts, 1)];
type UnfoldPositional = [dilation: Pair, padding: Pair, stride: Pair];

/** F.unfold(input [n, c, h, w], kernel_size, dilation=1, padding=0, stride=1) -> [n, c*kh*kw, L] sliding blocks. */
export function unfold(input: Tensor, kernelSize: Pair, ...args: Args<UnfoldPositional, UnfoldOptions>): Tensor {
  const x = checkTensor(input, "input", "unfold");
  const k = intOrInts(kernelSize, "kernelSize", "unfold");
  return unfoldOp(x, k, parseArgs<Required<UnfoldOptions>>("unfold", UNFOLD_ARGS, args));
}

/** F.fold(input [n, c*kh*kw, L], output_size, kernel_size, dilation=1, padding=0, stride=1) -> [n, c, h, w], overlaps summed. */
export function fold(input: Tensor, outputSize: Pair, kernelSize: Pair, ...args: Args<UnfoldPositional, UnfoldOptions>): Tensor {
  const x = checkTensor(input, "input", "fold");
  const o = intOrInts(outputSize, "outputSize", "fold");
  const k = intOrInts(kernelSize, "kernelSize", "fold");
  return foldOp(x, o, k, parseArgs<Required<UnfoldOptions>>("fold", UNFOLD_ARGS, args));
}
