// The device API (issue 16): torch.device, t.device, .to / .cpu / the async readers,
// { device } on creation, module.to, state dicts and saving, PyTorch's mixed-device error,
// random numbers drawn on the CPU, device-side errors, memory. The webgpu tests run where an
// adapter exists (SwiftShader without a GPU) and are skipped with the reason elsewhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../src/index.ts";
import { storagePoolStats } from "../src/storagePool.ts";
import { webgpuSkipReason } from "./devices.ts";

type Tensor = torch.Tensor;

// Before any init: what t.to("webgpu") says (the module's first webgpu use).
let beforeInit: unknown = null;
try {
  torch.zeros(2).to("webgpu");
} catch (e) {
  beforeInit = e;
}
const skip = await webgpuSkipReason();
/** A test that needs the webgpu device (skipped, with the reason, where there is none). */
const gpuTest = (name: string, fn: () => void | Promise<void>) => (skip ? test(name, { skip }, () => {}) : test(name, fn));
const W = "webgpu";
const MIXED = "Expected all tensors to be on the same device, but found at least two devices";

// ---- torch.device and the CPU side (always run) --------------------------------------------

test("torch.device: PyTorch's strings, index, repr and errors", () => {
  const d = torch.device("webgpu:0");
  assert.equal(d.type, "webgpu");
  assert.equal(d.index, 0);
  assert.equal(String(d), "webgpu:0");
  assert.equal(String(torch.device("webgpu")), "webgpu");
  assert.equal(torch.device("webgpu").index, null);
  assert.equal(String(torch.device("webgpu", 0)), "webgpu:0");
  assert.equal(String(torch.device(torch.device("cpu"))), "cpu");
  assert.equal((torch.device("webgpu:0") as unknown as { [k: symbol]: () => string })[Symbol.for("nodejs.util.inspect.custom")]!(), "device(type='webgpu', index=0)");
  assert.throws(() => torch.device("cuda"), { name: "RuntimeError", message: 'Expected one of cpu, webgpu device type at start of device string: cuda (torch-ts\'s GPU device is "webgpu")' });
  assert.throws(() => torch.device("gpu"), { name: "RuntimeError", message: "Expected one of cpu, webgpu device type at start of device string: gpu" });
  assert.throws(() => torch.device("webgpu:1"), /webgpu device index 1 is out of range: torch-ts drives one webgpu device per process/);
  assert.throws(() => torch.device("webgpu:0", 0), /must not include an index because index was passed explicitly/);
  assert.throws(() => torch.device(3 as unknown as string), { name: "TypeError" });
});

test("a CPU tensor's device, and to/cpu within the CPU (PyTorch's forms)", () => {
  const x = torch.tensor([1.5, 2.5]);
  assert.equal(x.device.type, "cpu");
  assert.equal(x.device, torch.tensor([1]).device, "every CPU tensor carries the one cpu device");
  assert.equal(x.to("cpu"), x);
  assert.equal(x.cpu(), x);
  assert.equal(x.to(torch.device("cpu")), x);
  assert.equal(x.to("cpu", "float64").dtype, "float64");
  assert.equal(x.to({ dtype: "float64" }).dtype, "float64");
  assert.equal(x.to({ device: "cpu", dtype: "int32" }).dtype, "int32");
  assert.equal(x.to(torch.tensor([1n])).dtype, "int64", "to(other): other's dtype and device");
  assert.notEqual(x.to("cpu", { copy: true }), x);
  assert.deepEqual(x.to("cpu", { copy: true }).tolist(), [1.5, 2.5]);
  assert.throws(() => x.to({ device: "cpu", pinMemory: true } as never), { name: "TypeError", message: "to() got an unexpected keyword argument 'pinMemory'" });
  assert.throws(() => x.to("cpu", { device: "cpu" }), /got multiple values for argument 'device'/);
  assert.throws(() => x.to(5 as never), { name: "TypeError" });
  assert.throws(() => x.to("cuda"), { name: "RuntimeError" });
});

test("{ device } on creation functions: \"cpu\" and torch.device accepted, others refused with PyTorch's kinds", () => {
  assert.equal(torch.zeros(2, { device: "cpu" }).device.type, "cpu");
  assert.equal(torch.ones([2], { device: torch.device("cpu") }).device.type, "cpu");
  assert.equal(torch.zerosLike(torch.ones(2), { device: "cpu" }).device.type, "cpu");
  assert.throws(() => torch.zeros(2, { device: 0 as never }), { name: "TypeError", message: /argument 'device' must be a torch.device or a device string/ });
  assert.throws(() => torch.ones(2, { device: "cuda:0" }), { name: "RuntimeError", message: /Expected one of cpu, webgpu device type/ });
  assert.throws(() => new torch.nn.Linear(2, 3, { device: "tpu" }), { name: "RuntimeError" });
});

test("async readers resolve at once on the CPU with the sync readers' values", async () => {
  const x = torch.tensor([[1, 2], [3, 4]], { dtype: "float32" });
  assert.equal(await x.sum().itemAsync(), 10);
  assert.deepEqual(await x.tolistAsync(), [[1, 2], [3, 4]]);
  assert.deepEqual(Array.from((await x.t().dataAsync()) as Float32Array), [1, 3, 2, 4]);
  assert.equal(await x.cpuAsync(), x);
  assert.equal(await x.toStringAsync(), x.toString());
  await assert.rejects(x.itemAsync(), { name: "ValueError" });
});

test("webgpu before init: t.to(\"webgpu\") says to initialize it first (or why it is unavailable)", () => {
  assert.ok(beforeInit instanceof Error);
  assert.match((beforeInit as Error).message, /webgpu is not initialized: `await torch\.webgpu\.init\(\)`/);
});

test("torch.accelerator and torch.webgpu answer what the machine has", async () => {
  const available = await torch.accelerator.isAvailable();
  assert.equal(available, skip === "");
  assert.equal(await torch.webgpu.isAvailable(), available);
  assert.equal(torch.webgpu.isInitialized(), available);
  assert.equal(torch.accelerator.deviceCount(), available ? 1 : 0);
  const acc = torch.accelerator.currentAccelerator();
  if (available) assert.equal(String(acc), "webgpu:0");
  else assert.equal(acc, null);
  await torch.accelerator.synchronize();
});

// ---- webgpu --------------------------------------------------------------------------------

gpuTest("PyTorch's mixed-device error for every op over tensors on two devices", () => {
  const g = torch.ones(2, 3, { device: W });
  const c = torch.ones(2, 3);
  assert.throws(() => g.add(c), { name: "RuntimeError", message: `${MIXED}, webgpu:0 and cpu!` });
  assert.throws(() => c.mul(g), { name: "RuntimeError", message: `${MIXED}, cpu and webgpu:0!` });
  assert.throws(() => g.matmul(c.t()), new RegExp(MIXED));
  assert.throws(() => torch.cat([g, c]), new RegExp(MIXED));
  assert.throws(() => torch.where(c.gt(0), g, g), new RegExp(MIXED));
  assert.throws(() => g.gather(1, torch.zeros(2, 1, { dtype: "int64" })), new RegExp(MIXED));
  assert.throws(() => torch.F.linear(g, torch.ones(4, 3)), new RegExp(MIXED));
  assert.throws(() => torch.F.crossEntropy(g, torch.tensor([0, 1])), new RegExp(MIXED));
});

gpuTest("a 0-dim CPU tensor meets a webgpu tensor as a number (PyTorch's CPU-scalar rule), with tensor promotion", async () => {
  const g = torch.tensor([1, 2, 3], { dtype: "int32", device: W });
  const s = torch.tensor(0.5, { dtype: "float32" });
  const r = g.mul(s);
  assert.equal(String(r.device), "webgpu:0");
  assert.equal(r.dtype, "float32");
  assert.deepEqual(await r.tolistAsync(), [0.5, 1, 1.5]);
  assert.deepEqual(await torch.where(g.gt(1), s, g.float()).tolistAsync(), [1, 0.5, 0.5]);
  assert.deepEqual(await torch.ones(2, { device: W }).add(torch.tensor(2)).tolistAsync(), [3, 3]);
});

gpuTest(".to round trips keep values and dtypes; float64 is refused as PyTorch's MPS refuses it", async () => {
  const cases: Tensor[] = [
    torch.tensor([[1.5, -2.25], [1e-30, 3e38]], { dtype: "float32" }),
    torch.tensor([-7, 0, 2147483647], { dtype: "int32" }),
    torch.tensor([-(2n ** 62n), 5n, 2n ** 53n + 1n]),
    torch.tensor([true, false, true]),
  ];
  for (const x of cases) {
    const g = x.to(W);
    assert.equal(String(g.device), "webgpu:0");
    assert.equal(g.dtype, x.dtype);
    assert.deepEqual(Array.from((await g.toAsync("cpu")).contiguousData() as ArrayLike<unknown>), Array.from(x.contiguousData() as ArrayLike<unknown>), x.dtype);
  }
  // views move as their values
  const v = torch.arange(12, { dtype: "float32" }).reshape(3, 4).t().slice(0, 1, 3);
  assert.deepEqual(await v.to(W).tolistAsync(), v.tolist());
  const d = torch.tensor([1.5], { dtype: "float64" });
  assert.throws(() => d.to(W), { name: "TypeError", message: "Cannot convert a WebGPU Tensor to float64 dtype as WGSL doesn't support float64. Please use float32 instead." });
  assert.deepEqual(await d.to(W, "float32").tolistAsync(), [1.5]);
  assert.throws(() => torch.zeros(2, { dtype: "float64", device: W }), { name: "TypeError" });
  // within the device: casts; to(other) takes other's device
  const g = torch.tensor([1.7, -1.7], { device: W });
  assert.deepEqual(await g.to("int32").tolistAsync(), [1, -1]);
  assert.equal(String(torch.zeros(1).to(g).device), "webgpu:0");
  assert.equal(g.to(W), g);
});

gpuTest("synchronous readers of a webgpu tensor throw naming the async form; the async ones read", async () => {
  const g = torch.tensor([[1, 2], [3, 4]], { dtype: "float32", device: W });
  const m = (what: string, use: string) => ({ name: "RuntimeError", message: `${what}: the tensor is on webgpu:0, whose values are read asynchronously: use ${use}` });
  assert.throws(() => g.sum().item(), m("item()", "await t.itemAsync()"));
  assert.throws(() => g.tolist(), m("tolist()", "await t.tolistAsync()"));
  assert.throws(() => g.contiguousData(), m("contiguousData()", "await t.dataAsync()"));
  assert.throws(() => g.storage, m("storage", "await t.dataAsync()"));
  assert.throws(() => g.cpu(), /to\("cpu"\): the tensor is on webgpu:0, whose values are read asynchronously: use await t\.toAsync\("cpu"\) \(or await t\.cpuAsync\(\)\)/);
  assert.throws(() => g.to("cpu"), /await t\.toAsync\("cpu"\)/);
  // allclose and equal answer a boolean: their errors name the tensor-valued async form
  assert.throws(() => torch.allclose(g, g), m("allclose()", "await torch.isclose(input, other).all().itemAsync()"));
  assert.throws(() => g.equal(g), m("equal()", "await torch.eq(input, other).all().itemAsync() (and the shapes equal)"));
  assert.equal(await torch.isclose(g, g.add(1e-9)).all().itemAsync(), 1);
  assert.equal(await g.sum().itemAsync(), 10);
  assert.deepEqual(await g.t().tolistAsync(), [[1, 3], [2, 4]]);
  assert.deepEqual(Array.from((await g.dataAsync()) as Float32Array), [1, 2, 3, 4]);
  const c = await g.cpuAsync();
  assert.equal(c.device.type, "cpu");
  assert.deepEqual(c.tolist(), [[1, 2], [3, 4]]);
  assert.deepEqual((await g.toAsync("cpu", "int64")).tolist(), [[1, 2], [3, 4]]);
  assert.equal((await g.toAsync("cpu", "int64")).dtype, "int64");
});

gpuTest("printing a webgpu tensor says where it is and how to read it; toStringAsync prints PyTorch's repr", async () => {
  const g = torch.tensor([[1, 2.5]], { device: W, requiresGrad: true });
  const s = String(g);
  assert.equal(s, "tensor(<2 values on webgpu:0: print(await t.toStringAsync()) or read await t.tolistAsync()>,\n       device='webgpu:0', size=(1, 2), requires_grad=True)");
  assert.equal(await g.toStringAsync(), "tensor([[1.0000, 2.5000]], device='webgpu:0', requires_grad=True)");
  assert.equal(await g.mul(2).toStringAsync(), "tensor([[2., 5.]], device='webgpu:0', grad_fn=<MulBackward0>)");
  assert.equal(await torch.tensor([1, 2], { device: W }).toStringAsync(), "tensor([1, 2], device='webgpu:0')");
  assert.equal(await torch.tensor([1, 2], { dtype: "int32", device: W }).toStringAsync(), "tensor([1, 2], device='webgpu:0', dtype=torch.int32)");
});

gpuTest("{ device } on every creation and *Like function; random tensors hold the CPU's values under the same seed", async () => {
  const like = torch.ones(2, 3, { device: W });
  const made: Array<[string, () => Tensor, () => Tensor]> = [
    ["tensor", () => torch.tensor([[1, 2], [3, 4]], { device: W }), () => torch.tensor([[1, 2], [3, 4]])],
    ["zeros", () => torch.zeros(2, 3, { device: W }), () => torch.zeros(2, 3)],
    ["ones", () => torch.ones([2, 3], { device: W }), () => torch.ones([2, 3])],
    ["full", () => torch.full([2], 7, { device: W }), () => torch.full([2], 7)],
    ["full bool", () => torch.full([2], true, { device: W }), () => torch.full([2], true)],
    ["empty", () => torch.empty(3, { device: W }), () => torch.empty(3)],
    ["zerosLike", () => torch.zerosLike(like), () => torch.zeros(2, 3)],
    ["onesLike", () => torch.onesLike(like, { dtype: "int32" }), () => torch.ones(2, 3, { dtype: "int32" })],
    ["fullLike", () => torch.fullLike(like, -2), () => torch.full([2, 3], -2, { dtype: "float32" })],
    ["arange", () => torch.arange(1, 10, 3, { device: W }), () => torch.arange(1, 10, 3)],
    ["linspace", () => torch.linspace(0, 1, 7, { device: W }), () => torch.linspace(0, 1, 7)],
    ["eye", () => torch.eye(3, 2, { device: W }), () => torch.eye(3, 2)],
    ["rand", () => (torch.manualSeed(3), torch.rand(4, 5, { device: W })), () => (torch.manualSeed(3), torch.rand(4, 5))],
    ["randn (>= 16 elements: the vectorised path)", () => (torch.manualSeed(3), torch.randn(40, { device: W })), () => (torch.manualSeed(3), torch.randn(40))],
    ["randLike", () => (torch.manualSeed(4), torch.randLike(like)), () => (torch.manualSeed(4), torch.rand(2, 3))],
    ["randnLike", () => (torch.manualSeed(4), torch.randnLike(like)), () => (torch.manualSeed(4), torch.randn(2, 3))],
    ["randint", () => (torch.manualSeed(5), torch.randint(0, 10, [6], { device: W })), () => (torch.manualSeed(5), torch.randint(0, 10, [6]))],
    ["randperm", () => (torch.manualSeed(6), torch.randperm(8, { device: W })), () => (torch.manualSeed(6), torch.randperm(8))],
    ["uniform_", () => (torch.manualSeed(7), torch.empty(3, 4, { device: W }).uniform_(-1, 1)), () => (torch.manualSeed(7), torch.empty(3, 4).uniform_(-1, 1))],
    ["normal_ of a view", () => (torch.manualSeed(8), torch.zeros(4, 4, { device: W }).t().normal_(2, 3)), () => (torch.manualSeed(8), torch.zeros(4, 4).t().normal_(2, 3))],
    ["bernoulli_", () => (torch.manualSeed(9), torch.zeros(20, { device: W }).bernoulli_(0.3)), () => (torch.manualSeed(9), torch.zeros(20).bernoulli_(0.3))],
    ["dropout", () => (torch.manualSeed(10), torch.F.dropout(torch.ones(30, { device: W }), { p: 0.4 })), () => (torch.manualSeed(10), torch.F.dropout(torch.ones(30), { p: 0.4 }))],
  ];
  for (const [name, onGpu, onCpu] of made) {
    const g = onGpu();
    const c = onCpu();
    assert.equal(String(g.device), "webgpu:0", name);
    assert.equal(g.dtype, c.dtype, name);
    assert.deepEqual(await g.tolistAsync(), c.tolist(), name);
  }
});

gpuTest("module.to(device) moves parameters, buffers and gradients in place; an optimizer made before keeps working", async () => {
  torch.manualSeed(0);
  // (BatchNorm after the ReLU: a bias straight before it has a zero gradient, which Adam would
  // turn into the sign of float32 rounding noise)
  const make = () => new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.ReLU(), new torch.nn.BatchNorm1d(4), new torch.nn.Linear(4, 1));
  const net = make();
  const ref = make();
  ref.loadStateDict(net.stateDict());
  const params = net.parameters();
  const opt = new torch.optim.Adam(net.parameters(), { lr: 0.1 });
  const refOpt = new torch.optim.Adam(ref.parameters(), { lr: 0.1 });
  assert.equal(net.to(W), net);
  net.parameters().forEach((p, i) => assert.equal(p, params[i], "the same Parameter objects"));
  for (const t of [...net.parameters(), ...net.buffers()]) assert.equal(String(t.device), "webgpu:0");
  const x = torch.randn(5, 3);
  for (let step = 0; step < 3; step++) {
    for (const [m, o, input] of [[net, opt, x.to(W)], [ref, refOpt, x]] as const) {
      o.zeroGrad();
      (m.forward(input) as Tensor).pow(2).mean().backward();
      o.step();
    }
  }
  const sd = net.stateDict();
  const want = ref.stateDict();
  for (const [k, v] of Object.entries(sd)) {
    assert.equal(String(v.device), "webgpu:0", k);
    const got = (await v.tolistAsync()) as number[] | number;
    const w = want[k]!.tolist() as number[] | number;
    if (typeof w === "number") assert.equal(got, w, k);
    else (w as number[]).flat(2).forEach((e: number, i: number) => assert.ok(Math.abs(((got as number[]).flat(2)[i] as number) - e) < 1e-5, `${k}[${i}]`));
  }
  assert.throws(() => net.to("cpu"), /await t\.toAsync\("cpu"\)/);
  await net.toAsync("cpu");
  for (const t of [...net.parameters(), ...net.buffers()]) assert.equal(t.device.type, "cpu");
  net.parameters().forEach((p, i) => assert.equal(p, params[i]));
  assert.ok(net.parameters()[0]!.grad?.device.type === "cpu", "gradients moved back too");
  new torch.nn.Linear(2, 2).to(torch.device("webgpu"), "float32");
  const fresh = new torch.nn.Linear(2, 3, { device: W });
  assert.equal(String(fresh.weight.device), "webgpu:0");
});

gpuTest("state dicts of a webgpu module load from CPU tensors; saveAsync reads them back to a file torch.load reads", async () => {
  torch.manualSeed(1);
  const net = new torch.nn.Linear(4, 2).to(W);
  const cpuCopy = new torch.nn.Linear(4, 2);
  cpuCopy.loadStateDict({ weight: torch.ones(2, 4), bias: torch.tensor([1, 2], { dtype: "float32" }) });
  net.loadStateDict(cpuCopy.stateDict());
  assert.deepEqual(await net.bias!.tolistAsync(), [1, 2]);
  const dir = mkdtempSync(join(tmpdir(), "torch-ts-devices-"));
  try {
    assert.throws(() => torch.save(net.stateDict(), join(dir, "a.safetensors")), /torch\.save\(\): a tensor to save is on webgpu:0, whose values are read asynchronously: use await torch\.saveAsync/);
    for (const file of ["m.safetensors", "m.pt"]) {
      await torch.saveAsync({ model: net.stateDict(), step: 3 }, join(dir, file));
      const back = torch.load(join(dir, file)) as { model: Record<string, Tensor>; step: number };
      assert.deepEqual(back.model.weight!.tolist(), cpuCopy.weight.tolist(), file);
      assert.deepEqual(back.model.bias!.tolist(), [1, 2], file);
      assert.equal(back.model.bias!.device.type, "cpu");
    }
    const bytes = await torch.saveToBufferAsync(net.stateDict());
    assert.deepEqual((torch.loadFromBuffer(bytes) as Record<string, Tensor>).bias!.tolist(), [1, 2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

gpuTest("gradients across devices: back through cpuAsync to a webgpu leaf; a CPU leaf moved to webgpu says how to avoid the sync read", async () => {
  const w = torch.tensor([1, 2, 3], { dtype: "float32", device: W, requiresGrad: true });
  const h = await w.mul(2).cpuAsync();
  assert.equal(h.gradFn?.name, "ToCopyBackward0");
  h.pow(2).sum().backward();
  assert.equal(String(w.grad!.device), "webgpu:0");
  assert.deepEqual(await w.grad!.tolistAsync(), [8, 16, 24]);
  const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const y = x.to(W).mul(3).sum();
  assert.throws(() => y.backward(), /the gradient of a tensor copied from cpu to webgpu:0 would have to be read back synchronously; create the tensor on webgpu:0/);
});

gpuTest("in-place writes across devices: copy_ and fill_ of CPU values into webgpu tensors; indexing with CPU indices", async () => {
  const g = torch.zeros(2, 3, { device: W });
  g.copy_(torch.tensor([1, 2, 3], { dtype: "float32" }));
  assert.deepEqual(await g.tolistAsync(), [[1, 2, 3], [1, 2, 3]]);
  g.select(0, 1).fill_(9);
  assert.deepEqual(await g.tolistAsync(), [[1, 2, 3], [9, 9, 9]]);
  g.zero_();
  assert.deepEqual(await g.tolistAsync(), [[0, 0, 0], [0, 0, 0]]);
  assert.throws(() => torch.zeros(2).copy_(torch.ones(2, { device: W })), /await t\.toAsync\("cpu"\)/);
  const x = torch.arange(12, { dtype: "float32", device: W }).reshape(3, 4);
  assert.deepEqual(await x.index([torch.tensor([2, 0]), "1:3"]).tolistAsync(), [[9, 10], [1, 2]]);
  assert.deepEqual(await x.index([torch.tensor([2, 0], { device: W })]).tolistAsync(), [[8, 9, 10, 11], [0, 1, 2, 3]]);
  x.indexPut_([torch.tensor([1])], 0);
  assert.deepEqual(await x.index("1").tolistAsync(), [0, 0, 0, 0]);
  const mask = torch.tensor([true, false, true]);
  assert.deepEqual(await x.index(mask).sum(1).tolistAsync(), [6, 38]);
});

gpuTest("ops whose result size depends on values need the values on the host: their errors name the way", () => {
  const g = torch.tensor([0, 1, 2], { device: W });
  assert.throws(() => g.nonzero(), /nonzero\(\): the tensor is on webgpu:0, whose values are read asynchronously: use \(await x\.cpuAsync\(\)\)\.nonzero\(\)/);
  assert.throws(() => g.maskedSelect(g.gt(0)), /maskedSelect\(\): .* use x\.maskedSelect\(await mask\.cpuAsync\(\)\)/);
  assert.throws(() => g.index(g.gt(0)), /indexing with a bool mask: .* use x\.index\(await mask\.cpuAsync\(\)\)/);
  assert.throws(() => torch.bernoulli(torch.rand(3, { device: W })), /torch\.bernoulli\(await p\.cpuAsync\(\)\)/);
  assert.throws(() => torch.multinomial(torch.rand(3, { device: W }), 1), /torch\.multinomial\(await probs\.cpuAsync\(\), \.\.\.\)/);
});

gpuTest("an index out of range is found by the kernel and raised at the next read, with PyTorch's wording", async () => {
  const w = torch.randn(5, 3, { device: W });
  const bad = torch.tensor([1, 7], { device: W });
  const rows = torch.F.embedding(bad, w);
  await assert.rejects(rows.sum().itemAsync(), /index 7 is out of bounds for dimension 0 with size 5 \(found by a webgpu kernel recorded before this read\)/);
  assert.equal(await torch.F.embedding(torch.tensor([4], { device: W }), w).sum().itemAsync(), await w.select(0, 4).sum().itemAsync(), "later reads are clean");
});

gpuTest("optimizers, schedulers and clipGradNorm_ on webgpu parameters; what reads values says so", async () => {
  const p = torch.ones(3, { device: W, requiresGrad: true });
  p.grad = torch.tensor([3, 4, 0], { dtype: "float32", device: W });
  const norm = torch.nn.utils.clipGradNorm_([p], 1);
  assert.ok(Math.abs((await norm.itemAsync()) - 5) < 1e-6);
  assert.throws(() => torch.nn.utils.clipGradNorm_([p], 1, { errorIfNonfinite: true }), /errorIfNonfinite reads the total norm, which is on webgpu:0 .* Number\.isFinite\(await norm\.itemAsync\(\)\)/);
  const opt = new torch.optim.SGD([p], { lr: 1 });
  const sched = new torch.optim.lrScheduler.ReduceLROnPlateau(opt);
  assert.throws(() => sched.step(p.sum()), /scheduler\.step\(await metric\.itemAsync\(\)\)/);
  sched.step(await p.sum().itemAsync());
  const lbfgs = new torch.optim.LBFGS([p]);
  assert.throws(() => lbfgs.step(() => p.sum()), /LBFGS is not available for parameters on webgpu:0 yet/);
});

gpuTest("the backward pass hands its dead device temporaries back at once; memory queries and emptyCache", async () => {
  torch.manualSeed(2);
  const net = new torch.nn.Sequential(new torch.nn.Linear(64, 64), new torch.nn.Tanh(), new torch.nn.Linear(64, 10)).to(W);
  const x = torch.randn(32, 64, { device: W });
  const y = torch.randint(0, 10, [32], { device: W });
  const step = () => {
    const loss = torch.F.crossEntropy(net.forward(x) as Tensor, y);
    loss.backward();
    return loss;
  };
  step();
  await torch.webgpu.synchronize();
  const before = storagePoolStats.deviceReleased;
  const held = torch.webgpu.memoryAllocated();
  step();
  const released = storagePoolStats.deviceReleased - before;
  assert.ok(released >= 10, `backward released ${released} device buffers`);
  // what the step still holds without a collection: only the forward's tensors (and .grad, already there)
  assert.ok(torch.webgpu.memoryAllocated() - held < 64 * 1024, `${torch.webgpu.memoryAllocated() - held} bytes more after a step`);
  assert.ok(torch.webgpu.maxMemoryAllocated() >= torch.webgpu.memoryAllocated());
  assert.ok(torch.webgpu.memoryReserved() >= torch.webgpu.memoryAllocated());
  torch.webgpu.emptyCache();
  assert.equal(torch.webgpu.memoryReserved() - torch.webgpu.memoryAllocated(), torch.webgpu.memoryStats().reserved - torch.webgpu.memoryStats().allocated);
  assert.match(torch.webgpu.getDeviceName(), /\S/);
  assert.equal(torch.webgpu.deviceCount(), 1);
});

gpuTest("torch.distributed refuses webgpu tensors at the one place collectives copy storage, naming cpuAsync", async () => {
  const { stageIn, stageOut } = await import("../src/distributed/staging.ts");
  const t = torch.ones(4).to("webgpu");
  const shared = new SharedArrayBuffer(16);
  for (const f of [() => stageIn(t, shared, 0), () => stageOut(shared, 0, t)]) {
    assert.throws(f, (e: Error) => e.name === "RuntimeError" && /tensors on webgpu(:0)? are not staged yet; move them with \.cpuAsync\(\) first/.test(e.message));
  }
  // a CPU tensor goes through: its elements land in the shared memory
  stageIn(torch.tensor([1, 2, 3, 4], { dtype: "float32" }), shared, 0);
  assert.deepEqual(Array.from(new Float32Array(shared)), [1, 2, 3, 4]);
});
