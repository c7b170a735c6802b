// Tensor: a strided view of shared storage plus autograd fields. Every method delegates to
// the one function that defines the op (src/ops/), so a method and its `torch.*` function
// can never disagree.
import { backwardInto } from "./autograd/grad.ts";
import { isGradEnabled } from "./autograd/gradMode.ts";
import type { GradHook, Node, PostAccumulateGradHook } from "./autograd/node.ts";
import type { GPUArray } from "./backends/webgpu/array.ts";
import { CPU, type Device, type DeviceLike } from "./device.ts";
import { allocate, DTYPES, isFloating, setInt64, wordsOf, type DType, type Storage } from "./dtype.ts";
import { RuntimeError, TorchTypeError, ValueError } from "./errors.ts";
import { isContiguousLayout, normalizeDim, numelOf, parseShape } from "./layout.ts";
import * as alloc from "./ops/alloc.ts";
import * as convert from "./ops/convert.ts";
import * as creation from "./ops/creation.ts";
import * as ew from "./ops/elementwise.ts";
import * as math from "./ops/math.ts";
import type { TensorOrScalar } from "./ops/elementwise.ts";
import { inplace } from "./ops/inplace.ts";
import * as idx from "./ops/indexing.ts";
import * as linalg from "./ops/linalg.ts";
import * as red from "./ops/reduce.ts";
import * as shp from "./ops/shape.ts";
import * as special from "./ops/special.ts";
import * as sub from "./ops/subscript.ts";
import * as rearr from "./ops/rearrange.ts";
import * as windows from "./ops/windows.ts";
import * as diagOps from "./ops/diagonal.ts";
import * as sorting from "./ops/sort.ts";
import { bool, checkBool, checkTensor, describe, isOptions, nullable, num, param, parseArgs, registerTensorClass, tensor as tensorArg, tensorOrTensors, type Args } from "./args.ts";
import * as logical from "./ops/logical.ts";
import * as blas from "./ops/blas.ts";
import * as ternary from "./ops/ternary.ts";
import * as join from "./ops/join.ts";
import * as indexDim from "./ops/indexDim.ts";
import * as products from "./ops/products.ts";
import * as order from "./ops/order.ts";
import * as norms from "./ops/norm.ts";
import * as counting from "./ops/counting.ts";
import * as differences from "./ops/differences.ts";
import * as covariance from "./ops/covariance.ts";
import * as bitwise from "./ops/bitwise.ts";
import { formatTensor } from "./print.ts";
import { defaultGenerator, type Generator } from "./random/generator.ts";
import * as sampling from "./random/sampling.ts";

/** An op's implementation signature (its arguments read at run time), for methods passing theirs on unchanged. */
type Loose<R> = (x: Tensor, ...args: unknown[]) => R;
/** PyTorch's element sizes (bool is one byte there, whatever our storage). */
const ELEMENT_BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };
// backward(gradient=None, retain_graph=None, create_graph=False, inputs=None)
const BACKWARD = [param("gradient", nullable(tensorArg), null), param("retainGraph", nullable(bool), null), param("createGraph", bool, false), param("inputs", nullable(tensorOrTensors), null)];

/** What tolist() returns: nested arrays of numbers or booleans, or one value (a 0-d tensor). */
export type NestedList = number | boolean | NestedList[];
/** Sizes as PyTorch takes them: varargs (`view(2, 3)`) or one list (`view([2, 3])`). */
export type ShapeArgs = Array<number | readonly number[]>;

/** What a StorageBox holds: a typed array on the CPU, a GPUArray handle on webgpu. */
export type TensorData = Storage | GPUArray;

/**
 * Storage shared by a tensor and its views, with the version counter in-place ops bump and
 * the device the storage lives on (one of the canonical Device objects, compared by reference).
 */
export class StorageBox {
  /** Bumped by every in-place op; autograd compares it with the version a node saved. */
  version = 0;
  constructor(
    /** The elements: the dtype's typed array on the CPU, a device buffer elsewhere. */
    public data: TensorData,
    /** Where the elements live. */
    readonly device: Device = CPU,
  ) {}
}

/** The keyword arguments of `backward` (and `autograd.backward`). */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so that backward can run through it again; PyTorch's default: createGraph. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients; PyTorch's default false. */
  createGraph?: boolean;
  /** Accumulate into these tensors' .grad only, not every leaf's (a non-leaf one retains its grad from then on). */
  inputs?: Tensor | readonly Tensor[] | null;
}
/** What registering a hook returns: `remove()` unregisters it (PyTorch's `torch.utils.hooks.RemovableHandle`). */
export interface RemovableHandle {
  /** Unregisters the hook. */
  remove(): void;
}

export class Tensor {
  _box: StorageBox;
  // Fixed for a tensor's life except through `set data` (PyTorch's `param.data = ...`).
  readonly shape: number[];
  /** The step in storage elements along each dimension (PyTorch's `stride()`). */
  readonly strides: number[];
  /** The index of the first element in the storage (PyTorch's `storage_offset()`). */
  readonly offset: number;
  readonly dtype: DType;
  _requiresGrad = false;
  grad: Tensor | null = null;
  gradFn: Node | null = null;
  /** Hooks of a leaf (non-leaf hooks live on their node). */
  _hooks: GradHook[] | null = null;
  /** A leaf's hooks run after its .grad received a backward pass's whole gradient. */
  _postAccumulateHooks: PostAccumulateGradHook[] | null = null;
  /** The tensor whose storage this view aliases, or null when it owns its storage. */
  _base: Tensor | null = null;

  constructor(box: StorageBox, shape: number[], strides: number[], offset: number, dtype: DType) {
    this._box = box;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = dtype;
  }

  /** A 0-dim tensor holding v. */
  static scalar(v: number, dtype: DType): Tensor {
    const data = allocate(dtype, 1);
    if (data instanceof BigInt64Array) setInt64(wordsOf(data), 0, v);
    else data[0] = v;
    return new Tensor(new StorageBox(data), [], [], 0, dtype);
  }

  // ---- metadata ---------------------------------------------------------------------------
  /** The host storage of a CPU tensor (a device tensor's is read with `await t.dataAsync()`). */
  get storage(): Storage {
    if (this._box.device !== CPU) throw alloc.asyncReadError(this, "storage", "await t.dataAsync()");
    return this._box.data as Storage;
  }
  /** Whether autograd records operations on this tensor; setting it on a leaf is `requiresGrad_`. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  /** Sets whether autograd records operations on this tensor (a leaf's `requiresGrad_(v)`). */
  set requiresGrad(v: boolean) {
    this.requiresGrad_(v);
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** Where the storage lives: torch.device("cpu") or torch.device("webgpu:0"). */
  get device(): Device {
    return this._box.device;
  }
  /** The version counter shared with every view of the same storage. */
  get version(): number {
    return this._box.version;
  }
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    return dim === undefined ? this.shape.slice() : this.shape[normalizeDim(dim, this.shape.length)];
  }
  dim(): number {
    return this.shape.length;
  }
  /** PyTorch's alias of dim. */
  ndimension(): number {
    return this.shape.length;
  }
  /** The step in elements between neighbours along each dim (or along `dim`). */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number | number[] {
    return dim === undefined ? this.strides.slice() : this.strides[normalizeDim(dim, this.shape.length)]!;
  }
  /** Where the tensor's first element sits in its storage, in elements. */
  storageOffset(): number {
    return this.offset;
  }
  /** Bytes per element of the dtype (PyTorch's: bool is 1 byte). */
  elementSize(): number {
    return ELEMENT_BYTES[this.dtype];
  }
  /** Bytes of the elements (numel * elementSize()). */
  get nbytes(): number {
    return this.numel() * ELEMENT_BYTES[this.dtype];
  }
  /** Bytes per element (PyTorch's Tensor.itemsize). */
  get itemsize(): number {
    return ELEMENT_BYTES[this.dtype];
  }
  numel(): number {
    return numelOf(this.shape);
  }
  /** PyTorch's alias of numel. */
  nelement(): number {
    return numelOf(this.shape);
  }
  isContiguous(): boolean {
    return isContiguousLayout(this.shape, this.strides);
  }
  isFloatingPoint(): boolean {
    return isFloating(this.dtype);
  }
  /** Whether the dtype is signed (every torch-ts dtype but bool). */
  isSigned(): boolean {
    return this.dtype !== "bool";
  }
  /** Whether the dtype is complex: never in torch-ts, which has no complex dtypes. */
  isComplex(): boolean {
    return false;
  }
  /** Whether other has the same shape. */
  isSameSize(other: Tensor): boolean {
    return checkTensor(other, "other", "is_same_size").shape.join() === this.shape.join();
  }
  /** The one element as a boolean (PyTorch's is_nonzero; an error for more or fewer elements). */
  isNonzero(): boolean {
    if (this.numel() === 0) throw new RuntimeError("Boolean value of Tensor with no values is ambiguous");
    if (this.numel() > 1) throw new RuntimeError("Boolean value of Tensor with more than one value is ambiguous");
    return Number(this.item()) !== 0;
  }
  /** True on the CPU (PyTorch's is_cpu). */
  get isCpu(): boolean {
    return this._box.device === CPU;
  }
  /** False: torch-ts has no CUDA device (its GPU device is webgpu). */
  get isCuda(): boolean {
    return false;
  }
  /** The device index: -1 on the CPU, as PyTorch's get_device. */
  getDevice(): number {
    return this._box.device === CPU ? -1 : (this._box.device.index ?? 0);
  }
  /** Whether a non-leaf's .grad is kept by backward (retainGrad was called); leaves keep theirs anyway, as PyTorch reports false for them. */
  get retainsGrad(): boolean {
    return this.gradFn !== null && this.gradFn.retained === this;
  }
  /**
   * Row-major host data of exactly numel elements (the storage itself when it already is
   * that). CPU tensors only: a device tensor's values come from `await t.dataAsync()`.
   */
  contiguousData(): Storage {
    return alloc.hostData(this);
  }

  /** The same data without autograd history (PyTorch's `.data`). */
  get data(): Tensor {
    return convert.detach(this);
  }
  /** Rebinds this tensor to other's storage and layout, keeping its identity (module.to, loading). */
  set data(other: Tensor) {
    const self = this as { -readonly [K in keyof Tensor]: Tensor[K] };
    self._box = other._box;
    self.shape = other.shape;
    self.strides = other.strides;
    self.offset = other.offset;
    self.dtype = other.dtype;
  }

  // ---- reading ----------------------------------------------------------------------------
  /**
   * The value of a one-element tensor as a number (bool: 0 or 1, as Python's int(True)). An
   * int64 value beyond 2^53 has no exact number: it throws instead of rounding silently.
   */
  item(): number {
    const n = this.numel();
    if (n !== 1) throw new ValueError("only one element tensors can be converted to Python scalars");
    if (this._box.device !== CPU) throw alloc.asyncReadError(this, "item()", "await t.itemAsync()");
    return exactNumber((this._box.data as Storage)[this.offset]!);
  }
  /**
   * Nested arrays of numbers (booleans for bool tensors); a 0-d tensor gives its value. The
   * rank is not part of a tensor's type: name the shape you know, `x.tolist<number[][]>()`
   * (all values flat: `x.reshape(-1).tolist<number[]>()`).
   */
  tolist<T extends NestedList = NestedList>(): T {
    if (this._box.device !== CPU) throw alloc.asyncReadError(this, "tolist()", "await t.tolistAsync()");
    const bool = this.dtype === "bool";
    return nestedValues(this, (v) => (bool ? v !== 0 : exactNumber(v))) as T;
  }
  /**
   * item() on any device: resolves once the device has computed the value (at once on the
   * CPU). Reading waits for every kernel recorded before it; a loop that reads a value every
   * N steps waits once per N steps.
   */
  async itemAsync(): Promise<number> {
    if (this.numel() !== 1) throw new ValueError("only one element tensors can be converted to Python scalars");
    return (await this.cpuAsync()).item();
  }
  /** tolist() on any device (see itemAsync). */
  async tolistAsync(): Promise<unknown> {
    return (await this.cpuAsync()).tolist();
  }
  /** contiguousData() on any device: a host copy for a device tensor (see itemAsync). */
  async dataAsync(): Promise<Storage> {
    return (await this.cpuAsync()).contiguousData();
  }
  /** This tensor on the CPU: itself there; a device tensor raises, naming cpuAsync (reading waits). */
  cpu(): Tensor {
    return convert.to(this, { device: CPU, dtype: this.dtype, copy: false });
  }
  /** This tensor on the CPU, read back from its device when it is on one (differentiable). */
  cpuAsync(): Promise<Tensor> {
    return convert.toAsync(this, { device: CPU, dtype: this.dtype, copy: false });
  }
  /** The tensor as PyTorch prints it: `tensor([[1., 2.], ...])`, with the dtype and grad_fn when PyTorch shows them. */
  toString(): string {
    return formatTensor(this);
  }
  /** The repr with the values, on any device (read back first from a device; see itemAsync). */
  async toStringAsync(): Promise<string> {
    if (this._box.device === CPU) return formatTensor(this);
    const host = await this.cpuAsync();
    host.gradFn = this.gradFn;
    host._requiresGrad = this._requiresGrad;
    return formatTensor(host, this._box.device);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- autograd ---------------------------------------------------------------------------
  /** backward(gradient=None, retain_graph=None, create_graph=False, inputs=None), positional or as options. */
  backward(...args: Args<[gradient: Tensor | null | undefined, retainGraph: boolean | null, createGraph: boolean, inputs: Tensor | readonly Tensor[] | null], BackwardOptions & { gradient?: Tensor | null }>): void {
    type Parsed = { gradient: Tensor | null; retainGraph: boolean | null; createGraph: boolean; inputs: Tensor[] | null };
    const o = parseArgs<Parsed>("backward", BACKWARD, args);
    backwardInto([this], [o.gradient], o.retainGraph, o.createGraph, o.inputs);
  }
  detach(): Tensor {
    return convert.detach(this);
  }
  /** Detaches in place: this tensor becomes a leaf that does not require grad. */
  detach_(): this {
    this.gradFn = null;
    this._requiresGrad = false;
    return this;
  }
  requiresGrad_(requiresGrad = true): this {
    checkBool(requiresGrad, "requires_grad", "requires_grad_");
    if (!this.isLeaf) {
      throw new RuntimeError(
        requiresGrad ? "you can only change requires_grad flags of leaf variables." : "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    }
    if (requiresGrad && !isFloating(this.dtype)) throw new RuntimeError("only Tensors of floating point dtype can require gradients");
    this._requiresGrad = requiresGrad;
    return this;
  }
  retainGrad(): void {
    if (!this.requiresGrad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFn) this.gradFn.retained = this;
  }
  /**
   * hook(this) runs once this leaf's .grad has been accumulated in a backward pass, while
   * the pass goes on with the rest of the graph (PyTorch's register_post_accumulate_grad_hook).
   */
  registerPostAccumulateGradHook(hook: PostAccumulateGradHook): RemovableHandle {
    if (!this.requiresGrad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
    if (!this.isLeaf) throw new RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors");
    const list = (this._postAccumulateHooks ??= []);
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }
  registerHook(hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
    const owner = this.gradFn ?? this;
    const list = this.gradFn ? (this.gradFn.hooks ??= []) : (this._hooks ??= []);
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
        void owner;
      },
    };
  }

  // ---- elementwise ------------------------------------------------------------------------
  add(other: TensorOrScalar, opts?: ew.AlphaOptions): Tensor { return ew.add(this, other, opts); }
  sub(other: TensorOrScalar, opts?: ew.AlphaOptions): Tensor { return ew.sub(this, other, opts); }
  mul(other: TensorOrScalar): Tensor { return ew.mul(this, other); }
  div(other: TensorOrScalar, opts?: ew.DivOptions): Tensor { return ew.div(this, other, opts); }
  /** PyTorch's aliases of sub, mul, div, neg. */
  subtract(other: TensorOrScalar, opts?: ew.AlphaOptions): Tensor { return ew.sub(this, other, opts); }
  multiply(other: TensorOrScalar): Tensor { return ew.mul(this, other); }
  divide(other: TensorOrScalar, opts?: ew.DivOptions): Tensor { return ew.div(this, other, opts); }
  negative(): Tensor { return ew.neg(this); }
  pow(exponent: TensorOrScalar): Tensor { return ew.pow(this, exponent); }
  maximum(other: Tensor): Tensor { return ew.maximum(this, other); }
  minimum(other: Tensor): Tensor { return ew.minimum(this, other); }
  neg(): Tensor { return ew.neg(this); }
  exp(): Tensor { return ew.exp(this); }
  log(): Tensor { return ew.log(this); }
  log1p(): Tensor { return ew.log1p(this); }
  expm1(): Tensor { return ew.expm1(this); }
  sqrt(): Tensor { return ew.sqrt(this); }
  rsqrt(): Tensor { return ew.rsqrt(this); }
  erfinv(): Tensor { return special.erfinv(this); }
  abs(): Tensor { return ew.abs(this); }
  /** PyTorch's alias of abs. */
  absolute(): Tensor { return ew.abs(this); }
  /** The same values (PyTorch's positive: the tensor itself). */
  positive(): Tensor { return this; }
  sign(): Tensor { return ew.sign(this); }
  sin(): Tensor { return ew.sin(this); }
  cos(): Tensor { return ew.cos(this); }
  tan(): Tensor { return ew.tan(this); }
  tanh(): Tensor { return ew.tanh(this); }
  sigmoid(): Tensor { return ew.sigmoid(this); }
  relu(): Tensor { return ew.relu(this); }
  clamp(...args: ew.ClampArgs): Tensor { return ew.clamp(this, ...args); }
  clampMin(min: number): Tensor { return ew.clampMin(this, min); }
  clampMax(max: number): Tensor { return ew.clampMax(this, max); }
  /** log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is given. */
  logit(eps: number | null = null): Tensor { return math.logit(this, eps); }
  sinc(): Tensor { return math.sinc(this); }
  lgamma(): Tensor { return special.lgamma(this); }
  digamma(): Tensor { return special.digamma(this); }
  polygamma(n: number): Tensor { return special.polygamma(n, this); }
  lgamma_(): this { return this.inplace((s) => special.lgamma(s)); }
  digamma_(): this { return this.inplace((s) => special.digamma(s)); }
  polygamma_(n: number): this { return this.inplace((s) => special.polygamma(n, s)); }
  deg2rad(): Tensor { return math.deg2rad(this); }
  rad2deg(): Tensor { return math.rad2deg(this); }
  heaviside(values: Tensor): Tensor { return math.heaviside(this, values); }
  /** The same as div (PyTorch's true_divide). */
  trueDivide(other: TensorOrScalar): Tensor { return ew.div(this, other); }
  /** PyTorch's alias of clamp. */
  clip(...args: ew.ClampArgs): Tensor { return ew.clamp(this, ...args); }
  eq(other: TensorOrScalar): Tensor { return ew.eq(this, other); }
  /** PyTorch's aliases of ne, gt, ge, lt, le. */
  notEqual(other: TensorOrScalar): Tensor { return ew.ne(this, other); }
  greater(other: TensorOrScalar): Tensor { return ew.gt(this, other); }
  greaterEqual(other: TensorOrScalar): Tensor { return ew.ge(this, other); }
  less(other: TensorOrScalar): Tensor { return ew.lt(this, other); }
  lessEqual(other: TensorOrScalar): Tensor { return ew.le(this, other); }
  ne(other: TensorOrScalar): Tensor { return ew.ne(this, other); }
  lt(other: TensorOrScalar): Tensor { return ew.lt(this, other); }
  le(other: TensorOrScalar): Tensor { return ew.le(this, other); }
  gt(other: TensorOrScalar): Tensor { return ew.gt(this, other); }
  ge(other: TensorOrScalar): Tensor { return ew.ge(this, other); }
  logicalAnd(other: TensorOrScalar): Tensor { return ew.logicalAnd(this, other); }
  logicalOr(other: TensorOrScalar): Tensor { return ew.logicalOr(this, other); }
  logicalNot(): Tensor { return ew.logicalNot(this); }
  logicalXor(other: TensorOrScalar): Tensor { return ew.logicalXor(this, other); }
  /** Python's x & y, x | y, x ^ y, ~x, x << y, x >> y on integer and bool tensors. */
  bitwiseAnd(other: TensorOrScalar): Tensor { return bitwise.bitwiseAnd(this, other); }
  bitwiseOr(other: TensorOrScalar): Tensor { return bitwise.bitwiseOr(this, other); }
  bitwiseXor(other: TensorOrScalar): Tensor { return bitwise.bitwiseXor(this, other); }
  bitwiseNot(): Tensor { return bitwise.bitwiseNot(this); }
  bitwiseLeftShift(other: TensorOrScalar): Tensor { return bitwise.bitwiseLeftShift(this, other); }
  bitwiseRightShift(other: TensorOrScalar): Tensor { return bitwise.bitwiseRightShift(this, other); }
  isnan(): Tensor { return ew.isnan(this); }
  isfinite(): Tensor { return ew.isfinite(this); }
  where(condition: Tensor, other: TensorOrScalar): Tensor { return ew.where(condition, this, other); }
  floor(): Tensor { return math.floor(this); }
  ceil(): Tensor { return math.ceil(this); }
  round(opts?: math.RoundOptions): Tensor { return math.round(this, opts); }
  trunc(): Tensor { return math.trunc(this); }
  /** PyTorch's alias of trunc. */
  fix(): Tensor { return math.trunc(this); }
  frac(): Tensor { return math.frac(this); }
  log2(): Tensor { return math.log2(this); }
  log10(): Tensor { return math.log10(this); }
  exp2(): Tensor { return math.exp2(this); }
  sinh(): Tensor { return math.sinh(this); }
  cosh(): Tensor { return math.cosh(this); }
  asin(): Tensor { return math.asin(this); }
  /** PyTorch's alias of asin. */
  arcsin(): Tensor { return math.asin(this); }
  acos(): Tensor { return math.acos(this); }
  /** PyTorch's alias of acos. */
  arccos(): Tensor { return math.acos(this); }
  atan(): Tensor { return math.atan(this); }
  /** PyTorch's alias of atan. */
  arctan(): Tensor { return math.atan(this); }
  asinh(): Tensor { return math.asinh(this); }
  /** PyTorch's alias of asinh. */
  arcsinh(): Tensor { return math.asinh(this); }
  acosh(): Tensor { return math.acosh(this); }
  /** PyTorch's alias of acosh. */
  arccosh(): Tensor { return math.acosh(this); }
  atanh(): Tensor { return math.atanh(this); }
  /** PyTorch's alias of atanh. */
  arctanh(): Tensor { return math.atanh(this); }
  erfc(): Tensor { return math.erfc(this); }
  square(): Tensor { return math.square(this); }
  reciprocal(): Tensor { return math.reciprocal(this); }
  isinf(): Tensor { return math.isinf(this); }
  isposinf(): Tensor { return math.isposinf(this); }
  isneginf(): Tensor { return math.isneginf(this); }
  signbit(): Tensor { return math.signbit(this); }
  nanToNum(nan?: number | math.NanToNumOptions, posinf?: number | null, neginf?: number | null): Tensor { return math.nanToNum(this, nan, posinf, neginf); }
  atan2(other: Tensor): Tensor { return math.atan2(this, other); }
  /** PyTorch's alias of atan2. */
  arctan2(other: Tensor): Tensor { return math.atan2(this, other); }
  hypot(other: Tensor): Tensor { return math.hypot(this, other); }
  copysign(other: TensorOrScalar): Tensor { return math.copysign(this, other); }
  fmod(other: TensorOrScalar): Tensor { return math.fmod(this, other); }
  remainder(other: TensorOrScalar): Tensor { return math.remainder(this, other); }
  floorDivide(other: TensorOrScalar): Tensor { return math.floorDivide(this, other); }
  fmax(other: Tensor): Tensor { return math.fmax(this, other); }
  fmin(other: Tensor): Tensor { return math.fmin(this, other); }
  logaddexp(other: Tensor): Tensor { return math.logaddexp(this, other); }
  logaddexp2(other: Tensor): Tensor { return math.logaddexp2(this, other); }
  xlogy(other: TensorOrScalar): Tensor { return math.xlogy(this, other); }
  /** torch.all: whether every element (along dim) is nonzero, a bool tensor. */
  all(...args: logical.TruthArgs): Tensor { return logical.all(this, ...args); }
  /** torch.any: whether some element (along dim) is nonzero, a bool tensor. */
  any(...args: logical.TruthArgs): Tensor { return logical.any(this, ...args); }
  isclose(other: Tensor, ...args: logical.IscloseArgs): Tensor { return logical.isclose(this, other, ...args); }
  allclose(other: Tensor, ...args: logical.IscloseArgs): boolean { return logical.allclose(this, other, ...args); }
  equal(other: Tensor): boolean { return logical.equal(this, other); }
  addcmul(tensor1: Tensor, tensor2: Tensor, opts?: ternary.ValueOptions): Tensor { return ternary.addcmul(this, tensor1, tensor2, opts); }
  addcdiv(tensor1: Tensor, tensor2: Tensor, opts?: ternary.ValueOptions): Tensor { return ternary.addcdiv(this, tensor1, tensor2, opts); }
  lerp(end: Tensor, weight: Tensor | number): Tensor { return ternary.lerp(this, end, weight); }

  // ---- reductions -------------------------------------------------------------------------
  // Methods with PyTorch's several forms declare them as overloads and pass their arguments on
  // as they came (no rest array on the hot path); the op reads the forms (src/args.ts).
  sum(...args: Args<[dim: red.Dims | null, keepdim: boolean], red.ReduceOptions>): Tensor;
  sum(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.sum as Loose<Tensor>)(this, dim, keepdim, opts); }
  mean(...args: Args<[dim: red.Dims | null, keepdim: boolean], red.ReduceOptions>): Tensor;
  mean(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.mean as Loose<Tensor>)(this, dim, keepdim, opts); }
  prod(...args: Args<[dim: number | null, keepdim: boolean], red.ReduceOptions & { dim?: number | null }>): Tensor;
  prod(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.prod as Loose<Tensor>)(this, dim, keepdim, opts); }
  max(): Tensor;
  /** The elementwise maximum (torch.max(input, other)). */
  max(other: Tensor): Tensor;
  max(...args: red.DimKeepdimArgs): red.ValuesIndices;
  max(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor | red.ValuesIndices { return (red.max as Loose<Tensor | red.ValuesIndices>)(this, dim, keepdim, opts); }
  min(): Tensor;
  /** The elementwise minimum (torch.min(input, other)). */
  min(other: Tensor): Tensor;
  min(...args: red.DimKeepdimArgs): red.ValuesIndices;
  min(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor | red.ValuesIndices { return (red.min as Loose<Tensor | red.ValuesIndices>)(this, dim, keepdim, opts); }
  amax(...args: Args<[dim: red.Dims | null, keepdim: boolean], red.DimOptions>): Tensor;
  amax(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.amax as Loose<Tensor>)(this, dim, keepdim, opts); }
  amin(...args: Args<[dim: red.Dims | null, keepdim: boolean], red.DimOptions>): Tensor;
  amin(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.amin as Loose<Tensor>)(this, dim, keepdim, opts); }
  argmax(...args: Args<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor;
  argmax(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.argmax as Loose<Tensor>)(this, dim, keepdim, opts); }
  argmin(...args: Args<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor;
  argmin(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.argmin as Loose<Tensor>)(this, dim, keepdim, opts); }
  /** var(dim, unbiased, keepdim) / var(dim, { correction, keepdim }) / var(unbiased), as PyTorch's overloads. */
  var(...args: red.VarArgs): Tensor { return red.variance(this, ...args); }
  std(...args: red.VarArgs): Tensor { return red.std(this, ...args); }
  nansum(...args: Args<[dim: red.Dims | null, keepdim: boolean], red.ReduceOptions>): Tensor;
  nansum(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.nansum as Loose<Tensor>)(this, dim, keepdim, opts); }
  nanmean(...args: Args<[dim: red.Dims | null, keepdim: boolean], red.ReduceOptions>): Tensor;
  nanmean(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.nanmean as Loose<Tensor>)(this, dim, keepdim, opts); }
  aminmax(opts?: { dim?: number | null; keepdim?: boolean }): red.MinMax { return red.aminmax(this, opts); }
  cummax(...args: [dim: number] | [options: { dim: number }]): red.ValuesIndices { return red.cummax(this, ...args); }
  cummin(...args: [dim: number] | [options: { dim: number }]): red.ValuesIndices { return red.cummin(this, ...args); }
  logsumexp(...args: [dim: red.Dims, ...rest: Args<[keepdim: boolean], { keepdim?: boolean }>] | [options: { dim: red.Dims; keepdim?: boolean }]): Tensor;
  logsumexp(dim?: unknown, keepdim?: unknown, opts?: unknown): Tensor { return (red.logsumexp as Loose<Tensor>)(this, dim, keepdim, opts); }
  cumsum(...args: red.CumulativeArgs): Tensor;
  cumsum(dim?: unknown, opts?: unknown): Tensor { return (red.cumsum as Loose<Tensor>)(this, dim, opts); }
  cumprod(...args: red.CumulativeArgs): Tensor;
  cumprod(dim?: unknown, opts?: unknown): Tensor { return (red.cumprod as Loose<Tensor>)(this, dim, opts); }
  sort(...args: Args<[dim: number, descending: boolean], sorting.SortOptions>): red.ValuesIndices { return sorting.sort(this, ...args); }
  argsort(...args: Args<[dim: number, descending: boolean], sorting.SortOptions>): Tensor { return sorting.argsort(this, ...args); }
  topk(k: number, ...args: Args<[dim: number, largest: boolean, sorted: boolean], sorting.TopkOptions>): red.ValuesIndices { return sorting.topk(this, k, ...args); }
  median(): Tensor;
  median(...args: [dim: number, ...rest: Args<[keepdim: boolean], { keepdim?: boolean }>] | [options: order.MedianOptions & { dim: number }]): red.ValuesIndices;
  median(...args: unknown[]): Tensor | red.ValuesIndices { return (order.median as Loose<Tensor | red.ValuesIndices>)(this, ...args); }
  nanmedian(): Tensor;
  nanmedian(...args: [dim: number, ...rest: Args<[keepdim: boolean], { keepdim?: boolean }>] | [options: order.MedianOptions & { dim: number }]): red.ValuesIndices;
  nanmedian(...args: unknown[]): Tensor | red.ValuesIndices { return (order.nanmedian as Loose<Tensor | red.ValuesIndices>)(this, ...args); }
  kthvalue(k: number, ...args: Args<[dim: number, keepdim: boolean], order.MedianOptions>): red.ValuesIndices { return order.kthvalue(this, k, ...args); }
  mode(...args: Args<[dim: number, keepdim: boolean], order.MedianOptions>): red.ValuesIndices { return order.mode(this, ...args); }
  logcumsumexp(dim: number): Tensor { return red.logcumsumexp(this, dim); }
  cov(opts?: covariance.CovOptions): Tensor { return covariance.cov(this, opts); }
  corrcoef(): Tensor { return covariance.corrcoef(this); }
  msort(): Tensor { return order.msort(this); }
  quantile(q: Tensor | number, ...args: Args<[dim: number | null, keepdim: boolean], order.QuantileOptions>): Tensor { return order.quantile(this, q, ...args); }
  nanquantile(q: Tensor | number, ...args: Args<[dim: number | null, keepdim: boolean], order.QuantileOptions>): Tensor { return order.nanquantile(this, q, ...args); }
  /** torch.norm(input, p='fro', dim=None, keepdim=False). */
  norm(...args: norms.NormArgs<norms.Ord, norms.LegacyNormOptions>): Tensor { return norms.norm(this, ...args); }
  softmax(...args: red.SoftmaxArgs): Tensor;
  softmax(dim?: unknown, dtype?: unknown, opts?: unknown): Tensor { return (red.softmax as Loose<Tensor>)(this, dim, dtype, opts); }
  logSoftmax(...args: red.SoftmaxArgs): Tensor;
  logSoftmax(dim?: unknown, dtype?: unknown, opts?: unknown): Tensor { return (red.logSoftmax as Loose<Tensor>)(this, dim, dtype, opts); }

  // ---- linear algebra ---------------------------------------------------------------------
  matmul(other: Tensor): Tensor { return linalg.matmul(this, other); }
  mm(other: Tensor): Tensor { return linalg.mm(this, other); }
  bmm(other: Tensor): Tensor { return linalg.bmm(this, other); }
  mv(vec: Tensor): Tensor { return blas.mv(this, vec); }
  dot(other: Tensor): Tensor { return blas.dot(this, other); }
  addmm(mat1: Tensor, mat2: Tensor, opts?: blas.BetaAlphaOptions): Tensor { return blas.addmm(this, mat1, mat2, opts); }
  addmv(mat: Tensor, vec: Tensor, opts?: blas.BetaAlphaOptions): Tensor { return blas.addmv(this, mat, vec, opts); }
  addbmm(batch1: Tensor, batch2: Tensor, opts?: blas.BetaAlphaOptions): Tensor { return blas.addbmm(this, batch1, batch2, opts); }
  baddbmm(batch1: Tensor, batch2: Tensor, opts?: blas.BetaAlphaOptions): Tensor { return blas.baddbmm(this, batch1, batch2, opts); }

  // ---- indexing ---------------------------------------------------------------------------
  gather(dim: number, index: Tensor): Tensor { return idx.gather(this, dim, index); }
  scatter(dim: number, index: Tensor, src: Tensor | number, opts?: idx.ScatterOptions): Tensor { return idx.scatter(this, dim, index, src, opts); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return idx.scatterAdd(this, dim, index, src); }
  indexSelect(dim: number, index: Tensor): Tensor { return idx.indexSelect(this, dim, index); }
  /** The elements of the flattened tensor at `index` (torch.take). */
  take(index: Tensor): Tensor { return idx.take(this, index); }
  unique(...args: Args<[sorted: boolean, returnInverse: boolean, returnCounts: boolean, dim: number | null], counting.UniqueOptions>): Tensor | Tensor[] { return counting.unique(this, ...args); }
  bincount(...args: Args<[weights: Tensor | null, minlength: number], counting.BincountOptions>): Tensor { return counting.bincount(this, ...args); }
  histc(...args: Args<[bins: number, min: number, max: number], counting.HistcOptions>): Tensor { return counting.histc(this, ...args); }
  uniqueConsecutive(...args: Args<[returnInverse: boolean, returnCounts: boolean, dim: number | null], counting.UniqueConsecutiveOptions>): Tensor | Tensor[] { return counting.uniqueConsecutive(this, ...args); }
  /** Draws from the categorical distributions in this tensor's rows (torch.multinomial). */
  multinomial(numSamples: number, ...args: Args<[replacement: boolean], creation.MultinomialOptions>): Tensor { return creation.multinomial(this, numSamples, ...args); }
  /** 1 with probability given by each element, else 0 (torch.bernoulli). */
  bernoulli(opts?: { generator?: Generator | null }): Tensor { return creation.bernoulli(this, opts); }
  maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor { return idx.maskedFill(this, mask, value); }
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: indexDim.IndexAddOptions): Tensor { return indexDim.indexAdd(this, dim, index, source, opts); }
  indexCopy(dim: number, index: Tensor, source: Tensor): Tensor { return indexDim.indexCopy(this, dim, index, source); }
  indexFill(dim: number, index: Tensor, value: number | boolean | Tensor): Tensor { return indexDim.indexFill(this, dim, index, value); }
  takeAlongDim(indices: Tensor, dim?: number | null | { dim?: number | null }, opts?: { dim?: number | null }): Tensor { return indexDim.takeAlongDim(this, indices, dim, opts); }
  triu(...args: Args<[diagonal: number], { diagonal?: number }>): Tensor { return idx.triu(this, ...args); }
  tril(...args: Args<[diagonal: number], { diagonal?: number }>): Tensor { return idx.tril(this, ...args); }
  /** x[index] (Python subscript syntax as a string, or items: see ops/subscript.ts). */
  index(index: sub.Index): Tensor { return sub.index(this, index); }
  /** x[index] = values (accumulate: +=), in place and differentiable. */
  indexPut_(index: sub.Index, values: Tensor | number, accumulate = false): this { sub.indexPut_(this, index, values, accumulate); return this; }
  /** x with x[index] = values, out of place. */
  indexPut(index: sub.Index, values: Tensor | number, accumulate = false): Tensor { return sub.indexPut(this, index, values, accumulate); }
  nonzero(): Tensor { return sub.nonzero(this); }
  argwhere(): Tensor { return sub.nonzero(this); }
  maskedSelect(mask: Tensor): Tensor { return sub.maskedSelect(this, mask); }

  /** Iterates over dim 0, as `for row in x` in Python. */
  *[Symbol.iterator](): IterableIterator<Tensor> {
    if (this.shape.length === 0) throw new TorchTypeError("iteration over a 0-d tensor");
    for (let i = 0; i < this.shape[0]!; i++) yield shp.select(this, 0, i);
  }

  // ---- views and shape --------------------------------------------------------------------
  view(...shape: ShapeArgs): Tensor { return shp.view(this, parseShape(shape)); }
  reshape(...shape: ShapeArgs): Tensor { return shp.reshape(this, parseShape(shape)); }
  /** The elements as one dimension (a view when it can be, as reshape(-1)). */
  ravel(): Tensor { return shp.reshape(this, [-1]); }
  /** split with a list of sizes (PyTorch's split_with_sizes). */
  splitWithSizes(sizes: readonly number[], ...args: Args<[dim: number], { dim?: number }>): Tensor[] {
    if (!Array.isArray(sizes)) throw new TorchTypeError(`split_with_sizes(): argument 'split_sizes' must be a list of integers, but got ${describe(sizes)}`);
    return (shp.split as Loose<Tensor[]>)(this, sizes, ...args);
  }
  viewAs(other: Tensor): Tensor { return shp.view(this, other.shape); }
  reshapeAs(other: Tensor): Tensor { return shp.reshape(this, other.shape); }
  transpose(...args: shp.TransposeArgs): Tensor;
  transpose(dim0?: unknown, dim1?: unknown, opts?: unknown): Tensor { return (shp.transpose as Loose<Tensor>)(this, dim0, dim1, opts); }
  t(): Tensor { return shp.t(this); }
  /** The dims reversed (x.T); a 2-D tensor's transpose. */
  get T(): Tensor { return shp.permute(this, [...Array(this.shape.length).keys()].reverse()); }
  /** The last two dims transposed (a batch of matrices transposed). */
  get mT(): Tensor { return shp.transpose(this, -2, -1); }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor { return shp.movedim(this, source, destination); }
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor { return shp.movedim(this, source, destination); }
  swapaxes(...args: shp.TransposeArgs): Tensor { return (shp.transpose as Loose<Tensor>)(this, ...args); }
  swapdims(...args: shp.TransposeArgs): Tensor { return (shp.transpose as Loose<Tensor>)(this, ...args); }
  flipud(): Tensor { return rearr.flipud(this); }
  fliplr(): Tensor { return rearr.fliplr(this); }
  diff(...args: Args<[n: number, dim: number, prepend: Tensor | null, append: Tensor | null], differences.DiffOptions>): Tensor { return differences.diff(this, ...args); }
  tensorSplit(sections: number | readonly number[] | Tensor, ...args: Args<[dim: number], { dim?: number }>): Tensor[] { return shp.tensorSplit(this, sections, ...args); }
  hsplit(sections: number | readonly number[] | Tensor): Tensor[] { return shp.hsplit(this, sections); }
  vsplit(sections: number | readonly number[] | Tensor): Tensor[] { return shp.vsplit(this, sections); }
  dsplit(sections: number | readonly number[] | Tensor): Tensor[] { return shp.dsplit(this, sections); }
  /** torch.broadcast_to: this tensor expanded to `shape` (a view). */
  broadcastTo(shape: readonly number[]): Tensor { return join.broadcastTo(this, shape); }
  flip(...dims: ShapeArgs | [options: { dims: number | readonly number[] }]): Tensor {
    return rearr.flip(this, dims.length === 1 && isOptions(dims[0]) ? dims[0] : parseShape(dims, "flip"));
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[] | null | rearr.RollOptions): Tensor;
  roll(options: rearr.RollOptions & { shifts: number | readonly number[] }): Tensor;
  roll(shifts: unknown, dims?: unknown, opts?: unknown): Tensor { return (rearr.roll as Loose<Tensor>)(this, shifts, dims, opts); }
  repeat(...sizes: ShapeArgs): Tensor { return rearr.repeat(this, parseShape(sizes, "repeat")); }
  tile(...dims: ShapeArgs): Tensor { return rearr.tile(this, parseShape(dims, "tile")); }
  repeatInterleave(repeats: number | Tensor, dim?: number | null): Tensor { return rearr.repeatInterleave(this, repeats, dim); }
  diagonal(...args: Args<[offset: number, dim1: number, dim2: number], diagOps.DiagonalOptions>): Tensor { return diagOps.diagonal(this, ...args); }
  diag(...args: Args<[diagonal: number], { diagonal?: number }>): Tensor { return diagOps.diag(this, ...args); }
  outer(other: Tensor): Tensor { return diagOps.outer(this, other); }
  /** PyTorch's alias of outer. */
  ger(other: Tensor): Tensor { return diagOps.outer(this, other); }
  /** unfold(dimension, size, step): every window of `size` elements along `dimension`, `step` apart, as a new last dim (a view). */
  unfold(dimension: number, size: number, step: number): Tensor { return windows.unfold(this, dimension, size, step); }
  diagEmbed(...args: Args<[offset: number, dim1: number, dim2: number], diagOps.DiagonalOptions>): Tensor { return diagOps.diagEmbed(this, ...args); }
  rot90(...args: Args<[k: number, dims: readonly number[]], { k?: number; dims?: readonly number[] }>): Tensor { return rearr.rot90(this, ...args); }
  trace(): Tensor { return products.trace(this); }
  kron(other: Tensor): Tensor { return products.kron(this, other); }
  cross(other: Tensor, ...args: Args<[dim: number | null], { dim?: number | null }>): Tensor { return products.cross(this, other, ...args); }
  inner(other: Tensor): Tensor { return products.inner(this, other); }
  dist(other: Tensor, p = 2): Tensor { return products.dist(this, other, p); }
  countNonzero(...args: Args<[dim: red.Dims | null], { dim?: red.Dims | null }>): Tensor { return logical.countNonzero(this, ...args); }
  permute(...dims: ShapeArgs): Tensor { return shp.permute(this, parseShape(dims)); }
  squeeze(...args: Args<[dim: number | readonly number[] | null], { dim?: number | readonly number[] | null }>): Tensor;
  squeeze(dim?: unknown, opts?: unknown): Tensor { return (shp.squeeze as Loose<Tensor>)(this, dim, opts); }
  unsqueeze(...args: [dim: number] | [options: { dim: number }]): Tensor;
  unsqueeze(dim?: unknown, opts?: unknown): Tensor { return (shp.unsqueeze as Loose<Tensor>)(this, dim, opts); }
  expand(...sizes: ShapeArgs): Tensor { return shp.expand(this, parseShape(sizes)); }
  expandAs(other: Tensor): Tensor { return shp.expand(this, other.shape); }
  flatten(...args: Args<[startDim: number, endDim: number], shp.FlattenOptions>): Tensor;
  flatten(startDim?: unknown, endDim?: unknown, opts?: unknown): Tensor { return (shp.flatten as Loose<Tensor>)(this, startDim, endDim, opts); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return shp.unflatten(this, dim, sizes); }
  narrow(dim: number, start: number, length: number): Tensor { return shp.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return shp.select(this, dim, index); }
  /** The view `x[..., start:end:step]` along `dim` (ATen's slice); null start or end: that end of the dim. */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { return shp.slice(this, dim, start, end, step); }
  chunk(chunks: number, ...args: Args<[dim: number], { dim?: number }>): Tensor[];
  chunk(chunks: number, dim?: unknown, opts?: unknown): Tensor[] { return (shp.chunk as Loose<Tensor[]>)(this, chunks, dim, opts); }
  split(splitSizeOrSections: number | readonly number[], ...args: Args<[dim: number], { dim?: number }>): Tensor[];
  split(splitSizeOrSections: number | readonly number[], dim?: unknown, opts?: unknown): Tensor[] { return (shp.split as Loose<Tensor[]>)(this, splitSizeOrSections, dim, opts); }
  unbind(...args: Args<[dim: number], { dim?: number }>): Tensor[];
  unbind(dim?: unknown, opts?: unknown): Tensor[] { return (shp.unbind as Loose<Tensor[]>)(this, dim, opts); }
  contiguous(): Tensor { return convert.contiguous(this); }
  clone(): Tensor { return convert.clone(this); }

  // ---- conversion -------------------------------------------------------------------------
  /**
   * PyTorch's forms: to(dtype), to(device), to(device, dtype), to(other), to({ device, dtype }),
   * each with options { copy, nonBlocking }. Moving from a device to the CPU reads values:
   * that is toAsync (or cpuAsync); this one raises naming it.
   */
  to(dtype: DType, opts?: convert.ToOptions): Tensor;
  to(device: DeviceLike, dtype?: DType, opts?: convert.ToOptions): Tensor;
  to(device: DeviceLike, opts?: convert.ToOptions): Tensor;
  to(other: Tensor, opts?: convert.ToOptions): Tensor;
  to(opts: convert.ToOptions): Tensor;
  to(...args: unknown[]): Tensor {
    const a = args[0];
    // the internal casts (x.to("int64")) skip the parse
    if (args.length === 1 && typeof a === "string" && (DTYPES as readonly string[]).includes(a)) return convert.castTo(this, a as DType);
    return convert.to(this, convert.parseTo(this, args));
  }
  /** to() in any direction, waiting for values that come back from a device. */
  toAsync(dtype: DType, opts?: convert.ToOptions): Promise<Tensor>;
  toAsync(device: DeviceLike, dtype?: DType, opts?: convert.ToOptions): Promise<Tensor>;
  toAsync(device: DeviceLike, opts?: convert.ToOptions): Promise<Tensor>;
  toAsync(other: Tensor, opts?: convert.ToOptions): Promise<Tensor>;
  toAsync(opts: convert.ToOptions): Promise<Tensor>;
  toAsync(...args: unknown[]): Promise<Tensor> {
    return convert.toAsync(this, convert.parseTo(this, args, "toAsync"));
  }
  float(): Tensor { return convert.castTo(this, "float32"); }
  double(): Tensor { return convert.castTo(this, "float64"); }
  int(): Tensor { return convert.castTo(this, "int32"); }
  long(): Tensor { return convert.castTo(this, "int64"); }
  bool(): Tensor { return convert.castTo(this, "bool"); }
  type(dtype: DType): Tensor { return convert.castTo(this, dtype); }
  /** This tensor in other's dtype. */
  typeAs(other: Tensor): Tensor { return convert.castTo(this, other.dtype); }

  // ---- new tensors like this one (dtype and device from this unless given) --------------------------------
  newZeros(...size: Array<number | readonly number[] | creation.TensorOptions>): Tensor { return creation.zeros(...withDtype(size, this.dtype, this._box.device)); }
  newOnes(...size: Array<number | readonly number[] | creation.TensorOptions>): Tensor { return creation.ones(...withDtype(size, this.dtype, this._box.device)); }
  newEmpty(...size: Array<number | readonly number[] | creation.TensorOptions>): Tensor { return creation.emptyTensor(...withDtype(size, this.dtype, this._box.device)); }
  newFull(size: number | readonly number[], fillValue: number | boolean, opts?: creation.TensorOptions): Tensor { return creation.full(size, fillValue, { ...opts, dtype: opts?.dtype ?? this.dtype, device: opts?.device ?? this._box.device }); }
  newTensor(data: creation.NestedArray | Storage, opts?: creation.TensorOptions): Tensor { return creation.tensor(data, { ...opts, dtype: opts?.dtype ?? this.dtype, device: opts?.device ?? this._box.device }); }

  // ---- in-place (trailing underscore, as PyTorch) -------------------------------------------
  add_(other: TensorOrScalar, opts?: ew.AlphaOptions): this {
    const alpha = opts?.alpha ?? 1;
    if (alpha === 1 ? ew.binaryInPlace("add", this, other) : other instanceof Tensor && ew.binaryInPlace("axpy", this, other, alpha)) return this;
    return this.inplace((s) => ew.add(s, other, opts), other);
  }
  sub_(other: TensorOrScalar, opts?: ew.AlphaOptions): this {
    const alpha = opts?.alpha ?? 1;
    if (alpha === 1 ? ew.binaryInPlace("sub", this, other) : other instanceof Tensor && ew.binaryInPlace("axpy", this, other, -alpha)) return this;
    return this.inplace((s) => ew.sub(s, other, opts), other);
  }
  mul_(other: TensorOrScalar): this {
    if (ew.binaryInPlace("mul", this, other)) return this;
    return this.inplace((s) => ew.mul(s, other), other);
  }
  div_(other: TensorOrScalar): this {
    if (ew.binaryInPlace("div", this, other)) return this;
    return this.inplace((s) => ew.div(s, other), other);
  }
  pow_(exponent: TensorOrScalar): this { return this.inplace((s) => ew.pow(s, exponent), exponent); }
  neg_(): this { return this.inplace((s) => ew.neg(s)); }
  exp_(): this { return this.inplace((s) => ew.exp(s)); }
  sqrt_(): this { return this.inplace((s) => ew.sqrt(s)); }
  erfinv_(): this { return this.inplace((s) => special.erfinv(s)); }
  relu_(): this { return this.inplace((s) => ew.relu(s)); }
  floor_(): this { return this.inplace((s) => math.floor(s)); }
  ceil_(): this { return this.inplace((s) => math.ceil(s)); }
  round_(opts?: math.RoundOptions): this { return this.inplace((s) => math.round(s, opts)); }
  trunc_(): this { return this.inplace((s) => math.trunc(s)); }
  /** PyTorch's alias of trunc_. */
  fix_(): this { return this.trunc_(); }
  frac_(): this { return this.inplace((s) => math.frac(s)); }
  log2_(): this { return this.inplace((s) => math.log2(s)); }
  log10_(): this { return this.inplace((s) => math.log10(s)); }
  exp2_(): this { return this.inplace((s) => math.exp2(s)); }
  sinh_(): this { return this.inplace((s) => math.sinh(s)); }
  cosh_(): this { return this.inplace((s) => math.cosh(s)); }
  asin_(): this { return this.inplace((s) => math.asin(s)); }
  acos_(): this { return this.inplace((s) => math.acos(s)); }
  atan_(): this { return this.inplace((s) => math.atan(s)); }
  asinh_(): this { return this.inplace((s) => math.asinh(s)); }
  acosh_(): this { return this.inplace((s) => math.acosh(s)); }
  atanh_(): this { return this.inplace((s) => math.atanh(s)); }
  erfc_(): this { return this.inplace((s) => math.erfc(s)); }
  square_(): this { return this.inplace((s) => math.square(s)); }
  reciprocal_(): this { return this.inplace((s) => math.reciprocal(s)); }
  nanToNum_(nan?: number | math.NanToNumOptions, posinf?: number | null, neginf?: number | null): this { return this.inplace((s) => math.nanToNum(s, nan, posinf, neginf)); }
  atan2_(other: Tensor): this { return this.inplace((s) => math.atan2(s, other), other); }
  hypot_(other: Tensor): this { return this.inplace((s) => math.hypot(s, other), other); }
  copysign_(other: TensorOrScalar): this { return this.inplace((s) => math.copysign(s, other), other); }
  fmod_(other: TensorOrScalar): this { return this.inplace((s) => math.fmod(s, other), other); }
  remainder_(other: TensorOrScalar): this { return this.inplace((s) => math.remainder(s, other), other); }
  floorDivide_(other: TensorOrScalar): this { return this.inplace((s) => math.floorDivide(s, other), other); }
  xlogy_(other: TensorOrScalar): this { return this.inplace((s) => math.xlogy(s, other), other); }
  clamp_(...args: ew.ClampArgs): this { return this.inplace((s) => ew.clamp(s, ...args)); }
  zero_(): this { return this.fill_(0); }
  fill_(value: number | boolean): this { return this.inplace(() => Tensor.scalar(Number(value), this.dtype)); }
  abs_(): this { return this.inplace((s) => ew.abs(s)); }
  absolute_(): this { return this.abs_(); }
  negative_(): this { return this.neg_(); }
  sign_(): this { return this.inplace((s) => ew.sign(s)); }
  sin_(): this { return this.inplace((s) => ew.sin(s)); }
  cos_(): this { return this.inplace((s) => ew.cos(s)); }
  tan_(): this { return this.inplace((s) => ew.tan(s)); }
  tanh_(): this { return this.inplace((s) => ew.tanh(s)); }
  sigmoid_(): this { return this.inplace((s) => ew.sigmoid(s)); }
  log_(): this { return this.inplace((s) => ew.log(s)); }
  log1p_(): this { return this.inplace((s) => ew.log1p(s)); }
  expm1_(): this { return this.inplace((s) => ew.expm1(s)); }
  rsqrt_(): this { return this.inplace((s) => ew.rsqrt(s)); }
  erf_(): this { return this.inplace((s) => special.erf(s)); }
  logit_(eps: number | null = null): this { return this.inplace((s) => math.logit(s, eps)); }
  clampMin_(min: number): this { return this.inplace((s) => ew.clampMin(s, min)); }
  clampMax_(max: number): this { return this.inplace((s) => ew.clampMax(s, max)); }
  /** PyTorch's aliases of asin_, acos_, atan_, asinh_, acosh_, atanh_, atan2_. */
  arcsin_(): this { return this.asin_(); }
  arccos_(): this { return this.acos_(); }
  arctan_(): this { return this.atan_(); }
  arcsinh_(): this { return this.asinh_(); }
  arccosh_(): this { return this.acosh_(); }
  arctanh_(): this { return this.atanh_(); }
  arctan2_(other: Tensor): this { return this.atan2_(other); }
  eq_(other: TensorOrScalar): this { return this.inplace((s) => ew.eq(s, other), other); }
  ne_(other: TensorOrScalar): this { return this.inplace((s) => ew.ne(s, other), other); }
  lt_(other: TensorOrScalar): this { return this.inplace((s) => ew.lt(s, other), other); }
  le_(other: TensorOrScalar): this { return this.inplace((s) => ew.le(s, other), other); }
  gt_(other: TensorOrScalar): this { return this.inplace((s) => ew.gt(s, other), other); }
  ge_(other: TensorOrScalar): this { return this.inplace((s) => ew.ge(s, other), other); }
  logicalNot_(): this { return this.inplace((s) => ew.logicalNot(s)); }
  logicalAnd_(other: TensorOrScalar): this { return this.inplace((s) => ew.logicalAnd(s, other), other); }
  logicalOr_(other: TensorOrScalar): this { return this.inplace((s) => ew.logicalOr(s, other), other); }
  logicalXor_(other: TensorOrScalar): this { return this.inplace((s) => ew.logicalXor(s, other), other); }
  bitwiseAnd_(other: TensorOrScalar): this { return this.inplace((s) => bitwise.bitwiseAnd(s, other), other); }
  bitwiseOr_(other: TensorOrScalar): this { return this.inplace((s) => bitwise.bitwiseOr(s, other), other); }
  bitwiseXor_(other: TensorOrScalar): this { return this.inplace((s) => bitwise.bitwiseXor(s, other), other); }
  bitwiseNot_(): this { return this.inplace((s) => bitwise.bitwiseNot(s)); }
  bitwiseLeftShift_(other: TensorOrScalar): this { return this.inplace((s) => bitwise.bitwiseLeftShift(s, other), other); }
  bitwiseRightShift_(other: TensorOrScalar): this { return this.inplace((s) => bitwise.bitwiseRightShift(s, other), other); }
  subtract_(other: TensorOrScalar, opts?: ew.AlphaOptions): this { return this.sub_(other, opts); }
  multiply_(other: TensorOrScalar): this { return this.mul_(other); }
  divide_(other: TensorOrScalar): this { return this.div_(other); }
  trueDivide_(other: TensorOrScalar): this { return this.div_(other); }
  tril_(...args: Args<[diagonal: number], { diagonal?: number }>): this { return this.inplace((s) => idx.tril(s, ...args)); }
  triu_(...args: Args<[diagonal: number], { diagonal?: number }>): this { return this.inplace((s) => idx.triu(s, ...args)); }
  cumsum_(...args: red.CumulativeArgs): this { return this.inplace((s) => red.cumsum(s, ...args)); }
  cumprod_(...args: red.CumulativeArgs): this { return this.inplace((s) => red.cumprod(s, ...args)); }
  addmm_(mat1: Tensor, mat2: Tensor, opts?: blas.BetaAlphaOptions): this { return this.inplace((s) => blas.addmm(s, mat1, mat2, opts), mat1, mat2); }
  addmv_(mat: Tensor, vec: Tensor, opts?: blas.BetaAlphaOptions): this { return this.inplace((s) => blas.addmv(s, mat, vec, opts), mat, vec); }
  addbmm_(batch1: Tensor, batch2: Tensor, opts?: blas.BetaAlphaOptions): this { return this.inplace((s) => blas.addbmm(s, batch1, batch2, opts), batch1, batch2); }
  baddbmm_(batch1: Tensor, batch2: Tensor, opts?: blas.BetaAlphaOptions): this { return this.inplace((s) => blas.baddbmm(s, batch1, batch2, opts), batch1, batch2); }
  /**
   * Fills the main diagonal (of a 2-D tensor, or of every dimension alike) with `fillValue`;
   * with `wrap`, a tall matrix's diagonal restarts every ncols + 1 rows, as NumPy's and PyTorch's.
   */
  fillDiagonal_(fillValue: number, wrap = false): this {
    num()(fillValue, "fill_value", "fill_diagonal_");
    checkBool(wrap, "wrap", "fill_diagonal_");
    if (this.ndim < 2) throw new RuntimeError("dimensions must larger than 1");
    if (this.ndim > 2 && this.shape.some((d) => d !== this.shape[0])) throw new RuntimeError("all dimensions of input must be of equal length");
    const mask = new Uint8Array(this.numel());
    if (this.ndim === 2) {
      const [rows, cols] = this.shape as [number, number];
      // with wrap, a tall matrix's diagonal starts again after a gap row: row r, column r mod (cols + 1)
      for (let r = 0; r < (wrap ? rows : Math.min(rows, cols)); r++) if (r % (cols + 1) < cols) mask[r * cols + (r % (cols + 1))] = 1;
    } else {
      // element (i, i, ..., i) sits at i times the sum of the row-major strides
      const step = (this.numel() - 1) / (this.shape[0]! - 1 || 1);
      for (let i = 0; i < this.shape[0]!; i++) mask[i * step] = 1;
    }
    const m = alloc.fromHost(mask, this.shape.slice(), "bool", this._box.device);
    return this.inplace((s) => ew.where(m, fillValue, s));
  }
  /** Copies src's values (broadcast, cast) into this tensor; from the CPU to a device is an upload. */
  copy_(src: Tensor): this { return this.inplace(() => src.to(this._box.device, this.dtype), src); }
  maskedFill_(mask: Tensor, value: number | boolean | Tensor): this { return this.inplace((s) => idx.maskedFill(s, mask, value)); }
  scatter_(dim: number, index: Tensor, src: Tensor | number, opts?: idx.ScatterOptions): this { return this.inplace((s) => idx.scatter(s, dim, index, src, opts), src instanceof Tensor ? src : undefined); }
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this { return this.inplace((s) => idx.scatterAdd(s, dim, index, src), src); }
  indexAdd_(dim: number, index: Tensor, source: Tensor, opts?: indexDim.IndexAddOptions): this { return this.inplace((s) => indexDim.indexAdd(s, dim, index, source, opts), source); }
  indexCopy_(dim: number, index: Tensor, source: Tensor): this { return this.inplace((s) => indexDim.indexCopy(s, dim, index, source), source); }
  indexFill_(dim: number, index: Tensor, value: number | boolean | Tensor): this { return this.inplace((s) => indexDim.indexFill(s, dim, index, value), value instanceof Tensor ? value : undefined); }
  clip_(...args: ew.ClampArgs): this { return this.clamp_(...args); }
  /** self += value * t1 * t2 */
  addcmul_(t1: Tensor, t2: Tensor, opts?: { value?: number }): this {
    const v = opts?.value ?? 1;
    if (!isGradEnabled() && ew.binaryInPlace("axpy", this, t1.mul(t2), v)) return this;
    return this.inplace((s) => s.add(t1.mul(t2), { alpha: v }), t1, t2);
  }
  /** self += value * t1 / t2 */
  addcdiv_(t1: Tensor, t2: Tensor, opts?: { value?: number }): this {
    const v = opts?.value ?? 1;
    if (!isGradEnabled() && ew.binaryInPlace("axpy", this, t1.div(t2), v)) return this;
    return this.inplace((s) => s.add(t1.div(t2), { alpha: v }), t1, t2);
  }
  /** self += weight * (end - self) */
  lerp_(end: Tensor, weight: TensorOrScalar): this {
    return this.inplace((s) => s.add(end.sub(s).mul(weight)), end, weight);
  }
  uniform_(from = 0, to = 1, opts?: { generator?: Generator }): this {
    return this.randomFill((out) => sampling.fillUniform(opts?.generator ?? defaultGenerator, out, from, to));
  }
  normal_(mean = 0, std = 1, opts?: { generator?: Generator }): this {
    return this.randomFill((out) => sampling.fillNormal(opts?.generator ?? defaultGenerator, out, mean, std));
  }
  /** exponential_(lambd=1): samples of Exp(lambd), drawn as PyTorch's CPU kernel draws them. */
  exponential_(lambd = 1, opts?: { generator?: Generator }): this {
    if (typeof lambd !== "number") throw new TorchTypeError(`exponential_(): argument 'lambd' must be a number, but got ${describe(lambd)}`);
    return this.randomFill((out) => sampling.fillExponential(opts?.generator ?? defaultGenerator, out, lambd));
  }
  /**
   * random_(from=0, to=None): integers from [from, to) (to given), [0, from) (one argument), or
   * over the dtype's range (none), drawn as PyTorch's random_ draws them.
   */
  random_(from?: number | { generator?: Generator }, to?: number | null | { generator?: Generator }, opts?: { generator?: Generator }): this {
    const o = (typeof from === "object" ? from : typeof to === "object" && to !== null ? to : opts) ?? {};
    const gen = o.generator ?? defaultGenerator;
    const lo = typeof from === "number" ? from : undefined;
    const hi = typeof to === "number" ? to : undefined;
    if (isGradEnabled() && this.isLeaf && this.requiresGrad) {
      throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
    }
    const buf = allocate(this.dtype, this.numel());
    if (lo === undefined) sampling.fillRandomFull(gen, buf as sampling.AnyOutArray, this.dtype);
    else if (hi === undefined) sampling.fillRandint(gen, buf as sampling.IntOutArray, 0, lo);
    else sampling.fillRandint(gen, buf as sampling.IntOutArray, lo, hi);
    const src = alloc.fromHost(buf, this.shape, this.dtype, this._box.device);
    alloc.backendOf(this).copy(alloc.sv(src), alloc.sv(this));
    this._box.version++;
    return this;
  }
  bernoulli_(p: number | Tensor = 0.5, opts?: { generator?: Generator }): this {
    const probs = typeof p === "number" ? p : (alloc.hostData(p.expand(this.shape), "bernoulli_(p)", "bernoulli_(await p.cpuAsync())") as Float32Array | Float64Array);
    return this.randomFill((out) => sampling.fillBernoulli(opts?.generator ?? defaultGenerator, out, probs));
  }

  private inplace(compute: (self: Tensor) => Tensor, ...others: Array<TensorOrScalar | undefined>): this {
    inplace(this, compute, others.filter((o): o is Tensor => o instanceof Tensor));
    return this;
  }

  /**
   * Random in-place fills draw into a contiguous host buffer with the CPU generator, then
   * write it into this view (uploaded first on a device: the same values on every device).
   */
  private randomFill(fill: (out: Float32Array | Float64Array) => void): this {
    if (isGradEnabled() && this.isLeaf && this.requiresGrad) {
      throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
    }
    if (!isFloating(this.dtype)) throw new RuntimeError(`random fills of dtype ${this.dtype} are not supported; use torch.randint`);
    const buf = allocate(this.dtype, this.numel()) as Float32Array | Float64Array;
    fill(buf);
    const src = alloc.fromHost(buf, this.shape, this.dtype, this._box.device);
    alloc.backendOf(this).copy(alloc.sv(src), alloc.sv(this));
    this._box.version++;
    return this;
  }
}

/** A stored value as a number, refusing int64 values that no number holds exactly (2^53 + 1; 2^60 is fine). */
function exactNumber(v: number | bigint): number {
  if (typeof v === "number") return v;
  const n = Number(v);
  if ((n > 9007199254740991 || n < -9007199254740991) && BigInt(n) !== v) {
    throw new RuntimeError(`int64 value ${v} has no exact JavaScript number (it is beyond 2^53); read it from t.contiguousData(), a BigInt64Array`);
  }
  return n;
}

/** The tensor's elements as nested arrays in row-major order, each read through `read`. */
export function nestedValues<V>(t: Tensor, read: (v: number | bigint) => V): unknown {
  if (t._box.device !== CPU) throw alloc.asyncReadError(t, "tolist()", "await t.tolistAsync()");
  const data = t._box.data as Storage;
  const build = (d: number, off: number): unknown => {
    if (d === t.shape.length) return read(data[off]!);
    const out: unknown[] = new Array(t.shape[d]);
    for (let i = 0; i < t.shape[d]!; i++) out[i] = build(d + 1, off + i * t.strides[d]!);
    return out;
  };
  return build(0, t.offset);
}

/** Size arguments of a new* method with `dtype` filled in unless the options give one. */
function withDtype(args: ReadonlyArray<number | readonly number[] | creation.TensorOptions>, dtype: DType, device: Device): Array<number | readonly number[] | creation.TensorOptions> {
  const last = args[args.length - 1];
  if (last !== undefined && typeof last === "object" && !Array.isArray(last)) {
    const o = last as creation.TensorOptions;
    return [...args.slice(0, -1), { ...o, dtype: o.dtype ?? dtype, device: o.device ?? device }];
  }
  return [...args, { dtype, device }];
}

registerTensorClass(Tensor);
