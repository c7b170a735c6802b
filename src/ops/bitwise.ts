// Bitwise ops on integer and bool tensors (PyTorch's bitwise_and/or/xor/not and the shifts,
// Python's & | ^ ~ << >>): elementwise in the promoted dtype, either operand a number. Floats
// are refused with PyTorch's kernel error; bool takes and/or/xor/not (as logical ops) but no
// shift. Shift counts are taken modulo the width (32 for int32, 64 for int64), the right
// shift is arithmetic: what PyTorch's CPU kernels compute (x86's shift instructions mask the
// count), checked against real PyTorch. Not differentiable: integer tensors carry no gradient.
import { traceOnly } from "../autograd/trace.ts";
import { isFloating, scalarTypeName, type DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { checkTensor } from "../args.ts";
import type { Tensor } from "../tensor.ts";
import type { BinaryOp } from "../backends/backend.ts";
import { binaryKernel, operands, promoted, unary, type TensorOrScalar } from "./elementwise.ts";

/** PyTorch's refusal of a dtype its kernel does not cover, e.g. "bitwise_and_cpu" not implemented for 'Float'. */
function refuse(kernel: string, dtype: DType): never {
  throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(dtype)}'`);
}

/** The op in the operands' promoted dtype; `shift` refuses bool too. */
function bitwise(op: BinaryOp, name: string, kernel: string, x: TensorOrScalar, y: TensorOrScalar, shift: boolean): Tensor {
  const o = operands(x, y, name);
  const dtype = promoted(x, y);
  if (isFloating(dtype) || (shift && dtype === "bool")) refuse(kernel, dtype);
  return traceOnly(binaryKernel(op, o, dtype), name, [o.a, o.b]);
}

/** torch.bitwise_and(input, other): input & other. */
export const bitwiseAnd = (x: TensorOrScalar, y: TensorOrScalar): Tensor => bitwise("bitwiseAnd", "bitwise_and", "bitwise_and_cpu", x, y, false);
/** torch.bitwise_or(input, other): input | other. */
export const bitwiseOr = (x: TensorOrScalar, y: TensorOrScalar): Tensor => bitwise("bitwiseOr", "bitwise_or", "bitwise_or_cpu", x, y, false);
/** torch.bitwise_xor(input, other): input ^ other. */
export const bitwiseXor = (x: TensorOrScalar, y: TensorOrScalar): Tensor => bitwise("bitwiseXor", "bitwise_xor", "bitwise_xor_cpu", x, y, false);
/** torch.bitwise_left_shift(input, other): input << other (the count mod the width). */
export const bitwiseLeftShift = (x: TensorOrScalar, y: TensorOrScalar): Tensor => bitwise("bitwiseLeftShift", "bitwise_left_shift", "lshift_cpu", x, y, true);
/** torch.bitwise_right_shift(input, other): input >> other, arithmetic (the count mod the width). */
export const bitwiseRightShift = (x: TensorOrScalar, y: TensorOrScalar): Tensor => bitwise("bitwiseRightShift", "bitwise_right_shift", "rshift_cpu", x, y, true);

/** torch.bitwise_not(input): ~input on integers, logical not on bool. */
export function bitwiseNot(x: Tensor): Tensor {
  checkTensor(x, "input", "bitwise_not");
  if (isFloating(x.dtype)) refuse("bitwise_not_cpu", x.dtype);
  return traceOnly(unary("bitwiseNot", x, x.dtype), "bitwise_not", [x]);
}
