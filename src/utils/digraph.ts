// A directed graph in Graphviz's DOT language, written as the Python `graphviz` package
// (0.20) writes it: the head, the graph/node/edge attribute statements, then one body line
// per node or edge in the order they were added; identifiers quoted only where DOT needs it;
// attribute lists sorted by key after the label. So makeDot's source equals torchviz's, line
// for line, up to the node identifiers (which torchviz takes from Python's id()).
import { renderDot, type RenderOptions } from "./renderDot.ts";

/** Graphviz attributes of a node, an edge or the graph, by name. */
export type Attrs = Record<string, string>;

/** A node of a Digraph. */
export interface DotNode {
  /** The node's identifier in the DOT source. */
  id: string;
  /** The node's label (absent: Graphviz shows the identifier). */
  label: string | undefined;
  /** The node's attributes. */
  attrs: Attrs;
}
/** An edge of a Digraph, from tail to head. */
export interface DotEdge {
  /** The identifier of the node the edge starts at. */
  tail: string;
  /** The identifier of the node the edge points to. */
  head: string;
  /** The edge's attributes. */
  attrs: Attrs;
}

// Python's `re.match(pattern + "$")` also matches before one final newline; `\n?` copies that.
const ID = /^(?:[a-zA-Z_][a-zA-Z0-9_]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))\n?$/;
const HTML_STRING = /^<[\s\S]*>\n?$/;
const KEYWORDS = new Set(["node", "edge", "graph", "digraph", "subgraph", "strict"]);
// a quote, optionally already escaped, after an even run of backslashes: escaped once
const QUOTE = /((?:\\\\)*)\\?(")/g;

/** graphviz.quoting.quote: a DOT identifier for s, in double quotes where it is not a plain ID. */
export function quote(s: string): string {
  if (HTML_STRING.test(s)) return s;
  if (!ID.test(s) || KEYWORDS.has(s.toLowerCase())) return `"${s.replace(QUOTE, "$1\\$2")}"`;
  return s;
}

function attrList(label: string | undefined, attrs: Attrs): string {
  const parts = label === undefined ? [] : [`label=${quote(label)}`];
  for (const k of Object.keys(attrs).sort()) parts.push(`${quote(k)}=${quote(attrs[k]!)}`);
  return parts.length ? ` [${parts.join(" ")}]` : "";
}

/** graphviz.Digraph: build with node()/edge(), read `source`, draw with pipe(). */
export class Digraph {
  readonly graphAttr: Attrs;
  readonly nodeAttr: Attrs;
  readonly edgeAttr: Attrs;
  /** One DOT statement per entry, as graphviz's `body` (torchviz sizes the picture by its length). */
  readonly body: string[] = [];
  /** The statements as data, in body order (a node added twice appears twice, as in DOT). */
  readonly nodes: DotNode[] = [];
  readonly edges: DotEdge[] = [];

  constructor(opts: { graphAttr?: Attrs; nodeAttr?: Attrs; edgeAttr?: Attrs } = {}) {
    this.graphAttr = { ...opts.graphAttr };
    this.nodeAttr = { ...opts.nodeAttr };
    this.edgeAttr = { ...opts.edgeAttr };
  }

  node(id: string, label?: string, attrs: Attrs = {}): void {
    this.body.push(`\t${quote(id)}${attrList(label, attrs)}\n`);
    this.nodes.push({ id, label, attrs: { ...attrs } });
  }

  edge(tail: string, head: string, attrs: Attrs = {}): void {
    this.body.push(`\t${quote(tail)} -> ${quote(head)}${attrList(undefined, attrs)}\n`);
    this.edges.push({ tail, head, attrs: { ...attrs } });
  }

  /** The DOT text. */
  get source(): string {
    let s = "digraph {\n";
    for (const [kw, a] of [["graph", this.graphAttr], ["node", this.nodeAttr], ["edge", this.edgeAttr]] as const) {
      if (Object.keys(a).length) s += `\t${kw}${attrList(undefined, a)}\n`;
    }
    return s + this.body.join("") + "}\n";
  }

  toString(): string {
    return this.source;
  }

  /**
   * The graph drawn in `format` ("svg" by default): through Graphviz compiled to WebAssembly
   * (the optional package @viz-js/viz, loaded on first use) or, where that is not installed
   * or `renderer: "text"` asks for it, as the plain-text drawing (`format` "svg" or "txt").
   */
  pipe(format = "svg", opts: RenderOptions = {}): Promise<string> {
    return renderDot(this, format, opts);
  }
}
