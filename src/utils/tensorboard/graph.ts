// SummaryWriter.addGraph: the traced forward pass (src/autograd/trace.ts) as the GraphDef that
// TensorBoard's graph plugin draws, laid out as PyTorch's torch/utils/tensorboard/_pytorch_graph.py
// lays out its JIT trace: nodes named by module scope ("Net/Linear[fc1]/aten::addmm_3"),
// "IO Node"s for the inputs and outputs, parameters as prim::GetAttr nodes, each node with
// its attributes as a string ("attr") and its output shape ("_output_shapes").
import { noGrad } from "../../autograd/gradMode.ts";
import { liveOps, runTraced, Trace, type TraceOp, type TraceValue } from "../../autograd/trace.ts";
import { Module } from "../../nn/module.ts";
import type { Message } from "../../proto/index.ts";
import { Tensor } from "../../tensor.ts";

/** PyTorch's operator name for a traced op: "AddmmBackward0" -> "aten::addmm", "eq" -> "aten::eq". */
export function atenName(op: string): string {
  // A capital after a digit starts no word: max_pool2d, log1p, im2col.
  const base = op.replace(/Backward\d*$/, "").replace(/(\d)([A-Z])/g, (_m, d: string, c: string) => d + c.toLowerCase());
  return `aten::${base.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()}`;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const shapeAttr = (shape: readonly number[]): Message => ({ list: { shape: [{ dim: shape.map((size) => ({ size })) }] } });

function attrString(attrs: Readonly<Record<string, unknown>>): string {
  const plain = Object.entries(attrs).filter(([, v]) => !(v instanceof Tensor));
  if (plain.length === 0) return "";
  return `{${plain.map(([k, v]) => ` ${k} : ${JSON.stringify(v)}`).join(", ")}}`;
}

/** Traces model.forward(...inputs) in eval mode and returns the GraphDef message. */
export function graphDef(model: Module, inputs: readonly Tensor[]): Message {
  const moduleNames = new Map<object, string>();
  const moduleClass = new Map<string, string>();
  for (const [n, m] of model.namedModules()) {
    moduleNames.set(m, n);
    moduleClass.set(n, m.constructor.name);
  }
  const root = model.constructor.name;
  const trace = new Trace(moduleNames);
  inputs.forEach((x) => trace.addInput(x));
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  let result: unknown;
  try {
    result = runTraced(trace, () => noGrad(() => model.forward(...inputs)));
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
  const flat = (r: unknown): Tensor[] => (r instanceof Tensor ? [r] : Array.isArray(r) ? r.flatMap(flat) : []);
  const outputs = flat(result).map((t) => trace.resolve(t));

  const paramNames = new Map<Tensor, string>();
  for (const [n, p] of model.namedParameters()) paramNames.set(p, n);
  for (const [n, b] of model.namedBuffers()) paramNames.set(b, n);
  /** "fc1.weight" -> "Net/Linear[fc1]/weight" */
  const paramNode = (name: string): string => {
    const parts = name.split(".");
    const scopes = parts.slice(0, -1).map((_, i) => {
      const path = parts.slice(0, i + 1).join(".");
      return `${moduleClass.get(path) ?? "Module"}[${parts[i]}]`;
    });
    return [root, ...scopes, parts[parts.length - 1]].join("/");
  };

  const nodes: Message[] = [];
  const names = new Map<TraceOp | Tensor, string[] | string>();
  const node = (name: string, op: string, input: string[], shape: readonly number[], attr = ""): void => {
    nodes.push({ name, op, input, attr: { attr: { s: utf8(attr) }, _output_shapes: shapeAttr(shape) } });
  };
  inputs.forEach((x, i) => node(`input/input.${i + 1}`, "IO Node", [], x.shape));
  let constants = 0;
  const nameOf = (v: TraceValue | null): string[] => {
    if (v === null) return [];
    if (v.kind === "input") return [`input/input.${v.index + 1}`];
    if (v.kind === "op") return [(names.get(v.op) as string[])[v.index]];
    let n = names.get(v.tensor) as string | undefined;
    if (n === undefined) {
      const p = paramNames.get(v.tensor);
      n = p !== undefined ? paramNode(p) : `${root}/prim::Constant_${constants++}`;
      node(n, p !== undefined ? "prim::GetAttr" : "prim::Constant", [], v.tensor.shape);
      names.set(v.tensor, n);
    }
    return [n];
  };
  liveOps(outputs).forEach((op, k) => {
    const scope = [root, ...op.scope.slice(1).map(([cls, attr]) => `${cls}[${attr}]`)].join("/");
    const input = [...op.inputs.flatMap(nameOf), ...Object.values(op.tensorAttrs).flatMap(nameOf)];
    const base = `${scope}/${atenName(op.name)}_${k}`;
    const outs = op.outputs.map((_, j) => (op.outputs.length === 1 ? base : `${base}.${j}`));
    outs.forEach((n, j) => node(n, atenName(op.name), input, op.outputs[j].shape, attrString(op.attrs)));
    names.set(op, outs);
  });
  outputs.forEach((v, i) => node(`output/output.${i + 1}`, "IO Node", nameOf(v), flat(result)[i].shape));
  return { node: nodes, versions: { producer: 22 } };
}
