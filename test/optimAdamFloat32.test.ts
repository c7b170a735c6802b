// Float32 Adam and AdamW against real PyTorch, bit for bit (tools/gen_adam_float32_fixture.py):
// three steps of a parameter of 301 floats (the wasm kernel) and of 37 (the TypeScript kernel),
// the parameter and every state tensor after each step. PyTorch rounds each op of its update to
// float32 and fuses three multiply-adds (src/backends/wasm/adam.ts); a kernel that rounded those
// twice, or kept double temporaries, differs: the kernel before this one (double temporaries)
// had 1 to 83 of the 301 parameters wrong after the first step, in every case.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";
import { minAdamElements } from "../src/backends/wasm/thresholds.ts";
import { dense } from "../src/ops/alloc.ts";

interface Step { grad: number[]; param: number[]; exp_avg: number[]; exp_avg_sq: number[]; max_exp_avg_sq: number[] | null }
interface Case { name: string; optimizer: "Adam" | "AdamW"; options: Record<string, unknown>; start: number[]; steps: Step[] }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/adam_float32.json", import.meta.url), "utf8")) as { cases: Case[] };

function assertBits(got: Tensor, want: number[], what: string): void {
  assert.equal(got.dtype, "float32", `${what}: dtype`);
  const g = dense(got) as Float32Array;
  assert.equal(g.length, want.length, `${what}: length`);
  const w = new Float32Array(want);
  let differ = 0, first = -1;
  for (let i = 0; i < g.length; i++) if (!Object.is(g[i], w[i])) { differ++; if (first < 0) first = i; }
  if (differ > 0) assert.fail(`${what}: ${differ} of ${g.length} floats differ from PyTorch's, first [${first}]: ${g[first]} vs ${w[first]}`);
}

for (const c of fixture.cases) {
  test(`float32 ${c.name}: PyTorch's bits after each of ${c.steps.length} steps`, () => {
    assert.equal(c.start.length >= minAdamElements, c.start.length === 301, "the long case runs on wasm, the short one in TypeScript");
    const p = torch.tensor(new Float32Array(c.start)).requiresGrad_();
    const opt = new torch.optim[c.optimizer]([p], c.options);
    c.steps.forEach((s, i) => {
      p.grad = torch.tensor(new Float32Array(s.grad));
      opt.step();
      const state = opt.state.get(p) as Record<string, Tensor>;
      const at = `step ${i + 1}`;
      assertBits(p.detach(), s.param, `${at} param`);
      assertBits(state.exp_avg!, s.exp_avg, `${at} exp_avg`);
      assertBits(state.exp_avg_sq!, s.exp_avg_sq, `${at} exp_avg_sq`);
      if (s.max_exp_avg_sq) assertBits(state.max_exp_avg_sq!, s.max_exp_avg_sq, `${at} max_exp_avg_sq`);
      else assert.equal(state.max_exp_avg_sq, undefined);
    });
  });
}
