// Special functions as differentiable ops (the kernels are in the Backend).
import { record } from "../autograd/node.ts";
import { toFloating } from "../dtype.ts";
import { checkInt, checkTensor } from "../args.ts";
import { RuntimeError } from "../errors.ts";
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

/** torch.lgamma: log |Gamma(x)|; its derivative digamma(x). */
export function lgamma(x: Tensor): Tensor {
  checkTensor(x, "input", "lgamma");
  const xf = x.to(toFloating(x.dtype));
  const out = empty(x.shape, xf.dtype, x._box.device);
  backendOf(xf).lgamma(dense(xf), out._box.data);
  return record(out, "LgammaBackward0", [xf], [xf], (g, [x]) => [g.mul(digamma(x))]);
}

/** torch.digamma: the derivative of lgamma (ATen's calc_digamma); its derivative polygamma(1, x). */
export function digamma(x: Tensor): Tensor {
  checkTensor(x, "input", "digamma");
  const xf = x.to(toFloating(x.dtype));
  const out = empty(x.shape, xf.dtype, x._box.device);
  backendOf(xf).digamma(dense(xf), out._box.data);
  return record(out, "DigammaBackward0", [xf], [xf], (g, [x]) => [g.mul(polygamma(1, x))]);
}

/** torch.polygamma(n, input): the n-th derivative of digamma (n >= 0); its derivative polygamma(n + 1, x). */
export function polygamma(n: number, x: Tensor): Tensor {
  checkInt(n, "n", "polygamma");
  checkTensor(x, "input", "polygamma");
  if (n < 0) throw new RuntimeError("polygamma(n, x) does not support negative n.");
  const xf = x.to(toFloating(x.dtype));
  const out = empty(x.shape, xf.dtype, x._box.device);
  backendOf(xf).polygamma(n, dense(xf), out._box.data);
  return record(out, "PolygammaBackward0", [xf], [xf], (g, [x]) => [g.mul(polygamma(n + 1, x))], { n });
}
