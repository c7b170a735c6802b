// Embedding lookup: rows of the weight picked by integer indices (indexSelect, whose vjp is a
// scatter-add into the weight's gradient).
import { traceScope } from "../../autograd/trace.ts";
import { RuntimeError, IndexError } from "../../errors.ts";
import { isIntegral } from "../../dtype.ts";
import { where } from "../../ops/elementwise.ts";
import { numberData, onHost } from "../../ops/alloc.ts";
import type { Tensor } from "../../tensor.ts";

const TYPE_NAMES: Record<string, string> = { float32: "torch.FloatTensor", float64: "torch.DoubleTensor", bool: "torch.BoolTensor" };

/**
 * F.embedding(input (integer indices of any shape), weight [num, dim], { paddingIdx }) ->
 * [...input.shape, dim]. Positions equal to paddingIdx get the weight's row in the forward
 * pass but send no gradient to it, as PyTorch.
 */
export function embedding(input: Tensor, weight: Tensor, opts: { paddingIdx?: number | null } = {}): Tensor {
  if (!isIntegral(input.dtype)) {
    throw new RuntimeError(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${TYPE_NAMES[input.dtype] ?? input.dtype} instead (while checking arguments for embedding)`);
  }
  if (weight.dim() !== 2) throw new RuntimeError("'weight' must be 2-D");
  const num = weight.shape[0];
  let pad = opts.paddingIdx ?? null;
  if (pad !== null) {
    if (pad >= num || pad < -num) throw new RuntimeError(`Padding_idx must be within num_embeddings`);
    if (pad < 0) pad += num;
  }
  const flat = input.reshape(-1);
  // Device indices are checked by the gather kernel, which reports at the next read.
  if (onHost(flat)) {
    const data = numberData(flat);
    for (let i = 0; i < data.length; i++) {
      if (!(data[i]! >= 0 && data[i]! < num)) throw new IndexError("index out of range in self");
    }
  }
  const padIdx = pad;
  // One op for an exporter (ONNX Gather on the weight).
  return traceScope("embedding", [input, weight], { padding_idx: padIdx }, () => {
    let rows = weight.indexSelect(0, flat);
    if (padIdx !== null && rows.requiresGrad) {
      // Same values; the detached branch cuts the gradient where the index is the padding row.
      rows = where(flat.ne(padIdx).unsqueeze(1), rows, rows.detach());
    }
    return rows.view([...input.shape, weight.shape[1]]);
  }, (y) => [y]);
}
