// nn.Module's methods take PyTorch's arguments and reject others with PyTorch's errors (messages
// as PyTorch 1.13 words them); forward(undefined) fails in the first layer with a TypeError;
// registerFullBackwardHook has PyTorch's semantics.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn, F } = torch;
type T = torch.Tensor;

const expectError = (f: () => unknown, name: string, message: string | RegExp): void =>
  assert.throws(f, (e: Error) => {
    assert.equal(e.name, name, e.message);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });

test("loadStateDict(null) and other non-dicts: PyTorch's TypeError", () => {
  const m = new nn.Linear(3, 2);
  expectError(() => m.loadStateDict(null as never), "TypeError", "Expected state_dict to be dict-like, got <class 'NoneType'>.");
  expectError(() => m.loadStateDict([] as never), "TypeError", "Expected state_dict to be dict-like, got <class 'list'>.");
  expectError(() => m.loadStateDict(torch.zeros(2) as never), "TypeError", "Expected state_dict to be dict-like, got <class 'torch.Tensor'>.");
  // strict positionally, as PyTorch
  const r = m.loadStateDict({ weight: torch.zeros(2, 3) }, false);
  assert.deepEqual(r.missingKeys, ["bias"]);
  expectError(() => m.loadStateDict({}, { stric: false } as never), "TypeError", "loadStateDict() got an unexpected keyword argument 'stric'");
});

test("forward(undefined) is the first layer's TypeError, for every kind of layer", () => {
  const modules: Array<[torch.nn.Module, RegExp]> = [
    [new nn.Linear(3, 2), /^linear\(\): argument 'input' must be a Tensor, but got undefined$/],
    [new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU()), /^linear\(\): argument 'input' must be a Tensor/],
    [new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.Flatten()), /^conv2d\(\): argument 'input' must be a Tensor/],
    [new nn.Conv1d(1, 2, 3), /conv1d\(\): argument 'input'/],
    [new nn.ConvTranspose2d(1, 2, 3), /convTranspose2d\(\): argument 'input'/],
    [new nn.BatchNorm2d(3), /BatchNorm2d\(\): argument 'input'/],
    [new nn.LayerNorm(3), /layerNorm\(\): argument 'input'/],
    [new nn.GroupNorm(1, 3), /groupNorm\(\): argument 'input'/],
    [new nn.Embedding(4, 2), /embedding\(\): argument 'input'/],
    [new nn.Dropout(), /dropout\(\): argument 'input'/],
    [new nn.ReLU(), /relu\(\): argument 'input'/],
    [new nn.GELU(), /gelu\(\): argument 'input'/],
    [new nn.Tanh(), /tanh\(\): argument 'input'/],
    [new nn.Softmax(1), /softmax\(\): argument 'input'/],
    [new nn.MaxPool2d(2), /maxPool2d\(\): argument 'input'/],
    [new nn.AvgPool1d(2), /avgPool1d\(\): argument 'input'/],
    [new nn.AdaptiveAvgPool2d(2), /adaptiveAvgPool2d\(\): argument 'input'/],
    [new nn.Upsample({ scaleFactor: 2 }), /interpolate\(\): argument 'input'/],
    [new nn.Flatten(), /flatten\(\): argument 'input'/],
    [new nn.LSTM(3, 4), /LSTM\(\): argument 'input'/],
    [new nn.GRUCell(3, 4), /GRUCell\(\): argument 'input'/],
    [new nn.MSELoss(), /mseLoss\(\): argument 'input'/],
    [new nn.CrossEntropyLoss(), /crossEntropy\(\): argument 'input'/],
    [new nn.MultiheadAttention(4, 2), /argument 'query' must be a Tensor/],
    [new nn.TransformerEncoderLayer(4, 2, 8), /argument 'src' must be a Tensor/],
    [new nn.PReLU(), /prelu\(\): argument 'input'/],
  ];
  for (const [m, msg] of modules) expectError(() => (m.forward as (x?: unknown) => unknown)(undefined), "TypeError", msg);
});

test("Module methods check their arguments as PyTorch does", () => {
  const m = new nn.Linear(3, 2);
  expectError(() => m.train(1 as never), "ValueError", "training mode is expected to be boolean");
  assert.equal(m.train(false).training, false);
  assert.equal(m.train({ mode: true }).training, true);
  expectError(() => m.to("int64"), "TypeError", "nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64");
  expectError(() => m.to("float16" as never), "TypeError", /to\(\): argument 'dtype' must be a dtype/);
  expectError(() => m.to("cpu" as never), "TypeError", /to\(\): argument 'dtype' must be a dtype/);
  assert.equal(m.to({ dtype: "float64" }).weight.dtype, "float64");
  assert.equal(m.to(torch.zeros(1)).weight.dtype, "float32", "to(tensor) takes its dtype");
  expectError(() => m.registerBuffer(3 as never, null), "TypeError", "buffer name should be a string. Got int");
  expectError(() => m.registerBuffer("b", 3 as never), "TypeError", "cannot assign 'int' object to buffer 'b' (torch Tensor or None required)");
  expectError(() => m.registerBuffer("a.b", null), "KeyError", 'buffer name can\'t contain "."');
  expectError(() => m.registerParameter("p", torch.zeros(2) as never), "TypeError", "cannot assign 'torch.Tensor' object to parameter 'p' (torch.nn.Parameter or None required)");
  expectError(() => m.addModule(3 as never, null), "TypeError", "module name should be a string. Got int");
  expectError(() => m.addModule("a.b", null), "KeyError", 'module name can\'t contain ".", got: a.b');
  expectError(() => m.addModule("", null), "KeyError", 'module name can\'t be empty string ""');
  expectError(() => m.addModule("a", 3 as never), "TypeError", "int is not a Module subclass");
  expectError(() => m.addModule("train", new nn.ReLU()), "KeyError", "attribute 'train' already exists");
  expectError(() => m.addModule("inFeatures", new nn.ReLU()), "KeyError", "attribute 'inFeatures' already exists");
  expectError(() => m.registerForwardHook(5 as never), "TypeError", /registerForwardHook\(\): argument 'hook' must be a function/);
  expectError(() => m.registerFullBackwardHook("f" as never), "TypeError", /argument 'hook' must be a function/);
  expectError(() => m.apply(5 as never), "TypeError", /apply\(\): argument 'fn' must be a function/);
  expectError(() => m.getSubmodule(5 as never), "TypeError", /getSubmodule\(\): argument 'target' must be a string/);
  expectError(() => m.stateDict({ keep_vars: true } as never), "TypeError", "stateDict() got an unexpected keyword argument 'keep_vars' (torch-ts spells it 'keepVars')");
  expectError(() => m.zeroGrad("yes" as never), "TypeError", /zeroGrad\(\): argument 'setToNone' must be a boolean/);
  expectError(() => m.requiresGrad_(0 as never), "TypeError", /requiresGrad_\(\): argument 'requiresGrad' must be a boolean/);
  expectError(() => m.parameters("no" as never), "TypeError", /parameters\(\): argument 'recurse' must be a boolean/);
});

test("Module methods take PyTorch's positional forms", () => {
  const net = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
  assert.deepEqual(net.namedParameters("net", false), [], "named_parameters(prefix, recurse=False): the container has none of its own");
  assert.deepEqual(net.namedParameters("net").map(([k]) => k), ["net.0.weight", "net.0.bias", "net.1.weight", "net.1.bias"]);
  assert.deepEqual(net.namedBuffers("", true).map(([k]) => k), ["1.running_mean", "1.running_var", "1.num_batches_tracked"]);
  assert.equal(net.parameters(false).length, 0);
  assert.deepEqual([...net.namedModules(null, "m")].map(([k]) => k), ["m", "m.0", "m.1"]);
  const shared = new nn.Linear(2, 2);
  const twice = new nn.Sequential(shared, shared);
  assert.equal([...twice.namedModules()].length, 2, "remove_duplicate=True");
  assert.equal([...twice.namedModules(null, "", false)].length, 3, "remove_duplicate=False");
  assert.deepEqual(Object.keys(net.stateDict({ prefix: "x." })).slice(0, 2), ["x.0.weight", "x.0.bias"]);
  const dest: Record<string, T> = {};
  assert.equal(net.stateDict({ destination: dest }), dest);
  const b = new nn.Module();
  b.registerBuffer("tmp", torch.zeros(1), false);
  assert.deepEqual(Object.keys(b.stateDict()), [], "register_buffer(name, tensor, persistent=False)");
  const lin = new nn.Linear(2, 1);
  lin.forward(torch.ones(1, 2)).sum().backward();
  lin.zeroGrad(false);
  assert.deepEqual(lin.weight.grad!.tolist(), [[0, 0]], "zero_grad(set_to_none=False) zeroes in place");
  lin.zeroGrad();
  assert.equal(lin.weight.grad, null);
  lin.requiresGrad_(false);
  assert.equal(lin.weight.requiresGrad, false);
});

test("ModuleList, ModuleDict and Sequential take PyTorch's forms", () => {
  const l = new nn.ModuleList([new nn.ReLU()]);
  l.append(new nn.Tanh()).extend([new nn.Sigmoid()]);
  l.insert(0, new nn.GELU());
  assert.deepEqual([...l].map((m) => m.constructor.name), ["GELU", "ReLU", "Tanh", "Sigmoid"]);
  expectError(() => l.append(3 as never), "TypeError", "int is not a Module subclass");
  expectError(() => l.get(7), "IndexError", "index 7 is out of range");
  expectError(() => new (nn.ModuleList as unknown as new (...a: unknown[]) => unknown)([new nn.ReLU()], { modules: [] }), "TypeError", "ModuleList() got multiple values for argument 'modules'");
  const d = new nn.ModuleDict(new Map([["b", new nn.ReLU()], ["a", new nn.Tanh()]]));
  assert.deepEqual(d.keys(), ["b", "a"], "insertion order");
  d.update([["c", new nn.Sigmoid()]]);
  assert.equal(d.pop("b").constructor.name, "ReLU");
  assert.deepEqual(d.keys(), ["a", "c"]);
  expectError(() => d.get("zz"), "KeyError", "'zz'");
  expectError(() => new nn.ModuleDict({ forward: new nn.ReLU() }), "KeyError", "attribute 'forward' already exists");
  const s = new nn.Sequential(new Map<string, torch.nn.Module>([["fc", new nn.Linear(2, 3)], ["act", new nn.ReLU()]]));
  assert.deepEqual(Object.keys(s.stateDict()), ["fc.weight", "fc.bias"], "Sequential(OrderedDict)");
  expectError(() => (s.forward as (x: unknown) => unknown)("x"), "TypeError", /linear\(\): argument 'input' must be a Tensor, but got string "x"/);
  expectError(() => l.forward(torch.ones(1)), "NotImplementedError", 'Module [ModuleList] is missing the required "forward" function');
});

// ---- registerFullBackwardHook ----------------------------------------------------------------

test("registerFullBackwardHook: hook(module, gradInput, gradOutput) once per backward, PyTorch's values", () => {
  torch.manualSeed(0);
  const fc = new nn.Linear(3, 2).double();
  const x = torch.randn([4, 3], { dtype: "float64" }).requiresGrad_();
  const g = torch.randn([4, 2], { dtype: "float64" });
  const calls: Array<{ m: torch.nn.Module; gi: Array<T | null>; go: Array<T | null> }> = [];
  const handle = fc.registerFullBackwardHook((m, gi, go) => void calls.push({ m, gi, go }));
  const y = fc.forward(x);
  y.backward(g);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].m, fc);
  assert.equal(calls[0].go.length, 1);
  assert.deepEqual(calls[0].go[0]!.tolist(), g.tolist(), "gradOutput: dL/dy");
  assert.equal(calls[0].gi.length, 1);
  assert.deepEqual(calls[0].gi[0]!.tolist(), g.matmul(fc.weight.detach()).tolist(), "gradInput: dL/dx = g W");
  assert.deepEqual(x.grad!.tolist(), g.matmul(fc.weight.detach()).tolist(), "the gradient flows on unchanged");
  assert.deepEqual(fc.weight.grad!.tolist(), g.t().matmul(x.detach()).tolist(), "parameter gradients are untouched");

  // a replacement gradInput is what reaches the input
  handle.remove();
  x.grad = null;
  const h2 = fc.registerFullBackwardHook((_m, gi) => [gi[0]!.mul(2)]);
  fc.forward(x).backward(g);
  assert.deepEqual(x.grad!.tolist(), g.matmul(fc.weight.detach()).mul(2).tolist());
  h2.remove();
  x.grad = null;
  fc.forward(x).backward(g);
  assert.deepEqual(x.grad!.tolist(), g.matmul(fc.weight.detach()).tolist(), "removed");
});

test("registerFullBackwardHook: several inputs, a non-tensor argument, inputs without grad, wrong replacements", () => {
  class Mix extends nn.Module {
    override forward(a: T, b: T, scale: number): T {
      return a.mul(b).mul(scale);
    }
  }
  const m = new Mix();
  const seen: Array<[Array<T | null>, Array<T | null>]> = [];
  m.registerFullBackwardHook((_m, gi, go) => void seen.push([gi, go]));
  const a = torch.tensor([1, 2, 3], { dtype: "float64" }).requiresGrad_();
  const b = torch.tensor([4, 5, 6], { dtype: "float64" });
  (m.forward as (a: T, b: T, s: number) => T)(a, b, 2).sum().backward();
  assert.equal(seen.length, 1);
  const [gi, go] = seen[0];
  assert.equal(gi.length, 3, "one entry per argument");
  assert.deepEqual(gi[0]!.tolist(), [8, 10, 12]);
  assert.equal(gi[1], null, "b does not require grad");
  assert.equal(gi[2], null, "not a tensor");
  assert.deepEqual(go[0]!.tolist(), [1, 1, 1]);

  // no input requires grad (only a parameter does): the hook still runs, with gradInput all null
  const fc = new nn.Linear(2, 1);
  const got: Array<Array<T | null>> = [];
  fc.registerFullBackwardHook((_m, gi2) => void got.push(gi2));
  fc.forward(torch.ones(3, 2)).sum().backward();
  assert.deepEqual(got, [[null]]);
  const bad = new nn.Linear(2, 1);
  bad.registerFullBackwardHook(() => [torch.ones(3, 2)]);
  assert.throws(() => bad.forward(torch.ones(3, 2)).sum().backward(), /Backward hook for Modules where no input requires gradient should always return None or None for all gradients/);
  const wrong = new nn.Linear(2, 1);
  wrong.registerFullBackwardHook(() => [null, null]);
  assert.throws(() => wrong.forward(torch.ones(3, 2).requiresGrad_()).sum().backward(), /Backward hook returned an invalid number of grad_input, got 2, but expected 1/);
});

test("registerFullBackwardHook on layers of a network fires from the last layer to the first", () => {
  const net = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 1));
  const order: string[] = [];
  for (const [name, layer] of net.namedChildren()) layer.registerFullBackwardHook(() => void order.push(name));
  net.registerFullBackwardHook(() => void order.push("net"));
  (net.forward(torch.randn(5, 3).requiresGrad_()) as T).sum().backward();
  assert.deepEqual(order, ["2", "1", "0", "net"]);
});

test("flattenParameters is a documented no-op on the recurrent layers", () => {
  for (const m of [new nn.LSTM(3, 4), new nn.GRU(3, 4), new nn.RNN(3, 4)]) {
    const x = torch.randn(5, 2, 3);
    // The three forwards' overloads (Tensor or PackedSequence input) do not unify: called as one shape here.
    const forward = (input: T): [T, unknown] => (m.forward as (input: T) => [T, unknown])(input);
    const before = forward(x)[0].tolist();
    assert.equal(m.flattenParameters(), undefined);
    assert.deepEqual(forward(x)[0].tolist(), before);
  }
});

test("the calls of pytorch/examples type-check and build what they build in PyTorch", () => {
  const [nz, ngf, ntoken, ninp, nhead, nhid, nlayers] = [100, 8, 50, 16, 2, 32, 2];
  const dcgan = new nn.Sequential(
    new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, 0, 1, false),
    new nn.BatchNorm2d(ngf * 8),
    new nn.ReLU(true),
    new nn.ConvTranspose2d(ngf * 8, 3, 4, 2, 1, 0, 1, false),
    new nn.Tanh(),
  );
  assert.equal(String(dcgan.get(0)), "ConvTranspose2d(100, 64, kernel_size=(4, 4), stride=(1, 1), bias=False)");
  const disc = new nn.Sequential(new nn.Conv2d(3, ngf, 4, 2, 1, 1, 1, false), new nn.LeakyReLU(0.2, true), new nn.Dropout2d(0.25));
  assert.equal(String(disc.get(1)), "LeakyReLU(negative_slope=0.2, inplace=True)");
  const mnist = [new nn.Conv2d(1, 32, 3, 1), new nn.Conv2d(32, 64, 3, 1), new nn.Dropout(0.25), new nn.Linear(9216, 128), new nn.MaxPool2d(2, 1)];
  assert.deepEqual(mnist.map(String), [
    "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))", "Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1))",
    "Dropout(p=0.25, inplace=False)", "Linear(in_features=9216, out_features=128, bias=True)",
    "MaxPool2d(kernel_size=2, stride=1, padding=0, dilation=1, ceil_mode=False)",
  ]);
  const rnn = new nn.LSTM(ninp, nhid, nlayers, { dropout: 0.2 });
  assert.equal(rnn.numLayers, 2);
  const encoderLayers = new nn.TransformerEncoderLayer(ninp, nhead, nhid, 0.2);
  const encoder = new nn.TransformerEncoder(encoderLayers, nlayers);
  assert.equal(encoder.layers.length, 2);
  assert.equal((encoder.layers.get(0) as torch.nn.TransformerEncoderLayer).linear1.outFeatures, nhid);
  const emb = new nn.Embedding(ntoken, ninp);
  const x = emb.forward(torch.tensor([[1, 2, 3]]));
  const h = F.dropout(x, 0.2, true);
  assert.deepEqual(F.logSoftmax(h, -1).shape, [1, 3, ninp]);
  assert.equal(new nn.Linear(3, 2, false).bias, null);
});
