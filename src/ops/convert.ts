// Copies, casts and moves: to(dtype), to(device), clone, contiguous, detach.
import { gradMode } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { traceOnly } from "../autograd/trace.ts";
import { canonicalDevice, CPU, Device } from "../device.ts";
import { DTYPES, isFloating, type DType } from "../dtype.ts";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { checkDtype, checkOptions, describe, isOptions } from "../args.ts";
import { contiguousStrides } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { asyncReadError, backendOf, dense, fromHost, fromStorage, hostData, output, sv } from "./alloc.ts";

function copyAs(x: Tensor, dtype: DType): Tensor {
  const out = output(x.shape, dtype, x._box.device);
  backendOf(x).copy(sv(x), { data: out._box.data, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 });
  return out;
}

/** x cast to dtype on its own device (x itself when it already has it). */
export function castTo(x: Tensor, dtype: DType): Tensor {
  if (dtype === x.dtype) return x;
  checkDtype(dtype, "to");
  const out = copyAs(x, dtype);
  if (!isFloating(dtype)) return traceOnly(out, "ToCopyBackward0", [x], { dtype });
  const from = x.dtype;
  return record(out, "ToCopyBackward0", [x], [], (g) => [g.to(from)], { dtype });
}

/** Tensor.to's options: where and in which dtype the result lives. */
export interface ToOptions {
  /** The target device ("cpu", "webgpu", a torch.device); default: the tensor's own. */
  device?: Device | string;
  /** The target dtype; default: the tensor's own. */
  dtype?: DType;
  /** Always return a new tensor, even when nothing changes (PyTorch's copy=True). */
  copy?: boolean;
  /** Accepted for PyTorch's signature: copies to a device are always recorded without waiting. */
  nonBlocking?: boolean;
}
const TO_KEYS = ["device", "dtype", "copy", "nonBlocking"];

export interface ToTarget {
  device: Device;
  dtype: DType;
  copy: boolean;
}

const isDtype = (v: unknown): v is DType => typeof v === "string" && (DTYPES as readonly string[]).includes(v);

/**
 * PyTorch's forms of Tensor.to: to(dtype), to(device), to(device, dtype), to(other) (other's
 * device and dtype), each with an optional trailing options object, or to({ device, dtype }).
 */
/** x's target for to()'s arguments (its own device and dtype where they name none). */
export function parseTo(x: Tensor, args: readonly unknown[], fn = "to"): ToTarget {
  const r = parseToArgs(args, fn);
  return { device: r.device ?? x._box.device, dtype: r.dtype ?? x.dtype, copy: r.copy };
}

/** The device and dtype to()'s arguments name (null: not named), for tensors and modules. */
export function parseToArgs(args: readonly unknown[], fn = "to"): { device: Device | null; dtype: DType | null; copy: boolean } {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = n > 0 ? args[n - 1] : undefined;
  const opts = isOptions(last) ? (last as ToOptions) : null;
  if (opts !== null) {
    n--;
    checkOptions(fn, opts, TO_KEYS);
  }
  let device: Device | null = null;
  let dtype: DType | null = null;
  const a = args[0];
  if (n > 2) throw new TorchTypeError(`${fn}() received an invalid combination of arguments: ${n} positional arguments`);
  if (n >= 1) {
    if (isDtype(a)) {
      if (n > 1) throw new TorchTypeError(`${fn}(): a dtype must be the last positional argument, but got ${describe(args[1])} after it`);
      dtype = a;
    } else if (a instanceof Tensor) {
      if (n > 1) throw new TorchTypeError(`${fn}(other): takes no second positional argument, but got ${describe(args[1])}`);
      device = a._box.device;
      dtype = a.dtype;
    } else if (a instanceof Device || typeof a === "string") {
      device = canonicalDevice(a);
      if (n === 2) dtype = checkDtype(args[1], fn);
    } else throw new TorchTypeError(`${fn}(): argument 'device' must be a torch.device or a string, or argument 'dtype' a dtype, but got ${describe(a)}`);
  }
  if (opts?.device !== undefined) {
    if (device !== null) throw new TorchTypeError(`${fn}() got multiple values for argument 'device'`);
    if (!(opts.device instanceof Device) && typeof opts.device !== "string") throw new TorchTypeError(`${fn}(): argument 'device' must be a torch.device or a string, but got ${describe(opts.device)}`);
    device = canonicalDevice(opts.device);
  }
  if (opts?.dtype !== undefined) {
    if (dtype !== null) throw new TorchTypeError(`${fn}() got multiple values for argument 'dtype'`);
    dtype = checkDtype(opts.dtype, fn);
  }
  if (opts?.copy !== undefined && typeof opts.copy !== "boolean") throw new TorchTypeError(`${fn}(): argument 'copy' must be a boolean, but got ${describe(opts.copy)}`);
  if (opts?.nonBlocking !== undefined && typeof opts.nonBlocking !== "boolean") throw new TorchTypeError(`${fn}(): argument 'nonBlocking' must be a boolean, but got ${describe(opts.nonBlocking)}`);
  return { device, dtype, copy: opts?.copy ?? false };
}

/**
 * x on `device` as `dtype`. Within a device it is a cast; from the CPU to a device it is an
 * upload (after the cast, so float64 data may go to webgpu as float32). From a device to the
 * CPU the values must be read, which cannot wait synchronously: that is `toAsync`.
 */
export function to(x: Tensor, t: ToTarget): Tensor {
  const from = x._box.device;
  if (t.device === from) {
    const r = castTo(x, t.dtype);
    return t.copy && r === x ? clone(x) : r;
  }
  if (from !== CPU) throw asyncReadError(x, `to("${t.device}")`, `await t.toAsync("${t.device}")` + (t.device === CPU ? " (or await t.cpuAsync())" : ""));
  const src = castTo(x, t.dtype);
  const out = fromHost(hostData(src), src.shape, src.dtype, t.device);
  return recordMove(out, src, from);
}

/** to(), waiting for the values when they come back from a device to the CPU. */
export async function toAsync(x: Tensor, t: ToTarget): Promise<Tensor> {
  const from = x._box.device;
  if (from === CPU || t.device !== CPU) return to(x, t);
  // The read is recorded now, so it sees x as it is at this call; so is the graph decision.
  const track = gradMode.enabled && x.requiresGrad;
  const data = await backendOf(x).read(dense(x), x.dtype);
  const out = fromStorage(data, x.shape, x.dtype);
  const prev = gradMode.enabled;
  gradMode.enabled = track;
  try {
    return castTo(recordMove(out, x, from), t.dtype);
  } finally {
    gradMode.enabled = prev;
  }
}

/** The move's node: ToCopyBackward0, whose vjp moves the gradient back to where src lives. */
function recordMove(out: Tensor, src: Tensor, from: Device): Tensor {
  if (!isFloating(src.dtype)) return traceOnly(out, "ToCopyBackward0", [src], { dtype: out.dtype, device: String(out._box.device) });
  return record(out, "ToCopyBackward0", [src], [], (g) => {
    if (from === CPU && g._box.device !== CPU) {
      throw new RuntimeError(
        `the gradient of a tensor copied from cpu to ${g._box.device} would have to be read back synchronously; ` +
          `create the tensor on ${g._box.device} (torch.randn(..., { device })) or move it there before it requires grad`,
      );
    }
    return [to(g, { device: from, dtype: g.dtype, copy: false })];
  }, { dtype: out.dtype, device: String(out._box.device) });
}

export function clone(x: Tensor): Tensor {
  return record(copyAs(x, x.dtype), "CloneBackward0", [x], [], (g) => [g]);
}

/** `x.contiguous()`: x itself when its elements are in row-major order in storage, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

/** A tensor sharing x's storage (and version counter) with no graph history. */
export function detach(x: Tensor): Tensor {
  return traceOnly(new Tensor(x._box, x.shape, x.strides, x.offset, x.dtype), "detach", [x]);
}
