// torch.compile for ported PyTorch 2 code: `model = torch.compile(model)`.
import { checkOptions, describe } from "./args.ts";
import { TorchTypeError } from "./errors.ts";
import { Module } from "./nn/module.ts";

/** PyTorch's keywords of torch.compile, accepted and checked (none changes what runs). */
export interface CompileOptions {
  /** PyTorch: require one graph without breaks. */
  fullgraph?: boolean;
  /** PyTorch: compile for dynamic shapes. */
  dynamic?: boolean | null;
  /** PyTorch: the compiler backend ("inductor", "eager", ...). */
  backend?: string;
  /** PyTorch: "default", "reduce-overhead", "max-autotune". */
  mode?: string | null;
  /** PyTorch: options passed to the backend. */
  options?: Record<string, unknown> | null;
  /** PyTorch: turn compilation off. */
  disable?: boolean;
}

/**
 * torch.compile(model, options?): the module or function itself. PyTorch traces the Python code
 * and fuses it into generated kernels; torch-ts has no such compiler and runs the ops as they
 * are, which is what PyTorch's backend "eager" does too: the same calls, the same numbers.
 */
export function compile<T extends Module | ((...args: never[]) => unknown)>(model: T, opts?: CompileOptions): T {
  if (!(model instanceof Module) && typeof model !== "function") throw new TorchTypeError(`compile(): argument 'model' must be a Module or a function, but got ${describe(model)}`);
  if (opts !== undefined) checkOptions("compile", opts, ["fullgraph", "dynamic", "backend", "mode", "options", "disable"]);
  return model;
}
