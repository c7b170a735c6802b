// src/random/libm/ against glibc 2.36's libm (__log_fma, __sin_fma, __cos_fma), bit for bit.
// Fixture: tools/gen_libm_fixtures.py, which calls the real libm.so.6 through ctypes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as libm from "../src/random/libm.ts";
import { fma } from "../src/random/libm/fma64.ts";
import { log } from "../src/random/libm/log.ts";
import { cos, sin } from "../src/random/libm/sincos.ts";
import { xorshift32 } from "./xorshift.ts";

const fx = JSON.parse(readFileSync(new URL("./fixtures/libm.json", import.meta.url), "utf8")) as Record<
  "log" | "sin" | "cos",
  string[]
>;

const view = new DataView(new ArrayBuffer(8));
function fromHex(h: string): number {
  view.setUint32(0, parseInt(h.slice(0, 8), 16));
  view.setUint32(4, parseInt(h.slice(8), 16));
  return view.getFloat64(0);
}
function toHex(x: number): string {
  view.setFloat64(0, x);
  return view.getUint32(0).toString(16).padStart(8, "0") + view.getUint32(4).toString(16).padStart(8, "0");
}

const ports = { log, sin, cos } as const;
const v8 = { log: Math.log, sin: Math.sin, cos: Math.cos } as const;

describe("glibc log/sin/cos ports", () => {
  for (const name of ["log", "sin", "cos"] as const) {
    it(`${name} matches glibc bit for bit on ${fx[name].length} inputs`, () => {
      let v8Differs = 0;
      for (const c of fx[name]) {
        const [xh, yh] = c.split(":") as [string, string];
        const x = fromHex(xh);
        const expected = fromHex(yh);
        const got = ports[name](x);
        if (Number.isNaN(expected)) {
          // glibc's NaN payload/sign is not observable through JS arithmetic; only NaN-ness is.
          assert.ok(Number.isNaN(got), `${name}(${x}) is ${got}, glibc gives NaN`);
          continue;
        }
        if (!Object.is(got, expected)) {
          assert.fail(`${name}(${x} = 0x${xh}) is ${got} (0x${toHex(got)}), glibc gives ${expected} (0x${yh})`);
        }
        if (!Object.is(v8[name](x), expected)) v8Differs++;
      }
      // The fixture must contain inputs where V8's fdlibm-based Math.* rounds differently,
      // otherwise it could not tell the ports apart from Math.*.
      assert.ok(v8Differs >= 10, `${name}: only ${v8Differs} fixture values where Math.${name} differs`);
    });
  }

  it("special values", () => {
    assert.equal(log(0), -Infinity);
    assert.equal(log(-0), -Infinity);
    assert.equal(log(1), 0);
    assert.ok(Object.is(log(1), 0));
    assert.equal(log(Infinity), Infinity);
    assert.ok(Number.isNaN(log(-1)));
    assert.ok(Number.isNaN(log(-Infinity)));
    assert.ok(Number.isNaN(log(NaN)));
    assert.ok(Object.is(sin(-0), -0));
    assert.equal(cos(-0), 1);
    for (const x of [Infinity, -Infinity, NaN]) {
      assert.ok(Number.isNaN(sin(x)));
      assert.ok(Number.isNaN(cos(x)));
    }
  });

  it("src/random/libm.ts routes every caller to the ports", () => {
    assert.equal(libm.log, log);
    assert.equal(libm.sin, sin);
    assert.equal(libm.cos, cos);
  });
});

// Exact a*b + c rounded to nearest-even, with BigInt (test only).
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function decompose(x: number): [bigint, number] {
  f64[0] = x;
  const b = u64[0]!;
  const sign = b >> 63n ? -1n : 1n;
  const e = Number((b >> 52n) & 0x7ffn);
  const m = b & ((1n << 52n) - 1n);
  return e === 0 ? [sign * m, -1074] : [sign * (m | (1n << 52n)), e - 1075];
}
function exactFma(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const e = Math.min(ea + eb, ec);
  const s = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
  if (s === 0n) return a * b + c; // sign of an exact zero follows IEEE addition
  const m = s < 0n ? -s : s;
  const shift = Math.max(m.toString(2).length - 53, -1074 - e);
  let q = m;
  if (shift > 0) {
    const sh = BigInt(shift);
    q = m >> sh;
    const rem = m - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  } else q = m << BigInt(-shift);
  const v = Number(q) * 2 ** (e + shift);
  return s < 0n ? -v : v;
}

describe("fma (libm/fma64.ts)", () => {
  const next = xorshift32(0x2545f491);
  const rnd = (): number => next() / 2 ** 32;
  const check = (a: number, b: number, c: number): void => {
    const want = exactFma(a, b, c);
    const got = fma(a, b, c);
    if (!Object.is(got, want)) assert.fail(`fma(${a}, ${b}, ${c}) is ${got}, exact rounding gives ${want}`);
  };

  it("matches exact rounding on random operands, cancellations and near-halfway sums", () => {
    for (let i = 0; i < 20000; i++) {
      const a = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20);
      const b = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20);
      check(a, b, (rnd() - 0.5) * 2 ** Math.floor(rnd() * 60 - 30));
      check(a, b, -(a * b) * (1 + (rnd() - 0.5) * 2 ** -Math.floor(rnd() * 50)));
      check(a, b, -(a * b));
    }
  });

  it("rounds correctly when c + round(a*b) is exactly halfway (the double-rounding case)", () => {
    // a*b = 2^-53 * (1 - tiny) and c = 1 + j*2^-52: c + round(a*b) is a tie that the product's
    // rounding error decides; the naive a*b + c gets about half of these wrong.
    let naiveWrong = 0;
    for (let i = 0; i < 4000; i++) {
      const k = 27 + Math.floor(rnd() * 26);
      const scale = 2 ** Math.floor(rnd() * 20 - 10);
      const a = 2 ** -53 * (1 + Math.floor(rnd() * 4 + 1) * 2 ** -k) * scale;
      const b = (1 + (rnd() < 0.5 ? -1 : 1) * Math.floor(rnd() * 4 + 1) * 2 ** -k) / scale;
      const c = (1 + Math.floor(rnd() * 64) * 2 ** -52) * (rnd() < 0.5 ? 1 : -1);
      check(a, b, c);
      check(-a, b, c);
      if (a * b + c !== exactFma(a, b, c)) naiveWrong++;
    }
    assert.ok(naiveWrong > 100, `only ${naiveWrong} cases where the naive sum is wrong`);
  });
});
