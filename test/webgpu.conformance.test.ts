// The webgpu backend's kernels against the CPU backend's, kernel by kernel: random inputs,
// contiguous, transposed, broadcast (stride 0), offset, odd-sized and empty operands. float32
// results are compared with the tolerance stated per op (the CPU accumulates in float64 and
// uses JavaScript's double-precision Math; the device computes in float32): a result passes
// when |gpu - cpu| <= atol + rtol * |cpu|, with NaN matching NaN and infinities matching
// exactly. Integer, bool and int64 results must be equal.
//
// Runs where a WebGPU adapter exists (on Linux without a GPU: Dawn on SwiftShader, which
// tools/run-tests.sh sets up when Debian's chromium is installed); elsewhere the suite is
// reported as skipped, with the reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { allocate, type DType, type NumArray, type Storage } from "../src/dtype.ts";
import { contiguousStrides } from "../src/layout.ts";
import type { BinaryOp, Im2colGeometry, Operand, ReduceOp, StridedView, UnaryOp } from "../src/backends/backend.ts";
import { cpu } from "../src/backends/cpu/index.ts";
import { webgpuUnavailable } from "./devices.ts";
import { initWebGPU, type GPUArray, type WebGPUBackend } from "../src/backends/webgpu/index.ts";
import { xorshift32 } from "./xorshift.ts";

const acquired: WebGPUBackend | Error = await initWebGPU().catch((e: Error) => e);
const skip = acquired instanceof Error ? webgpuUnavailable(acquired) : false;
if (skip) console.log(skip);
const gpu = acquired as WebGPUBackend;

// ---- data ------------------------------------------------------------------------------

function rng(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 2 ** 32;
}

/** float32 values uniform in [lo, hi), with NaN, +-inf, +-0 sprinkled in at rate p. */
function floats(n: number, seed: number, lo = -3, hi = 3, p = 0): Float32Array {
  const u = rng(seed);
  const specials = [NaN, Infinity, -Infinity, 0, -0];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = u() < p ? specials[Math.floor(u() * specials.length)]! : lo + (hi - lo) * u();
  return out;
}

function ints(n: number, seed: number, lo = -20, hi = 20): Int32Array {
  const u = rng(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor((hi - lo) * u()));
}

function bools(n: number, seed: number): Uint8Array {
  const u = rng(seed);
  return Uint8Array.from({ length: n }, () => (u() < 0.5 ? 1 : 0));
}

function hostData(dtype: DType, n: number, seed: number): Storage {
  if (dtype === "float32") return floats(n, seed);
  if (dtype === "int32") return ints(n, seed);
  if (dtype === "bool") return bools(n, seed);
  const u = rng(seed);
  return BigInt64Array.from({ length: n }, () => BigInt(Math.floor((u() - 0.5) * 2 ** 40)) * (u() < 0.1 ? 1n << 20n : 1n));
}

interface Pair<T = Storage> {
  host: StridedView<T>;
  dev: StridedView<GPUArray>;
}

/** The same view of the same data on both backends. */
function pair(data: Storage, dtype: DType, shape: number[], strides = contiguousStrides(shape), offset = 0): Pair {
  return { host: { data, shape, strides, offset }, dev: { data: gpu.upload(data, dtype), shape, strides, offset } };
}

/** Layouts of a logical shape [a, b]: contiguous, transposed storage, broadcast rows, with an offset. */
function layouts2d(a: number, b: number, dtype: DType, seed: number): Array<[string, Pair]> {
  const n = a * b;
  return [
    ["contiguous", pair(hostData(dtype, n, seed), dtype, [a, b])],
    ["transposed", pair(hostData(dtype, n, seed + 1), dtype, [a, b], [1, a])],
    ["broadcast rows", pair(hostData(dtype, b, seed + 2), dtype, [a, b], [0, 1])],
    ["offset 3, row stride b+2", pair(hostData(dtype, 3 + a * (b + 2), seed + 3), dtype, [a, b], [b + 2, 1], 3)],
  ];
}

// ---- comparison ------------------------------------------------------------------------

interface Tol {
  rtol: number;
  atol: number;
}
const EXACT: Tol = { rtol: 0, atol: 0 };

function assertClose(got: ArrayLike<number | bigint>, want: ArrayLike<number | bigint>, tol: Tol, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (typeof w === "bigint" || typeof g === "bigint") {
      assert.equal(BigInt(g), BigInt(w), `${what} [${i}]`);
      continue;
    }
    if (w !== w) {
      assert.ok(g !== g, `${what} [${i}]: got ${g}, want NaN`);
      continue;
    }
    if (!Number.isFinite(w)) {
      assert.equal(g, w, `${what} [${i}]`);
      continue;
    }
    const ok = Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w);
    if (!ok) assert.fail(`${what} [${i}]: got ${g}, want ${w} (rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

async function read(a: GPUArray): Promise<Storage> {
  return gpu.read(a, a.dtype);
}

/** Runs a kernel on both backends into fresh outputs of dtype/length, and compares. */
async function compare(what: string, dtype: DType, n: number, run: (out: NumArray | GPUArray, onGpu: boolean) => void, tol: Tol): Promise<void> {
  const hostOut = allocate(dtype, n) as NumArray;
  const devOut = gpu.empty(dtype, n);
  run(hostOut, false);
  run(devOut, true);
  assertClose(await read(devOut), hostOut, tol, what);
}

const scalar = (v: number, shape: number[]): StridedView<Float64Array> => ({ data: new Float64Array([v]), shape, strides: shape.map(() => 0), offset: 0 });

// ---- tolerances (float32 on the device against the CPU's float64 arithmetic) ---------------

const TOL: Record<string, Tol> = {
  exact: EXACT,
  // one float32 rounding of an exact or correctly rounded result
  rounding: { rtol: 1.2e-7, atol: 0 },
  // WGSL's exp/log/exp2 (a few ulp) and the functions built on them
  transcendental: { rtol: 4e-6, atol: 1e-6 },
  pow: { rtol: 2e-5, atol: 1e-6 },
  // float32 sums of n terms against float64 sums
  sum: { rtol: 1e-5, atol: 1e-5 },
  matmul: { rtol: 1e-5, atol: 2e-5 },
};

// (the bitwise ops, on integers and bool only, have a test of their own)
const UNARY_TOL: Record<Exclude<UnaryOp, "bitwiseNot">, Tol> = {
  neg: TOL.exact!, abs: TOL.exact!, sign: TOL.exact!, relu: TOL.exact!, logicalNot: TOL.exact!, isnan: TOL.exact!, isfinite: TOL.exact!,
  sqrt: TOL.rounding!, rsqrt: { rtol: 3e-7, atol: 0 },
  exp: TOL.transcendental!, log: TOL.transcendental!, log1p: TOL.transcendental!, expm1: TOL.transcendental!,
  sin: TOL.transcendental!, cos: TOL.transcendental!, tan: TOL.transcendental!, tanh: TOL.transcendental!, sigmoid: TOL.transcendental!,
  floor: TOL.exact!, ceil: TOL.exact!, round: TOL.exact!, trunc: TOL.exact!, signbit: TOL.exact!,
  log2: TOL.transcendental!, log10: TOL.transcendental!, exp2: TOL.transcendental!, sinh: TOL.transcendental!, cosh: TOL.transcendental!,
  asin: TOL.transcendental!, acos: TOL.transcendental!, atan: TOL.transcendental!,
  asinh: TOL.transcendental!, acosh: TOL.transcendental!, atanh: TOL.transcendental!,
  // Numerical Recipes' erfcc (1.2e-7) with exp(-x^2 + p) evaluated in float32
  erfc: { rtol: 2e-5, atol: 1e-6 },
};
const ROUNDING_OPS: UnaryOp[] = ["floor", "ceil", "round", "trunc"];
const BOOL_UNARY: UnaryOp[] = ["logicalNot", "isnan", "isfinite", "signbit"];

const UNARY_OPS = Object.keys(UNARY_TOL) as (keyof typeof UNARY_TOL)[];

type BitwiseOp = "bitwiseAnd" | "bitwiseOr" | "bitwiseXor" | "bitwiseLeftShift" | "bitwiseRightShift";
const BINARY_TOL: Record<Exclude<BinaryOp, BitwiseOp>, Tol> = {
  add: TOL.rounding!, sub: TOL.rounding!, mul: TOL.rounding!, div: TOL.rounding!, pow: TOL.pow!,
  maximum: TOL.exact!, minimum: TOL.exact!, eq: TOL.exact!, ne: TOL.exact!, lt: TOL.exact!, le: TOL.exact!, gt: TOL.exact!, ge: TOL.exact!,
  logicalAnd: TOL.exact!, logicalOr: TOL.exact!, thresholdBackward: TOL.exact!, tanhBackward: TOL.rounding!,
  atan2: TOL.transcendental!, hypot: { rtol: 3e-7, atol: 0 }, copysign: TOL.exact!,
  fmod: TOL.exact!, remainder: TOL.rounding!, divFloor: TOL.exact!, divTrunc: TOL.exact!, fmax: TOL.exact!, fmin: TOL.exact!,
};
const FLOAT_BINARY: BinaryOp[] = ["div", "atan2", "hypot", "copysign"];
const INT_DIVISION: BinaryOp[] = ["fmod", "remainder", "divFloor", "divTrunc"];
const BINARY_OPS = Object.keys(BINARY_TOL) as (keyof typeof BINARY_TOL)[];
const outDtypeOf = (op: BinaryOp, d: DType): DType => (["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr"].includes(op) ? "bool" : FLOAT_BINARY.includes(op) ? "float32" : d);

// ---- the suite -------------------------------------------------------------------------

test("webgpu conformance: unary ops over float32 layouts, specials included", { skip }, async () => {
  for (const op of UNARY_OPS) {
    // Logical ops: the CPU reads NaN as false (JavaScript), PyTorch and the device as true;
    // compared without NaN.
    const p = op === "logicalNot" ? 0 : 0.15;
    const shapes: Array<[string, Pair]> = [
      ...layouts2d(13, 21, "float32", 11),
      ["odd 1001", pair(floats(1001, 5, -3, 3, p), "float32", [1001])],
      ["specials", pair(floats(64, 6, -100, 100, 0.3), "float32", [64])],
      ["empty [0, 3]", pair(new Float32Array(0), "float32", [0, 3])],
      ["0-dim", pair(new Float32Array([0.75]), "float32", [])],
    ];
    for (const [name, x] of shapes) {
      if (op === "logicalNot" && name === "specials") continue;
      const n = x.host.shape.reduce((a, b) => a * b, 1);
      const dt: DType = BOOL_UNARY.includes(op) ? "bool" : "float32";
      await compare(`${op} ${name}`, dt, n, (out, g) => (g ? gpu.unary(op, x.dev, out as GPUArray) : cpu.unary(op, x.host, out as NumArray)), UNARY_TOL[op]);
    }
  }
});

test("webgpu conformance: unary ops on int32 and bool inputs", { skip }, async () => {
  const x = pair(ints(300, 7), "int32", [15, 20], [1, 15]);
  for (const op of UNARY_OPS) {
    const dt: DType = ["neg", "abs", "sign", "relu", ...ROUNDING_OPS].includes(op) ? "int32" : BOOL_UNARY.includes(op) ? "bool" : "float32";
    await compare(`${op} int32`, dt, 300, (out, g) => (g ? gpu.unary(op, x.dev, out as GPUArray) : cpu.unary(op, x.host, out as NumArray)), UNARY_TOL[op]);
  }
  const b = pair(bools(50, 8), "bool", [50]);
  for (const op of ["logicalNot", "abs", "isnan", "isfinite"] as UnaryOp[]) {
    const dt: DType = op === "abs" ? "bool" : "bool";
    await compare(`${op} bool`, dt, 50, (out, g) => (g ? gpu.unary(op, b.dev, out as GPUArray) : cpu.unary(op, b.host, out as NumArray)), EXACT);
  }
});

test("webgpu conformance: binary ops over broadcast shapes, scalars and dtypes", { skip }, async () => {
  const shape = [5, 4, 7];
  const aData = floats(5 * 7, 21, -3, 3, 0.05);
  const bData = floats(4 * 7, 22, -3, 3, 0.05);
  // a [5, 1, 7] and b [1, 4, 7] read as [5, 4, 7] (stride 0 on the broadcast dims)
  const a = pair(aData, "float32", shape, [7, 0, 1]);
  const b = pair(bData, "float32", shape, [0, 7, 1]);
  // pow: positive bases with any exponent, negative bases with integer exponents
  const powA = pair(floats(140, 23, -2, 2), "float32", shape);
  const powB = pair(Float32Array.from(floats(140, 24, -4, 4), (v, i) => (i % 2 ? Math.round(v) : v)), "float32", shape);
  for (const op of BINARY_OPS) {
    const logical = op === "logicalAnd" || op === "logicalOr";
    const [x, y] = op === "pow" ? [powA, powB] : logical ? [pair(floats(140, 25, -1, 1), "float32", shape), pair(Float32Array.from(floats(140, 26), (v, i) => (i % 3 ? v : 0)), "float32", shape)] : [a, b];
    const dt = outDtypeOf(op, "float32");
    await compare(`${op} broadcast`, dt, 140, (out, g) => (g ? gpu.binary(op, x.dev, y.dev, out as GPUArray) : cpu.binary(op, x.host, y.host, out as NumArray)), BINARY_TOL[op]);
    for (const s of [2, 0.5, -1.5]) {
      const sv = scalar(s, shape);
      await compare(`${op} scalar ${s}`, dt, 140, (out, g) => (g ? gpu.binary(op, x.dev, sv, out as GPUArray) : cpu.binary(op, x.host, sv, out as NumArray)), BINARY_TOL[op]);
    }
    // a number on the left (2 - x, 2 ** x, 1 / x)
    const left = scalar(op === "pow" ? 1.5 : 2, shape);
    await compare(`${op} scalar on the left`, dt, 140, (out, g) => (g ? gpu.binary(op, left, y.dev, out as GPUArray) : cpu.binary(op, left, y.host, out as NumArray)), BINARY_TOL[op]);
  }
  // int32 with int32, and with host integer scalars
  const ia = pair(ints(120, 31), "int32", [10, 12], [1, 10]);
  const ib = pair(Int32Array.from(ints(120, 32, -5, 6), (v) => v), "int32", [10, 12]);
  // integer divisors are never zero (the op refuses them on the CPU; WGSL defines x / 0 as x)
  const nonzero = pair(Int32Array.from(ints(120, 32, -5, 6), (v) => (v === 0 ? 3 : v)), "int32", [10, 12]);
  for (const op of BINARY_OPS) {
    // (div of integers is float; tanh's backward is only taken of float gradients)
    if (op === "div" || op === "tanhBackward") continue;
    const ipb = op === "pow" ? pair(ints(120, 33, 0, 6), "int32", [10, 12]) : INT_DIVISION.includes(op) ? nonzero : ib;
    const dt = outDtypeOf(op, "int32");
    await compare(`${op} int32`, dt, 120, (out, g) => (g ? gpu.binary(op, ia.dev, ipb.dev, out as GPUArray) : cpu.binary(op, ia.host, ipb.host, out as NumArray)), FLOAT_BINARY.includes(op) ? BINARY_TOL[op] : EXACT);
    const sv = scalar(op === "pow" ? 3 : -4, [10, 12]);
    await compare(`${op} int32 scalar`, dt, 120, (out, g) => (g ? gpu.binary(op, ia.dev, sv, out as GPUArray) : cpu.binary(op, ia.host, sv, out as NumArray)), FLOAT_BINARY.includes(op) ? BINARY_TOL[op] : EXACT);
  }
  // mixed dtypes: float32 with int32 (out float32), comparisons of int32 with a fractional scalar, bool logic
  const fx = pair(floats(120, 34), "float32", [10, 12]);
  for (const op of ["add", "mul", "sub", "maximum", "lt", "eq", "div"] as const) {
    await compare(`${op} float32 x int32`, outDtypeOf(op, "float32"), 120, (out, g) => (g ? gpu.binary(op, fx.dev, ia.dev, out as GPUArray) : cpu.binary(op, fx.host, ia.host, out as NumArray)), BINARY_TOL[op]);
  }
  for (const op of ["lt", "ge", "eq"] as BinaryOp[]) {
    const sv = scalar(2.5, [10, 12]);
    await compare(`${op} int32 x 2.5`, "bool", 120, (out, g) => (g ? gpu.binary(op, ia.dev, sv, out as GPUArray) : cpu.binary(op, ia.host, sv, out as NumArray)), EXACT);
  }
  const ba = pair(bools(60, 35), "bool", [60]);
  const bb = pair(bools(60, 36), "bool", [60]);
  for (const op of ["logicalAnd", "logicalOr", "eq", "ne"] as BinaryOp[]) {
    await compare(`${op} bool`, "bool", 60, (out, g) => (g ? gpu.binary(op, ba.dev, bb.dev, out as GPUArray) : cpu.binary(op, ba.host, bb.host, out as NumArray)), EXACT);
  }
  // in place: out aliases a (the fast path of add_)
  const selfData = floats(77, 37);
  const other = pair(floats(77, 38), "float32", [7, 11], [1, 7]);
  const hostSelf = selfData.slice();
  const devSelf = gpu.upload(selfData, "float32");
  cpu.binary("mul", { data: hostSelf, shape: [7, 11], strides: [11, 1], offset: 0 }, other.host, hostSelf);
  gpu.binary("mul", { data: devSelf, shape: [7, 11], strides: [11, 1], offset: 0 }, other.dev, devSelf);
  assertClose(await read(devSelf), hostSelf, TOL.rounding!, "in-place mul");
});

test("webgpu conformance: where, clamp, axpy, fill, erf, erfinv", { skip }, async () => {
  const shape = [6, 9];
  const cond = pair(bools(9, 41), "bool", shape, [0, 1]);
  const a = pair(floats(54, 42), "float32", shape, [1, 6]);
  const b = pair(floats(6, 43), "float32", shape, [1, 0]);
  await compare("where", "float32", 54, (out, g) => (g ? gpu.where(cond.dev, a.dev, b.dev, out as GPUArray) : cpu.where(cond.host, a.host, b.host, out as NumArray)), EXACT);
  const s = scalar(-7, shape);
  await compare("where scalar", "float32", 54, (out, g) => (g ? gpu.where(cond.dev, s, b.dev, out as GPUArray) : cpu.where(cond.host, s, b.host, out as NumArray)), EXACT);
  const ia = pair(ints(54, 44), "int32", shape);
  const ib = pair(ints(54, 45), "int32", shape);
  await compare("where int32", "int32", 54, (out, g) => (g ? gpu.where(cond.dev, ia.dev, ib.dev, out as GPUArray) : cpu.where(cond.host, ia.host, ib.host, out as NumArray)), EXACT);

  const x = pair(floats(200, 46, -3, 3, 0.1), "float32", [10, 20], [1, 10]);
  for (const [lo, hi] of [[-1, 1], [-Infinity, 0.5], [0, Infinity]]) {
    await compare(`clamp ${lo} ${hi}`, "float32", 200, (out, g) => (g ? gpu.clamp(x.dev, lo!, hi!, out as GPUArray) : cpu.clamp(x.host, lo!, hi!, out as NumArray)), EXACT);
  }
  const xi = pair(ints(200, 47), "int32", [10, 20]);
  for (const [lo, hi] of [[-5, 5], [-Infinity, 3], [2, Infinity]]) {
    await compare(`clamp int32 ${lo} ${hi}`, "int32", 200, (out, g) => (g ? gpu.clamp(xi.dev, lo!, hi!, out as GPUArray) : cpu.clamp(xi.host, lo!, hi!, out as NumArray)), EXACT);
  }

  for (const [name, xv] of layouts2d(12, 17, "float32", 48)) {
    const start = floats(12 * 17, 49);
    const h = start.slice();
    const d = gpu.upload(start, "float32");
    cpu.axpy(-0.37, xv.host, h);
    gpu.axpy(-0.37, xv.dev, d);
    assertClose(await read(d), h, { rtol: 3e-7, atol: 1e-7 }, `axpy ${name}`);
  }
  // axpy into an offset run of a larger array (add_ on a contiguous slice)
  const big = floats(100, 50);
  const hb = big.slice();
  const db = gpu.upload(big, "float32");
  const xs = pair(floats(30, 51), "float32", [30]);
  cpu.axpy(2, xs.host, hb.subarray(40, 70));
  gpu.axpy(2, xs.dev, db.subarray(40, 70));
  assertClose(await read(db), hb, TOL.rounding!, "axpy into a subarray");
  const ih = Int32Array.from(ints(30, 52));
  const id = gpu.upload(ih, "int32");
  const xsi = pair(ints(30, 53), "int32", [30]);
  cpu.axpy(3, xsi.host, ih);
  gpu.axpy(3, xsi.dev, id);
  assertClose(await read(id), ih, EXACT, "axpy int32");

  for (const dt of ["float32", "int32", "bool", "int64"] as DType[]) {
    const f = gpu.empty(dt, 333);
    gpu.fill(f, 3);
    const want = allocate(dt, 333);
    if (want instanceof BigInt64Array) want.fill(3n);
    else want.fill(dt === "bool" ? 1 : 3);
    assertClose(await read(f), want, EXACT, `fill ${dt}`);
  }

  const ex = floats(4000, 54, -7, 7, 0.01);
  const eh = new Float32Array(4000);
  cpu.erf(ex, eh);
  const ed = gpu.empty("float32", 4000);
  gpu.erf(gpu.upload(ex, "float32"), ed);
  assertClose(await read(ed), eh, { rtol: 2e-6, atol: 3e-7 }, "erf");

  // erfinv on [-0.99, 0.99] and the special values: the Newton steps scale erf_f32's error by 1/erf'(x) (~60 at 0.99).
  const yx = Float32Array.from([...floats(3000, 55, -0.99, 0.99, 0), 0, -0, 1, -1, 1.5, NaN]);
  const yh = new Float32Array(yx.length);
  cpu.erfinv(yx, yh);
  const yd = gpu.empty("float32", yx.length);
  gpu.erfinv(gpu.upload(yx, "float32"), yd);
  assertClose(await read(yd), yh, { rtol: 3e-5, atol: 1e-6 }, "erfinv");
});

test("webgpu conformance: copy with dtype casts between layouts", { skip }, async () => {
  const dtypes: DType[] = ["float32", "int32", "bool", "int64"];
  for (const from of dtypes) {
    for (const to of dtypes) {
      // Values the CPU casts the same way (floats that are integers when the target is integral).
      const src = from === "float32" ? Float32Array.from(floats(60, 61, -40, 40), (v) => (to === "float32" || to === "bool" ? v : Math.trunc(v))) : hostData(from, 60, 62);
      if (from === "int64" && to !== "int64") (src as BigInt64Array).forEach((v, i, arr) => (arr[i] = BigInt.asIntN(32, v) >> 8n));
      const s = pair(src, from, [6, 10], [1, 6]);
      // into a strided destination: every other element of a [6, 20] array, offset 1
      const dstShape = [6, 10];
      const dstStrides = [20, 2];
      const hostDst = allocate(to, 121);
      const devDst = gpu.upload(hostDst, to);
      cpu.copy(s.host, { data: hostDst, shape: dstShape, strides: dstStrides, offset: 1 });
      gpu.copy(s.dev, { data: devDst, shape: dstShape, strides: dstStrides, offset: 1 });
      assertClose(await read(devDst), hostDst, EXACT, `copy ${from} -> ${to}`);
    }
  }
  // int64 storage is byte-identical: an upload reads back unchanged, negatives and > 2^32 included
  const big = BigInt64Array.from([0n, -1n, 1n << 40n, -(1n << 40n) + 5n, 9007199254740993n, -9223372036854775808n, 9223372036854775807n]);
  assertClose(await read(gpu.upload(big, "int64")), big, EXACT, "int64 round trip");
  // int64 -> float32 rounds as the CPU's Number() then float32 store
  const hf = new Float32Array(7);
  cpu.copy({ data: big, shape: [7], strides: [1], offset: 0 }, { data: hf, shape: [7], strides: [1], offset: 0 });
  const df = gpu.empty("float32", 7);
  gpu.copy({ data: gpu.upload(big, "int64"), shape: [7], strides: [1], offset: 0 }, { data: df, shape: [7], strides: [1], offset: 0 });
  assertClose(await read(df), hf, { rtol: 1.2e-7, atol: 0 }, "int64 -> float32 of large values");
});

test("webgpu conformance: bitwise ops on int32, int64 and bool, shift counts past the width and negative", { skip }, async () => {
  const BITWISE: BitwiseOp[] = ["bitwiseAnd", "bitwiseOr", "bitwiseXor", "bitwiseLeftShift", "bitwiseRightShift"];
  // counts -70..70: negative ones and ones past 32 and 64 (taken mod the width)
  const ia = pair(ints(120, 81, -1000000, 1000000), "int32", [10, 12], [1, 10]);
  const counts = pair(Int32Array.from(ints(120, 82, -70, 71)), "int32", [10, 12]);
  for (const op of BITWISE) {
    await compare(`${op} int32`, "int32", 120, (out, g) => (g ? gpu.binary(op, ia.dev, counts.dev, out as GPUArray) : cpu.binary(op, ia.host, counts.host, out as NumArray)), EXACT);
    const sv = scalar(op.endsWith("Shift") ? 35 : -12345, [10, 12]);
    await compare(`${op} int32 scalar`, "int32", 120, (out, g) => (g ? gpu.binary(op, ia.dev, sv, out as GPUArray) : cpu.binary(op, ia.host, sv, out as NumArray)), EXACT);
  }
  await compare("bitwiseNot int32", "int32", 120, (out, g) => (g ? gpu.unary("bitwiseNot", ia.dev, out as GPUArray) : cpu.unary("bitwiseNot", ia.host, out as NumArray)), EXACT);
  const ba = pair(bools(60, 83), "bool", [60]);
  const bb = pair(bools(60, 84), "bool", [60]);
  for (const op of ["bitwiseAnd", "bitwiseOr", "bitwiseXor"] as BitwiseOp[]) {
    await compare(`${op} bool`, "bool", 60, (out, g) => (g ? gpu.binary(op, ba.dev, bb.dev, out as GPUArray) : cpu.binary(op, ba.host, bb.host, out as NumArray)), EXACT);
  }
  await compare("bitwiseNot bool", "bool", 60, (out, g) => (g ? gpu.unary("bitwiseNot", ba.dev, out as GPUArray) : cpu.unary("bitwiseNot", ba.host, out as NumArray)), EXACT);
  const u = rng(85);
  const A = BigInt64Array.from({ length: 64 }, () => BigInt.asIntN(64, BigInt(Math.floor((u() - 0.5) * 2 ** 52)) * BigInt(1 + Math.floor(u() * 5000))));
  const C = BigInt64Array.from({ length: 64 }, (_, i) => BigInt(i * 2 - 60)); // -60 .. 66
  const v = (d: BigInt64Array): StridedView<BigInt64Array> => ({ data: d, shape: [64], strides: [1], offset: 0 });
  const dv = (d: BigInt64Array): StridedView<GPUArray> => ({ data: gpu.upload(d, "int64"), shape: [64], strides: [1], offset: 0 });
  for (const op of BITWISE) {
    const out = gpu.empty("int64", 64), want = new BigInt64Array(64);
    cpu.binary(op, v(A), v(C), want);
    gpu.binary(op, dv(A), dv(C), out);
    assertClose(await read(out), want, EXACT, `int64 ${op}`);
  }
  const out = gpu.empty("int64", 64), want = new BigInt64Array(64);
  cpu.unary("bitwiseNot", v(A), want);
  gpu.unary("bitwiseNot", dv(A), out);
  assertClose(await read(out), want, EXACT, "int64 bitwiseNot");
});

test("webgpu conformance: int64 arithmetic, comparisons, sums and index reads", { skip }, async () => {
  const u = rng(71);
  const rand = () => BigInt.asIntN(64, BigInt(Math.floor((u() - 0.5) * 2 ** 52)) * BigInt(1 + Math.floor(u() * 5000)));
  const A = BigInt64Array.from({ length: 64 }, rand);
  const B = BigInt64Array.from({ length: 64 }, (_, i) => (i % 5 === 0 ? A[i]! : rand()));
  const da = gpu.upload(A, "int64");
  const db = gpu.upload(B, "int64");
  const v = (d: GPUArray): StridedView<GPUArray> => ({ data: d, shape: [64], strides: [1], offset: 0 });
  const wrap = (x: bigint) => BigInt.asIntN(64, x);
  const arith: Array<[BinaryOp, (a: bigint, b: bigint) => bigint]> = [["add", (a, b) => wrap(a + b)], ["sub", (a, b) => wrap(a - b)], ["mul", (a, b) => wrap(a * b)], ["maximum", (a, b) => (a > b ? a : b)], ["minimum", (a, b) => (a < b ? a : b)]];
  for (const [op, f] of arith) {
    const out = gpu.empty("int64", 64);
    gpu.binary(op, v(da), v(db), out);
    assertClose(await read(out), BigInt64Array.from(A, (a, i) => f(a, B[i]!)), EXACT, `int64 ${op}`);
  }
  // division (long division over two words) and fmax/fmin, against the CPU's BigInt arithmetic:
  // divisors as large as the dividends, and small ones of both signs (quotients of 60 bits)
  const small = BigInt64Array.from({ length: 64 }, (_, i) => BigInt((i % 7) + 1) * (i % 2 ? -1n : 1n));
  for (const [name, divisor] of [["large", B], ["small", small]] as const) {
    const dd = gpu.upload(divisor, "int64");
    for (const op of ["fmod", "remainder", "divFloor", "divTrunc", "fmax", "fmin"] as BinaryOp[]) {
      const out = gpu.empty("int64", 64);
      gpu.binary(op, v(da), v(dd), out);
      const want = new BigInt64Array(64);
      cpu.binary(op, { data: A, shape: [64], strides: [1], offset: 0 }, { data: divisor, shape: [64], strides: [1], offset: 0 }, want);
      assertClose(await read(out), want, EXACT, `int64 ${op} by ${name} divisors`);
    }
  }
  const cmp: Array<[BinaryOp, (a: bigint, b: bigint) => boolean]> = [["eq", (a, b) => a === b], ["ne", (a, b) => a !== b], ["lt", (a, b) => a < b], ["le", (a, b) => a <= b], ["gt", (a, b) => a > b], ["ge", (a, b) => a >= b]];
  for (const [op, f] of cmp) {
    const out = gpu.empty("bool", 64);
    gpu.binary(op, v(da), v(db), out);
    assertClose(await read(out), Uint8Array.from(A, (a, i) => (f(a, B[i]!) ? 1 : 0)), EXACT, `int64 ${op}`);
  }
  const out = gpu.empty("bool", 64);
  gpu.binary("lt", v(da), scalar(0, [64]), out);
  assertClose(await read(out), Uint8Array.from(A, (a) => (a < 0n ? 1 : 0)), EXACT, "int64 lt 0 (host scalar)");
  for (const op of ["neg", "abs", "sign", "relu"] as UnaryOp[]) {
    const o = gpu.empty("int64", 64);
    gpu.unary(op, v(da), o);
    const f = { neg: (a: bigint) => wrap(-a), abs: (a: bigint) => (a < 0n ? -a : a), sign: (a: bigint) => (a > 0n ? 1n : a < 0n ? -1n : 0n), relu: (a: bigint) => (a < 0n ? 0n : a) }[op as "neg"];
    assertClose(await read(o), BigInt64Array.from(A, f), EXACT, `int64 ${op}`);
  }
  // sums: [4, 16] over dim 1, and one long row (chunked passes)
  const s = gpu.empty("int64", 4);
  gpu.reduce("sum", da, 4, 16, 1, s);
  assertClose(await read(s), Array.from({ length: 4 }, (_, o) => A.slice(o * 16, o * 16 + 16).reduce((x, y) => wrap(x + y), 0n)), EXACT, "int64 sum rows");
  const long = BigInt64Array.from({ length: 5000 }, rand);
  const sl = gpu.empty("int64", 1);
  gpu.reduce("sum", gpu.upload(long, "int64"), 1, 5000, 1, sl);
  assertClose(await read(sl), [long.reduce((x, y) => wrap(x + y), 0n)], EXACT, "int64 sum of 5000 (chunked)");
  const mx = gpu.empty("int64", 1);
  gpu.reduce("max", da, 1, 64, 1, mx);
  assertClose(await read(mx), [A.reduce((x, y) => (y > x ? y : x))], EXACT, "int64 max");
});

test("webgpu conformance: reductions over [outer, r, inner] blocks", { skip }, async () => {
  const shapes: Array<[number, number, number]> = [[3, 17, 1], [4, 7, 33], [1, 100000, 1], [2, 5000, 3], [300, 40, 1], [1, 1, 5], [5, 1, 1]];
  for (const [outer, r, inner] of shapes) {
    const n = outer * r * inner;
    for (const op of ["sum", "prod", "max", "min"] as ReduceOp[]) {
      // prod of values near 1 (no overflow), max/min with NaN and infinities mixed in
      const data = op === "prod" ? floats(n, 81 + r, 0.9, 1.1) : floats(n, 82 + r, -3, 3, op === "sum" ? 0 : 0.001);
      const x = gpu.upload(data, "float32");
      const tol = op === "sum" ? { rtol: 1e-5, atol: 2e-6 * Math.sqrt(r) } : op === "prod" ? { rtol: 2e-6 * Math.sqrt(r), atol: 0 } : EXACT;
      await compare(`${op} [${outer}, ${r}, ${inner}]`, "float32", outer * inner, (out, g) => (g ? gpu.reduce(op, x, outer, r, inner, out as GPUArray) : cpu.reduce(op, data, outer, r, inner, out as NumArray)), tol);
    }
  }
  // integer and bool sums, an input at an offset
  const id = ints(3 * 500 * 2, 83);
  await compare("sum int32", "int32", 6, (out, g) => (g ? gpu.reduce("sum", gpu.upload(id, "int32"), 3, 500, 2, out as GPUArray) : cpu.reduce("sum", id, 3, 500, 2, out as NumArray)), EXACT);
  const bd = bools(7 * 300, 84);
  await compare("sum bool -> int32", "int32", 7, (out, g) => (g ? gpu.reduce("sum", gpu.upload(bd, "bool"), 7, 300, 1, out as GPUArray) : cpu.reduce("sum", bd, 7, 300, 1, out as NumArray)), EXACT);
  await compare("max int32", "int32", 6, (out, g) => (g ? gpu.reduce("max", gpu.upload(id, "int32"), 3, 500, 2, out as GPUArray) : cpu.reduce("max", id, 3, 500, 2, out as NumArray)), EXACT);
  const whole = floats(50, 85);
  await compare("sum at offset 10", "float32", 4, (out, g) => (g ? gpu.reduce("sum", gpu.upload(whole, "float32").subarray(10, 50), 4, 10, 1, out as GPUArray) : cpu.reduce("sum", whole.subarray(10, 50), 4, 10, 1, out as NumArray)), TOL.sum!);
});

test("webgpu conformance: argmax/argmin (first index, NaN wins) with int32 and int64 indices", { skip }, async () => {
  for (const [outer, r, inner] of [[5, 37, 1], [3, 20000, 1], [2, 9, 17], [1, 3000, 4]] as const) {
    const n = outer * r * inner;
    // few distinct values: many ties
    const data = Float32Array.from(floats(n, 91 + r, -3, 3, 0.0005), (v) => (v === v && Number.isFinite(v) ? Math.round(v * 2) / 2 : v));
    const x = gpu.upload(data, "float32");
    for (const op of ["max", "min"] as const) {
      const hi = new Int32Array(outer * inner);
      const hv = new Float32Array(outer * inner);
      cpu.argReduce(op, data, outer, r, inner, hi, hv);
      for (const idt of ["int32", "int64"] as const) {
        const di = gpu.empty(idt, outer * inner);
        const dv = gpu.empty("float32", outer * inner);
        gpu.argReduce(op, x, outer, r, inner, di, dv);
        assertClose(await read(di), idt === "int64" ? BigInt64Array.from(hi, BigInt) : hi, EXACT, `arg${op} indices ${idt} [${outer}, ${r}, ${inner}]`);
        assertClose(await read(dv), hv, EXACT, `arg${op} values [${outer}, ${r}, ${inner}]`);
      }
      const only = gpu.empty("int32", outer * inner);
      gpu.argReduce(op, x, outer, r, inner, only, null);
      assertClose(await read(only), hi, EXACT, `arg${op} without values`);
    }
  }
  const iv = ints(400, 92, -3, 3);
  const hi = new Int32Array(4);
  cpu.argReduce("max", iv, 4, 100, 1, hi, null);
  const di = gpu.empty("int32", 4);
  gpu.argReduce("max", gpu.upload(iv, "int32"), 4, 100, 1, di, null);
  assertClose(await read(di), hi, EXACT, "argmax int32");
});

test("webgpu conformance: cumsum, softmax, logSoftmax", { skip }, async () => {
  for (const [outer, r, inner] of [[3, 1500, 1], [2, 300, 5], [7, 1, 1], [1, 257, 1]] as const) {
    const n = outer * r * inner;
    const data = floats(n, 101 + r);
    const x = gpu.upload(data, "float32");
    await compare(`cumsum [${outer}, ${r}, ${inner}]`, "float32", n, (out, g) => (g ? gpu.cumsum(x, outer, r, inner, out as GPUArray) : cpu.cumsum(data, outer, r, inner, out as NumArray)), { rtol: 1e-5, atol: 3e-6 * Math.sqrt(r) });
    const id = ints(n, 102 + r);
    await compare(`cumsum int32 [${outer}, ${r}, ${inner}]`, "int32", n, (out, g) => (g ? gpu.cumsum(gpu.upload(id, "int32"), outer, r, inner, out as GPUArray) : cpu.cumsum(id, outer, r, inner, out as NumArray)), EXACT);
  }
  for (const [outer, r, inner] of [[4, 10, 1], [2, 3000, 1], [3, 50, 7], [1, 1, 1]] as const) {
    const n = outer * r * inner;
    const data = floats(n, 103 + r, -20, 20);
    if (r === 10) data.fill(-Infinity, 0, 10); // an all -inf row: NaN, as PyTorch
    if (r === 10) data[15] = -Infinity;
    const x = gpu.upload(data, "float32");
    for (const log of [false, true]) {
      await compare(`${log ? "logSoftmax" : "softmax"} [${outer}, ${r}, ${inner}]`, "float32", n, (out, g) => (g ? gpu.softmax(x, outer, r, inner, out as GPUArray, log) : cpu.softmax(data, outer, r, inner, out as NumArray, log)), { rtol: 2e-5, atol: 1e-6 });
      // their gradient from the (CPU) output and an upstream gradient: rows of 3000 take the workgroup layout
      const y = new Float32Array(n);
      cpu.softmax(data, outer, r, inner, y, log);
      const gy = floats(n, 104 + r, -2, 2);
      const [yd, gd] = [gpu.upload(y, "float32"), gpu.upload(gy, "float32")];
      await compare(`${log ? "logSoftmax" : "softmax"} gradient [${outer}, ${r}, ${inner}]`, "float32", n, (out, g) => (g ? gpu.softmaxBackward(yd, gd, outer, r, inner, out as GPUArray, log) : cpu.softmaxBackward(y, gy, outer, r, inner, out as NumArray, log)), { rtol: 2e-5, atol: 2e-6 * Math.sqrt(r) });
    }
  }
});

test("webgpu conformance: cumprod and its gradient, over rows, columns and long lines", { skip }, async () => {
  for (const [outer, r, inner] of [[3, 1500, 1], [2, 40, 5], [7, 1, 1], [1, 257, 1]] as const) {
    const n = outer * r * inner;
    // factors near 1 keep long products finite; zeros and specials test the propagation
    const data = floats(n, 121 + r, 0.9, 1.1, 0.01);
    const x = gpu.upload(data, "float32");
    await compare(`cumprod [${outer}, ${r}, ${inner}]`, "float32", n, (out, g) => (g ? gpu.cumprod(x, outer, r, inner, out as GPUArray) : cpu.cumprod(data, outer, r, inner, out as NumArray)), { rtol: 2e-6 * Math.sqrt(r), atol: 1e-6 });
    const gd = floats(n, 122 + r);
    const go = gpu.upload(gd, "float32");
    const finite = floats(n, 123 + r, 0.9, 1.1);
    const xf = gpu.upload(finite, "float32");
    await compare(`cumprod's gradient [${outer}, ${r}, ${inner}]`, "float32", n, (out, g) => (g ? gpu.cumprodBackward(xf, go, outer, r, inner, out as GPUArray) : cpu.cumprodBackward(finite, gd, outer, r, inner, out as NumArray)), { rtol: 1e-5, atol: 1e-5 * r });
    const id = ints(n, 124 + r, -2, 3);
    await compare(`cumprod int32 [${outer}, ${r}, ${inner}]`, "int32", n, (out, g) => (g ? gpu.cumprod(gpu.upload(id, "int32"), outer, r, inner, out as GPUArray) : cpu.cumprod(id, outer, r, inner, out as NumArray)), EXACT);
  }
  const big = hostData("int64", 60, 125) as BigInt64Array;
  await compare("cumprod int64 (wrapping as two's complement)", "int64", 60, (out, g) => (g ? gpu.cumprod(gpu.upload(big, "int64"), 6, 10, 1, out as GPUArray) : cpu.cumprod(big, 6, 10, 1, out as unknown as NumArray)), EXACT);
});

test("webgpu conformance: argsort is the CPU's stable order, ties, NaN and infinities included, every dtype", { skip }, async () => {
  const shapes = [[1, 1, 1], [3, 5, 1], [2, 7, 3], [4, 64, 1], [1, 1000, 1], [5, 33, 2], [200, 9, 1]] as const;
  for (const [outer, r, inner] of shapes) {
    const n = outer * r * inner;
    for (const descending of [false, true]) {
      const cases: Array<[string, DType, Storage]> = [
        ["float32 with specials", "float32", floats(n, 131 + r, -3, 3, 0.2)],
        // few distinct values: long runs of ties, whose order must stay the input order
        ["float32 ties", "float32", Float32Array.from(ints(n, 132 + r, -2, 2))],
        ["int32", "int32", ints(n, 133 + r, -5, 5)],
        ["int64", "int64", hostData("int64", n, 134 + r)],
        ["bool", "bool", bools(n, 135 + r)],
      ];
      for (const [what, dtype, data] of cases) {
        await compare(`argsort ${what} [${outer}, ${r}, ${inner}] descending=${descending}`, "int32", n, (out, g) => (g ? gpu.argsort(gpu.upload(data, dtype), outer, r, inner, descending, out as GPUArray) : cpu.argsort(data, outer, r, inner, descending, out as Int32Array)), EXACT);
      }
    }
  }
});

test("webgpu conformance: matmul with strided, transposed and broadcast operands", { skip }, async () => {
  const cases: Array<[number, number, number, number]> = [[1, 1, 1, 1], [1, 3, 17, 9], [2, 65, 130, 67], [3, 64, 64, 64], [1, 1, 300, 1], [4, 7, 1, 5], [1, 129, 33, 2]];
  for (const [batch, m, k, n] of cases) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const aData = floats(batch * m * k + 5, 111 + m, -1, 1);
        const bData = floats(k * n + 2, 112 + n, -1, 1);
        // A [batch, m, k] at offset 5, transposed in storage when tA; B [k, n] broadcast over the batch (stride 0), transposed when tB
        const aStr = tA ? [m * k, 1, m] : [m * k, k, 1];
        const bStr = tB ? [0, 1, k] : [0, n, 1];
        const A = pair(aData, "float32", [batch, m, k], aStr, 5);
        const B = pair(bData, "float32", [batch, k, n], bStr, 2);
        await compare(`matmul ${batch}x${m}x${k}x${n} tA=${tA} tB=${tB}`, "float32", batch * m * n, (out, g) => (g ? gpu.matmul(A.dev, B.dev, out as GPUArray, batch, m, k, n) : cpu.matmul(A.host, B.host, out as NumArray, batch, m, k, n)), { rtol: 1e-5, atol: 2e-6 * Math.sqrt(k) });
      }
    }
  }
  const ai = pair(ints(6 * 11, 113, -9, 9), "int32", [1, 6, 11]);
  const bi = pair(ints(11 * 4, 114, -9, 9), "int32", [1, 11, 4]);
  await compare("matmul int32", "int32", 24, (out, g) => (g ? gpu.matmul(ai.dev, bi.dev, out as GPUArray, 1, 6, 11, 4) : cpu.matmul(ai.host, bi.host, out as NumArray, 1, 6, 11, 4)), EXACT);
  // x @ x^T: both operands on one buffer
  const xs = floats(5 * 9, 115);
  const X = gpu.upload(xs, "float32");
  await compare("matmul x @ x^T (one buffer)", "float32", 25, (out, g) => (g ? gpu.matmul({ data: X, shape: [1, 5, 9], strides: [0, 9, 1], offset: 0 }, { data: X, shape: [1, 9, 5], strides: [0, 1, 9], offset: 0 }, out as GPUArray, 1, 5, 9, 5) : cpu.matmul({ data: xs, shape: [1, 5, 9], strides: [0, 9, 1], offset: 0 }, { data: xs, shape: [1, 9, 5], strides: [0, 1, 9], offset: 0 }, out as NumArray, 1, 5, 9, 5)), TOL.matmul!);
});

function geometry(n: number, c: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number): Im2colGeometry {
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  return { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
}

const GEOMETRIES: Array<[string, Im2colGeometry]> = [
  ["3x3 pad 1", geometry(2, 3, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1)],
  ["5x3 stride 2 pad 2/1 dilation 2/1", geometry(3, 2, 14, 10, 5, 3, 2, 2, 2, 1, 2, 1)],
  ["1x1", geometry(4, 5, 6, 6, 1, 1, 1, 1, 0, 0, 1, 1)],
  ["LeNet-like 5x5 on 28x28, 8 images", geometry(8, 6, 28, 28, 5, 5, 1, 1, 0, 0, 1, 1)],
];

test("webgpu conformance: im2col, col2im and the three convolution kernels", { skip }, async () => {
  for (const [name, g] of GEOMETRIES) {
    const Kc = g.c * g.kh * g.kw;
    const L = g.oh * g.ow;
    const O = 7;
    const xData = floats(g.n * g.c * g.h * g.w, 121, -1, 1);
    const x = gpu.upload(xData, "float32");
    for (const pad of [0, -Infinity]) {
      await compare(`im2col ${name} pad ${pad}`, "float32", g.n * Kc * L, (out, gp) => (gp ? gpu.im2col(x, g, pad, out as GPUArray) : cpu.im2col(xData, g, pad, out as NumArray)), EXACT);
    }
    const cData = floats(g.n * Kc * L, 122, -1, 1);
    await compare(`col2im ${name}`, "float32", xData.length, (out, gp) => (gp ? gpu.col2im(gpu.upload(cData, "float32"), g, out as GPUArray) : cpu.col2im(cData, g, out as NumArray)), { rtol: 1e-6, atol: 1e-6 });
    const wData = floats(O * Kc, 123, -1, 1);
    const bData = floats(O, 124, -1, 1);
    const w = gpu.upload(wData, "float32");
    const tol = { rtol: 1e-5, atol: 3e-6 * Math.sqrt(Kc) };
    for (const withBias of [false, true]) {
      await compare(`convForward ${name} bias=${withBias}`, "float32", g.n * O * L, (out, gp) => (gp ? gpu.convForward(x, w, withBias ? gpu.upload(bData, "float32") : null, g, O, out as GPUArray) : cpu.convForward(xData, wData, withBias ? bData : null, g, O, out as NumArray)), tol);
    }
    const gyData = floats(g.n * O * L, 125, -1, 1);
    const gy = gpu.upload(gyData, "float32");
    await compare(`convInputGrad ${name}`, "float32", xData.length, (out, gp) => (gp ? gpu.convInputGrad(gy, w, g, O, out as GPUArray) : cpu.convInputGrad(gyData, wData, g, O, out as NumArray)), { rtol: 1e-5, atol: 3e-6 * Math.sqrt(O * g.kh * g.kw) });
    await compare(`convWeightGrad ${name}`, "float32", O * Kc, (out, gp) => (gp ? gpu.convWeightGrad(x, gy, g, O, out as GPUArray) : cpu.convWeightGrad(xData, gyData, g, O, out as NumArray)), { rtol: 1e-5, atol: 3e-6 * Math.sqrt(g.n * L) });
  }
});

test("webgpu conformance: maxPool2d and its gradient (ties, NaN, padding, overlap)", { skip }, async () => {
  const cases: Array<[string, Im2colGeometry]> = [
    ["2x2 stride 2", geometry(6, 1, 8, 10, 2, 2, 2, 2, 0, 0, 1, 1)],
    ["3x3 stride 1 pad 1 (overlapping)", geometry(4, 1, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1)],
    ["3x2 stride 2/1 dilation 2", geometry(3, 1, 11, 8, 3, 2, 2, 1, 1, 0, 2, 1)],
  ];
  for (const [name, g] of cases) {
    const n = g.n * g.h * g.w;
    // coarse values (ties) with a few NaN and -inf
    const data = Float32Array.from(floats(n, 131, -2, 2, 0.02), (v) => (Number.isFinite(v) ? Math.round(v) : v));
    const x = gpu.upload(data, "float32");
    const L = g.n * g.oh * g.ow;
    const hv = new Float32Array(L);
    const hi = new Int32Array(L);
    cpu.maxPool2d(data, g, hv, hi);
    for (const idt of ["int32", "int64"] as const) {
      const dv = gpu.empty("float32", L);
      const di = gpu.empty(idt, L);
      gpu.maxPool2d(x, g, dv, di);
      assertClose(await read(dv), hv, EXACT, `maxPool2d values ${name}`);
      assertClose(await read(di), idt === "int64" ? BigInt64Array.from(hi, BigInt) : hi, EXACT, `maxPool2d indices ${idt} ${name}`);
      const gyData = floats(L, 132, -1, 1);
      const hg = new Float32Array(n);
      cpu.maxPool2dBackward(gyData, hi, g, hg);
      const dg = gpu.empty("float32", n);
      gpu.maxPool2dBackward(gpu.upload(gyData, "float32"), di, g, dg);
      assertClose(await read(dg), hg, { rtol: 1e-6, atol: 1e-6 }, `maxPool2dBackward ${idt} ${name}`);
    }
  }
});

test("webgpu conformance: gather, scatter, scatterAdd, indexSelect; out-of-range indices", { skip }, async () => {
  // x [6, 8] read through a transposed view; index [6, 5] along dim 1
  const xData = floats(48, 141);
  const x = pair(xData, "float32", [6, 8], [1, 6]);
  const iData = ints(30, 142, 0, 8);
  for (const idt of ["int32", "int64"] as const) {
    const host = idt === "int64" ? BigInt64Array.from(iData, BigInt) : iData;
    const index = pair(host, idt, [6, 5]);
    await compare(`gather dim 1 ${idt}`, "float32", 30, (out, g) => (g ? gpu.gather(x.dev, index.dev, 1, out as GPUArray) : cpu.gather(x.host, index.host, 1, out as NumArray)), EXACT);
  }
  // indexSelect(x, 0, idx) as a gather with the index broadcast along dim 1
  const sel = Int32Array.from([5, 0, 0, 3]);
  const selPair = pair(sel, "int32", [4, 8], [1, 0]);
  await compare("indexSelect as gather", "float32", 32, (out, g) => (g ? gpu.gather(x.dev, selPair.dev, 0, out as GPUArray) : cpu.gather(x.host, selPair.host, 0, out as NumArray)), EXACT);

  // scatter: distinct indices per row (a permutation), so the written values are defined
  const outShape = [4, 9];
  const perm = Int32Array.from({ length: 4 * 6 }, (_, i) => ((i % 6) * 7 + Math.floor(i / 6)) % 9);
  const idx = pair(perm, "int32", [4, 6]);
  const src = pair(floats(40, 143), "float32", [4, 6], [10, 1]);
  for (const accumulate of [false, true]) {
    const base = floats(36, 144);
    const h = base.slice();
    const d = gpu.upload(base, "float32");
    cpu.scatter(h, outShape, idx.host, src.host, 1, accumulate);
    gpu.scatter(d, outShape, idx.dev, src.dev, 1, accumulate);
    assertClose(await read(d), h, TOL.rounding!, `scatter accumulate=${accumulate}`);
  }
  // scatterAdd with many duplicates (atomic float adds), int32 too, and a host scalar source
  const dup = pair(ints(4 * 50, 145, 0, 3), "int32", [4, 50]);
  const dsrc = pair(floats(200, 146), "float32", [4, 50]);
  const hz = new Float32Array(12);
  const dz = gpu.empty("float32", 12);
  gpu.fill(dz, 0);
  cpu.scatter(hz, [4, 3], dup.host, dsrc.host, 1, true);
  gpu.scatter(dz, [4, 3], dup.dev, dsrc.dev, 1, true);
  assertClose(await read(dz), hz, { rtol: 1e-5, atol: 1e-5 }, "scatterAdd with duplicates");
  const isrc = pair(ints(200, 147), "int32", [4, 50]);
  const hiz = new Int32Array(12);
  const diz = gpu.empty("int32", 12);
  gpu.fill(diz, 0);
  cpu.scatter(hiz, [4, 3], dup.host, isrc.host, 1, true);
  gpu.scatter(diz, [4, 3], dup.dev, isrc.dev, 1, true);
  assertClose(await read(diz), hiz, EXACT, "scatterAdd int32 with duplicates");
  const hs = new Float32Array(36);
  const ds = gpu.empty("float32", 36);
  gpu.fill(ds, 0);
  cpu.scatter(hs, outShape, idx.host, scalar(2.5, [4, 6]), 1, false);
  gpu.scatter(ds, outShape, idx.dev, scalar(2.5, [4, 6]), 1, false);
  assertClose(await read(ds), hs, EXACT, "scatter of a scalar");

  // out of range: the kernel writes nothing there and the next read throws the CPU's message
  const bad = pair(Int32Array.from([0, 1, 8, 2]), "int32", [1, 4]);
  const o = gpu.empty("float32", 4);
  gpu.gather(x.dev, bad.dev, 1, o);
  await assert.rejects(read(o), /index 8 is out of bounds for dimension 1 with size 8/);
  // the flag is cleared once reported
  await read(o);
  const huge = pair(BigInt64Array.from([1n << 40n]), "int64", [1, 1]);
  gpu.gather(x.dev, huge.dev, 1, gpu.empty("float32", 1));
  await assert.rejects(read(o), /index 1099511627776 is out of bounds for dimension 1 with size 8/);
  const neg = pair(Int32Array.from([-1]), "int32", [1, 1]);
  gpu.scatter(gpu.empty("float32", 9), [1, 9], neg.dev, scalar(1, [1, 1]), 1, true);
  await assert.rejects(read(o), /index -1 is out of bounds for dimension 1 with size 9/);
});

test("webgpu conformance: the fused Adam update", { skip }, async () => {
  const n = 1000;
  for (const [decoupled, amsgrad, maximize, weightDecay] of [[false, false, false, 0], [false, true, false, 0.01], [true, false, true, 0.05], [true, true, false, 0.1]] as const) {
    const p = floats(n, 151), g = floats(n, 152), m = floats(n, 153, -0.1, 0.1), v = floats(n, 154, 0, 0.1), vm = floats(n, 155, 0, 0.1);
    const step = 3, lr = 1e-2, beta1 = 0.9, beta2 = 0.999;
    const h = { lr, beta1, beta2, eps: 1e-8, weightDecay, decoupled, maximize, stepSize: lr / (1 - beta1 ** step), biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step) };
    const host = [p, g, m, v, vm].map((a) => a.slice());
    const dev = [p, g, m, v, vm].map((a) => gpu.upload(a, "float32"));
    cpu.adamUpdate(host[0]!, host[1]!, host[2]!, host[3]!, amsgrad ? host[4]! : null, h);
    gpu.adamUpdate(dev[0]!, dev[1]!, dev[2]!, dev[3]!, amsgrad ? dev[4]! : null, h);
    const what = `adam decoupled=${decoupled} amsgrad=${amsgrad} maximize=${maximize}`;
    assertClose(await read(dev[0]!), host[0]!, { rtol: 2e-6, atol: 1e-6 }, `${what}: param`);
    assertClose(await read(dev[2]!), host[2]!, { rtol: 2e-6, atol: 1e-7 }, `${what}: exp_avg`);
    assertClose(await read(dev[3]!), host[3]!, { rtol: 2e-6, atol: 1e-9 }, `${what}: exp_avg_sq`);
    if (amsgrad) assertClose(await read(dev[4]!), host[4]!, { rtol: 2e-6, atol: 1e-9 }, `${what}: max_exp_avg_sq`);
  }
});

test("webgpu: float64 is refused with the MPS backend's kind of error", { skip }, () => {
  const msg = /Cannot convert a WebGPU Tensor to float64 dtype as WGSL doesn't support float64. Please use float32 instead./;
  assert.throws(() => gpu.empty("float64", 4), (e: Error) => e instanceof TypeError && msg.test(e.message));
  assert.throws(() => gpu.upload(new Float64Array(4), "float64"), msg);
});

test("webgpu: commands are batched (one submit for many kernels) and reads see every earlier kernel", { skip }, async () => {
  const rt = gpu.runtime;
  await rt.synchronize();
  const before = { ...rt.stats };
  let x = gpu.upload(new Float32Array(4096).fill(1), "float32");
  const view = (a: GPUArray): Operand<GPUArray> => ({ data: a, shape: [4096], strides: [1], offset: 0 });
  for (let i = 0; i < 100; i++) {
    const y = gpu.empty("float32", 4096);
    gpu.binary("add", view(x), scalar(1, [4096]), y);
    x = y;
  }
  const got = await read(x);
  assert.equal((got as Float32Array)[4095], 101);
  assert.equal(rt.stats.dispatches - before.dispatches, 100);
  assert.equal(rt.stats.submits - before.submits, 1, "100 kernels and a read: one submit");
});

test("webgpu: many short rows; more workgroups than one grid dimension holds (2-D dispatch)", { skip }, async () => {
  const rows = 70000;
  const data = floats(rows * 3, 161);
  const x = gpu.upload(data, "float32");
  await compare("sum of 70000 rows", "float32", rows, (out, g) => (g ? gpu.reduce("sum", x, rows, 3, 1, out as GPUArray) : cpu.reduce("sum", data, rows, 3, 1, out as NumArray)), TOL.sum!);
  await compare("softmax of 70000 rows", "float32", rows * 3, (out, g) => (g ? gpu.softmax(x, rows, 3, 1, out as GPUArray, false) : cpu.softmax(data, rows, 3, 1, out as NumArray, false)), { rtol: 2e-5, atol: 1e-6 });
  await compare("cumsum of 70000 rows", "float32", rows * 3, (out, g) => (g ? gpu.cumsum(x, rows, 3, 1, out as GPUArray) : cpu.cumsum(data, rows, 3, 1, out as NumArray)), TOL.sum!);
  // a map kernel over 2^24 + 5 elements: 65537 workgroups of 256
  const n = 2 ** 24 + 5;
  const big = gpu.empty("int32", n);
  gpu.fill(big, 7);
  const tail = big.subarray(n - 300);
  gpu.binary("mul", { data: tail, shape: [300], strides: [1], offset: 0 }, scalar(3, [300]), tail);
  const got = (await read(big.subarray(n - 301))) as Int32Array;
  assert.equal(got[0], 7);
  assert.ok(got.subarray(1).every((v) => v === 21), "the last 300 elements were written by workgroups in the grid's second row");
});

test("webgpu: a kernel that does not compile is reported at the next read, once", { skip }, async () => {
  const rt = gpu.runtime;
  const k = rt.kernel("test|broken", 1, () => "@compute @workgroup_size(1) fn main() { let x: u32 = 1.5; }");
  rt.dispatch(k, new Uint32Array(4), [], [1]);
  const a = gpu.upload(new Float32Array([1, 2]), "float32");
  await assert.rejects(read(a), /cannot convert value of type 'abstract-float' to type 'u32'/);
  assertClose(await read(a), [1, 2], EXACT, "the next read succeeds");
});
