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
import type { RawTensor } from "./rawTensor.ts";

export const STRUCTURE_KEY = "torch-ts.structure";

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
  const enc = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") {
      if (Number.isNaN(v) || !Number.isFinite(v) || Object.is(v, -0)) return { $float: Object.is(v, -0) ? "-0" : String(v) };
      return v;
    }
    if (typeof v === "bigint") return { $int: v.toString() };
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
    onPath.add(v);
    const join = (k: unknown) => (path ? `${path}.${String(k)}` : String(k));
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x, i) => enc(x, join(i)));
    else if (v instanceof Map) out = { $map: [...v.entries()].map(([k, x]) => [enc(k, path), enc(x, join(k))]) };
    else if (isPlainObject(v)) out = { $object: Object.entries(v).map(([k, x]) => [k, enc(x, join(k))]) };
    else throw new TypeError(`cannot save a ${(v as object).constructor?.name ?? "object"} at '${path}': only tensors, numbers, strings, booleans, null, arrays, Maps and plain objects`);
    onPath.delete(v);
    return out;
  };
  const structure = JSON.stringify(enc(obj, ""));
  return { tensors, structure };
}

/** Rebuilds the object saved by `flattenTree`; `leaf` converts each stored tensor (called once per key). */
export function unflattenTree(structure: string, tensors: Record<string, RawTensor>, leaf: (t: RawTensor) => unknown): unknown {
  let tree: unknown;
  try {
    tree = JSON.parse(structure);
  } catch (e) {
    throw new SafetensorError(`__metadata__['${STRUCTURE_KEY}'] is not valid JSON: ${(e as Error).message}`);
  }
  const converted = new Map<string, unknown>();
  const bad = (what: string): never => {
    throw new SafetensorError(`__metadata__['${STRUCTURE_KEY}'] is malformed: ${what}`);
  };
  const pairs = (x: unknown, tag: string): [unknown, unknown][] => {
    if (!Array.isArray(x) || !x.every((p) => Array.isArray(p) && p.length === 2)) bad(`${tag} must hold [key, value] pairs`);
    return x as [unknown, unknown][];
  };
  const dec = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(dec);
    const keys = Object.keys(v);
    if (keys.length !== 1) bad(`untagged object with keys ${JSON.stringify(keys)}`);
    const tag = keys[0]!;
    const x = (v as Record<string, unknown>)[tag];
    switch (tag) {
      case "$tensor": {
        if (typeof x !== "string" || !Object.prototype.hasOwnProperty.call(tensors, x)) bad(`refers to missing tensor ${JSON.stringify(x)}`);
        const key = x as string;
        if (!converted.has(key)) converted.set(key, leaf(tensors[key]!));
        return converted.get(key);
      }
      case "$object": {
        const o: Record<string, unknown> = {};
        for (const [k, y] of pairs(x, tag)) {
          if (typeof k !== "string") bad("$object keys must be strings");
          Object.defineProperty(o, k as string, { value: dec(y), enumerable: true, writable: true, configurable: true });
        }
        return o;
      }
      case "$map":
        return new Map(pairs(x, tag).map(([k, y]) => [dec(k), dec(y)]));
      case "$int":
        if (typeof x !== "string" || !/^-?\d+$/.test(x)) bad(`bad $int ${JSON.stringify(x)}`);
        return BigInt(x as string);
      case "$float":
        if (x === "NaN") return NaN;
        if (x === "Infinity") return Infinity;
        if (x === "-Infinity") return -Infinity;
        if (x === "-0") return -0;
        return bad(`bad $float ${JSON.stringify(x)}`);
      default:
        return bad(`unknown tag ${JSON.stringify(tag)}`);
    }
  };
  return dec(tree);
}
