// An ONNX graph under construction: nodes, initializers, and the helpers the op lowerings
// share (constants, casts, shape tensors, sizes that depend on dynamic axes). Messages are
// plain objects with onnx.proto's field names, encoded by src/proto.
import { noGrad } from "../autograd/gradMode.ts";
import type { DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { tensor as makeTensor } from "../ops/creation.ts";
import type { Tensor } from "../tensor.ts";
import type { Message } from "../proto/index.ts";
import { type Dim, type DynExpr, exprKey, isDyn } from "./dynamic.ts";

/** onnx.TensorProto.DataType of each dtype. */
export const ONNX_DTYPE: Record<DType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };

/** An attribute value: onnx.AttributeProto's typed fields. */
export type Attr = { i: number } | { f: number } | { s: string } | { ints: readonly number[] } | { floats: readonly number[] } | { strings: readonly string[] } | { t: Tensor };
export const int = (i: number): Attr => ({ i });
export const float = (f: number): Attr => ({ f });
export const ints = (v: readonly number[]): Attr => ({ ints: v });

const ATTR_TYPE = { f: 1, i: 2, s: 3, t: 4, floats: 6, ints: 7, strings: 8 } as const;

/** Little-endian bytes of a tensor's elements in row-major order. */
export function rawData(t: Tensor): Uint8Array {
  const data = t.contiguousData() as ArrayLike<number> | BigInt64Array;
  const n = t.numel();
  switch (t.dtype) {
    case "float32": return bytesOf(Float32Array.from(data as ArrayLike<number>));
    case "float64": return bytesOf(Float64Array.from(data as ArrayLike<number>));
    case "int32": return bytesOf(Int32Array.from(data as ArrayLike<number>));
    case "bool": return Uint8Array.from(data as ArrayLike<number>, (v) => (v ? 1 : 0));
    case "int64": {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt((data as ArrayLike<number | bigint>)[i]);
      return bytesOf(out);
    }
  }
}
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** onnx.TensorProto of a tensor. */
export function tensorProto(name: string, t: Tensor): Message {
  return { name, dims: t.shape.slice(), data_type: ONNX_DTYPE[t.dtype], raw_data: rawData(t) };
}

/** Where each dynamic-axis symbol can be read at run time: a graph input and its axis. */
export interface SymbolSource {
  input: string;
  axis: number;
}

export class GraphBuilder {
  readonly nodes: Message[] = [];
  readonly initializers: Message[] = [];
  private readonly constNames = new Map<Tensor, string>();
  private readonly scalarNames = new Map<string, string>();
  private readonly dimNames = new Map<string, string>();
  private counter = 0;
  /** Module path of the op being lowered, for node names ("/fc1/Gemm"). */
  scope = "";

  constructor(
    /** Names for tensors that have one (parameters and buffers by their state-dict keys). */
    private readonly knownNames: Map<Tensor, string>,
    private readonly symbols: readonly SymbolSource[],
  ) {}

  private fresh(base: string): string {
    return `${base}_${this.counter++}`;
  }

  /** Adds a node; returns its output names. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, outputs = 1): string[] {
    const name = this.fresh(`${this.scope}/${opType}`);
    const out = Array.from({ length: outputs }, (_, k) => `${name}_output_${k}`);
    const attribute = Object.entries(attrs).map(([n, v]) => {
      const [field, value] = Object.entries(v)[0] as [keyof typeof ATTR_TYPE, unknown];
      // STRING attributes are bytes in onnx.proto: UTF-8.
      const encoded = field === "t" ? tensorProto(`${name}_${n}`, value as Tensor) : field === "s" ? utf8(value as string) : field === "strings" ? (value as string[]).map(utf8) : value;
      return { name: n, type: ATTR_TYPE[field], [field]: encoded };
    });
    this.nodes.push({ name, op_type: opType, input: inputs.slice(), output: out, attribute });
    return out;
  }

  /** One output of a node. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}): string {
    return this.node(opType, inputs, attrs)[0];
  }

  /** An initializer holding t (one per tensor object; parameters keep their state-dict names). */
  constant(t: Tensor): string {
    let name = this.constNames.get(t);
    if (name === undefined) {
      name = this.knownNames.get(t) ?? this.fresh("onnx::Constant");
      this.constNames.set(t, name);
      this.initializers.push(tensorProto(name, t));
    }
    return name;
  }

  /** A 0-d constant. */
  scalar(v: number, dtype: DType): string {
    const key = `${dtype}:${Object.is(v, -0) ? "-0" : v}`;
    let name = this.scalarNames.get(key);
    if (name === undefined) {
      name = this.constant(makeTensor(v, { dtype }));
      this.scalarNames.set(key, name);
    }
    return name;
  }

  /** A 1-d int64 constant. */
  int64s(v: readonly number[]): string {
    return this.constant(makeTensor(v.slice(), { dtype: "int64" }));
  }

  /** A size as an int64 [1] tensor: a constant, or computed from the inputs' shapes. */
  dim(d: Dim): string {
    if (!isDyn(d)) return this.int64s([d]);
    const key = exprKey(d);
    let name = this.dimNames.get(key);
    if (name === undefined) {
      if (!Number.isInteger(d.k) || !Number.isInteger(d.c)) throw new RuntimeError(`torch.onnx.export: a size ${key} is not an integer function of the dynamic axes`);
      let v = "";
      for (const s of d.syms) {
        const src = this.symbols[s];
        const size = this.op("Shape", [src.input], { start: int(src.axis), end: int(src.axis + 1) });
        v = v === "" ? size : this.op("Mul", [v, size]);
      }
      if (d.k !== 1) v = this.op("Mul", [v, this.int64s([d.k])]);
      if (d.c !== 0) v = this.op("Add", [v, this.int64s([d.c])]);
      name = v;
      this.dimNames.set(key, name);
    }
    return name;
  }

  /** A number that may depend on the dynamic axes, as a 0-d tensor of dtype. */
  scalarOf(v: Dim, dtype: DType): string {
    if (!isDyn(v)) return this.scalar(v, dtype);
    const d = this.op("Reshape", [this.dim(v), this.int64s([])]);
    return dtype === "int64" ? d : this.op("Cast", [d], { to: int(ONNX_DTYPE[dtype]) });
  }

  /**
   * A shape as an int64 tensor. For Reshape (`input` given) a size equal to the input's at the
   * same position becomes 0 (copy) and a single remaining dynamic size -1 (infer), so most
   * reshapes need no shape arithmetic; otherwise dynamic sizes are computed and concatenated.
   */
  shape(dims: readonly Dim[], input?: readonly Dim[]): string {
    let v: Dim[] = dims.slice();
    if (input !== undefined) {
      v = v.map((d, i) => (isDyn(d) && i < input.length && isDyn(input[i]) && exprKey(input[i] as DynExpr) === exprKey(d) ? 0 : d));
      const dyn = v.filter(isDyn);
      if (dyn.length === 1 && !v.includes(-1)) v = v.map((d) => (isDyn(d) ? -1 : d));
    }
    if (!v.some(isDyn)) return this.int64s(v as number[]);
    return this.op("Concat", v.map((d) => this.dim(d)), { axis: int(0) });
  }

  /** x cast from one dtype to another (a no-op when they are equal). */
  cast(x: string, from: DType, to: DType): string {
    return from === to ? x : this.op("Cast", [x], { to: int(ONNX_DTYPE[to]) });
  }
}

/** Runs torch-ts ops to compute a folded constant (never traced: lowering runs after tracing). */
export function fold(fn: () => Tensor): Tensor {
  return noGrad(fn);
}
