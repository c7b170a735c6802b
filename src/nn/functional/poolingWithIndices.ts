// F.max_pool1d/2d/3d_with_indices and F.adaptive_max_pool1d/2d/3d_with_indices: the max poolings'
// values and indices ({ values, indices }) whatever return_indices says, as PyTorch's functions
// of these names return both (they take return_indices and ignore it).
import { bool, param, parseArgs, type Args } from "../../args.ts";
import type { Pair } from "../../ops/conv.ts";
import type { Tensor } from "../../tensor.ts";
import { adaptiveMaxPool1d, adaptiveMaxPool2d, MAX_POOL, maxPool1d, maxPool2d, type MaxPoolOptions, type OutputSize, type WithIndices } from "./pooling.ts";
import { adaptiveMaxPool3d, maxPool3d } from "./pooling3d.ts";

type MaxPoolPositional = [stride: Pair | null, padding: Pair, dilation: Pair, ceilMode: boolean, returnIndices: boolean];
const RETURN_INDICES = [param("returnIndices", bool, false)];

/** The arguments parsed under `fn`'s name, as an options object asking for the indices. */
function withIndices(fn: string, params: typeof MAX_POOL, args: readonly unknown[]): MaxPoolOptions & { returnIndices: true } {
  return { ...parseArgs<MaxPoolOptions>(fn, params, args), returnIndices: true };
}

/** F.max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool1dWithIndices(input: Tensor, kernelSize: Pair, ...args: Args<MaxPoolPositional, MaxPoolOptions>): WithIndices {
  return maxPool1d(input, kernelSize, withIndices("maxPool1dWithIndices", MAX_POOL, args));
}
/** F.max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool2dWithIndices(input: Tensor, kernelSize: Pair, ...args: Args<MaxPoolPositional, MaxPoolOptions>): WithIndices {
  return maxPool2d(input, kernelSize, withIndices("maxPool2dWithIndices", MAX_POOL, args));
}
/** F.max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool3dWithIndices(input: Tensor, kernelSize: Pair, ...args: Args<MaxPoolPositional, MaxPoolOptions>): WithIndices {
  return maxPool3d(input, kernelSize, withIndices("maxPool3dWithIndices", MAX_POOL, args));
}
/** F.adaptive_max_pool1d_with_indices(input, output_size, return_indices=False). */
export function adaptiveMaxPool1dWithIndices(input: Tensor, outputSize: number | readonly number[], ...args: Args<[returnIndices: boolean], { returnIndices?: boolean }>): WithIndices {
  parseArgs("adaptiveMaxPool1dWithIndices", RETURN_INDICES, args);
  return adaptiveMaxPool1d(input, outputSize, true);
}
/** F.adaptive_max_pool2d_with_indices(input, output_size, return_indices=False). */
export function adaptiveMaxPool2dWithIndices(input: Tensor, outputSize: OutputSize, ...args: Args<[returnIndices: boolean], { returnIndices?: boolean }>): WithIndices {
  parseArgs("adaptiveMaxPool2dWithIndices", RETURN_INDICES, args);
  return adaptiveMaxPool2d(input, outputSize, true);
}
/** F.adaptive_max_pool3d_with_indices(input, output_size, return_indices=False). */
export function adaptiveMaxPool3dWithIndices(input: Tensor, outputSize: OutputSize, ...args: Args<[returnIndices: boolean], { returnIndices?: boolean }>): WithIndices {
  parseArgs("adaptiveMaxPool3dWithIndices", RETURN_INDICES, args);
  return adaptiveMaxPool3d(input, outputSize, true);
}
