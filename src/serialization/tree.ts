// Nested objects (an optimizer stateDict: dicts, lists, numbers, strings, tensors) in a
// safetensors file, which itself holds only a flat name -> tensor map plus string metadata.
//
// A flat map of tensors is written as plain safetensors that every reader understands.
// Anything else: each tensor is stored under its dotted path ("state.0.exp_avg"), and the
// structure goes into `__metadata__["torch-ts.structure"]` as JSON in which every object is
// tagged, so nothing is ambiguous:
//   {"$tensor": key}  {"$object": [[k, v], ...]}  {"$map": [[k, v], ...]}
//   {"$int": "123"} (bigint)  {"$float": "NaN" | "Infinity" | "-Infinity" | "-0"}
// Arrays, strings, booleans, null and finite numbers are themselves.

import { SafetensorError } from "./errors.ts";
import { type Json, describeJson, parseJson } from "./json.ts";
import type { Budget } from "./limits.ts";
import type { RawTensor } from "./rawTensor.ts";

export const STRUCTURE_KEY = "torch-ts.structure";

/**
 * Nesting of the structure JSON, both ways (save refuses deeper objects, load refuses deeper
 * JSON). A dict or Map level takes 3 JSON levels ({"$object": [[k, v]]}), a list 1.
 */
export const STRUCTURE_MAX_DEPTH = 1000;

/**
 * Digits of a `$int`: Python's default int_max_str_digits, for the same reason (decimal
 * to binary conversion is quadratic, so a 90 MB literal would take a minute).
 */
export const INT_MAX_STR_DIGITS = 4300;

export type ToRaw = (x: unknown) => RawTensor | undefined;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** Returns the tensors to store, and the structure JSON (null for a flat name -> tensor map). */
export function flattenTree(obj: unknown, toRaw: ToRaw): { tensors: Map<string, RawTensor>; structure: string | null } {
  const tensors = new Map<string, RawTensor>();
  if (isPlainObject(obj) || obj instanceof Map) {
    const entries = obj instanceof Map ? [...obj.entries()] : Object.entries(obj);
    const raws = entries.map(([k, v]) => (typeof k === "string" ? toRaw(v) : undefined));
    if (raws.every((r) => r !== undefined)) {
      entries.forEach(([k], i) => tensors.set(k as string, raws[i]!));
      return { tensors, structure: null };
    }
  }
  const keyOf = new Map<RawTensor, string>(); // same tensor twice -> stored once
  const onPath = new Set<object>();
  const enc = (v: unknown, path: string, depth: number): unknown => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") {
      if (Number.isNaN(v) || !Number.isFinite(v) || Object.is(v, -0)) return { $float: Object.is(v, -0) ? "-0" : String(v) };
      return v;
    }
    if (typeof v === "bigint") {
      const digits = v.toString();
      if (digits.length - (v < 0n ? 1 : 0) > INT_MAX_STR_DIGITS)
        throw new TypeError(`cannot save an int of ${digits.length} digits at '${path}': the limit is ${INT_MAX_STR_DIGITS} (Python's int_max_str_digits)`);
      return { $int: digits };
    }
    if (typeof v !== "object") throw new TypeError(`cannot save ${typeof v} at '${path}'`);
    const raw = toRaw(v);
    if (raw) {
      let key = keyOf.get(raw);
      if (key === undefined) {
        key = path || "tensor";
        for (let i = 2; tensors.has(key) || key === "__metadata__"; i++) key = `${path}#${i}`;
        tensors.set(key, raw);
        keyOf.set(raw, key);
      }
      return { $tensor: key };
    }
    if (onPath.has(v)) throw new TypeError(`cannot save a circular reference at '${path}'`);
    const inner = depth + (Array.isArray(v) ? 1 : 3);
    if (inner >= STRUCTURE_MAX_DEPTH) // its leaves may add one more level ({"$tensor": ...})
      throw new TypeError(`cannot save '${path}': nested deeper than the ${STRUCTURE_MAX_DEPTH} JSON levels a safetensors structure may have (use format "pt")`);
    onPath.add(v);
    const join = (k: unknown) => (path ? `${path}.${String(k)}` : String(k));
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x, i) => enc(x, join(i), inner));
    else if (v instanceof Map) out = { $map: [...v.entries()].map(([k, x]) => [enc(k, path, inner), enc(x, join(k), inner)]) };
    else if (isPlainObject(v)) out = { $object: Object.entries(v).map(([k, x]) => [k, enc(x, join(k), inner)]) };
    else throw new TypeError(`cannot save a ${(v as object).constructor?.name ?? "object"} at '${path}': only tensors, numbers, strings, booleans, null, arrays, Maps and plain objects`);
    onPath.delete(v);
    return out;
  };
  const structure = JSON.stringify(enc(obj, "", 0));
  return { tensors, structure };
}

/**
 * Rebuilds the object saved by `flattenTree`; `leaf` converts each stored tensor (called
 * once per key). The JSON is parsed with a bounded depth, so decoding recurses at most
 * STRUCTURE_MAX_DEPTH levels; tensor names are looked up with Object.hasOwn.
 */
export function unflattenTree(structure: string, tensors: Record<string, RawTensor>, leaf: (t: RawTensor) => unknown, budget?: Budget): unknown {
  const what = `__metadata__['${STRUCTURE_KEY}']`;
  const tree = parseJson(structure, { maxDepth: STRUCTURE_MAX_DEPTH, what, budget });
  const converted = new Map<string, unknown>();
  const bad = (msg: string): never => {
    throw new SafetensorError(`${what} is malformed: ${msg}`);
  };
  const pairs = (x: Json | undefined, tag: string): [Json, Json][] => {
    if (!Array.isArray(x) || !x.every((p) => Array.isArray(p) && p.length === 2)) bad(`${tag} must hold [key, value] pairs`);
    return x as [Json, Json][];
  };
  const dec = (v: Json): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) out[i] = dec(v[i]!);
      return out;
    }
    if (v.size !== 1) bad(`untagged object with keys ${describeJson([...v.keys()].slice(0, 8))}`);
    const [[tag, x]] = v;
    switch (tag) {
      case "$tensor": {
        if (typeof x !== "string" || !Object.hasOwn(tensors, x)) return bad(`refers to missing tensor ${describeJson(x!)}`);
        if (!converted.has(x)) converted.set(x, leaf(tensors[x]!));
        return converted.get(x);
      }
      case "$object": {
        const o: Record<string, unknown> = {};
        for (const [k, y] of pairs(x, tag)) {
          if (typeof k !== "string") bad("$object keys must be strings");
          Object.defineProperty(o, k as string, { value: dec(y), enumerable: true, writable: true, configurable: true });
        }
        return o;
      }
      case "$map": {
        const m = new Map<unknown, unknown>();
        for (const [k, y] of pairs(x, tag)) m.set(dec(k), dec(y));
        return m;
      }
      case "$int": {
        if (typeof x !== "string") return bad(`bad $int ${describeJson(x!)}`);
        if (x.length - (x.startsWith("-") ? 1 : 0) > INT_MAX_STR_DIGITS)
          bad(`$int of ${x.length} characters exceeds the limit of ${INT_MAX_STR_DIGITS} digits (Python's int_max_str_digits)`);
        if (!/^-?\d+$/.test(x)) return bad(`bad $int ${describeJson(x)}`);
        return BigInt(x);
      }
      case "$float":
        if (x === "NaN") return NaN;
        if (x === "Infinity") return Infinity;
        if (x === "-Infinity") return -Infinity;
        if (x === "-0") return -0;
        return bad(`bad $float ${describeJson(x!)}`);
      default:
        return bad(`unknown tag ${describeJson(tag)}`);
    }
  };
  return dec(tree);
}
