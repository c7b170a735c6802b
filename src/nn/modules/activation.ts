// Activation modules.
import type { Tensor } from "../../tensor.ts";
import * as F from "../functional.ts";
import { Module } from "../module.ts";

export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}
