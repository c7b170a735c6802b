// The reduction kernels of the communication thread, against plain arithmetic (BigInt for
// int64), and the streaming of a message that arrives in arbitrary, misaligned pieces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RED, RED_NAMES, divide, reduceInto, unsupportedReduction, type RedCode, type WireDType } from "../../src/distributed/wire/reduce.ts";
import { Expect, copyInto, reduceIntoRegion } from "../../src/distributed/wire/inbox.ts";
import { xorshift32 } from "../xorshift.ts";
import { combine } from "./reference.ts";

/** Uniform numbers in [0, 1) from xorshift32. */
class Rng {
  private readonly next32: () => number;
  constructor(seed: number) {
    this.next32 = xorshift32(seed);
  }
  next(): number {
    return this.next32() / 2 ** 32;
  }
}

const OPS = Object.values(RED) as RedCode[];

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function sample(dtype: WireDType, n: number, rng: Rng): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array {
  switch (dtype) {
    case "float32": return Float32Array.from({ length: n }, (_, i) => (i === 3 ? NaN : (rng.next() - 0.5) * 100));
    case "float64": return Float64Array.from({ length: n }, (_, i) => (i === 5 ? NaN : (rng.next() - 0.5) * 1e6));
    case "int32": return Int32Array.from({ length: n }, () => Math.floor((rng.next() - 0.5) * 2 ** 32));
    case "int64": return BigInt64Array.from({ length: n }, () => BigInt.asIntN(64, (BigInt(Math.floor(rng.next() * 2 ** 32)) << 32n) | BigInt(Math.floor(rng.next() * 2 ** 32))));
    case "bool": return Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
  }
}

test("reduceInto: every dtype and op, element by element (int64 across the 32-bit carry, NaN wins MIN/MAX)", () => {
  const rng = new Rng(7);
  for (const dtype of ["float32", "float64", "int32", "int64", "bool"] as WireDType[]) {
    for (const op of OPS) {
      if (unsupportedReduction(dtype, op)) continue;
      const a = sample(dtype, 257, rng), b = sample(dtype, 257, rng);
      if (dtype === "int64") {
        (a as BigInt64Array)[0] = 0xffffffffn; (b as BigInt64Array)[0] = 1n; // carry into the high word
        (a as BigInt64Array)[1] = -1n; (b as BigInt64Array)[1] = -0x100000000n;
      }
      const want = Array.from(a as ArrayLike<number | bigint>, (v, i) => {
        const r = combine(dtype, op, v, (b as ArrayLike<number | bigint>)[i]);
        return typeof r === "boolean" ? Number(r) : r;
      });
      reduceInto(dtype, op, bytesOf(a), bytesOf(b), a.length);
      const got = Array.from(a as ArrayLike<number | bigint>);
      for (let i = 0; i < got.length; i++) {
        const ok = Object.is(got[i], want[i]) || got[i] === want[i];
        assert.ok(ok, `${dtype} ${RED_NAMES[op]} element ${i}: ${String(got[i])} vs ${String(want[i])}`);
      }
    }
  }
});

test("unsupported reductions are named as PyTorch names them", () => {
  assert.equal(unsupportedReduction("float32", RED.BAND), "Cannot use ReduceOp.BAND with float32 tensors");
  assert.equal(unsupportedReduction("bool", RED.AVG), "Cannot use ReduceOp.AVG with bool tensors");
  assert.equal(unsupportedReduction("int64", RED.BXOR), null);
});

test("divide: floats divide, integers truncate toward zero (NCCL's ncclAvg)", () => {
  const f = Float32Array.of(3, -3, 1);
  divide("float32", bytesOf(f), 3, 2);
  assert.deepEqual([...f], [1.5, -1.5, 0.5]);
  const i = Int32Array.of(7, -7);
  divide("int32", bytesOf(i), 2, 2);
  assert.deepEqual([...i], [3, -3]);
  const l = BigInt64Array.of(7n, -7n, 1n << 60n);
  divide("int64", bytesOf(l), 3, 2);
  assert.deepEqual([...l], [3n, -3n, 1n << 59n]);
});

test("a reduction streamed in random, misaligned pieces equals the whole one", () => {
  const rng = new Rng(11);
  for (const dtype of ["float32", "float64", "int64", "int32"] as WireDType[]) {
    const n = 1000;
    const acc = sample(dtype, n, rng), src = sample(dtype, n, rng);
    const whole = acc.slice() as typeof acc;
    reduceInto(dtype, RED.SUM, bytesOf(whole), bytesOf(src), n);
    const bytes = bytesOf(src);
    // pieces of random lengths copied to odd offsets of a bigger buffer, as socket reads land
    const e = new Expect(bytes.length, reduceIntoRegion(dtype, RED.SUM, bytesOf(acc)));
    for (let o = 0; o < bytes.length; ) {
      const len = Math.min(bytes.length - o, 1 + Math.floor(rng.next() * 37));
      const host = new Uint8Array(len + 3);
      host.set(bytes.subarray(o, o + len), 3);
      e.write(host.subarray(3, 3 + len));
      o += len;
      assert.ok(e.applied % (dtype === "float32" || dtype === "int32" ? 4 : 8) === 0);
    }
    assert.equal(e.applied, bytes.length);
    assert.deepEqual(Array.from(acc as ArrayLike<unknown>).map(String), Array.from(whole as ArrayLike<unknown>).map(String), dtype);
  }
});

test("an Expect writes a region only below what has been sent from it, and refuses extra bytes", async () => {
  const dst = new Uint8Array(4);
  const waiters: Array<[number, () => void]> = [];
  const mark = { value: 1, reach: (upTo: number) => new Promise<void>((r) => waiters.push([upTo, r])) };
  const advance = (v: number): void => {
    mark.value = v;
    for (const [u, r] of waiters) if (u <= v) r();
  };
  const e = new Expect(4, copyInto(dst), undefined, mark);
  assert.equal(e.direct(4)?.length, 1, "only the byte already sent may be read straight into the region");
  const scratch = Uint8Array.of(1, 2, 3, 4);
  e.write(scratch.subarray(0, 2));
  e.write(scratch.subarray(2, 4));
  scratch.fill(9); // the reader reuses its memory: held pieces were copied
  assert.deepEqual([...dst], [0, 0, 0, 0]);
  advance(2);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual([...dst], [1, 2, 0, 0]);
  advance(4);
  await e.done.promise;
  assert.deepEqual([...dst], [1, 2, 3, 4]);
  const small = new Expect(2, () => {});
  small.write(Uint8Array.of(1, 2, 3));
  await assert.rejects(small.done.promise, /3 bytes where 2 were expected/);
});
