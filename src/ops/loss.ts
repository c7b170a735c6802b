// Loss primitives that earn a node of their own: the seed program's MSE is one pass over
// the data and one backward op, instead of sub + mul + mean and their three backwards.
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { resultType, toFloating, type FloatArray } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { sameShape } from "../layout.ts";
import { CPU } from "../device.ts";
import { Tensor } from "../tensor.ts";

export type Reduction = "none" | "mean" | "sum";

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  if (reduction !== "none" && reduction !== "mean" && reduction !== "sum") throw new RuntimeError(`${String(reduction)} is not a valid value for reduction`);
  if (reduction === "none") {
    const d = input.sub(target);
    return d.mul(d);
  }
  const dtype = toFloating(resultType([input, target].map((t) => ({ dtype: t.dtype, ndim: t.dim() }))));
  if (input.device !== CPU || target.device !== CPU) {
    // on a device the loss stays there: the same node over the composite's value
    const sq = noGrad(() => input.sub(target).pow(2));
    const v = noGrad(() => (reduction === "mean" ? sq.mean() : sq.sum()).to(dtype));
    return mseRecord(v, input, target, reduction, sq.numel());
  }
  let value: number;
  let count: number;
  if (sameShape(input.shape, target.shape)) {
    const x = input.contiguousData() as FloatArray;
    const y = target.contiguousData() as FloatArray;
    let s = 0;
    for (let i = 0; i < x.length; i++) {
      const d = x[i] - y[i];
      s += d * d;
    }
    value = s;
    count = x.length;
  } else {
    const sq = noGrad(() => input.sub(target).pow(2));
    value = sq.sum().item();
    count = sq.numel();
  }
  return mseRecord(Tensor.scalar(reduction === "mean" ? value / count : value, dtype), input, target, reduction, count);
}

function mseRecord(out: Tensor, input: Tensor, target: Tensor, reduction: Reduction, count: number): Tensor {
  const scale = reduction === "mean" ? 2 / count : 2;
  return record(out, "MseLossBackward0", [input, target], [input, target], (g, [x, y]) => {
    const d = x.sub(y).mul(g.mul(scale));
    return [x.requiresGrad ? d : null, y.requiresGrad ? d.neg() : null];
  }, { reduction });
}
