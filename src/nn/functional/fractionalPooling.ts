// F.fractional_max_pool2d and 3d (Graham, "Fractional Max-Pooling"): windows of kernel_size whose
// starts follow ATen's generate_intervals from one uniform sample per plane and dim, drawn as
// PyTorch draws them (torch.rand(N, C, 2 or 3) in the input's dtype: the same seed gives the same
// windows) unless given (PyTorch's _random_samples, here randomSamples); each window's max and its first index (a later NaN
// replaces it, as ATen's `val > max || isnan(val)`), by one gather over a table of every
// plane's windows. The gradient goes to the max's position (the gather's).
import { bool, checkTensor, intOrInts, ints, nullable, numOrNums, param, parseArgs, tensor, type Args, type ArgsWithOptions } from "../../args.ts";
import { IndexError, RuntimeError, ValueError } from "../../errors.ts";
import { isFloating, scalarTypeName } from "../../dtype.ts";
import { fmtShape } from "../../layout.ts";
import { fromHost, hostData } from "../../ops/alloc.ts";
import { arange, rand } from "../../ops/creation.ts";
import { where } from "../../ops/elementwise.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import type { Tensor } from "../../tensor.ts";
import type { WithIndices } from "./pooling.ts";

/** The options of `F.fractionalMaxPool2d` after kernel_size. */
export interface FractionalMaxPoolOptions {
  /** The output's [h, w] (or one int for both); this or outputRatio is required. */
  outputSize?: number | readonly number[] | null;
  /** The output's size as a fraction of the input's, in (0, 1) (one or two numbers). */
  outputRatio?: number | readonly number[] | null;
  /** Return { values, indices }; PyTorch's default false. */
  returnIndices?: boolean;
  /** PyTorch's _random_samples: uniform samples [N, C, 2] (w's, then h's; 3-d: [N, C, 3], t, h, w) that place the windows; drawn when absent. */
  randomSamples?: Tensor | null;
}
type FractionalPositional = [outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null, returnIndices: boolean, randomSamples: Tensor | null];
const FRACTIONAL = [
  param("outputSize", nullable(intOrInts), null), param("outputRatio", nullable(numOrNums), null),
  param("returnIndices", bool, false), param("randomSamples", nullable(tensor), null),
];

/** ATen's generate_intervals: window starts for one dim, computed in the input's float type. */
function intervals(sample: number, inSize: number, outSize: number, pool: number, f: (v: number) => number): number[] {
  const seq = new Array<number>(outSize).fill(0);
  if (outSize > 1) {
    const alpha = f((inSize - pool) / (outSize - 1));
    for (let i = 0; i < outSize - 1; i++) seq[i] = Math.trunc(f(f(i + sample) * alpha)) - Math.trunc(f(sample * alpha));
  }
  if (outSize > 0) seq[outSize - 1] = inSize - pool;
  return seq;
}

/** The dim each sample places, per dim of the pooled planes (ATen: 2-d w then h, 3-d t, h, w). */
const SAMPLE_OF = { 2: [1, 0], 3: [0, 1, 2] } as const;
const DIM_NAMES = { 2: ["height", "width"], 3: ["time", "height", "width"] } as const;

function fractional(nd: 2 | 3, fn: string, input: unknown, kernelSize: unknown, args: readonly unknown[]): { r: WithIndices; returnIndices: boolean } {
  const op = `fractional_max_pool${nd}d`;
  const x = checkTensor(input, "input", fn);
  const k = ints(nd)(kernelSize, "kernelSize", fn);
  const a = parseArgs<{ outputSize: number | number[] | null; outputRatio: number | number[] | null; returnIndices: boolean; randomSamples: Tensor | null }>(fn, FRACTIONAL, args);
  if (a.outputSize === null && a.outputRatio === null) throw new ValueError(`${op} requires specifying either an output_size or an output_ratio`);
  if (x.ndim < nd + 1) throw new IndexError(`Dimension out of range (expected to be in range of [-${x.ndim}, ${x.ndim - 1}], but got -${nd + 1})`);
  const spatial = x.shape.slice(-nd);
  let o: number[];
  if (a.outputSize !== null) o = ints(nd)(a.outputSize, "outputSize", fn);
  else {
    const r = typeof a.outputRatio === "number" ? [a.outputRatio] : a.outputRatio!;
    o = spatial.map((size, i) => Math.trunc(size * (r[i] ?? r[0]!)));
  }
  // ATen's checks, in its order and words (2-d: width, then height; 3-d: time, width, height)
  const at = nd === 2 ? "fractional_max_pool2d()" : "fractional_max_pool3d_out()";
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) throw new RuntimeError(`${at}: Expected ${nd + 1}D or ${nd + 2}D tensor, but got: ${fmtShape(x.shape)}`);
  // (PyTorch's first complaint about an integer input is the draw of its samples in that dtype)
  if (!isFloating(x.dtype)) throw new RuntimeError(`"${a.randomSamples === null ? "check_uniform_bounds" : `${op}_out_frame`}" not implemented for '${scalarTypeName(x.dtype)}'`);
  for (const d of nd === 2 ? [1, 0] : [0, 2, 1]) {
    // 2-d allows a last window that ends at the input's end, 3-d does not
    const over = o[d]! + k[d]! - 1 - spatial[d]!;
    if (nd === 2 ? over > 0 : over >= 0) throw new RuntimeError(`${at}: pool ${DIM_NAMES[nd][d]} ${k[d]} too large relative to input ${DIM_NAMES[nd][d]} ${spatial[d]}`);
  }
  const n = x.ndim === nd + 1 ? 1 : x.shape[0]!, c = x.shape[x.ndim - nd - 1]!;
  // drawn on the CPU's generator, as PyTorch draws them for a CPU input (the windows are laid
  // out on the host; given samples on a device would need an asynchronous read)
  const samples = a.randomSamples ?? rand([n, c, nd], { dtype: x.dtype });
  const s = hostData(noGrad(() => samples.contiguous()), `fractionalMaxPool${nd}d`, `F.fractionalMaxPool${nd}d(x, kernelSize, { randomSamples: await samples.cpuAsync() })`);
  const f = x.dtype === "float32" ? Math.fround : (v: number) => v;
  // table [planes, outputs, window] of plane positions, both row-major over the pooled dims
  const planes = n * c, win = k.reduce((m, v) => m * v, 1), out = o.reduce((m, v) => m * v, 1);
  const strides = spatial.map((_, i) => spatial.slice(i + 1).reduce((m, v) => m * v, 1));
  const table = new Int32Array(planes * out * win);
  const pos = new Array<number>(nd).fill(0), off = new Array<number>(nd).fill(0);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const starts = spatial.map((size, d) => intervals(Number(s[nd * p + SAMPLE_OF[nd][d]!]), size, o[d]!, k[d]!, f));
    for (let e = 0; e < out; e++) {
      for (let r = e, d = nd - 1; d >= 0; d--) {
        pos[d] = r % o[d]!;
        r = Math.floor(r / o[d]!);
      }
      for (let t = 0; t < win; t++) {
        for (let r = t, d = nd - 1; d >= 0; d--) {
          off[d] = r % k[d]!;
          r = Math.floor(r / k[d]!);
        }
        let at2 = 0;
        for (let d = 0; d < nd; d++) at2 += (starts[d]![pos[d]!]! + off[d]!) * strides[d]!;
        table[q++] = at2;
      }
    }
  }
  const plane = spatial.reduce((m, v) => m * v, 1);
  const idx = fromHost(table, [planes, out, win], "int32", x.device);
  const windows = x.reshape(planes, plane).gather(1, idx.reshape(planes, out * win)).reshape(planes, out, win);
  // the first max, unless the window holds a NaN: then ATen's last NaN
  const isNan = windows.isnan();
  const pick = noGrad(() => {
    const lastNan = isNan.to("int64").mul(arange(win, { device: x.device })).argmax(2);
    return where(isNan.any(2), lastNan, windows.max(2).indices);
  });
  const values = windows.gather(2, pick.unsqueeze(2)).squeeze(2);
  const flat = idx.gather(2, pick.unsqueeze(2)).squeeze(2);
  const shape = [...x.shape.slice(0, -nd), ...o];
  return { r: { values: values.reshape(shape), indices: flat.reshape(shape).to("int64") }, returnIndices: a.returnIndices };
}

/** F.fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export function fractionalMaxPool2d(input: Tensor, kernelSize: number | readonly number[], ...args: Args<[outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null, returnIndices: false, randomSamples: Tensor | null], FractionalMaxPoolOptions & { returnIndices?: false }>): Tensor;
export function fractionalMaxPool2d(input: Tensor, kernelSize: number | readonly number[], ...args: [outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null, returnIndices: true, randomSamples?: Tensor | null] | ArgsWithOptions<[outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null], FractionalMaxPoolOptions & { returnIndices: true }>): WithIndices;
export function fractionalMaxPool2d(input: Tensor, kernelSize: number | readonly number[], ...args: unknown[]): Tensor | WithIndices {
  const { r, returnIndices } = fractional(2, "fractionalMaxPool2d", input, kernelSize, args);
  return returnIndices ? r : r.values;
}
/** F.fractional_max_pool2d_with_indices(...): both, whatever return_indices says. */
export function fractionalMaxPool2dWithIndices(input: Tensor, kernelSize: number | readonly number[], ...args: Args<[...FractionalPositional], FractionalMaxPoolOptions>): WithIndices {
  return fractional(2, "fractionalMaxPool2dWithIndices", input, kernelSize, args).r;
}

/** F.fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export function fractionalMaxPool3d(input: Tensor, kernelSize: number | readonly number[], ...args: Args<[outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null, returnIndices: false, randomSamples: Tensor | null], FractionalMaxPoolOptions & { returnIndices?: false }>): Tensor;
export function fractionalMaxPool3d(input: Tensor, kernelSize: number | readonly number[], ...args: [outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null, returnIndices: true, randomSamples?: Tensor | null] | ArgsWithOptions<[outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null], FractionalMaxPoolOptions & { returnIndices: true }>): WithIndices;
export function fractionalMaxPool3d(input: Tensor, kernelSize: number | readonly number[], ...args: unknown[]): Tensor | WithIndices {
  const { r, returnIndices } = fractional(3, "fractionalMaxPool3d", input, kernelSize, args);
  return returnIndices ? r : r.values;
}
/** F.fractional_max_pool3d_with_indices(...): both, whatever return_indices says. */
export function fractionalMaxPool3dWithIndices(input: Tensor, kernelSize: number | readonly number[], ...args: Args<[...FractionalPositional], FractionalMaxPoolOptions>): WithIndices {
  return fractional(3, "fractionalMaxPool3dWithIndices", input, kernelSize, args).r;
}
