// A node of the backward graph: one recorded op application, with the edges to the
// nodes (or leaf tensors) that produced its inputs, the tensors its vjp needs, and the vjp.
import type { DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import type { Shape } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { gradMode } from "./gradMode.ts";
import { tracing } from "./trace.ts";

/** Where an input's gradient goes: the node that produced it, a leaf that requires grad, or nowhere. */
export type Edge = Node | Tensor | null;

/**
 * The gradient of a slice, to be added into the [start::step] positions along dim of its
 * input's gradient. Views return this instead of a zero-filled full-size tensor (outside
 * createGraph), so unbinding a sequence into T steps costs O(T) in backward, not O(T^2):
 * the engine accumulates the pieces into one buffer in place.
 */
export class SliceGrad {
  constructor(
    /** The gradient of the slice. */
    readonly grad: Tensor,
    /** The dimension the slice was taken along. */
    readonly dim: number,
    /** The input's index of the slice's first position along dim. */
    readonly start: number,
    /** The stride between the slice's positions along dim. */
    readonly step: number,
  ) {}
}

/** Gradient per input (null or undefined: no gradient flows to that input). */
export type Vjp = (grad: Tensor, saved: readonly Tensor[]) => ReadonlyArray<Tensor | SliceGrad | null | undefined>;

/** A tensor hook (Tensor.registerHook): sees the gradient and may return a replacement for it. */
export type GradHook = (grad: Tensor) => Tensor | void;
/** Runs after a leaf's .grad has received its whole gradient of a backward pass. */
export type PostAccumulateGradHook = (param: Tensor) => void;

export class Node {
  /** PyTorch's class name of the backward function, e.g. "MulBackward0". */
  readonly name: string;
  readonly next: readonly Edge[];
  /** Shapes and dtypes of the inputs: gradients are summed and cast back to these. */
  readonly inputShapes: readonly Shape[];
  readonly inputDtypes: readonly DType[];
  vjp: Vjp;
  private saved: readonly Tensor[] | null;
  private readonly savedVersions: readonly number[];
  /** Hooks registered on the output tensor (Tensor.registerHook on a non-leaf). */
  hooks: GradHook[] | null = null;
  /** The output tensor when it asked for retainGrad(). */
  retained: Tensor | null = null;
  /** The vjp is user code (a custom autograd.Function), which may keep any tensor it is given. */
  userCode = false;
  /**
   * The op's non-tensor arguments under PyTorch's saved-attribute names without `_saved_`
   * (`{ dim: 1, keepdim: false }`, `{ stride: [1, 1] }`), and its tensor arguments that are
   * not differentiable inputs (`{ index }`, `{ condition }`): what graph pictures show and
   * what an exporter needs to rebuild the op. Absent when the op has none; an undefined value
   * is left out (a saved tensor named in savedNames takes that name).
   */
  attrs: Readonly<Record<string, unknown>> | null = null;
  /** PyTorch's names of the saved tensors (`mat1`, `result`), in the order of `saved`: what graph pictures label them with. Absent when not given. */
  savedNames: readonly string[] | null = null;

  constructor(name: string, inputs: readonly (Tensor | null)[], saved: readonly Tensor[], vjp: Vjp) {
    this.name = name;
    const next: Edge[] = new Array(inputs.length);
    const shapes: Shape[] = new Array(inputs.length);
    const dtypes: DType[] = new Array(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i];
      next[i] = t !== null && t.requiresGrad ? (t.gradFn ?? t) : null;
      shapes[i] = t === null ? [] : t.shape;
      dtypes[i] = t === null ? "float32" : t.dtype;
    }
    this.next = next;
    this.inputShapes = shapes;
    this.inputDtypes = dtypes;
    this.vjp = vjp;
    this.saved = saved;
    const versions = new Array<number>(saved.length);
    for (let i = 0; i < saved.length; i++) versions[i] = saved[i]._box.version;
    this.savedVersions = versions;
  }

  /** PyTorch's next_functions: [node or "AccumulateGrad" leaf, 0] pairs. */
  get nextFunctions(): Array<[Node | Tensor | null, number]> {
    return this.next.map((e) => [e, 0]);
  }

  /** The saved tensors, checked against in-place modification since they were saved. */
  savedTensors(): readonly Tensor[] {
    const saved = this.saved;
    if (saved === null) {
      throw new RuntimeError(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
          "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
          "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.",
      );
    }
    for (let i = 0; i < saved.length; i++) {
      const t = saved[i];
      if (t._box.version !== this.savedVersions[i]) {
        throw new RuntimeError(
          `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
            `[${torchTypeName(t.dtype)} [${t.shape.join(", ")}]], which is output 0 of ${t.gradFn?.name ?? "a leaf"}, ` +
            `is at version ${t._box.version}; expected version ${this.savedVersions[i]} instead. ` +
            "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).",
        );
      }
    }
    return saved;
  }

  /** How many tensors the node saved (known after they are freed too). */
  get numSaved(): number {
    return this.savedVersions.length;
  }

  /**
   * Drops the saved tensors (after a backward without retainGraph), tensor attrs included, as
   * PyTorch frees a node's saved tensors. A node that saved nothing stays usable.
   */
  release(): void {
    if (this.saved !== null && this.saved.length > 0) this.saved = null;
    const a = this.attrs;
    if (a !== null && Object.values(a).some((v) => v instanceof Object && "_box" in v)) {
      this.attrs = Object.fromEntries(Object.entries(a).filter(([, v]) => !(v instanceof Object && "_box" in v)));
    }
  }

  toString(): string {
    return `<${this.name}>`;
  }
}

function torchTypeName(d: DType): string {
  return { float32: "torch.FloatTensor", float64: "torch.DoubleTensor", int32: "torch.IntTensor", int64: "torch.LongTensor", bool: "torch.BoolTensor" }[d];
}

/**
 * Records `out` as the result of an op on `inputs` when grad mode is on and an input
 * requires grad. Every differentiable op ends with this call; it is the only place a
 * graph edge is made. While a trace runs (src/autograd/trace.ts) it also reports the op
 * there, whatever the grad mode.
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null)[],
  saved: readonly Tensor[],
  vjp: Vjp,
  attrs?: Readonly<Record<string, unknown>>,
  savedNames?: readonly string[],
): Tensor {
  if (tracing.active !== null) tracing.active.op([out], name, inputs, attrs ?? null);
  if (!gradMode.enabled) return out;
  let any = false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t !== null && t.requiresGrad) {
      any = true;
      break;
    }
  }
  if (!any) return out;
  out._requiresGrad = true;
  const node = new Node(name, inputs, saved, vjp);
  if (attrs !== undefined) node.attrs = attrs;
  if (savedNames !== undefined) node.savedNames = savedNames;
  out.gradFn = node;
  return out;
}
