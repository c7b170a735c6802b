// The argument checks PyTorch's optimizers share, with PyTorch's messages.
import { ValueError } from "../errors.ts";

export function checkLr(lr: number): void {
  if (!(0 <= lr)) throw new ValueError(`Invalid learning rate: ${lr}`);
}
export function checkEps(eps: number): void {
  if (!(0 <= eps)) throw new ValueError(`Invalid epsilon value: ${eps}`);
}
export function checkBetas(betas: readonly [number, number] | readonly number[]): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(`betas must be a pair of numbers, got ${String(betas)}`);
  if (!(0 <= betas[0]! && betas[0]! < 1)) throw new ValueError(`Invalid beta parameter at index 0: ${betas[0]}`);
  if (!(0 <= betas[1]! && betas[1]! < 1)) throw new ValueError(`Invalid beta parameter at index 1: ${betas[1]}`);
}
export function checkWeightDecay(weightDecay: number): void {
  if (!(0 <= weightDecay)) throw new ValueError(`Invalid weight_decay value: ${weightDecay}`);
}
export function checkNonNegative(name: string, value: number): void {
  if (!(0 <= value)) throw new ValueError(`Invalid ${name} value: ${value}`);
}
