// Factory functions: torch.tensor, zeros, ones, full, arange, linspace, eye, random tensors.
import { allocate, dtypeOfArray, getDefaultDtype, isFloating, setInt64, wordsOf, type DType, type FloatArray, type NumArray, type Storage } from "../dtype.ts";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { broadcastShapes, checkSizes, numelOf, parseShape } from "../layout.ts";
import { bool, checkDevice, checkDtype, checkInt, checkOptions, checkTensor, describe, int, isOptions, num, param, parseArgs, typeError, type Args, type Checker } from "../args.ts";
import { fmaF32 } from "../random/fma.ts";
import { defaultGenerator, Generator as GeneratorClass, type Generator } from "../random/generator.ts";
import { fma } from "../random/libm/fma64.ts";
import * as sampling from "../random/sampling.ts";
import { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { canonicalDevice, CPU, type Device, type DeviceLike } from "../device.ts";
import { cpu } from "../backends/cpu/index.ts";
import { deviceBackend, empty, fromHost, fromStorage, hostData } from "./alloc.ts";

/** The keyword arguments of the tensor creation functions (`zeros`, `ones`, `full`, `arange`, ...). */
export interface TensorOptions {
  /** The element type; PyTorch's default `torch.getDefaultDtype()` (float32) for floating values, int64 for integer ones (`arange`, `randint`, ...). */
  dtype?: DType;
  /** Record operations on the new tensor for autograd (a floating dtype only); PyTorch's default false. */
  requiresGrad?: boolean;
  /** Where the tensor lives: "cpu" (default), "webgpu", or a torch.device. */
  device?: DeviceLike;
}
/** The keyword arguments of the random creation functions (`rand`, `randn`, `randint`, ...). */
export interface RandomOptions extends TensorOptions {
  /** The generator the values are drawn from; PyTorch's default the global one (`torch.manualSeed`). */
  generator?: Generator;
}

const TENSOR_KEYS = ["dtype", "requiresGrad", "device"] as const;
const RANDOM_KEYS = [...TENSOR_KEYS, "generator"] as const;

/** A torch.Generator, or undefined/null for the default one. */
function checkGenerator(g: unknown, fn: string): void {
  if (g !== undefined && g !== null && !(g instanceof GeneratorClass)) throw new TorchTypeError(`${fn}(): argument 'generator' must be a torch.Generator, but got ${describe(g)}`);
}

/** Validates a creation function's options object: known keys, a dtype, a generator, a device. */
export function checkCreationOptions<O extends RandomOptions>(fn: string, opts: O | undefined, random = false): O | undefined {
  if (opts === undefined) return opts;
  checkOptions(fn, opts, random ? RANDOM_KEYS : TENSOR_KEYS);
  if (opts.dtype !== undefined) checkDtype(opts.dtype, fn);
  if (opts.requiresGrad !== undefined && typeof opts.requiresGrad !== "boolean") throw new TorchTypeError(`${fn}(): argument 'requiresGrad' must be a boolean, but got ${describe(opts.requiresGrad)}`);
  checkGenerator(opts.generator, fn);
  if (opts.device !== undefined) checkDevice(opts.device, "device", fn);
  return opts;
}

/** The device an options object names (CPU when it names none). */
export const deviceOf = (opts: { device?: DeviceLike } | undefined): Device => (opts?.device === undefined ? CPU : canonicalDevice(opts.device));

/** The data of torch.tensor: a number, boolean or bigint, or nested arrays of them with a regular shape. */
export type NestedArray = number | boolean | bigint | readonly NestedArray[];

function finish(t: Tensor, opts?: TensorOptions): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Shape and options from PyTorch's two spellings: f(2, 3, opts?) and f([2, 3], opts?), checked. */
function shapeAndOpts<O extends RandomOptions>(fn: string, args: readonly unknown[], random = false): [number[], O | undefined] {
  const last = args[args.length - 1];
  const hasOpts = last !== undefined && last !== null && typeof last === "object" && !Array.isArray(last);
  const shape = parseShape(hasOpts ? args.slice(0, -1) : args, fn);
  checkSizes(shape);
  return [shape, checkCreationOptions(fn, (hasOpts ? last : undefined) as O | undefined, random)];
}

/**
 * A JavaScript number stands for a Python int when int64 holds it exactly (an integer in
 * [-2^63, 2^63)), else for a Python float: so 1e10 is int64 and 3e38 or 2.5 the default float.
 */
export const isInt64Value = (v: number): boolean => Number.isInteger(v) && v >= -9223372036854775808 && v < 9223372036854775808;

/** PyTorch's inference for torch.tensor(data): any float -> default float, else any int -> int64, else bool. */
function inferDtype(flat: ReadonlyArray<number | boolean | bigint>): DType {
  let sawBool = false;
  let sawFloat = false;
  let sawNumber = false;
  for (const v of flat) {
    if (typeof v === "boolean") sawBool = true;
    else if (typeof v === "bigint") sawNumber = true;
    else {
      sawNumber = true;
      if (!isInt64Value(v)) sawFloat = true;
    }
  }
  if (sawFloat) return getDefaultDtype();
  if (sawNumber) return "int64";
  return sawBool ? "bool" : getDefaultDtype();
}

/** Writes JavaScript values into fresh storage of any dtype (bigints exactly; numbers into int64 truncated). */
function writeValues(out: Storage, flat: ReadonlyArray<number | boolean | bigint>): void {
  if (out instanceof BigInt64Array) {
    const w = wordsOf(out);
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i]!;
      if (typeof v === "bigint") out[i] = checkedInt64(v);
      else setInt64(w, i, Number(v));
    }
  } else if (out instanceof Uint8Array) for (let i = 0; i < flat.length; i++) out[i] = flat[i] ? 1 : 0;
  else for (let i = 0; i < flat.length; i++) out[i] = Number(flat[i]);
}

function checkedInt64(v: bigint): bigint {
  if (v !== BigInt.asIntN(64, v)) throw new RuntimeError(`Overflow when unpacking long: ${v} does not fit in int64`);
  return v;
}

function flattenNested(data: NestedArray): { shape: number[]; flat: Array<number | boolean | bigint> } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const flat: Array<number | boolean | bigint> = [];
  const walk = (x: NestedArray, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(x)) throw new TorchTypeError(`expected a number at dim ${depth}, got a sequence`);
      if (typeof x !== "number" && typeof x !== "boolean" && typeof x !== "bigint") {
        throw new TorchTypeError(`new(): invalid data type '${typeof x}'`);
      }
      flat.push(x as number | boolean | bigint);
      return;
    }
    if (!Array.isArray(x)) throw new RuntimeError(`Could not infer dtype of ${typeof x}`);
    if (x.length !== shape[depth]) throw new RuntimeError(`expected sequence of length ${shape[depth]} at dim ${depth} (got ${x.length})`);
    for (const v of x) walk(v, depth + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

/** torch.tensor(data): copies nested arrays, a typed array (1-D) or a number. */
export function tensor(data: NestedArray | Storage, opts?: TensorOptions): Tensor {
  checkCreationOptions("tensor", opts);
  let t: Tensor;
  if (ArrayBuffer.isView(data)) {
    const src = data as Storage;
    const dtype = opts?.dtype ?? dtypeOfArray(src);
    const out = allocate(dtype, src.length);
    cpu.copy({ data: src, shape: [src.length], strides: [1], offset: 0 }, { data: out, shape: [src.length], strides: [1], offset: 0 });
    t = fromStorage(out, [src.length], dtype);
  } else {
    const { shape, flat } = flattenNested(data as NestedArray);
    const dtype = opts?.dtype ?? inferDtype(flat);
    const out = allocate(dtype, flat.length);
    writeValues(out, flat);
    t = fromStorage(out, shape, dtype);
  }
  if (opts?.requiresGrad && !isFloating(t.dtype)) throw new RuntimeError("Only Tensors of floating point and complex dtype can require gradients");
  return finish(onDevice(t, opts), opts);
}

/** A host-built tensor moved to the options' device (an upload; nothing to do on the CPU). */
function onDevice(t: Tensor, opts: { device?: DeviceLike } | undefined): Tensor {
  const device = deviceOf(opts);
  return device === CPU ? t : fromHost(t._box.data as Storage, t.shape, t.dtype, device);
}

function filled(shape: readonly number[], value: number | boolean, opts?: TensorOptions): Tensor {
  const dtype = opts?.dtype ?? (typeof value === "boolean" ? "bool" : isInt64Value(value) ? "int64" : getDefaultDtype());
  const device = deviceOf(opts);
  const t = empty(shape, dtype, device);
  const v = Number(value);
  if (v !== 0 || device !== CPU) deviceBackend(device).fill(t._box.data, v);
  return finish(t, opts);
}

export function zeros(...args: Array<number | readonly number[] | TensorOptions>): Tensor {
  const [shape, opts] = shapeAndOpts<TensorOptions>("zeros", args);
  return filled(shape, 0, { ...opts, dtype: opts?.dtype ?? getDefaultDtype() });
}
export function ones(...args: Array<number | readonly number[] | TensorOptions>): Tensor {
  const [shape, opts] = shapeAndOpts<TensorOptions>("ones", args);
  return filled(shape, 1, { ...opts, dtype: opts?.dtype ?? getDefaultDtype() });
}
export function emptyTensor(...args: Array<number | readonly number[] | TensorOptions>): Tensor {
  const [shape, opts] = shapeAndOpts<TensorOptions>("empty", args);
  return filled(shape, 0, { ...opts, dtype: opts?.dtype ?? getDefaultDtype() });
}
export function full(shape: number | readonly number[], value: number | boolean, opts?: TensorOptions): Tensor {
  const size = parseShape([shape], "full");
  checkSizes(size);
  checkFillValue("full", value);
  return filled(size, value, checkCreationOptions("full", opts));
}
function checkFillValue(fn: string, value: unknown): void {
  if (typeof value !== "number" && typeof value !== "boolean") throw new TorchTypeError(`${fn}(): argument 'fill_value' must be a number or a boolean, but got ${describe(value)}`);
}
/** *_like: the input's dtype and device unless the options name others. */
function likeOptions(fn: string, x: unknown, opts: TensorOptions | undefined): TensorOptions {
  checkTensor(x, "input", fn);
  checkCreationOptions(fn, opts);
  return { ...opts, dtype: opts?.dtype ?? (x as Tensor).dtype, device: opts?.device ?? (x as Tensor)._box.device };
}
export function zerosLike(x: Tensor, opts?: TensorOptions): Tensor {
  return filled(x.shape, 0, likeOptions("zeros_like", x, opts));
}
export function onesLike(x: Tensor, opts?: TensorOptions): Tensor {
  return filled(x.shape, 1, likeOptions("ones_like", x, opts));
}
export function fullLike(x: Tensor, value: number | boolean, opts?: TensorOptions): Tensor {
  checkFillValue("full_like", value);
  return filled(x.shape, value, likeOptions("full_like", x, opts));
}

/** torch.empty_like(input, *, dtype, device, requires_grad): the input's shape (its dtype and device unless named); torch-ts's fresh storage is zero-filled. */
export function emptyLike(x: Tensor, opts?: TensorOptions): Tensor {
  return filled(x.shape, 0, likeOptions("empty_like", x, opts));
}

/**
 * torch.as_tensor(data, dtype=None, device=None): a tensor that shares `data` where it can: a
 * tensor already of that dtype and device is returned as it is (else converted), a typed array
 * of the dtype becomes the storage of a CPU tensor without a copy; anything else is copied as
 * by torch.tensor.
 */
export function asTensor(data: Tensor | NestedArray | Storage, opts?: { dtype?: DType; device?: DeviceLike }): Tensor {
  if (opts !== undefined) {
    checkOptions("as_tensor", opts, ["dtype", "device"]);
    if (opts.dtype !== undefined) checkDtype(opts.dtype, "as_tensor");
    if (opts.device !== undefined) checkDevice(opts.device, "device", "as_tensor");
  }
  if (data instanceof Tensor) {
    const dtype = opts?.dtype ?? data.dtype, device = opts?.device === undefined ? data._box.device : canonicalDevice(opts.device);
    return dtype === data.dtype && device === data._box.device ? data : data.to({ dtype, device });
  }
  if (ArrayBuffer.isView(data) && (opts?.dtype === undefined || opts.dtype === dtypeOfArray(data as Storage)) && deviceOf(opts) === CPU) {
    const a = data as Storage;
    return fromStorage(a, [a.length], dtypeOfArray(a));
  }
  return tensor(data as NestedArray | Storage, opts);
}

/**
 * torch.normal, PyTorch's four forms: normal(mean: Tensor, std: Tensor | number = 1) and
 * normal(mean: number, std: Tensor), drawn elementwise (the broadcast shape; mean's dtype, or
 * std's), and normal(mean: number, std: number, size, options) a new tensor. Drawn as ATen
 * does, so a seed gives PyTorch's numbers: N(0, std) plus mean, or N(0, 1) times std plus mean.
 * Their gradient with respect to mean and std is zero, as PyTorch's (the draw is not
 * reparameterized).
 */
export function normal(mean: Tensor, std?: Tensor | number, opts?: { generator?: Generator }): Tensor;
export function normal(mean: number, std: Tensor, opts?: { generator?: Generator }): Tensor;
export function normal(mean: number, std: number, size: readonly number[], opts?: RandomOptions): Tensor;
export function normal(mean: Tensor | number, std: Tensor | number = 1, sizeOrOpts?: readonly number[] | { generator?: Generator }, opts?: RandomOptions): Tensor {
  if (!(mean instanceof Tensor) && !(std instanceof Tensor)) {
    num()(mean, "mean", "normal");
    num()(std, "std", "normal");
    if (!Array.isArray(sizeOrOpts)) throw new TorchTypeError("normal() received an invalid combination of arguments - got (number, number), but expected (Tensor mean, Tensor std), (Tensor mean, number std), (number mean, Tensor std) or (number mean, number std, size)");
    const size = parseShape([sizeOrOpts], "normal");
    checkSizes(size);
    if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
    const o = checkCreationOptions("normal", opts, true);
    const t = emptyTensor(size, { dtype: o?.dtype, device: o?.device }).normal_(mean, std, { generator: o?.generator ?? defaultGenerator });
    return finish(t, o);
  }
  const o = sizeOrOpts as { generator?: Generator } | undefined;
  if (o !== undefined) checkOptions("normal", o, ["generator"]);
  checkGenerator(o?.generator, "normal");
  const generator = o?.generator ?? defaultGenerator;
  if (!(std instanceof Tensor)) {
    // (Tensor mean, float std): N(0, std), then + mean
    num()(std, "std", "normal");
    if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
    const m = mean as Tensor;
    const out = noGrad(() => emptyLike(m).normal_(0, std, { generator }).add_(m));
    return record(out, "NormalBackward1", [m], [], (g) => [g.mul(0)]);
  }
  checkTensor(std, "std", "normal");
  // (checked where the values can be read synchronously: on the CPU; a device's draws are as PyTorch's)
  if (std._box.device === CPU && std.numel() > 0 && !noGrad(() => std.min().ge(0).item())) throw new RuntimeError("normal expects all elements of std >= 0.0");
  if (!(mean instanceof Tensor)) {
    // (float mean, Tensor std): N(0, 1) * std + mean
    num()(mean, "mean", "normal");
    const out = noGrad(() => emptyLike(std).normal_(0, 1, { generator }).mul_(std).add_(mean));
    return record(out, "NormalBackward2", [std], [], (g) => [g.mul(0)]);
  }
  const shape = broadcastShapes(mean.shape, std.shape);
  const out = noGrad(() => emptyTensor(shape, { dtype: mean.dtype, device: mean._box.device }).normal_(0, 1, { generator }).mul_(std).add_(mean));
  return record(out, "NormalBackward3", [mean, std], [], (g) => [g.mul(0), g.mul(0)]);
}

/** arange's and linspace's range given by keyword (`torch.arange(0, 10, step=2)`), beside the tensor options. */
export interface ArangeOptions extends TensorOptions {
  /** The first value; PyTorch's default 0. */
  start?: number;
  /** The bound the values stop before. */
  end?: number;
  /** The gap between values; PyTorch's default 1. */
  step?: number;
}
/** linspace's arguments by keyword (`torch.linspace(0, 1, steps=5)`), beside the tensor options. */
export interface LinspaceOptions extends TensorOptions {
  /** The first value. */
  start?: number;
  /** The last value. */
  end?: number;
  /** How many values, start and end included. */
  steps?: number;
}

/**
 * Splits the keyword arguments `names` out of a creation function's options object: the named
 * ones (undefined when none is given) and the tensor options left.
 */
function splitKeywords<O extends object>(opts: O | undefined, names: readonly string[]): [Record<string, unknown> | undefined, TensorOptions | undefined] {
  if (opts === undefined || !names.some((k) => k in opts)) return [undefined, opts];
  const kw: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) (names.includes(k) ? kw : rest)[k] = v;
  return [kw, rest as TensorOptions];
}

const RANGE = [param("start", num({ nan: true }), 0), param("end", num({ nan: true })), param("step", num({ nan: true }), 1)];

/**
 * torch.arange(end) / arange(start, end, step?), each also by keyword
 * (`arange(0, 10, { step: 2 })`, `arange({ end: 5 })`): integers when every argument is one.
 */
export function arange(end: number, opts?: ArangeOptions): Tensor;
export function arange(start: number, end: number, opts?: ArangeOptions): Tensor;
export function arange(start: number, end: number, step: number, opts?: ArangeOptions): Tensor;
export function arange(opts: ArangeOptions & { end: number }): Tensor;
export function arange(...args: unknown[]): Tensor {
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  const last = args[args.length - 1];
  const [kw, tensorOpts] = splitKeywords(isOptions(last) ? (args.pop() as ArangeOptions) : undefined, ["start", "end", "step"]);
  const opts = checkCreationOptions("arange", tensorOpts);
  let start: number, end: number, step: number;
  if (kw) ({ start, end, step } = parseArgs<{ start: number; end: number; step: number }>("arange", RANGE, [...args, kw]));
  else {
    if (args.length === 0 || args.length > 3) throw new TorchTypeError(`arange() takes from 1 to 3 positional arguments but ${args.length} were given`);
    args.forEach((v, i) => {
      if (typeof v !== "number") throw typeError("arange", args.length === 1 ? "end" : RANGE[i]!.name, "a number", v);
    });
    const nums = args as number[];
    [start, end, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  }
  const py = (v: number): string => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v));
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RuntimeError(`unsupported range: ${py(start)} -> ${py(end)}`);
  if (step === 0) throw new RuntimeError("step must be nonzero");
  if ((end - start) / step < 0) throw new RuntimeError("upper bound and larger bound inconsistent with step sign");
  const n = Math.ceil((end - start) / step);
  const dtype = opts?.dtype ?? ([start, end, step].every(isInt64Value) ? "int64" : getDefaultDtype());
  const t = empty([n], dtype, CPU);
  const out = t._box.data as Storage;
  if (out instanceof BigInt64Array) {
    // exact beyond 2^53 too: start + i * step in bigints when the values leave the safe range
    const safe = Number.isSafeInteger(start) && Number.isSafeInteger(start + n * step);
    if (safe) for (let i = 0, w = wordsOf(out); i < n; i++) setInt64(w, i, start + i * step);
    else for (let i = 0; i < n; i++) out[i] = BigInt(start) + BigInt(i) * BigInt(Math.trunc(step));
  } else for (let i = 0; i < n; i++) out[i] = start + i * step;
  return finish(onDevice(t, opts), opts);
}

const LINSPACE = [param("start", num({ nan: true })), param("end", num({ nan: true })), param("steps", int())];

/**
 * torch.linspace with the rounding of PyTorch's CPU kernel (AVX2 build): the first half counts
 * up from start, the second down from end, each element start + step * i in one fused
 * multiply-add; where the kernel runs vectorized (blocks of 2 x 8 float32 or 2 x 4 float64
 * elements) each 8- or 4-wide block starts at such a value and its lanes add lane * step
 * with two roundings. Integer dtypes take the plain formula.
 */
export function linspace(start: number, end: number, steps: number, opts?: LinspaceOptions): Tensor;
export function linspace(start: number, end: number, opts: LinspaceOptions & { steps: number }): Tensor;
export function linspace(start: number, opts: LinspaceOptions & { end: number; steps: number }): Tensor;
export function linspace(opts: LinspaceOptions & { start: number; end: number; steps: number }): Tensor;
export function linspace(...args: unknown[]): Tensor {
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  const last = args[args.length - 1];
  const [kw, tensorOpts] = splitKeywords(isOptions(last) ? (args.pop() as LinspaceOptions) : undefined, ["start", "end", "steps"]);
  const opts = checkCreationOptions("linspace", tensorOpts);
  const { start, end, steps } = parseArgs<{ start: number; end: number; steps: number }>("linspace", LINSPACE, [...args, kw ?? {}]);
  if (steps < 0) throw new RuntimeError("number of steps must be non-negative");
  const dtype = opts?.dtype ?? getDefaultDtype();
  const t = empty([steps], dtype, CPU);
  const half = Math.floor(steps / 2);
  if (dtype !== "float32" && dtype !== "float64") {
    const step = steps > 1 ? (end - start) / (steps - 1) : 0;
    const vals = new Float64Array(steps);
    for (let i = 0; i < steps; i++) vals[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
    cpu.copy({ data: vals, shape: [steps], strides: [1], offset: 0 }, { data: t._box.data as Storage, shape: [steps], strides: [1], offset: 0 });
    return finish(onDevice(t, opts), opts);
  }
  const out = t._box.data as NumArray;
  const f32 = dtype === "float32";
  const r = f32 ? Math.fround : (v: number) => v;
  const fused = f32 ? fmaF32 : fma;
  const a = r(start);
  const b = r(end);
  const step = steps > 1 ? r(r(b - a) / (steps - 1)) : 0;
  const at = (i: number) => (steps === 1 ? a : i < half ? fused(step, i, a) : fused(-step, steps - 1 - i, b));
  const lanes = f32 ? 8 : 4;
  let i = 0;
  for (; i + 2 * lanes <= steps; i += lanes) {
    for (const block of [i, (i += lanes)]) {
      const base = at(block);
      for (let j = 0; j < lanes; j++) out[block + j] = r(base + r(j * step));
    }
  }
  for (; i < steps; i++) out[i] = at(i);
  return finish(onDevice(t, opts), opts);
}

export function eye(n: number, m?: number | TensorOptions, opts?: TensorOptions): Tensor {
  const cols = typeof m === "number" ? m : n;
  const o = checkCreationOptions("eye", typeof m === "object" ? m : opts);
  checkInt(n, "n", "eye");
  checkInt(cols, "m", "eye");
  if (n < 0) throw new RuntimeError(`n must be greater or equal to 0, got ${n}`);
  if (cols < 0) throw new RuntimeError(`m must be greater or equal to 0, got ${cols}`);
  const t = empty([n, cols], o?.dtype ?? getDefaultDtype(), CPU);
  const out = t._box.data as Storage;
  for (let i = 0; i < Math.min(n, cols); i++) out[i * cols + i] = out instanceof BigInt64Array ? 1n : 1;
  return finish(onDevice(t, o), o);
}

/**
 * Random tensors are drawn on the CPU with the generator and uploaded, so under
 * torch.manualSeed(s) a tensor made on any device holds the values the CPU call gives.
 */
function floatTensor(shape: readonly number[], opts: RandomOptions | undefined, fill: (g: Generator, out: FloatArray) => void): Tensor {
  const dtype = opts?.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new RuntimeError(`"check_uniform_bounds" not implemented for '${dtype}'`);
  const t = empty(shape, dtype, CPU);
  fill(opts?.generator ?? defaultGenerator, t._box.data as FloatArray);
  return finish(onDevice(t, opts), opts);
}

export function rand(...args: Array<number | readonly number[] | RandomOptions>): Tensor {
  const [shape, opts] = shapeAndOpts<RandomOptions>("rand", args, true);
  return floatTensor(shape, opts, (g, out) => sampling.fillUniform(g, out, 0, 1));
}
export function randn(...args: Array<number | readonly number[] | RandomOptions>): Tensor {
  const [shape, opts] = shapeAndOpts<RandomOptions>("randn", args, true);
  return floatTensor(shape, opts, (g, out) => sampling.fillNormal(g, out, 0, 1));
}
export function randLike(x: Tensor, opts?: RandomOptions): Tensor {
  checkTensor(x, "input", "rand_like");
  return floatTensor(x.shape, { ...checkCreationOptions("rand_like", opts, true), dtype: opts?.dtype ?? x.dtype, device: opts?.device ?? x._box.device }, (g, out) => sampling.fillUniform(g, out, 0, 1));
}
export function randnLike(x: Tensor, opts?: RandomOptions): Tensor {
  checkTensor(x, "input", "randn_like");
  return floatTensor(x.shape, { ...checkCreationOptions("randn_like", opts, true), dtype: opts?.dtype ?? x.dtype, device: opts?.device ?? x._box.device }, (g, out) => sampling.fillNormal(g, out, 0, 1));
}

/** torch.randint(high, size) or randint(low, high, size): integers in [low, high). */
export function randint(a: number, b: number | readonly number[], c?: readonly number[] | RandomOptions, d?: RandomOptions): Tensor {
  const [low, high, sizeArg, opts] = typeof b === "number" ? [a, b, c as readonly number[], d] : [0, a, b, c as RandomOptions | undefined];
  checkInt(low, "low", "randint");
  checkInt(high, "high", "randint");
  const size = parseShape([sizeArg], "randint");
  checkSizes(size);
  checkCreationOptions("randint", opts, true);
  if (low >= high) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const t = empty(size, opts?.dtype ?? "int64", CPU);
  sampling.fillRandint(opts?.generator ?? defaultGenerator, t._box.data as sampling.IntOutArray, low, high);
  return finish(onDevice(t, opts), opts);
}

export function randperm(n: number, opts?: RandomOptions): Tensor {
  checkInt(n, "n", "randperm");
  checkCreationOptions("randperm", opts, true);
  if (n < 0) throw new RuntimeError(`n must be non-negative, got${n}`);
  const perm = sampling.randperm(opts?.generator ?? defaultGenerator, n);
  const dtype = opts?.dtype ?? "int64";
  const t = dtype === "int32" ? fromStorage(perm, [n], "int32") : fromStorage(perm, [n], "int32").to(dtype);
  return finish(onDevice(t, opts), opts);
}

/** torch.bernoulli(p): 1 with probability p per element. */
export function bernoulli(p: Tensor, opts?: { generator?: Generator | null }): Tensor {
  checkTensor(p, "input", "bernoulli");
  checkOptions("bernoulli", opts, ["generator"]);
  checkGenerator(opts?.generator, "bernoulli");
  if (!isFloating(p.dtype)) throw new RuntimeError(`"bernoulli_tensor_cpu_p_" not implemented for '${p.dtype}'`);
  const probs = hostData(p, "bernoulli(p)", "torch.bernoulli(await p.cpuAsync()) (the probabilities are read on the host)") as FloatArray;
  for (let i = 0; i < probs.length; i++) {
    if (!(probs[i] >= 0 && probs[i] <= 1)) throw new RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
  }
  const t = empty(p.shape, p.dtype, CPU);
  sampling.fillBernoulli(opts?.generator ?? defaultGenerator, t._box.data as FloatArray, probs);
  return t;
}

/** Options of multinomial: drawing with replacement (default false) and the generator (default the global one). */
export interface MultinomialOptions {
  replacement?: boolean;
  generator?: Generator | null;
}
const generatorArg: Checker<Generator | null> = (v, arg, fn) => {
  checkGenerator(v, fn);
  return (v ?? null) as Generator | null;
};
// multinomial(input, num_samples, replacement=False, *, generator=None)
const MULTINOMIAL = [param("replacement", bool, false)];
const MULTINOMIAL_KEYWORD = [param("generator", generatorArg, null)];
/** torch.multinomial(probs [n] or [rows, n], numSamples, replacement=false): sampled indices per row. */
export function multinomial(probs: Tensor, numSamples: number, ...args: Args<[replacement: boolean], MultinomialOptions>): Tensor {
  checkTensor(probs, "input", "multinomial");
  checkInt(numSamples, "num_samples", "multinomial");
  const opts = parseArgs<{ replacement: boolean; generator: Generator | null }>("multinomial", MULTINOMIAL, args, MULTINOMIAL_KEYWORD);
  const nd = probs.shape.length;
  if (nd !== 1 && nd !== 2) throw new RuntimeError(`prob_dist must be 1 or 2 dim`);
  if (!isFloating(probs.dtype)) throw new RuntimeError(`multinomial only supports floating-point dtypes for input, got: ${probs.dtype}`);
  const rows = nd === 1 ? 1 : probs.shape[0];
  const cols = probs.shape[nd - 1];
  const replacement = opts.replacement;
  if (numSamples <= 0) throw new RuntimeError("cannot sample n_sample <= 0 samples");
  if (!replacement && numSamples > cols) throw new RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  const data = hostData(probs, "multinomial()", "torch.multinomial(await probs.cpuAsync(), ...) (the probabilities are read on the host)") as FloatArray;
  const out = sampling.multinomial(opts.generator ?? defaultGenerator, data, rows, cols, numSamples, replacement);
  return fromStorage(out, nd === 1 ? [numSamples] : [rows, numSamples], "int32").to("int64");
}

export const numel = (shape: readonly number[]): number => numelOf(shape);
