// The seed program against real PyTorch (test/fixtures/seed_program.json, tools/gen_seed_fixture.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";

const fx = JSON.parse(readFileSync(new URL("./fixtures/seed_program.json", import.meta.url), "utf8")) as {
  initial: Record<string, number[]>;
  final: Record<string, number[]>;
  x: number[];
  y: number[];
  losses: number[];
  lines: string[];
};

class Net extends torch.nn.Module {
  fc1 = new torch.nn.Linear(10, 5);
  fc2 = new torch.nn.Linear(5, 1);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(torch.relu(this.fc1.forward(x)));
  }
}

function assertClose(actual: ArrayLike<number>, expected: number[], rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-6);
    assert.ok(err < rel, `${what}[${i}]: expected ${expected[i]}, got ${actual[i]} (rel ${err})`);
  }
}

test("manualSeed(0) gives PyTorch's initial weights and data bit for bit", () => {
  torch.manualSeed(0);
  const net = new Net();
  const x = torch.randn(100, 10);
  const y = torch.randn(100, 1);
  for (const [k, v] of Object.entries(net.stateDict())) assert.deepEqual(Array.from((v.contiguousData() as Float64Array)), fx.initial[k], k);
  assert.deepEqual(Array.from((x.contiguousData() as Float64Array)), fx.x);
  assert.deepEqual(Array.from((y.contiguousData() as Float64Array)), fx.y);
});

test("1000 epochs from PyTorch's weights match its loss at every epoch and its final weights", () => {
  const net = new Net();
  const sd: Record<string, torch.Tensor> = {};
  for (const [k, v] of Object.entries(fx.initial)) sd[k] = torch.tensor(v).reshape(net.stateDict()[k].shape);
  net.loadStateDict(sd);
  const x = torch.tensor(fx.x).reshape(100, 10);
  const y = torch.tensor(fx.y).reshape(100, 1);
  const criterion = new torch.nn.MSELoss();
  const optimizer = new torch.optim.SGD(net.parameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < 1000; epoch++) {
    const loss = criterion.forward(net.forward(x), y);
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    losses.push(loss.item());
  }
  assertClose(losses, fx.losses, 1e-5, "loss");
  for (const [k, v] of Object.entries(net.stateDict())) assertClose((v.contiguousData() as Float64Array), fx.final[k], 1e-5, k);
});

test("npm start (examples/seed.ts) prints the Python original's ten lines", () => {
  const out = execFileSync(process.execPath, ["--import", "tsx", "examples/seed.ts"], { encoding: "utf8" });
  assert.deepEqual(out.trim().split("\n"), fx.lines);
});
