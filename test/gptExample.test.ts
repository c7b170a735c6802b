// `npm run example:gpt` (a character-level GPT on Moby Dick): the data, the causal mask, top-k
// sampling, a bounded training run that learns, and the command line.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as torch from "../src/index.ts";
import { parseCli, UsageError } from "../examples/cli.ts";
import { CausalSelfAttention, CharTokenizer, FLAGS, GPT, getBatch, HELP, mobyDick } from "../examples/gpt.ts";
import { runExample } from "./runExample.ts";

const config = { vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0 };

test("the text of Moby Dick, as int64 character ids that decode back to it", () => {
  const text = mobyDick();
  assert.equal(text.length, 1_213_144);
  assert.ok(text.startsWith("CONTENTS\n\n\nETYMOLOGY.\n"));
  // chapters joined by a blank line, without their headings: the Extracts end, chapter 1 begins
  assert.ok(text.includes("—Whale Song.\n\n\nCall me Ishmael. Some years ago—never mind how long precisely—having"));
  const tok = new CharTokenizer(text);
  assert.equal(tok.vocabSize, 89);
  const ids = tok.encode("Call me Ishmael.");
  assert.equal(ids.dtype, "int64");
  assert.equal(tok.decode(ids), "Call me Ishmael.");
  assert.throws(() => tok.encode("€"), /character "€" is not in the vocabulary/);
  const [x, y] = getBatch(tok.encode(text.slice(0, 1000)), 4, 16, new torch.Generator().manualSeed(0));
  assert.deepEqual([x.shape, y.shape, x.dtype], [[4, 16], [4, 16], "int64"]);
  assert.deepEqual(x.index(":, 1:").tolist(), y.index(":, :-1").tolist()); // targets: the next character
});

test("causal self-attention: position t sees only positions <= t", () => {
  torch.manualSeed(0);
  const attn = new CausalSelfAttention(config);
  const x = torch.randn(2, 6, 8);
  const changed = x.clone();
  changed.indexPut_(":, 4:", torch.randn(2, 2, 8)); // change the last two positions
  const a = attn.forward(x);
  const b = attn.forward(changed);
  assert.deepEqual(a.index(":, :4").tolist(), b.index(":, :4").tolist());
  assert.ok(a.index(":, 4:").sub(b.index(":, 4:")).abs().max().item() > 1e-3);
  // the first position attends to itself only: softmax over one score is 1, so y = proj(v_0)
  const v0 = attn.cAttn.forward(x.index(":, 0")).index(":, 16:");
  assert.ok(attn.cProj.forward(v0).sub(a.index(":, 0")).abs().max().item() < 1e-6);
});

test("GPT: initial loss ~ ln(vocab); top-k = 1 sampling is greedy decoding; longer contexts are cropped to the block", () => {
  torch.manualSeed(0);
  const model = new GPT(config);
  const idx = torch.randint(0, 11, [3, 8]);
  const { logits, loss } = model.forward(idx, idx);
  assert.deepEqual(logits.shape, [3, 8, 11]);
  assert.ok(Math.abs(loss!.item() - Math.log(11)) < 0.1, `${loss!.item()}`);
  model.eval();
  const start = torch.tensor([[1, 2, 3]]);
  const sampled = model.generate(start, 10, 0.7, 1, new torch.Generator().manualSeed(5));
  let greedy = start;
  for (let i = 0; i < 10; i++) {
    const ctx = greedy.size(1) > 8 ? greedy.index(":, -8:") : greedy;
    const next = torch.noGrad(() => model.forward(ctx).logits.index(":, -1").argmax(-1, true));
    greedy = torch.cat([greedy, next], 1);
  }
  assert.deepEqual(sampled.tolist(), greedy.tolist());
  // top-k = 3: every sampled character is among the 3 most likely
  const many = model.generate(torch.zeros(64, 1, { dtype: "int64" }), 1, 1.0, 3, new torch.Generator().manualSeed(1));
  const top3 = torch.noGrad(() => model.forward(torch.zeros(64, 1, { dtype: "int64" })).logits.index(":, -1").topk(3).indices);
  const next = many.index(":, 1").tolist() as number[];
  (top3.tolist() as number[][]).forEach((row, i) => assert.ok(row.includes(next[i]!), `sample ${i}`));
  assert.ok(new Set(next).size > 1, "samples, not the argmax every time");
});

test("a bounded run learns (validation loss falls from ln 89) and writes the sample and the loss curve; wrong flags exit 2", () => {
  const out = mkdtempSync(join(tmpdir(), "gpt-"));
  try {
    const r = runExample("gpt", ["--steps", "16", "--eval-interval", "8", "--eval-iters", "2", "--max-new-tokens", "40", "--batch-size", "8", "--out", out]);
    assert.equal(r.status, 0, r.stderr);
    const evals = [...r.stdout.matchAll(/^step (\d+): train loss ([\d.]+), val loss ([\d.]+)$/gm)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
    assert.deepEqual(evals.map((e) => e[0]), [0, 8, 16]);
    assert.ok(Math.abs(evals[0]![2]! - Math.log(89)) < 0.1, `initial val loss ${evals[0]![2]}`);
    assert.ok(evals[2]![2]! < evals[0]![2]! - 1, `val loss ${evals[0]![2]} -> ${evals[2]![2]}`);
    const sample = readFileSync(join(out, "gpt-sample.txt"), "utf8");
    assert.ok(sample.startsWith("Call me Ishmael. "));
    assert.equal([...sample].length, "Call me Ishmael. ".length + 40 + 1);
    assert.equal(readFileSync(join(out, "gpt-loss.svg"), "utf8").match(/<circle /g)!.length, 3);

    const bad = runExample("gpt", ["--n-embd", "30"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: --n-embd \(30\) must be a multiple of --n-head \(4\)/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  assert.throws(() => parseCli(HELP, FLAGS, ["--help"]), (e: UsageError) => e.exitCode === 0 && /--top-k VALUE/.test(e.message));
  assert.throws(() => parseCli(HELP, FLAGS, ["--topk", "3"]), /Unknown option '--topk'/);
});
