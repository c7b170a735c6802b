// `npm run example:mnist`: a bounded run writes the curves into the output folder; its command
// line is strict (issue 21: `--model mpl` used to train nothing and exit 0, `--epoch 1` was ignored).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { choiceFlag, parseCli, UsageError } from "../examples/cli.ts";
import { FLAGS, HELP } from "../examples/mnist.ts";
import { runExample } from "./runExample.ts";

test("example:mnist: one MLP epoch learns the digits and writes the curves; wrong flags exit 2", () => {
  const out = mkdtempSync(join(tmpdir(), "mnist-"));
  try {
    const r = runExample("mnist", ["--model", "mlp", "--epochs", "1", "--out", join(out, "sub", "curves.svg")]);
    assert.equal(r.status, 0, r.stderr);
    const acc = Number(/^MLP: held-out accuracy ([\d.]+)% after 1 epochs/m.exec(r.stdout)![1]);
    assert.ok(acc > 85 && acc <= 100, `accuracy ${acc}`);
    assert.doesNotMatch(r.stdout, /^CNN/m);
    assert.match(readFileSync(join(out, "sub", "curves.svg"), "utf8"), /MLP \(\d+\.\d\d%\)/);

    const bad = runExample("mnist", ["--model", "mpl"]);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, "error: --model must be one of mlp, cnn, both, got 'mpl'\n");
    assert.equal(bad.stdout, "");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  assert.throws(() => parseCli(HELP, FLAGS, ["--epoch", "1"]), (e: UsageError) => e.exitCode === 2 && /Unknown option '--epoch'/.test(e.message));
  assert.equal(parseCli(HELP, FLAGS, []).out, "out/mnist-curves.svg");
  assert.throws(() => choiceFlag("model", "MLP", ["mlp", "cnn", "both"]), UsageError);
});
