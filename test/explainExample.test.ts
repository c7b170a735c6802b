// `npm run example:explain`, bounded: a short training run writes every picture, and a second
// run loads the cached weights instead of training.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decode } from "fast-png";
import * as torch from "../src/index.ts";

const run = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "examples/explain.ts", ...args], {
    cwd: new URL("..", import.meta.url).pathname,
    encoding: "utf8",
    timeout: 240_000,
  });

test("example:explain writes the graph, the digit sheet and the token view, and reuses its weights", () => {
  const out = mkdtempSync(join(tmpdir(), "explain-"));
  try {
    const first = run(["--steps", "20", "--seconds", "60", "--out", out]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /trained 20 steps of 64 digits/);
    assert.match(first.stdout, /Integrated Gradients, 50 Gauss-Legendre steps: largest \|sum\(attributions\) - \(F\(x\) - F\(0\)\)\| = /);
    const graph = readFileSync(join(out, "cnn-graph.svg"), "utf8");
    for (const node of ["LogSoftmaxBackward0", "AddmmBackward0", "TBackward0", "ConvolutionBackward0", "MaxPool2DWithIndicesBackward0", "conv1.weight"]) {
      assert.ok(graph.includes(node), node);
    }
    // 4 pictures (rows) of 8 digits (columns), 112 x 112 pixels each, 4-pixel gaps
    const png = decode(readFileSync(join(out, "digits.png")));
    assert.deepEqual([png.width, png.height, png.channels], [8 * 112 + 9 * 4, 4 * 112 + 5 * 4, 4]);
    assert.match(readFileSync(join(out, "digits.svg"), "utf8"), /label 7, pred[\s\S]*Integrated Gradients/);
    const html = readFileSync(join(out, "tokens.html"), "utf8");
    assert.equal(html.match(/<mark /g)!.length, 18);
    const weights = torch.load(join(out, "cnn.safetensors")) as Record<string, torch.Tensor>;
    assert.deepEqual(weights["conv1.weight"]!.shape, [16, 1, 3, 3]);

    const second = run(["--out", out]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /^loaded .*cnn\.safetensors: held-out accuracy/m);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
