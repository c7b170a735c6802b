// Containers: Sequential, ModuleList, ModuleDict. Children live in fields named "0", "1", ...
// (or the dict's keys), so state_dict keys are PyTorch's ("0.weight"). What is not a module is
// PyTorch's TypeError ("int is not a Module subclass").
import { int, isOptions } from "../../args.ts";
import { IndexError, KeyError, TorchTypeError } from "../../errors.ts";
import { Module } from "../module.ts";
import { pyTypeName } from "../repr.ts";

function normIndex(i: number, n: number): number {
  int()(i, "idx", "index");
  if (i < -n || i >= n) throw new IndexError(`index ${i} is out of range`);
  return i < 0 ? i + n : i;
}

/** The entries of a dict-like argument (a plain object or a Map of modules, or [key, module] pairs). */
export function dictEntries(owner: string, v: unknown): Array<[string, unknown]> {
  if (v instanceof Map) return [...v.entries()].map(([k, m]) => [k as string, m]);
  if (isOptions(v)) return Object.entries(v);
  if (v !== null && typeof v === "object" && Symbol.iterator in v) {
    return [...(v as Iterable<unknown>)].map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TorchTypeError(`${owner} update sequence element #${i} should be Iterable; is ${pyTypeName(pair)}`);
      }
      return [pair[0] as string, pair[1]];
    });
  }
  throw new TorchTypeError(`${owner}.update should be called with an iterable of key/value pairs, but got ${pyTypeName(v)}`);
}

/** How a container reads its one argument: its name, whether it is a list, what its entries are. */
export interface ContainerArg {
  argName: string;
  isList: boolean;
  isEntry: (v: unknown) => boolean;
}
const MODULES: Omit<ContainerArg, "isList"> = { argName: "modules", isEntry: (m) => m instanceof Module };
/** A plain object whose values are all modules: the dict itself, not an options object. */
const isModuleDict = (v: unknown): boolean => isOptions(v) && Object.values(v).every(MODULES.isEntry);

/**
 * The one argument of ModuleList / ModuleDict (`modules`) and ParameterList / ParameterDict
 * (`values` / `parameters`): positional, or `{ modules }` (an object literal whose `modules` is
 * not itself an entry), or both forms with PyTorch's TypeErrors. An object literal whose values
 * are all entries is a dict's dict, not an options object; a list takes none.
 */
export function containerArg(name: string, args: readonly unknown[], spec: ContainerArg): unknown {
  const { argName, isList, isEntry } = spec;
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = args[n - 1];
  const isOpts = n > 0 && isOptions(last) && (isList || (!(Object.values(last).every(isEntry)) && (n === 2 || (argName in last && !isEntry(last[argName])))));
  const opts = isOpts ? (last as Record<string, unknown>) : null;
  const positional = args.slice(0, opts ? n - 1 : n);
  if (positional.length > 1) throw new TorchTypeError(`${name}() takes from 0 to 1 positional arguments but ${positional.length} were given`);
  for (const k of Object.keys(opts ?? {})) if (k !== argName) throw new TorchTypeError(`${name}() got an unexpected keyword argument '${k}'`);
  if (opts && argName in opts && positional.length) throw new TorchTypeError(`${name}() got multiple values for argument '${argName}'`);
  return opts && argName in opts ? opts[argName] : positional[0];
}

abstract class IndexedModules extends Module {
  protected list(): Module[] {
    return [...this.children()];
  }
  /** The number of modules (Python's `len(m)`). */
  get length(): number {
    return this.list().length;
  }
  /** The module at `idx` (Python's `m[idx]`); negative counts from the end; an IndexError out of range. */
  get(idx: number): Module {
    const l = this.list();
    return l[normIndex(idx, l.length)];
  }
  /** The modules in order (`for (const m of seq)`). */
  [Symbol.iterator](): Iterator<Module> {
    return this.list()[Symbol.iterator]();
  }
  /** append(module). */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }
  protected reindex(mods: Module[]): void {
    for (const [k] of [...this.namedChildren()]) delete (this as unknown as Record<string, unknown>)[k];
    mods.forEach((m, i) => this.registerModule(String(i), m));
  }
}

/**
 * nn.Sequential(*modules) or nn.Sequential(dict) (a Map or a plain object of named modules, as
 * PyTorch's OrderedDict): forward feeds each module's output to the next.
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[]);
  constructor(modules: Map<string, Module> | Record<string, Module>);
  constructor(...args: unknown[]) {
    super();
    if (args.length === 1 && (args[0] instanceof Map || isModuleDict(args[0]))) {
      for (const [k, m] of dictEntries("Sequential", args[0])) this.registerModule(k, m as Module);
    } else args.forEach((m, i) => this.registerModule(String(i), m as Module));
  }
  override forward(input: unknown): unknown {
    let x = input;
    for (const m of this.list()) x = m.forward(x);
    return x;
  }
}

/** nn.ModuleList(modules=None): an indexable list of registered modules. */
export class ModuleList extends IndexedModules {
  constructor(modules?: Iterable<Module> | null | { modules?: Iterable<Module> | null });
  constructor(...args: unknown[]) {
    super();
    const modules = containerArg("ModuleList", args, { ...MODULES, isList: true });
    if (modules !== undefined && modules !== null) this.extend(modules as Iterable<Module>);
  }
  /** extend(modules): appends every module of an iterable. */
  extend(modules: Iterable<Module>): this {
    if (modules === null || typeof modules !== "object" || !(Symbol.iterator in modules)) {
      throw new TorchTypeError(`ModuleList.extend should be called with an iterable, but got ${pyTypeName(modules)}`);
    }
    for (const m of [...modules]) this.append(m);
    return this;
  }
  /** insert(index, module): before position index (negative counts from the end). */
  insert(index: number, module: Module): void {
    int()(index, "index", "insert");
    if (!(module instanceof Module)) throw new TorchTypeError(`${pyTypeName(module)} is not a Module subclass`);
    const l = this.list();
    l.splice(index < 0 ? Math.max(0, index + l.length) : index, 0, module);
    this.reindex(l);
  }
}

/** nn.ModuleDict(modules=None): registered modules by name (a plain object, a Map, or [name, module] pairs). */
export class ModuleDict extends Module {
  constructor(modules?: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]> | null | { modules?: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]> | null });
  constructor(...args: unknown[]) {
    super();
    const modules = containerArg("ModuleDict", args, { ...MODULES, isList: false });
    if (modules !== undefined && modules !== null) this.update(modules as Record<string, Module>);
  }
  /** update(modules): adds (or replaces) the named modules. */
  update(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]>): void {
    for (const [k, m] of dictEntries("ModuleDict", modules)) this.registerModule(k, m as Module);
  }
  /** The module named `key` (Python's `d[key]`); a KeyError when there is none. */
  get(key: string): Module {
    const m = Object.hasOwn(this, key) ? (this as unknown as Record<string, unknown>)[key] : undefined;
    if (!(m instanceof Module)) throw new KeyError(`'${key}'`);
    return m;
  }
  /** Adds or replaces the module named `key` (Python's `d[key] = module`). */
  set(key: string, module: Module): void {
    this.registerModule(key, module);
  }
  /** Whether there is a module named `key` (Python's `key in d`). */
  has(key: string): boolean {
    return Object.hasOwn(this, key) && (this as unknown as Record<string, unknown>)[key] instanceof Module;
  }
  /** pop(key): removes and returns the module. */
  pop(key: string): Module {
    const m = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }
  keys(): string[] {
    return [...this.namedChildren()].map(([k]) => k);
  }
  values(): Module[] {
    return [...this.children()];
  }
  items(): Array<[string, Module]> {
    return [...this.namedChildren()];
  }
  /** The number of modules (Python's `len(d)`). */
  get length(): number {
    return this.keys().length;
  }
}
