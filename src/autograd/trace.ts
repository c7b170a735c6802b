// The tracer: records every op a function runs, with its non-tensor arguments, for the
// exporters (torch.onnx.export, SummaryWriter.addGraph). It is the forward-pass twin of the
// autograd graph and is fed by the same call: `record()` (src/autograd/node.ts) reports each op
// here before it looks at grad mode, so ops are seen whether or not anything requires grad.
// Ops that make no autograd node (comparisons, argmax, integer casts, detach) report through
// `traceOnly`, in-place writes through `traceInplace`, and composites that one exported op
// stands for (layer norm, embedding, recurrent layers) through `traceScope`.
//
// Invariants:
// - Every tensor an op returns has a producer: an op, a graph input, or (for tensors no traced
//   op made: parameters, buffers, tensors created in forward) a constant.
// - The last report for a tensor wins ("outer wins"): an op built from inner ops (indexSelect
//   on gather, a scope) replaces their producer for its outputs; the inner ops become dead.
// - Values are SSA: an op's inputs are resolved when it is reported. An in-place write gives
//   the tensor a new producer; any other tensor over the same storage whose contents changed
//   since it was resolved is an error when next used (the tracer cannot see through aliasing).
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";

/** Where a traced op reads a tensor from. */
export type TraceValue =
  | { kind: "op"; op: TraceOp; index: number }
  | { kind: "input"; index: number; tensor: Tensor }
  | { kind: "constant"; tensor: Tensor };

export interface TraceOp {
  /** The autograd node's name ("AddBackward0"), or the op's name for ops without one ("eq"), or a scope's ("layer_norm"). */
  readonly name: string;
  /** The tensor inputs in the op's order; null where the op took a number (its value is in attrs). */
  readonly inputs: ReadonlyArray<TraceValue | null>;
  /** Non-tensor arguments (PyTorch's saved-attribute names). */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Tensor arguments that are not differentiable inputs (where's condition, gather's index), resolved like inputs. */
  readonly tensorAttrs: Readonly<Record<string, TraceValue>>;
  readonly outputs: readonly Tensor[];
  /** The storage versions of the outputs when the op ran (a later in-place write makes them stale). */
  readonly outputVersions: readonly number[];
  /** Module path when the op ran, as [class name, attribute name] pairs from the root. */
  readonly scope: ReadonlyArray<readonly [string, string]>;
  /** Position in the trace (record order, a topological order). */
  readonly index: number;
}

interface Binding {
  value: TraceValue;
  version: number;
}

/** Names of the modules of a traced model, for scopes. */
export type ModuleNames = Map<object, string>;

export class Trace {
  readonly ops: TraceOp[] = [];
  readonly inputs: Tensor[] = [];
  private readonly bindings = new Map<Tensor, Binding>();
  private readonly scope: Array<readonly [string, string]> = [];

  constructor(readonly moduleNames: ModuleNames = new Map()) {}

  addInput(t: Tensor): void {
    this.bindings.set(t, { value: { kind: "input", index: this.inputs.length, tensor: t }, version: t._box.version });
    this.inputs.push(t);
  }

  /** The value a tensor holds now: its producer, or a new constant. */
  resolve(t: Tensor): TraceValue {
    const b = this.bindings.get(t);
    if (b === undefined) {
      const value: TraceValue = { kind: "constant", tensor: t };
      this.bindings.set(t, { value, version: t._box.version });
      return value;
    }
    if (b.version !== t._box.version) {
      throw new RuntimeError(
        `tracing: a tensor of shape [${t.shape.join(", ")}] was modified in place through another view of its storage after it was computed; ` +
          "the trace cannot follow writes through aliases. Use out-of-place ops in the traced forward.",
      );
    }
    return b.value;
  }

  op(outputs: readonly Tensor[], name: string, inputs: ReadonlyArray<Tensor | null>, attrs: Readonly<Record<string, unknown>> | null): void {
    // An op that hands back one of its own inputs (a no-op view) adds nothing.
    const outs = outputs.filter((o) => !inputs.includes(o));
    if (outs.length === 0) return;
    const plain: Record<string, unknown> = {};
    const tensorAttrs: Record<string, TraceValue> = {};
    for (const [k, v] of Object.entries(attrs ?? {})) {
      if (v !== null && typeof v === "object" && "_box" in v) tensorAttrs[k] = this.resolve(v as Tensor);
      else plain[k] = v;
    }
    const op: TraceOp = {
      name,
      inputs: inputs.map((t) => (t === null ? null : this.resolve(t))),
      attrs: plain,
      tensorAttrs,
      outputs,
      outputVersions: outputs.map((o) => o._box.version),
      scope: this.scope.slice(),
      index: this.ops.length,
    };
    this.ops.push(op);
    outputs.forEach((o, index) => {
      if (!inputs.includes(o)) this.bindings.set(o, { value: { kind: "op", op, index }, version: o._box.version });
    });
  }

  /** `self` now holds `value`'s contents (an in-place op wrote them). */
  inplace(self: Tensor, value: Tensor): void {
    const v = this.resolve(value);
    if (self.shape.join() === value.shape.join() && self.dtype === value.dtype) {
      this.bindings.set(self, { value: v, version: self._box.version });
    } else {
      // The write broadcast or cast `value` into self: record it as an op of its own.
      this.op([self], "copy_", [value], { dtype: self.dtype });
    }
  }

  enterModule(m: object): void {
    const name = this.moduleNames.get(m);
    const attr = name === undefined ? "" : (name.split(".").pop() ?? "");
    this.scope.push([(m as { constructor: { name: string } }).constructor.name, attr]);
  }
  exitModule(): void {
    this.scope.pop();
  }
}

/** The ops the outputs depend on, in trace order. */
export function liveOps(outputs: readonly TraceValue[]): TraceOp[] {
  const seen = new Set<TraceOp>();
  const stack: TraceOp[] = [];
  const visit = (v: TraceValue | null): void => {
    if (v !== null && v.kind === "op" && !seen.has(v.op)) {
      seen.add(v.op);
      stack.push(v.op);
    }
  };
  outputs.forEach(visit);
  while (stack.length > 0) {
    const op = stack.pop()!;
    op.inputs.forEach(visit);
    Object.values(op.tensorAttrs).forEach(visit);
  }
  return [...seen].sort((a, b) => a.index - b.index);
}

/** The active trace, if any (one at a time; tracing is not re-entrant). */
export const tracing: { active: Trace | null } = { active: null };

/** Runs fn with `trace` recording every op; tracing is off again afterwards, also on error. */
export function runTraced<T>(trace: Trace, fn: () => T): T {
  if (tracing.active !== null) throw new RuntimeError("tracing: a trace is already running (tracing is not re-entrant)");
  tracing.active = trace;
  try {
    return fn();
  } finally {
    tracing.active = null;
  }
}

/** Reports an op that makes no autograd node (comparisons, argmax, integer casts, detach). */
export function traceOnly(out: Tensor, name: string, inputs: ReadonlyArray<Tensor | null>, attrs?: Readonly<Record<string, unknown>>): Tensor {
  const t = tracing.active;
  if (t !== null) t.op([out], name, inputs, attrs ?? null);
  return out;
}

/** Reports that an in-place op wrote `value` into `self`. */
export function traceInplace(self: Tensor, value: Tensor): void {
  tracing.active?.inplace(self, value);
}

/**
 * Runs a composite and, while tracing, reports its outputs as made by one op `name` of
 * `inputs` and `attrs` (an exporter then emits one node, e.g. ONNX's LayerNormalization,
 * instead of the composite's primitives). Costs one check when not tracing.
 */
export function traceScope<T>(name: string, inputs: ReadonlyArray<Tensor | null>, attrs: Readonly<Record<string, unknown>>, fn: () => T, outputsOf: (r: T) => readonly Tensor[]): T {
  const t = tracing.active;
  const r = fn();
  if (t !== null) t.op(outputsOf(r), name, inputs, attrs);
  return r;
}
