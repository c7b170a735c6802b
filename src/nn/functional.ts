// torch.nn.functional (also exported as F): the functional forms the modules call.
import { RuntimeError } from "../errors.ts";
import { linear2d } from "../ops/linalg.ts";
import { mseLoss as mseLossPrimitive } from "../ops/loss.ts";
import type { Tensor } from "../tensor.ts";

export type Reduction = "none" | "mean" | "sum";

export function relu(x: Tensor): Tensor {
  return x.relu();
}

/** y = x W^T + b, W of shape [out, in] as PyTorch. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (x.dim() === 2 && weight.dim() === 2) return linear2d(x, weight, bias ?? null);
  if (x.dim() > 2 && weight.dim() === 2) {
    const lead = x.shape.slice(0, -1);
    return linear2d(x.reshape(-1, x.shape[x.dim() - 1]), weight, bias ?? null).reshape([...lead, weight.shape[0]]);
  }
  const y = x.matmul(weight.t());
  return bias ? y.add(bias) : y;
}

export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  switch (reduction) {
    case "none": return loss;
    case "mean": return loss.mean();
    case "sum": return loss.sum();
    default: throw new RuntimeError(`${String(reduction)} is not a valid value for reduction`);
  }
}

export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  if (input.shape.join() !== target.shape.join()) {
    console.warn(
      `Using a target size (torch.Size([${target.shape.join(", ")}])) that is different to the input size (torch.Size([${input.shape.join(", ")}])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
    );
  }
  return mseLossPrimitive(input, target, opts.reduction ?? "mean");
}
export * from "./functional/conv.ts";
export * from "./functional/pooling.ts";
export * from "./functional/normalization.ts";
export * from "./functional/dropout.ts";
export * from "./functional/embedding.ts";
export * from "./functional/upsample.ts";
export * from "./functional/activations.ts";
export * from "./functional/losses.ts";
export * from "./functional/attention.ts";
