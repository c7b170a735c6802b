// examples/cli.ts: the command line every example shares (strict parseArgs, --help, checked values).
import assert from "node:assert/strict";
import { test } from "node:test";
import { choiceFlag, intFlag, numberFlag, parseCli, usage, UsageError } from "../examples/cli.ts";

const flags = {
  steps: { type: "string", default: "3", help: "training steps" },
  model: { type: "string", default: "lstm", help: "lstm or transformer" },
  quiet: { type: "boolean", short: "q", help: "no progress bar" },
} as const;

test("parseCli: defaults, values, short flags", () => {
  assert.deepEqual({ ...parseCli("h", flags, []) }, { steps: "3", model: "lstm" });
  assert.deepEqual({ ...parseCli("h", flags, ["--steps", "5", "-q", "--model=transformer"]) }, { steps: "5", model: "transformer", quiet: true });
});

test("parseCli: unknown flags, missing values and stray arguments are usage errors (status 2) with the usage", () => {
  for (const [argv, message] of [
    [["--epoch", "1"], /Unknown option '--epoch'/],
    [["--steps"], /Option '--steps <value>' argument missing/],
    [["train"], /Unexpected argument 'train'/],
    [["--quiet=yes"], /Option '-q, --quiet' does not take an argument/],
  ] as const) {
    assert.throws(() => parseCli("Usage: x", flags, [...argv]), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && message.test(e.message) && e.message.includes("--model VALUE"));
  }
});

test("--help: the usage, status 0", () => {
  assert.throws(() => parseCli("Usage: x", flags, ["--help"]), (e: unknown) => e instanceof UsageError && e.exitCode === 0 && e.message === usage("Usage: x", flags));
  assert.equal(
    usage("Usage: x", flags),
    "Usage: x\n\nOptions:\n" +
      "  --steps VALUE            training steps (default 3)\n" +
      "  --model VALUE            lstm or transformer (default lstm)\n" +
      "  -q, --quiet              no progress bar\n" +
      "  --help                   print this help and exit\n",
  );
});

test("checked values", () => {
  assert.equal(intFlag("steps", "12"), 12);
  assert.equal(intFlag("future", "0", 0), 0);
  for (const v of ["two", "1.5", "0", "", "-3"]) assert.throws(() => intFlag("steps", v), /--steps must be an integer >= 1, got/);
  assert.equal(numberFlag("lr", "1e-3"), 1e-3);
  for (const v of ["0", "-1", "NaN", "Infinity", "fast"]) assert.throws(() => numberFlag("lr", v), /--lr must be a number > 0/);
  assert.equal(numberFlag("dropout", "0", true), 0);
  assert.equal(choiceFlag("model", "lstm", ["lstm", "transformer"]), "lstm");
  assert.throws(() => choiceFlag("model", "mpl", ["mlp", "cnn"]), /--model must be one of mlp, cnn, got 'mpl'/);
});
