// F.conv_tbc(input, weight, bias, pad=0): a 1-d convolution over (time, batch, channels) input
// with a (kernel width, in channels, out channels) weight, as fairseq's ConvTBC uses it; the
// conv1d of the permuted operands after padding (or, with a negative pad, cropping) the time dim,
// so its gradients are conv1d's.
import { checkTensor, int, param, parseArgs, type Args } from "../../args.ts";
import { RuntimeError } from "../../errors.ts";
import { fmtShape } from "../../layout.ts";
import { zeros } from "../../ops/creation.ts";
import type { Tensor } from "../../tensor.ts";
import { conv1d } from "./conv.ts";
import { pad as padOp } from "./padding.ts";

/** F.conv_tbc(input [T, B, Cin], weight [K, Cin, Cout], bias [Cout], pad=0): [T + 2 pad - K + 1, B, Cout]. */
export function convTbc(input: Tensor, weight: Tensor, bias: Tensor, ...args: Args<[pad: number], { pad?: number }>): Tensor {
  const fn = "convTbc";
  checkTensor(input, "input", fn);
  checkTensor(weight, "weight", fn);
  checkTensor(bias, "bias", fn);
  const { pad } = parseArgs<{ pad: number }>(fn, [param("pad", int(), 0)], args);
  // ATen's checks, in its order and words
  if (input.ndim !== 3) throw new RuntimeError("Input must have 3 dims: time, batch, in_channel");
  if (weight.ndim !== 3) throw new RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.");
  if (bias.ndim !== 1) throw new RuntimeError("Bias must be 1-D");
  if (input.shape[2] !== weight.shape[1]) throw new RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor");
  if (weight.shape[2] !== bias.shape[0]) throw new RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).");
  const [t, b] = input.shape as [number, number];
  const [k, , cout] = weight.shape as [number, number, number];
  const outLen = t + 2 * pad - k + 1;
  if (outLen < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${outLen}: ${fmtShape([outLen, b, cout])}`);
  if (outLen === 0) return zeros([0, b, cout], { dtype: input.dtype, device: input.device });
  const x = pad === 0 ? input.permute(1, 2, 0) : padOp(input.permute(1, 2, 0), [pad, pad]);
  return conv1d(x, weight.permute(2, 1, 0), bias).permute(2, 0, 1);
}
