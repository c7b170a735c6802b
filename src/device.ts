// Devices: where a tensor's storage lives (PyTorch's torch.device). "cpu" is host memory;
// "webgpu" (index 0: one device per process) is the WebGPU backend's device memory
// (docs/DEVICES.md). Every tensor's StorageBox holds one of the two canonical Device objects
// below, so "same device" is a reference comparison on the per-op path.
import { RuntimeError, TorchTypeError } from "./errors.ts";

/** The kinds of device torch-ts has: the CPU and a WebGPU adapter. */
export type DeviceType = "cpu" | "webgpu";
const TYPES: readonly string[] = ["cpu", "webgpu"];

/** torch.device: a device type and an optional index (`torch.device("webgpu:0")`). */
export class Device {
  constructor(
    /** "cpu" or "webgpu". */
    readonly type: DeviceType,
    /** null for "cpu" and a bare "webgpu" (PyTorch: the current device of that type). */
    readonly index: number | null,
  ) {}
  /** "cpu", "webgpu:0": what torch.device(...) accepts back. */
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  /** PyTorch's repr: device(type='webgpu', index=0). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  }
  /** JSON as its string form ("webgpu:0"). */
  toJSON(): string {
    return this.toString();
  }
}

/** The device of every CPU tensor. */
export const CPU = new Device("cpu", null);
/** The device of every webgpu tensor (PyTorch names a CUDA tensor's device cuda:0, never bare cuda). */
export const WEBGPU = new Device("webgpu", 0);

/** A device given as a Device or its string. */
export type DeviceLike = Device | string;

/**
 * torch.device("cpu" | "webgpu" | "webgpu:0") or torch.device("webgpu", 0). Unknown types are
 * PyTorch's RuntimeError; an index other than 0 is refused here (torch-ts drives one device).
 */
export function device(spec: DeviceLike, index?: number): Device {
  if (spec instanceof Device) {
    if (index !== undefined) throw new TorchTypeError("device(): an index cannot be given with a Device");
    return spec;
  }
  if (typeof spec !== "string") throw new TorchTypeError(`device(): argument 'type' must be a string or a torch.device, but got ${typeof spec}`);
  const m = /^([a-z]+)(?::(\d+))?$/.exec(spec);
  const type = m?.[1] ?? spec;
  if (!TYPES.includes(type)) {
    const hint = type === "cuda" || type === "mps" ? ` (torch-ts's GPU device is "webgpu")` : "";
    throw new RuntimeError(`Expected one of cpu, webgpu device type at start of device string: ${spec}${hint}`);
  }
  if (m === null) throw new RuntimeError(`Invalid device string: '${spec}'`);
  if (m[2] !== undefined && index !== undefined) throw new RuntimeError(`type (string) must not include an index because index was passed explicitly: ${spec}`);
  const i = m[2] !== undefined ? Number(m[2]) : index ?? null;
  if (i !== null && (!Number.isInteger(i) || i < 0)) throw new RuntimeError(`Device index must not be negative`);
  if (type === "webgpu" && i !== null && i !== 0) {
    throw new RuntimeError(`webgpu device index ${i} is out of range: torch-ts drives one webgpu device per process (webgpu:0)`);
  }
  return new Device(type as DeviceType, i);
}

/** The canonical device tensors carry for a device argument (webgpu -> webgpu:0, cpu:0 -> cpu). */
export function canonicalDevice(spec: DeviceLike): Device {
  if (spec === CPU || spec === WEBGPU) return spec;
  return device(spec).type === "cpu" ? CPU : WEBGPU;
}

/** Whether a string names a device (rather than a dtype), for `.to(...)`'s overloads. */
export function isDeviceString(s: string): boolean {
  return /^[a-z]+(:\d+)?$/.test(s) && TYPES.includes(s.split(":")[0]!) ;
}
