// torch.save / torch.load over a pluggable tensor adapter (tested with a fake Tensor class),
// nested objects in safetensors, format selection, and atomic writes under injected failures
// and a simulated crash.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, beforeEach, describe, it } from "node:test";
import { atomicWriteFileSync } from "../src/serialization/file.ts";
import {
  type RawTensor,
  load,
  loadFromBuffer,
  loadMetadataFromBuffer,
  save,
  saveToBuffer,
  setTensorAdapter,
} from "../src/serialization/index.ts";

/** Stands in for the Tensor class: what matters is that the adapter is the only bridge. */
class FakeTensor {
  constructor(readonly dtype: RawTensor["dtype"], readonly shape: number[], readonly values: RawTensor["data"]) {}
}
let toRawCalls = 0;
const adapter = {
  isTensor: (x: unknown) => x instanceof FakeTensor,
  toRaw: (t: unknown): RawTensor => {
    toRawCalls++;
    const f = t as FakeTensor;
    return { dtype: f.dtype, shape: f.shape, data: f.values };
  },
  fromRaw: (r: RawTensor) => new FakeTensor(r.dtype, r.shape, r.data),
};
const ft = (shape: number[], v: number[]) => new FakeTensor("float32", shape, new Float32Array(v));

const dir = fs.mkdtempSync(join(tmpdir(), "torch-ts-ckpt-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
setTensorAdapter(adapter);
beforeEach(() => setTensorAdapter(adapter));
after(() => setTensorAdapter(null));

const FIX = new URL("./fixtures/checkpoints/", import.meta.url);
const fixtures = JSON.parse(fs.readFileSync(new URL("checkpoints.json", FIX), "utf8"));

describe("torch.save / torch.load with a tensor adapter", () => {
  it("saves a flat state dict as plain safetensors and loads it back as adapter tensors", () => {
    const sd = { "fc1.weight": ft([2, 2], [1, 2, 3, 4]), "fc1.bias": ft([2], [0.5, -0.5]) };
    const path = join(dir, "model.safetensors");
    save(sd, path);
    const bytes = new Uint8Array(fs.readFileSync(path));
    assert.deepEqual(loadMetadataFromBuffer(bytes), { format: "pt" }); // what transformers checks
    const back = load(path) as Record<string, FakeTensor>;
    assert.deepEqual(Object.keys(back).sort(), ["fc1.bias", "fc1.weight"]);
    assert.ok(back["fc1.weight"] instanceof FakeTensor);
    assert.deepEqual(back["fc1.weight"]!.shape, [2, 2]);
    assert.deepEqual(Array.from(back["fc1.weight"]!.values as Float32Array), [1, 2, 3, 4]);
  });

  it("keeps nested optimizer state in safetensors (structure in __metadata__), tensor identity included", () => {
    const m = ft([2], [0.1, 0.2]);
    const state = {
      state: new Map<number, unknown>([[0, { step: 3, exp_avg: m, exp_avg_sq: ft([2], [1e-8, 2e-8]) }]]),
      param_groups: [{ lr: 0.001, betas: [0.9, 0.999], eps: NaN, big: 2n ** 70n, maximize: false, foreach: null, params: [0] }],
      alias: m,
      "odd.key": { __proto__x: Infinity, "-0": -0 },
    };
    toRawCalls = 0;
    const bytes = saveToBuffer(state);
    assert.equal(toRawCalls, 2, "each distinct tensor converted once");
    const meta = loadMetadataFromBuffer(bytes);
    assert.ok(meta["torch-ts.structure"]);
    const back = loadFromBuffer(bytes) as typeof state;
    const s0 = back.state.get(0) as { step: number; exp_avg: FakeTensor };
    assert.equal(s0.step, 3);
    assert.ok(s0.exp_avg instanceof FakeTensor);
    assert.equal(back.alias, s0.exp_avg, "the same tensor saved twice loads as one object");
    assert.deepEqual(Array.from(s0.exp_avg.values as Float32Array), Array.from(new Float32Array([0.1, 0.2])));
    const g = back.param_groups[0]!;
    assert.ok(Number.isNaN(g.eps));
    assert.equal(g.big, 2n ** 70n);
    assert.deepEqual(g.betas, [0.9, 0.999]);
    assert.equal(back["odd.key"].__proto__x, Infinity);
    assert.ok(Object.is(back["odd.key"]["-0"], -0));
  });

  it("picks the .pt format from the extension; torch.load detects the format from the bytes", () => {
    const path = join(dir, "ckpt.pth");
    save({ w: ft([1], [7]), n: 5 }, path);
    const bytes = fs.readFileSync(path);
    assert.equal(bytes.subarray(0, 4).toString("latin1"), "PK\x03\x04");
    const back = load(path) as { w: FakeTensor; n: number };
    assert.equal(back.n, 5);
    assert.deepEqual(Array.from(back.w.values as Float32Array), [7]);
    // explicit format wins over the extension
    const other = join(dir, "ckpt2.pth");
    save({ w: ft([1], [8]) }, other, { format: "safetensors" });
    assert.notEqual(fs.readFileSync(other).subarray(0, 2).toString("latin1"), "PK");
    assert.deepEqual(Array.from((load(other) as { w: FakeTensor }).w.values as Float32Array), [8]);
  });

  it("loads PyTorch's model.pt through the adapter, with the state dict's _metadata", () => {
    const sd = load(new URL("model.pt", FIX).pathname) as Record<string, FakeTensor> & { _metadata: Record<string, { version: number }> };
    assert.deepEqual(Object.keys(sd), Object.keys(fixtures.model.state_dict));
    for (const v of Object.values(sd)) assert.ok(v instanceof FakeTensor);
    assert.equal(sd["bn.num_batches_tracked"]!.dtype, "int64");
    assert.equal(sd._metadata.bn!.version, 2); // BatchNorm's _version, read by its _load_from_state_dict
    assert.ok(!Object.keys(sd).includes("_metadata"));
  });

  it("returns dicts as Maps on request (keeps int keys of optimizer state)", () => {
    const o = load(new URL("optim.pt", FIX).pathname, { dicts: "map" }) as Map<string, unknown>;
    assert.deepEqual([...(o.get("state") as Map<unknown, unknown>).keys()], [0, 1]);
    const plain = load(new URL("optim.pt", FIX).pathname) as { state: Record<string, unknown> };
    assert.deepEqual(Object.keys(plain.state), ["0", "1"]);
  });

  it("widens float16 / bfloat16 to float32 by default, keeps raw bits on request", () => {
    const path = new URL("views.pt", FIX).pathname;
    const wide = load(path) as Record<string, FakeTensor>;
    assert.equal(wide.f16!.dtype, "float32");
    assert.deepEqual(Array.from(wide.f16!.values as Float32Array), fixtures.views.f16.float32.map((v: number | string) => Number(v)));
    const raw = load(path, { widenHalf: false }) as Record<string, FakeTensor>;
    assert.equal(raw.f16!.dtype, "float16");
    assert.deepEqual(Array.from(raw.f16!.values as Uint16Array), fixtures.views.f16.values);
  });

  it("passes RawTensor records through when no adapter is set", () => {
    setTensorAdapter(null);
    const t: RawTensor = { dtype: "int32", shape: [2], data: new Int32Array([4, 5]) };
    for (const format of ["safetensors", "pt"] as const) {
      const back = loadFromBuffer(saveToBuffer({ t }, { format })) as { t: RawTensor };
      assert.deepEqual(back.t, { dtype: "int32", shape: [2], data: new Int32Array([4, 5]) });
    }
  });

  it("refuses what cannot be saved, naming where it is", () => {
    assert.throws(() => saveToBuffer({ a: { b: () => 0 } }), /cannot save function at 'a.b'/);
    assert.throws(() => saveToBuffer({ a: [undefined] }), /cannot save undefined at 'a.0'/);
    assert.throws(() => saveToBuffer({ a: new Set() }, { format: "pt" }), /cannot save a Set at 'a'/);
  });
});

describe("atomic save", () => {
  const target = join(dir, "atomic.safetensors");
  const good = saveToBuffer({ w: ft([3], [1, 2, 3]) });
  const tmpFiles = () => fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"));

  it("a failing write (disk full) leaves the previous checkpoint intact and no temp file", () => {
    fs.writeFileSync(target, good);
    let written = 0;
    const fullDisk = {
      ...fs,
      writeSync: (fd: number, buf: Uint8Array, off: number, len: number) => {
        if (written > 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        written = fs.writeSync(fd, buf, off, Math.min(len, 10));
        return written;
      },
    } as typeof fs;
    const bigger = saveToBuffer({ w: ft([1000], new Array(1000).fill(9)) });
    assert.throws(() => atomicWriteFileSync(target, bigger, fullDisk), /ENOSPC/);
    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), good);
    assert.deepEqual(tmpFiles(), []);
  });

  it("a failing rename leaves the previous checkpoint intact and no temp file", () => {
    fs.writeFileSync(target, good);
    const badRename = { ...fs, renameSync: () => { throw new Error("EXDEV: simulated"); } } as unknown as typeof fs;
    assert.throws(() => atomicWriteFileSync(target, new Uint8Array(5), badRename), /EXDEV/);
    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), good);
    assert.deepEqual(tmpFiles(), []);
  });

  it("a process killed mid-save leaves the previous checkpoint intact", () => {
    fs.writeFileSync(target, good);
    const fileTs = new URL("../src/serialization/file.ts", import.meta.url).pathname;
    const child = join(dir, "crash.ts");
    fs.writeFileSync(
      child,
      `import * as fs from "node:fs";
import { atomicWriteFileSync } from ${JSON.stringify(fileTs)};
// The process dies after the data is written, before the rename.
const dying = { ...fs, fsyncSync: () => process.kill(process.pid, "SIGKILL") };
atomicWriteFileSync(${JSON.stringify(target)}, new Uint8Array(4096).fill(7), dying as typeof fs);
`,
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", child], { encoding: "utf8" });
    assert.equal(r.signal, "SIGKILL", r.stderr);
    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), good);
    assert.deepEqual(loadFromBuffer(new Uint8Array(fs.readFileSync(target))) !== undefined, true);
    for (const f of tmpFiles()) fs.unlinkSync(join(dir, f)); // a crash can leave the hidden temp file
  });

  it("replaces the file and keeps its permissions", () => {
    fs.writeFileSync(target, good);
    fs.chmodSync(target, 0o600);
    const next = saveToBuffer({ w: ft([1], [42]) });
    atomicWriteFileSync(target, next);
    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), next);
    assert.equal(fs.statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(tmpFiles(), []);
  });
});
