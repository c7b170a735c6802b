// F.fractional_max_pool2d (Graham, "Fractional Max-Pooling"): windows of kernel_size whose
// starts follow ATen's generate_intervals from one uniform sample per plane and dim, drawn as
// PyTorch draws them (torch.rand(N, C, 2) in the input's dtype: the same seed gives the same
// windows) unless given (PyTorch's _random_samples, here randomSamples); each window's max and its first index (a later NaN
// replaces it, as ATen's `val > max || isnan(val)`), by one gather over a table of every
// plane's windows. The gradient goes to the max's position (the gather's).
import { bool, checkTensor, intOrInts, ints, nullable, numOrNums, param, parseArgs, tensor, type Args, type ArgsWithOptions } from "../../args.ts";
import { IndexError, RuntimeError, ValueError } from "../../errors.ts";
import { isFloating } from "../../dtype.ts";
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
  /** PyTorch's _random_samples: uniform samples [N, C, 2] (w's, then h's) that place the windows; drawn when absent. */
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

function fractional(fn: string, input: unknown, kernelSize: unknown, args: readonly unknown[]): { r: WithIndices; returnIndices: boolean } {
  const x = checkTensor(input, "input", fn);
  const [kh, kw] = ints(2)(kernelSize, "kernelSize", fn);
  const a = parseArgs<{ outputSize: number | number[] | null; outputRatio: number | number[] | null; returnIndices: boolean; randomSamples: Tensor | null }>(fn, FRACTIONAL, args);
  if (a.outputSize === null && a.outputRatio === null) throw new ValueError("fractional_max_pool2d requires specifying either an output_size or an output_ratio");
  if (x.ndim < 3) throw new IndexError(`Dimension out of range (expected to be in range of [-${x.ndim}, ${x.ndim - 1}], but got -3)`);
  const [h, w] = x.shape.slice(-2) as [number, number];
  let oh: number, ow: number;
  if (a.outputSize !== null) [oh, ow] = ints(2)(a.outputSize, "outputSize", fn) as [number, number];
  else {
    const r = typeof a.outputRatio === "number" ? [a.outputRatio, a.outputRatio] : a.outputRatio!;
    [oh, ow] = [Math.trunc(h * r[0]!), Math.trunc(w * (r[1] ?? r[0]!))];
  }
  if (x.ndim !== 3 && x.ndim !== 4) throw new RuntimeError(`fractional_max_pool2d(): Expected 3D or 4D tensor, but got: ${fmtShape(x.shape)}`);
  if (!isFloating(x.dtype)) throw new RuntimeError(`"fractional_max_pool2d_out_frame" not implemented for '${x.dtype === "int64" ? "Long" : x.dtype}'`);
  if (ow + kw - 1 > w) throw new RuntimeError(`fractional_max_pool2d(): pool width ${kw} too large relative to input width ${w}`);
  if (oh + kh - 1 > h) throw new RuntimeError(`fractional_max_pool2d(): pool height ${kh} too large relative to input height ${h}`);
  const n = x.ndim === 3 ? 1 : x.shape[0]!, c = x.shape[x.ndim - 3]!;
  // drawn on the CPU's generator, as PyTorch draws them for a CPU input (the windows are laid
  // out on the host; given samples on a device would need an asynchronous read)
  const samples = a.randomSamples ?? rand([n, c, 2], { dtype: x.dtype });
  const s = hostData(noGrad(() => samples.contiguous()), "fractionalMaxPool2d", "F.fractionalMaxPool2d(x, kernelSize, { randomSamples: await samples.cpuAsync() })");
  const f = x.dtype === "float32" ? Math.fround : (v: number) => v;
  // table [planes, oh * ow, kh * kw] of plane positions
  const planes = n * c, win = kh * kw, out = oh * ow;
  const table = new Int32Array(planes * out * win);
  for (let p = 0; p < planes; p++) {
    const colStarts = intervals(Number(s[2 * p]), w, ow, kw, f);
    const rowStarts = intervals(Number(s[2 * p + 1]), h, oh, kh, f);
    let q = p * out * win;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let a2 = 0; a2 < kh; a2++) for (let b2 = 0; b2 < kw; b2++) table[q++] = (rowStarts[i]! + a2) * w + colStarts[j]! + b2;
      }
    }
  }
  const idx = fromHost(table, [planes, out, win], "int32", x.device);
  const windows = x.reshape(planes, h * w).gather(1, idx.reshape(planes, out * win)).reshape(planes, out, win);
  // the first max, unless the window holds a NaN: then ATen's last NaN
  const isNan = windows.isnan();
  const pick = noGrad(() => {
    const lastNan = isNan.to("int64").mul(arange(win, { device: x.device })).argmax(2);
    return where(isNan.any(2), lastNan, windows.max(2).indices);
  });
  const values = windows.gather(2, pick.unsqueeze(2)).squeeze(2);
  const flat = idx.gather(2, pick.unsqueeze(2)).squeeze(2);
  const shape = [...x.shape.slice(0, -2), oh, ow];
  return { r: { values: values.reshape(shape), indices: flat.reshape(shape).to("int64") }, returnIndices: a.returnIndices };
}

/** F.fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export function fractionalMaxPool2d(input: Tensor, kernelSize: number | readonly number[], ...args: Args<[outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null, returnIndices: false, randomSamples: Tensor | null], FractionalMaxPoolOptions & { returnIndices?: false }>): Tensor;
export function fractionalMaxPool2d(input: Tensor, kernelSize: number | readonly number[], ...args: [outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null, returnIndices: true, randomSamples?: Tensor | null] | ArgsWithOptions<[outputSize: number | readonly number[] | null, outputRatio: number | readonly number[] | null], FractionalMaxPoolOptions & { returnIndices: true }>): WithIndices;
export function fractionalMaxPool2d(input: Tensor, kernelSize: number | readonly number[], ...args: unknown[]): Tensor | WithIndices {
  const { r, returnIndices } = fractional("fractionalMaxPool2d", input, kernelSize, args);
  return returnIndices ? r : r.values;
}
/** F.fractional_max_pool2d_with_indices(...): both, whatever return_indices says. */
export function fractionalMaxPool2dWithIndices(input: Tensor, kernelSize: number | readonly number[], ...args: Args<[...FractionalPositional], FractionalMaxPoolOptions>): WithIndices {
  return fractional("fractionalMaxPool2dWithIndices", input, kernelSize, args).r;
}
