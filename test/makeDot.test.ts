// torch.utils.makeDot against real PyTorch's graphs drawn the torchviz way (tools/gen_makedot_fixtures.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../src/index.ts";

const { nn, F } = torch;
type Tensor = torch.Tensor;
const close = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item() < 1e-5;
const fx = JSON.parse(readFileSync(new URL("./fixtures/makedot.json", import.meta.url), "utf8"));
const cases = fx.cases;

/** The grad_fn traversal the fixture records: [name, next names] per node, depth first. */
function traversal(out: Tensor): Array<[string, Array<string | null>]> {
  const seen = new Set<unknown>();
  const rows: Array<[string, Array<string | null>]> = [];
  const name = (e: unknown) => (e === null ? null : e instanceof torch.autograd.Node ? e.name : "AccumulateGrad");
  const visit = (e: torch.autograd.Node | Tensor | null) => {
    if (e === null || seen.has(e)) return;
    seen.add(e);
    if (!(e instanceof torch.autograd.Node)) return void rows.push(["AccumulateGrad", []]);
    rows.push([e.name, e.next.map(name)]);
    for (const u of e.next) visit(u);
  };
  visit(out.gradFn);
  return rows;
}

class Net extends nn.Module {
  fc1 = new nn.Linear(10, 5);
  fc2 = new nn.Linear(5, 1);
  override forward(x: Tensor): Tensor {
    return this.fc2.forward(torch.relu(this.fc1.forward(x)));
  }
}

function seedLoss() {
  torch.manualSeed(0);
  const net = new Net();
  const x = torch.randn(100, 10);
  const y = torch.randn(100, 1);
  return { net, loss: new nn.MSELoss().forward(net.forward(x), y) };
}

test("the seed network's backward graph has PyTorch's nodes, edges and DOT source", () => {
  const { net, loss } = seedLoss();
  assert.deepEqual(traversal(loss), cases.seed.traversal);
  assert.equal(torch.utils.makeDot(loss).source, cases.seed.dot);
  assert.equal(torch.utils.makeDot(loss, { params: Object.fromEntries(net.namedParameters()) }).source, cases.seed.dotParams);
  // the pairs themselves work as params too
  assert.equal(torch.utils.makeDot(loss, { params: net.namedParameters() }).source, cases.seed.dotParams);
});

test("F.linear records AddmmBackward0/MmBackward0 over W.t() with ATen's saved attributes and tensors", () => {
  for (const bias of [true, false]) {
    for (const [xg, wg] of [[true, true], [true, false], [false, true]] as const) {
      const c = cases[`linear_${bias ? "bias" : "nobias"}_x${xg ? 1 : 0}_w${wg ? 1 : 0}`];
      const x = torch.tensor(c.x).reshape(3, 4).requiresGrad_(xg);
      const w = torch.tensor(c.w).reshape(2, 4).requiresGrad_(wg);
      const b = bias ? torch.tensor(c.b).requiresGrad_() : undefined;
      const out = F.linear(x, w, b);
      const params = { x, w, ...(b ? { b } : {}) };
      assert.deepEqual(traversal(out), c.traversal);
      assert.equal(torch.utils.makeDot(out, { params, showAttrs: true, showSaved: true }).source, c.dot, `bias ${bias} x ${xg} w ${wg}`);
      assert.equal(torch.utils.makeDot(out, { params, showAttrs: true, maxAttrChars: 6 }).source, c.dotShort);
      // the gradients through the W.t() node are the product's
      const g = torch.randn(3, 2);
      out.backward(g);
      if (wg) assert.ok(close(w.grad!, g.t().mm(x.detach())));
      if (xg) assert.ok(close(x.grad!, g.mm(w.detach())));
      if (b) assert.ok(close(b.grad!, g.sum(0)));
    }
  }
});

class Square extends torch.autograd.Function {
  static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor, k: number): Tensor {
    ctx.saveForBackward(x);
    return x.mul(x).mul(k);
  }
  static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor) {
    const [x] = ctx.savedTensors;
    return [g.mul(x!).mul(2), null];
  }
}

test("a view output, a custom Function and a leaf used twice are drawn as torchviz draws them", () => {
  const c = cases.view_custom;
  const a = torch.tensor(c.a).reshape(3, 2).requiresGrad_();
  const v = Square.apply(a, 3).add(a).t();
  assert.deepEqual(traversal(v), c.traversal);
  assert.equal(torch.utils.makeDot(v, { params: { a } }).source, c.dot);
  assert.equal(torch.utils.makeDot(v, { params: { a }, showSaved: true }).source, c.dotSaved);
});

test("several outputs are drawn into one graph", () => {
  const c = cases.two_outputs;
  const p = torch.tensor(c.p).requiresGrad_();
  const o1 = p.mul(2).sum();
  const o2 = p.exp().mean();
  assert.deepEqual([...traversal(o1), ...traversal(o2)], c.traversal);
  assert.equal(torch.utils.makeDot([o1, o2], { params: { p } }).source, c.dot);
});

test("reductions over dims are SumBackward1/MeanBackward1, whole-tensor ones SumBackward0/MeanBackward0", () => {
  const x = torch.randn([3, 4], { requiresGrad: true });
  assert.deepEqual([x.sum().gradFn!.name, x.sum(1).gradFn!.name, x.mean().gradFn!.name, x.mean([0, 1]).gradFn!.name], [
    "SumBackward0", "SumBackward1", "MeanBackward0", "MeanBackward1",
  ]);
  assert.equal(x.t().gradFn!.name, "TBackward0");
});

test("showSaved after backward fails as PyTorch's saved-tensor access does; showAttrs still works", () => {
  const { loss } = seedLoss();
  loss.backward();
  assert.throws(() => torch.utils.makeDot(loss, { showSaved: true }), /Trying to backward through the graph a second time/);
  assert.match(torch.utils.makeDot(loss, { showAttrs: true }).source, /mat1 +: \[saved tensor\]/);
});

test("makeDot checks its arguments", () => {
  const { loss } = seedLoss();
  assert.throws(() => torch.utils.makeDot(loss, { show_attrs: true } as never), { name: "TypeError", message: /unexpected keyword argument 'show_attrs'/ });
  assert.throws(() => torch.utils.makeDot(loss, { params: { w: 3 as never } }), { name: "TypeError", message: /params\['w'\] is not a Tensor/ });
  assert.throws(() => torch.utils.makeDot(3 as never), { name: "TypeError" });
});

test("DOT identifiers and labels are quoted as the graphviz package quotes them", () => {
  const g = new torch.utils.Digraph();
  g.node("a b", 'say "hi"');
  g.node("node", "-1.5");
  g.node("x_1", "<b>html</b>");
  g.edge("1", "2", { dir: "none", color: "a b" });
  assert.equal(g.source, 'digraph {\n\t"a b" [label="say \\"hi\\""]\n\t"node" [label=-1.5]\n\tx_1 [label=<b>html</b>]\n\t1 -> 2 [color="a b" dir=none]\n}\n');
});

test("the graph renders to SVG through Graphviz (wasm) and as text without it", async () => {
  const { net, loss } = seedLoss();
  const dot = torch.utils.makeDot(loss, { params: net.namedParameters() });
  const svg = await dot.pipe("svg", { renderer: "graphviz" });
  assert.match(svg, /^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
  for (const name of ["MseLossBackward0", "AddmmBackward0", "ReluBackward0", "TBackward0", "AccumulateGrad", "fc1.weight", "fc2.bias"]) assert.ok(svg.includes(name), name);
  // one <g class="node"> per distinct node statement: 1 output + 4 leaves + 4 AccumulateGrad + 6 backward nodes
  assert.equal(svg.match(/class="node"/g)!.length, 15);
  assert.equal(svg.match(/class="edge"/g)!.length, 14);

  const text = await dot.pipe("txt", { renderer: "text" });
  assert.equal(
    text,
    [
      "() [output]",
      "└─ MseLossBackward0",
      "   └─ AddmmBackward0",
      "      ├─ AccumulateGrad",
      "      │  └─ fc2.bias (1) [leaf]",
      "      ├─ ReluBackward0",
      "      │  └─ AddmmBackward0",
      "      │     ├─ AccumulateGrad",
      "      │     │  └─ fc1.bias (5) [leaf]",
      "      │     └─ TBackward0",
      "      │        └─ AccumulateGrad",
      "      │           └─ fc1.weight (5, 10) [leaf]",
      "      └─ TBackward0",
      "         └─ AccumulateGrad",
      "            └─ fc2.weight (1, 5) [leaf]",
      "",
    ].join("\n"),
  );
  const textSvg = await dot.pipe("svg", { renderer: "text" });
  assert.equal(textSvg.match(/<text /g)!.length, 15);
  assert.ok(textSvg.includes("fc1.weight (5, 10) [leaf]"));
  await assert.rejects(dot.pipe("png", { renderer: "text" }), /the text renderer draws "svg" or "txt"/);
  await assert.rejects(dot.pipe("svg", { engine: "dot" } as never), { name: "TypeError" });
});

test("the text drawing marks a node met twice and lists saved tensors under their node", async () => {
  const p = torch.randn([3], { requiresGrad: true });
  const q = p.exp();
  const out = q.mul(q).sum();
  const text = await torch.utils.makeDot(out, { params: { p }, showSaved: true }).pipe("txt", { renderer: "text" });
  assert.match(text, /MulBackward0\n/);
  assert.match(text, /ExpBackward0 \(above\)/);
  assert.match(text, /· saved\[0\] \(3\) \[saved\]/);
});

test("without the optional packages installed, pipe() draws text (warning once) and toPNG() says what is missing", async () => {
  const { spawnSync } = await import("node:child_process");
  // a resolve hook that makes @viz-js/viz and fast-png missing, as on an install without them
  const hook = `export async function resolve(s, c, next) { if (s === "@viz-js/viz" || s === "fast-png") throw Object.assign(new Error("Cannot find package '" + s + "'"), { code: "ERR_MODULE_NOT_FOUND" }); return next(s, c); }`;
  const register = `import { register } from "node:module"; register("data:text/javascript,${encodeURIComponent(hook)}");`;
  const script = `
    import * as torch from "./src/index.ts";
    const p = torch.randn([3], { requiresGrad: true });
    const dot = torch.utils.makeDot(p.exp().sum(), { params: { p } });
    const a = await dot.pipe("svg");
    const b = await dot.pipe("svg");
    console.log(a.startsWith("<svg") && a.includes("ExpBackward0") && a === b ? "text svg" : "graphviz svg");
    await dot.pipe("svg", { renderer: "graphviz" }).catch((e) => console.log(e.name + ": " + e.message));
    const fig = torch.interpret.visualization.visualizeImageAttr(torch.randn(2, 2, 1));
    await fig.toPNG().catch((e) => console.log(e.name + ": " + e.message));`;
  const r = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(register)}`, "--import", "tsx", "--input-type=module", "-e", script], {
    cwd: new URL("..", import.meta.url).pathname,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n"), [
    "text svg",
    "RuntimeError: rendering DOT with Graphviz needs the optional package @viz-js/viz (npm install @viz-js/viz)",
    "RuntimeError: writing PNG needs the optional package fast-png (npm install fast-png); Figure.toSVG() needs nothing",
  ]);
  assert.equal(r.stderr.match(/@viz-js\/viz is not installed, so graphs are drawn as text/g)?.length, 1);
});
