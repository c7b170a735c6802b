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

/**
 * Binary cross-entropy as PyTorch 1.13 computes it: the loss
 * w * ((t - 1) max(log(1 - x), -100) - t max(log x, -100)), reduced; its input gradient
 * g (x - t) / max((1 - x) x, 1e-12) and its target gradient (log(1 - x) - log x) g, each times
 * w and divided by the element count for "mean" (the float32 gradients equal PyTorch's bits:
 * test/ops/gradBits.test.ts). So an input of exactly 0 or 1 (a saturated sigmoid) gives
 * PyTorch's finite gradient, not the NaN that differentiating the clamped logs would.
 * `weight` (broadcast to the input) takes no gradient, as in PyTorch.
 */
export function binaryCrossEntropy(x: Tensor, t: Tensor, weight: Tensor | null, reduction: Reduction): Tensor {
  const n = x.numel();
  const reduce = (v: Tensor): Tensor => (reduction === "mean" ? v.mean() : reduction === "sum" ? v.sum() : v);
  const out = noGrad(() => {
    let l = t.sub(1).mul(x.neg().add(1).log().clampMin(-100)).sub(t.mul(x.log().clampMin(-100)));
    if (weight !== null) l = l.mul(weight);
    return reduce(l);
  });
  return record(out, "BinaryCrossEntropyBackward0", [x, t], [x, t], (g, [x, t]) => {
    const scaled = (d: Tensor): Tensor => {
      let r = weight === null ? d : d.mul(weight);
      if (reduction === "mean") r = r.div(n);
      return r;
    };
    const ge = reduction === "none" ? g : g.expand(x.shape);
    return [
      x.requiresGrad ? scaled(ge.mul(x.sub(t)).div(x.neg().add(1).mul(x).clampMin(1e-12))) : null,
      t.requiresGrad ? scaled(x.neg().add(1).log().sub(x.log()).mul(ge)) : null,
    ];
  }, { reduction });
}
