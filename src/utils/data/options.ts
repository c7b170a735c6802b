// Options objects of torch.utils.data: a key that is not an option is a TypeError, as Python's
// "got an unexpected keyword argument".
import { TorchTypeError } from "../../errors.ts";

export function checkOptions(fn: string, opts: object | undefined, allowed: readonly string[]): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== "object") throw new TorchTypeError(`${fn}: options must be an object, got ${opts === null ? "null" : typeof opts}`);
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw new TorchTypeError(`${fn}() got an unexpected keyword argument '${key}'`);
  }
}
