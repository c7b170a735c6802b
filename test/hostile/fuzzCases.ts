// The seeded generator of hostile checkpoints for the fuzz suite (issue 22): pickle opcode
// programs, tensor layouts, zip structure mutations, safetensors headers, round trips, and
// the issue's named cases. Each case says what must happen: "load" (and `check` passes),
// "error" (a typed checkpoint error), or "either". test/hostile/fuzzRunner.ts runs them.
import { readFileSync } from "node:fs";
import type { LoadOptions } from "../../src/serialization/index.ts";
import { Pickler } from "../../src/serialization/pickle.ts";
import { readPt, writePt } from "../../src/serialization/pt.ts";
import { DTYPES, type RawData, type RawDtype, type RawTensor, contiguousRaw, shapeNumel, viewExtent } from "../../src/serialization/rawTensor.ts";
import { encodeSafetensors } from "../../src/serialization/safetensors.ts";
import { STRUCTURE_KEY } from "../../src/serialization/tree.ts";
import { saveToBuffer } from "../../src/serialization/index.ts";
import {
  OP,
  cat,
  deepJsonArray,
  expandArchive,
  global,
  long4Pickle,
  nestedPickle,
  pickle,
  ptArchive,
  rawZip,
  repeat,
  safetensorsFile,
  shortStr,
  tupleDagPickle,
  u32,
  zeroDeflate,
} from "./inputs.ts";
import { mulberry32 } from "../xorshift.ts";

export interface FuzzCase {
  name: string;
  family: "issue" | "pickle" | "tensor" | "roundtrip" | "zip" | "safetensors";
  bytes: Uint8Array;
  expect: "load" | "error" | "either";
  /** "tensor": through the Tensor adapter (torch.load's path); "raw": RawTensor records. */
  adapter: "tensor" | "raw";
  opts?: LoadOptions;
  /** Validates a loaded value; throws on a wrong result. */
  check?: (value: unknown) => void;
}


class Rng {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = mulberry32(seed);
  }
  float = () => this.r();
  int = (n: number) => Math.floor(this.r() * n);
  range = (lo: number, hi: number) => lo + this.int(hi - lo + 1);
  pick = <T>(xs: readonly T[]): T => xs[this.int(xs.length)]!;
  chance = (p: number) => this.r() < p;
  bytes = (n: number) => Uint8Array.from({ length: n }, () => this.int(256));
}

const enc = new TextEncoder();
const FIX = new URL("../fixtures/checkpoints/", import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FIX)));

function fail(msg: string): never {
  throw new Error(`wrong result: ${msg}`);
}
function eq(a: unknown, b: unknown, where: string): void {
  if (!(Object.is(a, b) || (typeof a === "bigint" || typeof b === "bigint" ? BigInt(a as number) === BigInt(b as number) : false)))
    fail(`${where}: ${String(a)} !== ${String(b)}`);
}

// ------------------------------------------------------------- value model

/** A comparable form of a loaded or saved value (tensors as dtype/shape/values, objects as entry lists). */
type Norm = null | boolean | number | string | bigint | { t: string; shape: number[]; v: (number | bigint)[] } | { list: Norm[] } | { dict: [Norm, Norm][] } | { bytes: number[] };

function isRaw(x: unknown): x is RawTensor {
  return typeof x === "object" && x !== null && "dtype" in x && "shape" in x && ArrayBuffer.isView((x as RawTensor).data);
}

function norm(x: unknown, seen = new Set<unknown>()): Norm {
  if (x === null || x === undefined) return null;
  if (typeof x === "bigint") return Number.isSafeInteger(Number(x)) && BigInt(Number(x)) === x ? Number(x) : x;
  if (typeof x !== "object") return x as Norm;
  if (seen.has(x)) return "<cycle>";
  seen.add(x);
  let out: Norm;
  if (isRaw(x)) out = { t: x.dtype, shape: [...x.shape], v: Array.from(contiguousRaw(x).data as ArrayLike<number | bigint>) };
  else if (x instanceof Uint8Array) out = { bytes: Array.from(x) };
  else if (Array.isArray(x)) out = { list: x.map((y) => norm(y, seen)) };
  else if (x instanceof Map) out = { dict: [...x].map(([k, v]) => [norm(k, seen), norm(v, seen)] as [Norm, Norm]) };
  // a plain object's key order is not kept by every path (a flat safetensors file is sorted)
  else out = { dict: Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, norm(v, seen)] as [Norm, Norm]) };
  seen.delete(x);
  return out;
}

function sameNorm(a: Norm, b: Norm, where = "root"): void {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return eq(a, b, where);
  if ("t" in a && "t" in b) {
    eq(a.t, b.t, `${where}.dtype`);
    if (a.shape.join() !== b.shape.join()) fail(`${where}: shape [${a.shape}] vs [${b.shape}]`);
    if (a.v.length !== b.v.length) fail(`${where}: ${a.v.length} vs ${b.v.length} values`);
    a.v.forEach((x, i) => eq(x, b.v[i], `${where}[${i}]`));
    return;
  }
  if ("list" in a && "list" in b) {
    if (a.list.length !== b.list.length) fail(`${where}: list of ${a.list.length} vs ${b.list.length}`);
    return a.list.forEach((x, i) => sameNorm(x, b.list[i]!, `${where}.${i}`));
  }
  if ("dict" in a && "dict" in b) {
    if (a.dict.length !== b.dict.length) fail(`${where}: dict of ${a.dict.length} vs ${b.dict.length}`);
    return a.dict.forEach(([k, v], i) => (sameNorm(k, b.dict[i]![0], `${where} key ${i}`), sameNorm(v, b.dict[i]![1], `${where}.${String(k)}`)));
  }
  if ("bytes" in a && "bytes" in b) return eq(a.bytes.join(), b.bytes.join(), where);
  fail(`${where}: different kinds`);
}

const DTYPE_LIST = Object.keys(DTYPES) as RawDtype[];
const HOSTILE_NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "", "__metadata__x", "a.b", "é", "\u0000", "💥", "valueOf", "__defineSetter__"];

function randomRaw(rng: Rng, allowViews: boolean): RawTensor {
  const dtype = rng.pick(DTYPE_LIST);
  const ndim = rng.int(4);
  const shape = Array.from({ length: ndim }, () => rng.int(4));
  const numel = shapeNumel(shape);
  const info = DTYPES[dtype];
  const make = (n: number): RawData => {
    const b = rng.bytes(n * info.itemsize);
    if (dtype === "bool") for (let i = 0; i < b.length; i++) b[i] = b[i]! & 1;
    return info.make(b.buffer, 0, n);
  };
  if (allowViews && ndim > 0 && numel > 0 && rng.chance(0.4)) {
    // a strided view: stride 0 somewhere, or an overlapping/transposed layout over a small storage
    const strides = shape.map(() => rng.pick([0, 0, 1, 2, 3]));
    const offset = rng.int(3);
    const n = viewExtent(offset, shape, strides) + 1 + rng.int(3);
    return { dtype, shape, data: make(n), strides, offset };
  }
  return { dtype, shape, data: make(numel) };
}

function randomValue(rng: Rng, depth: number, tensors: boolean, views: boolean): unknown {
  const k = rng.int(depth <= 0 ? 7 : 11);
  switch (k) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, 1, -1, 255, 256, 65535, 65536, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, -(2 ** 53) + 1, rng.int(1e9) - 5e8]);
    case 3: return rng.pick([0.5, -0, NaN, Infinity, -Infinity, 1e-300, 3.14159, -2.5e10]);
    case 4: return rng.pick([2n ** 64n, -(2n ** 70n), 2n ** 53n, 12345678901234567890n]);
    case 5: return rng.pick(HOSTILE_NAMES) + (rng.chance(0.3) ? "x".repeat(rng.int(300)) : "");
    case 6: return tensors ? randomRaw(rng, views) : rng.int(10);
    case 7: case 8: return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth - 1, tensors, views));
    case 9: {
      const m = new Map<unknown, unknown>();
      for (let i = rng.int(4); i > 0; i--) m.set(rng.pick([rng.int(100), rng.pick(HOSTILE_NAMES), null, true, 2n ** 60n]), randomValue(rng, depth - 1, tensors, views));
      return m;
    }
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(4); i > 0; i--) Object.defineProperty(o, rng.pick(HOSTILE_NAMES) + rng.int(3), { value: randomValue(rng, depth - 1, tensors, views), enumerable: true, writable: true, configurable: true });
      return o;
    }
  }
}

// ------------------------------------------------------------- the issue's cases, by name

/** The issue's cases; each is built only when the runner asks for it (some are megabytes). */
function issueCases(): (() => FuzzCase)[] {
  const out: (() => FuzzCase)[] = [];
  const add = (name: string, c: Omit<FuzzCase, "name" | "family"> | (() => Omit<FuzzCase, "name" | "family">)) =>
    out.push(() => ({ name: `issue22 ${name}`, family: "issue", ...(typeof c === "function" ? c() : c) }));
  const expandCheck = (n: number, numel: number) => (v: unknown) => {
    const sd = v as Record<string, { shape: number[]; strides: number[]; storage: { length: number } }>;
    if (Object.keys(sd).length !== n) fail(`${Object.keys(sd).length} tensors`);
    for (const t of Object.values(sd)) if (t.shape[0] !== numel || t.strides[0] !== 0 || t.storage.length !== 1) fail("not a view of a 1-element storage");
  };
  add("1: PyTorch's expand(2**28) file", { bytes: fixture("hostile/expand.pt"), expect: "load", adapter: "tensor", check: expandCheck(4, 2 ** 28) });
  add("1: crafted 1.4 KB file, 8 expands of 2^28", { bytes: expandArchive(8, 2 ** 28), expect: "load", adapter: "tensor", check: expandCheck(8, 2 ** 28) });
  add("1: PyTorch's overlapping views", { bytes: fixture("hostile/overlap.pt"), expect: "load", adapter: "tensor" });
  for (const d of [24, 40, 1000]) add(`2: dict key, DAG of tuples ${d} levels`, { bytes: ptArchive(tupleDagPickle(d)), expect: "load", adapter: "raw" });
  for (const n of [200_000, 1 << 20]) add(`2: LONG4 of ${n} bytes`, () => ({ bytes: ptArchive(long4Pickle(n, 0, 1)), expect: "load", adapter: "raw", check: (v) => eq(v, 1n << BigInt(8 * (n - 1)), "value") }));
  add("2: 9 MB $int in a structure", () => ({ bytes: encodeSafetensors({}, { [STRUCTURE_KEY]: `{"$int":"${"9".repeat(9_000_000)}"}` }), expect: "error", adapter: "raw" }));
  add("3: cyclic pickle \\x80\\x02]q\\x00h\\x00a.", { bytes: fixture("hostile/cyclic.pt"), expect: "load", adapter: "raw", check: (v) => ((v as unknown[])[0] === v ? undefined : fail("not cyclic")) });
  // 100,000 levels are charged ~600 bytes each (OBJECT_BYTES + SLOT_BYTES): 256 MiB for those
  for (const kind of ["list", "dict", "tuple"] as const)
    for (const d of [3000, 100_000]) add(`3: ${kind}s nested ${d} levels`, () => ({ bytes: ptArchive(nestedPickle(kind, d)), expect: "load", adapter: "raw", opts: d > 3000 ? { maxBytes: 256 << 20 } : undefined }));
  const entry = (shape: string, offsets: string) => `{"t":{"dtype":"F32","shape":${shape},"data_offsets":${offsets}}}`;
  const deep = deepJsonArray(100_000);
  add("3: deeply nested safetensors shape", { bytes: safetensorsFile(entry(deep, "[0,4]"), new Uint8Array(4)), expect: "error", adapter: "raw" });
  add("3: deeply nested safetensors data_offsets", { bytes: safetensorsFile(entry("[1]", deep), new Uint8Array(4)), expect: "error", adapter: "raw" });
  add("3: deeply nested safetensors __metadata__", { bytes: safetensorsFile(`{"__metadata__":{"k":${deep}}}`), expect: "error", adapter: "raw" });
  add("3: deeply nested safetensors structure", { bytes: encodeSafetensors({}, { [STRUCTURE_KEY]: deep }), expect: "error", adapter: "raw" });
  for (const dtype of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])
    add(`4: safetensors dtype "${dtype}"`, { bytes: safetensorsFile(JSON.stringify({ w: { dtype, shape: [1], data_offsets: [0, 4] } }), new Uint8Array(4)), expect: "error", adapter: "raw" });
  for (const len of [128, 384, 640])
    add(`5: safetensors header of ${len} bytes (starts 0x80 0x0${len >> 8})`, {
      bytes: safetensorsFile('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(new Float32Array([7]).buffer), len),
      expect: "load", adapter: "raw", check: (v) => eq(((v as { w: RawTensor }).w.data as Float32Array)[0], 7, "w"),
    });
  for (const n of [120, 376, 632]) {
    const name = "n".repeat(n);
    add(`5: torch-ts's own save, a name of ${n} characters`, {
      bytes: encodeSafetensors({ [name]: { dtype: "float32", shape: [1], data: new Float32Array([n]) } }),
      expect: "load", adapter: "raw", check: (v) => eq(((v as Record<string, RawTensor>)[name]!.data as Float32Array)[0], n, "value"),
    });
  }
  add("6: 1 MB deflate bomb (160 MB)", () => {
    const bomb = zeroDeflate(160_000_000);
    return { bytes: rawZip([{ name: "a/data.pkl", data: bomb.data, method: 8, size: 160_000_000, crc: bomb.crc }]).bytes, expect: "error", adapter: "raw" };
  });
  add("6: header of 150k empty tensors", () => {
    const parts: string[] = [];
    for (let i = 0; i < 150_000; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    return { bytes: safetensorsFile(`{${parts.join(",")}}`), expect: "error", adapter: "tensor" };
  });
  add("6: 10M DUP opcodes", () => ({ bytes: ptArchive(pickle([OP.EMPTY_LIST, OP.MARK, OP.NONE], repeat([OP.DUP], 10_000_000), [OP.APPENDS])), expect: "error", adapter: "raw" }));
  add("8: TorchScript archive", { bytes: fixture("hostile/torchscript.pt"), expect: "error", adapter: "raw" });
  return out;
}

// ------------------------------------------------------------- random pickle programs

const REFUSED_GLOBALS: [string, string][] = [["builtins", "eval"], ["posix", "system"], ["__torch__.foo", "Bar"], ["torch", "load"], ["builtins", "getattr"]];

/**
 * A random opcode stream that follows the unpickler's rules most of the time: it tracks
 * the kind of every stack slot (h: hashable scalar or tuple, u: unhashable tuple, l: list,
 * d: dict, b: bytes), so most programs build real nested values, and ~4% of the steps are
 * hostile (any byte, a refused global, a missing memo entry, a call on a non-callable).
 */
function pickleProgram(rng: Rng): Uint8Array {
  const out: number[] = [OP.PROTO, rng.pick([2, 2, 2, 3, 4, 5])];
  const stack: string[] = [];
  const marks: number[] = [];
  const memo: string[] = [];
  const above = () => stack.length - (marks.length ? marks[marks.length - 1]! : 0);
  const top = (k = 0) => stack[stack.length - 1 - k];
  const str = () => {
    const s = Array.from(enc.encode(rng.pick(HOSTILE_NAMES) + rng.int(9)));
    return [OP.SHORT_BINUNICODE, s.length, ...s];
  };
  const steps = rng.range(1, 150);
  for (let i = 0; i < steps; i++) {
    if (rng.chance(0.04)) {
      out.push(...rng.pick([
        () => [rng.int(256)],
        () => global(...rng.pick(REFUSED_GLOBALS)),
        () => [OP.BINGET, memo.length + rng.int(5)],
        () => [OP.NONE, OP.EMPTY_TUPLE, OP.REDUCE],
        () => [OP.SHORT_BINUNICODE, 2, 0xff, 0xfe],
        () => [OP.FRAME, ...rng.bytes(1), 0, 0, 0, 0, 0, 0, 0],
        () => [OP.PROTO, rng.int(256)],
      ])());
      continue;
    }
    const n = above();
    const r = rng.int(24);
    if (r < 7) {
      const [bytes, kind] = rng.pick<[() => number[], string]>([
        [() => [OP.NONE], "h"], [() => [OP.NEWTRUE], "h"], [() => [OP.BININT1, rng.int(256)], "h"], [() => [OP.BININT, ...rng.bytes(4)], "h"],
        [() => { const k = rng.int(12); return [OP.LONG1, k, ...rng.bytes(k)]; }, "h"], [() => { const k = rng.int(300); return [OP.LONG4, ...u32(k), ...rng.bytes(k)]; }, "h"],
        [() => [OP.BINFLOAT, ...rng.bytes(8)], "h"], [str, "h"], [() => { const k = rng.int(8); return [OP.SHORT_BINBYTES, k, ...rng.bytes(k)]; }, "b"],
        [() => [OP.EMPTY_LIST], "l"], [() => [OP.EMPTY_DICT], "d"], [() => [OP.EMPTY_TUPLE], "h"],
      ]);
      out.push(...bytes());
      stack.push(kind);
    } else if (r < 9) {
      out.push(OP.MARK);
      marks.push(stack.length);
    } else if (r < 12 && marks.length) {
      const m = marks[marks.length - 1]!;
      const items = stack.slice(m);
      const keysOk = items.length % 2 === 0 && items.every((k, j) => j % 2 === 1 || k === "h");
      const choices: [number, string | null][] = [[OP.TUPLE, items.every((k) => k === "h") ? "h" : "u"], [OP.LIST, "l"], [OP.POP_MARK, null]];
      if (keysOk) choices.push([OP.DICT, "d"]);
      if (stack[m - 1] === "l") choices.push([OP.APPENDS, null]);
      if (stack[m - 1] === "d" && keysOk) choices.push([OP.SETITEMS, null]);
      const [op, kind] = rng.pick(choices);
      out.push(op);
      marks.pop();
      stack.length = m;
      if (kind) stack.push(kind);
    } else if (r < 14 && n >= 1) {
      const op = rng.pick([OP.TUPLE1, OP.DUP, OP.POP]);
      out.push(op);
      if (op === OP.TUPLE1) stack.push(stack.pop() === "h" ? "h" : "u");
      else if (op === OP.DUP) stack.push(top()!);
      else stack.pop();
    } else if (r < 16 && n >= 2) {
      if (top(1) === "l" && rng.chance(0.5)) {
        out.push(OP.APPEND);
        stack.pop();
      } else {
        out.push(OP.TUPLE2);
        const a = stack.pop(), b = stack.pop();
        stack.push(a === "h" && b === "h" ? "h" : "u");
      }
    } else if (r < 17 && n >= 3 && top(2) === "d" && top(1) === "h") {
      out.push(OP.SETITEM);
      stack.length -= 2;
    } else if (r < 19 && n >= 1) {
      out.push(...rng.pick([() => [OP.BINPUT, memo.length], () => [OP.MEMOIZE], () => [OP.LONG_BINPUT, ...u32(memo.length)]])());
      memo.push(top()!);
    } else if (r < 21 && memo.length) {
      const k = rng.int(memo.length);
      out.push(...(k < 256 && rng.chance(0.7) ? [OP.BINGET, k] : [OP.LONG_BINGET, ...u32(k)]));
      stack.push(memo[k]!);
    } else if (r < 22) {
      out.push(...global("collections", "OrderedDict"), OP.EMPTY_TUPLE, OP.REDUCE);
      stack.push("d");
    } else if (r < 23) {
      out.push(...global("torch", "Size"), OP.MARK, ...repeat([OP.BININT1, rng.int(9)], rng.int(4)), OP.TUPLE, OP.TUPLE1, OP.REDUCE);
      stack.push("h");
    } else {
      out.push(...shortStr("collections"), ...shortStr("OrderedDict"), OP.STACK_GLOBAL, OP.EMPTY_TUPLE, OP.REDUCE);
      stack.push("d");
    }
  }
  // Close what is open, then fold the stack into one value, most of the time.
  if (rng.chance(0.9)) {
    while (marks.length) {
      out.push(OP.TUPLE);
      stack.length = marks.pop()!;
      stack.push("u");
    }
    while (stack.length > 1) {
      out.push(OP.TUPLE2);
      stack.length--;
    }
    if (stack.length === 0) out.push(OP.NONE);
  }
  out.push(OP.STOP);
  return Uint8Array.from(out);
}

// ------------------------------------------------------------- tensor layouts

/** A .pt with one tensor of a random (valid or not) layout over a random storage record. */
function tensorLayoutCase(rng: Rng, i: number): FuzzCase {
  const dtype = rng.pick(DTYPE_LIST);
  const info = DTYPES[dtype];
  const numel = rng.pick([0, 1, 2, 5, 16, rng.int(40)]);
  const ndim = rng.int(5);
  const huge = rng.chance(0.15);
  const shape = Array.from({ length: ndim }, () => (huge ? rng.pick([2 ** 20, 2 ** 28, 2 ** 40, 2 ** 53 - 1]) : rng.int(5)));
  const strides = shape.map(() => (rng.chance(0.05) ? -1 : rng.pick([0, 0, 1, 1, 2, 3, 7])));
  const offset = rng.chance(0.05) ? rng.pick([-1, 2 ** 53 - 1]) : rng.int(numel + 2);
  const recordBytes = rng.chance(0.9) ? numel * info.itemsize : numel * info.itemsize + rng.pick([-1, 1, info.itemsize]);
  const storage = rng.bytes(Math.max(0, recordBytes));
  if (dtype === "bool") for (let k = 0; k < storage.length; k++) storage[k] = storage[k]! & 1;
  const p = new Pickler();
  p.global("torch._utils", "_rebuild_tensor_v2");
  p.mark();
  p.mark(); p.string("storage"); p.global("torch", info.storage); p.string("0"); p.string("cpu"); p.int(numel); p.tupleFromMark();
  p.binpersid();
  p.int(offset);
  p.mark(); for (const s of shape) p.int(s); p.tupleFromMark();
  p.mark(); for (const s of strides) p.int(s); p.tupleFromMark();
  p.bool(rng.chance(0.2));
  p.global("collections", "OrderedDict"); p.emptyTuple(); p.reduce();
  p.tupleFromMark();
  p.reduce();
  const bytes = ptArchive(p.finish(), [["0", storage]]);
  const n = shapeNumel(shape);
  const last = viewExtent(offset, shape, strides);
  const valid = storage.length === numel * info.itemsize && n >= 0 && !Number.isNaN(last) && last < numel && (n > 0 || offset <= numel);
  const check = (v: unknown) => {
    const t = v as RawTensor;
    if (t.shape.join() !== shape.join()) fail("shape");
    if (n > 1 << 16) return; // a huge view: its layout was checked, its values are one storage's
    const dense = contiguousRaw(t).data as ArrayLike<number | bigint>;
    const src = info.make(storage.slice().buffer, 0, numel) as ArrayLike<number | bigint>;
    const idx = new Array<number>(shape.length).fill(0);
    for (let k = 0; k < n; k++) {
      let p2 = offset;
      for (let d = 0; d < shape.length; d++) p2 += idx[d]! * strides[d]!;
      eq(dense[k], src[p2], `element ${k}`);
      for (let d = shape.length - 1; d >= 0 && ++idx[d]! === shape[d]; d--) idx[d] = 0;
    }
  };
  return { name: `tensor layout ${i}: ${dtype}[${numel}] offset ${offset} size [${shape}] stride [${strides}]`, family: "tensor", bytes, expect: valid ? "load" : "error", adapter: "raw", opts: { widenHalf: false }, check: valid ? check : undefined };
}

// ------------------------------------------------------------- zip structure

function zipCase(rng: Rng, i: number, bases: { name: string; bytes: Uint8Array }[]): FuzzCase {
  const base = rng.pick(bases);
  const original = readPt(base.bytes);
  let b: Uint8Array = base.bytes.slice();
  const dv = () => new DataView(b.buffer);
  // locate the records (the end record, the central directory, local headers)
  let eocd = b.length - 22;
  while (eocd > 0 && dv().getUint32(eocd, true) !== 0x06054b50) eocd--;
  let cd = dv().getUint32(eocd + 16, true);
  if (cd === 0xffffffff) cd = Number(dv().getBigUint64(eocd - 20 - 56 + 48, true));
  const centrals: number[] = [];
  for (let p = cd; p + 46 <= b.length && dv().getUint32(p, true) === 0x02014b50; p += 46 + dv().getUint16(p + 28, true) + dv().getUint16(p + 30, true) + dv().getUint16(p + 32, true)) centrals.push(p);
  const c = rng.pick(centrals);
  const local = dv().getUint32(c + 42, true);
  const boundary = () => rng.pick([0, 1, 0xffffffff, 0x7fffffff, b.length, b.length - 1, local, cd, rng.int(b.length), dv().getUint32(rng.pick(centrals) + 42, true)]);
  const kind = rng.int(16);
  let what: string;
  switch (kind) {
    case 0: what = "central compressed size"; dv().setUint32(c + 20, boundary(), true); break;
    case 1: what = "central size"; dv().setUint32(c + 24, boundary(), true); break;
    case 2: what = "central local offset"; dv().setUint32(c + 42, boundary(), true); break;
    case 3: what = "central name length"; dv().setUint16(c + 28, rng.int(0x10000), true); break;
    case 4: what = "central extra length"; dv().setUint16(c + 30, rng.pick([0, 4, 20, 0xffff]), true); break;
    case 5: what = "method"; { const m = rng.pick([8, 12, 14, 99]); dv().setUint16(c + 10, m, true); dv().setUint16(local + 8, m, true); } break;
    case 6: what = "flags"; { const f = rng.pick([1, 8, 9, 0x41]); dv().setUint16(c + 8, f, true); dv().setUint16(local + 6, f, true); } break;
    case 7: what = "entry count"; dv().setUint16(eocd + 8, rng.int(0x10000), true); dv().setUint16(eocd + 10, rng.int(0x10000), true); break;
    case 8: what = "directory offset"; dv().setUint32(eocd + 16, boundary(), true); break;
    case 9: what = "directory size"; dv().setUint32(eocd + 12, boundary(), true); break;
    case 10: what = "comment length"; dv().setUint16(eocd + 20, rng.int(0x10000), true); break;
    case 11: what = "local name length"; dv().setUint16(local + 26, rng.int(0x10000), true); break;
    case 12: what = "local extra length"; dv().setUint16(local + 28, rng.int(0x10000), true); break;
    case 13: { what = "ZIP64 record field"; const z = eocd - 20 - 56; if (z > 0) dv().setBigUint64(z + rng.pick([24, 32, 40, 48]), BigInt(boundary()) * BigInt(rng.pick([1, 1 << 20])), true); break; }
    case 14: { what = "truncated"; b = b.slice(0, rng.int(b.length)); break; }
    default: { what = "bytes inserted"; const at = rng.int(b.length); b = cat(b.subarray(0, at), rng.bytes(1 + rng.int(64)), b.subarray(at)); }
  }
  return {
    name: `zip ${i}: ${base.name}, ${what}`, family: "zip", bytes: b, expect: "either", adapter: "raw", opts: { dicts: "map", widenHalf: false },
    check: () => sameNorm(norm(readPt(b)), norm(original), "archive"),
  };
}

/** Zips that are hostile by construction: overlapping entries, duplicate names, bombs, many entries. */
function zipStructureCase(rng: Rng, i: number): FuzzCase {
  const pkl = pickle([OP.NONE]);
  const kind = rng.int(5);
  let bytes: Uint8Array;
  let what: string;
  if (kind === 0) {
    what = "deflate bomb with a random declared size";
    const size = rng.pick([1000, 100_000, 5_000_000, 60_000_000]);
    const z = zeroDeflate(Math.min(size, 2_000_000));
    bytes = rawZip([{ name: "a/data.pkl", data: pkl }, { name: "a/data/0", data: z.data, method: 8, size, crc: z.crc }]).bytes;
  } else if (kind === 1) {
    what = "entries overlapping one another";
    const z = rawZip([{ name: "a/data.pkl", data: pkl }, { name: "a/x", data: new Uint8Array(50) }, { name: "a/version", data: enc.encode("3\n") }]);
    bytes = z.bytes;
    new DataView(bytes.buffer).setUint32(z.central[rng.int(3)]! + 42, z.local[rng.int(3)]! + rng.int(40), true);
  } else if (kind === 2) {
    what = "duplicate names";
    bytes = rawZip([{ name: "a/data.pkl", data: pkl }, { name: "a/data.pkl", data: pickle([OP.NEWTRUE]) }]).bytes;
  } else if (kind === 3) {
    what = "many entries";
    bytes = rawZip([{ name: "a/data.pkl", data: pkl }, ...Array.from({ length: rng.range(100, 5000) }, (_, k) => ({ name: `a/e${k}`, data: new Uint8Array(0) }))]).bytes;
  } else {
    what = "names that are paths or not UTF-8";
    bytes = rawZip([{ name: rng.pick(["a/data.pkl", "../data.pkl", "/data.pkl", "a/b/data.pkl"]), data: pkl }, { name: Uint8Array.from([0x61, 0x2f, 0xff, 0xfe]), data: new Uint8Array(1) }]).bytes;
  }
  return { name: `zip structure ${i}: ${what}`, family: "zip", bytes, expect: "either", adapter: "raw" };
}

// ------------------------------------------------------------- safetensors headers

function hostileJsonValue(rng: Rng): string {
  return rng.pick([
    () => String(rng.pick([-1, 0, 1, 2.5, 1e300, -0, 2 ** 53, 2 ** 64, 1e-7])),
    () => JSON.stringify(rng.pick(HOSTILE_NAMES)),
    () => rng.pick(["null", "true", "false", "{}", "[]", '{"a":1}', "[1,[2]]", "[-1]", "[1.5]", '["1"]', "[null]"]),
    () => deepJsonArray(rng.pick([2, 50, 127, 128, 129, 5000])),
    () => `"${"x".repeat(rng.int(2000))}"`,
    () => "9".repeat(rng.range(20, 5000)),
  ])();
}

function safetensorsCase(rng: Rng, i: number): FuzzCase {
  const kind = rng.int(5);
  if (kind === 0) {
    // valid by construction: must load with exactly these tensors and metadata
    const tensors: Record<string, RawTensor> = {};
    for (let k = rng.int(5); k > 0; k--) Object.defineProperty(tensors, rng.pick(HOSTILE_NAMES) + k, { value: randomRaw(rng, false), enumerable: true });
    const metadata: Record<string, string> = {};
    for (let k = rng.int(3); k > 0; k--) Object.defineProperty(metadata, rng.pick(HOSTILE_NAMES) + "m" + k, { value: rng.pick(HOSTILE_NAMES), enumerable: true });
    const bytes = encodeSafetensors(tensors, metadata);
    return {
      name: `safetensors ${i}: valid, ${Object.keys(tensors).length} tensors`, family: "safetensors", bytes, expect: "load", adapter: "raw", opts: { widenHalf: false },
      check: (v) => sameNorm(norm(v), norm(tensors), "tensors"),
    };
  }
  // a header with hostile fields, written by hand
  const entries: string[] = [];
  let data = 0;
  for (let k = rng.int(4); k >= 0; k--) {
    const dtype = rng.pick(["F32", "I64", "BOOL", "F16", ...HOSTILE_NAMES, "F8_E5M2", "Q4"]);
    const shape = rng.chance(0.5) ? `[${rng.int(4)},${rng.int(3)}]` : hostileJsonValue(rng);
    const len = rng.int(64);
    const offsets = rng.chance(0.5) ? `[${data},${data + len}]` : hostileJsonValue(rng);
    data += len;
    const fields = [`"dtype":${JSON.stringify(dtype)}`, `"shape":${shape}`, `"data_offsets":${offsets}`];
    if (rng.chance(0.1)) fields.push(fields[rng.int(3)]!); // duplicate field
    if (rng.chance(0.1)) fields.splice(rng.int(3), 1); // missing field
    entries.push(`${JSON.stringify(rng.pick(HOSTILE_NAMES) + k)}:{${fields.join(",")}}`);
  }
  if (kind === 1) entries.push(`"__metadata__":${rng.chance(0.5) ? `{${JSON.stringify(rng.pick(HOSTILE_NAMES))}:${hostileJsonValue(rng)}}` : hostileJsonValue(rng)}`);
  if (kind === 2) entries.push(`"__metadata__":{${JSON.stringify(STRUCTURE_KEY)}:${JSON.stringify(rng.pick([
    `{"$tensor":${JSON.stringify(rng.pick(HOSTILE_NAMES))}}`, `{"$int":"${"1".repeat(rng.range(1, 6000))}"}`, `{"$float":"${rng.pick(["NaN", "nan", "1", ""])}"}`,
    `{"$object":[[1,2]]}`, `{"$map":[[{"$tensor":"x"},1]]}`, `{"$unknown":1}`, `{"$object":1,"$map":2}`, deepJsonArray(rng.pick([10, 999, 1001, 20000])),
    '{"$object":[["__proto__",{"$object":[["constructor",1]]}]]}', "[1,2", "{}",
  ]))}}`);
  let header = `{${entries.join(",")}}`;
  if (kind === 3) {
    // byte-level damage to the header text
    const h = Array.from(enc.encode(header));
    for (let k = rng.range(1, 3); k > 0; k--) h[rng.int(h.length)] = rng.pick([0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x5c, 0x2c, 0x3a, 0x00, 0x80, 0xff, 0x20, rng.int(256)]);
    header = new TextDecoder().decode(Uint8Array.from(h));
  }
  let bytes = safetensorsFile(header, rng.bytes(rng.chance(0.8) ? data : rng.int(100)), rng.chance(0.3) ? Math.ceil((enc.encode(header).length + rng.int(300)) / 128) * 128 : undefined);
  if (kind === 4) {
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, BigInt(rng.pick([0, 1, 2, 127, 128, bytes.length, bytes.length - 8, 100_000_001, 2 ** 40])), true);
  }
  if (rng.chance(0.05)) bytes = bytes.subarray(0, rng.int(bytes.length));
  return { name: `safetensors ${i}: hostile header (kind ${kind})`, family: "safetensors", bytes, expect: "either", adapter: rng.chance(0.5) ? "raw" : "tensor" };
}

// ------------------------------------------------------------- everything

export function* fuzzCases(seed: number): Generator<FuzzCase> {
  const rng = new Rng(seed);
  for (const make of issueCases()) yield make();
  for (let i = 0; i < 260; i++) {
    yield { name: `pickle program ${i}`, family: "pickle", bytes: ptArchive(pickleProgram(rng)), expect: "either", adapter: rng.chance(0.5) ? "raw" : "tensor" };
  }
  for (let i = 0; i < 180; i++) yield tensorLayoutCase(rng, i);
  for (let i = 0; i < 150; i++) {
    const value = randomValue(rng, 4, true, true);
    const viaPt = rng.chance(0.6);
    const opts: LoadOptions = { widenHalf: false, ...(viaPt ? { dicts: "map" as const } : {}) };
    let bytes: Uint8Array;
    try {
      bytes = viaPt ? writePt(value) : saveToBuffer(value);
    } catch {
      continue; // a value the format cannot hold (a bigint beyond LONG1, ...): nothing to load
    }
    yield {
      name: `round trip ${i} (${viaPt ? ".pt" : "safetensors"})`, family: "roundtrip", bytes, expect: "load", adapter: "raw", opts,
      check: (v) => sameNorm(norm(v), norm(viaPt ? toPickleModel(value) : value), "value"),
    };
  }
  const bases = [
    { name: "model.pt", bytes: fixture("model.pt") },
    { name: "model_deflated.pt", bytes: fixture("model_deflated.pt") },
    { name: "writePt output", bytes: writePt({ w: { dtype: "float32", shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }, s: new Map([[0, [1.5, "x", null]]]) }) },
  ];
  for (let i = 0; i < 220; i++) yield zipCase(rng, i, bases);
  for (let i = 0; i < 60; i++) yield zipStructureCase(rng, i);
  for (let i = 0; i < 300; i++) yield safetensorsCase(rng, i);
}

/** What a saved JS value reads back as from a .pt: plain objects are dicts, safe bigints are ints. */
function toPickleModel(v: unknown): unknown {
  if (v === null || typeof v !== "object" || isRaw(v)) return v;
  if (Array.isArray(v)) return v.map(toPickleModel);
  const entries = v instanceof Map ? [...v] : Object.entries(v);
  return new Map(entries.map(([k, x]) => [k, toPickleModel(x)]));
}
