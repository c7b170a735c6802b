// nn.Parameter: a leaf tensor that a Module registers as trainable.
import { Tensor } from "../tensor.ts";

export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data._box, data.shape, data.strides, data.offset, data.dtype);
    this._requiresGrad = requiresGrad;
  }
  override toString(): string {
    return "Parameter containing:\n" + super.toString();
  }
}
