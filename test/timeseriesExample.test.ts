// `npm run example:timeseries` (pytorch/examples' time_sequence_prediction): the port's first
// epoch (one L-BFGS step, 20 closure evaluations) against the same program run by PyTorch
// (tools/gen_timeseries_fixture.py), and the command line.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseCli, type UsageError } from "../examples/cli.ts";
import { FLAGS, HELP, sineWaves, train } from "../examples/timeseries.ts";
import fixture from "./fixtures/timeseries.json" with { type: "json" };
import { runExample } from "./runExample.ts";

const relClose = (actual: number, expected: number, rtol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= rtol * Math.abs(expected), `${what}: ${actual} vs PyTorch ${expected}`);

test("the sine waves: PyTorch's offsets (torch.randint under manual_seed(2)), int64, float64 data", () => {
  const f = fixture.original;
  const { offsets, data } = sineWaves(f.waves, f.length);
  assert.equal(offsets.dtype, "int64");
  assert.deepEqual(offsets.reshape(-1).tolist(), f.offsets);
  assert.equal(data.dtype, "float64");
  assert.deepEqual(data.shape, [100, 1000]);
  // data[i, t] = sin((t + offset_i) / 20)
  assert.equal(data.index("5, 7").item(), Math.sin((7 + f.offsets[5]!) / 20));
});

test("first epoch: the 20 L-BFGS closure losses equal PyTorch's to 1e-5 relative, and fall", () => {
  const f = fixture.small;
  const { results } = train({ waves: f.waves, length: f.length, steps: 1, future: f.future });
  const [r] = results;
  const expected = f.steps[0]!;
  assert.equal(r!.closureLosses.length, expected.closureLosses.length);
  r!.closureLosses.forEach((l, i) => relClose(l, expected.closureLosses[i]!, 1e-5, `closure ${i}`));
  relClose(r!.testLoss, expected.testLoss, 1e-5, "test loss");
  const head = r!.pred.index(`:, -${f.future}:`).index(":, :5").tolist() as number[][];
  head.flat().forEach((v, i) => relClose(v, expected.futureHead.flat()[i]!, 1e-5, `predicted future ${i}`));
  assert.ok(r!.closureLosses.at(-1)! < r!.closureLosses[0]! / 20);
});

test("the command line: a run writes the picture; --help; a wrong flag exits 2 with a message", () => {
  const out = mkdtempSync(join(tmpdir(), "timeseries-"));
  try {
    const ok = runExample("timeseries", ["--waves", "5", "--length", "30", "--steps", "1", "--future", "10", "--out", out]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /step 1: \d+ closures, loss [\d.e+-]+ -> [\d.e+-]+ \| test loss/);
    const svg = readFileSync(join(out, "timeseries-step1.svg"), "utf8");
    assert.equal(svg.match(/<polyline /g)!.length, 6); // 3 held-out waves, each known + predicted
    assert.equal(svg.match(/stroke-dasharray/g)!.length, 3);

    const bad = runExample("timeseries", ["--step", "2"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: Unknown option '--step'/);
    assert.match(bad.stderr, /--steps VALUE/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  assert.throws(() => parseCli(HELP, FLAGS, ["--help"]), (e: UsageError) => e.exitCode === 0 && /--steps VALUE\s+L-BFGS steps \(the original: 15\) \(default 4\)/.test(e.message));
  assert.deepEqual(parseCli(HELP, FLAGS, ["--steps", "2"]).steps, "2");
  assert.equal(parseCli(HELP, FLAGS, []).waves, "20");
});
