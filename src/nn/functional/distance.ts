// F.pdist (vector norms of row differences) and F.cosine_similarity as PyTorch 1.13's ATen computes it (Distance.cpp): each input divided by its
// own norm first (more accurate than dividing <x1, x2> by ||x1||·||x2||), the squared norms
// clamped to eps² without recording (NoGradGuard), so a zero vector gets the finite gradient
// x2/(||x2|| eps) that PyTorch gives rather than no gradient at all.
import { checkTensor, int, num, param, parseArgs, type Args } from "../../args.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { isFloating, resultType, scalarTypeName } from "../../dtype.ts";
import { RuntimeError } from "../../errors.ts";
import { broadcastShapes, normalizeDim } from "../../layout.ts";
import type { Tensor } from "../../tensor.ts";
import { tensor } from "../../ops/creation.ts";
import { vectorNorm } from "../../ops/norm.ts";

/** Options of F.cosineSimilarity: the dimension (default 1) and the eps that bounds each norm from below (default 1e-8). */
export interface CosineSimilarityOptions {
  dim?: number;
  eps?: number;
}
const COSINE = [param("dim", int(), 1), param("eps", num(), 1e-8)];

/** F.cosine_similarity(x1, x2, dim=1, eps=1e-8): the cosine of the angle between x1 and x2 along dim (broadcast). */
export function cosineSimilarity(x1: Tensor, x2: Tensor, ...args: Args<[dim: number, eps: number], CosineSimilarityOptions>): Tensor {
  checkTensor(x1, "x1", "cosineSimilarity");
  checkTensor(x2, "x2", "cosineSimilarity");
  const { dim, eps } = parseArgs<Required<CosineSimilarityOptions>>("cosineSimilarity", COSINE, args);
  const dtype = resultType([x1, x2].map((t) => ({ dtype: t.dtype, ndim: t.dim() })));
  if (!isFloating(dtype)) throw new RuntimeError(`expected common dtype to be floating point, yet common dtype is ${scalarTypeName(dtype)}`);
  const shape = broadcastShapes(x1.shape, x2.shape);
  const d = normalizeDim(dim, shape.length);
  const unit = (x: Tensor): Tensor => {
    const t = x.to(dtype).expand(shape);
    const squared = t.pow(2).sum(d, true);
    noGrad(() => squared.clamp_({ min: eps * eps }));
    return t.div(squared.sqrt());
  };
  return unit(x1).mul(unit(x2)).sum(d);
}

/** The options of `F.pdist`. */
export interface PdistOptions {
  /** The norm's order (>= 0; PyTorch's default 2). */
  p?: number;
}
const PDIST = [param("p", num(), 2)];

/**
 * F.pdist(input, p=2): the p-norm distance between every pair of rows of a 2-D input, the pairs
 * (i, j), i < j, in row-major order (the upper triangle of cdist's matrix, flattened). Each
 * distance is a vector norm of the rows' difference, so a zero distance has gradient 0, as
 * PyTorch's.
 */
export function pdist(input: Tensor, ...args: Args<[p: number], PdistOptions>): Tensor {
  checkTensor(input, "input", "pdist");
  const { p } = parseArgs<Required<PdistOptions>>("pdist", PDIST, args);
  if (input.ndim !== 2) throw new RuntimeError(`pdist only supports 2D tensors, got: ${input.ndim}D`);
  if (!isFloating(input.dtype)) throw new RuntimeError("pdist only supports floating-point dtypes");
  if (!(p >= 0)) throw new RuntimeError("pdist only supports non-negative p values");
  const n = input.shape[0]!;
  const first: number[] = [], second: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { first.push(i); second.push(j); }
  const rows = (at: number[]) => input.indexSelect(0, tensor(at, { dtype: "int64", device: input.device }));
  return vectorNorm(rows(first).sub(rows(second)), p, 1);
}
