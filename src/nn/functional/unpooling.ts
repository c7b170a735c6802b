// F.max_unpool1d/2d/3d: the partial inverse of max pooling. Each value goes to the position its
// index names within its plane of the output, every other position is 0: a scatter into zeros,
// so the gradient is the gather of the output's gradient at the indices (PyTorch's formula).
// The output size is PyTorch's _unpool_output_size; 1-d runs as 2-d with a trailing size 1, as
// in PyTorch (its messages say max_unpooling2d).
import { checkTensor, ints, nullable, param, parseArgs, type Args } from "../../args.ts";
import { RuntimeError, ValueError } from "../../errors.ts";
import { scalarTypeName } from "../../dtype.ts";
import { fmtShape } from "../../layout.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { onHost } from "../../ops/alloc.ts";
import { zeros } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";

/** The options of `F.maxUnpool1d/2d/3d` after kernel_size. */
export interface MaxUnpoolOptions {
  /** The pooling's stride; PyTorch's default (null) the kernel size. */
  stride?: number | readonly number[] | null;
  /** The pooling's padding; PyTorch's default 0. */
  padding?: number | readonly number[];
  /** The output's spatial size (or with its batch and channel sizes too), within a stride of the default. */
  outputSize?: readonly number[] | null;
}
type UnpoolPositional = [stride: number | readonly number[] | null, padding: number | readonly number[], outputSize: readonly number[] | null];

const outputSizeArg = (v: unknown, arg: string, fn: string): number[] => ints(Array.isArray(v) ? Math.max(v.length, 1) : 1)(v, arg, fn);

/** PyTorch's _unpool_output_size: (in - 1) * stride + kernel - 2 * padding, or output_size checked against it. */
function unpoolOutputSize(x: Tensor, k: number[], s: number[], p: number[], outputSize: number[] | null): number[] {
  const nd = k.length;
  const lead = x.ndim - nd;
  const def = k.map((kd, d) => (x.shape[lead + d]! - 1) * s[d]! + kd - 2 * p[d]!);
  if (outputSize === null) return def;
  const size = outputSize.length === nd + 2 ? outputSize.slice(2) : outputSize;
  if (size.length !== nd) throw new ValueError(`output_size should be a sequence containing ${nd} or ${nd + 2} elements, but it has a length of '${size.length}'`);
  for (let d = 0; d < nd; d++) {
    const lo = def[d]! - s[d]!, hi = def[d]! + s[d]!;
    if (!(lo < size[d]! && size[d]! < hi)) throw new ValueError(`invalid output_size "[${outputSize.join(", ")}]" (dim ${d} must be between ${lo} and ${hi})`);
  }
  return size;
}

function maxUnpool(input: unknown, indices: unknown, kernelSize: unknown, args: readonly unknown[], nd: 1 | 2 | 3): Tensor {
  const fn = `maxUnpool${nd}d`;
  const x = checkTensor(input, "input", fn);
  const idx = checkTensor(indices, "indices", fn);
  const a = parseArgs<{ stride: number[] | null; padding: number[]; outputSize: number[] | null }>(fn, [
    param("stride", nullable(ints(nd)), null), param("padding", ints(nd), new Array<number>(nd).fill(0)), param("outputSize", nullable(outputSizeArg), null),
  ], args);
  const k = ints(nd)(kernelSize, "kernelSize", fn);
  const size = unpoolOutputSize(x, k, a.stride ?? k, a.padding, a.outputSize);
  // ATen's kernel: max_unpooling2d (1-d as 2-d with a trailing 1) or max_unpooling3d
  const kd = nd === 1 ? 2 : nd;
  const xs = nd === 1 ? x.unsqueeze(-1) : x, is = nd === 1 ? idx.unsqueeze(-1) : idx;
  const outSize = nd === 1 ? [...size, 1] : size;
  if (is.dtype !== "int64") throw new RuntimeError(`elements in indices should be type int64 but got: ${scalarTypeName(is.dtype)}`);
  if (xs.ndim !== kd + 1 && xs.ndim !== kd + 2) throw new RuntimeError(`Input to max_unpooling${kd}d should be a ${kd + 1}d or ${kd + 2}d Tensor, but got a tensor with ${xs.ndim} dimensions.`);
  if (xs.shape.join() !== is.shape.join()) {
    throw new RuntimeError(`Expected shape of indices to be same as that of the input tensor (${fmtShape(xs.shape)}) but got indices tensor with shape: ${fmtShape(is.shape)}`);
  }
  for (let i = 1; i < xs.ndim; i++) {
    if (xs.shape[i] === 0) throw new RuntimeError(`max_unpooling${kd}d_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got ${fmtShape(xs.shape)} with dimension ${i} being empty.`);
  }
  const lead = xs.shape.slice(0, xs.ndim - kd);
  const planes = lead.reduce((m, v) => m * v, 1);
  const out = outSize.reduce((m, v) => m * v, 1);
  const flatX = xs.reshape(planes, -1), flatI = is.reshape(planes, -1);
  // ATen walks the indices in order and reports the last invalid one (read on the host only: on
  // a device the scatter kernel checks the range)
  if (planes > 0 && onHost(flatI)) {
    const bad = noGrad(() => flatI.lt(0).logicalOr(flatI.ge(out)).reshape(-1).nonzero());
    if (bad.numel() > 0) {
      const last = Number(bad.reshape(-1).index(-1).item());
      throw new RuntimeError(`Found an invalid max index: ${flatI.reshape(-1).index(last).item()} (output volumes are of size ${outSize.join("x")}`);
    }
  }
  const y = zeros([planes, out], { dtype: x.dtype, device: x.device }).scatter(1, flatI, flatX).reshape([...lead, ...outSize]);
  return nd === 1 ? y.squeeze(-1) : y;
}

/** F.max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: number | readonly number[], ...args: Args<UnpoolPositional, MaxUnpoolOptions>): Tensor {
  return maxUnpool(input, indices, kernelSize, args, 1);
}
/** F.max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: number | readonly number[], ...args: Args<UnpoolPositional, MaxUnpoolOptions>): Tensor {
  return maxUnpool(input, indices, kernelSize, args, 2);
}
/** F.max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export function maxUnpool3d(input: Tensor, indices: Tensor, kernelSize: number | readonly number[], ...args: Args<UnpoolPositional, MaxUnpoolOptions>): Tensor {
  return maxUnpool(input, indices, kernelSize, args, 3);
}
