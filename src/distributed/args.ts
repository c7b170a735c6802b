// Arguments as PyTorch takes them: positional in PyTorch's order, plus one trailing options
// object with camelCase keys for the keyword arguments. Unknown keys and wrong types are a
// TypeError naming the argument, as Python's "got an unexpected keyword argument".
import { TorchTypeError } from "../errors.ts";
import { Tensor } from "../tensor.ts";

/** A plain object (the options bag), as opposed to a tensor, a store or a group. */
export function isOptions(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * Binds positional arguments and a trailing options object to PyTorch's parameter names
 * (camelCase), in order. A name given both ways is Python's "got multiple values" TypeError.
 */
export function bindArgs(fn: string, names: readonly string[], args: readonly unknown[]): Record<string, unknown> {
  let positional = args;
  let opts: Record<string, unknown> = {};
  if (args.length && isOptions(args[args.length - 1])) {
    positional = args.slice(0, -1);
    opts = args[args.length - 1] as Record<string, unknown>;
  }
  if (positional.length > names.length) {
    throw new TorchTypeError(`${fn}() takes ${names.length} positional arguments but ${positional.length} were given`);
  }
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (v !== undefined) out[names[i]] = v;
  });
  for (const [k, v] of Object.entries(opts)) {
    if (!names.includes(k)) throw new TorchTypeError(`${fn}() got an unexpected keyword argument '${k}'`);
    if (k in out) throw new TorchTypeError(`${fn}() got multiple values for argument '${k}'`);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function checkTensor(fn: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new TorchTypeError(`${fn}(): argument '${name}' must be Tensor, not ${typeName(v)}`);
  return v;
}

export function checkTensorList(fn: string, name: string, v: unknown): Tensor[] {
  if (!Array.isArray(v) || !v.every((t) => t instanceof Tensor)) {
    throw new TorchTypeError(`${fn}(): argument '${name}' must be a list of Tensors, not ${typeName(v)}`);
  }
  return v as Tensor[];
}

export function checkInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new TorchTypeError(`${fn}(): argument '${name}' must be int, not ${typeName(v)}`);
  return v;
}

export function checkBool(fn: string, name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new TorchTypeError(`${fn}(): argument '${name}' must be bool, not ${typeName(v)}`);
  return v;
}

/** Timeouts are milliseconds (PyTorch takes a timedelta). */
export function checkTimeout(fn: string, v: unknown): number {
  if (typeof v !== "number" || !(v > 0)) throw new TorchTypeError(`${fn}(): argument 'timeout' must be a positive number of milliseconds, not ${typeName(v)}`);
  return v;
}

export function checkString(fn: string, name: string, v: unknown): string {
  if (typeof v !== "string") throw new TorchTypeError(`${fn}(): argument '${name}' must be str, not ${typeName(v)}`);
  return v;
}

export function typeName(v: unknown): string {
  if (v === null) return "NoneType";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v;
}
