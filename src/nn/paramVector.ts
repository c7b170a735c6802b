// nn.utils.parametersToVector / vectorToParameters.
import { noGrad } from "../autograd/gradMode.ts";
import { RuntimeError } from "../errors.ts";
import { cat } from "../ops/shape.ts";
import type { Tensor } from "../tensor.ts";

export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.reshape(-1)));
}

export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (vec.dim() !== 1) throw new TypeError(`expected torch.Tensor, but got: ${vec.dim()}-D tensor`);
  let offset = 0;
  noGrad(() => {
    for (const p of parameters) {
      const n = p.numel();
      if (offset + n > vec.numel()) throw new RuntimeError(`vector has ${vec.numel()} elements, fewer than the parameters need`);
      p.copy_(vec.narrow(0, offset, n).view(p.shape));
      offset += n;
    }
  });
}
