// Embedding lookup: rows of the weight picked by integer indices (indexSelect, whose vjp is a
// scatter-add into the weight's gradient).
import { traceScope } from "../../autograd/trace.ts";
import { bool, checkTensor, int, nullable, num, param, parseArgs, type Args, type Checker } from "../../args.ts";
import { noGrad } from "../../autograd/gradMode.ts";
import { AssertionError, IndexError, NotImplementedError, RuntimeError } from "../../errors.ts";
import { isIntegral } from "../../dtype.ts";
import { where } from "../../ops/elementwise.ts";
import { fromStorage, numberData, onHost } from "../../ops/alloc.ts";
import { allocate, type NumArray } from "../../dtype.ts";
import type { Tensor } from "../../tensor.ts";

const TYPE_NAMES: Record<string, string> = { float32: "torch.FloatTensor", float64: "torch.DoubleTensor", bool: "torch.BoolTensor" };

/** The options of `F.embedding` (and of `nn.Embedding`'s constructor). */
export interface EmbeddingOptions {
  /** This row gets no gradient (and nn.Embedding initialises it to zeros); negative counts from the end. */
  paddingIdx?: number | null;
  /** Rows looked up are first renormalized in place to this norm at most (PyTorch's embedding_renorm_). */
  maxNorm?: number | null;
  /** The p of the norm for maxNorm. */
  normType?: number;
  /** Scale each row's gradient by the inverse of its index's frequency in the input. */
  scaleGradByFreq?: boolean;
  /** Sparse gradients: torch-ts has no sparse tensors, so only false is accepted. */
  sparse?: boolean;
}
export type EmbeddingPositional = [paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean];

/** sparse=True needs sparse tensors, which torch-ts does not have: a clear error, not dense gradients under the same name. */
export const sparseArg: Checker<boolean> = (v, arg, fn) => {
  if (bool(v, arg, fn)) throw new NotImplementedError(`${fn}(): sparse=true (sparse gradients) is not supported: torch-ts has no sparse tensors; use sparse=false`);
  return false;
};
export const EMBEDDING_OPTIONS = [
  param("paddingIdx", nullable(int()), null), param("maxNorm", nullable(num()), null), param("normType", num(), 2),
  param("scaleGradByFreq", bool, false), param("sparse", sparseArg, false),
];

/** Indices must be int64 or int32, with PyTorch's message naming the op (`fn`) that checks them. */
export function checkIndices(input: Tensor, fn: string): void {
  if (!isIntegral(input.dtype)) {
    throw new RuntimeError(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${TYPE_NAMES[input.dtype] ?? input.dtype} instead (while checking arguments for ${fn})`);
  }
}

/** PyTorch's padding_idx rule: within [-num, num), negative counted from the end; null stays null. */
export function normalizePaddingIdx(pad: number | null, num: number): number | null {
  if (pad === null) return null;
  if (pad >= num || pad < -num) throw new AssertionError("Padding_idx must be within num_embeddings");
  return pad < 0 ? pad + num : pad;
}

/** torch.embedding_renorm_: each distinct looked-up row with norm > maxNorm is scaled by maxNorm / (norm + 1e-7), in place. */
function renorm(weight: Tensor, indices: ArrayLike<number>, maxNorm: number, normType: number): void {
  noGrad(() => {
    for (const i of [...new Set(Array.from(indices))].sort((a, b) => a - b)) {
      const row = weight.select(0, i);
      const a = row.abs();
      const norm = (normType === Infinity ? a.amax() : normType === 2 ? row.mul(row).sum().sqrt() : a.pow(normType).sum().pow(1 / normType)).item();
      if (norm > maxNorm) row.mul_(maxNorm / (norm + 1e-7));
    }
  });
}

/**
 * F.embedding(input (integer indices of any shape), weight [num, dim], padding_idx=None,
 * max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False) -> [...input.shape, dim].
 * Positions equal to padding_idx get the weight's row in the forward pass but send no
 * gradient to it, as PyTorch.
 */
export function embedding(input: Tensor, weight: Tensor, ...args: Args<EmbeddingPositional, EmbeddingOptions>): Tensor {
  checkTensor(input, "input", "embedding");
  checkTensor(weight, "weight", "embedding");
  const a = parseArgs<Required<EmbeddingOptions>>("embedding", EMBEDDING_OPTIONS, args);
  checkIndices(input, "embedding");
  if (weight.dim() !== 2) throw new RuntimeError("'weight' must be 2-D");
  const num = weight.shape[0];
  const pad = normalizePaddingIdx(a.paddingIdx, num);
  const flat = input.reshape(-1);
  // Device indices are checked by the gather kernel, which reports at the next read.
  let data: ArrayLike<number> = [];
  if (onHost(flat)) {
    data = numberData(flat);
    for (let i = 0; i < data.length; i++) {
      if (!(data[i]! >= 0 && data[i]! < num)) throw new IndexError("index out of range in self");
    }
  } else if (a.maxNorm !== null || a.scaleGradByFreq) {
    // Both read the indices on the host, which a device tensor gives only asynchronously.
    throw new NotImplementedError(`embedding(): maxNorm and scaleGradByFreq need the indices on the CPU, but they are on ${flat.device}`);
  }
  if (a.maxNorm !== null) renorm(weight, data, a.maxNorm, a.normType);
  // One op for an exporter (ONNX Gather on the weight).
  return traceScope("embedding", [input, weight], { padding_idx: pad }, () => {
    let rows = weight.indexSelect(0, flat);
    if (rows.requiresGrad && a.scaleGradByFreq) {
      // Same values; the gradient of each position divided by how often its index occurs.
      const counts = new Map<number, number>();
      for (let i = 0; i < data.length; i++) counts.set(data[i]!, (counts.get(data[i]!) ?? 0) + 1);
      const inv = allocate(weight.dtype, data.length) as NumArray;
      for (let i = 0; i < data.length; i++) inv[i] = 1 / counts.get(data[i]!)!;
      const detached = rows.detach();
      rows = rows.sub(detached).mul(fromStorage(inv, [data.length, 1], weight.dtype)).add(detached);
    }
    if (pad !== null && rows.requiresGrad) {
      // Same values; the detached branch cuts the gradient where the index is the padding row.
      rows = where(flat.ne(pad).unsqueeze(1), rows, rows.detach());
    }
    return rows.view([...input.shape, weight.shape[1]]);
  }, (y) => [y]);
}
