// Questions about tensors and dtypes: torch.is_tensor, numel, is_floating_point, result_type,
// can_cast.
import { checkDtype, checkTensor, checkTensorOrScalar } from "../args.ts";
import { isFloating, resultType as promoted, type DType } from "../dtype.ts";
import { Tensor } from "../tensor.ts";

/** torch.is_tensor(obj): whether obj is a torch-ts Tensor. */
export const isTensor = (obj: unknown): obj is Tensor => obj instanceof Tensor;

/** torch.numel(input): the number of elements. */
export function numel(x: Tensor): number {
  return checkTensor(x, "input", "numel").numel();
}

/** torch.is_floating_point(input): whether the dtype is float32 or float64. */
export function isFloatingPoint(x: Tensor): boolean {
  return isFloating(checkTensor(x, "input", "is_floating_point").dtype);
}

/** torch.result_type(tensor1, tensor2): the dtype an arithmetic op on the two (tensors or numbers) computes in. */
export function resultType(a: Tensor | number | boolean, b: Tensor | number | boolean): DType {
  const operand = (v: Tensor | number | boolean, arg: string) => {
    checkTensorOrScalar(v, arg, "result_type");
    return v instanceof Tensor ? { dtype: v.dtype, ndim: v.ndim } : v;
  };
  return promoted([operand(a, "tensor1"), operand(b, "tensor2")]);
}

/** Category order of the casting rule: bool < integer < floating. */
const kind = (d: DType): number => (d === "bool" ? 0 : isFloating(d) ? 2 : 1);

/** torch.can_cast(from_, to): whether PyTorch's type promotion may cast from_ to `to` (never to a lower category: float to int, int to bool). */
export function canCast(from: DType, to: DType): boolean {
  checkDtype(from, "can_cast", "from_");
  checkDtype(to, "can_cast", "to");
  return kind(from) <= kind(to);
}
