// The options-object check of the APIs in this area: an unknown key is Python's
// "got an unexpected keyword argument", a TypeError naming it.
import { TorchTypeError } from "./errors.ts";

export function checkKwargs(fn: string, opts: object | undefined, allowed: readonly string[]): void {
  if (opts === undefined || opts === null) return;
  if (typeof opts !== "object" || Array.isArray(opts)) throw new TorchTypeError(`${fn}() options must be an object, got ${Array.isArray(opts) ? "an array" : typeof opts}`);
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new TorchTypeError(`${fn}() got an unexpected keyword argument '${k}'`);
  }
}
