// nn.Module. Parameters and submodules are whatever Parameter / Module values the instance
// holds in its own fields, in definition order (so `fc1 = new nn.Linear(...)` registers
// itself, as assigning an attribute does in PyTorch); buffers are the tensor fields named
// through registerBuffer.
//
// Method arguments follow PyTorch's signatures (positional, then an options object) and are
// checked with PyTorch's errors.
import { bool, func, isOptions, nullable, param, parseArgs, str, type Args } from "../args.ts";
import { isGradEnabled, noGrad, setGradEnabled } from "../autograd/gradMode.ts";
import { CPU, type DeviceLike } from "../device.ts";
import { parseToArgs } from "../ops/convert.ts";
import { tracing } from "../autograd/trace.ts";
import { isFloating, type DType } from "../dtype.ts";
import { KeyError, NotImplementedError, RuntimeError, TorchTypeError, ValueError } from "../errors.ts";
import { Tensor, type RemovableHandle } from "../tensor.ts";
import { BackwardHook, type FullBackwardHook } from "./backwardHook.ts";
import { isLazy } from "./lazy.ts";
import { Parameter } from "./parameter.ts";
import { pyTypeName } from "./repr.ts";

export type { FullBackwardHook, GradList } from "./backwardHook.ts";

/** A module's parameters and persistent buffers by dotted name ("fc1.weight"), as PyTorch's state_dict. */
export type StateDict = Record<string, Tensor>;
/** hook(module, args) before forward: return replacement args (a non-array is the one argument), or nothing to keep them. */
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown[] | void;
/** hook(module, args, output) after forward: return a replacement output, or undefined to keep it. */
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
export type { RemovableHandle };
/** What `loadStateDict` returns (PyTorch's `_IncompatibleKeys`); with strict (the default) both are empty or it throws. */
export interface LoadResult {
  /** The module's keys the state dict did not have. */
  missingKeys: string[];
  /** The state dict's keys the module does not have. */
  unexpectedKeys: string[];
}

const INTERNAL = new Set(["training", "_buffers", "_nonPersistent", "_preHooks", "_hooks", "_backwardHooks", "forward"]);

const hookArg = (fn: string, hook: unknown): void => void func(hook, "hook", fn);

export class Module {
  /** Training mode (dropout active, batch norm updating its statistics); set by `train()` / `eval()`. */
  training = true;
  private _buffers = new Set<string>();
  private _nonPersistent = new Set<string>();
  private _preHooks: ForwardPreHook[] = [];
  private _hooks: ForwardHook[] = [];
  private _backwardHooks: FullBackwardHook[] = [];

  constructor() {
    // Route every forward call through the hooks. The subclass's forward is on the prototype
    // chain already; the wrapper is an own, non-enumerable property.
    const proto = Object.getPrototypeOf(this) as { forward: (...a: unknown[]) => unknown };
    Object.defineProperty(this, "forward", {
      enumerable: false,
      writable: true,
      configurable: true,
      value: (...args: unknown[]) => this.callForward(proto.forward, args),
    });
  }

  /** Subclasses define forward(...inputs). */
  forward(..._args: unknown[]): unknown {
    throw new NotImplementedError(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  private callForward(impl: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    const trace = tracing.active;
    if (trace !== null) {
      // Ops run inside this module carry its name in the trace (graph pictures group by it).
      trace.enterModule(this);
      try {
        return this.runHooked(impl, args);
      } finally {
        trace.exitModule();
      }
    }
    return this.runHooked(impl, args);
  }

  private runHooked(impl: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    if (this._preHooks.length === 0 && this._hooks.length === 0 && this._backwardHooks.length === 0) return impl.apply(this, args);
    for (const h of this._preHooks.slice()) {
      const r = h(this, args);
      if (r !== undefined) args = Array.isArray(r) ? r : [r];
    }
    const bw = this._backwardHooks.length > 0 ? new BackwardHook(this, this._backwardHooks.slice()) : null;
    if (bw) args = bw.setupInputHook(args);
    let out = impl.apply(this, args);
    for (const h of this._hooks.slice()) {
      const r = h(this, args, out);
      if (r !== undefined) out = r;
    }
    return bw ? bw.setupOutputHook(out) : out;
  }

  /** hook(module, args) before each forward; it may return replacement args. */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    hookArg("registerForwardPreHook", hook);
    this._preHooks.push(hook);
    return { remove: () => removeFrom(this._preHooks, hook) };
  }
  /** hook(module, args, output) after each forward; it may return a replacement output. */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    hookArg("registerForwardHook", hook);
    this._hooks.push(hook);
    return { remove: () => removeFrom(this._hooks, hook) };
  }
  /**
   * hook(module, gradInput, gradOutput) once per backward pass through this module, with the
   * gradients of its tensor arguments (null for other arguments and inputs without gradient)
   * and of its tensor outputs; it may return a replacement gradInput (PyTorch's semantics).
   */
  registerFullBackwardHook(hook: FullBackwardHook): RemovableHandle {
    hookArg("registerFullBackwardHook", hook);
    this._backwardHooks.push(hook);
    return { remove: () => removeFrom(this._backwardHooks, hook) };
  }

  // ---- registration -----------------------------------------------------------------------
  private fields(): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = [];
    for (const k of Object.keys(this)) if (!INTERNAL.has(k)) out.push([k, (this as unknown as Record<string, unknown>)[k]]);
    return out;
  }
  /**
   * PyTorch's checks of a name to register: a string, no ".", not empty, and not an attribute of
   * another kind (a method, a plain field) - `holds` says which existing values may be replaced.
   */
  private checkName(kind: "parameter" | "buffer" | "module", name: unknown, holds: (v: unknown) => boolean): string {
    if (typeof name !== "string") throw new TorchTypeError(`${kind} name should be a string. Got ${pyTypeName(name)}`);
    if (name.includes(".")) throw new KeyError(kind === "module" ? `module name can't contain ".", got: ${name}` : `${kind} name can't contain "."`);
    if (name === "") throw new KeyError(`${kind} name can't be empty string ""`);
    const self = this as unknown as Record<string, unknown>;
    if (name in this && !(Object.hasOwn(this, name) && (self[name] === undefined || self[name] === null || holds(self[name])))) {
      throw new KeyError(`attribute '${name}' already exists`);
    }
    return name;
  }
  /** register_parameter(name, param): a Parameter or null. */
  registerParameter(name: string, param: Parameter | null): void {
    this.checkName("parameter", name, (v) => v instanceof Parameter);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TorchTypeError(`cannot assign '${pyTypeName(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    (this as unknown as Record<string, unknown>)[name] = param;
  }
  /** register_buffer(name, tensor, persistent=True): a non-persistent buffer stays out of the state dict. */
  registerBuffer(name: string, tensor: Tensor | null, ...args: Args<[persistent: boolean], { persistent?: boolean }>): void;
  registerBuffer(name: string, tensor: Tensor | null, ...args: unknown[]): void {
    const { persistent } = parseArgs<{ persistent: boolean }>("registerBuffer", PERSISTENT, args);
    this.checkName("buffer", name, (v) => this._buffers.has(name) || v instanceof Tensor);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TorchTypeError(`cannot assign '${pyTypeName(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this._buffers.add(name);
    if (!persistent) this._nonPersistent.add(name);
    else this._nonPersistent.delete(name);
  }
  /** @internal Python's delattr(module, name): removes a parameter, buffer or plain attribute (the reparametrizations of nn.utils use it). */
  _delattr(name: string): void {
    delete (this as unknown as Record<string, unknown>)[name];
    this._buffers.delete(name);
    this._nonPersistent.delete(name);
  }
  /** add_module(name, module): a Module or null, registered as a child. */
  registerModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) throw new TorchTypeError(`${pyTypeName(module)} is not a Module subclass`);
    this.checkName("module", name, (v) => v instanceof Module);
    (this as unknown as Record<string, unknown>)[name] = module;
  }
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  // ---- traversal --------------------------------------------------------------------------
  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of this.fields()) if (v instanceof Module) yield [k, v];
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }
  /** named_modules(memo=None, prefix='', remove_duplicate=True): this module and every submodule, depth first. */
  namedModules(...args: Args<[memo: Set<Module> | null, prefix: string, removeDuplicate: boolean], { memo?: Set<Module> | null; prefix?: string; removeDuplicate?: boolean }>): Generator<[string, Module]>;
  namedModules(...args: unknown[]): Generator<[string, Module]> {
    const a = parseArgs<{ memo: Set<Module> | null; prefix: string; removeDuplicate: boolean }>("namedModules", NAMED_MODULES, args);
    return this.walk(a.memo ?? new Set<Module>(), a.prefix, a.removeDuplicate);
  }
  private *walk(memo: Set<Module>, prefix: string, removeDuplicate: boolean): Generator<[string, Module]> {
    if (memo.has(this)) return;
    if (removeDuplicate) memo.add(this);
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.walk(memo, prefix ? `${prefix}.${k}` : k, removeDuplicate);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.walk(new Set(), "", true)) yield m;
  }
  /** named_parameters(prefix='', recurse=True): in registration order; a parameter shared by two modules appears once. */
  namedParameters(...args: Args<[prefix: string, recurse: boolean], { prefix?: string; recurse?: boolean }>): Array<[string, Parameter]>;
  namedParameters(...args: unknown[]): Array<[string, Parameter]> {
    const { prefix, recurse } = args.length === 0 ? NO_PREFIX : parseArgs<{ prefix: string; recurse: boolean }>("namedParameters", PREFIX_RECURSE, args);
    const out: Array<[string, Parameter]> = [];
    const seen = new Set<Parameter>();
    const mods = recurse ? [...this.walk(new Set(), prefix, true)] : [[prefix, this] as [string, Module]];
    for (const [mp, m] of mods) {
      for (const [k, v] of m.fields()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          out.push([mp ? `${mp}.${k}` : k, v]);
        }
      }
    }
    return out;
  }
  /** parameters(recurse=True). */
  parameters(...args: Args<[recurse: boolean], { recurse?: boolean }>): Parameter[];
  parameters(...args: unknown[]): Parameter[] {
    const { recurse } = args.length === 0 ? NO_PREFIX : parseArgs<{ recurse: boolean }>("parameters", RECURSE, args);
    return this.namedParameters("", recurse).map(([, p]) => p);
  }
  /** named_buffers(prefix='', recurse=True). */
  namedBuffers(...args: Args<[prefix: string, recurse: boolean], { prefix?: string; recurse?: boolean }>): Array<[string, Tensor]>;
  namedBuffers(...args: unknown[]): Array<[string, Tensor]> {
    const { prefix, recurse } = args.length === 0 ? NO_PREFIX : parseArgs<{ prefix: string; recurse: boolean }>("namedBuffers", PREFIX_RECURSE, args);
    const out: Array<[string, Tensor]> = [];
    const mods = recurse ? [...this.walk(new Set(), prefix, true)] : [[prefix, this] as [string, Module]];
    for (const [mp, m] of mods) {
      for (const k of m._buffers) {
        const v = (m as unknown as Record<string, unknown>)[k];
        if (v instanceof Tensor) out.push([mp ? `${mp}.${k}` : k, v]);
      }
    }
    return out;
  }
  /** buffers(recurse=True). */
  buffers(...args: Args<[recurse: boolean], { recurse?: boolean }>): Tensor[];
  buffers(...args: unknown[]): Tensor[] {
    const { recurse } = args.length === 0 ? NO_PREFIX : parseArgs<{ recurse: boolean }>("buffers", RECURSE, args);
    return this.namedBuffers("", recurse).map(([, b]) => b);
  }
  /** get_submodule(target): the submodule at a dotted path ("" is this module). */
  getSubmodule(target: string): Module {
    str(target, "target", "getSubmodule");
    if (target === "") return this;
    return target.split(".").reduce<Module>((m, part) => {
      const next = (m as unknown as Record<string, unknown>)[part];
      if (!(next instanceof Module)) throw new RuntimeError(`${m.constructor.name} has no attribute \`${part}\``);
      return next;
    }, this);
  }

  // ---- modes and bulk operations ----------------------------------------------------------
  /** train(mode=True): this module and its submodules in training (or eval) mode. */
  train(...args: Args<[mode: boolean], { mode?: boolean }>): this;
  train(...args: unknown[]): this {
    const { mode } = parseArgs<{ mode: boolean }>("train", TRAIN, args);
    for (const mod of this.modules()) mod.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** requires_grad_(requires_grad=True) on every parameter. */
  requiresGrad_(...args: Args<[requiresGrad: boolean], { requiresGrad?: boolean }>): this;
  requiresGrad_(...args: unknown[]): this {
    const { requiresGrad } = parseArgs<{ requiresGrad: boolean }>("requiresGrad_", [param("requiresGrad", bool, true)], args);
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }
  /** zero_grad(set_to_none=True): gradients dropped (or zeroed in place with false), as PyTorch 2's default. */
  zeroGrad(...args: Args<[setToNone: boolean], { setToNone?: boolean }>): void;
  zeroGrad(...args: unknown[]): void {
    const { setToNone } = args.length === 0 ? { setToNone: true } : parseArgs<{ setToNone: boolean }>("zeroGrad", [param("setToNone", bool, true)], args);
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else p.grad = p.grad.detach().zero_();
    }
  }
  /** Calls fn on every submodule (children first) and then on this module. */
  apply(fn: (m: Module) => void): this {
    func(fn, "fn", "apply");
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }
  /**
   * Moves parameters and buffers (and gradients) to a device and/or casts the floating-point
   * ones to a dtype, in place: each keeps its identity (optimizers built before still hold
   * them). PyTorch's forms: to(device), to(dtype), to(device, dtype), to(tensor),
   * to({ device, dtype }). Coming back from a device to the CPU reads values: that is
   * toAsync, which this one names when it meets a device tensor.
   */
  to(dtype: DType): this;
  to(device: DeviceLike, dtype?: DType): this;
  to(tensor: Tensor): this;
  to(opts: { device?: DeviceLike; dtype?: DType }): this;
  to(...args: unknown[]): this {
    const { device, dtype } = parseToArgs(args, "Module.to");
    // Only floating dtypes, as PyTorch (integer parameters and buffers keep theirs anyway).
    if (dtype !== null && !isFloating(dtype)) throw new TorchTypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${dtype}`);
    noGrad(() => {
      for (const t of this.movable()) {
        const d = t.isFloatingPoint() && dtype !== null ? dtype : t.dtype;
        const dev = device ?? t.device;
        t.data = t.to(dev, d);
        if (t.grad) t.grad = t.grad.to(dev, d);
      }
    });
    return this;
  }
  /** to() in any direction, reading device values back when they come to the CPU. */
  toAsync(dtype: DType): Promise<this>;
  toAsync(device: DeviceLike, dtype?: DType): Promise<this>;
  toAsync(tensor: Tensor): Promise<this>;
  toAsync(opts: { device?: DeviceLike; dtype?: DType }): Promise<this>;
  async toAsync(...args: unknown[]): Promise<this> {
    const { device, dtype } = parseToArgs(args, "Module.toAsync");
    if (dtype !== null && !isFloating(dtype)) throw new TorchTypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${dtype}`);
    const prev = isGradEnabled();
    for (const t of this.movable()) {
      const d = t.isFloatingPoint() && dtype !== null ? dtype : t.dtype;
      const dev = device ?? t.device;
      const data = await t.detach().toAsync(dev, d);
      const grad = t.grad ? await t.grad.detach().toAsync(dev, d) : null;
      setGradEnabled(false);
      try {
        t.data = data;
        if (grad) t.grad = grad;
      } finally {
        setGradEnabled(prev);
      }
    }
    return this;
  }
  /** Parameters and buffers, each once (a shared parameter moves once). */
  private movable(): Tensor[] {
    return [...new Set([...this.parameters(), ...this.buffers()])];
  }
  /** to("cpu"): raises naming toAsync when a parameter is on a device. */
  cpu(): this {
    return this.to(CPU);
  }
  float(): this {
    return this.to("float32");
  }
  double(): this {
    return this.to("float64");
  }

  // ---- state dict -------------------------------------------------------------------------
  /**
   * state_dict(*, destination=None, prefix='', keep_vars=False): PyTorch's keys (`fc1.weight`,
   * `0.bias`, `bn.running_mean`); values share storage, detached unless keepVars.
   */
  stateDict(opts: { destination?: StateDict | null; prefix?: string; keepVars?: boolean } = {}): StateDict {
    const o = parseArgs<{ destination: StateDict | null; prefix: string; keepVars: boolean }>("stateDict", [], arguments.length ? [opts] : [], STATE_DICT);
    const prefix = o.prefix;
    const sd: StateDict = o.destination ?? {};
    for (const [mp, m] of this.walk(new Set(), "", true)) {
      const base = prefix + (mp ? `${mp}.` : "");
      for (const [k, v] of m.fields()) if (v instanceof Parameter) sd[base + k] = o.keepVars || isLazy(v) ? v : v.detach();
      for (const k of m._buffers) {
        const v = (m as unknown as Record<string, unknown>)[k];
        if (v instanceof Tensor && !m._nonPersistent.has(k)) sd[base + k] = o.keepVars || isLazy(v) ? v : v.detach(); // a placeholder stays one (PyTorch's)
      }
    }
    return sd;
  }

  /** load_state_dict(state_dict, strict=True): copies into this module's parameters and buffers, with PyTorch's errors. */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, ...args: Args<[strict: boolean], { strict?: boolean }>): LoadResult;
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, ...args: unknown[]): LoadResult {
    if (!(stateDict instanceof Map) && !isOptions(stateDict)) {
      throw new TorchTypeError(`Expected state_dict to be dict-like, got <class '${pyTypeName(stateDict)}'>.`);
    }
    const { strict } = parseArgs<{ strict: boolean }>("loadStateDict", [param("strict", bool, true)], args);
    const given = stateDict instanceof Map ? Object.fromEntries(stateDict) : stateDict;
    const own = this.stateDict({ keepVars: true });
    // a lazy module's placeholders take the shapes they are loaded with (PyTorch's _lazy_load_hook)
    for (const [k, target] of Object.entries(own)) {
      const src = given[k];
      if (isLazy(target) && src instanceof Tensor && !isLazy(src)) target.materialize(src.shape);
    }
    const missingKeys = Object.keys(own).filter((k) => !(k in given));
    const unexpectedKeys = Object.keys(given).filter((k) => !(k in own));
    const errors: string[] = [];
    for (const [k, target] of Object.entries(own)) {
      const src = given[k];
      if (src === undefined) continue;
      if (!(src instanceof Tensor)) {
        errors.push(`While copying the parameter named "${k}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof src}`);
      } else if (src.shape.join() !== target.shape.join()) {
        errors.push(`size mismatch for ${k}: copying a param with shape torch.Size([${src.shape.join(", ")}]) from checkpoint, the shape in current model is torch.Size([${target.shape.join(", ")}]).`);
      }
    }
    if (strict) {
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}. `);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(", ")}. `);
    }
    if (errors.length) throw new RuntimeError(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join("\n\t")}`);
    noGrad(() => {
      for (const [k, target] of Object.entries(own)) {
        const src = given[k];
        if (src !== undefined) target.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing ---------------------------------------------------------------------------
  /** Extra text inside the parentheses, as PyTorch's extra_repr. */
  extraRepr(): string {
    return "";
  }
  /** PyTorch's module repr: the class name with `extraRepr()`, then each child module, indented. */
  toString(): string {
    const children = [...this.namedChildren()];
    const extra = this.extraRepr();
    if (children.length === 0 && !extra.includes("\n")) return `${this.constructor.name}(${extra})`;
    const lines = extra ? extra.split("\n") : [];
    for (const [k, m] of children) lines.push(`(${k}): ${String(m).split("\n").join("\n  ")}`);
    return `${this.constructor.name}(\n  ${lines.join("\n  ")}\n)`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

const PERSISTENT = [param("persistent", bool, true)];
const TRAIN = [param<boolean>("mode", (v) => {
  if (typeof v !== "boolean") throw new ValueError("training mode is expected to be boolean");
  return v;
}, true)];
const NAMED_MODULES = [param("memo", nullable((v, arg, fn) => {
  if (!(v instanceof Set)) throw new TorchTypeError(`${fn}(): argument '${arg}' must be a Set of modules`);
  return v;
}), null), param("prefix", str, ""), param("removeDuplicate", bool, true)];
const PREFIX_RECURSE = [param("prefix", str, ""), param("recurse", bool, true)];
const RECURSE = [param("recurse", bool, true)];
const NO_PREFIX = { prefix: "", recurse: true };
const STATE_DICT = [param("destination", nullable((v, arg, fn) => {
  if (!isOptions(v)) throw new TorchTypeError(`${fn}(): argument '${arg}' must be an object`);
  return v;
}), null), param("prefix", str, ""), param("keepVars", bool, false)];

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** A Module argument of an nn.utils function, else a TypeError naming the function. */
export function checkModule(v: unknown, fn: string): Module {
  if (!(v instanceof Module)) throw new TorchTypeError(`${fn}(): argument 'module' must be a Module, but got ${pyTypeName(v)}`);
  return v;
}
