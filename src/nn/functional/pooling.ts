// Pooling: max pooling is a primitive (src/ops/pool.ts: one pass for values and argmax
// indices, gradient scattered back through the indices); average pooling reduces im2col's
// window axis; adaptive average pooling is two averaging matrices (it is separable); adaptive max pooling
// gathers each (variable-size) window. 1-d layers run as 2-d ones over a height-1 image.
import type { Im2colGeometry } from "../../backends/backend.ts";
import { RuntimeError } from "../../errors.ts";
import { fmtShape } from "../../layout.ts";
import { fromHost } from "../../ops/alloc.ts";
import { im2col, windowCount, type Pair } from "../../ops/conv.ts";
import { maxPool2dWithIndices } from "../../ops/pool.ts";
import { allocate, type NumArray } from "../../dtype.ts";
import type { Tensor } from "../../tensor.ts";
import { tuple } from "./conv.ts";

export interface MaxPoolOptions {
  /** Defaults to kernelSize. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}
export interface AvgPoolOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}
export interface WithIndices {
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

function poolGeometry(x: Tensor, kernelSize: Pair, stride: Pair | null | undefined, padding: Pair, dilation: Pair, ceilMode: boolean, nd: 1 | 2, op: string): Pooled {
  if (x.dim() !== nd + 1 && x.dim() !== nd + 2) {
    throw new RuntimeError(`${op}: Expected ${nd + 1}D or ${nd + 2}D (batch mode) tensor with optional 0 dim batch size for input, but got: ${fmtShape(x.shape)}`);
  }
  const k = tuple(kernelSize, nd, "kernel_size");
  const s = stride === undefined || stride === null || (Array.isArray(stride) && stride.length === 0) ? k : tuple(stride, nd, "stride");
  const p = tuple(padding, nd, "padding");
  const d = tuple(dilation, nd, "dilation");
  for (let i = 0; i < nd; i++) {
    // PyTorch 1.13's rule and message (later versions use the dilated kernel size).
    if (p[i] > Math.floor(k[i] / 2)) throw new RuntimeError(`pad should be at most half of kernel size, but got pad=${p[i]} and kernel_size=${k[i]}`);
  }
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

function maxPool(x: Tensor, kernelSize: Pair, opts: MaxPoolOptions & { returnIndices?: boolean }, nd: 1 | 2): WithIndices {
  const q = poolGeometry(x, kernelSize, opts.stride, opts.padding ?? 0, opts.dilation ?? 1, opts.ceilMode ?? false, nd, `max_pool${nd}d`);
  const { values, indices } = maxPool2dWithIndices(q.planes, q.g); // [n*c, L] each
  // the kernel's int32 indices become int64 (PyTorch's index dtype) only when returned
  return { values: values.reshape(outShape(q)), indices: opts.returnIndices ? indices.reshape(outShape(q)).to("int64") : indices };
}

/** F.max_pool1d(x [n, c, l] or [c, l], kernelSize, opts); { returnIndices: true } gives { values, indices }. */
export function maxPool1d(x: Tensor, kernelSize: Pair, opts: MaxPoolOptions & { returnIndices: true }): WithIndices;
export function maxPool1d(x: Tensor, kernelSize: Pair, opts?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: Pair, opts: MaxPoolOptions & { returnIndices?: boolean } = {}): Tensor | WithIndices {
  const r = maxPool(x, kernelSize, opts, 1);
  return opts.returnIndices ? r : r.values;
}
/** F.max_pool2d(x [n, c, h, w] or [c, h, w], kernelSize, { stride, padding, dilation, ceilMode, returnIndices }). */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: MaxPoolOptions & { returnIndices: true }): WithIndices;
export function maxPool2d(x: Tensor, kernelSize: Pair, opts?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: MaxPoolOptions & { returnIndices?: boolean } = {}): Tensor | WithIndices {
  const r = maxPool(x, kernelSize, opts, 2);
  return opts.returnIndices ? r : r.values;
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

function avgPool(x: Tensor, kernelSize: Pair, opts: AvgPoolOptions, nd: 1 | 2): Tensor {
  const q = poolGeometry(x, kernelSize, opts.stride, opts.padding ?? 0, 1, opts.ceilMode ?? false, nd, `avg_pool${nd}d`);
  const sums = im2col(q.planes, q.g, 0).sum(1); // [n*c, L]
  const div = opts.divisorOverride;
  if (div !== undefined && div !== null && div === 0) throw new RuntimeError("divisor must be not zero");
  const out = div ? sums.div(div) : sums.div(avgDivisors(q, opts.countIncludePad ?? true, x.dtype));
  return out.reshape(outShape(q));
}

export function avgPool1d(x: Tensor, kernelSize: Pair, opts: Omit<AvgPoolOptions, "divisorOverride"> = {}): Tensor {
  return avgPool(x, kernelSize, opts, 1);
}
/** F.avg_pool2d(x, kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride }). */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: AvgPoolOptions = {}): Tensor {
  return avgPool(x, kernelSize, opts, 2);
}

// ---- adaptive pooling -------------------------------------------------------------------

/** PyTorch's adaptive windows: [floor(i*in/out), ceil((i+1)*in/out)). */
function adaptiveWindows(inSize: number, outSize: number): Array<[number, number]> {
  const w: Array<[number, number]> = [];
  for (let i = 0; i < outSize; i++) w.push([Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)]);
  return w;
}

function adaptiveSizes(x: Tensor, outputSize: Pair | ReadonlyArray<number | null>, nd: 1 | 2, op: string): number[] {
  if (x.dim() !== nd + 1 && x.dim() !== nd + 2) {
    throw new RuntimeError(`${op}(): Expected ${nd + 1}D or ${nd + 2}D tensor, but got ${fmtShape(x.shape)}`);
  }
  for (let i = 1; i < x.dim(); i++) {
    if (x.shape[i] === 0) throw new RuntimeError(`${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmtShape(x.shape)} with dimension ${i} being empty`);
  }
  const spatial = x.shape.slice(-nd);
  const raw = typeof outputSize === "number" ? new Array<number | null>(nd).fill(outputSize) : [...outputSize];
  if (raw.length === 1 && nd === 2) raw.push(raw[0]);
  if (raw.length !== nd) throw new RuntimeError(`${op}: output_size must be ${nd}`);
  return raw.map((o, i) => o ?? spatial[i]);
}

/** [out, in] matrix averaging each adaptive window. */
function averagingMatrix(inSize: number, outSize: number, like: Tensor): Tensor {
  const dtype = like.dtype;
  const m = allocate(dtype, outSize * inSize) as NumArray;
  adaptiveWindows(inSize, outSize).forEach(([s, e], i) => {
    for (let j = s; j < e; j++) m[i * inSize + j] = 1 / (e - s);
  });
  return fromHost(m, [outSize, inSize], dtype, like.device);
}

export function adaptiveAvgPool1d(x: Tensor, outputSize: number | readonly number[]): Tensor {
  const [ow] = adaptiveSizes(x, outputSize, 1, "adaptive_avg_pool1d");
  return x.matmul(averagingMatrix(x.shape[x.dim() - 1], ow, x).t());
}
/** F.adaptive_avg_pool2d(x, outputSize): outputSize a number, [h, w], or [h, null] to keep a size. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | ReadonlyArray<number | null>): Tensor {
  const [oh, ow] = adaptiveSizes(x, outputSize as Pair, 2, "adaptive_avg_pool2d");
  const [h, w] = x.shape.slice(-2);
  return averagingMatrix(h, oh, x).matmul(x).matmul(averagingMatrix(w, ow, x).t());
}

function adaptiveMax(x: Tensor, outputSize: Pair | ReadonlyArray<number | null>, nd: 1 | 2): WithIndices {
  const op = `adaptive_max_pool${nd}d`;
  const sizes = adaptiveSizes(x, outputSize as Pair, nd, op);
  const spatial = x.shape.slice(-nd);
  const [h, w] = nd === 1 ? [1, spatial[0]] : spatial;
  const [oh, ow] = nd === 1 ? [1, sizes[0]] : sizes;
  const rows = nd === 1 ? [[0, 1] as [number, number]] : adaptiveWindows(h, oh);
  const colsW = adaptiveWindows(w, ow);
  // Every window padded to the largest by repeating its first element: a repeat never beats
  // the first occurrence, so max and its first-index tie rule are unchanged.
  const maxH = Math.max(...rows.map(([s, e]) => e - s));
  const maxW = Math.max(...colsW.map(([s, e]) => e - s));
  const win = maxH * maxW;
  const idx = new Int32Array(oh * ow * win);
  let p = 0;
  for (const [hs, he] of rows) {
    for (const [ws, we] of colsW) {
      for (let a = 0; a < maxH; a++) {
        for (let b = 0; b < maxW; b++) {
          const iy = hs + a < he ? hs + a : hs;
          const ix = ws + b < we ? ws + b : ws;
          idx[p++] = hs + a < he && ws + b < we ? iy * w + ix : hs * w + ws;
        }
      }
    }
  }
  const planes = x.reshape(-1, h * w);
  const n = planes.shape[0];
  const table = fromHost(idx, [1, oh * ow, win], "int32", x.device);
  const { values, indices } = planes.gather(1, table.view(1, oh * ow * win).expand(n, oh * ow * win)).view(n, oh * ow, win).max(2);
  // each window's argmax mapped back to its position in the plane: a gather from the table
  const flat = table.expand(n, oh * ow, win).gather(2, indices.unsqueeze(2)).squeeze(2);
  const shape = [...x.shape.slice(0, -nd), ...(nd === 1 ? [ow] : [oh, ow])];
  return { values: values.reshape(shape), indices: flat.reshape(shape).to("int64") };
}

type RI = { returnIndices?: boolean };
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts: { returnIndices: true }): WithIndices;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | readonly number[], opts: RI = {}): Tensor | WithIndices {
  const r = adaptiveMax(x, outputSize, 1);
  return opts.returnIndices ? r : r.values;
}
/** F.adaptive_max_pool2d(x, outputSize, { returnIndices }). */
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | ReadonlyArray<number | null>, opts: { returnIndices: true }): WithIndices;
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | ReadonlyArray<number | null>, opts?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | ReadonlyArray<number | null>, opts: RI = {}): Tensor | WithIndices {
  const r = adaptiveMax(x, outputSize as Pair, 2);
  return opts.returnIndices ? r : r.values;
}
