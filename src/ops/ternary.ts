// Pointwise ops of three operands, written with mul/div/add/sub: addcmul, addcdiv, lerp.
// Broadcasting, type promotion and gradients come from the parts.
import { RuntimeError } from "../errors.ts";
import { checkTensor, checkTensorOrScalar, num, param, parseKeywords } from "../args.ts";
import { isFloating, isIntegral } from "../dtype.ts";
import { broadcastShapes } from "../layout.ts";
import { Tensor } from "../tensor.ts";

/** The three operands broadcast in PyTorch's order (input first), so a mismatch is named as PyTorch names it. */
function checkBroadcast(a: Tensor, b: Tensor, c: Tensor | number): void {
  const ab = broadcastShapes(a.shape, b.shape);
  if (c instanceof Tensor) broadcastShapes(ab, c.shape);
}

/** Keyword of addcmul/addcdiv. */
export interface ValueOptions {
  /** The multiplier of the product or quotient (default 1). */
  value?: number;
}
const VALUE = [param("value", num(), 1)];
/** addcmul/addcdiv's operands checked (Tensors, broadcasting in PyTorch's order) and value read. */
function operands(fn: string, input: Tensor, tensor1: Tensor, tensor2: Tensor, opts: unknown): number {
  checkTensor(input, "input", fn);
  checkTensor(tensor1, "tensor1", fn);
  checkTensor(tensor2, "tensor2", fn);
  const { value } = parseKeywords<Required<ValueOptions>>(fn, 3, opts, VALUE);
  checkBroadcast(input, tensor1, tensor2);
  return value;
}

/** torch.addcmul(input, tensor1, tensor2, *, value=1): input + value * tensor1 * tensor2. */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, opts?: ValueOptions): Tensor {
  const value = operands("addcmul", input, tensor1, tensor2, opts);
  const prod = tensor1.mul(tensor2);
  // an integer result takes value as an integer (PyTorch casts it to the result's type)
  const v = isIntegral(prod.dtype) && isIntegral(input.dtype) ? Math.trunc(value) : value;
  return input.add(v === 1 ? prod : prod.mul(v));
}

/** torch.addcdiv(input, tensor1, tensor2, *, value=1): input + value * tensor1 / tensor2 (integer tensor1 and tensor2 are refused, as PyTorch). */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, opts?: ValueOptions): Tensor {
  const value = operands("addcdiv", input, tensor1, tensor2, opts);
  if (isIntegral(tensor1.dtype) && isIntegral(tensor2.dtype)) {
    throw new RuntimeError(
      "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. " +
        "The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. " +
        "The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.",
    );
  }
  const quot = tensor1.div(tensor2);
  return input.add(value === 1 ? quot : quot.mul(value));
}

/**
 * torch.lerp(input, end, weight): input + weight * (end - input), weight a number or a tensor
 * (broadcast). Floating dtypes only, end and a tensor weight of the input's dtype, as PyTorch.
 */
export function lerp(input: Tensor, end: Tensor, weight: Tensor | number): Tensor {
  checkTensor(input, "input", "lerp");
  checkTensor(end, "end", "lerp");
  checkTensorOrScalar(weight, "weight", "lerp");
  if (!isFloating(input.dtype)) throw new RuntimeError(`"lerp_kernel_${weight instanceof Tensor ? "tensor" : "scalar"}" not implemented for '${{ int32: "Int", int64: "Long", bool: "Bool" }[input.dtype as string]}'`);
  const dtypeName = (d: string): string => (d === "float32" ? "float" : d === "float64" ? "double" : d);
  if (end.dtype !== input.dtype) throw new RuntimeError(`expected dtype ${dtypeName(input.dtype)} for \`end\` but got dtype ${dtypeName(end.dtype)}`);
  if (weight instanceof Tensor && weight.dtype !== input.dtype) throw new RuntimeError(`expected dtype ${dtypeName(input.dtype)} for \`weight\` but got dtype ${dtypeName(weight.dtype)}`);
  checkBroadcast(input, end, weight);
  return input.add(end.sub(input).mul(weight));
}
