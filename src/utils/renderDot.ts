// Drawing a Digraph: Graphviz compiled to WebAssembly (the optional package @viz-js/viz: its
// wasm is inlined in the module, so it works offline in Node and in the browser) loaded on
// first use, or the plain-text drawing when it is not installed.
import { RuntimeError, TorchTypeError } from "../errors.ts";
import type { Digraph } from "./digraph.ts";
import { graphText, textToSvg } from "./graphText.ts";

export interface RenderOptions {
  /** "auto" (default): Graphviz when @viz-js/viz is installed, else the text drawing; "graphviz" or "text" force one. */
  renderer?: "auto" | "graphviz" | "text";
}

/** The part of @viz-js/viz's Viz instance used here. */
interface VizInstance {
  renderString(src: string, opts: { format: string }): string;
}

let viz: Promise<VizInstance | null> | undefined;
let warned = false;

/** @viz-js/viz's instance, or null when the package cannot be loaded. */
export function loadGraphviz(): Promise<VizInstance | null> {
  viz ??= import("@viz-js/viz").then(
    (m: { instance(): Promise<VizInstance> }) => m.instance(),
    () => null,
  );
  return viz;
}

export async function renderDot(graph: Digraph, format: string, opts: RenderOptions): Promise<string> {
  for (const k of Object.keys(opts)) if (k !== "renderer") throw new TorchTypeError(`pipe() got an unexpected keyword argument '${k}'`);
  const renderer = opts.renderer ?? "auto";
  if (renderer !== "auto" && renderer !== "graphviz" && renderer !== "text") {
    throw new TorchTypeError(`pipe(): renderer must be "auto", "graphviz" or "text", got ${String(renderer)}`);
  }
  if (renderer !== "text") {
    const v = await loadGraphviz();
    if (v !== null) return v.renderString(graph.source, { format });
    if (renderer === "graphviz") {
      throw new RuntimeError("rendering DOT with Graphviz needs the optional package @viz-js/viz (npm install @viz-js/viz)");
    }
    if (!warned) {
      warned = true;
      console.warn("torch-ts: @viz-js/viz is not installed, so graphs are drawn as text (npm install @viz-js/viz for Graphviz pictures)");
    }
  }
  if (format === "txt") return graphText(graph);
  if (format === "svg") return textToSvg(graphText(graph));
  throw new RuntimeError(`the text renderer draws "svg" or "txt", not "${format}"`);
}
