// Lazy modules (PyTorch's LazyModuleMixin): parameters and buffers whose shapes come from the
// first input. They start as UninitializedParameter / UninitializedBuffer placeholders (a
// zero-element tensor of the requested dtype and device whose size-reading methods throw
// PyTorch's errors); the first forward runs a pre-hook that materializes them in place, so a
// Parameter keeps its identity (an optimizer made before the first call trains it), draws
// their initial values as the eager module does (same seed, same values), and then turns the
// module into its eager class (LazyLinear becomes Linear: its repr and instanceof say so).
// loadStateDict materializes placeholders to the shapes of the tensors it loads.
import { noGrad } from "../autograd/gradMode.ts";
import { RuntimeError, ValueError } from "../errors.ts";
import { emptyTensor } from "../ops/creation.ts";
import { Tensor } from "../tensor.ts";
import { warnOnce } from "../warnings.ts";
import type { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import type { Device } from "../device.ts";
import type { DType } from "../dtype.ts";

const LAZY_WARNING = "Lazy modules are a new feature under heavy development so changes to the API or functionality can happen at any moment.";

function uninitializedUse(method: string): ValueError {
  return new ValueError(
    `Attempted to use an uninitialized parameter in <method '${method}' of 'torch._C._TensorBase' objects>. This error happens when you are using a \`LazyModule\` or explicitly manipulating \`torch.nn.parameter.UninitializedParameter\` objects. When using LazyModules Call \`forward\` with a dummy batch to initialize the parameters before calling torch functions`,
  );
}
function shapeError(): RuntimeError {
  return new RuntimeError(
    "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes.",
  );
}

/** Options of the placeholders: the dtype and device their materialized tensor gets. */
export interface UninitializedOptions {
  /** The materialized tensor's dtype; the default dtype when absent. */
  dtype?: DType;
  /** The materialized tensor's device; the CPU when absent. */
  device?: Device | string;
}

/** nn.UninitializedParameter: a Parameter whose shape is not known yet; `materialize(shape)` makes it a Parameter of that shape. */
export class UninitializedParameter extends Parameter {
  constructor(requiresGrad = true, opts: UninitializedOptions = {}) {
    super(emptyTensor([0], opts), requiresGrad);
  }
  /** Gives this parameter storage of `shape` (uninitialized values) and makes it a Parameter. */
  materialize(shape: readonly number[]): void {
    this.data = emptyTensor([...shape], { dtype: this.dtype, device: this.device });
    Object.setPrototypeOf(this, Parameter.prototype);
  }
  /** PyTorch's repr of a placeholder. */
  override toString(): string {
    return "<UninitializedParameter>";
  }
}

/** nn.UninitializedBuffer: a buffer tensor whose shape is not known yet; `materialize(shape)` makes it a Tensor of that shape. */
export class UninitializedBuffer extends Tensor {
  constructor(opts: UninitializedOptions = {}) {
    const t = emptyTensor([0], opts);
    super(t._box, t.shape, t.strides, t.offset, t.dtype);
  }
  /** Gives this buffer storage of `shape` (uninitialized values) and makes it a Tensor. */
  materialize(shape: readonly number[]): void {
    this.data = emptyTensor([...shape], { dtype: this.dtype, device: this.device });
    Object.setPrototypeOf(this, Tensor.prototype);
  }
  /** PyTorch's repr of a placeholder. */
  override toString(): string {
    return "<UninitializedBuffer>";
  }
}

// What a placeholder refuses, in PyTorch's words (its other methods see a zero-element tensor).
const REFUSED: Pick<Tensor, "numel" | "nelement" | "dim" | "item" | "size"> = {
  numel: () => { throw uninitializedUse("numel"); },
  nelement: () => { throw uninitializedUse("nelement"); },
  dim: () => { throw uninitializedUse("dim"); },
  item: () => { throw uninitializedUse("item"); },
  size: (() => { throw shapeError(); }) as Tensor["size"],
};
Object.assign(UninitializedParameter.prototype, REFUSED);
Object.assign(UninitializedBuffer.prototype, REFUSED);

/** torch.nn.parameter.is_lazy: whether `t` is a placeholder not materialized yet. */
export function isLazy(t: unknown): t is UninitializedParameter | UninitializedBuffer {
  return t instanceof UninitializedParameter || t instanceof UninitializedBuffer;
}

/** Whether any parameter or buffer of `m` (recursively) is still a placeholder (PyTorch's has_uninitialized_params). */
export function hasUninitializedParams(m: Module): boolean {
  for (const p of m.parameters()) if (isLazy(p)) return true;
  for (const b of m.buffers()) if (isLazy(b)) return true;
  return false;
}

/** A lazy module: it infers its shapes from its first input. */
export interface LazyModule extends Module {
  /** Materializes the placeholders for `input` and draws their initial values (nothing once materialized). */
  initializeParameters(input: Tensor): void;
}

/**
 * Makes `m` lazy (PyTorch's LazyModuleMixin.__init__): warns once, and registers the pre-hook
 * that initializes it at the first forward and then gives it `becomes`'s prototype.
 */
export function setUpLazy(m: LazyModule, becomes: { prototype: object }): void {
  warnOnce(LAZY_WARNING);
  const handle = m.registerForwardPreHook((_mod, args) => {
    const input = args[0];
    if (!(input instanceof Tensor)) return undefined; // the forward's own argument check reports it
    noGrad(() => m.initializeParameters(input));
    if (hasUninitializedParams(m)) throw new RuntimeError(`module ${m.constructor.name} has not been fully initialized`);
    handle.remove();
    Object.setPrototypeOf(m, becomes.prototype);
    return undefined;
  });
}
