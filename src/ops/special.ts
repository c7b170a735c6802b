// Special functions as differentiable ops (the kernels are in the Backend).
import { record } from "../autograd/node.ts";
import { toFloating } from "../dtype.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, dense, empty } from "./alloc.ts";

/** torch.erfinv: the inverse of erf on (-1, 1) (±inf at ±1, NaN outside); d/dy = sqrt(pi)/2 exp(erfinv(y)^2). */
export function erfinv(x: Tensor): Tensor {
  const xf = x.to(toFloating(x.dtype));
  const out = empty(x.shape, xf.dtype, x._box.device);
  backendOf(xf).erfinv(dense(xf), out._box.data);
  return record(out, "ErfinvBackward0", [xf], [out], (g, [y]) => [g.mul(y.mul(y).exp().mul(Math.sqrt(Math.PI) / 2))]);
}

/** torch.erf; d/dx erf(x) = 2/sqrt(pi) exp(-x^2). */
export function erf(x: Tensor): Tensor {
  const xf = x.to(toFloating(x.dtype));
  const out = empty(x.shape, xf.dtype, x._box.device);
  backendOf(xf).erf(dense(xf), out._box.data);
  return record(out, "ErfBackward0", [xf], [xf], (g, [x]) => [g.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI)))]);
}
