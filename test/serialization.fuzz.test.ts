// Fuzz-style robustness: hundreds of corrupted or truncated checkpoints (deterministic
// PRNG). A corruption the format can detect must throw one of the checkpoint errors; no
// input may crash with another error type, hang, or return a partly loaded result.
//
// What each format can detect: safetensors has no checksum, so a flipped byte inside tensor
// data (or inside a tensor name) is a different but valid file; such a file must then load
// completely and consistently. The .pt zip has a CRC-32 per record, so any change to the
// pickle or a storage is detected; a flip that survives must be in a zip field with no
// bearing on the contents (timestamps, padding), and the result must equal the original.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CheckpointError, SafetensorError, UnpicklingError } from "../src/serialization/errors.ts";
import { loadFromBuffer } from "../src/serialization/index.ts";
import { readPt, writePt } from "../src/serialization/pt.ts";
import { type RawTensor, shapeNumel, DTYPES } from "../src/serialization/rawTensor.ts";
import { decodeSafetensors, encodeSafetensors } from "../src/serialization/safetensors.ts";
import { mulberry32 } from "./xorshift.ts";

const rand = mulberry32(20240611);
const randInt = (n: number) => Math.floor(rand() * n);

const OUR_ERRORS = [SafetensorError, CheckpointError, UnpicklingError];
const isOurs = (e: unknown) => OUR_ERRORS.some((C) => e instanceof C) && (e as Error).message.length > 0;

/** Runs `f`; returns "threw" for one of our errors, else the result. Other exceptions fail the test. */
function attempt<T>(f: () => T, what: string): { threw: true } | { threw: false; value: T } {
  try {
    return { threw: false, value: f() };
  } catch (e) {
    assert.ok(isOurs(e), `${what}: expected a checkpoint error, got ${(e as Error)?.stack ?? e}`);
    return { threw: true };
  }
}

function flip(src: Uint8Array, count: number, lo = 0, hi = src.length): Uint8Array {
  const b = src.slice();
  for (let i = 0; i < count; i++) {
    const p = lo + randInt(hi - lo);
    b[p] = b[p]! ^ (1 + randInt(255)); // always changes the byte
  }
  return b;
}

const stTensors: Record<string, RawTensor> = {
  "conv.weight": { dtype: "float32", shape: [2, 1, 3, 3], data: new Float32Array(18).map((_, i) => i / 7) },
  "conv.bias": { dtype: "float32", shape: [2], data: new Float32Array([0.5, -0.5]) },
  "bn.num_batches_tracked": { dtype: "int64", shape: [], data: new BigInt64Array([3n]) },
  "emb.half": { dtype: "float16", shape: [3], data: new Uint16Array([0x3c00, 0x4000, 0xc000]) },
  mask: { dtype: "bool", shape: [4], data: new Uint8Array([1, 0, 1, 1]) },
};
const st = encodeSafetensors(stTensors, { format: "pt" });
const headerEnd = 8 + Number(new DataView(st.buffer).getBigUint64(0, true));

/** A decoded safetensors result must be complete and self-consistent. */
function assertConsistent(r: ReturnType<typeof decodeSafetensors>, what: string): void {
  for (const [k, t] of Object.entries(r.tensors)) {
    assert.equal(t.data.length, shapeNumel(t.shape), `${what}: ${k}`);
    assert.equal(t.data.BYTES_PER_ELEMENT, DTYPES[t.dtype].itemsize, `${what}: ${k}`);
  }
  const total = Object.values(r.tensors).reduce((s, t) => s + t.data.byteLength, 0);
  assert.equal(total, st.length - headerEnd, `${what}: every data byte belongs to exactly one tensor`);
}

describe("fuzz: safetensors", () => {
  it("every truncation throws (300 lengths)", () => {
    for (let i = 0; i < 300; i++) {
      const len = i < 40 ? i : randInt(st.length);
      const r = attempt(() => decodeSafetensors(st.subarray(0, len)), `truncated to ${len}`);
      assert.ok(r.threw, `truncation to ${len} of ${st.length} bytes was accepted`);
    }
  });

  it("every change of the header length throws (150 values)", () => {
    for (let i = 0; i < 150; i++) {
      const b = st.slice();
      const dv = new DataView(b.buffer);
      const old = dv.getBigUint64(0, true);
      let v = i < 100 ? old + BigInt(randInt(200) - 100) : BigInt(randInt(2 ** 31)) * BigInt(randInt(2 ** 31) + 1);
      if (v === old) v += 1n;
      if (v < 0n) v = 0n;
      dv.setBigUint64(0, v, true);
      assert.ok(attempt(() => decodeSafetensors(b), `header length ${v}`).threw, `header length ${v} accepted`);
    }
  });

  it("every inconsistent header edit throws (200 edits of shapes, offsets, dtypes, entries)", () => {
    const header = JSON.parse(new TextDecoder().decode(st.subarray(8, headerEnd)));
    const names = Object.keys(header).filter((k) => k !== "__metadata__");
    for (let i = 0; i < 200; i++) {
      const h = structuredClone(header);
      const name = names[randInt(names.length)]!;
      const e = h[name];
      switch (i % 5) {
        case 0: // shape dimension changed
          if (e.shape.length === 0) e.shape.push(2);
          else e.shape[randInt(e.shape.length)] += 1 + randInt(5);
          break;
        case 1: // an offset moved
          e.data_offsets[randInt(2)] += (1 + randInt(7)) * (rand() < 0.5 ? -1 : 1);
          if (e.data_offsets[0] < 0) e.data_offsets[0] = e.data_offsets[1] + 1;
          break;
        case 2: // unknown or differently-sized dtype
          e.dtype = ["F8_E5M2", "Q4", "", "f32", "U16", "C64"][randInt(6)];
          break;
        case 3: // an entry removed (leaves a gap or a short buffer)
          delete h[name];
          break;
        case 4: // two entries overlapping
          e.data_offsets = structuredClone(h[names[(names.indexOf(name) + 1) % names.length]!].data_offsets);
          if (JSON.stringify(e) === JSON.stringify(header[name])) e.data_offsets[1] += 1;
          break;
      }
      const json = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + json.length + st.length - headerEnd);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(st.subarray(headerEnd), 8 + json.length);
      assert.ok(attempt(() => decodeSafetensors(out), `edit ${i}`).threw, `edit ${i} (${JSON.stringify(h[name])}) accepted`);
    }
  });

  it("random byte flips anywhere: an error, or a complete consistent file (400 files)", () => {
    let rejected = 0;
    let headerFlipsAccepted = 0;
    for (let i = 0; i < 400; i++) {
      const inHeader = i % 2 === 0;
      const b = inHeader ? flip(st, 1 + randInt(3), 0, headerEnd) : flip(st, 1 + randInt(3));
      const r = attempt(() => decodeSafetensors(b), `flip ${i}`);
      if (r.threw) rejected++;
      else {
        assertConsistent(r.value, `flip ${i}`);
        if (inHeader) headerFlipsAccepted++;
      }
    }
    // Most header corruption is structural; the survivors are flips inside names/metadata
    // strings or trailing padding spaces turned into other whitespace.
    assert.ok(rejected > 300, `only ${rejected} of 400 rejected`);
    assert.ok(headerFlipsAccepted < 30, `${headerFlipsAccepted} of 200 header flips accepted`);
  });
});

describe("fuzz: .pt (zip + pickle)", () => {
  const model = new Uint8Array(readFileSync(new URL("./fixtures/checkpoints/model.pt", import.meta.url)));
  const ours = writePt({
    weight: { dtype: "float32", shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
    state: new Map([[0, { step: 4, list: [1.5, "a", null] }]]),
  });
  for (const [label, src] of [["torch.save fixture", model], ["torch-ts writer", ours]] as const) {
    const original = readPt(src);

    it(`${label}: every truncation throws (250 lengths)`, () => {
      for (let i = 0; i < 250; i++) {
        const len = i < 30 ? src.length - 1 - i : randInt(src.length);
        assert.ok(attempt(() => readPt(src.subarray(0, len)), `truncated to ${len}`).threw, `truncation to ${len} accepted`);
      }
    });

    it(`${label}: random flips and insertions: an error, or exactly the original contents (400 files)`, () => {
      let rejected = 0;
      for (let i = 0; i < 400; i++) {
        let b: Uint8Array;
        if (i % 4 === 3) {
          // insert random bytes at a random position
          const at = randInt(src.length);
          const extra = new Uint8Array(1 + randInt(16)).map(() => randInt(256));
          b = new Uint8Array(src.length + extra.length);
          b.set(src.subarray(0, at));
          b.set(extra, at);
          b.set(src.subarray(at), at + extra.length);
        } else {
          b = flip(src, 1 + randInt(4));
        }
        const r = attempt(() => loadFromBuffer(b, { dicts: "map" }), `mutation ${i}`);
        if (r.threw) rejected++;
        else assert.deepEqual(readPt(b), original, `mutation ${i} was accepted with different contents`);
      }
      assert.ok(rejected > 330, `only ${rejected} of 400 rejected`);
    });
  }

  it("random garbage and garbage with a zip signature throw (100 inputs)", () => {
    for (let i = 0; i < 100; i++) {
      const b = new Uint8Array(randInt(300)).map(() => randInt(256));
      if (i % 2 && b.length > 4) b.set([0x50, 0x4b, 0x03, 0x04]);
      assert.ok(attempt(() => loadFromBuffer(b), `garbage ${i}`).threw);
    }
  });
});
