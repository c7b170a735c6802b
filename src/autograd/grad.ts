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

/** torch.autograd.backward(tensors, gradTensors): accumulate into the leaves' .grad. */
export function backward(tensors: Tensor | readonly Tensor[], gradTensors?: GradOptions["gradOutputs"], opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
  const outs = Array.isArray(tensors) ? (tensors as Tensor[]) : [tensors as Tensor];
  const createGraph = opts.createGraph ?? false;
  runBackward(outs, rootGrads(outs, optionalTensors(gradTensors ?? null, "gradTensors", "backward")), { retainGraph: opts.retainGraph ?? createGraph, createGraph });
}
