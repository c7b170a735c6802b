// PyTorch .pt (zip) checkpoints: files written by real torch.save 1.13 load with exact
// values, layouts and shared storages; the weights_only allow-list refuses everything else;
// files written here load in real torch.load(weights_only=True).
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { deflateRawSync } from "node:zlib";
import { CheckpointError, UnpicklingError } from "../src/serialization/errors.ts";
import { inflateRaw } from "../src/serialization/inflate.ts";
import { Pickler, unpickle } from "../src/serialization/pickle.ts";
import { readPt, writePt } from "../src/serialization/pt.ts";
import { type RawTensor, contiguousRaw } from "../src/serialization/rawTensor.ts";
import { ZipArchive, writeZip } from "../src/serialization/zip.ts";

const FIX = new URL("./fixtures/checkpoints/", import.meta.url);
const fixtures = JSON.parse(readFileSync(new URL("checkpoints.json", FIX), "utf8"));
const file = (name: string) => new Uint8Array(readFileSync(new URL(name, FIX)));
const PYTHON = "/usr/bin/python3";
const TOOL = new URL("../tools/gen_checkpoint_fixtures.py", import.meta.url).pathname;

interface Want { dtype: string; shape: number[]; values: (number | string)[]; requires_grad?: boolean }

/** Asserts a RawTensor equals a fixture entry exactly (float32 via fround, int64 as BigInt, f16/bf16 raw bits). */
function assertTensor(t: unknown, w: Want, where: string): asserts t is RawTensor {
  assert.ok(t && ArrayBuffer.isView((t as RawTensor).data), `${where}: not a tensor`);
  const r = contiguousRaw(t as RawTensor); // strided views read in row-major order
  assert.equal(r.dtype, w.dtype, `${where}: dtype`);
  assert.deepEqual(r.shape, w.shape, `${where}: shape`);
  const got = Array.from(r.data as ArrayLike<number | bigint>);
  const num = (v: number | string) => (typeof v === "string" ? Number(v) : v);
  let want: unknown[];
  if (w.dtype === "int64") want = w.values.map((v) => BigInt(v));
  else if (w.dtype === "bool") want = w.values.map((v) => (v ? 1 : 0));
  else if (w.dtype === "float32") want = w.values.map((v) => Math.fround(num(v)));
  else if (w.dtype === "float64") want = w.values.map(num);
  else want = w.values;
  assert.deepEqual(got, want, `${where}: values`);
}

const asMap = (v: unknown) => {
  assert.ok(v instanceof Map, `expected a dict, got ${v}`);
  return v as Map<unknown, unknown>;
};

describe(".pt written by torch.save (PyTorch " + fixtures.torch_version + ")", () => {
  it("loads the model state dict: Linear, Conv2d, BatchNorm2d (int64 num_batches_tracked), LSTM", () => {
    const sd = asMap(readPt(file("model.pt")));
    const want = fixtures.model.state_dict as Record<string, Want>;
    assert.deepEqual([...sd.keys()], Object.keys(want)); // PyTorch's key order
    for (const [k, w] of Object.entries(want)) assertTensor(sd.get(k), w, k);
    const nbt = sd.get("bn.num_batches_tracked") as RawTensor;
    assert.equal(nbt.dtype, "int64");
    assert.deepEqual(nbt.shape, []);
    assert.equal((nbt.data as BigInt64Array)[0], 3n);
    assert.deepEqual((sd.get("lstm.weight_ih_l0") as RawTensor).shape, [20, 8]);
  });

  it("keeps the non-contiguous buffer a view of its storage, and shared storages shared", () => {
    const sd = asMap(readPt(file("model.pt")));
    const w = fixtures.model.state_dict;
    assert.deepEqual(w.mix.stride, [1, 3]); // saved transposed
    assert.deepEqual(w.mix_row.storage_offset, 3);
    const mix = sd.get("mix") as RawTensor;
    const row = sd.get("mix_row") as RawTensor;
    // mix = base.t() is a strided view of base's 9-element storage, as in PyTorch...
    assert.deepEqual([mix.strides, mix.offset, mix.data.length], [[1, 3], 0, 9]);
    // ...and mix_row = base[1] a subarray of the same memory: row j of base is column j of mix.
    assert.equal(row.data.buffer, mix.data.buffer);
    for (let j = 0; j < 3; j++) assert.equal(row.data[j], mix.data[(mix.offset ?? 0) + j * mix.strides![0]! + 1 * mix.strides![1]!]);
    (row.data as Float32Array)[2] = -7;
    assert.equal(contiguousRaw(mix).data[2 * 3 + 1], -7);
    // out.weight and out2.weight are one storage (tied): same memory, not copies.
    const a = sd.get("out.weight") as RawTensor;
    const b = sd.get("out2.weight") as RawTensor;
    assert.notEqual(a, b);
    assert.equal(a.data.buffer, b.data.buffer);
    (a.data as Float32Array)[0] = 123;
    assert.equal((b.data as Float32Array)[0], 123);
    // ...while storages of different tensors are independent.
    assert.notEqual((sd.get("fc.weight") as RawTensor).data.buffer, a.data.buffer);
  });

  it("reads the same archive re-packed with deflate compression", () => {
    const zip = new ZipArchive(file("model_deflated.pt"));
    assert.ok([...zip.entries.values()].some((e) => e.method === 8), "fixture should hold deflated entries");
    const sd = asMap(readPt(file("model_deflated.pt")));
    for (const [k, w] of Object.entries(fixtures.model.state_dict as Record<string, Want>)) assertTensor(sd.get(k), w, k);
  });

  it("rebuilds offsets, strides, stride-0 expands, scalars, empties and every dtype", () => {
    const v = asMap(readPt(file("views.pt")));
    for (const [k, w] of Object.entries(fixtures.views as Record<string, Want & { stride: number[] }>)) {
      assertTensor(v.get(k), w, k);
      assert.equal((v.get(k) as RawTensor).requiresGrad === true, w.requires_grad === true, `${k}: requiresGrad`);
    }
    assert.deepEqual(fixtures.views.expanded.stride, [0, 1]);
    assert.deepEqual(fixtures.views.slice.storage_offset, 8);
  });

  it("reads plain Python values: lists, tuples, int keys, big ints, None, floats", () => {
    const n = asMap(asMap(readPt(file("views.pt"))).get("nested"));
    assert.deepEqual(n.get("list"), [1, 2.5, "x", null, true]);
    assert.deepEqual([...(n.get("tuple") as number[])], [1, 2]);
    assert.ok(Object.isFrozen(n.get("tuple")), "tuples are frozen arrays");
    assert.deepEqual([...asMap(n.get("int_keys"))], [[0, "a"], [7, "b"]]);
    assert.equal(n.get("big"), 2n ** 70n);
    assert.equal(n.get("neg"), -5);
    assert.equal(n.get("float"), 0.1);
  });

  it("loads an Adam state dict", () => {
    const o = asMap(readPt(file("optim.pt")));
    const check = (got: unknown, want: unknown, where: string): void => {
      if (want && typeof want === "object" && "__tensor__" in want) return assertTensor(got, (want as { __tensor__: Want }).__tensor__, where);
      if (want && typeof want === "object" && "__dict__" in want) {
        const m = asMap(got);
        const pairs = (want as { __dict__: [unknown, unknown][] }).__dict__;
        assert.deepEqual([...m.keys()], pairs.map(([k]) => k), where);
        for (const [k, x] of pairs) check(m.get(k), x, `${where}.${k}`);
        return;
      }
      if (Array.isArray(want)) {
        assert.equal((got as unknown[]).length, want.length, where);
        return want.forEach((x, i) => check((got as unknown[])[i], x, `${where}.${i}`));
      }
      assert.deepEqual(got, want, where);
    };
    check(o, fixtures.optim, "optim");
    const group = (o.get("param_groups") as Map<string, unknown>[])[0]!;
    assert.deepEqual([...(group.get("betas") as number[])], [0.8, 0.99]);
    assert.deepEqual(group.get("params"), [0, 1]);
  });
});

describe("weights_only allow-list", () => {
  it("refuses a pickle that would call os.system, naming the global", () => {
    assert.throws(() => readPt(file("evil.pt")), (e: unknown) => {
      assert.ok(e instanceof UnpicklingError);
      assert.match((e as Error).message, /^Unsupported global: GLOBAL posix\.system/);
      return true;
    });
  });

  const run = (build: (p: Pickler) => void) => {
    const p = new Pickler();
    build(p);
    return () => readPt(writeZip([{ name: "archive/data.pkl", data: p.finish() }]));
  };

  it("refuses builtins and torch globals outside the list, without calling anything", () => {
    for (const [m, n] of [["builtins", "eval"], ["builtins", "getattr"], ["torch", "load"], ["torch.nn.modules.linear", "Linear"], ["__main__", "Net"]]) {
      assert.throws(run((p) => p.global(m!, n!)), new RegExp(`Unsupported global: GLOBAL ${m!.replace(/\./g, "\\.")}\\.${n}`));
    }
    // STACK_GLOBAL (protocol 4) goes through the same check.
    const bytes = new Uint8Array([0x80, 4, 0x8c, 8, ...new TextEncoder().encode("builtins"), 0x8c, 4, ...new TextEncoder().encode("exec"), 0x93, 0x2e]);
    assert.throws(() => unpickle(bytes, { globals: new Map() }), /Unsupported global: GLOBAL builtins\.exec/);
  });

  it("refuses storage types used as functions, BUILD on lists, unknown opcodes, truncation", () => {
    assert.throws(run((p) => { p.global("torch", "FloatStorage"); p.emptyTuple(); p.reduce(); }), /REDUCE on torch\.FloatStorage, which is not callable/);
    assert.throws(run((p) => { p.emptyList(); p.emptyDict(); p.bytes(0x62); }), /BUILD on a list is not supported/);
    assert.throws(run((p) => p.bytes(0x69)), /unsupported pickle opcode 0x69/);
    assert.throws(() => unpickle(new Uint8Array([0x80, 2, 0x58, 10, 0, 0, 0, 0x61]), { globals: new Map() }), /pickle data was truncated/);
    assert.throws(() => unpickle(new Uint8Array([0x80, 2, 0x68, 5]), { globals: new Map() }), /memo value 5 not found/);
    assert.throws(() => unpickle(new Uint8Array([0x80, 2, 0x30]), { globals: new Map() }), /stack underflow/);
  });

  it("refuses a tensor that reaches beyond its storage", () => {
    const p = new Pickler();
    p.global("torch._utils", "_rebuild_tensor_v2");
    p.mark();
    p.mark(); p.string("storage"); p.global("torch", "FloatStorage"); p.string("0"); p.string("cpu"); p.int(4); p.tupleFromMark();
    p.binpersid();
    p.int(1);
    p.mark(); p.int(2); p.int(2); p.tupleFromMark();
    p.mark(); p.int(2); p.int(1); p.tupleFromMark();
    p.bool(false);
    p.global("collections", "OrderedDict"); p.emptyTuple(); p.reduce();
    p.tupleFromMark();
    p.reduce();
    const zip = writeZip([
      { name: "archive/data.pkl", data: p.finish() },
      { name: "archive/data/0", data: new Uint8Array(16) },
    ]);
    assert.throws(() => readPt(zip), /tensor of size \[2, 2\] in storage '0' with offset 1 and stride \[2, 1\] reaches element 4, beyond the storage's 4 elements/);
  });

  it("refuses a storage record whose length disagrees with its numel", () => {
    const bytes = writePt({ w: { dtype: "float32", shape: [2], data: new Float32Array([1, 2]) } });
    const zip = new ZipArchive(bytes);
    const files = [...zip.entries.keys()].map((name) => ({ name, data: name.endsWith("data/0") ? new Uint8Array(4) : zip.read(name) }));
    assert.throws(() => readPt(writeZip(files)), /storage '0' should hold 2 float32 elements \(8 bytes\) but its record has 4 bytes/);
  });

  it("explains legacy and TorchScript files", () => {
    assert.throws(() => readPt(new Uint8Array([0x80, 2, 0x8a, 0x0a])), /legacy \(pre-1\.6, non-zip\) torch\.save file/);
    const ts = writeZip([{ name: "m/constants.pkl", data: new Uint8Array([0x80, 2, 0x29, 0x2e]) }, { name: "m/code/m.py", data: new Uint8Array(1) }]);
    assert.throws(() => readPt(ts), (e: unknown) => e instanceof CheckpointError && /TorchScript archive/.test((e as Error).message));
  });
});

describe(".pt writer", () => {
  const tensors = {
    "fc.weight": { dtype: "float32", shape: [2, 3], data: new Float32Array([1, -2, 3.5, 1e-30, NaN, -0]) } as RawTensor,
    "bn.num_batches_tracked": { dtype: "int64", shape: [], data: new BigInt64Array([7n]) } as RawTensor,
    half: { dtype: "float16", shape: [2], data: new Uint16Array([0x3c00, 0xc100]) } as RawTensor,
    bf: { dtype: "bfloat16", shape: [1], data: new Uint16Array([0x3f80]) } as RawTensor,
    mask: { dtype: "bool", shape: [2, 1], data: new Uint8Array([1, 0]) } as RawTensor,
    i32: { dtype: "int32", shape: [1], data: new Int32Array([-5]) } as RawTensor,
    u8: { dtype: "uint8", shape: [1], data: new Uint8Array([200]) } as RawTensor,
    i8: { dtype: "int8", shape: [1], data: new Int8Array([-3]) } as RawTensor,
    f64: { dtype: "float64", shape: [1], data: new Float64Array([Math.PI]) } as RawTensor,
    empty: { dtype: "float32", shape: [0], data: new Float32Array(0) } as RawTensor,
  };
  const shared = tensors["fc.weight"];
  const obj = {
    model: tensors,
    tied: shared, // the same tensor object again: one storage
    optim: new Map<unknown, unknown>([
      ["state", new Map([[0, new Map<string, unknown>([["step", 3], ["exp_avg", tensors.f64]])]])],
      ["param_groups", [{ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false, foreach: null, params: [0], name: "ünï" }]],
    ]),
    big: 2n ** 80n,
    negative: -(2 ** 40),
  };

  it("round-trips through the reader, sharing the repeated tensor", () => {
    const back = asMap(readPt(writePt(obj)));
    const model = asMap(back.get("model"));
    for (const [k, t] of Object.entries(tensors)) {
      const r = model.get(k) as RawTensor;
      assert.equal(r.dtype, t.dtype, k);
      assert.deepEqual(r.shape, t.shape, k);
      assert.deepEqual(Array.from(r.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>), k);
    }
    assert.equal(back.get("tied"), model.get("fc.weight"));
    const state = asMap(asMap(back.get("optim")).get("state"));
    assert.deepEqual([...state.keys()], [0]);
    assert.equal(back.get("big"), 2n ** 80n);
    assert.equal(back.get("negative"), -(2 ** 40));
  });

  const tensorJson = (t: RawTensor) => ({
    __tensor__: {
      dtype: t.dtype,
      shape: t.shape,
      values: Array.from(t.data as ArrayLike<number | bigint>).map((v) =>
        typeof v === "bigint" ? v.toString() : Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : t.dtype === "bool" ? v === 1 : v,
      ),
    },
  });

  /** Runs the Python checker; returns its output, or null where Python/torch are absent. */
  function pythonCheck(bytes: Uint8Array, expected: unknown, floats: boolean): string | null {
    if (!existsSync(PYTHON)) return null;
    try {
      execFileSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" });
    } catch {
      return null;
    }
    const dir = mkdtempSync(join(tmpdir(), "pt-"));
    try {
      writeFileSync(join(dir, "ts.pt"), bytes);
      writeFileSync(join(dir, "expected.json"), JSON.stringify(expected));
      const args = [TOOL, "check-pt", join(dir, "ts.pt"), join(dir, "expected.json"), ...(floats ? ["floats"] : [])];
      try {
        return execFileSync(PYTHON, args, { encoding: "utf8", stdio: "pipe" });
      } catch (e) {
        const x = e as { stdout?: string; stderr?: string };
        throw new Error(`Python check failed:\n${x.stdout ?? ""}${x.stderr ?? ""}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("writes a state dict that torch.load(weights_only=True) reads back exactly", () => {
    const sd = { ...tensors, "fc2.weight": shared, steps: [1, 2, { k: "v", n: null, b: true }] };
    const bytes = writePt(sd);
    // The reader check runs everywhere...
    const back = asMap(readPt(bytes));
    assert.equal(back.get("fc2.weight"), back.get("fc.weight"));
    // ...and real PyTorch checks the same bytes where it is installed.
    const expected = {
      value: { __dict__: [...Object.entries(tensors).map(([k, t]) => [k, tensorJson(t)]), ["fc2.weight", tensorJson(shared)], ["steps", [1, 2, { __dict__: [["k", "v"], ["n", null], ["b", true]] }]]] },
      same_object: [[["fc.weight"], ["fc2.weight"]]],
    };
    const out = pythonCheck(bytes, expected, false);
    if (out !== null) assert.match(out, /weights_only=True: loaded\nOK pt/);
  });

  it("writes an optimizer state dict (int keys, floats, nested lists) that torch.load reads back", () => {
    const bytes = writePt(obj);
    assert.ok(readPt(bytes) instanceof Map);
    const f = (x: number) => ({ __float__: String(x) });
    const expected = {
      value: {
        __dict__: [
          ["model", { __dict__: Object.entries(tensors).map(([k, t]) => [k, tensorJson(t)]) }],
          ["tied", tensorJson(shared)],
          ["optim", { __dict__: [
            ["state", { __dict__: [[0, { __dict__: [["step", 3], ["exp_avg", tensorJson(tensors.f64)]] }]] }],
            ["param_groups", [{ __dict__: [["lr", f(0.001)], ["betas", [f(0.9), f(0.999)]], ["eps", f(1e-8)], ["amsgrad", false], ["foreach", null], ["params", [0]], ["name", "ünï"]] }]],
          ] }],
          ["big", { __int__: (2n ** 80n).toString() }],
          ["negative", { __int__: String(-(2 ** 40)) }],
        ],
      },
      same_object: [[["model", "fc.weight"], ["tied"]]],
    };
    const out = pythonCheck(bytes, expected, true);
    if (out !== null) assert.match(out, /weights_only=True: (loaded|torch 1\.\d+\S* cannot read pickled floats \(BINFLOAT\))\nOK pt/);
  });

  it("refuses values PyTorch could not read back", () => {
    assert.throws(() => writePt({ f: () => 1 }), /cannot save function at 'f'/);
    assert.throws(() => writePt({ d: new Date() }), /cannot save a Date at 'd'/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.throws(() => writePt(loop), /circular reference at 'self'/);
    assert.throws(() => writePt({ w: { dtype: "float32", shape: [3], data: new Float32Array(2) } }), /tensor 'w': shape \[3\] has 3 elements but data holds 2/);
  });
});

describe("inflate (deflate-compressed zip entries)", () => {
  it("matches node:zlib on varied inputs", () => {
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) / 65536;
    for (const n of [0, 1, 100, 5000, 70000]) {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) data[i] = i % 3 === 0 ? Math.floor(rnd() * 256) : Math.floor(rnd() * 4) + 65;
      for (const level of [0, 1, 9]) {
        const z = new Uint8Array(deflateRawSync(data, { level }));
        assert.deepEqual(inflateRaw(z, n), data, `n=${n} level=${level}`);
      }
    }
  });

  it("refuses sizes a stream cannot produce (zip bombs)", () => {
    const z = new Uint8Array(deflateRawSync(new Uint8Array(100000)));
    assert.throws(() => inflateRaw(z, 1000), /more than the expected 1000 bytes/);
    assert.throws(() => inflateRaw(z, 2 ** 40), /impossible/);
  });
});
