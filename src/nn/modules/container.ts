// Containers: Sequential, ModuleList, ModuleDict. Children live in fields named "0", "1", ...
// (or the dict's keys), so state_dict keys are PyTorch's ("0.weight").
import { IndexError, RuntimeError } from "../../errors.ts";
import { Module } from "../module.ts";

function normIndex(i: number, n: number, what: string): number {
  if (i < -n || i >= n) throw new IndexError(`index ${i} is out of range`);
  void what;
  return i < 0 ? i + n : i;
}

abstract class IndexedModules extends Module {
  protected list(): Module[] {
    return [...this.children()];
  }
  get length(): number {
    return this.list().length;
  }
  get(i: number): Module {
    const l = this.list();
    return l[normIndex(i, l.length, this.constructor.name)];
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.list()[Symbol.iterator]();
  }
  protected reindex(mods: Module[]): void {
    for (const [k] of [...this.namedChildren()]) delete (this as unknown as Record<string, unknown>)[k];
    mods.forEach((m, i) => this.registerModule(String(i), m));
  }
}

export class Sequential extends IndexedModules {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => this.registerModule(String(i), m));
  }
  append(m: Module): this {
    this.registerModule(String(this.length), m);
    return this;
  }
  override forward(x: unknown): unknown {
    for (const m of this.list()) x = m.forward(x);
    return x;
  }
}

export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    [...modules].forEach((m, i) => this.registerModule(String(i), m));
  }
  append(m: Module): this {
    this.registerModule(String(this.length), m);
    return this;
  }
  extend(ms: Iterable<Module>): this {
    for (const m of ms) this.append(m);
    return this;
  }
  insert(index: number, m: Module): void {
    const l = this.list();
    l.splice(index < 0 ? index + l.length : index, 0, m);
    this.reindex(l);
  }
  override forward(): never {
    throw new RuntimeError("ModuleList is not callable: iterate over it and call its modules");
  }
}

export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    const entries = Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.registerModule(k, m);
  }
  get(key: string): Module {
    const m = (this as unknown as Record<string, unknown>)[key];
    if (!(m instanceof Module)) throw new RuntimeError(`KeyError: '${key}'`);
    return m;
  }
  set(key: string, m: Module): void {
    this.registerModule(key, m);
  }
  has(key: string): boolean {
    return (this as unknown as Record<string, unknown>)[key] instanceof Module;
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
  get length(): number {
    return this.keys().length;
  }
  override forward(): never {
    throw new RuntimeError("ModuleDict is not callable: index it and call its modules");
  }
}
