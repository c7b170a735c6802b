// torch.utils
export * as data from "./data/index.ts";
export * as tensorboard from "./tensorboard/index.ts";
export { makeDot, type MakeDotOptions } from "./makeDot.ts";
export { Digraph, type Attrs, type DotNode, type DotEdge } from "./digraph.ts";
export type { RenderOptions } from "./renderDot.ts";
