// Recurrent layers: nn.RNN (tanh/relu), nn.LSTM, nn.GRU and nn.RNNCell/LSTMCell/GRUCell.
//
// Everything is written with Tensor ops, so autograd needs nothing of its own here.
// Invariants shared with PyTorch (so its state dicts load and give the same numbers):
// - parameter names weight_ih_l{k}{_reverse}, weight_hh_l{k}..., bias_ih_l{k}..., bias_hh_l{k}...,
//   registered layer by layer, forward direction before reverse, in that order of four;
// - gate order along dim 0 of the weights: LSTM (i, f, g, o), GRU (r, z, n);
// - the GRU's candidate is tanh(W_in x + b_in + r * (W_hn h + b_hn)): b_hn stays inside r * (...);
// - LSTM with projections (proj_size > 0) adds weight_hr_l{k}... [proj, hidden] after the biases:
//   h_t = W_hr (o * tanh(c_t)), so h is [.., proj] and c stays [.., hidden];
// - every parameter starts as U(-1/sqrt(hidden), 1/sqrt(hidden)), drawn in parameter order;
// - h_n stacks (layer, direction) as layer0-forward, layer0-reverse, layer1-forward, ...;
// - dropout (training only) is applied to every layer's output except the last one's.
import { traceScope } from "../../autograd/trace.ts";
import { bool, checkTensor, FACTORY_KWARGS, int, num, param, parseArgs, str, type Args, type FactoryOptions, type Param } from "../../args.ts";
import type { Device } from "../../device.ts";
import type { DType } from "../../dtype.ts";
import { AssertionError, RuntimeError, ValueError } from "../../errors.ts";
import { emptyTensor, zeros } from "../../ops/creation.ts";
import { cat, stack } from "../../ops/shape.ts";
import type { Tensor } from "../../tensor.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyFloat } from "../repr.ts";
import { PackedSequence } from "../utils/rnn.ts";

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
/** The nonlinearity of nn.RNN and nn.RNNCell: "tanh" (PyTorch's default) or "relu". */
export type Nonlinearity = "tanh" | "relu";

/** Gate rows per hidden unit in weight_ih / weight_hh. */
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** A Python tuple / list as PyTorch prints it in messages. */
const tuple = (s: readonly number[]): string => `(${s.join(", ")}${s.length === 1 ? "," : ""})`;
const list = (s: readonly number[]): string => `[${s.join(", ")}]`;

/**
 * One time step of a cell. `xProj` is x W_ih^T + b_ih (computed for all steps at once by the
 * layers), `state` is [h] or [h, c]; returns the new state in the same form.
 */
function cellStep(mode: Mode, xProj: Tensor, state: Tensor[], wHh: Tensor, bHh: Tensor | null, wHr: Tensor | null = null): Tensor[] {
  const h = state[0];
  const hProj = F.linear(h, wHh, bHh);
  switch (mode) {
    case "RNN_TANH":
      return [xProj.add(hProj).tanh()];
    case "RNN_RELU":
      return [xProj.add(hProj).relu()];
    case "LSTM": {
      const [i, f, g, o] = xProj.add(hProj).chunk(4, -1);
      const c = f.sigmoid().mul(state[1]).add(i.sigmoid().mul(g.tanh()));
      const hNew = o.sigmoid().mul(c.tanh());
      return [wHr ? F.linear(hNew, wHr) : hNew, c];
    }
    case "GRU": {
      const [xr, xz, xn] = xProj.chunk(3, -1);
      const [hr, hz, hn] = hProj.chunk(3, -1);
      const r = xr.add(hr).sigmoid();
      const z = xz.add(hz).sigmoid();
      const n = xn.add(r.mul(hn)).tanh();
      // (1 - z) * n + z * h
      return [n.add(z.mul(h.sub(n)))];
    }
  }
}

/**
 * F.dropout's multiplier for a [T, B, F] layer output, drawn as PyTorch's CPU kernel draws it
 * (bernoulli_(1 - p) over the whole tensor, then / (1 - p)), so a seeded run matches PyTorch. It is
 * applied step by step; the noise needs no gradient, so slicing it costs nothing in backward.
 */
function dropoutNoise(shape: number[], p: number, dtype: DType, device: Device): Tensor {
  if (p === 1) return zeros(shape, { dtype, device });
  return emptyTensor(shape, { dtype, device }).bernoulli_(1 - p).div_(1 - p);
}

type Step = (x: Tensor, state: Tensor[]) => Tensor[];

/**
 * One direction of one layer over a packed batch, forward in time (ATen's PackedLayer): at each
 * step the batch shrinks to the sequences still running; the states of those that ended are set
 * aside, and the final state of every sequence is its state at its own last step.
 */
function packedForward(batchSizes: readonly number[], xs: readonly Tensor[], init: Tensor[], step: Step): { outputs: Tensor[]; final: Tensor[] } {
  let state = init;
  let running = batchSizes[0]!;
  const ended: Tensor[][] = init.map(() => []);
  const outputs = xs.map((x, t) => {
    const b = batchSizes[t]!;
    if (b < running) {
      state.forEach((s, k) => ended[k]!.push(s.narrow(0, b, running - b)));
      state = state.map((s) => s.narrow(0, 0, b));
    }
    running = b;
    state = step(x, state);
    return state[0]!;
  });
  return { outputs, final: state.map((s, k) => (ended[k]!.length ? cat([s, ...ended[k]!.reverse()], 0) : s)) };
}

/** The same backwards in time (ATen's ReversedPackedLayer): sequences join the batch at their last step, from their initial state. */
function packedReverse(batchSizes: readonly number[], xs: readonly Tensor[], init: Tensor[], step: Step): { outputs: Tensor[]; final: Tensor[] } {
  let running = batchSizes[batchSizes.length - 1]!;
  let state = init.map((h) => h.narrow(0, 0, running));
  const outputs = new Array<Tensor>(xs.length);
  for (let t = xs.length - 1; t >= 0; t--) {
    const b = batchSizes[t]!;
    if (b > running) state = state.map((s, k) => cat([s, init[k]!.narrow(0, running, b - running)], 0));
    running = b;
    state = step(xs[t]!, state);
    outputs[t] = state[0]!;
  }
  return { outputs, final: state };
}

/** The options nn.RNN, nn.LSTM and nn.GRU share. */
export interface RNNBaseOptions extends FactoryOptions {
  /** The number of features of the input x; required. */
  inputSize?: number;
  /** The number of features of the hidden state h; required. */
  hiddenSize?: number;
  /** The number of stacked recurrent layers; PyTorch's default 1. */
  numLayers?: number;
  /** The layers have the biases b_ih and b_hh; PyTorch's default true. */
  bias?: boolean;
  /** The input and output are [batch, seq, feature] instead of [seq, batch, feature] (h and c are not affected); PyTorch's default false. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode. */
  dropout?: number;
  /** Run a second, reversed direction and concatenate the outputs; PyTorch's default false. */
  bidirectional?: boolean;
}
/** The options of `nn.RNN`. */
export interface RNNOptions extends RNNBaseOptions {
  /** The nonlinearity, "tanh" or "relu"; PyTorch's default "tanh". */
  nonlinearity?: Nonlinearity;
}
/** The options of `nn.LSTM`. */
export interface LSTMOptions extends RNNBaseOptions {
  /** > 0: LSTM with projections of size projSize (h is projected by weight_hr). */
  projSize?: number;
}
type RNNPositional = [numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean];

/** Any number that is not a boolean (PyTorch's check of dropout). */
const dropoutArg = (v: unknown, arg: string, fn: string): number => {
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
    if (typeof v === "number" || typeof v === "boolean") throw new ValueError("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    return num()(v, arg, fn);
  }
  return v;
};
/** RNNBase's parameters after `mode`; proj_size's default is "not given" (RNN and GRU refuse it, given or not). */
const RNN_ARGS: Param[] = [
  param("inputSize", int()), param("hiddenSize", int()), param("numLayers", int(), 1), param("bias", bool, true),
  param("batchFirst", bool, false), param("dropout", dropoutArg, 0), param("bidirectional", bool, false), param<number | undefined>("projSize", int(), undefined),
];
type RNNArgs = Required<Omit<LSTMOptions, "projSize" | keyof FactoryOptions>> & FactoryOptions & { projSize: number | undefined };

function parseRNN(name: string, args: readonly unknown[], extra: readonly Param[] = []): RNNArgs & { nonlinearity?: string } {
  const a = parseArgs<RNNArgs & { nonlinearity?: string }>(name, RNN_ARGS, args, [...extra, ...FACTORY_KWARGS]);
  if (name !== "LSTM" && a.projSize !== undefined) throw new ValueError("proj_size argument is only supported for LSTM, not RNN or GRU");
  return a;
}

abstract class RNNBase extends Module {
  // The per-layer parameters are registered by name (weight_ih_l0, bias_hh_l1_reverse, ...).
  [param: `weight_${string}`]: Parameter | undefined;
  [param: `bias_${string}`]: Parameter | undefined;
  /** PyTorch's mode string: "RNN_TANH", "RNN_RELU", "LSTM" or "GRU". */
  readonly mode: Mode;
  /** The number of features of the input. */
  readonly inputSize: number;
  /** The number of features of the hidden state. */
  readonly hiddenSize: number;
  /** The number of stacked layers. */
  readonly numLayers: number;
  /** Whether the layers have the biases b_ih and b_hh. */
  readonly bias: boolean;
  /** Whether the input and output are [batch, seq, feature]. */
  readonly batchFirst: boolean;
  /** The dropout probability between layers (training mode only). */
  readonly dropout: number;
  /** Whether there is a reversed direction. */
  readonly bidirectional: boolean;
  /** LSTM only: > 0 projects h to this size. */
  readonly projSize: number;

  constructor(mode: Mode, a: RNNArgs) {
    super();
    const { inputSize, hiddenSize } = a;
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = a.numLayers;
    this.bias = a.bias;
    this.batchFirst = a.batchFirst;
    this.dropout = a.dropout;
    this.bidirectional = a.bidirectional;
    this.projSize = a.projSize ?? 0;
    if (hiddenSize <= 0) throw new ValueError("hidden_size must be greater than zero");
    if (this.numLayers <= 0) throw new ValueError("num_layers must be greater than zero");
    if (this.dropout > 0 && this.numLayers === 1) {
      console.warn(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${pyFloat(this.dropout)} and num_layers=${this.numLayers}`,
      );
    }
    if (this.projSize < 0) throw new ValueError("proj_size should be a positive integer or zero to disable projections");
    if (this.projSize >= hiddenSize) throw new ValueError("proj_size has to be smaller than hidden_size");
    const gateSize = GATES[mode] * hiddenSize;
    const dirs = this.numDirections;
    const realHidden = this.projSize > 0 ? this.projSize : hiddenSize;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < dirs; dir++) {
        const layerInput = layer === 0 ? inputSize : realHidden * dirs;
        const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const p = (...shape: number[]) => new Parameter(emptyTensor(shape, { dtype: a.dtype, device: a.device }));
        this.registerParameter(`weight_ih${sfx}`, p(gateSize, layerInput));
        this.registerParameter(`weight_hh${sfx}`, p(gateSize, realHidden));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, p(gateSize));
          this.registerParameter(`bias_hh${sfx}`, p(gateSize));
        }
        if (this.projSize > 0) this.registerParameter(`weight_hr${sfx}`, p(this.projSize, hiddenSize));
      }
    }
    this.resetParameters();
  }

  /** Kept for PyTorch programs: cuDNN's weight compaction, a no-op here (the weights are always used as they are). */
  flattenParameters(): void {}

  /** 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Every parameter ~ U(-1/sqrt(hidden), 1/sqrt(hidden)), in parameter order (as PyTorch). */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  /** [weight_ih, weight_hh, bias_ih | null, bias_hh | null, weight_hr | null] of one layer and direction. */
  protected weights(layer: number, dir: number): [Parameter, Parameter, Parameter | null, Parameter | null, Parameter | null] {
    const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
    const self = this as unknown as Record<string, Parameter | undefined>;
    return [self[`weight_ih${sfx}`]!, self[`weight_hh${sfx}`]!, self[`bias_ih${sfx}`] ?? null, self[`bias_hh${sfx}`] ?? null, self[`weight_hr${sfx}`] ?? null];
  }

  protected get typeName(): string {
    return this.mode === "LSTM" ? "LSTM" : this.mode === "GRU" ? "GRU" : "RNN";
  }

  /** Checks the input's rank; returns whether it is batched (3-D). */
  protected checkRank(input: Tensor): boolean {
    checkTensor(input, "input", this.typeName);
    if (input.dim() !== 2 && input.dim() !== 3) {
      throw new ValueError(`${this.typeName}: Expected input to be 2-D or 3-D but received ${input.dim()}-D tensor`);
    }
    return input.dim() === 3;
  }

  /** The checks of PyTorch's check_input / check_hidden_size, on the batched input. */
  protected checkArgs(input: Tensor, hidden: Tensor[]): void {
    if (this.inputSize !== input.size(-1)) {
      throw new RuntimeError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.size(-1)}`);
    }
    const batch = input.size(this.batchFirst ? 0 : 1);
    hidden.forEach((h, k) => {
      const expected = [this.numLayers * this.numDirections, batch, k === 0 ? this.stateSize : this.hiddenSize];
      if (h.shape.join() !== expected.join()) {
        const what = hidden.length === 1 ? "hidden" : `hidden[${k}]`;
        throw new RuntimeError(`Expected ${what} size ${tuple(expected)}, got ${list(h.shape)}`);
      }
    });
  }

  /** The size of h: projSize with projections, else hiddenSize (c is always hiddenSize). */
  protected get stateSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  protected zeroState(input: Tensor, size = this.hiddenSize): Tensor {
    const batch = input.size(this.batchFirst ? 0 : 1);
    return zeros([this.numLayers * this.numDirections, batch, size], { dtype: input.dtype, device: input.device });
  }

  /**
   * Runs the stack on a batched input with initial states `hidden` ([h0] or [h0, c0], each
   * [layers * directions, batch, hidden]); returns the last layer's outputs and the final states.
   */
  protected run(input: Tensor, hidden: Tensor[]): { output: Tensor; last: Tensor[] } {
    // One op for an exporter (ONNX RNN / GRU / LSTM per layer): inputs are the input, the
    // initial states, then [weight_ih, weight_hh, bias_ih, bias_hh] per layer and direction.
    const weights: Array<Tensor | null> = [];
    for (let layer = 0; layer < this.numLayers; layer++) for (let dir = 0; dir < this.numDirections; dir++) weights.push(...this.weights(layer, dir).slice(0, 4));
    const attrs = {
      mode: this.mode, num_layers: this.numLayers, hidden_size: this.hiddenSize, bidirectional: this.bidirectional,
      batch_first: this.batchFirst, dropout: this.training ? this.dropout : 0, proj_size: this.projSize,
    };
    return traceScope("rnn", [input, ...hidden, ...weights], attrs, () => this.unroll(input, hidden), (r) => [r.output, ...r.last]);
  }

  private unroll(input: Tensor, hidden: Tensor[]): { output: Tensor; last: Tensor[] } {
    const x = this.batchFirst ? input.transpose(0, 1) : input; // [T, B, features]
    const steps = x.size(0);
    if (steps === 0) throw new RuntimeError("Expected sequence length to be larger than 0 in RNN");
    const dirs = this.numDirections;
    const last: Tensor[][] = hidden.map(() => []);
    // A layer's input is a list of per-step [B, features] tensors. Layer k > 0 reads layer k-1's
    // per-step outputs directly: slicing a stacked [T, B, F] tensor would give every step a
    // backward that writes a full [T, B, F] zero tensor (O(T^2) work). Only the user's input is
    // sliced, once per step.
    let xs = x.unbind(0);
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[][] = [];
      for (let dir = 0; dir < dirs; dir++) {
        const [wIh, wHh, bIh, bHh, wHr] = this.weights(layer, dir);
        let state = hidden.map((h) => h.select(0, layer * dirs + dir));
        const hs: Tensor[] = new Array<Tensor>(steps);
        for (let s = 0; s < steps; s++) {
          const t = dir === 0 ? s : steps - 1 - s;
          state = cellStep(this.mode, F.linear(xs[t], wIh, bIh), state, wHh, bHh, wHr);
          hs[t] = state[0];
        }
        outs.push(hs);
        state.forEach((st, k) => last[k].push(st));
      }
      xs = dirs === 2 ? outs[0].map((f, t) => cat([f, outs[1][t]], 1)) : outs[0];
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) {
        const noise = dropoutNoise([steps, ...xs[0].shape], this.dropout, xs[0].dtype, xs[0].device);
        xs = xs.map((h, t) => h.mul(noise.select(0, t)));
      }
    }
    const output = stack(xs, 0);
    return { output: this.batchFirst ? output.transpose(0, 1) : output, last: last.map((l) => stack(l, 0)) };
  }

  /**
   * PyTorch's forward on a PackedSequence, up to the layers: the initial states permuted to the
   * sorted batch order (zeros when none are given), then check_forward_args on the packed data.
   */
  protected packedStates(input: PackedSequence, hx: Tensor[] | null, sizes: number[]): Tensor[] {
    const maxBatch = Number(input.batchSizes.contiguousData()[0]);
    const dirs = this.numLayers * this.numDirections;
    const states = hx === null
      ? sizes.map((n) => zeros([dirs, maxBatch, n], { dtype: input.data.dtype, device: input.data.device }))
      : input.sortedIndices === null ? hx : hx.map((h) => h.indexSelect(1, input.sortedIndices!));
    const data = input.data;
    if (data.dim() !== 2) throw new RuntimeError(`input must have 2 dimensions, got ${data.dim()}`);
    if (this.inputSize !== data.size(-1)) throw new RuntimeError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${data.size(-1)}`);
    states.forEach((h, k) => {
      const expected = [dirs, maxBatch, sizes[k]!];
      if (h.shape.join() !== expected.join()) {
        throw new RuntimeError(`Expected ${states.length === 1 ? "hidden" : `hidden[${k}]`} size ${tuple(expected)}, got ${list(h.shape)}`);
      }
    });
    return states;
  }

  /**
   * The stack on a packed batch (ATen's packed layers): per step the running sequences' rows of
   * the packed data; between layers, dropout masks drawn over the whole packed output. Returns
   * the output's packed data and the final states in sorted order.
   */
  protected runPacked(input: PackedSequence, hidden: Tensor[]): { data: Tensor; last: Tensor[] } {
    const batchSizes = Array.from(input.batchSizes.contiguousData(), Number);
    const offsets: number[] = [];
    batchSizes.reduce((o, b) => (offsets.push(o), o + b), 0);
    const dirs = this.numDirections;
    const last: Tensor[][] = hidden.map(() => []);
    let xs = batchSizes.map((b, t) => input.data.narrow(0, offsets[t]!, b));
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[][] = [];
      for (let dir = 0; dir < dirs; dir++) {
        const [wIh, wHh, bIh, bHh, ...projection] = this.weights(layer, dir);
        const step: Step = (x, state) => cellStep(this.mode, F.linear(x, wIh, bIh), state, wHh, bHh, ...projection);
        const init = hidden.map((h) => h.select(0, layer * dirs + dir));
        const { outputs, final } = (dir === 0 ? packedForward : packedReverse)(batchSizes, xs, init, step);
        outs.push(outputs);
        final.forEach((f, k) => last[k]!.push(f));
      }
      xs = dirs === 2 ? outs[0]!.map((f, t) => cat([f, outs[1]![t]!], 1)) : outs[0]!;
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) {
        const total = offsets[offsets.length - 1]! + batchSizes[batchSizes.length - 1]!;
        const noise = dropoutNoise([total, xs[0]!.shape[1]!], this.dropout, xs[0]!.dtype, xs[0]!.device);
        xs = xs.map((h, t) => h.mul(noise.narrow(0, offsets[t]!, batchSizes[t]!)));
      }
    }
    return { data: cat(xs, 0), last: last.map((l) => stack(l, 0)) };
  }

  /** The final states back in the caller's batch order (PyTorch's permute_hidden with unsorted_indices). */
  protected unsortStates(input: PackedSequence, states: Tensor[]): Tensor[] {
    return input.unsortedIndices === null ? states : states.map((h) => h.indexSelect(1, input.unsortedIndices!));
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=False`;
    if (this.batchFirst) s += `, batch_first=True`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=True`;
    return s;
  }
}

abstract class SingleStateRNN extends RNNBase {
  /**
   * input [T, B, in] ([B, T, in] with batchFirst) or unbatched [T, in]; hx [L*D, B, H] or [L*D, H].
   * A PackedSequence input gives a PackedSequence output and each sequence's state at its last step.
   */
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    if (input instanceof PackedSequence) {
      const { data, last } = this.runPacked(input, this.packedStates(input, hx ? [hx] : null, [this.hiddenSize]));
      return [new PackedSequence(data, input.batchSizes, input.sortedIndices, input.unsortedIndices), this.unsortStates(input, last)[0]!];
    }
    const batched = this.checkRank(input);
    if (hx !== undefined && hx !== null) checkTensor(hx, "hx", this.typeName);
    if (!batched) {
      input = input.unsqueeze(this.batchFirst ? 0 : 1);
      if (hx) {
        if (hx.dim() !== 2) throw new RuntimeError(`For unbatched 2-D input, hx should also be 2-D but got ${hx.dim()}-D tensor`);
        hx = hx.unsqueeze(1);
      }
    } else if (hx && hx.dim() !== 3) {
      throw new RuntimeError(`For batched 3-D input, hx should also be 3-D but got ${hx.dim()}-D tensor`);
    }
    const h0 = hx ?? this.zeroState(input);
    this.checkArgs(input, [h0]);
    const { output, last } = this.run(input, [h0]);
    if (!batched) return [output.squeeze(this.batchFirst ? 0 : 1), last[0].squeeze(1)];
    return [output, last[0]];
  }
}

/**
 * Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).
 * nn.RNN(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
 * bidirectional=False, *, nonlinearity='tanh', device=None, dtype=None). As PyTorch 1.13, the
 * repr does not show the nonlinearity.
 */
export class RNN extends SingleStateRNN {
  /** "tanh" or "relu". */
  readonly nonlinearity: Nonlinearity;
  constructor(inputSize: number, hiddenSize: number, ...args: Args<RNNPositional, RNNOptions>);
  constructor(...args: unknown[]) {
    const a = parseRNN("RNN", args, [param("nonlinearity", str, "tanh")]);
    const nl = a.nonlinearity;
    if (nl !== "tanh" && nl !== "relu") throw new ValueError(`Unknown nonlinearity '${String(nl)}'`);
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", a);
    this.nonlinearity = nl;
  }
}

/** GRU with PyTorch's gate order (r, z, n); nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False). */
export class GRU extends SingleStateRNN {
  constructor(inputSize: number, hiddenSize: number, ...args: Args<RNNPositional, RNNBaseOptions>);
  constructor(...args: unknown[]) {
    super("GRU", parseRNN("GRU", args));
  }
}

/**
 * LSTM with PyTorch's gate order (i, f, g, o); forward returns [output, [h_n, c_n]].
 * nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
 * bidirectional=False, proj_size=0).
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[...RNNPositional, projSize: number], LSTMOptions>);
  constructor(...args: unknown[]) {
    super("LSTM", parseRNN("LSTM", args));
  }

  /** A PackedSequence input gives a PackedSequence output and each sequence's (h, c) at its last step. */
  override forward(input: PackedSequence, hx?: readonly [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(input: Tensor | PackedSequence, hx?: readonly [Tensor, Tensor] | null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (input instanceof PackedSequence) {
      const { data, last } = this.runPacked(input, this.packedStates(input, hx ? [hx[0], hx[1]] : null, [this.projSize > 0 ? this.projSize : this.hiddenSize, this.hiddenSize]));
      const [h, c] = this.unsortStates(input, last) as [Tensor, Tensor];
      return [new PackedSequence(data, input.batchSizes, input.sortedIndices, input.unsortedIndices), [h, c]];
    }
    const batched = this.checkRank(input);
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new RuntimeError(`LSTM: Expected hx to be a pair of tensors [h_0, c_0], but got ${Array.isArray(hx) ? `${hx.length} values` : typeof hx}`);
    }
    if (hx) hx.forEach((t, k) => checkTensor(t, `hx[${k}]`, "LSTM"));
    let state: Tensor[] | null = hx ? [hx[0], hx[1]] : null;
    if (!batched) {
      input = input.unsqueeze(this.batchFirst ? 0 : 1);
      if (state) {
        if (state[0].dim() !== 2 || state[1].dim() !== 2) {
          throw new RuntimeError(`For unbatched 2-D input, hx and cx should also be 2-D but got (${state[0].dim()}-D, ${state[1].dim()}-D) tensors`);
        }
        state = state.map((s) => s.unsqueeze(1));
      }
    } else if (state && (state[0].dim() !== 3 || state[1].dim() !== 3)) {
      throw new RuntimeError(`For batched 3-D input, hx and cx should also be 3-D but got (${state[0].dim()}-D, ${state[1].dim()}-D) tensors`);
    }
    state ??= [this.zeroState(input, this.stateSize), this.zeroState(input)];
    this.checkArgs(input, state);
    const { output, last } = this.run(input, state);
    if (!batched) return [output.squeeze(this.batchFirst ? 0 : 1), [last[0].squeeze(1), last[1].squeeze(1)]];
    return [output, [last[0], last[1]]];
  }
}

// ---- cells ------------------------------------------------------------------------------------

/** The options of `nn.LSTMCell` and `nn.GRUCell` (and, with the nonlinearity, `nn.RNNCell`). */
export interface RNNCellOptions extends FactoryOptions {
  /** The number of features of the input x; required. */
  inputSize?: number;
  /** The number of features of the hidden state h; required. */
  hiddenSize?: number;
  /** The cell has the biases b_ih and b_hh; PyTorch's default true. */
  bias?: boolean;
}
const CELL_ARGS = [param("inputSize", int()), param("hiddenSize", int()), param("bias", bool, true)];
type CellArgs = Required<Omit<RNNCellOptions, keyof FactoryOptions>> & FactoryOptions;

abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  /** `[gates * hiddenSize, inputSize]`: the input-hidden weights, gates stacked (1 for RNN, 4 for LSTM, 3 for GRU). */
  weight_ih: Parameter;
  /** `[gates * hiddenSize, hiddenSize]`: the hidden-hidden weights, gates stacked. */
  weight_hh: Parameter;
  /** `[gates * hiddenSize]`: the input-hidden bias, when bias; else null. */
  bias_ih: Parameter | null;
  /** `[gates * hiddenSize]`: the hidden-hidden bias, when bias; else null. */
  bias_hh: Parameter | null;

  protected readonly mode: Mode;

  constructor(mode: Mode, a: CellArgs) {
    super();
    const { inputSize, hiddenSize } = a;
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = a.bias;
    const g = GATES[mode] * hiddenSize;
    const p = (...shape: number[]) => new Parameter(emptyTensor(shape, { dtype: a.dtype, device: a.device }));
    this.weight_ih = p(g, inputSize);
    this.weight_hh = p(g, hiddenSize);
    this.bias_ih = this.bias ? p(g) : null;
    this.bias_hh = this.bias ? p(g) : null;
    this.resetParameters();
  }

  /** Every parameter ~ U(-1/sqrt(hidden), 1/sqrt(hidden)), as PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  /** Checks rank and sizes; returns the batched input, the batched states and whether it was batched. */
  protected prepare(input: Tensor, state: Tensor[] | null, nStates: number): { x: Tensor; states: Tensor[]; batched: boolean } {
    checkTensor(input, "input", this.constructor.name);
    state?.forEach((s, k) => checkTensor(s, nStates === 1 ? "hx" : `hx[${k}]`, this.constructor.name));
    if (input.dim() !== 1 && input.dim() !== 2) {
      throw new AssertionError(`${this.constructor.name}: Expected input to be 1-D or 2-D but received ${input.dim()}-D tensor`);
    }
    const batched = input.dim() === 2;
    const x = batched ? input : input.unsqueeze(0);
    if (x.size(1) !== this.inputSize) {
      throw new RuntimeError(`input has inconsistent input_size: got ${x.size(1)} expected ${this.inputSize}`);
    }
    let states: Tensor[];
    if (state === null) {
      states = Array.from({ length: nStates }, () => zeros([x.size(0), this.hiddenSize], { dtype: x.dtype, device: x.device }));
    } else {
      states = state.map((s, k) => {
        if (s.dim() !== (batched ? 2 : 1)) {
          throw new RuntimeError(`${this.constructor.name}: Expected hidden to be ${batched ? 2 : 1}-D for ${batched ? 2 : 1}-D input but got ${s.dim()}-D tensor`);
        }
        const h = batched ? s : s.unsqueeze(0);
        if (h.size(0) !== x.size(0)) throw new RuntimeError(`Input batch size ${x.size(0)} doesn't match hidden${k} batch size ${h.size(0)}`);
        if (h.size(1) !== this.hiddenSize) throw new RuntimeError(`hidden${k} has inconsistent hidden_size: got ${h.size(1)}, expected ${this.hiddenSize}`);
        return h;
      });
    }
    return { x, states, batched };
  }

  protected step(x: Tensor, states: Tensor[]): Tensor[] {
    return cellStep(this.mode, F.linear(x, this.weight_ih, this.bias_ih), states, this.weight_hh, this.bias_hh);
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += ", bias=False";
    if (this.mode === "RNN_RELU") s += ", nonlinearity=relu";
    return s;
  }
}

/** The options of `nn.RNNCell`. */
export interface RNNCellOptionsWithNonlinearity extends RNNCellOptions {
  /** The nonlinearity, "tanh" or "relu"; PyTorch's default "tanh". */
  nonlinearity?: Nonlinearity;
}
const RNN_CELL_ARGS = [...CELL_ARGS, param("nonlinearity", str, "tanh")];

/**
 * h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).
 * nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh', device=None, dtype=None).
 */
export class RNNCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[bias: boolean, nonlinearity: Nonlinearity], RNNCellOptionsWithNonlinearity>);
  constructor(...args: unknown[]) {
    const a = parseArgs<CellArgs & { nonlinearity: string }>("RNNCell", RNN_CELL_ARGS, args, FACTORY_KWARGS);
    // PyTorch raises this at the first call; here at construction, in the same words.
    if (a.nonlinearity !== "tanh" && a.nonlinearity !== "relu") throw new RuntimeError(`Unknown nonlinearity: ${a.nonlinearity}`);
    super(a.nonlinearity === "tanh" ? "RNN_TANH" : "RNN_RELU", a);
  }
  get nonlinearity(): Nonlinearity {
    return this.mode === "RNN_RELU" ? "relu" : "tanh";
  }
  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { x, states, batched } = this.prepare(input, hx ? [hx] : null, 1);
    const [h] = this.step(x, states);
    return batched ? h : h.squeeze(0);
  }
}

/** One LSTM step; forward returns [h', c']. nn.LSTMCell(input_size, hidden_size, bias=True, device=None, dtype=None). */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[bias: boolean], RNNCellOptions>);
  constructor(...args: unknown[]) {
    super("LSTM", parseArgs<CellArgs>("LSTMCell", CELL_ARGS, args, FACTORY_KWARGS));
  }
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new RuntimeError("LSTMCell: Expected hx to be a pair of tensors [h_0, c_0]");
    const { x, states, batched } = this.prepare(input, hx ? [hx[0], hx[1]] : null, 2);
    const [h, c] = this.step(x, states);
    return batched ? [h, c] : [h.squeeze(0), c.squeeze(0)];
  }
}

/** One GRU step; forward returns h'. nn.GRUCell(input_size, hidden_size, bias=True, device=None, dtype=None). */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[bias: boolean], RNNCellOptions>);
  constructor(...args: unknown[]) {
    super("GRU", parseArgs<CellArgs>("GRUCell", CELL_ARGS, args, FACTORY_KWARGS));
  }
  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { x, states, batched } = this.prepare(input, hx ? [hx] : null, 1);
    const [h] = this.step(x, states);
    return batched ? h : h.squeeze(0);
  }
}
