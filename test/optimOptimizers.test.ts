// Every optimizer against PyTorch 1.13 (fixtures from tools/gen_optim_fixtures.py): a 4-8-3
// tanh MLP trained 20 steps from PyTorch's initial weights; the losses, the final parameters
// (for SGD the whole trajectory) and the optimizer's state dict must match. Then save/resume:
// 10 steps, state dicts of model + optimizer + scheduler loaded into fresh objects, 10 more
// steps, identical to 20 uninterrupted steps.
import { describe, test } from "node:test";
import { checkOptimizerCase, checkSaveResume, fx, SAVE_RESUME_CASES } from "./optim-check.ts";

describe("optimizers match PyTorch 1.13 over 20 steps", () => {
  for (const c of fx.cases) test(c.name, () => checkOptimizerCase(c, "cpu"));
});

describe("save and resume mid-training", () => {
  for (const name of SAVE_RESUME_CASES) {
    test(`${name}: 10 steps + stateDict/loadStateDict + 10 steps == 20 steps`, () => {
      return checkSaveResume(fx.cases.find((k) => k.name === name)!, "cpu");
    });
  }
});
