// The argument checker (src/args.ts) and the checks the core ops make with it: PyTorch's call
// forms accepted (positional prefix, then one options object), everything else a TypeError
// (or PyTorch's ValueError/RuntimeError for a bad value) that names the argument.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";
import { bool, int, intOrInts, param, parseArgs } from "../src/args.ts";

const { nn } = torch;
const SIG = [param("a", int()), param("b", intOrInts, 1), param("flag", bool, false)];
const parse = (...args: unknown[]) => parseArgs<Record<string, unknown>>("f", SIG, args);

test("parseArgs: positional prefix, options object, defaults", () => {
  assert.deepEqual(parse(1), { a: 1, b: 1, flag: false });
  assert.deepEqual(parse(1, [2, 3], true), { a: 1, b: [2, 3], flag: true });
  assert.deepEqual(parse(1, { flag: true }), { a: 1, b: 1, flag: true });
  assert.deepEqual(parse({ a: 4, b: 5 }), { a: 4, b: 5, flag: false });
  assert.deepEqual(parse(1, undefined, true), { a: 1, b: 1, flag: true }, "undefined is 'not given'");
});

test("parseArgs: PyTorch's TypeErrors", () => {
  assert.throws(() => parse(1, { flg: true }), { name: "TypeError", message: "f() got an unexpected keyword argument 'flg'" });
  assert.throws(() => parse(1, 2, { b: 3 }), { name: "TypeError", message: "f() got multiple values for argument 'b'" });
  assert.throws(() => parse(1, 2, true, 4), { name: "TypeError", message: "f() takes from 1 to 3 positional arguments but 4 were given" });
  assert.throws(() => parse(), { name: "TypeError", message: "f() missing 1 required positional argument: 'a'" });
  assert.throws(() => parse(1.5), { name: "TypeError", message: "f(): argument 'a' must be an integer, but got number 1.5" });
  assert.throws(() => parse(1, "2"), { name: "TypeError", message: `f(): argument 'b' must be an integer or a list of integers, but got string "2"` });
  assert.throws(() => parse(1, 2, 1), /argument 'flag' must be a boolean, but got number 1/);
});

test("modules take PyTorch's positional forms and the options object, and build the same module", () => {
  assert.equal(String(new nn.Conv2d(1, 32, 3, 1)), "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))");
  assert.equal(String(new nn.Conv2d(1, 32, 3, 2, 1)), String(new nn.Conv2d(1, 32, 3, { stride: 2, padding: 1 })));
  assert.equal(new nn.Linear(3, 2, false).bias, null);
  assert.equal(new nn.Linear(3, 2, { bias: false }).bias, null);
  assert.equal(new nn.Dropout({ p: 0.3 }).p, 0.3);
  assert.equal(new nn.Dropout(0.3, true).inplace, true);
  assert.throws(() => new nn.Linear(3, 2, { bais: false } as never), /Linear\(\) got an unexpected keyword argument 'bais'/);
  assert.throws(() => new nn.Conv2d(1, 2, 2.5), /Conv2d\(\): argument 'kernelSize' must be an integer/);
  assert.throws(() => new nn.Dropout(2), { name: "ValueError", message: "dropout probability has to be between 0 and 1, but got 2.0" });
  assert.throws(() => new nn.Linear(-1, 2), /Trying to create tensor with negative dimension -1: \[2, -1\]/);
});

test("core ops reject what PyTorch rejects, naming the argument (the issue's bad-input sweep)", () => {
  const cases: Array<[() => unknown, string, RegExp]> = [
    [() => torch.ones(2).add([1, 2] as never), "TypeError", /add\(\): argument 'other' must be a Tensor or a number, but got an array/],
    [() => torch.ones(2).add("1" as never), "TypeError", /argument 'other' must be a Tensor or a number, but got string "1"/],
    [() => torch.zeros(2.5), "TypeError", /zeros\(\): argument 'size' must be a list of integers, but found number 2.5 at position 0/],
    [() => torch.zeros(-1), "RuntimeError", /Trying to create tensor with negative dimension -1: \[-1\]/],
    [() => torch.eye(-1), "RuntimeError", /n must be greater or equal to 0, got -1/],
    [() => torch.arange(0, NaN), "RuntimeError", /unsupported range: 0 -> nan/],
    [() => torch.arange(0, Infinity), "RuntimeError", /unsupported range: 0 -> inf/],
    [() => torch.randn(2, { generator: 5 } as never), "TypeError", /randn\(\): argument 'generator' must be a torch.Generator/],
    [() => torch.zeros(2, 3).select(1, 1.5), "TypeError", /select\(\): argument 'index' must be an integer/],
    [() => torch.zeros(3).narrow(0, 0.5, 1), "TypeError", /narrow\(\): argument 'start' must be an integer/],
    [() => torch.zeros(2, 3).sum(1.5), "TypeError", /argument 'dim' must be an integer/],
    [() => torch.zeros(2, { dtype: "float16" } as never), "TypeError", /zeros\(\): argument 'dtype' must be a dtype/],
    [() => torch.zeros(2, { dtype: "nonsense" } as never), "TypeError", /must be a dtype/],
    [() => torch.zeros(2, { dtyp: "float32" } as never), "TypeError", /zeros\(\) got an unexpected keyword argument 'dtyp'/],
    // a string that is no dtype is read as a device string, as PyTorch reads it
    [() => torch.zeros(2).to("nonsense" as never), "RuntimeError", /Expected one of cpu, webgpu device type at start of device string: nonsense/],
    [() => torch.zeros(2).to(5 as never), "TypeError", /to\(\): argument 'device' must be a torch.device or a string, or argument 'dtype' a dtype, but got number 5/],
    [() => torch.zeros(2, 2).mm([[1]] as never), "TypeError", /mm\(\): argument 'mat2' must be a Tensor, but got an array/],
    [() => torch.full([2], "a" as never), "TypeError", /full\(\): argument 'fill_value' must be a number or a boolean/],
    [() => torch.zeros(6).view(2, 1.5), "TypeError", /argument 'size' must be a list of integers/],
    [() => torch.zeros(6).chunk(1.5), "TypeError", /chunk\(\): argument 'chunks' must be an integer/],
    [() => torch.ones(2).add(1, { alpa: 2 } as never), "TypeError", /add\(\) got an unexpected keyword argument 'alpa'/],
    [() => torch.zeros(2, { device: 0 } as never), "TypeError", /argument 'device' must be/],
    [() => torch.zeros(2, { device: "cuda" }), "RuntimeError", /Expected one of cpu, webgpu device type at start of device string: cuda/],
  ];
  for (const [f, name, msg] of cases) assert.throws(f, (e: Error) => e.name === name && msg.test(e.message), String(msg));
});
