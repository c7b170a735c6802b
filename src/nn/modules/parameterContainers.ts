// nn.ParameterList and nn.ParameterDict (torch/nn/modules/container.py, 1.13): parameters held
// in fields named "0", "1", ... or by the dict's keys, so they register as the module's own
// parameters with PyTorch's state-dict keys ("0", "weight"). A Tensor that is not a Parameter is
// wrapped in one (sharing its storage), as PyTorch does. Neither is callable. PyTorch 1.13 also
// stores other objects in them ("Object of type: int"); torch-ts takes tensors only (TypeError).
import { describe, isOptions } from "../../args.ts";
import { AttributeError, IndexError, RuntimeError, TorchTypeError } from "../../errors.ts";
import { Tensor } from "../../tensor.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyTypeName } from "../repr.ts";
import { containerArg } from "./container.ts";

const isTensor = (v: unknown): boolean => v instanceof Tensor;

const asParameter = (v: Tensor): Parameter => (v instanceof Parameter ? v : new Parameter(v));
const field = (m: Module, key: string): unknown => (m as unknown as Record<string, unknown>)[key];

function checkParam(v: unknown, fn: string): Tensor {
  if (!(v instanceof Tensor)) throw new TorchTypeError(`${fn}(): argument 'value' must be a Tensor or a Parameter, but got ${describe(v)}`);
  return v;
}

/** "Parameter containing: [torch.float32 of size 3x4]", as the containers' extra_repr (dtypeName: how each spells the type). */
function paramLines(items: Array<[string, Tensor]>, dtypeName: (t: Tensor) => string): string {
  return items.map(([k, p]) => `  (${k}): ${p instanceof Parameter ? "Parameter" : "Tensor"} containing: [${dtypeName(p)} of size ${p.shape.join("x")}]`).join("\n");
}

export class ParameterList extends Module {
  #size = 0;

  /** nn.ParameterList(values=None): parameters (or tensors, wrapped) in order. */
  constructor(values?: Iterable<Tensor> | null | { values?: Iterable<Tensor> | null });
  constructor(...args: unknown[]) {
    super();
    const values = containerArg("ParameterList", args, { argName: "values", isList: true, isEntry: isTensor });
    if (values !== undefined && values !== null) this.extend(values as Iterable<Tensor>);
  }

  /** len(pl): the number of parameters. */
  get length(): number {
    return this.#size;
  }
  private absIndex(i: number): string {
    if (!Number.isInteger(i)) throw new TorchTypeError(`ParameterList indices must be integers, but got ${describe(i)}`);
    if (i < -this.#size || i >= this.#size) throw new IndexError(`index ${i} is out of range`);
    return String(i < 0 ? i + this.#size : i);
  }
  /** pl[i] (negative indices count from the end). */
  get(i: number): Parameter {
    return field(this, this.absIndex(i)) as Parameter;
  }
  /** pl[i] = value. */
  set(i: number, value: Tensor): void {
    this.registerParameter(this.absIndex(i), asParameter(checkParam(value, "ParameterList.set")));
  }
  append(value: Tensor): this {
    const p = asParameter(checkParam(value, "ParameterList.append"));
    this.#size++;
    this.registerParameter(String(this.#size - 1), p);
    return this;
  }
  extend(values: Iterable<Tensor>): this {
    if (values instanceof Tensor || values === null || typeof (values as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
      throw new TorchTypeError(`ParameterList.extend should be called with an iterable, but got ${values instanceof Tensor ? "Tensor" : pyTypeName(values)}`);
    }
    for (const v of values) this.append(v);
    return this;
  }
  /** iter(pl): the parameters in order. */
  [Symbol.iterator](): Iterator<Parameter> {
    return Array.from({ length: this.#size }, (_, i) => field(this, String(i)) as Parameter)[Symbol.iterator]();
  }
  override forward(): never {
    throw new RuntimeError("ParameterList should not be called.");
  }
  override extraRepr(): string {
    return paramLines([...this].map((p, i): [string, Tensor] => [String(i), p]), (p) => `torch.${p.dtype}`);
  }
}

/** PyTorch's torch.typename of a CPU tensor (ParameterDict's repr spells dtypes this way). */
const TYPENAME: Record<string, string> = {
  float32: "torch.FloatTensor", float64: "torch.DoubleTensor", int64: "torch.LongTensor", int32: "torch.IntTensor", bool: "torch.BoolTensor",
};

export class ParameterDict extends Module {
  #keys: string[] = [];

  /**
   * nn.ParameterDict(parameters=None): from a Map, another ParameterDict or [key, value] pairs in
   * their order, or from a plain object in sorted key order (PyTorch sorts a plain dict).
   */
  constructor(parameters?: ParameterDictInit | null | { parameters?: ParameterDictInit | null });
  constructor(...args: unknown[]) {
    super();
    const parameters = containerArg("ParameterDict", args, { argName: "parameters", isList: false, isEntry: isTensor });
    if (parameters !== undefined && parameters !== null) this.update(parameters as ParameterDictInit);
  }

  private static checkKey(key: unknown): string {
    if (typeof key !== "string") {
      throw new TorchTypeError(`Index given to ParameterDict cannot be used as a key as it is not a string (type is '${pyTypeName(key)}'). Open an issue on github if you need non-string keys.`);
    }
    return key;
  }
  /** len(pd): the number of parameters. */
  get length(): number {
    return this.#keys.length;
  }
  /** pd[key]. */
  get(key: string): Parameter {
    const k = ParameterDict.checkKey(key);
    if (!this.#keys.includes(k)) throw new AttributeError(`'ParameterDict' object has no attribute '${k}'`);
    return field(this, k) as Parameter;
  }
  /** pd[key] = value. */
  set(key: string, value: Tensor): void {
    const k = ParameterDict.checkKey(key);
    const p = asParameter(checkParam(value, "ParameterDict.set"));
    if (!this.#keys.includes(k)) this.#keys.push(k);
    this.registerParameter(k, p);
  }
  /** key in pd. */
  has(key: string): boolean {
    return this.#keys.includes(key);
  }
  /** del pd[key]. */
  delete(key: string): void {
    this.get(key);
    this.#keys = this.#keys.filter((k) => k !== key);
    delete (this as unknown as Record<string, unknown>)[key];
  }
  /** pd.pop(key): removes and returns it. */
  pop(key: string): Parameter {
    const p = this.get(key);
    this.delete(key);
    return p;
  }
  clear(): void {
    for (const k of [...this.#keys]) this.delete(k);
  }
  keys(): string[] {
    return [...this.#keys];
  }
  values(): Parameter[] {
    return this.#keys.map((k) => field(this, k) as Parameter);
  }
  items(): Array<[string, Parameter]> {
    return this.#keys.map((k) => [k, field(this, k) as Parameter]);
  }
  /** iter(pd): the keys in insertion order. */
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
  update(parameters: ParameterDictInit): void {
    let entries: Array<[string, Tensor]>;
    if (parameters instanceof ParameterDict) entries = parameters.items();
    else if (parameters instanceof Map) entries = [...parameters];
    else if (isOptions(parameters)) entries = Object.entries(parameters as Record<string, Tensor>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    else if (parameters !== null && typeof parameters === "object" && Symbol.iterator in parameters) {
      entries = [...(parameters as Iterable<unknown>)].map((pair, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) throw new TorchTypeError(`ParameterDict update sequence element #${i} should be Iterable; is${pyTypeName(pair)}`);
        return pair as [string, Tensor];
      });
    } else throw new TorchTypeError(`ParametersDict.update should be called with an iterable of key/value pairs, but got ${pyTypeName(parameters)}`);
    for (const [k, v] of entries) this.set(k, v);
  }
  override forward(): never {
    throw new RuntimeError("ParameterDict should not be called.");
  }
  override extraRepr(): string {
    return paramLines(this.items(), (p) => TYPENAME[p.dtype] ?? `torch.${p.dtype}`);
  }
}

/** What a ParameterDict is built or updated from: name-tensor pairs in any of these forms (tensors become Parameters). */
export type ParameterDictInit = Record<string, Tensor> | Map<string, Tensor> | ParameterDict | Iterable<[string, Tensor]>;
