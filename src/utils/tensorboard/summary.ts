// Summary messages, built as PyTorch's torch/utils/tensorboard/summary.py builds them, as
// plain objects with the field names of TensorBoard's summary.proto (encoded by src/proto).
import { fastPng } from "#deps";
import { isFloating } from "../../dtype.ts";
import { ValueError } from "../../errors.ts";
import { encodeTensorboard, type Message } from "../../proto/index.ts";
import { Tensor } from "../../tensor.ts";

/** A number or a one-element tensor as a JS number. */
export function scalarValue(v: number | Tensor, what: string): number {
  if (typeof v === "number") return v;
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new ValueError(`${what}: Tensor should contain one element (0 dimensions). Was given size: ${v.numel()} and ${v.dim()} dimensions.`);
    return v.item();
  }
  throw new TypeError(`${what}: expected a number or a Tensor, got ${typeof v}`);
}

export function scalar(tag: string, value: number, newStyle = false, doublePrecision = false): Message {
  if (!newStyle) return { value: [{ tag, simple_value: value }] };
  const tensor = doublePrecision ? { dtype: "DT_DOUBLE", double_val: [value] } : { dtype: "DT_FLOAT", float_val: [value] };
  return { value: [{ tag, tensor, metadata: { plugin_data: { plugin_name: "scalars" } } }] };
}

/** TensorBoard's default buckets (PyTorch's SummaryWriter.default_bins): -1e20..-1e-12, 0, 1e-12..1e20 growing by 1.1. */
export const DEFAULT_BINS: readonly number[] = (() => {
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  return [...pos.map((v) => -v).reverse(), 0, ...pos];
})();

/** numpy.histogram(values, bins): counts of [e_i, e_i+1) with the last bin closed; values outside are dropped. */
function histogramCounts(values: Float64Array, bins: number | readonly number[]): { counts: number[]; edges: number[] } {
  let edges: number[];
  if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 1) throw new ValueError("`bins` must be positive, when an integer");
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    const step = (hi - lo) / bins;
    edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * step));
  } else {
    edges = bins.slice();
    for (let i = 1; i < edges.length; i++) if (edges[i] < edges[i - 1]) throw new ValueError("bins must increase monotonically, when an array");
  }
  const n = edges.length - 1;
  const counts = new Array<number>(n).fill(0);
  for (const v of values) {
    if (!(v >= edges[0] && v <= edges[n])) continue;
    // the last i with edges[i] <= v, capped at the last bin
    let lo = 0;
    let hi = n;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= v) lo = mid;
      else hi = mid;
    }
    counts[lo]++;
  }
  return { counts, edges };
}

/** HistogramProto of values, as PyTorch's make_histogram (support trimmed to the non-empty bins). */
export function makeHistogram(values: Float64Array, bins: number | readonly number[], maxBins?: number | null): Message {
  if (values.length === 0) throw new ValueError("The input has no element.");
  let { counts, edges: limits } = histogramCounts(values, bins);
  const numBins = counts.length;
  if (maxBins !== undefined && maxBins !== null && numBins > maxBins) {
    const sub = Math.floor(numBins / maxBins);
    const rem = numBins % sub;
    if (rem !== 0) counts = counts.concat(new Array<number>(sub - rem).fill(0));
    const merged: number[] = [];
    for (let i = 0; i < counts.length; i += sub) merged.push(counts.slice(i, i + sub).reduce((p, q) => p + q, 0));
    const newLimits: number[] = [];
    for (let i = 0; i < merged.length; i++) newLimits.push(limits[i * sub]);
    newLimits.push(limits[limits.length - 1]);
    counts = merged;
    limits = newLimits;
  }
  // The first and last bins with a count; TensorBoard stores right edges only, so one empty
  // bin is kept on the left to carry the leftmost edge.
  let start = counts.findIndex((c) => c > 0);
  let end = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
  if (start < 0) {
    start = 0;
    end = 0;
  }
  end += 1;
  const kept = start > 0 ? counts.slice(start - 1, end) : [0, ...counts.slice(0, end)];
  const keptLimits = limits.slice(start, end + 1);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    sumSquares += v * v;
  }
  return { min, max, num: values.length, sum, sum_squares: sumSquares, bucket_limit: keptLimits, bucket: kept };
}

export function histogram(tag: string, values: Tensor, bins: number | readonly number[], maxBins?: number | null): Message {
  const v = Float64Array.from(values.contiguousData() as ArrayLike<number | bigint>, Number);
  return { value: [{ tag, histo: makeHistogram(v, bins, maxBins) }] };
}

/**
 * An image tensor in `dataformats` (NCHW, NHWC, CHW, HWC, HW, ...) as [H, W, 3 or 4] bytes, as
 * PyTorch's convert_to_HWC (a batch is laid out on a grid of at most 8 columns, one or no
 * channel is repeated to RGB). Floating values are taken in [0, 1] and scaled by 255; torch-ts
 * has no uint8, so integer tensors are taken as 0..255. Values are clamped to the byte range.
 */
export function toHWC(img: Tensor, dataformats: string): { data: Uint8Array; h: number; w: number; c: number } {
  const fmt = dataformats.toUpperCase();
  if (new Set(fmt).size !== fmt.length) throw new ValueError(`You can not use the same dimension shordhand twice. input_format: ${dataformats}`);
  if (img.dim() !== fmt.length) throw new ValueError(`size of input tensor and input format are different. tensor shape: (${img.shape.join(", ")}), input_format: ${dataformats}`);
  const scale = isFloating(img.dtype) ? 255 : 1;
  const axis = (ch: string): number => fmt.indexOf(ch);
  let nchw: Tensor;
  if (fmt.length === 4) nchw = img.permute(["N", "C", "H", "W"].map(axis));
  else if (fmt.length === 3) nchw = img.permute(["C", "H", "W"].map(axis)).unsqueeze(0);
  else if (fmt.length === 2) nchw = img.permute(["H", "W"].map(axis)).unsqueeze(0).unsqueeze(0);
  else throw new ValueError(`unsupported dataformats ${dataformats}`);
  const [n, c0, h, w] = nchw.shape;
  const c = c0 === 1 ? 3 : c0;
  if (c !== 3 && c !== 4) throw new ValueError(`images must have 1, 3 or 4 channels, got ${c0}`);
  const src = nchw.contiguousData() as ArrayLike<number | bigint>;
  const grid = fmt.length === 4;
  const cols = grid ? Math.min(n, 8) : 1;
  const rows = grid ? Math.ceil(n / cols) : 1;
  const out = new Uint8Array(rows * h * cols * w * c);
  const W = cols * w;
  for (let i = 0; i < n; i++) {
    const oy = Math.floor(i / cols) * h;
    const ox = (i % cols) * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          const v = Number(src[((i * c0 + (c0 === 1 ? 0 : ch)) * h + y) * w + x]) * scale;
          out[((oy + y) * W + ox + x) * c + ch] = Math.min(255, Math.max(0, Math.trunc(v)));
        }
      }
    }
  }
  return { data: out, h: rows * h, w: W, c };
}

export function image(tag: string, img: Tensor, dataformats: string): Message {
  const { data, h, w, c } = toHWC(img, dataformats);
  const png = fastPng().encode({ width: w, height: h, data, channels: c, depth: 8 });
  return { value: [{ tag, image: { height: h, width: w, colorspace: c, encoded_image_string: png } }] };
}

export function text(tag: string, s: string): Message {
  const content = encodeTensorboard("tensorboard.TextPluginData", { version: 0 });
  return {
    value: [{
      tag: `${tag}/text_summary`,
      metadata: { plugin_data: { plugin_name: "text", content } },
      tensor: { dtype: "DT_STRING", string_val: [new TextEncoder().encode(s)], tensor_shape: { dim: [{ size: 1 }] } },
    }],
  };
}

/** A hyperparameter's value in addHparams: a number, string, boolean or one-element tensor. */
export type HParamValue = number | string | boolean | Tensor;

/** The three summaries of the hparams plugin (experiment, session start, session end), as PyTorch's hparams(). */
export function hparams(hparamDict: Record<string, HParamValue | null | undefined>, metricDict: Record<string, unknown>, domainDiscrete: Record<string, unknown[]> = {}): Message[] {
  for (const [k, v] of Object.entries(domainDiscrete)) {
    if (!(k in hparamDict) || !Array.isArray(v) || !v.every((d) => typeof d === typeof hparamDict[k])) {
      throw new TypeError(`parameter: hparam_domain_discrete[${k}] should be a list of same type as hparam_dict[${k}].`);
    }
  }
  // google.protobuf.Value comes from protobufjs's bundled struct.proto, whose names are camelCase.
  const kindOf = (v: unknown): [string, string] =>
    typeof v === "number" ? ["numberValue", "DATA_TYPE_FLOAT64"] : typeof v === "string" ? ["stringValue", "DATA_TYPE_STRING"] : ["boolValue", "DATA_TYPE_BOOL"];
  const hps: Message[] = [];
  const ssi: Record<string, Message> = {};
  for (const [k, raw] of Object.entries(hparamDict)) {
    if (raw === null || raw === undefined) continue;
    const v = raw instanceof Tensor ? raw.item() : raw;
    if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") throw new ValueError("value should be one of int, float, str, bool, or torch.Tensor");
    const [field, type] = kindOf(v);
    ssi[k] = { [field]: v };
    const info: Message = { name: k, type };
    if (k in domainDiscrete && !(raw instanceof Tensor)) info.domain_discrete = { values: domainDiscrete[k].map((d) => ({ [field]: d })) };
    hps.push(info);
  }
  const summary = (tag: string, data: Message): Message => ({
    value: [{ tag, metadata: { plugin_data: { plugin_name: "hparams", content: encodeTensorboard("tensorboard.hparams.HParamsPluginData", { ...data, version: 0 }) } } }],
  });
  return [
    summary("_hparams_/experiment", { experiment: { hparam_infos: hps, metric_infos: Object.keys(metricDict).map((tag) => ({ name: { tag } })) } }),
    summary("_hparams_/session_start_info", { session_start_info: { hparams: ssi } }),
    summary("_hparams_/session_end_info", { session_end_info: { status: "STATUS_SUCCESS" } }),
  ];
}
