// default_collate / default_convert (torch/utils/data/_utils/collate.py) for JavaScript values.
//
// Python's type → JavaScript's:
//   Tensor               → stacked along a new dim 0 (torch.stack)
//   NumPy array          → a typed array (Float32Array, Int32Array, ...): made a tensor, then stacked
//   int / float          → number: a batch of integers becomes an int64 tensor, any non-integer
//                          makes it float64 (as PyTorch)
//   bool                 → boolean: a bool tensor;   Python int beyond 2^53 → bigint: int64
//   str                  → string: kept, as a list of the batch's strings
//   Mapping              → plain object or Map: the same keys, each collated over the batch
//   Sequence / tuple     → array: transposed and collated per position (each element must have
//                          the same length)
// Anything else is a TypeError naming what was found.
import { RuntimeError, TorchTypeError } from "../../errors.ts";
import { isInt64Value, tensor } from "../../ops/creation.ts";
import { stack } from "../../ops/shape.ts";
import { Tensor } from "../../tensor.ts";
import type { DType } from "../../dtype.ts";

/** What defaultCollate makes of a batch of T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | bigint | NumericArray
    ? Tensor
    : T extends string
      ? string[]
      : T extends Map<infer K, infer V>
        ? Map<K, Collated<V>>
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object
            ? { [K in keyof T]: Collated<T[K]> }
            : never;

export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | BigInt64Array;

const errMsg = (found: string): string =>
  `default_collate: batch must contain tensors, typed arrays, numbers, booleans, strings, objects or arrays; found ${found}`;

function describeType(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object" || typeof x === "function") return (x as object).constructor?.name ?? "Object";
  return typeof x;
}

/** The dtype a typed array becomes (the NumPy array → torch.as_tensor rule). */
function typedArrayDtype(a: NumericArray): DType | null {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof BigInt64Array) return "int64";
  if (a instanceof Int8Array || a instanceof Int16Array || a instanceof Int32Array) return "int32";
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray || a instanceof Uint16Array) return "int32";
  return null;
}

function isNumericArray(x: unknown): x is NumericArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && typedArrayDtype(x as NumericArray) !== null;
}

/** A 1-d tensor holding a typed array's values (a copy: the sample may be reused). */
function typedArrayToTensor(a: NumericArray): Tensor {
  const dtype = typedArrayDtype(a)!;
  if (a instanceof Float32Array || a instanceof Float64Array || a instanceof Int32Array || a instanceof BigInt64Array) {
    return tensor(a.slice(), { dtype });
  }
  return tensor(Int32Array.from(a as ArrayLike<number>), { dtype: "int32" });
}

function isMapping(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Puts a batch of samples together: see the table at the top of this file. */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch as readonly unknown[]) as Collated<T>;
}

function collate(batch: readonly unknown[]): unknown {
  if (batch.length === 0) throw new RuntimeError("default_collate: cannot collate an empty batch");
  const elem = batch[0];
  const sameKind = (pred: (x: unknown) => boolean, what: string): void => {
    batch.forEach((x, i) => {
      if (!pred(x)) {
        throw new TorchTypeError(`default_collate: element 0 of the batch is ${what} but element ${i} is ${describeType(x)}`);
      }
    });
  };
  if (elem instanceof Tensor) {
    sameKind((x) => x instanceof Tensor, "a Tensor");
    return stack(batch as Tensor[], 0);
  }
  if (isNumericArray(elem)) {
    sameKind(isNumericArray, `a ${describeType(elem)}`);
    return collate((batch as NumericArray[]).map(typedArrayToTensor));
  }
  if (typeof elem === "number") {
    sameKind((x) => typeof x === "number", "a number");
    const nums = batch as number[];
    // A batch of integers is integer data (labels, ids); one fractional value makes it float64.
    return tensor(nums, { dtype: nums.every(isInt64Value) ? "int64" : "float64" });
  }
  if (typeof elem === "boolean") {
    sameKind((x) => typeof x === "boolean", "a boolean");
    return tensor(batch as boolean[], { dtype: "bool" });
  }
  if (typeof elem === "bigint") {
    sameKind((x) => typeof x === "bigint", "a bigint");
    return tensor(BigInt64Array.from(batch as bigint[]), { dtype: "int64" });
  }
  if (typeof elem === "string") {
    sameKind((x) => typeof x === "string", "a string");
    return batch.slice();
  }
  if (elem instanceof Map) {
    sameKind((x) => x instanceof Map, "a Map");
    const out = new Map();
    for (const key of elem.keys()) {
      out.set(key, collate(batch.map((d, i) => mapValue(d as Map<unknown, unknown>, key, i))));
    }
    return out;
  }
  if (Array.isArray(elem)) {
    sameKind(Array.isArray, "an array");
    const size = elem.length;
    for (const x of batch as unknown[][]) {
      if (x.length !== size) throw new RuntimeError("each element in list of batch should be of equal size");
    }
    return elem.map((_, k) => collate((batch as unknown[][]).map((x) => x[k])));
  }
  if (isMapping(elem)) {
    sameKind(isMapping, "an object");
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) {
      out[key] = collate(
        batch.map((d, i) => {
          if (!(key in (d as object))) {
            throw new TorchTypeError(`default_collate: element ${i} of the batch has no key '${key}' (element 0 has it)`);
          }
          return (d as Record<string, unknown>)[key];
        }),
      );
    }
    return out;
  }
  throw new TorchTypeError(errMsg(describeType(elem)));
}

function mapValue(m: Map<unknown, unknown>, key: unknown, i: number): unknown {
  if (!m.has(key)) throw new TorchTypeError(`default_collate: element ${i} of the batch has no key '${String(key)}' (element 0 has it)`);
  return m.get(key);
}

/**
 * The collate of a DataLoader with batchSize null (no batching): typed arrays become
 * tensors, objects and arrays are converted element-wise, everything else is unchanged.
 */
export function defaultConvert<T>(data: T): unknown {
  if (data instanceof Tensor) return data;
  if (isNumericArray(data)) return typedArrayToTensor(data);
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, defaultConvert(v)]));
  if (Array.isArray(data)) return data.map((v) => defaultConvert(v));
  if (isMapping(data)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) out[k] = defaultConvert(v);
    return out;
  }
  return data;
}
