// F's in-place activations (torch.nn.functional.relu_, elu_, ...): the activation with
// inplace=True, written into the input and returned. Each takes PyTorch's positional arguments
// of its out-of-place form except `inplace` (so `F.relu_(x, true)` is a TypeError, as in PyTorch).
import { bool, checkTensor, num, param, parseArgs, type Args, type Param } from "../../args.ts";
import type { Tensor } from "../../tensor.ts";
import { celu, elu, hardtanh, leakyRelu, relu, rrelu, selu, threshold, type RReluOptions } from "./activations.ts";

/** The arguments of an in-place form, parsed against the out-of-place form's parameters without `inplace`. */
function inplaceArgs<A>(fn: string, input: unknown, params: readonly Param[], args: readonly unknown[]): A & { inplace: true } {
  checkTensor(input, "input", fn);
  return { ...parseArgs<A>(fn, params, args), inplace: true };
}
const ALPHA = [param("alpha", num(), 1)];

/** F.relu_(input): relu written into input. */
export function relu_(input: Tensor, ...args: []): Tensor {
  return relu(input, inplaceArgs<object>("relu_", input, [], args));
}
/** F.selu_(input): selu written into input. */
export function selu_(input: Tensor, ...args: []): Tensor {
  return selu(input, inplaceArgs<object>("selu_", input, [], args));
}
/** F.elu_(input, alpha=1.0): elu written into input. */
export function elu_(input: Tensor, ...args: Args<[alpha: number], { alpha?: number }>): Tensor {
  return elu(input, inplaceArgs<{ alpha: number }>("elu_", input, ALPHA, args));
}
/** F.celu_(input, alpha=1.0): celu written into input. */
export function celu_(input: Tensor, ...args: Args<[alpha: number], { alpha?: number }>): Tensor {
  return celu(input, inplaceArgs<{ alpha: number }>("celu_", input, ALPHA, args));
}
/** F.leaky_relu_(input, negative_slope=0.01): leaky_relu written into input. */
export function leakyRelu_(input: Tensor, ...args: Args<[negativeSlope: number], { negativeSlope?: number }>): Tensor {
  return leakyRelu(input, inplaceArgs<{ negativeSlope: number }>("leakyRelu_", input, [param("negativeSlope", num(), 0.01)], args));
}
/** F.hardtanh_(input, min_val=-1.0, max_val=1.0): hardtanh written into input. */
export function hardtanh_(input: Tensor, ...args: Args<[minVal: number, maxVal: number], { minVal?: number; maxVal?: number }>): Tensor {
  return hardtanh(input, inplaceArgs<{ minVal: number; maxVal: number }>("hardtanh_", input, [param("minVal", num(), -1), param("maxVal", num(), 1)], args));
}
/** F.rrelu_(input, lower=1/8, upper=1/3, training=False): rrelu written into input. */
export function rrelu_(input: Tensor, ...args: Args<[lower: number, upper: number, training: boolean], Omit<RReluOptions, "inplace">>): Tensor {
  const params = [param("lower", num(), 1 / 8), param("upper", num(), 1 / 3), param("training", bool, false)];
  return rrelu(input, inplaceArgs<{ lower: number; upper: number; training: boolean }>("rrelu_", input, params, args));
}
/** F.threshold_(input, threshold, value): threshold written into input. */
export function threshold_(input: Tensor, threshold_: number, value: number): Tensor;
export function threshold_(input: Tensor, ...args: unknown[]): Tensor {
  const a = inplaceArgs<{ threshold: number; value: number }>("threshold_", input, [param("threshold", num()), param("value", num())], args);
  return threshold(input, a.threshold, a.value, { inplace: true });
}
