// nn.DataParallel: PyTorch's single-process multi-GPU wrapper. torch-ts has no CUDA devices, so
// it is what PyTorch's is on a machine without GPUs: it holds the module (state-dict keys under
// "module.", as a DataParallel checkpoint has them) and forward calls the module; the device
// arguments are accepted and unused, and device_ids is [] (PyTorch returns from __init__ before
// reading them when no GPU is available).
import { int, param, parseArgs, typeError, type Checker } from "../../args.ts";
import { instance } from "../../distributed/args.ts";
import { Module } from "../module.ts";

/** The options of `nn.DataParallel` (PyTorch's keywords). */
export interface DataParallelOptions {
  /** GPUs to replicate over: unused (no CUDA devices). */
  deviceIds?: ReadonlyArray<number | string> | null;
  /** Where outputs are gathered: unused. */
  outputDevice?: number | string | null;
  /** The dim inputs are scattered along: unused; PyTorch's default 0. */
  dim?: number;
}

/** A device id: an int (a GPU index) or a device string ("cuda:1"). */
const isDevice = (v: unknown): boolean => (typeof v === "number" && Number.isInteger(v)) || typeof v === "string";
const deviceIdsArg: Checker<ReadonlyArray<number | string> | null> = (v, arg, fn) => {
  if (v === null || (Array.isArray(v) && v.every(isDevice))) return v as ReadonlyArray<number | string> | null;
  throw typeError(fn, arg, "a list of device ids (ints or device strings)", v);
};
const outputDeviceArg: Checker<number | string | null> = (v, arg, fn) => {
  if (v === null || isDevice(v)) return v as number | string | null;
  throw typeError(fn, arg, "a device id (an int or a device string)", v);
};

/** nn.DataParallel(module, device_ids=None, output_device=None, dim=0): forward is module's. */
export class DataParallel extends Module {
  declare module: Module;
  /** The GPUs it replicates over: none. */
  readonly device_ids: number[] = [];
  constructor(module: Module, options?: DataParallelOptions);
  constructor(module: Module, deviceIds?: ReadonlyArray<number | string> | null, outputDevice?: number | string | null, dim?: number);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ module: Module }>("DataParallel", [param("module", instance(Module, "Module")), param("deviceIds", deviceIdsArg, null), param("outputDevice", outputDeviceArg, null), param("dim", int(), 0)], args);
    this.module = a.module;
  }
  override forward(...inputs: unknown[]): unknown {
    return this.module.forward(...inputs);
  }
}
