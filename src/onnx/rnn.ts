// The "rnn" scope (nn.RNN / nn.GRU / nn.LSTM, src/nn/modules/rnn.ts) as ONNX's RNN, GRU and
// LSTM ops, one per layer with both directions in one op, so the sequence length and the
// batch stay dynamic. ONNX orders the gates differently from PyTorch (LSTM iofc for ifgo, GRU
// zrh for rzn): the weights are reordered, in the graph or folded when they are constants.
// PyTorch's GRU keeps b_hn inside r * (...): ONNX's linear_before_reset = 1.
import { RuntimeError } from "../errors.ts";
import { cat } from "../ops/shape.ts";
import { fold, int, ints } from "./graph.ts";
import type { OpCtx } from "./lower.ts";

/** ONNX op, PyTorch gate index for each ONNX gate position, states carried. */
const MODES: Record<string, { op: string; order: number[]; states: number }> = {
  RNN_TANH: { op: "RNN", order: [0], states: 1 },
  RNN_RELU: { op: "RNN", order: [0], states: 1 },
  GRU: { op: "GRU", order: [1, 0, 2], states: 1 },
  LSTM: { op: "LSTM", order: [0, 3, 1, 2], states: 2 },
};

export function lowerRnn(c: OpCtx): string[] {
  const mode = c.attr("mode") as string;
  const m = MODES[mode];
  const layers = c.num("num_layers");
  const H = c.num("hidden_size");
  const D = c.attr("bidirectional") ? 2 : 1;
  const batchFirst = c.attr("batch_first") as boolean;
  if (c.num("proj_size") > 0) throw new RuntimeError("torch.onnx.export: an LSTM with projections (proj_size > 0) has no ONNX form (ONNX's LSTM has no projection weight)");
  if (c.num("dropout") > 0 && layers > 1) throw new RuntimeError("torch.onnx.export: a recurrent layer with dropout between layers in training mode has no ONNX form; export in eval mode");
  const g = c.g;
  const gates = m.order.length;

  // [w_ih, w_hh, b_ih, b_hh] of (layer, dir) are inputs 1 + states + 4 * (layer * D + dir) + j.
  const w = (layer: number, dir: number, j: number): number => 1 + m.states + 4 * (layer * D + dir) + j;
  /** Gate blocks of a [gates * H, ...] tensor in ONNX's order, directions stacked: [D, gates * H, ...]. */
  const reordered = (layer: number, j: number): string => {
    const idx = Array.from({ length: D }, (_, dir) => w(layer, dir, j));
    const known = idx.map((i) => c.known(i));
    if (known.every((k) => k !== null)) {
      return g.constant(fold(() => cat(known.map((k) => cat(m.order.map((o) => k!.narrow(0, o * H, H)), 0).unsqueeze(0)), 0)));
    }
    const dirs = idx.map((i) => {
      const parts = gates === 1 ? [c.x(i)] : g.node("Split", [c.x(i)], { axis: int(0) }, gates);
      const r = gates === 1 ? parts[0] : g.op("Concat", m.order.map((o) => parts[o]), { axis: int(0) });
      return g.op("Unsqueeze", [r, g.int64s([0])]);
    });
    return D === 1 ? dirs[0] : g.op("Concat", dirs, { axis: int(0) });
  };
  /** The initial state s (0: h, 1: c) of a layer, or "" when it is all zeros (ONNX's default). */
  const initial = (s: number, layer: number): string => {
    const v = c.op.inputs[1 + s];
    const k = c.known(1 + s);
    const fill = v?.kind === "constant" ? c.low.analysis.consts.get(v.tensor)?.fill : undefined;
    if (fill === 0 || (k !== null && Array.from(k.contiguousData() as ArrayLike<number>).every((e) => e === 0))) return "";
    return g.op("Slice", [c.x(1 + s), g.int64s([layer * D]), g.int64s([(layer + 1) * D]), g.int64s([0])]);
  };

  let x = c.x(0);
  if (batchFirst) x = g.op("Transpose", [x], { perm: ints([1, 0, 2]) });
  const last: string[][] = Array.from({ length: m.states }, () => []);
  const hasBias = c.has(w(0, 0, 2));
  for (let layer = 0; layer < layers; layer++) {
    const inputs = [x, reordered(layer, 0), reordered(layer, 1)];
    if (hasBias) {
      const b = g.op("Concat", [reordered(layer, 2), reordered(layer, 3)], { axis: int(1) });
      inputs.push(b);
    } else inputs.push("");
    inputs.push("", initial(0, layer));
    if (m.states === 2) inputs.push(initial(1, layer));
    const attrs = {
      hidden_size: int(H),
      direction: { s: D === 2 ? "bidirectional" : "forward" },
      ...(m.op === "RNN" ? { activations: { strings: new Array<string>(D).fill(mode === "RNN_RELU" ? "Relu" : "Tanh") } } : {}),
      ...(m.op === "GRU" ? { linear_before_reset: int(1) } : {}),
    };
    const [y, ...states] = g.node(m.op, trimOptional(inputs), attrs, 1 + m.states);
    states.forEach((s, i) => last[i].push(s));
    // Y [T, D, B, H] -> [T, B, D * H]
    x = D === 1 ? g.op("Squeeze", [y, g.int64s([1])]) : g.op("Reshape", [g.op("Transpose", [y], { perm: ints([0, 2, 1, 3]) }), g.int64s([0, 0, -1])]);
  }
  const output = batchFirst ? g.op("Transpose", [x], { perm: ints([1, 0, 2]) }) : x;
  return [output, ...last.map((l) => (l.length === 1 ? g.op("Identity", [l[0]]) : g.op("Concat", l, { axis: int(0) })))];
}

/** Optional inputs at the end that are "" are dropped (ONNX: omitted trailing inputs). */
function trimOptional(inputs: string[]): string[] {
  const out = inputs.slice();
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}
