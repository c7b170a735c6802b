// Captum's visualize_image_attr (captum/attr/_utils/visualization.py) drawn into pixels
// instead of a matplotlib figure: the attribution summed over channels and scaled by the
// value below which (100 - outlierPerc)% of its absolute mass lies (_normalize_attr), then
// coloured (heat_map), laid over the grey image (blended_heat_map), used as a mask of the
// image (masked_image) or as its alpha (alpha_scaling). A Figure is RGBA pixels; it becomes
// a PNG (through the optional package fast-png) or an SVG (no dependency), and figures
// compose into a grid (a sheet of examples x methods).
import { TorchTypeError, ValueError, AssertionError } from "../../errors.ts";
import { Tensor } from "../../tensor.ts";
import { parseArgs } from "../common.ts";
import { colorAt, getColormap, type Colormap } from "./colormap.ts";
import { encodePng } from "./png.ts";

export type VisualizeSign = "positive" | "absolute_value" | "negative" | "all";
export type ImageVisualizationMethod = "heat_map" | "blended_heat_map" | "original_image" | "masked_image" | "alpha_scaling";
const SIGNS: readonly VisualizeSign[] = ["positive", "absolute_value", "negative", "all"];
const METHODS: readonly ImageVisualizationMethod[] = ["heat_map", "blended_heat_map", "original_image", "masked_image", "alpha_scaling"];

/** An image as [H, W, C] values (Captum takes numpy arrays channels-last); [H, W] is one channel. */
export type ImageArray = Tensor;

interface Hwc {
  h: number;
  w: number;
  c: number;
  data: Float64Array;
  float32: boolean;
}

function hwc(t: unknown, what: string): Hwc {
  if (!(t instanceof Tensor)) throw new TorchTypeError(`${what} must be a Tensor of shape [H, W, C] (channels last, as Captum's numpy arrays) or [H, W]`);
  if (t.dim() !== 2 && t.dim() !== 3) throw new ValueError(`${what} must have shape [H, W, C] or [H, W], got [${t.shape.join(", ")}]`);
  const [h, w, c = 1] = t.shape as [number, number, number?];
  return { h, w, c, data: Float64Array.from(t.detach().contiguous().reshape(-1).tolist() as number[]), float32: t.dtype === "float32" };
}

/** _cumulative_sum_threshold: the sorted value at which the running sum first reaches percentile% of the total. */
function cumulativeSumThreshold(values: Float64Array, percentile: number, float32: boolean): number {
  if (!(percentile >= 0 && percentile <= 100)) throw new AssertionError("Percentile for thresholding must be between 0 and 100 inclusive.");
  const sorted = Float64Array.from(values).sort();
  const cum = new Float64Array(sorted.length);
  let s = 0;
  for (let i = 0; i < sorted.length; i++) cum[i] = s = float32 ? Math.fround(s + sorted[i]!) : s + sorted[i]!;
  const limit = cum[cum.length - 1]! * 0.01 * percentile;
  let i = 0;
  while (i < cum.length - 1 && !(cum[i]! >= limit)) i++;
  return sorted[i]!;
}

/**
 * Captum's _normalize_attr with reduction over channels: the [H, W] attribution map scaled to
 * [-1, 1] ("all") or [0, 1] (the others) and clipped, as Float64Array row-major.
 */
export function normalizeImageAttr(attr: ImageArray, sign: VisualizeSign = "absolute_value", outlierPerc = 2): { height: number; width: number; values: Float64Array } {
  if (!SIGNS.includes(sign)) throw new ValueError(`'${String(sign)}' is not a valid VisualizeSign (${SIGNS.join(", ")})`);
  const a = hwc(attr, "attr");
  const r = a.float32 ? Math.fround : (v: number) => v;
  const combined = new Float64Array(a.h * a.w);
  for (let p = 0; p < combined.length; p++) {
    let s = 0;
    for (let k = 0; k < a.c; k++) s = r(s + a.data[p * a.c + k]!);
    combined[p] = s;
  }
  let values = combined;
  let threshold: number;
  if (sign === "all") threshold = cumulativeSumThreshold(combined.map(Math.abs), 100 - outlierPerc, a.float32);
  else if (sign === "positive") {
    values = combined.map((v) => (v > 0 ? 1 : 0) * v); // numpy's (a > 0) * a: -0 where a < 0
    threshold = cumulativeSumThreshold(values, 100 - outlierPerc, a.float32);
  } else if (sign === "negative") {
    values = combined.map((v) => (v < 0 ? 1 : 0) * v);
    threshold = -cumulativeSumThreshold(values.map(Math.abs), 100 - outlierPerc, a.float32);
  } else {
    values = combined.map(Math.abs);
    threshold = cumulativeSumThreshold(values, 100 - outlierPerc, a.float32);
  }
  if (threshold === 0) throw new AssertionError("Cannot normalize by scale factor = 0");
  if (Math.abs(threshold) < 1e-5) console.warn("Attempting to normalize by value approximately 0, visualized resultsmay be misleading. This likely means that attribution values are allclose to 0.");
  const out = values.map((v) => Math.min(1, Math.max(-1, r(v / threshold))));
  return { height: a.h, width: a.w, values: out };
}

/** The image as Captum prepares it: values <= 1 are scaled by 255, then truncated to integers in [0, 255]. */
function prepareImage(img: Hwc): Float64Array {
  let max = -Infinity;
  for (const v of img.data) max = Math.max(max, v);
  const scale = max <= 1 ? 255 : 1;
  return img.data.map((v) => Math.min(255, Math.max(0, Math.trunc(v * scale))));
}

/** RGBA pixels, with what an SVG rendering adds around them. */
export class Figure {
  constructor(
    readonly width: number,
    readonly height: number,
    /** RGBA, row-major. */
    readonly data: Uint8ClampedArray,
    readonly title: string | null = null,
    readonly colorbar: { cmap: Colormap; vmin: number; vmax: number } | null = null,
  ) {}

  /** The figure enlarged `scale` times (each pixel a scale x scale block). */
  scaled(scale: number): Figure {
    if (!Number.isInteger(scale) || scale < 1) throw new ValueError(`scale must be a positive integer, got ${scale}`);
    if (scale === 1) return this;
    const w = this.width * scale;
    const out = new Uint8ClampedArray(w * this.height * scale * 4);
    for (let y = 0; y < this.height * scale; y++) {
      for (let x = 0; x < w; x++) {
        const src = (Math.floor(y / scale) * this.width + Math.floor(x / scale)) * 4;
        out.set(this.data.subarray(src, src + 4), (y * w + x) * 4);
      }
    }
    return new Figure(w, this.height * scale, out, this.title, this.colorbar);
  }

  /** PNG bytes (8-bit RGBA), encoded by the optional package fast-png (loaded on first use). */
  toPNG(): Promise<Uint8Array> {
    return encodePng(this.width, this.height, this.data);
  }

  /**
   * An SVG document: one rectangle per run of equal pixels in a row (crisp edges, `scale`
   * user units per pixel), the title above and the colour bar below when the figure has them.
   */
  toSVG(opts: { scale?: number } = {}): string {
    const s = opts.scale ?? 4;
    const top = this.title ? 20 : 0;
    const bottom = this.colorbar ? 34 : 0;
    const W = this.width * s;
    const H = this.height * s + top + bottom;
    const parts: string[] = [];
    for (let y = 0; y < this.height; y++) {
      let x = 0;
      while (x < this.width) {
        const i = (y * this.width + x) * 4;
        let run = 1;
        while (x + run < this.width && sameColor(this.data, i, i + run * 4)) run++;
        const a = this.data[i + 3]!;
        if (a > 0) {
          const fill = `#${[0, 1, 2].map((k) => this.data[i + k]!.toString(16).padStart(2, "0")).join("")}`;
          parts.push(`<rect x="${x * s}" y="${top + y * s}" width="${run * s}" height="${s}" fill="${fill}"${a < 255 ? ` fill-opacity="${(a / 255).toFixed(3)}"` : ""}/>`);
        }
        x += run;
      }
    }
    if (this.title) parts.unshift(`<text x="${W / 2}" y="14" text-anchor="middle" font-family="sans-serif" font-size="12">${escapeXml(this.title)}</text>`);
    if (this.colorbar) {
      const { cmap, vmin, vmax } = this.colorbar;
      const y0 = top + this.height * s + 6;
      const stops = Array.from({ length: 17 }, (_, k) => {
        const c = colorAt(cmap, k / 16)!;
        return `<stop offset="${(k / 16).toFixed(4)}" stop-color="rgb(${c.join(",")})"/>`;
      });
      parts.push(`<defs><linearGradient id="cbar">${stops.join("")}</linearGradient></defs>`);
      parts.push(`<rect x="0" y="${y0}" width="${W}" height="10" fill="url(#cbar)" stroke="#444" stroke-width="0.5"/>`);
      const label = (v: number, x: number, anchor: string) => `<text x="${x}" y="${y0 + 24}" text-anchor="${anchor}" font-family="sans-serif" font-size="10">${v}</text>`;
      parts.push(label(vmin, 0, "start"), label(vmax, W, "end"));
      if (vmin < 0 && vmax > 0) parts.push(label(0, (W * -vmin) / (vmax - vmin), "middle"));
    }
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" shape-rendering="crispEdges">\n${parts.join("\n")}\n</svg>\n`;
  }

  /** Figures laid out in rows and columns with `gap` pixels of `background` between them (null cells stay empty). */
  static grid(rows: ReadonlyArray<ReadonlyArray<Figure | null>>, opts: { gap?: number; background?: [number, number, number, number] } = {}): Figure {
    const gap = opts.gap ?? 2;
    const bg = opts.background ?? [255, 255, 255, 255];
    const cols = Math.max(...rows.map((r) => r.length));
    const colW = Array.from({ length: cols }, (_, c) => Math.max(0, ...rows.map((r) => r[c]?.width ?? 0)));
    const rowH = rows.map((r) => Math.max(0, ...r.map((f) => f?.height ?? 0)));
    const W = colW.reduce((a, b) => a + b, 0) + gap * (cols + 1);
    const H = rowH.reduce((a, b) => a + b, 0) + gap * (rows.length + 1);
    const out = new Uint8ClampedArray(W * H * 4);
    for (let i = 0; i < W * H; i++) out.set(bg, i * 4);
    let y0 = gap;
    rows.forEach((r, ri) => {
      let x0 = gap;
      r.forEach((f, ci) => {
        if (f) for (let y = 0; y < f.height; y++) out.set(f.data.subarray(y * f.width * 4, (y + 1) * f.width * 4), ((y0 + y) * W + x0) * 4);
        x0 += colW[ci]! + gap;
      });
      y0 += rowH[ri]! + gap;
    });
    return new Figure(W, H, out);
  }
}

const sameColor = (d: Uint8ClampedArray, i: number, j: number) => d[i] === d[j] && d[i + 1] === d[j + 1] && d[i + 2] === d[j + 2] && d[i + 3] === d[j + 3];
const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export interface VisualizeImageAttrOptions {
  /** Percent of the largest absolute attributions clipped to the ends of the scale (default 2). */
  outlierPerc?: number;
  /** A colour map name: "RdWhGn" (default for "all"), "Greens" (positive), "Reds" (negative), "Blues" (absolute_value) or "gray". */
  cmap?: string | null;
  /** Opacity of the heat map over the grey image in blended_heat_map (default 0.5). */
  alphaOverlay?: number;
  /** Draw the colour scale under the picture (in its SVG). */
  showColorbar?: boolean;
  title?: string | null;
}

/** _initialize_cmap_and_vmin_vmax */
function defaultCmap(sign: VisualizeSign): [string, number, number] {
  if (sign === "all") return ["RdWhGn", -1, 1];
  if (sign === "positive") return ["Greens", 0, 1];
  if (sign === "negative") return ["Reds", 0, 1];
  return ["Blues", 0, 1];
}

/**
 * captum.attr.visualization.visualize_image_attr, drawn as a Figure: `attr` and
 * `originalImage` are [H, W, C] (or [H, W]) tensors; the methods and signs are Captum's, with
 * Captum's defaults (heat_map, absolute_value) and its colour maps.
 */
export function visualizeImageAttr(attr: ImageArray, originalImage?: ImageArray | null, method?: ImageVisualizationMethod, sign?: VisualizeSign, opts?: VisualizeImageAttrOptions): Figure;
export function visualizeImageAttr(attr: ImageArray, opts?: VisualizeImageAttrOptions & { originalImage?: ImageArray | null; method?: ImageVisualizationMethod; sign?: VisualizeSign }): Figure;
export function visualizeImageAttr(attr: ImageArray, ...rest: unknown[]): Figure {
  type O = VisualizeImageAttrOptions & { originalImage?: ImageArray | null; method?: ImageVisualizationMethod; sign?: VisualizeSign };
  const o = parseArgs<O>("visualize_image_attr", ["originalImage", "method", "sign"], rest, ["outlierPerc", "cmap", "alphaOverlay", "showColorbar", "title"]);
  const method = o.method ?? "heat_map";
  const sign = o.sign ?? "absolute_value";
  if (!METHODS.includes(method)) throw new AssertionError("Visualize Method type is not valid.");
  let original: Float64Array | null = null;
  let img: Hwc | null = null;
  if (o.originalImage !== undefined && o.originalImage !== null) {
    img = hwc(o.originalImage, "originalImage");
    original = prepareImage(img);
  } else if (method !== "heat_map") throw new ValueError("Original Image must be provided for any visualization other than heatmap.");
  const norm = normalizeImageAttr(attr, sign, o.outlierPerc ?? 2);
  const [name, vmin, vmax] = defaultCmap(sign);
  const cmap = getColormap(o.cmap ?? name);
  const { height: h, width: w, values } = norm;
  if (img && (img.h !== h || img.w !== w)) throw new ValueError(`originalImage is ${img.h}x${img.w} but attr is ${h}x${w}`);
  const out = new Uint8ClampedArray(h * w * 4);
  const heat = (p: number) => colorAt(cmap, (values[p]! - vmin) / (vmax - vmin));
  const pixel = (p: number): number[] => {
    const c = img ? img.c : 1;
    const px = (k: number) => original![p * c + Math.min(k, c - 1)]!;
    switch (method) {
      case "heat_map": {
        const rgb = heat(p);
        return rgb ? [...rgb, 255] : [0, 0, 0, 0];
      }
      case "original_image":
        return [px(0), px(1), px(2), 255];
      case "masked_image":
        if (sign === "all") throw new AssertionError("Cannot display masked image with both positive and negative attributions, choose a different sign option.");
        return [0, 1, 2].map((k) => Math.min(255, Math.max(0, Math.trunc(px(k) * values[p]!)))).concat(255);
      case "alpha_scaling":
        if (sign === "all") throw new AssertionError("Cannot display alpha scaling with both positive and negative attributions, choose a different sign option.");
        return [px(0), px(1), px(2), Math.min(255, Math.max(0, Math.trunc(values[p]! * 255)))];
      default: {
        // blended_heat_map: the channel mean in grey (imshow scales it to its own min..max), the heat map over it
        const rgb = heat(p);
        const g = grey![p]!;
        const alpha = o.alphaOverlay ?? 0.5;
        return rgb ? [0, 1, 2].map((k) => Math.round(alpha * rgb[k]! + (1 - alpha) * g)).concat(255) : [g, g, g, 255];
      }
    }
  };
  let grey: Uint8Array | null = null;
  if (method === "blended_heat_map") {
    const c = img!.c;
    const mean = new Float64Array(h * w);
    for (let p = 0; p < h * w; p++) {
      let s = 0;
      for (let k = 0; k < c; k++) s += original![p * c + k]!;
      mean[p] = s / c;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of mean) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const gray = getColormap("gray");
    grey = Uint8Array.from(mean, (v) => colorAt(gray, hi > lo ? (v - lo) / (hi - lo) : 0)![0]);
  }
  for (let p = 0; p < h * w; p++) out.set(pixel(p), p * 4);
  const showBar = (o.showColorbar ?? false) && (method === "heat_map" || method === "blended_heat_map");
  return new Figure(w, h, out, o.title ?? null, showBar ? { cmap, vmin, vmax } : null);
}

/** visualize_image_attr_multiple: the same attribution drawn by several methods/signs, side by side. */
export function visualizeImageAttrMultiple(
  attr: ImageArray,
  originalImage: ImageArray | null,
  methods: readonly ImageVisualizationMethod[],
  signs: readonly VisualizeSign[],
  opts: VisualizeImageAttrOptions & { titles?: readonly string[] | null; gap?: number } = {},
): Figure {
  if (methods.length !== signs.length) throw new AssertionError("Methods and signs array lengths must match.");
  if (opts.titles && opts.titles.length !== methods.length) throw new AssertionError("If titles list is given, length must match that of methods list.");
  const { titles, gap, ...rest } = opts;
  return Figure.grid([methods.map((m, i) => visualizeImageAttr(attr, originalImage, m, signs[i], { ...rest, title: titles?.[i] ?? null }))], { gap });
}
