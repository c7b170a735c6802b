// How values cross between the main thread and DataLoader workers.
//
// Structured clone (postMessage) carries numbers, strings, bigints, typed arrays, Maps, Sets
// and plain objects and arrays, keeping shared references and cycles. What it cannot carry is
// encoded here into nodes tagged with TAG, much as pickle does for Python:
//   - a Tensor: its storage array, shape, strides, offset and dtype (the autograd graph stays);
//   - a torch Generator: its state;
//   - a class instance: its class by reference (module URL + export name) and its own
//     enumerable fields, each encoded; the receiver makes Object.create(Class.prototype) and
//     assigns the fields: the constructor does not run again (pickle's __reduce_ex__ default);
//   - a function or class value: by reference.
// A reference names where the receiving thread imports it from: a path in torch-ts's public
// surface (`utils.data.TensorDataset`), the module a Dataset subclass was defined in (recorded
// from the stack when the first instance was made, see recordDefinitionSite), or, failing
// those, an export of the same name in a module declared with registerWorkerModule or in a
// module of one of the dataset classes. The receiver checks the export's source text against
// the sender's, so a different object of the same name is never used in its place.
//
// Ownership on the way back (worker -> main): a storage buffer is transferred (moved, not
// copied) only when the worker allocated it while producing this batch, it is not the storage
// of a sample the dataset returned (the dataset may hold on to its samples), and the array
// spans its whole buffer; anything else is copied. See encodeResult.
import { CPU } from "../../device.ts";
import { RuntimeError } from "../../errors.ts";
import { Tensor, StorageBox } from "../../tensor.ts";
import { Generator } from "../../random/generator.ts";
import type { DType, Storage } from "../../dtype.ts";

/** The key that marks an encoded node; plain objects that use it are escaped. */
const TAG = "\u00a7torch";

/** Where the receiving thread finds a class or function. */
export interface Ref {
  name: string;
  /** Source text (Function.prototype.toString), checked on arrival. */
  src: string;
  /** A dotted path in torch-ts's public surface. */
  builtin?: string;
  /** The module that exports it (a Dataset subclass's recorded module). */
  module?: string;
  /** Where the sender found it (a field path), for error messages. */
  at?: string;
}

type Node =
  | { [TAG]: "T"; dtype: DType; shape: number[]; strides: number[]; offset: number; box: { data: Storage }; p?: 1; rg?: 1 }
  | { [TAG]: "C"; cls: Ref; f: Record<string, unknown> }
  | { [TAG]: "F"; ref: Ref }
  | { [TAG]: "G"; state: Uint8Array }
  | { [TAG]: "M"; e: [unknown, unknown][] }
  | { [TAG]: "S"; e: unknown[] }
  | { [TAG]: "O"; e: [string, unknown][] };

// ---- where classes live ---------------------------------------------------------------------

/** A function or a class: what crosses to a worker by reference (its name and module). */
type FunctionOrClass = ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown);
const isFunctionOrClass = (v: unknown): v is FunctionOrClass => typeof v === "function";

const definitionSites = new WeakMap<FunctionOrClass, string>();
const declaredModules: string[] = [];

/**
 * Records the module that defines `cls` from the current stack. Called by the Dataset and
 * IterableDataset constructors: the stack then holds `new <Class> (<module>:line:col)` for
 * each constructor in the chain, the most derived one last. Once per class (a stack costs
 * ~45 us; ~0.45 ms under tsx, whose source maps translate it). Firefox and Safari name constructor frames
 * `Class@url:line:col`; both are read.
 */
export function recordDefinitionSite(cls: FunctionOrClass): void {
  if (definitionSites.has(cls) || !cls.name) return;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  const url = moduleOfConstructor(stack, cls.name);
  if (url) definitionSites.set(cls, url);
}

/** The location of the outermost `new Name` frame of the constructor chain in `stack`. */
export function moduleOfConstructor(stack: string, name: string): string | undefined {
  let found: string | undefined;
  for (const line of stack.split("\n")) {
    const v8 = /^\s*at new ([\w$]+) \((.*):\d+:\d+\)$/.exec(line);
    const other = /^([\w$]+)@(.*):\d+:\d+$/.exec(line.trim());
    const m = v8 ?? other;
    if (m && m[1] === name) found = m[2];
  }
  return found === undefined ? undefined : toModuleUrl(found);
}

/** A stack location as an importable URL (V8 under source-map loaders prints plain paths). */
function toModuleUrl(loc: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(loc) && !/^[a-z]:[\\/]/i.test(loc)) return loc;
  const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const url = builtin?.("node:url") as { pathToFileURL(p: string): URL } | undefined;
  if (url) return url.pathToFileURL(loc).href;
  return "file://" + encodeURI(loc.replace(/\\/g, "/")).replace(/[?#]/g, encodeURIComponent);
}

/** The recorded module of a class (its own, else none: a subclass's module is not its parent's). */
export function definitionSite(cls: FunctionOrClass): string | undefined {
  return definitionSites.get(cls);
}

/**
 * Declares a module whose exported classes and functions DataLoader workers may import by
 * name: `registerWorkerModule(import.meta.url)`. Only needed for what is not found otherwise:
 * functions (collateFn, workerInitFn, transforms held in fields) and classes that do not
 * extend Dataset, when they are not exported from the module of the dataset's class.
 */
export function registerWorkerModule(url: string | URL): void {
  const href = String(url);
  if (!declaredModules.includes(href)) declaredModules.push(href);
}

export function declaredWorkerModules(): readonly string[] {
  return declaredModules;
}

// ---- torch-ts's own classes and functions ---------------------------------------------------

interface Builtins {
  byValue: Map<unknown, string>;
  byPath: Map<string, unknown>;
}
let builtins: Builtins | null = null;

/** Indexes torch-ts's public surface (the namespace `import * as torch` gives), once per thread. */
export function setBuiltins(torch: object): void {
  const byValue = new Map<unknown, string>();
  const byPath = new Map<string, unknown>();
  const seen = new Set<object>();
  const walk = (ns: object, prefix: string): void => {
    if (seen.has(ns)) return;
    seen.add(ns);
    for (const key of Object.keys(ns)) {
      const v = (ns as Record<string, unknown>)[key];
      const path = prefix + key;
      if (typeof v === "function") {
        if (!byValue.has(v)) byValue.set(v, path);
        byPath.set(path, v);
      } else if (v !== null && typeof v === "object" && isPlain(v)) {
        walk(v, path + "."); // a namespace (null prototype; a plain object once a bundler or CJS interop has been at it)
      }
    }
  };
  walk(torch, "");
  builtins = { byValue, byPath };
}

/** The public surface, imported lazily (it imports this module's importers). */
export async function loadBuiltins(): Promise<void> {
  if (builtins === null) setBuiltins(await import("../../index.ts"));
}

// ---- encoding -------------------------------------------------------------------------------

export class TransportError extends TypeError {
  override name = "TypeError";
}

function describe(path: string): string {
  return path === "" ? "the value" : `'${path}'`;
}

function refOf(fn: FunctionOrClass, path: string): Ref {
  const src = Function.prototype.toString.call(fn);
  const builtin = builtins?.byValue.get(fn);
  if (builtin !== undefined) return { name: fn.name, src, builtin };
  if (!fn.name) {
    throw new TransportError(
      `${describe(path)} is an anonymous function: a worker thread can only receive a function or class by name, ` +
        `as an export of a module it can import (like pickle, which cannot send a lambda). Give it a name and export it.`,
    );
  }
  if (/^[^(]*\[native code\]/.test(src) || /\{\s*\[native code\]\s*\}$/.test(src)) {
    throw new TransportError(`${describe(path)} is the built-in ${fn.name}, which cannot be sent to a worker thread`);
  }
  const ref: Ref = { name: fn.name, src };
  const module = definitionSites.get(fn);
  if (module !== undefined) ref.module = module;
  if (path !== "") ref.at = path;
  return ref;
}

function isPlain(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Built-in kinds structured clone copies as they are. */
function cloneable(x: object): boolean {
  return (
    ArrayBuffer.isView(x) ||
    x instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== "undefined" && x instanceof SharedArrayBuffer) ||
    x instanceof Date ||
    x instanceof RegExp ||
    x instanceof Error
  );
}

export interface EncodeOptions {
  /** Called with each tensor storage as it is encoded (to build a transfer list). */
  onStorage?: (storage: Storage, t: Tensor) => void;
}

/**
 * A structured-cloneable form of `value` (see the top of the file). Throws a TypeError naming
 * the path of anything that cannot travel (an anonymous function, a symbol, a WeakMap...).
 */
export function encode(value: unknown, opts: EncodeOptions = {}): unknown {
  const memo = new Map<object, unknown>();
  // Views of one storage share one box node, so they share one StorageBox on arrival.
  const boxes = new Map<StorageBox, { data: Storage }>();
  const enc = (v: unknown, path: string): unknown => {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) {
      if (typeof v === "symbol") throw new TransportError(`${describe(path)} is a symbol, which cannot be sent to a worker thread`);
      return v;
    }
    const o = v as object;
    const done = memo.get(o);
    if (done !== undefined) return done;
    if (isFunctionOrClass(v)) {
      const node = { [TAG]: "F", ref: refOf(v, path) };
      memo.set(o, node);
      return node;
    }
    if (v instanceof Tensor) {
      // Worker threads share host memory only: a device tensor's values are not readable here.
      if (v._box.device !== CPU) throw new RuntimeError(`DataLoader workers: a tensor on ${v._box.device} cannot cross threads; datasets return CPU tensors (move batches in the main loop)`);
      let box = boxes.get(v._box);
      if (box === undefined) {
        const data = v._box.data as Storage;
        opts.onStorage?.(data, v);
        box = { data };
        boxes.set(v._box, box);
      }
      const node: Node = { [TAG]: "T", dtype: v.dtype, shape: v.shape, strides: v.strides, offset: v.offset, box };
      if (v.constructor !== Tensor) node.p = 1; // nn.Parameter
      if (v.requiresGrad) node.rg = 1;
      memo.set(o, node);
      return node;
    }
    if (v instanceof Generator) {
      const node = { [TAG]: "G", state: v.getState() }; // its whole mt19937 state: the copy draws what the original would
      memo.set(o, node);
      return node;
    }
    if (cloneable(o)) return o;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      memo.set(o, out);
      for (let i = 0; i < v.length; i++) out.push(enc(v[i], `${path}[${i}]`));
      return out;
    }
    if (v instanceof Map) {
      const node = { [TAG]: "M", e: [] as [unknown, unknown][] };
      memo.set(o, node);
      for (const [k, x] of v) node.e.push([enc(k, `${path}.key`), enc(x, `${path}.get(${String(k)})`)]);
      return node;
    }
    if (v instanceof Set) {
      const node = { [TAG]: "S", e: [] as unknown[] };
      memo.set(o, node);
      for (const x of v) node.e.push(enc(x, `${path}.item`));
      return node;
    }
    if (v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise) {
      throw new TransportError(`${describe(path)} is a ${v.constructor.name}, which cannot be sent to a worker thread`);
    }
    const sub = (k: string): string => (path === "" ? k : `${path}.${k}`);
    if (isPlain(o)) {
      const rec = o as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(rec, TAG)) {
        const node = { [TAG]: "O", e: [] as [string, unknown][] };
        memo.set(o, node);
        for (const k of Object.keys(rec)) node.e.push([k, enc(rec[k], sub(k))]);
        return node;
      }
      const out: Record<string, unknown> = Object.getPrototypeOf(o) === null ? Object.create(null) : {};
      memo.set(o, out);
      for (const k of Object.keys(rec)) out[k] = enc(rec[k], sub(k));
      return out;
    }
    const ctor = (o as { constructor?: unknown }).constructor;
    if (!isFunctionOrClass(ctor) || Object.getPrototypeOf(o) !== ctor.prototype) {
      throw new TransportError(`${describe(path)} is an object whose prototype is not its constructor's, which cannot be sent to a worker thread`);
    }
    const fields: Record<string, unknown> = {};
    const node = { [TAG]: "C", cls: refOf(ctor, path), f: fields };
    memo.set(o, node);
    for (const k of Object.keys(o)) fields[k] = enc((o as Record<string, unknown>)[k], sub(k));
    return node;
  };
  return enc(value, "");
}

// ---- decoding -------------------------------------------------------------------------------

/** Every Ref in an encoded value (to resolve them before decoding). */
export function collectRefs(value: unknown, out: Ref[], seen = new Set<object>()): Ref[] {
  if (value === null || typeof value !== "object" || seen.has(value) || cloneable(value)) return out;
  seen.add(value);
  const node = value as Record<string, unknown>;
  if (Array.isArray(value)) for (const x of value) collectRefs(x, out, seen);
  else if (Object.prototype.hasOwnProperty.call(node, TAG)) {
    const n = value as Node;
    switch (n[TAG]) {
      case "F": out.push(n.ref); break;
      case "C": out.push(n.cls); collectRefs(n.f, out, seen); break;
      case "M": case "S": case "O": collectRefs(n.e, out, seen); break;
      case "T": case "G": break;
    }
  } else for (const k of Object.keys(node)) collectRefs(node[k], out, seen);
  return out;
}

const refKey = (r: Ref): string => `${r.builtin ?? ""}|${r.module ?? ""}|${r.name}|${r.at ?? ""}|${r.src}`;

/**
 * Imports what the refs of `value` name (in the thread that will decode it) and returns the
 * table `decode` needs. `candidates`: modules searched by export name for refs that carry no
 * module. A ref that cannot be found is a TypeError that says what to do.
 */
export async function resolveRefs(value: unknown, candidates: readonly string[]): Promise<Map<string, FunctionOrClass>> {
  const table = new Map<string, FunctionOrClass>();
  const refs = collectRefs(value, []);
  if (refs.length === 0) return table;
  if (refs.some((r) => r.builtin !== undefined)) await loadBuiltins();
  for (const r of refs) {
    const key = refKey(r);
    if (table.has(key)) continue;
    table.set(key, await resolveRef(r, candidates));
  }
  return table;
}

async function resolveRef(r: Ref, candidates: readonly string[]): Promise<FunctionOrClass> {
  const what = (/^class\b/.test(r.src) ? `class ${r.name}` : `function ${r.name}`) + (r.at ? ` (${r.at})` : "");
  if (r.builtin !== undefined) {
    const v = builtins!.byPath.get(r.builtin);
    if (!isFunctionOrClass(v)) throw new TransportError(`torch-ts has no ${r.builtin} in this thread (${what})`);
    return v;
  }
  const tried: string[] = [];
  const differs: string[] = [];
  for (const url of r.module !== undefined ? [r.module] : candidates) {
    let ns: Record<string, unknown>;
    try {
      ns = (await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as Record<string, unknown>;
    } catch (e) {
      throw new TransportError(`cannot import ${url} (the module of ${what}) in a DataLoader worker: ${(e as Error).message}`, { cause: e });
    }
    tried.push(url);
    const v = ns[r.name];
    if (isFunctionOrClass(v)) {
      if (Function.prototype.toString.call(v) === r.src) return v;
      differs.push(url);
    }
  }
  if (differs.length > 0) {
    throw new TransportError(`the export ${r.name} of ${differs.join(", ")} is not the ${what} the main thread sent (their source differs)`);
  }
  if (r.module !== undefined) {
    throw new TransportError(
      `${what} is defined in ${r.module} but not exported from it: export it so that DataLoader workers can import it`,
    );
  }
  const arrow = /^(async\s*)?(\([^)]*\)|[\w$]+)\s*=>/.test(r.src)
    ? ` It is an arrow function, probably a closure written in place: write it as an exported function and pass that.`
    : "";
  throw new TransportError(
    `${what} cannot be found by a DataLoader worker: it must be exported from a module the worker can import.${arrow} ` +
      `Export it from the module that defines your Dataset class, or call registerWorkerModule(import.meta.url) in ` +
      `the module that exports it` +
      (tried.length > 0 ? ` (searched: ${tried.join(", ")})` : " (no modules to search)"),
  );
}

/** Rebuilds what `encode` made, with the functions `resolveRefs` found. */
export function decode(value: unknown, table: Map<string, FunctionOrClass> = new Map()): unknown {
  const memo = new Map<object, unknown>();
  const boxes = new Map<object, StorageBox>();
  const fn = (r: Ref): FunctionOrClass => {
    const f = table.get(refKey(r));
    if (f === undefined) throw new TransportError(`internal: ${r.name} was not resolved before decoding`);
    return f;
  };
  const dec = (v: unknown): unknown => {
    if (v === null || typeof v !== "object" || cloneable(v)) return v;
    const done = memo.get(v);
    if (done !== undefined) return done;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      memo.set(v, out);
      for (const x of v) out.push(dec(x));
      return out;
    }
    const rec = v as Record<string, unknown>;
    if (!Object.prototype.hasOwnProperty.call(rec, TAG)) {
      const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? Object.create(null) : {};
      memo.set(v, out);
      for (const k of Object.keys(rec)) out[k] = dec(rec[k]);
      return out;
    }
    const n = v as Node;
    switch (n[TAG]) {
      case "T": {
        let box = boxes.get(n.box);
        if (box === undefined) {
          box = new StorageBox(n.box.data);
          boxes.set(n.box, box);
        }
        const t = new Tensor(box, n.shape, n.strides, n.offset, n.dtype);
        let out: Tensor = t;
        if (n.p) {
          const Parameter = builtins?.byPath.get("nn.Parameter") as (new (t: Tensor, rg: boolean) => Tensor) | undefined;
          if (Parameter) out = new Parameter(t, n.rg === 1);
        } else if (n.rg) t.requiresGrad_(true);
        memo.set(v, out);
        return out;
      }
      case "G": {
        const g = new Generator().setState(n.state);
        memo.set(v, g);
        return g;
      }
      case "F": {
        const f = fn(n.ref);
        memo.set(v, f);
        return f;
      }
      case "C": {
        const obj = Object.create((fn(n.cls) as { prototype: object }).prototype) as Record<string, unknown>;
        memo.set(v, obj);
        for (const k of Object.keys(n.f)) obj[k] = dec(n.f[k]);
        return obj;
      }
      case "M": {
        const out = new Map();
        memo.set(v, out);
        for (const [k, x] of n.e) out.set(dec(k), dec(x));
        return out;
      }
      case "S": {
        const out = new Set();
        memo.set(v, out);
        for (const x of n.e) out.add(dec(x));
        return out;
      }
      case "O": {
        const out: Record<string, unknown> = {};
        memo.set(v, out);
        for (const [k, x] of n.e) out[k] = dec(x);
        return out;
      }
    }
  };
  return dec(value);
}

// ---- batches on the way back ----------------------------------------------------------------

/** Buffers below this size are copied: a transfer costs more than copying them. */
const MIN_TRANSFER_BYTES = 1024;

/** The ArrayBuffers under tensors and typed arrays in a (small) sample structure. */
export function buffersOf(value: unknown, out = new Set<ArrayBufferLike>(), seen = new Set<object>()): Set<ArrayBufferLike> {
  if (value === null || typeof value !== "object" || seen.has(value)) return out;
  seen.add(value);
  if (value instanceof Tensor) {
    if (value._box.device === CPU) out.add((value._box.data as Storage).buffer);
  }
  else if (ArrayBuffer.isView(value)) out.add(value.buffer);
  else if (Array.isArray(value)) for (const x of value) buffersOf(x, out, seen);
  else if (value instanceof Map) for (const x of value.values()) buffersOf(x, out, seen);
  else if (isPlain(value)) for (const x of Object.values(value)) buffersOf(x, out, seen);
  return out;
}

/**
 * Encodes a batch and lists the buffers that can move instead of being copied: storage the
 * worker allocated for this batch (`fresh`), not held by a sample (`sampleBuffers`), that spans
 * its whole ArrayBuffer (a transferred buffer is gone from the worker).
 */
export function encodeResult(
  value: unknown,
  fresh: ReadonlySet<Storage>,
  sampleBuffers: ReadonlySet<ArrayBufferLike>,
): { message: unknown; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const message = encode(value, {
    onStorage: (s) => {
      const buf = s.buffer;
      if (!(buf instanceof ArrayBuffer) || !fresh.has(s) || sampleBuffers.has(buf)) return;
      if (s.byteOffset !== 0 || s.byteLength !== buf.byteLength || buf.byteLength < MIN_TRANSFER_BYTES) return;
      transfer.add(buf);
    },
  });
  return { message, transfer: [...transfer] };
}
