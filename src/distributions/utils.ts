// torch/distributions/utils.py: broadcasting parameters, probabilities <-> logits, and the
// float limits (torch.finfo) those use.
import { getDefaultDtype, type DType } from "../dtype.ts";
import { ValueError } from "../errors.ts";
import { broadcastShapes } from "../layout.ts";
import { tensor } from "../ops/creation.ts";
import { softmax } from "../ops/reduce.ts";
import { pyBool, pyFloat } from "../nn/repr.ts";
import { Tensor } from "../tensor.ts";

/** torch.finfo(dtype).eps and .min of the float dtypes. */
export function finfo(dtype: DType): { eps: number; min: number } {
  return dtype === "float64" ? { eps: 2.220446049250313e-16, min: -1.7976931348623157e308 } : { eps: 1.1920928955078125e-7, min: -3.4028234663852886e38 };
}

/**
 * broadcast_all: numbers become tensors of the first tensor's dtype (the default dtype when all
 * are numbers), then everything is broadcast to one shape (expanded views).
 */
export function broadcastAll(...values: Array<Tensor | number>): Tensor[] {
  if (!values.every((v) => v instanceof Tensor || typeof v === "number")) {
    throw new ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or objects implementing __torch_function__.");
  }
  const first = values.find((v): v is Tensor => v instanceof Tensor);
  const dtype = first?.dtype ?? getDefaultDtype();
  const ts = values.map((v) => (v instanceof Tensor ? v : tensor(v, { dtype })));
  const shape = ts.map((t) => t.shape).reduce((a, b) => broadcastShapes(a, b));
  return ts.map((t) => (t.shape.join() === shape.join() ? t : t.expand(shape)));
}

export function clampProbs(probs: Tensor): Tensor {
  const { eps } = finfo(probs.dtype);
  return probs.clamp(eps, 1 - eps);
}

/** log-odds (binary) or log-probabilities of the clamped probabilities. */
export function probsToLogits(probs: Tensor, isBinary = false): Tensor {
  const p = clampProbs(probs);
  return isBinary ? p.log().sub(p.neg().log1p()) : p.log();
}

/** sigmoid (binary) or softmax over the last dim. */
export function logitsToProbs(logits: Tensor, isBinary = false): Tensor {
  return isBinary ? logits.sigmoid() : softmax(logits, -1);
}

/** Python's "{}".format(tensor): a 0-dim tensor prints as its Python number, others as their repr. */
export function pyFormat(t: Tensor): string {
  if (t.dim() !== 0) return String(t);
  const v = t.item();
  if (t.dtype === "bool") return pyBool(Boolean(v));
  return t.isFloatingPoint() ? pyFloat(Number(v)) : String(v);
}

/** torch.Size([2, 3]) as Python prints it. */
export const pySize = (shape: readonly number[]): string => `torch.Size([${shape.join(", ")}])`;
