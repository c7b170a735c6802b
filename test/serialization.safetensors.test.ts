// safetensors: byte-exact agreement with the reference writer, files from an independent
// Python writer, round trips checked by a Python reader written from the spec, and every
// validation error.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SafetensorError } from "../src/serialization/errors.ts";
import type { RawTensor } from "../src/serialization/rawTensor.ts";
import { decodeSafetensors, encodeSafetensors } from "../src/serialization/safetensors.ts";

const FIX = new URL("./fixtures/checkpoints/", import.meta.url);
const fixtures = JSON.parse(readFileSync(new URL("checkpoints.json", FIX), "utf8"));
const PYTHON = "/usr/bin/python3";
const TOOL = new URL("../tools/gen_checkpoint_fixtures.py", import.meta.url).pathname;

const f32 = (shape: number[], v: number[]): RawTensor => ({ dtype: "float32", shape, data: new Float32Array(v) });

/** Builds a file from a header object and a data buffer (for the error cases). */
function craft(header: unknown, data: Uint8Array | number, rawHeader?: string): Uint8Array {
  const d = typeof data === "number" ? new Uint8Array(data) : data;
  const h = new TextEncoder().encode(rawHeader ?? JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

function expectError(bytes: Uint8Array, re: RegExp): void {
  assert.throws(() => decodeSafetensors(bytes), (e: unknown) => {
    assert.ok(e instanceof SafetensorError, `expected SafetensorError, got ${e}`);
    assert.match((e as Error).message, re);
    return true;
  });
}

describe("safetensors encoder", () => {
  it("matches the reference implementation's bytes (its own test vectors)", () => {
    // safetensors/src/tensor.rs test_serialization: {"attn.0": F32 [1,2,3] = 0..5}
    const out = encodeSafetensors({ "attn.0": f32([1, 2, 3], [0, 1, 2, 3, 4, 5]) });
    const header = `{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}`;
    assert.equal(header.length, 64); // already a multiple of 8: no padding
    assert.deepEqual([...out.subarray(0, 8)], [64, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(new TextDecoder().decode(out.subarray(8, 72)), header);
    assert.deepEqual([...out.subarray(72)], [0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]);
    // test_empty: no tensors, with and without metadata
    assert.deepEqual([...encodeSafetensors({})], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const withMeta = encodeSafetensors({}, { framework: "pt" });
    assert.deepEqual([...withMeta.subarray(0, 8)], [40, 0, 0, 0, 0, 0, 0, 0]);
    // test_serialization_forced_alignement: a shorter name forces 7 spaces of padding
    const aligned = encodeSafetensors({ attn0: f32([1, 1, 2, 3], [0, 1, 2, 3, 4, 5]) });
    assert.deepEqual([...aligned.subarray(0, 8)], [72, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(new TextDecoder().decode(aligned.subarray(8, 80)), `{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       `);
    assert.equal(new TextDecoder().decode(withMeta.subarray(8)), `{"__metadata__":{"framework":"pt"}}     `);
  });

  it("orders data by descending dtype then name, so every tensor is aligned to its item size", () => {
    const out = encodeSafetensors({
      z8: { dtype: "uint8", shape: [3], data: new Uint8Array([1, 2, 3]) },
      b32: f32([1], [1]),
      a64: { dtype: "int64", shape: [1], data: new BigInt64Array([5n]) },
      a32: f32([1], [2]),
      h: { dtype: "float16", shape: [1], data: new Uint16Array([0x3c00]) },
    });
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    assert.equal(n % 8, 0);
    const header = JSON.parse(new TextDecoder().decode(out.subarray(8, 8 + n)));
    assert.deepEqual(Object.keys(header), ["a64", "a32", "b32", "h", "z8"]);
    for (const v of Object.values(header) as { dtype: string; data_offsets: number[] }[]) {
      const size = { I64: 8, F32: 4, F16: 2, U8: 1 }[v.dtype]!;
      assert.equal(v.data_offsets[0]! % size, 0);
    }
    assert.deepEqual(header.h.data_offsets, [16, 18]);
  });

  it("refuses tensors whose data does not match their shape", () => {
    assert.throws(() => encodeSafetensors({ w: f32([2, 2], [1, 2, 3]) }), /tensor 'w': shape \[2, 2\] has 4 elements but data holds 3/);
    assert.throws(
      () => encodeSafetensors({ w: { dtype: "int64", shape: [1], data: new Float32Array(1) } as unknown as RawTensor }),
      /tensor 'w': dtype int64 needs a BigInt64Array, got Float32Array/,
    );
  });
});

describe("safetensors decoder", () => {
  it("reads a file written by an independent Python writer (header in name order, spaced JSON)", () => {
    const bytes = new Uint8Array(readFileSync(new URL("reference.safetensors", FIX)));
    const { tensors, metadata } = decodeSafetensors(bytes);
    const want = fixtures.safetensors;
    assert.deepEqual(metadata, want.metadata);
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(want.tensors).sort());
    for (const [name, w] of Object.entries(want.tensors) as [string, { dtype: string; shape: number[]; values: unknown[] }][]) {
      const t = tensors[name]!;
      assert.equal(t.dtype, w.dtype, name);
      assert.deepEqual(t.shape, w.shape, name);
      const got = Array.from(t.data as ArrayLike<number | bigint>);
      const expect = w.dtype === "int64" ? w.values.map((v) => BigInt(v as string)) : w.dtype === "bool" ? w.values.map(Number) : w.values;
      if (w.dtype === "float32") assert.deepEqual(got, (expect as number[]).map(Math.fround), name);
      else assert.deepEqual(got, expect, name);
    }
  });

  it("widens F16 / BF16 to float32 exactly as PyTorch does", () => {
    const bytes = new Uint8Array(readFileSync(new URL("reference.safetensors", FIX)));
    const { tensors } = decodeSafetensors(bytes, { widenHalf: true });
    for (const name of ["e.f16", "f.bf16"]) {
      assert.equal(tensors[name]!.dtype, "float32");
      assert.deepEqual([...tensors[name]!.data as Float32Array], fixtures.safetensors.tensors[name].float32);
    }
  });

  it("round-trips every dtype; a Python reader written from the spec agrees", () => {
    const tensors: Record<string, RawTensor> = {
      "layer.weight": f32([2, 3], [0.5, -1, 2.25, 3, 1e-20, -7.75]),
      "layer.bias": f32([3], [NaN, Infinity, -0]),
      f64: { dtype: "float64", shape: [2], data: new Float64Array([1 / 3, -1e300]) },
      f16: { dtype: "float16", shape: [2], data: new Uint16Array([0x3c00, 0xc100]) },
      bf16: { dtype: "bfloat16", shape: [1, 1], data: new Uint16Array([0x3f80]) },
      steps: { dtype: "int64", shape: [2], data: new BigInt64Array([-(2n ** 62n), 2n ** 53n + 1n]) },
      i32: { dtype: "int32", shape: [], data: new Int32Array([-7]) },
      u8: { dtype: "uint8", shape: [3], data: new Uint8Array([0, 128, 255]) },
      i8: { dtype: "int8", shape: [3], data: new Int8Array([-128, 0, 127]) },
      mask: { dtype: "bool", shape: [2], data: new Uint8Array([1, 0]) },
      empty: f32([0, 4], []),
      "ünïcode \"name\"": f32([1], [42]),
    };
    const metadata = { format: "pt", "with space": "a \"quoted\" value ✓" };
    const bytes = encodeSafetensors(tensors, metadata);

    // TS side, always.
    const back = decodeSafetensors(bytes);
    assert.deepEqual(back.metadata, metadata);
    assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(tensors).sort());
    for (const [k, t] of Object.entries(tensors)) {
      assert.equal(back.tensors[k]!.dtype, t.dtype, k);
      assert.deepEqual(back.tensors[k]!.shape, t.shape, k);
      assert.deepEqual(Array.from(back.tensors[k]!.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>), k);
    }
    // Encoding what was decoded gives the same bytes: the layout is canonical.
    assert.deepEqual(encodeSafetensors(back.tensors, back.metadata), bytes);

    // Python side, where Python exists.
    if (!existsSync(PYTHON)) return;
    const dir = mkdtempSync(join(tmpdir(), "st-"));
    try {
      writeFileSync(join(dir, "ts.safetensors"), bytes);
      const expected = {
        metadata,
        tensors: Object.fromEntries(
          Object.entries(tensors).map(([k, t]) => [
            k,
            {
              dtype: t.dtype,
              shape: t.shape,
              values: Array.from(t.data as ArrayLike<number | bigint>).map((v) =>
                typeof v === "bigint" ? v.toString() : Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : Object.is(v, -0) ? "-0" : v,
              ),
            },
          ]),
        ),
      };
      // JSON has no NaN/Infinity/-0: they travel as strings the checker passes to float().
      writeFileSync(join(dir, "expected.json"), JSON.stringify(expected));
      const out = execFileSync(PYTHON, [TOOL, "check-safetensors", join(dir, "ts.safetensors"), join(dir, "expected.json")], { encoding: "utf8" });
      assert.match(out, /OK safetensors 12 tensors/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const one = { w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };

  it("accepts a minimal valid crafted file", () => {
    const t = decodeSafetensors(craft(one, 8)).tensors.w!;
    assert.deepEqual(t.shape, [2]);
  });

  it("a header of 128 + 256k bytes (first byte 0x80, like a pickle's PROTO) is still read as safetensors", async () => {
    const { loadFromBuffer } = await import("../src/serialization/index.ts");
    for (const pad of [128, 384, 640]) {
      const header = { x: { dtype: "F32", shape: [1], data_offsets: [0, 4] } };
      const json = JSON.stringify(header);
      const bytes = craft(header, new Uint8Array(new Float32Array([2.5]).buffer), json + " ".repeat(pad - json.length));
      assert.equal(bytes[0], 0x80);
      const got = loadFromBuffer(bytes) as Record<string, RawTensor>;
      assert.deepEqual(Array.from(got.x!.data as Float32Array), [2.5]);
    }
  });
  it("rejects a header length beyond the file", () => {
    const b = craft(one, 8);
    new DataView(b.buffer).setBigUint64(0, 1000n, true);
    expectError(b, /header length 1000 points beyond the end of the \d+-byte file/);
    new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true);
    expectError(b, /exceeds the 100000000-byte limit/);
    expectError(new Uint8Array(5), /too small/);
  });

  it("rejects invalid JSON, non-UTF-8, non-object headers", () => {
    expectError(craft(null, 8, `{"w": {"dtype": "F32",`), /header is not valid JSON/);
    expectError(craft(null, 0, `[1, 2]`), /does not start with '\{'/);
    const b = craft(null, 0, `{"\xff"}`);
    b[10] = 0xff;
    expectError(b, /not valid UTF-8/);
  });

  it("rejects offsets outside the data buffer, naming the tensor", () => {
    expectError(craft({ w: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, 8), /tensor 'w': data_offsets \[0, 16\] lie outside the 8-byte data buffer/);
  });

  it("rejects overlapping, out-of-order and gapped offsets", () => {
    expectError(
      craft({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, 12),
      /tensor 'b': data_offsets \[4, 12\] overlap the previous tensor/,
    );
    expectError(craft({ a: { dtype: "F32", shape: [0], data_offsets: [8, 4] } }, 8), /tensor 'a': data_offsets \[8, 4\] end before they begin/);
    expectError(
      craft({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, b: { dtype: "F32", shape: [1], data_offsets: [8, 12] } }, 12),
      /tensor 'b': data_offsets \[8, 12\] leave a gap after byte 4/,
    );
    expectError(craft(one, 12), /tensors cover 8 bytes but the data buffer holds 12/);
  });

  it("rejects a shape that does not match the byte length", () => {
    expectError(craft({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, 8), /tensor 'w': shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] span 8/);
    expectError(craft({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 8] } }, 8), /tensor 'w': invalid shape \[-1\]/);
    expectError(craft({ w: { dtype: "F32", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, 8), /tensor 'w': invalid shape/);
  });

  it("rejects unknown dtypes and malformed entries", () => {
    expectError(craft({ w: { dtype: "F8_E4M3", shape: [8], data_offsets: [0, 8] } }, 8), /tensor 'w': unsupported dtype "F8_E4M3"/);
    expectError(craft({ w: { shape: [2], data_offsets: [0, 8] } }, 8), /tensor 'w': missing or non-string dtype/);
    expectError(craft({ w: [1] }, 0), /tensor 'w': header entry must be an object/);
    expectError(craft({ w: { dtype: "F32", shape: [2], data_offsets: [0] } }, 8), /tensor 'w': data_offsets must be two non-negative integers/);
    expectError(craft({ __metadata__: { a: 1 } }, 0), /__metadata__\['a'\] must be a string/);
  });

  it("refuses a tensor named __metadata__ when writing", () => {
    assert.throws(() => encodeSafetensors({ __metadata__: f32([1], [1]) }), SafetensorError);
  });
});
