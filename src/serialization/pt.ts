// PyTorch's zip checkpoint format (torch.save since 1.6, `_use_new_zipfile_serialization`):
//
//   <archive>/data.pkl      pickle of the object; tensors refer to storages through
//                           persistent ids ('storage', torch.<T>Storage, key, location, numel)
//   <archive>/data/<key>    raw little-endian bytes of each storage
//   <archive>/version       "3\n"
//   <archive>/byteorder     "little" | "big" (written by torch >= 2.1; absent means little)
//
// <archive> is the file's base name when torch.save wrote it ("archive" for buffers).
// Reading follows torch.load(weights_only=True): only the allow-listed globals below are
// resolved; every other global is refused before anything is constructed.

import { CheckpointError, UnpicklingError } from "./errors.ts";
import { type Budget } from "./limits.ts";
import { Pickler, type PyGlobal, dictAttributes, isHashable, isTuple, tuple, typeName, unpickle } from "./pickle.ts";
import {
  DTYPES,
  LITTLE_ENDIAN,
  type RawData,
  type RawDtype,
  type RawTensor,
  byteswapInPlace,
  checkRawTensor,
  isRawTensor,
  leBytesOf,
  shapeNumel,
  viewExtent,
} from "./rawTensor.ts";
import { ZipArchive, writeZip } from "./zip.ts";

interface StorageType {
  readonly kind: "global";
  readonly module: "torch";
  readonly name: string;
  readonly dtype: RawDtype;
}

interface Storage {
  key: string;
  dtype: RawDtype;
  data: RawData;
}

const STORAGE_TYPES = new Map<string, StorageType>(
  (Object.keys(DTYPES) as RawDtype[]).map((dtype) => {
    const name = DTYPES[dtype].storage;
    return [`torch.${name}`, Object.freeze({ kind: "global" as const, module: "torch" as const, name, dtype })];
  }),
);

const STORAGE_BY_GLOBAL = new Map<StorageType, StorageType>([...STORAGE_TYPES.values()].map((t) => [t, t]));

const isStorage = (x: unknown): x is Storage =>
  typeof x === "object" && x !== null && "key" in x && "data" in x && ArrayBuffer.isView((x as Storage).data);

function intArg(x: unknown, what: string): number {
  if (typeof x !== "number" || !Number.isSafeInteger(x)) throw new UnpicklingError(`${what} must be an int, got ${typeName(x)}`);
  return x;
}

function intTuple(x: unknown, what: string): number[] {
  if (!Array.isArray(x)) throw new UnpicklingError(`${what} must be a tuple of ints, got ${typeName(x)}`);
  return x.map((v, i) => intArg(v, `${what}[${i}]`));
}

/**
 * torch._utils._rebuild_tensor_v2: a view (offset, size, stride) of a storage, as in
 * PyTorch: a contiguous view is a subarray sharing the storage's memory; any other layout
 * (transposed, stride-0 expanded, overlapping) is a strided RawTensor over the whole
 * storage. Nothing is gathered, so a tensor costs its storage, never its numel: a 4-byte
 * storage expanded to 2^28 elements stays 4 bytes, as in PyTorch.
 */
function rebuildTensor(storage: unknown, offsetArg: unknown, sizeArg: unknown, strideArg: unknown): RawTensor {
  if (!isStorage(storage)) throw new UnpicklingError(`_rebuild_tensor expects a storage, got ${typeName(storage)}`);
  const offset = intArg(offsetArg, "storage_offset");
  const size = intTuple(sizeArg, "size");
  const stride = intTuple(strideArg, "stride");
  const where = `tensor of size [${size.join(", ")}] in storage '${storage.key}'`;
  if (size.length !== stride.length) throw new UnpicklingError(`${where}: ${size.length} sizes but ${stride.length} strides`);
  if (offset < 0 || size.some((s) => s < 0) || stride.some((s) => s < 0))
    throw new UnpicklingError(`${where}: negative offset, size or stride (offset ${offset}, stride [${stride.join(", ")}])`);
  const numel = shapeNumel(size);
  const last = viewExtent(offset, size, stride);
  if (numel < 0 || Number.isNaN(last)) throw new UnpicklingError(`${where}: size overflows`);
  const n = storage.data.length;
  if (last >= n)
    throw new UnpicklingError(
      `${where} with offset ${offset} and stride [${stride.join(", ")}] reaches element ${last}, beyond the storage's ${n} elements`,
    );
  if (numel === 0 && offset > n) throw new UnpicklingError(`${where}: offset ${offset} beyond the storage's ${n} elements`);
  if (numel === 0) return { dtype: storage.dtype, shape: size, data: storage.data.subarray(offset, offset) as RawData };
  if (isContiguousLayout(size, stride)) return { dtype: storage.dtype, shape: size, data: storage.data.subarray(offset, offset + numel) as RawData };
  return { dtype: storage.dtype, shape: size, data: storage.data, strides: stride, offset };
}

function isContiguousLayout(size: readonly number[], stride: readonly number[]): boolean {
  for (let d = size.length - 1, expect = 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expect) return false;
    expect *= size[d]!;
  }
  return true;
}

function emptyHooks(x: unknown, what: string): void {
  if (!(x instanceof Map) || x.size !== 0) throw new UnpicklingError(`${what}: tensors with backward hooks are not supported`);
}

function withGrad(t: unknown, requiresGrad: unknown): RawTensor {
  if (!isRawTensor(t)) throw new UnpicklingError(`_rebuild_parameter expects a tensor, got ${typeName(t)}`);
  if (typeof requiresGrad !== "boolean") throw new UnpicklingError(`requires_grad must be a bool, got ${typeName(requiresGrad)}`);
  return { ...t, requiresGrad };
}

function fn(module: string, name: string, call: (args: unknown[]) => unknown, arity: number[]): [string, PyGlobal] {
  return [
    `${module}.${name}`,
    {
      kind: "global",
      module,
      name,
      call: (args) => {
        if (!arity.includes(args.length))
          throw new UnpicklingError(`${module}.${name}() takes ${arity.join(" or ")} arguments, got ${args.length}`);
        return call(args);
      },
    },
  ];
}

/** The globals torch.load(weights_only=True) resolves that can occur in state dicts. */
const ALLOWED = new Map<string, PyGlobal>([
  ...STORAGE_TYPES,
  fn("torch._utils", "_rebuild_tensor_v2", ([s, o, sz, st, rg, hooks]) => {
    // args 7 (metadata) exists since torch 1.11 for tensors with python attributes
    emptyHooks(hooks, "_rebuild_tensor_v2");
    const t = rebuildTensor(s, o, sz, st);
    if (typeof rg !== "boolean") throw new UnpicklingError(`requires_grad must be a bool, got ${typeName(rg)}`);
    if (rg) t.requiresGrad = true;
    return t;
  }, [6, 7]),
  fn("torch._utils", "_rebuild_tensor", ([s, o, sz, st]) => rebuildTensor(s, o, sz, st), [4]),
  fn("torch._utils", "_rebuild_parameter", ([t, rg, hooks]) => (emptyHooks(hooks, "_rebuild_parameter"), withGrad(t, rg)), [3]),
  fn("torch._utils", "_rebuild_parameter_with_state", ([t, rg, hooks, state]) => {
    emptyHooks(hooks, "_rebuild_parameter_with_state");
    if (state !== null && !(state instanceof Map && state.size === 0))
      throw new UnpicklingError("parameters with python attributes are not supported");
    return withGrad(t, rg);
  }, [4]),
  fn("torch", "Size", ([t]) => tuple(intTuple(t, "torch.Size")), [1]),
  [
    "collections.OrderedDict",
    {
      kind: "global",
      module: "collections",
      name: "OrderedDict",
      call: (args) => {
        const m = new Map<unknown, unknown>();
        if (args.length > 1) throw new UnpicklingError("OrderedDict() takes at most 1 argument");
        if (args.length === 1 && args[0] !== null) {
          if (!Array.isArray(args[0])) throw new UnpicklingError(`OrderedDict(${typeName(args[0])}) is not supported`);
          for (const kv of args[0]) {
            if (!Array.isArray(kv) || kv.length !== 2) throw new UnpicklingError("OrderedDict items must be pairs");
            if (!isHashable(kv[0])) throw new UnpicklingError(`unhashable dict key of type ${typeName(kv[0])}`);
            m.set(kv[0], kv[1]);
          }
        }
        return m;
      },
      // state_dict() sets `_metadata` on its OrderedDict; pickle restores it with BUILD.
      build: (inst, state) => {
        if (!(state instanceof Map)) throw new UnpicklingError(`OrderedDict state must be a dict, got ${typeName(state)}`);
        dictAttributes.set(inst as Map<unknown, unknown>, state);
      },
    },
  ],
]);

const PICKLE_MAGIC = (b: Uint8Array) => b.length >= 2 && b[0] === 0x80 && b[1]! <= 5;
const ZIP_MAGIC = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export interface ReadPtOptions {
  /** What the load may allocate (storages, inflated records, pickle objects); default unlimited. */
  budget?: Budget;
}

/**
 * Reads a torch.save zip archive into the pickle value model, with RawTensor leaves
 * (strided views where the file's layout is not contiguous).
 */
export function readPt(bytes: Uint8Array, opts: ReadPtOptions = {}): unknown {
  const budget = opts.budget;
  if (!ZIP_MAGIC(bytes) && PICKLE_MAGIC(bytes))
    throw new CheckpointError(
      "this is a legacy (pre-1.6, non-zip) torch.save file, which is not supported; re-save it with a current PyTorch: torch.save(torch.load(f), f2)",
    );
  const zip = new ZipArchive(bytes);
  const names = [...zip.entries.keys()];
  // torch.jit.save archives hold a data.pkl too, whose globals are TorchScript classes
  // (__torch__.*): recognise them by their code/ and constants.pkl records first.
  if (names.some((n) => /^[^/]+\/(constants\.pkl|code\/)/.test(n)))
    throw new CheckpointError(
      "this is a TorchScript archive (torch.jit.save); only torch.save checkpoints are supported. " +
        "In Python, save its weights with torch.save(torch.jit.load(f).state_dict(), f2)",
    );
  const pkls = names.filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) throw new CheckpointError(`not a torch.save archive: expected one '<name>/data.pkl' record, found ${pkls.length}`);
  const prefix = pkls[0]!.slice(0, -"data.pkl".length);
  let fileBigEndian = false;
  const dec = new TextDecoder();
  const small = (name: string) => {
    if (zip.entries.get(name)!.size > 64) throw new CheckpointError(`record '${name}' is ${zip.entries.get(name)!.size} bytes; at most 64 expected`);
    return dec.decode(zip.read(name, budget));
  };
  if (zip.entries.has(`${prefix}byteorder`)) {
    const bo = small(`${prefix}byteorder`);
    if (bo !== "little" && bo !== "big") throw new CheckpointError(`unknown byteorder record ${JSON.stringify(bo)}`);
    fileBigEndian = bo === "big";
  }
  for (const v of [`${prefix}version`, `${prefix}.data/version`]) {
    if (!zip.entries.has(v)) continue;
    const s = small(v).trim();
    if (!/^\d+$/.test(s)) throw new CheckpointError(`malformed version record ${JSON.stringify(s)}`);
  }

  const storages = new Map<string, Storage>();
  const persistentLoad = (pid: unknown): Storage => {
    if (!isTuple(pid) || pid.length !== 5 || pid[0] !== "storage")
      throw new UnpicklingError(`unsupported persistent id ${typeName(pid)} (expected ('storage', type, key, location, numel))`);
    const [, type, key, location, numelArg] = pid;
    const st = STORAGE_BY_GLOBAL.get(type as StorageType);
    if (!st) throw new UnpicklingError(`persistent id names ${typeName(type)}, which is not a storage type`);
    if (typeof key !== "string") throw new UnpicklingError(`storage key must be a string, got ${typeName(key)}`);
    if (typeof location !== "string") throw new UnpicklingError(`storage location must be a string, got ${typeName(location)}`);
    const numel = intArg(numelArg, "storage numel");
    const seen = storages.get(key);
    if (seen) {
      if (seen.dtype !== st.dtype || seen.data.length !== numel)
        throw new UnpicklingError(`storage '${key}' is referenced as both ${seen.dtype}[${seen.data.length}] and ${st.dtype}[${numel}]`);
      return seen;
    }
    const name = `${prefix}data/${key}`;
    const entry = zip.entries.get(name);
    if (!entry) throw new CheckpointError(`archive has no record '${name}' for storage '${key}'`);
    const itemsize = DTYPES[st.dtype].itemsize;
    // Checked against the directory before anything is read, inflated or copied.
    if (numel < 0 || entry.size !== numel * itemsize)
      throw new CheckpointError(`storage '${key}' should hold ${numel} ${st.dtype} elements (${numel * itemsize} bytes) but its record has ${entry.size} bytes`);
    const raw = zip.read(name, budget);
    let own: Uint8Array;
    if (raw.buffer !== bytes.buffer && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength) own = raw; // freshly inflated
    else {
      budget?.charge(raw.length, `storage '${key}' (${numel} ${st.dtype} elements)`);
      own = raw.slice(); // own, aligned buffer, detached from the input bytes
    }
    if (fileBigEndian === LITTLE_ENDIAN) byteswapInPlace(own, itemsize); // file order != host order
    const s: Storage = { key, dtype: st.dtype, data: DTYPES[st.dtype].make(own.buffer as ArrayBuffer, 0, numel) };
    storages.set(key, s);
    return s;
  };
  return unpickle(zip.read(pkls[0]!, budget), { globals: ALLOWED, persistentLoad, budget });
}

export interface WritePtOptions {
  /** Called for leaves that are not RawTensors; return a RawTensor to save, or undefined. */
  toRaw?: (x: unknown) => RawTensor | undefined;
}

/**
 * Writes `obj` as a torch.save zip that torch.load (also with weights_only=True) reads.
 * Supported: RawTensor, null, boolean, number (integers as int, others as float), bigint,
 * string, arrays (-> list), Map and plain objects (-> dict). The same RawTensor object at
 * several places is saved once and loads back as one shared tensor; strided views keep
 * their strides and share one storage record per `data` array.
 */
export function writePt(obj: unknown, opts: WritePtOptions = {}): Uint8Array {
  const p = new Pickler();
  const records: { name: string; data: Uint8Array }[] = [];
  const onPath = new Set<object>();
  // One record per storage: strided views of one `data` array share it (as in PyTorch,
  // where an expanded tensor is saved as its small storage plus strides).
  const storageKeys = new Map<RawData, { dtype: RawDtype; key: string }>();
  const storageKey = (t: RawTensor): string => {
    const seen = storageKeys.get(t.data);
    if (seen?.dtype === t.dtype) return seen.key;
    const key = String(records.length);
    records.push({ name: `archive/data/${key}`, data: leBytesOf(t.data).slice() });
    if (!seen) storageKeys.set(t.data, { dtype: t.dtype, key });
    return key;
  };
  const emitTensor = (t: RawTensor, path: string) => {
    checkRawTensor(t, path);
    p.memoized(t, () => {
      const key = storageKey(t);
      p.global("torch._utils", "_rebuild_tensor_v2");
      p.mark();
      p.mark();
      p.string("storage");
      p.global("torch", DTYPES[t.dtype].storage);
      p.string(key);
      p.string("cpu");
      p.int(t.data.length);
      p.tupleFromMark();
      p.binpersid();
      p.int(t.offset ?? 0); // storage offset
      p.mark();
      for (const s of t.shape) p.int(s);
      p.tupleFromMark();
      p.mark();
      let strides = t.strides;
      if (!strides) {
        let stride = 1;
        strides = t.shape.map(() => 0);
        for (let d = t.shape.length - 1; d >= 0; d--) {
          strides[d] = stride;
          stride *= t.shape[d]!;
        }
      }
      for (const s of strides) p.int(s);
      p.tupleFromMark();
      p.bool(t.requiresGrad === true);
      p.global("collections", "OrderedDict");
      p.emptyTuple();
      p.reduce();
      p.tupleFromMark();
      p.reduce();
    });
  };
  const save = (v: unknown, path: string): void => {
    if (v === null) return p.none();
    if (typeof v === "boolean") return p.bool(v);
    if (typeof v === "number") return Number.isSafeInteger(v) && !Object.is(v, -0) ? p.int(v) : p.float(v);
    if (typeof v === "bigint") return p.int(v);
    if (typeof v === "string") return p.string(v);
    if (typeof v !== "object") throw new TypeError(`cannot save ${typeof v} at '${path}'`);
    const raw = isRawTensor(v) ? v : opts.toRaw?.(v);
    if (raw) return emitTensor(raw, path);
    if (onPath.has(v)) throw new TypeError(`cannot save a circular reference at '${path}'`);
    onPath.add(v);
    if (Array.isArray(v)) {
      p.emptyList();
      if (v.length) {
        p.mark();
        v.forEach((x, i) => save(x, `${path}.${i}`));
        p.appends();
      }
    } else if (v instanceof Map || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
      p.emptyDict();
      if (entries.length) {
        p.mark();
        for (const [k, x] of entries) {
          if (typeof k !== "string" && typeof k !== "number" && typeof k !== "bigint" && typeof k !== "boolean" && k !== null)
            throw new TypeError(`cannot save a dict key of type ${typeof k} at '${path}'`);
          save(k, path);
          save(x, path ? `${path}.${String(k)}` : String(k));
        }
        p.setitems();
      }
    } else {
      throw new TypeError(`cannot save a ${(v as object).constructor?.name ?? "object"} at '${path}': only tensors, numbers, strings, booleans, null, arrays, Maps and plain objects`);
    }
    onPath.delete(v);
  };
  save(obj, "");
  const pkl = p.finish();
  const enc = new TextEncoder();
  return writeZip([
    { name: "archive/data.pkl", data: pkl },
    { name: "archive/byteorder", data: enc.encode("little") },
    ...records,
    { name: "archive/version", data: enc.encode("3\n") },
  ]);
}
