// The plumbing every attribution method shares, as Captum's captum/_utils/common.py and
// gradient.py: inputs as a tuple (a JavaScript array), baselines per input, calling the
// forward function with the additional arguments, picking the target's outputs, gradients
// of their sum, and repeating targets and arguments over a batch of perturbed copies.
import { grad as autogradGrad } from "../autograd/grad.ts";
import { enableGrad, noGrad } from "../autograd/gradMode.ts";
import { AssertionError, IndexError, TorchTypeError } from "../errors.ts";
import { Module } from "../nn/module.ts";
import { onesLike, tensor, fullLike } from "../ops/creation.ts";
import { cat, stack } from "../ops/shape.ts";
import { Tensor } from "../tensor.ts";

/** A model (its forward is called) or any function of the inputs returning a Tensor. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any parameter list: a function of Tensors is not one of unknown[]
export type ForwardFunc = Module | ((...args: any[]) => unknown);

/** One input tensor, or several (Captum's tuple of inputs) whose first dimensions are the examples. */
export type Inputs = Tensor | readonly Tensor[];
/** The result has the form of the inputs: one tensor, or one per input. */
export type Attributions<I extends Inputs> = I extends Tensor ? Tensor : Tensor[];

/**
 * Which output to explain, per Captum: a column for every example (number, or a one-element
 * tensor), one column per example (number[] or a 1-d tensor), or per example an index tuple
 * into an output with more dimensions (number[][]). A single tuple for every example is
 * written as that tuple repeated per example.
 */
export type Target = number | Tensor | readonly number[] | readonly (readonly number[])[] | null | undefined;

/** Per input: a tensor of the input's shape (or with one example, broadcast), or a number. */
export type Baseline = Tensor | number;
export type Baselines = Baseline | readonly Baseline[] | null | undefined;

/** Extra arguments after the inputs: one value, or an array of them (Captum's tuple). */
export type AdditionalForwardArgs = unknown;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/**
 * PyTorch's calling convention for Captum's signatures: the parameters after `inputs` either
 * positionally in Captum's order or in one trailing options object (camelCase keys), or both.
 * Unknown keys, too many positionals and a value given twice are TypeErrors.
 */
export function parseArgs<T>(fn: string, names: readonly (keyof T & string)[], rest: readonly unknown[], extraKeys: readonly string[] = []): Partial<T> {
  const hasOpts = rest.length > 0 && isPlainObject(rest[rest.length - 1]);
  const positional = hasOpts ? rest.slice(0, -1) : rest;
  const opts = (hasOpts ? rest[rest.length - 1] : {}) as Record<string, unknown>;
  if (positional.length > names.length) {
    throw new TorchTypeError(`${fn}() takes from 2 to ${names.length + 2} positional arguments but ${positional.length + 2} were given`);
  }
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (v !== undefined) out[names[i]!] = v;
  });
  for (const [k, v] of Object.entries(opts)) {
    if (!(names as readonly string[]).includes(k) && !extraKeys.includes(k)) throw new TorchTypeError(`${fn}() got an unexpected keyword argument '${k}'`);
    if (v === undefined) continue;
    if (k in out) throw new TorchTypeError(`${fn}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  return out as Partial<T>;
}

/** The options object of a constructor: (forwardFunc, ...positional, opts?). */
export function parseCtorArgs<T>(cls: string, names: readonly (keyof T & string)[], rest: readonly unknown[]): Partial<T> {
  return parseArgs<T>(`${cls}.__init__`, names, rest);
}

export function checkForwardFunc(cls: string, f: unknown): ForwardFunc {
  if (typeof f !== "function" && !(f instanceof Module)) throw new TorchTypeError(`${cls}: forward_func must be a function or an nn.Module, got ${typeof f}`);
  return f as ForwardFunc;
}

export function checkLayer(cls: string, layer: unknown): Module {
  if (!(layer instanceof Module)) throw new TorchTypeError(`${cls}: layer must be an nn.Module`);
  return layer;
}

export function callForward(f: ForwardFunc, args: readonly unknown[]): unknown {
  return f instanceof Module ? (f.forward as (...a: unknown[]) => unknown)(...args) : f(...args);
}

/** _format_tensor_into_tuples, with the was-it-a-tuple flag. */
export function formatInputs(inputs: unknown, what = "inputs"): { tuple: Tensor[]; isTuple: boolean } {
  if (inputs instanceof Tensor) return { tuple: [inputs], isTuple: false };
  if (Array.isArray(inputs) && inputs.length > 0 && inputs.every((t) => t instanceof Tensor)) return { tuple: [...inputs], isTuple: true };
  throw new AssertionError(`\`${what}\` must be a torch.Tensor or a tuple[torch.Tensor] but found: ${describe(inputs)}`);
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v instanceof Tensor) return `Tensor of shape [${v.shape.join(", ")}]`;
  return Array.isArray(v) ? "an array" : typeof v;
}

export function formatOutput<I extends Inputs>(isTuple: boolean, xs: Tensor[]): Attributions<I> {
  return (isTuple ? xs : xs[0]) as Attributions<I>;
}

/** _format_baseline: one baseline per input; none means 0 (false for bool inputs). */
export function formatBaselines(baselines: unknown, inputs: readonly Tensor[]): Baseline[] {
  if (baselines === null || baselines === undefined) return inputs.map(() => 0);
  const list = Array.isArray(baselines) ? baselines : [baselines];
  for (const b of list) {
    if (!(b instanceof Tensor) && typeof b !== "number") {
      throw new AssertionError(`baseline input argument must be either a torch.Tensor or a number however ${describe(b)} detected`);
    }
  }
  return list as Baseline[];
}

/** _validate_input (captum._utils.common and captum.attr._utils.common). */
export function validateInputs(inputs: readonly Tensor[], baselines: readonly Baseline[], drawBaselineFromDistrib = false): void {
  if (inputs.length !== baselines.length) {
    throw new AssertionError(`Input and baseline must have the same dimensions, baseline has ${baselines.length} features whereas input has ${inputs.length}.`);
  }
  inputs.forEach((x, i) => {
    const b = baselines[i]!;
    if (typeof b === "number") return;
    const same = (a: readonly number[], c: readonly number[]) => a.length === c.length && a.every((s, j) => s === c[j]);
    if (drawBaselineFromDistrib) {
      if (!same(x.shape.slice(1), b.shape.slice(1))) {
        throw new AssertionError(`The samples in input and baseline batches must have the same shape or the baseline corresponding to the input tensor must be a scalar. Found baseline: ${describe(b)} and input: ${describe(x)}`);
      }
    } else if (!same(x.shape, b.shape) && b.shape[0] !== 1) {
      throw new AssertionError(`Baseline can be provided as a tensor for just one input and broadcasted to the batch or input and baseline must have the same shape or the baseline corresponding to each input tensor must be a scalar. Found baseline: ${describe(b)} and input: ${describe(x)}`);
    }
  });
}

/** _tensorize_baseline: numbers become full tensors, a one-example baseline is repeated over the batch. */
export function tensorizeBaselines(inputs: readonly Tensor[], baselines: readonly Baseline[]): Tensor[] {
  return baselines.map((b, i) => {
    const x = inputs[i]!;
    if (typeof b === "number") return fullLike(x, b);
    if (x.shape[0]! > b.shape[0]! && b.shape[0] === 1) return cat(new Array<Tensor>(x.shape[0]!).fill(b), 0);
    return b;
  });
}

/** _format_additional_forward_args: an array is the tuple of arguments, anything else one argument. */
export function formatExtra(extra: unknown): unknown[] | null {
  if (extra === null || extra === undefined) return null;
  return Array.isArray(extra) ? [...extra] : [extra];
}

/** x repeated n times along dim 0, each example n times in a row (Tensor.repeat_interleave(n, 0)). */
export function repeatInterleave(x: Tensor, n: number): Tensor {
  if (n === 1) return x;
  const [b, ...rest] = x.shape;
  return x.unsqueeze(1).expand([b!, n, ...rest]).reshape([b! * n, ...rest]);
}

/** torch.cat([x] * n) */
export function repeatCat(x: Tensor, n: number): Tensor {
  return n === 1 ? x : cat(new Array<Tensor>(n).fill(x), 0);
}

/** _expand_additional_forward_args: tensor arguments (not 0-d) repeated for n copies of the batch. */
export function expandExtra(extra: readonly unknown[] | null, n: number, interleave = false): unknown[] | null {
  if (extra === null) return null;
  return extra.map((a) => (a instanceof Tensor && a.dim() > 0 ? (interleave ? repeatInterleave(a, n) : repeatCat(a, n)) : a));
}

/** _expand_target: a list or a non-scalar tensor of targets repeated for n copies of the batch. */
export function expandTarget(target: Target, n: number, interleave = false): Target {
  if (Array.isArray(target)) {
    if (!interleave) return Array.from({ length: n }, () => target).flat(1) as Target;
    return (target as unknown[]).flatMap((t) => new Array(n).fill(t)) as Target;
  }
  if (target instanceof Tensor && target.numel() > 1) return interleave ? repeatInterleave(target, n) : repeatCat(target, n);
  return target;
}

/** _validate_target: a list or tensor of targets has one per example. */
export function validateTarget(numExamples: number, target: Target): void {
  if (Array.isArray(target) || (target instanceof Tensor && target.numel() > 1)) {
    const len = target instanceof Tensor ? target.shape[0]! : target.length;
    if (numExamples !== len) {
      throw new AssertionError(`The number of samples provied in theinput ${numExamples} does not match with the number of targets. ${len}`);
    }
  }
}

function selectColumn(output: Tensor, index: readonly number[]): Tensor {
  if (index.length > output.dim() - 1) throw new AssertionError(`Cannot choose target column with output shape torch.Size([${output.shape.join(", ")}]).`);
  // output[:, i0, i1, ...]: each index takes dim 1 of what the previous one left
  let out = output;
  for (const v of index) out = out.select(1, v);
  return out;
}

/** _select_targets: the outputs a target picks (see Target). */
export function selectTargets(output: Tensor, target: Target): Tensor {
  if (target === null || target === undefined) return output;
  const n = output.shape[0]!;
  if (typeof target === "number") return selectColumn(output, [target]);
  if (target instanceof Tensor) {
    if (target.numel() === 1) return selectColumn(output, [Number(target.reshape([]).item())]);
    if (target.dim() === 1 && target.numel() === n) {
      if (output.dim() !== 2) throw new AssertionError("Output must be 2D to select tensor of targets.");
      return output.gather(1, target.reshape(n, 1)).squeeze(-1);
    }
    throw new AssertionError(`Tensor target dimension torch.Size([${target.shape.join(", ")}]) is not valid. torch.Size([${output.shape.join(", ")}])`);
  }
  if (Array.isArray(target)) {
    if (target.length !== n) throw new AssertionError("Target list length does not match output!");
    if (typeof target[0] === "number") {
      if (output.dim() !== 2) throw new AssertionError("Output must be 2D to select tensor of targets.");
      return output.gather(1, tensor(target as number[]).reshape(n, 1)).squeeze(-1);
    }
    if (Array.isArray(target[0])) {
      // output[(i,) + target[i]] per example
      return stack((target as number[][]).map((t, i) => t.reduce((o, v) => o.select(0, v), output.select(0, i))));
    }
    throw new AssertionError(`Target element type ${typeof target[0]} in list is not valid.`);
  }
  throw new AssertionError(`Target type ${typeof target} is not valid.`);
}

/** _run_forward: forwardFunc(...inputs, ...additional args), then the target's outputs. */
export function runForward(f: ForwardFunc, inputs: readonly unknown[], target: Target, extra: readonly unknown[] | null): Tensor {
  const out = callForward(f, extra ? [...inputs, ...extra] : inputs);
  if (!(out instanceof Tensor)) {
    if (typeof out === "number" && (target === null || target === undefined)) return tensor(out);
    throw new TorchTypeError(`the forward function must return a Tensor, got ${describe(out)}`);
  }
  return selectTargets(out, target);
}

/** Captum's gradient keywords, passed on to autograd.grad. */
export interface GradKwargs {
  /** Keeps the graph after the gradient is taken (autograd.grad's retainGraph). */
  retainGraph?: boolean;
  /** Records the gradient's computation, for higher-order gradients (default false). */
  createGraph?: boolean;
}

/** The outputs must be one number per example to take their gradient (Captum's assertion). */
export function checkScalarPerExample(out: Tensor): void {
  if (out.dim() === 0) throw new IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
  if (out.numel() / out.shape[0]! !== 1) {
    throw new AssertionError("Target not provided when necessary, cannot take gradient with respect to multiple outputs.");
  }
}

/** d sum(outputs) / d (each tensor of `wrt`), as torch.autograd.grad(torch.unbind(outputs), wrt). */
export function gradOfOutputs(out: Tensor, wrt: readonly Tensor[], gradKwargs: GradKwargs = {}): Tensor[] {
  checkScalarPerExample(out);
  return autogradGrad([out], wrt, { gradOutputs: [onesLike(out)], ...gradKwargs }) as Tensor[];
}

/** compute_gradients: the gradients of the target's outputs with respect to the inputs. */
export function computeGradients(f: ForwardFunc, inputs: readonly Tensor[], target: Target, extra: readonly unknown[] | null): Tensor[] {
  return enableGrad(() => gradOfOutputs(runForward(f, inputs, target, extra), inputs));
}

/**
 * apply_gradient_requirements / undo_gradient_requirements around fn: floating inputs that
 * do not require grad are made to for the call, and set back after it.
 */
export function withInputGradients<T>(inputs: readonly Tensor[], fn: () => T): T {
  const set = inputs.filter((x) => x.isFloatingPoint() && !x.requiresGrad);
  for (const x of set) x.requiresGrad_(true);
  try {
    return fn();
  } finally {
    for (const x of set) x.requiresGrad_(false);
  }
}

/** _sum_rows: per example, the sum of everything. */
export function sumRows(x: Tensor): Tensor {
  return x.reshape(x.shape[0]!, -1).sum(1);
}

/** b + a (x - b): Captum's point on the straight path (a Python-float a and b are cast to x's dtype by the ops, as ATen's). */
export function interpolatePoint(x: Tensor, b: Baseline, alpha: number): Tensor {
  return typeof b === "number" ? x.sub(b).mul(alpha).add(b) : b.add(x.sub(b).mul(alpha));
}

/**
 * GradientAttribution.compute_convergence_delta: per example, the sum of the attributions
 * minus f(end) - f(start) (the completeness gap), computed without grad.
 */
export function convergenceDelta(
  f: ForwardFunc,
  attributions: readonly Tensor[],
  startPoint: unknown,
  endPoint: unknown,
  target: Target,
  extra: readonly unknown[] | null,
): Tensor {
  const end = formatInputs(endPoint, "end_point").tuple;
  const start = tensorizeBaselines(end, formatBaselines(startPoint, end));
  attributions.forEach((a, i) => {
    if (end[i]!.shape[0] !== a.shape[0]) {
      throw new AssertionError(`Attributions tensor and the end_point must match on the first dimension but found attribution: ${a.shape[0]} and end_point: ${end[i]!.shape[0]}`);
    }
  });
  validateInputs(end, start);
  validateTarget(end[0]!.shape[0]!, target);
  return noGrad(() => {
    const s = sumRows(runForward(f, start, target, extra));
    const e = sumRows(runForward(f, end, target, extra));
    const rows = attributions.map(sumRows);
    let total = rows[0]!;
    for (const r of rows.slice(1)) total = total.add(r);
    return total.sub(e.sub(s));
  });
}
