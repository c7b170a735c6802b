// The forms around the elementwise math ops of src/ops/math.ts that the fixture cases (values
// from PyTorch, test/ops/fixtures.test.ts) do not reach: in-place and method forms, aliases,
// options, and PyTorch's errors where autograd or the arguments refuse.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const f64 = (v: number[]) => torch.tensor(v, { dtype: "float64" });
const values = (t: torch.Tensor) => t.tolist() as number[];

test("in-place forms write into self and match the out-of-place ops", () => {
  const v = [-2.5, -1.25, 0.5, 1.5, 2.75];
  const forms: Array<[string, (x: torch.Tensor) => torch.Tensor, (x: torch.Tensor) => torch.Tensor]> = [
    ["floor_", (x) => x.floor_(), (x) => torch.floor(x)],
    ["ceil_", (x) => x.ceil_(), (x) => torch.ceil(x)],
    ["round_", (x) => x.round_(), (x) => torch.round(x)],
    ["round_ decimals", (x) => x.round_({ decimals: 1 }), (x) => torch.round(x, { decimals: 1 })],
    ["trunc_", (x) => x.trunc_(), (x) => torch.trunc(x)],
    ["fix_", (x) => x.fix_(), (x) => torch.fix(x)],
    ["frac_", (x) => x.frac_(), (x) => torch.frac(x)],
    ["atan_", (x) => x.atan_(), (x) => torch.atan(x)],
    ["sinh_", (x) => x.sinh_(), (x) => torch.sinh(x)],
    ["erfc_", (x) => x.erfc_(), (x) => torch.erfc(x)],
    ["square_", (x) => x.square_(), (x) => torch.square(x)],
    ["reciprocal_", (x) => x.reciprocal_(), (x) => torch.reciprocal(x)],
    ["fmod_", (x) => x.fmod_(0.75), (x) => torch.fmod(x, 0.75)],
    ["remainder_", (x) => x.remainder_(-0.75), (x) => torch.remainder(x, -0.75)],
    ["floorDivide_", (x) => x.floorDivide_(0.5), (x) => torch.floorDivide(x, 0.5)],
    ["copysign_", (x) => x.copysign_(-1), (x) => torch.copysign(x, -1)],
    ["atan2_", (x) => x.atan2_(f64([1, -1, 2, -2, 0.5])), (x) => torch.atan2(x, f64([1, -1, 2, -2, 0.5]))],
    ["xlogy_", (x) => x.xlogy_(3), (x) => torch.xlogy(x, 3)],
  ];
  for (const [name, inplace, op] of forms) {
    const x = f64(v);
    const r = inplace(x);
    assert.equal(r, x, `${name} returns self`);
    assert.deepEqual(values(x), values(op(f64(v))), name);
  }
  const n = f64([NaN, Infinity, -Infinity, 1]);
  n.nanToNum_(0, 5, -5);
  assert.deepEqual(values(n), [0, 5, -5, 1]);
});

test("a float result cannot be written into an integer tensor in place", () => {
  const x = torch.tensor([3, 4], { dtype: "int64" });
  assert.throws(() => x.sinh_(), (e: Error) => e.name === "RuntimeError" && /result type Float can't be cast to the desired output type Long/.test(e.message));
  assert.deepEqual(values(x.floor_()), [3, 4]);
});

test("aliases and methods are the same ops", () => {
  const x = f64([-0.75, -0.25, 0.5, 0.9]);
  const y = f64([1.5, -2, 0.25, -0.5]);
  assert.deepEqual(values(torch.fix(x)), values(torch.trunc(x)));
  assert.deepEqual(values(x.fix()), values(x.trunc()));
  assert.deepEqual(values(torch.arcsin(x)), values(torch.asin(x)));
  assert.deepEqual(values(torch.arccos(x)), values(x.acos()));
  assert.deepEqual(values(torch.arctan(x)), values(x.atan()));
  assert.deepEqual(values(torch.arcsinh(x)), values(x.arcsinh()));
  assert.deepEqual(values(torch.arccosh(x.add(2))), values(x.add(2).arccosh()));
  assert.deepEqual(values(torch.arctanh(x)), values(x.arctanh()));
  assert.deepEqual(values(torch.arctan2(x, y)), values(x.arctan2(y)));
  assert.deepEqual(values(torch.atan2(x, y)), values(x.atan2(y)));
  assert.deepEqual(values(x.logaddexp(y)), values(torch.logaddexp(x, y)));
  assert.deepEqual(values(x.fmax(y)), values(torch.fmax(x, y)));
  assert.deepEqual(values(x.hypot(y)), values(torch.hypot(x, y)));
  assert.deepEqual(values(x.div(y, { roundingMode: "trunc" })), values(torch.div(x, y, { roundingMode: "trunc" })));
  assert.deepEqual(values(x.div(y, { roundingMode: null })), values(x.div(y)));
});

test("nanToNum takes its replacements positionally or as options", () => {
  const x = f64([NaN, Infinity, -Infinity, 2]);
  assert.deepEqual(values(torch.nanToNum(x, 1, 2, -2)), [1, 2, -2, 2]);
  assert.deepEqual(values(torch.nanToNum(x, { posinf: 7 })), [0, 7, -Number.MAX_VALUE, 2]);
  assert.deepEqual(values(x.nanToNum(1, null, null)), [1, Number.MAX_VALUE, -Number.MAX_VALUE, 2]);
  assert.throws(() => torch.nanToNum(x, { inf: 1 } as never), (e: Error) => e instanceof TypeError && /unexpected keyword argument 'inf'/.test(e.message));
});

test("bad options are PyTorch's errors", () => {
  const x = f64([1.5]);
  assert.throws(() => torch.div(x, 2, { roundingMode: "bad" as never }), (e: Error) => e.name === "RuntimeError" && e.message === "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'bad'");
  assert.throws(() => torch.div(x, 2, { rounding_mode: "floor" } as never), (e: Error) => e instanceof TypeError && /unexpected keyword argument 'rounding_mode'/.test(e.message));
  assert.throws(() => torch.round(x, { decimal: 1 } as never), (e: Error) => e instanceof TypeError && /unexpected keyword argument 'decimal'/.test(e.message));
  assert.throws(() => torch.round(x, { decimals: 0.5 }), (e: Error) => e instanceof TypeError && /'decimals' must be int/.test(e.message));
  assert.throws(() => torch.div(torch.tensor([true]), torch.tensor([true]), { roundingMode: "trunc" }), /"div_trunc_cpu" not implemented for 'Bool'/);
});

test("floor_divide and remainder(Scalar, Tensor) have no derivative in PyTorch: backward says so", () => {
  const x = f64([1.5, -2.5]).requiresGrad_();
  assert.throws(() => torch.floorDivide(x, 2).sum().backward(), (e: Error) => e.name === "RuntimeError" && e.message === "derivative for aten::floor_divide is not implemented");
  assert.throws(() => torch.remainder(2, x).sum().backward(), (e: Error) => e.name === "RuntimeError" && e.message === "derivative for aten::remainder is not implemented");
  // div with a rounding mode has a zero gradient, remainder(Tensor, Tensor) PyTorch's
  const y = f64([0.75, 1.25]).requiresGrad_();
  torch.div(x, y, { roundingMode: "floor" }).sum().backward();
  assert.deepEqual(values(x.grad!), [0, 0]);
  x.grad = null;
  torch.remainder(x, y).sum().backward();
  assert.deepEqual(values(x.grad!), [1, 1]);
  assert.deepEqual(values(y.grad!), [-2, 2]); // -floor(x / y)
});

test("integer division by zero is refused for tensor and number divisors, on every integer dtype", () => {
  for (const dtype of ["int32", "int64"] as const) {
    const a = torch.tensor([5, -5], { dtype });
    for (const f of [() => torch.fmod(a, 0), () => torch.remainder(a, torch.tensor([1, 0], { dtype })), () => torch.floorDivide(a, 0), () => a.div(0, { roundingMode: "trunc" })]) {
      assert.throws(f, (e: Error) => e.name === "RuntimeError" && e.message === "ZeroDivisionError");
    }
  }
  // a float divisor makes it float division: inf and NaN, no error (a JS number 0.0 is the
  // integer 0, so the float zero is a float tensor here)
  assert.deepEqual(values(torch.floorDivide(torch.tensor([5, 0], { dtype: "int64" }), torch.tensor([0], { dtype: "float32" }))), [Infinity, NaN]);
});

test("signbit sees the sign of a NaN (PyTorch: signbit(-nan) is true), in float32 and float64", () => {
  for (const Arr of [Float64Array, Float32Array]) {
    const data = new Arr([NaN, NaN, -0, 0]);
    const bits = new Uint8Array(data.buffer);
    bits[Arr.BYTES_PER_ELEMENT - 1]! |= 0x80; // the first NaN's sign bit (little-endian)
    assert.deepEqual(torch.signbit(torch.tensor(data)).tolist(), [true, false, true, false]);
  }
});
