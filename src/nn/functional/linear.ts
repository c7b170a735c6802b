// F.linear: y = x W^T + b, W of shape [out, in] as PyTorch. On every model's hot path, so its
// arguments are checked with type tests, not a parse.
import { checkTensor, isOptions, parseArgs, nullable, param, tensor } from "../../args.ts";
import { linear2d } from "../../ops/linalg.ts";
import { Tensor } from "../../tensor.ts";

const BIAS = [param("bias", nullable(tensor), null)];

/** F.linear(input, weight, bias=None) (or `{ bias }`). */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null | { bias?: Tensor | null }): Tensor;
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null | { bias?: Tensor | null }, ...extra: unknown[]): Tensor {
  if (!(input instanceof Tensor)) checkTensor(input, "input", "linear");
  if (!(weight instanceof Tensor)) checkTensor(weight, "weight", "linear");
  let b: Tensor | null;
  if (bias === undefined || bias === null) b = null;
  else if (bias instanceof Tensor) b = bias;
  else if (isOptions(bias)) b = parseArgs<{ bias: Tensor | null }>("linear", BIAS, [bias]).bias;
  else b = checkTensor(bias, "bias", "linear");
  if (extra.length > 0) parseArgs("linear", BIAS, [bias, ...extra]);
  const x = input;
  if (x.dim() === 2 && weight.dim() === 2) return linear2d(x, weight, b);
  if (x.dim() > 2 && weight.dim() === 2) {
    const lead = x.shape.slice(0, -1);
    return linear2d(x.reshape(-1, x.shape[x.dim() - 1]), weight, b).reshape([...lead, weight.shape[0]]);
  }
  const y = x.matmul(weight.t());
  return b ? y.add(b) : y;
}
