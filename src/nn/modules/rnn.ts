// Recurrent layers: nn.RNN (tanh/relu), nn.LSTM, nn.GRU and nn.RNNCell/LSTMCell/GRUCell.
//
// Everything is written with Tensor ops, so autograd needs nothing of its own here.
// Invariants shared with PyTorch (so its state dicts load and give the same numbers):
// - parameter names weight_ih_l{k}{_reverse}, weight_hh_l{k}..., bias_ih_l{k}..., bias_hh_l{k}...,
//   registered layer by layer, forward direction before reverse, in that order of four;
// - gate order along dim 0 of the weights: LSTM (i, f, g, o), GRU (r, z, n);
// - the GRU's candidate is tanh(W_in x + b_in + r * (W_hn h + b_hn)): b_hn stays inside r * (...);
// - every parameter starts as U(-1/sqrt(hidden), 1/sqrt(hidden)), drawn in parameter order;
// - h_n stacks (layer, direction) as layer0-forward, layer0-reverse, layer1-forward, ...;
// - dropout (training only) is applied to every layer's output except the last one's.
import { traceScope } from "../../autograd/trace.ts";
import type { Device } from "../../device.ts";
import type { DType } from "../../dtype.ts";
import { RuntimeError, ValueError } from "../../errors.ts";
import { emptyTensor, zeros } from "../../ops/creation.ts";
import { cat, stack } from "../../ops/shape.ts";
import type { Tensor } from "../../tensor.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
export type Nonlinearity = "tanh" | "relu";

/** Gate rows per hidden unit in weight_ih / weight_hh. */
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** A Python tuple / list as PyTorch prints it in messages. */
const tuple = (s: readonly number[]): string => `(${s.join(", ")}${s.length === 1 ? "," : ""})`;
const list = (s: readonly number[]): string => `[${s.join(", ")}]`;
const pyBool = (b: boolean): string => (b ? "True" : "False");
const pyFloat = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));

/**
 * One time step of a cell. `xProj` is x W_ih^T + b_ih (computed for all steps at once by the
 * layers), `state` is [h] or [h, c]; returns the new state in the same form.
 */
function cellStep(mode: Mode, xProj: Tensor, state: Tensor[], wHh: Tensor, bHh: Tensor | null): Tensor[] {
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
      return [o.sigmoid().mul(c.tanh()), c];
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

export interface RNNBaseOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode. */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: DType;
}
export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: Nonlinearity;
}

abstract class RNNBase extends Module {
  // The per-layer parameters are registered by name (weight_ih_l0, bias_hh_l1_reverse, ...).
  [param: `weight_${string}`]: Parameter | undefined;
  [param: `bias_${string}`]: Parameter | undefined;
  readonly mode: Mode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(mode: Mode, inputSize: number, hiddenSize: number, opts: RNNBaseOptions) {
    super();
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    if (typeof this.dropout !== "number" || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new ValueError("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    }
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new ValueError("hidden_size must be greater than zero");
    if (!Number.isInteger(this.numLayers) || this.numLayers <= 0) throw new ValueError("num_layers must be greater than zero");
    if (this.dropout > 0 && this.numLayers === 1) {
      console.warn(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${this.dropout} and num_layers=${this.numLayers}`,
      );
    }
    const gateSize = GATES[mode] * hiddenSize;
    const dirs = this.numDirections;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < dirs; dir++) {
        const layerInput = layer === 0 ? inputSize : hiddenSize * dirs;
        const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const p = (...shape: number[]) => new Parameter(emptyTensor(shape, { dtype: opts.dtype }));
        this.registerParameter(`weight_ih${sfx}`, p(gateSize, layerInput));
        this.registerParameter(`weight_hh${sfx}`, p(gateSize, hiddenSize));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, p(gateSize));
          this.registerParameter(`bias_hh${sfx}`, p(gateSize));
        }
      }
    }
    this.resetParameters();
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Every parameter ~ U(-1/sqrt(hidden), 1/sqrt(hidden)), in parameter order (as PyTorch). */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  /** [weight_ih, weight_hh, bias_ih | null, bias_hh | null] of one layer and direction. */
  protected weights(layer: number, dir: number): [Parameter, Parameter, Parameter | null, Parameter | null] {
    const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
    const self = this as unknown as Record<string, Parameter | undefined>;
    return [self[`weight_ih${sfx}`]!, self[`weight_hh${sfx}`]!, self[`bias_ih${sfx}`] ?? null, self[`bias_hh${sfx}`] ?? null];
  }

  protected get typeName(): string {
    return this.mode === "LSTM" ? "LSTM" : this.mode === "GRU" ? "GRU" : "RNN";
  }

  /** Checks the input's rank; returns whether it is batched (3-D). */
  protected checkRank(input: Tensor): boolean {
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
    const expected = [this.numLayers * this.numDirections, batch, this.hiddenSize];
    hidden.forEach((h, k) => {
      if (h.shape.join() !== expected.join()) {
        const what = hidden.length === 1 ? "hidden" : `hidden[${k}]`;
        throw new RuntimeError(`Expected ${what} size ${tuple(expected)}, got ${list(h.shape)}`);
      }
    });
  }

  protected zeroState(input: Tensor): Tensor {
    const batch = input.size(this.batchFirst ? 0 : 1);
    return zeros([this.numLayers * this.numDirections, batch, this.hiddenSize], { dtype: input.dtype, device: input.device });
  }

  /**
   * Runs the stack on a batched input with initial states `hidden` ([h0] or [h0, c0], each
   * [layers * directions, batch, hidden]); returns the last layer's outputs and the final states.
   */
  protected run(input: Tensor, hidden: Tensor[]): { output: Tensor; last: Tensor[] } {
    // One op for an exporter (ONNX RNN / GRU / LSTM per layer): inputs are the input, the
    // initial states, then [weight_ih, weight_hh, bias_ih, bias_hh] per layer and direction.
    const weights: Array<Tensor | null> = [];
    for (let layer = 0; layer < this.numLayers; layer++) for (let dir = 0; dir < this.numDirections; dir++) weights.push(...this.weights(layer, dir));
    const attrs = {
      mode: this.mode, num_layers: this.numLayers, hidden_size: this.hiddenSize, bidirectional: this.bidirectional,
      batch_first: this.batchFirst, dropout: this.training ? this.dropout : 0,
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
        const [wIh, wHh, bIh, bHh] = this.weights(layer, dir);
        let state = hidden.map((h) => h.select(0, layer * dirs + dir));
        const hs: Tensor[] = new Array<Tensor>(steps);
        for (let s = 0; s < steps; s++) {
          const t = dir === 0 ? s : steps - 1 - s;
          state = cellStep(this.mode, F.linear(xs[t], wIh, bIh), state, wHh, bHh);
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

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=False`;
    if (this.batchFirst) s += `, batch_first=True`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=True`;
    return s;
  }
}

abstract class SingleStateRNN extends RNNBase {
  /** input [T, B, in] ([B, T, in] with batchFirst) or unbatched [T, in]; hx [L*D, B, H] or [L*D, H]. */
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    const batched = this.checkRank(input);
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

/** Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu). */
export class RNN extends SingleStateRNN {
  readonly nonlinearity: Nonlinearity;
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nl = opts.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new ValueError(`Unknown nonlinearity '${String(nl)}'`);
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }
  override extraRepr(): string {
    const s = super.extraRepr();
    return this.nonlinearity === "tanh" ? s : `${s}, nonlinearity='${this.nonlinearity}'`;
  }
}

/** GRU with PyTorch's gate order (r, z, n). */
export class GRU extends SingleStateRNN {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super("GRU", inputSize, hiddenSize, opts);
  }
}

/** LSTM with PyTorch's gate order (i, f, g, o). forward returns [output, [h_n, c_n]]. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super("LSTM", inputSize, hiddenSize, opts);
  }

  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const batched = this.checkRank(input);
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
    state ??= [this.zeroState(input), this.zeroState(input)];
    this.checkArgs(input, state);
    const { output, last } = this.run(input, state);
    if (!batched) return [output.squeeze(this.batchFirst ? 0 : 1), [last[0].squeeze(1), last[1].squeeze(1)]];
    return [output, [last[0], last[1]]];
  }
}

// ---- cells ------------------------------------------------------------------------------------

export interface RNNCellOptions {
  bias?: boolean;
  dtype?: DType;
}

abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(protected readonly mode: Mode, inputSize: number, hiddenSize: number, opts: RNNCellOptions) {
    super();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = opts.bias ?? true;
    const g = GATES[mode] * hiddenSize;
    const p = (...shape: number[]) => new Parameter(emptyTensor(shape, { dtype: opts.dtype }));
    this.weight_ih = p(g, inputSize);
    this.weight_hh = p(g, hiddenSize);
    this.bias_ih = this.bias ? p(g) : null;
    this.bias_hh = this.bias ? p(g) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) init.uniform_(w, -stdv, stdv);
  }

  /** Checks rank and sizes; returns the batched input, the batched states and whether it was batched. */
  protected prepare(input: Tensor, state: Tensor[] | null, nStates: number): { x: Tensor; states: Tensor[]; batched: boolean } {
    if (input.dim() !== 1 && input.dim() !== 2) {
      throw new ValueError(`${this.constructor.name}: Expected input to be 1-D or 2-D but received ${input.dim()}-D tensor`);
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

export interface RNNCellOptionsWithNonlinearity extends RNNCellOptions {
  nonlinearity?: Nonlinearity;
}

/** h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu). */
export class RNNCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptionsWithNonlinearity = {}) {
    const nl = opts.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new ValueError(`Unknown nonlinearity: ${String(nl)}`);
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, opts);
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

/** One LSTM step; forward returns [h', c']. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super("LSTM", inputSize, hiddenSize, opts);
  }
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const { x, states, batched } = this.prepare(input, hx ? [hx[0], hx[1]] : null, 2);
    const [h, c] = this.step(x, states);
    return batched ? [h, c] : [h.squeeze(0), c.squeeze(0)];
  }
}

/** One GRU step; forward returns h'. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super("GRU", inputSize, hiddenSize, opts);
  }
  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { x, states, batched } = this.prepare(input, hx ? [hx] : null, 1);
    const [h] = this.step(x, states);
    return batched ? h : h.squeeze(0);
  }
}
