// torch.autograd.grad and torch.autograd.backward.
import { RuntimeError } from "../errors.ts";
import { onesLike } from "../ops/creation.ts";
import type { Tensor } from "../tensor.ts";
import { runBackward } from "./engine.ts";

export interface GradOptions {
  gradOutputs?: Tensor | ReadonlyArray<Tensor | null> | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
}

function rootGrads(outputs: readonly Tensor[], given: GradOptions["gradOutputs"]): Tensor[] {
  const list = given === undefined || given === null ? [] : Array.isArray(given) ? given : [given as Tensor];
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
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions = {}): Array<Tensor | null> {
  const outs = Array.isArray(outputs) ? (outputs as Tensor[]) : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? (inputs as Tensor[]) : [inputs as Tensor];
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new RuntimeError(`One of the differentiated Tensors does not require grad (input ${i})`);
  });
  const createGraph = opts.createGraph ?? false;
  const result = runBackward(outs, rootGrads(outs, opts.gradOutputs), {
    retainGraph: opts.retainGraph ?? createGraph,
    createGraph,
    inputs: ins,
  })!;
  result.forEach((g, i) => {
    if (g === null && !opts.allowUnused) {
      throw new RuntimeError(`One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior. (input ${i})`);
    }
  });
  return result;
}

/** torch.autograd.backward(tensors, gradTensors): accumulate into the leaves' .grad. */
export function backward(tensors: Tensor | readonly Tensor[], gradTensors?: GradOptions["gradOutputs"], opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
  const outs = Array.isArray(tensors) ? (tensors as Tensor[]) : [tensors as Tensor];
  const createGraph = opts.createGraph ?? false;
  runBackward(outs, rootGrads(outs, gradTensors), { retainGraph: opts.retainGraph ?? createGraph, createGraph });
}
