// defaultCollate against PyTorch 1.13's default_collate (fixtures from tools/gen_data_fixtures.py),
// plus the JavaScript-only cases (typed arrays, Map, bigint) and its errors.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as torch from "../src/index.ts";
import { defaultCollate, defaultConvert } from "../src/utils/data/index.ts";

const fx = JSON.parse(readFileSync(new URL("./fixtures/data_sampling.json", import.meta.url), "utf8"));

type Desc =
  | { tensor: { dtype: string; shape: number[]; values: (number | boolean)[] } }
  | { dict: Record<string, Desc> }
  | { list: Desc[] }
  | { value: unknown };

/** Fixture samples: tensors are written as {"__tensor__": nested, "dtype": name}. */
function decode(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(decode);
  if (typeof x === "object" && x !== null) {
    const o = x as Record<string, unknown>;
    if ("__tensor__" in o) return torch.tensor(o.__tensor__ as number[], { dtype: o.dtype as torch.DType });
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v)]));
  }
  return x;
}

function describeValue(x: unknown): Desc {
  if (x instanceof torch.Tensor) {
    const values = x.dtype === "bool" ? (x.reshape(-1).tolist() as boolean[]) : (x.reshape(-1).tolist() as number[]);
    return { tensor: { dtype: x.dtype, shape: x.shape.slice(), values } };
  }
  if (Array.isArray(x)) return { list: x.map(describeValue) };
  if (typeof x === "object" && x !== null) {
    return { dict: Object.fromEntries(Object.entries(x).map(([k, v]) => [k, describeValue(v)])) };
  }
  return { value: x };
}

describe("defaultCollate matches PyTorch's default_collate", () => {
  for (const [name, c] of Object.entries(fx.collate as Record<string, { batch: unknown[]; out: Desc }>)) {
    it(name, () => {
      const out = defaultCollate(decode(c.batch) as unknown[]);
      assert.deepEqual(describeValue(out), c.out);
    });
  }
});

describe("defaultCollate: JavaScript values", () => {
  it("stacks typed arrays like NumPy arrays, keeping float32/float64/int32", () => {
    const f = defaultCollate([new Float32Array([1, 2]), new Float32Array([3, 4])]);
    assert.equal(f.dtype, "float32");
    assert.deepEqual(f.tolist(), [
      [1, 2],
      [3, 4],
    ]);
    const u = defaultCollate([new Uint8Array([255, 0]), new Uint8Array([7, 8])]);
    assert.equal(u.dtype, "int32"); // bytes are pixel values, not booleans
    assert.deepEqual(u.tolist(), [
      [255, 0],
      [7, 8],
    ]);
    assert.equal(defaultCollate([new Float64Array([1]), new Float64Array([2])]).dtype, "float64");
  });
  it("copies typed-array samples (a dataset may reuse its buffer)", () => {
    const buf = new Float32Array([1, 2]);
    const out = defaultCollate([buf]);
    buf[0] = 99;
    assert.deepEqual(out.tolist(), [[1, 2]]);
  });
  it("collates Maps, bigints and tuples of tensors", () => {
    const m = defaultCollate([new Map([["a", 1]]), new Map([["a", 2]])]);
    assert.ok(m instanceof Map);
    assert.deepEqual(m.get("a")!.tolist(), [1, 2]);
    const b = defaultCollate([10n, 2n ** 60n + 1n]);
    assert.equal(b.dtype, "int64");
    assert.deepEqual(Array.from(b.storage as BigInt64Array), [10n, 2n ** 60n + 1n]); // exact beyond 2^53
    const [x, y] = defaultCollate([
      [torch.ones(2), 0],
      [torch.zeros(2), 1],
    ] as [torch.Tensor, number][]);
    assert.deepEqual(x.shape, [2, 2]);
    assert.deepEqual(y.tolist(), [0, 1]);
  });
  it("integers make an int64 batch (PyTorch's Python ints), any non-integer a float64 one", () => {
    assert.equal(defaultCollate([1, 2.5]).dtype, "float64");
    assert.equal(defaultCollate([1, 2 ** 40]).dtype, "int64");
    assert.deepEqual(defaultCollate([1, 2 ** 40]).tolist(), [1, 2 ** 40]);
    assert.equal(defaultCollate([1, -3]).dtype, "int64");
    assert.equal(defaultCollate([1, 1e300]).dtype, "float64", "beyond int64 a number is a float");
  });
  it("keeps the autograd graph of stacked tensors", () => {
    const a = torch.ones(2).requiresGrad_();
    const out = defaultCollate([a, a]);
    out.sum().backward();
    assert.deepEqual(a.grad!.tolist(), [2, 2]);
  });
});

describe("defaultCollate errors", () => {
  it("lists of unequal size", () => {
    assert.throws(() => defaultCollate([[1, 2], [3]]), /each element in list of batch should be of equal size/);
  });
  it("tensors of unequal shape name both shapes", () => {
    assert.throws(() => defaultCollate([torch.ones(2), torch.ones(3)]), /stack expects each tensor to be equal size, but got \[2\] at entry 0 and \[3\] at entry 1/);
  });
  it("unsupported or mixed types", () => {
    assert.throws(() => defaultCollate([null, null]), (e: Error) => e.name === "TypeError" && /found null/.test(e.message));
    assert.throws(() => defaultCollate([new Date(0)]), /found Date/);
    assert.throws(() => defaultCollate([1, "a"]), /element 0 of the batch is a number but element 1 is string/);
    assert.throws(() => defaultCollate([{ a: 1 }, { b: 2 }]), /element 1 of the batch has no key 'a'/);
    assert.throws(() => defaultCollate([]), /cannot collate an empty batch/);
  });
});

describe("defaultConvert (batchSize null)", () => {
  it("turns typed arrays into tensors and leaves the rest", () => {
    const out = defaultConvert({ x: new Float32Array([1, 2]), y: 3, s: "a" }) as { x: torch.Tensor; y: number; s: string };
    assert.ok(out.x instanceof torch.Tensor);
    assert.deepEqual(out.x.tolist(), [1, 2]);
    assert.equal(out.y, 3);
    assert.equal(out.s, "a");
  });
});
