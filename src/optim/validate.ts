// The arguments PyTorch's optimizers share: their checkers, the implementation flags every
// optimizer takes (foreach, capturable, differentiable, fused), and the value checks with
// PyTorch's messages.
import { bool, describe, nullable, parseArgs, type Checker, type Param, param } from "../args.ts";
import { AssertionError, NotImplementedError, RuntimeError, TorchTypeError, ValueError } from "../errors.ts";

/** A number (NaN included: the value checks below report it with PyTorch's message). */
export const number: Checker<number> = (v, arg, fn) => {
  if (typeof v !== "number") throw new TorchTypeError(`${fn}(): argument '${arg}' must be a number, but got ${describe(v)}`);
  return v;
};

/** Adam's betas: a pair of numbers. */
export const pair: Checker<[number, number]> = (v, arg, fn) => {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "number" || typeof v[1] !== "number") {
    throw new TorchTypeError(`${fn}(): argument '${arg}' must be a pair of numbers, but got ${Array.isArray(v) ? `[${v.map(describe).join(", ")}]` : describe(v)}`);
  }
  return [v[0], v[1]];
};

// PyTorch's implementation flags. foreach picks PyTorch's multi-tensor kernels: the same
// update, so any value is honoured by torch-ts's one implementation. The others change what
// a step is (CUDA graphs, CUDA kernels, a step recorded by autograd): a value other than
// false is refused at construction, as PyTorch refuses it for CPU tensors.
export const FOREACH: Param = param("foreach", nullable(bool), null);
export const MAXIMIZE: Param = param("maximize", bool, false);
export const CAPTURABLE: Param = param("capturable", bool, false);
export const DIFFERENTIABLE: Param = param("differentiable", bool, false);
export const FUSED: Param = param("fused", bool, false);
const FLAGS = new Set(["foreach", "capturable", "differentiable", "fused"]);
/** PyTorch's multi-tensor kernels (the same update): accepted with any value. */
export interface ForeachFlag {
  /** PyTorch's choice of its multi-tensor kernels; accepted with any value (the update is the same). */
  foreach?: boolean | null;
}
/** Accepted as false only: torch-ts's steps are not recorded by autograd. */
export interface DifferentiableFlag {
  /** Accepted as false only (PyTorch's default). */
  differentiable?: boolean;
}
/** CUDA graphs and fused CUDA kernels: accepted as false only. */
export interface CudaFlags {
  /** Accepted as false only (PyTorch's default). */
  capturable?: boolean;
  /** Accepted as false only (PyTorch's default). */
  fused?: boolean;
}

/**
 * An optimizer's arguments after `params`: PyTorch's positional order, then one options
 * object. Returns the optimizer's own options (the implementation flags checked and dropped)
 * and the parameter list that checks the options of parameter groups.
 */
export function optimizerArgs<O>(fn: string, positional: readonly Param[], keywordOnly: readonly Param[], args: readonly unknown[]): { options: Required<O>; specs: Param[] } {
  const all = parseArgs<Record<string, unknown>>(fn, positional, args, keywordOnly);
  if (all.capturable === true) throw new AssertionError("If capturable=True, params and state_steps must be CUDA tensors.");
  if (all.fused === true) {
    if (all.differentiable === true) throw new RuntimeError("`fused` cannot be `differentiable`");
    throw new RuntimeError(`Fused${fn} requires all the params to be CUDA, floating point`);
  }
  if (all.differentiable === true) throw new NotImplementedError(`${fn}(differentiable=True): torch-ts's optimizer steps are not recorded by autograd`);
  const options: Record<string, unknown> = {};
  const specs: Param[] = [];
  for (const p of [...positional, ...keywordOnly]) {
    if (FLAGS.has(p.name)) continue;
    options[p.name] = all[p.name];
    specs.push(p);
  }
  return { options: options as Required<O>, specs };
}

export function checkLr(lr: number): void {
  if (!(0 <= lr)) throw new ValueError(`Invalid learning rate: ${lr}`);
}
export function checkEps(eps: number): void {
  if (!(0 <= eps)) throw new ValueError(`Invalid epsilon value: ${eps}`);
}
export function checkBetas(betas: readonly [number, number] | readonly number[]): void {
  if (!(0 <= betas[0]! && betas[0]! < 1)) throw new ValueError(`Invalid beta parameter at index 0: ${betas[0]}`);
  if (!(0 <= betas[1]! && betas[1]! < 1)) throw new ValueError(`Invalid beta parameter at index 1: ${betas[1]}`);
}
export function checkWeightDecay(weightDecay: number): void {
  if (!(0 <= weightDecay)) throw new ValueError(`Invalid weight_decay value: ${weightDecay}`);
}
export function checkNonNegative(name: string, value: number): void {
  if (!(0 <= value)) throw new ValueError(`Invalid ${name} value: ${value}`);
}
