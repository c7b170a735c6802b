// Running the fixture cases of tools/fixtures_common.py's fcase() (real PyTorch 1.13) against a
// torch-ts function: forward values, then the gradients of sum(out_i * gradOutput_i) with respect
// to every leaf that requires grad, and a float64 gradcheck where the case asks for one.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { makeTensor, mismatch, type StoredInput, type StoredTensor } from "../ops/fixture-io.ts";

type Tensor = torch.Tensor;

export interface FCase {
  name: string;
  inputs: StoredInput[];
  outputs: StoredTensor[];
  gradOutputs: Array<StoredTensor | null>;
  grads: Array<StoredTensor | null>;
  gradcheck: boolean;
}
export interface ErrorCase {
  name: string;
  type: string;
  message: string;
}

export function loadJson<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), "utf8")) as T;
}

const argsOf = (c: FCase, leaves: Tensor[]): Tensor[] => leaves.map((l, i) => (c.inputs[i]!.view === "transpose" ? l.transpose(-2, -1) : l));
const asList = (r: Tensor | Tensor[]): Tensor[] => (Array.isArray(r) ? r : [r]);

export function checkFCase(c: FCase, fn: (...xs: Tensor[]) => Tensor | Tensor[]): void {
  const leaves = c.inputs.map((s) => makeTensor(s, s.requiresGrad));
  const outs = asList(fn(...argsOf(c, leaves)));
  assert.equal(outs.length, c.outputs.length, "number of outputs");
  outs.forEach((o, i) => assert.equal(mismatch(o, c.outputs[i]!), null, `output ${i}`));
  const diff = outs.filter((_, i) => c.gradOutputs[i] !== null);
  const wrt = leaves.filter((l) => l.requiresGrad);
  if (diff.length === 0 || wrt.length === 0) return;
  const gouts = c.gradOutputs.filter((g): g is StoredTensor => g !== null).map((g) => makeTensor(g));
  const grads = torch.autograd.grad(diff, wrt, { gradOutputs: gouts, allowUnused: true });
  let k = 0;
  leaves.forEach((l, i) => {
    if (!l.requiresGrad) return;
    const got = grads[k++];
    const want = c.grads[i];
    if (want === null || want === undefined) return;
    assert.ok(got, `input ${i} has no gradient`);
    assert.equal(mismatch(got, want), null, `grad of input ${i}`);
  });
  if (c.gradcheck) {
    const fresh = c.inputs.map((s) => makeTensor(s, s.requiresGrad));
    const f = (...ls: Tensor[]): Tensor[] => asList(fn(...argsOf(c, ls))).filter((o) => o.dtype === "float64");
    assert.equal(torch.autograd.gradcheck(f, fresh), true, "gradcheck");
  }
}

/** Asserts fn throws PyTorch's error type and message for the named case. */
export function assertThrowsCase(cases: ErrorCase[], name: string, fn: () => unknown): void {
  const c = cases.find((e) => e.name === name);
  if (!c) throw new Error(`no error case ${name}`);
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, `${name}: expected an Error`);
    const kind = e.name === "TorchTypeError" ? "TypeError" : e.name;
    assert.equal(`${kind}: ${e.message}`, `${c.type}: ${c.message}`, name);
    return true;
  });
}
