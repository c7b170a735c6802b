// torch.onnx.export: trace one forward call, lower the recorded ops to ONNX (opset 17) and
// encode the model with ONNX's own onnx.proto (src/proto). Dynamic axes are found by tracing
// at several sizes (src/onnx/dynamic.ts); see docs/DEPLOY.md.
import { noGrad } from "../autograd/gradMode.ts";
import { runTraced, Trace, type TraceValue } from "../autograd/trace.ts";
import type { DType } from "../dtype.ts";
import { RuntimeError, ValueError } from "../errors.ts";
import { checkOptions } from "../args.ts";
import { Module } from "../nn/module.ts";
import { tensor as makeTensor } from "../ops/creation.ts";
import { encodeOnnx, type Message } from "../proto/index.ts";
import { atomicWriteFileSync } from "../serialization/file.ts";
import { Tensor } from "../tensor.ts";
import { analyze, type Analysis, type Dim, isDyn, type Run, staticAnalysis } from "./dynamic.ts";
import { GraphBuilder, ONNX_DTYPE, type SymbolSource } from "./graph.ts";
import { Lowering } from "./lower.ts";

export interface ExportOptions {
  /** Names of the graph inputs, in argument order (default input_0, input_1, ...). */
  inputNames?: readonly string[];
  /** Names of the graph outputs, in the order forward returns them, flattened (default output_0, ...). */
  outputNames?: readonly string[];
  /** Per input or output name, the axes whose size may change: { axis: symbol name } or [axis, ...]. */
  dynamicAxes?: Readonly<Record<string, Readonly<Record<number, string>> | readonly number[]>>;
  /** Only 17 (the default; LayerNormalization needs it, and Debian's onnx 1.12 checks up to it). */
  opsetVersion?: number;
  /** Store parameters and buffers as initializers (default); false makes them graph inputs. */
  exportParams?: boolean;
  /** Compute ops whose inputs are all constants at export time (default true). */
  doConstantFolding?: boolean;
}

const OPTION_KEYS = ["inputNames", "outputNames", "dynamicAxes", "opsetVersion", "exportParams", "doConstantFolding"];
const OPSET = 17;
const IR_VERSION = 8;

/** A function exported in place of a module: tensors in, a tensor or a nested structure of tensors out. */
export type Forward = (...args: Tensor[]) => unknown;

/**
 * torch.onnx.export(model, args, f, options): traces `model.forward(...args)` (in eval mode,
 * as PyTorch's default) and writes the ONNX model to the path `f`; returns its bytes (with no
 * path, e.g. in a browser, only returns them).
 */
export function onnxExport(model: Module | Forward, args: Tensor | readonly Tensor[], f?: string | null, opts: ExportOptions = {}): Uint8Array {
  checkOptions("export", opts, OPTION_KEYS);
  const opset = opts.opsetVersion ?? OPSET;
  if (opset !== OPSET) throw new ValueError(`torch.onnx.export: torch-ts exports opset_version 17 only, got ${opset}`);
  const inputs = args instanceof Tensor ? [args] : [...args];
  if (!inputs.every((a) => a instanceof Tensor)) throw new TypeError("torch.onnx.export: args must be a Tensor or an array of Tensors");
  const inputNames = opts.inputNames ?? inputs.map((_, i) => `input_${i}`);
  if (inputNames.length !== inputs.length) throw new ValueError(`torch.onnx.export: ${inputNames.length} input names for ${inputs.length} inputs`);

  const names = new Map<Tensor, string>();
  const moduleNames = new Map<object, string>();
  if (model instanceof Module) {
    for (const [n, p] of model.namedParameters()) names.set(p, n);
    for (const [n, b] of model.namedBuffers()) names.set(b, n);
    for (const [n, m] of model.namedModules()) moduleNames.set(m, n);
  }
  const forward: Forward = model instanceof Module ? (...a) => model.forward(...a) : model;

  const axes = dynamicAxesOf(opts.dynamicAxes ?? {}, inputNames, opts.outputNames);
  // The symbols: sizes of input axes that may change (output axes only get names).
  const symbols = [...new Set(axes.inputs.flatMap((m) => [...m.values()]))];
  const symbolSource: SymbolSource[] = symbols.map((s) => {
    const i = axes.inputs.findIndex((m) => [...m.values()].includes(s));
    return { input: inputNames[i], axis: [...axes.inputs[i].entries()].find(([, v]) => v === s)![0] };
  });

  const trace = (xs: Tensor[], sizes: number[]): Run => {
    const t = new Trace(moduleNames);
    xs.forEach((x) => t.addInput(x));
    const result = withEval(model, () => runTraced(t, () => noGrad(() => forward(...xs))));
    return { trace: t, outputs: flattenOutputs(result).map((o) => t.resolve(o)), sizes };
  };

  // One run, or (dynamic axes) a base run, one per symbol one longer, and a check run.
  let runs: Run[];
  let analyses: Analysis[];
  if (symbols.length === 0) {
    runs = [trace(inputs, [])];
    analyses = [staticAnalysis(runs[0].outputs)];
  } else {
    const given = symbols.map((s) => sizeOf(inputs, axes.inputs, s));
    const base = given.map((n) => Math.max(n, 2));
    const variants = [base, ...base.map((_, i) => base.map((n, j) => (i === j ? n + 1 : n))), base.map((n) => n + 2)];
    runs = variants.map((sizes) => trace(resize(inputs, axes.inputs, symbols, sizes), sizes));
    if (given.every((n, i) => n === base[i])) runs[0] = trace(inputs, base);
    analyses = analyze(runs, symbols);
  }

  const inputShapes = (r: number): Dim[][] =>
    runs[r].trace.inputs.map((x, i) => x.shape.map((n, axis) => {
      const s = axes.inputs[i].get(axis);
      return s === undefined ? n : { k: 1, c: 0, syms: [symbols.indexOf(s)] };
    }));
  const paramInputs = opts.exportParams === false ? names : new Map<Tensor, string>();
  const lowerRun = (r: number): { g: GraphBuilder; outputs: string[] } => {
    const g = new GraphBuilder(names, symbolSource);
    const low = new Lowering(analyses[r], g, inputNames, inputShapes(r), paramInputs, opts.doConstantFolding ?? true, (v, shape, dtype) => makeTensor(v, { dtype }).reshape(shape));
    low.run();
    return { g, outputs: runs[r].outputs.map((v) => low.value(v)) };
  };

  const lowered = runs.map((_, r) => lowerRun(r));
  const outValues = lowered[0].outputs;
  const outputNames = opts.outputNames ?? outValues.map((_, i) => `output_${i}`);
  if (outputNames.length !== outValues.length) throw new ValueError(`torch.onnx.export: ${outputNames.length} output names for ${outValues.length} outputs`);

  const graphOf = (low: { g: GraphBuilder; outputs: string[] }, r: number): Message => {
    const nodes = nameOutputs(low.g, low.outputs, outputNames, new Set([...inputNames, ...low.g.initializers.map((t) => t.name as string)]));
    const used = new Set(nodes.flatMap((n) => n.input as string[]));
    const graphInputs = inputNames.map((name, i) => valueInfo(name, runs[r].trace.inputs[i].dtype, inputShapes(r)[i], symbols));
    for (const [t, name] of paramInputs) if (used.has(name)) graphInputs.push(valueInfo(name, t.dtype, t.shape, symbols));
    const outShapes = runs[r].outputs.map((v) => shapeOf(analyses[r], v, inputShapes(r)));
    return {
      name: "main_graph",
      node: nodes,
      initializer: low.g.initializers,
      input: graphInputs,
      output: outputNames.map((name, i) => valueInfo(name, dtypeOf(runs[r].outputs[i]), outShapes[i], symbols, axes.outputs.get(name))),
    };
  };
  const graph = graphOf(lowered[0], 0);
  const bytes = encodeOnnx("onnx.GraphProto", graph);
  for (let r = 1; r < lowered.length; r++) {
    if (!equalBytes(bytes, encodeOnnx("onnx.GraphProto", graphOf(lowered[r], r)))) {
      throw new RuntimeError(
        `torch.onnx.export: the ONNX graph differs between traced sizes of the dynamic axes (${symbols.join(", ")}): a size is fixed somewhere the trace cannot see. Export without dynamic axes.`,
      );
    }
  }
  const model_ = encodeOnnx("onnx.ModelProto", {
    ir_version: IR_VERSION,
    opset_import: [{ domain: "", version: OPSET }],
    producer_name: "torch-ts",
    graph,
  });
  if (f !== undefined && f !== null) atomicWriteFileSync(f, model_);
  return model_;
}

/** Runs fn with the model (and every submodule) in eval mode, then restores each one's mode. */
function withEval<T>(model: Module | Forward, fn: () => T): T {
  if (!(model instanceof Module)) return fn();
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  try {
    return fn();
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
}

function flattenOutputs(r: unknown): Tensor[] {
  if (r instanceof Tensor) return [r];
  if (Array.isArray(r)) return r.flatMap(flattenOutputs);
  throw new TypeError(`torch.onnx.export: forward must return Tensors or (nested) arrays of Tensors, got ${r === null ? "null" : typeof r}`);
}

interface Axes {
  inputs: Map<number, string>[];
  outputs: Map<string, Map<number, string>>;
}

/** dynamicAxes as {axis: symbol} per input, and per output name; PyTorch's default symbol names for lists. */
function dynamicAxesOf(spec: NonNullable<ExportOptions["dynamicAxes"]>, inputNames: readonly string[], outputNames: readonly string[] | undefined): Axes {
  const out: Axes = { inputs: inputNames.map(() => new Map()), outputs: new Map() };
  for (const [name, v] of Object.entries(spec)) {
    const m = new Map<number, string>();
    if (Array.isArray(v)) for (const axis of v as number[]) m.set(axis, `${name}_dynamic_axes_${axis + 1}`);
    else for (const [axis, s] of Object.entries(v as Record<number, string>)) m.set(Number(axis), s);
    const i = inputNames.indexOf(name);
    if (i >= 0) out.inputs[i] = m;
    else if (outputNames !== undefined ? outputNames.includes(name) : /^output_\d+$/.test(name)) out.outputs.set(name, m);
    else throw new ValueError(`torch.onnx.export: dynamicAxes names '${name}', which is neither an input nor an output name`);
  }
  return out;
}

function sizeOf(inputs: readonly Tensor[], axes: readonly Map<number, string>[], symbol: string): number {
  let size = -1;
  axes.forEach((m, i) => {
    for (const [axis, s] of m) {
      if (s !== symbol) continue;
      if (axis < 0 || axis >= inputs[i].dim()) throw new ValueError(`torch.onnx.export: dynamic axis ${axis} of input ${i} is out of range for shape [${inputs[i].shape.join(", ")}]`);
      const n = inputs[i].shape[axis];
      if (size >= 0 && n !== size) throw new ValueError(`torch.onnx.export: the axes named '${symbol}' have different sizes (${size} and ${n})`);
      size = n;
    }
  });
  return size;
}

/** The inputs with each dynamic axis made `sizes[symbol]` long, repeating their rows cyclically. */
function resize(inputs: readonly Tensor[], axes: readonly Map<number, string>[], symbols: readonly string[], sizes: readonly number[]): Tensor[] {
  return inputs.map((x, i) => {
    let y = x;
    for (const [axis, s] of axes[i]) {
      const n = sizes[symbols.indexOf(s)];
      const have = y.shape[axis];
      const idx = makeTensor(Array.from({ length: n }, (_, j) => j % have), { dtype: "int32" });
      y = noGrad(() => y.indexSelect(axis, idx));
    }
    return y;
  });
}

function shapeOf(a: Analysis, v: TraceValue, inputShapes: Dim[][]): Dim[] {
  if (v.kind === "input") return inputShapes[v.index];
  if (v.kind === "constant") return a.consts.get(v.tensor)?.shape ?? v.tensor.shape;
  return a.info.get(v.op)!.outShapes[v.index];
}
const dtypeOf = (v: TraceValue): DType => (v.kind === "op" ? v.op.outputs[v.index].dtype : v.tensor.dtype);

/** onnx.ValueInfoProto of a tensor; dynamic sizes get the symbol's name (or the output's own). */
function valueInfo(name: string, dtype: DType, shape: readonly Dim[], symbols: readonly string[], named?: Map<number, string>): Message {
  const dim = shape.map((d, axis) => {
    const given = named?.get(axis);
    if (given !== undefined) return { dim_param: given };
    if (!isDyn(d)) return { dim_value: d };
    if (d.k === 1 && d.c === 0 && d.syms.length === 1) return { dim_param: symbols[d.syms[0]] };
    return { dim_param: `${name}_dim_${axis}` };
  });
  return { name, type: { tensor_type: { elem_type: ONNX_DTYPE[dtype], shape: { dim } } } };
}

/**
 * The nodes with each graph output's value renamed to the output's name; an output that is
 * a graph input, an initializer or an earlier output gets an Identity node instead.
 */
function nameOutputs(g: GraphBuilder, values: readonly string[], outputNames: readonly string[], external: Set<string>): Message[] {
  const rename = new Map<string, string>();
  const extra: Message[] = [];
  values.forEach((v, i) => {
    const name = outputNames[i];
    if (external.has(v) || rename.has(v)) extra.push({ name: `Identity_${name}`, op_type: "Identity", input: [rename.get(v) ?? v], output: [name], attribute: [] });
    else rename.set(v, name);
  });
  const r = (n: string): string => rename.get(n) ?? n;
  return [...g.nodes.map((n) => ({ ...n, input: (n.input as string[]).map(r), output: (n.output as string[]).map(r) })), ...extra];
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
