// torch.save / torch.load for torch-ts. Formats:
//   - safetensors (default for saving; `.safetensors` files): flat name -> tensor maps are
//     plain safetensors; nested objects (optimizer state) carry their structure in metadata.
//   - PyTorch's zip `.pt` / `.pth` (torch.save >= 1.6): read with the weights_only
//     allow-list, written so that torch.load(weights_only=True) accepts it.
// Loading detects the format from the bytes, not from the file name.
//
// Tensors cross this layer as RawTensor; the Tensor class plugs in with one call:
//   setTensorAdapter({ isTensor: (x) => x instanceof Tensor, toRaw: ..., fromRaw: ... })
// Without an adapter, RawTensor records are saved and returned as they are.

import { CheckpointError, SafetensorError, UnpicklingError } from "./errors.ts";
import { atomicWriteFileSync, readFileBytes } from "./file.ts";
import { dictAttributes, isTuple } from "./pickle.ts";
import { readPt, writePt } from "./pt.ts";
import { type RawTensor, isRawTensor, widenToFloat32 } from "./rawTensor.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { STRUCTURE_KEY, flattenTree, unflattenTree } from "./tree.ts";

export { CheckpointError, SafetensorError, UnpicklingError };
export type { RawTensor, RawDtype, RawData } from "./rawTensor.ts";
export { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
export { readPt, writePt } from "./pt.ts";
export { atomicWriteFileSync } from "./file.ts";

export interface TensorAdapter {
  isTensor(x: unknown): boolean;
  toRaw(t: unknown): RawTensor;
  fromRaw(r: RawTensor): unknown;
}

let adapter: TensorAdapter | null = null;

/** Installs the Tensor <-> RawTensor converter (null restores the RawTensor pass-through). */
export function setTensorAdapter(a: TensorAdapter | null): void {
  adapter = a;
}

export type CheckpointFormat = "safetensors" | "pt";

export interface SaveOptions {
  /** Default: from the file extension (.pt/.pth/.bin/.tar -> "pt"), otherwise "safetensors". */
  format?: CheckpointFormat;
  /** safetensors only: extra `__metadata__` strings (`format: "pt"` is added unless given). */
  metadata?: Record<string, string>;
}

export interface LoadOptions {
  /**
   * How Python dicts from `.pt` files come back: "object" (default) gives plain objects when
   * every key is a string or a number (numbers become their decimal strings, as in JSON) and
   * Maps otherwise; "map" gives Maps everywhere, keeping key types (needed to save an
   * optimizer state dict back with int keys).
   */
  dicts?: "object" | "map";
  /** Convert float16 / bfloat16 tensors to float32 (exact). Default true. */
  widenHalf?: boolean;
}

/** Identity-preserving toRaw: the same tensor object maps to the same RawTensor (saved once). */
function makeToRaw(): (x: unknown) => RawTensor | undefined {
  const seen = new Map<unknown, RawTensor>();
  return (x) => {
    if (isRawTensor(x)) return x;
    if (!adapter || !adapter.isTensor(x)) return undefined;
    let r = seen.get(x);
    if (!r) {
      r = adapter.toRaw(x);
      seen.set(x, r);
    }
    return r;
  };
}

function makeFromRaw(widenHalf: boolean): (r: RawTensor) => unknown {
  const seen = new Map<RawTensor, unknown>(); // tensors shared in the file stay shared
  return (r) => {
    if (!seen.has(r)) {
      const w = widenHalf ? widenToFloat32(r) : r;
      seen.set(r, adapter ? adapter.fromRaw(w) : w);
    }
    return seen.get(r);
  };
}

export function detectFormat(bytes: Uint8Array): CheckpointFormat {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return "pt";
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! <= 5) return "pt"; // legacy pickle: readPt explains
  return "safetensors";
}

export function saveToBuffer(obj: unknown, opts: SaveOptions = {}): Uint8Array {
  const toRaw = makeToRaw();
  if ((opts.format ?? "safetensors") === "pt") return writePt(obj, { toRaw });
  const { tensors, structure } = flattenTree(obj, toRaw);
  const metadata: Record<string, string> = { format: "pt", ...opts.metadata };
  if (structure !== null) metadata[STRUCTURE_KEY] = structure;
  else delete metadata[STRUCTURE_KEY];
  return encodeSafetensors(tensors, metadata);
}

export function loadFromBuffer(bytes: Uint8Array, opts: LoadOptions = {}): unknown {
  const fromRaw = makeFromRaw(opts.widenHalf ?? true);
  if (detectFormat(bytes) === "pt") return fromPickle(readPt(bytes), opts.dicts ?? "object", fromRaw);
  const { tensors, metadata } = decodeSafetensors(bytes);
  const structure = metadata[STRUCTURE_KEY];
  if (structure !== undefined) return unflattenTree(structure, tensors, fromRaw);
  const out: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(tensors))
    Object.defineProperty(out, k, { value: fromRaw(t), enumerable: true, writable: true, configurable: true });
  return out;
}

/** `__metadata__` of a safetensors file (empty for .pt files). */
export function loadMetadataFromBuffer(bytes: Uint8Array): Record<string, string> {
  if (detectFormat(bytes) === "pt") return {};
  return decodeSafetensors(bytes).metadata;
}

function formatForPath(path: string): CheckpointFormat {
  return /\.(pt|pth|bin|tar|ckpt)$/i.test(path) ? "pt" : "safetensors";
}

/** torch.save: writes atomically (temp file in the same directory, fsync, rename). */
export function save(obj: unknown, path: string, opts: SaveOptions = {}): void {
  const bytes = saveToBuffer(obj, { ...opts, format: opts.format ?? formatForPath(path) });
  atomicWriteFileSync(path, bytes);
}

/** torch.load: the format is detected from the contents. */
export function load(path: string, opts: LoadOptions = {}): unknown {
  return loadFromBuffer(readFileBytes(path), opts);
}

/** Pickle value model -> JS values (tuples -> arrays, dicts -> objects/Maps, tensors via adapter). */
function fromPickle(v: unknown, dicts: "object" | "map", fromRaw: (r: RawTensor) => unknown): unknown {
  const seen = new Map<object, unknown>(); // memoized pickle objects keep their identity
  const conv = (x: unknown): unknown => {
    if (x === null || typeof x !== "object") return x;
    if (seen.has(x)) return seen.get(x);
    let out: unknown;
    if (isRawTensor(x)) out = fromRaw(x);
    else if (x instanceof Uint8Array) out = x;
    else if (isTuple(x) || Array.isArray(x)) out = x.map(conv);
    else if (x instanceof Map) {
      const simpleKeys = [...x.keys()].every((k) => typeof k === "string" || typeof k === "number");
      if (dicts === "object" && simpleKeys) {
        const o: Record<string, unknown> = {};
        for (const [k, y] of x)
          Object.defineProperty(o, String(k), { value: conv(y), enumerable: true, writable: true, configurable: true });
        const attrs = dictAttributes.get(x);
        const meta = attrs?.get("_metadata");
        if (meta !== undefined) Object.defineProperty(o, "_metadata", { value: conv(meta), enumerable: false });
        out = o;
      } else {
        out = new Map([...x].map(([k, y]) => [conv(k), conv(y)]));
      }
    } else {
      throw new CheckpointError(`unexpected value of type ${(x as object).constructor?.name} in checkpoint`);
    }
    seen.set(x, out);
    return out;
  };
  return conv(v);
}
