// torch.nn.utils.weight_norm / remove_weight_norm (Salimans and Kingma 2016), as PyTorch 1.13's
// WeightNorm: the parameter `name` is replaced by `name_g` (its norm, PyTorch's norm_except_dim
// of the weight: one per slice along `dim`, or one for the whole tensor when dim is null or -1)
// and `name_v` (the weight itself), registered after the module's other parameters as PyTorch
// registers them; a forward pre-hook recomputes `module[name] = v * (g / ||v||)` (a plain tensor
// in the graph, not a Parameter) before every call. removeWeightNorm folds them back into one
// Parameter.
import { int, nullable, param, parseArgs, str, type Args } from "../args.ts";
import { RuntimeError, ValueError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { Reparametrizations } from "./reparametrization.ts";
import { noGrad } from "../autograd/gradMode.ts";
import { isLazy } from "./lazy.ts";
import { checkModule, type Module } from "./module.ts";
import { Parameter } from "./parameter.ts";

/** PyTorch's norm_except_dim(v, pow, dim): the p-norm over every dim but `dim`, kept as size-1 dims (dim -1: over everything, 0-d). */
export function normExceptDim(v: Tensor, pow: number, dim: number): Tensor {
  if (dim === -1) return v.norm(pow);
  if (dim === 0) return v.contiguous().reshape(v.shape[0]!, -1).norm(pow, 1).reshape([v.shape[0]!, ...v.shape.slice(1).map(() => 1)]);
  if (dim === v.ndim - 1) return v.contiguous().reshape(-1, v.shape[v.ndim - 1]!).norm(pow, 0).reshape([...v.shape.slice(0, -1).map(() => 1), v.shape[v.ndim - 1]!]);
  return normExceptDim(v.transpose(0, dim), pow, 0).transpose(0, dim);
}

/** PyTorch's _weight_norm(v, g, dim): v * (g / norm_except_dim(v, 2, dim)). */
function weightOf(v: Tensor, g: Tensor, dim: number): Tensor {
  return v.mul(g.div(normExceptDim(v, 2, dim)));
}

/** The weight norms applied, by module and parameter name: their dim. */
const applied = new Reparametrizations<{ dim: number }>("weight_norm");

type Fields = Record<string, unknown>;

/**
 * nn.utils.weight_norm(module, name='weight', dim=0): reparametrizes `module[name]` as
 * `name_g` (magnitude) and `name_v` (direction); returns the module.
 */
export function weightNorm<M extends Module>(module: M, ...args: Args<[name: string, dim: number | null], { name?: string; dim?: number | null }>): M;
export function weightNorm<M extends Module>(module: M, ...args: unknown[]): M {
  checkModule(module, "weightNorm");
  const { name, dim } = parseArgs<{ name: string; dim: number | null }>("weightNorm", [param("name", str, "weight"), param("dim", nullable(int()), 0)], args);
  const d = dim ?? -1;
  applied.checkFree(module, name);
  const fields = module as unknown as Fields;
  const weight = fields[name];
  if (isLazy(weight)) {
    throw new ValueError("The module passed to `WeightNorm` can't have uninitialized parameters. Make sure to run the dummy forward before applying weight normalization");
  }
  if (!(weight instanceof Parameter)) throw new RuntimeError(`weight_norm: '${name}' is not a parameter of ${module.constructor.name}`);
  module._delattr(name);
  module.registerParameter(`${name}_g`, new Parameter(noGrad(() => normExceptDim(weight, 2, d)).detach()));
  module.registerParameter(`${name}_v`, new Parameter(weight.detach()));
  const compute = () => weightOf(fields[`${name}_v`] as Tensor, fields[`${name}_g`] as Tensor, d);
  fields[name] = compute();
  applied.add(module, name, { dim: d }, () => {
    fields[name] = compute();
  });
  return module;
}

/** nn.utils.remove_weight_norm(module, name='weight'): `module[name]` a Parameter again (its current value); returns the module. */
export function removeWeightNorm<M extends Module>(module: M, ...args: Args<[name: string], { name?: string }>): M;
export function removeWeightNorm<M extends Module>(module: M, ...args: unknown[]): M {
  checkModule(module, "removeWeightNorm");
  const { name } = parseArgs<{ name: string }>("removeWeightNorm", [param("name", str, "weight")], args);
  const { dim } = applied.take(module, name);
  const fields = module as unknown as Fields;
  const weight = weightOf(fields[`${name}_v`] as Tensor, fields[`${name}_g`] as Tensor, dim);
  for (const k of [name, `${name}_g`, `${name}_v`]) module._delattr(k);
  fields[name] = new Parameter(weight.detach());
  return module;
}
