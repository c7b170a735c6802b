// torch.utils.makeDot: the backward graph as torchviz's make_dot draws it (pytorchviz
// torchviz/dot.py): one grey box per backward node, named by its PyTorch class; for each
// leaf an AccumulateGrad box fed by a light-blue box with the parameter's name and shape; the
// output in light green (its base, when it is a view, in darker green with a dotted edge);
// with showSaved the tensors a node saved in orange, and with showAttrs its saved attributes
// as a table under its name. Same traversal, same statements in the same order, so the DOT
// source equals torchviz's with node identifiers numbered in order of appearance.
import { Node } from "../autograd/node.ts";
import { TorchTypeError } from "../errors.ts";
import { Tensor } from "../tensor.ts";
import { Digraph } from "./digraph.ts";

export interface MakeDotOptions {
  /** Names for tensors that require grad (`Object.fromEntries(model.namedParameters())`, or the pairs themselves). */
  params?: Record<string, Tensor> | Iterable<readonly [string, Tensor]>;
  /** Show each node's saved attributes (Node.attrs and the names of its saved tensors) under its name. */
  showAttrs?: boolean;
  /** Draw the tensors each node saved for backward (a custom Function's are always drawn). */
  showSaved?: boolean;
  /** Longest attribute value shown with showAttrs before it is cut with "..." (default 50). */
  maxAttrChars?: number;
}

const OPTION_KEYS = new Set(["params", "showAttrs", "showSaved", "maxAttrChars"]);

/** Python's repr of a float: the shortest round-trip digits, exponent outside [1e-4, 1e16). */
function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const [mant, expStr] = x.toExponential().split("e");
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const s = String(x);
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

/**
 * Python's str() of an attribute value. JavaScript has one number type: integral numbers
 * print as Python ints (PyTorch's integral attributes: dims, sizes, alpha), others as floats.
 */
export function pyStr(v: unknown, nested = false): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 1e16 ? String(v) : pyFloat(v);
  if (typeof v === "bigint") return String(v);
  if (typeof v === "string") return nested ? `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'` : v;
  if (Array.isArray(v)) return v.length === 1 ? `(${pyStr(v[0], true)},)` : `(${v.map((e) => pyStr(e, true)).join(", ")})`;
  return String(v);
}

type Entry = [name: string, value: unknown];

/** A node's saved attributes in dir() order: Node.attrs (undefined values left out) and its saved tensors by name. */
function savedEntries(fn: Node, saved: () => readonly Tensor[]): Entry[] {
  const entries = new Map<string, unknown>();
  for (const [k, v] of Object.entries(fn.attrs ?? {})) if (v !== undefined) entries.set(k, v);
  if (!fn.userCode && fn.numSaved > 0) {
    const names = fn.savedNames;
    for (let i = 0; i < fn.numSaved; i++) entries.set(names?.[i] ?? `saved[${i}]`, () => saved()[i]);
  }
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const isTensorThunk = (v: unknown): v is () => Tensor => typeof v === "function";

function fnName(fn: Node | null, name: string, entries: Entry[], maxAttrChars: number): string {
  if (fn === null || entries.length === 0) return name;
  const rows: Array<[string, string]> = entries.map(([k, v]) => [
    k,
    isTensorThunk(v) || v instanceof Tensor ? "[saved tensor]" : Array.isArray(v) && v.some((e) => e instanceof Tensor) ? "[saved tensors]" : pyStr(v),
  ]);
  const len = (s: string) => [...s].length;
  const max = Math.max(maxAttrChars, 3);
  const col1 = Math.max(...rows.map(([k]) => len(k)));
  const col2 = Math.min(Math.max(...rows.map(([, v]) => len(v))), max);
  const sep = "-".repeat(Math.max(col1 + col2 + 2, len(name)));
  const cut = (s: string) => (len(s) > col2 ? [...s].slice(0, col2 - 3).join("") + "..." : s);
  const line = ([k, v]: [string, string]) => `${k}${" ".repeat(Math.max(0, col1 - len(k)))}: ${" ".repeat(Math.max(0, col2 - len(cut(v))))}${cut(v)}`;
  return `${name}\n${sep}\n${rows.map(line).join("\n")}`;
}

/** The backward graph of `output` (or of several outputs) as a Graphviz Digraph, as torchviz.make_dot. */
export function makeDot(output: Tensor | readonly Tensor[], opts: MakeDotOptions = {}): Digraph {
  for (const k of Object.keys(opts)) if (!OPTION_KEYS.has(k)) throw new TorchTypeError(`makeDot() got an unexpected keyword argument '${k}'`);
  const outputs = output instanceof Tensor ? [output] : output;
  if (!Array.isArray(outputs) || !outputs.every((t) => t instanceof Tensor)) throw new TorchTypeError("makeDot(): output must be a Tensor or an array of Tensors");
  const paramName = new Map<Tensor, string>();
  if (opts.params !== undefined) {
    const pairs = Symbol.iterator in Object(opts.params) ? (opts.params as Iterable<readonly [string, Tensor]>) : Object.entries(opts.params);
    for (const [k, v] of pairs) {
      if (!(v instanceof Tensor)) throw new TorchTypeError(`makeDot(): params['${k}'] is not a Tensor`);
      paramName.set(v, k);
    }
  }
  const showAttrs = opts.showAttrs ?? false;
  const showSaved = opts.showSaved ?? false;
  const maxAttrChars = opts.maxAttrChars ?? 50;

  const dot = new Digraph({
    nodeAttr: { style: "filled", shape: "box", align: "left", fontsize: "10", ranksep: "0.1", height: "0.2", fontname: "monospace" },
    graphAttr: { size: "12,12" },
  });
  // torchviz names nodes by Python's id(); here, by first appearance
  const ids = new Map<object, string>();
  const id = (o: object) => ids.get(o) ?? (ids.set(o, String(ids.size + 1)), String(ids.size));
  const accumulators = new Map<Tensor, object>();
  const accumulator = (leaf: Tensor) => accumulators.get(leaf) ?? (accumulators.set(leaf, {}), accumulators.get(leaf)!);
  const seen = new Set<object>();
  const sizeStr = (t: Tensor) => `(${t.shape.join(", ")})`;
  const varName = (t: Tensor, name?: string) => `${name || (paramName.get(t) ?? "")}\n ${sizeStr(t)}`;

  // one backward node, then (depth first) everything it reads from; a leaf stands for its AccumulateGrad
  const addNodes = (fn: Node | Tensor) => {
    const key = fn instanceof Node ? fn : accumulator(fn);
    if (seen.has(key)) return;
    seen.add(key);
    const node = fn instanceof Node ? fn : null;
    const entries = node !== null && (showAttrs || showSaved) ? savedEntries(node, () => node.savedTensors()) : [];
    if (showSaved) {
      for (const [name, v] of entries) {
        const tensors = isTensorThunk(v) ? [v()] : v instanceof Tensor ? [v] : Array.isArray(v) ? v : [];
        tensors.forEach((t, i) => {
          if (!(t instanceof Tensor)) return;
          seen.add(t);
          dot.edge(id(key), id(t), { dir: "none" });
          dot.node(id(t), varName(t, Array.isArray(v) ? `${name}[${i}]` : name), { fillcolor: "orange" });
        });
      }
    }
    if (node === null) {
      const leaf = fn as Tensor;
      seen.add(leaf);
      dot.node(id(leaf), varName(leaf), { fillcolor: "lightblue" });
      dot.edge(id(leaf), id(key));
    }
    dot.node(id(key), fnName(node, node?.name ?? "AccumulateGrad", showAttrs ? entries : [], maxAttrChars));
    if (node === null) return;
    for (const u of node.next) {
      if (u === null) continue;
      dot.edge(id(u instanceof Node ? u : accumulator(u)), id(key));
      addNodes(u);
    }
    if (node.userCode) {
      for (const t of node.savedTensors()) {
        seen.add(t);
        dot.edge(id(t), id(key), { dir: "none" });
        dot.node(id(t), varName(t), { fillcolor: "orange" });
      }
    }
  };

  const addBaseTensor = (v: Tensor, color = "darkolivegreen1") => {
    if (seen.has(v)) return;
    seen.add(v);
    dot.node(id(v), varName(v), { fillcolor: color });
    if (v.gradFn) {
      addNodes(v.gradFn);
      dot.edge(id(v.gradFn), id(v));
    }
    if (v._base !== null) {
      addBaseTensor(v._base, "darkolivegreen3");
      dot.edge(id(v._base), id(v), { style: "dotted" });
    }
  };
  for (const v of outputs) addBaseTensor(v);

  // torchviz's resize_graph: 0.15 inch per statement, at least 12 (a Python float once larger)
  const content = dot.body.length * 0.15;
  const size = content > 12 ? pyFloat(content) : "12";
  dot.graphAttr.size = `${size},${size}`;
  return dot;
}
