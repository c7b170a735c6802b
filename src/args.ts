// Argument checking: the one place that turns a JavaScript call into PyTorch's arguments.
//
// PyTorch's call forms are its positional parameters in order, any prefix of them, then
// keyword arguments; here the keywords are one trailing options object with camelCase keys
// (`new nn.Conv2d(1, 32, 3, 1)`, `new nn.Conv2d(1, 32, 3, { stride: 1, bias: false })`).
// `parseArgs` reads both forms against a declared parameter list and raises PyTorch's
// TypeError for what matches neither: unknown keys ("got an unexpected keyword argument"),
// too many positional arguments, a value given twice, a missing required one, or a value of
// the wrong kind, naming the argument. The checkers below validate and normalize one value
// each; ops on the hot path call the small `check*` functions directly instead of a parse.
import { canonicalDevice, Device, type DeviceLike } from "./device.ts";
import { DTYPES, type DType } from "./dtype.ts";
import { TorchTypeError, ValueError } from "./errors.ts";
import type { Tensor } from "./tensor.ts";

// args.ts imports no module that imports it back (tensor.ts's ops import this file): the
// Tensor class is registered by tensor.ts once defined, so importing args.ts first is safe.
let TensorClass: abstract new (...args: never[]) => Tensor;
/** Called once by tensor.ts with the Tensor class. */
export function registerTensorClass(c: abstract new (...args: never[]) => Tensor): void {
  TensorClass = c;
}

/** Validates one argument and returns its normalized value; throws naming `arg` of `fn`. */
export type Checker<T> = (v: unknown, arg: string, fn: string) => T;

/** One parameter of a PyTorch signature, as parseArgs matches arguments to it. */
export interface Param<T = unknown> {
  /** The parameter's name in camelCase (the options key and the name in error messages). */
  readonly name: string;
  /** Validates and normalizes the argument. */
  readonly check: Checker<T>;
  /** Absent: the argument is required. */
  readonly default?: T;
}

/** A parameter with a default (optional) or without (required). */
export function param<T>(name: string, check: Checker<T>, ...dflt: [] | [T]): Param<T> {
  return dflt.length === 0 ? { name, check } : { name, check, default: dflt[0] };
}

/**
 * PyTorch's call forms as a TypeScript tuple type: any prefix of the positional parameters P
 * (their labels kept), optionally followed by the options object O.
 */
export type Args<P extends readonly unknown[], O> = P extends readonly []
  ? [options?: O]
  : [...P, options?: O] | Args<P extends readonly [...infer H, unknown] ? H : [], O>;

/** Any prefix of the positional parameters P followed by the options object O, required (overloads on an option's value). */
export type ArgsWithOptions<P extends readonly unknown[], O> = P extends readonly []
  ? [options: O]
  : [...P, options: O] | ArgsWithOptions<P extends readonly [...infer H, unknown] ? H : [], O>;

/** A plain object literal: the options object (arrays, tensors, Maps, iterables are positional values). */
export function isOptions(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !(Symbol.iterator in v);
}

/**
 * Reads `args` (positional values, then an optional options object) against `positional`
 * (accepted positionally or by name) and `keywordOnly` (by name only). Returns every
 * parameter's value by name, defaults filled in. An `undefined` value means "not given".
 */
export function parseArgs<R>(fn: string, positional: readonly Param[], args: readonly unknown[], keywordOnly: readonly Param[] = []): R {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = n > 0 ? args[n - 1] : undefined;
  const opts = isOptions(last) ? last : null;
  if (opts !== null) n--;
  if (n > positional.length) {
    const required = positional.filter((p) => !("default" in p)).length;
    const range = required === positional.length ? `${positional.length}` : `from ${required} to ${positional.length}`;
    throw new TorchTypeError(`${fn}() takes ${range} positional arguments but ${n} were given`);
  }
  const np = positional.length;
  const total = np + keywordOnly.length;
  const at = (i: number): Param => (i < np ? positional[i]! : keywordOnly[i - np]!);
  if (opts !== null) {
    for (const key in opts) {
      let known = false;
      for (let i = 0; i < total && !known; i++) known = at(i).name === key;
      if (!known) throw unexpectedKeyword(fn, key, [...positional, ...keywordOnly].map((p) => p.name));
    }
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < total; i++) {
    const p = at(i);
    let v = i < n ? args[i] : undefined;
    const named = opts !== null && Object.hasOwn(opts, p.name) ? opts[p.name] : undefined;
    if (named !== undefined) {
      if (v !== undefined) throw new TorchTypeError(`${fn}() got multiple values for argument '${p.name}'`);
      v = named;
    }
    if (v === undefined) {
      if (!("default" in p)) throw new TorchTypeError(`${fn}() missing 1 required positional argument: '${p.name}'`);
      out[p.name] = p.default;
    } else out[p.name] = p.check(v, p.name, fn);
  }
  return out as R;
}

/**
 * The keyword-only arguments of a function taking `nPositional` required positional ones and
 * then only the options object: anything else in that place is PyTorch's "takes N positional
 * arguments but N+1 were given".
 */
export function parseKeywords<R>(fn: string, nPositional: number, opts: unknown, keywordOnly: readonly Param[]): R {
  if (opts !== undefined && !isOptions(opts)) throw new TorchTypeError(`${fn}() takes ${nPositional} positional arguments but ${nPositional + 1} were given`);
  return parseArgs<R>(fn, [], [opts], keywordOnly);
}

/** Rejects keys of an options object that `fn` does not take (for functions with a fixed signature). */
export function checkOptions(fn: string, opts: unknown, keys: readonly string[]): void {
  if (opts === undefined || opts === null) return;
  if (!isOptions(opts)) throw new TorchTypeError(`${fn}(): expected an options object, but got ${describe(opts)}`);
  for (const k in opts) {
    if (!keys.includes(k)) throw unexpectedKeyword(fn, k, keys);
  }
}

/**
 * PyTorch's "got an unexpected keyword argument", naming the camelCase spelling when the key
 * is a snake_case one (`weight_decay` for `weightDecay`), the usual slip of a port.
 */
export function unexpectedKeyword(fn: string, key: string, known: readonly string[]): TorchTypeError {
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const hint = camel !== key && known.includes(camel) ? ` (torch-ts spells it '${camel}')` : "";
  return new TorchTypeError(`${fn}() got an unexpected keyword argument '${key}'${hint}`);
}

// ---- describing values in messages -----------------------------------------------------

/** What a value is, for messages: `1.5`, `"1"` (a string), `an array`, `undefined`, `a Tensor`. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return `${typeof v} ${String(v)}`;
  if (typeof v === "string") return `string ${JSON.stringify(v)}`;
  if (Array.isArray(v)) return "an array";
  if (typeof v === "function") return "a function";
  const name = (v as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/** PyTorch's TypeError for an argument of the wrong kind. */
export function typeError(fn: string, arg: string, expected: string, v: unknown): TorchTypeError {
  return new TorchTypeError(`${fn}(): argument '${arg}' must be ${expected}, but got ${describe(v)}`);
}

// ---- checkers --------------------------------------------------------------------------

export interface IntRange {
  min?: number;
  max?: number;
}

/** An integer (a JavaScript number with no fraction), optionally within [min, max]. */
export function int(range: IntRange = {}): Checker<number> {
  return (v, arg, fn) => checkInt(v, arg, fn, range);
}
export function checkInt(v: unknown, arg: string, fn: string, range: IntRange = {}): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw typeError(fn, arg, "an integer", v);
  if (range.min !== undefined && v < range.min) throw new ValueError(`${fn}(): argument '${arg}' must be at least ${range.min}, but got ${v}`);
  if (range.max !== undefined && v > range.max) throw new ValueError(`${fn}(): argument '${arg}' must be at most ${range.max}, but got ${v}`);
  return v;
}

/** A finite or infinite number, not NaN unless allowed. */
export function num(opts: { nan?: boolean } = {}): Checker<number> {
  return (v, arg, fn) => {
    if (typeof v !== "number" || (!opts.nan && Number.isNaN(v))) throw typeError(fn, arg, "a number", v);
    return v;
  };
}

export const bool: Checker<boolean> = (v, arg, fn) => checkBool(v, arg, fn);
/** A boolean (the hot-path form of `bool`, for keepdim and friends). */
export function checkBool(v: unknown, arg: string, fn: string): boolean {
  if (typeof v !== "boolean") throw typeError(fn, arg, "a boolean", v);
  return v;
}

/** A dim or a list of dims (reductions' dim: int, list of ints, or null for all); range-checked by the op. */
export const dims: Checker<number | number[] | null> = (v, arg, fn) => {
  if (v === null || (typeof v === "number" && Number.isInteger(v))) return v;
  if (Array.isArray(v) && v.every((d) => Number.isInteger(d))) return v as number[];
  throw typeError(fn, arg, "an integer or a list of integers", v);
};

export const str: Checker<string> = (v, arg, fn) => {
  if (typeof v !== "string") throw typeError(fn, arg, "a string", v);
  return v;
};

/** One of the given strings (PyTorch's ValueError for an unknown mode, listing the choices). */
export function oneOf<const T extends string>(choices: readonly T[]): Checker<T> {
  return (v, arg, fn) => {
    if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) {
      throw new ValueError(`${fn}(): argument '${arg}' must be one of ${choices.map((c) => `'${c}'`).join(", ")}, but got ${describe(v)}`);
    }
    return v as T;
  };
}

/** An int or a sequence of n ints, normalized to n ints (kernel_size=3 -> [3, 3]). */
export function ints(n: number, range: IntRange = {}): Checker<number[]> {
  return (v, arg, fn) => {
    if (typeof v === "number") return new Array<number>(n).fill(checkInt(v, arg, fn, range));
    if (!Array.isArray(v) || (v.length !== n && v.length !== 1)) throw typeError(fn, arg, `an integer or a list of ${n} integers`, v);
    const a = v.map((x) => checkInt(x, arg, fn, range));
    return a.length === 1 ? new Array<number>(n).fill(a[0]!) : a;
  };
}

/** A value or null, checked by `check` when not null. */
export function nullable<T>(check: Checker<T>): Checker<T | null> {
  return (v, arg, fn) => (v === null ? null : check(v, arg, fn));
}

/** One of several kinds: the first checker that accepts the value wins. */
export function either<A, B>(a: Checker<A>, b: Checker<B>, expected: string): Checker<A | B> {
  return (v, arg, fn) => {
    try {
      return a(v, arg, fn);
    } catch {
      try {
        return b(v, arg, fn);
      } catch {
        throw typeError(fn, arg, expected, v);
      }
    }
  };
}

/** An instance of `cls` (a Module, a Generator), named `expected` in the message. */
export function instanceOf<T>(cls: abstract new (...args: never) => T, expected: string): Checker<T> {
  return (v, arg, fn) => {
    if (!(v instanceof cls)) throw typeError(fn, arg, expected, v);
    return v;
  };
}

/** A function (a hook, an activation). */
export const func: Checker<(...args: never[]) => unknown> = (v, arg, fn) => {
  if (typeof v !== "function") throw typeError(fn, arg, "a function", v);
  return v as (...args: never[]) => unknown;
};

/** A number or a list of numbers, kept as given (scale_factor=2 or [2, 1.5]). */
export const numOrNums: Checker<number | number[]> = (v, arg, fn) => {
  const isNum = (x: unknown): x is number => typeof x === "number" && !Number.isNaN(x);
  if (isNum(v)) return v;
  if (Array.isArray(v) && v.every(isNum)) return [...v];
  throw typeError(fn, arg, "a number or a list of numbers", v);
};

/** Any value accepted as is (a module, a callable: checked where it is used). */
export const any: Checker<unknown> = (v) => v;

/** A dtype name torch-ts has. */
export const dtype: Checker<DType> = (v, arg, fn) => checkDtype(v, fn, arg);
export function checkDtype(v: unknown, fn: string, arg = "dtype"): DType {
  if (typeof v !== "string" || !(DTYPES as readonly string[]).includes(v)) {
    throw new TorchTypeError(`${fn}(): argument '${arg}' must be a dtype (${DTYPES.map((d) => `"${d}"`).join(", ")}), but got ${describe(v)}`);
  }
  return v as DType;
}

/** A probability-like number in [lo, hi] with PyTorch's ValueError wording from `message`. */
export function inRange(lo: number, hi: number, message: (v: number) => string): Checker<number> {
  return (v, arg, fn) => {
    if (typeof v !== "number") throw typeError(fn, arg, "a number", v);
    if (!(v >= lo && v <= hi)) throw new ValueError(message(v));
    return v;
  };
}

/** A Tensor (PyTorch: "argument 'input' (position 1) must be Tensor, not NoneType"). */
export const tensor: Checker<Tensor> = (v, arg, fn) => checkTensor(v, arg, fn);
export function checkTensor(v: unknown, arg: string, fn: string): Tensor {
  if (!(v instanceof TensorClass)) throw typeError(fn, arg, "a Tensor", v);
  return v;
}
/** A Tensor or a list of Tensors, as a list (torch.autograd's `outputs`, `inputs`: "tensors or a sequence of them"). */
export const tensorOrTensors: Checker<Tensor[]> = (v, arg, fn) => {
  if (v instanceof TensorClass) return [v];
  if (Array.isArray(v) && v.every((t) => t instanceof TensorClass)) return v as Tensor[];
  throw typeError(fn, arg, "a Tensor or a list of Tensors", v);
};
/** Like tensorOrTensors, with null for "none" (the list itself, or any element of it). */
export const optionalTensors: Checker<Array<Tensor | null>> = (v, arg, fn) => {
  if (v === null) return [];
  if (v instanceof TensorClass) return [v];
  if (Array.isArray(v) && v.every((t) => t === null || t instanceof TensorClass)) return v as Array<Tensor | null>;
  throw typeError(fn, arg, "a Tensor, a list of Tensors (or nulls), or null", v);
};

/** A Tensor or a JavaScript number or boolean (PyTorch's Tensor-or-Scalar operands). */
export function checkTensorOrScalar(v: unknown, arg: string, fn: string): Tensor | number | boolean {
  if (v instanceof TensorClass || typeof v === "number" || typeof v === "boolean") return v as Tensor | number | boolean;
  throw typeError(fn, arg, "a Tensor or a number", v);
}

/**
 * A device: a torch.device or its string ("cpu", "webgpu", "webgpu:0"), as the canonical
 * Device tensors carry. Not a string or Device: TypeError; an unknown device type: PyTorch's
 * RuntimeError ("Expected one of cpu, webgpu device type at start of device string").
 */
export const device: Checker<Device> = (v, arg, fn) => checkDevice(v, arg, fn);
export function checkDevice(v: unknown, arg: string, fn: string): Device {
  if (!(v instanceof Device) && typeof v !== "string") throw typeError(fn, arg, 'a torch.device or a device string ("cpu", "webgpu")', v);
  return canonicalDevice(v);
}

/** PyTorch's factory_kwargs of modules with parameters: keyword-only device and dtype. */
export const FACTORY_KWARGS: readonly Param[] = [param("device", device, undefined), param("dtype", dtype, undefined)];
/** PyTorch's factory keywords of a module's constructor: where and in which dtype its parameters are made. */
export interface FactoryOptions {
  /** The device the parameters and buffers are created on; PyTorch's default is the current default device ("cpu"); "webgpu" places them on the GPU. */
  device?: DeviceLike;
  /** The floating dtype of the parameters and buffers; PyTorch's default is `torch.getDefaultDtype()` (float32). */
  dtype?: DType;
}

/** An int or a list of ints, kept as given (kernel_size=3 or [3, 5]): the layer checks the length. */
export const intOrInts: Checker<number | number[]> = (v, arg, fn) => {
  if (typeof v === "number") return checkInt(v, arg, fn);
  if (Array.isArray(v)) return v.map((x: unknown) => checkInt(x, arg, fn));
  throw typeError(fn, arg, "an integer or a list of integers", v);
};
