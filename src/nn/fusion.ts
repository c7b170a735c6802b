// torch.nn.utils.fusion (PyTorch 1.13): a convolution or Linear followed by a batch norm in eval
// mode folded into one layer, y = W' x + b' with W' = W * gamma / sqrt(var + eps) per output
// channel and b' = (b - mean) * gamma / sqrt(var + eps) + beta, computed with PyTorch's
// operations in its order (so the same values).
import { checkTensor } from "../args.ts";
import { AssertionError, TorchTypeError } from "../errors.ts";
import { onesLike, zerosLike } from "../ops/creation.ts";
import type { Tensor } from "../tensor.ts";
import { Parameter } from "./parameter.ts";
import type { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "./modules/conv.ts";
import type { Linear } from "./modules/linear.ts";
import type { BatchNorm1d, BatchNorm2d, BatchNorm3d } from "./modules/normalization.ts";
import { deepCopyModule } from "./modules/transformer.ts";

/** The convolutions fuseConvBnEval folds into. */
export type ConvLayer = Conv1d | Conv2d | Conv3d | ConvTranspose1d | ConvTranspose2d | ConvTranspose3d;
/** The batch norms the fusion functions fold. */
export type BatchNormLayer = BatchNorm1d | BatchNorm2d | BatchNorm3d;

/** The batch norm's running statistics (PyTorch fails on None there: its TypeError). */
function stats(bn: BatchNormLayer, fn: string): [Tensor, Tensor] {
  if (bn.running_mean === null || bn.running_var === null) throw new TorchTypeError(`${fn}(): the batch norm has no running statistics (track_running_stats=False): nothing to fold`);
  return [bn.running_mean, bn.running_var];
}

/**
 * nn.utils.fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
 * the folded [weight, bias] as Parameters (a null conv bias, bn weight or bn bias counts as 0, 1, 0).
 */
export function fuseConvBnWeights(convW: Tensor, convB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor | null, bnB: Tensor | null, transpose = false): [Parameter, Parameter] {
  for (const [name, t] of [["conv_w", convW], ["bn_rm", bnRm], ["bn_rv", bnRv]] as const) checkTensor(t, name, "fuseConvBnWeights");
  const b = convB ?? zerosLike(bnRm);
  const w = bnW ?? onesLike(bnRm);
  const beta = bnB ?? zerosLike(bnRm);
  const rsqrt = bnRv.add(bnEps).rsqrt();
  const ones = convW.shape.slice(2).map(() => 1);
  const shape = transpose ? [1, -1, ...ones] : [-1, 1, ...ones];
  const fusedW = convW.mul(w.mul(rsqrt).reshape(shape));
  const fusedB = b.sub(bnRm).mul(rsqrt).mul(w).add(beta);
  return [new Parameter(fusedW.detach()), new Parameter(fusedB.detach())];
}

/** nn.utils.fuse_conv_bn_eval(conv, bn, transpose=False): a copy of `conv` with `bn` (both in eval mode) folded in. */
export function fuseConvBnEval<C extends ConvLayer>(conv: C, bn: BatchNormLayer, transpose = false): C {
  if (conv.training || bn.training) throw new AssertionError("Fusion only for eval!");
  const fused = deepCopyModule<ConvLayer>(conv) as C;
  const [rm, rv] = stats(bn, "fuseConvBnEval");
  [fused.weight, fused.bias] = fuseConvBnWeights(fused.weight, fused.bias, rm, rv, bn.eps, bn.weight, bn.bias, transpose);
  return fused;
}

/** nn.utils.fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b): the folded [weight, bias]. */
export function fuseLinearBnWeights(linearW: Tensor, linearB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor, bnB: Tensor): [Parameter, Parameter] {
  for (const [name, t] of [["linear_w", linearW], ["bn_rm", bnRm], ["bn_rv", bnRv], ["bn_w", bnW], ["bn_b", bnB]] as const) checkTensor(t, name, "fuseLinearBnWeights");
  const b = linearB ?? zerosLike(bnRm);
  const scale = bnW.mul(bnRv.add(bnEps).rsqrt());
  const fusedW = linearW.mul(scale.unsqueeze(-1));
  const fusedB = b.sub(bnRm).mul(scale).add(bnB);
  return [new Parameter(fusedW.detach()), new Parameter(fusedB.detach())];
}

/** nn.utils.fuse_linear_bn_eval(linear, bn): a copy of `linear` with `bn` (both in eval mode) folded in. */
export function fuseLinearBnEval(linear: Linear, bn: BatchNormLayer): Linear {
  if (linear.training || bn.training) throw new AssertionError("Fusion only for eval!");
  const fused = deepCopyModule(linear);
  const [rm, rv] = stats(bn, "fuseLinearBnEval");
  if (bn.weight === null || bn.bias === null) throw new TorchTypeError("fuseLinearBnEval(): the batch norm has no affine weight and bias (affine=False): PyTorch's fuse_linear_bn_weights needs them");
  [fused.weight, fused.bias] = fuseLinearBnWeights(fused.weight, fused.bias, rm, rv, bn.eps, bn.weight, bn.bias);
  return fused;
}
