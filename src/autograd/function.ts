// torch.autograd.Function: user-defined ops with their own forward and backward.
import { RuntimeError } from "../errors.ts";
import { Tensor } from "../tensor.ts";
import { noGrad } from "./gradMode.ts";
import { record } from "./node.ts";

export class FunctionCtx {
  private saved: readonly Tensor[] = [];
  private savedView: readonly Tensor[] | null = null;
  /** Whether each forward argument was a tensor requiring grad. */
  needsInputGrad: boolean[] = [];
  [key: string]: unknown;

  saveForBackward(...tensors: Tensor[]): void {
    this.saved = tensors;
  }
  get savedTensors(): readonly Tensor[] {
    if (this.savedView === null) throw new RuntimeError("saved tensors are only available inside backward()");
    return this.savedView;
  }
  /** @internal the engine hands backward the version-checked saved tensors. */
  _enterBackward(saved: readonly Tensor[] | null): readonly Tensor[] {
    const s = this.saved;
    this.savedView = saved;
    return s;
  }
}

/** What autograd.Function's backward returns: one gradient per forward input (or one tensor for one input); null or undefined where no gradient flows. */
export type GradList = Tensor | null | undefined | ReadonlyArray<Tensor | null | undefined>;

/**
 * Subclass with static forward(ctx, ...args) and backward(ctx, ...grads), then call
 * `MyFn.apply(...args)`. forward runs without recording; backward may use any Tensor ops
 * (and is itself differentiable under createGraph).
 */
export class Function {
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor {
    throw new RuntimeError("You must implement the forward function for custom autograd.Function.");
  }
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): GradList {
    throw new RuntimeError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.");
  }

  static apply<T extends typeof Function>(this: T, ...args: unknown[]): Tensor {
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad);
    const out = noGrad(() => this.forward(ctx, ...args));
    if (!(out instanceof Tensor)) throw new RuntimeError(`${this.name}.forward must return a Tensor`);
    // edges for the tensor arguments only, as PyTorch's next_functions
    const tensorAt = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    const saved = ctx._enterBackward(null);
    const result = record(out, `${this.name}Backward`, tensorAt.map((i) => args[i] as Tensor), saved, (g, s) => {
      ctx._enterBackward(s);
      const r = this.backward(ctx, g);
      const grads = Array.isArray(r) ? r : [r];
      if (grads.length !== args.length) {
        throw new RuntimeError(`function ${this.name}Backward returned an incorrect number of gradients (expected ${args.length}, got ${grads.length})`);
      }
      return tensorAt.map((i) => grads[i] as Tensor | null | undefined);
    });
    if (result.gradFn) result.gradFn.userCode = true;
    return result;
  }
}
