/// <reference lib="esnext.disposable" preserve="true" />
// Global grad mode: whether ops record the graph (torch.no_grad / enable_grad).
import { TorchTypeError } from "../errors.ts";
export const gradMode = { enabled: true };

export function isGradEnabled(): boolean {
  return gradMode.enabled;
}

export function setGradEnabled(enabled: boolean): void {
  gradMode.enabled = enabled;
}

function withMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradMode.enabled;
  gradMode.enabled = enabled;
  try {
    return fn();
  } finally {
    gradMode.enabled = prev;
  }
}

/** Restores the grad mode it was made under when disposed: `using _ = torch.noGrad();`. */
export interface GradModeGuard extends Disposable {
  /** The same as leaving the `using` block (for code without explicit resource management). */
  exit(): void;
}

function guard(enabled: boolean): GradModeGuard {
  const prev = gradMode.enabled;
  gradMode.enabled = enabled;
  let done = false;
  const exit = (): void => {
    if (!done) gradMode.enabled = prev;
    done = true;
  };
  return { exit, [Symbol.dispose]: exit };
}

/**
 * PyTorch's `with torch.no_grad():`. With a callback, runs it without recording the graph and
 * returns its result; without one, turns recording off until the returned guard is disposed
 * (`using _ = torch.noGrad();` to the end of the block).
 */
export function noGrad(): GradModeGuard;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | GradModeGuard {
  return fn === undefined ? guard(false) : withMode(false, fn);
}

/**
 * PyTorch's `with torch.inference_mode(mode=True):` for the computing part: with mode true, no
 * graph is recorded, as in noGrad (the callback and guard forms as noGrad); with mode false,
 * nothing changes. PyTorch also marks the tensors made inside as inference tensors, which
 * autograd refuses later; torch-ts's are ordinary tensors.
 */
export function inferenceMode(mode?: boolean): GradModeGuard;
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(mode: boolean, fn: () => T): T;
export function inferenceMode<T>(a?: boolean | (() => T), b?: () => T): T | GradModeGuard {
  const mode = typeof a === "boolean" ? a : true;
  const fn = typeof a === "function" ? a : b;
  if (typeof a !== "boolean" && a !== undefined && typeof a !== "function") throw new TorchTypeError(`inference_mode(): argument 'mode' must be a boolean, but got ${typeof a}`);
  if (!mode) return fn === undefined ? guard(gradMode.enabled) : fn();
  return fn === undefined ? guard(false) : withMode(false, fn);
}

/** PyTorch's `with torch.enable_grad():`, also inside noGrad; the callback and guard forms as noGrad. */
export function enableGrad(): GradModeGuard;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | GradModeGuard {
  return fn === undefined ? guard(true) : withMode(true, fn);
}
