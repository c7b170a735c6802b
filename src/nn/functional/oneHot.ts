// F.one_hot as ATen's one_hot (aten/src/ATen/native/Onehot.cpp): int64 indices in, int64
// [..., numClasses] out with a 1 at each index; numClasses = -1 takes max + 1.
import { checkTensor, int, param, parseArgs, type Args } from "../../args.ts";
import { RuntimeError } from "../../errors.ts";
import { arange, emptyTensor } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";

const ONE_HOT = [param("numClasses", int(), -1)];

/** F.one_hot(tensor, num_classes=-1). Not differentiable (integer output). */
export function oneHot(tensor: Tensor, ...args: Args<[numClasses: number], { numClasses?: number }>): Tensor {
  const x = checkTensor(tensor, "tensor", "oneHot");
  let { numClasses } = parseArgs<{ numClasses: number }>("oneHot", ONE_HOT, args);
  if (x.dtype !== "int64") throw new RuntimeError("one_hot is only applicable to index tensor.");
  if (x.numel() === 0) {
    if (numClasses <= 0) throw new RuntimeError("Can not infer total number of classes from empty tensor.");
    return emptyTensor([...x.shape, numClasses], { dtype: x.dtype });
  }
  if (Number(x.min().item()) < 0) throw new RuntimeError("Class values must be non-negative.");
  const max = Number(x.max().item());
  if (numClasses === -1) numClasses = max + 1;
  else if (numClasses <= max) throw new RuntimeError("Class values must be smaller than num_classes.");
  return x.unsqueeze(-1).eq(arange(numClasses, { dtype: x.dtype })).to(x.dtype);
}
