// torch.nn.utils.spectral_norm / remove_spectral_norm (Miyato et al. 2018), as PyTorch 1.13's
// SpectralNorm: the parameter `name` stays as `name_orig` (the same Parameter object, so an
// optimizer made before keeps training it), with the buffers `name_u` and `name_v`, estimates of
// the weight matrix's first singular vectors, drawn from the default generator as PyTorch draws
// them; a forward pre-hook sets `module[name] = name_orig / sigma`, sigma = u . (W v), after
// `nPowerIterations` power-iteration steps that update u and v in place in training mode (none
// in eval mode). The weight matrix is the weight with `dim` moved first, flattened to 2-d.
import { int, nullable, num, param, parseArgs, str, type Args } from "../args.ts";
import { AssertionError, ValueError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { Reparametrizations } from "./reparametrization.ts";
import { noGrad } from "../autograd/gradMode.ts";
import { isLazy } from "./lazy.ts";
import { checkModule, type Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "./modules/conv.ts";

const SPECTRAL_ARGS = [param("name", str, "weight"), param("nPowerIterations", int(), 1), param("eps", num(), 1e-12), param("dim", nullable(int()), null)];

interface SpectralNormFn {
  name: string;
  dim: number;
  nPowerIterations: number;
  eps: number;
}

/** The spectral norms applied, by module and parameter name. */
const applied = new Reparametrizations<SpectralNormFn>("spectral_norm");

type Fields = Record<string, unknown>;

/** The weight as a matrix: `dim` first, the rest flattened (PyTorch's reshape_weight_to_matrix). */
function weightMatrix(weight: Tensor, dim: number): Tensor {
  const w = dim !== 0 ? weight.permute(dim, ...Array.from({ length: weight.ndim }, (_, d) => d).filter((d) => d !== dim)) : weight;
  return w.reshape(w.shape[0] ?? 1, -1);
}

/** x / max(||x||, eps) over a vector (F.normalize(x, dim=0, eps=eps)). */
function normalized(x: Tensor, eps: number): Tensor {
  return x.div(x.norm(2).clampMin(eps));
}

/** PyTorch's compute_weight: the power iteration (when asked), then weight_orig / sigma. */
function computeWeight(module: Module, fn: SpectralNormFn, powerIteration: boolean): Tensor {
  const fields = module as unknown as Fields;
  const weight = fields[`${fn.name}_orig`] as Tensor;
  let u = fields[`${fn.name}_u`] as Tensor;
  let v = fields[`${fn.name}_v`] as Tensor;
  const mat = weightMatrix(weight, fn.dim);
  if (powerIteration) {
    noGrad(() => {
      for (let i = 0; i < fn.nPowerIterations; i++) {
        // written into the buffers, as PyTorch's normalize(..., out=v) / out=u
        v.copy_(normalized(mat.t().mv(u), fn.eps));
        u.copy_(normalized(mat.mv(v), fn.eps));
      }
    });
    // the product below uses copies, so later in-place updates of the buffers do not touch this graph
    u = u.clone();
    v = v.clone();
  }
  const sigma = u.dot(mat.mv(v));
  return weight.div(sigma);
}

/** The options of `nn.utils.spectralNorm`. */
export interface SpectralNormOptions {
  /** The parameter's name; PyTorch's default "weight". */
  name?: string;
  /** Power-iteration steps per training forward; PyTorch's default 1. */
  nPowerIterations?: number;
  /** The normalization's epsilon; PyTorch's default 1e-12. */
  eps?: number;
  /** The dim that becomes the matrix's rows; PyTorch's default 1 for transposed convolutions, else 0. */
  dim?: number | null;
}

/**
 * nn.utils.spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12, dim=None):
 * divides `module[name]` by its largest singular value (estimated by power iteration) before
 * every call; returns the module.
 */
export function spectralNorm<M extends Module>(module: M, ...args: Args<[name: string, nPowerIterations: number, eps: number, dim: number | null], SpectralNormOptions>): M;
export function spectralNorm<M extends Module>(module: M, ...args: unknown[]): M {
  checkModule(module, "spectralNorm");
  const { name, nPowerIterations, eps, dim } = parseArgs<Required<SpectralNormOptions>>("spectralNorm", SPECTRAL_ARGS, args);
  const d = dim ?? (module instanceof ConvTranspose1d || module instanceof ConvTranspose2d || module instanceof ConvTranspose3d ? 1 : 0);
  if (!(nPowerIterations > 0)) throw new ValueError(`Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
  applied.checkFree(module, name);
  const fields = module as unknown as Fields;
  const weight = fields[name];
  if (weight === null) throw new ValueError(`\`SpectralNorm\` cannot be applied as parameter \`${name}\` is None`);
  if (isLazy(weight)) {
    throw new ValueError("The module passed to `SpectralNorm` can't have uninitialized parameters. Make sure to run the dummy forward before applying spectral normalization");
  }
  // PyTorch reads module._parameters[name]: anything else is its KeyError
  if (!(weight instanceof Parameter)) throw new AssertionError(`spectral_norm: '${name}' is not a parameter of ${module.constructor.name}`);
  const [u, v] = noGrad(() => {
    const mat = weightMatrix(weight, d);
    const [h, w] = mat.shape as [number, number];
    const draw = (n: number) => normalized(weight.newEmpty(n).normal_(0, 1), eps);
    const uu = draw(h);
    return [uu, draw(w)];
  });
  module._delattr(name);
  module.registerParameter(`${name}_orig`, weight);
  fields[name] = weight.detach();
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const fn: SpectralNormFn = { name, dim: d, nPowerIterations, eps };
  applied.add(module, name, fn, () => {
    fields[name] = computeWeight(module, fn, module.training);
  });
  return module;
}

/** nn.utils.remove_spectral_norm(module, name='weight'): `module[name]` a Parameter again (the current normalized weight); returns the module. */
export function removeSpectralNorm<M extends Module>(module: M, ...args: Args<[name: string], { name?: string }>): M;
export function removeSpectralNorm<M extends Module>(module: M, ...args: unknown[]): M {
  checkModule(module, "removeSpectralNorm");
  const { name } = parseArgs<{ name: string }>("removeSpectralNorm", [param("name", str, "weight")], args);
  const fn = applied.take(module, name);
  const weight = noGrad(() => computeWeight(module, fn, false));
  for (const k of [name, `${name}_u`, `${name}_v`, `${name}_orig`]) module._delattr(k);
  module.registerParameter(name, new Parameter(weight.detach()));
  return module;
}
