// nn.Module. Parameters and submodules are whatever Parameter / Module values the instance
// holds in its own fields, in definition order (so `fc1 = new nn.Linear(...)` registers
// itself, as assigning an attribute does in PyTorch); buffers are the tensor fields named
// through registerBuffer.
import { isGradEnabled, noGrad, setGradEnabled } from "../autograd/gradMode.ts";
import { CPU, type DeviceLike } from "../device.ts";
import { parseToArgs } from "../ops/convert.ts";
import { tracing } from "../autograd/trace.ts";
import type { DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { Tensor } from "../tensor.ts";
import { Parameter } from "./parameter.ts";

export type StateDict = Record<string, Tensor>;
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown[] | void;
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
export interface RemovableHandle {
  remove(): void;
}
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const INTERNAL = new Set(["training", "_buffers", "_nonPersistent", "_preHooks", "_hooks", "forward"]);

export class Module {
  training = true;
  private _buffers = new Set<string>();
  private _nonPersistent = new Set<string>();
  private _preHooks: ForwardPreHook[] = [];
  private _hooks: ForwardHook[] = [];

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
    throw new RuntimeError(`Module [${this.constructor.name}] is missing the required "forward" function`);
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
    if (this._preHooks.length === 0 && this._hooks.length === 0) return impl.apply(this, args);
    for (const h of this._preHooks.slice()) {
      const r = h(this, args);
      if (r !== undefined) args = Array.isArray(r) ? r : [r];
    }
    let out = impl.apply(this, args);
    for (const h of this._hooks.slice()) {
      const r = h(this, args, out);
      if (r !== undefined) out = r;
    }
    return out;
  }

  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    this._preHooks.push(hook);
    return { remove: () => removeFrom(this._preHooks, hook) };
  }
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    this._hooks.push(hook);
    return { remove: () => removeFrom(this._hooks, hook) };
  }

  // ---- registration -----------------------------------------------------------------------
  private fields(): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = [];
    for (const k of Object.keys(this)) if (!INTERNAL.has(k)) out.push([k, (this as unknown as Record<string, unknown>)[k]]);
    return out;
  }
  registerParameter(name: string, param: Parameter | null): void {
    if (name.includes(".")) throw new RuntimeError(`parameter name can't contain "."`);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`cannot assign '${(param as object).constructor.name}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    (this as unknown as Record<string, unknown>)[name] = param;
  }
  registerBuffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } = {}): void {
    if (name.includes(".")) throw new RuntimeError(`buffer name can't contain "."`);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`cannot assign '${typeof tensor}' object to buffer '${name}' (torch Tensor or None required)`);
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this._buffers.add(name);
    if (opts.persistent === false) this._nonPersistent.add(name);
    else this._nonPersistent.delete(name);
  }
  registerModule(name: string, module: Module | null): void {
    if (name.includes(".")) throw new RuntimeError(`module name can't contain ".", got: ${name}`);
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
  *namedModules(prefix = "", memo = new Set<Module>()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k, memo);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }
  /** Parameters in registration order; a parameter shared by two modules appears once. */
  namedParameters(prefix = "", recurse = true): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    const seen = new Set<Parameter>();
    const mods = recurse ? [...this.namedModules(prefix)] : [[prefix, this] as [string, Module]];
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
  parameters(recurse = true): Parameter[] {
    return this.namedParameters("", recurse).map(([, p]) => p);
  }
  namedBuffers(prefix = "", recurse = true): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    const mods = recurse ? [...this.namedModules(prefix)] : [[prefix, this] as [string, Module]];
    for (const [mp, m] of mods) {
      for (const k of m._buffers) {
        const v = (m as unknown as Record<string, unknown>)[k];
        if (v instanceof Tensor) out.push([mp ? `${mp}.${k}` : k, v]);
      }
    }
    return out;
  }
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers("", recurse).map(([, b]) => b);
  }
  getSubmodule(target: string): Module {
    let m: Module = this;
    if (target === "") return m;
    for (const part of target.split(".")) {
      const next = (m as unknown as Record<string, unknown>)[part];
      if (!(next instanceof Module)) throw new RuntimeError(`${m.constructor.name} has no attribute \`${part}\``);
      m = next;
    }
    return m;
  }

  // ---- modes and bulk operations ----------------------------------------------------------
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else p.grad = p.grad.detach().zero_();
    }
  }
  /** Calls fn on every submodule (children first) and then on this module. */
  apply(fn: (m: Module) => void): this {
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
  /** PyTorch's keys (`fc1.weight`, `0.bias`, `bn.running_mean`); values share storage, detached. */
  stateDict(opts: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const prefix = opts.prefix ?? "";
    const sd: StateDict = {};
    for (const [mp, m] of this.namedModules()) {
      const base = prefix + (mp ? `${mp}.` : "");
      for (const [k, v] of m.fields()) if (v instanceof Parameter) sd[base + k] = opts.keepVars ? v : v.detach();
      for (const k of m._buffers) {
        const v = (m as unknown as Record<string, unknown>)[k];
        if (v instanceof Tensor && !m._nonPersistent.has(k)) sd[base + k] = opts.keepVars ? v : v.detach();
      }
    }
    return sd;
  }

  /** Copies a state dict into this module's parameters and buffers, with PyTorch's errors. */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    const given = stateDict instanceof Map ? Object.fromEntries(stateDict) : stateDict;
    const own = this.stateDict({ keepVars: true });
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
  toString(): string {
    const children = [...this.namedChildren()];
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = extra ? extra.split("\n") : [];
    for (const [k, m] of children) lines.push(`(${k}): ${String(m).split("\n").join("\n  ")}`);
    return `${this.constructor.name}(\n  ${lines.join("\n  ")}\n)`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
