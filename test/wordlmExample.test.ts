// `npm run example:wordlm` (pytorch/examples' word_language_model): the first epoch's batch
// losses and the validation loss after it against the same program run by PyTorch
// (tools/gen_wordlm_fixture.py), float64 (see there why), and the command line.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as torch from "../src/index.ts";
import { parseCli, UsageError } from "../examples/cli.ts";
import { Corpus, CORPUS, FLAGS, HELP, run, TransformerModel, type Args } from "../examples/wordlm.ts";
import fixture from "./fixtures/wordlm.json" with { type: "json" };
import { runExample } from "./runExample.ts";

type Entry = (typeof fixture)["small"]["LSTM"];
const argsOf = (f: Entry, maxBatches?: number): Args => ({
  model: f.model as Args["model"], emsize: f.emsize, nhid: f.nhid, nlayers: f.nlayers, lr: f.lr, clip: f.clip, epochs: 1,
  batchSize: f.batchSize, bptt: f.bptt, dropout: f.dropout, tied: false, seed: f.seed, nhead: f.nhead, dryRun: false,
  dtype: f.dtype as "float64", maxBatches,
});
/** run() sets the default dtype to the run's (float64 here); the other tests expect float32 back. */
function withDefaultFloat32<T>(fn: () => T): T {
  try {
    return fn();
  } finally {
    torch.setDefaultDtype("float32");
  }
}
const relClose = (actual: number, expected: number, rtol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= rtol * Math.abs(expected), `${what}: ${actual} vs PyTorch ${expected}`);

test("the shipped corpus: data.py's dictionary and int64 ids", () => {
  const corpus = new Corpus(CORPUS);
  assert.equal(corpus.dictionary.length, fixture.small.LSTM.ntokens);
  assert.equal(corpus.train.numel(), fixture.small.LSTM.trainTokens);
  assert.equal(corpus.train.dtype, "int64");
  assert.deepEqual(corpus.dictionary.idx2word.slice(0, 6), ["call", "me", "ishmael", ".", "some", "years"]);
  assert.equal(corpus.dictionary.idx2word[corpus.train.index("-1").item()], "<eos>");
});

test("Transformer (lr 5): the whole first epoch's batch losses and the validation loss equal PyTorch's to 1e-5", () => {
  const f = fixture.small.Transformer;
  const { results, model } = withDefaultFloat32(() => run(argsOf(f)));
  assert.ok(model instanceof TransformerModel);
  const [r] = results;
  assert.equal(r!.losses.length, f.losses.length);
  r!.losses.forEach((l, i) => relClose(l, f.losses[i]!, 1e-5, `batch ${i}`));
  relClose(r!.valLoss, f.valLoss, 1e-5, "validation loss");
  assert.ok(r!.valLoss < f.losses[0]! - 1, "it learns");
});

test("LSTM (lr 20): the first 8 batch losses equal PyTorch's to 1e-5", () => {
  const f = fixture.small.LSTM;
  const { results } = withDefaultFloat32(() => run(argsOf(f, 8)));
  assert.equal(results[0]!.losses.length, 8);
  results[0]!.losses.forEach((l, i) => relClose(l, f.losses[i]!, 1e-5, `batch ${i}`));
});

test("the command line: a dry run writes the loss curve and the sample; wrong flags exit 2", () => {
  const out = mkdtempSync(join(tmpdir(), "wordlm-"));
  try {
    const r = runExample("wordlm", ["--dry-run", "--epochs", "1", "--emsize", "8", "--nhid", "8", "--words", "12", "--out", out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\| end of epoch {3}1 \| time: [\d.]+s \| valid loss [\d.]+ \| valid ppl +[\d.]+/);
    assert.match(r.stdout, /\| End of training \| test loss [\d.]+ \| test ppl/);
    assert.equal(readFileSync(join(out, "wordlm-loss.svg"), "utf8").match(/<circle /g)!.length, 1);
    const words = readFileSync(join(out, "wordlm-sample.txt"), "utf8").split(/\s+/).filter((w) => w !== "");
    assert.ok(words.length >= 1 && words.length <= 12, `${words.length} words`);

    const bad = runExample("wordlm", ["--model", "lstm"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: --model must be one of RNN_TANH, RNN_RELU, LSTM, GRU, Transformer, got 'lstm'/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  assert.throws(() => parseCli(HELP, FLAGS, ["--help"]), (e: UsageError) => e.exitCode === 0 && /--model VALUE\s+type of network/.test(e.message));
  assert.throws(() => parseCli(HELP, FLAGS, ["--batch_size", "4"]), /Unknown option '--batch_size'/);
});
