// F.bilinear(input1, input2, weight, bias=None): y_o = x1^T A_o x2 + b_o over the last dims, as
// ATen's bilinear (its checks and messages), composed from matmul, mul and sum so the gradient
// reaches both inputs, the weight and the bias.
import { checkTensor, nullable, param, parseArgs, tensor, type Args } from "../../args.ts";
import { RuntimeError } from "../../errors.ts";
import type { Tensor } from "../../tensor.ts";

const BILINEAR = [param("bias", nullable(tensor), null)];

/** input1 [..., in1], input2 [..., in2], weight [out, in1, in2], bias [out] -> [..., out]. */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null | undefined], { bias?: Tensor | null }>): Tensor {
  const x1 = checkTensor(input1, "input1", "bilinear");
  const x2 = checkTensor(input2, "input2", "bilinear");
  const w = checkTensor(weight, "weight", "bilinear");
  const { bias } = parseArgs<{ bias: Tensor | null }>("bilinear", BILINEAR, args);
  if (x1.dim() !== x2.dim()) throw new RuntimeError(`bilinear(): input dimensions do not match: got ${x1.dim()} and ${x2.dim()}`);
  for (let i = 0; i < x1.dim() - 1; i++) {
    if (x1.shape[i] !== x2.shape[i]) throw new RuntimeError(`bilinear(): input batch dimensions do not match at dim ${i}: got ${x1.shape[i]} and ${x2.shape[i]}`);
  }
  const [out, in1, in2] = w.shape as [number, number, number];
  if (x1.shape[x1.dim() - 1] !== in1) throw new RuntimeError(`bilinear(): input1 size does not match weight size: got ${x1.shape[x1.dim() - 1]} but expected ${in1}`);
  if (x2.shape[x2.dim() - 1] !== in2) throw new RuntimeError(`bilinear(): input2 size does not match weight size: got ${x2.shape[x2.dim() - 1]} but expected ${in2}`);
  if (bias && bias.shape[0] !== out) throw new RuntimeError(`bilinear(): bias size does not match weight size: got ${bias.shape[0]} but expected ${out}`);
  const lead = x1.shape.slice(0, -1);
  // [N, in1] @ [in1, out * in2] -> [N, out, in2], then the dot product with x2 over in2.
  const left = x1.reshape(-1, in1).matmul(w.permute(1, 0, 2).reshape(in1, out * in2)).view(-1, out, in2);
  const y = left.mul(x2.reshape(-1, 1, in2)).sum(-1).reshape([...lead, out]);
  return bias ? y.add(bias) : y;
}
