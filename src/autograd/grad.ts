// torch.autograd.grad and torch.autograd.backward.
import { bool, nullable, optionalTensors, param, parseArgs, tensorOrTensors, type Args } from "../args.ts";
import { RuntimeError } from "../errors.ts";
import { onesLike } from "../ops/creation.ts";
import { stack } from "../ops/shape.ts";
import type { Tensor } from "../tensor.ts";
import { runBackward } from "./engine.ts";

export interface GradOptions {
  gradOutputs?: Tensor | ReadonlyArray<Tensor | null> | null;
  retainGraph?: boolean | null;
  createGraph?: boolean;
  /** Deprecated in PyTorch and ignored, as there (false warns). */
  onlyInputs?: boolean;
  allowUnused?: boolean;
  /** Each grad output has a leading batch dimension: one vector-Jacobian product per row, stacked. */
  isGradsBatched?: boolean;
}

// grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
//      allow_unused=False, is_grads_batched=False)
const GRAD_ARGS = [
  param("outputs", tensorOrTensors),
  param("inputs", tensorOrTensors),
  param("gradOutputs", optionalTensors, []),
  param("retainGraph", nullable(bool), null),
  param("createGraph", bool, false),
  param("onlyInputs", bool, true),
  param("allowUnused", bool, false),
  param("isGradsBatched", bool, false),
];

/** The root gradient of each output: the one given (its shape checked), else ones for a scalar output. */
function rootGrads(outputs: readonly Tensor[], list: ReadonlyArray<Tensor | null>): Tensor[] {
  return outputs.map((o, i) => {
    const g = list[i] ?? null;
    if (g !== null) {
      if (g.shape.join() !== o.shape.join()) {
        throw new RuntimeError(`Mismatch in shape: grad_output[${i}] has a shape of [${g.shape.join(", ")}] and output[${i}] has a shape of [${o.shape.join(", ")}].`);
      }
      return g;
    }
    if (o.numel() !== 1) throw new RuntimeError("grad can be implicitly created only for scalar outputs");
    return onesLike(o);
  });
}

/** Gradients of outputs with respect to inputs, without touching any .grad. */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  ...args: Args<[gradOutputs: GradOptions["gradOutputs"], retainGraph: boolean | null, createGraph: boolean, onlyInputs: boolean, allowUnused: boolean, isGradsBatched: boolean], GradOptions>
): Array<Tensor | null> {
  type Parsed = Required<Omit<GradOptions, "gradOutputs">> & { outputs: Tensor[]; inputs: Tensor[]; gradOutputs: Array<Tensor | null> };
  const opts = parseArgs<Parsed>("grad", GRAD_ARGS, [outputs, inputs, ...args]);
  if (!opts.onlyInputs) console.warn("UserWarning: only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate gradient for other parts of the graph, please use torch.autograd.backward.");
  const { outputs: outs, inputs: ins, createGraph } = opts;
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new RuntimeError(`One of the differentiated Tensors does not require grad (input ${i})`);
  });
  const retainGraph = opts.retainGraph ?? createGraph;
  const run = (gradOutputs: ReadonlyArray<Tensor | null>, retain: boolean) => {
    const result = runBackward(outs, rootGrads(outs, gradOutputs), { retainGraph: retain, createGraph, inputs: ins })!;
    result.forEach((g, i) => {
      if (g === null && !opts.allowUnused) {
        throw new RuntimeError(`One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior. (input ${i})`);
      }
    });
    return result;
  };
  if (!opts.isGradsBatched) return run(opts.gradOutputs, retainGraph);
  // one backward per row of the grad outputs (PyTorch vmaps it; the results are the same)
  const batched = outs.map((o, i) => {
    const g = opts.gradOutputs[i] ?? null;
    if (g === null) throw new RuntimeError("torch.autograd.grad with is_grads_batched=True needs a grad_output for every output");
    if (g.dim() !== o.dim() + 1) throw new RuntimeError(`is_grads_batched=True: grad_output[${i}] of shape [${g.shape.join(", ")}] needs a batch dimension before output[${i}]'s [${o.shape.join(", ")}]`);
    return g;
  });
  const rows = batched.length > 0 ? batched[0]!.shape[0]! : 0;
  if (batched.some((g) => g.shape[0] !== rows)) throw new RuntimeError("is_grads_batched=True: every grad_output needs the same batch size");
  if (rows === 0) return ins.map((t) => t.newZeros([0, ...t.shape]));
  const per = Array.from({ length: rows }, (_, b) => run(batched.map((g) => g.select(0, b)), b < rows - 1 || retainGraph));
  return ins.map((_, i) => (per[0]![i] === null ? null : stack(per.map((r) => r[i]!))));
}

/** Options of torch.autograd.backward (PyTorch's keyword arguments, camelCase). */
export interface BackwardArgs {
  /** The gradient of each tensor (null: ones, for a scalar tensor). */
  gradTensors?: Tensor | ReadonlyArray<Tensor | null> | null;
  /** Keep the graph for another backward; PyTorch's default: createGraph. */
  retainGraph?: boolean | null;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
  /** Deprecated in PyTorch: gradTensors by its old name. */
  gradVariables?: Tensor | ReadonlyArray<Tensor | null> | null;
  /** Accumulate gradients into these tensors' .grad only (PyTorch: `inputs`); a non-leaf one retains its grad from then on. */
  inputs?: Tensor | readonly Tensor[] | null;
}

// backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None)
const BACKWARD_ARGS = [
  param("tensors", tensorOrTensors),
  param("gradTensors", nullable(optionalTensors), null),
  param("retainGraph", nullable(bool), null),
  param("createGraph", bool, false),
  param("gradVariables", nullable(optionalTensors), null),
  param("inputs", nullable(tensorOrTensors), null),
];

/**
 * The backward pass of Tensor.backward and autograd.backward: gradients of `outs` (seeded
 * with `grads`, checked) accumulated into every leaf's .grad, or with `inputs` into theirs only.
 */
export function backwardInto(outs: readonly Tensor[], grads: ReadonlyArray<Tensor | null>, retainGraph: boolean | null, createGraph: boolean, inputs: readonly Tensor[] | null): void {
  const seeds = rootGrads(outs, grads);
  if (inputs !== null) {
    if (inputs.length === 0) throw new RuntimeError("'inputs' argument to backward() cannot be empty.");
    // as PyTorch's engine: each input retains its grad (a no-op on a leaf; an error without requires_grad)
    for (const t of inputs) t.retainGrad();
  }
  const retain = retainGraph ?? createGraph;
  runBackward(outs, seeds, inputs === null ? { retainGraph: retain, createGraph } : { retainGraph: retain, createGraph, inputs, accumulateInputs: true });
}

/** torch.autograd.backward: accumulates gradients of `tensors` into the leaves' .grad (PyTorch's positional order, or options). */
export function backward(
  tensors: Tensor | readonly Tensor[],
  ...args: Args<[gradTensors: BackwardArgs["gradTensors"], retainGraph: boolean | null, createGraph: boolean, gradVariables: BackwardArgs["gradVariables"], inputs: BackwardArgs["inputs"]], BackwardArgs>
): void {
  type Parsed = { tensors: Tensor[]; gradTensors: Array<Tensor | null> | null; retainGraph: boolean | null; createGraph: boolean; gradVariables: Array<Tensor | null> | null; inputs: Tensor[] | null };
  const o = parseArgs<Parsed>("backward", BACKWARD_ARGS, [tensors, ...args]);
  let grads = o.gradTensors;
  if (o.gradVariables !== null) {
    if (grads !== null) throw new RuntimeError("'grad_tensors' and 'grad_variables' (deprecated) arguments both passed to backward(). Please only use 'grad_tensors'.");
    console.warn("UserWarning: 'grad_variables' is deprecated. Use 'grad_tensors' instead.");
    grads = o.gradVariables;
  }
  backwardInto(o.tensors, grads ?? [], o.retainGraph, o.createGraph, o.inputs);
}
