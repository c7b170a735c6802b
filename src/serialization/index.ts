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

import { CheckpointError, CheckpointLimitError, SafetensorError, UnpicklingError } from "./errors.ts";
import { TorchTypeError, ValueError } from "../errors.ts";
import { checkOptions, describe } from "../args.ts";
import { atomicWriteFileSync, readFileBytes } from "./file.ts";
import { Budget, checkMaxBytes, defaultMaxBytes } from "./limits.ts";
import { dictAttributes, isTuple } from "./pickle.ts";
import { readPt, writePt } from "./pt.ts";
import { type RawTensor, type WidenedStorages, contiguousRaw, isRawTensor, widenToFloat32 } from "./rawTensor.ts";
import { decodeSafetensors, encodeSafetensors, looksLikeSafetensors } from "./safetensors.ts";
import { STRUCTURE_KEY, flattenTree, unflattenTree } from "./tree.ts";

export { CheckpointError, CheckpointLimitError, SafetensorError, UnpicklingError };
export type { RawTensor, RawDtype, RawData } from "./rawTensor.ts";
export { contiguousRaw } from "./rawTensor.ts";
export { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
export { readPt, writePt } from "./pt.ts";
/** @internal */
export { atomicWriteFileSync } from "./file.ts";
export { DEFAULT_MAX_BYTES_FLOOR, DEFAULT_MAX_BYTES_PER_FILE_BYTE, defaultMaxBytes } from "./limits.ts";

export interface TensorAdapter {
  isTensor(x: unknown): boolean;
  toRaw(t: unknown): RawTensor;
  /**
   * Makes a tensor of a loaded record. `charge(bytes, what)` must be called before any
   * allocation that grows with the storage (a dtype widened on the way in).
   */
  fromRaw(r: RawTensor, charge: (bytes: number, what: string) => void): unknown;
  /**
   * true: fromRaw accepts strided views (RawTensor.strides) and keeps them as views. Absent:
   * views are made dense before fromRaw sees them, charged to the load's maxBytes.
   */
  views?: boolean;
}

let adapter: TensorAdapter | null = null;

/** Installs the Tensor <-> RawTensor converter (null restores the RawTensor pass-through). */
export function setTensorAdapter(a: TensorAdapter | null): void {
  adapter = a;
}

/** A checkpoint's file format: safetensors, or PyTorch's zip format of torch.save. */
export type CheckpointFormat = "safetensors" | "pt";

/** The options of `save` and `saveToBuffer`. */
export interface SaveOptions {
  /** Default: from the file extension (.pt/.pth/.bin/.tar -> "pt"), otherwise "safetensors". */
  format?: CheckpointFormat;
  /** safetensors only: extra `__metadata__` strings (`format: "pt"` is added unless given). */
  metadata?: Record<string, string>;
}

/** The options of `load` and `loadFromBuffer`. */
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
  /**
   * The most bytes this load may allocate: tensor storages (inflated zip records at their
   * declared size), widened or densified copies, and a fixed charge per decoded object and
   * string (docs/CHECKPOINTS.md, "Limits"). Checked before each allocation; beyond it the load
   * throws CheckpointLimitError. Default: 1 GiB, or 8 times the file's size if that is more.
   * Infinity turns the limit off.
   */
  maxBytes?: number;
  /**
   * PyTorch's map_location: where the loaded tensors go. "cpu" (where they are loaded) is the
   * one value accepted; anything else is a TypeError rather than a location silently ignored.
   */
  mapLocation?: "cpu" | null;
  /**
   * PyTorch's weights_only. torch-ts's unpickler never runs code: it always loads what
   * weights_only=True loads (tensors, containers, numbers, strings), whichever the value.
   */
  weightsOnly?: boolean;
}

const LOAD_OPTIONS = ["dicts", "widenHalf", "maxBytes", "mapLocation", "weightsOnly"];
const SAVE_OPTIONS = ["format", "metadata"];

function checkLoadOptions(opts: LoadOptions): void {
  checkOptions("load", opts, LOAD_OPTIONS);
  if (opts.dicts !== undefined && opts.dicts !== "object" && opts.dicts !== "map") throw new TorchTypeError(`load(): dicts must be "object" or "map", got ${String(opts.dicts)}`);
  if (opts.widenHalf !== undefined && typeof opts.widenHalf !== "boolean") throw new TorchTypeError(`load(): widenHalf must be a boolean, got ${typeof opts.widenHalf}`);
  if (opts.maxBytes !== undefined) checkMaxBytes(opts.maxBytes);
  if (opts.mapLocation !== undefined && opts.mapLocation !== null && opts.mapLocation !== "cpu") {
    throw new TorchTypeError(`load(): argument 'mapLocation' must be "cpu" (where torch-ts loads tensors) or null, but got ${describe(opts.mapLocation)}`);
  }
  if (opts.weightsOnly !== undefined && typeof opts.weightsOnly !== "boolean") throw new TorchTypeError(`load(): argument 'weightsOnly' must be a boolean, but got ${describe(opts.weightsOnly)}`);
}

function checkSaveOptions(opts: SaveOptions): void {
  checkOptions("save", opts, SAVE_OPTIONS);
  if (opts.format !== undefined && opts.format !== "pt" && opts.format !== "safetensors") {
    throw new ValueError(`save(): format must be "pt" or "safetensors", but got ${describe(opts.format)}`);
  }
  if (opts.metadata !== undefined && (typeof opts.metadata !== "object" || opts.metadata === null || Object.values(opts.metadata).some((v) => typeof v !== "string"))) {
    throw new TorchTypeError(`save(): argument 'metadata' must be an object of strings, but got ${describe(opts.metadata)}`);
  }
}

/** load(f, map_location=None, ...): the map location may come second, as in PyTorch (`torch.load(path, "cpu")`). */
function loadOptions(arg: LoadOptions | "cpu" | null | undefined): LoadOptions {
  if (arg === undefined) return {};
  const opts = typeof arg === "string" || arg === null ? { mapLocation: arg } : arg;
  checkLoadOptions(opts);
  return opts;
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

/**
 * RawTensor -> what the caller gets, once per record (tensors shared in the file stay
 * shared). Widening and densifying are charged to the budget; a storage shared by many
 * tensors is widened once.
 */
function makeFromRaw(widenHalf: boolean, budget: Budget): (r: RawTensor) => unknown {
  const seen = new Map<RawTensor, unknown>();
  const widened: WidenedStorages = new Map();
  const charge = (bytes: number, what: string) => budget.charge(bytes, what);
  return (r) => {
    if (!seen.has(r)) {
      let w = widenHalf ? widenToFloat32(r, widened, (b) => charge(b, "widening a float16/bfloat16 storage to float32")) : r;
      if (adapter && !adapter.views) w = contiguousRaw(w, (b) => charge(b, `a dense copy of a strided view of shape [${w.shape.join(", ")}]`));
      seen.set(r, adapter ? adapter.fromRaw(w, charge) : w);
    }
    return seen.get(r);
  };
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isPickle = (b: Uint8Array) => b.length >= 2 && b[0] === 0x80 && b[1]! <= 5;

/**
 * The format of a checkpoint's bytes, in an order that cannot mistake one for another:
 * first a well-formed safetensors start (header length within the file, then '{' at byte 8),
 * which no zip has (its byte 8 is the compression method, 0 or 8) and which must come before
 * the pickle magic because a safetensors header of 128, 384, 640, ... bytes begins with
 * 0x80 0x0N (or before the zip magic for the one header length, 67,324,752, whose low bytes
 * spell PK\x03\x04); then a zip's local header magic; then a pickle's PROTO opcode (a
 * legacy torch.save file, which readPt explains). Anything else is handed to the
 * safetensors decoder, whose error says what is wrong.
 */
export function detectFormat(bytes: Uint8Array): CheckpointFormat {
  if (looksLikeSafetensors(bytes)) return "safetensors";
  if (isZip(bytes) || isPickle(bytes)) return "pt";
  return "safetensors";
}

export function saveToBuffer(obj: unknown, opts: SaveOptions = {}): Uint8Array {
  checkSaveOptions(opts);
  const toRaw = makeToRaw();
  if ((opts.format ?? "safetensors") === "pt") return writePt(obj, { toRaw });
  const { tensors, structure } = flattenTree(obj, toRaw);
  const metadata: Record<string, string> = { format: "pt", ...opts.metadata };
  if (structure !== null) metadata[STRUCTURE_KEY] = structure;
  else delete metadata[STRUCTURE_KEY];
  return encodeSafetensors(tensors, metadata);
}

/** torch.load from bytes; T is what the caller knows the checkpoint holds (unchecked, as any load). */
export function loadFromBuffer<T = unknown>(bytes: Uint8Array, optsOrMapLocation?: LoadOptions | "cpu" | null): T {
  const opts = loadOptions(optsOrMapLocation);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`loadFromBuffer expects a Uint8Array, got ${typeof bytes}`);
  return loadBytes(bytes, opts) as T;
}

function loadBytes(bytes: Uint8Array, opts: LoadOptions): unknown {
  const budget = new Budget(opts.maxBytes ?? defaultMaxBytes(bytes.length));
  const fromRaw = makeFromRaw(opts.widenHalf ?? true, budget);
  if (detectFormat(bytes) === "pt") return fromPickle(readPt(bytes, { budget }), opts.dicts ?? "object", fromRaw);
  const { tensors, metadata } = decodeSafetensors(bytes, { budget });
  if (Object.hasOwn(metadata, STRUCTURE_KEY)) return unflattenTree(metadata[STRUCTURE_KEY]!, tensors, fromRaw, budget);
  const out: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(tensors))
    Object.defineProperty(out, k, { value: fromRaw(t), enumerable: true, writable: true, configurable: true });
  return out;
}

/** `__metadata__` of a safetensors file (empty for .pt files). */
export function loadMetadataFromBuffer(bytes: Uint8Array): Record<string, string> {
  if (detectFormat(bytes) === "pt") return {};
  return decodeSafetensors(bytes, { budget: new Budget(defaultMaxBytes(bytes.length)) }).metadata;
}

function formatForPath(path: string): CheckpointFormat {
  return /\.(pt|pth|bin|tar|ckpt)$/i.test(path) ? "pt" : "safetensors";
}

/** torch.save: writes atomically (temp file in the same directory, fsync, rename). */
export function save(obj: unknown, path: string, opts: SaveOptions = {}): void {
  checkSaveOptions(opts);
  if (typeof path !== "string" || path === "") throw new TypeError(`save() needs a file path, got ${typeof path === "string" ? "an empty string" : typeof path}`);
  const bytes = saveToBuffer(obj, { ...opts, format: opts.format ?? formatForPath(path) });
  atomicWriteFileSync(path, bytes);
}

/**
 * torch.load(f, map_location=None, *, weights_only=False): the format is detected from the
 * contents. A checkpoint error names the file (the message starts with the path; the error
 * keeps its class). T is what the caller knows the file holds (not checked, as in PyTorch):
 * `torch.load<Record<string, torch.Tensor>>("model.pt")`.
 */
export function load<T = unknown>(path: string, optsOrMapLocation?: LoadOptions | "cpu" | null): T {
  const opts = loadOptions(optsOrMapLocation);
  if (typeof path !== "string" || path === "") throw new TypeError(`load() needs a file path, got ${typeof path === "string" ? "an empty string" : typeof path}`);
  const bytes = readFileBytes(path);
  try {
    return loadBytes(bytes, opts) as T;
  } catch (e) {
    if (e instanceof CheckpointError || e instanceof SafetensorError || e instanceof UnpicklingError) {
      e.message = `${path}: ${e.message}`;
      if (typeof e.stack === "string") e.stack = `${e.name}: ${e.message}${e.stack.slice(e.stack.indexOf("\n"))}`;
    }
    throw e;
  }
}

/**
 * Pickle value model -> JS values (tuples -> arrays, dicts -> objects/Maps, tensors via
 * fromRaw). Iterative: each container gets its output shell first (registered, so cycles
 * and shared objects keep their identity, as `[[...]]` does in Python), then is filled from
 * a work list, so nesting depth never reaches the JavaScript stack.
 */
function fromPickle(v: unknown, dicts: "object" | "map", fromRaw: (r: RawTensor) => unknown): unknown {
  const seen = new Map<object, unknown>();
  const todo: (() => void)[] = [];
  const conv = (x: unknown): unknown => {
    if (x === null || typeof x !== "object") return x;
    if (seen.has(x)) return seen.get(x);
    let out: unknown;
    if (isRawTensor(x)) out = fromRaw(x);
    else if (x instanceof Uint8Array) out = x;
    else if (isTuple(x) || Array.isArray(x)) {
      const a = new Array<unknown>(x.length);
      todo.push(() => {
        for (let i = 0; i < x.length; i++) a[i] = conv(x[i]);
      });
      out = a;
    } else if (x instanceof Map) {
      let simpleKeys = dicts === "object";
      for (const k of x.keys()) if (typeof k !== "string" && typeof k !== "number") simpleKeys = false;
      if (simpleKeys) {
        const o: Record<string, unknown> = {};
        todo.push(() => {
          for (const [k, y] of x) Object.defineProperty(o, String(k), { value: conv(y), enumerable: true, writable: true, configurable: true });
          const meta = dictAttributes.get(x)?.get("_metadata");
          if (meta !== undefined) Object.defineProperty(o, "_metadata", { value: conv(meta), enumerable: false });
        });
        out = o;
      } else {
        const m = new Map<unknown, unknown>();
        todo.push(() => {
          for (const [k, y] of x) m.set(conv(k), conv(y));
        });
        out = m;
      }
    } else {
      throw new CheckpointError(`unexpected value of type ${(x as object).constructor?.name} in checkpoint`);
    }
    seen.set(x, out);
    return out;
  };
  const root = conv(v);
  while (todo.length > 0) todo.pop()!();
  return root;
}
