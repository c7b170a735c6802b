// Issue 22, "Hostile files and long runs": one regression test per case the issue names,
// numbered as its "Must hold" items. Files made by PyTorch itself are fixtures
// (tools/gen_checkpoint_fixtures.py hostile); the crafted ones are built by test/hostile/inputs.ts.
// Hangs are caught by each test's timeout (a cap, not a speed claim); the seeded fuzz suite
// (serialization.hostileFuzz.test.ts) runs these cases again with time and memory caps.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as torch from "../src/index.ts";
import { DataLoader } from "../src/utils/data/index.ts";
import { CheckpointError, CheckpointLimitError, SafetensorError, UnpicklingError } from "../src/serialization/errors.ts";
import {
  type RawTensor,
  contiguousRaw,
  detectFormat,
  loadFromBuffer as rawLoadFromBuffer,
  setTensorAdapter,
} from "../src/serialization/index.ts";
import { OBJECT_BYTES, SLOT_BYTES } from "../src/serialization/limits.ts";
import { readPt } from "../src/serialization/pt.ts";
import { decodeSafetensors, encodeSafetensors } from "../src/serialization/safetensors.ts";
import { INT_MAX_STR_DIGITS, STRUCTURE_KEY } from "../src/serialization/tree.ts";
import { ZipArchive } from "../src/serialization/zip.ts";
import { tensorAdapter } from "../src/serialization/tensorAdapter.ts";
import {
  OP,
  cat,
  deepJsonArray,
  expandArchive,
  long4Pickle,
  nestedPickle,
  pickle,
  ptArchive,
  rawZip,
  repeat,
  safetensorsFile,
  shortStr,
  tupleDagPickle,
  zeroDeflate,
} from "./hostile/inputs.ts";

const FIX = new URL("./fixtures/checkpoints/hostile/", import.meta.url);
const fixture = (name: string) => new Uint8Array(fs.readFileSync(new URL(name, FIX)));
const expected = JSON.parse(fs.readFileSync(new URL("hostile.json", FIX), "utf8"));
const PYTHON = "/usr/bin/python3";
const TOOL = new URL("../tools/gen_checkpoint_fixtures.py", import.meta.url).pathname;
const hasTorch = (() => {
  try {
    execFileSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const dir = fs.mkdtempSync(join(tmpdir(), "torch-ts-hostile-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The format layer's own records (no Tensor adapter): views stay visible as RawTensors. */
const loadRaw = (bytes: Uint8Array, opts: Parameters<typeof rawLoadFromBuffer>[1] = {}) => {
  setTensorAdapter(null);
  try {
    return rawLoadFromBuffer(bytes, opts);
  } finally {
    setTensorAdapter(tensorAdapter);
  }
};

/** Throws unless f throws an error of class C whose message matches re. */
function throwsTyped(f: () => unknown, C: new (...a: never[]) => Error, re: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof C, `expected ${C.name}, got ${(e as Error)?.stack ?? e}`);
    assert.match((e as Error).message, re);
    return true;
  });
}

const arrayBuffersNow = () => process.memoryUsage().arrayBuffers;

describe("1. no amplification from shared or expanded storage", () => {
  it("PyTorch's expand(2**28) file loads as views of 4-byte storages: nothing near its 4 GiB numel is allocated", { timeout: 20_000 }, () => {
    const bytes = fixture("expand.pt");
    assert.ok(bytes.length < 2000, `${bytes.length} bytes`);
    const before = arrayBuffersNow();
    const sd = torch.loadFromBuffer(bytes, { maxBytes: 1 << 16 }) as Record<string, torch.Tensor>;
    assert.ok(arrayBuffersNow() - before < 1 << 20, `${arrayBuffersNow() - before} bytes of ArrayBuffers`);
    assert.deepEqual(Object.keys(sd), ["w0", "w1", "w2", "w3"]);
    for (const t of Object.values(sd)) {
      assert.deepEqual([t.shape, t.strides, t.storage.length], [[2 ** 28], [0], 1]);
      assert.deepEqual(t.narrow(0, 2 ** 28 - 3, 3).tolist(), [0, 0, 0]);
    }
    // The caller who asks for the dense tensor gets it (here a small slice of it).
    assert.deepEqual(sd.w0!.narrow(0, 5, 4).contiguous().strides, [1]);
  });

  it("a crafted 1.4 KB file with 8 expanded 2^28-element tensors (8 GiB of numel) passes a 7 GB cap", { timeout: 20_000 }, () => {
    const bytes = expandArchive(8, 2 ** 28, 1.5);
    assert.ok(bytes.length < 1500, `${bytes.length} bytes`);
    const before = arrayBuffersNow();
    const sd = torch.loadFromBuffer(bytes, { maxBytes: 7e9 }) as Record<string, torch.Tensor>;
    assert.ok(arrayBuffersNow() - before < 1 << 20);
    assert.equal(Object.keys(sd).length, 8);
    assert.deepEqual(sd.w7!.narrow(0, 123456789, 2).tolist(), [1.5, 1.5]);
    // It loads under a 64 KiB cap too: what is charged is its 32 bytes of storage and the
    // pickle's bookkeeping, never the 8 GiB of numel.
    torch.loadFromBuffer(bytes, { maxBytes: 1 << 16 });
  });

  it("an adapter without view support gets dense copies, charged to maxBytes: the expands are refused before allocating", () => {
    const fake = { isTensor: () => false, toRaw: () => { throw new Error("unused"); }, fromRaw: (r: RawTensor) => r };
    setTensorAdapter(fake);
    try {
      throwsTyped(() => rawLoadFromBuffer(expandArchive(8, 2 ** 28)), CheckpointLimitError, /maxBytes = 1073741824 bytes: a dense copy of a strided view of shape \[268435456\]/);
      const small = rawLoadFromBuffer(expandArchive(2, 5, 2)) as Record<string, RawTensor>;
      assert.deepEqual(Array.from(small.w1!.data as Float32Array), [2, 2, 2, 2, 2]);
      assert.equal(small.w1!.strides, undefined);
    } finally {
      setTensorAdapter(tensorAdapter);
    }
  });

  it("overlapping and stride-0 views from PyTorch keep PyTorch's strides, offsets and values, over one shared storage", () => {
    const raw = readPt(fixture("overlap.pt")) as Map<string, RawTensor>;
    const sd = torch.loadFromBuffer(fixture("overlap.pt")) as Record<string, torch.Tensor>;
    for (const [k, w] of Object.entries(expected.overlap as Record<string, { shape: number[]; stride: number[]; storage_offset: number; storage_numel: number; values: (number | string)[] }>)) {
      const r = raw.get(k)!;
      assert.deepEqual([r.shape, r.strides, r.offset, r.data.length], [w.shape, w.stride, w.storage_offset, w.storage_numel], k);
      const want = w.values.map((v) => (typeof v === "string" ? BigInt(v) : v));
      assert.deepEqual(Array.from(contiguousRaw(r).data as ArrayLike<number | bigint>), want, k);
      const t = sd[k]!;
      assert.deepEqual([t.shape, t.strides, t.offset], [w.shape, w.stride, w.storage_offset], k);
      assert.deepEqual([t.contiguous().tolist()].flat(3), want.map(Number), k);
    }
    // rows, diag_rep, scalar_rep and same are views of one storage: one StorageBox, as in PyTorch
    assert.equal(sd.rows!._box, sd.scalar_rep!._box);
    assert.equal(raw.get("rows")!.data, raw.get("same")!.data);
  });

  it("views saved back to .pt stay views of their small storage, and real PyTorch reads the strides", { timeout: 60_000 }, () => {
    const sd = torch.loadFromBuffer(fixture("overlap.pt")) as Record<string, torch.Tensor>;
    const big = torch.loadFromBuffer(expandArchive(1, 2 ** 26, 3)) as Record<string, torch.Tensor>;
    const path = join(dir, "views.pt");
    torch.save({ ...sd, big: big.w0 }, path);
    assert.ok(fs.statSync(path).size < 4096, `${fs.statSync(path).size} bytes`);
    const back = torch.load(path) as Record<string, torch.Tensor>;
    assert.deepEqual(back.big!.strides, [0]);
    assert.deepEqual(back.rows!.contiguous().tolist(), sd.rows!.contiguous().tolist());
    if (!hasTorch) return;
    const want = { ...expected.overlap, big: { dtype: "float32", shape: [2 ** 26], stride: [0], storage_offset: 0, storage_numel: 1, values: null } };
    // values of the 2^26-element expand are checked through its storage, not listed
    const exp = join(dir, "views.json");
    const { big: _omit, ...small } = want;
    fs.writeFileSync(exp, JSON.stringify(small));
    assert.match(execFileSync(PYTHON, [TOOL, "check-views", path, exp], { encoding: "utf8" }), /OK views/);
  });
});

describe("2. no super-linear time in the decoders", () => {
  it("a dict key that is a 40-level DAG of tuples (2^40 paths) loads, its hashability decided once per tuple", { timeout: 10_000 }, () => {
    const bytes = ptArchive(tupleDagPickle(40));
    assert.ok(bytes.length < 600);
    const d = readPt(bytes) as Map<unknown, unknown>;
    let k = [...d.keys()][0] as unknown;
    for (let i = 0; i < 40; i++) {
      assert.ok(Array.isArray(k) && k.length === 2 && k[0] === k[1]);
      k = (k as unknown[])[0];
    }
    assert.equal(k, null);
    // a tuple holding a list is still refused as a key, however deep
    const listKey = pickle([OP.EMPTY_DICT, OP.EMPTY_LIST, OP.TUPLE1], repeat([OP.DUP, OP.TUPLE2], 30), [OP.NONE, OP.SETITEM]);
    throwsTyped(() => readPt(ptArchive(listKey)), UnpicklingError, /unhashable dict key of type tuple/);
  });

  it("a 1 MB LONG4 integer decodes in linear time, with the right value", { timeout: 10_000 }, () => {
    const n = 1 << 20;
    assert.equal(readPt(ptArchive(long4Pickle(n, 0, 1))), 1n << BigInt(8 * (n - 1)));
    assert.equal(readPt(ptArchive(long4Pickle(n, 0xff, 0xff))), -1);
    assert.equal(readPt(ptArchive(long4Pickle(n, 0, 0))), 0);
    assert.equal(readPt(ptArchive(long4Pickle(3, 0x00, 0x80))), -(2 ** 23));
    assert.equal(readPt(ptArchive(long4Pickle(8, 0xff, 0x7f))), 2n ** 63n - 1n);
  });

  it("a 10 MB $int in a safetensors structure is refused at Python's 4300-digit limit, before any conversion", { timeout: 10_000 }, () => {
    const ok = { a: [BigInt("9".repeat(INT_MAX_STR_DIGITS)), BigInt("-" + "9".repeat(INT_MAX_STR_DIGITS))] };
    assert.deepEqual(torch.loadFromBuffer(torch.saveToBuffer(ok)), ok);
    assert.throws(() => torch.saveToBuffer({ a: [10n ** BigInt(INT_MAX_STR_DIGITS)] }), /cannot save an int of 4301 digits at 'a.0'/);
    const structure = JSON.stringify({ $object: [["big", { $int: "7".repeat(10_000_000) }]] });
    const bytes = encodeSafetensors({}, { [STRUCTURE_KEY]: structure });
    throwsTyped(() => torch.loadFromBuffer(bytes, { maxBytes: Infinity }), SafetensorError, /\$int of 10000000 characters exceeds the limit of 4300 digits/);
  });

  it("REDUCE calls that walk one shared list over and over are bounded (work linear in the pickle)", { timeout: 10_000 }, () => {
    // memo[0] = a list of 20,000 pairs; then 10,000 times OrderedDict(memo[0]): 2e8 steps if allowed
    const pairs = repeat([OP.MARK, OP.NONE, OP.NONE, OP.TUPLE], 1); // (None, None)
    const list = cat([OP.EMPTY_LIST, OP.BINPUT, 0, OP.MARK], repeat([...pairs], 20_000), [OP.APPENDS, OP.POP]);
    const calls = repeat([OP.GLOBAL, ...new TextEncoder().encode("collections\nOrderedDict\n"), OP.BINGET, 0, OP.TUPLE1, OP.REDUCE, OP.POP], 10_000);
    const bytes = ptArchive(pickle(list, calls, [OP.NONE]));
    throwsTyped(() => readPt(bytes), CheckpointLimitError, /pickle calls walk more than \d+ elements .* at collections\.OrderedDict/);
  });
});

describe("3. typed errors, never a stack overflow", () => {
  it("the 8-byte cyclic pickle from PyTorch (\\x80\\x02]q\\x00h\\x00a.) loads as a list that contains itself", () => {
    const bytes = fixture("cyclic.pt");
    assert.deepEqual([...new ZipArchive(bytes).read("cyclic/data.pkl")], [0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e]);
    const l = torch.loadFromBuffer(bytes) as unknown[];
    assert.equal(l.length, 1);
    assert.equal(l[0], l);
    // a dict that contains itself, and a list inside a tuple inside the list, keep their cycles too
    const d = torch.loadFromBuffer(ptArchive(pickle([OP.EMPTY_DICT, OP.BINPUT, 0], shortStr("me"), [OP.BINGET, 0, OP.SETITEM]))) as { me: unknown };
    assert.equal(d.me, d);
    const m = torch.loadFromBuffer(ptArchive(pickle([OP.EMPTY_DICT, OP.BINPUT, 0, OP.NONE, OP.BINGET, 0, OP.SETITEM])), { dicts: "map" }) as Map<unknown, unknown>;
    assert.equal(m.get(null), m);
  });

  for (const kind of ["list", "dict", "tuple"] as const) {
    it(`${kind}s nested 100,000 levels deep load without touching the JavaScript stack`, { timeout: 20_000 }, () => {
      let v = torch.loadFromBuffer(ptArchive(nestedPickle(kind, 100_000))) as unknown;
      let depth = 0;
      while (v !== null && typeof v === "object") {
        v = kind === "dict" ? (v as { k?: unknown }).k ?? null : (v as unknown[])[0] ?? null;
        depth++;
      }
      assert.equal(depth, 100_000);
    });
  }

  const entry = (shape: string, offsets: string) => `{"t":{"dtype":"F32","shape":${shape},"data_offsets":${offsets}}}`;
  const deep = deepJsonArray(100_000);
  for (const [what, header] of [
    ["shape", entry(deep, "[0,4]")],
    ["data_offsets", entry("[1]", deep)],
    ["__metadata__", `{"__metadata__":{"k":${deep}}}`],
    ["a tensor entry", `{"t":${deep}}`],
  ] as const) {
    it(`a safetensors header whose ${what} nests 100,000 levels is a SafetensorError`, () => {
      throwsTyped(() => torch.loadFromBuffer(safetensorsFile(header, new Uint8Array(4))), SafetensorError, /header nests deeper than 128 levels/);
    });
  }

  it("a safetensors header nested 128 levels parses (the reference's limit); its shape is then refused by value", () => {
    throwsTyped(() => decodeSafetensors(safetensorsFile(entry(deepJsonArray(126), "[0,4]"), new Uint8Array(4))), SafetensorError, /tensor 't': invalid shape an array of 1 item \(dimensions must be non-negative integers/);
    throwsTyped(() => decodeSafetensors(safetensorsFile(entry(deepJsonArray(127), "[0,4]"), new Uint8Array(4))), SafetensorError, /nests deeper than 128 levels/);
  });

  it("a structure value nested 100,000 levels is a SafetensorError; saving one deeper than the limit is a TypeError", () => {
    const bytes = encodeSafetensors({}, { [STRUCTURE_KEY]: deepJsonArray(100_000) });
    throwsTyped(() => torch.loadFromBuffer(bytes), SafetensorError, /__metadata__\['torch-ts.structure'\] nests deeper than 1000 levels/);
    let o: unknown = 1;
    for (let i = 0; i < 400; i++) o = { a: o };
    assert.throws(() => torch.saveToBuffer(o), /nested deeper than the 1000 JSON levels/);
    let ok: unknown = 1;
    for (let i = 0; i < 300; i++) ok = { a: ok };
    assert.deepEqual(torch.loadFromBuffer(torch.saveToBuffer(ok)), ok);
  });
});

describe("4. names from the file are data, never table lookups", () => {
  for (const dtype of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"]) {
    it(`dtype "${dtype}" is an unsupported dtype, not a crash`, () => {
      throwsTyped(
        () => torch.loadFromBuffer(safetensorsFile(JSON.stringify({ w: { dtype, shape: [1], data_offsets: [0, 4] } }), new Uint8Array(4))),
        SafetensorError,
        new RegExp(`tensor 'w': unsupported dtype "${dtype}" \\(supported: F32, F64`),
      );
    });
  }

  it("tensors, metadata keys and structure keys named __proto__ / constructor load as ordinary names", () => {
    const h = {
      __metadata__: { __proto__: "p", constructor: "c" },
      __proto__: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
      constructor: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
    };
    const text = `{"__metadata__":{"__proto__":"p","constructor":"c"},"__proto__":${JSON.stringify(h.__proto__)},"constructor":${JSON.stringify(h.constructor)}}`;
    const bytes = safetensorsFile(text, new Uint8Array(new Float32Array([1, 2]).buffer));
    const { tensors, metadata } = decodeSafetensors(bytes);
    assert.deepEqual(Object.keys(tensors), ["__proto__", "constructor"]);
    assert.deepEqual(Object.getPrototypeOf(tensors), Object.prototype);
    assert.equal(metadata.__proto__, "p");
    const sd = torch.loadFromBuffer(bytes) as Record<string, torch.Tensor>;
    assert.deepEqual([sd["__proto__"]!.tolist(), sd["constructor"]!.tolist()], [[1], [2]]);
    // $tensor references to inherited names are missing tensors
    for (const name of ["toString", "__proto__", "hasOwnProperty"]) {
      const st = encodeSafetensors({}, { [STRUCTURE_KEY]: JSON.stringify({ $tensor: name }) });
      throwsTyped(() => torch.loadFromBuffer(st), SafetensorError, /refers to missing tensor/);
    }
    const obj = torch.loadFromBuffer(encodeSafetensors({}, { [STRUCTURE_KEY]: '{"$object":[["__proto__",1],["constructor",2]]}' })) as Record<string, number>;
    assert.deepEqual([Object.keys(obj), obj["__proto__"], Object.getPrototypeOf(obj)], [["__proto__", "constructor"], 1, Object.prototype]);
  });

  it("duplicate keys in a safetensors header are refused (readers would disagree on which one wins)", () => {
    const text = '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}';
    throwsTyped(() => decodeSafetensors(safetensorsFile(text, new Uint8Array(4))), SafetensorError, /duplicate key "w"/);
  });
});

describe("5. valid files are not refused: sound format detection", () => {
  for (const len of [128, 384, 640, 896, 1152]) {
    it(`a safetensors file whose header is ${len} bytes (it starts with 0x80 0x0${len >> 8}) loads`, () => {
      const bytes = safetensorsFile('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(new Float32Array([3]).buffer), len);
      assert.deepEqual([bytes[0], bytes[1]], [0x80, len >> 8]);
      assert.equal(detectFormat(bytes), "safetensors");
      assert.deepEqual((torch.loadFromBuffer(bytes) as { w: torch.Tensor }).w.tolist(), [3]);
    });
  }

  it("torch-ts's own save output loads for every tensor name length from 1 to 2,000", { timeout: 60_000 }, () => {
    const refused: number[] = [];
    for (let n = 1; n <= 2000; n++) {
      const back = loadRaw(encodeSafetensors({ ["x".repeat(n)]: { dtype: "float32", shape: [1], data: new Float32Array([n]) } })) as Record<string, RawTensor>;
      if (back["x".repeat(n)]?.data[0] !== n) refused.push(n);
    }
    assert.deepEqual(refused, []);
  });

  it("the one safetensors header length whose bytes spell PK\\x03\\x04 is still safetensors; no zip looks like safetensors", () => {
    const n = 0x04034b50;
    const head = new Uint8Array(16);
    new DataView(head.buffer).setBigUint64(0, BigInt(n), true);
    head[8] = 0x7b;
    const file = new Uint8Array(8 + n); // only its first bytes matter to detection
    file.set(head);
    assert.deepEqual([...file.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
    assert.equal(detectFormat(file), "safetensors");
    for (const zip of [fixture("expand.pt"), fixture("torchscript.pt"), ptArchive(pickle([OP.NONE]))]) assert.equal(detectFormat(zip), "pt");
  });

  it("a real legacy (pre-1.6) pickle, a zip and garbage are told apart", () => {
    const legacy = new Uint8Array([0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
    throwsTyped(() => torch.loadFromBuffer(legacy), CheckpointError, /legacy \(pre-1\.6, non-zip\) torch\.save file/);
    throwsTyped(() => torch.loadFromBuffer(new Uint8Array([0x7b, 0x7d])), SafetensorError, /too small for the 8-byte header length/);
    throwsTyped(() => torch.loadFromBuffer(new Uint8Array(64).fill(0x41)), SafetensorError, /header length \d+ exceeds/);
  });
});

describe("6. amplification bounded, stated and tested", () => {
  const deflatedStorage = (size: number) => {
    const { data, crc } = zeroDeflate(size);
    const p = pickle(
      [OP.EMPTY_DICT],
      shortStr("w"),
      [OP.GLOBAL, ...new TextEncoder().encode("torch._utils\n_rebuild_tensor_v2\n"), OP.MARK, OP.MARK],
      shortStr("storage"),
      [OP.GLOBAL, ...new TextEncoder().encode("torch\nByteStorage\n")],
      shortStr("0"),
      shortStr("cpu"),
      [OP.BININT, size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, size >>> 24, OP.TUPLE, OP.BINPERSID, OP.BININT1, 0],
      [OP.BININT, size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, size >>> 24, OP.TUPLE1, OP.BININT1, 1, OP.TUPLE1, OP.NEWFALSE],
      [OP.GLOBAL, ...new TextEncoder().encode("collections\nOrderedDict\n"), OP.EMPTY_TUPLE, OP.REDUCE, OP.TUPLE, OP.REDUCE, OP.SETITEM],
    );
    return rawZip([
      { name: "a/data.pkl", data: p },
      { name: "a/data/0", data, method: 8, size, crc },
    ]).bytes;
  };

  it("a 1 MB deflate bomb (160 MB of zeros): its declared size is charged before inflating, so a lower cap refuses it flat", { timeout: 30_000 }, () => {
    const bomb = deflatedStorage(160_000_000);
    assert.ok(bomb.length < 1_100_000, `${bomb.length} bytes`);
    const before = arrayBuffersNow();
    throwsTyped(() => loadRaw(bomb, { maxBytes: 64 << 20 }), CheckpointLimitError, /inflating zip entry 'a\/data\/0'/);
    assert.ok(arrayBuffersNow() - before < 8 << 20);
    // Within the cap it inflates once, into the storage itself (no second copy).
    const ok = loadRaw(deflatedStorage(3_000_000), { maxBytes: 4 << 20 }) as { w: RawTensor };
    assert.equal(ok.w.data.length, 3_000_000);
    assert.ok((ok.w.data as Uint8Array).every((x) => x === 0));
  });

  it("a deflated entry may not declare more than 1032x its compressed size", () => {
    const { bytes } = rawZip([{ name: "a/data.pkl", data: new Uint8Array(10), method: 8, size: 20_000 }]);
    throwsTyped(() => readPt(bytes), CheckpointError, /declares 20000 bytes, impossible for 10 deflated bytes/);
  });

  it("overlapping zip entries (one record's bytes read as several) are refused", () => {
    const z = rawZip([{ name: "a/data.pkl", data: pickle([OP.NONE]) }, { name: "a/version", data: new TextEncoder().encode("3\n") }]);
    const b = z.bytes.slice();
    // make the second central entry point at the first local header
    new DataView(b.buffer).setUint32(z.central[1]! + 42, z.local[0]!, true);
    throwsTyped(() => readPt(b), CheckpointError, /local header name 'a\/data.pkl' differs|overlaps/);
  });

  it("an 89 MB-style header of empty tensors is refused at the cap while it is parsed (1.5M entries cost 3.7 GB uncapped)", { timeout: 30_000 }, () => {
    const n = 200_000;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const bytes = safetensorsFile(`{${parts.join(",")}}`);
    throwsTyped(() => torch.loadFromBuffer(bytes, { maxBytes: 256 << 20 }), CheckpointLimitError, /loading needs more than maxBytes = 268435456 bytes/);
    // and the same file loads when the caller raises the cap
    const sd = torch.loadFromBuffer(bytes, { maxBytes: 4 * 2 ** 30 }) as Record<string, torch.Tensor>;
    assert.equal(Object.keys(sd).length, n);
    assert.deepEqual(sd.t199999!.shape, [0]);
  });

  it("10M DUP opcodes are charged SLOT_BYTES each: refused at the cap, not after 723 MB", { timeout: 30_000 }, () => {
    const bytes = ptArchive(pickle([OP.EMPTY_LIST, OP.MARK, OP.NONE], repeat([OP.DUP], 10_000_000), [OP.APPENDS]));
    const cap = 256 << 20;
    assert.ok(10_000_000 * SLOT_BYTES > cap);
    const before = process.memoryUsage().heapUsed;
    throwsTyped(() => torch.loadFromBuffer(bytes, { maxBytes: cap }), CheckpointLimitError, /pickle value at offset \d+/);
    assert.ok(process.memoryUsage().heapUsed - before < cap, "the heap stayed under the cap");
  });

  it("1M empty dicts are charged OBJECT_BYTES each", { timeout: 30_000 }, () => {
    const bytes = ptArchive(pickle([OP.EMPTY_LIST, OP.MARK], repeat([OP.EMPTY_DICT], 1_000_000), [OP.APPENDS]));
    throwsTyped(() => torch.loadFromBuffer(bytes, { maxBytes: 100 * OBJECT_BYTES }), CheckpointLimitError, /maxBytes = 51200/);
    assert.equal((torch.loadFromBuffer(bytes) as unknown[]).length, 1_000_000); // the default cap (1 GiB) admits it
  });

  it("maxBytes is validated like any option; unknown options are a TypeError", () => {
    const ok = torch.saveToBuffer({ w: torch.ones(2) });
    for (const bad of [-1, 1.5, NaN, "1e9"]) assert.throws(() => torch.loadFromBuffer(ok, { maxBytes: bad as number }), TypeError);
    assert.throws(() => torch.loadFromBuffer(ok, { maxbytes: 5 } as never), /unexpected keyword argument 'maxbytes'/);
    torch.loadFromBuffer(ok, { maxBytes: Infinity });
    throwsTyped(() => torch.loadFromBuffer(ok, { maxBytes: 7 }), CheckpointLimitError, /maxBytes = 7 bytes/);
  });
});

describe("7. saving", () => {
  it("writes through a symlink (the link stays a link, its target gets the checkpoint), dangling links included", () => {
    const target = join(dir, "real.pt");
    const link = join(dir, "link.pt");
    fs.writeFileSync(target, "old");
    fs.symlinkSync("real.pt", link);
    torch.save({ w: torch.tensor([1, 2]) }, link);
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.deepEqual((torch.load(target) as { w: torch.Tensor }).w.tolist(), [1, 2]);
    const dangling = join(dir, "dangling.safetensors");
    fs.symlinkSync(join(dir, "sub", "..", "new.safetensors"), dangling);
    torch.save({ w: torch.tensor([3]) }, dangling);
    assert.ok(fs.lstatSync(dangling).isSymbolicLink());
    assert.deepEqual((torch.load(join(dir, "new.safetensors")) as { w: torch.Tensor }).w.tolist(), [3]);
    const loop = join(dir, "loop.pt");
    fs.symlinkSync("loop.pt", loop);
    assert.throws(() => torch.save({}, loop), /cannot save to '.*loop\.pt': too many levels of symbolic links/);
  });

  it("errors name the checkpoint, not the temp file; an empty path or a directory gets a clear message", () => {
    const missing = join(dir, "no", "such", "dir", "m.pt");
    assert.throws(() => torch.save({}, missing), (e: unknown) => {
      assert.ok((e as Error).message.startsWith(`cannot save to '${missing}': cannot create a temporary file in '${join(dir, "no", "such", "dir")}' (ENOENT`), (e as Error).message);
      assert.equal((e as NodeJS.ErrnoException).code, "ENOENT");
      return true;
    });
    assert.throws(() => torch.save({}, ""), (e: unknown) => e instanceof TypeError && /save\(\) needs a file path, got an empty string/.test((e as Error).message));
    assert.throws(() => torch.save({}, dir), new RegExp(`cannot save to '${dir.replace(/[/.]/g, "\\$&")}': '.*' is a directory`));
    assert.throws(() => torch.load(""), /load\(\) needs a file path/);
  });

  it("checkpoint errors from load() name the file", () => {
    const bad = join(dir, "bad.safetensors");
    fs.writeFileSync(bad, safetensorsFile('{"w":{"dtype":"constructor","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)));
    throwsTyped(() => torch.load(bad), SafetensorError, new RegExp(`^${bad.replace(/[/.]/g, "\\$&")}: tensor 'w': unsupported dtype`));
  });
});

describe("8. TorchScript archives, thread counts, dataset lengths", () => {
  it("a TorchScript archive from torch.jit.save gets the TorchScript message, not an unsupported-global one", () => {
    const bytes = fixture("torchscript.pt");
    assert.ok([...new ZipArchive(bytes).entries.keys()].some((n) => n.endsWith("/data.pkl")), "it has a data.pkl, like a checkpoint");
    throwsTyped(() => torch.loadFromBuffer(bytes), CheckpointError, /this is a TorchScript archive \(torch\.jit\.save\); only torch\.save checkpoints are supported/);
  });

  // setNumThreads(1000) is clamped with a warning: test/wasmMatmul.test.ts, next to the pool's other tests.

  for (const [len, kind, re] of [
    [NaN, TypeError, /'float' object cannot be interpreted as an integer: Bad\.length is NaN/],
    [-5, torch.ValueError, /__len__\(\) should return >= 0: Bad\.length is -5/],
    [2.5, TypeError, /'float' object cannot be interpreted as an integer: Bad\.length is 2\.5/],
    [Infinity, TypeError, /'float' object cannot be interpreted as an integer: Bad\.length is Infinity/],
    [2 ** 60, torch.ValueError, /cannot fit 'int' into an index-sized integer: Bad\.length is 1152921504606847000/],
  ] as const) {
    it(`a DataLoader over a dataset whose length is ${len} says what is wrong with it`, () => {
      class Bad {
        getItem(i: number) { return i; }
        get length() { return len; }
      }
      assert.throws(() => new DataLoader(new Bad()), (e: unknown) => e instanceof kind && re.test((e as Error).message));
      const iterable = Object.assign(Object.create({ constructor: Bad }), { *[Symbol.iterator]() { yield 1; }, length: len });
      const loader = new DataLoader(iterable as Iterable<number>);
      assert.throws(() => loader.length, (e: unknown) => e instanceof kind && re.test((e as Error).message));
    });
  }
});

