// torch.nn.init: in-place initialisers that draw from the generator in PyTorch's order.
import { noGrad } from "../autograd/gradMode.ts";
import { RuntimeError, ValueError } from "../errors.ts";
import type { Generator } from "../random/generator.ts";
import type { Tensor } from "../tensor.ts";

export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";
type GenOpts = { generator?: Generator };

export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear": case "conv1d": case "conv2d": case "conv3d":
    case "conv_transpose1d": case "conv_transpose2d": case "conv_transpose3d": case "sigmoid":
      return 1;
    case "tanh":
      return 5.0 / 3;
    case "relu":
      return Math.sqrt(2.0);
    case "leaky_relu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case "selu":
      return 3.0 / 4;
    default:
      throw new ValueError(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** fan_in = size(1) * receptive field, fan_out = size(0) * receptive field. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.dim() < 2) throw new ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  let receptive = 1;
  for (let i = 2; i < t.dim(); i++) receptive *= t.shape[i];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

export function uniform_(t: Tensor, a = 0, b = 1, opts: GenOpts = {}): Tensor {
  return noGrad(() => t.uniform_(a, b, opts));
}
export function normal_(t: Tensor, mean = 0, std = 1, opts: GenOpts = {}): Tensor {
  return noGrad(() => t.normal_(mean, std, opts));
}
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

export function xavierUniform_(t: Tensor, opts: { gain?: number } & GenOpts = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = (opts.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(t, -a, a, opts);
}
export function xavierNormal_(t: Tensor, opts: { gain?: number } & GenOpts = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = (opts.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(t, 0, std, opts);
}

export interface KaimingOptions extends GenOpts {
  a?: number;
  mode?: "fan_in" | "fan_out";
  nonlinearity?: Nonlinearity;
}
function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const mode = opts.mode ?? "fan_in";
  if (mode !== "fan_in" && mode !== "fan_out") throw new ValueError(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === "fan_in" ? fanIn : fanOut;
  if (fan === 0) throw new RuntimeError("Initializing zero-element tensors is a no-op");
  const gain = calculateGain(opts.nonlinearity ?? "leaky_relu", opts.a ?? 0);
  return gain / Math.sqrt(fan);
}
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3.0) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound, opts);
}
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, opts), opts);
}
