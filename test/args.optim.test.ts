// Optimizers, lr schedulers and gradient clipping in PyTorch's call forms: the positional
// order of torch.optim's constructors, one trailing options object, param-group options
// checked as the constructor's, and a TypeError naming the argument for anything else.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

const { optim, nn } = torch;
const { lrScheduler } = optim;
const typeError = (f: () => unknown, msg: RegExp) => assert.throws(f, (e: Error) => e.name === "TypeError" && msg.test(e.message), String(msg));

/** Two SGD/Adam steps on f(w) = sum(w * c): the parameters after them. */
function steps(make: (ps: torch.Tensor[]) => { step(): unknown; zeroGrad(): void }): number[] {
  const w = torch.tensor([1, -2, 3], { dtype: "float64", requiresGrad: true });
  const c = torch.tensor([0.5, 1, -1.5], { dtype: "float64" });
  const opt = make([w]);
  for (let i = 0; i < 2; i++) {
    opt.zeroGrad();
    w.mul(c).sum().backward();
    opt.step();
  }
  return w.tolist() as number[];
}

test("optimizers: PyTorch's positional order and the options object build the same optimizer", () => {
  // SGD(params, lr, momentum, dampening, weight_decay, nesterov): momentum 0.9, weight decay 0.1
  const positional = steps((ps) => new optim.SGD(ps, 0.1, 0.9, 0, 0.1, true));
  const keywords = steps((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov: true }));
  assert.deepEqual(positional, keywords);
  // PyTorch 1.13 for the same program: torch.optim.SGD([w], 0.1, 0.9, 0, 0.1, True)
  const want = [0.725566, -2.3659120000000002, 3.548868];
  positional.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-12, `${v} vs ${want[i]}`));
  assert.deepEqual(
    steps((ps) => new optim.Adam(ps, 0.01, [0.8, 0.9], 1e-6, 0, true)),
    steps((ps) => new optim.Adam(ps, 0.01, { betas: [0.8, 0.9], eps: 1e-6, amsgrad: true })),
  );
  assert.deepEqual(new optim.RMSprop([torch.zeros(1)], 0.01, 0.9).paramGroups[0]!.alpha, 0.9);
  assert.deepEqual(new optim.AdamW([torch.zeros(1)]).paramGroups[0]!.weightDecay, 0.01);
  // Rprop(params, lr, etas, step_sizes, foreach, maximize); ASGD(params, lr, lambd, alpha, t0, weight_decay, foreach, maximize)
  assert.deepEqual(steps((ps) => new optim.Rprop(ps, 0.05, [0.4, 1.3], [1e-4, 1], null, true)), steps((ps) => new optim.Rprop(ps, { lr: 0.05, etas: [0.4, 1.3], stepSizes: [1e-4, 1], maximize: true })));
  assert.deepEqual(steps((ps) => new optim.ASGD(ps, 0.05, 1e-3, 0.6, 1, 0.1, null, true)), steps((ps) => new optim.ASGD(ps, { lr: 0.05, lambd: 1e-3, alpha: 0.6, t0: 1, weightDecay: 0.1, maximize: true })));
  const lbfgs = new optim.LBFGS([torch.zeros(1)], 1, 20);
  assert.deepEqual([lbfgs.paramGroups[0]!.maxIter, lbfgs.paramGroups[0]!.maxEval], [20, 25]);
  assert.equal(new optim.LBFGS([torch.zeros(1)], { lineSearchFn: "strong_wolfe" }).paramGroups[0]!.lineSearchFn, "strong_wolfe");
  // foreach picks PyTorch's multi-tensor kernels: the same update, accepted with any value
  assert.deepEqual(steps((ps) => new optim.Adam(ps, { foreach: true })), steps((ps) => new optim.Adam(ps)));
});

test("optimizers: unknown keys, wrong types and unhonourable flags are refused at construction", () => {
  const p = () => [torch.zeros(2, { requiresGrad: true })];
  typeError(() => new optim.SGD(p(), { lr: 0.1, weight_decay: 0.1 } as never), /^SGD\(\) got an unexpected keyword argument 'weight_decay' \(torch-ts spells it 'weightDecay'\)$/);
  typeError(() => new optim.Adam(p(), { lr: 0.1, bets: [0.9, 0.99] } as never), /^Adam\(\) got an unexpected keyword argument 'bets'/);
  typeError(() => new optim.SGD(p(), "a" as never), /^SGD\(\): argument 'lr' must be a number, but got string "a"$/);
  typeError(() => new optim.Adam(p(), { betas: 0.9 } as never), /^Adam\(\): argument 'betas' must be a pair of numbers, but got number 0.9$/);
  typeError(() => new optim.SGD(p(), 0.1, 0.9, 0, 0, true, 1 as never), /^SGD\(\) takes from 0 to 5 positional arguments but 6 were given$/);
  typeError(() => new optim.SGD(p(), 0.1, { lr: 0.2 } as never), /^SGD\(\) got multiple values for argument 'lr'$/);
  typeError(() => new optim.LBFGS(p(), { line_search_fn: "strong_wolfe" } as never), /unexpected keyword argument 'line_search_fn' \(torch-ts spells it 'lineSearchFn'\)/);
  assert.throws(() => new optim.Adam(p(), { lr: -1 }), { name: "ValueError", message: "Invalid learning rate: -1" });
  assert.throws(() => new optim.Adam(p(), 1e-3, [1, 0.9]), { name: "ValueError", message: "Invalid beta parameter at index 0: 1" });
  assert.throws(() => new optim.SGD(p()).step(), { name: "ValueError", message: "parameter group didn't specify a value of required optimization parameter lr" });
  // PyTorch's own errors for flags that need CUDA or an autograd-recorded step
  assert.throws(() => new optim.Adam(p(), { fused: true }), { name: "RuntimeError", message: "FusedAdam requires all the params to be CUDA, floating point" });
  assert.throws(() => new optim.Adam(p(), { capturable: true }), { name: "AssertionError", message: "If capturable=True, params and state_steps must be CUDA tensors." });
  assert.throws(() => new optim.SGD(p(), 0.1, { differentiable: true }), { name: "NotImplementedError" });
});

test("param groups: options checked as the constructor's, PyTorch's snake_case keys named, the user's own keys kept", () => {
  const p = () => [torch.zeros(2, { requiresGrad: true })];
  const opt = new optim.SGD([{ params: p(), lr: 0.5, name: "encoder" } as never, { params: p() }], 0.1, 0.9);
  assert.deepEqual(opt.paramGroups.map((g) => [g.lr, g.momentum, (g as Record<string, unknown>).name]), [[0.5, 0.9, "encoder"], [0.1, 0.9, undefined]]);
  typeError(() => new optim.Adam([{ params: p(), weight_decay: 0.1 } as never]), /^Adam\.addParamGroup\(\): param group key 'weight_decay' is spelled 'weightDecay' in torch-ts/);
  typeError(() => new optim.Adam([{ params: p(), lr: "x" } as never]), /^Adam\.addParamGroup\(\): argument 'lr' must be a number, but got string "x"$/);
  typeError(() => opt.addParamGroup({ params: p(), initial_lr: 0.1 } as never), /param group key 'initial_lr' is spelled 'initialLr'/);
});

test("lr schedulers: positional and options forms give PyTorch's learning rates; bad arguments are TypeErrors", () => {
  const lrs = (make: (o: InstanceType<typeof optim.SGD>) => { step(): void }, n = 5): number[] => {
    const o = new optim.SGD([torch.zeros(1, { requiresGrad: true })], 0.1);
    const s = make(o);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      out.push(o.paramGroups[0]!.lr as number);
      o.step();
      s.step();
    }
    return out;
  };
  const stepLr = [0.1, 0.1, 0.05, 0.05, 0.025];
  assert.deepEqual(lrs((o) => new lrScheduler.StepLR(o, 2, 0.5)), stepLr);
  assert.deepEqual(lrs((o) => new lrScheduler.StepLR(o, { stepSize: 2, gamma: 0.5 })), stepLr);
  assert.deepEqual(lrs((o) => new lrScheduler.MultiStepLR(o, [1, 3], 0.1)), lrs((o) => new lrScheduler.MultiStepLR(o, { milestones: [1, 3], gamma: 0.1 })));
  // PyTorch 1.13: CosineAnnealingLR(opt, 4, 0.01) over 5 steps
  const cos = lrs((o) => new lrScheduler.CosineAnnealingLR(o, 4, 0.01));
  [0.1, 0.08681980515339464, 0.05500000000000001, 0.023180194846605363, 0.01].forEach((w, i) => assert.ok(Math.abs(cos[i]! - w) < 1e-15, `${cos[i]} vs ${w}`));
  assert.deepEqual(lrs((o) => new lrScheduler.LambdaLR(o, (e: number) => 1 / (e + 1)), 3), [0.1, 0.05, 0.1 / 3]);
  typeError(() => new lrScheduler.StepLR(new optim.SGD([torch.zeros(1)], 0.1), { step_size: 2 } as never), /^StepLR\(\) got an unexpected keyword argument 'step_size' \(torch-ts spells it 'stepSize'\)$/);
  typeError(() => new (lrScheduler.StepLR as unknown as new (o: unknown) => unknown)(new optim.SGD([torch.zeros(1)], 0.1)), /^StepLR\(\) missing 1 required positional argument: 'stepSize'$/);
  typeError(() => new lrScheduler.StepLR(new optim.SGD([torch.zeros(1)], 0.1), 2.5), /^StepLR\(\): argument 'stepSize' must be an integer, but got number 2.5$/);
  typeError(() => new lrScheduler.LambdaLR(new optim.SGD([torch.zeros(1)], 0.1), 5 as never), /^LambdaLR\(\): argument 'lrLambda' must be a function or a list of functions, but got number 5$/);
  const plateau = new lrScheduler.ReduceLROnPlateau(new optim.SGD([torch.zeros(1)], 0.1), "max", 0.5, 2);
  assert.deepEqual([plateau.mode, plateau.factor, plateau.patience], ["max", 0.5, 2]);
  assert.throws(() => new lrScheduler.ReduceLROnPlateau(new optim.SGD([torch.zeros(1)], 0.1), "bad" as never), { name: "ValueError", message: "mode bad is unknown!" });
});

test("clipGradNorm_/clipGradValue_: (parameters, maxNorm, normType, errorIfNonfinite) and options", () => {
  const withGrad = () => {
    const w = torch.tensor([3, 4], { dtype: "float64", requiresGrad: true });
    w.mul(w).mul(0.5).sum().backward(); // grad = w
    return w;
  };
  const a = withGrad();
  assert.equal(nn.utils.clipGradNorm_([a], 1, 2).item(), 5);
  const b = withGrad();
  assert.equal(nn.utils.clipGradNorm_([b], { maxNorm: 1, normType: Infinity }).item(), 4);
  assert.deepEqual(a.grad!.tolist(), [3 / (5 + 1e-6), 4 / (5 + 1e-6)]);
  const c = withGrad();
  nn.utils.clipGradValue_([c], { clipValue: 3.5 });
  assert.deepEqual(c.grad!.tolist(), [3, 3.5]);
  typeError(() => nn.utils.clipGradNorm_([a], 1, { error_if_nonfinite: true } as never), /unexpected keyword argument 'error_if_nonfinite' \(torch-ts spells it 'errorIfNonfinite'\)/);
  typeError(() => nn.utils.clipGradValue_([a], "a" as never), /^clip_grad_value_\(\): argument 'clipValue' must be a number, but got string "a"$/);
});
