// F.interpolate (nearest, linear, bilinear) and its deprecated upsample forms, pixel and channel shuffle. Nearest is an indexSelect per
// spatial dim with PyTorch's source-index rule; (bi)linear is separable, so it is one [out, in]
// interpolation matrix per spatial dim applied with matmul (its vjp is the transpose).
//
// F.interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor,
// antialias) takes PyTorch's positional arguments, then an options object.
import { warnOnce } from "../../warnings.ts";
import { bool, checkTensor, int, intOrInts, nullable, numOrNums, param, parseArgs, str, type Args } from "../../args.ts";
import { NotImplementedError, RuntimeError, ValueError } from "../../errors.ts";
import { allocate, type NumArray } from "../../dtype.ts";
import { fmtShape } from "../../layout.ts";
import type { Device } from "../../device.ts";
import { fromHost } from "../../ops/alloc.ts";
import type { Tensor } from "../../tensor.ts";

/** The interpolation algorithms torch-ts implements: "nearest" (PyTorch's default), "linear" (3-D input) and "bilinear" (4-D input). */
export type InterpolateMode = "nearest" | "linear" | "bilinear";

/** The options of `F.interpolate` (and, without antialias, of `nn.Upsample`). */
export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
  /** Only false: anti-aliased downsampling is not implemented. */
  antialias?: boolean;
}
type InterpolatePositional = [size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null, antialias: boolean];

export const INTERPOLATE_ARGS = [
  param("size", nullable(intOrInts), null), param("scaleFactor", nullable(numOrNums), null), param("mode", str, "nearest"),
  param("alignCorners", nullable(bool), null), param("recomputeScaleFactor", nullable(bool), null),
];
const ANTIALIAS = param("antialias", bool, false);
/** Modes PyTorch has that torch-ts does not implement. */
const OTHER_MODES = ["bicubic", "trilinear", "area", "nearest-exact"];

/**
 * The checks of F.interpolate that do not need the input, in PyTorch's order and words (nn.Upsample
 * makes them at construction). A mode PyTorch does not know fails at the call in PyTorch; here too.
 */
export function checkInterpolateArgs(o: Required<Omit<InterpolateOptions, "antialias">>): void {
  if (OTHER_MODES.includes(o.mode)) throw new NotImplementedError(`interpolate: mode '${o.mode}' is not implemented in torch-ts (it implements nearest | linear | bilinear)`);
  if (o.mode === "nearest" && o.alignCorners !== null) {
    throw new ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  }
  if (o.size !== null && o.scaleFactor !== null) throw new ValueError("only one of size or scale_factor should be defined");
  if (o.size === null && o.scaleFactor === null) throw new ValueError("either size or scale_factor should be defined");
  if (o.recomputeScaleFactor && o.size !== null) throw new ValueError("recompute_scale_factor is not meaningful with an explicit size.");
}

const f32 = Math.fround;

/** PyTorch's nearest source index: min(floor(dst * scale), in - 1), scale computed in float. */
function nearestIndices(inSize: number, outSize: number, scale: number | null, device: Device): Tensor {
  const idx = new Int32Array(outSize);
  const s = scale !== null ? f32(1 / scale) : f32(f32(inSize) / f32(outSize));
  for (let o = 0; o < outSize; o++) {
    if (outSize === inSize) idx[o] = o;
    else if (outSize === 2 * inSize) idx[o] = o >> 1;
    else idx[o] = Math.min(Math.floor(f32(f32(o) * s)), inSize - 1);
  }
  return fromHost(idx, [outSize], "int32", device);
}

/** [out, in] matrix of linear interpolation weights (PyTorch's area_pixel source index). */
function linearMatrix(inSize: number, outSize: number, alignCorners: boolean, scale: number | null, dtype: Tensor["dtype"], device: Device): Tensor {
  const m = allocate(dtype, outSize * inSize) as NumArray;
  const round = dtype === "float32" ? f32 : (v: number) => v;
  let ratio: number;
  if (alignCorners) ratio = outSize > 1 ? round((inSize - 1) / (outSize - 1)) : 0;
  else ratio = round(scale !== null && scale > 0 ? 1 / scale : inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    const src = alignCorners ? round(ratio * o) : Math.max(round(round(ratio * (o + 0.5)) - 0.5), 0);
    const i0 = Math.floor(src);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    const l1 = round(src - i0);
    const l0 = round(1 - l1);
    m[o * inSize + i0] += l0;
    m[o * inSize + i1] += l1;
  }
  return fromHost(m, [outSize, inSize], dtype, device);
}

/**
 * F.interpolate(input [N, C, ...spatial], size=None, scale_factor=None, mode='nearest',
 * align_corners=None, recompute_scale_factor=None, antialias=False).
 */
export function interpolate(input: Tensor, ...args: Args<InterpolatePositional, InterpolateOptions>): Tensor {
  const x = checkTensor(input, "input", "interpolate");
  const opts = parseArgs<Required<InterpolateOptions>>("interpolate", [...INTERPOLATE_ARGS, ANTIALIAS], args);
  checkInterpolateArgs(opts);
  const { size, scaleFactor, mode } = opts;
  const nd = x.dim() - 2;
  if (opts.antialias) {
    if (mode === "bilinear" && nd === 2) throw new NotImplementedError("interpolate: antialias=true is not implemented in torch-ts");
    throw new ValueError("Anti-alias option is only supported for bilinear and bicubic modes");
  }
  if (mode !== "nearest" && mode !== "linear" && mode !== "bilinear") {
    // not a mode PyTorch knows: its error, word for word
    throw new NotImplementedError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${x.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  if (nd < 1 || nd > 2) throw new NotImplementedError(`Input Error: torch-ts interpolates 3D and 4D input Tensors (got ${x.dim()}D) for the modes: nearest | linear | bilinear (got ${mode})`);
  if (mode === "linear" && nd !== 1) throw new NotImplementedError(`Got ${x.dim()}D input, but linear mode needs 3D input`);
  if (mode === "bilinear" && nd !== 2) throw new NotImplementedError(`Got ${x.dim()}D input, but bilinear mode needs 4D input`);
  const align = opts.alignCorners;
  const spatial = x.shape.slice(2);
  let outSize: number[];
  let scales: Array<number | null>;
  if (size !== undefined && size !== null) {
    outSize = typeof size === "number" ? new Array<number>(nd).fill(size) : [...size];
    if (outSize.length !== nd) throw new ValueError(`Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(spatial)} and output size of ${fmtShape(outSize)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
    scales = new Array<number | null>(nd).fill(null);
  } else {
    const sf = typeof scaleFactor === "number" ? new Array<number>(nd).fill(scaleFactor) : [...(scaleFactor as readonly number[])];
    if (sf.length !== nd) throw new ValueError(`Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(spatial)} and scale_factor of shape ${fmtShape(sf)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
    outSize = spatial.map((s, i) => Math.floor(s * sf[i]));
    scales = opts.recomputeScaleFactor ? new Array<number | null>(nd).fill(null) : sf;
  }
  let y = x;
  for (let i = 0; i < nd; i++) {
    const dim = 2 + i;
    if (mode === "nearest") y = y.indexSelect(dim, nearestIndices(spatial[i], outSize[i], scales[i], x.device));
    else {
      const m = linearMatrix(spatial[i], outSize[i], align ?? false, scales[i], x.dtype, x.device);
      // Contract dim `dim` with m: move it last, multiply by m^T, move it back.
      y = y.transpose(dim, -1).matmul(m.t()).transpose(dim, -1);
    }
  }
  return y;
}

/** F.pixel_shuffle(input, upscale_factor): [*, C*r*r, H, W] -> [*, C, H*r, W*r]. */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor;
export function pixelShuffle(input: Tensor, upscaleFactor: number, ...extra: unknown[]): Tensor {
  const x = checkTensor(input, "input", "pixelShuffle");
  const r = int()(upscaleFactor, "upscaleFactor", "pixelShuffle");
  if (extra.length > 0) parseArgs("pixelShuffle", [], extra);
  if (x.dim() < 3) throw new RuntimeError(`pixel_shuffle expects input to have at least 3 dimensions, but got input with ${x.dim()} dimension(s)`);
  const [c, h, w] = x.shape.slice(-3);
  if (c % (r * r) !== 0) throw new RuntimeError(`pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`);
  const lead = x.shape.slice(0, -3);
  const oc = c / (r * r);
  const k = lead.length;
  const perm = [...lead.map((_, i) => i), k, k + 3, k + 1, k + 4, k + 2];
  return x.reshape([...lead, oc, r, r, h, w]).permute(perm).reshape([...lead, oc, h * r, w * r]);
}

/** F.pixel_unshuffle(input, downscale_factor): [*, C, H*r, W*r] -> [*, C*r*r, H, W]. */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor;
export function pixelUnshuffle(input: Tensor, downscaleFactor: number, ...extra: unknown[]): Tensor {
  const x = checkTensor(input, "input", "pixelUnshuffle");
  const r = int()(downscaleFactor, "downscaleFactor", "pixelUnshuffle");
  if (extra.length > 0) parseArgs("pixelUnshuffle", [], extra);
  if (x.dim() < 3) throw new RuntimeError(`pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${x.dim()} dimension(s)`);
  const [c, h, w] = x.shape.slice(-3);
  if (h % r !== 0) throw new RuntimeError(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`);
  if (w % r !== 0) throw new RuntimeError(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`);
  const lead = x.shape.slice(0, -3);
  const k = lead.length;
  const perm = [...lead.map((_, i) => i), k, k + 2, k + 4, k + 1, k + 3];
  return x.reshape([...lead, c, h / r, r, w / r, r]).permute(perm).reshape([...lead, c * r * r, h / r, w / r]);
}

/** F.channel_shuffle(input, groups): [N, C, *] with its C channels, g groups of C/g, reordered as C/g groups of g. */
export function channelShuffle(input: Tensor, groups: number): Tensor;
export function channelShuffle(input: Tensor, groups: number, ...extra: unknown[]): Tensor {
  const x = checkTensor(input, "input", "channelShuffle");
  const g = int()(groups, "groups", "channelShuffle");
  if (extra.length > 0) parseArgs("channelShuffle", [], extra);
  if (x.dim() <= 2) throw new RuntimeError(`channel_shuffle expects input with > 2 dims, but got input with sizes ${fmtShape(x.shape)}`);
  if (g <= 0) throw new RuntimeError(`Number of groups to divide channels in must be positive. Value of groups:${g}`);
  const [n, c] = x.shape as [number, number];
  if (c % g !== 0) throw new RuntimeError(`Number of channels must be divisible by groups. Got ${c} channels and ${g} groups.`);
  const rest = x.shape.slice(2);
  return x.reshape([n, g, c / g, ...rest]).transpose(1, 2).reshape(x.shape);
}

/** The deprecation warning of F.upsample* (once each). */
const deprecated = (name: string): void => warnOnce(`nn.functional.${name} is deprecated. Use nn.functional.interpolate instead.`);

/** F.upsample(input, size=None, scale_factor=None, mode='nearest', align_corners=None): interpolate, with PyTorch's deprecation warning. */
export function upsample(
  input: Tensor,
  ...args: Args<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: InterpolateMode, alignCorners: boolean | null], Omit<InterpolateOptions, "recomputeScaleFactor" | "antialias">>
): Tensor {
  checkTensor(input, "input", "upsample");
  const a = parseArgs<Required<InterpolateOptions>>("upsample", INTERPOLATE_ARGS.slice(0, 4), args);
  deprecated("upsample");
  return interpolate(input, { size: a.size, scaleFactor: a.scaleFactor, mode: a.mode, alignCorners: a.alignCorners });
}

type UpsampleFixedPositional = [size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null];

/** F.upsample_nearest(input, size=None, scale_factor=None): interpolate with mode 'nearest', with PyTorch's deprecation warning. */
export function upsampleNearest(input: Tensor, ...args: Args<UpsampleFixedPositional, Pick<InterpolateOptions, "size" | "scaleFactor">>): Tensor {
  checkTensor(input, "input", "upsampleNearest");
  const a = parseArgs<Required<Pick<InterpolateOptions, "size" | "scaleFactor">>>("upsampleNearest", INTERPOLATE_ARGS.slice(0, 2), args);
  deprecated("upsample_nearest");
  return interpolate(input, { size: a.size, scaleFactor: a.scaleFactor, mode: "nearest" });
}

/** F.upsample_bilinear(input, size=None, scale_factor=None): interpolate with mode 'bilinear', align_corners=True, with PyTorch's deprecation warning. */
export function upsampleBilinear(input: Tensor, ...args: Args<UpsampleFixedPositional, Pick<InterpolateOptions, "size" | "scaleFactor">>): Tensor {
  checkTensor(input, "input", "upsampleBilinear");
  const a = parseArgs<Required<Pick<InterpolateOptions, "size" | "scaleFactor">>>("upsampleBilinear", INTERPOLATE_ARGS.slice(0, 2), args);
  deprecated("upsample_bilinear");
  return interpolate(input, { size: a.size, scaleFactor: a.scaleFactor, mode: "bilinear", alignCorners: true });
}
