// The Optimizer base: parameter groups, PyTorch's errors, zeroGrad, stateDict structure,
// loadStateDict checks, and the argument checks of every optimizer.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";
import * as optim from "../src/optim/index.ts";

const param = (values: number[] = [1, 2, 3]): Tensor => torch.tensor(values, { dtype: "float64", requiresGrad: true });

describe("parameter groups", () => {
  test("an iterable of parameters becomes one group with the defaults", () => {
    const a = param();
    const b = param();
    const opt = new optim.SGD(new Set([a, b]).values(), { lr: 0.1, momentum: 0.9 });
    assert.equal(opt.paramGroups.length, 1);
    assert.deepEqual(opt.paramGroups[0]!.params, [a, b]);
    assert.equal(opt.paramGroups[0]!.lr, 0.1);
    assert.equal(opt.paramGroups[0]!.momentum, 0.9);
    assert.equal(opt.paramGroups[0]!.weightDecay, 0);
    assert.equal(opt.paramGroups[0]!.nesterov, false);
  });

  test("groups override the defaults; addParamGroup adds one", () => {
    const [a, b, c] = [param(), param(), param()];
    const opt = new optim.Adam([{ params: [a], lr: 0.5 }, { params: b, weightDecay: 0.1 }], { lr: 0.01 });
    assert.equal(opt.paramGroups[0]!.lr, 0.5);
    assert.equal(opt.paramGroups[1]!.lr, 0.01);
    assert.deepEqual(opt.paramGroups[1]!.params, [b]);
    assert.equal(opt.paramGroups[1]!.weightDecay, 0.1);
    opt.addParamGroup({ params: [c], betas: [0.5, 0.6] });
    assert.deepEqual(opt.paramGroups[2]!.betas, [0.5, 0.6]);
    assert.equal(opt.paramGroups[2]!.eps, 1e-8);
  });

  test("SGD's lr may come from every group instead of the defaults", () => {
    const opt = new optim.SGD([{ params: [param()], lr: 0.3 }]);
    assert.equal(opt.paramGroups[0]!.lr, 0.3);
    assert.throws(() => new optim.SGD([param()]), {
      name: "ValueError",
      message: "parameter group didn't specify a value of required optimization parameter lr",
    });
  });

  test("PyTorch's errors for bad parameters", () => {
    assert.throws(() => new optim.SGD([], { lr: 0.1 }), { name: "ValueError", message: "optimizer got an empty parameter list" });
    assert.throws(() => new optim.SGD(param() as unknown as Tensor[], { lr: 0.1 }), {
      name: "TypeError",
      message: "params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.DoubleTensor",
    });
    const a = param();
    assert.throws(() => new optim.SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 }), {
      name: "ValueError",
      message: "some parameters appear in more than one parameter group",
    });
    assert.throws(() => new optim.SGD([a.mul(2)], { lr: 0.1 }), { name: "ValueError", message: "can't optimize a non-leaf Tensor" });
    assert.throws(() => new optim.SGD([a, 3 as unknown as Tensor], { lr: 0.1 }), {
      name: "TypeError",
      message: "optimizer can only optimize Tensors, but one of the params is number",
    });
    assert.throws(() => new optim.SGD([{ params: new Set([a]) }], { lr: 0.1 }), /ordering of tensors in sets will change between runs/);
  });
});

describe("argument checks, with PyTorch's messages", () => {
  const p = (): Tensor[] => [param()];
  const cases: Array<[string, () => unknown, string]> = [
    ["SGD lr", () => new optim.SGD(p(), { lr: -1 }), "Invalid learning rate: -1"],
    ["SGD momentum", () => new optim.SGD(p(), { lr: 0.1, momentum: -0.5 }), "Invalid momentum value: -0.5"],
    ["SGD weight decay", () => new optim.SGD(p(), { lr: 0.1, weightDecay: -1 }), "Invalid weight_decay value: -1"],
    ["SGD nesterov", () => new optim.SGD(p(), { lr: 0.1, nesterov: true }), "Nesterov momentum requires a momentum and zero dampening"],
    ["SGD nesterov dampening", () => new optim.SGD(p(), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), "Nesterov momentum requires a momentum and zero dampening"],
    ["Adam eps", () => new optim.Adam(p(), { eps: -1 }), "Invalid epsilon value: -1"],
    ["Adam beta0", () => new optim.Adam(p(), { betas: [1, 0.999] }), "Invalid beta parameter at index 0: 1"],
    ["AdamW beta1", () => new optim.AdamW(p(), { betas: [0.9, -0.1] }), "Invalid beta parameter at index 1: -0.1"],
    ["Adamax lr", () => new optim.Adamax(p(), { lr: -0.1 }), "Invalid learning rate: -0.1"],
    ["NAdam momentum decay", () => new optim.NAdam(p(), { momentumDecay: -1 }), "Invalid momentum_decay value: -1"],
    ["RAdam weight decay", () => new optim.RAdam(p(), { weightDecay: -1 }), "Invalid weight_decay value: -1"],
    ["RMSprop alpha", () => new optim.RMSprop(p(), { alpha: -1 }), "Invalid alpha value: -1"],
    ["Adagrad lr decay", () => new optim.Adagrad(p(), { lrDecay: -1 }), "Invalid lr_decay value: -1"],
    ["Adagrad accumulator", () => new optim.Adagrad(p(), { initialAccumulatorValue: -1 }), "Invalid initial_accumulator_value value: -1"],
    ["Adadelta rho", () => new optim.Adadelta(p(), { rho: 1.5 }), "Invalid rho value: 1.5"],
    ["Rprop lr", () => new optim.Rprop(p(), { lr: -0.5 }), "Invalid learning rate: -0.5"],
    ["Rprop etaminus", () => new optim.Rprop(p(), { etas: [1.2, 1.5] }), "Invalid eta values: 1.2, 1.5"],
    ["Rprop etaplus", () => new optim.Rprop(p(), { etas: [0.5, 0.9] }), "Invalid eta values: 0.5, 0.9"],
    ["ASGD lr", () => new optim.ASGD(p(), { lr: -1 }), "Invalid learning rate: -1"],
    ["ASGD weight decay", () => new optim.ASGD(p(), { weightDecay: -0.1 }), "Invalid weight_decay value: -0.1"],
    ["LBFGS groups", () => new optim.LBFGS([{ params: [param()] }, { params: [param()] }]), "LBFGS doesn't support per-parameter options (parameter groups)"],
  ];
  for (const [name, make, message] of cases) {
    test(name, () => assert.throws(make, { message }));
  }
  test("LBFGS needs a closure", () => {
    assert.throws(() => new optim.LBFGS([param()]).step(), /LBFGS requires a closure/);
  });
});

describe("step and zeroGrad", () => {
  test("parameters without a gradient are skipped and get no state", () => {
    const a = param([1, 2]);
    const b = param([3, 4]);
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    a.grad = torch.tensor([1, -1], { dtype: "float64" });
    opt.step();
    assert.deepEqual(b.tolist(), [3, 4]);
    assert.ok(opt.state.has(a));
    assert.ok(!opt.state.has(b));
    // Adam's first step moves every coordinate by lr (m / sqrt(v) = sign(g))
    const moved = (a.tolist() as number[]).map((v, i) => v - [1, 2][i]!);
    assert.ok(Math.abs(moved[0]! + 0.1) < 1e-6 && Math.abs(moved[1]! - 0.1) < 1e-6, String(moved));
  });

  test("step(closure) evaluates the closure with gradients enabled and returns its loss", () => {
    const w = param([2]);
    const opt = new optim.SGD([w], { lr: 0.25 });
    const loss = torch.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = w.mul(w).sum();
        l.backward();
        return l;
      }),
    );
    assert.equal(loss!.item(), 4);
    assert.deepEqual(w.tolist(), [1]); // 2 - 0.25 * 4
  });

  test("the update does not enter the autograd graph", () => {
    const w = param([1, 2]);
    const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = torch.tensor([1, 1], { dtype: "float64" });
    opt.step();
    assert.equal(w.gradFn, null);
    assert.ok(w.isLeaf);
    assert.equal((opt.state.get(w)!.momentum_buffer as Tensor).requiresGrad, false);
  });

  test("zeroGrad sets gradients to null by default, to zeros with setToNone: false", () => {
    const w = param([1, 2]);
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.grad = torch.tensor([5, 6], { dtype: "float64" });
    const g = w.grad;
    opt.zeroGrad({ setToNone: false });
    assert.equal(w.grad, g);
    assert.deepEqual(w.grad!.tolist(), [0, 0]);
    opt.zeroGrad();
    assert.equal(w.grad, null);
  });
});

describe("stateDict / loadStateDict", () => {
  test("PyTorch's structure: indices across groups, snake_case option keys", () => {
    const [a, b, c] = [param(), param(), param()];
    const opt = new optim.SGD([{ params: [a, b] }, { params: [c], weightDecay: 0.5 }], { lr: 0.1, momentum: 0.9 });
    for (const p of [a, c]) p.grad = torch.onesLike(p);
    opt.step();
    const sd = opt.stateDict();
    assert.deepEqual(sd.param_groups, [
      { lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0, 1] },
      { lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0.5, nesterov: false, maximize: false, params: [2] },
    ]);
    assert.deepEqual(Object.keys(sd.state).sort(), ["0", "2"]);
    assert.deepEqual((sd.state[0]!.momentum_buffer as Tensor).tolist(), [1, 1, 1]);
  });

  test("loadStateDict copies, restores group options and checks the layout", () => {
    const a = param();
    const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    a.grad = torch.onesLike(a);
    opt.step();
    const sd = opt.stateDict();
    const b = param();
    const opt2 = new optim.SGD([b], { lr: 0.7 });
    opt2.loadStateDict(sd);
    assert.equal(opt2.paramGroups[0]!.lr, 0.1);
    assert.equal(opt2.paramGroups[0]!.momentum, 0.9);
    assert.equal(opt2.paramGroups[0]!.params[0], b);
    const buf = opt2.state.get(b)!.momentum_buffer as Tensor;
    assert.notEqual(buf, sd.state[0]!.momentum_buffer);
    assert.deepEqual(buf.tolist(), [1, 1, 1]);

    const two = new optim.SGD([{ params: [param()] }, { params: [param()] }], { lr: 0.1 });
    assert.throws(() => two.loadStateDict(sd), { name: "ValueError", message: "loaded state dict has a different number of parameter groups" });
    const bigger = new optim.SGD([param(), param()], { lr: 0.1 });
    assert.throws(() => bigger.loadStateDict(sd), {
      name: "ValueError",
      message: "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
    });
  });

  test("a PyTorch-style dict (tensor step, float32 state for a float64 parameter) loads cast to the parameter", () => {
    const p = param([1, 2]);
    const opt = new optim.Adam([p], { lr: 0.1 });
    opt.loadStateDict({
      state: { 0: { step: torch.tensor(3), exp_avg: torch.tensor([0.5, 0.25]), exp_avg_sq: torch.tensor([1, 4]) } },
      param_groups: [{ lr: 0.2, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false, params: [0] }],
    });
    const s = opt.state.get(p)!;
    assert.equal(s.step, 3);
    assert.equal((s.exp_avg as Tensor).dtype, "float64");
    assert.equal(opt.paramGroups[0]!.lr, 0.2);
    assert.equal(opt.paramGroups[0]!.weightDecay, 0);
  });

  test("toString lists each group's options, as PyTorch's repr", () => {
    const opt = new optim.SGD([param()], { lr: 0.1 });
    assert.equal(
      opt.toString(),
      "SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: false\n    momentum: 0\n    nesterov: false\n    weightDecay: 0\n)",
    );
  });
});

describe("maximize ascends: the same steps as minimizing the negated objective", () => {
  for (const [name, make] of [
    ["Rprop", (ps: Tensor[], maximize: boolean) => new optim.Rprop(ps, { lr: 0.05, etas: [0.4, 1.3], maximize })],
    ["ASGD", (ps: Tensor[], maximize: boolean) => new optim.ASGD(ps, { lr: 0.05, t0: 2, maximize })],
  ] as const) {
    test(name, () => {
      const run = (maximize: boolean) => {
        const w = torch.tensor([0.3, -1.2, 2.0, 0.7], { dtype: "float64", requiresGrad: true });
        const opt = make([w], maximize);
        for (let i = 0; i < 8; i++) {
          opt.zeroGrad();
          // a loss whose gradient changes sign along the way (Rprop's step sizes shrink then)
          const loss = w.sub(torch.tensor([1, -1, 0.5, 0.2], { dtype: "float64" })).pow(2).sum().mul(maximize ? -1 : 1);
          loss.backward();
          opt.step();
        }
        return w.tolist() as number[];
      };
      assert.deepEqual(run(true), run(false));
    });
  }
});
