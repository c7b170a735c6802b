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
import { Pickler, type PyGlobal, dictAttributes, isTuple, typeName, unpickle } from "./pickle.ts";
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
 * torch._utils._rebuild_tensor_v2: a view (offset, size, stride) of a storage. A contiguous
 * view is returned as a subarray that shares memory with the storage (as tensors sharing a
 * storage do in PyTorch); any other layout is gathered into a new contiguous array.
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
  let numel = 1;
  let last = offset; // largest element index touched
  for (let d = 0; d < size.length; d++) {
    numel *= size[d]!;
    if (size[d]! > 0) last += (size[d]! - 1) * stride[d]!;
  }
  if (!Number.isSafeInteger(numel) || !Number.isSafeInteger(last)) throw new UnpicklingError(`${where}: size overflows`);
  const n = storage.data.length;
  if (numel > 0 && last >= n)
    throw new UnpicklingError(
      `${where} with offset ${offset} and stride [${stride.join(", ")}] reaches element ${last}, beyond the storage's ${n} elements`,
    );
  if (numel === 0 && offset > n) throw new UnpicklingError(`${where}: offset ${offset} beyond the storage's ${n} elements`);
  let contiguous = true;
  for (let d = size.length - 1, expect = 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expect) contiguous = false;
    expect *= size[d]!;
  }
  const ctor = storage.data.constructor as new (n: number) => RawData;
  let data: RawData;
  if (numel === 0) data = new ctor(0);
  else if (contiguous) data = storage.data.subarray(offset, offset + numel) as RawData;
  else {
    let out: RawData;
    try {
      out = new ctor(numel);
    } catch {
      throw new UnpicklingError(`${where}: cannot allocate ${numel} elements`);
    }
    const src = storage.data as unknown as ArrayLike<number | bigint>;
    const dst = out as unknown as (number | bigint)[];
    const idx = new Array<number>(size.length).fill(0);
    let p = offset;
    for (let i = 0; i < numel; i++) {
      dst[i] = src[p]!;
      // odometer increment over dims, last dim fastest
      for (let d = size.length - 1; d >= 0; d--) {
        if (++idx[d]! < size[d]!) {
          p += stride[d]!;
          break;
        }
        p -= (size[d]! - 1) * stride[d]!;
        idx[d] = 0;
      }
    }
    data = out;
  }
  return { dtype: storage.dtype, shape: size, data };
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
  fn("torch", "Size", ([t]) => Object.freeze(intTuple(t, "torch.Size")), [1]),
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

/** Reads a torch.save zip archive into the pickle value model, with RawTensor leaves. */
export function readPt(bytes: Uint8Array): unknown {
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! <= 5)
    throw new CheckpointError(
      "this is a legacy (pre-1.6, non-zip) torch.save file, which is not supported; re-save it with a current PyTorch: torch.save(torch.load(f), f2)",
    );
  const zip = new ZipArchive(bytes);
  const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) {
    if ([...zip.entries.keys()].some((n) => /^[^/]+\/constants\.pkl$/.test(n)))
      throw new CheckpointError("this is a TorchScript archive (torch.jit.save); only torch.save checkpoints are supported");
    throw new CheckpointError(`not a torch.save archive: expected one '<name>/data.pkl' record, found ${pkls.length}`);
  }
  const prefix = pkls[0]!.slice(0, -"data.pkl".length);
  let fileBigEndian = false;
  const dec = new TextDecoder();
  if (zip.entries.has(`${prefix}byteorder`)) {
    const bo = dec.decode(zip.read(`${prefix}byteorder`));
    if (bo !== "little" && bo !== "big") throw new CheckpointError(`unknown byteorder record ${JSON.stringify(bo)}`);
    fileBigEndian = bo === "big";
  }
  for (const v of [`${prefix}version`, `${prefix}.data/version`]) {
    if (!zip.entries.has(v)) continue;
    const s = dec.decode(zip.read(v)).trim();
    if (!/^\d+$/.test(s)) throw new CheckpointError(`malformed version record ${JSON.stringify(s)}`);
  }

  const storages = new Map<string, Storage>();
  const persistentLoad = (pid: unknown): Storage => {
    if (!isTuple(pid) || pid.length !== 5 || pid[0] !== "storage")
      throw new UnpicklingError(`unsupported persistent id ${typeName(pid)} (expected ('storage', type, key, location, numel))`);
    const [, type, key, location, numelArg] = pid;
    const st = [...STORAGE_TYPES.values()].find((s) => s === type);
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
    if (!zip.entries.has(name)) throw new CheckpointError(`archive has no record '${name}' for storage '${key}'`);
    const raw = zip.read(name);
    const itemsize = DTYPES[st.dtype].itemsize;
    if (raw.length !== numel * itemsize)
      throw new CheckpointError(`storage '${key}' should hold ${numel} ${st.dtype} elements (${numel * itemsize} bytes) but its record has ${raw.length} bytes`);
    const copy = raw.slice(); // own, aligned buffer, detached from the input bytes
    if (fileBigEndian === LITTLE_ENDIAN) byteswapInPlace(copy, itemsize); // file order != host order
    const s: Storage = { key, dtype: st.dtype, data: DTYPES[st.dtype].make(copy.buffer, 0, numel) };
    storages.set(key, s);
    return s;
  };
  const value = unpickle(zip.read(pkls[0]!), { globals: ALLOWED, persistentLoad });
  return value;
}

export interface WritePtOptions {
  /** Called for leaves that are not RawTensors; return a RawTensor to save, or undefined. */
  toRaw?: (x: unknown) => RawTensor | undefined;
}

/**
 * Writes `obj` as a torch.save zip that torch.load (also with weights_only=True) reads.
 * Supported: RawTensor, null, boolean, number (integers as int, others as float), bigint,
 * string, arrays (-> list), Map and plain objects (-> dict). The same RawTensor object at
 * several places is saved once and loads back as one shared tensor.
 */
export function writePt(obj: unknown, opts: WritePtOptions = {}): Uint8Array {
  const p = new Pickler();
  const records: { name: string; data: Uint8Array }[] = [];
  const onPath = new Set<object>();
  const emitTensor = (t: RawTensor, path: string) => {
    checkRawTensor(t, path);
    p.memoized(t, () => {
      const key = String(records.length);
      records.push({ name: `archive/data/${key}`, data: leBytesOf(t.data).slice() });
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
      p.int(0); // storage offset
      p.mark();
      for (const s of t.shape) p.int(s);
      p.tupleFromMark();
      p.mark();
      let stride = 1;
      const strides = t.shape.map(() => 0);
      for (let d = t.shape.length - 1; d >= 0; d--) (strides[d] = stride), (stride *= t.shape[d]!);
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
