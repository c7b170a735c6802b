// Checkers for torch.distributed's arguments, in the style of ../args.ts (the one argument
// parser): a list of tensors, a timeout, an instance of a class.
import { typeError, type Checker } from "../args.ts";
import { Tensor } from "../tensor.ts";

export const tensorList: Checker<Tensor[]> = (v, arg, fn) => {
  if (!Array.isArray(v) || !v.every((t) => t instanceof Tensor)) throw typeError(fn, arg, "a list of Tensors", v);
  return v as Tensor[];
};

/** Timeouts are milliseconds (PyTorch takes a timedelta). */
export const timeoutMs: Checker<number> = (v, arg, fn) => {
  if (typeof v !== "number" || !(v > 0)) throw typeError(fn, arg, "a positive number of milliseconds", v);
  return v;
};

/** An instance of cls (a ReduceOp, a Module, a Store). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function instance<T>(cls: Function & { prototype: T }, name: string): Checker<T> {
  return (v, arg, fn) => {
    if (!(v instanceof cls)) throw typeError(fn, arg, `a ${name}`, v);
    return v as T;
  };
}
