// How values cross to DataLoader workers (src/utils/data/transport.ts), checked in one thread
// through structuredClone, which is what postMessage does: tensors and views, Parameters,
// Generators, class instances by module, cycles, escaped tags; what cannot be sent; the stack
// formats the class's module is read from; which buffers a batch may transfer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../src/index.ts";
import { StorageBox } from "../src/tensor.ts";
import {
  buffersOf,
  decode,
  encode,
  encodeResult,
  moduleOfConstructor,
  resolveRefs,
  setBuiltins,
} from "../src/utils/data/transport.ts";
import { Counter, Scale, WithHelpers } from "./fixtures/data/workerDatasets.ts";

setBuiltins(torch);

/** What the receiving thread gets: encode, structured clone, resolve, decode. */
async function send<T>(value: T): Promise<T> {
  const wire = structuredClone(encode(value));
  return decode(wire, await resolveRefs(wire, [new URL("./fixtures/data/workerDatasets.ts", import.meta.url).href])) as T;
}

describe("transport: values", () => {
  it("plain data, cycles and shared references, Maps, Sets, typed arrays, bigints, an object using the tag key", async () => {
    const shared = { s: 1 };
    const v: Record<string, unknown> = { a: [1, "x", true, null, 2n ** 70n], m: new Map<unknown, unknown>([[1, shared]]), set: new Set([shared]), f: new Float32Array([1.5]), "\u00a7torch": "T", shared };
    v.self = v;
    const got = await send(v);
    assert.deepEqual(got.a, v.a);
    assert.equal(got.self, got);
    assert.equal((got.m as Map<number, unknown>).get(1), got.shared);
    assert.equal([...(got.set as Set<unknown>)][0], got.shared);
    assert.deepEqual(got.f, new Float32Array([1.5]));
    assert.equal(got["\u00a7torch"], "T");
  });

  it("tensors keep dtype, shape, strides and offset; views of one storage share it on arrival", async () => {
    const base = torch.arange(12).reshape(3, 4).float();
    const view = base.t().narrow(0, 1, 2);
    const [b, w] = await send([base, view]);
    assert.deepEqual(w.tolist(), view.tolist());
    assert.deepEqual([w.strides, w.offset, w.dtype], [view.strides, view.offset, view.dtype]);
    assert.equal(w._box, b._box);
    assert.ok(w._box instanceof StorageBox);
    b.fill_(0);
    assert.deepEqual(w.tolist(), [[0, 0, 0], [0, 0, 0]]);
  });

  it("Parameters, tensors that require grad, Generators with their state", async () => {
    const p = new torch.nn.Parameter(torch.ones(2));
    const r = torch.zeros(2).requiresGrad_(true);
    const g = new torch.Generator().manualSeed(3);
    g.random();
    const [p2, r2, g2] = await send([p, r, g]);
    assert.ok(p2 instanceof torch.nn.Parameter && p2.requiresGrad);
    assert.ok(r2.requiresGrad && !(r2 instanceof torch.nn.Parameter));
    assert.ok(g2 instanceof torch.Generator && g2 !== g);
    assert.equal(g2.random(), g.random());
  });

  it("class instances by their module: the prototype, own fields, no constructor run", async () => {
    const c = new Counter(5);
    c.calls = 7;
    const got = await send({ c, cls: Scale, ds: new torch.utils.data.TensorDataset(torch.ones(2, 1)) });
    assert.ok(got.c instanceof Counter);
    assert.equal(got.c.calls, 7);
    assert.deepEqual(got.c.getItem(1), [1, 8]);
    assert.equal(got.cls, Scale);
    assert.ok(got.ds instanceof torch.utils.data.TensorDataset);
    const h = await send(new WithHelpers(3));
    assert.equal(h.transform(1), 2);
  });
});

describe("transport: what cannot be sent", () => {
  it("anonymous functions, symbols, WeakMaps, Promises, built-ins: TypeErrors naming the field", () => {
    const anon = [(x: number) => x][0]!;
    assert.throws(() => encode({ deep: { f: anon } }), (e: Error) => e instanceof TypeError && /'deep\.f' is an anonymous function/.test(e.message));
    assert.throws(() => encode({ s: Symbol("x") }), /'s' is a symbol/);
    assert.throws(() => encode({ w: new WeakMap() }), /'w' is a WeakMap/);
    assert.throws(() => encode([Promise.resolve(1)]), /'\[0\]' is a Promise/);
    assert.throws(() => encode({ f: Math.max }), /'f' is the built-in max/);
  });

  it("a ref whose export has other source text is refused", async () => {
    const wire = structuredClone(encode(new Counter(1))) as { "\u00a7torch": string; cls: { src: string } };
    wire.cls.src = wire.cls.src.replace("calls", "callz");
    await assert.rejects(resolveRefs(wire, []), /the export Counter of .*workerDatasets\.ts is not the class Counter the main thread sent \(their source differs\)/);
  });
});

describe("transport: where a class is defined", () => {
  it("reads V8 and Firefox/Safari constructor frames, the outermost of the chain", () => {
    const v8 = "Error\n    at recordDefinitionSite (/x/transport.ts:1:1)\n    at new Dataset (/x/dataset.ts:2:3)\n    at new Mine (file:///app/ds.js:10:5)\n    at new Mine (file:///app/ds.js:12:5)\n    at main (file:///app/main.js:1:1)";
    assert.equal(moduleOfConstructor(v8, "Mine"), "file:///app/ds.js");
    assert.equal(moduleOfConstructor("    at new Mine (/app/my ds.ts:3:4)", "Mine"), "file:///app/my%20ds.ts");
    const ff = "recordDefinitionSite@http://h/t.js:1:1\nDataset@http://h/dataset.js:2:2\nMine@http://h/ds.js:5:6\n@http://h/page.html:9:1";
    assert.equal(moduleOfConstructor(ff, "Mine"), "http://h/ds.js");
    assert.equal(moduleOfConstructor(v8, "Other"), undefined);
  });
});

describe("transport: which batch buffers move", () => {
  it("fresh storage spanning its buffer moves; samples', small, shared-buffer and older storage is copied", () => {
    const fresh = torch.zeros(1024);
    const small = torch.zeros(4);
    const sample = torch.ones(1024);
    const old = torch.ones(1024);
    const big = new Float32Array(4096);
    const part = torch.tensor([0]).float();
    part._box.data = big.subarray(0, 1024);
    const allocated = new Set([fresh.storage, small.storage, sample.storage, part.storage]);
    const { transfer } = encodeResult([fresh, small, sample, old, part], allocated, buffersOf([{ x: sample }]));
    assert.deepEqual(transfer, [fresh.storage.buffer]);
  });
});
