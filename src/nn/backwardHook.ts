// Module.registerFullBackwardHook, as PyTorch's torch.utils.hooks.BackwardHook: the hook runs
// once per backward pass through the module, with the gradients of its tensor inputs
// (gradInput, null for non-tensor arguments and inputs that get no gradient) and of its tensor
// outputs (gradOutput), and may return replacement gradInputs.
//
// The module's tensor outputs and inputs each pass through a "gather": every tensor gets an
// alias whose backward stashes its gradient and sends a zero scalar to one shared node, which
// the engine runs after all of them (it depends on each). That node sees every gradient at
// once, calls the hook, and hands the gradients on to the original tensors.
import { record } from "../autograd/node.ts";
import { isGradEnabled } from "../autograd/gradMode.ts";
import { RuntimeError } from "../errors.ts";
import { zeros } from "../ops/creation.ts";
import { detach } from "../ops/convert.ts";
import { Tensor } from "../tensor.ts";
import type { Module } from "./module.ts";

/** The gradients of a module's tensor inputs or outputs, in order; null where there is none. */
export type GradList = Array<Tensor | null>;
/** hook(module, gradInput, gradOutput): return a replacement gradInput (same length), or nothing. */
export type FullBackwardHook = (module: Module, gradInput: GradList, gradOutput: GradList) => GradList | readonly (Tensor | null)[] | void;

/**
 * Aliases of `tensors` whose gradients reach `onGrads` together, once per backward pass; its
 * result is what flows on to `tensors`. Tensors that do not require grad are passed through.
 */
function gather(tensors: readonly Tensor[], onGrads: (grads: GradList) => GradList): Tensor[] {
  const live = tensors.filter((t) => t.requiresGrad);
  if (live.length === 0) return [...tensors];
  const grads: GradList = tensors.map(() => null);
  const dtype = live[0].dtype;
  const hub = record(zeros([], { dtype }), "BackwardHookFunctionBackward", live, [], () => {
    const out = onGrads(grads.slice());
    grads.fill(null);
    return tensors.flatMap((t, i) => (t.requiresGrad ? [out[i] ?? null] : []));
  });
  if (hub.gradFn) hub.gradFn.userCode = true;
  return tensors.map((t, i) => {
    if (!t.requiresGrad) return t;
    const alias = record(detach(t), "BackwardHookFunctionBackward", [hub], [], (g) => {
      grads[i] = g;
      return [zeros([], { dtype })];
    });
    if (alias.gradFn) alias.gradFn.userCode = true;
    return alias;
  });
}

/** One forward call's backward hooks (PyTorch's BackwardHook). */
export class BackwardHook {
  private gradOutputs: GradList | null = null;
  private inputsHooked = false;
  private nInputs = 0;

  constructor(private readonly module: Module, private readonly hooks: readonly FullBackwardHook[]) {}

  private call(gradInputs: GradList): GradList {
    let current = gradInputs;
    for (const hook of this.hooks) {
      const r = hook(this.module, current, this.gradOutputs ?? []);
      if (r === undefined || r === null) continue;
      if (!Array.isArray(r) || r.length !== current.length) {
        throw new RuntimeError(`Backward hook returned an invalid number of grad_input, got ${Array.isArray(r) ? r.length : 1}, but expected ${current.length}`);
      }
      current = r.map((g: unknown) => (g instanceof Tensor ? g : null));
    }
    return current;
  }

  /** The call's arguments with its tensors routed through the input gather. */
  setupInputHook(args: readonly unknown[]): unknown[] {
    this.nInputs = args.length;
    const at = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    const tensors = at.map((i) => args[i] as Tensor);
    if (!isGradEnabled() || !tensors.some((t) => t.requiresGrad)) return [...args];
    this.inputsHooked = true;
    const wrapped = gather(tensors, (grads) => {
      const full: GradList = args.map(() => null);
      at.forEach((i, k) => (full[i] = grads[k]));
      const res = this.call(full);
      return at.map((i) => res[i]);
    });
    const out = [...args];
    at.forEach((i, k) => (out[i] = wrapped[k]));
    return out;
  }

  /** The output (a tensor or an array whose tensor elements count) routed through the output gather. */
  setupOutputHook(output: unknown): unknown {
    const isArray = Array.isArray(output);
    const items: unknown[] = isArray ? [...(output as unknown[])] : [output];
    const at = items.flatMap((o, i) => (o instanceof Tensor ? [i] : []));
    if (!isGradEnabled() || at.length === 0) return output;
    const wrapped = gather(at.map((i) => items[i] as Tensor), (grads) => {
      this.gradOutputs = grads;
      // no input takes part: PyTorch calls the hooks here, with gradInput all None
      if (!this.inputsHooked) {
        const none = new Array<Tensor | null>(this.nInputs).fill(null);
        for (const hook of this.hooks) {
          const r = hook(this.module, none, grads);
          if (r !== undefined && r !== null && !(Array.isArray(r) && r.every((g) => g === null || g === undefined))) {
            throw new RuntimeError("Backward hook for Modules where no input requires gradient should always return None or None for all gradients.");
          }
        }
      }
      return grads;
    });
    at.forEach((i, k) => (items[i] = wrapped[k]));
    return isArray ? items : items[0];
  }
}
