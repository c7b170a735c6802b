// SummaryWriter's events files, read back by the tests' own reader (both CRCs of every record,
// events decoded with TensorBoard's .proto files) and by Python's protobuf (Debian's
// python3-protobuf with the same .proto files compiled by protoc), which must decode them
// identically; truncated and crashed files keep every complete record.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { decode as decodePng } from "fast-png";
import * as torch from "../../src/index.ts";
import { DEFAULT_BINS } from "../../src/utils/tensorboard/summary.ts";
import { crc32c } from "../../src/utils/tensorboard/record.ts";
import { havePython, python } from "../onnx/helpers.ts";
import { LeNet } from "../onnx/models.ts";
import { decodeEvent, maskedCrc, PYTHON_DECODER, readEvents, readRecords, type PlainNode, type PlainValue } from "./reader.ts";

const { SummaryWriter } = torch.utils.tensorboard;
const root = mkdtempSync(join(tmpdir(), "torch-ts-tb-"));
after(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const newDir = (): string => join(root, `run${runs++}`);
const eventFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true }).map(String).filter((f) => f.split("/").pop()!.startsWith("events.out.tfevents.")).map((f) => join(dir, f)).sort();
const f32 = (v: number): number => Math.fround(v);

test("CRC-32C: the writer's table and the reader's bitwise loop agree with the standard check value", () => {
  const digits = new TextEncoder().encode("123456789");
  assert.equal(crc32c(digits), 0xe3069283);
  for (const n of [0, 1, 7, 64, 1000]) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
    const c = crc32c(data);
    assert.equal(maskedCrc(data), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
  }
});

test("file name, first event, default run directory as PyTorch names them", () => {
  const dir = newDir();
  const w = new SummaryWriter(dir, { filenameSuffix: ".v2" });
  w.close();
  const [file] = eventFiles(dir);
  assert.match(file.split("/").pop()!, new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${hostname().replace(/\./g, "\\.")}\\.${process.pid}\\.\\d+\\.v2$`));
  const [first] = readEvents(file);
  assert.equal(first.file_version, "brain.Event:2");
  assert.ok(Math.abs(first.wall_time - Date.now() / 1000) < 60);
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const d = new SummaryWriter(undefined, { comment: "_lr0.1" });
    d.close();
    assert.match(d.getLogdir(), new RegExp(`^runs/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\\d{2}_\\d{2}-\\d{2}-\\d{2}_${hostname().replace(/\./g, "\\.")}_lr0\\.1$`));
    assert.equal(eventFiles(join(root, d.getLogdir())).length, 1);
  } finally {
    process.chdir(cwd);
  }
});

test("scalars, histograms, images, text, hparams and the graph decode with TensorBoard's .proto files", () => {
  const dir = newDir();
  const w = new SummaryWriter(dir);
  for (let step = 0; step < 3; step++) w.addScalar("loss", 1 / (step + 1), step);
  w.addScalar("lr", torch.tensor(0.125), 5, 1700000000.5);
  w.addScalar("acc", 0.3, 6, { newStyle: true, doublePrecision: true });
  w.addScalars("run", { train: 0.5, test: torch.tensor([0.25]) }, 7);
  const values = torch.tensor([-2, -0.5, 0, 0, 0.25, 3, 3]);
  w.addHistogram("weights", values, 8);
  w.addHistogram("weights10", values, 8, 10);
  const digits = torch.tensor([[[[0, 0.5], [1, 0.25]]], [[[1, 1], [0, 0]]], [[[0.75, 0], [0, 1]]]]); // N1HW
  w.addImages("digits", digits, 9);
  w.addImage("hwc", torch.tensor([[[255, 0, 0], [0, 255, 0]]], { dtype: "int32" }), 9, { dataformats: "HWC" });
  w.addText("notes", "héllo **world**", 10);
  w.close();

  const events = readEvents(eventFiles(dir).find((f) => !f.includes("run_"))!);
  const byTag = new Map<string, Array<PlainValue & { step?: string; wall_time: number }>>();
  for (const e of events.slice(1)) for (const v of e.summary.value) byTag.set(v.tag, [...(byTag.get(v.tag) ?? []), { ...v, step: e.step, wall_time: e.wall_time }]);
  assert.deepEqual(byTag.get("loss")!.map((v) => [v.step, v.simple_value]), [[undefined, f32(1)], ["1", f32(0.5)], ["2", f32(1 / 3)]]);
  assert.deepEqual(byTag.get("lr")![0].wall_time, 1700000000.5);
  assert.deepEqual(byTag.get("acc")![0].tensor, { dtype: "DT_DOUBLE", double_val: [0.3] });
  assert.equal(byTag.get("acc")![0].metadata.plugin_data.plugin_name, "scalars");

  const hist = byTag.get("weights")![0].histo;
  assert.equal(hist.num, 7);
  assert.deepEqual([hist.min, hist.max, hist.sum, hist.sum_squares], [-2, 3, 3.75, 4 + 0.25 + 0.0625 + 18]);
  assert.equal(hist.bucket.reduce((p, q) => p + q, 0), 7);
  assert.ok(hist.bucket_limit.every((l) => DEFAULT_BINS.includes(l)));
  const hist10 = byTag.get("weights10")![0].histo;
  assert.deepEqual(hist10.bucket_limit, [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3]);
  assert.deepEqual(hist10.bucket, [0, 1, 0, 0, 1, 3, 0, 0, 0, 0, 2]);

  // The batch is a grid of 3 columns; one channel becomes RGB; floats scale by 255.
  const grid = byTag.get("digits")![0].image;
  assert.deepEqual([grid.height, grid.width, grid.colorspace], [2, 6, 3]);
  const png = decodePng(Buffer.from(grid.encoded_image_string, "base64"));
  assert.deepEqual([png.width, png.height, png.channels, png.depth], [6, 2, 3, 8]);
  const red = Array.from({ length: 12 }, (_, i) => png.data[i * 3]);
  assert.deepEqual(red, [0, 127, 255, 255, 191, 0, 255, 63, 0, 0, 0, 255]);
  const hwc = decodePng(Buffer.from(byTag.get("hwc")![0].image.encoded_image_string, "base64"));
  assert.deepEqual(Array.from(hwc.data), [255, 0, 0, 0, 255, 0]);

  const textValue = byTag.get("notes/text_summary")![0];
  assert.equal(textValue.metadata.plugin_data.plugin_name, "text");
  assert.equal(Buffer.from(textValue.tensor.string_val[0], "base64").toString("utf8"), "héllo **world**");
  assert.deepEqual(textValue.tensor.tensor_shape, { dim: [{ size: "1" }] });

  // addScalars: one run per tag under the main tag.
  for (const [tag, v] of [["train", 0.5], ["test", 0.25]] as const) {
    const sub = eventFiles(join(dir, `run_${tag}`));
    assert.equal(sub.length, 1);
    const ev = readEvents(sub[0])[1];
    assert.deepEqual([ev.step, ev.summary.value[0].tag, ev.summary.value[0].simple_value], ["7", "run", v]);
  }
});

test("addHparams writes the experiment, session start and end for the HParams plugin, and the metrics as scalars", () => {
  const dir = newDir();
  const w = new SummaryWriter(dir);
  w.addHparams({ lr: 0.1, optimizer: "adam", nesterov: true, skipped: null }, { "hparam/accuracy": 0.9 }, { optimizer: ["adam", "sgd"] }, "trial1");
  w.close();
  const events = readEvents(eventFiles(join(dir, "trial1"))[0]).slice(1);
  const contents = events.slice(0, 3).map((e) => [e.summary.value[0].tag, e.summary.value[0].metadata.plugin_data.content]);
  assert.deepEqual(contents[0], ["_hparams_/experiment", {
    experiment: {
      hparam_infos: [
        { name: "lr", type: "DATA_TYPE_FLOAT64" },
        { name: "optimizer", type: "DATA_TYPE_STRING", domain_discrete: { values: [{ string_value: "adam" }, { string_value: "sgd" }] } },
        { name: "nesterov", type: "DATA_TYPE_BOOL" },
      ],
      metric_infos: [{ name: { tag: "hparam/accuracy" } }],
    },
  }]);
  assert.deepEqual(contents[1], ["_hparams_/session_start_info", { session_start_info: { hparams: { lr: { number_value: 0.1 }, optimizer: { string_value: "adam" }, nesterov: { bool_value: true } } } }]);
  assert.deepEqual(contents[2], ["_hparams_/session_end_info", { session_end_info: { status: "STATUS_SUCCESS" } }]);
  assert.deepEqual([events[3].summary.value[0].tag, events[3].summary.value[0].simple_value], ["hparam/accuracy", f32(0.9)]);
});

test("addGraph: a GraphDef whose every input names a node, scoped by module, with shapes", () => {
  const dir = newDir();
  const w = new SummaryWriter(dir);
  const net = new LeNet();
  w.addGraph(net, torch.randn(2, 1, 28, 28));
  w.close();
  assert.equal(net.training, true);
  const ev = readEvents(eventFiles(dir)[0])[1];
  const g = ev.graph_def;
  assert.deepEqual(g.versions, { producer: 22 });
  const names = new Set(g.node.map((n: PlainNode) => n.name));
  for (const n of g.node) for (const i of n.input ?? []) assert.ok(names.has(i), `${n.name} reads ${i}`);
  const shape = (n: PlainNode): number[] => n.attr._output_shapes.list.shape[0].dim.map((d) => Number(d.size));
  const input = g.node.find((n: PlainNode) => n.name === "input/input.1")!;
  assert.deepEqual([input.op, shape(input)], ["IO Node", [2, 1, 28, 28]]);
  const output = g.node.find((n: PlainNode) => n.name === "output/output.1")!;
  assert.deepEqual([output.op, shape(output)], ["IO Node", [2, 10]]);
  const conv = g.node.filter((n: PlainNode) => n.op === "aten::convolution");
  assert.deepEqual(conv.map((n: PlainNode) => n.name.split("/").slice(0, 2).join("/")), ["LeNet/Conv2d[c1]", "LeNet/Conv2d[c2]"]);
  assert.ok(conv[0].input!.includes("LeNet/Conv2d[c1]/bias"));
  assert.match(Buffer.from(conv[0].attr.attr.s, "base64").toString(), /padding : \[2,2\]/);
  assert.deepEqual(g.node.filter((n: PlainNode) => n.op === "aten::max_pool2d_with_indices").length, 2);
  assert.deepEqual(g.node.filter((n: PlainNode) => n.op === "aten::addmm").map((n: PlainNode) => n.name.split("/")[1]), ["Linear[fc1]", "Linear[fc2]", "Linear[fc3]"]);
});

test("Python's protobuf (protoc-compiled TensorBoard .proto files) decodes every file identically", (t) => {
  if (!havePython(t, ["google.protobuf"])) return;
  if (spawnSync("protoc", ["--version"]).status !== 0) {
    if (process.env.CI) throw new Error("CI needs protoc (protobuf-compiler)");
    t.skip("protoc is not installed");
    return;
  }
  const files = eventFiles(root);
  assert.ok(files.length >= 8);
  const py = JSON.parse(python(PYTHON_DECODER, [join(import.meta.dirname, "../../proto"), ...files])) as Record<string, unknown[]>;
  for (const f of files) {
    const ours = readRecords(new Uint8Array(readFileSync(f))).records.map(decodeEvent);
    assert.deepEqual(py[f], JSON.parse(JSON.stringify(ours)), f);
  }
});

test("a file cut in the middle of a record still yields every complete record before it", () => {
  const dir = newDir();
  const w = new SummaryWriter(dir);
  for (let i = 0; i < 5; i++) w.addScalar("x", i, i);
  w.close();
  const file = eventFiles(dir)[0];
  const bytes = new Uint8Array(readFileSync(file));
  const whole = readRecords(bytes).records.length;
  assert.equal(whole, 6);
  for (const cut of [bytes.length - 1, bytes.length - 7, bytes.length - 20]) {
    const { records, trailing } = readRecords(bytes.subarray(0, cut));
    assert.equal(records.length, 5, `cut at ${cut}`);
    assert.ok(trailing > 0);
    assert.deepEqual(decodeEvent(records[4]).summary.value[0].simple_value, 3);
  }
  const corrupt = bytes.slice();
  corrupt[corrupt.length - 10] ^= 1;
  assert.throws(() => readRecords(corrupt), /bad data CRC/);
});

/** Runs a child process that writes events, then ends as `how` says. */
function child(dir: string, how: string): void {
  const script = join(root, `child${runs++}.ts`);
  writeFileSync(script, `
import * as torch from ${JSON.stringify(join(import.meta.dirname, "../../src/index.ts"))};
const w = new torch.utils.tensorboard.SummaryWriter(${JSON.stringify(dir)}, { maxQueue: 100, flushSecs: 3600 });
for (let i = 0; i < 3; i++) w.addScalar("x", i, i);
w.flush();
for (let i = 3; i < 6; i++) w.addScalar("x", i, i);
${how}
`);
  spawnSync(process.execPath, ["--import", "tsx", script], { timeout: 60_000, stdio: "ignore" });
}

test("events are flushed on exit (also after an uncaught error); a killed process keeps what was flushed", () => {
  const steps = (dir: string) => readEvents(eventFiles(dir)[0]).slice(1).map((e) => Number(e.step ?? 0));
  const thrown = newDir();
  child(thrown, `throw new Error("crash");`);
  assert.deepEqual(steps(thrown), [0, 1, 2, 3, 4, 5]);
  const killed = newDir();
  child(killed, `process.kill(process.pid, "SIGKILL");`);
  assert.deepEqual(steps(killed), [0, 1, 2]);
});

test("the timer writes held events every flushSecs, appending to the file", async () => {
  const dir = newDir();
  const w = new SummaryWriter(dir, { flushSecs: 0.1, maxQueue: 1000 });
  const file = eventFiles(dir)[0];
  const before = readFileSync(file);
  w.addScalar("x", 1, 1);
  assert.equal(statSync(file).size, before.length);
  await new Promise((r) => setTimeout(r, 400));
  const after1 = readFileSync(file);
  assert.ok(after1.length > before.length);
  assert.deepEqual(after1.subarray(0, before.length), before);
  w.close();
  // After close, writing again opens a new file (PyTorch's reopen), leaving the closed one as it was.
  w.addScalar("x", 2, 2);
  w.close();
  assert.equal(eventFiles(dir).length, 2);
  assert.deepEqual(readFileSync(file), after1);
});

test("bad arguments are PyTorch's errors", () => {
  const w = new SummaryWriter(newDir());
  assert.throws(() => w.addScalar("x", torch.tensor([1, 2])), (e: Error) => e.name === "ValueError" && /one element/.test(e.message));
  assert.throws(() => w.addScalar("x", 1, { step: 3 } as never), (e: Error) => e instanceof TypeError && /unexpected keyword argument 'step'/.test(e.message));
  assert.throws(() => new SummaryWriter(newDir(), { flush: 1 } as never), /unexpected keyword argument 'flush'/);
  assert.throws(() => w.addImage("i", torch.rand(2, 4, 4)), /1, 3 or 4 channels/);
  assert.throws(() => w.addImage("i", torch.rand(3, 4, 4), 0, { dataformats: "HW" }), /size of input tensor and input format are different/);
  assert.throws(() => w.addHistogram("h", torch.tensor([])), /The input has no element/);
  w.close();
});

test("histograms equal PyTorch's own make_histogram (its summary.py run by Debian's python3-torch and numpy)", (t) => {
  if (!havePython(t, ["numpy", "torch"])) return;
  torch.manualSeed(6);
  const values = torch.cat([torch.randn(2000).mul(3), torch.zeros(5), torch.tensor([1e-13, -7.5])]);
  const configs: Array<[string, "tensorflow" | number, number | null]> = [["default", "tensorflow", null], ["count30", 30, null], ["default_max100", "tensorflow", 100]];
  const dir = newDir();
  const w = new SummaryWriter(dir);
  for (const [tag, bins, maxBins] of configs) w.addHistogram(tag, values, 0, bins, null, maxBins);
  w.close();
  const ours = new Map(readEvents(eventFiles(dir)[0]).slice(1).map((e) => [e.summary.value[0].tag, e.summary.value[0].histo]));
  const valuesFile = join(dir, "values.json");
  writeFileSync(valuesFile, JSON.stringify({ values: Array.from(values.contiguousData() as Float32Array), configs }));
  const out = python(
    String.raw`
import ast, json, sys, importlib.util, os, textwrap
import numpy as np
base = os.path.join(importlib.util.find_spec("torch").submodule_search_locations[0], "utils", "tensorboard")
# make_histogram from PyTorch's summary.py, as written there but for one call that numpy >= 1.24
# rejects (a dtype= on a comparison ufunc; PyTorch later changed it the same way).
tree = ast.parse(open(os.path.join(base, "summary.py")).read())
fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "make_histogram")
code = ast.unparse(fn).replace("np.greater(counts, 0, dtype=np.int32)", "np.greater(counts, 0).astype(np.int32)")
ns = {"np": np, "HistogramProto": lambda **kw: {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in kw.items()}}
exec(code, ns)
# SummaryWriter.__init__'s default bins, from writer.py.
src = open(os.path.join(base, "writer.py")).read()
start = src.rfind("\n", 0, src.index("v = 1e-12")) + 1
env = {}
exec(textwrap.dedent(src[start:src.index("self.default_bins")]), env)
default_bins = env["neg_buckets"][::-1] + [0] + env["buckets"]
data = json.load(open(sys.argv[1]))
values = np.array(data["values"], dtype=np.float32).astype(float)
out = {}
for tag, bins, max_bins in data["configs"]:
    out[tag] = ns["make_histogram"](values, default_bins if bins == "tensorflow" else bins, max_bins)
print(json.dumps(out))`,
    [valuesFile],
  );
  const theirs = JSON.parse(out) as Record<string, Record<string, number | number[]>>;
  for (const [tag] of configs) {
    const o = ours.get(tag)!;
    const p = theirs[tag];
    assert.deepEqual(o.bucket_limit, p.bucket_limit, `${tag} limits`);
    assert.deepEqual(o.bucket, p.bucket, `${tag} counts`);
    assert.deepEqual([o.min, o.max, Number(o.num)], [p.min, p.max, p.num], tag);
    for (const k of ["sum", "sum_squares"] as const) assert.ok(Math.abs(o[k] - (p[k] as number)) <= 1e-9 * Math.abs(p[k] as number), `${tag} ${k}`);
  }
});
