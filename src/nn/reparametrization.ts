// The bookkeeping nn.utils.weight_norm and spectral_norm share (PyTorch finds their hooks in
// module._forward_pre_hooks by class and name): which parameters of a module carry one, the
// pre-hook that recomputes the parameter, and PyTorch's errors for a second one or a missing one.
import { RuntimeError, ValueError } from "../errors.ts";
import type { RemovableHandle } from "../tensor.ts";
import type { Module } from "./module.ts";

/** One kind of reparametrization ("weight_norm", "spectral_norm") over every module. */
export class Reparametrizations<E> {
  private readonly applied = new WeakMap<Module, Map<string, { entry: E; handle: RemovableHandle }>>();
  constructor(private readonly kind: string) {}

  /** PyTorch's error when `name` of `module` already has one. */
  checkFree(module: Module, name: string): void {
    if (this.applied.get(module)?.has(name)) throw new RuntimeError(`Cannot register two ${this.kind} hooks on the same parameter ${name}`);
  }

  /** Records `entry` and registers `recompute` as the module's forward pre-hook. */
  add(module: Module, name: string, entry: E, recompute: () => void): void {
    const own = this.applied.get(module) ?? new Map<string, { entry: E; handle: RemovableHandle }>();
    own.set(name, { entry, handle: module.registerForwardPreHook(recompute) });
    this.applied.set(module, own);
  }

  /** The entry of `name` (PyTorch's ValueError when there is none), its pre-hook removed. */
  take(module: Module, name: string): E {
    const found = this.applied.get(module)?.get(name);
    if (found === undefined) throw new ValueError(`${this.kind} of '${name}' not found in ${String(module)}`);
    found.handle.remove();
    this.applied.get(module)!.delete(name);
    return found.entry;
  }
}
