// The Optimizer base class, as PyTorch 2's torch.optim.Optimizer.
//
// Invariants:
// - `paramGroups[i]` holds `params` (a Tensor[]) and every option of `defaults`, in the
//   camelCase spelling of the constructor options (`weightDecay`, `betas`, ...).
//   Schedulers add their own keys (`initialLr`, `maxLr`, ...), as PyTorch's do.
// - `state` maps a parameter tensor to its per-parameter state; the entry keys are
//   PyTorch's (`momentum_buffer`, `exp_avg`, `step`, ...), so `stateDict()` maps 1:1 to
//   torch's `optimizer.state_dict()`.
// - `stateDict()` returns PyTorch's structure: `state` keyed by the integer index of the
//   parameter (in group order), `param_groups` with `params: [indices]` and the option keys
//   in PyTorch's snake_case (`weight_decay`, `initial_lr`). `loadStateDict()` accepts that
//   structure, from this class or from PyTorch (converted to JSON), and deep-copies it.
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { TorchTypeError, ValueError } from "../errors.ts";
import type { Param } from "../args.ts";

/** A closure re-evaluates the model and returns the loss (LBFGS needs one). */
export type Closure<L = Tensor | number> = () => L;

/** A parameter group as given by the user: its params and options that override the defaults. */
export type ParamGroupInput<O> = { params: Iterable<Tensor> | Tensor } & Partial<O> & Record<string, unknown>;

/** What an optimizer accepts: an iterable of parameters, or of parameter groups. */
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** A parameter group inside an optimizer: every option is present. */
export type ParamGroup<O> = Required<O> & { params: Tensor[]; lr: number; [key: string]: unknown };

/** One parameter's state: PyTorch's entry names. */
export type ParamState = Record<string, unknown>;

/** An optimizer's stateDict, PyTorch's layout: parameters by their index across the groups. */
export interface OptimizerStateDict {
  /** Each parameter's state (momentum buffers, step counts, ...) by parameter index. */
  state: Record<number, Record<string, unknown>>;
  /** The groups' options by PyTorch's names, with their parameters as indices. */
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

/** Group keys the learning-rate schedulers read (PyTorch's initial_lr, max_lr, ...). */
const SCHEDULER_KEYS = ["initialLr", "maxLr", "minLr", "maxMomentum", "baseMomentum"];

/** Marks an option the user must give (PyTorch's `required`, e.g. SGD's lr). */
export const required: unique symbol = Symbol("required parameter");

/** `weightDecay` -> `weight_decay`. */
export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}
/** `weight_decay` -> `weightDecay`. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** PyTorch's `torch.typename` of a tensor: `torch.FloatTensor`, `torch.DoubleTensor`, ... */
export function tensorTypeName(t: Tensor): string {
  const names: Record<string, string> = {
    float32: "torch.FloatTensor", float64: "torch.DoubleTensor", int32: "torch.IntTensor",
    int64: "torch.LongTensor", bool: "torch.BoolTensor",
  };
  return names[t.dtype] ?? `torch.${t.dtype}`;
}

function typeName(v: unknown): string {
  if (v instanceof torch.Tensor) return tensorTypeName(v);
  if (v === null) return "null";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

/** Deep copy of one state value on the parameter's device; floating tensors take its dtype (PyTorch's `cast`). */
function castState(param: Tensor, value: unknown, key?: string): unknown {
  if (value instanceof torch.Tensor) {
    // `step` keeps its own dtype in PyTorch; ours is a number, so a tensor step becomes one.
    if (key === "step" || key === "mu_product") return value.numel() === 1 ? value.item() : value.clone();
    const floating = value.dtype === "float32" || value.dtype === "float64";
    const isParamFloating = param.dtype === "float32" || param.dtype === "float64";
    return (floating && isParamFloating ? value.to(param.device, param.dtype) : value.to(param.device)).clone();
  }
  if (Array.isArray(value)) return value.map((v) => castState(param, v));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = castState(param, v, k);
    return out;
  }
  return value;
}

function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (value instanceof torch.Tensor) return value.clone();
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyPlain(v);
    return out;
  }
  return value;
}

export abstract class Optimizer<O extends { lr?: number } = { lr: number }> {
  /** Default options, used where a parameter group does not give its own. */
  readonly defaults: Record<string, unknown>;
  /** The parameter groups: each has its `params` and its own options (filled from `defaults`). */
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, keyed by the parameter tensor. */
  state: Map<Tensor, ParamState> = new Map();
  /** Counts `step()` calls once a learning-rate scheduler is attached (PyTorch's `_step_count`). */
  _stepCount = 0;

  /** The options' checkers, applied to the options a parameter group gives. */
  private readonly optionSpecs: readonly Param[];

  constructor(params: Params<O>, defaults: Record<string, unknown>, optionSpecs: readonly Param[] = []) {
    this.defaults = defaults;
    this.optionSpecs = optionSpecs;
    if (params instanceof torch.Tensor) {
      throw new TorchTypeError(
        "params argument given to the optimizer should be an iterable of Tensors or dicts, but got " +
          tensorTypeName(params),
      );
    }
    if (params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new TorchTypeError(
        "params argument given to the optimizer should be an iterable of Tensors or dicts, but got " + typeName(params),
      );
    }
    let groups = [...(params as Iterable<unknown>)];
    if (groups.length === 0) throw new ValueError("optimizer got an empty parameter list");
    if (groups[0] instanceof torch.Tensor || !(typeof groups[0] === "object" && groups[0] !== null && "params" in groups[0])) {
      groups = [{ params: groups }];
    }
    for (const g of groups) this.addParamGroup(g as ParamGroupInput<O>);
  }

  /** Adds a parameter group (e.g. layers unfrozen while fine-tuning), as PyTorch's add_param_group. */
  addParamGroup(paramGroup: ParamGroupInput<O>): void {
    if (paramGroup === null || typeof paramGroup !== "object" || paramGroup instanceof torch.Tensor) {
      throw new TorchTypeError("param group must be a dict");
    }
    const group: Record<string, unknown> = { ...paramGroup };
    this.checkGroupOptions(group);
    const ps = paramGroup.params;
    if (ps instanceof torch.Tensor) group.params = [ps];
    else if (ps instanceof Set) {
      throw new TorchTypeError(
        "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets " +
          "will change between runs. Please use a list instead.",
      );
    } else if (ps !== null && ps !== undefined && typeof (ps as Iterable<Tensor>)[Symbol.iterator] === "function") {
      group.params = [...(ps as Iterable<Tensor>)];
    } else {
      throw new TorchTypeError("param group must have 'params' as an iterable of Tensors, but got " + typeName(ps));
    }
    const list = group.params as unknown[];
    for (const p of list) {
      if (!(p instanceof torch.Tensor)) {
        throw new TorchTypeError("optimizer can only optimize Tensors, but one of the params is " + typeName(p));
      }
      if (!p.isLeaf) throw new ValueError("can't optimize a non-leaf Tensor");
    }
    for (const [name, value] of Object.entries(this.defaults)) {
      if (value === required && !(name in group && group[name] !== undefined)) {
        throw new ValueError(
          "parameter group didn't specify a value of required optimization parameter " + camelToSnake(name),
        );
      }
      if (!(name in group) || group[name] === undefined) group[name] = Array.isArray(value) ? [...value] : value;
    }
    const params = group.params as Tensor[];
    if (new Set(params).size !== params.length) {
      console.warn(
        "optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; " +
          "see github.com/pytorch/pytorch/issues/40967 for more information",
      );
    }
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p))) throw new ValueError("some parameters appear in more than one parameter group");
    this.paramGroups.push(group as ParamGroup<O>);
  }

  /**
   * A group's options are checked as the constructor's. Keys that are no option are kept, as
   * PyTorch keeps them (programs store their own data in groups), except a key PyTorch would
   * read that torch-ts spells otherwise (`weight_decay` for `weightDecay`): it would be ignored.
   */
  private checkGroupOptions(group: Record<string, unknown>): void {
    const fn = `${this.constructor.name}.addParamGroup`;
    for (const key of Object.keys(group)) {
      if (key === "params") continue;
      const spec = this.optionSpecs.find((p) => p.name === key);
      if (spec !== undefined) {
        if (group[key] !== undefined) group[key] = spec.check(group[key], key, fn);
        continue;
      }
      const camel = snakeToCamel(key);
      if (camel !== key && (camel in this.defaults || SCHEDULER_KEYS.includes(camel))) {
        throw new TorchTypeError(`${fn}(): param group key '${key}' is spelled '${camel}' in torch-ts (as '${key}' it would be ignored)`);
      }
    }
  }

  /** The state entry of one parameter, created empty on first use (PyTorch's defaultdict). */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** Runs the closure with gradients enabled, as every PyTorch optimizer's step does. */
  protected evaluateClosure<L>(closure?: Closure<L>): L | undefined {
    if (closure === undefined) return undefined;
    return torch.enableGrad(closure);
  }

  /**
   * Performs one optimization step. `closure` re-evaluates the model and returns the loss;
   * the loss is returned. Parameters without a gradient are skipped.
   */
  abstract step<L extends Tensor | number>(closure?: Closure<L>): L | undefined;

  /** Resets the gradients: to null (default, as PyTorch 2) or to zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null || g === undefined) continue;
        if (setToNone) {
          p.grad = null;
        } else {
          // a gradient built with createGraph is detached first, as PyTorch's detach_()
          const flat = g.gradFn !== null ? g.detach() : g;
          if (flat.requiresGrad) flat.requiresGrad_(false);
          flat.zero_();
          if (flat !== g) p.grad = flat;
        }
      }
    }
  }

  /**
   * PyTorch's state dict: `{ state: { [paramIndex]: {...} }, param_groups: [{ lr, ..., params: [indices] }] }`.
   * State tensors are shared with the optimizer (as PyTorch); `loadStateDict` copies them.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(group)) {
        if (k === "params") continue;
        packed[camelToSnake(k)] = Array.isArray(v) ? [...v] : v;
      }
      group.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      packed.params = group.params.map((p) => index.get(p) as number);
      start += group.params.length;
      return packed as Record<string, unknown> & { params: number[] };
    });
    const state: Record<number, Record<string, unknown>> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = this.packState(s);
    }
    return { state, param_groups: paramGroups };
  }

  /** The stored form of one parameter's state (LBFGS overrides it). */
  protected packState(s: ParamState): Record<string, unknown> {
    return { ...s };
  }

  /** Loads a state dict made by `stateDict()` (here or in PyTorch); values are deep-copied. */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const groups = this.paramGroups;
    const savedGroups = stateDict.param_groups;
    if (!Array.isArray(savedGroups) || stateDict.state === undefined) {
      throw new ValueError("loaded state dict must hold 'state' and 'param_groups' (as optimizer.stateDict() returns)");
    }
    if (groups.length !== savedGroups.length) {
      throw new ValueError("loaded state dict has a different number of parameter groups");
    }
    for (let i = 0; i < groups.length; i++) {
      if (groups[i]!.params.length !== savedGroups[i]!.params.length) {
        throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    }
    const idMap = new Map<string, Tensor>();
    for (let i = 0; i < groups.length; i++) {
      savedGroups[i]!.params.forEach((id, j) => idMap.set(String(id), groups[i]!.params[j]!));
    }
    const state = new Map<Tensor, ParamState>();
    for (const [k, v] of Object.entries(stateDict.state)) {
      const p = idMap.get(k);
      // state not assigned to a parameter has no place in a Map keyed by tensors: PyTorch keeps
      // it for backward compatibility only; we reject it rather than drop it silently.
      if (p === undefined) throw new ValueError(`loaded state dict has state for parameter ${k}, which no parameter group holds`);
      state.set(p, this.unpackState(p, castState(p, v) as Record<string, unknown>));
    }
    this.state = state;
    this.paramGroups = groups.map((g, i) => {
      const ng: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(savedGroups[i]!)) {
        if (k === "params") continue;
        ng[snakeToCamel(k)] = copyPlain(v);
      }
      ng.params = g.params;
      // options this optimizer has but the saved group lacks keep their defaults (PyTorch's __setstate__)
      for (const [name, value] of Object.entries(this.defaults)) if (!(name in ng)) ng[name] = value;
      return ng as ParamGroup<O>;
    });
  }

  /** The live form of one parameter's loaded state (LBFGS overrides it). */
  protected unpackState(_param: Tensor, s: Record<string, unknown>): ParamState {
    return s;
  }

  /** PyTorch's optimizer repr: the class name and each group's options, sorted by name. */
  toString(): string {
    let out = this.constructor.name + " (";
    this.paramGroups.forEach((group, i) => {
      out += `\nParameter Group ${i}\n`;
      for (const key of Object.keys(group).sort()) {
        if (key === "params") continue;
        const v = group[key];
        out += `    ${key}: ${Array.isArray(v) ? `[${v.join(", ")}]` : String(v)}\n`;
      }
    });
    return out + ")";
  }
}

/** The parameters of one group that have a gradient, with that gradient (the shared loop of every step()). */
export function* paramsWithGrad<O extends { lr?: number }>(group: ParamGroup<O>): Generator<[Tensor, Tensor]> {
  for (const p of group.params) {
    const g = p.grad;
    if (g !== null && g !== undefined) yield [p, g];
  }
}

