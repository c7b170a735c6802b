// BLAS-style products written with mm/bmm/mul/add: mv, dot, addmm, addmv, addbmm, baddbmm
// (beta * input + alpha * product). Gradients come from the parts; the input broadcasts to the
// product's shape through expand, whose error is PyTorch's for a shape that does not.
import { RuntimeError } from "../errors.ts";
import { checkTensor, num, param, parseKeywords } from "../args.ts";
import { scalarTypeName } from "../dtype.ts";
import { full } from "./creation.ts";
import { where } from "./elementwise.ts";
import { bmm, mm } from "./linalg.ts";
import type { Tensor } from "../tensor.ts";

/** Keywords of addmm, addmv, addbmm, baddbmm: out = beta * input + alpha * product. */
export interface BetaAlphaOptions {
  /** The input's multiplier (default 1); 0 ignores the input's values (NaN and infinities included), as PyTorch. */
  beta?: number;
  /** The product's multiplier (default 1). */
  alpha?: number;
}
const BETA_ALPHA = [param("beta", num(), 1), param("alpha", num(), 1)];
/** The three operands of addmm and its kin checked as Tensors (named as PyTorch names them), then beta and alpha read. */
function operands(fn: string, input: Tensor, a: [Tensor, string], b: [Tensor, string], opts: unknown): Required<BetaAlphaOptions> {
  checkTensor(input, "input", fn);
  checkTensor(a[0], a[1], fn);
  checkTensor(b[0], b[1], fn);
  return parseKeywords(fn, 3, opts, BETA_ALPHA);
}

/**
 * beta * input + alpha * product, input broadcast to the product's shape (PyTorch's expand
 * error otherwise). beta = 0: the input's values are not read (PyTorch's rule, so NaN in it
 * does not propagate), but it stays in the graph with a zero gradient, as ATen's grad * beta.
 */
function combine(input: Tensor, product: Tensor, { beta, alpha }: Required<BetaAlphaOptions>): Tensor {
  const scaled = alpha === 1 ? product : product.mul(alpha);
  const inp = input.expand(product.shape);
  if (beta === 0) return scaled.add(where(full(product.shape, false, { device: product.device }), inp, 0));
  return scaled.add(beta === 1 ? inp : inp.mul(beta));
}

function sameDtype(fn: string, input: Tensor, other: Tensor): void {
  if (input.dtype !== other.dtype) throw new RuntimeError(`${fn}(): expected scalar type ${scalarTypeName(other.dtype)} but found ${scalarTypeName(input.dtype)} (input)`);
}

/** torch.mv(input, vec): a matrix [n, m] times a vector [m] -> [n]. */
export function mv(mat: Tensor, vec: Tensor): Tensor {
  checkTensor(mat, "input", "mv");
  checkTensor(vec, "vec", "mv");
  if (mat.ndim !== 2 || vec.ndim !== 1) throw new RuntimeError(`vector + matrix @ vector expected, got 1, ${mat.ndim}, ${vec.ndim}`);
  if (mat.shape[1] !== vec.shape[0]) throw new RuntimeError(`size mismatch, got ${mat.shape[0]}, ${mat.shape[0]}x${mat.shape[1]},${vec.shape[0]}`);
  if (mat.dtype !== vec.dtype) throw new RuntimeError(`expected scalar type ${scalarTypeName(mat.dtype)} but found ${scalarTypeName(vec.dtype)}`);
  return mm(mat, vec.unsqueeze(1)).squeeze(1);
}

/** torch.dot(input, other): the inner product of two 1-D tensors of the same size and dtype, a 0-d tensor. */
export function dot(x: Tensor, y: Tensor): Tensor {
  checkTensor(x, "input", "dot");
  checkTensor(y, "other", "dot");
  if (x.ndim !== 1 || y.ndim !== 1) throw new RuntimeError(`1D tensors expected, but got ${x.ndim}D and ${y.ndim}D tensors`);
  if (x.shape[0] !== y.shape[0]) {
    throw new RuntimeError(`inconsistent tensor size, expected tensor [${x.shape[0]}] and src [${y.shape[0]}] to have the same number of elements, but got ${x.shape[0]} and ${y.shape[0]} elements respectively`);
  }
  if (x.dtype !== y.dtype) throw new RuntimeError(`dot : expected both vectors to have same dtype, but found ${scalarTypeName(x.dtype)} and ${scalarTypeName(y.dtype)}`);
  return mm(x.unsqueeze(0), y.unsqueeze(1)).reshape([]);
}

/** torch.addmm(input, mat1, mat2, *, beta=1, alpha=1): beta * input + alpha * (mat1 @ mat2), input broadcast to [n, p]. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts?: BetaAlphaOptions): Tensor {
  const k = operands("addmm", input, [mat1, "mat1"], [mat2, "mat2"], opts);
  if (mat1.ndim !== 2) throw new RuntimeError(`mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new RuntimeError(`mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  if (mat1.dtype !== mat2.dtype || input.dtype !== mat1.dtype) throw new RuntimeError(`self and mat2 must have the same dtype`);
  return combine(input, mm(mat1, mat2), k);
}

/** torch.addmv(input, mat, vec, *, beta=1, alpha=1): beta * input + alpha * (mat @ vec). */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, opts?: BetaAlphaOptions): Tensor {
  const k = operands("addmv", input, [mat, "mat"], [vec, "vec"], opts);
  if (mat.ndim !== 2 || vec.ndim !== 1 || input.ndim > 1) throw new RuntimeError(`vector + matrix @ vector expected, got ${input.ndim}, ${mat.ndim}, ${vec.ndim}`);
  if (mat.shape[1] !== vec.shape[0] || (input.ndim === 1 && input.shape[0] !== mat.shape[0] && input.shape[0] !== 1)) {
    throw new RuntimeError(`size mismatch, got ${input.ndim === 1 ? input.shape[0] : 1}, ${mat.shape[0]}x${mat.shape[1]},${vec.shape[0]}`);
  }
  sameDtype("addmv", input, mat);
  return combine(input, mv(mat, vec), k);
}

function checkBatches(fn: string, b1: Tensor, b2: Tensor): void {
  if (b1.ndim !== 3) throw new RuntimeError(`batch1 must be a 3D tensor`);
  if (b2.ndim !== 3) throw new RuntimeError(`batch2 must be a 3D tensor`);
  if (b1.dtype !== b2.dtype) throw new RuntimeError(`${fn}: expected batch1 and batch2 to have the same dtype, but got: ${b1.dtype} != ${b2.dtype}`);
}

/** torch.baddbmm(input, batch1, batch2, *, beta=1, alpha=1): beta * input + alpha * bmm(batch1, batch2), per batch. */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts?: BetaAlphaOptions): Tensor {
  const k = operands("baddbmm", input, [batch1, "batch1"], [batch2, "batch2"], opts);
  checkBatches("baddbmm", batch1, batch2);
  sameDtype("baddbmm", input, batch1);
  return combine(input, bmm(batch1, batch2), k);
}

/** torch.addbmm(input, batch1, batch2, *, beta=1, alpha=1): beta * input + alpha * the sum over the batch of batch1[i] @ batch2[i]. */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts?: BetaAlphaOptions): Tensor {
  const k = operands("addbmm", input, [batch1, "batch1"], [batch2, "batch2"], opts);
  checkBatches("addbmm", batch1, batch2);
  if (batch1.shape[0] !== batch2.shape[0]) {
    throw new RuntimeError(`batch1 and batch2 must have same number of batches, got ${batch1.shape[0]} and ${batch2.shape[0]}`);
  }
  if (batch1.shape[2] !== batch2.shape[1]) {
    throw new RuntimeError(`Incompatible matrix sizes for bmm (${batch1.shape[1]}x${batch1.shape[2]} and ${batch2.shape[1]}x${batch2.shape[2]})`);
  }
  sameDtype("addbmm", input, batch1);
  // the batch sum as one matrix product: [n, B*m] @ [B*m, p]
  const [b, n, m] = batch1.shape;
  const p = batch2.shape[2]!;
  const lhs = batch1.permute([1, 0, 2]).reshape([n!, b! * m!]);
  return combine(input, mm(lhs, batch2.reshape([b! * m!, p])), k);
}
